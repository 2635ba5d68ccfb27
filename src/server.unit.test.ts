// Running it as a council's IT team does: `npm start` serves, writes one structured line
// per request (no search words, no tokens), and a SIGTERM sent to the npm process stops
// the server and every process under it, leaving the port free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';

const portFree = (port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(false); });
  socket.once('error', () => resolve(true));
});

/** The pids of a process's descendants, from ps. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (p: number) => rows.filter(([, parent]) => parent === p).forEach(([child]) => { found.push(child!); walk(child!); });
  walk(pid);
  return found;
}

test('npm start serves and logs one line per request; SIGTERM to npm stops the server and its children', { timeout: 300_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ph-start-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, MALLOC_ARENA_MAX: undefined, MALLOC_MMAP_THRESHOLD_: undefined, NODE_OPTIONS: undefined, NODE_COMPILE_CACHE: undefined, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development', SESSION_SECRET: 'start-test-secret-start-test-secret-0000', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  try {
    // A first start creates the database in a child process first; a machine shared with other work took over 90 s.
    const deadline = Date.now() + 240_000;
    while (!/is serving/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`the server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const res = await fetch(`http://127.0.0.1:${port}/search?q=secretword`);
    assert.equal(res.status, 200);
    await new Promise((r) => setTimeout(r, 300));
    const lines = out.split('\n').filter((l) => l.includes('"msg":"request"'));
    assert.equal(lines.length, 1, `one line for one request:\n${out}`);
    const line = JSON.parse(lines[0]!);
    assert.equal(line.route, '/search');
    assert.equal(line.status, 200);
    assert.equal(typeof line.ms, 'number');
    assert.doesNotMatch(out, /secretword/, 'the search words are not logged');
    assert.doesNotMatch(out, /Housekeeping/, 'routine housekeeping is at debug level');

    const underNpm = descendants(child.pid!);
    assert.ok(underNpm.length >= 1);
    // The first start filled the empty folder in a child process that has ended: one Node
    // process serves, started by the script with the memory settings for a small VM
    // (src/memory.ts) and the compile cache, so not started again by src/server.ts.
    const nodes = underNpm.filter((pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src/server.ts'); } catch { return false; } });
    assert.equal(nodes.length, 1, `one server process: ${nodes.join(', ')}`);
    assert.equal(out.match(/Loaded the demo partnership/g)?.length, 1, 'the demo is loaded once');
    const environ = readFileSync(`/proc/${nodes[0]}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes('MALLOC_ARENA_MAX=2'), 'two malloc arenas');
    assert.ok(environ.some((v) => /^NODE_OPTIONS=--max-semi-space-size=8\b/.test(v)), 'a small young generation');
    assert.ok(environ.includes('NODE_COMPILE_CACHE=node_modules/.cache/node-compile-cache'), 'the compile cache kept with the app');
    assert.ok(!environ.some((v) => v.startsWith('PH_MEMORY_SETTINGS=')), 'Node started once: src/server.ts found the settings in place');
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    // Stopping closes the database, which may take a few seconds; then nothing is left.
    const isAlive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    for (let i = 0; i < 100 && underNpm.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(underNpm.filter(isAlive), [], `no process of the server is left (npm exited ${code})`);
    assert.equal(await portFree(port), true, 'the port is free');
    assert.match(out, /SIGTERM: stopping/);
  } finally {
    // Whatever happened, nothing of this server outlives the test (it would hold the runner's output open).
    for (const pid of child.pid ? [...descendants(child.pid), child.pid] : []) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(dataDir, { recursive: true, force: true });
  }
});
