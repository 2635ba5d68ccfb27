// The schema as migrated can be spread over servers by partnership: every table is either
// distributed by partnership_id with every key including it, or named as shared; and the
// printed statements cover each table once, each after the tables it refers to.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../../test/support/database.ts';
import type { Database } from './database.ts';
import { COORDINATOR_TABLES, distributedTables, distributionDdl, distributionProblems, readSchemaKeys, REFERENCE_TABLES, type SchemaKeys } from './distribution.ts';

let database: Database;
let schema: SchemaKeys;
before(async () => {
  database = await createTestDatabase();
  schema = await readSchemaKeys(database.db);
});
after(async () => { await database?.close(); });

test('every primary key, unique constraint and foreign key of a partnership’s records includes partnership_id', () => {
  assert.ok(schema.tables.length > 60, `the schema was read (${schema.tables.length} tables)`);
  assert.ok(schema.keys.filter((k) => k.kind === 'foreign key').length > 100, 'and its foreign keys');
  assert.deepEqual(distributionProblems(schema), []);
});

test('the check finds a key without partnership_id, and a table of no partnership', () => {
  const broken: SchemaKeys = {
    tables: [...schema.tables, { name: 'loose_notes', columns: ['id', 'text'] }],
    keys: [...schema.keys, { table: 'meetings', name: 'meetings_title_key', kind: 'unique', columns: ['title'], references: null }],
  };
  const before = new Set(distributionProblems(schema));
  assert.deepEqual(distributionProblems(broken).filter((p) => !before.has(p)), [
    'loose_notes has no partnership_id and is not a reference or coordinator table',
    'meetings.meetings_title_key: its unique (title) does not include partnership_id',
  ]);
});

test('the statements name every table once: reference tables, coordinator tables, then each distributed table after those it refers to', () => {
  const ddl = distributionDdl(schema);
  const named = [...ddl.matchAll(/\('([a-z_0-9]+)'/g)].map((m) => m[1]!);
  assert.deepEqual([...named].sort(), schema.tables.map((t) => t.name).sort());
  assert.deepEqual(named.slice(0, REFERENCE_TABLES.length + COORDINATOR_TABLES.length), [...REFERENCE_TABLES, ...COORDINATOR_TABLES]);
  const position = new Map(named.map((t, i) => [t, i]));
  const distributed = new Set(distributedTables(schema));
  for (const k of schema.keys) {
    if (k.kind !== 'foreign key' || !distributed.has(k.table) || !distributed.has(k.references!) || k.table === k.references) continue;
    assert.ok(position.get(k.references!)! < position.get(k.table)!, `${k.references} before ${k.table}`);
  }
  assert.match(ddl, /select create_distributed_table\('[a-z_]+', 'partnership_id', colocate_with => '[a-z_]+'\);/);
});
