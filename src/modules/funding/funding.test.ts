// The funding pages and API over HTTP, as the public, a member and an officer see them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { todayIso } from '../partnership/domain.ts';
import { financialYearOf } from './domain.ts';
import ExcelJS from 'exceljs';

let t: TestApp;
const today = todayIso();
const fy = financialYearOf(today);
const ids = { current: '', oldest: '', considered: '', submitted: '', funded: '', endorsed: '', tactical: '', nva: '', meeting: '', chair: '' };

before(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const grant = async (year: number) => (await db.selectFrom('grants').select('id').where('financial_year', '=', year).executeTakeFirstOrThrow()).id;
  ids.current = await grant(fy);
  ids.oldest = await grant(fy - 2);
  const proposal = async (title: string) => (await db.selectFrom('funding_proposals').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id;
  ids.considered = await proposal('Workshops on men and boys and violence against women and girls');
  ids.submitted = await proposal('Anti-social behaviour practitioner conference');
  ids.funded = await proposal('Shop theft prevention packs');
  ids.endorsed = await proposal('Rural business crime subscription extension');
  ids.tactical = await proposal('Community engagement games bus');
  ids.nva = (await db.selectFrom('organisations').select('id').where('short_name', '=', 'NVA').executeTakeFirstOrThrow()).id;
  ids.meeting = (await db.selectFrom('meetings').select('id').where('meets_on', '<', today).orderBy('meets_on', 'desc').limit(1).executeTakeFirstOrThrow()).id;
  ids.chair = (await db.selectFrom('people').select('id').where('family_name', '=', 'Kellaway').executeTakeFirstOrThrow()).id;
});
after(async () => { await t.close(); });

test('the public sees the grants and the funded projects, never a proposal under consideration, nor spend', async () => {
  const anyone = new Client(t.app);
  const list = pageText((await anyone.get('/funding')).body);
  assert.match(list, new RegExp(`Crime Reduction Grant ${fy}/${String((fy + 1) % 100).padStart(2, '0')}`));
  const page = await anyone.get(`/funding/grants/${ids.current}`);
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  assert.match(text, /Shop theft prevention packs/);
  assert.doesNotMatch(text, /Anti-social behaviour practitioner conference|Workshops on men and boys|Rural business crime/);
  assert.doesNotMatch(text, /Spent|Working Group update|Record a proposal/);
  assert.match(text, /Allocated £1,600 \+ unallocated £[\d,]+ \+ held back £12,340 \+ returned £0 = awarded £37,020\./);
  for (const id of [ids.considered, ids.submitted, ids.endorsed]) {
    assert.equal((await anyone.get(`/funding/proposals/${id}`)).statusCode, 404);
    assert.equal((await anyone.json('GET', `/api/funding/proposals/${id}`)).statusCode, 404);
  }
  const funded = await anyone.json('GET', `/api/funding/proposals/${ids.funded}`);
  assert.equal(funded.statusCode, 200);
  assert.equal(funded.json().spent, null);
  assert.deepEqual(funded.json().claims, []);
  const items = (await anyone.json('GET', `/api/funding/grants/${ids.current}/proposals`)).json().items as { title: string }[];
  assert.deepEqual(items.map((p) => p.title), ['Shop theft prevention packs']);
  for (const url of [`/funding/grants/${ids.current}/projects.csv`, `/funding/grants/${ids.current}/update`, '/funding/grants/new']) {
    const res = await anyone.get(url);
    assert.equal(res.statusCode, 302, url);
  }
  assert.equal((await anyone.json('POST', '/api/funding/grants', { funderOrganisationId: ids.nva, programme: 'X', financialYear: fy, awarded: '100', awardedOn: today })).statusCode, 401);
});

test('a member reads proposals under consideration and the spend, but records nothing', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const text = pageText((await member.get(`/funding/grants/${ids.current}`)).body);
  assert.match(text, /Anti-social behaviour practitioner conference/);
  assert.match(text, /Spent/);
  assert.doesNotMatch(text, /Record a proposal/);
  assert.equal((await member.get(`/funding/proposals/${ids.considered}`)).statusCode, 200);
  assert.equal((await member.get(`/funding/grants/${ids.current}/proposals/new`)).statusCode, 403);
  assert.equal((await member.json('POST', `/api/funding/proposals/${ids.endorsed}/moves/approve`, { approvedBy: 'x', evidence: 'y' })).statusCode, 403);
});

