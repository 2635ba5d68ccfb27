// The server side of the HTTP bench, in its own process: the app with the demo
// partnership, on an embedded database in a new data folder made as a first start makes
// it (src/db/firstStart.ts: created in a child process, then opened), or with
// BENCH_DATABASE_URL on a new database of that PostgreSQL server (dropped when the bench
// ends); and a bare Fastify route. Prints one JSON line with the ports, ids and signed-in
// cookies the bench needs.
import Fastify from 'fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../src/db/database.ts';
import { createInChildProcess } from '../src/db/firstStart.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoPartnership, DEMO_PASSWORD } from '../src/demo/seed.ts';
import { findMeeting } from '../src/modules/meetings/store.ts';

const serverUrl = process.env.BENCH_DATABASE_URL;
let database: Database;
let dropDatabase = async () => {};
if (serverUrl) {
  const name = `ph_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  database = await openPostgres(url.toString());
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'ph-http-bench-'));
  await createInChildProcess({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOAD_DEMO: 'true', NODE_ENV: 'development', LOG_LEVEL: 'warn' }, { stdoutToStderr: true });
  database = await openPglite(dataDir);
  dropDatabase = async () => rmSync(dataDir, { recursive: true, force: true });
}
await migrate(database);
const demo = serverUrl
  ? await seedDemoPartnership(database.db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' })
  : { partnershipId: (await database.db.selectFrom('partnerships').select('id').where('slug', '=', 'northshire').executeTakeFirstOrThrow()).id };
const app = await buildApp({ db: database.db, config: loadConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), logger: false });
// The same HTML as the public meeting page, from memory, through every hook of the app:
// what the public page's cache is measured against.
let meetingHtml = '';
app.get('/bench/meeting-from-memory', async (_req, reply) => reply.type('text/html; charset=utf-8').send(meetingHtml));
// What a signed-in page is measured against: one query (the meeting's row) and the
// GOV.UK layout around nothing, through every hook of the app.
app.get('/bench/one-query', async (req, reply) => {
  const m = await findMeeting(app.db, req.partnership.id, (req.query as { id: string }).id);
  return reply.view('layout.njk', { title: m?.venue ?? 'Meeting' });
});
// Where the server's memory is: V8's heap and PGlite's WebAssembly memory (read beside the RSS).
app.get('/bench/memory', async () => {
  const heap = v8.getHeapStatistics();
  return { heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size, external: heap.external_memory, wasm: database.wasmMemoryBytes?.() ?? 0 };
});
// With BENCH_HEAP_SNAPSHOTS (a folder): a V8 heap snapshot there, to see what the heap holds.
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOTS;
if (snapshotDir) {
  app.get('/bench/heap-snapshot', async (req) => ({ path: v8.writeHeapSnapshot(join(snapshotDir, `${(req.query as { name: string }).name}.heapsnapshot`)) }));
}
const appAddress = await app.listen({ port: 0, host: '127.0.0.1' });

const bare = Fastify({ logger: false });
bare.get('/', async () => 'ok');
const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' });

const board = await database.db.selectFrom('bodies').select('id').where('partnership_id', '=', demo.partnershipId).where('kind', '=', 'board').executeTakeFirstOrThrow();
const meeting = await database.db.selectFrom('meetings').select('id').where('partnership_id', '=', demo.partnershipId)
  .where('agenda_published_at', 'is not', null).orderBy('starts_at', 'desc').executeTakeFirstOrThrow();
meetingHtml = (await app.inject({ url: `/meetings/${meeting.id}` })).body;

async function signIn(email: string) {
  const page = await app.inject({ url: '/sign-in' });
  const csrfCookie = page.cookies.find((c) => c.name === 'ph_csrf')!;
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const signedIn = await app.inject({
    method: 'POST', url: '/sign-in', headers: { cookie: `ph_csrf=${csrfCookie.value}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, email, password: DEMO_PASSWORD }).toString(),
  });
  const session = signedIn.cookies.find((c) => c.name === 'ph_session');
  if (!session) throw new Error(`bench: ${email} could not sign in (${signedIn.statusCode})`);
  return `ph_csrf=${csrfCookie.value}; ph_session=${session.value}`;
}
const officerCookie = await signIn('officer@northshire.example');
const memberCookie = await signIn('member@northshire.example');
console.log(JSON.stringify({ engine: database.engine, appAddress, bareAddress, boardId: board.id, meetingId: meeting.id, officerCookie, memberCookie }));
process.on('SIGTERM', async () => {
  await app.close();
  await bare.close();
  await database.close();
  await dropDatabase().catch(() => {});
  process.exit(0);
});
