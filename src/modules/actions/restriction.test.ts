// An action made from the minutes is as restricted as the words it comes from: when its
// item moves into a section held without press and public, the action (and its search
// entry) goes with it, on every path a member without a grant can reach; when the item
// moves back, the action is open again. The request never decides that an action from
// restricted words is open, and an action's meeting and source must be real records of
// the body and partnership it is made for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, personId, sectionsOf } from '../meetings/testing.ts';
import { holdMeeting, type HeldMeeting } from '../public/testing.ts';
import { addDays, todayIso } from '../partnership/domain.ts';

let t: TestApp;
let officer: Client;
let member: Client;
let bodyId: string;
let otherBodyId: string;
let macrae: string;
let held: HeldMeeting;
let other: HeldMeeting;
let sections: Record<string, string>;
const due = addDays(todayIso(), 14);

const OPEN_ITEM = 'Licensing of late bars';
const RESTRICTED_ITEM = 'Review of the Thistlebrook case';
const WORD = 'Quillomantic';

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  bodyId = await buildBody(t, 'Riverside Safety Board');
  otherBodyId = await buildBody(t, 'Harbour Panel');
  macrae = await personId(t, 'Macrae');
  held = await holdMeeting(t, officer, bodyId, {
    on: addDays(todayIso(), -20), stage: 'minutes-unpublished',
    items: [
      { section: 'B', title: OPEN_ITEM, paragraphs: [`The ${WORD} premises were discussed.`], resolutions: [`that the ${WORD} licence be reviewed.`] },
      { section: 'D', title: RESTRICTED_ITEM, paragraphs: ['Chronologies from Sandmoor agencies were discussed.'], resolutions: ['that the Sandmoor findings be accepted.'] },
      { section: 'A', title: 'Matters arising', kind: 'matters-arising', paragraphs: ['The actions from the last meeting were reviewed.'] },
    ],
  });
  other = await holdMeeting(t, officer, otherBodyId, {
    on: addDays(todayIso(), -10), stage: 'minutes',
    items: [{ section: 'B', title: 'Harbour lighting', resolutions: ['that the harbour lights be mended.'] }],
  });
  sections = await sectionsOf(t, held.id);
});
after(async () => { await t?.close(); });

const resolutionOf = async (itemId: string) =>
  (await t.database.db.selectFrom('resolutions').select(['id', 'text']).where('agenda_item_id', '=', itemId).executeTakeFirstOrThrow());

async function moveItem(itemId: string, section: 'B' | 'D') {
  const item = await t.database.db.selectFrom('agenda_items').selectAll().where('id', '=', itemId).executeTakeFirstOrThrow();
  await officer.get(`/meetings/${held.id}/items/${itemId}/edit`);
  const res = await officer.post(`/meetings/${held.id}/items/${itemId}/edit`, {
    section_id: sections[section]!, title: item.title, kind: item.kind, minuted: 'yes', minute_number: String(item.minute_number ?? ''),
  });
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 400));
}

/** Every path on which a member sees actions: pages, the API, matters arising, activity and search. */
async function memberSees(actionId: string, word: string): Promise<string[]> {
  const lower = word.toLowerCase();
  const paths = [
    `/actions/${actionId}`, `/api/actions/${actionId}`, '/actions?status=all', '/api/actions?status=all', '/actions/mine', '/api/actions?mine=true&status=all',
    `/bodies/${bodyId}/actions`, `/api/bodies/${bodyId}/actions`, `/api/bodies/${bodyId}/matters-arising`, `/meetings/${held.id}`,
    `/people/${macrae}/activity`, `/api/people/${macrae}/activity`, `/search?q=${lower}`, `/api/search?q=${lower}`, `/api/search?q=${lower}&kind=action`,
  ];
  const seen: string[] = [];
  for (const path of paths) {
    const res = await member.get(path);
    if (res.statusCode === 200 && (res.body.includes(word) || res.body.includes(actionId))) seen.push(path);
  }
  return seen;
}

