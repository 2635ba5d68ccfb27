// E-mail reminders to the people who own actions that are due soon or overdue.
// Idempotent: each action is reminded at most once a day, whoever presses the button or
// however often the scheduled script runs (action_reminders holds what was sent).
import { authorize, type Actor } from '../../access/policy.ts';
import type { Context } from '../../access/context.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { actionsRemindedOn, reminderCandidates } from './store.ts';
import { addDays, reminderMessage, REMINDER_WINDOW_DAYS, selectReminders } from './domain.ts';

export interface ReminderContext extends Context {
  mailer: Mailer;
  /** The site's address, for links in the message (e.g. "https://csp.northshire.example"). */
  baseUrl?: string | null;
}

export interface ReminderResult {
  /** Messages sent, one per owner. */
  messages: number;
  /** Actions those messages were about. */
  actions: number;
  failed: { to: string; error: string }[];
}

/**
 * The actor of a scheduled run (scripts/send-reminders.ts), which has no signed-in user.
 * It may only do what officers may; reminders write no audit entries, only
 * action_reminders rows.
 */
export function reminderRunActor(partnershipId: string): Actor {
  return {
    kind: 'user', partnershipId, userId: '00000000-0000-0000-0000-000000000000', displayName: 'Scheduled reminders',
    role: 'officer', personId: null, grants: [],
  };
}

export async function sendActionReminders(ctx: ReminderContext, today: string): Promise<ReminderResult> {
  authorize(ctx.actor, 'update', { type: 'action' });
  const partnershipId = ctx.actor.partnershipId;
  const { db } = ctx;
  const partnership = await db.selectFrom('partnerships').select(['short_name']).where('id', '=', partnershipId).executeTakeFirstOrThrow();
  const candidates = await reminderCandidates(db, partnershipId, today, addDays(today, REMINDER_WINDOW_DAYS));
  const batches = selectReminders(candidates, today, await actionsRemindedOn(db, partnershipId, today));

  const result: ReminderResult = { messages: 0, actions: 0, failed: [] };
  for (const batch of batches) {
    const all = [...batch.overdue, ...batch.dueSoon];
    // Claim today's reminder for each action first. A run at the same moment claims
    // nothing (the unique key), so it sends nothing twice. The claim is short: no
    // transaction is held open while the mail server answers.
    const claimed = await db.insertInto('action_reminders')
      .values(all.map((a) => ({ partnership_id: partnershipId, action_id: a.id, sent_on: today, recipient: batch.to })))
      .onConflict((oc) => oc.columns(['partnership_id', 'action_id', 'sent_on']).doNothing())
      .returning(['id', 'action_id']).execute();
    if (!claimed.length) continue;
    const mine = new Set(claimed.map((c) => c.action_id));
    const keep = { ...batch, overdue: batch.overdue.filter((a) => mine.has(a.id)), dueSoon: batch.dueSoon.filter((a) => mine.has(a.id)) };
    try {
      await ctx.mailer.send(reminderMessage(keep, { partnershipName: partnership.short_name, today, baseUrl: ctx.baseUrl }));
      result.messages += 1;
      result.actions += claimed.length;
    } catch (e) {
      // Not sent: release the claim so that a later run today tries again.
      await db.deleteFrom('action_reminders').where('partnership_id', '=', partnershipId).where('id', 'in', claimed.map((c) => c.id)).execute();
      result.failed.push({ to: batch.to, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}
