import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsDir } from '../../db/migrate.ts';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { formOf, jobIdOf, uploadThroughApi, uploadThroughPage, waitForJob, workingGroupMinutes } from './testing/imports.ts';
import * as docs from './testing/documents.ts';

let t: TestApp;
let officer: Client;
let workingGroupId: string;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  workingGroupId = (await t.database.db.selectFrom('bodies').select('id').where('name', '=', 'Working Group').executeTakeFirstOrThrow()).id;
});
after(() => t.close());

const count = async (table: 'documents' | 'imports' | 'meetings' | 'people' | 'actions' | 'jobs') =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

/** The Working Group's minutes as of another date, with their own minute numbers (201-205 becomes first..first+4). */
const minutesOf = (date: string, first: number, extra: (text: string) => string = (x) => x) =>
  extra(workingGroupMinutes.replace(/Wednesday 12 March 2025/g, date).replace(/^20([1-5])\./gm, (_m, d: string) => `${first + Number(d) - 1}.`));

/** Uploads through the page and waits, as the clerk would on the progress page, for the draft. */
async function importOne(name: string, bytes: string | Uint8Array) {
  const res = await uploadThroughPage(t.app, officer, [{ name, bytes }]);
  assert.equal(res.statusCode, 303, res.body.slice(0, 500));
  const job = await waitForJob(officer, jobIdOf(res.headers.location));
  assert.equal(job.files[0]!.status, 'read', JSON.stringify(job.files[0]));
  return job.files[0]!.importId!;
}

