// The rest of the clerk's pages: agenda sections, standing items, changing a meeting,
// removing what was added by mistake, linking an election, and the demo meetings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { listMeetingsForBody } from './store.ts';
import { buildBody, itemId, itemsOf, personId, redirectedId, sectionsOf } from './testing.ts';

let t: TestApp;
let officer: Client;
let admin: Client;
let bodyId: string;
let meetingId: string;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  admin = await new Client(t.app).signIn(demoUsers.administrator);
  bodyId = await buildBody(t, 'Northfold Partnership Board');
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  meetingId = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '14', 'meets_on-month': '9', 'meets_on-year': '2023', starts_at: '10:00', format: 'hybrid', venue: 'County Hall',
  }));
});
after(async () => { await t.close(); });

test('officers see the agenda sections; only an administrator changes them, with the exemption reason checked', async () => {
  const page = await officer.get('/meetings/sections');
  assert.equal(page.statusCode, 200);
  assert.match(pageText(page.body), /D Restricted items: meeting not open to the press and public Yes: Exempt under Paragraph 1 of Part 1 of Schedule 12A/);
  assert.doesNotMatch(page.body, /Add a section/);
  assert.equal((await officer.get('/meetings/sections/new')).statusCode, 403);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get('/meetings/sections')).statusCode, 403);

  await admin.get('/meetings/sections/new');
  const noReason = await admin.post('/meetings/sections/new', { code: 'E', title: 'Exempt urgent business', restricted: 'yes', exemption_reason: '' });
  assert.equal(noReason.statusCode, 400);
  assert.match(pageText(noReason.body), /Enter why the press and public are excluded/);
  const badCode = await admin.post('/meetings/sections/new', { code: '7', title: 'Numbers' });
  assert.match(pageText(badCode.body), /Enter the section letter as one letter from A to Z/);
  const created = await admin.post('/meetings/sections/new', { code: 'E', title: 'Exempt urgent business', restricted: 'yes', exemption_reason: 'Paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972' });
  assert.equal(created.statusCode, 303);
  const list = await admin.get('/meetings/sections');
  assert.match(pageText(list.body), /E Exempt urgent business Yes: Paragraph 3/);
  const id = /\/meetings\/sections\/([0-9a-f-]{36})\/edit"[^>]*>Change<span class="govuk-visually-hidden"> section E/.exec(list.body)?.[1];
  assert.ok(id);
  await admin.get(`/meetings/sections/${id}/edit`);
  const dup = await admin.post(`/meetings/sections/${id}/edit`, { code: 'D', title: 'Clash' });
  assert.match(pageText(dup.body), /Section D already exists/);
  const renamed = await admin.post(`/meetings/sections/${id}/edit`, { code: 'E', title: 'Urgent business', restricted: '' });
  assert.equal(renamed.statusCode, 303);
  assert.match(pageText((await admin.get('/meetings/sections')).body), /E Urgent business No/);
  // The meeting already made keeps its four sections; a new one gets five.
  assert.deepEqual(Object.keys(await sectionsOf(t, meetingId)).sort(), ['A', 'B', 'C', 'D']);
});

