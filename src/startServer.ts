// Starts Partnership Hub: config, database, migrations, demo data on first run, HTTP. Run through src/server.ts.
import { loadConfig, ConfigError } from './config.ts';
import { openDatabase } from './db/database.ts';
import { DataDirInUseError } from './db/dataDirLock.ts';
import { migrateAsOwner, userOf } from './db/roles.ts';
import { createInChildProcess, FirstStartError, holdsDatabase } from './db/firstStart.ts';
import { prepareDatabase } from './prepare.ts';
import { buildApp } from './app.ts';
import { startHousekeeping } from './db/housekeeping.ts';
import { startChangeNotices } from './db/changeNotices.ts';
import { mailerFromConfig } from './mail/mailer.ts';
import { NoticeRunner } from './modules/meetings/notices/runner.ts';
import { DailyWork } from './modules/scheduled/dailyWork.ts';

async function main() {
  const config = loadConfig();
  // Two roles on a server: the owner migrates and grants, the app runs as DATABASE_URL's user (src/db/roles.ts).
  if (config.databaseOwnerUrl && config.databaseUrl) await migrateAsOwner(config.databaseOwnerUrl, userOf(config.databaseUrl));
  // An empty data folder is filled by a child process, so the memory that takes is given back (src/db/firstStart.ts).
  if (!config.databaseUrl && !holdsDatabase(config.dataDir)) await createInChildProcess();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await prepareDatabase(database, config);
  const partnerships = await database.db.selectFrom('partnerships').select('id').limit(1).execute();
  if (!partnerships.length) {
    console.log('The database holds no partnership yet. Create it and its first administrator with: npm run create-admin');
  }
  const app = await buildApp({ db: database.db, config });
  // Other instances on the same server forget what they keep of a partnership that changes here.
  const changeNotices = config.databaseUrl ? await startChangeNotices(config.databaseUrl, { onError: (e) => app.log.warn({ err: e }, 'change notices') }) : null;
  // Housekeeping's routine lines are for debugging; the request log stays readable.
  const stopHousekeeping = startHousekeeping(database, undefined, (message) => app.log.debug(message));
  // Notices to members go out from the outbox; without SMTP_URL they wait there.
  const mailer = mailerFromConfig(config);
  const notices = mailer ? new NoticeRunner({ db: database.db, mailer, config }).start() : null;
  // Each day's reminders and requests, once a day whatever the number of instances (DAILY_WORK_AT).
  const dailyWork = mailer && config.dailyWorkAt ? new DailyWork({ db: database.db, mailer, config, log: (message) => app.log.info(message) }).start() : null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    stopHousekeeping();
    await changeNotices?.stop();
    await notices?.stop();
    await dailyWork?.stop();
    mailer?.close();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`Partnership Hub is serving ${config.databaseUrl ? 'from PostgreSQL' : `from ${config.dataDir}`} at ${address.replace('0.0.0.0', 'localhost')}`);
}

main().catch((e) => {
  console.error(e instanceof ConfigError || e instanceof DataDirInUseError || e instanceof FirstStartError ? e.message : e);
  process.exit(1);
});
