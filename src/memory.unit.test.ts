// The memory settings `npm start` adds, and that an operator's own settings win.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySettings } from './memory.ts';

test('memory settings: added when nothing is set', () => {
  const s = memorySettings({ PATH: '/bin' }, []);
  assert.deepEqual(s.flags, ['--max-semi-space-size=8']);
  assert.equal(s.env.MALLOC_ARENA_MAX, '2');
  assert.equal(s.env.PATH, '/bin');
});

test("memory settings: the operator's own are kept, from the environment, NODE_OPTIONS or Node's arguments", () => {
  assert.equal(memorySettings({ MALLOC_ARENA_MAX: '8' }, []).env.MALLOC_ARENA_MAX, '8');
  assert.deepEqual(memorySettings({ NODE_OPTIONS: '--max-old-space-size=200 --max-semi-space-size=32' }, []).flags, []);
  assert.deepEqual(memorySettings({}, ['--max-semi-space-size=2']).flags, []);
});
