// A clerk runs two meetings of a board, as the seeds show it done: July's agenda and
// minutes (27 onwards), then November's, whose "notes of the last meeting" item approves
// July's minutes and locks them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, itemId, itemsOf, personId, redirectedId, sectionsOf } from './testing.ts';

let t: TestApp;
let officer: Client;
let bodyId: string;
let july: string;
let november: string;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, 'Eastmarch Community Safety Partnership');
});
after(async () => { await t.close(); });

const count = async (table: 'meetings' | 'agenda_items' | 'minute_paragraphs' | 'resolutions' | 'meeting_attendance') =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

test('an officer sets where the body’s minute numbers start', async () => {
  await officer.get(`/bodies/${bodyId}/meeting-settings`);
  const bad = await officer.post(`/bodies/${bodyId}/meeting-settings`, { first_minute_number: 'twenty' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /The first minute number must be a whole number from 1 to 1000000/);
  const res = await officer.post(`/bodies/${bodyId}/meeting-settings`, { first_minute_number: '27' });
  assert.equal(res.statusCode, 303);
  const page = await officer.get(`/bodies/${bodyId}/meeting-settings`);
  assert.match(pageText(page.body), /Minute numbering saved/);
  assert.match(page.body, /value="27"/);
  // The default standing items are in place for the body.
  assert.match(pageText(page.body), /A: Apologies and substitutes/);
  assert.match(pageText(page.body), /C: Dates of future meetings/);
});

test('scheduling checks the date, time and venue, and writes nothing when they are wrong', async () => {
  const before = await count('meetings');
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  const res = await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '31', 'meets_on-month': '2', 'meets_on-year': '2021', starts_at: 'teatime', format: 'in-person', venue: '',
  });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /There is a problem/);
  assert.match(text, /The date of the meeting must be a real date/);
  assert.match(text, /Enter the start time as a time of day/);
  assert.match(text, /Enter the venue/);
  assert.equal(await count('meetings'), before);
});

test('a meeting is scheduled with the default sections and the body’s standing items, coded automatically', async () => {
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  const res = await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '13', 'meets_on-month': '7', 'meets_on-year': '2021', starts_at: '10.00 am', ends_at: '1pm', format: 'online',
    contact_person_id: await personId(t, 'Abernethy'),
  });
  assert.equal(res.statusCode, 303);
  july = redirectedId(res);
  const page = await officer.get(`/meetings/${july}`);
  const text = pageText(page.body);
  assert.match(text, /Meeting on Tuesday 13 July 2021/);
  assert.match(text, /Time 10am to 1pm/);
  assert.match(text, /Where Online/);
  assert.match(text, /Contact officer Mrs Gwen Abernethy/);
  assert.match(text, /A\. Committee business/);
  assert.match(text, /D\. Restricted items/);
  assert.match(text, /Schedule 12A to the Local Government Act 1972/);
  // No earlier meeting, so no notes to confirm: the standing items less that one.
  assert.deepEqual((await itemsOf(t, july)).map((i) => `${i.code} ${i.title}`), [
    'A1 Introduction', 'A2 Apologies and substitutes', 'A3 Declarations of interest', 'C1 Dates of future meetings',
  ]);
});

test('a second meeting at the same date and time is refused', async () => {
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  const res = await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '13', 'meets_on-month': '7', 'meets_on-year': '2021', starts_at: '10:00', format: 'online',
  });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /already has a meeting on 13 July 2021 at that time/);
});

