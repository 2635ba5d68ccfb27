// What every start does to the database before serving: migrations, and the demo where
// configured. On a first start on an empty data folder it runs in a child process
// (src/db/firstStart.ts) and again, finding nothing to do, in the server.
import { migrate } from './db/migrate.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';

export async function prepareDatabase(database: Database, config: Config): Promise<void> {
  await migrate(database);
  // The demo's accounts have a password printed in the README: production never loads it
  // unless LOAD_DEMO=true says so, and even then its accounts cannot sign in.
  // The demo (and pdf-lib, which makes its papers) is loaded only into an empty database.
  if (config.loadDemo && !(await database.db.selectFrom('partnerships').select('id').limit(1).executeTakeFirst())) {
    const { loadDemoIfEmpty } = await import('./demo/seed.ts');
    const loaded = await loadDemoIfEmpty(database.db);
    if (loaded && config.production) console.log('Loaded the demo partnership. Its accounts cannot sign in, as NODE_ENV is production');
    else if (loaded) console.log(`Loaded the demo partnership. Sign in as ${loaded.officerEmail} with password ${loaded.password}`);
  }
}