test('an action from an open resolution follows its item into section D and out again, on every path a member can reach', async () => {
  const itemId = held.items[OPEN_ITEM]!;
  const resolution = await resolutionOf(itemId);
  await officer.get('/actions/new');
  const made = await officer.post('/actions/new', {
    body_id: bodyId, meeting_id: held.id, source_kind: 'resolution', source_id: resolution.id, source_text: resolution.text,
    description: 'Write to the licensee', owner_person_id: macrae, due_on: due,
  });
  assert.equal(made.statusCode, 303, pageText(made.body).slice(0, 400));
  const actionId = String(made.headers.location).split('/').pop()!;

  const open = await memberSees(actionId, WORD);
  assert.ok(open.length >= 10, `while the item is open the member reads the action on most paths, saw it on ${open.join(', ')}`);

  await moveItem(itemId, 'D');
  assert.deepEqual(await memberSees(actionId, WORD), [], 'moved into section D: no path shows the action or its words');
  const row = await t.database.db.selectFrom('actions').select('restricted').where('id', '=', actionId).executeTakeFirstOrThrow();
  assert.equal(row.restricted, true);
  const entry = await t.database.db.selectFrom('search_entries').select('restricted').where('kind', '=', 'action').where('record_id', '=', actionId).executeTakeFirstOrThrow();
  assert.equal(entry.restricted, true, 'the search entry follows in the same change');
  // The change to the action is in its history, with the reason.
  const history = pageText((await officer.get(`/history/action/${actionId}`)).body);
  assert.match(history, /Gwen Abernethy Update Restricted \(not open to the press and public\) : No → Yes/);

  // The panel's grant is for another body: still nothing. An officer still reads it.
  assert.equal((await officer.get(`/actions/${actionId}`)).statusCode, 200);

  await moveItem(itemId, 'B');
  const back = await memberSees(actionId, WORD);
  assert.deepEqual(back, open, 'moved back to section B: the action is open again where it was');
});

test('an action the clerk marked restricted stays restricted when its item moves back to an open section', async () => {
  const itemId = held.items[OPEN_ITEM]!;
  const resolution = await resolutionOf(itemId);
  const res = await officer.json('POST', '/api/actions', {
    bodyId, meetingId: held.id, sourceKind: 'resolution', sourceId: resolution.id, description: 'Brief the panel privately', ownerPersonId: macrae, dueOn: due, restricted: true,
  });
  assert.equal(res.statusCode, 201, res.body);
  const actionId = res.json().id as string;
  await moveItem(itemId, 'D');
  await moveItem(itemId, 'B');
  assert.equal((await member.get(`/actions/${actionId}`)).statusCode, 404);
  assert.equal(res.json().sourceText, resolution.text, 'the words of the minutes are taken from the resolution when none are given');
});

test('an action made through the API from a section D resolution is restricted, whatever the request says', async () => {
  const resolution = await resolutionOf(held.items[RESTRICTED_ITEM]!);
  const res = await officer.json('POST', '/api/actions', {
    bodyId, meetingId: held.id, sourceKind: 'resolution', sourceId: resolution.id, sourceText: resolution.text,
    description: 'Send the Sandmoor findings to the coroner', ownerPersonId: macrae, dueOn: due, restricted: false,
  });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().restricted, true);
  const actionId = res.json().id as string;
  assert.deepEqual(await memberSees(actionId, 'Sandmoor'), []);
  // Nor from the form, without the box ticked.
  await officer.get('/actions/new');
  const form = await officer.post('/actions/new', {
    body_id: bodyId, meeting_id: held.id, source_kind: 'resolution', source_id: resolution.id, source_text: resolution.text,
    description: 'Thank the Sandmoor agencies', owner_person_id: macrae, due_on: due,
  });
  assert.equal(form.statusCode, 303);
  const formId = String(form.headers.location).split('/').pop()!;
  assert.deepEqual(await memberSees(formId, 'Sandmoor'), []);
});

test('an action’s meeting and source must be records of its body in this partnership', async () => {
  const before = await t.database.db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const resolution = await resolutionOf(held.items[OPEN_ITEM]!);
  const harbour = await t.database.db.selectFrom('resolutions').select('id').where('meeting_id', '=', other.id).executeTakeFirstOrThrow();
  const paragraph = await t.database.db.selectFrom('minute_paragraphs').select('id').where('agenda_item_id', '=', held.items[OPEN_ITEM]!).executeTakeFirstOrThrow();
  const base = { bodyId, description: 'Something to do', ownerPersonId: macrae, dueOn: due };
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a meeting that does not exist', { meetingId: '11111111-2222-4333-8444-555555555555' }, /meeting/i],
    ['a meeting of another body', { meetingId: other.id }, /meeting/i],
    ['a resolution that does not exist', { meetingId: held.id, sourceKind: 'resolution', sourceId: '66666666-7777-4888-8999-000000000000' }, /resolution/i],
    ['a resolution of another body’s meeting', { sourceKind: 'resolution', sourceId: harbour.id }, /resolution/i],
    ['a resolution of another meeting than the one named', { meetingId: other.id, sourceKind: 'resolution', sourceId: resolution.id }, /meeting|resolution/i],
    ['a paragraph given as a resolution', { meetingId: held.id, sourceKind: 'resolution', sourceId: paragraph.id }, /resolution/i],
  ];
  for (const [what, extra, message] of cases) {
    const res = await officer.json('POST', '/api/actions', { ...base, ...extra });
    assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
    assert.match(JSON.stringify(res.json()), message, what);
  }
  const after = await t.database.db.selectFrom('actions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n), 'nothing was written');
  // The source's meeting is filled in when only the source is given.
  const ok = await officer.json('POST', '/api/actions', { ...base, sourceKind: 'resolution', sourceId: resolution.id });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.equal(ok.json().meetingId, held.id);
});
