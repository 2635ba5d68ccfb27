// Published records never change silently: the notes of the last meeting follow the
// dates, the check page stands before every publication, late items wait for a
// supplementary agenda, published minutes keep their numbers and change only by a
// recorded amendment, and nothing is withdrawn without a reason. Pages, API and feeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, itemsOf, redirectedId, sectionsOf } from './testing.ts';

let t: TestApp;
let officer: Client;
let pub: Client;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  pub = new Client(t.app);
});
after(async () => { await t.close(); });

const dateFields = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return { 'meets_on-day': String(Number(d)), 'meets_on-month': String(Number(m)), 'meets_on-year': y!, starts_at: '10:00', format: 'online' };
};
async function schedule(bodyId: string, iso: string) {
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  return redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, dateFields(iso)));
}
async function changeDate(meetingId: string, iso: string) {
  await officer.get(`/meetings/${meetingId}/edit`);
  const res = await officer.post(`/meetings/${meetingId}/edit`, dateFields(iso));
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
}
const notesOf = async (meetingId: string) => {
  const row = await t.database.db.selectFrom('agenda_items').select(['title', 'previous_meeting_id']).where('meeting_id', '=', meetingId)
    .where('kind', '=', 'previous-minutes').executeTakeFirst();
  return row ? [row.title, row.previous_meeting_id] : null;
};

test('the notes of the last meeting follow the dates: moved, added in between, cancelled, and none left', async () => {
  const bodyId = await buildBody(t, 'Estuary Safety Partnership');
  const jan = await schedule(bodyId, '2031-01-14');
  const mar = await schedule(bodyId, '2031-03-11');
  const may = await schedule(bodyId, '2031-05-13');
  assert.deepEqual(await notesOf(may), ['Notes of meeting held on 11 March 2031', mar]);

  // March moves after May: May now confirms January, and the moved meeting confirms May.
  await changeDate(mar, '2031-06-10');
  assert.deepEqual(await notesOf(may), ['Notes of meeting held on 14 January 2031', jan]);
  assert.deepEqual(await notesOf(mar), ['Notes of meeting held on 13 May 2031', may]);
  const history = pageText((await officer.get(`/history/agenda-item/${(await itemsOf(t, may)).find((i) => i.kind === 'previous-minutes')!.id}`)).body);
  assert.match(history, /Notes of meeting held on 11 March 2031 → Notes of meeting held on 14 January 2031/);
  const audit = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'agenda-item').where('summary', 'like', 'Now confirms%').execute();
  assert.ok(audit.some((a) => a.summary === 'Now confirms the minutes of the meeting held on 14 January 2031 (was 11 March 2031)'), JSON.stringify(audit));

  // A meeting added in between comes before May's notes.
  const apr = await schedule(bodyId, '2031-04-08');
  assert.deepEqual(await notesOf(may), ['Notes of meeting held on 8 April 2031', apr]);
  // Cancelled, it no longer does.
  await officer.get(`/meetings/${apr}/cancel`);
  assert.equal((await officer.post(`/meetings/${apr}/cancel`, { cancelled_reason: 'Not quorate' })).statusCode, 303);
  assert.deepEqual(await notesOf(may), ['Notes of meeting held on 14 January 2031', jan]);

  // January moves after everything: May has no earlier meeting, and its page warns.
  await changeDate(jan, '2031-09-09');
  assert.deepEqual(await notesOf(may), ['Notes of the last meeting', null]);
  assert.match(pageText((await officer.get(`/meetings/${may}`)).body), /names no meeting: this body has no earlier meeting whose minutes it could confirm/);
  const check = (await officer.json('GET', `/api/meetings/${may}/publication-check?event=agenda`)).json();
  assert.ok(check.warnings.some((w: { code: string }) => w.code === 'no-previous-meeting'));
});

