// Asks the leads of funded projects in delivery for their progress returns before the
// Working Group meets, for every partnership (or one), for a scheduler such as cron:
// `npx tsx scripts/send-funding-return-requests.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// A project is asked once per meeting, a fortnight ahead of the next meeting of the body
// that considered it, by an e-mail with a link of its own; so it is safe to run daily.
// Stop the server first when it uses the embedded database.
import { sendDueReturnRequests } from '../src/modules/funding/returns.ts';
import { plural, runForEachPartnership } from './lib/perPartnership.ts';

runForEachPartnership(async (ctx, today) => {
  const r = await sendDueReturnRequests(ctx, today);
  const notes = [r.alreadyAsked ? `${r.alreadyAsked} asked already` : null, r.noContact.length ? `no contact e-mail for ${r.noContact.join(', ')}` : null].filter(Boolean);
  return { summary: `${plural(r.sent, 'progress return request')} sent${notes.length ? ` (${notes.join('; ')})` : ''}`, failed: r.failed };
});
