// Sends today's data-request reminders and chases for every partnership's assessments (or
// one), for a scheduler such as cron, as scripts/send-reminders.ts does for actions:
// `npx tsx scripts/send-assessment-reminders.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// Each assessment says how many days before the due date a reminder goes and how often a
// late return is chased; a request gets at most one message a day, so it is safe to run
// as often as you like. The server does this itself each day (src/modules/scheduled/dailyWork.ts).
// Stop the server first when it uses the embedded database.
import { dailyTask } from '../src/modules/scheduled/tasks.ts';
import { runForEachPartnership } from './lib/perPartnership.ts';

runForEachPartnership(dailyTask('assessment-reminders').run);
