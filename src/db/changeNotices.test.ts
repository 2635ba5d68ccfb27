// Two processes on one PostgreSQL server hear each other's changes (and not their own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
