// Reminds, once, the agencies' contacts who have not answered a review's progress request a
// week before its link expires, with a new link (the earlier stops working), for every
// partnership (or one): `node scripts/send-review-progress-reminders.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// The server does this itself each day (src/modules/scheduled/dailyWork.ts); this script is for
// running it by hand. Stop the server first when it uses the embedded database.
import { dailyTask } from '../src/modules/scheduled/tasks.ts';
import { runForEachPartnership } from './lib/perPartnership.ts';

runForEachPartnership(dailyTask('review-progress-reminders').run);
