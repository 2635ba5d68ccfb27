// How queries share the database: first come, first served; a transaction has the
// connection to itself; on PGlite the event loop gets a turn between queued queries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase } from '../../test/support/database.ts';

test('queries asked for at once are answered in the order asked', async () => {
  const database = await createTestDatabase();
  try {
    const answered: number[] = [];
    await Promise.all(Array.from({ length: 30 }, (_, i) =>
      sql<{ n: number }>`select ${i}::int as n`.execute(database.db).then((r) => { answered.push(r.rows[0]!.n); })));
    if (database.engine === 'pglite') assert.deepEqual(answered, Array.from({ length: 30 }, (_, i) => i));
    else assert.equal(answered.length, 30); // a server answers on several connections, in any order
  } finally {
    await database.close();
  }
});

test('while queries are queued, the event loop still gets turns (to read and accept connections)', async (t) => {
  const database = await createTestDatabase();
  try {
    if (database.engine !== 'pglite') return t.skip('a server answers over sockets, which gives the loop its turns');
    let turnTaken = false;
    const queries = Array.from({ length: 20 }, () => sql`select 1`.execute(database.db));
    setImmediate(() => { turnTaken = true; });
    const last = queries.at(-1)!.then(() => turnTaken);
    assert.equal(await last, true, 'a setImmediate scheduled after the queries ran before the last of them');
    await Promise.all(queries);
  } finally {
    await database.close();
  }
});

test('a transaction has the connection to itself; a query outside it waits, and is not rolled back with it', async () => {
  const database = await createTestDatabase();
  const { db } = database;
  try {
    await sql`create table queue_probe (x int)`.execute(db);
    let outsideDone = false;
    let outside: Promise<unknown> | undefined;
    await assert.rejects(db.transaction().execute(async (trx) => {
      await sql`insert into queue_probe values (1)`.execute(trx);
      outside = sql`insert into queue_probe values (2)`.execute(db).then(() => { outsideDone = true; });
      await new Promise((r) => setTimeout(r, 30));
      if (database.engine === 'pglite') assert.equal(outsideDone, false, 'the query outside waited for the transaction');
      throw new Error('roll back');
    }), /roll back/);
    await outside;
    const rows = (await sql<{ x: number }>`select x from queue_probe order by x`.execute(db)).rows;
    assert.deepEqual(rows.map((r) => r.x), [2]);
  } finally {
    await database.close();
  }
});

test('a failed query does not hold up the queries behind it', async () => {
  const database = await createTestDatabase();
  try {
    const [bad, good] = await Promise.allSettled([sql`select * from no_such_table`.execute(database.db), sql<{ n: number }>`select 7::int as n`.execute(database.db)]);
    assert.equal(bad.status, 'rejected');
    assert.equal(good.status === 'fulfilled' && good.value.rows[0]!.n, 7);
  } finally {
    await database.close();
  }
});
