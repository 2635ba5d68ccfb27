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
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
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
  if (file && (existsSync(file) || !(await mayMake(file)))) return openPglite(undefined, { from: await templateBytes(file) });
  try {
    return await makeTemplate(file, prepare);
  } finally {
    if (file) await rm(`${file}.lock`, { force: true });
  }
}

/**
 * Whether this process is the one to make the template: the first to ask is, and the
 * others (the passes and workers run at once) wait for its copy rather than make one
 * each (initdb, the migrations and the demo, about 10 s of CPU). A maker that died
 * leaves the making to the next.
 */
async function mayMake(file: string): Promise<boolean> {
  const lock = `${file}.lock`;
  for (;;) {
    if (existsSync(file)) return false;
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
    const maker = Number(await readFile(lock, 'utf8').catch(() => ''));
    if (maker && !isAlive(maker)) await rm(lock, { force: true });
    else await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

async function makeTemplate(file: string | null, prepare: (d: Database) => Promise<void>): Promise<Database> {
  const database = await openPglite();
  await prepare(database);
  if (file && database.dump) {
    // Checkpointed first, so a copy opened starts without replaying the migrations' WAL,
    // and only the WAL segment the checkpoint is in kept: the older one (16 MB of the 68)
    // is done with, yet each test database copied it (with the replay, 0.2 s of CPU a copy).
    await sql`checkpoint`.execute(database.db);
    const { rows: [redo] } = await sql<{ file: string }>`select redo_wal_file as file from pg_control_checkpoint()`.execute(database.db);
    const copy = withoutWalBut(Buffer.from(await (await database.dump()).arrayBuffer()), redo?.file);
    // Written aside and renamed, so a file running alongside never reads half a copy.
    const aside = `${file}.${process.pid}`;
    await writeFile(aside, copy);
    await rename(aside, file);
  }
  return database;
}

/** The tar (ustar, as PGlite writes it) without the WAL segments other than `keep`. */
function withoutWalBut(tar: Buffer, keep: string | undefined): Buffer {
  if (!keep) return tar;
  const field = (h: Buffer, from: number, to: number) => h.subarray(from, to).toString('latin1').replace(/\0.*$/s, '');
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = `${field(header, 345, 500)}/${field(header, 0, 100)}`;
    const size = parseInt(field(header, 124, 136).trim() || '0', 8);
    const end = at + 512 + Math.ceil(size / 512) * 512;
    const segment = /\/pg_wal\/([0-9A-F]{24})$/.exec(name)?.[1];
    if (!segment || segment === keep) parts.push(tar.subarray(at, end));
    at = end;
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

// Several test files share a process (scripts/lib/shard.mjs): each template's 52 MB are
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
