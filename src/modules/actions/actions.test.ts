import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { addDays } from './domain.ts';
import { todayIso } from '../partnership/domain.ts';
import { listMattersArising } from './mattersArising.ts';

let t: TestApp;
const today = todayIso();
const ids = { board: '', working: '', reviews: '', macrae: '', chen: '', police: '', northshireCc: '' };
const actionId = async (description: string) =>
  (await t.database.db.selectFrom('actions').select('id').where('description', '=', description).executeTakeFirstOrThrow()).id;
const countActions = async () => Number((await t.database.db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

before(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const bodies = await db.selectFrom('bodies').select(['id', 'name', 'kind']).where('partnership_id', '=', t.partnershipId).execute();
  ids.board = bodies.find((b) => b.kind === 'board')!.id;
  ids.working = bodies.find((b) => b.name === 'Working Group')!.id;
  ids.reviews = bodies.find((b) => b.kind === 'panel')!.id;
  const person = async (family: string) => (await db.selectFrom('people').select('id').where('family_name', '=', family).executeTakeFirstOrThrow()).id;
  ids.macrae = await person('Macrae');
  ids.chen = await person('Chen');
  const org = async (name: string) => (await db.selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  ids.police = await org('Northshire Police');
  ids.northshireCc = await org('Northshire County Council');
});
after(async () => { await t.close(); });

test('actions are not public: the public is asked to sign in, and the API answers 401', async () => {
  const anyone = new Client(t.app);
  for (const url of ['/actions', '/actions/mine', `/actions/${await actionId('Brief the Partnership on the serious violence duty')}`, `/bodies/${ids.board}/actions`]) {
    const res = await anyone.get(url);
    assert.equal(res.statusCode, 302, url);
    assert.match(res.headers.location as string, /^\/sign-in\?next=/);
  }
  for (const url of ['/api/actions', `/api/bodies/${ids.board}/actions`, `/api/bodies/${ids.board}/matters-arising`]) {
    assert.equal((await anyone.json('GET', url)).statusCode, 401, url);
  }
});

test('an officer sees everything overdue across the partnership first, with a count, then what is open', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const res = await officer.get('/actions');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /4 actions are overdue across the partnership/);
  // Longest overdue first (20 days), the restricted review action among them; closed ones are not listed by default.
  const order = ['community safety team', 'partner data for the strategic assessment', 'fire safety campaign', 'outstanding chronology', 'serious violence duty', 'Community Safety Agreement']
    .map((s) => text.indexOf(s));
  assert.ok(order.every((i) => i > 0), String(order));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.doesNotMatch(text, /night-time economy data/);
  assert.match(text, /Add an action/);
});

test('an officer filters the list by body, owner and status', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = pageText((await officer.get(`/actions?body=${ids.working}`)).body);
  assert.match(working, /progress forms for the crime reduction grant/);
  assert.doesNotMatch(working, /serious violence duty/);
  const done = pageText((await officer.get('/actions?status=done')).body);
  assert.match(done, /1 action, overdue first/);
  assert.match(done, /night-time economy data/);
  const police = pageText((await officer.get(`/actions?owner=organisation:${ids.police}&status=all`)).body);
  assert.match(police, /night-time economy data/);
  assert.doesNotMatch(police, /fire safety campaign/);
  const macrae = pageText((await officer.get(`/actions?owner=person:${ids.macrae}`)).body);
  assert.match(macrae, /2 actions, overdue first/);
});

test('a member does not see restricted actions; the panel member granted that body does', async () => {
  const restricted = await actionId('Chase the outstanding chronology from health partners');
  const member = await new Client(t.app).signIn(demoUsers.member);
  const list = pageText((await member.get('/actions')).body);
  assert.doesNotMatch(list, /chronology/);
  assert.doesNotMatch(list, /Send reminders now|Add an action/);
  assert.equal((await member.get(`/actions/${restricted}`)).statusCode, 404);
  assert.equal((await member.json('GET', `/api/actions/${restricted}`)).statusCode, 404);
  assert.ok(!(await member.json('GET', '/api/actions')).json().items.some((a: { id: string }) => a.id === restricted));

  const panel = await new Client(t.app).signIn(demoUsers.panel);
  const page = await panel.get(`/actions/${restricted}`);
  assert.equal(page.statusCode, 200);
  assert.match(pageText(page.body), /Restricted Yes: from business held without press and public/);
});

