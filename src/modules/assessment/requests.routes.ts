// Pages of the assessments: the timetable and datasets asked of partners, requests sent
// by e-mail, who is late and every chase, the returns paper for the Working Group, the
// priority-setting matrix; and the upload page a partner reaches through the link in the
// e-mail, without an account.
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';
import { formOutcome } from '../../web/forms.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { readForm, removeUploadFiles, type ReadForm } from '../../web/uploads.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { linkRefusal, looksLikeLinkToken, tokenSha256 } from '../../access/linkTokens.ts';
import { publicOrigin } from '../public/address.ts';
import { todayIso } from '../partnership/domain.ts';
import { toCsv } from '../public/domain.ts';
import { listAgreements } from '../strategy/store.ts';
import { KINDS, MAX_RETURN_BYTES, STATUS_LABELS, kindLabel, rankIssues } from './requests.domain.ts';
import {
  addDataset, addIssue, assessmentResource, chaseRequest, createAssessment, makePriority, openLink, receiveReturn, saveMatrix, sendDueReminders, sendRequests,
} from './requests.commands.ts';
import * as S from './schemas.ts';
import { assessmentDocumentRoutes, assessmentWriteApiRoutes } from './document.routes.ts';
import { findAssessment, findDataset, listAssessments, listDatasets, matrix, type Assessment, type DatasetView } from './requests.store.ts';

declare module 'fastify' {
  interface FastifyContextConfig { linkUpload?: boolean }
}

