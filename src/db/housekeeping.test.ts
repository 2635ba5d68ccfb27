// The app's own autovacuum for PGlite: statistics appear once a table fills, and are not
// taken again until it has changed enough.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase } from '../../test/support/database.ts';
import type { Database } from './database.ts';
import { keepTablesInShape, pruneExpiredRows } from './housekeeping.ts';
import { indexForSearch } from '../modules/search/index.ts';

let database: Database;
const partnershipId = '00000000-0000-4000-8000-0000000000c1';
before(async () => {
  database = await createTestDatabase();
  await sql`insert into partnerships (id, slug, name, short_name) values (${partnershipId}, 'housekeeping', 'Housekeeping', 'HK')`.execute(database.db);
});
after(async () => { await database.close(); });

const statisticsOf = async (table: string) =>
  Number((await sql<{ n: number }>`select count(*) as n from pg_statistic where starelid = ${table}::regclass`.execute(database.db)).rows[0]!.n);

test('a table that fills is analyzed, so the planner has statistics; an unchanged one is left alone', async (t) => {
  // On a server autovacuum may get there first, and the app leaves this to it anyway.
  if (database.engine === 'postgres') return t.skip('a server analyzes its own tables');
  await indexForSearch(database.db, Array.from({ length: 400 }, (_, i) => ({
    partnershipId, kind: 'minute-paragraph' as const, recordId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, bodyId: null,
    occurredOn: '2026-01-01', title: `Entry ${i}`, content: 'The board noted the report.', url: '/x', restricted: false, public: true,
  })));
  assert.equal(await statisticsOf('search_entries'), 0);
  // Change counters reach the statistics views a moment after the transaction ends.
  let analyzed: string[] = [];
  for (let tries = 0; tries < 40 && !analyzed.includes('search_entries'); tries++) {
    analyzed = (await keepTablesInShape(database)).analyzed;
    if (!analyzed.includes('search_entries')) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(analyzed.includes('search_entries'), 'the filled table was analyzed');
  assert.ok(await statisticsOf('search_entries') > 0, 'the planner has statistics for it');
  assert.ok(!(await keepTablesInShape(database)).analyzed.includes('search_entries'), 'nothing changed, nothing to do');
});

test('failed sign-ins older than a day and sessions expired over a day ago are deleted; recent ones stay', async () => {
  const now = new Date('2026-06-10T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
  const userId = '00000000-0000-4000-8000-0000000000c2';
  await sql`insert into users (id, email, display_name, password_hash) values (${userId}, 'prune@example.org', 'Prune Test', 'x')`.execute(database.db);
  await database.db.insertInto('sign_in_attempts').values([
    { key: 'ip:192.0.2.1', at: hoursAgo(25) }, { key: 'ip:192.0.2.2', at: hoursAgo(2) },
  ]).execute();
  await database.db.insertInto('sessions').values([
    { id: 'prune-long-expired', user_id: userId, partnership_id: partnershipId, expires_at: hoursAgo(30) },
    { id: 'prune-just-expired', user_id: userId, partnership_id: partnershipId, expires_at: hoursAgo(1) },
    { id: 'prune-current', user_id: userId, partnership_id: partnershipId, expires_at: new Date(now.getTime() + 3600_000) },
  ]).execute();
  const done = await pruneExpiredRows(database, now);
  assert.deepEqual(done, { signInAttempts: 1, sessions: 1 });
  const keys = (await database.db.selectFrom('sign_in_attempts').select('key').execute()).map((r) => r.key);
  assert.deepEqual(keys, ['ip:192.0.2.2']);
  const sessions = (await database.db.selectFrom('sessions').select('id').where('user_id', '=', userId).orderBy('id').execute()).map((r) => r.id);
  assert.deepEqual(sessions, ['prune-current', 'prune-just-expired']);
  assert.deepEqual(await pruneExpiredRows(database, now), { signInAttempts: 0, sessions: 0 }, 'a second run finds nothing');
});
