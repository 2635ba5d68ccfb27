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
import { searchEntries } from '../src/modules/search/store.ts';
import { generate, queries, benchPartnershipId } from './search-corpus.ts';
import type { ReadScope } from '../src/access/policy.ts';

const pgliteRows = Number(process.env.BENCH_SEARCH_PGLITE_ROWS ?? 100_000);
const postgresRows = Number(process.env.BENCH_SEARCH_POSTGRES_ROWS ?? 1_000_000);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const scopes: [string, ReadScope][] = [
  ['public', { kind: 'public-only' }],
  ['member', { kind: 'members', restrictedBodyIds: ['00000000-0000-0000-0000-000000000002'], caseIds: [] }],
  ['officer', { kind: 'everything' }],
];

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(label: string, database: Database, rows: number) {
  const t0 = performance.now();
  const generated = await generate(database, rows);
  if (generated) console.log(`  corpus ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const pid = benchPartnershipId;
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
  const byQuery = new Map<string, number[]>();
  const rounds = Number(process.env.BENCH_SEARCH_ROUNDS ?? 5);
  for (let r = 0; r < rounds; r++) {
    for (const [, scope] of scopes) {
      for (const q of queries) {
        const s = performance.now();
        await searchEntries(database.db, pid, scope, { kinds: [], bodyId: null, from: null, to: null, page: 1 + (r % 3), q: '', ...q });
        const took = performance.now() - s;
        times.push(took);
        const name = JSON.stringify(q);
        byQuery.set(name, [...(byQuery.get(name) ?? []), took]);
      }
    }
  }
  times.sort((a, b) => a - b);
  base.sort((a, b) => a - b);
  const b50 = percentile(base, 50);
  console.log(`  ${label}, ${rows.toLocaleString('en-GB')} paragraphs, ${times.length} searches (${queries.length} queries x ${scopes.length} scopes x ${rounds} rounds, pages 1-3):`);
  console.log(`    search  p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms`);
  const medians = [...byQuery].map(([name, ts]) => [name, percentile([...ts].sort((a, b) => a - b), 50)] as const).sort((a, b) => b[1] - a[1]);
  console.log(`    slowest queries (median): ${medians.slice(0, 3).map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`).join('; ')}`);
  console.log(`    baseline (primary-key lookup) p50 ${b50.toFixed(2)} ms; search p95 = ${(percentile(times, 95) / b50).toFixed(0)}x baseline p50`);
}

// A size of 0 leaves that engine out (BENCH_SEARCH_PGLITE_ROWS=0 measures the server alone).
if (pgliteRows > 0) {
  const lite = await openPglite();
  await migrate(lite);
  await measure('PGlite', lite, pgliteRows);
  await lite.close();
}

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
