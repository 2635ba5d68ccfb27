// The assessment document through HTTP on both engines: an assessment and a dataset made
// through the JSON API, sections added on the page and through the API (the analyst's
// text, analysis charts and tables, the returns, the matrix), bad input refused with
// nothing changed, and the PDF read back as text: cover, contents with page numbers,
// each section, the figures of its charts and tables, "Page n of m". The serious violence
// assessment's PDF only for those entitled, its read audited, and never in search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { extractText, getDocumentProxy } from 'unpdf';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import type { Actor } from '../../access/policy.ts';
import { addMonths } from './domain.ts';
import { importCrimeData } from './commands.ts';
import { STREET_HEADER, fileOf, street } from './testing.ts';
import { todayIso } from '../partnership/domain.ts';
import { buildApp } from '../../app.ts';
import { ASSESSMENT_SEARCH_BACKFILL, backfillAssessmentSearch } from './search.ts';
import { isDone } from '../../db/oneOff.ts';

let t: TestApp;
let officer: Client;
let member: Client;
const dates = { requestsBy: '2033-04-01', dataDueOn: '2033-05-01', draftBy: '2033-06-01', agreedBy: '2033-07-01' };

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  const user = await t.database.db.selectFrom('users').select(['id', 'display_name']).where('email', '=', demoUsers.officer).executeTakeFirstOrThrow();
  const actor: Actor = { kind: 'user', partnershipId: t.partnershipId, userId: user.id, displayName: user.display_name, role: 'officer', personId: null, grants: [] };
  const to = addMonths(todayIso().slice(0, 7), -1);
  const rows: string[] = [];
  for (let m = 0; m < 3; m++) {
    const month = addMonths(to, -m);
    for (let i = 0; i < 5 + m; i++) rows.push(street(`d${m}-${i}`, month, 'Burglary', 'E01900011', 'Ashby Vale 011A', 'Under investigation', '-1.500000', '52.600000'));
  }
  // One file per month, as police.uk publishes them.
  for (let m = 0; m < 3; m++) {
    const month = addMonths(to, -m);
    const r = await importCrimeData({ db: t.database.db, actor }, [fileOf(`${month}-northshire-street.csv`, STREET_HEADER + rows.filter((x) => x.includes(`,${month},`)).join(''))]);
    assert.ok(r.ok, JSON.stringify(r));
  }
});
after(async () => { await t?.close(); });

async function pdfText(client: Client, url: string) {
  const res = await client.get(url);
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.match(String(res.headers['content-type']), /^application\/pdf/);
  const pdf = await getDocumentProxy(new Uint8Array(res.rawPayload));
  const pages = (await extractText(pdf, { mergePages: false })).text as string[];
  return { pages, all: pages.join('\n'), count: Number(res.headers['x-document-pages']) };
}

