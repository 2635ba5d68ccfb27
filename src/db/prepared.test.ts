// Statements prepared once: a marked statement answers exactly as the same statement run
// unmarked (types included), keeps answering after the schema changes under it, and a
// failing run leaves the connection usable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase } from '../../test/support/database.ts';
import type { Database } from './database.ts';
import { prepared, statementName } from './prepared.ts';

let database: Database;
before(async () => {
  database = await createTestDatabase();
  await database.execScript(`create table prepared_probe (id int primary key, on_day date, big bigint, at timestamptz, doc jsonb, bytes bytea, label text);
    insert into prepared_probe values (1, '2026-11-18', 9007199254740991, '2026-11-18T10:00:00Z', '{"a": [1, 2]}', '\\x00ff', 'one'), (2, null, null, null, null, null, null)`);
});
after(async () => { await database.close(); });

const probe = (id: number) => sql<Record<string, unknown>>`select * from prepared_probe where id = ${id} and ${'x'}::text is not null`;

test('a marked statement answers as the unmarked one, with the same types, every time', async () => {
  const { db } = database;
  const compiled = prepared(probe(1).compile(db));
  assert.ok(statementName(compiled.sql), 'the text is marked');
  const plain = (await probe(1).execute(db)).rows;
  for (let i = 0; i < 8; i++) assert.deepEqual((await db.executeQuery(prepared(probe(1).compile(db)))).rows, plain);
  assert.deepEqual((await db.executeQuery(prepared(probe(2).compile(db)))).rows, (await probe(2).execute(db)).rows);
  const [row] = (await db.executeQuery(prepared(probe(1).compile(db)))).rows;
  assert.equal(row!.on_day, '2026-11-18');
  assert.equal(row!.big, 9007199254740991);
  assert.ok(row!.at instanceof Date);
  assert.deepEqual(row!.doc, { a: [1, 2] });
  assert.deepEqual([...(row!.bytes as Uint8Array)], [0, 255]);
  assert.deepEqual((await db.executeQuery(prepared(probe(3).compile(db)))).rows, []);
});

test('a column added under a prepared "select *" is read at once (migrations), and inside a transaction too', async () => {
  const { db } = database;
  await db.executeQuery(prepared(probe(1).compile(db)));
  await database.execScript(`alter table prepared_probe add column added text default 'new'`);
  assert.equal((await db.executeQuery(prepared(probe(1).compile(db)))).rows[0]!.added, 'new');
  // Changed by a statement that is not a script: the stale plan is prepared again.
  await sql`alter table prepared_probe add column later int default 7`.execute(db);
  assert.equal((await db.executeQuery(prepared(probe(1).compile(db)))).rows[0]!.later, 7);
  const inside = await db.transaction().execute(async (trx) => (await trx.executeQuery(prepared(probe(1).compile(trx)))).rows[0]);
  assert.equal(inside!.label, 'one');
});

test('a marked statement that fails gives the database error and leaves the connection working', async () => {
  const { db } = database;
  const bad = () => sql`select id from prepared_probe where id = ${'not a number'}`;
  await assert.rejects(db.executeQuery(prepared(bad().compile(db))), /invalid input syntax for type integer/);
  assert.equal((await db.executeQuery(prepared(probe(1).compile(db)))).rows[0]!.label, 'one');
  assert.equal((await sql<{ n: number }>`select 1 as n`.execute(db)).rows[0]!.n, 1);
});