test('the clerk adds items to sections; codes follow (B1, B2, D1) and a duplicate code is refused', async () => {
  const sections = await sectionsOf(t, july);
  await officer.get(`/meetings/${july}/items/new`);
  for (const title of ['Community Safety Agreement and Action Plan', 'Working Group update', 'Terms of Reference review']) {
    const res = await officer.post(`/meetings/${july}/items/new`, { section_id: sections.B!, title, kind: 'business', minuted: 'yes' });
    assert.equal(res.statusCode, 303, res.body.slice(0, 400));
  }
  const restricted = await officer.post(`/meetings/${july}/items/new`, {
    section_id: sections.D!, title: 'Review briefing on the case of Heron 2019', presenter_person_id: await personId(t, 'Ramaswamy'), minuted: 'yes',
  });
  assert.equal(restricted.statusCode, 303);
  const codes = (await itemsOf(t, july)).map((i) => i.code);
  assert.deepEqual(codes, ['A1', 'A2', 'A3', 'B1', 'B2', 'B3', 'C1', 'D1']);

  const before = await count('agenda_items');
  const dup = await officer.post(`/meetings/${july}/items/new`, { section_id: sections.B!, title: 'Gangs strategy', code: 'B2' });
  assert.equal(dup.statusCode, 400);
  assert.match(pageText(dup.body), /Item code B2 is already used on this agenda \(“Working Group update”\)\. Choose another code/);
  assert.equal(await count('agenda_items'), before);

  const wrongSection = await officer.post(`/meetings/${july}/items/new`, { section_id: sections.B!, title: 'Gangs strategy', code: 'D7' });
  assert.match(pageText(wrongSection.body), /needs a code that starts with B/);
  const empty = await officer.post(`/meetings/${july}/items/new`, { section_id: '', title: '' });
  assert.match(pageText(empty.body), /Select the section of the agenda/);
  assert.match(pageText(empty.body), /Enter the title of the item/);
});

test('moving an item down and up renumbers the codes, without JavaScript', async () => {
  const b1 = await itemId(t, july, 'B1');
  await officer.get(`/meetings/${july}`);
  const down = await officer.post(`/meetings/${july}/items/${b1}/move`, { direction: 'down' });
  assert.equal(down.statusCode, 303);
  let items = await itemsOf(t, july);
  assert.equal(items.find((i) => i.id === b1)!.code, 'B2');
  assert.equal(items.find((i) => i.code === 'B1')!.title, 'Working Group update');
  const up = await officer.post(`/meetings/${july}/items/${b1}/move`, { direction: 'up' });
  assert.equal(up.statusCode, 303);
  items = await itemsOf(t, july);
  assert.equal(items.find((i) => i.id === b1)!.code, 'B1');
  const top = await officer.post(`/meetings/${july}/items/${b1}/move`, { direction: 'up' });
  assert.equal(top.statusCode, 400);
  assert.match(pageText(top.body), /Item B1 is already first in its section/);
  const page = await officer.get(`/meetings/${july}`);
  assert.match(pageText(page.body), /Move down B1 Community Safety Agreement/);
});

test('minutes cannot be written before the meeting is held', async () => {
  await officer.get(`/meetings/${july}`);
  const early = await officer.post(`/meetings/${july}/items/${await itemId(t, july, 'B1')}/paragraphs`, { text: 'Too soon.' });
  assert.equal(early.statusCode, 400);
  assert.match(pageText(early.body), /Start the minutes of this meeting first/);
});

