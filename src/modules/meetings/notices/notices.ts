// Reading and changing notices: a meeting's notices with their progress (sent, failed,
// waiting), sending failed ones again, and a user's choice of which notices they get.
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import { authorize } from '../../../access/policy.ts';
import { recordAudit } from '../../../access/audit.ts';
import { inTransaction, type Context } from '../../../access/context.ts';
import { Input } from '../../../web/validate.ts';
import { NotFoundError } from '../../../web/errors.ts';
import type { NoticeKind, OutboxStatus } from './tables.ts';

/** The clerk's team follows the sending; what was sent to whom is their working record. */
export const noticesResource = (bodyId: string) => ({ type: 'meeting-notice', bodyId, staffOnly: true });

export interface NoticeProgress {
  id: string;
  kind: NoticeKind;
  sequence: number;
  createdAt: Date;
  createdBy: string | null;
  counts: { sent: number; failed: number; waiting: number; total: number };
  recipients: { id: string; name: string; email: string; status: OutboxStatus; attempts: number; sentAt: Date | null; lastError: string | null; membersVersion: boolean | null }[];
}

export async function meetingNotices(db: Kysely<DB>, partnershipId: string, meetingId: string): Promise<NoticeProgress[]> {
  const notices = await db.selectFrom('meeting_notices as n').leftJoin('users as u', 'u.id', 'n.created_by')
    .select(['n.id', 'n.kind', 'n.sequence', 'n.created_at', 'u.display_name'])
    .where('n.partnership_id', '=', partnershipId).where('n.meeting_id', '=', meetingId).orderBy('n.sequence', 'desc').execute();
  if (!notices.length) return [];
  const rows = await db.selectFrom('notice_outbox').selectAll().where('partnership_id', '=', partnershipId)
    .where('notice_id', 'in', notices.map((n) => n.id)).orderBy('name').orderBy('email').execute();
  return notices.map((n) => {
    const mine = rows.filter((r) => r.notice_id === n.id);
    const sent = mine.filter((r) => r.status === 'sent').length;
    const failed = mine.filter((r) => r.status === 'failed').length;
    return {
      id: n.id, kind: n.kind, sequence: n.sequence, createdAt: n.created_at, createdBy: n.display_name,
      counts: { sent, failed, waiting: mine.length - sent - failed, total: mine.length },
      recipients: mine.map((r) => ({ id: r.id, name: r.name, email: r.email, status: r.status, attempts: r.attempts, sentAt: r.sent_at, lastError: r.last_error, membersVersion: r.members_version })),
    };
  });
}

/** Puts a notice's failed messages back in the queue, for another three tries. */
export async function retryFailedNotices(ctx: Context, meetingId: string, noticeId: string) {
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const notice = await trx.selectFrom('meeting_notices as n').innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'n.partnership_id').onRef('m.id', '=', 'n.meeting_id'))
      .select(['n.id', 'm.body_id']).where('n.partnership_id', '=', pid).where('n.id', '=', noticeId).where('n.meeting_id', '=', meetingId).executeTakeFirst();
    if (!notice) throw new NotFoundError();
    authorize(ctx.actor, 'update', { type: 'meeting-notice', bodyId: notice.body_id });
    const retried = await trx.updateTable('notice_outbox').set({ status: 'pending', attempts: 0, claimed_at: null, claimed_by: null })
      .where('partnership_id', '=', pid).where('notice_id', '=', noticeId).where('status', '=', 'failed').returning('id').execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'meeting-notice', recordId: noticeId, summary: `${retried.length} failed message${retried.length === 1 ? '' : 's'} to be sent again` });
    return retried.length;
  });
}

export interface NoticePreferences { agendas: boolean; supplements: boolean; minutes: boolean }

export async function noticePreferences(db: Kysely<DB>, partnershipId: string, userId: string): Promise<NoticePreferences> {
  const row = await db.selectFrom('notice_preferences').select(['agendas', 'supplements', 'minutes'])
    .where('partnership_id', '=', partnershipId).where('user_id', '=', userId).executeTakeFirst();
  return row ?? { agendas: true, supplements: true, minutes: true };
}

export const NOTICE_CHOICES = [
  { value: 'agendas', text: 'Agendas', hint: 'When a meeting’s agenda is published, with a calendar invitation' },
  { value: 'supplements', text: 'Supplementary agendas', hint: 'When late items are added to a published agenda' },
  { value: 'minutes', text: 'Minutes', hint: 'When a meeting’s minutes are published' },
] as const;

/** The signed-in user's choice; the form sends the kinds ticked (none ticked: no notices). */
export async function setNoticePreferences(ctx: Context, body: unknown): Promise<NoticePreferences> {
  const actor = ctx.actor;
  authorize(actor, 'update', { type: 'notice-preferences', ownAccount: true });
  if (actor.kind !== 'user') throw new NotFoundError();
  const input = new Input(body);
  const raw = (body as Record<string, unknown> | null)?.['notices'];
  const chosen = new Set((Array.isArray(raw) ? raw : raw === undefined || raw === null || raw === '' ? [] : [raw]).map(String));
  for (const c of chosen) if (!NOTICE_CHOICES.some((n) => n.value === c)) input.fail('notices', 'Select the notices you want from the list');
  input.check();
  const values = { agendas: chosen.has('agendas'), supplements: chosen.has('supplements'), minutes: chosen.has('minutes') };
  return inTransaction(ctx, async (trx) => {
    const before = await noticePreferences(trx, actor.partnershipId, actor.userId);
    await trx.insertInto('notice_preferences').values({ partnership_id: actor.partnershipId, user_id: actor.userId, ...values })
      .onConflict((oc) => oc.columns(['partnership_id', 'user_id']).doUpdateSet({ ...values, updated_at: new Date() })).execute();
    await recordAudit(trx, actor, { action: 'update', recordType: 'notice-preferences', recordId: actor.userId, before, after: values });
    return values;
  });
}