test('the tactical pot is locked by the oldest year’s delayed project, and the page names it', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const text = pageText((await officer.get(`/funding/grants/${ids.current}`)).body);
  assert.match(text, /The tactical pot is locked until these projects of earlier years are complete: Night-time economy welfare volunteers \(\d{4}\/\d{2}\)/);
  const api = (await officer.json('GET', `/api/funding/grants/${ids.current}`)).json();
  assert.equal(api.pots.tactical.locked, true);
  assert.deepEqual(api.pots.tactical.heldBy.map((h: { title: string }) => h.title), ['Night-time economy welfare volunteers', 'Licensing training for responsible authorities', 'Scams awareness module for schools']);
  await officer.get(`/funding/proposals/${ids.tactical}/approve`);
  const refused = await officer.post(`/funding/proposals/${ids.tactical}/approve`, { approved_by: 'OPCC', evidence: 'Letter' });
  assert.equal(refused.statusCode, 400);
  assert.match(pageText(refused.body), /The tactical pot is locked until every project of earlier years is complete: .*Night-time economy welfare volunteers/);
});

test('an officer takes a proposal from submission to a claim, a delay and completion through the pages', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  await officer.get(`/funding/grants/${ids.current}/proposals/new`);
  const form = {
    title: 'Street pastors radio link', description: 'Radios linking street pastors to the town centre CCTV room.', pot: 'upfront', lead_organisation_id: ids.nva,
    'delivery_starts_on-day': '1', 'delivery_starts_on-month': '5', 'delivery_starts_on-year': String(fy),
    'delivery_ends_on-day': '31', 'delivery_ends_on-month': '3', 'delivery_ends_on-year': String(fy + 1),
  };
  const bad = await officer.post(`/funding/grants/${ids.current}/proposals/new`, { ...form, amount_asked: '1,200.5' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /There is a problem The amount asked for must have two figures for pence \(1,200\.50, not 1,200\.5\), or none \(1,200\)/);
  const created = await officer.post(`/funding/grants/${ids.current}/proposals/new`, { ...form, amount_asked: '1,200' });
  assert.equal(created.statusCode, 303);
  const url = created.headers.location as string;
  const noEndorsement = await officer.post(`${url}/approve`, { approved_by: 'OPCC', evidence: 'Letter' });
  assert.match(pageText(noEndorsement.body), /has not been endorsed: record the chair’s or vice-chair’s endorsement before the funder’s approval/);
  const considered = await officer.post(`${url}/consider`, { meeting_id: ids.meeting });
  assert.equal(considered.statusCode, 303, pageText(considered.body).slice(0, 600));
  assert.equal((await officer.post(`${url}/endorse`, { person_id: ids.chair })).statusCode, 303);
  assert.equal((await officer.post(`${url}/approve`, { approved_by: 'Chief Finance Officer, OPCC', evidence: 'E-mail of 3 June', amount: '1,100' })).statusCode, 303);
  assert.equal((await officer.post(`${url}/start`, {})).statusCode, 303);
  const [d, m, y] = [today.slice(8, 10), today.slice(5, 7), today.slice(0, 4)];
  const over = await officer.post(`${url}/claims/new`, { 'paid_on-day': d, 'paid_on-month': m, 'paid_on-year': y, amount: '1,100.01', payee: 'Radio Ltd' });
  assert.match(pageText(over.body), /Only £1,100 of the allocation of £1,100 is left to pay: enter £1,100 or less/);
  assert.equal((await officer.post(`${url}/claims/new`, { 'paid_on-day': d, 'paid_on-month': m, 'paid_on-year': y, amount: '950.00', payee: 'Radio Ltd', reference: 'RL-77' })).statusCode, 303);
  assert.equal((await officer.post(`${url}/progress/new`, { text: 'Six radios in use on Friday nights', figures: '6 radios' })).statusCode, 303);
  assert.equal((await officer.post(`${url}/delays/new`, { reason: 'The CCTV room moved', 'new_ends_on-day': '30', 'new_ends_on-month': '6', 'new_ends_on-year': String(fy + 1) })).statusCode, 303);
  const page = pageText((await officer.get(url)).body);
  assert.match(page, /In delivery Delayed/);
  assert.match(page, /£950 paid of £1,100 allocated/);
  assert.match(page, /Six radios in use on Friday nights/);
  assert.match(page, /The CCTV room moved/);
  assert.match(page, /Endorsed .* by Cllr Harriet Kellaway \(Chair\)/);
  assert.equal((await officer.post(`${url}/complete`, {})).statusCode, 303);
  assert.match(pageText((await officer.get(url)).body), /Underspend £150 returned to the funder/);
  const history = await t.database.db.selectFrom('audit_log').select('summary').where('record_id', '=', url.split('/').pop()!).execute();
  // Created, considered, endorsed, approved, started, delayed, completed: one entry each; the claim and progress have their own.
  assert.equal(history.length, 7);
  const claim = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'funding-claim').where('summary', 'like', '%Radio Ltd%').execute();
  assert.deepEqual(claim.map((c) => c.summary), ['Paid £950 to Radio Ltd for Street pastors radio link']);
});

