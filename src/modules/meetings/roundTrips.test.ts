// The signed-in meeting page, its record kept in memory (recordCache.ts), is one statement
// to the database for a member and for an officer: the session (and its last use, once a
// minute), the meeting's counter, the matters arising and, for a reader of restricted
// business, the audit of that read, all in one. Every read of restricted content is still audited, on every request; a request that
// does not show the page (signed out, sent to set up a second factor, no longer entitled)
// writes no entry; and a change of access holds on the very next request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { logStatements, type StatementLog } from '../../../test/support/statements.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { buildBody, personId } from './testing.ts';
import { changeGeneration } from '../../db/changes.ts';

let t: TestApp;
let log: StatementLog;
let officer: Client;
let member: Client;
let meetingId: string;
let restrictedItemId: string;
let restrictedActionId: string;
let officerUserId: string;

const SECRET = 'Kestrel Yard';
const SECRET_ACTION = 'Visit the Kestrel Yard family';
const today = todayIso();

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  officerUserId = (await t.database.db.selectFrom('users').select('id').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).id;
  const bodyId = await buildBody(t, 'Westmere Safety Board');
  meetingId = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: addDays(today, 14), startsAt: '10:00', online: true })).json().id;
  const sections = (await officer.json('GET', `/api/meetings/${meetingId}/sections`)).json().items as { code: string; id: string }[];
  const section = (code: string) => sections.find((s) => s.code === code)!.id;
  for (const [code, title, kind] of [['A', 'Matters arising', 'matters-arising'], ['B', 'Street lighting', 'business'], ['D', `Review at ${SECRET}`, 'business']] as const) {
    const added = await officer.json('POST', `/api/meetings/${meetingId}/items`, { sectionId: section(code), title, kind });
    assert.equal(added.statusCode, 201, added.body);
    if (code === 'D') restrictedItemId = added.json().id;
  }
  const owner = await personId(t, 'Hartley');
  for (const [description, restricted] of [['Survey the lamp posts', false], [SECRET_ACTION, true]] as const) {
    const made = await officer.json('POST', '/api/actions', { bodyId, description, ownerPersonId: owner, dueOn: addDays(today, 7), restricted });
    assert.equal(made.statusCode, 201, made.body);
    if (restricted) restrictedActionId = made.json().id;
  }
  log = logStatements(t.database.db as never);
});
after(async () => {
  log.stop();
  await t.close();
});

const readsOf = async (recordId: string) => Number((await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n'))
  .where('partnership_id', '=', t.partnershipId).where('action', '=', 'read').where('record_id', '=', recordId)
  .where('actor_user_id', '=', officerUserId).executeTakeFirstOrThrow()).n);

/** The page as the client sees it, with the statements its request sent. */
async function visit(client: Client) {
  const { result: res, statements } = await log.during(() => client.get(`/meetings/${meetingId}`));
  return { status: res.statusCode, text: pageText(res.body), statements };
}

// The app's list of partnerships by host name, read again every 10 seconds whatever the page
// (src/app.ts partnershipResolver): a visit on a loaded machine may fall on that refresh.
const resolverRefresh = (statement: string) => /from "partnerships" order by "created_at"/.test(statement);

/**
 * A visit during which nothing else changed in the partnership: the app's own background
 * work (the notices runner sending what the set-up queued) may write meanwhile, and the kept
 * record is then rightly read again; nor did the list of partnerships fall due for its
 * refresh. Gives the visit and how many were made.
 */
async function steadyVisit(client: Client) {
  for (let made = 1; ; made++) {
    const generation = changeGeneration(t.partnershipId);
    const page = await visit(client);
    const steady = changeGeneration(t.partnershipId) === generation && !page.statements.some(resolverRefresh);
    if (steady || made === 5) return { ...page, made };
  }
}

const touchMeeting = () => t.database.db.updateTable('meetings').set({ venue: 'Room 4' }).where('id', '=', meetingId).execute();

