// Backup and restore on the engine the tests run on: `npm run backup` copies a running
// server while people keep writing, `npm run restore` brings the copy back in a new data
// folder (or a new database), and every table of the copy is compared row by row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { openPglite, openPostgres, type Database } from './database.ts';
import { migrate } from './migrate.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { seedDemoPartnership } from '../demo/seed.ts';
import { Client, demoUsers } from '../../test/support/app.ts';
import type { FastifyInstance } from 'fastify';

const serverUrl = process.env.TEST_DATABASE_URL || undefined;
const folder = mkdtempSync(join(tmpdir(), 'ph-backup-'));
const databases: string[] = [];

/** A new database: a data folder for PGlite, a database on the server for PostgreSQL. */
async function newDatabase(label: string): Promise<{ env: Record<string, string>; open: () => Promise<Database> }> {
  if (!serverUrl) {
    const dir = join(folder, label);
    return { env: { DATABASE_URL: '', DATA_DIR: dir }, open: () => openPglite(dir) };
  }
  const name = `ph_backup_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  databases.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, open: () => openPostgres(url.toString(), 2) };
}

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => void (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => void (out += c.toString()));
    child.on('close', (code) => done({ code: code ?? 1, out }));
  });
}

/** Every table's rows, each as its JSON text, sorted: two databases with the same record give the same answer. */
/**
 * Every row of every table as JSON text, sorted. `leaveOut` names columns (table.column)
 * a comparison should not see: a signed-in writer's session moves its last-seen time once
 * a minute, so on a slow run the live row has moved on since the copy was taken.
 */
async function everyRow(database: Database, leaveOut: string[] = []): Promise<Map<string, string[]>> {
  const tables = (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by tablename`.execute(database.db)).rows;
  const result = new Map<string, string[]>();
  for (const { name } of tables) {
    const columns = leaveOut.filter((c) => c.startsWith(`${name}.`)).map((c) => c.slice(name.length + 1));
    const rows = (await sql<{ row: string }>`select (to_jsonb(t) - ${sql.val(columns)}::text[])::text as row from ${sql.table(name)} t`.execute(database.db)).rows;
    result.set(name, rows.map((r) => r.row).sort());
  }
  return result;
}

let live: Database;
let liveEnv: Record<string, string>;
let app: FastifyInstance;
let officer: Client;

before(async () => {
  const made = await newDatabase('live');
  liveEnv = made.env;
  live = await made.open();
  await migrate(live);
  await seedDemoPartnership(live.db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
  app = await buildApp({ db: live.db, config: loadConfig({ SESSION_SECRET: 'test-secret-test-secret-test-secret-00' } as NodeJS.ProcessEnv), logger: false });
  await app.ready();
  officer = await new Client(app).signIn(demoUsers.officer);
});

after(async () => {
  await app?.close();
  await live?.close();
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    for (const name of databases) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  rmSync(folder, { recursive: true, force: true });
});

/** Adds organisations through the API, one a request, until stopped: each is one transaction with its audit entry. */
function keepWriting() {
  let stop = false;
  const made: string[] = [];
  const done = (async () => {
    for (let i = 0; !stop; i++) {
      const name = `Backup Test Organisation ${String(i).padStart(4, '0')}`;
      const res = await officer.json('POST', '/api/organisations', { name, kind: 'voluntary' });
      assert.equal(res.statusCode, 201, res.body);
      made.push(name);
    }
  })();
  return { made, stop: async () => { stop = true; await done; } };
}

async function backUpAndRestore(label: string, whileBackingUp?: { made: string[] }) {
  const file = join(folder, `${label}.backup`);
  const writesBefore = whileBackingUp?.made.length ?? 0;
  const backup = await run('scripts/backup.ts', [file], liveEnv);
  assert.equal(backup.code, 0, backup.out);
  if (whileBackingUp) assert.ok(whileBackingUp.made.length > writesBefore, 'writes went on while the backup command ran');
  const target = await newDatabase(`${label}_restored`);
  const restore = await run('scripts/restore.ts', [file], target.env);
  assert.equal(restore.code, 0, restore.out);
  return { backupOutput: backup.out, restored: await target.open() };
}

test('a backup taken while people write restores to a consistent record: every row as it was, no transaction in part', async () => {
  const writer = keepWriting();
  await new Promise((r) => setTimeout(r, 300));
  const before = writer.made.length;
  const { backupOutput, restored } = await backUpAndRestore('busy', writer);
  await writer.stop();
  try {
    if (!serverUrl) assert.match(backupOutput, /copied by the running server/);
    const copy = await everyRow(restored, ['sessions.last_seen_at']);
    const now = await everyRow(live, ['sessions.last_seen_at']);
    assert.deepEqual([...copy.keys()], [...now.keys()], 'the same tables');
    // Nothing in the copy that the live database does not hold, identically.
    for (const [table, rows] of copy) {
      const liveRows = new Set(now.get(table));
      for (const row of rows) assert.ok(liveRows.has(row), `${table}: a row of the copy differs from the live database: ${row.slice(0, 300)}`);
    }
    // The copy is a moment of the sequence: the first n organisations, each with its audit entry.
    const names = (await sql<{ name: string }>`select name from organisations where name like 'Backup Test Organisation %' order by name`.execute(restored.db)).rows.map((r) => r.name);
    assert.deepEqual(names, writer.made.slice(0, names.length));
    assert.ok(names.length >= before, 'the copy holds what was written before it began');
    const audited = await sql<{ n: number }>`select count(*)::int as n from audit_log a join organisations o on o.id::text = a.record_id and o.partnership_id = a.partnership_id where o.name like 'Backup Test Organisation %'`.execute(restored.db);
    assert.ok(audited.rows[0]!.n >= names.length, 'every organisation in the copy has its audit entry');
  } finally {
    await restored.close();
  }
});

test('a backup of a quiet server restores to an identical record, every table compared row by row', async () => {
  const { restored } = await backUpAndRestore('quiet');
  try {
    const copy = await everyRow(restored);
    const now = await everyRow(live);
    assert.ok(copy.size >= 20, `${copy.size} tables compared`);
    for (const [table, rows] of now) assert.deepEqual(copy.get(table), rows, `table ${table}`);
    // The copy is a working database: the audit log still refuses changes.
    await assert.rejects(sql`update audit_log set summary = 'changed'`.execute(restored.db), /append-only|permission denied/);
  } finally {
    await restored.close();
  }
});

test('restore refuses a folder or database that already holds a record, and changes nothing', async () => {
  const file = join(folder, 'quiet.backup');
  const res = await run('scripts/restore.ts', [file], liveEnv);
  assert.equal(res.code, 1, res.out);
  assert.match(res.out, /not empty/);
  const orgs = await sql<{ n: number }>`select count(*)::int as n from organisations`.execute(live.db);
  assert.ok(orgs.rows[0]!.n > 0);
});
