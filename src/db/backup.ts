// Backup and restore, for both engines (`npm run backup`, `npm run restore`).
// PGlite: a gzipped tar of the data folder, made by the running server over the folder's
// admin channel (no other process may open the folder while it runs), or by this process
// when no server runs. PostgreSQL: pg_dump's custom format and pg_restore, the server's
// own tools, which read one consistent snapshot however busy the database is.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, openSync, readSync, closeSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve, basename, join } from 'node:path';
import { extract as extractTar, list as listTar } from 'tar';
import pg from 'pg';
import { sql } from 'kysely';
import { openPglite } from './database.ts';
import { askDataDirOwner } from './dataDirLock.ts';

export type BackupFormat = 'pglite' | 'postgres';

/** What kind of backup a file is, from its first bytes: a gzip (PGlite) or pg_dump's custom format. */
export function backupFormat(file: string): BackupFormat {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(5);
  try {
    readSync(fd, head, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  if (head.toString('latin1') === 'PGDMP') return 'postgres';
  throw new Error(`${file} is not a Partnership Hub backup (neither a PGlite folder copy nor a pg_dump custom-format file).`);
}

/** A file name for a new backup, sortable by time. */
export function defaultBackupFile(format: BackupFormat, now = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return join('backups', `partnership-hub-${stamp}.${format === 'pglite' ? 'tar.gz' : 'pgdump'}`);
}

/** Writes to `file` only when complete and checked: first to file.partial, then renamed. */
async function writeWhole(file: string, write: (partial: string) => Promise<void>) {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  if (existsSync(file)) throw new Error(`${file} exists already; choose another name.`);
  const partial = `${file}.partial`;
  try {
    await write(partial);
    renameSync(partial, file);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

/** Reads the whole tar through, so a copy cut short or damaged fails here, not at restore. */
async function checkedEntries(file: string): Promise<number> {
  let entries = 0;
  await listTar({ file, strict: true, onReadEntry: () => void entries++ });
  if (!entries) throw new Error(`${file} holds no files.`);
  return entries;
}

export async function backupPglite(dataDir: string, file: string): Promise<{ from: 'running server' | 'data folder'; files: number }> {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) throw new Error(`${dataDir} holds no database.`);
  let from: 'running server' | 'data folder' = 'running server';
  await writeWhole(file, async (partial) => {
    const asked = await askDataDirOwner(dataDir, 'backup', createWriteStream(partial, { mode: 0o600 }));
    if (!asked) {
      // No server holds the folder: open it here (this takes its lock) and copy it.
      from = 'data folder';
      const database = await openPglite(dataDir);
      try {
        await database.snapshot!(createWriteStream(partial, { mode: 0o600 }));
      } finally {
        await database.close();
      }
    }
  });
  try {
    return { from, files: await checkedEntries(file) };
  } catch (e) {
    rmSync(file, { force: true });
    throw e;
  }
}

/**
 * Restores a PGlite copy into a new data folder: the folder must not hold anything yet.
 * The copy is unpacked beside it and checked by opening it, then moved into place.
 */
export async function restorePglite(file: string, dataDir: string): Promise<{ migrations: number }> {
  const target = resolve(dataDir);
  if (existsSync(target) && readdirSync(target).length) {
    throw new Error(`${dataDir} is not empty. Restore into a new folder (set DATA_DIR), or move this one aside first.`);
  }
  await checkedEntries(file);
  const unpacking = join(dirname(target), `.${basename(target)}.restoring-${process.pid}`);
  rmSync(unpacking, { recursive: true, force: true });
  mkdirSync(unpacking, { recursive: true, mode: 0o700 });
  try {
    await extractTar({ file, cwd: unpacking, strict: true, preservePaths: false });
    const database = await openPglite(unpacking);
    let migrations: number;
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from schema_migrations`.execute(database.db);
      migrations = rows[0]!.n;
    } finally {
      await database.close();
    }
    if (existsSync(target)) rmSync(target, { recursive: true }); // empty, checked above
    renameSync(unpacking, target);
    return { migrations };
  } catch (e) {
    rmSync(unpacking, { recursive: true, force: true });
    throw e;
  }
}

/** The URL without its password, which goes to the tools through the environment instead of their command line (visible to every local user). */
function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function runTool(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (c: Buffer) => void (errors += c.toString('utf8')));
    child.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'ENOENT' ? new Error(`${command} was not found: install the PostgreSQL client tools, the same major version as the server or newer.`) : e));
    child.once('close', (code) => (code === 0 ? done() : fail(new Error(`${command} failed (exit ${code}): ${errors.trim()}`))));
  });
}

export async function backupPostgres(url: string, file: string): Promise<void> {
  const { dbname, env } = toolConnection(url);
  await writeWhole(file, (partial) => runTool('pg_dump', ['--format=custom', '--compress=6', `--file=${partial}`, `--dbname=${dbname}`], env));
}

/**
 * Restores a pg_dump file into an empty database, in one transaction. Objects are owned
 * by the user of `url` (the owner role, see roles.ts); grants are for the caller to apply.
 */
export async function restorePostgres(file: string, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p')",
    );
    if (rows[0]!.n) throw new Error('The database is not empty. Restore into a new, empty database (createdb), then point DATABASE_URL at it.');
  } finally {
    await client.end();
  }
  const { dbname, env } = toolConnection(url);
  await runTool('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`, file], env);
}
