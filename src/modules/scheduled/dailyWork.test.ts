// The server's daily work (dailyWork.ts): nothing before the configured UK time; then each
// task once a day for each partnership however many instances ask at the same moment; a
// claim left by an instance that died taken over after the lease, at most three tries; an
// error recorded, not lost. The real tasks through the local SMTP sink: a second run the
// same day sends nothing more. The page and API for the clerk's team, refused to others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { mailerFromConfig, type Mailer } from '../../mail/mailer.ts';
import { DailyWork, MAX_ATTEMPTS, ukTimeOfDay } from './dailyWork.ts';
import type { DailyTask } from './tasks.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let mailer: Mailer;
let partnerships: string[];

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  mailer = mailerFromConfig(t.app.config)!;
  partnerships = (await t.database.db.selectFrom('partnerships').select('id').execute()).map((p) => p.id);
});
after(async () => { mailer?.close(); await t?.close(); await smtp?.close(); });

/** A task that counts its runs per partnership and takes a moment, so two instances overlap. */
function countingTask(name: string, counts: Map<string, number>): DailyTask {
  return {
    name, label: `Counting ${name}`,
    run: async (ctx) => {
      counts.set(ctx.actor.partnershipId, (counts.get(ctx.actor.partnershipId) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 20));
      return { summary: `counted for ${ctx.actor.partnershipId}`, failed: [] };
    },
  };
}

const config = (at: string | null) => ({ ...t.app.config, dailyWorkAt: at });
// 08:30 UTC in December is 08:30 in the UK; in June it is 09:30. Either is after 07:00.
const morning = new Date('2026-12-07T08:30:00Z');
const early = new Date('2026-12-07T06:59:00Z');
const rowsOf = (task: string) => t.database.db.selectFrom('daily_runs').selectAll().where('task', '=', task).orderBy('partnership_id').execute();

test('the UK time of day is read in London time, summer and winter', () => {
  assert.equal(ukTimeOfDay(new Date('2026-12-07T06:59:00Z')), '06:59');
  assert.equal(ukTimeOfDay(new Date('2026-06-07T06:59:00Z')), '07:59');
});

test('nothing runs before the configured time; then each task once for each partnership, however many instances ask at once', async () => {
  const counts = new Map<string, number>();
  const tasks = [countingTask('count-a', counts), countingTask('count-b', counts)];
  const instances = [0, 1, 2].map(() => new DailyWork({ db: t.database.db, mailer, config: config('07:00'), tasks, now: () => early }));
  assert.deepEqual(await instances[0]!.runDue(), []);
  assert.equal((await rowsOf('count-a')).length, 0, 'nothing is claimed before the time');

  for (const w of instances) (w as unknown as { opts: { now: () => Date } }).opts.now = () => morning;
  const done = (await Promise.all(instances.map((w) => w.runDue()))).flat();
  assert.equal(done.length, partnerships.length * 2, 'each task ran once for each partnership in all');
  for (const pid of partnerships) assert.equal(counts.get(pid), 2, 'each partnership had each of the two tasks once');
  const rows = await rowsOf('count-a');
  assert.equal(rows.length, partnerships.length);
  for (const r of rows) {
    assert.equal(r.run_on, '2026-12-07');
    assert.ok(r.finished_at, 'the run is recorded as finished');
    assert.equal(r.summary, `counted for ${r.partnership_id}`);
    assert.equal(r.attempts, 1);
  }
  // Asked again the same day, by any instance: nothing more.
  assert.deepEqual((await Promise.all(instances.map((w) => w.runDue()))).flat(), []);
  assert.equal([...counts.values()].reduce((a, b) => a + b, 0), partnerships.length * 2);
  // Turned off: nothing, whatever the time.
  assert.deepEqual(await new DailyWork({ db: t.database.db, mailer, config: config(null), tasks: [countingTask('count-off', counts)], now: () => morning }).runDue(), []);
});

