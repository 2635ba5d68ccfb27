import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const db = () => t.database.db;
const bodyId = async (name: string) => (await db().selectFrom('bodies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const BOARD = 'Northshire Community Safety Partnership';
const count = async (table: 'bodies' | 'audit_log') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

test('anyone sees the board with its subgroups beneath it', async () => {
  const res = await new Client(t.app).get('/bodies');
  assert.equal(res.statusCode, 200);
  // The subgroups' list sits inside the board's list item.
  const board = res.body.indexOf(`>${BOARD}</a>`);
  const nested = res.body.indexOf('app-body-tree__children', board);
  const working = res.body.indexOf('>Working Group</a>', board);
  assert.ok(board > 0 && nested > board && working > nested);
  assert.match(pageText(res.body), /Review Steering Group \(Review panel or steering group\)/);
  assert.doesNotMatch(pageText(res.body), /Add a body/);
});

test("a body's page shows its members grouped by role, past members and elections", async () => {
  const res = await new Client(t.app).get(`/bodies/${await bodyId(BOARD)}`);
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /The statutory board of the responsible authorities/);
  assert.match(text, /Subgroups Review Steering Group Working Group/);
  assert.match(text, /Chair Name Representing From Cllr Harriet Kellaway Northshire County Council/);
  assert.match(text, /Vice-chair Name Representing From Supt Daniel Osei Northshire Police/);
  assert.match(text, /Members Name Representing From .*Mr Stuart Macrae QFSM Northshire Fire and Rescue Service/);
  assert.match(text, /Substitutes Name Representing From DI Mark Chen Northshire Police/);
  assert.match(text, /Advisers Name Representing From Mrs Ruth Delaney/);
  assert.match(text, /Officers Name Representing From Mrs Gwen Abernethy .* Ms Priya Ramaswamy/);
  assert.match(text, /Past members Past members, latest first Name Role Representing From To Cllr Owen Treharne Chair Corran Heath District Council/);
  assert.match(text, /Elections .*Chair Cllr Harriet Kellaway Cllr Morag Penhaligon MBE Mr Graham Pellow OBE Elected/);
  assert.doesNotMatch(text, /Add a member|Record an election|History of changes/);
});

test('an officer sees how to change the body, its members and its elections', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const text = pageText((await officer.get(`/bodies/${await bodyId(BOARD)}`)).body);
  assert.match(text, /Add a member/);
  assert.match(text, /Record an election/);
  assert.match(text, /Change the membership of Cllr Harriet Kellaway/);
  assert.match(text, /End the membership of Cllr Harriet Kellaway/);
  assert.match(text, /History of changes/);
});

test('an officer adds a subgroup, which appears under its parent', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const form = await officer.get(`/bodies/new?parent=${working}`);
  assert.match(form.body, new RegExp(`<option value="${working}" selected>Working Group</option>`));
  const res = await officer.post('/bodies/new', { name: 'Serious Violence Task Group', kind: 'subgroup', parent_id: working, description: 'Meets monthly to plan the serious violence response.' });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(res.headers.location as string)).body);
  assert.match(page, /Serious Violence Task Group added/);
  assert.match(page, /Reports to Working Group/);
  assert.match(page, /No current members recorded/);
  assert.match(pageText((await officer.get(`/bodies/${working}`)).body), /Subgroups Serious Violence Task Group/);
  const id = (res.headers.location as string).split('/').pop()!;
  assert.match(pageText((await officer.get(`/history/body/${id}`)).body), /Gwen Abernethy Create/);
});

test('a body needs a name and a kind, and a name not already used; nothing is written otherwise', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const bodies = await count('bodies');
  const audit = await count('audit_log');
  await officer.get('/bodies/new');
  const missing = await officer.post('/bodies/new', { name: '', kind: '' });
  assert.equal(missing.statusCode, 400);
  assert.match(pageText(missing.body), /There is a problem Enter the name of the body Select the kind of body/);
  const duplicate = await officer.post('/bodies/new', { name: 'working group', kind: 'subgroup' });
  assert.equal(duplicate.statusCode, 400);
  assert.match(pageText(duplicate.body), /A body with that name already exists/);
  const badParent = await officer.post('/bodies/new', { name: 'Orphan Group', kind: 'subgroup', parent_id: '00000000-0000-4000-8000-000000000000' });
  assert.equal(badParent.statusCode, 400);
  assert.match(pageText(badParent.body), /Select a parent body from the list/);
  assert.equal(await count('bodies'), bodies);
  assert.equal(await count('audit_log'), audit);
});

test('a body cannot be made a subgroup of itself or of its own subgroup', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const board = await bodyId(BOARD);
  const working = await bodyId('Working Group');
  const form = await officer.get(`/bodies/${board}/edit`);
  assert.doesNotMatch(form.body, new RegExp(`<option value="${board}"`), 'a body is not offered as its own parent');
  for (const parent of [working, board]) {
    const res = await officer.post(`/bodies/${board}/edit`, { name: BOARD, kind: 'board', parent_id: parent });
    assert.equal(res.statusCode, 400);
    assert.match(pageText(res.body), /A body cannot be a subgroup of itself or of one of its own subgroups/);
  }
  assert.equal((await db().selectFrom('bodies').select('parent_id').where('id', '=', board).executeTakeFirstOrThrow()).parent_id, null);
});

