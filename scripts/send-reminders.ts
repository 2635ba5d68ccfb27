// Sends today's action reminders for every partnership (or one), for a scheduler such as
// cron: `npx tsx scripts/send-reminders.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// Safe to run as often as you like: each action is reminded at most once a day.
// Reads the same environment as the server (DATABASE_URL or DATA_DIR, SMTP_URL, MAIL_FROM).
// The server does this itself each day (src/modules/scheduled/dailyWork.ts); this script is for
// running it by hand. Stop the server first when it uses the embedded database: PGlite
// allows one process.
import { dailyTask } from '../src/modules/scheduled/tasks.ts';
import { runForEachPartnership } from './lib/perPartnership.ts';

runForEachPartnership(dailyTask('action-reminders').run);