test('the kept meeting page is one statement for a member and for an officer, and the officer\'s reads are audited on every request', async (c) => {
  // Not kept (the meeting just changed): the record is read, and the page's reads after it.
  await visit(member); // its grants and seats, read on a session's first request, kept from here
  await touchMeeting();
  c.diagnostic(`officer, record not kept: ${(await visit(officer)).statements.length} statements`);
  await touchMeeting();
  c.diagnostic(`member, record not kept: ${(await visit(member)).statements.length} statements`);
  await steadyVisit(officer); // the record is kept from here
  const before = { item: await readsOf(restrictedItemId), action: await readsOf(restrictedActionId) };
  for (let i = 1, made = 0; i <= 3; i++) {
    const page = await steadyVisit(officer);
    made += page.made;
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(SECRET), 'the officer reads the restricted item');
    assert.match(page.text, new RegExp(SECRET_ACTION), 'and the restricted action, as a matter arising');
    assert.match(page.text, /Survey the lamp posts/);
    assert.equal(page.statements.length, 1, `officer, kept record: ${page.statements.join('\n---\n')}`);
    assert.equal(await readsOf(restrictedItemId), before.item + made, 'the restricted item\'s read audited on each request');
    assert.equal(await readsOf(restrictedActionId), before.action + made, 'the restricted action\'s read audited on each request');
  }
  const officerName = (await t.database.db.selectFrom('users').innerJoin('partnership_users as pu', 'pu.user_id', 'users.id')
    .select((eb) => eb.fn.coalesce('pu.display_name', 'users.display_name').as('name')).where('users.id', '=', officerUserId).executeTakeFirstOrThrow()).name;
  const entry = await t.database.db.selectFrom('audit_log').selectAll().where('record_id', '=', restrictedItemId).where('action', '=', 'read')
    .orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.deepEqual(
    { type: entry.record_type, summary: entry.summary, label: entry.actor_label, partnership: entry.partnership_id, before: entry.before, after: entry.after },
    { type: 'agenda-item', summary: 'Read restricted item D1', label: officerName, partnership: t.partnershipId, before: null, after: null },
  );
  const action = await t.database.db.selectFrom('audit_log').selectAll().where('record_id', '=', restrictedActionId).where('action', '=', 'read')
    .orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.equal(action.record_type, 'action');
  assert.equal(action.summary, 'Read as a matter arising');

  // When the session was last used, written once a minute, is written by the same statement.
  await t.database.db.updateTable('sessions').set({ last_seen_at: new Date(Date.now() - 5 * 60_000) }).where('user_id', '=', officerUserId).execute();
  const later = await steadyVisit(officer);
  assert.equal(later.statements.length, 1, `officer, a session last used five minutes ago: ${later.statements.join('\n---\n')}`);
  const seen = await t.database.db.selectFrom('sessions').select((eb) => eb.fn.max('last_seen_at').as('at')).where('user_id', '=', officerUserId).executeTakeFirstOrThrow();
  assert.ok(Date.now() - new Date(seen.at).getTime() < 60_000, 'its last use written');

  await steadyVisit(member);
  const page = await steadyVisit(member);
  assert.equal(page.statements.length, 1, `member, kept record: ${page.statements.join('\n---\n')}`);
  assert.doesNotMatch(page.text, new RegExp(SECRET));
  assert.match(page.text, /Survey the lamp posts/);
});

test('a request that does not show the page writes no audit entry, and access taken away holds on the very next request', async () => {
  await visit(officer);
  const reads = async () => [await readsOf(restrictedItemId), await readsOf(restrictedActionId)];
  const start = await reads();
  // The partnership now requires a second factor, which the officer has not set up: sent to set it up, nothing read.
  await t.database.db.insertInto('account_settings').values({ partnership_id: t.partnershipId, require_second_factor: true })
    .onConflict((oc) => oc.column('partnership_id').doUpdateSet({ require_second_factor: true })).execute();
  try {
    const sent = await visit(officer);
    assert.equal(sent.status, 303);
    assert.deepEqual(await reads(), start, 'no read recorded for a page not shown');
  } finally {
    await t.database.db.updateTable('account_settings').set({ require_second_factor: false }).where('partnership_id', '=', t.partnershipId).execute();
  }
  assert.match((await visit(officer)).text, new RegExp(SECRET));
  const shown = await reads();
  assert.deepEqual(shown, start.map((n) => n + 1));
  // Made a member, straight in the database as another instance would: withheld at once, and no read recorded.
  await t.database.db.updateTable('partnership_users').set({ role: 'member' }).where('partnership_id', '=', t.partnershipId).where('user_id', '=', officerUserId).execute();
  try {
    const demoted = await visit(officer);
    assert.equal(demoted.status, 200);
    assert.doesNotMatch(demoted.text, new RegExp(SECRET));
    assert.doesNotMatch(demoted.text, new RegExp(SECRET_ACTION));
    assert.deepEqual(await reads(), shown);
  } finally {
    await t.database.db.updateTable('partnership_users').set({ role: 'officer' }).where('partnership_id', '=', t.partnershipId).where('user_id', '=', officerUserId).execute();
  }
  assert.match((await visit(officer)).text, new RegExp(SECRET), 'an officer again');
  const again = await steadyVisit(officer);
  assert.match(again.text, new RegExp(SECRET));
  assert.equal(again.statements.length, 1, 'and one statement again once the same actor is seen twice');
  const shownAgain = shown.map((n) => n + 1 + again.made);
  assert.deepEqual(await reads(), shownAgain);
  // Signed out: the old cookie is no session, and reads nothing restricted.
  const cookie = officer.cookieHeader();
  await officer.get('/sign-out');
  assert.equal((await officer.post('/sign-out', {})).statusCode, 303);
  const replay = await t.app.inject({ method: 'GET', url: `/meetings/${meetingId}`, headers: { host: 'localhost', cookie } });
  assert.doesNotMatch(replay.body, new RegExp(SECRET));
  assert.deepEqual(await reads(), shownAgain);
  officer = await new Client(t.app).signIn(demoUsers.officer);
});