test('an officer changes a body, and the change is in its history', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const reviews = await bodyId('Review Steering Group');
  const board = await bodyId(BOARD);
  await officer.get(`/bodies/${reviews}/edit`);
  const res = await officer.post(`/bodies/${reviews}/edit`, {
    name: 'Domestic Abuse Related Death Review Steering Group', short_name: 'DARDR Steering Group', kind: 'panel', parent_id: board,
    description: 'Oversees domestic abuse related death reviews.',
  });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(`/bodies/${reviews}`)).body);
  assert.match(page, /Changes saved/);
  assert.match(page, /Domestic Abuse Related Death Review Steering Group/);
  assert.match(page, /Short name DARDR Steering Group/);
  assert.match(pageText((await officer.get(`/history/body/${reviews}`)).body), /Name\s*: Review Steering Group → Domestic Abuse Related Death Review Steering Group/);
});

test('members and the public may read bodies but not change them', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const working = await bodyId('Working Group');
  assert.equal((await member.get(`/bodies/${working}`)).statusCode, 200);
  assert.equal((await member.get('/bodies/new')).statusCode, 403);
  assert.equal((await member.get(`/bodies/${working}/edit`)).statusCode, 403);
  const bodies = await count('bodies');
  assert.equal((await member.post('/bodies/new', { name: 'Shadow Group', kind: 'subgroup' })).statusCode, 403);
  assert.equal((await member.post(`/bodies/${working}/edit`, { name: 'Renamed', kind: 'subgroup' })).statusCode, 403);
  assert.equal(await count('bodies'), bodies);
  const anonymous = await new Client(t.app).get('/bodies/new');
  assert.equal(anonymous.statusCode, 302);
  assert.match(anonymous.headers.location as string, /^\/sign-in/);
});

test('an unknown body is not found', async () => {
  assert.equal((await new Client(t.app).get('/bodies/00000000-0000-4000-8000-000000000000')).statusCode, 404);
  assert.equal((await new Client(t.app).get('/bodies/nope')).statusCode, 404);
  assert.equal((await new Client(t.app).json('GET', '/api/bodies/00000000-0000-4000-8000-000000000000')).statusCode, 404);
});

test('the API lists bodies and shows one with its subgroups and members', async () => {
  const client = new Client(t.app);
  const list = await client.json('GET', '/api/bodies');
  assert.equal(list.statusCode, 200);
  assert.ok(list.json().items.some((b: { name: string; parentId: string | null }) => b.name === 'Working Group' && b.parentId));
  const board = await bodyId(BOARD);
  const one = await client.json('GET', `/api/bodies/${board}`);
  assert.equal(one.statusCode, 200);
  const body = one.json();
  assert.equal(body.name, BOARD);
  assert.ok(body.subgroupIds.includes(await bodyId('Working Group')));
  const chairs = body.members.filter((m: { role: string }) => m.role === 'chair');
  assert.deepEqual(chairs.map((m: { personName: string; period: string }) => `${m.personName} (${m.period})`).sort(), ['Cllr Harriet Kellaway (current)', 'Cllr Owen Treharne (past)']);
  assert.equal(chairs[0].organisationName, 'Northshire County Council');
});

test('the API adds and changes bodies, refusing loops of parents, and only for officers', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const board = await bodyId(BOARD);
  const created = await officer.json('POST', '/api/bodies', { name: 'Prevent Partnership Board', kind: 'subgroup', parentId: board });
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().parentId, board);

  const bodies = await count('bodies');
  const bad = await officer.json('POST', '/api/bodies', { name: '', kind: 'committee' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['kind', 'name']);
  assert.equal(await count('bodies'), bodies);

  const loop = await officer.json('PUT', `/api/bodies/${board}`, { name: BOARD, kind: 'board', parentId: created.json().id });
  assert.equal(loop.statusCode, 400);
  assert.equal(loop.json().errors[0].field, 'parentId');

  const changed = await officer.json('PUT', `/api/bodies/${created.json().id}`, { name: 'Prevent Partnership Board', kind: 'subgroup', parentId: board, description: 'Delivers the Prevent duty.' });
  assert.equal(changed.statusCode, 200);
  assert.equal(changed.json().description, 'Delivers the Prevent duty.');

  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('POST', '/api/bodies', { name: 'X Group', kind: 'subgroup' })).statusCode, 403);
  assert.equal((await member.json('PUT', `/api/bodies/${board}`, { name: 'X', kind: 'board' })).statusCode, 403);
  assert.equal((await new Client(t.app).json('POST', '/api/bodies', { name: 'X Group', kind: 'subgroup' })).statusCode, 401);
});

test('the bodies, memberships and elections API is described in the OpenAPI document', async () => {
  const doc = (await new Client(t.app).json('GET', '/api/openapi.json')).json();
  for (const [path, methods] of Object.entries({
    '/api/bodies': ['get', 'post'], '/api/bodies/{id}': ['get', 'put'], '/api/bodies/{id}/memberships': ['get', 'post'],
    '/api/memberships/{id}': ['put'], '/api/bodies/{id}/elections': ['get', 'post'],
  })) {
    for (const m of methods) assert.ok(doc.paths[path]?.[m], `${m} ${path}`);
  }
  assert.deepEqual(doc.paths['/api/bodies/{id}/elections'].post.tags, ['elections']);
});
