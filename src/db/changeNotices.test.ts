// Two processes on one PostgreSQL server hear each other's changes (and not their own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startChangeNotices } from './changeNotices.ts';

const url = process.env.TEST_DATABASE_URL;

test('a change made by one instance is heard by the other, once, and not by itself', { skip: !url && 'PostgreSQL only: PGlite is one process' }, async () => {
  const heardByA: string[] = [];
  const heardByB: string[] = [];
  const a = await startChangeNotices(url!, { heard: (id) => heardByA.push(id), passOn: false });
  const b = await startChangeNotices(url!, { heard: (id) => heardByB.push(id), passOn: false });
  try {
    await a.notify('partnership-1');
    await b.notify('partnership-2');
    const deadline = Date.now() + 5000;
    while ((heardByA.length < 1 || heardByB.length < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(heardByB, ['partnership-1']);
    assert.deepEqual(heardByA, ['partnership-2']);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test('a listening connection cut by the server is re-opened: what was missed counts as changed, and later changes are heard', { skip: !url && 'PostgreSQL only: PGlite is one process' }, async () => {
  const heardByA: string[] = [];
  let missedByA = 0;
  const errors: string[] = [];
  const a = await startChangeNotices(url!, { heard: (id) => heardByA.push(id), passOn: false, retryMs: 50, missed: () => { missedByA++; }, onError: (e) => errors.push(e.message) });
  const b = await startChangeNotices(url!, { heard: () => {}, passOn: false, retryMs: 50 });
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const until = async (done: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!done()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    // As a server restart or a fail-over would: the server ends A's connection.
    const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [a.connectionName]);
    assert.equal(rowCount, 1, "A's listening connection was found and ended");
    await until(() => missedByA >= 2, 'A to count everything as changed when it dropped and when it was back');
    await b.notify('partnership-after');
    await until(() => heardByA.includes('partnership-after'), 'A to hear a change made after it re-opened');
  } finally {
    await admin.end();
    await a.stop();
    await b.stop();
  }
});
