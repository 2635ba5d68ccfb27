// A meeting's record is kept in memory for signed-in readers (recordCache.ts), yet each
// reader sees only what the policy gives them, and a grant taken away, a role changed, a
// sign-out or an item moved into restricted business holds on the very next request, on
// this instance and on another. On PostgreSQL the other instance is a second app with its
// own connections and its own memory; on PGlite, one process, a second app on the same
// database. A change written straight to the database (as another instance writes, before
// its notice arrives) is seen too: the meeting's counter is read with the session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createTestApp, createSecondInstance, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, itemId, redirectedId, sectionsOf } from './testing.ts';
import { keptRecordCount, recordsServedFromMemory } from './recordCache.ts';

let t: TestApp;
let other: FastifyInstance;
let second: Awaited<ReturnType<typeof createSecondInstance>> | undefined;
let officer: Client;
let bodyId: string;
let meetingId: string;
let openItem: string;
let panelUserId: string;

const SECRET = 'Osprey';
const HELD = /held without the press and public/i;

before(async () => {
  t = await createTestApp();
  second = await createSecondInstance(t);
  other = second.app;

  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, 'Eastmere Partnership Board');
  panelUserId = (await t.database.db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow()).id;
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  meetingId = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '12', 'meets_on-month': '5', 'meets_on-year': '2022', starts_at: '10:00', format: 'online',
  }));
  const sections = await sectionsOf(t, meetingId);
  await officer.post(`/meetings/${meetingId}/items/new`, { section_id: sections.B!, title: 'Night-time economy update' });
  await officer.post(`/meetings/${meetingId}/items/new`, { section_id: sections.D!, title: `Review of the death of ${SECRET} 2021` });
  openItem = await itemId(t, meetingId, 'B1');
});
after(async () => {
  await second?.close();
  await t.close();
});

const page = async (client: Client) => pageText((await client.get(`/meetings/${meetingId}`)).body);
const pageOnOther = async (client: Client) =>
  pageText((await other.inject({ method: 'GET', url: `/meetings/${meetingId}`, headers: { host: 'localhost', cookie: client.cookieHeader() } })).body);
const otherDb = () => second!.db;

async function grantPanel(): Promise<string> {
  await t.database.db.deleteFrom('access_grants').where('user_id', '=', panelUserId).where('scope_id', '=', bodyId).execute();
  return (await t.database.db.insertInto('access_grants').values({ partnership_id: t.partnershipId, user_id: panelUserId, scope_kind: 'body', scope_id: bodyId })
    .returning('id').executeTakeFirstOrThrow()).id;
}

test('the record is kept after its first reading and each reader sees only what the policy gives them', async () => {
  await grantPanel();
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  const member = await new Client(t.app).signIn(demoUsers.member);
  const served = recordsServedFromMemory(t.database.db);
  assert.match(await page(panel), new RegExp(SECRET), 'the panel member is granted the body');
  assert.match(await page(panel), new RegExp(SECRET));
  const memberPage = await page(member);
  assert.doesNotMatch(memberPage, new RegExp(SECRET), 'the same kept record, filtered for a member without the grant');
  assert.match(memberPage, HELD);
  assert.match(memberPage, /Night-time economy update/);
  assert.ok(recordsServedFromMemory(t.database.db) >= served + 2, 'later readings came from memory');
  assert.ok(keptRecordCount(t.database.db) > 0);
  // The public's page is never made from it with more than the public may read.
  const pub = pageText((await new Client(t.app).get(`/meetings/${meetingId}`)).body);
  assert.doesNotMatch(pub, new RegExp(SECRET));
});

test('a grant taken away holds on the very next request, on either instance', async () => {
  const grant = await grantPanel();
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  assert.match(await page(panel), new RegExp(SECRET));
  assert.match(await pageOnOther(panel), new RegExp(SECRET));
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  await admin.get(`/admin/users/${panelUserId}`);
  assert.equal((await admin.post(`/admin/users/${panelUserId}/grants/${grant}/revoke`, {})).statusCode, 303);
  assert.doesNotMatch(await pageOnOther(panel), new RegExp(SECRET), 'the other instance, at once');
  assert.doesNotMatch(await page(panel), new RegExp(SECRET));
  assert.match(await page(panel), HELD);
});

test('a role changed holds on the very next request, on either instance', async () => {
  const memberId = (await t.database.db.selectFrom('users').select('id').where('email', '=', demoUsers.member).executeTakeFirstOrThrow()).id;
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.doesNotMatch(await page(member), new RegExp(SECRET));
  assert.doesNotMatch(await pageOnOther(member), new RegExp(SECRET));
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  await admin.get(`/admin/users/${memberId}`);
  assert.equal((await admin.post(`/admin/users/${memberId}/role`, { role: 'officer' })).statusCode, 303);
  assert.match(await pageOnOther(member), new RegExp(SECRET), 'made an officer: the restricted item at once');
  assert.match(await page(member), new RegExp(SECRET));
  assert.equal((await admin.post(`/admin/users/${memberId}/role`, { role: 'member' })).statusCode, 303);
  assert.doesNotMatch(await pageOnOther(member), new RegExp(SECRET), 'a member again: withheld at once');
  assert.doesNotMatch(await page(member), new RegExp(SECRET));
});

