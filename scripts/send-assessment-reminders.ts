// Sends today's data-request reminders and chases for every partnership's assessments (or
// one), for a scheduler such as cron, as scripts/send-reminders.ts does for actions:
// `npx tsx scripts/send-assessment-reminders.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// Each assessment says how many days before the due date a reminder goes and how often a
// late return is chased; a request gets at most one message a day, so it is safe to run
// as often as you like. Stop the server first when it uses the embedded database.
import { sendDueReminders } from '../src/modules/assessment/requests.commands.ts';
import { plural, runForEachPartnership } from './lib/perPartnership.ts';

runForEachPartnership(async (ctx, today) => {
  const r = await sendDueReminders(ctx, today);
  return { summary: `${plural(r.reminders, 'data-request reminder')} and ${plural(r.chases, 'chase')} sent`, failed: r.failed };
});
