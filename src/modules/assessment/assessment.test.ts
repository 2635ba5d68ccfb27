// The assessment's crime data pages through HTTP, as the analyst, a member and the
// public use them, on the demo partnership's 27 months of made-up Northshire data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { todayIso } from '../partnership/domain.ts';
import { addMonths } from './domain.ts';
import { STREET_HEADER, multipartFiles, street, zipBytes } from './testing.ts';

let t: TestApp;
let officer: Client;
let member: Client;
let anyone: Client;
const last = addMonths(todayIso().slice(0, 7), -2);

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  anyone = new Client(t.app);
});
after(async () => { await t?.close(); });

async function upload(client: Client, url: string, files: { name: string; bytes: Uint8Array | string }[]) {
  const page = await client.get(url.startsWith('/assessment/areas') ? '/assessment/areas' : '/assessment/crime');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartFiles(csrf, files);
  return t.app.inject({ method: 'POST', url, payload, headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType } });
}

const flashOf = (res: { cookies: { name: string; value: string }[] }) => decodeURIComponent(res.cookies.find((c) => c.name === 'ph_flash')?.value ?? '');

test('the strategy page links to the assessment; members read it, the public is asked to sign in', async () => {
  assert.match((await member.get('/strategy')).body, /href="\/assessment"/);
  assert.doesNotMatch((await anyone.get('/strategy')).body, /href="\/assessment"/);
  const start = pageText((await member.get('/assessment')).body);
  assert.match(start, /Street crime data 27 months/);
  assert.match(start, /Areas 3/);
  for (const url of ['/assessment', '/assessment/crime', '/assessment/analysis/trend', '/assessment/analysis/trend/monthly.csv', '/api/assessment/areas']) {
    assert.notEqual((await anyone.get(url)).statusCode, 200, url);
  }
  // A member reads, but has no import form.
  assert.doesNotMatch((await member.get('/assessment/crime')).body, /enctype="multipart\/form-data"/);
  assert.match((await officer.get('/assessment/crime')).body, /enctype="multipart\/form-data"/);
});

test('monthly counts with a 12-month total, anti-social behaviour beside crime, as SVG, a table and CSV', async () => {
  const page = await member.get('/assessment/analysis/trend');
  assert.equal(page.statusCode, 200);
  assert.equal((page.body.match(/<svg[^>]+class="app-chart"[^>]+aria-hidden="true"/g) ?? []).length, 4);
  const text = pageText(page.body);
  assert.match(text, /All crime \(excluding anti-social behaviour\): 12 months to this month/);
  const api = (await member.json('GET', '/api/assessment/analysis/trend')).json() as { tables: { rows: (number | string | null)[][] }[] };
  const rows = api.tables[0]!.rows;
  assert.equal(rows.length, 27);
  // The 12-month total is the sum of the month and the eleven before it.
  const sum = rows.slice(3, 15).reduce((a, r) => a + (r[1] as number), 0);
  assert.equal(rows[14]![2], sum);
  assert.equal(rows[10]![2], null);
  const csv = await member.get('/assessment/analysis/trend/monthly.csv');
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.match(csv.body, /^Month,All crime \(excluding anti-social behaviour\),.*Anti-social behaviour,/);
  assert.equal(csv.body.trim().split('\r\n').length, 28);
});

test('this year against last names the test and marks the rise in violence as large', async () => {
  const page = pageText((await member.get('/assessment/analysis/change')).body);
  assert.match(page, /two-sample t-test on the 12 monthly counts/);
  const api = (await member.json('GET', '/api/assessment/analysis/change')).json() as { tables: { rows: (number | string | null)[][] }[] };
  const violence = api.tables[0]!.rows.find((r) => r[0] === 'Violence and sexual offences')!;
  assert.ok((violence[3] as number) > 0, 'the demo raises violence over the last year');
  assert.equal(violence[6], 'Yes');
});

test('rates per 1,000 carry their population, its year and source on every row, and are never totalled', async () => {
  const api = (await member.json('GET', '/api/assessment/analysis/rates?category=Burglary')).json() as { tables: { head: { label: string }[]; rows: (number | string | null)[][] }[] };
  const [table] = api.tables;
  assert.deepEqual(table!.head.map((h) => h.label), ['Area', 'Crimes', 'Residents', 'Population year', 'Population source', 'Per 1,000 residents']);
  assert.deepEqual(table!.rows.map((r) => r[0]), ['Ashby Vale', 'Brackenford', 'Corran Heath']);
  for (const r of table!.rows) {
    assert.equal(r[4], 'Mid-year estimate (demo figure)');
    assert.equal(r[5], Math.round(((r[1] as number) / (r[2] as number)) * 10000) / 10);
  }
  const page = pageText((await member.get('/assessment/analysis/rates?category=Burglary')).body);
  assert.doesNotMatch(page, /Total/);
  assert.match(page, /not added up or averaged across areas/);
});