test('sections added on the page and through the API make a PDF with contents, charts, tables and page numbers', async () => {
  const made = await officer.json('POST', '/api/assessment/assessments', { kind: 'strategic', year: 2033, ...dates });
  assert.equal(made.statusCode, 201, made.body);
  const a = made.json() as { id: string; title: string; restricted: boolean };
  assert.equal(a.restricted, false);
  const org = (await t.database.db.selectFrom('organisations').select('id').where('partnership_id', '=', t.partnershipId).orderBy('name').limit(1).executeTakeFirstOrThrow()).id;
  const ds = await officer.json('POST', `/api/assessment/assessments/${a.id}/datasets`, { organisationId: org, name: 'Wrenfield hospital assaults', period: '2032', format: 'CSV', contactName: 'Ann Other', contactEmail: 'ann@example.org' });
  assert.equal(ds.statusCode, 201, ds.body);
  assert.equal(ds.json().status, 'not-sent');
  assert.equal((await officer.json('POST', `/api/assessment/assessments/${a.id}/datasets`, { organisationId: org, name: 'x', period: 'p', format: 'CSV', contactName: 'N', contactEmail: 'nope' })).statusCode, 400);
  assert.equal((await member.json('POST', '/api/assessment/assessments', { kind: 'strategic', year: 2034, ...dates })).statusCode, 403);

  // On the page: the analyst's own text, then an analysis section; bad input changes nothing.
  await officer.get(`/assessment/assessments/${a.id}/document`);
  const bad = await officer.post(`/assessment/assessments/${a.id}/document`, { title: 'Burglary trend', content: 'analysis', analysis_view: '', show_charts: 'yes' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Select the analysis page whose charts and tables the section gathers/);
  assert.equal((await officer.json('GET', `/api/assessment/assessments/${a.id}/sections`)).json().items.length, 0);
  const intro = await officer.post(`/assessment/assessments/${a.id}/document`, { title: 'Introduction', content: 'text', body: 'Quenby moorland patrols were the first finding.\n\n- Burglary rose in Ashby Vale\n- Fewer fires' });
  assert.equal(intro.statusCode, 303, intro.body);
  assert.equal((await officer.post(`/assessment/assessments/${a.id}/document`, { title: 'Burglary trend', content: 'analysis', analysis_view: 'trend', category: 'Burglary', show_charts: 'yes', show_tables: 'yes', body: 'Monthly burglary.' })).statusCode, 303);
  // Through the API: the places (a map), the returns and the matrix.
  for (const body of [
    { title: 'Where burglary happens', content: 'analysis', analysisView: 'places', category: 'Burglary', showTables: false },
    { title: 'Data from partners', content: 'returns', body: 'What partners sent.' },
    { title: 'Priorities', content: 'matrix' },
  ]) {
    const r = await officer.json('POST', `/api/assessment/assessments/${a.id}/sections`, body);
    assert.equal(r.statusCode, 201, r.body);
  }
  assert.equal((await officer.json('POST', `/api/assessment/assessments/${a.id}/sections`, { title: 'x', content: 'analysis', analysisView: 'nowhere' })).statusCode, 400);
  assert.equal((await member.json('POST', `/api/assessment/assessments/${a.id}/sections`, { title: 'x', content: 'text' })).statusCode, 403);
  let items = (await officer.json('GET', `/api/assessment/assessments/${a.id}/sections`)).json().items as { id: string; title: string; position: number; showCharts: boolean; showTables: boolean }[];
  assert.deepEqual(items.map((s) => s.title), ['Introduction', 'Burglary trend', 'Where burglary happens', 'Data from partners', 'Priorities']);
  assert.deepEqual([items[2]!.showCharts, items[2]!.showTables], [true, false]);
  // Moved, changed and removed: the order follows.
  assert.equal((await officer.json('POST', `/api/assessment/sections/${items[4]!.id}/move`, { direction: 'up' })).statusCode, 200);
  const put = await officer.json('PUT', `/api/assessment/sections/${items[0]!.id}`, { title: 'Introduction and summary', content: 'text', body: 'Quenby moorland patrols were the first finding.\n\n- Burglary rose in Ashby Vale\n- Fewer fires' });
  assert.equal(put.statusCode, 200, put.body);
  const extra = await officer.json('POST', `/api/assessment/assessments/${a.id}/sections`, { title: 'To be removed', content: 'text' });
  assert.equal((await officer.json('DELETE', `/api/assessment/sections/${extra.json().id}`)).statusCode, 200);
  items = (await officer.json('GET', `/api/assessment/assessments/${a.id}/sections`)).json().items;
  assert.deepEqual(items.map((s) => [s.position, s.title]), [[1, 'Introduction and summary'], [2, 'Burglary trend'], [3, 'Where burglary happens'], [4, 'Priorities'], [5, 'Data from partners']]);
  // The page shows them, and the member (entitled to read, not to edit) sees no form.
  assert.match(pageText((await officer.get(`/assessment/assessments/${a.id}/document`)).body), /Introduction and summary.*Burglary trend.*Where burglary happens.*Priorities.*Data from partners/);
  assert.doesNotMatch((await member.get(`/assessment/assessments/${a.id}/document`)).body, /Add the section/);
  const edit = await officer.get(`/assessment/sections/${items[1]!.id}`);
  assert.equal(edit.statusCode, 200);
  assert.match(edit.body, /value="trend" selected/);

  const { pages, all, count } = await pdfText(officer, `/assessment/assessments/${a.id}/document.pdf`);
  assert.equal(pages.length, count);
  assert.match(pages[0]!, /Strategic assessment 2033/);
  assert.match(pages[1]!, /Contents/);
  // Each section in the contents with the page it starts on, and found on that page.
  for (const title of ['1. Introduction and summary', '2. Burglary trend', '3. Where burglary happens', '4. Priorities', '5. Data from partners']) {
    const m = new RegExp(`${title.replace('.', '\\.')}\\s+(\\d+)`).exec(pages[1]!);
    assert.ok(m, `${title} in the contents: ${pages[1]}`);
    assert.match(pages[Number(m[1]) - 1]!, new RegExp(title.replace('.', '\\.')), `${title} on page ${m[1]}`);
  }
  assert.match(all, /Quenby moorland patrols were the first finding/);
  assert.match(all, /Burglary rose in Ashby Vale/);
  // The trend's chart (drawn, with its figures) and table; the map without its table.
  assert.match(all, /Burglary per month/);
  assert.match(all, /Burglary per month, \w+ \d{4} to \w+ \d{4}\n\d+\n0\n[\s\S]*?Lowest \d+, highest \d+, last \d+/);
  assert.match(all, /Burglary per month in the whole partnership/);
  assert.match(all, /Map: each LSOA with burglary/);
  assert.doesNotMatch(all, /The 20 LSOAs with the most burglary/);
  assert.match(all, /Returns missing/);
  assert.match(all, /Wrenfield\s+hospital\s+assaults/);
  assert.match(all, /Candidate issues ranked by their weighted scores/);
  pages.forEach((p, i) => assert.match(p, new RegExp(`Page ${i + 1} of ${pages.length}`)));
  assert.doesNotMatch(all, /Restricted/);

  // Search: found by the partnership's people (its sections' words too), never by the public.
  const found = (await member.json('GET', '/api/search?q=Quenby')).json() as { results: { url: string }[] };
  assert.ok(found.results.some((r) => r.url === `/assessment/assessments/${a.id}`), JSON.stringify(found));
  assert.equal(((await new Client(t.app).json('GET', '/api/search?q=Quenby')).json() as { results: unknown[] }).results.length, 0);
});

test('assessments made before search indexed them are found after the first start on an older database, once; a restricted one never', async () => {
  assert.ok(await isDone(t.database.db, ASSESSMENT_SEARCH_BACKFILL), 'the first start recorded the task as done');
  // As an assessment made before indexing was: written straight to its table, with no entry.
  const row = { partnership_id: t.partnershipId, year: 2029, title: 'Ulverby crime and disorder assessment', requests_by: '2029-04-01', data_due_on: '2029-05-01', draft_by: '2029-06-01', agreed_by: '2029-07-01' };
  const old = await t.database.db.insertInto('assessment_assessments').values({ ...row, kind: 'strategic', restricted: false }).returning('id').executeTakeFirstOrThrow();
  const sv = await t.database.db.insertInto('assessment_assessments').values({ ...row, kind: 'serious-violence', title: 'Ulverby blade needs assessment', restricted: true }).returning('id').executeTakeFirstOrThrow();
  // And a restricted one's entry left behind by some earlier fault.
  await t.database.db.insertInto('search_entries').values({ partnership_id: t.partnershipId, kind: 'assessment', record_id: sv.id, title: 'Ulverby blade needs assessment', content: 'Ulverby blade', url: `/assessment/assessments/${sv.id}`, occurred_on: null, body_id: null, meeting_id: null, restricted: false, public: false }).execute();
  const search = async (c: Client) => ((await c.json('GET', '/api/search?q=Ulverby')).json() as { results: { url: string }[] }).results.map((r) => r.url);
  const restart = async () => {
    const restarted = await buildApp({ db: t.database.db, config: t.app.config, logger: false });
    await restarted.ready();
    await restarted.close();
  };
  // A start once the task is done does none of it.
  await restart();
  assert.deepEqual(await search(officer), [`/assessment/assessments/${sv.id}`], 'a later start neither indexes the old one nor removes the stray entry');
  // A database from before the task was recorded (migration 054): its next start does it, once.
  await t.database.db.deleteFrom('one_off_tasks').where('name', '=', ASSESSMENT_SEARCH_BACKFILL).execute();
  await restart();
  assert.ok(await isDone(t.database.db, ASSESSMENT_SEARCH_BACKFILL));
  assert.deepEqual(await search(member), [`/assessment/assessments/${old.id}`]);
  assert.deepEqual(await search(officer), [`/assessment/assessments/${old.id}`]);
  assert.deepEqual(await search(new Client(t.app)), []);
  assert.equal(await backfillAssessmentSearch(t.database.db), 0, 'nothing is missing the second time');
});

test('the serious violence assessment\'s document is restricted: its PDF only for those entitled, each read audited, never in search', async () => {
  const made = await officer.json('POST', '/api/assessment/assessments', { kind: 'serious-violence', year: 2033, title: 'Pellingford blade review', ...dates });
  assert.equal(made.statusCode, 201, made.body);
  const sv = made.json() as { id: string; restricted: boolean };
  assert.equal(sv.restricted, true);
  assert.equal((await officer.json('POST', `/api/assessment/assessments/${sv.id}/sections`, { title: 'Oxtonby findings', content: 'text', body: 'Marlowgate knife carrying.' })).statusCode, 201);
  const { pages, all } = await pdfText(officer, `/assessment/assessments/${sv.id}/document.pdf`);
  assert.match(all, /Marlowgate knife carrying/);
  pages.forEach((p) => assert.match(p, /Restricted – not for publication/));
  const reads = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'assessment').where('record_id', '=', sv.id).where('action', '=', 'read').execute();
  assert.ok(reads.some((r) => /document \(PDF\)/.test(r.summary ?? "")), JSON.stringify(reads));
  for (const url of [`/assessment/assessments/${sv.id}/document.pdf`, `/assessment/assessments/${sv.id}/document`, `/api/assessment/assessments/${sv.id}/sections`]) {
    const res = await member.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /Marlowgate|Oxtonby|Pellingford/);
  }
  for (const q of ['Marlowgate', 'Pellingford', 'Oxtonby']) {
    for (const c of [officer, member, new Client(t.app)]) {
      const r = (await c.json('GET', `/api/search?q=${q}`)).json() as { results: unknown[] };
      assert.equal(r.results.length, 0, q);
    }
  }
});
