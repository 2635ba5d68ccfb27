import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('anyone can see the list of member organisations', async () => {
  const res = await new Client(t.app).get('/organisations');
  assert.equal(res.statusCode, 200);
  assert.match(pageText(res.body), /Northshire Fire and Rescue Service/);
  assert.doesNotMatch(res.body, /Add an organisation/);
});

test('an officer adds an organisation and sees it, with its history', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  await officer.get('/organisations/new');
  const res = await officer.post('/organisations/new', { name: 'Northshire Victim Support', kind: 'voluntary', short_name: 'NVS' });
  assert.equal(res.statusCode, 303);
  const page = await officer.get(res.headers.location as string);
  assert.match(pageText(page.body), /Northshire Victim Support added/);
  assert.match(pageText(page.body), /Statutory partner No/);
  const id = (res.headers.location as string).split('/').pop()!;
  const history = await officer.get(`/history/organisation/${id}`);
  assert.equal(history.statusCode, 200);
  assert.match(pageText(history.body), /Gwen Abernethy Create/);
});

test('a missing name and kind come back as an error summary, and nothing is written', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const before = await t.database.db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  await officer.get('/organisations/new');
  const res = await officer.post('/organisations/new', { name: '', kind: '' });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /There is a problem/);
  assert.match(text, /Enter the name of the organisation/);
  assert.match(text, /Select the kind of organisation/);
  const afterCount = await t.database.db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(afterCount.n), Number(before.n));
});

test('a second organisation of the same name is refused', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  await officer.get('/organisations/new');
  const res = await officer.post('/organisations/new', { name: 'northshire police', kind: 'police' });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /An organisation with that name already exists/);
});

test('a member may not add organisations', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const res = await member.get('/organisations/new');
  assert.equal(res.statusCode, 403);
});

test('the public is sent to sign in before changing anything', async () => {
  const res = await new Client(t.app).get('/organisations/new');
  assert.equal(res.statusCode, 302);
  assert.match(res.headers.location as string, /^\/sign-in\?next=/);
});

test('a form posted without its CSRF token is refused', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const res = await officer.post('/organisations/new', { name: 'Forged Org', kind: 'other' }, { csrf: false });
  assert.equal(res.statusCode, 403);
  const row = await t.database.db.selectFrom('organisations').select('id').where('name', '=', 'Forged Org').executeTakeFirst();
  assert.equal(row, undefined);
});

test('the API lists, creates and changes organisations, with problem documents for bad input', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const list = await officer.json('GET', '/api/organisations');
  assert.equal(list.statusCode, 200);
  assert.ok(list.json().items.length >= 12);

  const created = await officer.json('POST', '/api/organisations', { name: 'Ashby Vale Mediation', kind: 'voluntary' });
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().statutory, false);

  const bad = await officer.json('POST', '/api/organisations', { name: '', kind: 'spaceship' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['kind', 'name']);

  const changed = await officer.json('PUT', `/api/organisations/${created.json().id}`, { name: 'Ashby Vale Mediation Service', kind: 'voluntary' });
  assert.equal(changed.statusCode, 200);
  assert.equal(changed.json().name, 'Ashby Vale Mediation Service');

  const anonymous = await new Client(t.app).json('POST', '/api/organisations', { name: 'X', kind: 'other' });
  assert.equal(anonymous.statusCode, 401);
});

test('an unknown organisation is not found', async () => {
  const res = await new Client(t.app).get('/organisations/00000000-0000-0000-0000-000000000000');
  assert.equal(res.statusCode, 404);
  assert.equal((await new Client(t.app).get('/organisations/not-an-id')).statusCode, 404);
});

test('a demo organisation with no recorded changes has an empty history, not a missing page', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const org = await t.database.db.selectFrom('organisations').select('id').where('partnership_id', '=', t.partnershipId).where('short_name', '=', 'NFRS').executeTakeFirstOrThrow();
  const res = await officer.get(`/history/organisation/${org.id}`);
  assert.equal(res.statusCode, 200);
  assert.match(pageText(res.body), /No changes have been recorded for this organisation/);
  assert.equal((await officer.get('/history/organisation/00000000-0000-0000-0000-000000000000')).statusCode, 404);
});