test('the clerk publishes the agenda, records the meeting as held and the attendance', async () => {
  await officer.get(`/meetings/${july}`);
  assert.equal((await officer.post(`/meetings/${july}/publish-agenda`, { confirm_warnings: 'yes' })).statusCode, 303);
  const again = await officer.post(`/meetings/${july}/publish-agenda`, { confirm_warnings: 'yes' });
  assert.equal(again.statusCode, 400);
  assert.match(pageText(again.body), /The agenda is already published/);
  assert.equal((await officer.post(`/meetings/${july}/held`, {})).statusCode, 303);

  const chair = await personId(t, 'Kellaway');
  const sub = await personId(t, 'Chen');
  const member = await personId(t, 'Osei');
  await officer.get(`/meetings/${july}/attendance`);
  assert.equal((await officer.post(`/meetings/${july}/attendance`, { person_id: chair, kind: 'present', mode: 'virtual', capacity: 'Chairman' })).statusCode, 303);
  assert.equal((await officer.post(`/meetings/${july}/attendance`, { person_id: member, kind: 'apologies' })).statusCode, 303);
  assert.equal((await officer.post(`/meetings/${july}/attendance`, { person_id: sub, kind: 'present', mode: 'virtual', substitute_for_person_id: member })).statusCode, 303);
  assert.equal((await officer.post(`/meetings/${july}/attendance`, { name: 'Mr M Dentten', kind: 'in-attendance', capacity: 'Democratic Services Officer' })).statusCode, 303);
  const twice = await officer.post(`/meetings/${july}/attendance`, { person_id: chair, kind: 'absent' });
  assert.equal(twice.statusCode, 400);
  assert.match(pageText(twice.body), /Cllr Harriet Kellaway is already recorded for this meeting/);
  const nobody = await officer.post(`/meetings/${july}/attendance`, { kind: 'present' });
  assert.match(pageText(nobody.body), /Select a person from the list, or enter the name of someone not listed/);

  const page = pageText((await officer.get(`/meetings/${july}`)).body);
  assert.match(page, /Present Cllr Harriet Kellaway \(Chairman\) \(virtually\) In attendance/);
  assert.match(page, /Substitutes DI Mark Chen, substitute for Supt Daniel Osei \(virtually\)/);
  assert.match(page, /In attendance Mr M Dentten \(Democratic Services Officer\)/);
  assert.match(page, /Apologies Supt Daniel Osei/);
});

