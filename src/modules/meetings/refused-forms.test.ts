// Pages that would offer a form the server refuses say why instead, and lead to what
// does work: a resolution approving another meeting's minutes is corrected by amending
// those minutes, and draft minutes are changed directly rather than amended.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, agendaItems } from './testing.ts';

let t: TestApp;
let officer: Client;
let march: string;
let june: string;
let confirming: string;
let paragraphId: string;
let resolutionId: string;


before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  const bodyId = await buildBody(t, 'Eastmoor Safety Partnership');
  march = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: '2023-03-14', startsAt: '10:00', online: true })).json().id;
  for (const step of ['held', 'start-minutes']) await officer.json('POST', `/api/meetings/${march}/${step}`, {});

  // June's minutes stay in draft; its notes of the last meeting approve March's.
  const next = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: '2023-06-13', startsAt: '10:00', online: true })).json();
  june = next.id;
  const notes = agendaItems(next).find((i) => i.code === 'A4')!;
  for (const step of ['held', 'start-minutes']) await officer.json('POST', `/api/meetings/${june}/${step}`, {});
  const approved = await officer.json('POST', `/api/meetings/${june}/items/${notes.id}/correct-record`, {});
  assert.equal(approved.statusCode, 201, approved.body);
  confirming = approved.json().id;

  const sections = (await officer.json('GET', `/api/meetings/${june}/sections`)).json().items as { code: string; id: string }[];
  const item = (await officer.json('POST', `/api/meetings/${june}/items`, { sectionId: sections.find((s) => s.code === 'B')!.id, title: 'Hate crime update' })).json();
  paragraphId = (await officer.json('POST', `/api/meetings/${june}/items/${item.id}/paragraphs`, { text: 'The update was presented.' })).json().items[0].id;
  resolutionId = (await officer.json('POST', `/api/meetings/${june}/items/${item.id}/resolutions`, { text: 'to note the update.' })).json().id;
});
after(async () => { await t.close(); });

// The page's own content: the header has a menu button of its own.
const mainOf = (body: string) => body.slice(body.indexOf('<main'), body.indexOf('</main>'));

const textOf = async (table: 'minute_paragraphs' | 'resolutions', id: string) =>
  (await t.database.db.selectFrom(table).select('text').where('id', '=', id).executeTakeFirstOrThrow()).text;

test('the page to change a resolution approving another meeting’s minutes offers no form and points to those minutes', async () => {
  const before = await textOf('resolutions', confirming);
  for (const mode of ['edit', 'amend']) {
    const page = await officer.get(`/meetings/${june}/resolutions/${confirming}/${mode}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /<textarea/);
    assert.doesNotMatch(mainOf(page.body), /<form|<button/);
    assert.doesNotMatch(page.body, new RegExp(`action="/meetings/${june}/resolutions/${confirming}/`));
    assert.match(pageText(page.body), /approved the minutes of the meeting held on Tuesday 14 March 2023/);
    assert.match(pageText(page.body), /record an amendment to those minutes/i);
    assert.match(page.body, new RegExp(`href="/meetings/${march}"`));
  }

  // Saving is still refused, and nothing changes. (The meeting page gives the form token.)
  await officer.get(`/meetings/${june}`);
  const save = await officer.post(`/meetings/${june}/resolutions/${confirming}/edit`, { text: 'to approve something else.' });
  assert.equal(save.statusCode, 400);
  assert.match(pageText(save.body), /approved the minutes of another meeting\. Record an amendment to those minutes instead/);
  assert.equal(await textOf('resolutions', confirming), before);
});

for (const [path, label, text] of [['paragraphs', 'paragraph', 'The update was presented.'], ['resolutions', 'resolution', 'to note the update.']] as const) {
  test(`the page to amend a ${label} of draft minutes offers no form and points to changing it directly`, async () => {
    const id = path === 'paragraphs' ? paragraphId : resolutionId;
    const page = await officer.get(`/meetings/${june}/${path}/${id}/amend`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /<textarea/);
    assert.doesNotMatch(mainOf(page.body), /<form|<button/);
    assert.doesNotMatch(page.body, new RegExp(`action="/meetings/${june}/${path}/${id}/amend"`));
    assert.match(pageText(page.body), /minutes of this meeting are still an unpublished draft/);
    assert.match(page.body, new RegExp(`href="/meetings/${june}/${path}/${id}/edit"`));

    // Amending is still refused, and nothing changes.
    await officer.get(`/meetings/${june}`);
    const save = await officer.post(`/meetings/${june}/${path}/${id}/amend`, { text: 'Quietly rewritten.', reason: 'A typing error' });
    assert.equal(save.statusCode, 400);
    assert.match(pageText(save.body), /not published or approved yet: change the draft directly/);
    assert.equal(await textOf(path === 'paragraphs' ? 'minute_paragraphs' : 'resolutions', id), text);
    const amendments = await t.database.db.selectFrom('minute_amendments').select('id').where('record_id', '=', id).execute();
    assert.equal(amendments.length, 0);
  });
}
