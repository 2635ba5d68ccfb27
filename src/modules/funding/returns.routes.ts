// Pages of progress returns by e-mail and of evidence files: the officer's page that asks
// the leads of a grant's projects in delivery for their returns before a meeting; the page
// a lead reaches through the link, without an account; evidence added to a claim or a
// return, and its download (signed-in readers of the project, audited).
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { authorize, fundingResources } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { Input } from '../../web/validate.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { readForm, removeUploadFiles, uploadGate, type ReadForm } from '../../web/uploads.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { linkRefusal, looksLikeLinkToken, tokenSha256 } from '../../access/linkTokens.ts';
import { publicOrigin } from '../public/address.ts';
import { todayIso } from '../partnership/domain.ts';
import { formatPence, longDate } from './domain.ts';
import { findGrant, findProposal, listClaims, listProgress, listProposals, type ProposalView } from './store.ts';
import { proposalResource } from './access.ts';
import { latestRequests, openReturnLink, recordReturnByLink, sendReturnRequests, upcomingMeetingOptions, type ReturnRequestResult } from './returns.ts';
import { checkEvidenceFile, findEvidence, findGrantDocument, listGrantDocuments, MAX_EVIDENCE_BYTES, storeEvidence, storeGrantDocument } from './evidence.ts';
import { grantResource } from './access.ts';
import { inTransaction } from '../../access/context.ts';

declare module 'fastify' {
  interface FastifyContextConfig { linkUpload?: boolean }
}

const REFUSALS = {
  unknown: 'This link is not recognised. Check you have copied the whole link from the e-mail, or ask the partnership for a new one.',
  expired: 'This link has expired. Ask the partnership to send you a new one.',
  replaced: 'A newer link has been sent for this project, and this one no longer works. Use the link in the latest e-mail.',
};
const maxMb = MAX_EVIDENCE_BYTES / 1024 / 1024;
const uploadsDir = (app: FastifyInstance) => join(app.config.dataDir, 'uploads');
const limits = (app: FastifyInstance) => ({ dir: uploadsDir(app), fileField: 'file', maxFiles: 1, maxFileBytes: MAX_EVIDENCE_BYTES, maxTotalBytes: MAX_EVIDENCE_BYTES });
const tooLargeError = (): FieldError => ({ field: 'file', message: `The evidence must be smaller than ${maxMb}MB` });

export const RequestResult = Type.Object({
  sent: Type.Integer({ description: 'Leads e-mailed a link' }),
  alreadyAsked: Type.Integer({ description: 'Projects asked already for this meeting' }),
  noContact: Type.Array(Type.String(), { description: 'Projects in delivery without a lead contact e-mail' }),
  failed: Type.Array(Type.Object({ to: Type.String(), error: Type.String() })),
});
const RequestInput = Type.Object({ meetingId: Type.String({ description: 'The meeting the returns are for (one still to come)' }) });