test('an officer uploads minutes, checks the draft beside its source text, corrects it and accepts it: the meeting is in the meetings module', { timeout: 120_000 }, async () => {
  const id = await importOne('working-group-2025-03-12.txt', workingGroupMinutes);
  const page = await officer.get(`/imports/${id}`);
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  assert.match(text, /Source text .*NORTHSHIRE COMMUNITY SAFETY PARTNERSHIP WORKING GROUP/, 'the extracted text is shown');
  assert.match(text, /Linked to Ms Priya Ramaswamy/, 'a person of the record is recognised under another honorific');
  assert.match(text, /Linked to Northshire Police/, 'an organisation owning an action is recognised');
  assert.match(text, /Add Mr O Pendleford as a new person/, 'a name not in the record can be confirmed as a new person');
  assert.match(page.body, /<option value="[^"]+" selected>Working Group<\/option>/, 'the body named in the document is chosen');

  const form = formOf(page.body, `/imports/${id}`);
  assert.equal(form['m0-i2-minute'], '203');
  assert.equal(form['m0-i4-restricted'], 'yes', 'the private part is read as held in private');
  // The clerk corrects a title and a due date, confirms the new person, and accepts.
  const people = await count('people');
  const res = await officer.post(`/imports/${id}`, {
    ...form, 'm0-i3-title': 'Shop theft: partnership scheme', 'm0-i2-x0-due-day': '4', 'm0-i2-x0-due-month': '4', 'm0-i2-x0-due-year': '2025',
    new_person: 'o pendleford', intent: 'accept',
  });
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 1500));
  const meetingUrl = String(res.headers.location);
  assert.match(meetingUrl, /^\/meetings\/[0-9a-f-]{36}$/);
  assert.equal(await count('people'), people + 1, 'one new person');

  const meeting = await officer.get(meetingUrl);
  const m = pageText(meeting.body);
  assert.match(m, /Import accepted: 1 meeting created, and 1 new person/);
  assert.match(m, /Working Group .*12 March 2025/);
  assert.match(m, /Minutes in draft/);
  for (const title of ['Apologies and substitutes', 'Notes of the last meeting', 'Night-time economy patrols', 'Shop theft: partnership scheme', 'Exploitation subgroup update']) {
    assert.ok(m.includes(title), `item ${title}`);
  }
  assert.match(m, /Present .*Ms Priya Ramaswamy/);
  assert.match(m, /Mr O Pendleford/);
  assert.match(m, /Apologies .*Dr Fiona Whitlock/);
  assert.match(m, /RESOLVED to endorse the patrol pattern for a three month trial/);
  assert.match(m, /twelve retailers had joined the scheme/, 'minute paragraphs');

  // The same record through the meetings API: codes, minute numbers as printed, private item.
  const meetingId = meetingUrl.split('/').pop()!;
  const api = (await officer.json('GET', `/api/meetings/${meetingId}`)).json();
  const items = api.agenda.sections.flatMap((s: { items: unknown[] }) => s.items) as { code: string; minuteNumber: number | null; title: string; restricted: boolean }[];
  assert.deepEqual(items.map((i) => [i.code, i.minuteNumber]), [['A1', 201], ['A2', 202], ['B1', 203], ['B2', 204], ['D1', 205]]);
  assert.equal(items.find((i) => i.code === 'D1')!.restricted, true);

  // Actions: one owned by the new person (due as corrected), one by the organisation.
  const actions = await t.database.db.selectFrom('actions').selectAll().where('meeting_id', '=', meetingId).orderBy('due_on').execute();
  assert.deepEqual(actions.map((a) => a.due_on), ['2025-04-04', '2025-06-30']);
  assert.ok(actions[0]!.owner_person_id && !actions[0]!.owner_organisation_id);
  assert.ok(actions[1]!.owner_organisation_id, 'Northshire Police owns the second action');
  assert.equal(actions[0]!.source_kind, 'minute-paragraph', 'the action keeps the paragraph it came from');

  // The draft records what it became.
  const done = pageText((await officer.get(`/imports/${id}`)).body);
  assert.match(done, /Accepted on .* It became: Working Group, Wednesday 12 March 2025/);
  const again = await officer.post(`/imports/${id}`, { ...form, intent: 'accept' });
  assert.equal(again.statusCode, 400);
  assert.match(pageText(again.body), /This import was accepted on .*; its meetings are in the meetings module/, 'a draft is accepted once');

  // The original's text is searchable by the clerk's team, leading back to the import; its
  // private part ("a confidential update") reaches no one else, nor does the filter for it.
  const found = (await officer.json('GET', `/api/search?q=${encodeURIComponent('"confidential update"')}&kind=original`)).json();
  assert.deepEqual(found.results.map((r: { title: string; url: string }) => [r.title, r.url]), [['working-group-2025-03-12.txt (imported original)', `/imports/${id}`]]);
  assert.match(found.results[0].snippetHtml, /<mark>confidential<\/mark> <mark>update<\/mark>/);
  const member = await new Client(t.app).signIn(demoUsers.member);
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  for (const reader of [member, panel, new Client(t.app)]) {
    const answer = (await reader.json('GET', `/api/search?q=${encodeURIComponent('confidential update')}`)).json();
    assert.ok(!answer.results.some((r: { url: string }) => r.url.startsWith('/imports/')), JSON.stringify(answer.results));
    assert.doesNotMatch(pageText((await reader.get('/search?q=scheme')).body), /Imported originals/);
  }
  assert.match(pageText((await officer.get('/search?q=scheme')).body), /Imported originals/);

  // Imports accepted before originals were searchable are indexed by migration 008 the same way.
  const entry = () => t.database.db.selectFrom('search_entries').select(['body_id', 'meeting_id', 'occurred_on', 'title', 'content', 'url', 'restricted', 'public'])
    .where('kind', '=', 'original').where('record_id', '=', id).executeTakeFirst();
  const indexed = await entry();
  assert.equal(indexed?.meeting_id, meetingId);
  assert.equal(indexed?.occurred_on, '2025-03-12');
  await t.database.db.deleteFrom('search_entries').where('kind', '=', 'original').where('record_id', '=', id).execute();
  await t.database.execScript(readFileSync(join(migrationsDir, '008_search_originals.sql'), 'utf8'));
  assert.deepEqual(await entry(), indexed);
});

