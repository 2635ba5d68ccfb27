// Pages under load: requests per second and p50/p99 latency at 50 connections for
// the public meeting page (kept in memory after its first reading), the same page for a
// reader the memory does not serve (a stale session cookie) and for a signed-in officer,
// the body page and the organisations page, next to a bare Fastify route and the meeting
// page's own HTML served from memory through the app's hooks, measured in the same run
// (the ratios are what to compare between runs on a shared machine).
// Also the resident memory (RSS) of the server holding the demo partnership.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const server = spawn(process.execPath, ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'serve.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
const info = await new Promise<{ appAddress: string; bareAddress: string; boardId: string; meetingId: string; officerCookie: string }>((resolve, reject) => {
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

try {
  const rssIdle = rssMb();
  const rows = [
    await measure('bare Fastify route (baseline)', info.bareAddress + '/'),
    await measure('meeting HTML from memory via app', `${info.appAddress}/bench/meeting-from-memory`),
    await measure('public meeting page', `${info.appAddress}/meetings/${info.meetingId}`),
    await measure('meeting page, not kept (cookie)', `${info.appAddress}/meetings/${info.meetingId}`, { cookie: 'ph_session=signed-out-long-ago' }),
    await measure('meeting page, officer', `${info.appAddress}/meetings/${info.meetingId}`, { cookie: info.officerCookie }),
    await measure('body page /bodies/:id', `${info.appAddress}/bodies/${info.boardId}`),
    await measure('organisations page', `${info.appAddress}/organisations`),
    await measure('home page', `${info.appAddress}/`),
  ];
  const base = rows[0]!;
  console.log(`50 connections, ${seconds} s each`);
  console.log('page'.padEnd(34), 'req/s'.padStart(8), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'req/s vs bare'.padStart(14));
  for (const r of rows) {
    console.log(r.name.padEnd(34), r.rps.toFixed(0).padStart(8), String(r.p50).padStart(8), String(r.p99).padStart(8), (r.rps / base.rps).toFixed(3).padStart(14));
  }
  const memory = rows[1]!, cached = rows[2]!;
  console.log(`public meeting page: ${(cached.rps / memory.rps).toFixed(2)} of the throughput of its HTML from memory through the app (goal >= 0.5), p99 ${cached.p99} ms (goal <= 25 ms)`);
  console.log(`server RSS with the demo partnership: ${rssIdle.toFixed(0)} MB idle, ${rssMb().toFixed(0)} MB after load`);
} finally {
  server.kill('SIGTERM');
}
