import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../test/support/app.ts';
import { SIGN_IN_LIMIT } from './sessions.ts';
import { startSmtpTestServer } from '../mail/smtpTestServer.ts';
import { loadConfig } from '../config.ts';
import { buildApp } from '../app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('an officer signs in and is taken to the page they asked for', async () => {
  const c = new Client(t.app);
  await c.get('/sign-in?next=/organisations');
  const res = await c.post('/sign-in', { email: demoUsers.officer, password: 'northshire-demo-2026', next: '/organisations' });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/organisations');
  const me = await c.json('GET', '/api/me');
  assert.equal(me.json().role, 'officer');
  assert.equal(me.json().displayName, 'Gwen Abernethy');
});

test('sign-in never redirects off the site', async () => {
  const c = new Client(t.app);
  await c.get('/sign-in');
  const res = await c.post('/sign-in', { email: demoUsers.officer, password: 'northshire-demo-2026', next: '//evil.example/x' });
  assert.equal(res.headers.location, '/');
});

test('a wrong password gets one message that does not say which part was wrong', async () => {
  const c = new Client(t.app);
  await c.get('/sign-in');
  const wrongPassword = await c.post('/sign-in', { email: demoUsers.member, password: 'not-the-password' });
  const unknownEmail = await c.post('/sign-in', { email: 'nobody@northshire.example', password: 'not-the-password' });
  assert.equal(wrongPassword.statusCode, 400);
  assert.match(pageText(wrongPassword.body), /Enter a correct email address and password/);
  assert.match(pageText(unknownEmail.body), /Enter a correct email address and password/);
  assert.equal((await c.json('GET', '/api/me')).json().kind, 'public');
});

test('empty fields are each named in the error summary', async () => {
  const c = new Client(t.app);
  await c.get('/sign-in');
  const res = await c.post('/sign-in', { email: '', password: '' });
  const text = pageText(res.body);
  assert.match(text, /Enter your email address/);
  assert.match(text, /Enter your password/);
  assert.match(res.body, /<title>Error: /);
});

test('wrong passwords from an attacker slow an account down but never lock its owner out, and the owner is told once by e-mail', async () => {
  const saved = { ...SIGN_IN_LIMIT };
  Object.assign(SIGN_IN_LIMIT, { firstDelayMs: 150, maxDelayMs: 600 });
  const smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  try {
    const attacker = new Client(t.app);
    await attacker.get('/sign-in');
    for (let i = 0; i < 12; i++) {
      const res = await attacker.post('/sign-in', { email: demoUsers.panel, password: `guess-${i}-guess-guess` });
      assert.equal(res.statusCode, 400, `guess ${i} is answered, not refused`);
    }
    // The owner, from their own browser, with the right password: slowed, never refused.
    const owner = new Client(t.app, 'localhost');
    await owner.get('/sign-in');
    const started = Date.now();
    const res = await owner.post('/sign-in', { email: demoUsers.panel, password: 'northshire-demo-2026' });
    assert.equal(res.statusCode, 303, 'the owner signs in');
    assert.ok(Date.now() - started >= 150, 'after the slow-down');
    assert.equal((await owner.json('GET', '/api/me')).json().displayName, 'Laura Kowalczyk');

    const [mail] = await smtp.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.messages.length, 1, 'one e-mail, however many failures');
    assert.deepEqual(mail!.envelopeTo, [demoUsers.panel]);
    assert.match(mail!.headers.get('subject')!, /Failed attempts to sign in to your Northshire CSP account/);
    assert.match(mail!.text, /Your account is not locked/);
    // An address with no account gets no e-mail, and its answer is the same.
    for (let i = 0; i < 6; i++) assert.equal((await attacker.post('/sign-in', { email: 'nobody@northshire.example', password: `guess-${i}-guess-guess` })).statusCode, 400);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.messages.length, 1);
  } finally {
    Object.assign(SIGN_IN_LIMIT, saved);
    t.app.config.smtpUrl = undefined;
    await smtp.close();
  }
});

