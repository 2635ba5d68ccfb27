// The ModernGov connector on the test server's fixtures (src/modules/moderngov/testing),
// on PGlite and, when BENCH_POSTGRES_URL names a server, on PostgreSQL: a first mirror sync
// (meetings, items, documents, minute paragraphs and attendance records brought in, and its
// time), a second mirror sync (what it changed: rows of each table, by count), and a
// migrate sync (meetings queued as import drafts, documents held). Baseline, in the same
// run: the same HTTP requests the first sync makes (WSDL aside), with fetch and no database.
// Each is done ROUNDS times on fresh bodies and sources; the median is printed, then each.
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemoPartnership } from '../src/demo/seed.ts';
import { loadUserActor } from '../src/access/sessions.ts';
import { addSource, chooseCommittees, startSync } from '../src/modules/moderngov/commands.ts';
import { ModernGovTestServer } from '../src/modules/moderngov/testing/server.ts';
import { fixtureRange } from '../src/modules/moderngov/testing/fixtures.ts';

const servers: ModernGovTestServer[] = [];
const ROUNDS = Number(process.env.BENCH_MODERNGOV_ROUNDS ?? 5);
const TABLES = ['meetings', 'agenda_items', 'papers', 'minute_paragraphs', 'meeting_attendance', 'moderngov_links', 'moderngov_log', 'moderngov_runs', 'audit_log', 'imports', 'moderngov_documents'] as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;


async function counts(db: Database['db']) {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return out;
}
const diff = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(a).map((k) => [k, b[k]! - a[k]!]).filter(([, v]) => v !== 0));

/** The requests a mirror of the fixtures makes (listings, each meeting, each document, the attachment lookup), with fetch alone. */
async function baseline(server: ModernGovTestServer): Promise<number> {
  const start = performance.now();
  const base = server.serviceUrl;
  const get = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  await get(`${base}/GetCommittees`);
  for (const c of [12, 14]) await get(`${base}/GetMeetings?lCommitteeId=${c}&sStartDate=01%2F01%2F2025&sEndDate=31%2F12%2F2025`);
  for (const m of ['3101', '3102', '3103', '3201']) await get(`${base}/GetMeeting?lMeetingId=${m}`);
  await get(`${base}/GetAttachment?lAttachmentId=9002`);
  for (const d of ['/documents/s9001/Town%20centre%20report.pdf', '/documents/a9002/Review%20case%20briefing.pdf', '/documents/s9003/Draft%20agreement.pdf']) await get(`${server.url}${d}`);
  return performance.now() - start;
}

async function bench(label: string, database: Database) {
  await migrate(database);
  const { db } = database;
  const { partnershipId: pid } = await seedDemoPartnership(db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
  const user = await db.selectFrom('users').select(['id', 'display_name']).where('email', '=', 'admin@northshire.example').executeTakeFirstOrThrow();
  const actor = await loadUserActor(db, pid, user.id, user.display_name, 'administrator', null);
  const ctx = { db, actor };
  const options = { allowPrivate: true };
  const runs = { base: [] as number[], first: [] as number[], second: [] as number[], migrate: [] as number[] };
  let firstAdded: Record<string, number> = {};
  let secondChanged: Record<string, number> = {};
  let migrated: Record<string, number> = {};
  let firstTally = {};
  let migrateTally = {};
  for (let round = 0; round < ROUNDS; round++) {
    const body = async (name: string) => (await db.insertInto('bodies').values({ partnership_id: pid, name: `${name} ${round}`, kind: 'board', description: null }).returning('id').executeTakeFirstOrThrow()).id;
    // A server of our own per source (a source is one address); its documents made once, before anything is timed.
    const s1 = await new ModernGovTestServer().start();
    const s2 = await new ModernGovTestServer().start();
    servers.push(s1, s2);
    await baseline(s1);
    await baseline(s2);
    runs.base.push(await baseline(s1));
    const source = await addSource(ctx, { name: `Mirror ${round}`, base_url: s1.serviceUrl }, options);
    await chooseCommittees(ctx, source.id, { body_12: await body('Partnership'), body_14: await body('Working Group') });
    const sync = async (sourceId: string, mode: 'mirror' | 'migrate') => {
      const start = performance.now();
      const run = await (await startSync(ctx, sourceId, { mode, from: fixtureRange.from, to: fixtureRange.to }, options)).finished;
      if (run.status !== 'finished') throw new Error(`${mode} ${run.status}: ${run.failure}`);
      return { ms: performance.now() - start, run };
    };
    const c0 = await counts(db);
    const first = await sync(source.id, 'mirror');
    const c1 = await counts(db);
    const second = await sync(source.id, 'mirror');
    const c2 = await counts(db);
    runs.first.push(first.ms);
    runs.second.push(second.ms);
    firstAdded = diff(c0, c1);
    firstTally = first.run.tally;
    secondChanged = diff(c1, c2);
    const m = await addSource(ctx, { name: `Migrate ${round}`, base_url: s2.serviceUrl }, options);
    {
      await chooseCommittees(ctx, m.id, { body_12: await body('Migrated Partnership'), body_14: await body('Migrated Working Group') });
      const c3 = await counts(db);
      const mig = await sync(m.id, 'migrate');
      runs.migrate.push(mig.ms);
      migrated = diff(c3, await counts(db));
      migrateTally = mig.run.tally;
    }
  }
  const b = median(runs.base);
  console.log(`${label}: baseline (the first sync's requests with fetch, no database) median ${ms(b)}`);
  console.log(`${label}: first mirror sync median ${ms(median(runs.first))} = ${(median(runs.first) / b).toFixed(1)}x baseline; tally ${JSON.stringify(firstTally)}; rows added ${JSON.stringify(firstAdded)}`);
  console.log(`${label}: second mirror sync median ${ms(median(runs.second))} = ${(median(runs.second) / b).toFixed(1)}x baseline; rows changed ${JSON.stringify(secondChanged)}`);
  if (runs.migrate.length) console.log(`${label}: migrate sync median ${ms(median(runs.migrate))} = ${(median(runs.migrate) / b).toFixed(1)}x baseline; tally ${JSON.stringify(migrateTally)}; rows added ${JSON.stringify(migrated)}`);
  console.log(`${label}: each round (baseline / first / second / migrate): ${runs.base.map((_, i) => [runs.base[i], runs.first[i], runs.second[i], runs.migrate[i]].map((x) => (x ?? 0).toFixed(0)).join(' / ')).join('; ')}`);
}

console.log(`load before: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const pglite = await openPglite();
try {
  await bench('PGlite', pglite);
} finally {
  await pglite.close();
}
const serverUrl = process.env.BENCH_POSTGRES_URL;
if (serverUrl) {
  const name = `ph_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const database = await openPostgres(url);
  try {
    await bench('PostgreSQL', database);
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
console.log(`load after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const s of servers) await s.close();
