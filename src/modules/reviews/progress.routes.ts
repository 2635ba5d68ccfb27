// Progress asked of agencies by e-mail: the coordinator's page to send a link and see who
// was asked and who answered, its API twin, and the page an agency's contact reaches
// through the link, without an account, to send their update.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize, can } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { publicOrigin } from '../public/address.ts';
import { NEXT_RECOMMENDATION_STATUSES, recommendationStatusLabel, type RecommendationStatus } from './domain.ts';
import { PROGRESS_STATE_LABELS, progressLinkState } from './money.domain.ts';
import { listProgressLinks, type ProgressLinkRow } from './money.store.ts';
import { agenciesToAsk, auditLinkRead, openProgressLink, postProgress, sendProgressRequest, type LinkRefusal } from './progress.commands.ts';
import { findCase, type CaseRow } from './store.ts';
import { auditCaseReads, caseResource } from './reading.ts';
import { caseReference } from './presenters.ts';
import { IdParams, ListOf } from './schemas.ts';

const V = (name: string) => `reviews/views/money/${name}.njk`;

const ProgressLink = Type.Object({
  id: Type.String({ format: 'uuid' }), agency: Type.String(), contactName: Type.String(), contactEmail: Type.String(),
  sentAt: Type.String({ format: 'date-time' }), expiresAt: Type.String({ format: 'date-time' }), usedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  state: Type.String({ description: 'waiting, answered or expired' }),
});
const ProgressRequestInput = Type.Object({ agency: Type.String(), contactName: Type.String(), contactEmail: Type.String() });

const presentLink = (l: ProgressLinkRow) => ({
  id: l.id, agency: l.agency, contactName: l.contact_name, contactEmail: l.contact_email, sentAt: l.sent_at.toISOString(), expiresAt: l.expires_at.toISOString(),
  usedAt: l.used_at?.toISOString() ?? null, state: progressLinkState(l), stateLabel: PROGRESS_STATE_LABELS[progressLinkState(l)],
});

const REFUSALS: Record<LinkRefusal, string> = {
  unknown: 'This link is not recognised. Check you copied the whole link from the e-mail, or ask the review coordinator for a new one.',
  expired: 'This link has expired. Ask the review coordinator who wrote to you for a new one.',
  replaced: 'A newer link has been sent to your agency for this review, and this one no longer works. Use the link in the latest e-mail.',
  used: 'This link has already been used to send an update, and works only once. If you have more to add, ask the review coordinator for a new link.',
};