test('the agenda is published through its check page; short notice is a warning the clerk confirms', async () => {
  const bodyId = await buildBody(t, 'Delta Safety Partnership');
  const id = await schedule(bodyId, '2020-02-04');
  const sections = await sectionsOf(t, id);
  await officer.post(`/meetings/${id}/items/new`, { section_id: sections.B!, title: 'Youth violence report', paper_expected: 'yes' });
  const page = pageText((await officer.get(`/meetings/${id}/publish/agenda`)).body);
  assert.match(page, /Publish the agenda/);
  assert.match(page, /Item B1 \(Youth violence report\) expects a paper, and none is attached/);
  assert.match(page, /The meeting was on 4 February 2020/);
  // Without the confirmation nothing is published.
  const refused = await officer.post(`/meetings/${id}/publish/agenda`, {});
  assert.equal(refused.statusCode, 400);
  assert.match(pageText(refused.body), /There is a problem Confirm that you have read the warnings and want to publish anyway/);
  assert.equal((await pub.get(`/meetings/${id}`)).body.includes('Youth violence report'), false);
  const done = await officer.post(`/meetings/${id}/publish/agenda`, { confirm_warnings: 'yes' });
  assert.equal(done.statusCode, 303);
  const row = await t.database.db.selectFrom('meeting_publications').selectAll().where('meeting_id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.kind, 'agenda');
  assert.equal(row.warnings_confirmed.length, 2);
  assert.match(pageText((await pub.get(`/meetings/${id}`)).body), /Publication history Agenda published on/);
});

test('a late item waits for a supplementary agenda, then is public marked “Supplementary”: page, API, feed, calendar and pack', async () => {
  const bodyId = await buildBody(t, 'Harbour Safety Partnership');
  const id = await schedule(bodyId, '2031-10-14');
  const sections = await sectionsOf(t, id);
  assert.equal((await officer.post(`/meetings/${id}/publish-agenda`, { confirm_warnings: 'yes' })).statusCode, 303);
  // Nothing new yet: the supplement is refused.
  assert.match(pageText((await officer.get(`/meetings/${id}/publish/supplement`)).body), /There is nothing new to publish/);
  assert.equal((await officer.json('POST', `/api/meetings/${id}/publish-supplement`, { confirmWarnings: true })).statusCode, 422);

  assert.equal((await officer.post(`/meetings/${id}/items/new`, { section_id: sections.B!, title: 'Flooding and rough sleepers' })).statusCode, 303);
  assert.equal((await pub.get(`/meetings/${id}`)).body.includes('Flooding and rough sleepers'), false);
  assert.equal((await pub.json('GET', `/api/meetings/${id}`)).body.includes('Flooding'), false);
  assert.equal((await pub.get('/feeds/published.atom')).body.includes('Flooding'), false);
  const staffPage = pageText((await officer.get(`/meetings/${id}`)).body);
  assert.match(staffPage, /Flooding and rough sleepers Late: not yet published/);
  assert.match(staffPage, /Publish a supplementary agenda \(1 late item or paper\)/);
  // The item on the published agenda cannot be renamed silently, nor removed.
  const [late] = (await itemsOf(t, id)).filter((i) => i.title === 'Flooding and rough sleepers');
  const original = (await itemsOf(t, id)).find((i) => i.code === 'A1')!;
  const rename = await officer.json('PUT', `/api/meetings/${id}/items/${original.id}`, { sectionId: sections.A, title: 'Welcome' });
  assert.equal(rename.statusCode, 409);
  assert.match(rename.json().detail, /on the published agenda/);
  assert.equal((await officer.json('DELETE', `/api/meetings/${id}/items/${original.id}`)).statusCode, 409);

  assert.equal((await officer.post(`/meetings/${id}/publish/supplement`, {})).statusCode, 303);
  const publicPage = pageText((await pub.get(`/meetings/${id}`)).body);
  assert.match(publicPage, /Flooding and rough sleepers Supplementary/);
  assert.match(publicPage, /Supplementary agenda 1 published on/);
  const api = (await pub.json('GET', `/api/meetings/${id}`)).json();
  const apiItem = api.agenda.sections.flatMap((s: { items: { id: string; supplement: number | null }[] }) => s.items).find((i: { id: string }) => i.id === late!.id);
  assert.equal(apiItem.supplement, 1);
  assert.deepEqual(api.publications.map((p: { kind: string }) => p.kind), ['agenda', 'supplement']);
  const feed = (await pub.get('/feeds/published.atom')).body;
  assert.match(feed, /<title>Supplementary agenda 1: Harbour Safety Partnership, 14 October 2031<\/title>/);
  assert.match(feed, /Item B1 Flooding and rough sleepers/);
  const ics = (await pub.get(`/bodies/${bodyId}/meetings.ics`)).body.replace(/\r\n /g, '');
  assert.match(ics, /A supplementary agenda was published on/);
  const pack = await pub.get(`/meetings/${id}/agenda-pack.pdf`);
  assert.equal(pack.statusCode, 200);
});

test('the agenda is withdrawn only with a reason, which the public sees, and can be published again', async () => {
  const bodyId = await buildBody(t, 'Moorland Safety Partnership');
  const id = await schedule(bodyId, '2031-11-11');
  await officer.post(`/meetings/${id}/publish-agenda`, { confirm_warnings: 'yes' });
  await officer.get(`/meetings/${id}/withdraw/agenda`);
  const noReason = await officer.post(`/meetings/${id}/withdraw/agenda`, { reason: '' });
  assert.equal(noReason.statusCode, 400);
  assert.match(pageText(noReason.body), /Enter why the agenda is being withdrawn/);
  assert.equal((await officer.post(`/meetings/${id}/withdraw/agenda`, { reason: 'Published with the wrong venue' })).statusCode, 303);
  const page = pageText((await pub.get(`/meetings/${id}`)).body);
  assert.match(page, /Agenda withdrawn on .*: Published with the wrong venue/);
  assert.match(page, /The agenda has not been published yet/);
  assert.match((await pub.get('/feeds/published.atom')).body, /<title>Agenda withdrawn: Moorland Safety Partnership, 11 November 2031<\/title>/);
  assert.equal((await officer.json('POST', `/api/meetings/${id}/publish-agenda`, { confirmWarnings: true })).statusCode, 200);
  assert.deepEqual(
    (await pub.json('GET', `/api/meetings/${id}`)).json().publications.map((p: { kind: string; reason: string | null }) => [p.kind, p.reason]),
    [['agenda', null], ['agenda-withdrawn', 'Published with the wrong venue'], ['agenda', null]],
  );
});

test('published minutes keep their numbers: renumbering is refused and not offered; changes are amendments shown publicly and in the feed', async () => {
  const bodyId = await buildBody(t, 'Valley Safety Partnership');
  const id = await schedule(bodyId, '2024-06-11');
  const sections = await sectionsOf(t, id);
  await officer.post(`/meetings/${id}/items/new`, { section_id: sections.B!, title: 'Anti-social behaviour' });
  for (const step of ['publish-agenda', 'held', 'start-minutes']) assert.equal((await officer.post(`/meetings/${id}/${step}`, { confirm_warnings: 'yes' })).statusCode, 303, step);
  const items = await itemsOf(t, id);
  const business = items.find((i) => i.title === 'Anti-social behaviour')!;
  // The check page lists the empty business item as an error and offers no button.
  const check = pageText((await officer.get(`/meetings/${id}/publish/minutes`)).body);
  assert.match(check, /1 problem to put right before publishing/);
  assert.match(check, /Item B1 \(Anti-social behaviour\), has no minutes text or resolution/);
  assert.match(check, /You cannot publish until the problems above are put right/);
  assert.equal((await officer.post(`/meetings/${id}/publish/minutes`, { confirm_warnings: 'yes' })).statusCode, 400);
  assert.equal((await pub.json('GET', `/api/meetings/${id}`)).json().minutes, null);

  await officer.post(`/meetings/${id}/items/${business.id}/paragraphs`, { text: 'The inspector reported a fall in incidents.' });
  assert.equal((await officer.post(`/meetings/${id}/publish/minutes`, { confirm_warnings: 'yes' })).statusCode, 303);
  const numbers = (await itemsOf(t, id)).map((i) => i.minute_number);

  // Not offered, and refused on every path; adding an item is refused too.
  assert.equal((await officer.get(`/meetings/${id}`)).body.includes('Renumber the minutes'), false);
  assert.equal((await officer.post(`/meetings/${id}/start-minutes`, {})).statusCode, 400);
  const api = await officer.json('POST', `/api/meetings/${id}/start-minutes`, {});
  assert.equal(api.statusCode, 409);
  assert.match(api.json().detail, /published, so their numbers are fixed/);
  assert.equal((await officer.json('POST', `/api/meetings/${id}/items`, { sectionId: sections.B, title: 'Any other business' })).statusCode, 409);
  assert.deepEqual((await itemsOf(t, id)).map((i) => i.minute_number), numbers);

  // A direct edit is refused; an amendment is recorded and shown.
  const paragraph = await t.database.db.selectFrom('minute_paragraphs').select('id').where('agenda_item_id', '=', business.id).executeTakeFirstOrThrow();
  assert.equal((await officer.json('PUT', `/api/meetings/${id}/paragraphs/${paragraph.id}`, { text: 'Changed quietly.' })).statusCode, 409);
  await officer.get(`/meetings/${id}/paragraphs/${paragraph.id}/amend`);
  const amended = await officer.post(`/meetings/${id}/paragraphs/${paragraph.id}/amend`, { text: 'The inspector reported a 12% fall in incidents.', reason: 'The figure was left out' });
  assert.equal(amended.statusCode, 303);
  const page = pageText((await pub.get(`/meetings/${id}`)).body);
  assert.match(page, /Amendments .*Gwen Abernethy: The figure was left out\. Was: “The inspector reported a fall in incidents\.”\. Now: “The inspector reported a 12% fall in incidents\.”/);
  const feed = (await pub.get('/feeds/published.atom')).body;
  assert.match(feed, /<title>Minutes amended: Valley Safety Partnership, 11 June 2024<\/title>/);
  const meeting = await t.database.db.selectFrom('meetings').select(['minutes_amended_at', 'minutes_published_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const entry = /<entry>\s*<id>[^<]*#minutes<\/id>[\s\S]*?<updated>([^<]+)<\/updated>/.exec(feed.slice(feed.indexOf(`/meetings/${id}#minutes`) - 200));
  assert.equal(entry?.[1], meeting.minutes_amended_at!.toISOString());
  const ics = (await pub.get(`/bodies/${bodyId}/meetings.ics`)).body.replace(/\r\n /g, '');
  assert.match(ics, /The minutes were amended on/);

  // Withdrawn with a reason, the numbers still stand.
  assert.equal((await officer.post(`/meetings/${id}/withdraw/minutes`, { reason: 'A name was published in error' })).statusCode, 303);
  assert.match(pageText((await pub.get(`/meetings/${id}`)).body), /Minutes withdrawn on .*: A name was published in error/);
  assert.equal((await officer.json('POST', `/api/meetings/${id}/start-minutes`, {})).statusCode, 409);
  assert.deepEqual((await itemsOf(t, id)).map((i) => i.minute_number), numbers);
});
