// Pages and API of a review case's working stages: requests to agencies (with the
// overview across the reader's cases), the family's involvement, the Home Office quality
// assurance panel, documents, and a safeguarding adults review's markers and findings.
// As for the case itself, every route asks the policy before loading anything (404 to
// anyone not named on the case) and writes an audit entry of the read; a document
// downloaded is audited as a restricted read. The public reaches only the published
// documents of a published review. Uploads (PDF or .docx, up to 20MB) are read only on
// the upload routes, after the policy and the form's token have been checked.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { authorize, can } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { readInMemoryUpload, uploadGate } from '../../web/uploads.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { todayIso } from '../partnership/domain.ts';
import { fromApi } from '../partnership/presenters.ts';
import { PAPER_SIZE_LIMIT } from '../meetings/papers.ts';
import { findCase, listKinds, listPublishedReviews, type CaseRow } from './store.ts';
import { auditCaseReads, caseResource, readableCaseIds } from './reading.ts';
import { caseReference, kindOf } from './presenters.ts';
import {
  DOCUMENT_KINDS, FAMILY_KINDS, FEEDBACK_STATUSES, FINDING_DECISIONS, QA_OUTCOMES, REQUEST_KINDS, SAR_MARKERS,
} from './stages.domain.ts';
import {
  findDocumentContent, listAgencyRequests, listDocuments, listCopiesSent, listFamilyEntries, listFeedback, listPublishedDocuments, listRequestEvents, listSarFindings, listSarMarkers,
} from './stages.store.ts';
import {
  addCopySent, addFamilyEntry, addFeedback, addSarFinding, chaseAgencyRequest, decideSarFinding, receiveAgencyRequest, recordQa, sendAgencyRequest, setSarMarkers,
  updateFeedback, uploadDocument, type MailContext, type Upload,
} from './stages.commands.ts';
import { presentDocument, presentCopySent, presentFamilyEntry, presentFeedback, presentFinding, presentRequest, qaDates } from './stages.presenters.ts';
import {
  AgencyRequest, AgencyRequestInput, ChaseInput, DocParams, FamilyEntry, FamilyEntryInput, CopySent, CopySentInput, Feedback, FeedbackInput, FeedbackUpdateInput, Finding,
  FindingDecisionInput, FindingInput, FindingParams, ItemParams, MarkersInput, QaInput, QaView, RequestParams, ReviewDocument, SarView,
} from './stages.schemas.ts';
import { IdParams, ListOf } from './schemas.ts';

declare module 'fastify' {
  interface FastifyRequest {
    reviewUpload: Upload | null;
  }
}

const V = (name: string) => `reviews/views/stages/${name}.njk`;
type P = Record<string, string>;
const params = (req: FastifyRequest) => req.params as P;

/** Only the case's coordinators get an upload's body read: the policy is asked as the request arrives. */
const caseUploadGate = uploadGate((req) => {
  const id = params(req).id ?? '';
  authorize(req.actor, 'read', caseResource(id));
  authorize(req.actor, 'update', caseResource(id));
});

/** Reads a multipart upload (fields and one file named "file") into req.reviewUpload. */
async function readUpload(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!req.isMultipart()) return;
  req.reviewUpload = await readInMemoryUpload(req, reply, 'document');
}

/** The upload of a request: a multipart form, or JSON { fileName, contentBase64, ... } from the API. */
function uploadOf(req: FastifyRequest): Upload {
  if (req.reviewUpload) return req.reviewUpload;
  const body = fromApi(req.body);
  const b64 = typeof body.content_base64 === 'string' ? body.content_base64 : '';
  const bytes = b64 ? Buffer.from(b64, 'base64') : null;
  return { fileName: typeof body.file_name === 'string' ? body.file_name : null, bytes, tooLarge: (bytes?.length ?? 0) > PAPER_SIZE_LIMIT, fields: body };
}