test('standing items are added and removed per body, and appear on each new agenda', async () => {
  await officer.get(`/bodies/${bodyId}/meeting-settings`);
  const missing = await officer.post(`/bodies/${bodyId}/standing-items`, { section_code: '', title: '' });
  assert.equal(missing.statusCode, 400);
  assert.match(pageText(missing.body), /Enter the title of the standing item/);
  const added = await officer.post(`/bodies/${bodyId}/standing-items`, { section_code: 'B', title: 'Police and Crime Commissioner’s response to mental health', kind: 'business' });
  assert.equal(added.statusCode, 303);
  const page = await officer.get(`/bodies/${bodyId}/meeting-settings`);
  assert.match(pageText(page.body), /“Police and Crime Commissioner’s response to mental health” will appear on every new agenda/);
  const next = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, { 'meets_on-day': '16', 'meets_on-month': '11', 'meets_on-year': '2023', starts_at: '10:00', format: 'online' }));
  const items = (await itemsOf(t, next)).map((i) => `${i.code} ${i.title}`);
  assert.ok(items.includes('B1 Police and Crime Commissioner’s response to mental health'), items.join(', '));
  assert.ok(items.includes('A4 Notes of meeting held on 14 September 2023'));
  assert.ok(Object.keys(await sectionsOf(t, next)).includes('E'));

  const standing = await t.database.db.selectFrom('standing_items').select('id').where('body_id', '=', bodyId).where('title', 'like', 'Police%').executeTakeFirstOrThrow();
  const removed = await officer.post(`/bodies/${bodyId}/standing-items/${standing.id}/remove`, {});
  assert.equal(removed.statusCode, 303);
  assert.doesNotMatch(pageText((await officer.get(`/bodies/${bodyId}/meeting-settings`)).body), /A: Police|B: Police/);
  // The agenda already made keeps the item.
  assert.ok((await itemsOf(t, next)).some((i) => i.title.startsWith('Police')));
  assert.equal((await new Client(t.app).signIn(demoUsers.member).then((m) => m.get(`/bodies/${bodyId}/meeting-settings`))).statusCode, 403);
});

