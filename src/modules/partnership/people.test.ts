import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const db = () => t.database.db;
const personId = async (family: string) => (await db().selectFrom('people').select('id').where('family_name', '=', family).executeTakeFirstOrThrow()).id;
const organisationId = async (name: string) => (await db().selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const count = async (table: 'people' | 'audit_log') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

test('anyone can list people by family name, without their contact details', async () => {
  const res = await new Client(t.app).get('/people');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /26 people/);
  assert.ok(text.indexOf('Mrs Gwen Abernethy') < text.indexOf('Dr Fiona Whitlock'));
  assert.match(text, /Cllr Morag Penhaligon MBE Cabinet Member for Housing Brackenford Borough Council/);
  assert.doesNotMatch(res.body, /@northshire\.example/);
  assert.doesNotMatch(text, /Add a person/);
});

test('the list can be turned round, sorted by organisation and narrowed to one organisation', async () => {
  const client = new Client(t.app);
  const reversed = pageText((await client.get('/people?sort=family-name-desc')).body);
  assert.ok(reversed.indexOf('Dr Fiona Whitlock') < reversed.indexOf('Mrs Gwen Abernethy'));
  const byOrganisation = pageText((await client.get('/people?sort=organisation')).body);
  assert.ok(byOrganisation.indexOf('Cllr Rashid Begum') < byOrganisation.indexOf('Mrs Gwen Abernethy'), 'Ashby Vale comes before Northshire County Council');
  const police = await organisationId('Northshire Police');
  const filtered = pageText((await client.get(`/people?organisation=${police}`)).body);
  assert.match(filtered, /3 people in Northshire Police/);
  assert.match(filtered, /DI Mark Chen/);
  assert.doesNotMatch(filtered, /Mrs Gwen Abernethy/);
});

test("a person's page prints the name as minutes do and lists memberships current and past", async () => {
  const treharne = await personId('Treharne');
  const res = await new Client(t.app).get(`/people/${treharne}`);
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Person Cllr Owen Treharne/);
  assert.match(text, /Job title Leader of the Council/);
  assert.match(res.body, /href="\/organisations\/[0-9a-f-]+">Corran Heath District Council<\/a>/);
  assert.match(text, /Current Body Role Representing From Northshire Community Safety Partnership Member Corran Heath District Council/);
  assert.match(text, /Past Body Role Representing From To Northshire Community Safety Partnership Chair/);
  assert.match(text, /Sign in to see contact details/);
  assert.doesNotMatch(text, /owen\.treharne@/);
});

test('signed-in members see e-mail and telephone, but may not change anyone', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const penhaligon = await personId('Penhaligon');
  const page = pageText((await member.get(`/people/${penhaligon}`)).body);
  assert.match(page, /Email address morag\.penhaligon@northshire\.example/);
  assert.doesNotMatch(page, /History of changes/);
  assert.equal((await member.get('/people/new')).statusCode, 403);
  assert.equal((await member.get(`/people/${penhaligon}/edit`)).statusCode, 403);
  const before = await count('people');
  const res = await member.post('/people/new', { family_name: 'Intruder' });
  assert.equal(res.statusCode, 403);
  assert.equal((await member.post(`/people/${penhaligon}/edit`, { family_name: 'Changed' })).statusCode, 403);
  assert.equal(await count('people'), before);
  assert.equal((await db().selectFrom('people').select('family_name').where('id', '=', penhaligon).executeTakeFirstOrThrow()).family_name, 'Penhaligon');
});

test('the public is sent to sign in before adding a person', async () => {
  const res = await new Client(t.app).get('/people/new');
  assert.equal(res.statusCode, 302);
  assert.match(res.headers.location as string, /^\/sign-in\?next=/);
});

test('an officer adds a person, who is printed with title and honours, and the addition is in the history', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const fire = await organisationId('Northshire Fire and Rescue Service');
  await officer.get('/people/new');
  const res = await officer.post('/people/new', {
    honorific: 'Dr', given_name: 'Ama', family_name: 'Boateng', honours: 'OBE', job_title: 'Chief Fire Officer',
    organisation_id: fire, email: 'ama.boateng@northshire.example', phone: '01632 960 214',
  });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(res.headers.location as string)).body);
  assert.match(page, /Dr Ama Boateng OBE added/);
  assert.match(page, /Person Dr Ama Boateng OBE Job title Chief Fire Officer Organisation Northshire Fire and Rescue Service/);
  assert.match(page, /Telephone 01632 960 214/);
  assert.match(page, /has no memberships/);
  const id = (res.headers.location as string).split('/').pop()!;
  const history = pageText((await officer.get(`/history/person/${id}`)).body);
  assert.match(history, /Gwen Abernethy Create/);
});

test('a person without a family name, with a bad e-mail, telephone or organisation, is not added', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const people = await count('people');
  const audit = await count('audit_log');
  await officer.get('/people/new');
  const res = await officer.post('/people/new', {
    given_name: 'Nobody', family_name: '', email: 'nobody-at-example', phone: 'ring the switchboard', organisation_id: '00000000-0000-4000-8000-000000000000',
  });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /There is a problem/);
  assert.match(text, /Enter the family name/);
  assert.match(text, /Enter an email address in the correct format, like name@example.com/);
  assert.match(text, /Enter a telephone number, like 01632 960 001/);
  assert.match(text, /Select an organisation from the list/);
  assert.match(res.body, /href="#family_name"/);
  assert.match(res.body, /value="Nobody"/, 'what was typed is kept');
  assert.equal(await count('people'), people);
  assert.equal(await count('audit_log'), audit);
});

