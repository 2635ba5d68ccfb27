// Sends today's data-request reminders and chases for every partnership's assessments (or
// one), for a scheduler such as cron, as scripts/send-reminders.ts does for actions:
// `npx tsx scripts/send-assessment-reminders.ts [--partnership <slug>] [--date YYYY-MM-DD] [--base-url https://...]`.
// Each assessment says how many days before the due date a reminder goes and how often a
// late return is chased; a request gets at most one message a day, so it is safe to run
// as often as you like. Stop the server first when it uses the embedded database.
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { MailNotConfiguredError, requireMailer } from '../src/mail/mailer.ts';
import { reminderRunActor } from '../src/modules/actions/reminders.ts';
import { sendDueReminders } from '../src/modules/assessment/requests.commands.ts';
import { todayIso } from '../src/modules/partnership/domain.ts';
import { isRealDate } from '../src/web/validate.ts';
import { publicOrigin } from '../src/modules/public/address.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { partnership: { type: 'string' }, date: { type: 'string' }, 'base-url': { type: 'string' } } });
  const today = values.date ?? todayIso();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || !isRealDate(today)) {
    console.error('--date must be a real date written YYYY-MM-DD');
    return 2;
  }
  const config = loadConfig();
  const mailer = requireMailer(config);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let failures = 0;
  try {
    await migrate(database);
    let q = database.db.selectFrom('partnerships').select(['id', 'slug', 'short_name', 'hostname', 'public_url']).orderBy('slug');
    if (values.partnership) q = q.where('slug', '=', values.partnership);
    const partnerships = await q.execute();
    if (!partnerships.length) {
      console.error(values.partnership ? `No partnership has the slug "${values.partnership}"` : 'No partnerships yet');
      return 2;
    }
    for (const p of partnerships) {
      const r = await sendDueReminders({ db: database.db, actor: reminderRunActor(p.id), mailer, baseUrl: values['base-url'] ?? publicOrigin(p, config) }, today);
      console.log(`${p.short_name}: ${r.reminders} data-request reminder${r.reminders === 1 ? '' : 's'} and ${r.chases} chase${r.chases === 1 ? '' : 's'} sent`);
      for (const f of r.failed) console.error(`${p.short_name}: could not send to ${f.to}: ${f.error}`);
      failures += r.failed.length;
    }
  } finally {
    mailer.close();
    await database.close();
  }
  return failures ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e instanceof ConfigError || e instanceof MailNotConfiguredError ? e.message : e);
  process.exit(1);
});
