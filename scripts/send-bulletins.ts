// Sends every bulletin issue that is being sent (one queued from its page, one whose
// scheduled time has come, or one a stopped server left half sent) until none has a
// recipient left, then exits (run it from cron when the server does not run all day):
// `npx tsx scripts/send-bulletins.ts [--lease-ms N] [--rate N]`. Resumable: run it again
// after a crash and each recipient still gets each issue once (see bulletin.sending.ts).
// Reads the same environment as the server (DATABASE_URL or DATA_DIR, SMTP_URL, MAIL_FROM,
// SESSION_SECRET for the links, BULLETIN_RATE, BOUNCE_ADDRESS). Stop the server first when
// it uses the embedded database: PGlite allows one process.
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { MailNotConfiguredError, mailerFromConfig } from '../src/mail/mailer.ts';
import { BulletinSender, queueDueIssues } from '../src/modules/engagement/bulletin.sending.ts';
import { publicOrigin } from '../src/modules/public/address.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'lease-ms': { type: 'string' }, rate: { type: 'string' } } });
  const config = loadConfig();
  const mailer = mailerFromConfig(config, { pool: 4 });
  if (!mailer) throw new MailNotConfiguredError();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    const { db } = database;
    const sender = new BulletinSender({
      db, mailer, secret: config.sessionSecret, bounceAddress: config.bounceAddress,
      rate: values.rate !== undefined ? Number(values.rate) : config.bulletinRate,
      ...(values['lease-ms'] ? { leaseMs: Number(values['lease-ms']) } : {}),
      origin: async (pid) => publicOrigin(await db.selectFrom('partnerships').select(['public_url', 'hostname']).where('id', '=', pid).executeTakeFirstOrThrow(), config),
    });
    const due = await queueDueIssues(db);
    if (due) console.log(`Queued ${due} scheduled ${due === 1 ? 'issue' : 'issues'}`);
    const sent = await sender.run();
    console.log(`Sent ${sent} ${sent === 1 ? 'message' : 'messages'}`);
    return 0;
  } finally {
    mailer.close();
    await database.close();
  }
}

main().then((code) => process.exit(code), (e: Error) => {
  console.error(e instanceof ConfigError || e instanceof MailNotConfiguredError ? e.message : `Sending failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
