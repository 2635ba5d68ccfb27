// Starts Partnership Hub: config, database, migrations, demo data on first run, HTTP. Run through src/server.ts.
// The app's modules (some 1,300 files) are loaded while PGlite opens: opening the database
// waits on its files and on compiling its WebAssembly, and the loading fills those waits.
import * as nodeModule from 'node:module';
import { loadConfig, ConfigError } from './config.ts';
import { openDatabase } from './db/database.ts';
import { DataDirInUseError } from './db/dataDirLock.ts';
import { migrateAsOwner, userOf } from './db/roles.ts';
import { createInChildProcess, FirstStartError, holdsDatabase } from './db/firstStart.ts';
import { prepareDatabase } from './prepare.ts';

/** Everything the server needs beyond the database, loaded while the database opens. */
const loadServing = async () => {
  const [{ buildApp }, { startHousekeeping }, { startChangeNotices }, { mailerFromConfig }, { NoticeRunner }, { DailyWork }] = await Promise.all([
    import('./app.ts'),
    import('./db/housekeeping.ts'),
    import('./db/changeNotices.ts'),
    import('./mail/mailer.ts'),
    import('./modules/meetings/notices/runner.ts'),
    import('./modules/scheduled/dailyWork.ts'),
  ]);
  return { buildApp, startHousekeeping, startChangeNotices, mailerFromConfig, NoticeRunner, DailyWork };
};

async function main() {
  const config = loadConfig();
  // Two roles on a server: the owner migrates and grants, the app runs as DATABASE_URL's user (src/db/roles.ts).
  if (config.databaseOwnerUrl && config.databaseUrl) await migrateAsOwner(config.databaseOwnerUrl, userOf(config.databaseUrl));
  // An empty data folder is filled by a child process, so the memory that takes is given back (src/db/firstStart.ts).
  if (!config.databaseUrl && !holdsDatabase(config.dataDir)) await createInChildProcess();
  const opening = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const loading = loadServing();
  // Whichever fails first is reported; the other is not left as an unhandled rejection.
  loading.catch(() => {});
  const database = await opening;
  const { buildApp, startHousekeeping, startChangeNotices, mailerFromConfig, NoticeRunner, DailyWork } = await loading.catch(async (e: unknown) => {
    await database.close();
    throw e;
  });
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
  // What this start compiled goes to the cache now, not only at a clean exit, which a killed
  // server never reaches (src/server.ts); a little later, so the first pages are served first.
  // Node 22.10 and later (the app runs on 24); @types/node here describes Node 20.
  setTimeout(() => (nodeModule as { flushCompileCache?: () => void }).flushCompileCache?.(), 5_000).unref();
}

main().catch((e) => {
  console.error(e instanceof ConfigError || e instanceof DataDirInUseError || e instanceof FirstStartError ? e.message : e);
  process.exit(1);
});