test('an officer adds an action from a resolution, and it shows the words of the minutes and its history', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  // A resolution of an open item of one of the board's meetings in the demo.
  const source = await t.database.db.selectFrom('resolutions as r')
    .innerJoin('agenda_items as i', (j) => j.onRef('i.partnership_id', '=', 'r.partnership_id').onRef('i.id', '=', 'r.agenda_item_id'))
    .innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'r.partnership_id').onRef('m.id', '=', 'r.meeting_id'))
    .select(['r.id', 'r.meeting_id']).where('m.body_id', '=', ids.board).where('i.restricted', '=', false).executeTakeFirstOrThrow();
  const meetingId = source.meeting_id;
  const resolutionId = source.id;
  const quote = 'RESOLVED that Supt Osei report back on the Safer Streets evaluation.';
  const form = await officer.get(`/actions/new?body_id=${ids.board}&meeting_id=${meetingId}&source_kind=resolution&source_id=${resolutionId}&source_text=${encodeURIComponent(quote)}`);
  assert.equal(form.statusCode, 200);
  assert.match(pageText(form.body), /From a resolution of the minutes/);
  assert.match(form.body, new RegExp(`name="source_id" value="${resolutionId}"`));
  const due = addDays(today, 30);
  const [y, m, d] = due.split('-');
  const res = await officer.post('/actions/new', {
    body_id: ids.board, meeting_id: meetingId, source_kind: 'resolution', source_id: resolutionId, source_text: quote,
    description: 'Report back on the Safer Streets evaluation', owner_person_id: '', owner_organisation_id: ids.police,
    'due_on-day': String(Number(d)), 'due_on-month': String(Number(m)), 'due_on-year': y!,
  });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(res.headers.location as string)).body);
  assert.match(page, /Action added/);
  assert.match(page, /Report back on the Safer Streets evaluation/);
  assert.match(page, /Owner Northshire Police \(organisation\)/);
  assert.match(page, /Comes from Resolution · the meeting/);
  assert.match(page, /Words of the minutes RESOLVED that Supt Osei report back/);
  assert.match(page, /Action recorded as open/);
  const id = (res.headers.location as string).split('/').pop()!;
  const row = await t.database.db.selectFrom('actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.source_kind, 'resolution');
  assert.equal(row.source_id, resolutionId);
  assert.equal(row.meeting_id, meetingId);
  assert.equal(row.owner_person_id, null);
  assert.equal(row.restricted, false);
  const history = await officer.get(`/history/action/${id}`);
  assert.equal(history.statusCode, 200);
  assert.match(pageText(history.body), /Gwen Abernethy Create/);
});

test('a due date in the past, a missing owner and a missing description come back as errors, and nothing is written', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const before = await countActions();
  await officer.get('/actions/new');
  const res = await officer.post('/actions/new', { body_id: ids.board, description: '', 'due_on-day': '1', 'due_on-month': '2', 'due_on-year': '2020' });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /There is a problem/);
  assert.match(text, /Enter what is to be done/);
  assert.match(text, /Select a person or an organisation who owns the action/);
  assert.match(text, /The due date must be today or in the future/);
  // The form keeps what was typed.
  assert.match(res.body, /name="due_on-year"[^>]*value="2020"/);
  const missingDate = await officer.post('/actions/new', { body_id: ids.board, description: 'x', owner_person_id: ids.chen, 'due_on-day': '31', 'due_on-month': '2', 'due_on-year': '2031' });
  assert.match(pageText(missingDate.body), /The due date must be a real date/);
  assert.equal(await countActions(), before);
});

test('members may not add actions', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get('/actions/new')).statusCode, 403);
  const api = await member.json('POST', '/api/actions', { bodyId: ids.board, description: 'x', ownerPersonId: ids.chen, dueOn: addDays(today, 3) });
  assert.equal(api.statusCode, 403);
});

test('an officer marks an action done with a note; the update shows who, when and from which status', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const id = await actionId('Circulate the refreshed Community Safety Agreement to partners for comment');
  await officer.get(`/actions/${id}`);
  const res = await officer.post(`/actions/${id}/updates`, { status: 'done', note: 'Circulated to all partners on the secure portal.' });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(`/actions/${id}`)).body);
  assert.match(page, /Update saved/);
  assert.match(page, /Gwen Abernethy Status changed from open to done\. Circulated to all partners on the secure portal\./);
  assert.match(page, /Keep as done/); // the form now offers only to keep or reopen
  const history = pageText((await officer.get(`/history/action/${id}`)).body);
  assert.match(history, /Status\s*: Open → Done/);
});