test('a client that rotates X-Forwarded-For is still counted by its own address, and refused after too many failures', async () => {
  await t.database.db.deleteFrom('sign_in_attempts').execute();
  const c = new Client(t.app);
  await c.get('/sign-in');
  const statuses: number[] = [];
  for (let i = 0; i <= SIGN_IN_LIMIT.attemptsPerAddress; i++) {
    // A different e-mail each time, so no account slows down: only the address limit acts.
    const res = await c.post('/sign-in', { email: `guess${i}@northshire.example`, password: 'not-the-password' }, { headers: { 'x-forwarded-for': `203.0.113.${i % 250}` } });
    statuses.push(res.statusCode);
  }
  assert.equal(statuses.filter((s) => s === 400).length, SIGN_IN_LIMIT.attemptsPerAddress);
  const last = await c.post('/sign-in', { email: demoUsers.member, password: 'northshire-demo-2026' }, { headers: { 'x-forwarded-for': '198.51.100.7' } });
  assert.equal(last.statusCode, 429);
  assert.match(pageText(last.body), /Too many attempts to sign in from your network/);
  await t.database.db.deleteFrom('sign_in_attempts').execute();
});

test('behind a proxy named in TRUST_PROXY, the forwarded address is the client counted', async () => {
  const config = loadConfig({ SESSION_SECRET: 'test-secret-test-secret-test-secret-00', TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' } as NodeJS.ProcessEnv);
  assert.deepEqual(config.trustProxy, ['127.0.0.1', '10.0.0.0/8']);
  assert.throws(() => loadConfig({ TRUST_PROXY: 'everyone' } as NodeJS.ProcessEnv), /TRUST_PROXY must list proxy addresses/);
  const app = await buildApp({ db: t.database.db, config, logger: false });
  try {
    const seen = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.44' }, payload: JSON.stringify({ email: 'nobody@northshire.example', password: 'x' }) });
    assert.equal(seen.statusCode, 400);
    const rows = await t.database.db.selectFrom('sign_in_attempts').select('key').where('key', 'like', 'ip:%').execute();
    assert.deepEqual(rows.map((r) => r.key), ['ip:192.0.2.44']);
  } finally {
    await app.close();
    await t.database.db.deleteFrom('sign_in_attempts').execute();
  }
});

test('signing out ends the session on the server, not only in the browser', async () => {
  const c = await new Client(t.app).signIn(demoUsers.administrator);
  const cookie = c.cookieHeader();
  await c.get('/sign-out');
  assert.equal((await c.post('/sign-out', {})).statusCode, 303);
  // Replaying the old cookie no longer signs anyone in.
  const replay = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  assert.equal(replay.json().kind, 'public');
});

test('an expired session is treated as signed out', async () => {
  const c = await new Client(t.app).signIn(demoUsers.member);
  await t.database.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).execute();
  assert.equal((await c.json('GET', '/api/me')).json().kind, 'public');
});

test('the API signs in with JSON and refuses form posts without a token', async () => {
  const c = new Client(t.app);
  const res = await c.json('POST', '/api/session', { email: demoUsers.officer, password: 'northshire-demo-2026' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().role, 'officer');
  const created = await c.json('POST', '/api/organisations', { name: 'Via the API', kind: 'other' });
  assert.equal(created.statusCode, 201);
});

test('sign-ins are in the audit log, and the audit log cannot be changed', async () => {
  const rows = await t.database.db.selectFrom('audit_log').select(['action', 'actor_label']).where('action', '=', 'sign-in').execute();
  assert.ok(rows.length > 0);
  await assert.rejects(sql`update audit_log set summary = 'tampered'`.execute(t.database.db), /append-only/);
  await assert.rejects(sql`delete from audit_log`.execute(t.database.db), /append-only/);
});

test('the OpenAPI document describes the API and only the API', async () => {
  const doc = (await new Client(t.app).get('/api/openapi.json')).json();
  assert.equal(doc.openapi, '3.1.0');
  const paths = Object.keys(doc.paths);
  assert.ok(paths.includes('/api/organisations'));
  assert.ok(paths.every((p) => p.startsWith('/api/')));
});
