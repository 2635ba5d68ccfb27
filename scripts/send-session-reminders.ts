// Reminds everyone with a place at an information session tomorrow, with the joining link,
// for a scheduler such as cron (once a day, any time before the sessions):
// `node scripts/send-session-reminders.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// Safe to run as often as you like: each person is reminded of a session at most once.
// Reads the same environment as the server (DATABASE_URL or DATA_DIR, SMTP_URL, MAIL_FROM, SESSION_SECRET).
// The server does this itself each day (src/modules/scheduled/dailyWork.ts). Stop the server first
// when it uses the embedded database: PGlite allows one process.
import { dailyTask } from '../src/modules/scheduled/tasks.ts';
import { runForEachPartnership } from './lib/perPartnership.ts';

runForEachPartnership(dailyTask('session-reminders').run);
