// Reminds everyone with a place at an information session tomorrow, with the joining link,
// for a scheduler such as cron (once a day, any time before the sessions):
// `node scripts/send-session-reminders.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// Safe to run as often as you like: each person is reminded of a session at most once.
// Reads the same environment as the server (DATABASE_URL or DATA_DIR, SMTP_URL, MAIL_FROM, SESSION_SECRET).
// Stop the server first when it uses the embedded database: PGlite allows one process.
import { loadConfig } from '../src/config.ts';
import { sendSessionReminders } from '../src/modules/engagement/sessions.commands.ts';
import { plural, runForEachPartnership } from './lib/perPartnership.ts';

runForEachPartnership(async (ctx, today) => {
  const config = loadConfig();
  const organiserEmail = /<([^>]+)>/.exec(config.mailFrom)?.[1] ?? config.mailFrom;
  const result = await sendSessionReminders({ ...ctx, secret: config.sessionSecret, organiserEmail }, today);
  return { summary: `${plural(result.messages, 'reminder')} sent about ${plural(result.sessions, 'session')} tomorrow`, failed: result.failed };
});
