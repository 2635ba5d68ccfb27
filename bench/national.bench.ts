// The national shape on PostgreSQL (issue 19): many partnerships' years of meetings in
// one database (bench/national-data.ts), then, at that scale, the meeting page (public,
// and signed in as an officer, who reads the section D item) and search (the store for the
// public and for an officer, and the /search page) p50/p95/p99, beside baselines measured
// in the same run through the same pool and app: `select 1`, and /health (a page with no
// query), and one partnership alone with the same years in a database of its own, turn
// about with the national one. Then the database's size and its ten largest tables and
// indexes, and the plan of a search. The machine's load is printed at the start and end.
// Scale: BENCH_NATIONAL_PARTNERSHIPS x BENCH_NATIONAL_YEARS (default 4 x 2, a quick run);
// BENCH_NATIONAL=full for 400 x 20 (about 10 million minutes paragraphs). The server:
// DATABASE_URL or TEST_POSTGRES_URL (default the local one); the bench creates its own
// database (BENCH_NATIONAL_DB, default ph_national_bench) and drops it at the end
// (BENCH_NATIONAL_KEEP=1 keeps it; BENCH_NATIONAL_REUSE=1 then measures the kept one
// again, after migrating it, without generating). BENCH_NATIONAL_NICE=10 renices the
// server process that generates (the server must be on this machine), to give way to
// other work; the measuring connections keep their priority.
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from '../src/db/schema.ts';
import { openPostgres } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { searchEntries } from '../src/modules/search/store.ts';
import { addNationalUsers, COMMONEST_WORD, FULL_SCALE, generateNational, partnershipHost, partnershipId } from './national-data.ts';

const scale = process.env.BENCH_NATIONAL === 'full' ? { ...FULL_SCALE }
  : { partnerships: Number(process.env.BENCH_NATIONAL_PARTNERSHIPS ?? 4), years: Number(process.env.BENCH_NATIONAL_YEARS ?? 2) };