test('a claim left by an instance that died is taken over after the lease; an error is recorded and tried at most three times a day', async () => {
  const counts = new Map<string, number>();
  const pid = t.partnershipId;
  // An instance claimed the task an hour ago and died before finishing.
  await t.database.db.insertInto('daily_runs').values({ partnership_id: pid, task: 'count-c', run_on: '2026-12-07', claimed_by: 'an instance that died', claimed_at: new Date(Date.now() - 3600_000) }).execute();
  const stillLeased = new DailyWork({ db: t.database.db, mailer, config: config('07:00'), tasks: [countingTask('count-c', counts)], now: () => morning, leaseMs: 2 * 3600_000 });
  assert.equal((await stillLeased.runDue()).filter((d) => d.partnershipId === pid).length, 0, 'within its lease the claim is left alone');
  const after = new DailyWork({ db: t.database.db, mailer, config: config('07:00'), tasks: [countingTask('count-c', counts)], now: () => morning, leaseMs: 30 * 60_000 });
  assert.equal((await after.runDue()).filter((d) => d.partnershipId === pid).length, 1, 'past its lease another instance takes it over');
  const row = (await rowsOf('count-c')).find((r) => r.partnership_id === pid)!;
  assert.deepEqual([row.claimed_by, row.attempts, Boolean(row.finished_at)], [after.id, 2, true]);

  let tries = 0;
  const failing: DailyTask = { name: 'always-fails', label: 'Always fails', run: async () => { tries++; throw new Error('the mail server said no'); } };
  const broken = new DailyWork({ db: t.database.db, mailer, config: config('07:00'), tasks: [failing], now: () => morning, leaseMs: 0 });
  for (let i = 0; i < MAX_ATTEMPTS + 2; i++) await broken.runDue();
  assert.equal(tries, MAX_ATTEMPTS * partnerships.length, 'three tries a day for each partnership, no more');
  for (const r of await rowsOf('always-fails')) {
    assert.equal(r.finished_at, null);
    assert.equal(r.attempts, MAX_ATTEMPTS);
    assert.equal(r.summary, 'Stopped by an error: the mail server said no');
  }
});

test('the real tasks send through the mail server, once a day: a second run sends nothing more', async () => {
  const day = new Date();
  day.setUTCHours(12, 0, 0, 0);
  // The demo partnership's open actions fall due yesterday: their owners are reminded.
  await t.database.db.updateTable('actions').set({ due_on: new Date(day.getTime() - 86_400_000).toISOString().slice(0, 10) })
    .where('partnership_id', '=', t.partnershipId).where('status', 'in', ['open', 'in-progress']).execute();
  const before = smtp.messages.length;
  const first = new DailyWork({ db: t.database.db, mailer, config: config('00:00'), now: () => day });
  const done = await first.runDue();
  const actions = done.find((d) => d.task === 'action-reminders' && d.partnershipId === t.partnershipId)!;
  const sent = Number(/^(\d+) reminders? sent/.exec(actions.summary)?.[1]);
  assert.ok(sent >= 1, actions.summary);
  await smtp.waitFor(before + sent);
  const recorded = await t.database.db.selectFrom('daily_runs').select('summary').where('partnership_id', '=', t.partnershipId).where('task', '=', 'action-reminders').where('run_on', '=', actions.runOn).executeTakeFirstOrThrow();
  assert.equal(recorded.summary, actions.summary, 'what the run did is kept for the page');
  const names = ['action-reminders', 'assessment-reminders', 'session-reminders', 'funding-returns', 'review-progress-reminders'];
  assert.deepEqual([...new Set(done.map((d) => d.task))].sort(), [...names].sort());
  assert.equal(done.length, names.length * partnerships.length);
  for (const d of done) assert.doesNotMatch(d.summary, /^Stopped by an error/, `${d.task}: ${d.summary}`);
  await new Promise((r) => setTimeout(r, 200));
  const sentFirst = smtp.messages.length;
  // The same day again, from a second instance after the rows are gone from its view: the
  // tasks' own rules still send nothing twice (the day's rows are removed to prove it).
  await sql`delete from daily_runs where run_on = ${done[0]!.runOn}`.execute(t.database.db);
  await new DailyWork({ db: t.database.db, mailer, config: config('00:00'), now: () => day }).runDue();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(smtp.messages.length, sentFirst, 'no message went twice');
});

test('officers and administrators read the daily runs on a page and in the API; members and the public do not', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const page = await officer.get('/admin/daily-work');
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  assert.match(text, /Daily reminders and requests/);
  assert.match(text, /Each day from 07:00 \(UK time\) the server sends what is due/);
  assert.match(text, /Funding progress returns asked and reminded/);
  assert.match(text, /always-fails Stopped by an error: the mail server said no 3 Not finished/);
  const api = await officer.json('GET', '/api/daily-runs');
  assert.equal(api.statusCode, 200);
  const body = api.json() as { sendsAt: string; runs: { task: string; attempts: number; finishedAt: string | null }[] };
  assert.equal(body.sendsAt, '07:00');
  assert.ok(body.runs.some((r) => r.task === 'always-fails' && r.attempts === 3 && r.finishedAt === null));
  const openapi = (await new Client(t.app).json('GET', '/api/openapi.json')).json() as { paths: Record<string, { get?: { responses: Record<string, unknown> } }> };
  assert.ok(openapi.paths['/api/daily-runs']?.get?.responses['200'], 'the API is in the OpenAPI document');
  assert.match(pageText((await officer.get('/governance')).body), /Daily reminders and requests ?, what the server sent each day/);

  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get('/admin/daily-work')).statusCode, 403);
  assert.equal((await member.json('GET', '/api/daily-runs')).statusCode, 403);
  const anyone = new Client(t.app);
  assert.equal((await anyone.get('/admin/daily-work')).statusCode, 302);
  assert.equal((await anyone.json('GET', '/api/daily-runs')).statusCode, 401);
});
