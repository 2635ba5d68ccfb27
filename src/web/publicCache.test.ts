// Public pages kept in memory: served again without the database to the public, never to
// someone signed in, and never once a change could make them wrong, above all when an
// item is moved into business held without the press and public.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../test/support/app.ts';
import { buildBody, sectionsOf } from '../modules/meetings/testing.ts';
import { holdMeeting, type HeldMeeting } from '../modules/public/testing.ts';
import { addDays, todayIso } from '../modules/partnership/domain.ts';
import { inTransaction } from '../access/context.ts';
import { recordAudit } from '../access/audit.ts';
import { changeGeneration } from '../db/changes.ts';
import { publicCacheBytes } from './publicCache.ts';

let t: TestApp;
let officer: Client;
let held: HeldMeeting;
let bodyId: string;
const WORD = 'Brackenfold';
const ITEM = `${WORD} skate park lighting`;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, 'Millbrook Safer Streets Group');
  held = await holdMeeting(t, officer, bodyId, {
    // Held, its agenda published and its minutes not yet: an item may still be restricted.
    on: addDays(todayIso(), -14), stage: 'minutes-unpublished',
    items: [{ section: 'B', title: ITEM, paragraphs: [`Lighting at the ${WORD} skate park was discussed.`], resolutions: [`that the ${WORD} lights be repaired.`] }],
  });
});
after(async () => { await t?.close(); });

test('the public meeting page is kept after its first reading and served the same, to the public only', async () => {
  const pub = new Client(t.app);
  const first = await pub.get(`/meetings/${held.id}`);
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['x-public-cache'], 'miss');
  assert.match(pageText(first.body), new RegExp(WORD));
  const second = await new Client(t.app).get(`/meetings/${held.id}`);
  assert.equal(second.headers['x-public-cache'], 'hit');
  assert.equal(second.body, first.body);
  assert.equal(second.headers['content-type'], first.headers['content-type']);
  assert.ok(second.headers['content-security-policy'], 'the security headers are still sent');

  // Someone signed in is never served the public copy, nor adds to it.
  const asOfficer = await officer.get(`/meetings/${held.id}`);
  assert.equal(asOfficer.headers['x-public-cache'], undefined);
  assert.equal(asOfficer.headers['cache-control'], 'private, no-store');
  assert.notEqual(asOfficer.body, first.body);
});

test('an item moved into restricted business disappears from the public page at once', async () => {
  const pub = new Client(t.app);
  await pub.get(`/meetings/${held.id}`);
  assert.equal((await pub.get(`/meetings/${held.id}`)).headers['x-public-cache'], 'hit');

  const sections = await sectionsOf(t, held.id);
  const itemId = held.items[ITEM]!;
  const item = await t.database.db.selectFrom('agenda_items').selectAll().where('id', '=', itemId).executeTakeFirstOrThrow();
  await officer.get(`/meetings/${held.id}/items/${itemId}/edit`);
  const moved = await officer.post(`/meetings/${held.id}/items/${itemId}/edit`, {
    section_id: sections.D!, title: item.title, kind: item.kind, minuted: 'yes', minute_number: String(item.minute_number ?? ''),
  });
  assert.equal(moved.statusCode, 303, pageText(moved.body).slice(0, 400));
  const after = await pub.get(`/meetings/${held.id}`);
  assert.equal(after.headers['x-public-cache'], 'miss');
  assert.doesNotMatch(after.body, new RegExp(WORD), 'the restricted words are not served from memory');
  assert.match(pageText(after.body), /press and public/i, 'the public sees only that an item is held in private');
});

test('a change by the API is seen by the next public reader, and the body page and calendar too', async () => {
  const pub = new Client(t.app);
  for (const path of [`/bodies/${bodyId}`, '/calendar', `/meetings/${held.id}`]) {
    await pub.get(path);
    assert.equal((await pub.get(path)).headers['x-public-cache'], 'hit', path);
  }
  const current = (await officer.json('GET', `/api/bodies/${bodyId}`)).json();
  const renamed = await officer.json('PUT', `/api/bodies/${bodyId}`, { name: 'Millbrook Safer Streets Partnership', kind: current.kind, parentId: current.parentId ?? null });
  assert.equal(renamed.statusCode, 200, renamed.body);
  for (const path of [`/bodies/${bodyId}`, '/calendar', `/meetings/${held.id}`]) {
    const page = await pub.get(path);
    assert.equal(page.headers['x-public-cache'], 'miss', path);
    assert.match(pageText(page.body), /Millbrook Safer Streets Partnership/, path);
  }
});

test('a change inside a transaction counts again once it commits', async () => {
  const before = changeGeneration(t.partnershipId);
  let inside = -1;
  await inTransaction({ db: t.database.db, actor: { kind: 'system', partnershipId: t.partnershipId } as never }, async (trx) => {
    await recordAudit(trx, { kind: 'system', partnershipId: t.partnershipId }, { action: 'update', recordType: 'test', recordId: 'x', summary: 'A test change' });
    inside = changeGeneration(t.partnershipId);
  });
  assert.equal(inside, before + 1, 'counted when written');
  assert.equal(changeGeneration(t.partnershipId), before + 2, 'and again when committed');
  // Reads of restricted business and sign-ins change nothing public.
  await recordAudit(t.database.db, { kind: 'system', partnershipId: t.partnershipId }, { action: 'read', recordType: 'test', recordId: 'x' });
  assert.equal(changeGeneration(t.partnershipId), before + 2);
});

test('an answer that sets a cookie, or a request carrying a session, is never kept', async () => {
  const stale = await new Client(t.app).get('/calendar', { cookie: 'ph_session=not-a-real-session' });
  assert.equal(stale.headers['x-public-cache'], undefined);
  const signIn = await new Client(t.app).get('/sign-in');
  assert.equal(signIn.headers['x-public-cache'], undefined, 'the sign-in page is not on the list');
});

test('made-up query strings count their keys and headers towards the bound, not only their bodies', async () => {
  const before = publicCacheBytes();
  const answer = await new Client(t.app).get(`/meetings.ics?made-up=${'x'.repeat(500)}`);
  assert.equal(answer.headers['x-public-cache'], 'miss');
  assert.ok(publicCacheBytes() - before >= Buffer.byteLength(answer.body) + 1000, 'the 500-character key and the headers are counted');
});
