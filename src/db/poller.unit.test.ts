// The background runners' shared loop (poller.ts): work is claimed until none is left,
// a wake looks at once (no waiting for the poll), an error is told and the loop goes on,
// and stopping waits for the work in hand, which sees that it is stopping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Poller } from './poller.ts';

/** A queue in memory, claimed one at a time; each piece of work done is added to `done`. */
function queue(items: string[]) {
  const done: string[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  /** Resolves once n pieces of work are done. */
  const doneCount = (n: number) => new Promise<void>((resolve) => { if (done.length >= n) resolve(); else waiting.push({ n, resolve }); });
  const finish = (x: string) => { done.push(x); for (const w of waiting) if (done.length >= w.n) w.resolve(); };
  return { items, done, doneCount, finish };
}

test('claims and does the waiting work, then waits; a wake looks again at once', async () => {
  const q = queue(['a', 'b']);
  const errors: unknown[] = [];
  // A poll interval of an hour: only a wake can make it look again within the test.
  const poller = new Poller<string>({ claim: async () => q.items.shift() ?? null, work: async (x) => q.finish(x), pollMs: 3_600_000, onError: (e) => errors.push(e) });
  poller.start();
  await q.doneCount(2);
  assert.deepEqual(q.done, ['a', 'b']);
  q.items.push('c');
  poller.wake();
  await q.doneCount(3);
  assert.deepEqual(q.done, ['a', 'b', 'c'], 'new work is done when woken, not at the next poll');
  await poller.stop();
  assert.deepEqual(errors, []);
});

test('an error in a piece of work is told and the loop goes on; drain counts what it did', async () => {
  const q = queue(['bad', 'good']);
  const errors: string[] = [];
  // After an error the loop waits for the next poll (an hour here) or a wake: the wake
  // comes while the loop is still handling the error, before it waits, and is not lost.
  const poller: Poller<string> = new Poller<string>({
    claim: async () => q.items.shift() ?? null,
    work: async (x) => { if (x === 'bad') throw new Error('unreadable'); q.finish(x); },
    pollMs: 3_600_000, onError: (e) => { errors.push((e as Error).message); poller.wake(); },
  });
  poller.start();
  await q.doneCount(1);
  assert.deepEqual([errors, q.done], [['unreadable'], ['good']]);
  await poller.stop();
  const r = queue(['x', 'y', 'z']);
  const drained = new Poller<string>({ claim: async () => r.items.shift() ?? null, work: async (x) => r.finish(x), pollMs: 3_600_000 });
  assert.equal(await drained.drain(), 3);
  assert.equal(await drained.drain(), 0);
});

test('stop waits for the work in hand, which sees that it is stopping, and runs what is given meanwhile', async () => {
  let release: () => void = () => {};
  let started: () => void = () => {};
  const inHand = new Promise<void>((resolve) => { started = resolve; });
  const seen: boolean[] = [];
  const items = ['long'];
  const poller: Poller<string> = new Poller<string>({
    claim: async () => items.shift() ?? null,
    work: async () => { started(); await new Promise<void>((resolve) => { release = resolve; }); seen.push(poller.stopping); },
    pollMs: 3_600_000,
  });
  const order: string[] = [];
  poller.start(async () => { order.push('first'); });
  await inHand;
  const stopped = poller.stop(async () => { order.push('meanwhile'); release(); }).then(() => order.push('stopped'));
  await stopped;
  assert.deepEqual(order, ['first', 'meanwhile', 'stopped']);
  assert.deepEqual(seen, [true], 'the work in hand saw the poller stopping');
  assert.equal(poller.stopping, true);
});
