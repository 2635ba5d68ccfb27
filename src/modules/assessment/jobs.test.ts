// Background imports of police.uk data on both engines: queued from the crime data page,
// a page (brought up to date in place with JavaScript, a refresh button without; never reloading itself) and the API show how far each has got;
// one instance claims a job; a job whose instance stopped is taken again after its lease
// and read from the start; problems end it as failed with nothing imported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import type { Actor } from '../../access/policy.ts';
import { STREET_HEADER, fileOf, multipartFiles, street } from './testing.ts';
import { claimNextImportJob, importRunners, jobActor, queueImportJob, runImportJob, ImportJobRunner } from './jobs.ts';
import { listImportedMonths } from './store.ts';

let t: TestApp;
let officer: Client;
let member: Client;
let actor: Actor;

before(async () => {
  t = await createTestApp();
  // This file runs the jobs by hand: the app's own runner stands aside.
  await importRunners.get(t.database.db)!.stop();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  const user = await t.database.db.selectFrom('users').select(['id', 'display_name']).where('email', '=', demoUsers.officer).executeTakeFirstOrThrow();
  actor = { kind: 'user', partnershipId: t.partnershipId, userId: user.id, displayName: user.display_name, role: 'officer', personId: null, grants: [] };
});
after(async () => { await t?.close(); });

const monthOf = (m: string, n: number, type = 'Robbery') => STREET_HEADER + Array.from({ length: n }, (_, i) => street(`j${m}${i}`, m, type, 'E01900001', 'Ashby Vale 001A', 'Under investigation')).join('');

async function uploadInBackground(files: { name: string; bytes: string }[]) {
  const page = await officer.get('/assessment/crime');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartFiles(csrf, files, { background: 'yes' });
  return t.app.inject({ method: 'POST', url: '/assessment/crime', payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType } });
}

test('a background import: queued from the page, its progress on a page (no self-reload) and in the API, then done', async () => {
  const res = await uploadInBackground([{ name: '2011-02-northshire-street.csv', bytes: monthOf('2011-02', 30) }, { name: '2011-03-northshire-street.csv', bytes: monthOf('2011-03', 12) }]);
  assert.equal(res.statusCode, 303, res.body);
  const url = res.headers.location as string;
  const id = /^\/assessment\/crime\/jobs\/([0-9a-f-]{36})$/.exec(url)?.[1];
  assert.ok(id, url);
  const waiting = await officer.get(url);
  assert.match(pageText(waiting.body), /Waiting to start/);
  assert.doesNotMatch(waiting.body, /http-equiv="refresh"/, 'a page that reloads itself fails WCAG 2.2.1');
  assert.match(waiting.body, /<script type="module" src="\/static\/import-progress\.js">/);
  assert.match(waiting.body, /Refresh progress/);
  assert.equal(((await officer.json('GET', `/api/assessment/import-jobs/${id}`)).json() as { status: string }).status, 'queued');
  assert.equal((await listImportedMonths(t.database.db, t.partnershipId)).filter((m) => m.month.startsWith('2011')).length, 0, 'nothing imported until the job runs');

  assert.equal(await new ImportJobRunner(t.database.db).drain(), 1);
  const done = await member.get(url);
  assert.equal(done.statusCode, 200);
  const text = pageText(done.body);
  assert.match(text, /Imported 42 rows: 2 months/);
  assert.match(text, /Rows read 42/);
  assert.match(text, /Months imported 2/);
  assert.doesNotMatch(done.body, /import-progress\.js|Refresh progress/, 'an ended job has nothing to wait for');
  const json = (await member.json('GET', `/api/assessment/import-jobs/${id}`)).json() as { status: string; rowsRead: number; monthsWritten: number; files: { name: string }[]; bytesRead: number; totalBytes: number };
  assert.deepEqual([json.status, json.rowsRead, json.monthsWritten, json.files.map((f) => f.name)], ['done', 42, 2, ['2011-02-northshire-street.csv', '2011-03-northshire-street.csv']]);
  assert.equal(json.bytesRead, json.totalBytes);
  assert.deepEqual((await listImportedMonths(t.database.db, t.partnershipId)).filter((m) => m.month.startsWith('2011')).map((m) => [m.month, m.rows]), [['2011-03', 12], ['2011-02', 30]]);
  assert.match(pageText((await officer.get('/assessment/crime')).body), /Background imports/);
  const list = (await member.json('GET', '/api/assessment/import-jobs')).json() as { items: { id: string }[] };
  assert.ok(list.items.some((j) => j.id === id));
  // The kept upload goes once the job ends.
  assert.equal((await t.database.db.selectFrom('assessment_import_chunks').select('seq').where('job_id', '=', id!).execute()).length, 0);
  // Not the public's, and no other partnership's.
  assert.notEqual((await new Client(t.app).get(url)).statusCode, 200);
  assert.notEqual((await new Client(t.app).get(`/api/assessment/import-jobs/${id}`)).statusCode, 200);
  assert.equal((await member.get('/assessment/crime/jobs/00000000-0000-4000-8000-000000000000')).statusCode, 404);
});