test('a closed action cannot be dropped before it is reopened, and reopening needs a reason', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const id = await actionId('Share the night-time economy data with the district councils');
  await officer.get(`/actions/${id}`);
  const dropped = await officer.post(`/actions/${id}/updates`, { status: 'dropped', note: 'No longer needed' });
  assert.equal(dropped.statusCode, 400);
  assert.match(pageText(dropped.body), /This action is done: reopen it before changing it to dropped/);
  const reopened = await officer.post(`/actions/${id}/updates`, { status: 'open', note: '' });
  assert.equal(reopened.statusCode, 400);
  assert.match(pageText(reopened.body), /Enter why the action is being reopened/);
  const row = await t.database.db.selectFrom('actions').select('status').where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'done');
});

test('a member sees their own actions and adds an update to one; not to anyone else’s', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const mine = pageText((await member.get('/actions/mine')).body);
  assert.match(mine, /My actions/);
  assert.match(mine, /Present the fire safety campaign for older people living alone/);
  assert.match(mine, /Return the progress forms for the crime reduction grant projects/);
  assert.doesNotMatch(mine, /serious violence duty/);

  const own = await actionId('Return the progress forms for the crime reduction grant projects');
  const page = await member.get(`/actions/${own}`);
  assert.match(pageText(page.body), /Add an update/);
  const res = await member.post(`/actions/${own}/updates`, { status: 'in-progress', note: 'Two of the three forms are in.' });
  assert.equal(res.statusCode, 303);
  assert.match(pageText((await member.get(`/actions/${own}`)).body), /Stuart Macrae Status changed from open to in progress\. Two of the three forms are in\./);

  const other = await actionId('Brief the Partnership on the serious violence duty');
  const otherPage = await member.get(`/actions/${other}`);
  assert.equal(otherPage.statusCode, 200);
  assert.doesNotMatch(pageText(otherPage.body), /Add an update/);
  assert.equal((await member.post(`/actions/${other}/updates`, { status: 'done', note: 'x' })).statusCode, 403);
  assert.equal((await member.json('POST', `/api/actions/${other}/updates`, { status: 'done' })).statusCode, 403);
});

test('someone whose account is linked to no person is told why they have no actions', async () => {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  assert.match(pageText((await admin.get('/actions/mine')).body), /Your account is not linked to a person/);
});

test("a body's actions page lists its outstanding actions, then closed ones", async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const res = await officer.get(`/bodies/${ids.working}/actions`);
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Working Group Actions/);
  assert.ok(text.indexOf('partner data for the strategic assessment') < text.indexOf('Done or dropped'));
  assert.ok(text.indexOf('lunchtime information session on cuckooing') > text.indexOf('Done or dropped'));
  assert.doesNotMatch(text, /serious violence duty/);
  assert.equal((await officer.get('/bodies/00000000-0000-0000-0000-000000000000/actions')).statusCode, 404);
  assert.equal((await officer.get('/bodies/nope/actions')).statusCode, 404);
});

test('the API lists actions overdue first, filters them, and lists a member’s own', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const list = await officer.json('GET', '/api/actions');
  assert.equal(list.statusCode, 200);
  const items = list.json().items as { description: string; overdue: boolean; status: string; owner: { kind: string; name: string } }[];
  assert.ok(items.length >= 6);
  assert.ok(items.every((a) => a.status === 'open' || a.status === 'in-progress'));
  const firstNotOverdue = items.findIndex((a) => !a.overdue);
  assert.ok(firstNotOverdue > 0 && items.slice(firstNotOverdue).every((a) => !a.overdue));
  const probation = items.find((a) => a.description.startsWith('Send the partner data'))!;
  assert.equal(probation.owner.kind, 'organisation');
  assert.equal(probation.owner.name, 'Probation Service, Northshire region');
  const overdue = (await officer.json('GET', '/api/actions?status=overdue')).json().items as { overdue: boolean }[];
  assert.ok(overdue.length >= 3 && overdue.every((a) => a.overdue));
  const byBody = (await officer.json('GET', `/api/actions?bodyId=${ids.working}&status=all`)).json().items as { bodyId: string }[];
  assert.ok(byBody.length >= 3 && byBody.every((a) => a.bodyId === ids.working));
  const bad = await officer.json('GET', '/api/actions?status=later');
  assert.equal(bad.statusCode, 400);

  const member = await new Client(t.app).signIn(demoUsers.member);
  const mine = (await member.json('GET', '/api/actions?mine=true&status=all')).json().items as { ownerPersonId: string }[];
  assert.ok(mine.length >= 2 && mine.every((a) => a.ownerPersonId === ids.macrae));
});

