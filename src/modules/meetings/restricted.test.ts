// Papers and restricted business: uploads are checked and kept byte for byte; section D
// items, their papers, minutes and declarations reach only readers the policy entitles,
// on every path (meeting page, item page, API, paper download), and each read is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, buildDocx, buildPdf, itemId, multipartBody, personId, redirectedId, sectionsOf } from './testing.ts';

let t: TestApp;
let officer: Client;
let bodyId: string;
let meetingId: string;
let openItem: string;
let secretItem: string;
let openPaper: Uint8Array;
let secretPaper: Uint8Array;

// Words that appear only in restricted content: none may ever reach the public.
const SECRET = ['Kestrel', 'KESTREL-PAPER-TEXT', 'kestrel-chronology', 'Chronologies from five agencies', 'that the Kestrel briefing be noted', 'Sits on the Kestrel panel'];

async function upload(client: Client, meeting: string, item: string, fields: Record<string, string>, file: { name: string; type: string; bytes: Uint8Array } | null, api = false) {
  const page = await client.get(`/meetings/${meeting}/items/${item}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartBody({ _csrf: csrf, ...fields }, file);
  return t.app.inject({
    method: 'POST', url: api ? `/api/meetings/${meeting}/items/${item}/papers` : `/meetings/${meeting}/items/${item}/papers`, payload,
    headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType },
  });
}

const paperCount = async () => Number((await t.database.db.selectFrom('papers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const paperIds = async (item: string) => (await t.database.db.selectFrom('papers').select(['id', 'title']).where('agenda_item_id', '=', item).orderBy('created_at').execute());

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, 'Westvale Partnership Board');
  // The panel member is granted this body's restricted business; the other member is not.
  const panelUser = await t.database.db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
  await t.database.db.insertInto('access_grants').values({ partnership_id: t.partnershipId, user_id: panelUser.id, scope_kind: 'body', scope_id: bodyId }).execute();

  await officer.get(`/bodies/${bodyId}/meetings/new`);
  meetingId = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '10', 'meets_on-month': '3', 'meets_on-year': '2022', starts_at: '10:00', format: 'online',
  }));
  const sections = await sectionsOf(t, meetingId);
  await officer.post(`/meetings/${meetingId}/items/new`, { section_id: sections.B!, title: 'Road safety strategy update' });
  await officer.post(`/meetings/${meetingId}/items/new`, { section_id: sections.D!, title: 'Review of the death of Kestrel 2020' });
  openItem = await itemId(t, meetingId, 'B1');
  secretItem = await itemId(t, meetingId, 'D1');
  openPaper = await buildPdf(['Road safety strategy: casualties fell by a tenth.'], 2);
  secretPaper = await buildPdf(['KESTREL-PAPER-TEXT: chronologies and panel findings.']);
});
after(async () => { await t.close(); });

test('a PDF paper is checked, kept byte for byte with its SHA-256, and downloads unchanged', async () => {
  const res = await upload(officer, meetingId, openItem, { title: 'Road safety strategy report' }, { name: 'road-safety.pdf', type: 'application/pdf', bytes: openPaper });
  assert.equal(res.statusCode, 303, res.body.slice(0, 500));
  const [paper] = await paperIds(openItem);
  const row = await t.database.db.selectFrom('papers').selectAll().where('id', '=', paper!.id).executeTakeFirstOrThrow();
  assert.equal(row.sha256, createHash('sha256').update(openPaper).digest('hex'));
  assert.equal(row.page_count, 2);
  assert.equal(row.restricted, false);
  const page = pageText((await officer.get(`/meetings/${meetingId}/items/${openItem}`)).body);
  assert.match(page, /Road safety strategy report \(PDF, \d+ KB, 2 pages\)/);
  const download = await officer.get(`/meetings/${meetingId}/papers/${paper!.id}`);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'application/pdf');
  assert.match(String(download.headers['content-disposition']), /attachment; filename="road-safety.pdf"/);
  assert.deepEqual(new Uint8Array(download.rawPayload), openPaper);
});

test('a Word document (.docx) is accepted as a paper', async () => {
  const docx = await buildDocx('Appendix: casualty figures by district.');
  const res = await upload(officer, meetingId, openItem, {}, { name: 'Appendix A.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: docx });
  assert.equal(res.statusCode, 303);
  const papers = await paperIds(openItem);
  assert.equal(papers[1]!.title, 'Appendix A');
});

test('files that are not a readable PDF or Word document are refused, and nothing is stored', async () => {
  const before = await paperCount();
  const cases: [string, { name: string; type: string; bytes: Uint8Array } | null, RegExp][] = [
    ['text', { name: 'notes.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('Just some notes, not a PDF') }, /The selected file must be a PDF or a Word document \(\.docx\)/],
    ['cut short', { name: 'broken.pdf', type: 'application/pdf', bytes: openPaper.slice(0, 300) }, /The selected file is not a readable PDF/],
    ['a zip that is not Word', { name: 'fake.docx', type: 'application/zip', bytes: (await buildDocx('x')).slice(0, 200) }, /not a readable Word document/],
    ['empty', { name: 'empty.pdf', type: 'application/pdf', bytes: new Uint8Array() }, /The selected file is empty/],
    ['none', null, /Select a PDF or Word document to upload/],
  ];
  for (const [label, file, message] of cases) {
    const res = await upload(officer, meetingId, openItem, { title: 'Bad' }, file);
    assert.equal(res.statusCode, 400, label);
    assert.match(pageText(res.body), message, label);
    assert.match(pageText(res.body), /There is a problem/, label);
  }
  assert.equal(await paperCount(), before);
});

test('a paper over 20MB is refused with a message on the same page', async () => {
  const before = await paperCount();
  const big = new Uint8Array(20 * 1024 * 1024 + 10);
  big.set(new TextEncoder().encode('%PDF-1.7\n'));
  const res = await upload(officer, meetingId, openItem, {}, { name: 'huge.pdf', type: 'application/pdf', bytes: big });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /The selected file must be smaller than 20MB/);
  assert.equal(await paperCount(), before);
});

test('an upload without the form’s CSRF token is refused', async () => {
  const { payload, contentType } = multipartBody({}, { name: 'x.pdf', type: 'application/pdf', bytes: openPaper });
  const res = await t.app.inject({ method: 'POST', url: `/meetings/${meetingId}/items/${openItem}/papers`, payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType } });
  assert.equal(res.statusCode, 403);
});

test('a paper on a section D item is restricted, as are its minutes', async () => {
  const res = await upload(officer, meetingId, secretItem, { title: 'Kestrel chronology' }, { name: 'kestrel-chronology.pdf', type: 'application/pdf', bytes: secretPaper });
  assert.equal(res.statusCode, 303);
  const [paper] = await paperIds(secretItem);
  const row = await t.database.db.selectFrom('papers').select('restricted').where('id', '=', paper!.id).executeTakeFirstOrThrow();
  assert.equal(row.restricted, true);
  await officer.post(`/meetings/${meetingId}/items/${secretItem}/declarations`, { person_id: await personId(t, 'Kowalczyk'), interest: 'Sits on the Kestrel panel' });
  // Publish, hold, minute both items, publish the minutes.
  for (const step of ['publish-agenda', 'held', 'start-minutes']) assert.equal((await officer.post(`/meetings/${meetingId}/${step}`, { confirm_warnings: 'yes' })).statusCode, 303, step);
  await officer.post(`/meetings/${meetingId}/items/${openItem}/paragraphs`, { text: 'The strategy was presented; casualties fell by a tenth.' });
  await officer.post(`/meetings/${meetingId}/items/${openItem}/resolutions`, { text: 'to note the road safety update.' });
  await officer.post(`/meetings/${meetingId}/items/${secretItem}/paragraphs`, { text: 'Chronologies from five agencies were discussed.' });
  await officer.post(`/meetings/${meetingId}/items/${secretItem}/resolutions`, { text: 'that the Kestrel briefing be noted.' });
  assert.equal((await officer.post(`/meetings/${meetingId}/publish-minutes`, { confirm_warnings: 'yes' })).statusCode, 303);
});

test('the public view of the published meeting holds no restricted item, text or paper, on the page or in the API', async () => {
  const pub = new Client(t.app);
  const [secret] = await paperIds(secretItem);
  const page = await pub.get(`/meetings/${meetingId}`);
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  assert.match(text, /B1 Road safety strategy update/);
  assert.match(text, /The strategy was presented; casualties fell by a tenth\./);
  assert.match(text, /Draft minutes: not yet approved/);
  for (const s of SECRET) assert.doesNotMatch(page.body, new RegExp(s), s);
  assert.doesNotMatch(page.body, new RegExp(secret!.id));
  assert.doesNotMatch(page.body, new RegExp(secretItem));
  // Only that an item is held without press and public, and under which paragraph.
  assert.match(text, /Item D1 : Held without the press and public\. Exempt under paragraph 1 of Part 1 of Schedule 12A/);

  const api = await pub.json('GET', `/api/meetings/${meetingId}`);
  assert.equal(api.statusCode, 200);
  for (const s of SECRET) assert.doesNotMatch(api.body, new RegExp(s), s);
  assert.doesNotMatch(api.body, new RegExp(secret!.id));
  assert.deepEqual(api.json().agenda.sections.map((s: { code: string; items: unknown[] }) => [s.code, s.items.length > 0]), [['A', true], ['B', true], ['C', true], ['D', false]]);
  assert.deepEqual(api.json().agenda.sections[3].withheldItems, [{ code: 'D1', exemptionParagraph: 1, notice: 'Held without the press and public. Exempt under paragraph 1 of Part 1 of Schedule 12A to the Local Government Act 1972 (information about a particular person).' }]);
  assert.equal(api.json().minutes.draft, true);

  // Every other path answers not found, so even the item's existence does not leak.
  assert.equal((await pub.get(`/meetings/${meetingId}/items/${secretItem}`)).statusCode, 404);
  assert.equal((await pub.get(`/meetings/${meetingId}/papers/${secret!.id}`)).statusCode, 404);
  assert.equal((await pub.json('GET', `/api/meetings/${meetingId}/papers/${secret!.id}`)).statusCode, 404);
  const sections = await pub.json('GET', `/api/meetings/${meetingId}/sections`);
  assert.deepEqual(sections.json().items.map((s: { code: string }) => s.code), ['A', 'B', 'C']);
  const list = await pub.get('/meetings');
  for (const s of SECRET) assert.doesNotMatch(list.body, new RegExp(s), s);

  // The open paper is there for anyone.
  const [open] = await paperIds(openItem);
  const download = await pub.get(`/meetings/${meetingId}/papers/${open!.id}`);
  assert.equal(download.statusCode, 200);
  assert.deepEqual(new Uint8Array(download.rawPayload), openPaper);
});

test('a member without a grant for the body does not see restricted business either', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const [secret] = await paperIds(secretItem);
  const page = await member.get(`/meetings/${meetingId}`);
  for (const s of SECRET) assert.doesNotMatch(page.body, new RegExp(s), s);
  assert.equal((await member.get(`/meetings/${meetingId}/items/${secretItem}`)).statusCode, 404);
  assert.equal((await member.get(`/meetings/${meetingId}/papers/${secret!.id}`)).statusCode, 404);
  const api = await member.json('GET', `/api/meetings/${meetingId}`);
  for (const s of SECRET) assert.doesNotMatch(api.body, new RegExp(s), s);
});

test('a member granted the body reads its restricted business, and each read is audited', async () => {
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  const auditBefore = await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'read').execute();
  const page = await panel.get(`/meetings/${meetingId}`);
  const text = pageText(page.body);
  assert.match(text, /D1 Review of the death of Kestrel 2020/);
  assert.match(text, /Chronologies from five agencies were discussed\./);
  assert.match(text, /RESOLVED that the Kestrel briefing be noted\./);
  assert.match(text, /Restricted: held without the press and public/);
  const item = await panel.get(`/meetings/${meetingId}/items/${secretItem}`);
  assert.equal(item.statusCode, 200);
  assert.match(pageText(item.body), /Restricted item: held without the press and public/);
  const [secret] = await paperIds(secretItem);
  const download = await panel.get(`/meetings/${meetingId}/papers/${secret!.id}`);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['cache-control'], 'private, no-store');
  assert.deepEqual(new Uint8Array(download.rawPayload), secretPaper);
  const api = await panel.json('GET', `/api/meetings/${meetingId}`);
  assert.match(api.body, /Kestrel/);

  const reads = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'read').where('id', 'not in', auditBefore.length ? auditBefore.map((r) => r.id) : [0]).execute();
  assert.ok(reads.some((r) => r.record_type === 'agenda-item' && r.record_id === secretItem && r.actor_label === 'Laura Kowalczyk'));
  assert.ok(reads.some((r) => r.record_type === 'paper' && r.record_id === secret!.id));
  // Unrestricted reads are not audited.
  assert.ok(!reads.some((r) => r.record_id === openItem));
});

test('officers read restricted business too, also audited', async () => {
  const before = Number((await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'read').where('record_id', '=', secretItem).executeTakeFirstOrThrow()).n);
  const page = await officer.get(`/meetings/${meetingId}`);
  assert.match(pageText(page.body), /Kestrel 2020/);
  const afterCount = Number((await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'read').where('record_id', '=', secretItem).executeTakeFirstOrThrow()).n);
  assert.equal(afterCount, before + 1);
});

test('before the agenda is published the public sees the date but no agenda, and no paper', async () => {
  const next = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, { 'meets_on-day': '9', 'meets_on-month': '6', 'meets_on-year': '2022', starts_at: '2pm', format: 'online' }));
  const sections = await sectionsOf(t, next);
  await officer.post(`/meetings/${next}/items/new`, { section_id: sections.B!, title: 'Unpublished draft item about bridges' });
  const item = await itemId(t, next, 'B1');
  await upload(officer, next, item, {}, { name: 'bridges.pdf', type: 'application/pdf', bytes: openPaper });
  const [paper] = await paperIds(item);
  const pub = new Client(t.app);
  const page = pageText((await pub.get(`/meetings/${next}`)).body);
  assert.match(page, /Meeting on Thursday 9 June 2022/);
  assert.match(page, /The agenda has not been published yet/);
  assert.doesNotMatch(page, /bridges/);
  assert.equal((await pub.json('GET', `/api/meetings/${next}`)).json().agenda, null);
  assert.equal((await pub.get(`/meetings/${next}/papers/${paper!.id}`)).statusCode, 404);
  assert.equal((await pub.get(`/meetings/${next}/items/${item}`)).statusCode, 404);
  // Members see the draft agenda, marked as a draft.
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.match(pageText((await member.get(`/meetings/${next}`)).body), /Draft agenda: not yet published\. .*Unpublished draft item about bridges/);
});

test('moving an item into section D makes it and its papers restricted', async () => {
  const next = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, { 'meets_on-day': '1', 'meets_on-month': '9', 'meets_on-year': '2022', starts_at: '10:00', format: 'online' }));
  const sections = await sectionsOf(t, next);
  await officer.post(`/meetings/${next}/items/new`, { section_id: sections.B!, title: 'Exploitation group update' });
  const item = await itemId(t, next, 'B1');
  await upload(officer, next, item, {}, { name: 'exploitation.pdf', type: 'application/pdf', bytes: openPaper });
  await officer.get(`/meetings/${next}/items/${item}/edit`);
  const moved = await officer.post(`/meetings/${next}/items/${item}/edit`, { section_id: sections.D!, title: 'Exploitation group update', kind: 'business', minuted: 'yes' });
  assert.equal(moved.statusCode, 303);
  const row = await t.database.db.selectFrom('agenda_items').select(['code', 'restricted']).where('id', '=', item).executeTakeFirstOrThrow();
  assert.deepEqual(row, { code: 'D1', restricted: true });
  const papers = await t.database.db.selectFrom('papers').select('restricted').where('agenda_item_id', '=', item).execute();
  assert.deepEqual(papers.map((p) => p.restricted), [true]);
  await officer.post(`/meetings/${next}/publish-agenda`, { confirm_warnings: 'yes' });
  assert.doesNotMatch((await new Client(t.app).get(`/meetings/${next}`)).body, /Exploitation group update/);
});

test('the API accepts a paper as multipart or as base64 JSON, with the same checks', async () => {
  // A meeting still being prepared: published minutes take no new papers.
  const sept = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, { 'meets_on-day': '1', 'meets_on-month': '9', 'meets_on-year': '2022', starts_at: '2pm', format: 'online' }));
  await officer.post(`/meetings/${sept}/items/new`, { section_id: (await sectionsOf(t, sept)).B!, title: 'Road safety plan' });
  const meetingId = sept;
  const openItem = await itemId(t, sept, 'B1');
  const api = await upload(officer, meetingId, openItem, { title: 'Via API' }, { name: 'api.pdf', type: 'application/pdf', bytes: openPaper }, true);
  assert.equal(api.statusCode, 201, api.body);
  assert.equal(api.json().title, 'Via API');
  assert.equal(api.json().sha256, createHash('sha256').update(openPaper).digest('hex'));
  const json = await officer.json('POST', `/api/meetings/${meetingId}/items/${openItem}/papers`, { fileName: 'json.pdf', contentBase64: Buffer.from(openPaper).toString('base64') });
  assert.equal(json.statusCode, 201);
  assert.equal(json.json().title, 'json');
  const bad = await officer.json('POST', `/api/meetings/${meetingId}/items/${openItem}/papers`, { fileName: 'bad.pdf', contentBase64: Buffer.from('hello').toString('base64') });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().errors[0].field, 'file');
  assert.match(bad.json().errors[0].message, /must be a PDF or a Word document/);
  const member = await new Client(t.app).signIn(demoUsers.member);
  const refused = await member.json('POST', `/api/meetings/${meetingId}/items/${openItem}/papers`, { fileName: 'm.pdf', contentBase64: Buffer.from(openPaper).toString('base64') });
  assert.equal(refused.statusCode, 403);
});

test('an upload from someone who may not change meetings is refused before the file is read', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const res = await upload(member, meetingId, openItem, {}, { name: 'm.pdf', type: 'application/pdf', bytes: openPaper });
  assert.equal(res.statusCode, 403);
  const pub = await upload(new Client(t.app), meetingId, openItem, {}, { name: 'p.pdf', type: 'application/pdf', bytes: openPaper });
  assert.equal(pub.statusCode, 302);
  assert.match(String(pub.headers.location), /^\/sign-in/);
});

test('search finds the published meeting’s business and never its restricted business, except for readers entitled to it', async () => {
  const search = async (client: Client, q: string) => (await client.json('GET', `/api/search?q=${encodeURIComponent(q)}`)).json();
  const pub = new Client(t.app);
  const open = await search(pub, 'casualties');
  assert.ok(open.results.some((r: { kind: string; url: string }) => r.kind === 'minute-paragraph' && r.url === `/meetings/${meetingId}/items/${openItem}`), JSON.stringify(open));
  assert.ok(open.results.some((r: { kind: string }) => r.kind === 'paper'), 'the paper’s text is searchable');
  for (const q of ['Kestrel', 'chronologies', 'KESTREL-PAPER-TEXT']) {
    assert.equal((await search(pub, q)).total, 0, q);
    // The demo member sits on the demo board (whose restricted business they read), not on this body.
    const forMember = await search(await new Client(t.app).signIn(demoUsers.member), q);
    assert.deepEqual(forMember.results.filter((r: { url: string }) => r.url.includes(meetingId)), [], q);
  }
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  const found = await search(panel, 'Kestrel');
  assert.ok(found.total > 0);
  assert.ok(found.results.every((r: { restricted: boolean }) => r.restricted));
});
