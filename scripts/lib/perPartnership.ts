// The shared frame of the scheduled e-mail scripts (action reminders, data-request
// reminders, ...: the daily tasks of src/modules/scheduled/tasks.ts, which the server also runs
// itself each day): read --partnership, --date and --base-url, open the database the
// server uses, run one job per partnership, and exit 1 if any message could not be sent.
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { MailNotConfiguredError, requireMailer } from '../../src/mail/mailer.ts';
import { reminderRunActor } from '../../src/modules/actions/reminders.ts';
import { todayIso } from '../../src/modules/partnership/domain.ts';
import { isRealDate } from '../../src/web/validate.ts';
import { publicOrigin } from '../../src/modules/public/address.ts';
import type { PartnershipJob } from '../../src/modules/scheduled/tasks.ts';

export function runForEachPartnership(job: PartnershipJob): void {
  main(job).then((code) => process.exit(code), (e: unknown) => {
    console.error(e instanceof ConfigError || e instanceof MailNotConfiguredError ? e.message : e);
    process.exit(1);
  });
}

async function main(job: PartnershipJob): Promise<number> {
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
      const baseUrl = values['base-url'] ?? publicOrigin(p, config);
      const result = await job({ db: database.db, actor: reminderRunActor(p.id), mailer, baseUrl, config }, today);
      console.log(`${p.short_name}: ${result.summary}`);
      for (const f of result.failed) console.error(`${p.short_name}: could not send to ${f.to}: ${f.error}`);
      failures += result.failed.length;
    }
  } finally {
    mailer.close();
    await database.close();
  }
  return failures ? 1 : 0;
}
