// What autovacuum does on a PostgreSQL server, done by the app for embedded PGlite, which
// runs no background workers: planner statistics refreshed after many changes, dead rows
// cleared. Without statistics the planner misjudges the search index and reads every
// entry of a kind instead (one search of 100,000 entries took 400 ms instead of 13 ms).
import { sql } from 'kysely';
import type { Database } from './database.ts';

/** The thresholds autovacuum uses by default: 50 rows plus a share of the table. */
const analyzeAfter = (liveRows: number) => 50 + 0.1 * liveRows;
const vacuumAfter = (liveRows: number) => 50 + 0.2 * liveRows;

export interface HousekeepingDone { analyzed: string[]; vacuumed: string[] }

/** Analyzes and vacuums the tables that need it now; returns which. */
export async function keepTablesInShape(database: Database): Promise<HousekeepingDone> {
  const tables = await sql<{ name: string; live: number; dead: number; changed: number; has_statistics: boolean }>`
    select t.relname as name, t.n_live_tup as live, t.n_dead_tup as dead, t.n_mod_since_analyze as changed,
      exists (select 1 from pg_statistic s where s.starelid = t.relid) as has_statistics
    from pg_stat_user_tables t where t.schemaname = 'public'`.execute(database.db);
  const done: HousekeepingDone = { analyzed: [], vacuumed: [] };
  for (const t of tables.rows) {
    const live = Number(t.live);
    if (Number(t.dead) > vacuumAfter(live)) {
      await sql`vacuum ${sql.table(t.name)}`.execute(database.db);
      done.vacuumed.push(t.name);
    }
    if (live > 0 && (!t.has_statistics || Number(t.changed) > analyzeAfter(live))) {
      await sql`analyze ${sql.table(t.name)}`.execute(database.db);
      done.analyzed.push(t.name);
    }
  }
  return done;
}

/**
 * On PGlite, keeps the tables in shape at start and every few minutes after; a server's
 * own autovacuum does this for PostgreSQL. Returns a function that stops it.
 */
export function startHousekeeping(database: Database, everyMs = 5 * 60_000, log: (message: string) => void = console.log): () => void {
  if (database.engine !== 'pglite') return () => {};
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const done = await keepTablesInShape(database);
      if (done.analyzed.length || done.vacuumed.length) {
        log(`Housekeeping: analyzed ${done.analyzed.join(', ') || 'nothing'}; vacuumed ${done.vacuumed.join(', ') || 'nothing'}`);
      }
    } catch (e) {
      log(`Housekeeping failed: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void run(), 1_000);
  const timer = setInterval(() => void run(), everyMs);
  first.unref();
  timer.unref();
  return () => { clearTimeout(first); clearInterval(timer); };
}