test('after signing out, the old cookie reads only the public record, on either instance', async () => {
  await grantPanel();
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  assert.match(await page(panel), new RegExp(SECRET));
  assert.match(await pageOnOther(panel), new RegExp(SECRET));
  const cookie = panel.cookieHeader();
  await panel.get('/sign-out');
  assert.equal((await panel.post('/sign-out', {})).statusCode, 303);
  for (const app of [t.app, other]) {
    const replay = await app.inject({ method: 'GET', url: `/meetings/${meetingId}`, headers: { host: 'localhost', cookie } });
    assert.doesNotMatch(replay.body, new RegExp(SECRET), 'the replayed cookie is no session');
    assert.doesNotMatch(pageText(replay.body), /Sign out/);
  }
});

test('an item moved into restricted business is withheld on the very next request, on either instance', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const title = 'Licensing of the Harbour Street premises';
  await officer.get(`/meetings/${meetingId}/items/${openItem}/edit`);
  const sections = await sectionsOf(t, meetingId);
  assert.equal((await officer.post(`/meetings/${meetingId}/items/${openItem}/edit`, { section_id: sections.B!, title, kind: 'business', minuted: 'yes' })).statusCode, 303);
  assert.match(await page(member), new RegExp(title));
  assert.match(await pageOnOther(member), new RegExp(title));
  assert.match(await pageOnOther(member), new RegExp(title), 'kept on the other instance too');
  const moved = await officer.post(`/meetings/${meetingId}/items/${openItem}/edit`, { section_id: sections.D!, title, kind: 'business', minuted: 'yes' });
  assert.equal(moved.statusCode, 303);
  assert.doesNotMatch(await pageOnOther(member), new RegExp(title), 'the other instance withholds it at once');
  assert.doesNotMatch(await page(member), new RegExp(title));
  // Back to open business for the tests after.
  await officer.get(`/meetings/${meetingId}/items/${openItem}/edit`);
  const back = await officer.post(`/meetings/${meetingId}/items/${openItem}/edit`, { section_id: sections.B!, title: 'Night-time economy update', kind: 'business', minuted: 'yes' });
  assert.equal(back.statusCode, 303);
});

test('a change written straight to the database, which moves no counter in this process, is seen on the very next request', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.match(await page(member), /Night-time economy update/);
  assert.match(await pageOnOther(member), /Night-time economy update/);
  const served = recordsServedFromMemory(otherDb());
  assert.match(await pageOnOther(member), /Night-time economy update/);
  assert.equal(recordsServedFromMemory(otherDb()), served + 1, 'served from memory while nothing changed');
  // As another instance would write it, before its notice could arrive: only the database knows.
  await t.database.db.updateTable('agenda_items').set({ restricted: true, title: `Briefing on ${SECRET} Court` })
    .where('partnership_id', '=', t.partnershipId).where('id', '=', openItem).execute();
  try {
    for (const text of [await pageOnOther(member), await page(member)]) {
      assert.doesNotMatch(text, new RegExp(`${SECRET} Court`), 'restricted now: withheld, not read from memory');
      assert.doesNotMatch(text, /Night-time economy update/, 'nor the old title kept');
    }
    const panelGrant = await grantPanel();
    const panel = await new Client(t.app).signIn(demoUsers.panel);
    assert.match(await pageOnOther(panel), new RegExp(`${SECRET} Court`), 'and a reader entitled to it sees the new title');
    await t.database.db.deleteFrom('access_grants').where('id', '=', panelGrant).execute();
  } finally {
    await t.database.db.updateTable('agenda_items').set({ restricted: false, title: 'Night-time economy update' })
      .where('partnership_id', '=', t.partnershipId).where('id', '=', openItem).execute();
  }
  assert.match(await pageOnOther(member), /Night-time economy update/);
});

test('every table the record reads by meeting moves the meeting\'s counter', async () => {
  const { rows } = await sql<{ table: string }>`
    select c.relname as table from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where t.tgname in ('meeting_version_insert', 'meeting_version_update', 'meeting_version_delete')
    group by c.relname having count(*) = 3 order by c.relname`.execute(t.database.db);
  assert.deepEqual(rows.map((r) => r.table), [
    'agenda_items', 'declarations_of_interest', 'meeting_attendance', 'meeting_publications', 'meeting_sections', 'meetings',
    'minute_amendments', 'minute_paragraphs', 'papers', 'resolutions',
  ]);
  const version = async () => Number((await t.database.db.selectFrom('meeting_versions').select('version')
    .where('partnership_id', '=', t.partnershipId).where('meeting_id', '=', meetingId).executeTakeFirstOrThrow()).version);
  const v0 = await version();
  await t.database.db.updateTable('meetings').set({ venue: 'Room 2' }).where('partnership_id', '=', t.partnershipId).where('id', '=', meetingId).execute();
  const v1 = await version();
  assert.ok(v1 > v0, 'the meeting\'s own row');
  await t.database.db.updateTable('meeting_sections').set({ title: sql`title` }).where('partnership_id', '=', t.partnershipId).where('meeting_id', '=', meetingId).execute();
  assert.ok(await version() > v1, 'a section');
});
