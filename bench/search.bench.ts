// Search at scale: p50/p95/p99 for a mix of queries over a generated corpus of minutes
// paragraphs — 100,000 on PGlite, 1,000,000 on a PostgreSQL server when one is
// reachable (BENCH_POSTGRES_URL, default the local server). The corpus is generated in
// SQL from a vocabulary of partnership business so that word frequencies are realistic.
// Baseline in the same run: a primary-key lookup on the same table.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { searchEntries, type SearchQuery } from '../src/modules/search/store.ts';
import type { ReadScope } from '../src/access/policy.ts';

const pgliteRows = Number(process.env.BENCH_SEARCH_PGLITE_ROWS ?? 100_000);
const postgresRows = Number(process.env.BENCH_SEARCH_POSTGRES_ROWS ?? 1_000_000);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const subjects = ['The Partnership', 'The Working Group', 'The Chair', 'The Vice-Chair', 'Members', 'The Community Safety Manager', 'The Police representative', 'The Fire and Rescue Service', 'The Probation Service', 'The Commissioner\'s office', 'The Domestic Abuse Coordinator', 'The Prevent lead', 'The Youth Justice Service', 'The district councils'];
const verbs = ['noted', 'agreed', 'discussed', 'welcomed', 'raised concerns about', 'asked for an update on', 'endorsed', 'received a report on', 'considered', 'requested further data on'];
const topics = ['anti-social behaviour in town centres', 'domestic abuse referrals', 'the strategic assessment', 'the crime reduction grant', 'serious violence duty', 'county lines exploitation', 'knife crime prevention', 'road safety around schools', 'hate crime reporting', 'the community safety agreement', 'fraud against older people', 'night-time economy street marshals', 'modern slavery awareness', 'cyber crime advice for small businesses', 'youth diversion projects', 'the information sharing agreement', 'reoffending rates', 'drug and alcohol treatment', 'safeguarding adults reviews', 'the domestic abuse related death review', 'Prevent referrals', 'rural crime', 'fly-tipping enforcement', 'water safety campaigns', 'the tactical pot'];
const tails = ['and asked officers to report back at the next meeting.', 'with partners to provide figures by the end of the quarter.', 'noting that the data had been received late from two partners.', 'and agreed that the action plan be updated accordingly.', 'following a presentation by the lead officer.', 'and thanked the team for their work.', 'subject to approval by the Commissioner.', 'and requested a briefing for elected members.'];

const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`);
const pick = (xs: string[]) => sql`(${arr(xs)})[1 + floor(random() * ${xs.length})::int]`;

async function generate(database: Database, rows: number) {
  const db = database.db;
  const existing = await db.selectFrom('search_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(existing.n) >= rows) return false;
  await sql`insert into partnerships (id, slug, name, short_name) values ('00000000-0000-0000-0000-0000000000b1', 'bench', 'Bench Partnership', 'Bench') on conflict do nothing`.execute(db);
  const batch = 50_000;
  for (let done = Number(existing.n); done < rows; done += batch) {
    const n = Math.min(batch, rows - done);
    const sentence = sql`${pick(subjects)} || ' ' || ${pick(verbs)} || ' ' || ${pick(topics)} || ' ' || ${pick(tails)}`;
    await sql`
      insert into search_entries (partnership_id, kind, record_id, body_id, occurred_on, title, content, url, restricted, public)
      select '00000000-0000-0000-0000-0000000000b1', (array['minute-paragraph','resolution','agenda-item','action'])[1 + (g % 4)],
        gen_random_uuid(), ('00000000-0000-0000-0000-00000000000' || (g % 3))::uuid,
        date '1996-01-01' + (g % 11000), initcap(${pick(topics)}),
        ${sentence} || ' ' || ${sentence} || ' ' || ${sentence}, '/meetings/bench', (g % 20 = 0), (g % 20 <> 0)
      from generate_series(${done + 1}::int, ${done + n}::int) as g`.execute(db);
    process.stdout.write(`\r  generated ${done + n} of ${rows} paragraphs`);
  }
  process.stdout.write('\n');
  await sql`analyze search_entries`.execute(db);
  return true;
}

const queries: Partial<SearchQuery>[] = [
  { q: 'domestic abuse' }, { q: '"street marshals"' }, { q: 'knife crime -youth' }, { q: 'tactical pot' },
  { q: 'reoffending', kinds: ['resolution'] }, { q: 'fraud older people', from: '2015-01-01', to: '2020-12-31' },
  { q: 'modern slavery', bodyId: '00000000-0000-0000-0000-000000000001' }, { q: 'strategic assessment data late' },
  { q: 'partnership' }, { q: 'fly-tipping enforcement' },
];
const scopes: [string, ReadScope][] = [['public', { kind: 'public-only' }], ['officer', { kind: 'everything' }]];

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(label: string, database: Database, rows: number) {
  const t0 = performance.now();
  const generated = await generate(database, rows);
  if (generated) console.log(`  corpus ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const pid = '00000000-0000-0000-0000-0000000000b1';
  const ids = (await database.db.selectFrom('search_entries').select('record_id').limit(200).execute()).map((r) => r.record_id);
  // Warm up caches for both the baseline and the searches.
  for (const q of queries) await searchEntries(database.db, pid, { kind: 'everything' }, { kinds: [], bodyId: null, from: null, to: null, page: 1, q: '', ...q });
  const base: number[] = [];
  for (const id of ids) {
    const s = performance.now();
    await database.db.selectFrom('search_entries').select('title').where('partnership_id', '=', pid).where('kind', '=', 'minute-paragraph').where('record_id', '=', id).execute();
    base.push(performance.now() - s);
  }
  const times: number[] = [];
  const rounds = Number(process.env.BENCH_SEARCH_ROUNDS ?? 5);
  for (let r = 0; r < rounds; r++) {
    for (const [, scope] of scopes) {
      for (const q of queries) {
        const s = performance.now();
        await searchEntries(database.db, pid, scope, { kinds: [], bodyId: null, from: null, to: null, page: 1 + (r % 3), q: '', ...q });
        times.push(performance.now() - s);
      }
    }
  }
  times.sort((a, b) => a - b);
  base.sort((a, b) => a - b);
  const b50 = percentile(base, 50);
  console.log(`  ${label}, ${rows.toLocaleString('en-GB')} paragraphs, ${times.length} searches (${queries.length} queries x 2 scopes x ${rounds} rounds, pages 1-3):`);
  console.log(`    search  p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms`);
  console.log(`    baseline (primary-key lookup) p50 ${b50.toFixed(2)} ms; search p95 = ${(percentile(times, 95) / b50).toFixed(0)}x baseline p50`);
}

const lite = await openPglite();
await migrate(lite);
await measure('PGlite', lite, pgliteRows);
await lite.close();

try {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  const exists = await admin.query(`select 1 from pg_database where datname = 'ph_search_bench'`);
  if (!exists.rowCount) await admin.query('create database ph_search_bench');
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = '/ph_search_bench';
  const server = await openPostgres(url.toString(), 2);
  await migrate(server);
  // The corpus is kept between runs: generating a million paragraphs takes minutes.
  await measure('PostgreSQL server', server, postgresRows);
  await server.close();
} catch (e) {
  console.log(`  PostgreSQL server not measured: ${(e as Error).message}`);
}
