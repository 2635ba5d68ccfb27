// Once minutes are approved, the pages to change a paragraph or a resolution say so
// and lead to the amendment form, rather than offering an edit that saving refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, agendaItems } from './testing.ts';

let t: TestApp;
let officer: Client;
let meetingId: string;
let paragraphId: string;
let resolutionId: string;


before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  const bodyId = await buildBody(t, 'Westbrook Safety Partnership');
  const first = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: '2023-03-14', startsAt: '10:00', online: true })).json();
  meetingId = first.id;
  const sections = (await officer.json('GET', `/api/meetings/${meetingId}/sections`)).json().items as { code: string; id: string }[];
  const item = (await officer.json('POST', `/api/meetings/${meetingId}/items`, { sectionId: sections.find((s) => s.code === 'B')!.id, title: 'Anti-social behaviour update' })).json();
  for (const step of ['held', 'start-minutes']) await officer.json('POST', `/api/meetings/${meetingId}/${step}`, {});
  paragraphId = (await officer.json('POST', `/api/meetings/${meetingId}/items/${item.id}/paragraphs`, { text: 'The update was presented.' })).json().items[0].id;
  resolutionId = (await officer.json('POST', `/api/meetings/${meetingId}/items/${item.id}/resolutions`, { text: 'to note the update.' })).json().id;

  // The next meeting approves these minutes, which locks them.
  const next = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: '2023-06-13', startsAt: '10:00', online: true })).json();
  const notes = agendaItems(next).find((i) => i.code === 'A4')!;
  for (const step of ['held', 'start-minutes']) await officer.json('POST', `/api/meetings/${next.id}/${step}`, {});
  const approved = await officer.json('POST', `/api/meetings/${next.id}/items/${notes.id}/correct-record`, {});
  assert.equal(approved.statusCode, 201, approved.body);
});
after(async () => { await t.close(); });

for (const [path, label, text] of [['paragraphs', 'paragraph', 'The update was presented.'], ['resolutions', 'resolution', 'to note the update.']] as const) {
  test(`the page to change a ${label} of approved minutes offers no form and points to an amendment`, async () => {
    const id = path === 'paragraphs' ? paragraphId : resolutionId;
    const page = await officer.get(`/meetings/${meetingId}/${path}/${id}/edit`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /<textarea/);
    assert.doesNotMatch(page.body, new RegExp(`action="/meetings/${meetingId}/${path}/${id}/edit"`));
    assert.match(pageText(page.body), /approved as a correct record on .* and are locked/);
    assert.match(page.body, new RegExp(`href="/meetings/${meetingId}/${path}/${id}/amend"`));

    // Saving is still refused, and nothing changes. (The account page gives the form token: a locked meeting's page has no form.)
    await officer.get('/account');
    const save = await officer.post(`/meetings/${meetingId}/${path}/${id}/edit`, { text: 'Quietly rewritten.' });
    assert.equal(save.statusCode, 400, pageText(save.body).slice(0, 300));
    assert.match(pageText(save.body), /are locked\. Record an amendment instead/);
    const table = path === 'paragraphs' ? 'minute_paragraphs' : 'resolutions';
    const row = await t.database.db.selectFrom(table).select('text').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.text, text);
  });
}
