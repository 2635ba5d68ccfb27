import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../test/support/app.ts';
import { SIGN_IN_LIMIT } from './sessions.ts';

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

test(`after ${SIGN_IN_LIMIT.attempts} failures an address is locked out, even with the right password`, async () => {
  const c = new Client(t.app);
  await c.get('/sign-in');
  for (let i = 0; i < SIGN_IN_LIMIT.attempts; i++) {
    assert.equal((await c.post('/sign-in', { email: demoUsers.panel, password: `guess-${i}-guess-guess` })).statusCode, 400);
  }
  const res = await c.post('/sign-in', { email: demoUsers.panel, password: 'northshire-demo-2026' });
  assert.equal(res.statusCode, 429);
  assert.match(pageText(res.body), /Too many attempts to sign in/);
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