test('the register records the body’s members in one go', async () => {
  const board = (await t.database.db.selectFrom('bodies').select('id').where('kind', '=', 'board').where('name', 'like', 'Northshire%').executeTakeFirstOrThrow()).id;
  const res = await officer.post(`/bodies/${board}/meetings/new`, { 'meets_on-day': '2', 'meets_on-month': '2', 'meets_on-year': '2022', starts_at: '10:00', format: 'online' });
  const meeting = redirectedId(res);
  const page = await officer.get(`/meetings/${meeting}/attendance`);
  const member = await personId(t, 'Macrae');
  assert.match(pageText(page.body), /Mr Stuart Macrae QFSM/);
  const saved = await officer.post(`/meetings/${meeting}/attendance/register`, { [`attendance-${member}`]: 'present-virtual', [`attendance-${await personId(t, 'Mensah')}`]: 'apologies' });
  assert.equal(saved.statusCode, 303);
  const text = pageText((await officer.get(`/meetings/${meeting}`)).body);
  assert.match(text, /Present Mr Stuart Macrae QFSM \(virtually\)/);
  assert.match(text, /Apologies Ms Abena Mensah/);
  const bad = await officer.post(`/meetings/${meeting}/attendance/register`, { [`attendance-${member}`]: 'asleep' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Select how each member attended/);
});

test('starting the minutes numbers them from the body’s start, 27 onwards, with items not minuted left out', async () => {
  const intro = await itemId(t, july, 'A1');
  await officer.get(`/meetings/${july}/items/${intro}/edit`);
  const edited = await officer.post(`/meetings/${july}/items/${intro}/edit`, { section_id: (await sectionsOf(t, july)).A!, title: 'Introduction', kind: 'introduction', code: 'A1', minuted: 'no' });
  assert.equal(edited.statusCode, 303);
  // Sending back the automatic code leaves it automatic.
  const row = await t.database.db.selectFrom('agenda_items').select('code_fixed').where('id', '=', intro).executeTakeFirstOrThrow();
  assert.equal(row.code_fixed, false);

  assert.equal((await officer.post(`/meetings/${july}/start-minutes`, {})).statusCode, 303);
  const numbered = (await itemsOf(t, july)).map((i) => [i.code, i.minute_number]);
  assert.deepEqual(numbered, [['A1', null], ['A2', 27], ['A3', 28], ['B1', 29], ['B2', 30], ['B3', 31], ['C1', 32], ['D1', 33]]);
  const page = pageText((await officer.get(`/meetings/${july}`)).body);
  assert.match(page, /Minutes Numbers 27-33/);
});

test('the clerk writes numbered paragraphs and RESOLVED clauses, several per item', async () => {
  const b3 = await itemId(t, july, 'B3');
  await officer.get(`/meetings/${july}/items/${b3}`);
  const res = await officer.post(`/meetings/${july}/items/${b3}/paragraphs`, {
    text: '1. The Head of Community Safety introduced the annual review of the Terms of Reference.\n\n2. There had been no legislative changes affecting the governance of the Partnership.',
  });
  assert.equal(res.statusCode, 303);
  for (const text of ['RESOLVED to agree the Terms of Reference for the Partnership.', 'to note that all member organisations should sign the latest Information Sharing Agreement.']) {
    assert.equal((await officer.post(`/meetings/${july}/items/${b3}/resolutions`, { text })).statusCode, 303);
  }
  const empty = await officer.post(`/meetings/${july}/items/${b3}/resolutions`, { text: '   ' });
  assert.equal(empty.statusCode, 400);
  assert.match(pageText(empty.body), /Enter what was resolved/);
  for (const code of ['B1', 'B2', 'A2', 'A3', 'C1']) {
    await officer.post(`/meetings/${july}/items/${await itemId(t, july, code)}/resolutions`, { text: 'to note the update.' });
  }
  await officer.post(`/meetings/${july}/items/${await itemId(t, july, 'B1')}/paragraphs`, { text: 'Members were invited to give feedback on the draft action plan by 31 July 2021.' });
  const d1 = await itemId(t, july, 'D1');
  await officer.post(`/meetings/${july}/items/${d1}/paragraphs`, { text: 'Members received a briefing on the review known as Heron 2019.' });
  await officer.post(`/meetings/${july}/items/${d1}/resolutions`, { text: 'that the briefing be noted.' });

  const page = pageText((await officer.get(`/meetings/${july}`)).body);
  assert.match(page, /Draft minutes: not yet approved as a correct record/);
  assert.match(page, /31\. Terms of Reference review \(Item B3\) The Head of Community Safety introduced the annual review of the Terms of Reference\. There had been no legislative changes/);
  assert.match(page, /RESOLVED: A\. to agree the Terms of Reference for the Partnership\. B\. to note that all member organisations/);
  assert.match(page, /29\. Community Safety Agreement and Action Plan \(Item B1\) Members were invited .* RESOLVED to note the update\./);
});

test('a declaration of interest is recorded against an item', async () => {
  const b2 = await itemId(t, july, 'B2');
  await officer.get(`/meetings/${july}/items/${b2}`);
  const res = await officer.post(`/meetings/${july}/items/${b2}/declarations`, { person_id: await personId(t, 'Kellaway'), interest: 'Trustee of a charity that bid for grant funding' });
  assert.equal(res.statusCode, 303);
  const missing = await officer.post(`/meetings/${july}/items/${b2}/declarations`, { person_id: '', interest: '' });
  assert.equal(missing.statusCode, 400);
  assert.match(pageText(missing.body), /Select who declared the interest/);
  assert.match(pageText((await officer.get(`/meetings/${july}`)).body), /Cllr Harriet Kellaway declared an interest: Trustee of a charity/);
});

test('a minute number already used is refused on the item, and nothing changes', async () => {
  const b2 = await itemId(t, july, 'B2');
  await officer.get(`/meetings/${july}/items/${b2}/edit`);
  const res = await officer.post(`/meetings/${july}/items/${b2}/edit`, {
    section_id: (await sectionsOf(t, july)).B!, title: 'Working Group update', kind: 'business', minuted: 'yes', minute_number: '29',
  });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /Minute 29 is already used at the meeting on 13 July 2021 \(item B1\)\. Choose another number/);
  assert.equal((await itemsOf(t, july)).find((i) => i.id === b2)!.minute_number, 30);
});

