// Queues a notice of a publication: one meeting_notices row and one outbox row per
// recipient, written in the caller's transaction, so a notice exists exactly when the
// publication it announces was committed. The runner (runner.ts) sends them.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { Actor } from '../../../access/policy.ts';
import { ukToday } from '../../../access/policy.ts';
import { recordAudit } from '../../../access/audit.ts';
import { noticeRecipients } from './recipients.ts';
import type { NoticeKind } from './tables.ts';

/** Told when a notice is queued, so a runner in this process starts at once instead of at its next poll. */
export const noticeEvents = new EventEmitter();

export const NOTICE_KIND_LABELS: Record<NoticeKind, string> = { agenda: 'Agenda', supplement: 'Supplementary agenda', minutes: 'Minutes' };

/**
 * The one call a publish command makes, inside its transaction, after the publication is
 * written: `await queueMeetingNotice(trx, ctx.actor, meetingId, 'agenda')`.
 */
export async function queueMeetingNotice(db: Kysely<DB>, actor: Actor, meetingId: string, kind: NoticeKind) {
  const partnershipId = actor.partnershipId;
  const meeting = await db.selectFrom('meetings').select(['id', 'body_id', 'contact_person_id']).where('partnership_id', '=', partnershipId).where('id', '=', meetingId).executeTakeFirstOrThrow();
  const last = await db.selectFrom('meeting_notices').select((eb) => eb.fn.max('sequence').as('n')).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).executeTakeFirst();
  const sequence = last?.n === null || last?.n === undefined ? 0 : Number(last.n) + 1;
  const notice = await db.insertInto('meeting_notices').values({
    partnership_id: partnershipId, meeting_id: meetingId, kind, sequence, created_by: actor.kind === 'user' ? actor.userId : null,
  }).returning(['id', 'sequence']).executeTakeFirstOrThrow();
  const recipients = await noticeRecipients(db, partnershipId, meeting, kind, ukToday());
  if (recipients.length) {
    await db.insertInto('notice_outbox').values(recipients.map((r) => ({
      partnership_id: partnershipId, notice_id: notice.id, person_id: r.personId, user_id: r.userId, email: r.email, name: r.name,
      message_id: `<${randomUUID()}@partnership-hub>`, claimed_at: null, claimed_by: null, sent_at: null, last_error: null, members_version: null,
    }))).execute();
  }
  await recordAudit(db, actor, {
    action: 'create', recordType: 'meeting-notice', recordId: notice.id,
    summary: `${NOTICE_KIND_LABELS[kind]} notice queued for ${recipients.length} recipient${recipients.length === 1 ? '' : 's'}`,
  });
  // Fired before the commit; the runner's claim simply finds nothing until the rows are visible, and polls again.
  setImmediate(() => noticeEvents.emit('queued'));
  return { noticeId: notice.id, sequence: notice.sequence, recipients: recipients.length };
}