test('a failure while accepting changes nothing and says what to fix', { timeout: 120_000 }, async () => {
  const id = await importOne('working-group-2025-04-09.txt', minutesOf('Wednesday 9 April 2025', 301));
  const form = formOf((await officer.get(`/imports/${id}`)).body, `/imports/${id}`);
  const before = { meetings: await count('meetings'), people: await count('people'), actions: await count('actions') };
  // The new person is confirmed, but an action's owner is neither in the record nor confirmed:
  // the meeting, its items and the new person were written before the action failed, and are undone.
  const res = await officer.post(`/imports/${id}`, {
    ...form, 'm0-i2-minute': '313', 'm0-i2-x0-owner': 'Ms Q Unlisted', 'm0-i2-x0-due-day': '1', 'm0-i2-x0-due-month': '5', 'm0-i2-x0-due-year': '2025',
    new_person: 'o pendleford', intent: 'accept',
  });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /There is a problem .*Ms Q Unlisted is not a person or organisation in the record\. Tick “Add Ms Q Unlisted as a new person”/);
  assert.deepEqual({ meetings: await count('meetings'), people: await count('people'), actions: await count('actions') }, before, 'nothing was written');
  // The corrections were kept, so the clerk can fix the one problem and accept.
  const form2 = formOf(res.body, `/imports/${id}`);
  assert.equal(form2['m0-i2-minute'], '313');
  const ok = await officer.post(`/imports/${id}`, { ...form2, new_person: ['o pendleford', 'q unlisted'], intent: 'accept' });
  assert.equal(ok.statusCode, 303, pageText(ok.body).slice(0, 1200));
  assert.equal(await count('meetings'), before.meetings + 1);
});

test('every problem the clerk can fix is reported at once, not one per attempt', { timeout: 120_000 }, async () => {
  const id = await importOne('working-group-2025-05-14.txt', minutesOf('Wednesday 14 May 2025', 401));
  const form = formOf((await officer.get(`/imports/${id}`)).body, `/imports/${id}`);
  const before = await count('meetings');
  // Two minutes given one number, and an action's owner not in the record: both said on one page.
  const res = await officer.post(`/imports/${id}`, {
    ...form, 'm0-i1-minute': '412', 'm0-i2-minute': '412', 'm0-i2-x0-owner': 'Ms Q Absent', 'm0-i2-x0-due-day': '1', 'm0-i2-x0-due-month': '6', 'm0-i2-x0-due-year': '2025',
    new_person: 'o pendleford', intent: 'accept',
  });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /There is a problem .*minute 412 is also given to item/);
  assert.match(text, /Ms Q Absent is not a person or organisation in the record/);
  assert.equal(await count('meetings'), before, 'nothing was written');
});

test('a minute number already used by another meeting of the body is refused, naming that meeting', { timeout: 120_000 }, async () => {
  const id = await importOne('working-group-2025-05-07.txt', minutesOf('Wednesday 7 May 2025', 200, (x) => x.replace('twelve', 'sixteen')));
  const form = formOf((await officer.get(`/imports/${id}`)).body, `/imports/${id}`);
  // 203 was taken by the meeting of 12 March 2025 (the first test).
  const res = await officer.post(`/imports/${id}`, { ...form, 'm0-i2-x0-due-day': '1', 'm0-i2-x0-due-month': '6', 'm0-i2-x0-due-year': '2025', new_person: 'o pendleford', intent: 'accept' });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /Meeting of 7 May 2025, minute 201: Minute 201 is already used at the meeting on 12 March 2025/);
  assert.match(res.body, /href="#m0-i1-minute"/, 'the message leads to the field');
});