test('the next meeting carries the notes of the last one, and its minutes run on (34 onwards)', async () => {
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  const res = await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '18', 'meets_on-month': '11', 'meets_on-year': '2021', starts_at: '10:00', format: 'in-person', venue: 'Council Chamber, Sessions House',
  });
  november = redirectedId(res);
  const items = await itemsOf(t, november);
  assert.deepEqual(items.map((i) => `${i.code} ${i.title}`), [
    'A1 Introduction', 'A2 Apologies and substitutes', 'A3 Declarations of interest', 'A4 Notes of meeting held on 13 July 2021', 'C1 Dates of future meetings',
  ]);
  // July's agenda now names November as the next meeting.
  assert.match(pageText((await officer.get(`/meetings/${july}`)).body), /The next meeting of the Eastmarch Community Safety Partnership will be held on 18 November 2021 at 10am/);

  await officer.post(`/meetings/${november}/publish-agenda`, { confirm_warnings: 'yes' });
  await officer.post(`/meetings/${november}/held`, {});
  assert.equal((await officer.post(`/meetings/${november}/start-minutes`, {})).statusCode, 303);
  assert.deepEqual((await itemsOf(t, november)).map((i) => i.minute_number), [34, 35, 36, 37, 38]);
});

test('the notes of the last meeting resolved as a correct record approve July’s minutes and lock them', async () => {
  const a4 = await itemId(t, november, 'A4');
  const page = await officer.get(`/meetings/${november}/items/${a4}`);
  assert.match(pageText(page.body), /Confirms the minutes of the meeting on Tuesday 13 July 2021 \(Minutes in draft\)/);
  const res = await officer.post(`/meetings/${november}/items/${a4}/correct-record`, { subject_to: 'the addition of Supt Osei’s apologies' });
  assert.equal(res.statusCode, 303);
  const text = pageText((await officer.get(`/meetings/${november}`)).body);
  assert.match(text, /RESOLVED that the minutes of the meeting held on 13 July 2021 were a correct record, subject to the addition of Supt Osei’s apologies\./);
  const julyPage = pageText((await officer.get(`/meetings/${july}`)).body);
  assert.match(julyPage, /Minutes approved/);
  assert.doesNotMatch(julyPage, /Draft minutes/);
  assert.match(julyPage, /locked\. Record an amendment instead/);
  const twice = await officer.post(`/meetings/${november}/items/${a4}/correct-record`, {});
  assert.equal(twice.statusCode, 400);
  assert.match(pageText(twice.body), /The minutes of the meeting held on 13 July 2021 are already approved/);
});

test('editing approved minutes is refused with a clear message and no change', async () => {
  const b3 = await itemId(t, july, 'B3');
  const paragraph = await t.database.db.selectFrom('minute_paragraphs').selectAll().where('agenda_item_id', '=', b3).orderBy('position').executeTakeFirstOrThrow();
  await officer.get(`/meetings/${july}/items/${b3}`);
  const edit = await officer.post(`/meetings/${july}/paragraphs/${paragraph.id}/edit`, { text: 'Quietly rewritten.' });
  assert.equal(edit.statusCode, 400);
  assert.match(pageText(edit.body), /approved as a correct record on .* and are locked\. Record an amendment instead/);
  const add = await officer.post(`/meetings/${july}/items/${b3}/paragraphs`, { text: 'An extra paragraph.' });
  assert.equal(add.statusCode, 400);
  const item = await officer.post(`/meetings/${july}/items/new`, { section_id: (await sectionsOf(t, july)).B!, title: 'Late item' });
  assert.equal(item.statusCode, 400);
  const attendance = await officer.post(`/meetings/${july}/attendance`, { name: 'Someone', kind: 'also-present' });
  assert.equal(attendance.statusCode, 400);
  const after = await t.database.db.selectFrom('minute_paragraphs').selectAll().where('id', '=', paragraph.id).executeTakeFirstOrThrow();
  assert.equal(after.text, paragraph.text);
  assert.equal((await itemsOf(t, july)).length, 8);
});

