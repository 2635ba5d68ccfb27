// Sends today's action reminders for every partnership (or one), for a scheduler such as
// cron: `npx tsx scripts/send-reminders.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// Safe to run as often as you like: each action is reminded at most once a day.
// Reads the same environment as the server (DATABASE_URL or DATA_DIR, SMTP_URL, MAIL_FROM).
// Stop the server first when it uses the embedded database: PGlite allows one process.
import { sendActionReminders } from '../src/modules/actions/reminders.ts';
import { plural, runForEachPartnership } from './lib/perPartnership.ts';

runForEachPartnership(async (ctx, today) => {
  const result = await sendActionReminders(ctx, today);
  return { summary: `${plural(result.messages, 'reminder')} sent about ${plural(result.actions, 'action')}`, failed: result.failed };
});
