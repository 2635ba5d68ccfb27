// Removing part of a meeting's record, or disabling a user, is asked first: the page's
// link leads to a confirmation page that changes nothing; only its button removes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, buildPdf, itemId, multipartBody, personId, redirectedId, sectionsOf } from './testing.ts';

let t: TestApp;
let officer: Client;
let meeting: string;

const count = async (table: 'agenda_items' | 'minute_paragraphs' | 'papers' | 'meeting_attendance' | 'resolutions') =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('meeting_id', '=', meeting).executeTakeFirstOrThrow()).n);

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  const body = await buildBody(t, 'Southmoor Community Safety Partnership');
  await officer.get(`/bodies/${body}/meetings/new`);
  const res = await officer.post(`/bodies/${body}/meetings/new`, { 'meets_on-day': '8', 'meets_on-month': '7', 'meets_on-year': '2021', starts_at: '10am', format: 'online' });
  assert.equal(res.statusCode, 303);
  meeting = redirectedId(res);
  const sections = await sectionsOf(t, meeting);
  for (const title of ['Shop theft', 'Street lighting']) {
    assert.equal((await officer.post(`/meetings/${meeting}/items/new`, { section_id: sections.B!, title, kind: 'business', minuted: 'yes' })).statusCode, 303);
  }
  // The meeting was held and its minutes are in draft: set here directly, as other tests cover those steps.
  await t.database.db.updateTable('meetings').set({ status: 'minutes-draft' }).where('id', '=', meeting).execute();
});
after(async () => { await t.close(); });

/** The confirmation page: it asks, names the thing, and offers the button and a way back. */
async function confirmPage(client: Client, url: string, question: RegExp) {
  const page = await client.get(url);
  assert.equal(page.statusCode, 200, url);
  const text = pageText(page.body);
  assert.match(text, question);
  assert.match(page.body, new RegExp(`<form method="post" action="${url}"`));
  assert.match(text, /No, go back/);
  return text;
}

test('an agenda item is removed only after the clerk confirms', async () => {
  const item = await itemId(t, meeting, 'B2');
  const before = await count('agenda_items');
  const itemPage = await officer.get(`/meetings/${meeting}/items/${item}`);
  assert.match(itemPage.body, new RegExp(`href="/meetings/${meeting}/items/${item}/remove"`), 'the item page links to the confirmation');
  await confirmPage(officer, `/meetings/${meeting}/items/${item}/remove`, /Are you sure you want to remove item B2, “Street lighting”\?.*Yes, remove the item/);
  assert.equal(await count('agenda_items'), before, 'asking changes nothing');
  const res = await officer.post(`/meetings/${meeting}/items/${item}/remove`, {});
  assert.equal(res.statusCode, 303);
  assert.equal(await count('agenda_items'), before - 1);
});

