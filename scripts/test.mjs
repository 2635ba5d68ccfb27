#!/usr/bin/env node
// The one test command (`npm test`). Runs every *.test.ts under src/ and test/ with
// Node's own test runner on the embedded database (PGlite), then runs the database
// tests again on a PostgreSQL server when one is reachable, then the browser
// journeys in Chromium when it is installed. The never-leak walks run once, on the
// server when one is reachable (see isLeakWalk below).
//   --no-browser   skip test/browser
//   --no-postgres  skip the second pass on a PostgreSQL server
//   --no-pglite    skip the first pass, on the embedded database
//   --sequential   run the embedded, server and browser passes one after the other, not at once
//   --process-per-file  a process for each test file, two at a time, not workers
//   any other argument is a path filter (substring) on the test files
import { readdirSync, statSync, existsSync, mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, relative, dirname } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

// Prints each test file's time at the end of its pass (scripts/lib/file-times.mjs).
const fileTimes = new URL('./lib/file-times.mjs', import.meta.url).href;

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const all = [...findTests('src'), ...findTests('test')]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const browser = all.filter((f) => f.startsWith(join('test', 'browser')));
const rest = all.filter((f) => !browser.includes(f));

const totals = { passed: 0, failed: 0, skipped: 0 };

// Every worker (and every browser journey) is a process that loads most of the app. Node runs our
// TypeScript itself (type stripping; tsconfig's erasableSyntaxOnly keeps the code to what
// it can strip), which took a third less CPU to load the app than tsx's loader, and the
// compiled code is kept on disk for the next process (NODE_COMPILE_CACHE).
process.env.NODE_COMPILE_CACHE ??= resolve('node_modules', '.cache', 'node-compile-cache');

// The test files of this run share made-once copies of a migrated (and demo) database:
// PGlite dump files here, template databases on the server (test/support/database.ts).
const templateDir = mkdtempSync(join(tmpdir(), 'ph-test-templates-'));
const templateId = randomBytes(4).toString('hex');
process.env.TEST_TEMPLATE_DIR = templateDir;
process.env.TEST_TEMPLATE_ID = templateId;

