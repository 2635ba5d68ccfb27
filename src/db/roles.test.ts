// On a PostgreSQL server the application's own role cannot rewrite its audit log: the
// tables belong to an owner role, and the application's role may only add to audit_log
// and read it. Tested with new roles and a new database made through TEST_DATABASE_URL
// (a superuser), as `npm run db:setup-roles` makes them. On PGlite (one user) the
// append-only trigger is what guards, and that is tested instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { openPostgres } from './database.ts';
import { migrate, migrationsDir } from './migrate.ts';
import { migrateAsOwner, setupRoles, userOf, type SetupResult } from './roles.ts';
import { createTestDatabase } from '../../test/support/database.ts';
import { seedDemoPartnership } from '../demo/seed.ts';

const serverUrl = process.env.TEST_DATABASE_URL || undefined;
const suffix = randomBytes(4).toString('hex');
const names = { database: `ph_roles_${suffix}`, owner: `ph_owner_${suffix}`, app: `ph_app_${suffix}` };
let setup: SetupResult;
let app: pg.Client;

/** The SQLSTATE an app-role statement fails with, or 'ok'. */
async function attempt(statement: string): Promise<string> {
  try {
    await app.query(statement);
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

before(async () => {
  if (!serverUrl) return;
  setup = await setupRoles(serverUrl, { ...names, ownerPassword: `owner-${suffix}-pw`, appPassword: `app-${suffix}-pw` });
  app = new pg.Client({ connectionString: setup.appUrl });
  await app.connect();
});

after(async () => {
  if (!serverUrl) return;
  await app?.end();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${names.database} with (force)`);
  await admin.query(`drop role if exists ${names.app}`);
  await admin.query(`drop role if exists ${names.owner}`);
  await admin.end();
});

test('the application role works as usual: it loads a partnership, writes and reads the audit log', { skip: !serverUrl && 'PostgreSQL only' }, async () => {
  assert.equal(userOf(setup.appUrl), names.app);
  assert.ok(setup.migrations.length >= 9, 'the migrations ran as the owner');
  const database = await openPostgres(setup.appUrl, 2);
  try {
    await seedDemoPartnership(database.db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(database.db);
    assert.ok(rows[0]!.n > 0);
    // Nothing is pending, so the app's own start-up migration is a no-op it is allowed.
    assert.deepEqual(await migrate(database), []);
  } finally {
    await database.close();
  }
});

test('the application role cannot change, remove, empty, alter or drop the audit log or its trigger', { skip: !serverUrl && 'PostgreSQL only' }, async () => {
  const partnership = (await app.query('select id from partnerships limit 1')).rows[0]?.id
    ?? (await app.query("insert into partnerships (slug, name, short_name) values ('roles', 'Roles', 'R') returning id")).rows[0].id;
  assert.equal(await attempt(`insert into audit_log (partnership_id, actor_label, action, record_type, record_id) values ('${partnership}', 'test', 'create', 'test', '1')`), 'ok');
  assert.equal(await attempt('select * from audit_log limit 1'), 'ok');
  const refused: Record<string, string> = {};
  for (const statement of [
    "update audit_log set summary = 'rewritten'",
    'delete from audit_log',
    'truncate audit_log',
    'alter table audit_log disable trigger audit_log_no_update',
    'alter table audit_log disable trigger all',
    'drop trigger audit_log_no_update on audit_log',
    'drop trigger audit_log_no_truncate on audit_log',
    "create or replace function audit_log_is_append_only() returns trigger language plpgsql as $$ begin return new; end $$",
    'drop table audit_log',
    'alter table audit_log rename to audit_log_old',
    'create table audit_log_copy (id int)',
    `set role ${names.owner}`,
    "insert into schema_migrations (name) values ('999_mine.sql')",
  ]) refused[statement] = await attempt(statement);
  // 42501: insufficient privilege; 42883 would mean the function was missing: any other answer is a hole.
  for (const [statement, code] of Object.entries(refused)) assert.equal(code, '42501', `${statement} gave ${code}`);
  // Granting itself more is a no-op with a warning ("no privileges were granted"), not a way in.
  await app.query(`grant update, delete on audit_log to ${names.app}`);
  assert.equal(await attempt("update audit_log set summary = 'rewritten'"), '42501');
  const { rows } = await app.query("select count(*)::int as n from audit_log where summary = 'rewritten'");
  assert.equal(rows[0].n, 0);
});

test('a later migration runs as the owner at start and its new table is the application’s to use', { skip: !serverUrl && 'PostgreSQL only' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ph-migrations-'));
  try {
    for (const f of readdirSync(migrationsDir)) copyFileSync(join(migrationsDir, f), join(dir, f));
    writeFileSync(join(dir, '999_roles_test.sql'), 'create table roles_test_notes (id bigint generated always as identity primary key, note text not null);');
    // As the application role alone, the new migration is refused with a message that says what to do.
    const appOnly = await openPostgres(setup.appUrl, 1);
    await assert.rejects(migrate(appOnly, dir), /DATABASE_OWNER_URL/);
    await appOnly.close();
    assert.deepEqual(await migrateAsOwner(setup.ownerUrl, names.app, dir), ['999_roles_test.sql']);
    assert.equal(await attempt("insert into roles_test_notes (note) values ('written by the app')"), 'ok');
    assert.equal(await attempt("update roles_test_notes set note = 'changed'"), 'ok');
    assert.equal(await attempt('update audit_log set summary = null'), '42501', 'still append-only after a migration');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a deployment that ran as one role is converted: its tables pass to the owner and the app loses its power over the audit log', { skip: !serverUrl && 'PostgreSQL only' }, async () => {
  // A deployment that ran as one role: its tables belong to the app's role.
  const legacy = { database: `ph_roles_legacy_${suffix}`, owner: `ph_owner_legacy_${suffix}`, app: `ph_app_legacy_${suffix}` };
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create role ${legacy.app} login password 'legacy-pw'`);
    await admin.query(`create database ${legacy.database} owner ${legacy.app}`);
    const url = new URL(serverUrl!);
    url.username = legacy.app;
    url.password = 'legacy-pw';
    url.pathname = `/${legacy.database}`;
    const old = await openPostgres(url.toString(), 1);
    await migrate(old);
    await old.close();
    const result = await setupRoles(serverUrl!, legacy);
    assert.equal(result.reassigned, true);
    assert.equal(result.created.app, false);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await assert.rejects(client.query('alter table audit_log disable trigger all'), (e: { code?: string }) => e.code === '42501');
      await assert.rejects(client.query('delete from audit_log'), (e: { code?: string }) => e.code === '42501');
      const owner = await client.query("select pg_get_userbyid(relowner) as owner from pg_class where relname = 'audit_log'");
      assert.equal(owner.rows[0].owner, legacy.owner);
    } finally {
      await client.end();
    }
  } finally {
    await admin.query(`drop database if exists ${legacy.database} with (force)`);
    await admin.query(`drop role if exists ${legacy.app}`);
    await admin.query(`drop role if exists ${legacy.owner}`);
    await admin.end();
  }
});

test('PGlite has one user: there the trigger refuses every change to the audit log', { skip: Boolean(serverUrl) && 'PGlite only' }, async () => {
  const database = await createTestDatabase();
  try {
    const { partnershipId } = await seedDemoPartnership(database.db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
    assert.ok(partnershipId);
    await assert.rejects(sql`update audit_log set summary = 'rewritten'`.execute(database.db), /append-only/);
    await assert.rejects(sql`delete from audit_log`.execute(database.db), /append-only/);
    await assert.rejects(sql`truncate audit_log`.execute(database.db), /append-only/);
  } finally {
    await database.close();
  }
});