export async function reviewsProgressRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;

  function mailCtx(req: FastifyRequest) {
    const mailer = mailerFromConfig(app.config);
    if (!mailer) throw ValidationError.single('agency', 'E-mail is not set up, so progress cannot be asked for. Ask your administrator to connect the service to an e-mail server.');
    return { db, actor: req.actor, mailer, baseUrl: publicOrigin(req.partnership, app.config) };
  }

  async function loadCase(req: FastifyRequest, what: string): Promise<CaseRow> {
    const id = (req.params as { id: string }).id;
    if (!isUuid(id)) throw new NotFoundError();
    authorize(req.actor, 'read', caseResource(id));
    const c = await findCase(db, req.partnership.id, id);
    if (!c) throw new NotFoundError();
    await auditCaseReads(db, req.actor, [c.id], what);
    return c;
  }

  async function requestsPage(req: FastifyRequest, reply: FastifyReply, c: CaseRow, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const pid = req.partnership.id;
    const [agencies, links] = await Promise.all([agenciesToAsk(db, pid, c.id), listProgressLinks(db, pid, [c.id])]);
    return reply.view(V('progress-requests'), {
      title: `Ask agencies for progress: ${caseReference(c)}`, section: 'reviews',
      breadcrumbs: [{ text: 'Reviews', href: '/reviews' }, { text: caseReference(c), href: `/reviews/${c.id}` }],
      c, agencies, links: links.map(presentLink), values, errors, canChange: can(req.actor, 'update', caseResource(c.id)),
    });
  }
  app.get('/reviews/:id/progress-requests', async (req, reply) => requestsPage(req, reply, await loadCase(req, 'Read the progress asked of agencies')));
  app.post('/reviews/:id/progress-requests', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to ask an agency for progress');
    authorize(req.actor, 'update', caseResource(c.id));
    const outcome = await formOutcome(async () => {
      const m = mailCtx(req);
      try { return await sendProgressRequest(m, c.id, req.body); } finally { m.mailer.close(); }
    });
    if (outcome.ok) return reply.flash(`Progress asked of ${outcome.value.agency}: the e-mail has been sent to ${outcome.value.contact_email}`).redirect(`/reviews/${c.id}/progress-requests`, 303);
    return requestsPage(req, reply.code(400), c, req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- the contact's page, through the link

  async function linkPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const token = (req.params as { token: string }).token;
    const opened = await openProgressLink(db, req.partnership.id, token);
    if (!opened.ok) return reply.code(opened.reason === 'unknown' ? 404 : 410).view(V('link-refused'), { title: 'This link cannot be used', message: REFUSALS[opened.reason] });
    if (!errors) await auditLinkRead(db, req.partnership.id, opened.link);
    const recs = opened.recs.map((r) => {
      const status = r.status as RecommendationStatus;
      const chosen = typeof values[`status_${r.id}`] === 'string' ? values[`status_${r.id}`] : status;
      return {
        id: r.id, number: r.number, text: r.text, agencyActions: r.agency_actions, owner: r.owner, dueOn: r.due_on, statusLabel: recommendationStatusLabel(status),
        choices: [status, ...NEXT_RECOMMENDATION_STATUSES[status]].map((s) => ({ value: s, text: s === status ? `Still ${recommendationStatusLabel(s).toLowerCase()}` : recommendationStatusLabel(s), checked: chosen === s })),
      };
    });
    return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').view(V('progress-link'), {
      title: `Progress on recommendations to ${opened.link.agency}`, caseInfo: opened.case, agency: opened.link.agency, contactName: opened.link.contact_name,
      expiresAt: opened.link.expires_at, recs, values, errors, token,
    });
  }
  app.get('/review-progress/:token', async (req, reply) => linkPage(req, reply));
  app.post('/review-progress/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const outcome = await formOutcome(() => postProgress(db, req.partnership.id, token, req.body));
    if (!outcome.ok) return linkPage(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
    if (!outcome.value.ok) return reply.code(outcome.value.reason === 'unknown' ? 404 : 410).view(V('link-refused'), { title: 'This link cannot be used', message: REFUSALS[outcome.value.reason] });
    return reply.header('cache-control', 'no-store').view(V('progress-thanks'), { title: 'Update sent', updated: outcome.value.updated });
  });

  // ---------------------------------------------------------------- API
  const tags = ['reviews'];
  app.get('/api/reviews/:id/progress-requests', { schema: { tags, summary: 'The links sent to agencies for progress on the case’s recommendations, and whether they were answered', params: IdParams, response: { 200: ListOf(ProgressLink) } } }, async (req) => {
    const c = await loadCase(req, 'Read the progress asked of agencies (API)');
    return { items: (await listProgressLinks(db, req.partnership.id, [c.id])).map(presentLink) };
  });
  app.post('/api/reviews/:id/progress-requests', { schema: { tags, summary: 'E-mail an agency’s contact a link to send progress on its recommendations of the case', params: IdParams, body: ProgressRequestInput, response: { 201: ProgressLink } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to ask an agency for progress (API)');
    const m = mailCtx(req);
    const b = req.body as { agency: string; contactName: string; contactEmail: string };
    try {
      const link = await sendProgressRequest(m, c.id, { agency: b.agency, contact_name: b.contactName, contact_email: b.contactEmail });
      return reply.code(201).send(presentLink(link));
    } finally { m.mailer.close(); }
  });
}
