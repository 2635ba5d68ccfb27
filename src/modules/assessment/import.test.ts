// Importing police.uk files on both engines: the counts kept, a month replaced and
// nothing else, and files refused whole with their lines named.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../access/policy.ts';
import { COLUMNS } from './domain.ts';
import { csvLine } from './generator.ts';
import { deriveAreas, importCrimeData, importPopulations, readCsvText, setAreasFromLookup } from './commands.ts';
import { listAreas, listImportedMonths, monthlyCounts, outcomesByCategory, topLsoas, topLsoasOf } from './store.ts';
import { STREET_HEADER, fileOf, street, zipBytes } from './testing.ts';
import { ValidationError } from '../../web/errors.ts';

// Opened in a hook: scripts/test.mjs loads test files with require(), which refuses a top-level await.
let database: Database;
before(async () => { database = await createTestDatabase(); });
after(() => database.close());
let pid: string;
let ctx: { db: typeof database.db; actor: Actor };

before(async () => {
  pid = (await database.db.insertInto('partnerships').values({ slug: 'eastmere', name: 'Eastmere CSP', short_name: 'Eastmere', hostname: null }).returning('id').executeTakeFirstOrThrow()).id;
  const user = await database.db.insertInto('users').values({ email: 'analyst@eastmere.example', display_name: 'Analyst', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
  ctx = { db: database.db, actor: { kind: 'user', partnershipId: pid, userId: user.id, displayName: 'Analyst', role: 'officer', personId: null, grants: [] } };
});

const january = STREET_HEADER
  + street('a1', '2024-01', 'Violence and sexual offences', 'E01000001', 'Eastmere 001A', 'Under investigation')
  + street('a2', '2024-01', 'Violent crime', 'E01000001', 'Eastmere 001A', 'Unable to prosecute suspect', '-1.410000', '52.610000')
  + street('', '2024-01', 'Anti-social behaviour', 'E01000002', 'Eastmere 002B', '')
  + street('', '2024-01', 'Anti-social behaviour', 'E01000003', 'Westmere 001A', '')
  + street('a3', '2024-01', 'Burglary', '', '', 'Under investigation', '', '');

const monthOf = (m: string, type: string, n: number) => STREET_HEADER + Array.from({ length: n }, (_, i) => street(`x${m}${i}`, m, type, 'E01000003', 'Westmere 001A', 'Under investigation')).join('');

test('a street file is counted per month, type and LSOA; ASB rows have no Crime ID; a retired name counts under today\'s', async () => {
  const r = await importCrimeData(ctx, [fileOf('2024-01-eastmere-street.csv', january)]);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.rows, 5);
  const months = await listImportedMonths(database.db, pid);
  assert.deepEqual(months.map((m) => [m.kind, m.month, m.force, m.rows]), [['street', '2024-01', 'Northshire Police', 5]]);
  assert.match(months[0]!.sha256, /^[0-9a-f]{64}$/);
  const counts = await monthlyCounts(database.db, pid, null);
  assert.deepEqual(counts.map((c) => [c.category, c.crimes]).sort(), [['Anti-social behaviour', 2], ['Burglary', 1], ['Violence and sexual offences', 2]]);
  // Kept as published: the old name is still there, under its own row.
  const kept = await database.db.selectFrom('assessment_street_counts').select(['crime_type', 'lsoa_codes', 'crimes', 'total']).where('partnership_id', '=', pid).where('crime_type', '=', 'Violent crime').execute();
  assert.deepEqual(kept, [{ crime_type: 'Violent crime', lsoa_codes: ['E01000001'], crimes: [1], total: 1 }]);
  const top = await topLsoas(database.db, pid, ['Violence and sexual offences', 'Violent crime'], '2024-01', '2024-01', 5);
  assert.equal(top[0]!.lsoa_code, 'E01000001');
  assert.equal(top[0]!.crimes, 2);
  assert.equal(Math.round((top[0]!.sum_longitude / top[0]!.located) * 1000) / 1000, -1.405);
  // The places page reads the latest 12 months from their aggregate: the same figures.
  assert.deepEqual(await topLsoasOf(database.db, pid, 'Violence and sexual offences', '2023-02', '2024-01', 5), top);
  assert.deepEqual((await topLsoasOf(database.db, pid, 'Anti-social behaviour', '2023-02', '2024-01', 5)).map((t) => [t.lsoa_code, t.crimes]), [['E01000002', 1], ['E01000003', 1]]);
  const outcomes = await outcomesByCategory(database.db, pid, '2024-01', '2024-01');
  assert.deepEqual(outcomes.find((o) => o.category === 'Violence and sexual offences' && o.outcome === 'Under investigation')?.crimes, 1);
  assert.ok(!outcomes.some((o) => o.category === 'Anti-social behaviour'));
});

test('re-importing a month replaces that month and nothing else', async () => {
  assert.ok((await importCrimeData(ctx, [fileOf('2024-02-eastmere-street.csv', monthOf('2024-02', 'Drugs', 3))])).ok);
  const again = await importCrimeData(ctx, [fileOf('2024-02-eastmere-street.csv', monthOf('2024-02', 'Drugs', 7))]);
  assert.ok(again.ok && again.replaced === 1);
  const counts = await monthlyCounts(database.db, pid, null);
  assert.equal(counts.filter((c) => c.month === '2024-02').reduce((a, c) => a + c.crimes, 0), 7);
  assert.equal(counts.filter((c) => c.month === '2024-01').reduce((a, c) => a + c.crimes, 0), 5);
});

test('a wrong column count or a month other than the file\'s is reported by line, and the whole upload is refused', async () => {
  const before = await monthlyCounts(database.db, pid, null);
  const bad = STREET_HEADER + street('b1', '2024-03', 'Drugs', 'E01000001', 'Eastmere 001A') + 'b2,2024-03,Northshire Police\n' + street('b3', '2024-04', 'Drugs', 'E01000001', 'Eastmere 001A');
  const good = monthOf('2024-05', 'Robbery', 2);
  const r = await importCrimeData(ctx, [fileOf('2024-05-eastmere-street.csv', good), fileOf('2024-03-eastmere-street.csv', bad)]);
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.deepEqual(r.problems.map((p) => p.line), [3, 4]);
  assert.match(r.problems[0]!.message, /Line 3 has 3 columns; a police\.uk street file has 12/);
  assert.match(r.problems[1]!.message, /Line 4 has the month '2024-04', but the file is for 2024-03/);
  assert.deepEqual(await monthlyCounts(database.db, pid, null), before, 'nothing of the good file was written either');
  // Without a month in its name, a month must still be a month.
  const odd = await importCrimeData(ctx, [fileOf('export.csv', STREET_HEADER + street('c', 'March', 'Drugs', 'E01000001', 'Eastmere 001A'))]);
  assert.ok(!odd.ok && /month 'March', which is not a month/.test(odd.problems[0]!.message));
  // A file that is not police.uk's, a truncated quoted field, an empty file.
  const other = await importCrimeData(ctx, [fileOf('budget.csv', 'Date,Amount\n2024-01-01,5\n')]);
  assert.ok(!other.ok && /not a police\.uk street, outcomes or stop-and-search file/.test(other.problems[0]!.message));
  const cut = await importCrimeData(ctx, [fileOf('2024-03-eastmere-street.csv', `${STREET_HEADER}${street('d', '2024-03', 'Drugs', 'E01000001', 'Eastmere 001A')}"d2,2024-03,Nort`)]);
  assert.ok(!cut.ok && /cut short/.test(cut.problems[0]!.message), JSON.stringify(cut));
  assert.deepEqual(await monthlyCounts(database.db, pid, null), before);
});

test('a zip of a force\'s months is read entry by entry; a zip with other files, or a damaged one, is refused', async () => {
  const zip = await zipBytes({
    '2024-06/2024-06-eastmere-street.csv': monthOf('2024-06', 'Shoplifting', 4),
    '2024-06/2024-06-eastmere-outcomes.csv': csvLine(COLUMNS.outcomes) + csvLine(['a1', '2024-06', 'Northshire Police', 'Northshire Police', '', '', '', 'E01000001', 'Eastmere 001A', 'Offender sent to prison']),
    '2024-06/2024-06-eastmere-stop-and-search.csv': csvLine(COLUMNS['stop-and-search']) + csvLine(['Person search', '2024-06-14T21:10:00+00:00', 'False', '', '52.6', '-1.4', 'Male', '18-24', '', '', 'Misuse of Drugs Act 1971 (section 23)', 'Controlled drugs', 'A no further action disposal', '', 'False']),
    '2024-07/2024-07-eastmere-street.csv': monthOf('2024-07', 'Shoplifting', 6),
  });
  const r = await importCrimeData(ctx, [fileOf('eastmere.zip', zip)]);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.months.map((m) => `${m.kind} ${m.month}`).sort(), ['outcomes 2024-06', 'stop-and-search 2024-06', 'street 2024-06', 'street 2024-07']);
  const search = await database.db.selectFrom('assessment_search_counts').select(['force', 'object', 'searches']).where('partnership_id', '=', pid).execute();
  assert.deepEqual(search, [{ force: 'eastmere', object: 'Controlled drugs', searches: 1 }]);
  const extra = await importCrimeData(ctx, [fileOf('mixed.zip', await zipBytes({ '2024-08/2024-08-eastmere-street.csv': monthOf('2024-08', 'Drugs', 1), 'readme.txt': 'hello' }))]);
  assert.ok(!extra.ok && /holds files that are not police\.uk monthly CSV files \(readme\.txt\)/.test(extra.problems[0]!.message));
  const damaged = await importCrimeData(ctx, [fileOf('cut.zip', zip.subarray(0, Math.floor(zip.length / 2)))]);
  assert.ok(!damaged.ok && /damaged or incomplete/.test(damaged.problems[0]!.message));
  assert.equal((await listImportedMonths(database.db, pid)).filter((m) => m.month === '2024-08').length, 0);
});

