// A sync whose process is killed part way (SIGKILL, as a crash or a restart would leave
// it): a child process (testing/syncChild.ts) mirrors a source from our ModernGov-shaped
// server, which holds back the second meeting's reply; while the child holds the lease no
// other sync of the source may start; the test kills it there. Its run stays marked
// running in the database, but once its lease lapses the pages show it interrupted, and a
// new sync marks it so and carries on from the meeting it kept, nothing twice. On PGlite
// the database is a folder on disk the two processes open in turn; on PostgreSQL a
// database of its own on the server, open in both at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { seedDemoPartnership } from '../../demo/seed.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { loadUserActor } from '../../access/sessions.ts';
import { Client, demoUsers, pageText } from '../../../test/support/app.ts';
import { addSource, chooseCommittees, startSync } from './commands.ts';
import { ModernGovTestServer } from './testing/server.ts';
import { fixtureRange } from './testing/fixtures.ts';

const child = fileURLToPath(new URL('./testing/syncChild.ts', import.meta.url));
const LEASE_MS = 3000;

async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a sync killed part way is shown interrupted once its lease lapses, blocks no one after that, and the next sync carries on from what it kept', { timeout: 300_000 }, async () => {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const dir = serverUrl ? null : await mkdtemp(join(tmpdir(), 'moderngov-kill-'));
  const dbName = `ph_kill_${randomBytes(5).toString('hex')}`;
  const dbUrl = serverUrl ? Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString() : null;
  const open = (): Promise<Database> => (dbUrl ? openPostgres(dbUrl) : openPglite(dir!));
  const s = await new ModernGovTestServer().start();
  let database: Database | null = null;
  try {
    if (serverUrl) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`create database ${dbName}`);
      await admin.end();
    }
    database = await open();
    await migrate(database);
    const { partnershipId: pid } = await seedDemoPartnership(database.db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
    const user = await database.db.selectFrom('users').select(['id', 'display_name']).where('email', '=', demoUsers.administrator).executeTakeFirstOrThrow();
    const actor = await loadUserActor(database.db, pid, user.id, user.display_name, 'administrator', null);
    const ctx = { db: database.db, actor };
    const body = await database.db.insertInto('bodies').values({ partnership_id: pid, name: 'Killed Partnership', kind: 'board', description: null }).returning('id').executeTakeFirstOrThrow();
    const source = await addSource(ctx, { name: 'Killed council', base_url: s.serviceUrl }, { allowPrivate: true });
    await chooseCommittees(ctx, source.id, { body_12: body.id });
    const meetingsOfBody = async (db: Database) => (await db.db.selectFrom('meetings').select('meets_on').where('body_id', '=', body.id).orderBy('meets_on').execute()).map((m) => m.meets_on);
    // PGlite allows one process: the folder is the child's while it runs.
    if (dir) {
      await database.close();
      database = null;
    }

    s.holds.set('GetMeeting:3102', new Promise(() => {})); // never answered
    const proc = spawn(process.execPath, [child], {
      env: { ...process.env, ...(dbUrl ? { DATABASE_URL: dbUrl } : { DATA_DIR: dir! }), PARTNERSHIP_ID: pid, ADMIN_EMAIL: demoUsers.administrator, SOURCE_ID: source.id,
        FROM: fixtureRange.from, TO: fixtureRange.to, LEASE_MS: String(LEASE_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    proc.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    await Promise.race([
      until(() => s.requests.some((r) => r.includes('lMeetingId=3102')), 'the child asks for the June meeting'),
      exited.then(() => assert.fail(`the child ended before it was killed: ${output}`)),
    ]);
    const runId = /run ([0-9a-f-]{36})/.exec(output)![1]!;

    if (database) {
      // Two instances at once (PostgreSQL): while the child holds the lease, no other sync of the source starts.
      await assert.rejects(startSync(ctx, source.id, { mode: 'mirror', from: fixtureRange.from, to: fixtureRange.to }, { allowPrivate: true }), /A sync of this source is running \(on .+ process \d+\)/);
    }
    proc.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    database ??= await open();
    const db = database.db;
    const left = await db.selectFrom('moderngov_runs').select(['status', 'holder']).where('id', '=', runId).executeTakeFirstOrThrow();
    assert.equal(left.status, 'running', 'the killed process left its run marked running');
    assert.match(left.holder ?? '', new RegExp(`process ${proc.pid}$`));
    assert.deepEqual(await meetingsOfBody(database), ['2025-03-12'], 'the meeting written before the kill is kept');

    const config = loadConfig({ SESSION_SECRET: 'kill-test-secret-kill-test-secret-00', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
    const app = await buildApp({ db, config, logger: false });
    await app.ready();
    app.config.outboundAllowPrivate = true;
    try {
      const web = await new Client(app).signIn(demoUsers.administrator);
      // Once nothing has been heard from it for its lease, it is shown as interrupted and holds nothing.
      await until(async () => /Interrupted/.test(pageText((await web.get(`/admin/moderngov/runs/${runId}`)).body)), 'the run is shown interrupted', 30_000);
      assert.match(pageText((await web.get(`/admin/moderngov/runs/${runId}`)).body), /Interrupted: the server running this sync stopped before it finished/);
      assert.doesNotMatch(pageText((await web.get(`/admin/moderngov/${source.id}`)).body), /A sync is running/);

      s.holds.clear();
      await web.get(`/admin/moderngov/${source.id}`);
      const res = await web.post(`/admin/moderngov/${source.id}/sync`, { mode: 'mirror', 'from-day': '1', 'from-month': '1', 'from-year': '2025', 'to-day': '31', 'to-month': '12', 'to-year': '2025' });
      assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 800));
      const newId = /runs\/([0-9a-f-]{36})$/.exec(String(res.headers.location))![1]!;
      await until(async () => (await db.selectFrom('moderngov_runs').select('status').where('id', '=', newId).executeTakeFirstOrThrow()).status !== 'running', 'the new sync ends');
      const fresh = await db.selectFrom('moderngov_runs').select(['status', 'tally']).where('id', '=', newId).executeTakeFirstOrThrow();
      assert.equal(fresh.status, 'finished');
      assert.deepEqual({ created: fresh.tally.meetingsCreated, unchanged: fresh.tally.meetingsUnchanged }, { created: 2, unchanged: 1 }, 'carries on: the meeting kept is not written again');
      assert.deepEqual(await meetingsOfBody(database), ['2025-03-12', '2025-06-18', '2025-09-10'], 'nothing twice');
      const old = await db.selectFrom('moderngov_runs').select(['status', 'failure']).where('id', '=', runId).executeTakeFirstOrThrow();
      assert.equal(old.status, 'interrupted');
      const log = pageText((await web.get(`/admin/moderngov/runs/${runId}`)).body);
      assert.match(log, new RegExp(`Interrupted: nothing was heard from the server running this sync \\(.+ process ${proc.pid}\\) after`));
    } finally {
      await app.close();
    }
  } finally {
    await database?.close();
    await s.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (serverUrl) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }
});