test('projects export as CSV and XLSX for signed-in people', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const csv = await member.get(`/funding/grants/${ids.oldest}/projects.csv`);
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.match(csv.body, /^Project,Lead organisation,Pot,Status,Asked \(£\),Allocated \(£\),Spent \(£\)/);
  assert.match(csv.body, /Safer streets social media campaign,Northshire Police,Upfront projects,Complete,1400\.00,1400\.00,1180\.40/);
  const xlsx = await member.get(`/funding/grants/${ids.oldest}/projects.xlsx`);
  assert.equal(xlsx.statusCode, 200);
  assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
  // In the workbook the amounts are numbers and the delivery dates dates, under a frozen header row.
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
  const sheet = book.worksheets[0]!;
  assert.equal(sheet.getCell('A1').value, 'Project');
  assert.equal(sheet.views[0]?.state, 'frozen');
  let campaign = 0;
  sheet.eachRow((r, n) => { if (r.getCell(1).value === 'Safer streets social media campaign') campaign = n; });
  assert.ok(campaign > 1);
  assert.deepEqual([5, 6, 7].map((c) => sheet.getRow(campaign).getCell(c).value), [1400, 1400, 1180.4]);
  assert.ok(sheet.getColumn(8).values.some((v) => v instanceof Date), 'delivery dates are dates');
});

test('the API: grants with their ledger, bad amounts refused with the field, and the OpenAPI document lists the routes', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const grants = (await officer.json('GET', '/api/funding/grants')).json().items as { ledger: Record<string, number> }[];
  assert.equal(grants.length, 3);
  for (const g of grants) assert.equal(g.ledger.allocated! + g.ledger.unallocated! + g.ledger.heldBack! + g.ledger.returned!, g.ledger.awarded);
  const funder = (await t.database.db.selectFrom('organisations').select('id').where('short_name', '=', 'OPCC').executeTakeFirstOrThrow()).id;
  const bad = await officer.json('POST', '/api/funding/grants', { funderOrganisationId: funder, programme: 'Safer Streets', financialYear: fy, awarded: '1,200.5', awardedOn: today });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().errors[0].field, 'awarded');
  const ok = await officer.json('POST', '/api/funding/grants', { funderOrganisationId: funder, programme: 'Safer Streets', financialYear: fy, awarded: '39,661', awardedOn: `${fy}-04-10`, rounding: 'up' });
  assert.equal(ok.statusCode, 201);
  assert.deepEqual(ok.json().ledger, { awarded: 3_966_100, allocated: 0, unallocated: 2_644_000, heldBack: 1_322_100, returned: 0 });
  const spec = (await officer.json('GET', '/api/openapi.json')).json();
  for (const path of ['/api/funding/grants', '/api/funding/grants/{id}', '/api/funding/proposals/{id}/moves/{move}', '/api/funding/proposals/{id}/claims']) {
    assert.ok(spec.paths[path], path);
  }
});

test('the Working Group update: each project with its allocation and latest update, the total, and why the tactical pot is locked', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const page = pageText((await member.get(`/funding/grants/${ids.oldest}/update`)).body);
  assert.match(page, /Safer streets social media campaign Update \(.*\): Campaign ran for eight weeks and has ended\. Complete £1,180\.40 £1,180\.40/);
  assert.match(page, /Night-time economy welfare volunteers \(delayed to/);
  assert.match(page, /Total allocated £13,130\.40 £9,880\.40/);
  const current = pageText((await member.get(`/funding/grants/${ids.current}/update`)).body);
  assert.match(current, /It cannot be drawn until every project funded in earlier years is complete\. These are still open: Night-time economy welfare volunteers/);
  const paper = await member.get(`/funding/grants/${ids.current}/update.html`);
  assert.match(String(paper.headers['content-disposition']), /inline; filename="crime-reduction-grant-\d{4}-\d{2}-working-group-update.html"/);
  const text = pageText(paper.body);
  // The table's total is the grant's allocated money: underspend already returned is not counted.
  const allocated = /1\.3 Where the money is now: allocated (£\d{1,3}(?:,\d{3})*(?:\.\d\d)?)/.exec(text)![1]!;
  assert.match(text, new RegExp(`Total allocated funding ${allocated.replace(/[.]/g, '\\.')} £[\\d,.]+ 3\\. The tactical pot`));
  // Beside each allocation, the spend to date the lead reported (the demo's leads report what was claimed).
  assert.match(text, /Shop theft prevention packs Update – Packs designed; the first 80 delivered in Ashby Vale\. £1,600 £640/);
});

test('search finds funded projects for everyone, and proposals under consideration only for signed-in people', async () => {
  const anyone = new Client(t.app);
  const member = await new Client(t.app).signIn(demoUsers.member);
  const titles = async (c: Client, q: string) => ((await c.json('GET', `/api/search?q=${encodeURIComponent(q)}`)).json().results as { title: string }[]).map((r) => r.title);
  assert.ok((await titles(anyone, 'shop theft prevention')).includes('Shop theft prevention packs'));
  assert.ok(!(await titles(anyone, 'practitioner conference')).includes('Anti-social behaviour practitioner conference'));
  assert.ok((await titles(member, 'practitioner conference')).includes('Anti-social behaviour practitioner conference'));
});