test('the API adds an action from a minute paragraph, refusing bad input with a problem document', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  // A paragraph of an open item of one of the Working Group's meetings in the demo.
  const paragraphId = (await t.database.db.selectFrom('minute_paragraphs as p')
    .innerJoin('agenda_items as i', (j) => j.onRef('i.partnership_id', '=', 'p.partnership_id').onRef('i.id', '=', 'p.agenda_item_id'))
    .innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'p.partnership_id').onRef('m.id', '=', 'p.meeting_id'))
    .select('p.id').where('m.body_id', '=', ids.working).where('i.restricted', '=', false).executeTakeFirstOrThrow()).id;
  const created = await officer.json('POST', '/api/actions', {
    bodyId: ids.working, description: 'Map the hotspots of anti-social behaviour near the new retail park', ownerPersonId: ids.chen,
    dueOn: addDays(today, 14), sourceKind: 'minute-paragraph', sourceId: paragraphId, sourceText: 'DI Chen agreed to map the hotspots.',
  });
  assert.equal(created.statusCode, 201, created.body);
  const action = created.json();
  assert.equal(action.status, 'open');
  assert.equal(action.overdue, false);
  assert.equal(action.sourceKind, 'minute-paragraph');
  assert.equal(action.sourceId, paragraphId);
  assert.deepEqual(action.owner, { kind: 'person', id: ids.chen, name: 'DI Mark Chen' });
  assert.equal(action.bodyName, 'Working Group');

  const before = await countActions();
  const bad = await officer.json('POST', '/api/actions', {
    bodyId: ids.working, description: 'x', ownerPersonId: ids.chen, ownerOrganisationId: ids.police, dueOn: '2020-01-01', sourceKind: 'resolution',
  });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  const fields = Object.fromEntries((bad.json().errors as { field: string; message: string }[]).map((e) => [e.field, e.message]));
  assert.equal(fields.ownerPersonId, 'Select a person or an organisation to own the action, not both');
  assert.equal(fields.dueOn, 'The due date must be today or in the future');
  assert.equal(fields.sourceId, 'Give the resolution the action comes from');
  const unknownOwner = await officer.json('POST', '/api/actions', { bodyId: ids.working, description: 'x', ownerPersonId: '00000000-0000-4000-8000-000000000000', dueOn: addDays(today, 1) });
  assert.equal(unknownOwner.statusCode, 400);
  assert.equal(unknownOwner.json().errors[0].field, 'ownerPersonId');
  const missing = await officer.json('POST', '/api/actions', { description: 'x' });
  assert.equal(missing.statusCode, 400);
  assert.equal(await countActions(), before);
});

test('the API shows one action with its updates, and adds updates to it', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const id = await actionId('Brief the Partnership on the serious violence duty');
  const newDue = addDays(today, 40);
  const res = await officer.json('POST', `/api/actions/${id}/updates`, { note: 'Moved to the next meeting at the Chair’s request.', dueOn: newDue });
  assert.equal(res.statusCode, 201);
  assert.equal(res.json().action.dueOn, newDue);
  assert.equal(res.json().update.fromStatus, 'open');
  assert.equal(res.json().update.toStatus, 'open');
  assert.equal(res.json().update.toDueOn, newDue);
  assert.equal(res.json().update.author, 'Gwen Abernethy');

  const started = await officer.json('POST', `/api/actions/${id}/updates`, { status: 'in-progress' });
  assert.equal(started.statusCode, 201);
  const one = await officer.json('GET', `/api/actions/${id}`);
  assert.equal(one.statusCode, 200);
  assert.equal(one.json().status, 'in-progress');
  assert.deepEqual(one.json().updates.map((u: { fromStatus: string | null; toStatus: string }) => [u.fromStatus, u.toStatus]), [[null, 'open'], ['open', 'open'], ['open', 'in-progress']]);

  const empty = await officer.json('POST', `/api/actions/${id}/updates`, {});
  assert.equal(empty.statusCode, 400);
  assert.equal(empty.json().errors[0].message, 'Enter a note, or select a new status');
  const badStatus = await officer.json('POST', `/api/actions/${id}/updates`, { status: 'finished' });
  assert.equal(badStatus.statusCode, 400);
  assert.equal((await officer.json('GET', '/api/actions/00000000-0000-4000-8000-000000000000')).statusCode, 404);
});