export async function reviewStagesRoutes(app: FastifyInstance): Promise<void> {
  // Registered in this plugin only: the other review routes take no multipart bodies.
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: PAPER_SIZE_LIMIT, files: 1, fields: 20, fieldSize: 100_000, parts: 30 } });
  app.decorateRequest('reviewUpload', null);
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const mailCtx = (req: FastifyRequest): MailContext => {
    const mailer = mailerFromConfig(app.config);
    if (!mailer) throw ValidationError.single('contact_email', 'E-mail is not set up, so requests cannot be sent. Ask your administrator to connect the service to an e-mail server');
    return { db, actor: req.actor, mailer, partnershipName: req.partnership.name };
  };
  const withMail = async <T>(req: FastifyRequest, work: (c: MailContext) => Promise<T>) => {
    const c = mailCtx(req);
    try { return await work(c); } finally { c.mailer.close(); }
  };

  async function loadCase(req: FastifyRequest, what: string): Promise<CaseRow> {
    const id = params(req).id ?? '';
    if (!isUuid(id)) throw new NotFoundError();
    authorize(req.actor, 'read', caseResource(id));
    const found = await findCase(db, req.partnership.id, id);
    if (!found) throw new NotFoundError();
    await auditCaseReads(db, req.actor, [found.id], what);
    return found;
  }
  const kindFor = async (req: FastifyRequest, c: CaseRow) => kindOf(await listKinds(db, req.partnership.id), c.kind_code);
  const crumbs = (c: CaseRow) => [{ text: 'Reviews', href: '/reviews' }, { text: caseReference(c), href: `/reviews/${c.id}` }];
  const canChange = (req: FastifyRequest, c: CaseRow) => can(req.actor, 'update', caseResource(c.id));
  const requireChange = (req: FastifyRequest, c: CaseRow) => authorize(req.actor, 'update', caseResource(c.id));
  const idParam = (req: FastifyRequest, name: string) => {
    const v = params(req)[name] ?? '';
    if (!isUuid(v)) throw new NotFoundError();
    return v;
  };

  // ---------------------------------------------------------------- requests to agencies

  async function requestsOf(req: FastifyRequest, caseIds: string[]) {
    const rows = await listAgencyRequests(db, req.partnership.id, caseIds);
    const events = await listRequestEvents(db, req.partnership.id, rows.map((r) => r.id));
    const today = todayIso();
    return rows.map((r) => presentRequest(r, today, events));
  }
  const overdueFirst = <T extends { state: string; dueOn: string }>(rows: T[]) =>
    [...rows].sort((a, b) => Number(b.state === 'overdue') - Number(a.state === 'overdue') || a.dueOn.localeCompare(b.dueOn));

  /** Across the reader's own cases: every request, overdue ones first. */
  app.get('/reviews/requests', async (req, reply) => {
    if (req.actor.kind !== 'user') throw new ForbiddenError('sign-in');
    const requests = overdueFirst(await requestsOf(req, readableCaseIds(req.actor)));
    await auditCaseReads(db, req.actor, requests.map((r) => r.caseId), 'Read in the requests to agencies across cases');
    return reply.view(V('requests-overview'), {
      title: 'Requests to agencies', section: 'reviews', breadcrumbs: [{ text: 'Reviews', href: '/reviews' }], requests,
      overdue: requests.filter((r) => r.state === 'overdue').length,
    });
  });

  async function requestForm(req: FastifyRequest, reply: FastifyReply, c: CaseRow, values: Record<string, unknown>, errors?: FieldError[]) {
    return reply.view(V('request-new'), { title: 'Ask an agency for a chronology or report', section: 'reviews', breadcrumbs: crumbs(c), c, values, errors, kinds: REQUEST_KINDS });
  }
  app.get('/reviews/:id/requests/new', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to ask an agency for information');
    requireChange(req, c);
    return requestForm(req, reply, c, {});
  });
  app.post('/reviews/:id/requests', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to ask an agency for information');
    const outcome = await formOutcome(() => withMail(req, (m) => sendAgencyRequest(m, c.id, req.body)));
    if (outcome.ok) return reply.flash(`Request sent to ${outcome.value.agency}`).redirect(`/reviews/${c.id}#requests`, 303);
    return requestForm(req, reply.code(400), c, req.body as Record<string, unknown>, outcome.errors);
  });

  async function requestPage(req: FastifyRequest, reply: FastifyReply, opts: { values?: Record<string, unknown>; errors?: FieldError[] } = {}) {
    const c = await loadCase(req, 'Read a request to an agency');
    const requestId = idParam(req, 'requestId');
    const r = (await requestsOf(req, [c.id])).find((x) => x.id === requestId);
    if (!r) throw new NotFoundError();
    return reply.view(V('request'), {
      title: `${r.whatLabel} from ${r.agency}`, section: 'reviews', breadcrumbs: crumbs(c), c, r, values: opts.values ?? {}, errors: opts.errors, canChange: canChange(req, c),
    });
  }
  app.get('/reviews/:id/requests/:requestId', async (req, reply) => requestPage(req, reply));
  app.post('/reviews/:id/requests/:requestId/chase', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to chase an agency');
    const requestId = idParam(req, 'requestId');
    const outcome = await formOutcome(() => withMail(req, (m) => chaseAgencyRequest(m, c.id, requestId, req.body)));
    if (outcome.ok) return reply.flash('Reminder sent').redirect(`/reviews/${c.id}/requests/${requestId}`, 303);
    return requestPage(req, reply.code(400), { values: req.body as Record<string, unknown>, errors: outcome.errors });
  });
  app.post('/reviews/:id/requests/:requestId/received', { onRequest: caseUploadGate, preValidation: readUpload }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to mark a request received');
    const requestId = idParam(req, 'requestId');
    const upload = uploadOf(req);
    const outcome = await formOutcome(() => receiveAgencyRequest(ctx(req), c.id, requestId, upload));
    if (outcome.ok) return reply.flash('Marked received; the document is kept with the case').redirect(`/reviews/${c.id}/requests/${requestId}`, 303);
    return requestPage(req, reply.code(400), { values: upload.fields, errors: outcome.errors });
  });

  // ---------------------------------------------------------------- the family

  async function familyPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const c = await loadCase(req, 'Read the family involvement of the case');
    const entries = (await listFamilyEntries(db, req.partnership.id, c.id)).map(presentFamilyEntry);
    return reply.view(V('family'), { title: 'Family involvement', section: 'reviews', breadcrumbs: crumbs(c), c, entries, values, errors, kinds: FAMILY_KINDS, canChange: canChange(req, c) });
  }
  app.get('/reviews/:id/family', async (req, reply) => familyPage(req, reply));
  app.post('/reviews/:id/family', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record family involvement');
    const outcome = await formOutcome(() => addFamilyEntry(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash('Family involvement recorded').redirect(`/reviews/${c.id}/family`, 303);
    return familyPage(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- copies of the published review

  async function copiesPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const c = await loadCase(req, 'Read to whom copies of the published review were sent');
    const copies = (await listCopiesSent(db, req.partnership.id, c.id)).map(presentCopySent);
    return reply.view(V('copies'), { title: 'Copies of the published review', section: 'reviews', breadcrumbs: crumbs(c), c, copies, values, errors, canChange: canChange(req, c) });
  }
  app.get('/reviews/:id/copies', async (req, reply) => copiesPage(req, reply));
  app.post('/reviews/:id/copies', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record a copy sent');
    const outcome = await formOutcome(() => addCopySent(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash(`Copy sent to ${outcome.value.recipient} recorded`).redirect(`/reviews/${c.id}/copies`, 303);
    return copiesPage(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- quality assurance

  async function qaView(req: FastifyRequest, c: CaseRow) {
    const feedback = (await listFeedback(db, req.partnership.id, c.id)).map(presentFeedback);
    return { ...(await qaDates(db, req.partnership.id, c.id)), feedback, openFeedback: feedback.filter((f) => f.status === 'open').length };
  }
  async function qaPage(req: FastifyRequest, reply: FastifyReply, opts: { values?: Record<string, unknown>; feedbackValues?: Record<string, unknown>; errors?: FieldError[] } = {}) {
    const c = await loadCase(req, 'Read the quality assurance of the case');
    const kind = await kindFor(req, c);
    if (kind.stageSet !== 'dhr') throw new NotFoundError();
    const qa = await qaView(req, c);
    const values = opts.values ?? { submitted_on: qa.submittedOn, meeting_on: qa.meetingOn, outcome: qa.outcome, resubmitted_on: qa.resubmittedOn };
    return reply.view(V('qa'), {
      title: 'Home Office quality assurance', section: 'reviews', breadcrumbs: crumbs(c), c, qa, values, feedbackValues: opts.feedbackValues ?? {}, errors: opts.errors,
      outcomes: QA_OUTCOMES, canChange: canChange(req, c),
    });
  }
  app.get('/reviews/:id/qa', async (req, reply) => qaPage(req, reply));
  app.post('/reviews/:id/qa', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record its quality assurance');
    const outcome = await formOutcome(() => recordQa(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash('Quality assurance dates saved').redirect(`/reviews/${c.id}/qa`, 303);
    return qaPage(req, reply.code(400), { values: req.body as Record<string, unknown>, errors: outcome.errors });
  });
  app.post('/reviews/:id/qa/feedback', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record quality assurance feedback');
    const outcome = await formOutcome(() => addFeedback(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash(`Feedback ${outcome.value.number} recorded`).redirect(`/reviews/${c.id}/qa#feedback`, 303);
    return qaPage(req, reply.code(400), { feedbackValues: req.body as Record<string, unknown>, errors: outcome.errors });
  });
  async function feedbackPage(req: FastifyRequest, reply: FastifyReply, values?: Record<string, unknown>, errors?: FieldError[]) {
    const c = await loadCase(req, 'Read a quality assurance feedback item');
    const itemId = idParam(req, 'itemId');
    const item = (await listFeedback(db, req.partnership.id, c.id)).find((f) => f.id === itemId);
    if (!item) throw new NotFoundError();
    const f = presentFeedback(item);
    return reply.view(V('feedback'), {
      title: `Feedback ${f.number}`, section: 'reviews', breadcrumbs: [...crumbs(c), { text: 'Quality assurance', href: `/reviews/${c.id}/qa` }], c, f,
      values: values ?? { status: f.status, response: f.response }, errors, statuses: FEEDBACK_STATUSES, canChange: canChange(req, c),
    });
  }
  app.get('/reviews/:id/qa/feedback/:itemId', async (req, reply) => feedbackPage(req, reply));
  app.post('/reviews/:id/qa/feedback/:itemId', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to update quality assurance feedback');
    const itemId = idParam(req, 'itemId');
    const outcome = await formOutcome(() => updateFeedback(ctx(req), c.id, itemId, req.body));
    if (outcome.ok) return reply.flash(`Feedback ${outcome.value.number} saved`).redirect(`/reviews/${c.id}/qa#feedback`, 303);
    return feedbackPage(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- documents

  async function documentsPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const c = await loadCase(req, 'Read the list of documents of the case');
    const documents = (await listDocuments(db, req.partnership.id, c.id)).map(presentDocument);
    return reply.view(V('documents'), { title: 'Documents', section: 'reviews', breadcrumbs: crumbs(c), c, documents, values, errors, kinds: DOCUMENT_KINDS, canChange: canChange(req, c) });
  }
  app.get('/reviews/:id/documents', async (req, reply) => documentsPage(req, reply));
  app.post('/reviews/:id/documents', { onRequest: caseUploadGate, preValidation: readUpload }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to add a document');
    const upload = uploadOf(req);
    const outcome = await formOutcome(() => uploadDocument(ctx(req), c.id, upload));
    if (outcome.ok) return reply.flash(`Document “${outcome.value.title}” added`).redirect(`/reviews/${c.id}/documents`, 303);
    return documentsPage(req, reply.code(400), upload.fields, outcome.errors);
  });

  /** A document's original bytes, for the case's own people; the download is an audited restricted read. */
  async function sendDocument(req: FastifyRequest, reply: FastifyReply) {
    const id = params(req).id ?? '';
    if (!isUuid(id)) throw new NotFoundError();
    authorize(req.actor, 'read', caseResource(id));
    const docId = idParam(req, 'docId');
    const doc = await findDocumentContent(db, req.partnership.id, id, docId);
    if (!doc) throw new NotFoundError();
    await auditCaseReads(db, req.actor, [id], `Downloaded document ${doc.id} (${DOCUMENT_KINDS.find((k) => k.value === doc.kind)?.text ?? doc.kind}, SHA-256 ${doc.sha256.slice(0, 12)}…)`);
    return reply.type(doc.media_type).header('content-disposition', `attachment; filename="${downloadName(doc)}"`)
      .header('cache-control', 'private, no-store').header('x-content-sha256', doc.sha256).send(Buffer.from(doc.content));
  }
  app.get('/reviews/:id/documents/:docId', sendDocument);

  // ---------------------------------------------------------------- safeguarding adults reviews

  async function sarView(req: FastifyRequest, c: CaseRow) {
    const [markers, findings] = await Promise.all([listSarMarkers(db, req.partnership.id, c.id), listSarFindings(db, req.partnership.id, c.id)]);
    return {
      markers: SAR_MARKERS.map((m) => ({ code: m.value, label: m.text, met: markers.some((x) => x.marker === m.value) })),
      findings: findings.map(presentFinding),
    };
  }
  async function sarPage(req: FastifyRequest, reply: FastifyReply, opts: { findingValues?: Record<string, unknown>; errors?: FieldError[] } = {}) {
    const c = await loadCase(req, 'Read the quality markers and findings of the case');
    if ((await kindFor(req, c)).stageSet !== 'sar') throw new NotFoundError();
    const sar = await sarView(req, c);
    return reply.view(V('sar'), {
      title: 'Quality markers and findings', section: 'reviews', breadcrumbs: crumbs(c), c, sar, findingValues: opts.findingValues ?? {}, errors: opts.errors,
      decisions: FINDING_DECISIONS, canChange: canChange(req, c),
    });
  }
  app.get('/reviews/:id/sar', async (req, reply) => sarPage(req, reply));
  app.post('/reviews/:id/sar/markers', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to tick its quality markers');
    const outcome = await formOutcome(() => setSarMarkers(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash('Quality markers saved').redirect(`/reviews/${c.id}/sar`, 303);
    return sarPage(req, reply.code(400), { errors: outcome.errors });
  });
  app.post('/reviews/:id/sar/findings', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record a finding');
    const outcome = await formOutcome(() => addSarFinding(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash(`Finding ${outcome.value.number} recorded`).redirect(`/reviews/${c.id}/sar#findings`, 303);
    return sarPage(req, reply.code(400), { findingValues: req.body as Record<string, unknown>, errors: outcome.errors });
  });
  async function findingPage(req: FastifyRequest, reply: FastifyReply, values?: Record<string, unknown>, errors?: FieldError[]) {
    const c = await loadCase(req, 'Read a finding of the case');
    const findingId = idParam(req, 'findingId');
    const row = (await listSarFindings(db, req.partnership.id, c.id)).find((f) => f.id === findingId);
    if (!row) throw new NotFoundError();
    const f = presentFinding(row);
    return reply.view(V('finding'), {
      title: `Finding ${f.number}`, section: 'reviews', breadcrumbs: [...crumbs(c), { text: 'Quality markers and findings', href: `/reviews/${c.id}/sar` }], c, f,
      values: values ?? { decision: f.decision, decided_on: f.decidedOn, reasons: f.reasons }, errors, decisions: FINDING_DECISIONS, canChange: canChange(req, c),
    });
  }
  app.get('/reviews/:id/sar/findings/:findingId', async (req, reply) => findingPage(req, reply));
  app.post('/reviews/:id/sar/findings/:findingId', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to decide on a finding');
    const findingId = idParam(req, 'findingId');
    const outcome = await formOutcome(() => decideSarFinding(ctx(req), c.id, findingId, req.body));
    if (outcome.ok) return reply.flash(`Decision on finding ${outcome.value.number} saved`).redirect(`/reviews/${c.id}/sar#findings`, 303);
    return findingPage(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- public

  /** A published document of a published review: the public's, and only that. */
  async function sendPublishedDocument(req: FastifyRequest, reply: FastifyReply) {
    const id = params(req).id ?? '';
    const docId = params(req).docId ?? '';
    if (!isUuid(id) || !isUuid(docId)) throw new NotFoundError();
    const published = (await listPublishedDocuments(db, req.partnership.id, id)).find((d) => d.id === docId);
    if (!published) throw new NotFoundError();
    const review = (await listPublishedReviews(db, req.partnership.id)).find((r) => r.id === id);
    const doc = await findDocumentContent(db, req.partnership.id, id, docId);
    if (!doc || !review) throw new NotFoundError();
    const ext = doc.media_type === 'application/pdf' ? 'pdf' : 'docx';
    return reply.type(doc.media_type).header('content-disposition', `attachment; filename="${`${review.pseudonym}-${review.year}-${docId.slice(0, 8)}`.replace(/[^\w-]+/g, '-')}.${ext}"`)
      .header('cache-control', 'public, max-age=300').header('x-content-sha256', doc.sha256).send(Buffer.from(doc.content));
  }
  app.get('/published-reviews/:id/documents/:docId', sendPublishedDocument);

  // ---------------------------------------------------------------- API
  const tags = ['reviews'];

  app.get('/api/review-requests', { schema: { tags, summary: 'Requests to agencies across the cases the reader is named on, overdue first', response: { 200: ListOf(AgencyRequest) } } }, async (req) => {
    if (req.actor.kind !== 'user') throw new ForbiddenError('sign-in');
    const items = overdueFirst(await requestsOf(req, readableCaseIds(req.actor)));
    await auditCaseReads(db, req.actor, items.map((r) => r.caseId), 'Read in the requests to agencies across cases (API)');
    return { items };
  });
  app.get('/api/reviews/:id/requests', { schema: { tags, summary: 'The case’s requests to agencies, with their history', params: IdParams, response: { 200: ListOf(AgencyRequest) } } }, async (req) => {
    const c = await loadCase(req, 'Read the requests to agencies of the case (API)');
    return { items: await requestsOf(req, [c.id]) };
  });
  app.post('/api/reviews/:id/requests', { schema: { tags, summary: 'Ask an agency for its chronology or report: the request is e-mailed to its contact (subject names the case by pseudonym only)', params: IdParams, body: AgencyRequestInput, response: { 201: AgencyRequest } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to ask an agency for information (API)');
    const row = await withMail(req, (m) => sendAgencyRequest(m, c.id, fromApi(req.body)));
    return reply.code(201).send((await requestsOf(req, [c.id])).find((r) => r.id === row.id));
  });
  app.post('/api/reviews/:id/requests/:requestId/chase', { schema: { tags, summary: 'Chase a request not yet received: a reminder is e-mailed and the chase recorded', params: RequestParams, body: ChaseInput, response: { 201: AgencyRequest } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to chase an agency (API)');
    const requestId = idParam(req, 'requestId');
    await withMail(req, (m) => chaseAgencyRequest(m, c.id, requestId, fromApi(req.body)));
    return reply.code(201).send((await requestsOf(req, [c.id])).find((r) => r.id === requestId));
  });
  app.post('/api/reviews/:id/requests/:requestId/received', {
    bodyLimit: Math.ceil(PAPER_SIZE_LIMIT * 1.4) + 4096, onRequest: caseUploadGate, preValidation: readUpload,
    schema: { tags, params: RequestParams, response: { 201: AgencyRequest }, summary: 'Mark a request received with its document (PDF or .docx): multipart/form-data with `file` and `received_on`, or JSON { receivedOn, fileName, contentBase64 }' },
  }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to mark a request received (API)');
    const requestId = idParam(req, 'requestId');
    await receiveAgencyRequest(ctx(req), c.id, requestId, uploadOf(req));
    return reply.code(201).send((await requestsOf(req, [c.id])).find((r) => r.id === requestId));
  });

  app.get('/api/reviews/:id/copies', { schema: { tags, summary: 'To whom copies of the published review were sent, when and how', params: IdParams, response: { 200: ListOf(CopySent) } } }, async (req) => {
    const c = await loadCase(req, 'Read to whom copies of the published review were sent (API)');
    return { items: (await listCopiesSent(db, req.partnership.id, c.id)).map(presentCopySent) };
  });
  app.post('/api/reviews/:id/copies', { schema: { tags, summary: 'Record a copy of the published review sent (only once it is published)', params: IdParams, body: CopySentInput, response: { 201: CopySent } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record a copy sent (API)');
    return reply.code(201).send(presentCopySent(await addCopySent(ctx(req), c.id, fromApi(req.body))));
  });
  app.get('/api/reviews/:id/family', { schema: { tags, summary: 'The family’s involvement: contacts, offers, meetings, how they want the person named', params: IdParams, response: { 200: ListOf(FamilyEntry) } } }, async (req) => {
    const c = await loadCase(req, 'Read the family involvement of the case (API)');
    return { items: (await listFamilyEntries(db, req.partnership.id, c.id)).map(presentFamilyEntry) };
  });
  app.post('/api/reviews/:id/family', { schema: { tags, summary: 'Record a dated entry of the family’s involvement', params: IdParams, body: FamilyEntryInput, response: { 201: FamilyEntry } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record family involvement (API)');
    return reply.code(201).send(presentFamilyEntry(await addFamilyEntry(ctx(req), c.id, fromApi(req.body))));
  });

  app.get('/api/reviews/:id/qa', { schema: { tags, summary: 'The Home Office quality assurance: dates, outcome and numbered feedback', params: IdParams, response: { 200: QaView } } }, async (req) => {
    const c = await loadCase(req, 'Read the quality assurance of the case (API)');
    return qaView(req, c);
  });
  app.post('/api/reviews/:id/qa', { schema: { tags, summary: 'Record the submission, the panel’s meeting and outcome, and a resubmission', params: IdParams, body: QaInput, response: { 201: QaView } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record its quality assurance (API)');
    await recordQa(ctx(req), c.id, fromApi(req.body));
    return reply.code(201).send(await qaView(req, c));
  });
  app.post('/api/reviews/:id/qa/feedback', { schema: { tags, summary: 'Add the panel’s next numbered feedback item (open)', params: IdParams, body: FeedbackInput, response: { 201: Feedback } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record quality assurance feedback (API)');
    return reply.code(201).send(presentFeedback(await addFeedback(ctx(req), c.id, fromApi(req.body))));
  });
  app.post('/api/reviews/:id/qa/feedback/:itemId', { schema: { tags, summary: 'Change a feedback item’s status (not accepted needs the reason)', params: ItemParams, body: FeedbackUpdateInput, response: { 201: Feedback } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to update quality assurance feedback (API)');
    return reply.code(201).send(presentFeedback(await updateFeedback(ctx(req), c.id, idParam(req, 'itemId'), fromApi(req.body))));
  });

  app.get('/api/reviews/:id/documents', { schema: { tags, summary: 'The documents of the case (without their bytes)', params: IdParams, response: { 200: ListOf(ReviewDocument) } } }, async (req) => {
    const c = await loadCase(req, 'Read the list of documents of the case (API)');
    return { items: (await listDocuments(db, req.partnership.id, c.id)).map(presentDocument) };
  });
  app.post('/api/reviews/:id/documents', {
    bodyLimit: Math.ceil(PAPER_SIZE_LIMIT * 1.4) + 4096, onRequest: caseUploadGate, preValidation: readUpload,
    schema: { tags, params: IdParams, response: { 201: ReviewDocument }, summary: 'Add a document (a readable PDF or .docx, up to 20MB): multipart/form-data with `file`, `kind`, `title`, or JSON { kind, title, published, fileName, contentBase64 }' },
  }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to add a document (API)');
    const row = await uploadDocument(ctx(req), c.id, uploadOf(req));
    return reply.code(201).send(presentDocument(row));
  });
  app.get('/api/reviews/:id/documents/:docId', { schema: { tags, summary: 'A document’s original bytes; the download is audited', params: DocParams } }, sendDocument);

  app.get('/api/reviews/:id/sar', { schema: { tags, summary: 'A safeguarding adults review’s quality markers checklist and its findings with decisions', params: IdParams, response: { 200: SarView } } }, async (req) => {
    const c = await loadCase(req, 'Read the quality markers and findings of the case (API)');
    if ((await kindFor(req, c)).stageSet !== 'sar') throw new NotFoundError();
    return sarView(req, c);
  });
  app.post('/api/reviews/:id/sar/markers', { schema: { tags, summary: 'Replace the list of quality markers met', params: IdParams, body: MarkersInput, response: { 201: SarView } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to tick its quality markers (API)');
    await setSarMarkers(ctx(req), c.id, fromApi(req.body));
    return reply.code(201).send(await sarView(req, c));
  });
  app.post('/api/reviews/:id/sar/findings', { schema: { tags, summary: 'Add a finding, with or without the decision on it', params: IdParams, body: FindingInput, response: { 201: Finding } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to record a finding (API)');
    return reply.code(201).send(presentFinding(await addSarFinding(ctx(req), c.id, fromApi(req.body))));
  });
  app.post('/api/reviews/:id/sar/findings/:findingId', { schema: { tags, summary: 'Decide on a finding: accepted, or not accepted with reasons', params: FindingParams, body: FindingDecisionInput, response: { 201: Finding } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to decide on a finding (API)');
    return reply.code(201).send(presentFinding(await decideSarFinding(ctx(req), c.id, idParam(req, 'findingId'), fromApi(req.body))));
  });
}

/** The name a download is offered under: what the uploader's file was called, made safe for a header. */
function downloadName(doc: { file_name: string; media_type: string }) {
  const ext = doc.media_type === 'application/pdf' ? '.pdf' : '.docx';
  const base = doc.file_name.replace(/^.*[\\/]/, '').replace(/[^\w .()-]+/g, '_').trim().slice(0, 120) || 'document';
  return base.toLowerCase().endsWith(ext) ? base : `${base}${ext}`;
}
