// The candidates of a search, taken a slice of months at a time through the facets, must
// be exactly the newest matches a plain query over the whole table finds: same entries,
// same order, for common, rare, time-skewed and absent words, every read scope and
// every filter. The plain query is written here on its own, not from the store's code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../../db/database.ts';
import type { ReadScope } from '../../access/policy.ts';
import { indexForSearch, type SearchEntry } from './index.ts';
import { newestMatches, type SearchQuery } from './store.ts';

const partnershipId = '00000000-0000-4000-8000-0000000000a1';
const bodies = ['00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-0000000000b3'];
const kinds = ['minute-paragraph', 'resolution', 'agenda-item', 'action'] as const;
let database: Database;

// A small deterministic generator, so a failure can be reproduced.
function generator(seed: number) {
  let x = seed;
  return () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
}

before(async () => {
  database = await createTestDatabase();
  await sql`insert into partnerships (id, slug, name, short_name) values (${partnershipId}, 'slices', 'Slices Partnership', 'Slices')`.execute(database.db);
  const random = generator(20261124);
  const entries: SearchEntry[] = [];
  for (let i = 0; i < 3000; i++) {
    // Dates over 27 years, crowded towards the present as a live partnership's are; one in
    // fifty undated.
    const day = Math.floor(Math.sqrt(random()) * 9800);
    const date = new Date(Date.UTC(1999, 11, 1) + day * 86_400_000).toISOString().slice(0, 10);
    const occurredOn = random() < 0.02 ? null : date;
    const words = ['The board noted the report.'];
    if (random() < 0.4) words.push('Street marshals patrolled the town centre.');
    if (random() < 0.1) words.push('Knife crime fell in the quarter.');
    // A word of two years only: its newest matches are years before the newest entries.
    if (occurredOn && occurredOn >= '2020-03-01' && occurredOn < '2022-01-01' && random() < 0.5) words.push('The pandemic recovery plan was agreed.');
    // A word of the old days only, common then: more older matches than a search needs.
    if (occurredOn && occurredOn < '2016-01-01' && random() < 0.9) words.push('The reorganisation of the panel was discussed.');
    if (i % 997 === 0) words.push('A quokka was seen near the station.');
    const restricted = random() < 0.1;
    entries.push({
      partnershipId, kind: kinds[Math.floor(random() * kinds.length)]!, recordId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      bodyId: bodies[Math.floor(random() * bodies.length)]!, meetingId: null, occurredOn, title: `Entry ${i}`,
      content: words.join(' '), url: `/e/${i}`, restricted, public: !restricted && random() < 0.85,
    });
  }
  await indexForSearch(database.db, entries);
});
after(async () => { await database.close(); });

async function plainNewest(scope: ReadScope, query: SearchQuery): Promise<string[]> {
  const conditions = [sql`partnership_id = ${partnershipId}`, sql`search @@ websearch_to_tsquery('english', ${query.q})`];
  if (scope.kind === 'public-only') conditions.push(sql`public`);
  if (scope.kind === 'members') {
    conditions.push(scope.restrictedBodyIds.length
      ? sql`(not restricted or body_id in (${sql.join(scope.restrictedBodyIds)}))`
      : sql`not restricted`);
  }
  if (query.kinds.length) conditions.push(sql`kind in (${sql.join(query.kinds)})`);
  if (query.bodyId) conditions.push(sql`body_id = ${query.bodyId}`);
  if (query.from) conditions.push(sql`occurred_on >= ${query.from}`);
  if (query.to) conditions.push(sql`occurred_on <= ${query.to}`);
  const rows = await sql<{ record_id: string }>`select record_id from search_entries where ${sql.join(conditions, sql` and `)}
    order by occurred_on desc nulls last, record_id limit 501`.execute(database.db);
  return rows.rows.map((r) => r.record_id);
}

const scopes: [string, ReadScope][] = [
  ['public', { kind: 'public-only' }],
  ['member of one restricted body', { kind: 'members', restrictedBodyIds: [bodies[1]!], caseIds: [] }],
  ['member', { kind: 'members', restrictedBodyIds: [], caseIds: [] }],
  ['officer', { kind: 'everything' }],
];
const words = ['street marshals', '"knife crime"', 'pandemic recovery', 'reorganisation', 'quokka', 'marshals -knife', 'board', 'zeppelin'];
const filters: Partial<SearchQuery>[] = [
  {}, { kinds: ['resolution'] }, { kinds: ['action', 'agenda-item'] }, { bodyId: bodies[2]! },
  { from: '2021-01-01', to: '2023-06-30' }, { to: '2010-12-31' }, { from: '2026-01-01' },
];

test('the newest matches taken in slices of months are exactly those of a plain query over everything', async () => {
  let compared = 0;
  let cutOff = 0;
  for (const [label, scope] of scopes) {
    for (const q of words) {
      for (const filter of filters) {
        const query: SearchQuery = { q, kinds: [], bodyId: null, from: null, to: null, page: 1, ...filter };
        const expected = await plainNewest(scope, query);
        const found = await newestMatches(database.db, partnershipId, scope, query, sql`websearch_to_tsquery('english', ${q})`);
        assert.deepEqual(found.map((f) => f.record_id), expected, `${label}, ${q}, ${JSON.stringify(filter)}`);
        compared += 1;
        if (expected.length === 501) cutOff += 1;
      }
    }
  }
  // The corpus must exercise both ends: searches cut off at the limit and searches with none.
  assert.equal(compared, scopes.length * words.length * filters.length);
  assert.ok(cutOff >= 8, `only ${cutOff} searches reached the limit`);
});
