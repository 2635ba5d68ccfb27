// Pages under load: requests per second and p50/p99 latency at 50 connections for
// the public meeting page (kept in memory after its first reading), the same page for a
// reader the memory does not serve (a stale session cookie) and for a signed-in officer,
// the body page and the organisations page, next to a bare Fastify route, the meeting
// page's own HTML served from memory through the app's hooks, and one query plus the
// GOV.UK layout, measured in the same run (the ratios are what to compare between runs
// on a shared machine). Then a rush: 200 connections on a mix of public and signed-in
// pages, with its errors and p99. Also the resident memory (RSS) of the server, run on
// plain Node with the memory settings as `npm start` runs it (src/memory.ts), and how much
// of it is V8's heap and PGlite's WebAssembly memory: idle (6 s after its start), after the pages, after the rush.
// On PGlite always; on PostgreSQL as well with BENCH_POSTGRES_URL (a server on which a
// database may be made, e.g. postgres://postgres@127.0.0.1:5432/postgres).
//   BENCH_SECONDS (5) per page, BENCH_MIX_SECONDS (60) for the rush; BENCH_HEAP_SNAPSHOTS
//   (a folder) for V8 heap snapshots of the server idle, after the pages and after the rush.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { memorySettings } from '../src/memory.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const mixSeconds = Number(process.env.BENCH_MIX_SECONDS ?? 60);
interface Info { engine: string; appAddress: string; bareAddress: string; boardId: string; meetingId: string; officerCookie: string; memberCookie: string }

async function bench(env: Record<string, string>) {
  const settings = memorySettings({ ...process.env, ...env }, []);
  // Plain Node, as `npm start` runs the server: tsx (esbuild, source maps) added some 25 MB idle.
  const server = spawn(process.execPath, [...settings.flags, join(dirname(fileURLToPath(import.meta.url)), 'serve.ts')], { stdio: ['ignore', 'pipe', 'inherit'], env: settings.env });
  const info = await new Promise<Info>((resolve, reject) => {
    createInterface({ input: server.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
    server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const rssMb = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  async function measure(name: string, url: string, headers: Record<string, string> = {}) {
    // A short warm-up so the first compile of templates and queries is not counted.
    await autocannon({ url, headers, connections: 10, duration: 1 });
    const r = await autocannon({ url, headers, connections: 50, duration: seconds });
    if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
  }
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  const snapshot = async (name: string) => {
    if (process.env.BENCH_HEAP_SNAPSHOTS) console.log(`heap snapshot: ${((await (await fetch(`${info.appAddress}/bench/heap-snapshot?name=${info.engine}-${name}`)).json()) as { path: string }).path}`);
  };
  const memoryNow = async () => {
    const m = await (await fetch(`${info.appAddress}/bench/memory`)).json() as { heapUsed: number; heapTotal: number; wasm: number };
    const rss = rssMb();
    return { rss, ...m, toString: () => `${rss.toFixed(0)} MB (V8 heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, PGlite's WebAssembly memory ${mb(m.wasm)} MB)` };
  };
  try {
    await new Promise((r) => setTimeout(r, 6_000));
    const idle = await memoryNow();
    await snapshot('idle');
    const app = info.appAddress, meeting = `/meetings/${info.meetingId}`;
    const rows = [
      await measure('bare Fastify route (baseline)', info.bareAddress + '/'),
      await measure('meeting HTML from memory via app', `${app}/bench/meeting-from-memory`),
      await measure('one query plus the layout', `${app}/bench/one-query?id=${info.meetingId}`),
      await measure('public meeting page', app + meeting),
      await measure('meeting page, not kept (cookie)', app + meeting, { cookie: 'ph_session=signed-out-long-ago' }),
      await measure('meeting page, officer', app + meeting, { cookie: info.officerCookie }),
      await measure('meeting page, member', app + meeting, { cookie: info.memberCookie }),
      await measure('body page /bodies/:id', `${app}/bodies/${info.boardId}`),
      await measure('organisations page', `${app}/organisations`),
      await measure('home page', `${app}/`),
    ];
    const byName = (n: string) => rows.find((r) => r.name === n)!;
    const base = rows[0]!;
    console.log(`\n### ${info.engine}: 50 connections, ${seconds} s each (a shared machine: compare the ratios)`);
    console.log('page'.padEnd(34), 'req/s'.padStart(8), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'req/s vs bare'.padStart(14));
    for (const r of rows) {
      console.log(r.name.padEnd(34), r.rps.toFixed(0).padStart(8), String(r.p50).padStart(8), String(r.p99).padStart(8), (r.rps / base.rps).toFixed(3).padStart(14));
    }
    const memory = byName('meeting HTML from memory via app'), cached = byName('public meeting page'), oneQuery = byName('one query plus the layout');
    console.log(`public meeting page: ${(cached.rps / memory.rps).toFixed(2)} of the throughput of its HTML from memory through the app (goal >= 0.5), p99 ${cached.p99} ms (goal <= 25 ms)`);
    for (const who of ['officer', 'member']) {
      const r = byName(`meeting page, ${who}`);
      console.log(`signed-in meeting page (${who}): ${(r.rps / oneQuery.rps).toFixed(2)} of one query plus the layout (goal >= 0.5): ${r.rps.toFixed(0)} against ${oneQuery.rps.toFixed(0)} req/s`);
    }
    const afterPages = await memoryNow();
    await snapshot('after-pages');

    // The rush: each connection goes round public and signed-in pages in turn.
    const mix = [
      { path: meeting },
      { path: meeting, headers: { cookie: info.officerCookie } },
      { path: `/bodies/${info.boardId}` },
      { path: meeting, headers: { cookie: info.memberCookie } },
      { path: '/calendar' },
      { path: '/meetings', headers: { cookie: info.officerCookie } },
    ].map((r) => ({ method: 'GET' as const, ...r }));
    const r = await autocannon({ url: app, connections: 200, duration: mixSeconds, requests: mix });
    const goal = info.engine === 'postgres' ? 1000 : 2000;
    console.log(`rush: 200 connections for ${mixSeconds} s, half public and half signed-in pages: ${r.requests.total} requests, ${r.requests.average.toFixed(0)} req/s, `
      + `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx} (goal 0); p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (goal <= ${goal} ms)`);
    const afterRush = await memoryNow();
    await snapshot('after-rush');
    console.log(`server RSS idle: ${idle}${info.engine === 'pglite' ? ' (goal <= 300 MB)' : ''}`);
    console.log(`server RSS after the pages: ${afterPages}`);
    console.log(`server RSS after the rush: ${afterRush}${info.engine === 'pglite' ? ' (goal <= 400 MB)' : ''}`);
    // Every setting the server ran with: src/memory.ts's, and any the operator gave (NODE_OPTIONS, glibc's MALLOC_*).
    const given = Object.keys(settings.env).filter((k) => k.startsWith('MALLOC_') || k === 'NODE_OPTIONS').sort().map((k) => `${k}=${settings.env[k]}`);
    console.log(`server settings: ${[...settings.flags, ...given].join(' ') || 'none'}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

await bench({});
if (process.env.BENCH_POSTGRES_URL) await bench({ BENCH_DATABASE_URL: process.env.BENCH_POSTGRES_URL });
else console.log('\n(PostgreSQL not measured: set BENCH_POSTGRES_URL)');
