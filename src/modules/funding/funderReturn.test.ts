// The return to the funder over HTTP: the page, the PDF (read back as text), the workbook
// (amounts as numbers) and the API give the same figures, with the outturn once recorded;
// the public is asked to sign in and never gets the figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { extractText } from 'unpdf';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { todayIso } from '../partnership/domain.ts';
import { financialYear, financialYearOf } from './domain.ts';

let t: TestApp;
const fy = financialYearOf(todayIso());
let grantId = '';

before(async () => {
  t = await createTestApp();
  grantId = (await t.database.db.selectFrom('grants').select('id').where('financial_year', '=', fy - 2).executeTakeFirstOrThrow()).id;
});
after(async () => { await t?.close(); });

test('the page, PDF, workbook and API give the award, each project with its priority and spend, the delays and the outturn', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const outturn = await officer.json('POST', `/api/funding/grants/${grantId}/outturn`, { outturnOn: financialYear(fy - 2).endsOn });
  assert.equal(outturn.statusCode, 200, outturn.body);
  const { spent, returned, carriedForward } = outturn.json().outturn as { spent: number; returned: number; carriedForward: number };

  const member = await new Client(t.app).signIn(demoUsers.member);
  const page = await member.get(`/funding/grants/${grantId}/return`);
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  assert.match(text, /Crime Reduction Grant \d{4}\/\d{2}: return to Office of the Northshire Police and Crime Commissioner/);
  assert.match(text, /Safer streets social media campaign Northshire Police Neighbourhood crime Complete £1,400 £1,180\.40 £1,180\.40/);
  assert.match(text, /Night-time economy welfare volunteers .* Violence against women and girls In delivery/);
  assert.match(text, /Delays .*Night-time economy welfare volunteers Recruiting volunteers took longer than planned/);
  assert.match(text, /Year-end outturn Recorded at .* Spent (£[\d,.]+) Returned to the funder (£[\d,.]+) Carried forward/);

  const api = await member.json('GET', `/api/funding/grants/${grantId}/return`);
  assert.equal(api.statusCode, 200);
  const r = api.json();
  assert.deepEqual(r.outturn && [r.outturn.spent, r.outturn.returned, r.outturn.carriedForward], [spent, returned, carriedForward]);
  const campaign = r.projects.find((p: { title: string }) => p.title === 'Safer streets social media campaign');
  assert.deepEqual([campaign.priority, campaign.allocated, campaign.paid, campaign.reportedSpend], ['Neighbourhood crime', 140_000, 118_040, 118_040]);
  assert.equal(r.totals.allocated, r.projects.reduce((s: number, p: { allocated: number }) => s + p.allocated, 0));
  assert.equal(r.ledger.allocated + r.ledger.unallocated + r.ledger.heldBack + r.ledger.returned, r.awarded);

  const pdf = await member.get(`/funding/grants/${grantId}/return.pdf`);
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.match(String(pdf.headers['content-disposition']), /attachment; filename="return-crime-reduction-grant-\d{4}-\d{2}\.pdf"/);
  const pdfText = (await extractText(new Uint8Array(pdf.rawPayload), { mergePages: true })).text.replace(/\s+/g, ' ');
  assert.match(pdfText, /Return to Office of the Northshire Police and Crime Commissioner: Crime Reduction Grant/);
  assert.match(pdfText, /Safer streets social media campaign \(Northshire Police\) Priority served: Neighbourhood crime\. Complete; upfront projects\. Allocated £1,400; paid in claims £1,180\.40/);
  assert.match(pdfText, /3\. Delays .*Night-time economy welfare volunteers: recorded/);
  assert.match(pdfText, new RegExp(`4\\. Year-end outturn At .*: spent ${r.outturn ? '£' : ''}`));

  const xlsx = await member.get(`/funding/grants/${grantId}/return.xlsx`);
  assert.equal(xlsx.statusCode, 200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
  assert.deepEqual(book.worksheets.map((s) => s.name), ['Summary', 'Projects', 'Delays']);
  const projects = book.getWorksheet('Projects')!;
  let row = 0;
  projects.eachRow((x, n) => { if (x.getCell(1).value === 'Safer streets social media campaign') row = n; });
  assert.deepEqual([3, 6, 7, 8].map((c) => projects.getRow(row).getCell(c).value), ['Neighbourhood crime', 1400, 1180.4, 1180.4]);
  const summary = book.getWorksheet('Summary')!;
  assert.equal(summary.getRow(2).getCell(2).value, r.awarded / 100);
  assert.equal(book.getWorksheet('Delays')!.getRow(2).getCell(1).value, 'Night-time economy welfare volunteers');
});

test('the public is asked to sign in for every form of the return, and gets none of it', async () => {
  const anyone = new Client(t.app);
  for (const suffix of ['', '.pdf', '.xlsx']) {
    const res = await anyone.get(`/funding/grants/${grantId}/return${suffix}`);
    assert.equal(res.statusCode, 302, suffix);
    assert.match(String(res.headers.location), /sign-in/);
  }
  assert.equal((await anyone.json('GET', `/api/funding/grants/${grantId}/return`)).statusCode, 401);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get('/funding/grants/00000000-0000-4000-8000-000000000000/return')).statusCode, 404);
});