const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = process.env.BENCH_NATIONAL_DB ?? 'ph_national_bench';
if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`BENCH_NATIONAL_DB: ${dbName} is not a plain database name`);
const load = () => `load average ${loadavg().map((x) => x.toFixed(2)).join(', ')} (${process.env.BENCH_NATIONAL_CORES ?? 'this machine\'s'} cores)`;
console.log(`start: ${load()}`);
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
const line = (label: string, xs: number[]) => `${label.padEnd(46)} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms  p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms  p99 ${pct(xs, 99).toFixed(1).padStart(7)} ms  (${xs.length})`;

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
    const nice = process.env.BENCH_NATIONAL_NICE;
    const counts = await generateNational(db, scale, (l) => {
      const pid = /server process (\d+)/.exec(l)?.[1];
      if (pid && nice) execFileSync('renice', [nice, '-p', pid]);
      console.log(l);
    });
    console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${counts.meetings.toLocaleString('en-GB')} meetings, ${counts.paragraphs.toLocaleString('en-GB')} minutes paragraphs, ${counts.searchEntries.toLocaleString('en-GB')} search entries`);
  }
  const searchEntryCount = Number((await sql<{ n: string }>`select count(*) as n from search_entries`.execute(db)).rows[0]!.n);
  const paragraphCount = Number((await sql<{ n: string }>`select count(*) as n from minute_paragraphs`.execute(db)).rows[0]!.n);
  console.log(`measured at: ${scale.partnerships} partnerships, ${paragraphCount.toLocaleString('en-GB')} minutes paragraphs, ${searchEntryCount.toLocaleString('en-GB')} search entries`);
  // The same years for one partnership alone, in a database of its own, measured turn
  // about with the national one: what "the same goals as at one partnership" compares with.
  const years = Math.round(Number((await sql<{ n: string }>`select count(*) as n from meetings`.execute(db)).rows[0]!.n) / (scale.partnerships * 2 * 6));
  await admin.query(`drop database if exists ${dbName}_one`);
  await admin.query(`create database ${dbName}_one`);
  const oneUrl = new URL(serverUrl);
  oneUrl.pathname = `/${dbName}_one`;
  const single = await openPostgres(oneUrl.toString(), 4);
  await migrate(single);
  await generateNational(single.db, { partnerships: 1, years });
  console.log(`one partnership alone: 1 x ${years} years, ${Number((await sql<{ n: string }>`select count(*) as n from search_entries`.execute(single.db)).rows[0]!.n).toLocaleString('en-GB')} search entries`);
  const oneApp = await buildApp({ db: single.db, config: loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: oneUrl.toString() } as NodeJS.ProcessEnv), logger: false });
  const oneMeetings = (await single.db.selectFrom('meetings').select('id').orderBy('meets_on', 'desc').limit(50).execute()).map((m) => m.id);

  const app = await buildApp({ db, config: loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url.toString() } as NodeJS.ProcessEnv), logger: false });
  const sampled = Math.min(scale.partnerships, 20);
  const partnerships = Array.from({ length: sampled }, (_, i) => 1 + Math.floor((i * scale.partnerships) / sampled));
  const meetings = new Map<number, string[]>();
  const officers = new Map<number, string>();
  for (const n of partnerships) {
    meetings.set(n, (await db.selectFrom('meetings').select('id').where('partnership_id', '=', partnershipId(n)).orderBy('meets_on', 'desc').limit(50).execute()).map((m) => m.id));
    // Signed in through the form, as a person would; each from its own address.
    const users = await addNationalUsers(db, n);
    const form = await app.inject({ url: '/sign-in', headers: { host: partnershipHost(n) } });
    const csrf = form.cookies.find((c) => c.name === 'ph_csrf')!.value;
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const signedIn = await app.inject({
      method: 'POST', url: '/sign-in', remoteAddress: `10.0.${n >> 8}.${n & 255}`,
      headers: { host: partnershipHost(n), cookie: `ph_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, email: users.officer, password: users.password }).toString(),
    });
    const session = signedIn.cookies.find((c) => c.name === 'ph_session');
    if (!session) throw new Error(`bench: ${users.officer} could not sign in (${signedIn.statusCode})`);
    officers.set(n, `ph_csrf=${csrf}; ph_session=${session.value}`);
  }
  // Words from the generated vocabulary: common, middling and rare, alone and together.
  const words = (await sql<{ w: string }>`select distinct split_part(content, ' ', 2) as w from search_entries where kind = 'agenda-item' limit 6`.execute(db)).rows.map((r) => r.w.toLowerCase());
  // The commonest word is in most entries: a search for it ranks its newest 500 matches.
  const queries = [words[0]!, `${words[1]} ${words[2]}`, 'kaloka', 'zedzedzed', `"${words[3]}"`, `${words[4]} -${words[5]}`, COMMONEST_WORD];
  const rounds = Number(process.env.BENCH_NATIONAL_ROUNDS ?? 5);
  const one: number[] = [];
  const health: number[] = [];
  const page: number[] = [];
  const officerPage: number[] = [];
  const search: number[] = [];
  const officerSearch: number[] = [];
  const searchPage: number[] = [];
  const officerSearchPage: number[] = [];
  const onePage: number[] = [];
  const oneSearch: number[] = [];
  const oneSearchPage: number[] = [];
  const get = async (host: string, path: string, into: number[], cookie?: string, on = app) => {
    const s = performance.now();
    const r = await on.inject({ url: path, headers: { host, ...(cookie ? { cookie } : {}) } });
    into.push(performance.now() - s);
    if (r.statusCode !== 200) throw new Error(`${path} on ${host}: ${r.statusCode}`);
    return r.body;
  };
  const timed = async (into: number[], f: () => Promise<unknown>) => {
    const s = performance.now();
    await f();
    into.push(performance.now() - s);
  };
  // Warm-up: the first of each kind compiles templates and plans.
  await get(partnershipHost(1), '/health', []);
  await get(partnershipHost(1), `/meetings/${meetings.get(1)![0]}`, []);
  await get(partnershipHost(1), `/meetings/${meetings.get(1)![0]}`, [], officers.get(1));
  await get(partnershipHost(1), `/search?q=${words[0]}`, [], officers.get(1));
  await get(partnershipHost(1), `/meetings/${oneMeetings[0]}`, [], undefined, oneApp);
  const held = (await get(partnershipHost(1), `/meetings/${meetings.get(1)![0]}`, [], officers.get(1))).includes('D1');
  if (!held) throw new Error('bench: the officer does not see the section D item');
  for (let r = 0; r < rounds; r++) {
    for (const n of partnerships) {
      const host = partnershipHost(n);
      const meeting = meetings.get(n)![(r * 7) % meetings.get(n)!.length];
      await timed(one, () => sql`select 1`.execute(db));
      await get(host, '/health', health);
      // A query string of its own keeps each public page out of the rendered-page cache
      // (src/web/publicCache.ts): what scale changes is the reading, not a cache hit.
      await get(host, `/meetings/${meeting}?bench=${r}`, page);
      await get(host, `/meetings/${meeting}`, officerPage, officers.get(n));
      for (const q of queries) {
        const query = { q, kinds: [], bodyId: null, from: null, to: null, page: 1 };
        await timed(search, () => searchEntries(db, partnershipId(n), { kind: 'public-only' }, query));
        await timed(officerSearch, () => searchEntries(db, partnershipId(n), { kind: 'everything' }, query));
        await timed(oneSearch, () => searchEntries(single.db, partnershipId(1), { kind: 'public-only' }, query));
      }
      const q = `/search?q=${encodeURIComponent(queries[r % queries.length]!)}`;
      await get(host, q, searchPage);
      await get(host, q, officerSearchPage, officers.get(n));
      await get(partnershipHost(1), `/meetings/${oneMeetings[(r * 7 + n) % oneMeetings.length]}?bench=${r}-${n}`, onePage, undefined, oneApp);
      await get(partnershipHost(1), q, oneSearchPage, undefined, oneApp);
    }
  }
  console.log(line('baseline: select 1 (the pool)', one));
  console.log(line('baseline: /health through the app', health));
  console.log(line('meeting page, public (not from the cache)', page));
  console.log(line('meeting page, officer (reads section D)', officerPage));
  console.log(line('search (store), public reader', search));
  console.log(line('search (store), officer', officerSearch));
  console.log(line('search page /search?q=, public', searchPage));
  console.log(line('search page /search?q=, officer', officerSearchPage));
  console.log(line('one partnership alone: meeting page, public', onePage));
  console.log(line('one partnership alone: search (store), public', oneSearch));
  console.log(line('one partnership alone: search page, public', oneSearchPage));
  console.log(`national against one partnership alone, p95: meeting page ${(pct(page, 95) / pct(onePage, 95)).toFixed(2)}x, search (store) ${(pct(search, 95) / pct(oneSearch, 95)).toFixed(2)}x, search page ${(pct(searchPage, 95) / pct(oneSearchPage, 95)).toFixed(2)}x`);
  await oneApp.close();
  await single.close();
  await admin.query(`drop database if exists ${dbName}_one`);
  const ratio = (xs: number[]) => `${(pct(xs, 95) / pct(health, 95)).toFixed(1)}x`;
  console.log(`p95 against /health's p95: meeting page public ${ratio(page)}, officer ${ratio(officerPage)}; search page public ${ratio(searchPage)}, officer ${ratio(officerSearchPage)}`);
  console.log(`search p95 (store): public ${pct(search, 95).toFixed(1)} ms, officer ${pct(officerSearch, 95).toFixed(1)} ms (goal <= 30 ms: ${Math.max(pct(search, 95), pct(officerSearch, 95)) <= 30 ? 'met' : 'not met'})`);

  const size = await sql<{ s: string }>`select pg_size_pretty(pg_database_size(current_database())) as s`.execute(db);
  console.log(`database size: ${size.rows[0]!.s}`);
  const largest = async (kinds: string[], sizeOf: string) => (await sql<{ name: string; size: string }>`select c.relname as name, pg_size_pretty(${sql.raw(sizeOf)}(c.oid)) as size from pg_class c
    join pg_namespace n on n.oid = c.relnamespace where c.relkind = any(${kinds}) and n.nspname = 'public' order by ${sql.raw(sizeOf)}(c.oid) desc limit 10`.execute(db)).rows;
  console.log('largest tables (with their indexes and TOAST):');
  for (const r of await largest(['r'], 'pg_total_relation_size')) console.log(`  ${r.name.padEnd(40)} ${r.size}`);
  console.log('largest indexes:');
  for (const r of await largest(['i'], 'pg_relation_size')) console.log(`  ${r.name.padEnd(40)} ${r.size}`);
  // The plans of the statements a search sends (the store's own, taken from a log), for a
  // common word, a rare word and a phrase: each statement's estimated cost, time, pages
  // read and any JIT compiling (which an estimate above jit_above_cost brings on).
  const logged: { sql: string; parameters: readonly unknown[] }[] = [];
  const explainPool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  const logging = new Kysely<DB>({ dialect: new PostgresDialect({ pool: explainPool }), log: (e) => { if (e.level === 'query') logged.push(e.query); } });
  for (const [label, q] of [['common word', COMMONEST_WORD], ['rare word', 'zedzedzed'], ['phrase', `"kaloka ${COMMONEST_WORD}"`]] as const) {
    const query = { q, kinds: [], bodyId: null, from: null, to: null, page: 1 };
    await searchEntries(logging, partnershipId(partnerships[0]!), { kind: 'public-only' }, query);
    logged.length = 0;
    const answer = await searchEntries(logging, partnershipId(partnerships[0]!), { kind: 'public-only' }, query);
    console.log(`plans of a search for a ${label} (${q}), public, partnership ${partnerships[0]}: ${answer.total}${answer.more ? '+' : ''} matches, ${logged.length} statements`);
    let costliest: string[] = [];
    let costliestTime = -1;
    for (const statement of [...logged]) {
      const plan = (await explainPool.query(`explain (analyze, buffers) ${statement.sql}`, statement.parameters as unknown[])).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']);
      const text = plan.join('\n');
      const time = Number(/Execution Time: ([\d.]+)/.exec(text)?.[1] ?? 0);
      const buffers = /Buffers: (shared[^\n]*)/.exec(text)?.[1] ?? 'shared none';
      const jit = /JIT:[\s\S]*?Total ([\d.]+) ms/.exec(text)?.[1];
      console.log(`  ${statement.sql.replace(/\s+/g, ' ').trim().slice(0, 60).padEnd(60)} cost ${/cost=[\d.]+\.\.([\d.]+)/.exec(plan[0]!)?.[1]}, ${time.toFixed(2)} ms, ${buffers}${jit ? `, JIT ${jit} ms` : ''}`);
      if (time > costliestTime) { costliestTime = time; costliest = plan; }
    }
    console.log('  the slowest of them:');
    for (const l of costliest) console.log(`    ${l}`);
  }
  await logging.destroy();
  await app.close();
} finally {
  await database.close();
  await admin.query(`drop database if exists ${dbName}_one with (force)`);
  if (!process.env.BENCH_NATIONAL_KEEP) await admin.query(`drop database if exists ${dbName}`);
  await admin.end();
  console.log(`end: ${load()}`);
}