test('a correction to approved minutes is an amendment: who, when, why, before and after', async () => {
  const b3 = await itemId(t, july, 'B3');
  const paragraph = await t.database.db.selectFrom('minute_paragraphs').selectAll().where('agenda_item_id', '=', b3).orderBy('position').executeTakeFirstOrThrow();
  const form = await officer.get(`/meetings/${july}/paragraphs/${paragraph.id}/amend`);
  assert.match(pageText(form.body), /Approved wording: The Head of Community Safety introduced/);
  const same = await officer.post(`/meetings/${july}/paragraphs/${paragraph.id}/amend`, { text: paragraph.text, reason: 'No change' });
  assert.equal(same.statusCode, 400);
  assert.match(pageText(same.body), /The corrected wording is the same as the approved wording/);
  const noReason = await officer.post(`/meetings/${july}/paragraphs/${paragraph.id}/amend`, { text: 'Changed.', reason: '' });
  assert.match(pageText(noReason.body), /Enter why the minutes are being corrected/);
  const res = await officer.post(`/meetings/${july}/paragraphs/${paragraph.id}/amend`, {
    text: 'The Head of Community Safety, Ms Ramaswamy, introduced the annual review of the Terms of Reference.', reason: 'The presenter was not named',
  });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(`/meetings/${july}`)).body);
  assert.match(page, /31\. Terms of Reference review \(Item B3\) The Head of Community Safety, Ms Ramaswamy, introduced/);
  assert.match(page, /Amendments Changes made after the minutes were published or approved, each with its reason\. .*Gwen Abernethy: The presenter was not named\. Was: “The Head of Community Safety introduced the annual review/);
  const amendments = await t.database.db.selectFrom('minute_amendments').selectAll().where('meeting_id', '=', july).execute();
  assert.equal(amendments.length, 1);
  assert.equal(amendments[0]!.before, paragraph.text);
  const history = await officer.get(`/history/minute-paragraph/${paragraph.id}`);
  assert.match(pageText(history.body), /Amend Text : The Head of Community Safety introduced .* → The Head of Community Safety, Ms Ramaswamy, introduced/);
});

test('draft minutes can be amended directly, not through an amendment', async () => {
  const b1 = await itemId(t, november, 'A2');
  await officer.post(`/meetings/${november}/items/${b1}/paragraphs`, { text: 'Apologies were received from Mr Carver.' });
  const p = await t.database.db.selectFrom('minute_paragraphs').selectAll().where('agenda_item_id', '=', b1).executeTakeFirstOrThrow();
  const amend = await officer.post(`/meetings/${november}/paragraphs/${p.id}/amend`, { text: 'Other words.', reason: 'Because' });
  assert.equal(amend.statusCode, 400);
  assert.match(pageText(amend.body), /not published or approved yet: change the draft directly/);
  const edit = await officer.post(`/meetings/${november}/paragraphs/${p.id}/edit`, { text: 'Apologies were received from Mr Carver and Ms Lamb.' });
  assert.equal(edit.statusCode, 303);
  const removed = await officer.post(`/meetings/${november}/paragraphs/${p.id}/remove`, {});
  assert.equal(removed.statusCode, 303);
});

test('renumbering is refused when a later meeting already holds the numbers', async () => {
  // July's items are 27-33 and November's 34-38: adding an item to November and
  // renumbering works; moving the body's start to clash with nothing changes nothing.
  await officer.post(`/bodies/${bodyId}/meeting-settings`, { first_minute_number: '1' });
  const res = await officer.post(`/meetings/${november}/start-minutes`, {});
  assert.equal(res.statusCode, 303);
  assert.deepEqual((await itemsOf(t, november)).map((i) => i.minute_number), [34, 35, 36, 37, 38]);
  // An earlier meeting added later would need numbers November holds.
  const early = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '1', 'meets_on-month': '9', 'meets_on-year': '2021', starts_at: '10:00', format: 'online',
  }));
  await officer.post(`/meetings/${early}/held`, {});
  const clash = await officer.post(`/meetings/${early}/start-minutes`, {});
  assert.equal(clash.statusCode, 400);
  assert.match(pageText(clash.body), /Minute 34 is already used at the meeting on 18 November 2021 \(item A1\)/);
  assert.equal((await itemsOf(t, early)).every((i) => i.minute_number === null), true);
});

