// Rows nothing reads any more, deleted on either engine; and what autovacuum does on a
// PostgreSQL server, done by the app for embedded PGlite, which
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

export interface PruneDone { signInAttempts: number; sessions: number }

/** Rows kept only to count recent attempts outlive the longest window (an hour) by a day. */
const ATTEMPTS_KEPT_MS = 24 * 3600_000;
/** A session past its expiry is refused at once; its row goes a day later. */
const EXPIRED_SESSIONS_KEPT_MS = 24 * 3600_000;
/** One lock key for the whole service, so two instances on one server do not both prune. */
const PRUNE_LOCK_KEY = 7_315_001;

/**
 * Deletes what nothing reads any more: failed sign-ins and public writes counted by client
 * address (an address seen once would otherwise stay for ever), and sessions long expired.
 * On a server, only the instance that takes the advisory lock prunes; the others skip.
 */
export async function pruneExpiredRows(database: Database, now = new Date()): Promise<PruneDone | null> {
  return database.db.transaction().execute(async (trx) => {
    if (database.engine === 'postgres') {
      const { rows } = await sql<{ got: boolean }>`select pg_try_advisory_xact_lock(${PRUNE_LOCK_KEY}) as got`.execute(trx);
      if (!rows[0]?.got) return null;
    }
    const attempts = await trx.deleteFrom('sign_in_attempts').where('at', '<', new Date(now.getTime() - ATTEMPTS_KEPT_MS)).executeTakeFirst();
    const sessions = await trx.deleteFrom('sessions').where('expires_at', '<', new Date(now.getTime() - EXPIRED_SESSIONS_KEPT_MS)).executeTakeFirst();
    return { signInAttempts: Number(attempts.numDeletedRows), sessions: Number(sessions.numDeletedRows) };
  });
}

/**
 * Prunes expired rows at start and every few minutes after, and on PGlite keeps the tables
 * in shape too (a server's own autovacuum does that for PostgreSQL). Returns a function
 * that stops it.
 */
export function startHousekeeping(database: Database, everyMs = 5 * 60_000, log: (message: string) => void = console.log): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const pruned = await pruneExpiredRows(database);
      if (pruned && (pruned.signInAttempts || pruned.sessions)) {
        log(`Housekeeping: deleted ${pruned.signInAttempts} old sign-in attempts and ${pruned.sessions} expired sessions`);
      }
      if (database.engine !== 'pglite') return;
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
