// The national shape on PostgreSQL (issue 19): many partnerships' years of meetings in
// one database (bench/national-data.ts), then the public meeting page and search at that
// scale, p50/p95/p99, beside /health through the same app in the same run; the database's
// size and its five largest indexes; and the plan of a search.
// Scale: BENCH_NATIONAL_PARTNERSHIPS x BENCH_NATIONAL_YEARS (default 4 x 2, a quick run);
// BENCH_NATIONAL=full for 400 x 20 (about 10 million minutes paragraphs: hours on a small
// machine). The server: DATABASE_URL or TEST_POSTGRES_URL (default the local one); the
// bench creates its own database and drops it at the end (BENCH_NATIONAL_KEEP=1 keeps it;
// BENCH_NATIONAL_REUSE=1 then measures the kept one again, after migrating it, without
// generating: to compare a migration's effect on the same data).
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { openPostgres } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { searchEntries } from '../src/modules/search/store.ts';
import { FULL_SCALE, generateNational, partnershipHost, partnershipId } from './national-data.ts';

const scale = process.env.BENCH_NATIONAL === 'full' ? { ...FULL_SCALE }
  : { partnerships: Number(process.env.BENCH_NATIONAL_PARTNERSHIPS ?? 4), years: Number(process.env.BENCH_NATIONAL_YEARS ?? 2) };
const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = 'ph_national_bench';
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
const reuse = process.env.BENCH_NATIONAL_REUSE === '1'
  && (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount === 1;
if (!reuse) {
  await admin.query(`drop database if exists ${dbName}`);
  await admin.query(`create database ${dbName}`);
}
const url = new URL(serverUrl);
url.pathname = `/${dbName}`;
const database = await openPostgres(url.toString(), 4);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const line = (label: string, xs: number[]) => `${label.padEnd(36)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms  p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms  p99 ${pct(xs, 99).toFixed(1).padStart(7)} ms  (${xs.length})`;

try {
  const t0 = performance.now();
  await migrate(database);
  const { db } = database;
  if (reuse) {
    await sql`analyze`.execute(db);
    scale.partnerships = Number((await sql<{ n: string }>`select count(*) as n from partnerships where slug like 'national-%'`.execute(db)).rows[0]!.n);
    const n = (await sql<{ n: string }>`select count(*) as n from search_entries`.execute(db)).rows[0]!.n;
    console.log(`reused ${dbName}: ${scale.partnerships} partnerships, ${Number(n).toLocaleString('en-GB')} search entries; migrated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } else {
    console.log(`scale: ${scale.partnerships} partnerships x ${scale.years} years`);
    const counts = await generateNational(db, scale, console.log);
    console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${counts.meetings.toLocaleString('en-GB')} meetings, ${counts.paragraphs.toLocaleString('en-GB')} minutes paragraphs, ${counts.searchEntries.toLocaleString('en-GB')} search entries`);
  }

  const app = await buildApp({ db, config: loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url.toString() } as NodeJS.ProcessEnv), logger: false });
  const partnerships = Array.from({ length: Math.min(scale.partnerships, 20) }, (_, i) => 1 + Math.floor((i * scale.partnerships) / Math.min(scale.partnerships, 20)));
  const meetings = new Map<number, string[]>();
  for (const n of partnerships) {
    meetings.set(n, (await db.selectFrom('meetings').select('id').where('partnership_id', '=', partnershipId(n)).orderBy('meets_on', 'desc').limit(50).execute()).map((m) => m.id));
  }
  // Words from the generated vocabulary: common, middling and rare, alone and together.
  const words = (await sql<{ w: string }>`select distinct split_part(title, ' ', 3) as w from search_entries where kind = 'agenda-item' limit 6`.execute(db)).rows.map((r) => r.w.toLowerCase());
  const queries = [words[0]!, `${words[1]} ${words[2]}`, 'kaloka', 'zedzedzed', `"${words[3]}"`, `${words[4]} -${words[5]}`];
  const rounds = Number(process.env.BENCH_NATIONAL_ROUNDS ?? 5);
  const health: number[] = [];
  const page: number[] = [];
  const search: number[] = [];
  const searchPage: number[] = [];
  const get = async (host: string, path: string, into: number[]) => {
    const s = performance.now();
    const r = await app.inject({ url: path, headers: { host } });
    into.push(performance.now() - s);
    if (r.statusCode !== 200) throw new Error(`${path} on ${host}: ${r.statusCode}`);
    return r.body;
  };
  // Warm-up: the first of each kind compiles templates and plans.
  await get(partnershipHost(1), '/health', []);
  await get(partnershipHost(1), `/meetings/${meetings.get(1)![0]}`, []);
  for (let r = 0; r < rounds; r++) {
    for (const n of partnerships) {
      const host = partnershipHost(n);
      await get(host, '/health', health);
      await get(host, `/meetings/${meetings.get(n)![(r * 7) % meetings.get(n)!.length]}`, page);
      for (const q of queries) {
        const s = performance.now();
        await searchEntries(db, partnershipId(n), { kind: 'public-only' }, { q, kinds: [], bodyId: null, from: null, to: null, page: 1 });
        search.push(performance.now() - s);
      }
      await get(host, `/search?q=${encodeURIComponent(queries[r % queries.length]!)}`, searchPage);
    }
  }
  console.log(line('baseline: /health through the app', health));
  console.log(line('public meeting page', page));
  console.log(line('search (store, public reader)', search));
  console.log(line('search page /search?q=', searchPage));
  console.log(`meeting page p95 = ${(pct(page, 95) / pct(health, 95)).toFixed(1)}x /health p95; search p95 ${pct(search, 95).toFixed(1)} ms (goal <= 30 ms: ${pct(search, 95) <= 30 ? 'met' : 'not met'})`);

  const size = await sql<{ s: string }>`select pg_size_pretty(pg_database_size(current_database())) as s`.execute(db);
  console.log(`database size: ${size.rows[0]!.s}`);
  const largest = await sql<{ name: string; size: string }>`select c.relname as name, pg_size_pretty(pg_relation_size(c.oid)) as size from pg_class c
    join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'i' and n.nspname = 'public' order by pg_relation_size(c.oid) desc limit 5`.execute(db);
  console.log(`largest indexes: ${largest.rows.map((r) => `${r.name} ${r.size}`).join(', ')}`);
  // The plan of the search's candidate query, to see that it takes the words' index.
  const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers) select kind, record_id from search_entries
    where partnership_id = ${partnershipId(partnerships[0]!)} and public and search @@ websearch_to_tsquery('english', ${words[0]})
    order by occurred_on desc nulls last limit 200`.execute(db);
  console.log('plan of a search for a common word in one partnership:');
  for (const r of plan.rows) console.log(`  ${r['QUERY PLAN']}`);
  await app.close();
} finally {
  await database.close();
  if (!process.env.BENCH_NATIONAL_KEEP) await admin.query(`drop database if exists ${dbName}`);
  await admin.end();
}
