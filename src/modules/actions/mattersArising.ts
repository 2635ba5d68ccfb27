// Matters arising: the actions a body's next agenda carries forward. The meetings module
// calls listMattersArising with the meeting's date; it gets presented actions (the same
// shape as the API) with how each stands against the meeting, so it needs nothing of
// this module's tables.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { todayIso } from '../partnership/domain.ts';
import { actionRows, actionViews, type ActionRow } from './store.ts';
import { presentAction, type PresentedAction } from './presenters.ts';
import { longDate } from './domain.ts';

/**
 * Where an outstanding action stands for the agenda of a meeting on `meetsOn`, seen on
 * `today`: overdue only once its due date has passed (and, for an old agenda, before the
 * meeting); one due between now and the meeting is "due before the meeting", never
 * "overdue", since the owner still has time.
 */
export type DueAtMeeting = 'overdue' | 'due-before-meeting' | 'due-on-the-day' | 'due-later';

export function dueAtMeeting(dueOn: string, meetsOn: string, today: string): DueAtMeeting {
  const judgedOn = today < meetsOn ? today : meetsOn;
  if (dueOn < judgedOn) return 'overdue';
  if (dueOn < meetsOn) return 'due-before-meeting';
  if (dueOn === meetsOn) return 'due-on-the-day';
  return 'due-later';
}

/** The words an agenda prints after an action's owner: "overdue (due 3 March 2026)", "due before the meeting (10 March 2026)". */
export function dueAtMeetingWording(dueOn: string, meetsOn: string, today: string): string {
  switch (dueAtMeeting(dueOn, meetsOn, today)) {
    case 'overdue': return `overdue (due ${longDate(dueOn)})`;
    case 'due-before-meeting': return `due before the meeting (${longDate(dueOn)})`;
    case 'due-on-the-day': return `due on the day of the meeting (${longDate(dueOn)})`;
    case 'due-later': return `due ${longDate(dueOn)}`;
  }
}

export type MatterArising = PresentedAction & { dueAtMeeting: DueAtMeeting; dueWording: string };

const RANK: Record<DueAtMeeting, number> = { overdue: 0, 'due-before-meeting': 1, 'due-on-the-day': 2, 'due-later': 3 };

/**
 * Open and in progress actions of the body that were recorded on or before `asOf` (the
 * meeting's date), overdue ones first, then by due date; `overdue` means overdue now
 * (or, for a meeting already past, by its date). Restricted actions are included and
 * say so: the caller places them in the restricted part of the agenda, or leaves them
 * out for readers who may not see them.
 */
export async function listMattersArising(
  db: Kysely<DB>, partnershipId: string, bodyId: string, asOf: string, today = todayIso(),
): Promise<MatterArising[]> {
  return mattersArisingFrom(await mattersArisingRows(db, partnershipId, bodyId, asOf).execute(), asOf, today);
}

/**
 * listMattersArising's query, for a caller that runs it inside a statement of its own (the
 * signed-in meeting page reads it with the session); the date it was recorded on is
 * judged in UTC, as the list always has.
 */
export const mattersArisingRows = (db: Kysely<DB>, partnershipId: string, bodyId: string, asOf: string) =>
  actionRows(db, partnershipId, { bodyId, statuses: ['open', 'in-progress'] }).where(sql<string>`(actions.created_at at time zone 'UTC')::date`, '<=', sql<string>`${asOf}::date`);

/** listMattersArising's answer from mattersArisingRows's rows, in the order it gave them. */
export function mattersArisingFrom(rows: readonly ActionRow[], asOf: string, today = todayIso()): MatterArising[] {
  return actionViews(rows, asOf)
    .filter((a) => a.created_at.toISOString().slice(0, 10) <= asOf)
    .map((a) => {
      const standing = dueAtMeeting(a.due_on, asOf, today);
      return { ...presentAction(a), overdue: standing === 'overdue', dueAtMeeting: standing, dueWording: dueAtMeetingWording(a.due_on, asOf, today) };
    })
    .sort((a, b) => RANK[a.dueAtMeeting] - RANK[b.dueAtMeeting] || (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0));
}