test('a paper, a paragraph, a resolution and a line of the attendance each have their confirmation page', async () => {
  const item = await itemId(t, meeting, 'B1');
  // A paper
  const form = await officer.get(`/meetings/${meeting}/items/${item}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const { payload, contentType } = multipartBody({ _csrf: csrf, title: 'Shop theft report' }, { name: 'report.pdf', type: 'application/pdf', bytes: await buildPdf(['Shop theft report']) });
  const uploaded = await t.app.inject({ method: 'POST', url: `/meetings/${meeting}/items/${item}/papers`, payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType } });
  assert.equal(uploaded.statusCode, 303, pageText(uploaded.body).slice(0, 400));
  const paper = await t.database.db.selectFrom('papers').select('id').where('meeting_id', '=', meeting).executeTakeFirstOrThrow();
  await confirmPage(officer, `/meetings/${meeting}/papers/${paper.id}/remove`, /Are you sure you want to remove the paper “Shop theft report”\?/);
  assert.equal(await count('papers'), 1);
  assert.equal((await officer.post(`/meetings/${meeting}/papers/${paper.id}/remove`, {})).statusCode, 303);
  assert.equal(await count('papers'), 0);

  // A paragraph and a resolution of the minutes
  assert.equal((await officer.post(`/meetings/${meeting}/items/${item}/paragraphs`, { text: 'Members discussed the rise in shop theft.' })).statusCode, 303);
  assert.equal((await officer.post(`/meetings/${meeting}/items/${item}/resolutions`, { text: 'to note the report.' })).statusCode, 303);
  const paragraph = await t.database.db.selectFrom('minute_paragraphs').select('id').where('meeting_id', '=', meeting).executeTakeFirstOrThrow();
  const resolution = await t.database.db.selectFrom('resolutions').select('id').where('meeting_id', '=', meeting).executeTakeFirstOrThrow();
  const itemPage = await officer.get(`/meetings/${meeting}/items/${item}`);
  assert.match(itemPage.body, new RegExp(`href="/meetings/${meeting}/paragraphs/${paragraph.id}/remove"`));
  await confirmPage(officer, `/meetings/${meeting}/paragraphs/${paragraph.id}/remove`, /Are you sure you want to remove paragraph 1 of the minutes of item B1, “Shop theft”\? It reads: “Members discussed the rise in shop theft\.”/);
  await confirmPage(officer, `/meetings/${meeting}/resolutions/${resolution.id}/remove`, /Are you sure you want to remove the resolution .*of the minutes of item B1/);
  assert.equal(await count('minute_paragraphs'), 1);
  assert.equal(await count('resolutions'), 1);
  assert.equal((await officer.post(`/meetings/${meeting}/paragraphs/${paragraph.id}/remove`, {})).statusCode, 303);
  assert.equal(await count('minute_paragraphs'), 0);

  // A line of the attendance
  await officer.get(`/meetings/${meeting}/attendance`);
  assert.equal((await officer.post(`/meetings/${meeting}/attendance`, { person_id: await personId(t, 'Kellaway'), kind: 'apologies' })).statusCode, 303);
  const line = await t.database.db.selectFrom('meeting_attendance').select('id').where('meeting_id', '=', meeting).executeTakeFirstOrThrow();
  const attendance = await officer.get(`/meetings/${meeting}/attendance`);
  assert.match(attendance.body, new RegExp(`href="/meetings/${meeting}/attendance/${line.id}/remove"`));
  await confirmPage(officer, `/meetings/${meeting}/attendance/${line.id}/remove`, /Are you sure you want to remove .*Kellaway.* from the attendance\? They are recorded under “Apologies”/);
  assert.equal(await count('meeting_attendance'), 1);
  assert.equal((await officer.post(`/meetings/${meeting}/attendance/${line.id}/remove`, {})).statusCode, 303);
  assert.equal(await count('meeting_attendance'), 0);
});

test('members and the public get no confirmation page, and unknown records are not found', async () => {
  const item = await itemId(t, meeting, 'B1');
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get(`/meetings/${meeting}/items/${item}/remove`)).statusCode, 403);
  assert.notEqual((await new Client(t.app).get(`/meetings/${meeting}/items/${item}/remove`)).statusCode, 200);
  assert.equal((await officer.get(`/meetings/${meeting}/papers/00000000-0000-4000-8000-000000000000/remove`)).statusCode, 404);
});

test('disabling a user is confirmed on its own page first', async () => {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  const user = await t.database.db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
  const page = await admin.get(`/admin/users/${user.id}`);
  assert.match(page.body, new RegExp(`href="/admin/users/${user.id}/disable"`));
  await confirmPage(admin, `/admin/users/${user.id}/disable`, /Are you sure you want to disable .*\? .* will not be able to sign in/);
  const row = () => t.database.db.selectFrom('partnership_users').select('disabled_at').where('user_id', '=', user.id).executeTakeFirstOrThrow();
  assert.equal((await row()).disabled_at, null, 'asking changes nothing');
  assert.equal((await admin.post(`/admin/users/${user.id}/disable`, {})).statusCode, 303);
  assert.notEqual((await row()).disabled_at, null);
});