test('saving corrections keeps them; a wrong date is a message on the same form', { timeout: 60_000 }, async () => {
  const id = await importOne('parish.txt', docs.parishMinutesText);
  const form = formOf((await officer.get(`/imports/${id}`)).body, `/imports/${id}`);
  const bad = await officer.post(`/imports/${id}`, { ...form, 'm0-date-day': '31', 'm0-date-month': '2', intent: 'save' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /The date of the meeting must be a real date/);
  const saved = await officer.post(`/imports/${id}`, { ...form, body_id: workingGroupId, 'm0-i0-minute': '31', 'm0-i5-title': 'Date of the next meeting', intent: 'save' });
  assert.equal(saved.statusCode, 303);
  const again = formOf((await officer.get(`/imports/${id}`)).body, `/imports/${id}`);
  assert.equal(again['m0-i0-minute'], '31');
  assert.equal(again['m0-i5-title'], 'Date of the next meeting');
  assert.equal(again.body_id, workingGroupId);
  // Discarding keeps the original; the draft is no longer offered.
  const discarded = await officer.post(`/imports/${id}`, { intent: 'discard' });
  assert.equal(discarded.statusCode, 303);
  assert.match(pageText((await officer.get(`/imports/${id}`)).body), /This draft was discarded\. The original document is kept/);
  const original = await officer.get(`/imports/${id}/original`);
  assert.equal(original.body, docs.parishMinutesText, 'the original, byte for byte');
});

test('minute numbers such as 24/31 are kept as printed, on the draft and on the meeting page', { timeout: 120_000 }, async () => {
  const text = docs.parishMinutesText.replace(/3 March 2025/g, '2 June 2025').replace('24/35 Date of next meeting', '24/36 Date of next meeting');
  const id = await importOne('parish-june.txt', text);
  const form = formOf((await officer.get(`/imports/${id}`)).body, `/imports/${id}`);
  assert.equal(form['m0-i0-minute'], '24/31');
  assert.equal(form['m0-i2-minute'], '24/33');
  // Its actions are someone else's concern here.
  for (const key of Object.keys(form)) if (/^m0-i\d+-x\d+-include$/.test(key)) delete form[key];
  const res = await officer.post(`/imports/${id}`, { ...form, body_id: workingGroupId, new_person: [], intent: 'accept' });
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 1500));
  const page = pageText((await officer.get(String(res.headers.location))).body);
  assert.match(page, /24\/33\. Village green drainage/);
  assert.match(page, /24\/31\. Declarations of interest/);
  // The item form shows the number as printed, to be corrected there.
  const meetingPath = String(res.headers.location).replace(/[?#].*$/, '');
  const meetingHtml = (await officer.get(meetingPath)).body;
  const itemIds = [...meetingHtml.matchAll(/\/items\/([0-9a-f-]{36})/g)].map((m) => m[1]!);
  const forms = await Promise.all([...new Set(itemIds)].map(async (itemId) => (await officer.get(`${meetingPath}/items/${itemId}/edit`)).body));
  assert.ok(forms.some((f) => /name="minute_printed"[^>]*value="24\/33"|value="24\/33"[^>]*name="minute_printed"/.test(f)), 'the item form holds 24/33');
  // Once the minutes are published, the public decisions (page, API, CSV) give the number as printed.
  const meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(meetingPath)![1]!;
  await t.database.db.updateTable('meetings').set({ minutes_published_at: new Date() }).where('id', '=', meetingId).execute();
  const visitor = new Client(t.app);
  assert.match(pageText((await visitor.get('/decisions')).body), /24\/33\. Village green drainage/);
  const api = (await visitor.get('/api/decisions')).json() as { results: { itemTitle: string; minutePrinted: string | null }[] };
  assert.equal(api.results.find((r) => r.itemTitle === 'Village green drainage')?.minutePrinted, '24/33');
  assert.match((await visitor.get('/open-data/decisions.csv')).body, /,24\/33,[^\n]*Village green drainage/);
});

test('a long draft (hundreds of people present) is saved whole; a form that arrives cut short saves nothing', { timeout: 120_000 }, async () => {
  const names = Array.from({ length: 300 }, (_, i) => `Mr A Member${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
  const text = `WESTBROOK ASSEMBLY\n\nMinutes of the meeting of the Westbrook Assembly held at the Guildhall on Monday 2 June 2025 at 6pm.\n\nPresent: ${names.join(', ')}\n\n1. Welcome\n\nThe Chair welcomed everyone.\n\n2. Annual report\n\nRESOLVED to note the report.\n`;
  const id = await importOne('assembly.txt', text);
  const form = formOf((await officer.get(`/imports/${id}`)).body, `/imports/${id}`);
  assert.ok(Object.keys(form).length > 1000, `${Object.keys(form).length} fields`);
  delete form['m0-a299-include'];
  form['m0-a298-role'] = 'Treasurer';
  assert.equal((await officer.post(`/imports/${id}`, { ...form, intent: 'save' })).statusCode, 303);
  const again = formOf((await officer.get(`/imports/${id}`)).body, `/imports/${id}`);
  assert.equal(again['m0-a298-role'], 'Treasurer', 'a field beyond the thousandth is kept');
  assert.equal(again['m0-a299-include'], undefined, 'the last box unticked stays unticked');
  assert.equal(again['m0-a0-include'], 'yes');

  const { _form_end, ...cut } = again;
  void _form_end;
  const refused = await officer.post(`/imports/${id}`, { ...cut, 'm0-a0-role': 'Chair', intent: 'save' });
  assert.equal(refused.statusCode, 400);
  assert.match(pageText(refused.body), /The form arrived incomplete, so nothing was saved/);
  assert.equal(formOf((await officer.get(`/imports/${id}`)).body, `/imports/${id}`)['m0-a0-role'], '');
});

test('the same file uploaded again is recognised by its content: a message with a link to the earlier import, nothing duplicated', { timeout: 60_000 }, async () => {
  const id = await importOne('hwb.md', docs.wellbeingMinutesMarkdown);
  const before = { documents: await count('documents'), imports: await count('imports'), jobs: await count('jobs') };
  const res = await uploadThroughPage(t.app, officer, [{ name: 'renamed-copy.md', bytes: docs.wellbeingMinutesMarkdown }]);
  assert.equal(res.statusCode, 409);
  const text = pageText(res.body);
  assert.match(text, /There is a problem hwb\.md was imported before, on .* by Gwen Abernethy\. Nothing was imported again/);
  assert.match(res.body, new RegExp(`href="/imports/${id}">See the earlier import of hwb\\.md`));
  assert.deepEqual({ documents: await count('documents'), imports: await count('imports'), jobs: await count('jobs') }, before);

  // Among other files, a copy is listed as imported before, with the link, and the rest are read.
  const mixed = await uploadThroughPage(t.app, officer, [{ name: 'hwb-again.md', bytes: docs.wellbeingMinutesMarkdown }, { name: 'sab.html', bytes: docs.safeguardingPageHtml }]);
  const job = await waitForJob(officer, jobIdOf(mixed.headers.location));
  assert.deepEqual(job.files.map((x) => x.status), ['duplicate', 'read']);
  assert.equal(job.files[0]!.duplicateOf, id);
  const progress = await officer.get(`/imports/jobs/${job.id}`);
  assert.match(progress.body, new RegExp(`href="/imports/${id}">See the earlier import`));
  assert.equal(await count('documents'), before.documents + 1);
});

test('a zip of an archive with bad files in it: each bad file fails with a reason naming it, the rest are read', { timeout: 180_000 }, async () => {
  const before = { documents: await count('documents'), meetings: await count('meetings') };
  const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 256);
  const pdf = await docs.safeguardingMinutesPdf();
  const zip = await docs.zipOf({
    '2025/parish-april.txt': docs.parishMinutesText.replace(/3 March 2025/g, '7 April 2025'),
    '2025/hwb.docx': await docs.wellbeingMinutesDocx(),
    '2025/csp.xml': docs.moderngovXml,
    'scans/scanned.pdf': await docs.scannedPdf(),
    'scans/locked.pdf': await docs.encryptedPdf(),
    'broken/corrupt.docx': await docs.zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document><w:body><w:p>' }),
    'broken/random.bin': random,
    'broken/cut-short.pdf': pdf.slice(0, Math.floor(pdf.length / 3)),
    'broken/empty.txt': ' ',
  });
  const res = await uploadThroughPage(t.app, officer, [{ name: 'archive-2025.zip', bytes: zip, type: 'application/zip' }]);
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 800));
  const job = await waitForJob(officer, jobIdOf(res.headers.location));
  const byName = new Map(job.files.map((x) => [x.fileName, x]));
  assert.equal(job.total, 9);
  for (const good of ['2025/parish-april.txt', '2025/hwb.docx', '2025/csp.xml']) assert.equal(byName.get(good)?.status, 'read', `${good}: ${JSON.stringify(byName.get(good))}`);
  const expected: Record<string, string> = {
    'scans/scanned.pdf': 'no-text-layer', 'scans/locked.pdf': 'encrypted', 'broken/random.bin': 'not-text', 'broken/empty.txt': 'empty',
  };
  for (const [name, code] of Object.entries(expected)) {
    const file = byName.get(name)!;
    assert.equal(file.status, 'failed', name);
    assert.equal(file.errorCode, code, `${name}: ${file.message}`);
  }
  for (const file of job.files.filter((x) => x.status === 'failed')) assert.ok(file.message!.startsWith(`${file.fileName}: `), `the reason names the file: ${file.message}`);
  assert.equal(job.failed, 6);
  assert.equal(job.read, 3);

  const progress = pageText((await officer.get(`/imports/jobs/${job.id}`)).body);
  assert.match(progress, /Finished: 9 of 9 files/);
  assert.match(progress, /What failed, and why .*scans\/scanned\.pdf: .*broken\/random\.bin: /);
  assert.ok(!(await officer.get(`/imports/jobs/${job.id}`)).body.includes('Refresh progress'), 'a finished job has nothing to refresh');
  assert.equal(await count('documents'), before.documents + 3, 'only the readable files are kept');
  assert.equal(await count('meetings'), before.meetings, 'nothing enters the record until a draft is accepted');
});

test('a zip bomb, a .zip that is not a zip and a file over the size limit are refused with a message naming them', { timeout: 120_000 }, async () => {
  const before = await count('jobs');
  const bomb = await docs.zipOf({ 'minutes.txt': new Uint8Array(60 * 1024 * 1024) });
  const res = await uploadThroughPage(t.app, officer, [{ name: 'bomb.zip', bytes: bomb }]);
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /bomb\.zip: minutes\.txt is compressed \d+ to 1, which only a zip bomb does; nothing was imported/);
  const notZip = await uploadThroughPage(t.app, officer, [{ name: 'archive.zip', bytes: 'not a zip at all' }]);
  assert.equal(notZip.statusCode, 400);
  assert.match(pageText(notZip.body), /archive\.zip: the zip file is damaged or cut short/);
  const huge = await uploadThroughPage(t.app, officer, [{ name: 'huge.txt', bytes: new Uint8Array(51 * 1024 * 1024).fill(65) }]);
  assert.equal(huge.statusCode, 400);
  assert.match(pageText(huge.body), /huge\.txt: the document must be smaller than 50 MB/);
  const none = await uploadThroughPage(t.app, officer, []);
  assert.equal(none.statusCode, 400);
  assert.match(pageText(none.body), /Select one or more documents, or a \.zip of an archive/);
  assert.equal(await count('jobs'), before);
});

test('a deeply nested page, a huge single line and a Word zip bomb are read or refused in bounded time', { timeout: 180_000 }, async () => {
  const deep = `<html><body>${'<div>'.repeat(20000)}Minutes of the meeting${'</div>'.repeat(20000)}</body></html>`;
  const line = `Minutes of the meeting held on 1 May 2025. ${'word '.repeat(400_000)}`;
  const docxBomb = await docs.zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': new Uint8Array(120 * 1024 * 1024) });
  const started = Date.now();
  const res = await uploadThroughPage(t.app, officer, [{ name: 'deep.html', bytes: deep }, { name: 'one-line.txt', bytes: line }, { name: 'bomb.docx', bytes: docxBomb }]);
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 500));
  const job = await waitForJob(officer, jobIdOf(res.headers.location));
  const bomb = job.files.find((x) => x.fileName === 'bomb.docx')!;
  assert.equal(bomb.status, 'failed');
  assert.equal(bomb.errorCode, 'zip-bomb');
  assert.match(bomb.message!, /^bomb\.docx: /);
  for (const x of job.files) assert.ok(x.status === 'read' || x.message?.startsWith(`${x.fileName}: `), JSON.stringify(x));
  assert.ok(Date.now() - started < 120_000);
});

test('a job still reading shows its progress, with a way to refresh it that works without JavaScript', { timeout: 60_000 }, async () => {
  const { queueImportJob } = await import('./jobs.ts');
  const job = await t.database.db.transaction().execute((trx) =>
    queueImportJob(trx, t.partnershipId, { userId: null, label: 'Command line' }, 'waiting.txt', [{ name: 'waiting.txt', bytes: new TextEncoder().encode(`Minutes ${Date.now()}`) }]));
  // Marked as being read by a runner elsewhere, so this app's runner leaves it alone for now.
  await t.database.db.updateTable('job_files').set({ status: 'reading', claimed_at: new Date(Date.now() + 3_600_000) }).where('job_id', '=', job.id).execute();
  const page = await officer.get(`/imports/jobs/${job.id}`);
  assert.match(page.body, new RegExp(`<a href="/imports/jobs/${job.id}" role="button"[^>]*>\\s*Refresh progress`));
  assert.match(page.body, /<script type="module" src="\/static\/import-progress\.js">/, 'with JavaScript it brings itself up to date in place');
  assert.match(pageText(page.body), /Reading: 0 of 1 files done \(0%\)/);
  assert.match(page.body, /<progress class="app-progress__bar" id="progress-bar" max="1" value="0"/);
  await t.database.db.updateTable('job_files').set({ status: 'queued', claimed_at: null }).where('job_id', '=', job.id).execute();
});

test('only officers and administrators import; members and the public are refused on every path', { timeout: 60_000 }, async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  for (const url of ['/imports', '/imports/new']) assert.equal((await member.get(url)).statusCode, 403, url);
  const draft = (await t.database.db.selectFrom('imports').select('id').limit(1).executeTakeFirstOrThrow()).id;
  const job = (await t.database.db.selectFrom('jobs').select('id').limit(1).executeTakeFirstOrThrow()).id;
  for (const url of [`/imports/${draft}`, `/imports/${draft}/original`, `/imports/jobs/${job}`, `/api/imports/${draft}`, `/api/import-jobs/${job}`]) {
    assert.equal((await member.get(url)).statusCode, 403, url);
  }
  assert.equal((await member.post(`/imports/${draft}`, { intent: 'accept' })).statusCode, 403);
  assert.equal((await member.json('POST', `/api/imports/${draft}/accept`, {})).statusCode, 403);
  const upload = await uploadThroughPage(t.app, member, [{ name: 'x.txt', bytes: 'Minutes of nothing' }]);
  assert.equal(upload.statusCode, 403);

  const visitor = new Client(t.app);
  const page = await visitor.get('/imports');
  assert.equal(page.statusCode, 302);
  assert.match(String(page.headers.location), /^\/sign-in/);
  assert.equal((await visitor.get(`/api/imports/${draft}`)).statusCode, 401);

  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  assert.equal((await admin.get('/imports')).statusCode, 200);

  // An upload without the form's CSRF token is refused.
  const forged = await uploadThroughPage(t.app, officer, [{ name: 'forged.txt', bytes: 'Minutes' }], { csrf: false });
  assert.equal(forged.statusCode, 403);
});

test('the API: upload as multipart, follow the job, read the draft, accept it with corrections as JSON', { timeout: 120_000 }, async () => {
  const january = minutesOf('Wednesday 15 January 2025', 101, (x) => x.replace(/Pendleford/g, 'Ferrand').replace('Mr O Ferrand', 'Ms W Ferrand').replace('Mr Ferrand', 'Ms Ferrand'));
  const res = await uploadThroughApi(t.app, officer, [{ name: 'wg-2025-01-15.txt', bytes: january }]);
  assert.equal(res.statusCode, 202, res.body);
  const created = res.json();
  assert.equal(created.url, `/api/import-jobs/${created.id}`);
  const job = await waitForJob(officer, created.id);
  const importId = job.files[0]!.importId!;
  const detail = (await officer.json('GET', `/api/imports/${importId}`)).json();
  assert.equal(detail.status, 'draft');
  assert.equal(detail.reading.meetings[0].date, '2025-01-15', 'the reading in the shape of SCHEMA.md');
  assert.equal(detail.draft.bodyId, workingGroupId);
  assert.ok(detail.text.includes('NORTHSHIRE COMMUNITY SAFETY PARTNERSHIP WORKING GROUP'));
  assert.deepEqual(detail.unknownNames.map((u: { key: string }) => u.key), ['w ferrand']);

  const refused = await officer.json('POST', `/api/imports/${importId}/accept`, { meetings: detail.draft.meetings });
  assert.equal(refused.statusCode, 400);
  assert.match(refused.json().errors[0].message, /Ms Ferrand is not a person or organisation in the record/);
  assert.equal(refused.json().errors[0].field, 'm0-i2-x0-owner');
  const accepted = await officer.json('POST', `/api/imports/${importId}/accept`, { newPeople: ['w ferrand'] });
  assert.equal(accepted.statusCode, 201, accepted.body);
  const { meetingIds } = accepted.json();
  const meeting = (await officer.json('GET', `/api/meetings/${meetingIds[0]}`)).json();
  assert.equal(meeting.date, '2025-01-15');
  assert.equal(meeting.status, 'minutes-draft');
  assert.equal((await officer.json('GET', `/api/imports/${importId}`)).json().meetingIds[0], meetingIds[0]);

  // The next meeting's "notes of the last meeting", once accepted, approves these minutes as a correct record.
  const next = minutesOf('Wednesday 29 January 2025', 106, (x) => x.replace(/Pendleford/g, 'Ferrand').replace('Mr O Ferrand', 'Ms W Ferrand').replace('Mr Ferrand', 'Ms Ferrand').replace('twelve', 'eleven'));
  const nextJob = await waitForJob(officer, (await uploadThroughApi(t.app, officer, [{ name: 'wg-2025-01-29.txt', bytes: next }])).json().id);
  const nextId = nextJob.files[0]!.importId!;
  const second = await officer.json('POST', `/api/imports/${nextId}/accept`, {});
  assert.equal(second.statusCode, 201, second.body);
  const first = (await officer.json('GET', `/api/meetings/${meetingIds[0]}`)).json();
  assert.equal(first.status, 'minutes-approved', 'the January minutes are approved and locked');

  // The OpenAPI document describes the import API.
  const openapi = (await officer.json('GET', '/api/openapi.json')).json();
  for (const path of ['/api/imports', '/api/imports/{id}', '/api/imports/{id}/accept', '/api/import-jobs/{id}']) assert.ok(openapi.paths[path], path);
  assert.deepEqual(openapi.paths['/api/imports/{id}/accept'].post.tags, ['imports']);
});
