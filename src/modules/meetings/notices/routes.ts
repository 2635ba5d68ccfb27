// Pages and API of the notices: the progress of a meeting's notices (for the clerk's team)
// and each user's choice of which notices they get (on their account).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize, type Actor } from '../../../access/policy.ts';
import { NotFoundError } from '../../../web/errors.ts';
import { formOutcome, isUuid } from '../../../web/forms.ts';
import { findMeetingSummary } from '../store.ts';
import { IdParams } from '../schemas.ts';
import { longDate } from '../pack/minutes.ts';
import { formatDateTime } from '../../../web/nunjucks.ts';
import { meetingNotices, NOTICE_CHOICES, noticePreferences, noticesResource, retryFailedNotices, setNoticePreferences } from './notices.ts';
import { NOTICE_KIND_LABELS } from './queue.ts';
import type { OutboxStatus } from './tables.ts';

const V = (name: string) => `meetings/notices/views/${name}.njk`;
const STATUS_LABELS: Record<OutboxStatus, { text: string; colour: string }> = {
  pending: { text: 'Waiting', colour: 'grey' }, sending: { text: 'Sending', colour: 'blue' }, sent: { text: 'Sent', colour: 'green' }, failed: { text: 'Failed', colour: 'red' },
};

const Preferences = Type.Object({ agendas: Type.Boolean(), supplements: Type.Boolean(), minutes: Type.Boolean() });
const Progress = Type.Array(Type.Object({
  id: Type.String({ format: 'uuid' }), kind: Type.String({ description: 'agenda, supplement or minutes' }), sequence: Type.Integer({ description: 'The SEQUENCE of its calendar invitation' }),
  createdAt: Type.String({ format: 'date-time' }), createdBy: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Object({ sent: Type.Integer(), failed: Type.Integer(), waiting: Type.Integer(), total: Type.Integer() }),
  recipients: Type.Array(Type.Object({
    name: Type.String(), email: Type.String(), status: Type.String({ description: 'pending, sending, sent or failed' }), attempts: Type.Integer(),
    sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]), lastError: Type.Union([Type.String(), Type.Null()]),
  })),
}));

export async function noticeRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });

  async function meetingFor(req: FastifyRequest) {
    const { id } = req.params as { id?: string };
    const m = id && isUuid(id) ? await findMeetingSummary(db, req.partnership.id, id) : undefined;
    if (!m) throw new NotFoundError();
    authorize(req.actor, 'read', noticesResource(m.body_id));
    return m;
  }

  app.get('/meetings/:id/notices', async (req, reply) => {
    const m = await meetingFor(req);
    const notices = (await meetingNotices(db, req.partnership.id, m.id)).map((n) => ({
      ...n, label: NOTICE_KIND_LABELS[n.kind], created: formatDateTime(n.createdAt),
      recipients: n.recipients.map((r) => ({ ...r, statusLabel: STATUS_LABELS[r.status], sent: r.sentAt ? formatDateTime(r.sentAt) : '' })),
    }));
    return reply.view(V('progress'), {
      title: `E-mail notices: ${m.body_name}, ${longDate(m.meets_on)}`, section: 'meetings', m, date: longDate(m.meets_on), notices,
      mailConfigured: Boolean(app.config.smtpUrl),
    });
  });

  app.post('/meetings/:id/notices/:noticeId/retry', async (req, reply) => {
    const m = await meetingFor(req);
    const { noticeId } = req.params as { noticeId?: string };
    if (!noticeId || !isUuid(noticeId)) throw new NotFoundError();
    const n = await retryFailedNotices(ctx(req), m.id, noticeId);
    return reply.flash(`${n} failed message${n === 1 ? '' : 's'} will be sent again`).redirect(`/meetings/${m.id}/notices`, 303);
  });

  app.get('/api/meetings/:id/notices', {
    schema: { tags: ['meetings'], summary: 'The e-mail notices of a meeting and how far each has been sent (officers)', params: IdParams, response: { 200: Progress } },
  }, async (req) => {
    const m = await meetingFor(req);
    return (await meetingNotices(db, req.partnership.id, m.id)).map((n) => ({
      ...n, createdAt: n.createdAt.toISOString(),
      recipients: n.recipients.map((r) => ({ ...r, sentAt: r.sentAt ? r.sentAt.toISOString() : null })),
    }));
  });

  // ------------------------------------------------------------ a person's own choice

  const renderPreferences = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    authorize(req.actor, 'read', { type: 'account', published: false });
    if (req.actor.kind !== 'user') throw new NotFoundError();
    const prefs = await noticePreferences(db, req.partnership.id, req.actor.userId);
    return {
      title: 'E-mails you get', section: 'account',
      choices: NOTICE_CHOICES.map((c) => ({ value: c.value, text: c.text, hint: { text: c.hint }, checked: prefs[c.value] })), ...extra,
    };
  };
  app.get('/account/notices', async (req, reply) => reply.view(V('preferences'), await renderPreferences(req)));
  app.post('/account/notices', async (req, reply) => {
    const outcome = await formOutcome(() => setNoticePreferences(ctx(req), req.body));
    if (outcome.ok) return reply.flash('Your choice of e-mails is saved').redirect('/account/notices', 303);
    return reply.code(400).view(V('preferences'), await renderPreferences(req, { errors: outcome.errors }));
  });
  app.get('/api/me/notice-preferences', {
    schema: { tags: ['access'], summary: 'Which meeting notices the signed-in user gets by e-mail', response: { 200: Preferences } },
  }, async (req) => {
    authorize(req.actor, 'read', { type: 'account', published: false });
    if (req.actor.kind !== 'user') throw new NotFoundError();
    return noticePreferences(db, req.partnership.id, req.actor.userId);
  });
  app.put('/api/me/notice-preferences', {
    schema: { tags: ['access'], summary: 'Choose which meeting notices the signed-in user gets by e-mail', body: Preferences, response: { 200: Preferences } },
  }, async (req) => {
    const body = req.body as { agendas: boolean; supplements: boolean; minutes: boolean };
    return setNoticePreferences(ctx(req), { notices: NOTICE_CHOICES.map((c) => c.value).filter((k) => body[k]) });
  });
}
