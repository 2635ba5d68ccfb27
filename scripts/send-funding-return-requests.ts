// Asks the leads of funded projects in delivery for their progress returns before the
// Working Group meets, and reminds once those who have not sent one five days before it,
// for every partnership (or one), for a scheduler such as cron:
// `npx tsx scripts/send-funding-return-requests.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// A project is asked once per meeting, a fortnight ahead of the next meeting of the body
// that considered it, by an e-mail with a link of its own; so it is safe to run daily.
// The server does this itself each day (src/modules/scheduled/dailyWork.ts); this script is for
// running it by hand. Stop the server first when it uses the embedded database.
import { dailyTask } from '../src/modules/scheduled/tasks.ts';
import { runForEachPartnership } from './lib/perPartnership.ts';

runForEachPartnership(dailyTask('funding-returns').run);
