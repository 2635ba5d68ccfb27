import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../mail/smtpTestServer.ts';

let t: TestApp;
let smtp: SmtpTestServer;
/** The newest e-mail to an address, once it has arrived. */
async function mailTo(to: string) {
  for (let i = 0; i < 250; i++) {
    const found = smtp.messages.filter((m) => m.envelopeTo.includes(to)).at(-1);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no e-mail to ${to}`);
}
/** Follows the set-up link a new user was sent and chooses their password. */
async function choosePassword(email: string, password: string) {
  const link = /https?:\/\/[^/\s]+(\/set-up\/[A-Za-z0-9_-]+)/.exec((await mailTo(email)).text)?.[1];
  assert.ok(link, 'the e-mail holds a set-up link');
  const c = new Client(t.app);
  assert.equal((await c.get(link)).statusCode, 200);
  assert.equal((await c.post(link, { password, confirm: password })).statusCode, 303);
}
let reviewGroup: string, workingGroup: string;
const userId = async (email: string) =>
  (await t.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
const userCount = async () => Number((await t.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const grantCount = async () => Number((await t.database.db.selectFrom('access_grants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const roleOf = async (id: string) =>
  (await t.database.db.selectFrom('partnership_users').select('role').where('user_id', '=', id).executeTakeFirstOrThrow()).role;
const personId = async (family: string) =>
  (await t.database.db.selectFrom('people').select('id').where('partnership_id', '=', t.partnershipId).where('family_name', '=', family).executeTakeFirstOrThrow()).id;
const admin = () => new Client(t.app).signIn(demoUsers.administrator);

before(async () => {
  smtp = await startSmtpTestServer();
  t = await createTestApp();
  t.app.config.smtpUrl = smtp.url;
  const bodies = await t.database.db.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', t.partnershipId).execute();
  reviewGroup = bodies.find((b) => b.name === 'Review Steering Group')!.id;
  workingGroup = bodies.find((b) => b.name === 'Working Group')!.id;
});
after(async () => {
  await t.close();
  await smtp.close();
});

test('an administrator sees every user of the partnership with their role', async () => {
  const res = await (await admin()).get('/admin/users');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  // The demo's review cases: the clerk coordinates two; the panel member sits on one, and has the steering group's grant.
  assert.match(text, /Gwen Abernethy officer@northshire.example Officer 2 Active/);
  assert.match(text, /Laura Kowalczyk .* panel@northshire.example Member 2 Active/);
  assert.match(text, /Site Administrator admin@northshire.example Administrator/);
});

test('only administrators may administer users; the public is sent to sign in', async () => {
  for (const who of [demoUsers.officer, demoUsers.member]) {
    const client = await new Client(t.app).signIn(who);
    assert.equal((await client.get('/admin/users')).statusCode, 403, `${who} is refused the list`);
    assert.equal((await client.get('/admin/users/new')).statusCode, 403);
    assert.equal((await client.get(`/admin/users/${await userId(demoUsers.member)}`)).statusCode, 403);
    assert.equal((await client.json('GET', '/api/users')).statusCode, 403);
  }
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  await officer.get('/account');
  const before = await userCount();
  const post = await officer.post('/admin/users/new', { email: 'sneaky@northshire.example', display_name: 'Sneaky', role: 'administrator' });
  assert.equal(post.statusCode, 403);
  const promote = await officer.post(`/admin/users/${await userId(demoUsers.officer)}/role`, { role: 'administrator' });
  assert.equal(promote.statusCode, 403);
  assert.equal(await roleOf(await userId(demoUsers.officer)), 'officer');
  assert.equal(await userCount(), before);

  const anonymous = await new Client(t.app).get('/admin/users');
  assert.equal(anonymous.statusCode, 302);
  assert.equal(anonymous.headers.location, '/sign-in?next=%2Fadmin%2Fusers');
  assert.equal((await new Client(t.app).json('GET', '/api/users')).statusCode, 401);
});

test('an administrator adds a user, who is e-mailed a link, chooses their own password and signs in', async () => {
  const client = await admin();
  const form = await client.get('/admin/users/new');
  assert.equal(form.statusCode, 200);
  assert.doesNotMatch(form.body, /type="password"/, 'the administrator never sets a password');
  const res = await client.post('/admin/users/new', {
    email: 'Zoe.Hartley@Northshire.example', display_name: 'Zoe Hartley', role: 'member', person_id: await personId('Hartley'),
  });
  assert.equal(res.statusCode, 303);
  const page = pageText((await client.get(res.headers.location as string)).body);
  assert.match(page, /Zoe Hartley added as member. They have been sent an e-mail about it/);
  assert.match(page, /Email address zoe.hartley@northshire.example/);
  assert.match(page, /Person record Ms Zoe Hartley/);

  const mail = await mailTo('zoe.hartley@northshire.example');
  assert.equal(mail.headers.get('subject'), 'Your account for Northshire CSP');
  assert.match(mail.text, /Site Administrator has added you to Northshire Community Safety Partnership as member/);
  await choosePassword('zoe.hartley@northshire.example', 'correct horse battery');
  const zoe = await new Client(t.app).signIn('zoe.hartley@northshire.example', 'correct horse battery');
  const me = (await zoe.json('GET', '/api/me')).json();
  assert.equal(me.role, 'member');
  assert.equal(me.displayName, 'Zoe Hartley');

  const id = await userId('zoe.hartley@northshire.example');
  const audit = await t.database.db.selectFrom('audit_log').select(['action', 'after']).where('record_type', '=', 'user').where('record_id', '=', id).where('action', '=', 'create').executeTakeFirstOrThrow();
  assert.doesNotMatch(JSON.stringify(audit.after), /argon2|password/, 'the audit log never keeps the password or its hash');
  const history = await client.get(`/history/user/${id}`);
  assert.match(pageText(history.body), /Site Administrator Create/);
});

test('a user with missing or bad details comes back with an error summary, and nothing written', async () => {
  const client = await admin();
  await client.get('/admin/users/new');
  const before = await userCount();
  const blank = await client.post('/admin/users/new', { email: '', display_name: '' });
  assert.equal(blank.statusCode, 400);
  let text = pageText(blank.body);
  assert.match(text, /There is a problem/);
  assert.match(text, /Enter an email address/);
  assert.match(text, /Enter the name to show for this user/);
  assert.match(text, /Select a role/);

  const bad = await client.post('/admin/users/new', { email: 'not an email', display_name: 'X', role: 'owner' });
  assert.equal(bad.statusCode, 400);
  text = pageText(bad.body);
  assert.match(text, /Enter an email address in the correct format, like name@example.org/);
  assert.match(text, /Select a role/);
  assert.match(bad.body, /value="not an email"/, 'what was typed is kept');

  const taken = await client.post('/admin/users/new', { email: 'OFFICER@northshire.example', display_name: 'Another', role: 'member' });
  assert.equal(taken.statusCode, 400);
  assert.match(pageText(taken.body), /A user with that email address already exists/);

  const linked = await client.post('/admin/users/new', { email: 'second.gwen@northshire.example', display_name: 'Gwen again', role: 'member', person_id: await personId('Abernethy') });
  assert.equal(linked.statusCode, 400);
  assert.match(pageText(linked.body), /That person is already linked to the user Gwen Abernethy/);
  assert.equal(await userCount(), before);
});

test('an administrator changes a role, and it applies at once', async () => {
  const client = await admin();
  const memberId = await userId(demoUsers.member);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get('/governance')).statusCode, 403);

  await client.get(`/admin/users/${memberId}`);
  const res = await client.post(`/admin/users/${memberId}/role`, { role: 'officer' });
  assert.equal(res.statusCode, 303);
  assert.match(pageText((await client.get(res.headers.location as string)).body), /Stuart Macrae is now officer/);
  assert.equal((await member.get('/governance')).statusCode, 200, 'their open session has the new role');

  const bad = await client.post(`/admin/users/${memberId}/role`, { role: 'superuser' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Select a role/);
  await client.post(`/admin/users/${memberId}/role`, { role: 'member' });
  assert.equal(await roleOf(memberId), 'member');
  const history = pageText((await client.get(`/history/user/${memberId}`)).body);
  assert.match(history, /Site Administrator Update Role : Member → Officer/);
});

test('an administrator cannot remove their own administrator role', async () => {
  const client = await admin();
  const self = await userId(demoUsers.administrator);
  await client.get(`/admin/users/${self}`);
  const res = await client.post(`/admin/users/${self}/role`, { role: 'officer' });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /There is a problem You cannot remove your own administrator role. Ask another administrator to change it/);
  assert.equal(await roleOf(self), 'administrator');
  const api = await client.json('PUT', `/api/users/${self}/role`, { role: 'member' });
  assert.equal(api.statusCode, 400);
  assert.equal(api.json().errors[0].field, 'role');
  assert.equal(await roleOf(self), 'administrator');
});

test('disabling a user ends their sessions and stops them signing in; enabling lets them back', async () => {
  const client = await admin();
  const newcomer = await client.json('POST', '/api/users', { email: 'felix.okonkwo@northshire.example', displayName: 'Felix Okonkwo', role: 'officer' });
  assert.equal(newcomer.statusCode, 201);
  await choosePassword('felix.okonkwo@northshire.example', 'prevent-coordinator-2026');
  const id = newcomer.json().id;
  const felix = await new Client(t.app).signIn('felix.okonkwo@northshire.example', 'prevent-coordinator-2026');
  assert.equal((await felix.get('/governance')).statusCode, 200);

  await client.get(`/admin/users/${id}`);
  const res = await client.post(`/admin/users/${id}/disable`, {});
  assert.equal(res.statusCode, 303);
  const page = pageText((await client.get(`/admin/users/${id}`)).body);
  assert.match(page, /Felix Okonkwo is disabled and has been signed out/);
  assert.match(page, /Status Disabled/);
  const sessions = await t.database.db.selectFrom('sessions').select('id').where('user_id', '=', id).execute();
  assert.equal(sessions.length, 0);
  assert.equal((await felix.get('/governance')).statusCode, 302, 'their browser is signed out');
  await assert.rejects(new Client(t.app).signIn('felix.okonkwo@northshire.example', 'prevent-coordinator-2026'), /failed: 400/);

  await client.post(`/admin/users/${id}/enable`, {});
  await new Client(t.app).signIn('felix.okonkwo@northshire.example', 'prevent-coordinator-2026');
});

test('an administrator cannot disable their own account', async () => {
  const client = await admin();
  const self = await userId(demoUsers.administrator);
  await client.get(`/admin/users/${self}`);
  const res = await client.post(`/admin/users/${self}/disable`, {});
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /You cannot disable your own account. Ask another administrator to do it/);
  const row = await t.database.db.selectFrom('partnership_users').select('disabled_at').where('user_id', '=', self).executeTakeFirstOrThrow();
  assert.equal(row.disabled_at, null);
  assert.equal((await client.json('POST', `/api/users/${self}/disable`, {})).statusCode, 400);
});

test('an administrator gives a member access to a body\'s restricted business, and takes it away', async () => {
  const client = await admin();
  const memberId = await userId(demoUsers.member);
  const member = await new Client(t.app).signIn(demoUsers.member);
  await client.get(`/admin/users/${memberId}`);

  const res = await client.post(`/admin/users/${memberId}/grants`, { scope_kind: 'body', body_id: workingGroup });
  assert.equal(res.statusCode, 303);
  const page = pageText((await client.get(`/admin/users/${memberId}`)).body);
  assert.match(page, /Stuart Macrae now has access to Working Group/);
  assert.match(page, /Body Working Group .* by Site Administrator/);
  assert.deepEqual((await member.json('GET', '/api/me')).json().grants, [{ scopeKind: 'body', scopeId: workingGroup }], 'their session has the grant at once');

  const before = await grantCount();
  const again = await client.post(`/admin/users/${memberId}/grants`, { scope_kind: 'body', body_id: workingGroup });
  assert.equal(again.statusCode, 400);
  assert.match(pageText(again.body), /Stuart Macrae already has access to Working Group/);
  const none = await client.post(`/admin/users/${memberId}/grants`, {});
  assert.equal(none.statusCode, 400);
  assert.match(pageText(none.body), /Select what to give access to/);
  const noBody = await client.post(`/admin/users/${memberId}/grants`, { scope_kind: 'body', body_id: '' });
  assert.match(pageText(noBody.body), /Select the body/);
  const badCase = await client.post(`/admin/users/${memberId}/grants`, { scope_kind: 'case', case_id: 'Martin 2018' });
  assert.equal(badCase.statusCode, 400);
  assert.match(pageText(badCase.body), /Enter the reference of the review case, as shown on the case/);
  assert.equal(await grantCount(), before);

  const grant = await t.database.db.selectFrom('access_grants').select('id').where('user_id', '=', memberId).where('scope_id', '=', workingGroup).executeTakeFirstOrThrow();
  const revoke = await client.post(`/admin/users/${memberId}/grants/${grant.id}/revoke`, {});
  assert.equal(revoke.statusCode, 303);
  assert.match(pageText((await client.get(`/admin/users/${memberId}`)).body), /Access to Working Group taken away from Stuart Macrae/);
  assert.deepEqual((await member.json('GET', '/api/me')).json().grants, []);
  const history = pageText((await client.get(`/history/user/${memberId}`)).body);
  assert.match(history, /Grant access .* Working Group/);
  assert.match(history, /Revoke access/);
  assert.equal((await client.post(`/admin/users/${memberId}/grants/${grant.id}/revoke`, {})).statusCode, 404, 'a grant already taken away is not found');
});

test('a grant to one review case is given by the case id', async () => {
  const client = await admin();
  const panelId = await userId(demoUsers.panel);
  await client.get(`/admin/users/${panelId}`);
  const caseId = '7d1f7a52-3c55-4b43-9d7e-2a8d1f6b9e10';
  const res = await client.post(`/admin/users/${panelId}/grants`, { scope_kind: 'case', case_id: caseId });
  assert.equal(res.statusCode, 303);
  const page = pageText((await client.get(`/admin/users/${panelId}`)).body);
  assert.match(page, new RegExp(`Review case Review case ${caseId}`));
  assert.match(page, /Body Review Steering Group/);
});

test('a user of another partnership, or no user at all, is not found', async () => {
  const client = await admin();
  const stranger = await t.database.db.insertInto('users').values({ email: 'elsewhere@example.org', display_name: 'Elsewhere', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
  assert.equal((await client.get(`/admin/users/${stranger.id}`)).statusCode, 404);
  assert.equal((await client.get('/admin/users/not-an-id')).statusCode, 404);
  assert.equal((await client.json('GET', `/api/users/${stranger.id}`)).statusCode, 404);
  assert.ok(!(await client.json('GET', '/api/users')).json().items.some((u: { id: string }) => u.id === stranger.id));
});

test('the API lists, adds and changes users and their grants, with problem documents for bad input', async () => {
  const client = await admin();
  const list = await client.json('GET', '/api/users');
  assert.equal(list.statusCode, 200);
  const panel = list.json().items.find((u: { email: string }) => u.email === demoUsers.panel);
  assert.deepEqual({ role: panel.role, grantCount: panel.grantCount, disabled: panel.disabled }, { role: 'member', grantCount: panel.grantCount, disabled: false });
  assert.ok(!('passwordHash' in panel) && !('password_hash' in panel));

  const before = await userCount();
  const bad = await client.json('POST', '/api/users', { email: 'x', displayName: '', role: 'member' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['displayName', 'email']);
  const missing = await client.json('POST', '/api/users', { email: 'y@example.org' });
  assert.equal(missing.statusCode, 400);
  assert.equal(await userCount(), before);

  const created = await client.json('POST', '/api/users', { email: 'ruth.delaney@northshire.example', displayName: 'Ruth Delaney', role: 'member', personId: await personId('Delaney') });
  assert.equal(created.statusCode, 201);
  const ruth = created.json();
  assert.equal(ruth.personName, 'Mrs Ruth Delaney');
  assert.deepEqual(ruth.grants, []);
  const dup = await client.json('POST', '/api/users', { email: 'ruth.delaney@northshire.example', displayName: 'Ruth', role: 'member' });
  assert.equal(dup.statusCode, 409);

  const role = await client.json('PUT', `/api/users/${ruth.id}/role`, { role: 'officer' });
  assert.equal(role.statusCode, 200);
  assert.equal(role.json().role, 'officer');

  const grant = await client.json('POST', `/api/users/${ruth.id}/grants`, { scopeKind: 'body', scopeId: reviewGroup });
  assert.equal(grant.statusCode, 201);
  assert.equal(grant.json().scopeName, 'Review Steering Group');
  assert.equal(grant.json().grantedBy, 'Site Administrator');
  const badGrant = await client.json('POST', `/api/users/${ruth.id}/grants`, { scopeKind: 'body', scopeId: '00000000-0000-0000-0000-000000000000' });
  assert.equal(badGrant.statusCode, 400);
  assert.equal(badGrant.json().errors[0].field, 'scopeId');
  const badKind = await client.json('POST', `/api/users/${ruth.id}/grants`, { scopeKind: 'meeting', scopeId: reviewGroup });
  assert.equal(badKind.statusCode, 400);
  assert.equal(badKind.json().errors[0].field, 'scopeKind');
  const dupGrant = await client.json('POST', `/api/users/${ruth.id}/grants`, { scopeKind: 'body', scopeId: reviewGroup });
  assert.equal(dupGrant.statusCode, 409);

  const detail = await client.json('GET', `/api/users/${ruth.id}`);
  assert.equal(detail.json().grants.length, 1);
  const removed = await client.json('DELETE', `/api/users/${ruth.id}/grants/${grant.json().id}`);
  assert.equal(removed.statusCode, 204);
  assert.equal((await client.json('DELETE', `/api/users/${ruth.id}/grants/${grant.json().id}`)).statusCode, 404);
  assert.deepEqual((await client.json('GET', `/api/users/${ruth.id}`)).json().grants, []);

  const disabled = await client.json('POST', `/api/users/${ruth.id}/disable`, {});
  assert.equal(disabled.json().disabled, true);
  const enabled = await client.json('POST', `/api/users/${ruth.id}/enable`, {});
  assert.equal(enabled.json().disabled, false);

  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.equal((await officer.json('POST', `/api/users/${ruth.id}/grants`, { scopeKind: 'body', scopeId: reviewGroup })).statusCode, 403);
  assert.equal((await officer.json('DELETE', `/api/users/${ruth.id}/grants/${grant.json().id}`)).statusCode, 403);
});

test('the user administration API is described in the OpenAPI document', async () => {
  const doc = (await new Client(t.app).get('/api/openapi.json')).json();
  for (const path of ['/api/users', '/api/users/{id}', '/api/users/{id}/role', '/api/users/{id}/grants', '/api/users/{id}/grants/{grantId}']) {
    assert.ok(doc.paths[path], `${path} is documented`);
  }
});

test('adding an address that has an account in another partnership answers exactly as for a new address, and changes nothing there', async () => {
  // Someone who works for another partnership on this deployment, with their own password and name there.
  const other = await t.database.db.insertInto('partnerships').values({ slug: 'eastmoor', name: 'Eastmoor Community Safety Partnership', short_name: 'Eastmoor CSP', hostname: 'eastmoor.example' }).returning('id').executeTakeFirstOrThrow();
  const elsewhere = await t.database.db.insertInto('users').values({ email: 'sam.okafor@eastmoor.example', display_name: 'Samuel Okafor (Eastmoor)', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
  await t.database.db.insertInto('partnership_users').values({ partnership_id: other.id, user_id: elsewhere.id, role: 'officer' }).execute();
  const hashBefore = (await t.database.db.selectFrom('users').select('password_hash').where('id', '=', elsewhere.id).executeTakeFirstOrThrow()).password_hash;

  const client = await admin();
  /** What the administrator sees, with the address and the new id taken out. */
  const seen = async (email: string, viaApi: boolean) => {
    if (viaApi) {
      const res = await client.json('POST', '/api/users', { email, displayName: 'Sam Okafor', role: 'member' });
      return `${res.statusCode} ${JSON.stringify(res.json()).replaceAll(res.json().id, 'ID').replaceAll(email, 'EMAIL')}`;
    }
    await client.get('/admin/users/new');
    const res = await client.post('/admin/users/new', { email, display_name: 'Sam Okafor', role: 'member' });
    const id = /\/admin\/users\/([0-9a-f-]{36})/.exec(String(res.headers.location))?.[1] ?? 'none';
    const page = await client.get(String(res.headers.location));
    return `${res.statusCode} ${pageText(page.body).replaceAll(id, 'ID').replaceAll(email.toLowerCase(), 'EMAIL')}`;
  };
  const known = await seen('Sam.Okafor@eastmoor.example', false);
  const unknown = await seen('sam.okafor2@eastmoor.example', false);
  assert.equal(known, unknown, 'the page after adding is the same');
  assert.match(known, /^303 .*Sam Okafor added as member/);
  // The list shows the name this partnership gave, never the other partnership's.
  const list = pageText((await client.get('/admin/users')).body);
  assert.doesNotMatch(list, /Eastmoor\)/);

  // The API, too, and adding the same address again is the same conflict either way.
  await client.json('PUT', `/api/users/${elsewhere.id}/role`, { role: 'member' });
  const knownApi = await seen('sam.okafor3@eastmoor.example', true);
  const other2 = await t.database.db.insertInto('users').values({ email: 'kim.lee@eastmoor.example', display_name: 'Kim Lee', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
  await t.database.db.insertInto('partnership_users').values({ partnership_id: other.id, user_id: other2.id, role: 'member' }).execute();
  const unknownApi = await seen('kim.lee@eastmoor.example', true);
  assert.equal(knownApi, unknownApi);
  assert.match(knownApi, /^201 /);
  const again = await client.json('POST', '/api/users', { email: 'kim.lee@eastmoor.example', displayName: 'Kim', role: 'member' });
  assert.equal(again.statusCode, 409, 'already a user here: that is this partnership’s own list');

  // Nothing changed for the other partnership: password, name, role.
  const after = await t.database.db.selectFrom('users').select(['password_hash', 'display_name']).where('id', '=', elsewhere.id).executeTakeFirstOrThrow();
  assert.deepEqual(after, { password_hash: hashBefore, display_name: 'Samuel Okafor (Eastmoor)' });
  const there = await t.database.db.selectFrom('partnership_users').select('role').where('partnership_id', '=', other.id).where('user_id', '=', elsewhere.id).executeTakeFirstOrThrow();
  assert.equal(there.role, 'officer');
  // The person is told by e-mail: the new account how to choose a password, the existing one to use theirs.
  assert.match((await mailTo('sam.okafor2@eastmoor.example')).text, /\/set-up\//);
  const existingMail = (await mailTo('sam.okafor@eastmoor.example')).text;
  assert.doesNotMatch(existingMail, /\/set-up\//);
  assert.match(existingMail, /the password you already use/);
});