test("the API lists a body's actions and its matters arising for the next agenda", async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const all = (await officer.json('GET', `/api/bodies/${ids.board}/actions`)).json().items as { bodyId: string; status: string }[];
  assert.ok(all.every((a) => a.bodyId === ids.board));
  assert.ok(all.some((a) => a.status === 'done'));
  const nextMeeting = addDays(today, 30);
  const res = await officer.json('GET', `/api/bodies/${ids.board}/matters-arising?asOf=${nextMeeting}`);
  assert.equal(res.statusCode, 200);
  const arising = res.json().items as { description: string; status: string; overdue: boolean; dueOn: string; dueAtMeeting: string; dueWording: string }[];
  assert.ok(arising.length >= 3);
  assert.ok(arising.every((a) => a.status === 'open' || a.status === 'in-progress'));
  // Overdue only once the due date has passed; one due between today and the meeting is
  // "due before the meeting", and overdue ones come first.
  assert.ok(arising.every((a) => a.overdue === (a.dueOn < today)));
  for (const a of arising.filter((x) => x.dueOn >= today && x.dueOn < nextMeeting)) {
    assert.equal(a.dueAtMeeting, 'due-before-meeting');
    assert.match(a.dueWording, /^due before the meeting \(\d{1,2} \w+ \d{4}\)$/);
  }
  assert.equal(arising[0]!.overdue, true);
  assert.match(arising[0]!.dueWording, /^overdue \(due /);
  assert.equal((await officer.json('GET', `/api/bodies/${ids.board}/matters-arising?asOf=2026-02-31`)).statusCode, 400);

  // The meetings module calls the same function directly.
  const direct = await listMattersArising(t.database.db, t.partnershipId, ids.board, nextMeeting);
  assert.deepEqual(direct.map((a) => a.id), (arising as unknown as { id: string }[]).map((a) => a.id));
});

test('matters arising of a review panel are restricted: a member without the grant gets none, the panel member gets them', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.deepEqual((await member.json('GET', `/api/bodies/${ids.reviews}/matters-arising`)).json().items, []);
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  const items = (await panel.json('GET', `/api/bodies/${ids.reviews}/matters-arising`)).json().items as { restricted: boolean }[];
  assert.ok(items.length >= 1 && items.every((a) => a.restricted));
});

test('a new action of a review panel is restricted unless the clerk says otherwise', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const made = await officer.json('POST', '/api/actions', { bodyId: ids.reviews, description: 'Book the learning event', ownerPersonId: ids.chen, dueOn: addDays(today, 20) });
  assert.equal(made.json().restricted, true);
  const open = await officer.json('POST', '/api/actions', { bodyId: ids.reviews, description: 'Publish the review timetable', ownerPersonId: ids.chen, dueOn: addDays(today, 20), restricted: false });
  assert.equal(open.json().restricted, false);
});

test('without SMTP_URL the reminders button explains that e-mail is not set up', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const list = await officer.get('/actions');
  assert.match(pageText(list.body), /E-mail reminders are off because e-mail is not set up/);
  assert.doesNotMatch(pageText(list.body), /Send reminders now/);
  // Officers read plain words, never the name of a setting.
  assert.doesNotMatch(pageText(list.body), /SMTP_URL/);
  await officer.get('/actions/new'); // a page with a form, for its CSRF token
  const res = await officer.post('/actions/reminders', {});
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /E-mail is not set up, so reminders cannot be sent/);
  assert.doesNotMatch(pageText(res.body), /SMTP_URL/);
  const member = await new Client(t.app).signIn(demoUsers.member);
  await member.get(`/actions/${await actionId('Return the progress forms for the crime reduction grant projects')}`);
  assert.equal((await member.post('/actions/reminders', {})).statusCode, 403);
});

test('the example in the due date hint is a date still to come', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const page = pageText((await officer.get('/actions/new')).body);
  const [, d, m, y] = /Today or later\. For example, (\d+) (\d+) (\d{4})/.exec(page) ?? [];
  assert.ok(d, 'the hint gives an example');
  const example = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  assert.ok(example > new Date().toISOString().slice(0, 10), `${example} is after today`);
});

test('the OpenAPI document describes the actions API', async () => {
  const doc = (await new Client(t.app).json('GET', '/api/openapi.json')).json();
  for (const path of ['/api/actions', '/api/actions/{id}', '/api/actions/{id}/updates', '/api/bodies/{id}/actions', '/api/bodies/{id}/matters-arising']) {
    assert.ok(doc.paths[path], path);
  }
  assert.deepEqual(doc.paths['/api/actions'].post.tags, ['actions']);
});
