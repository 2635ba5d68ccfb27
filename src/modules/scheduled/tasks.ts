// The work done once a day for each partnership: the reminders and requests each module
// sends by e-mail. Each is safe to run twice in a day (a message goes once), which both
// the server's own daily run (dailyWork.ts) and the scripts for cron rely on. A task
// meets its module only through that module's command.
import type { Context } from '../../access/context.ts';
import type { Config } from '../../config.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { sendActionReminders } from '../actions/reminders.ts';
import { sendDueReminders } from '../assessment/requests.commands.ts';
import { sendSessionReminders } from '../engagement/sessions.commands.ts';
import { sendDueReturnRequests } from '../funding/returns.ts';
import { sendProgressReminders } from '../reviews/progress.commands.ts';

/** What one partnership's run did: a line to print and the messages that failed. */
export interface PartnershipRun { summary: string; failed: { to: string; error: string }[] }

export type TaskContext = Context & { mailer: Mailer; baseUrl: string; config: Pick<Config, 'sessionSecret' | 'mailFrom'> };
export type PartnershipJob = (ctx: TaskContext, today: string) => Promise<PartnershipRun>;

export interface DailyTask { name: string; label: string; run: PartnershipJob }

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const DAILY_TASKS: readonly DailyTask[] = [
  {
    name: 'action-reminders', label: 'Action reminders',
    run: async (ctx, today) => {
      const r = await sendActionReminders(ctx, today);
      return { summary: `${plural(r.messages, 'reminder')} sent about ${plural(r.actions, 'action')}`, failed: r.failed };
    },
  },
  {
    name: 'assessment-reminders', label: 'Data-request reminders and chases',
    run: async (ctx, today) => {
      const r = await sendDueReminders(ctx, today);
      return { summary: `${plural(r.reminders, 'data-request reminder')} and ${plural(r.chases, 'chase')} sent`, failed: r.failed };
    },
  },
  {
    name: 'session-reminders', label: 'Information session reminders',
    run: async (ctx, today) => {
      const organiserEmail = /<([^>]+)>/.exec(ctx.config.mailFrom)?.[1] ?? ctx.config.mailFrom;
      const r = await sendSessionReminders({ ...ctx, secret: ctx.config.sessionSecret, organiserEmail }, today);
      return { summary: `${plural(r.messages, 'reminder')} sent about ${plural(r.sessions, 'session')} tomorrow`, failed: r.failed };
    },
  },
  {
    name: 'funding-returns', label: 'Funding progress returns asked and reminded',
    run: async (ctx, today) => {
      const r = await sendDueReturnRequests(ctx, today);
      const notes = [r.alreadyAsked ? `${r.alreadyAsked} asked already` : null, r.noContact.length ? `no contact e-mail for ${r.noContact.join(', ')}` : null].filter(Boolean);
      return { summary: `${plural(r.sent, 'progress return request')} and ${plural(r.reminded ?? 0, 'reminder')} sent${notes.length ? ` (${notes.join('; ')})` : ''}`, failed: r.failed };
    },
  },
  {
    name: 'review-progress-reminders', label: 'Review progress reminders',
    run: async (ctx, today) => {
      const r = await sendProgressReminders(ctx, today);
      return { summary: `${plural(r.reminded, 'progress reminder')} sent to agencies`, failed: r.failed };
    },
  },
];

export function dailyTask(name: string): DailyTask {
  const task = DAILY_TASKS.find((t) => t.name === name);
  if (!task) throw new Error(`No daily task is called ${name}`);
  return task;
}