test('the places with the most violence as a table and a map drawn from coordinates; outcomes by type', async () => {
  const page = await member.get('/assessment/analysis/places');
  assert.match(page.body, /<svg[^>]*>.*<circle[^>]+fill="#1d70b8"/s);
  assert.doesNotMatch(page.body, /https?:\/\/[^"]*tile/);
  const api = (await member.json('GET', '/api/assessment/analysis/places?area=x')).json() as { tables: { rows: (number | string)[][] }[] };
  assert.equal(api.tables[0]!.rows.length, 20);
  assert.ok((api.tables[0]!.rows[0]![3] as number) >= (api.tables[0]!.rows[19]![3] as number));
  const outcomes = (await member.json('GET', '/api/assessment/analysis/outcomes')).json() as { tables: { rows: (number | string)[][] }[] };
  assert.ok(outcomes.tables[0]!.rows.some((r) => r[0] === 'Violence and sexual offences' && r[1] === 'Under investigation'));
  assert.ok(!outcomes.tables[0]!.rows.some((r) => r[0] === 'Anti-social behaviour'));
  assert.equal((await member.get('/assessment/analysis/nothing')).statusCode, 404);
});

test('the analyst imports a zip; a refused file lists its lines and changes nothing; a re-import replaces its month', async () => {
  const month = addMonths(last, 1);
  const good = STREET_HEADER + street('z1', month, 'Robbery', 'E01900001', 'Ashby Vale 001A', 'Under investigation') + street('', month, 'Anti-social behaviour', 'E01900002', 'Ashby Vale 001B');
  const refused = await upload(officer, '/assessment/crime', [{ name: `${month}-northshire-street.csv`, bytes: `${good}z2,${month}\n` }]);
  assert.equal(refused.statusCode, 400);
  const text = pageText(refused.body);
  assert.match(text, /There is a problem 1 problem in the file: nothing has been imported/);
  assert.match(text, /Line 4 has 2 columns; a police\.uk street file has 12/);
  assert.doesNotMatch(pageText((await officer.get('/assessment')).body), /28 months/);
  assert.equal((await upload(member, '/assessment/crime', [{ name: 'x.csv', bytes: good }])).statusCode, 403);
  const zip = await zipBytes({ [`${month}/${month}-northshire-street.csv`]: good });
  const ok = await upload(officer, '/assessment/crime', [{ name: 'northshire.zip', bytes: zip }]);
  assert.equal(ok.statusCode, 303, ok.body);
  assert.equal(flashOf(ok), 'Imported 2 rows: 1 month');
  assert.match(pageText((await officer.get('/assessment')).body), /28 months/);
  const again = await upload(officer, '/assessment/crime', [{ name: `${month}-northshire-street.csv`, bytes: good + street('z3', month, 'Robbery', 'E01900001', 'Ashby Vale 001A') }]);
  assert.equal(again.statusCode, 303);
  assert.equal(flashOf(again), 'Imported 3 rows: 1 month, of which 1 replaced an earlier import');
  const months = (await officer.json('GET', '/api/assessment/crime-months')).json().items as { month: string; rows: number }[];
  assert.equal(months.find((m) => m.month === month)?.rows, 3);
  assert.equal(months.filter((m) => m.month === last).length, 1);
  const audit = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'crime-data').orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.match(audit.summary!, /Imported 3 rows of police\.uk data: 1 month \(1 replaced\)/);
});

test('areas and populations: a population file missing an area is refused with a clear message', async () => {
  const bad = await upload(officer, '/assessment/areas/populations', [{ name: 'pop.csv', bytes: 'Area,Year,Population,Source\nAshby Vale,2024,99000,ONS\n' }]);
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /The file has no population for Brackenford in 2024/);
  const good = await upload(officer, '/assessment/areas/populations', [{ name: 'pop.csv', bytes: 'Area,Year,Population,Source\nAshby Vale,2099,99000,ONS\nBrackenford,2099,1,ONS\nCorran Heath,2099,2,ONS\n' }]);
  assert.equal(good.statusCode, 303);
  const areas = (await member.json('GET', '/api/assessment/areas')).json().items as { name: string; populations: { year: number }[] }[];
  assert.deepEqual(areas.map((a) => a.populations.map((p) => p.year).at(-1)), [2099, 2099, 2099]);
  assert.equal((await member.post('/assessment/areas/derive', {})).statusCode, 403);
  assert.equal((await officer.post('/assessment/areas/derive', {})).statusCode, 303);
  const csv = await member.get('/assessment/areas.csv');
  assert.match(csv.body, /^Area,LSOAs,Set from,Population year,Population,Population source/);
});