test('a meeting not yet held can be cancelled with a reason; a held one cannot', async () => {
  const res = await officer.post(`/bodies/${bodyId}/meetings/new`, { 'meets_on-day': '24', 'meets_on-month': '3', 'meets_on-year': '2032', starts_at: '10:00', format: 'online' });
  const march = redirectedId(res);
  await officer.get(`/meetings/${march}/cancel`);
  const noReason = await officer.post(`/meetings/${march}/cancel`, { cancelled_reason: '' });
  assert.equal(noReason.statusCode, 400);
  assert.match(pageText(noReason.body), /Enter why the meeting is cancelled/);
  assert.equal((await officer.post(`/meetings/${march}/cancel`, { cancelled_reason: 'Not quorate' })).statusCode, 303);
  assert.match(pageText((await new Client(t.app).get(`/meetings/${march}`)).body), /This meeting was cancelled: Not quorate/);
  const held = await officer.post(`/meetings/${november}/cancel`, { cancelled_reason: 'Too late' });
  assert.equal(held.statusCode, 400);
  assert.match(pageText(held.body), /A meeting that has been held cannot be cancelled/);
  const future = await officer.post(`/bodies/${bodyId}/meetings/new`, { 'meets_on-day': '1', 'meets_on-month': '1', 'meets_on-year': '2033', starts_at: '10:00', format: 'online' });
  const heldEarly = await officer.post(`/meetings/${redirectedId(future)}/held`, {});
  assert.match(pageText(heldEarly.body), /cannot be recorded as held before its date \(1 January 2033\)/);
});

test('the meetings lists show upcoming and past meetings, by body', async () => {
  const all = pageText((await new Client(t.app).get('/meetings')).body);
  assert.match(all, /Upcoming meetings/);
  assert.match(all, /18 November 2021 Eastmarch Community Safety Partnership 10am Council Chamber, Sessions House Minutes in draft/);
  const byBody = pageText((await new Client(t.app).get(`/meetings?body=${bodyId}`)).body);
  assert.match(byBody, /13 July 2021 Eastmarch/);
  assert.doesNotMatch(byBody, /\d{4} Working Group/);
  const bodyPage = await officer.get(`/bodies/${bodyId}/meetings`);
  assert.equal(bodyPage.statusCode, 200);
  assert.match(pageText(bodyPage.body), /Meetings of|Schedule a meeting/);
  assert.match(pageText(bodyPage.body), /Tuesday 13 July 2021 10am Online Minutes approved/);
  assert.equal((await officer.get('/bodies/00000000-0000-0000-0000-000000000000/meetings')).statusCode, 404);
});

test('members and the public may not change meetings', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get(`/bodies/${bodyId}/meetings/new`)).statusCode, 403);
  await member.get(`/meetings/${november}`);
  assert.equal((await member.post(`/meetings/${november}/publish-minutes`, { confirm_warnings: 'yes' })).statusCode, 403);
  const pub = new Client(t.app);
  const res = await pub.get(`/meetings/${november}/items/new`);
  assert.equal(res.statusCode, 302);
  assert.match(String(res.headers.location), /^\/sign-in/);
  assert.equal((await pub.get('/meetings/not-a-meeting')).statusCode, 404);
});

test('every change is in the meeting’s history', async () => {
  const history = pageText((await officer.get(`/history/meeting/${july}`)).body);
  assert.match(history, /Status : Scheduled → Agenda published/);
  assert.match(history, /Status : Agenda published → Held/);
  assert.match(history, /Status : Minutes in draft → Minutes approved/);
  assert.ok(await count('resolutions') > 0);
});