export async function fundingReturnRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: MAX_EVIDENCE_BYTES + 1, files: 1, fields: 20, fieldSize: 20_000, parts: 22 } });

  // Asking for returns -------------------------------------------------------------------------

  async function loadGrantFor(req: FastifyRequest) {
    authorize(req.actor, 'create', fundingResources.returnRequest());
    const id = (req.params as { id: string }).id;
    const grant = isUuid(id) ? await findGrant(db, req.partnership.id, id) : undefined;
    if (!grant) throw new NotFoundError();
    return grant;
  }
  async function requestsPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const grant = await loadGrantFor(req);
    const projects = (await listProposals(db, req.partnership.id, { grantId: grant.id })).filter((p) => p.status === 'in-delivery');
    const asked = await latestRequests(db, req.partnership.id, projects.map((p) => p.id));
    return reply.code(errors ? 400 : 200).view('funding/views/return-requests.njk', {
      title: 'Ask leads for progress returns', section: 'funding', grant, errors, values,
      meetings: await upcomingMeetingOptions(db, req.partnership.id, todayIso()),
      projects: projects.map((p) => ({ ...p, asked: asked.get(p.id) ?? null })),
    });
  }
  const mailer = () => {
    const m = mailerFromConfig(app.config);
    if (!m) throw ValidationError.single('meeting_id', 'E-mail is not set up, so leads cannot be asked. Ask your administrator to connect the service to an e-mail server.');
    return m;
  };
  async function send(req: FastifyRequest, grantId: string, body: unknown): Promise<ReturnRequestResult> {
    const m = mailer();
    try {
      return await sendReturnRequests({ db, actor: req.actor, mailer: m, baseUrl: publicOrigin(req.partnership, app.config) }, grantId, body, todayIso());
    } finally { m.close(); }
  }
  const summary = (r: ReturnRequestResult) => [
    r.sent ? `Asked ${r.sent} ${r.sent === 1 ? 'lead' : 'leads'} for a progress return` : 'Nobody new to ask',
    r.alreadyAsked ? `${r.alreadyAsked} asked already for this meeting` : null,
    r.noContact.length ? `no contact e-mail for ${r.noContact.join(', ')}` : null,
  ].filter(Boolean).join('; ');

  app.get('/funding/grants/:id/return-requests', async (req, reply) => requestsPage(req, reply));
  app.post('/funding/grants/:id/return-requests', async (req, reply) => {
    const grant = await loadGrantFor(req);
    const outcome = await formOutcome(() => send(req, grant.id, req.body));
    if (!outcome.ok) return requestsPage(req, reply, req.body as Record<string, unknown>, outcome.errors);
    if (outcome.value.failed.length) {
      return requestsPage(req, reply.code(502), req.body as Record<string, unknown>, outcome.value.failed.map((f) => ({ field: 'meeting_id', message: `The request to ${f.to} could not be sent (${f.error}). Try again later.` })));
    }
    return reply.flash(summary(outcome.value)).redirect(`/funding/grants/${grant.id}/return-requests`, 303);
  });
  app.post('/api/funding/grants/:id/return-requests', {
    schema: { tags: ['funding'], summary: "E-mail the leads of a grant's projects in delivery a link to send their progress return before a meeting", params: Type.Object({ id: Type.String() }), body: RequestInput, response: { 200: RequestResult } },
  }, async (req) => {
    const grant = await loadGrantFor(req);
    return send(req, grant.id, { meeting_id: (req.body as { meetingId: string }).meetingId });
  });

  // The lead's page through the link: no account --------------------------------------------

  async function linkPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    authorize(req.actor, 'read', fundingResources.returnLink());
    reply.header('cache-control', 'private, no-store');
    const token = (req.params as { token: string }).token;
    const opened = await openReturnLink(db, token);
    if (!opened.ok || opened.proposal.partnership_id !== req.partnership.id) {
      return reply.code(404).view('funding/views/link-refused.njk', { title: 'This link cannot be used', message: REFUSALS[opened.ok ? 'unknown' : opened.reason] });
    }
    const p = opened.proposal;
    return reply.code(errors ? 400 : 200).view('funding/views/return-link.njk', {
      title: `Progress return: ${p.title}`, proposal: p, token, errors, values, maxMb,
      meetsOn: opened.meetsOn ? longDate(opened.meetsOn) : null, allocated: formatPence(Number(p.allocated_pence)),
    });
  }
  app.get('/funding/returns/:token', async (req, reply) => linkPage(req, reply));
  const linkForms = new WeakMap<FastifyRequest, ReadForm>();
  app.post('/funding/returns/:token', {
    config: { linkUpload: true },
    // The link is checked as the request arrives: a wrong one reads no body.
    onRequest: async (req, reply) => {
      if (!String(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')) return;
      const token = (req.params as { token: string }).token;
      const link = looksLikeLinkToken(token)
        ? await db.selectFrom('funding_return_links').select(['expires_at', 'revoked_at']).where('token_sha256', '=', tokenSha256(token)).executeTakeFirst() : undefined;
      if (linkRefusal(link)) { reply.header('connection', 'close'); throw new NotFoundError(); }
    },
    preValidation: async (req, reply) => {
      if (req.isMultipart()) linkForms.set(req, await readForm(req, reply, limits(app)));
    },
    onResponse: removeUploadFiles,
  }, async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const form = linkForms.get(req);
    const values = (form ? form.fields : req.body ?? {}) as Record<string, unknown>;
    if (form?.tooLarge.length) return linkPage(req, reply, values, [tooLargeError()]);
    const outcome = await formOutcome(() => recordReturnByLink(db, req.partnership.id, token, values, form?.files[0], todayIso()));
    if (!outcome.ok) {
      if (outcome.errors.length === 0) throw new NotFoundError();
      return linkPage(req, reply, values, outcome.errors);
    }
    const { proposal, evidence } = outcome.value;
    return reply.header('cache-control', 'private, no-store').view('funding/views/return-received.njk', { title: 'Thank you: your progress return has been received', proposal, evidence });
  });

  // Evidence ---------------------------------------------------------------------------------

  async function loadProject(req: FastifyRequest): Promise<ProposalView> {
    const id = (req.params as { id: string }).id;
    const p = isUuid(id) ? await findProposal(db, req.partnership.id, id) : undefined;
    if (!p) throw new NotFoundError();
    authorize(req.actor, 'read', proposalResource(p));
    return p;
  }
  async function evidenceForm(req: FastifyRequest, reply: FastifyReply, p: ProposalView, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    authorize(req.actor, 'create', fundingResources.returnRequest());
    const claims = await listClaims(db, req.partnership.id, p.id);
    const progress = await listProgress(db, req.partnership.id, p.id);
    const items = [
      ...claims.map((c) => ({ value: `claim:${c.id}`, text: `Claim: ${formatPence(Number(c.amount_pence))} paid to ${c.payee} on ${longDate(c.paid_on)}` })),
      ...progress.map((r) => ({ value: `progress:${r.id}`, text: `Progress return of ${longDate(r.reported_on)} (${r.author_label})` })),
    ];
    return reply.code(errors ? 400 : 200).view('funding/views/evidence-form.njk', { title: 'Add evidence', caption: p.title, proposal: p, items, values, errors, maxMb });
  }
  app.get('/funding/proposals/:id/evidence/new', async (req, reply) => evidenceForm(req, reply, await loadProject(req)));
  const evidenceForms = new WeakMap<FastifyRequest, ReadForm>();
  app.post('/funding/proposals/:id/evidence/new', {
    onRequest: uploadGate((req) => authorize(req.actor, 'create', fundingResources.returnRequest())),
    preValidation: async (req, reply) => {
      if (req.isMultipart()) evidenceForms.set(req, await readForm(req, reply, limits(app)));
    },
    onResponse: removeUploadFiles,
  }, async (req, reply) => {
    const p = await loadProject(req);
    const form = evidenceForms.get(req);
    const values = (form ? form.fields : req.body ?? {}) as Record<string, unknown>;
    if (form?.tooLarge.length) return evidenceForm(req, reply, p, values, [tooLargeError()]);
    const outcome = await formOutcome(async () => {
      authorize(req.actor, 'create', fundingResources.returnRequest());
      const [kind, id] = String(values.for ?? '').split(':');
      const pid = req.partnership.id;
      const owner = kind === 'claim' && id && isUuid(id)
        ? await db.selectFrom('funding_claims').select('id').where('partnership_id', '=', pid).where('proposal_id', '=', p.id).where('id', '=', id).executeTakeFirst()
        : kind === 'progress' && id && isUuid(id)
          ? await db.selectFrom('funding_progress').select('id').where('partnership_id', '=', pid).where('proposal_id', '=', p.id).where('id', '=', id).executeTakeFirst()
          : undefined;
      const problems: FieldError[] = [];
      if (!owner) problems.push({ field: 'for', message: 'Select the claim or progress return the evidence is for' });
      const file = form?.files[0];
      if (!file) problems.push({ field: 'file', message: 'Select the file to add' });
      if (problems.length) throw new ValidationError(problems);
      await checkEvidenceFile(file!);
      const by = req.actor.kind === 'user' ? req.actor.displayName : 'public';
      return inTransaction({ db, actor: req.actor }, (trx) => storeEvidence(trx, req.actor, { proposalId: p.id, claimId: kind === 'claim' ? owner!.id : null, progressId: kind === 'progress' ? owner!.id : null, title: p.title }, file!, by));
    });
    if (outcome.ok) return reply.flash(`Evidence added: ${outcome.value.file_name}`).redirect(`/funding/proposals/${p.id}#evidence`, 303);
    return evidenceForm(req, reply, p, values, outcome.errors);
  });

  // A download: for whoever may read the project's funding records; every one audited.
  app.get('/funding/evidence/:id', async (req, reply) => {
    authorize(req.actor, 'read', fundingResources.record());
    const id = (req.params as { id: string }).id;
    const e = isUuid(id) ? await findEvidence(db, req.partnership.id, id) : undefined;
    if (!e) throw new NotFoundError();
    const p = await findProposal(db, req.partnership.id, e.proposal_id);
    if (!p) throw new NotFoundError();
    authorize(req.actor, 'read', proposalResource(p));
    await recordAudit(db, req.actor, { action: 'read', recordType: 'funding-evidence', recordId: e.id, summary: `Downloaded evidence ${e.file_name} of ${p.title}` });
    return reply.type(e.content_type).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff')
      .header('content-disposition', `attachment; filename="${e.file_name.replace(/[^\w.\- ]/g, '_')}"`).send(Buffer.from(e.bytes));
  });

  // The funder's documents of a grant ---------------------------------------------------------
  // Kept by those who keep the grant; read, like evidence, by signed-in people of the
  // partnership, every download audited.

  async function loadGrantToKeep(req: FastifyRequest) {
    authorize(req.actor, 'update', grantResource());
    const id = (req.params as { id: string }).id;
    const grant = isUuid(id) ? await findGrant(db, req.partnership.id, id) : undefined;
    if (!grant) throw new NotFoundError();
    return grant;
  }
  const grantDocumentForm = (reply: FastifyReply, grant: { id: string; label: string }, values: Record<string, unknown> = {}, errors?: FieldError[]) =>
    reply.code(errors ? 400 : 200).view('funding/views/grant-document-form.njk', { title: 'Add a funder\'s document', section: 'funding', grant, values, errors, maxMb });
  app.get('/funding/grants/:id/documents/new', async (req, reply) => grantDocumentForm(reply, await loadGrantToKeep(req)));
  const grantDocumentForms = new WeakMap<FastifyRequest, ReadForm>();
  app.post('/funding/grants/:id/documents/new', {
    onRequest: uploadGate((req) => authorize(req.actor, 'update', grantResource())),
    preValidation: async (req, reply) => {
      if (req.isMultipart()) grantDocumentForms.set(req, await readForm(req, reply, limits(app)));
    },
    onResponse: removeUploadFiles,
  }, async (req, reply) => {
    const grant = await loadGrantToKeep(req);
    const form = grantDocumentForms.get(req);
    const values = (form ? form.fields : req.body ?? {}) as Record<string, unknown>;
    if (form?.tooLarge.length) return grantDocumentForm(reply, grant, values, [tooLargeError()]);
    const outcome = await formOutcome(async () => {
      const input = new Input(values);
      const title = input.text('title', 'Enter what the document is, for example: Grant agreement, signed', 200);
      const file = form?.files[0];
      if (!file) input.fail('file', 'Select the file to add');
      input.check();
      await checkEvidenceFile(file!);
      return inTransaction({ db, actor: req.actor }, (trx) => storeGrantDocument(trx, req.actor, grant, title, file!));
    });
    if (outcome.ok) return reply.flash(`Document added: ${outcome.value.title}`).redirect(`/funding/grants/${grant.id}#documents`, 303);
    return grantDocumentForm(reply, grant, values, outcome.errors);
  });
  app.get('/funding/grant-documents/:id', async (req, reply) => {
    authorize(req.actor, 'read', fundingResources.record());
    const id = (req.params as { id: string }).id;
    const d = isUuid(id) ? await findGrantDocument(db, req.partnership.id, id) : undefined;
    if (!d) throw new NotFoundError();
    await recordAudit(db, req.actor, { action: 'read', recordType: 'funding-grant-document', recordId: d.id, summary: `Downloaded the funder's document ${d.title}` });
    return reply.type(d.content_type).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff')
      .header('content-disposition', `attachment; filename="${d.file_name.replace(/[^\w.\- ]/g, '_')}"`).send(Buffer.from(d.bytes));
  });
  app.get('/api/funding/grants/:id/documents', {
    schema: {
      tags: ['funding'], summary: 'The funder\'s documents of a grant (signed-in readers); each is downloaded from its href', params: Type.Object({ id: Type.String() }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), fileName: Type.String(), contentType: Type.String(), size: Type.Integer(), sha256: Type.String(), addedAt: Type.String({ format: 'date-time' }), href: Type.String() })) }) },
    },
  }, async (req) => {
    authorize(req.actor, 'read', fundingResources.record());
    const id = (req.params as { id: string }).id;
    const grant = isUuid(id) ? await findGrant(db, req.partnership.id, id) : undefined;
    if (!grant) throw new NotFoundError();
    const rows = await listGrantDocuments(db, req.partnership.id, grant.id);
    return { items: rows.map((d) => ({ id: d.id, title: d.title, fileName: d.file_name, contentType: d.content_type, size: d.size, sha256: d.sha256, addedAt: d.created_at.toISOString(), href: `/funding/grant-documents/${d.id}` })) };
  });
}
