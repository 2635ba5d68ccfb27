// The strategic assessment's police.uk import and analysis pages at a county's scale
// (issue 13): our own generator writes BENCH_CRIME_ROWS street rows (default 1,000,000,
// five years) in police.uk's format; then, in the same run:
//   - the time merely to parse that file with csv-parse (the baseline), and the import's
//     rows per second on PGlite as a ratio to it;
//   - RSS before, at its peak during and after the import;
//   - every analysis page (HTML through the whole app, signed in) at p50/p95 on PGlite and,
//     when BENCH_POSTGRES_URL (or the local default) answers, on a PostgreSQL server.
// Run small while others share the machine: BENCH_CRIME_ROWS=60000 npm run bench -- crime
// (BENCH_CRIME_POSTGRES=no leaves the PostgreSQL server out).
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { hashPassword } from '../src/access/passwords.ts';
import type { Actor } from '../src/access/policy.ts';
import { Client } from '../test/support/app.ts';
import { makeLsoas, writeStreetFile } from '../src/modules/assessment/generator.ts';
import { deriveAreas, importPopulations, writeBatch } from '../src/modules/assessment/commands.ts';
import { readSources } from '../src/modules/assessment/policeCsv.ts';
import { VIEWS } from '../src/modules/assessment/analysis.ts';
import { readRecords } from '../src/modules/assessment/csvRecords.ts';

const ROWS = Number(process.env.BENCH_CRIME_ROWS ?? 1_000_000);
const MONTHS = 60;
const ROUNDS = Number(process.env.BENCH_CRIME_ROUNDS ?? 20);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };

