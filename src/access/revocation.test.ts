// A signed-in person's access is kept in memory between requests (sessions.ts), yet a
// change to it is seen on the very next request, whichever instance made the change and
// whichever answers next. On PostgreSQL the second instance is a second app with its own
// connections (its own memory); on PGlite, one process, a second app on the same database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createTestApp, createSecondInstance, Client, demoUsers, type TestApp } from '../../test/support/app.ts';
import { actorForSession, keptSessionCount, SESSION_COOKIE } from './sessions.ts';

let t: TestApp;
let other: FastifyInstance;
let second: Awaited<ReturnType<typeof createSecondInstance>> | undefined;

before(async () => {
  t = await createTestApp();
  second = await createSecondInstance(t);
  other = second.app;
});
after(async () => {
  await second?.close();
  await t.close();
});

const userId = async (email: string) =>
  (await t.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
const bodyId = async (name: string) =>
  (await t.database.db.selectFrom('bodies').select('id').where('partnership_id', '=', t.partnershipId).where('name', '=', name).executeTakeFirstOrThrow()).id;
const admin = () => new Client(t.app).signIn(demoUsers.administrator);

/** The same browser's cookies sent to the other instance. */
const onOther = (client: Client, url: string) => other.inject({ method: 'GET', url, headers: { host: 'localhost', cookie: client.cookieHeader() } });
const meOnOther = async (client: Client) => (await onOther(client, '/api/me')).json();

test('a role changed on one instance holds on the next request to either', async () => {
  const memberId = await userId(demoUsers.member);
  const member = await new Client(t.app).signIn(demoUsers.member);
  // Both instances have read the session once, so both keep it.
  assert.equal((await member.get('/admin/users')).statusCode, 403);
  assert.equal((await onOther(member, '/admin/users')).statusCode, 403);
  assert.equal((await meOnOther(member)).role, 'member');

  const a = await admin();
  await a.get(`/admin/users/${memberId}`);
  assert.equal((await a.post(`/admin/users/${memberId}/role`, { role: 'administrator' })).statusCode, 303);
  assert.equal((await onOther(member, '/admin/users')).statusCode, 200, 'the other instance sees the new role at once');
  assert.equal((await member.get('/admin/users')).statusCode, 200);

  assert.equal((await a.post(`/admin/users/${memberId}/role`, { role: 'member' })).statusCode, 303);
  assert.equal((await onOther(member, '/admin/users')).statusCode, 403, 'and the role taken away at once');
  assert.equal((await member.get('/admin/users')).statusCode, 403);
});

test('a grant given and taken away on one instance holds on the next request to the other', async () => {
  const memberId = await userId(demoUsers.member);
  const workingGroup = await bodyId('Working Group');
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.deepEqual((await meOnOther(member)).grants, []);
  assert.deepEqual((await member.json('GET', '/api/me')).json().grants, []);

  const a = await admin();
  await a.get(`/admin/users/${memberId}`);
  assert.equal((await a.post(`/admin/users/${memberId}/grants`, { scope_kind: 'body', body_id: workingGroup })).statusCode, 303);
  assert.deepEqual((await meOnOther(member)).grants, [{ scopeKind: 'body', scopeId: workingGroup }]);

  const grant = await t.database.db.selectFrom('access_grants').select('id').where('user_id', '=', memberId).where('scope_id', '=', workingGroup).executeTakeFirstOrThrow();
  assert.equal((await a.post(`/admin/users/${memberId}/grants/${grant.id}/revoke`, {})).statusCode, 303);
  assert.deepEqual((await meOnOther(member)).grants, [], 'the grant is gone on the very next request');
  assert.deepEqual((await member.json('GET', '/api/me')).json().grants, []);
});

test('a seat on a body, changed by any code, is seen on the next request', async () => {
  const db = t.database.db;
  const member = await new Client(t.app).signIn(demoUsers.member);
  const token = /ph_session=([^;]+)/.exec(member.cookieHeader())![1]!;
  const otherDb = second!.db;
  const before = await actorForSession(otherDb, token, t.partnershipId);
  assert.ok(before?.kind === 'user' && before.personId, 'the demo member is one of the partnership\'s people');
  const workingGroup = await bodyId('Working Group');
  const seatsOn = (a: Awaited<ReturnType<typeof actorForSession>>) => (a?.kind === 'user' ? (a.seats ?? []).filter((s) => s.bodyId === workingGroup).length : -1);
  const had = seatsOn(before);
  // Written straight to the table, as an import or another instance would.
  const inserted = await db.insertInto('memberships').values({ partnership_id: t.partnershipId, person_id: before.personId, body_id: workingGroup, role: 'adviser', starts_on: '2020-01-01' })
    .returning('id').executeTakeFirstOrThrow();
  assert.equal(seatsOn(await actorForSession(otherDb, token, t.partnershipId)), had + 1);
  await db.deleteFrom('memberships').where('partnership_id', '=', t.partnershipId).where('id', '=', inserted.id).execute();
  assert.equal(seatsOn(await actorForSession(otherDb, token, t.partnershipId)), had);
  assert.ok(keptSessionCount(otherDb) > 0, 'the session is kept between requests');
});

test('one trigger function moves the counter for grants (by user) and seats (by person), on both sides of a row moved between people', async () => {
  const db = t.database.db;
  const { rows } = await sql<{ table: string; fn: string; arg: string }>`
    select c.relname as table, p.proname as fn, encode(t.tgargs, 'escape') as arg
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_proc p on p.oid = t.tgfoid
    where t.tgname = 'access_epoch' and c.relname in ('access_grants', 'memberships') order by c.relname`.execute(db);
  assert.deepEqual(rows.map((r) => [r.table, r.fn, r.arg.replace(/\\000$/, '')]), [['access_grants', 'access_epoch_touch', 'user_id'], ['memberships', 'access_epoch_touch', 'person_id']]);
  const epochOf = async (id: string) => Number((await db.selectFrom('partnership_users').select('access_epoch').where('partnership_id', '=', t.partnershipId).where('user_id', '=', id).executeTakeFirstOrThrow()).access_epoch);
  const [memberId, officerId] = [await userId(demoUsers.member), await userId(demoUsers.officer)];
  const workingGroup = await bodyId('Working Group');
  const grant = await db.insertInto('access_grants').values({ partnership_id: t.partnershipId, user_id: memberId, scope_kind: 'body', scope_id: workingGroup })
    .returning('id').executeTakeFirstOrThrow();
  const [m0, o0] = [await epochOf(memberId), await epochOf(officerId)];
  // A grant handed from one person to another changes both people's access.
  await db.updateTable('access_grants').set({ user_id: officerId }).where('partnership_id', '=', t.partnershipId).where('id', '=', grant.id).execute();
  const [m1, o1] = [await epochOf(memberId), await epochOf(officerId)];
  assert.ok(m1 > m0 && o1 > o0, `both counters move: member ${m0} -> ${m1}, officer ${o0} -> ${o1}`);
  await db.deleteFrom('access_grants').where('partnership_id', '=', t.partnershipId).where('id', '=', grant.id).execute();
  assert.ok(await epochOf(officerId) > o1, 'and the grant taken away moves it again');
  assert.equal(await epochOf(memberId), m1, 'someone else\'s grant leaves the member\'s counter alone');
});

test('a disabled account is signed out on the next request to either instance', async () => {
  const panelId = await userId(demoUsers.panel);
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  assert.equal((await meOnOther(panel)).kind, 'user');
  assert.equal((await panel.json('GET', '/api/me')).json().kind, 'user');

  const a = await admin();
  await a.get(`/admin/users/${panelId}/disable`);
  assert.equal((await a.post(`/admin/users/${panelId}/disable`, {})).statusCode, 303);
  assert.equal((await meOnOther(panel)).kind, 'public');
  assert.equal((await panel.json('GET', '/api/me')).json().kind, 'public');
  await a.post(`/admin/users/${panelId}/enable`, {});
});

test('an account disabled in the database alone (no session ended) is refused on the next request', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.equal((await meOnOther(officer)).kind, 'user');
  assert.equal((await officer.json('GET', '/api/me')).json().kind, 'user');
  const officerId = await userId(demoUsers.officer);
  await t.database.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', officerId).execute();
  try {
    assert.equal((await meOnOther(officer)).kind, 'public');
    assert.equal((await officer.json('GET', '/api/me')).json().kind, 'public');
  } finally {
    await t.database.db.updateTable('users').set({ disabled_at: null }).where('id', '=', officerId).execute();
  }
  assert.equal((await meOnOther(officer)).kind, 'user', 'enabled again, the same session works');
});

test('signing out on one instance ends the session on the other at once', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const cookie = member.cookieHeader();
  assert.equal((await meOnOther(member)).kind, 'user');
  await member.get('/sign-out');
  assert.equal((await member.post('/sign-out', {})).statusCode, 303);
  const replay = await other.inject({ method: 'GET', url: '/api/me', headers: { host: 'localhost', cookie } });
  assert.equal(replay.json().kind, 'public', 'the old cookie, replayed on the other instance, is no session');
  assert.ok(cookie.includes(SESSION_COOKIE));
});