test('the clerk changes a meeting’s details', async () => {
  const form = await officer.get(`/meetings/${meetingId}/edit`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /value="County Hall"/);
  const bad = await officer.post(`/meetings/${meetingId}/edit`, { 'meets_on-day': '14', 'meets_on-month': '9', 'meets_on-year': '2023', starts_at: '10:00', ends_at: '9am', format: 'online' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /The end time must be after the start time/);
  const res = await officer.post(`/meetings/${meetingId}/edit`, {
    'meets_on-day': '14', 'meets_on-month': '9', 'meets_on-year': '2023', starts_at: '2pm', format: 'online', contact_person_id: await personId(t, 'Fairweather'),
  });
  assert.equal(res.statusCode, 303);
  const text = pageText((await officer.get(`/meetings/${meetingId}`)).body);
  assert.match(text, /Time 2pm Where Online Contact officer Mr Callum Fairweather/);
});

test('items, papers-free items, attendance and declarations added by mistake can be removed', async () => {
  const sections = await sectionsOf(t, meetingId);
  await officer.get(`/meetings/${meetingId}/items/new`);
  await officer.post(`/meetings/${meetingId}/items/new`, { section_id: sections.B!, title: 'Added by mistake' });
  const mistaken = await itemId(t, meetingId, 'B1');
  const page = await officer.get(`/meetings/${meetingId}/items/${mistaken}`);
  assert.match(pageText(page.body), /Remove this item from the agenda/);
  assert.equal((await officer.post(`/meetings/${meetingId}/items/${mistaken}/remove`, {})).statusCode, 303);
  assert.ok(!(await itemsOf(t, meetingId)).some((i) => i.title === 'Added by mistake'));

  const declarations = await itemId(t, meetingId, 'A3');
  await officer.post(`/meetings/${meetingId}/items/${declarations}/declarations`, { person_id: await personId(t, 'Begum'), interest: 'Wrong person' });
  const declaration = await t.database.db.selectFrom('declarations_of_interest').select('id').where('meeting_id', '=', meetingId).executeTakeFirstOrThrow();
  const blocked = await officer.post(`/meetings/${meetingId}/items/${declarations}/remove`, {});
  assert.equal(blocked.statusCode, 400);
  assert.match(pageText(blocked.body), /Item A3 has papers, minutes or declarations\. Remove those first/);
  assert.equal((await officer.post(`/meetings/${meetingId}/declarations/${declaration.id}/remove`, {})).statusCode, 303);

  await officer.get(`/meetings/${meetingId}/attendance`);
  await officer.post(`/meetings/${meetingId}/attendance`, { name: 'Mr Wrong Name', kind: 'also-present' });
  const attendee = await t.database.db.selectFrom('meeting_attendance').select('id').where('meeting_id', '=', meetingId).where('name', '=', 'Mr Wrong Name').executeTakeFirstOrThrow();
  assert.equal((await officer.post(`/meetings/${meetingId}/attendance/${attendee.id}/remove`, {})).statusCode, 303);
  assert.doesNotMatch(pageText((await officer.get(`/meetings/${meetingId}/attendance`)).body), /Mr Wrong Name/);
});

test('an election recorded through the partnership module is linked to the election item', async () => {
  const sections = await sectionsOf(t, meetingId);
  await officer.post(`/meetings/${meetingId}/items/new`, { section_id: sections.A!, title: 'Election of Vice-Chair', kind: 'election' });
  const item = (await itemsOf(t, meetingId)).find((i) => i.title === 'Election of Vice-Chair')!;
  const election = await officer.json('POST', `/api/bodies/${bodyId}/elections`, {
    role: 'vice-chair', nomineeId: await personId(t, 'Osei'), moverId: await personId(t, 'Ramaswamy'), seconderId: await personId(t, 'Macrae'), heldOn: '2023-09-14', meetingId,
  });
  assert.equal(election.statusCode, 201, election.body);
  const page = await officer.get(`/meetings/${meetingId}/items/${item.id}`);
  assert.match(pageText(page.body), /Supt Daniel Osei elected vice-chair, moved by Ms Priya Ramaswamy, seconded by Mr Stuart Macrae QFSM/);
  const wrong = await officer.post(`/meetings/${meetingId}/items/${item.id}/election`, { election_id: '00000000-0000-0000-0000-000000000000' });
  assert.equal(wrong.statusCode, 400);
  assert.match(pageText(wrong.body), /Select an election of this body recorded at this meeting or on its date/);
  const linked = await officer.post(`/meetings/${meetingId}/items/${item.id}/election`, { election_id: election.json().id });
  assert.equal(linked.statusCode, 303);
  assert.match(pageText((await officer.get(`/meetings/${meetingId}/items/${item.id}`)).body), /Election Supt Daniel Osei elected vice-chair/);
  const api = (await officer.json('GET', `/api/meetings/${meetingId}`)).json();
  const apiItem = api.agenda.sections.flatMap((s: { items: { id: string; electionId: string | null }[] }) => s.items).find((i: { id: string }) => i.id === item.id);
  assert.equal(apiItem.electionId, election.json().id);
  const unlinked = await officer.json('PUT', `/api/meetings/${meetingId}/items/${item.id}/election`, { electionId: null });
  assert.equal(unlinked.json().electionId, null);
});

test('draft resolutions are changed and removed from their own page', async () => {
  await officer.post(`/meetings/${meetingId}/held`, {});
  await officer.post(`/meetings/${meetingId}/start-minutes`, {});
  const a2 = await itemId(t, meetingId, 'A2');
  await officer.post(`/meetings/${meetingId}/items/${a2}/resolutions`, { text: 'to note the apologies' });
  const r = await t.database.db.selectFrom('resolutions').select('id').where('agenda_item_id', '=', a2).executeTakeFirstOrThrow();
  const form = await officer.get(`/meetings/${meetingId}/resolutions/${r.id}/edit`);
  assert.match(pageText(form.body), /Change the resolution/);
  const empty = await officer.post(`/meetings/${meetingId}/resolutions/${r.id}/edit`, { text: '' });
  assert.equal(empty.statusCode, 400);
  assert.match(pageText(empty.body), /Enter what was resolved/);
  assert.equal((await officer.post(`/meetings/${meetingId}/resolutions/${r.id}/edit`, { text: 'to note the apologies received.' })).statusCode, 303);
  assert.match(pageText((await officer.get(`/meetings/${meetingId}/items/${a2}`)).body), /RESOLVED to note the apologies received\./);
  assert.equal((await officer.post(`/meetings/${meetingId}/resolutions/${r.id}/remove`, {})).statusCode, 303);
  assert.equal((await officer.get(`/meetings/${meetingId}/resolutions/${r.id}/edit`)).statusCode, 404);
});

test('papers are removed by the clerk, and the API removes paragraphs and declarations', async () => {
  const a2 = await itemId(t, meetingId, 'A2');
  const p = await officer.json('POST', `/api/meetings/${meetingId}/items/${a2}/paragraphs`, { text: 'Apologies were received from Cllr Treharne.' });
  const id = p.json().items[0].id;
  assert.equal((await officer.json('PUT', `/api/meetings/${meetingId}/paragraphs/${id}`, { text: 'Apologies were received from Cllr Treharne and Mr Carver.' })).statusCode, 200);
  assert.equal((await officer.json('DELETE', `/api/meetings/${meetingId}/paragraphs/${id}`)).statusCode, 204);
  const d = await officer.json('POST', `/api/meetings/${meetingId}/items/${a2}/declarations`, { personId: await personId(t, 'Begum'), interest: 'None really' });
  assert.equal((await officer.json('DELETE', `/api/meetings/${meetingId}/declarations/${d.json().id}`)).statusCode, 204);

  const { PDFDocument } = await import('pdf-lib');
  const pdf = await PDFDocument.create();
  pdf.addPage();
  const bytes = await pdf.save();
  const paper = await officer.json('POST', `/api/meetings/${meetingId}/items/${a2}/papers`, { fileName: 'apologies.pdf', contentBase64: Buffer.from(bytes).toString('base64') });
  assert.equal(paper.statusCode, 201, paper.body);
  assert.match(paper.json().url, /\/papers\/[0-9a-f-]{36}\/apologies\.pdf$/);
  assert.equal((await officer.get(paper.json().url)).statusCode, 200);
  await officer.get(`/meetings/${meetingId}/items/${a2}`);
  assert.equal((await officer.post(`/meetings/${meetingId}/papers/${paper.json().id}/remove`, {})).statusCode, 303);
  const second = await officer.json('POST', `/api/meetings/${meetingId}/items/${a2}/papers`, { fileName: 'again.pdf', contentBase64: Buffer.from(bytes).toString('base64') });
  assert.equal((await officer.json('DELETE', `/api/meetings/${meetingId}/papers/${second.json().id}`)).statusCode, 204);
  assert.equal((await officer.get(paper.json().url)).statusCode, 404);
});

test('the demo has past meetings with approved minutes and meetings to come, with a restricted item', async () => {
  const board = await t.database.db.selectFrom('bodies').select('id').where('kind', '=', 'board').where('name', 'like', 'Northshire%').executeTakeFirstOrThrow();
  const meetings = await listMeetingsForBody(t.database.db, t.partnershipId, board.id);
  assert.ok(meetings.filter((m) => m.status === 'minutes-approved').length >= 2);
  assert.ok(meetings.some((m) => m.status === 'agenda-published'));
  const upcoming = meetings.find((m) => m.status === 'agenda-published')!;
  const pub = pageText((await new Client(t.app).get(`/meetings/${upcoming.id}`)).body);
  assert.match(pub, /Working Group update/);
  assert.doesNotMatch(pub, /Alder 2025/);
  const staffPage = await officer.get(`/meetings/${upcoming.id}`);
  assert.match(pageText(staffPage.body), /D1 Review of the death of "Alder 2025": panel progress/);
  // Open actions of the board come forward under the matters arising item, for signed-in readers only.
  assert.match(pageText(staffPage.body), /A5 Matters arising/);
  assert.match(staffPage.body, /href="\/actions\/[0-9a-f-]{36}"/);
  assert.doesNotMatch((await new Client(t.app).get(`/meetings/${upcoming.id}`)).body, /href="\/actions\//);
  const approved = meetings.find((m) => m.status === 'minutes-approved')!;
  const text = pageText((await new Client(t.app).get(`/meetings/${approved.id}`)).body);
  assert.match(text, /Minutes approved/);
  assert.match(text, /101\. Apologies and substitutes/);
});