const dir = mkdtempSync(join(tmpdir(), 'ph-crime-bench-'));
const file = join(dir, 'northshire-street-five-years.csv');
const lsoas = makeLsoas(160);
let t0 = performance.now();
const rows = await writeStreetFile(file, { from: '2020-01', months: MONTHS, rowsPerMonth: Math.ceil(ROWS / MONTHS), lsoas, seed: 3 });
console.log(`  generated ${rows.toLocaleString('en-GB')} street rows (${MONTHS} months, ${lsoas.length} LSOAs), ${mb(statSync(file).size)}, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// The baseline: parse the same file, nothing else.
t0 = performance.now();
let parsed = 0;
for await (const _ of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }))) parsed++;
const parseSeconds = (performance.now() - t0) / 1000;
console.log(`  parse only (csv-parse, the baseline): ${parseSeconds.toFixed(2)} s, ${Math.round(parsed / parseSeconds).toLocaleString('en-GB')} rows/s`);
// And with the import's own reader (csvRecords.ts), records counted and nothing else.
t0 = performance.now();
let ours = 0;
await readRecords(createReadStream(file), () => { ours++; });
const oursSeconds = (performance.now() - t0) / 1000;
console.log(`  parse only (the import's own reader): ${oursSeconds.toFixed(2)} s, ${Math.round(ours / oursSeconds).toLocaleString('en-GB')} rows/s`);

async function measure(label: string, database: Database, importToo: boolean) {
  const { db } = database;
  const slug = `bench-${Date.now()}`;
  const pid = (await db.insertInto('partnerships').values({ slug, name: 'Bench CSP', short_name: 'Bench', hostname: `${slug}.example` }).returning('id').executeTakeFirstOrThrow()).id;
  const password = 'bench-password-not-secret-1';
  const user = await db.insertInto('users').values({ email: `analyst@${slug}.example`, display_name: 'Analyst', password_hash: await hashPassword(password) }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('partnership_users').values({ partnership_id: pid, user_id: user.id, role: 'officer', person_id: null }).execute();
  const actor: Actor = { kind: 'user', partnershipId: pid, userId: user.id, displayName: 'Analyst', role: 'officer', personId: null, grants: [] };
  const ctx = { db, actor };

  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  t0 = performance.now();
  // importCrimeData's two halves, timed apart: reading (and counting) the file, then writing the counts.
  const batch = await readSources([{ name: 'northshire-street-five-years.csv', path: file }]);
  const readSeconds = (performance.now() - t0) / 1000;
  if (batch.problems.length) throw new Error(batch.problems[0]!.message);
  await writeBatch(ctx, batch);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  global.gc?.();
  const after = process.memoryUsage().rss;
  const rate = rows / seconds;
  if (importToo) {
    console.log(`  ${label} import: ${seconds.toFixed(2)} s, ${Math.round(rate).toLocaleString('en-GB')} rows/s = ${(parseSeconds / seconds).toFixed(2)}x the csv-parse parse-only rate, ${(oursSeconds / seconds).toFixed(2)}x its own reader's (goal 100,000 rows/s)`);
    console.log(`  ${label} of which reading and counting ${readSeconds.toFixed(2)} s, writing ${(seconds - readSeconds).toFixed(2)} s`);
    console.log(`  ${label} RSS before ${mb(before)}, peak ${mb(peak)} (+${mb(peak - before)}), after ${mb(after)}`);
  } else {
    console.log(`  ${label} import: ${seconds.toFixed(2)} s, ${Math.round(rate).toLocaleString('en-GB')} rows/s`);
  }
  await deriveAreas(ctx);
  await importPopulations(ctx, [['Area', 'Year', 'Population', 'Source'], ['Ashby Vale', '2023', '98400', 'bench'], ['Brackenford', '2023', '121700', 'bench'], ['Corran Heath', '2023', '76300', 'bench']]);
  const area = (await db.selectFrom('assessment_areas').select('id').where('partnership_id', '=', pid).orderBy('name').executeTakeFirstOrThrow()).id;

  const config = loadConfig({ SESSION_SECRET: 'bench-secret-bench-secret-bench-secret', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  const app = await buildApp({ db, config, logger: false });
  await app.ready();
  const client = await new Client(app, `${slug}.example`).signIn(`analyst@${slug}.example`, password);
  const pages = VIEWS.flatMap((v) => [`/assessment/analysis/${v.id}`, `/assessment/analysis/${v.id}?area=${area}&category=Burglary`]);
  const base: number[] = [];
  const times = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS + 2; round++) {
    for (const url of pages) {
      const s = performance.now();
      const res = await client.get(url);
      const ms = performance.now() - s;
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
      if (round >= 2) times.set(url, [...(times.get(url) ?? []), ms]);
    }
    const s = performance.now();
    await client.get('/health');
    base.push(performance.now() - s);
  }
  const all = [...times.values()].flat();
  const worst = [...times].map(([url, ts]) => [url, pct(ts, 95)] as const).sort((a, b) => b[1] - a[1]);
  console.log(`  ${label} analysis pages (${pages.length} pages x ${ROUNDS} rounds, whole app, signed in): p50 ${pct(all, 50).toFixed(1)} ms, p95 ${pct(all, 95).toFixed(1)} ms (goal 100 ms); slowest p95 ${worst[0]![0]} ${worst[0]![1].toFixed(1)} ms`);
  console.log(`  ${label} baseline GET /health p50 ${pct(base, 50).toFixed(2)} ms; analysis p95 = ${(pct(all, 95) / pct(base, 50)).toFixed(0)}x baseline`);
  await app.close();
}

const lite = await openPglite();
await migrate(lite);
await measure('PGlite', lite, true);
await lite.close();

// BENCH_CRIME_POSTGRES=no: PGlite only (a quicker run while working).
if (process.env.BENCH_CRIME_POSTGRES !== 'no') try {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query('drop database if exists ph_crime_bench with (force)');
  await admin.query('create database ph_crime_bench');
  const url = new URL(postgresUrl);
  url.pathname = '/ph_crime_bench';
  const server = await openPostgres(url.toString(), 4);
  await migrate(server);
  await measure('PostgreSQL server', server, false);
  await server.close();
  await admin.end();
} catch (e) {
  console.log(`  PostgreSQL server not measured: ${(e as Error).message}`);
}
rmSync(dir, { recursive: true, force: true });