async function dropTemplates(url) {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query("select datname from pg_database where datname like $1", [`ph_tpl_${templateId}_%`]);
    for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
  } catch (e) {
    console.log(`# could not drop the template databases: ${e.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * One pass over some files, its output kept and printed whole when it ends (so two passes
 * running at once do not interleave). Resolves to its exit status.
 *
 * The files run in workers (scripts/lib/shard.mjs): each worker is one process that runs
 * its share of the files one after another, so the app's modules are loaded and warmed up
 * once per worker instead of once per file (2-4 s of CPU each, over 267 files a run), and
 * a worker's browser journeys share one Chromium (test/browser/support.ts).
 */
// Each pass has two workers (or two files at a time). The files are dealt longest first,
// each to the worker with the least work so far, by the times of the last run on this
// machine (kept per pass), else of scripts/lib/test-times.json; a file in neither counts
// 10 s (60 s a journey), the never-leak walks and the accessibility crawl 600 s.
const WORKERS = 2;
const timesFile = resolve('node_modules', '.cache', 'ph-test-times.json');
let lastTimes = {};
try { lastTimes = JSON.parse(readFileSync(timesFile, 'utf8')); } catch { /* none yet */ }
// A fresh clone has no times of its own: scripts/lib/test-times.json holds those of one
// run on this 2-core machine (the journeys; the longest database files of the embedded
// pass, which stand for the server pass too), for the order only.
const hints = JSON.parse(readFileSync(new URL('./lib/test-times.json', import.meta.url), 'utf8'));
const guessTime = (label) => {
  const times = { ...hints['PGlite (embedded)'], ...hints[label], ...lastTimes[label] };
  return (f) => times[f] ?? (isLeakWalk(f) || f === join('test', 'browser', 'accessibility.test.ts') ? 600 : f.startsWith(join('test', 'browser')) ? 60 : 10);
};
const longestFirst = (label, files) => {
  const guess = guessTime(label);
  return files.map((f, i) => [f, guess(f), i]).sort((a, b) => b[1] - a[1] || a[2] - b[2]).map(([f]) => f);
};
function deal(label, files) {
  const guess = guessTime(label);
  const workers = Array.from({ length: Math.min(WORKERS, files.length) }, () => ({ files: [], time: 0 }));
  for (const f of longestFirst(label, files)) {
    const least = workers.reduce((a, b) => (b.time < a.time ? b : a));
    least.files.push(f);
    least.time += guess(f);
  }
  return workers.map((w) => w.files);
}
function keepTimes(label, text) {
  const times = (lastTimes[label] ??= {});
  for (const [, s, file] of text.matchAll(/^# file +([\d.]+) s (?:FAILED )?(.+)$/gm)) times[relative('.', file)] = Number(s);
  try {
    mkdirSync(dirname(timesFile), { recursive: true });
    writeFileSync(timesFile, JSON.stringify(lastTimes));
  } catch { /* only an ordering hint */ }
}

const reporters = ['--test-reporter=tap', '--test-reporter-destination=stdout',
  `--test-reporter=${fileTimes}`, '--test-reporter-destination=stdout'];
const shard = fileURLToPath(new URL('./lib/shard.mjs', import.meta.url));

/** Runs one child process to its end; resolves to its output and status. */
function child(args, env) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const out = [];
    const err = [];
    proc.stdout.on('data', (d) => out.push(d));
    proc.stderr.on('data', (d) => err.push(d));
    const finish = (status, problem) => resolve({ out: Buffer.concat(out).toString(), err: Buffer.concat(err), status: status ?? 1, problem });
    proc.on('error', (e) => finish(1, e.message));
    proc.on('close', (code, signal) => finish(code, signal ? `killed by ${signal}` : null));
  });
}

async function run(label, given, env = {}, { workers = !flags.has('--process-per-file') } = {}) {
  if (given.length === 0) return 0;
  const started = Date.now();
  // --test-force-exit: a worker ends when its last file's tests have, even if something
  // a file left open (a timer, a socket) would keep it alive.
  const runs = workers
    ? deal(label, given).map((files) => child(['--test-force-exit', ...reporters, shard, ...files], env))
    : [child(['--test', '--test-concurrency=2', ...reporters, ...longestFirst(label, given)], env)];
  const results = await Promise.all(runs);
  console.log(`\n# ${label}: ${given.length} test files, ${Math.round((Date.now() - started) / 1000)} s`);
  const fileLines = [];
  let status = 0;
  for (const [i, r] of results.entries()) {
    if (results.length > 1) console.log(`# ${label}, worker ${i + 1} of ${results.length}:`);
    // The per-file times are printed once for the pass, below, longest first.
    process.stdout.write(r.out.replace(/^# file .*\n/gm, (line) => { fileLines.push(line); return ''; }));
    process.stderr.write(r.err);
    // A worker that could not run (or was killed) must say so, not just print nothing.
    if (r.problem) console.log(`# ${label} did not finish: ${r.problem}`);
    // Node's runner closes with "# pass N" and "# fail N"; add them up over the passes.
    const count = (word) => Number(new RegExp(`^# ${word} (\\d+)$`, 'm').exec(r.out)?.[1] ?? 0);
    totals.passed += count('pass');
    totals.failed += count('fail') + count('cancelled');
    totals.skipped += count('skipped');
    status |= r.status;
  }
  const seconds = (line) => Number(/^# file +([\d.]+)/.exec(line)[1]);
  const timesText = fileLines.sort((a, b) => seconds(b) - seconds(a)).join('');
  process.stdout.write(timesText);
  keepTimes(label, timesText);
  return status;
}

// The never-leak walks (test/leak.test.ts, test/leak/) request every route as several
// readers: the longest files by far, and they test the one policy, which does not depend
// on the engine. They run once, on the server when one is reachable (faster than the
// embedded engine, which runs in WebAssembly), else on PGlite.
const isLeakWalk = (f) => f === join('test', 'leak.test.ts') || f.startsWith(join('test', 'leak') + '/');
const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const postgresReady = !flags.has('--no-postgres') && !process.env.TEST_NO_POSTGRES
  && spawnSync('pg_isready', ['-d', postgresUrl, '-t', '3']).status === 0;

let failed = 0;
// The embedded pass is mostly WebAssembly on the test's own process and the server pass
// mostly waits on the server: run at once, they fill the machine's cores where one pass
// alone left them half idle. --sequential runs one after the other.
const passes = [];
if (!flags.has('--no-pglite')) passes.push(() => run('PGlite (embedded)', rest.filter((f) => !postgresReady || !isLeakWalk(f)), { TEST_DATABASE_URL: '' }));
if (postgresReady) {
  // Only the files that open a database need the second engine.
  const dbFiles = rest.filter((f) => !f.includes('.unit.'));
  passes.push(() => run('PostgreSQL server', dbFiles, { TEST_DATABASE_URL: postgresUrl }));
} else if (!flags.has('--no-postgres') && !process.env.TEST_NO_POSTGRES) {
  console.log('\n# PostgreSQL server not reachable: database tests ran on PGlite only');
}
// The browser journeys run alongside the database passes: they wait on Chromium and the
// server more than they compute (the whole pass took 435 s of CPU in 1,778 s), and the
// accessibility crawl, the longest file, then starts at once instead of last.
const browserPass = async () => {
  if (flags.has('--no-browser')) return 0;
  if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) return run('Chromium journeys', browser);
  console.log('\n# Chromium not installed (/usr/bin/chromium): browser journeys skipped');
  return 0;
};
if (flags.has('--sequential')) {
  for (const pass of passes) failed |= await pass();
  if (postgresReady) await dropTemplates(postgresUrl);
  failed |= await browserPass();
} else {
  const running = passes.map((pass) => pass());
  const browserRun = browserPass();
  for (const status of await Promise.all(running)) failed |= status;
  if (postgresReady) await dropTemplates(postgresUrl);
  failed |= await browserRun;
}
rmSync(templateDir, { recursive: true, force: true });
console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failed ? 1 : 0);