export async function assessmentRequestRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const mailCtx = (req: FastifyRequest) => {
    const mailer = mailerFromConfig(app.config);
    if (!mailer) throw ValidationError.single('send', 'E-mail is not set up, so requests cannot be sent. Ask your administrator to connect the service to an e-mail server.');
    return { db, actor: req.actor, mailer, baseUrl: publicOrigin(req.partnership, app.config) };
  };

  async function load(req: FastifyRequest, id: string): Promise<Assessment> {
    const a = await findAssessment(db, req.partnership.id, id);
    if (!a) throw new NotFoundError();
    authorize(req.actor, 'read', assessmentResource(a));
    if (a.restricted) await recordRestrictedReads(db, req.actor, [{ recordType: 'assessment', id: a.id, summary: 'Read a restricted assessment' }]);
    return a;
  }
  const withStatus = (d: DatasetView) => ({ ...d, statusTag: STATUS_LABELS[d.status] });

  app.get('/assessment/assessments', async (req, reply) => {
    authorize(req.actor, 'read', { type: 'assessment', published: false });
    const all = (await listAssessments(db, req.partnership.id)).filter((a) => can(req.actor, 'read', assessmentResource(a)));
    return reply.view('assessment/views/assessments.njk', { title: 'Assessments', section: 'strategy', assessments: all.map((a) => ({ ...a, kindLabel: kindLabel(a.kind) })), canCreate: can(req.actor, 'create', { type: 'assessment' }) });
  });

  async function newForm(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown>, errors?: FieldError[]) {
    const bodies = await db.selectFrom('bodies').select(['id as value', 'name as text']).where('partnership_id', '=', req.partnership.id).orderBy('name').execute();
    return reply.view('assessment/views/assessment-form.njk', { title: 'Start an assessment', section: 'strategy', values, errors, kinds: KINDS, bodies });
  }
  app.get('/assessment/assessments/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'assessment' });
    return newForm(req, reply, { kind: 'strategic', year: String(new Date().getFullYear()) });
  });
  app.post('/assessment/assessments/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'assessment' });
    const outcome = await formOutcome(() => createAssessment(ctx(req), req.body));
    if (outcome.ok) return reply.flash('Assessment started').redirect(`/assessment/assessments/${outcome.value.id}`, 303);
    return newForm(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  async function page(req: FastifyRequest, reply: FastifyReply, a: Assessment, errors?: FieldError[], values: Record<string, unknown> = {}) {
    const today = todayIso();
    const datasets = (await listDatasets(db, req.partnership.id, a.id, today)).map(withStatus);
    const organisations = await db.selectFrom('organisations').select(['id as value', 'name as text']).where('partnership_id', '=', req.partnership.id).orderBy('name').execute();
    return reply.view('assessment/views/assessment.njk', {
      title: a.title, section: 'strategy', assessment: a, kindLabel: kindLabel(a.kind), datasets, organisations, errors, values,
      canEdit: can(req.actor, 'update', assessmentResource(a)), notSent: datasets.filter((d) => d.status === 'not-sent').length,
      counts: Object.entries(STATUS_LABELS).map(([k, v]) => ({ ...v, count: datasets.filter((d) => d.status === k).length })),
    });
  }
  app.get('/assessment/assessments/:id', async (req, reply) => page(req, reply, await load(req, (req.params as { id: string }).id)));

  const post = (path: string, work: (req: FastifyRequest, a: Assessment) => Promise<unknown>, flash: (v: unknown) => string, back = (a: Assessment) => `/assessment/assessments/${a.id}`) => {
    app.post(`/assessment/assessments/:id/${path}`, async (req, reply) => {
      const a = await load(req, (req.params as { id: string }).id);
      authorize(req.actor, 'update', assessmentResource(a));
      const outcome = await formOutcome(() => work(req, a));
      if (outcome.ok) return reply.flash(flash(outcome.value)).redirect(back(a), 303);
      if (path === 'matrix' || path === 'issues') return matrixPage(req, reply.code(400), a, outcome.errors, req.body as Record<string, unknown>);
      return page(req, reply.code(400), a, outcome.errors, req.body as Record<string, unknown>);
    });
  };
  post('datasets', (req, a) => addDataset(ctx(req), a.id, req.body), () => 'Dataset added');
  post('send', async (req, a) => {
    const c = mailCtx(req);
    try { return await sendRequests(c, a.id, todayIso()); } finally { c.mailer.close(); }
  }, (v) => { const n = (v as { sent: number }).sent; return n ? `${n} ${n === 1 ? 'request' : 'requests'} sent` : 'Every request has been sent already'; });
  post('reminders', async (req) => {
    const c = mailCtx(req);
    try { return await sendDueReminders(c, todayIso()); } finally { c.mailer.close(); }
  }, (v) => { const r = v as { reminders: number; chases: number }; return `Reminders sent: ${r.reminders}; chases sent: ${r.chases}`; });
  post('issues', (req, a) => addIssue(ctx(req), a.id, req.body), () => 'Issue added', (a) => `/assessment/assessments/${a.id}/matrix`);
  post('matrix', (req, a) => saveMatrix(ctx(req), a.id, req.body), () => 'Matrix saved', (a) => `/assessment/assessments/${a.id}/matrix`);

  // Who is late, by how long, and every chase
  app.get('/assessment/assessments/:id/late', async (req, reply) => {
    const a = await load(req, (req.params as { id: string }).id);
    const late = (await listDatasets(db, req.partnership.id, a.id, todayIso())).filter((d) => d.status === 'late').sort((x, y) => y.daysLate - x.daysLate).map(withStatus);
    return reply.view('assessment/views/late.njk', { title: `Late returns: ${a.title}`, section: 'strategy', assessment: a, late, canEdit: can(req.actor, 'update', assessmentResource(a)) });
  });

  // The returns summary, a paper for the Working Group (prints as it shows), and as CSV
  const returnsRows = (ds: DatasetView[]) => ds.map((d) => [d.organisation_name, d.name, d.period, d.due_on, STATUS_LABELS[d.status].text, d.daysLate || '', d.returns.at(-1)?.received_at.toISOString().slice(0, 10) ?? '', d.returns.length, d.events.filter((e) => e.kind === 'chased' || e.kind === 'reminded').length]);
  const RETURNS_HEAD = ['Organisation', 'Dataset', 'Period', 'Due', 'Status', 'Days late', 'Received', 'Versions', 'Reminders and chases'];
  app.get('/assessment/assessments/:id/returns', async (req, reply) => {
    const a = await load(req, (req.params as { id: string }).id);
    const ds = await listDatasets(db, req.partnership.id, a.id, todayIso());
    return reply.view('assessment/views/returns.njk', {
      title: `Returns for the ${a.title}`, section: 'strategy', assessment: a, head: RETURNS_HEAD, rows: returnsRows(ds), today: todayIso(),
      received: ds.filter((d) => d.status === 'returned').length, missing: ds.filter((d) => d.status !== 'returned').length, late: ds.filter((d) => d.status === 'late').length,
    });
  });
  app.get('/assessment/assessments/:id/returns.csv', async (req, reply) => {
    const a = await load(req, (req.params as { id: string }).id);
    const ds = await listDatasets(db, req.partnership.id, a.id, todayIso());
    return reply.type('text/csv; charset=utf-8; header=present').header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="returns-${a.year}-${a.kind}.csv"`).send(toCsv(RETURNS_HEAD, returnsRows(ds)));
  });

  // One dataset: its history, its returns, a chase or a new link
  async function datasetPage(req: FastifyRequest, reply: FastifyReply, id: string, errors?: FieldError[]) {
    const d = await findDataset(db, req.partnership.id, id, todayIso());
    if (!d) throw new NotFoundError();
    const a = await load(req, d.assessment_id);
    return reply.view('assessment/views/dataset.njk', { title: d.name, section: 'strategy', assessment: a, dataset: withStatus(d), errors, canEdit: can(req.actor, 'update', assessmentResource(a)) });
  }
  app.get('/assessment/datasets/:id', async (req, reply) => datasetPage(req, reply, (req.params as { id: string }).id));
  const datasetPost = (path: string, work: (req: FastifyRequest, d: DatasetView) => Promise<unknown>, flash: string) => {
    app.post(`/assessment/datasets/:id/${path}`, async (req, reply) => {
      const id = (req.params as { id: string }).id;
      const d = await findDataset(db, req.partnership.id, id, todayIso());
      if (!d) throw new NotFoundError();
      const a = await load(req, d.assessment_id);
      authorize(req.actor, 'update', assessmentResource(a));
      const outcome = await formOutcome(() => work(req, d));
      if (outcome.ok) return reply.flash(flash).redirect(`/assessment/datasets/${d.id}`, 303);
      return datasetPage(req, reply.code(400), d.id, outcome.errors);
    });
  };
  datasetPost('chase', async (req, d) => { const c = mailCtx(req); try { return await chaseRequest(c, d.id, todayIso(), req.body); } finally { c.mailer.close(); } }, 'Chase sent');
  datasetPost('new-link', async (req, d) => { const c = mailCtx(req); try { return await sendRequests(c, d.assessment_id, todayIso(), d.id); } finally { c.mailer.close(); } }, 'A new link has been sent; the earlier links no longer work');
  app.get('/assessment/returns/:id/file', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError();
    const r = await db.selectFrom('assessment_returns').selectAll().where('partnership_id', '=', req.partnership.id).where('id', '=', id).executeTakeFirst();
    if (!r) throw new NotFoundError();
    const d = (await findDataset(db, req.partnership.id, r.dataset_id, todayIso()))!;
    await load(req, d.assessment_id);
    return reply.type(r.content_type).header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="${r.file_name.replace(/[^\w.\- ]/g, '_')}"`).send(Buffer.from(r.bytes));
  });

  // The priority-setting matrix
  async function matrixPage(req: FastifyRequest, reply: FastifyReply, a: Assessment, errors?: FieldError[], values: Record<string, unknown> = {}) {
    const m = await matrix(db, req.partnership.id, a.id);
    const ranked = rankIssues(m.issues, m.criteria, m.scores);
    const drafts = (await listAgreements(db, req.partnership.id)).filter((x) => x.status === 'draft');
    const score = (i: string, c: string) => (values[`score-${i}-${c}`] as string | undefined) ?? String(m.scores.find((s) => s.issue_id === i && s.criterion_id === c)?.score ?? '');
    return reply.view('assessment/views/matrix.njk', {
      title: `Priority setting: ${a.title}`, section: 'strategy', assessment: a, criteria: m.criteria, issues: m.issues, ranked, errors, values, drafts,
      scoreOf: score, canEdit: can(req.actor, 'update', assessmentResource(a)),
    });
  }
  app.get('/assessment/assessments/:id/matrix', async (req, reply) => matrixPage(req, reply, await load(req, (req.params as { id: string }).id)));
  app.post('/assessment/issues/:id/priority', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const issue = /^[0-9a-f-]{36}$/i.test(id) ? await db.selectFrom('assessment_issues').select(['assessment_id']).where('partnership_id', '=', req.partnership.id).where('id', '=', id).executeTakeFirst() : undefined;
    if (!issue) throw new NotFoundError();
    const a = await load(req, issue.assessment_id);
    const outcome = await formOutcome(() => makePriority(ctx(req), id, String((req.body as Record<string, unknown>)?.agreement_id ?? '')));
    if (outcome.ok) return reply.flash('Added as a priority of the draft agreement').redirect(`/assessment/assessments/${a.id}/matrix`, 303);
    return matrixPage(req, reply.code(400), a, outcome.errors.map((e) => ({ ...e, field: 'agreement_id' })));
  });

  await assessmentDocumentRoutes(app);
  await assessmentWriteApiRoutes(app);

  // The API: the same assessments and datasets as JSON -----------------------------------------

  const presentAssessment = (a: Assessment) => ({
    id: a.id, year: a.year, kind: a.kind, title: a.title, restricted: a.restricted, requestsBy: a.requests_by, dataDueOn: a.data_due_on, draftBy: a.draft_by, agreedBy: a.agreed_by,
    remindDaysBefore: a.remind_days_before, chaseEveryDays: a.chase_every_days,
  });
  const tags = ['assessment'];
  app.get('/api/assessment/assessments', { schema: { tags, summary: 'The assessments this reader may see, newest first', response: { 200: S.Assessments } } }, async (req) => {
    authorize(req.actor, 'read', { type: 'assessment', published: false });
    return { items: (await listAssessments(db, req.partnership.id)).filter((a) => can(req.actor, 'read', assessmentResource(a))).map(presentAssessment) };
  });
  app.get('/api/assessment/assessments/:id', { schema: { tags, summary: 'One assessment with its datasets, where each request stands, its history and its returns', params: S.IdParams, response: { 200: S.AssessmentDetail } } }, async (req) => {
    const a = await load(req, (req.params as { id: string }).id);
    const ds = await listDatasets(db, req.partnership.id, a.id, todayIso());
    return {
      ...presentAssessment(a),
      datasets: ds.map((d) => ({
        id: d.id, organisationId: d.organisation_id, organisationName: d.organisation_name, name: d.name, description: d.description, period: d.period, format: d.format, dueOn: d.due_on,
        contactName: d.contact_name, status: d.status, daysLate: d.daysLate,
        events: d.events.map((e) => ({ kind: e.kind, onDate: e.on_date, by: e.by_label, note: e.note })),
        returns: d.returns.map((r) => ({ id: r.id, version: r.version, fileName: r.file_name, size: r.size, sha256: r.sha256, receivedAt: r.received_at.toISOString() })),
      })),
    };
  });

  // The partner's page, through the link: no account --------------------------------------------

  const REFUSALS = {
    unknown: 'This link is not recognised. Check you have copied the whole link from the e-mail, or ask the partnership for a new one.',
    expired: 'This link has expired. Ask the partnership to send you a new one.',
    replaced: 'A newer link has been sent for this dataset, and this one no longer works. Use the link in the latest e-mail.',
  };
  async function linkPage(req: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) {
    const token = (req.params as { token: string }).token;
    const opened = await openLink(db, token, todayIso());
    if (!opened.ok) return reply.code(404).view('assessment/views/link-refused.njk', { title: 'This link cannot be used', message: REFUSALS[opened.reason] });
    return reply.view('assessment/views/upload-return.njk', { title: `Send ${opened.dataset.name}`, dataset: opened.dataset, assessmentTitle: opened.assessment.restricted ? 'a needs assessment' : opened.assessment.title, errors, token, maxMb: MAX_RETURN_BYTES / 1024 / 1024 });
  }
  app.get('/assessment/returns/:token', async (req, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    return linkPage(req, reply);
  });
  const uploads = new WeakMap<FastifyRequest, ReadForm>();
  app.post('/assessment/returns/:token', {
    config: { linkUpload: true },
    // The link is checked as the request arrives: a wrong one reads no body.
    onRequest: async (req, reply) => {
      if (!String(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')) return; // a small form: the handler answers it
      const opened = await openLinkQuietly((req.params as { token: string }).token);
      if (!opened) { reply.header('connection', 'close'); throw new NotFoundError(); }
    },
    preValidation: async (req, reply) => {
      if (!req.isMultipart()) return;
      uploads.set(req, await readForm(req, reply, { dir: join(app.config.dataDir, 'uploads'), fileField: 'file', maxFiles: 1, maxFileBytes: MAX_RETURN_BYTES, maxTotalBytes: MAX_RETURN_BYTES }));
    },
    onResponse: removeUploadFiles,
  }, async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const form = uploads.get(req);
    if (form?.tooLarge.length) return linkPage(req, reply.code(400), [{ field: 'file', message: `The file must be smaller than ${MAX_RETURN_BYTES / 1024 / 1024}MB` }]);
    const file = form?.files[0];
    if (!file) return linkPage(req, reply.code(400), [{ field: 'file', message: 'Select the file to send' }]);
    const outcome = await formOutcome(() => receiveReturn(db, token, file, todayIso()));
    if (!outcome.ok) return linkPage(req, reply.code(400), outcome.errors);
    return reply.view('assessment/views/return-received.njk', { title: 'Thank you: your data has been received', version: outcome.value.version, sha256: outcome.value.sha256, fileName: file.name, dataset: outcome.value.dataset.name });
  });

  async function openLinkQuietly(token: string) {
    if (!looksLikeLinkToken(token)) return null;
    const link = await db.selectFrom('assessment_links').select(['expires_at', 'revoked_at']).where('token_sha256', '=', tokenSha256(token)).executeTakeFirst();
    return linkRefusal(link) ? null : link;
  }
}
