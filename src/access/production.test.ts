// No known password in production: the demo is not loaded unless asked for, its accounts
// never sign in nor keep a session, and the first administrator of a real deployment is
// made by `npm run create-admin`, with a one-time link to choose their own password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../test/support/app.ts';
import { createTestDatabase } from '../../test/support/database.ts';
import { loadConfig } from '../config.ts';
import { buildApp } from '../app.ts';
import { createAdministrator, FirstAdminError } from './firstAdmin.ts';
import { setupPath } from './setupLinks.ts';
import type { Database } from '../db/database.ts';

const SECRET = 'test-secret-test-secret-test-secret-00';
const productionConfig = () => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, LOG_LEVEL: 'silent', SECURE_COOKIES: 'false' } as NodeJS.ProcessEnv);

let t: TestApp;
let production: FastifyInstance;
before(async () => {
  t = await createTestApp();
  production = await buildApp({ db: t.database.db, config: productionConfig(), logger: false });
});
after(async () => {
  await production.close();
  await t.close();
});

test('production loads the demo only when told to', () => {
  assert.equal(productionConfig().loadDemo, false);
  assert.equal(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, LOAD_DEMO: 'true' } as NodeJS.ProcessEnv).loadDemo, true);
  assert.equal(loadConfig({} as NodeJS.ProcessEnv).loadDemo, true, 'outside production the demo still loads on first start');
});

test('under NODE_ENV=production a demo account cannot sign in, and a session it already had ends', async () => {
  const demoSession = await new Client(t.app).signIn(demoUsers.administrator);
  for (const who of Object.values(demoUsers)) {
    const c = new Client(production);
    await c.get('/sign-in');
    const res = await c.post('/sign-in', { email: who, password: 'northshire-demo-2026' });
    assert.equal(res.statusCode, 400, who);
    assert.match(pageText(res.body), /Enter a correct email address and password/);
    const api = await c.json('POST', '/api/session', { email: who, password: 'northshire-demo-2026' });
    assert.equal(api.statusCode, 400);
  }
  const replay = await production.inject({ method: 'GET', url: '/api/me', headers: { cookie: demoSession.cookieHeader() } });
  assert.equal(replay.json().kind, 'public');
  assert.equal((await production.inject({ method: 'GET', url: '/admin/users', headers: { cookie: demoSession.cookieHeader() } })).statusCode, 302);
  // The same session still works where demo accounts are allowed (development).
  assert.equal((await demoSession.json('GET', '/api/me')).json().kind, 'user');
});

test('create-admin makes the partnership and its first administrator, who chooses a password through a link that works once', async () => {
  const database: Database = await createTestDatabase();
  const app = await buildApp({ db: database.db, config: productionConfig(), logger: false });
  try {
    await assert.rejects(createAdministrator(database.db, { email: 'ann@csp.example.gov.uk', name: 'Ann Smith' }), FirstAdminError);
    const made = await createAdministrator(database.db, {
      email: 'Ann@CSP.example.gov.uk', name: 'Ann Smith', partnership: { slug: 'eastmoor', name: 'Eastmoor Community Safety Partnership', shortName: 'Eastmoor CSP' },
    });
    assert.equal(made.createdPartnership, true);
    // No password is known yet: not even an empty one signs in.
    const c = new Client(app);
    await c.get('/sign-in');
    assert.equal((await c.post('/sign-in', { email: 'ann@csp.example.gov.uk', password: '!no-password-yet' })).statusCode, 400);

    const page = await c.get(setupPath(made.token));
    assert.equal(page.statusCode, 200);
    assert.match(pageText(page.body), /Choose your password/);
    assert.match(String(page.headers['cache-control']), /no-store/);
    const short = await c.post(setupPath(made.token), { password: 'short', confirm: 'short' });
    assert.equal(short.statusCode, 400);
    assert.match(pageText(short.body), /Password must be 12 characters or more/);
    const mismatch = await c.post(setupPath(made.token), { password: 'a long eastmoor password', confirm: 'another one entirely' });
    assert.match(pageText(mismatch.body), /Enter the same password twice/);
    const set = await c.post(setupPath(made.token), { password: 'a long eastmoor password', confirm: 'a long eastmoor password' });
    assert.equal(set.statusCode, 303);
    assert.equal(set.headers.location, '/sign-in');

    const again = await c.get(setupPath(made.token));
    assert.equal(again.statusCode, 404, 'a link works once');
    assert.match(pageText(again.body), /This link has expired or has already been used/);
    await c.get('/sign-in');
    const signIn = await c.post('/sign-in', { email: 'ann@csp.example.gov.uk', password: 'a long eastmoor password' });
    assert.equal(signIn.statusCode, 303);
    const me = (await c.json('GET', '/api/me')).json();
    assert.deepEqual([me.role, me.displayName], ['administrator', 'Ann Smith']);
    assert.equal((await c.get('/admin/users')).statusCode, 200);

    // An old link is refused too.
    const late = await createAdministrator(database.db, { email: 'bob@csp.example.gov.uk', name: 'Bob Jones' });
    await database.db.updateTable('password_setup_links').set({ expires_at: new Date(Date.now() - 1000) }).where('used_at', 'is', null).execute();
    assert.equal((await c.get(setupPath(late.token))).statusCode, 404);
  } finally {
    await app.close();
    await database.close();
  }
});

test('npm run create-admin, on an empty embedded database, prints a set-up link and no password', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ph-create-admin-'));
  try {
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts', '--email', 'clerk@westvale.example.gov.uk', '--name', 'Cara Clerk',
        '--partnership', 'Westvale Community Safety Partnership', '--short-name', 'Westvale CSP', '--slug', 'westvale', '--url', 'https://csp.westvale.example.gov.uk'],
      { env: { ...process.env, NODE_ENV: 'production', SESSION_SECRET: SECRET, DATA_DIR: dir, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
      child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Created the partnership Westvale Community Safety Partnership/);
    assert.match(run.stdout, /https:\/\/csp\.westvale\.example\.gov\.uk\/set-up\/[A-Za-z0-9_-]{40,}/);
    assert.doesNotMatch(run.stdout, /password is|northshire-demo/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