test('an organisation of another partnership cannot be chosen', async () => {
  const other = await db().insertInto('partnerships').values({ slug: 'elsewhere', name: 'Elsewhere CSP', short_name: 'Elsewhere' }).returning('id').executeTakeFirstOrThrow();
  const foreign = await db().insertInto('organisations').values({ partnership_id: other.id, name: 'Elsewhere Police', kind: 'police', statutory: true }).returning('id').executeTakeFirstOrThrow();
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  await officer.get('/people/new');
  const res = await officer.post('/people/new', { family_name: 'Stranger', organisation_id: foreign.id });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /Select an organisation from the list/);
});

test('an officer changes a person, and the change is recorded with before and after', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const chen = await personId('Chen');
  const form = pageText((await officer.get(`/people/${chen}/edit`)).body);
  assert.match(form, /Change DI Mark Chen/);
  const res = await officer.post(`/people/${chen}/edit`, {
    honorific: 'DCI', given_name: 'Mark', family_name: 'Chen', job_title: 'Detective Chief Inspector, Safeguarding',
    organisation_id: await organisationId('Northshire Police'), email: 'mark.chen@northshire.example',
  });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(`/people/${chen}`)).body);
  assert.match(page, /Changes saved/);
  assert.match(page, /DCI Mark Chen/);
  const history = pageText((await officer.get(`/history/person/${chen}`)).body);
  assert.match(history, /Title \(Mr, Ms, Dr\)\s*: DI → DCI/);
  assert.doesNotMatch(history, /organisation id/, 'only what changed is listed');
});

test('a change that leaves out the family name is refused and changes nothing', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const lamb = await personId('Lamb');
  await officer.get(`/people/${lamb}/edit`);
  const res = await officer.post(`/people/${lamb}/edit`, { given_name: 'Beatrice', family_name: '' });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /Enter the family name/);
  assert.equal((await db().selectFrom('people').select('family_name').where('id', '=', lamb).executeTakeFirstOrThrow()).family_name, 'Lamb');
});

test('an unknown person is not found', async () => {
  assert.equal((await new Client(t.app).get('/people/00000000-0000-4000-8000-000000000000')).statusCode, 404);
  assert.equal((await new Client(t.app).get('/people/not-an-id')).statusCode, 404);
});

test('the API lists people, with contact details only for the signed in, and filters by organisation', async () => {
  const anonymous = await new Client(t.app).json('GET', '/api/people');
  assert.equal(anonymous.statusCode, 200);
  const abernethy = anonymous.json().items.find((p: { familyName: string }) => p.familyName === 'Abernethy');
  assert.equal(abernethy.name, 'Mrs Gwen Abernethy');
  assert.equal(abernethy.email, null);
  const member = await new Client(t.app).signIn(demoUsers.member);
  const signedIn = (await member.json('GET', '/api/people')).json().items.find((p: { familyName: string }) => p.familyName === 'Abernethy');
  assert.equal(signedIn.email, 'gwen.abernethy@northshire.example');
  const police = await organisationId('Northshire Police');
  const filtered = (await member.json('GET', `/api/people?organisationId=${police}&sort=family-name-desc`)).json().items;
  assert.deepEqual(filtered.map((p: { familyName: string }) => p.familyName), ['Osei', 'Grant', 'Chen']);
});

test('the API shows one person with their memberships', async () => {
  const treharne = await personId('Treharne');
  const res = await new Client(t.app).json('GET', `/api/people/${treharne}`);
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.name, 'Cllr Owen Treharne');
  assert.equal(body.organisationName, 'Corran Heath District Council');
  assert.deepEqual(body.memberships.map((m: { role: string; period: string }) => `${m.role} ${m.period}`).sort(), ['chair past', 'member current']);
  assert.equal((await new Client(t.app).json('GET', '/api/people/00000000-0000-4000-8000-000000000000')).statusCode, 404);
});

test('the API adds and changes people, with problem documents for bad input, and only for officers', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const probation = await organisationId('Probation Service, Northshire region');
  const created = await officer.json('POST', '/api/people', { honorific: 'Ms', givenName: 'Ifeoma', familyName: 'Nwachukwu', organisationId: probation, email: 'ifeoma.n@northshire.example' });
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().name, 'Ms Ifeoma Nwachukwu');
  assert.equal(created.json().organisationId, probation);

  const people = await count('people');
  const bad = await officer.json('POST', '/api/people', { familyName: '', email: 'not-an-address', organisationId: 'nope' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['email', 'familyName', 'organisationId']);
  assert.equal(await count('people'), people);

  const changed = await officer.json('PUT', `/api/people/${created.json().id}`, { honorific: 'Dr', givenName: 'Ifeoma', familyName: 'Nwachukwu', organisationId: probation });
  assert.equal(changed.statusCode, 200);
  assert.equal(changed.json().name, 'Dr Ifeoma Nwachukwu');

  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('POST', '/api/people', { familyName: 'Sneaky' })).statusCode, 403);
  assert.equal((await member.json('PUT', `/api/people/${created.json().id}`, { familyName: 'Sneaky' })).statusCode, 403);
  assert.equal((await new Client(t.app).json('POST', '/api/people', { familyName: 'Sneaky' })).statusCode, 401);
  assert.equal(await count('people'), people);
});

test('the people API is described in the OpenAPI document', async () => {
  const doc = (await new Client(t.app).json('GET', '/api/openapi.json')).json();
  assert.ok(doc.paths['/api/people'].get && doc.paths['/api/people'].post);
  assert.ok(doc.paths['/api/people/{id}'].get && doc.paths['/api/people/{id}'].put);
  assert.deepEqual(doc.paths['/api/people'].post.tags, ['people']);
});
