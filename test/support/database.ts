// A fresh, migrated database for one test file: in-memory PGlite by default, or a
// new database on the PostgreSQL server named by TEST_DATABASE_URL (dropped afterwards).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';

export async function createTestDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await openPglite();
    await migrate(database);
    return database;
  }
  const name = `ph_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), 4);
  await migrate(database);
  return {
    ...database,
    close: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      // pg's pool.end() resolves before its sockets have closed; dropping "with (force)" at
      // once kills those closing connections and the pool throws an uncaught error. Wait
      // for them to go, and force only if they never do.
      for (let attempt = 0; ; attempt++) {
        try {
          await c.query(`drop database if exists ${name}${attempt >= 20 ? ' with (force)' : ''}`);
          break;
        } catch (e) {
          if (attempt >= 20 || (e as { code?: string }).code !== '55006') throw e; // 55006: still in use
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      await c.end();
    },
  };
}