test('areas from LSOA names or a lookup; populations need every area', async () => {
  const derived = await deriveAreas(ctx);
  assert.equal(derived.areas, 2);
  let areas = await listAreas(database.db, pid);
  assert.deepEqual(areas.map((a) => [a.name, a.lsoas]), [['Eastmere', 2], ['Westmere', 1]]);
  const west = areas.find((a) => a.name === 'Westmere')!;
  const westCounts = await monthlyCounts(database.db, pid, west.id);
  // The places page within an area, from the aggregate (latest month 2024-07) and added up from the months alike.
  const latest = await topLsoasOf(database.db, pid, 'Shoplifting', '2023-08', '2024-07', 5, west.id);
  assert.deepEqual(latest.map((t) => [t.lsoa_code, t.crimes]), [['E01000003', 10]]);
  assert.deepEqual(await topLsoas(database.db, pid, ['Shoplifting'], '2023-08', '2024-07', 5, west.id), latest);
  assert.deepEqual(await topLsoasOf(database.db, pid, 'Shoplifting', '2023-08', '2024-07', 5, areas.find((a) => a.name === 'Eastmere')!.id), []);
  assert.equal(westCounts.filter((c) => c.month === '2024-02').reduce((a, c) => a + c.crimes, 0), 7);
  await assert.rejects(importPopulations(ctx, readCsvText('Area,Year,Population,Source\nEastmere,2023,5000,ONS\n')), (e: ValidationError) => /no population for Westmere in 2023/.test(e.message));
  await assert.rejects(importPopulations(ctx, readCsvText('Area,Year,Population,Source\nNowhere,2023,5000,ONS\n')), (e: ValidationError) => /no area called 'Nowhere'/.test(e.message));
  await importPopulations(ctx, readCsvText('Area,Year,Population,Source\nEastmere,2023,"5,000",ONS mid-year estimate\nWestmere,2023,2500,ONS mid-year estimate\n'));
  areas = await listAreas(database.db, pid);
  assert.deepEqual(areas.map((a) => a.populations), [[{ year: 2023, population: 5000, source: 'ONS mid-year estimate' }], [{ year: 2023, population: 2500, source: 'ONS mid-year estimate' }]]);
  await assert.rejects(setAreasFromLookup(ctx, readCsvText('LSOA code,Area\nE01000001,North\nE01000001,South\n')), (e: ValidationError) => /E01000001 is on line 2 already/.test(e.message));
  await setAreasFromLookup(ctx, readCsvText('LSOA code,Area\nE01000001,Eastmere\nE01000002,Eastmere\nE01000003,Eastmere\n'));
  areas = await listAreas(database.db, pid);
  assert.deepEqual(areas.map((a) => [a.name, a.lsoas, a.source, a.populations.length]), [['Eastmere', 3, 'lookup', 1]]);
});
