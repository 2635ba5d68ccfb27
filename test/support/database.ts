// A fresh database for one test file: in-memory PGlite by default, or a new database on
// the PostgreSQL server named by TEST_DATABASE_URL (dropped afterwards).
//
// Making one from nothing (PGlite's initdb, every migration, the demo partnership) was
// most of a small test file's time. So within one run of scripts/test.mjs (which sets
// TEST_TEMPLATE_DIR and TEST_TEMPLATE_ID) the first file to need a kind of database
// keeps a copy, and the others start from it: a PGlite dump file, or a PostgreSQL
// template database. Each file still gets a database of its own.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { openPglite, openPostgres, type Database, type TarBytes } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';

/** What goes into a database after the migrations, under a name that identifies it within a run. */
export interface TestTemplate {
  name: string;
  prepare(database: Database): Promise<void>;
}

export async function createTestDatabase(template?: TestTemplate): Promise<Database> {
  const name = template?.name ?? 'migrated';
  const prepare = async (database: Database) => {
    await migrate(database);
    await template?.prepare(database);
  };
  const serverUrl = process.env.TEST_DATABASE_URL;
  return serverUrl ? postgresDatabase(serverUrl, name, prepare) : pgliteDatabase(name, prepare);
}

async function pgliteDatabase(name: string, prepare: (d: Database) => Promise<void>): Promise<Database> {
  const dir = process.env.TEST_TEMPLATE_DIR;
  const file = dir ? join(dir, `${name}.tar`) : null;
  if (file && existsSync(file)) return openPglite(undefined, { from: await templateBytes(file) });
  const database = await openPglite();
  await prepare(database);
  if (file && database.dump) {
    // Written aside and renamed, so a file running alongside never reads half a copy.
    const copy = Buffer.from(await (await database.dump()).arrayBuffer());
    const aside = `${file}.${process.pid}`;
    await writeFile(aside, copy);
    await rename(aside, file);
  }
  return database;
}

// Several test files share a process (scripts/lib/shard.mjs): each template's 68 MB are
// read once per process, and handed to PGlite as they are. PGlite only reads the bytes
// (it copies each file out), while a Blob copied all of them twice more per database.
const templates = new Map<string, Promise<TarBytes>>();
const templateBytes = (file: string) => {
  let bytes = templates.get(file);
  if (!bytes) {
    bytes = readFile(file).then((b) => {
      const buffer = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      return { type: 'application/x-tar', size: buffer.byteLength, arrayBuffer: async () => buffer };
    });
    templates.set(file, bytes);
  }
  return bytes;
};

const databaseUrl = (serverUrl: string, name: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/** Retries while the server says the database is still in use (55006): pg's pool.end() resolves before its sockets close. */
async function whileInUse(work: () => Promise<unknown>, last?: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await (attempt >= 20 && last ? last() : work());
      return;
    } catch (e) {
      if (attempt >= 20 || (e as { code?: string }).code !== '55006') throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function postgresDatabase(serverUrl: string, templateName: string, prepare: (d: Database) => Promise<void>): Promise<Database> {
  const runId = process.env.TEST_TEMPLATE_ID;
  const name = `ph_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    if (runId) {
      const template = `ph_tpl_${runId}_${templateName}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
      // One file makes the template; the others wait for it, then copy it.
      await admin.query('select pg_advisory_lock(hashtext($1))', [template]);
      try {
        if (!(await admin.query('select 1 from pg_database where datname = $1', [template])).rowCount) {
          await admin.query(`create database ${template}`);
          const made = await openPostgres(databaseUrl(serverUrl, template), 2);
          try {
            await prepare(made);
          } catch (e) {
            await made.close();
            await whileInUse(() => admin.query(`drop database ${template}`));
            throw e;
          }
          await made.close();
        }
        await whileInUse(() => admin.query(`create database ${name} template ${template}`));
      } finally {
        await admin.query('select pg_advisory_unlock(hashtext($1))', [template]);
      }
    } else {
      await admin.query(`create database ${name}`);
    }
  } finally {
    await admin.end();
  }
  const database = await openPostgres(databaseUrl(serverUrl, name), 4);
  if (!runId) await prepare(database);
  return {
    ...database,
    close: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      // Dropping "with (force)" at once would kill the pool's closing connections, and the
      // pool throws an uncaught error: wait for them to go, and force only if they never do.
      await whileInUse(() => c.query(`drop database if exists ${name}`), () => c.query(`drop database if exists ${name} with (force)`));
      await c.end();
    },
  };
}