test('a background import with a problem fails with the problem by line, and nothing is imported', async () => {
  const bad = STREET_HEADER + street('b1', '2011-05', 'Drugs', 'E01900001', 'Ashby Vale 001A') + 'b2,2011-05,Northshire Police\n';
  const res = await uploadInBackground([{ name: '2011-04-northshire-street.csv', bytes: monthOf('2011-04', 5) }, { name: '2011-05-northshire-street.csv', bytes: bad }]);
  const url = res.headers.location as string;
  await new ImportJobRunner(t.database.db).drain();
  const text = pageText((await officer.get(url)).body);
  assert.match(text, /Failed: nothing imported/);
  assert.match(text, /1 problem in the files: nothing has been imported/);
  assert.match(text, /Line 3 has 3 columns; a police\.uk street file has 12/);
  assert.equal((await listImportedMonths(t.database.db, t.partnershipId)).filter((m) => m.month === '2011-04' || m.month === '2011-05').length, 0);
  const json = (await officer.json('GET', `/api/assessment/import-jobs/${url.split('/').pop()}`)).json() as { status: string; problems: { line: number }[] };
  assert.deepEqual([json.status, json.problems.map((p) => p.line)], ['failed', [3]]);
});

test('one instance claims a job; one that stopped is claimed again after its lease and read from the start; one that keeps stopping fails', async () => {
  const ctx = { db: t.database.db, actor };
  const file = fileOf('2011-06-northshire-street.csv', monthOf('2011-06', 7));
  const id = await queueImportJob(ctx, [{ ...file, size: Buffer.byteLength(monthOf('2011-06', 7)) }]);
  const [a, b] = await Promise.all([claimNextImportJob(t.database.db, 60_000), claimNextImportJob(t.database.db, 60_000)]);
  assert.deepEqual([a, b].filter(Boolean).map((j) => j!.id), [id], 'exactly one claim');
  // Its instance stops (nothing more is heard from it): within the lease no one else takes it.
  assert.equal(await claimNextImportJob(t.database.db, 60_000), null);
  const again = await claimNextImportJob(t.database.db, 0);
  assert.equal(again?.id, id);
  assert.equal(again?.attempts, 2);
  await runImportJob(t.database.db, again!);
  const job = (await officer.json('GET', `/api/assessment/import-jobs/${id}`)).json() as { status: string; rowsRead: number; attempts: number };
  assert.deepEqual([job.status, job.rowsRead, job.attempts], ['done', 7, 2]);
  assert.deepEqual((await listImportedMonths(t.database.db, t.partnershipId)).filter((m) => m.month === '2011-06').map((m) => m.rows), [7]);

  const stuck = await queueImportJob(ctx, [{ ...fileOf('2011-07-northshire-street.csv', monthOf('2011-07', 3)), size: 10 }]);
  for (let i = 0; i < 3; i++) assert.equal((await claimNextImportJob(t.database.db, 0))?.id, stuck);
  await runImportJob(t.database.db, (await claimNextImportJob(t.database.db, 0))!, { maxAttempts: 3 });
  const failed = pageText((await officer.get(`/assessment/crime/jobs/${stuck}`)).body);
  assert.match(failed, /The import stopped 3 times before it finished .* nothing was imported/);
  assert.equal((await listImportedMonths(t.database.db, t.partnershipId)).filter((m) => m.month === '2011-07').length, 0);
});

test('a background job acts as the person who queued it, with their own role, not a role assumed for them', async () => {
  const db = t.database.db;
  const admin = await db.selectFrom('users as u').innerJoin('partnership_users as pu', 'pu.user_id', 'u.id')
    .select(['u.id', 'u.display_name', 'pu.role', 'pu.person_id']).where('u.email', '=', demoUsers.administrator).where('pu.partnership_id', '=', t.partnershipId).executeTakeFirstOrThrow();
  assert.equal(admin.role, 'administrator');
  const adminActor: Actor = { kind: 'user', partnershipId: t.partnershipId, userId: admin.id, displayName: admin.display_name, role: 'administrator', personId: admin.person_id, grants: [] };
  const bytes = monthOf('2011-08', 2);
  const id = await queueImportJob({ db, actor: adminActor }, [{ ...fileOf('2011-08-northshire-street.csv', bytes), size: Buffer.byteLength(bytes) }]);
  const claimed = await claimNextImportJob(db, 60_000);
  assert.equal(claimed?.id, id);
  const acting = await jobActor(db, claimed!);
  assert.equal(acting.kind, 'user');
  assert.equal(acting.kind === 'user' && acting.role, 'administrator');
  assert.equal(acting.kind === 'user' && acting.userId, admin.id);
  // The officer's job acts as an officer; a job whose person has left the partnership acts as the system.
  assert.equal(((await jobActor(db, { ...claimed!, created_by: actor.kind === 'user' ? actor.userId : null })) as Actor & { kind: 'user' }).role, 'officer');
  assert.equal((await jobActor(db, { ...claimed!, created_by: null })).kind, 'system');
  await runImportJob(db, claimed!);
  const entry = await db.selectFrom('audit_log').select(['actor_user_id', 'actor_label']).where('partnership_id', '=', t.partnershipId)
    .where('record_type', '=', 'crime-data').orderBy('at', 'desc').executeTakeFirstOrThrow();
  assert.deepEqual([entry.actor_user_id, entry.actor_label], [admin.id, admin.display_name]);
});
