// The "notes of the last meeting" item always confirms the body's previous meeting by
// date. When dates change (a meeting moved, one added or cancelled in between) every
// such item of the body is pointed again at the meeting now before it, and its title
// follows, each change with its history. Not moved: an item whose approval is already
// recorded, or on a meeting whose minutes are published or approved (those are changed
// only by amendment).
import { recordAudit } from '../../access/audit.ts';
import type { Context, Tx } from '../../access/context.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { previousMinutesTitle } from './domain.ts';
import { reindexMeeting } from './search.ts';

/** Titles the app wrote itself (or the standing item's), which it may write again. */
const GENERATED_TITLE = /^notes of (the )?(last )?meeting( held on .*)?$/i;
export const NO_PREVIOUS_TITLE = 'Notes of the last meeting';

/**
 * What the item's title becomes when it confirms `previous` instead; a clerk's own
 * wording keeps its words, with the old date changed where it names it.
 */
export function titleFor(title: string, previous: { meets_on: string } | null, oldDate: string | null): string {
  if (GENERATED_TITLE.test(title.trim())) return previous ? previousMinutesTitle(previous.meets_on) : NO_PREVIOUS_TITLE;
  if (previous && oldDate && title.includes(formatDate(oldDate))) return title.replace(formatDate(oldDate), formatDate(previous.meets_on));
  return title;
}

/**
 * Points every "notes of the last meeting" item of the body at the meeting before it.
 * `oldDates` holds the dates meetings had before this change, so a title naming an old
 * date is recognised.
 */
export async function repointPreviousMinutes(ctx: Context, trx: Tx, bodyId: string, oldDates: ReadonlyMap<string, string> = new Map()) {
  const partnershipId = ctx.actor.partnershipId;
  const meetings = await trx.selectFrom('meetings').select(['id', 'meets_on', 'starts_at', 'status', 'minutes_published_at'])
    .where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId)
    .orderBy('meets_on').orderBy('starts_at').orderBy('created_at').execute();
  const items = await trx.selectFrom('agenda_items').selectAll().where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId)
    .where('kind', '=', 'previous-minutes').execute();
  if (!items.length) return;
  const approving = new Set((await trx.selectFrom('resolutions').select('agenda_item_id').where('partnership_id', '=', partnershipId)
    .where('agenda_item_id', 'in', items.map((i) => i.id)).where('confirms_meeting_id', 'is not', null).execute()).map((r) => r.agenda_item_id));
  const byId = new Map(meetings.map((m) => [m.id, m]));
  const held = meetings.filter((m) => m.status !== 'cancelled');
  const touched = new Set<string>();
  for (const item of items) {
    const meeting = byId.get(item.meeting_id);
    if (!meeting || meeting.status === 'cancelled' || meeting.status === 'minutes-approved' || meeting.minutes_published_at) continue;
    if (approving.has(item.id)) continue;
    const place = held.findIndex((m) => m.id === meeting.id);
    const previous = place > 0 ? held[place - 1]! : null;
    const was = item.previous_meeting_id ? byId.get(item.previous_meeting_id) : undefined;
    const oldDate = item.previous_meeting_id ? oldDates.get(item.previous_meeting_id) ?? was?.meets_on ?? null : null;
    const title = titleFor(item.title, previous, oldDate);
    if ((previous?.id ?? null) === item.previous_meeting_id && title === item.title) continue;
    const after = await trx.updateTable('agenda_items').set({ previous_meeting_id: previous?.id ?? null, title, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', item.id).returningAll().executeTakeFirstOrThrow();
    const summary = previous
      ? `Now confirms the minutes of the meeting held on ${formatDate(previous.meets_on)}${oldDate && oldDate !== previous.meets_on ? ` (was ${formatDate(oldDate)})` : ''}`
      : 'No earlier meeting of the body remains whose minutes it could confirm';
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'agenda-item', recordId: item.id, before: item, after, summary });
    touched.add(item.meeting_id);
  }
  for (const id of touched) await reindexMeeting(trx, partnershipId, id);
}
