// The memory settings `npm start` gives Node, and that an operator's own settings win.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memorySettings } from './memory.ts';

test('memory settings: added when nothing is set', () => {
  const s = memorySettings({ PATH: '/bin' }, []);
  assert.deepEqual(s.flags, ['--max-semi-space-size=8', '--max-old-space-size=768']);
  assert.equal(s.env.MALLOC_ARENA_MAX, '2');
  assert.equal(s.env.MALLOC_MMAP_THRESHOLD_, '131072');
  assert.equal(s.env.PATH, '/bin');
});

test("memory settings: the operator's own are kept, from the environment, NODE_OPTIONS or Node's arguments", () => {
  assert.equal(memorySettings({ MALLOC_ARENA_MAX: '8' }, []).env.MALLOC_ARENA_MAX, '8');
  assert.deepEqual(memorySettings({ NODE_OPTIONS: '--max-old-space-size=200 --max-semi-space-size=32' }, []).flags, []);
  assert.deepEqual(memorySettings({}, ['--max-semi-space-size=2']).flags, ['--max-old-space-size=768']);
});

// `npm start` sets them in its script, so Node starts once: what the server's Node is given, by the script itself.
const startScript = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start as string;
const settingsSeen = (env: NodeJS.ProcessEnv) => {
  assert.match(startScript, /exec node src\/server\.ts$/);
  // The same command with the server replaced by a script that reports what it was given.
  const report = `const { memorySettings } = await import(${JSON.stringify(new URL('./memory.ts', import.meta.url).href)}); console.log(JSON.stringify({ arenas: process.env.MALLOC_ARENA_MAX, mmapThreshold: process.env.MALLOC_MMAP_THRESHOLD_, nodeOptions: process.env.NODE_OPTIONS, compileCache: process.env.NODE_COMPILE_CACHE, missing: memorySettings().flags }))`;
  const command = startScript.replace(/src\/server\.ts$/, `--input-type=module -e '${report}'`);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'NODE_OPTIONS', 'NODE_COMPILE_CACHE'].includes(k)));
  const out = execFileSync('sh', ['-c', command], { cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...clean, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, ...env }, encoding: 'utf8' });
  return JSON.parse(out) as { arenas: string; mmapThreshold: string; nodeOptions: string; compileCache: string; missing: string[] };
};

test('npm start: Node starts with the memory settings and the compile cache, nothing left to start again for', () => {
  const seen = settingsSeen({});
  assert.equal(seen.arenas, '2');
  assert.equal(seen.mmapThreshold, '131072');
  assert.match(seen.nodeOptions, /^--max-semi-space-size=8 --max-old-space-size=768\s*$/);
  assert.equal(seen.compileCache, 'node_modules/.cache/node-compile-cache');
  assert.deepEqual(seen.missing, [], 'src/server.ts finds every flag given, so does not start Node again');
});

test("npm start: the operator's own settings win", () => {
  const seen = settingsSeen({ MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '262144', NODE_OPTIONS: '--max-semi-space-size=32 --max-old-space-size=400', NODE_COMPILE_CACHE: '/var/cache/hub' });
  assert.equal(seen.arenas, '4');
  assert.equal(seen.mmapThreshold, '262144');
  // V8 takes the last of a flag given twice: the operator's comes after the script's.
  assert.equal(seen.nodeOptions, '--max-semi-space-size=8 --max-old-space-size=768 --max-semi-space-size=32 --max-old-space-size=400');
  assert.equal(seen.compileCache, '/var/cache/hub');
});
