import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { jobIdOf, uploadThroughPage, waitForJob } from './testing/imports.ts';
import { JobRunner, queueImportJob, runners } from './jobs.ts';
import { claimNextFile } from './documents.store.ts';
import * as docs from './testing/documents.ts';

let t: TestApp;
let officer: Client;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  // This file drives runners by hand: the app's own runner stands aside.
  await runners.get(t.database.db)!.stop();
});
after(() => t.close());

const enc = (s: string) => new TextEncoder().encode(s);
const minutes = (n: number) => docs.parishMinutesText.replace(/3 March 2025/g, `${n} June 2024`).replace('£1,850', `£${1000 + n}`);
const filesOf = (jobId: string) => t.database.db.selectFrom('job_files').select(['position', 'file_name', 'status', 'attempts', 'finished_at', 'import_id', 'content'])
  .where('job_id', '=', jobId).orderBy('position').execute();
const count = async (table: 'documents' | 'imports') => Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

test('a job stopped part way (a restart) resumes where it was: files already read are not read again', { timeout: 180_000 }, async () => {
  const zip = await docs.zipOf(Object.fromEntries([1, 2, 3, 4].map((n) => [`minutes-${n}.txt`, minutes(n)])));
  const res = await uploadThroughPage(t.app, officer, [{ name: 'year.zip', bytes: zip }]);
  assert.equal(res.statusCode, 303);
  const jobId = jobIdOf(res.headers.location);
  const documents = await count('documents');

  // A runner reads two files, takes the third, and the server stops before it is done.
  const first = new JobRunner(t.database.db);
  assert.equal(await first.runOnce(), true);
  assert.equal(await first.runOnce(), true);
  const interrupted = await claimNextFile(t.database.db, 60_000);
  assert.equal(interrupted?.file_name, 'minutes-3.txt');
  await first.stop();
  const halfway = await filesOf(jobId);
  assert.deepEqual(halfway.map((x) => x.status), ['read', 'read', 'reading', 'queued']);

  const page = await officer.get(`/imports/jobs/${jobId}`);
  assert.match(pageText(page.body), /Reading: 2 of 4 files done \(50%\)/);
  assert.match(page.body, /Refresh progress/);

  // The next runner (after the restart) takes over the interrupted file once its claim has lapsed, and the rest.
  const resumed = new JobRunner(t.database.db, { leaseMs: 0 });
  assert.equal(await resumed.drain(), 2);
  await resumed.stop();
  const done = await filesOf(jobId);
  assert.deepEqual(done.map((x) => x.status), ['read', 'read', 'read', 'read']);
  assert.deepEqual(done.map((x) => x.attempts), [1, 1, 2, 1], 'only the interrupted file was read twice');
  assert.deepEqual(done.slice(0, 2).map((x) => x.finished_at?.toISOString()), halfway.slice(0, 2).map((x) => x.finished_at?.toISOString()), 'files already read were left alone');
  assert.ok(done.every((x) => x.content === null), 'the bytes waiting to be read are cleared once read');
  assert.equal(await count('documents'), documents + 4, 'each file kept once');
  const job = await waitForJob(officer, jobId);
  assert.deepEqual([job.status, job.read, job.failed], ['done', 4, 0]);
  assert.match(pageText((await officer.get(`/imports/jobs/${jobId}`)).body), /Finished: 4 of 4 files/);
});

test('a runner stopping while a file is being read puts it back untouched', { timeout: 120_000 }, async () => {
  const job = await t.database.db.transaction().execute((trx) =>
    queueImportJob(trx, t.partnershipId, { userId: null, label: 'Command line' }, 'one.txt', [{ name: 'one.txt', bytes: enc(minutes(11)) }]));
  const runner = new JobRunner(t.database.db);
  const running = runner.runOnce();
  await new Promise((r) => setTimeout(r, 150)); // the reading thread is still starting
  await runner.stop();
  await running;
  const [file] = await filesOf(job.id);
  assert.deepEqual([file!.status, file!.attempts], ['queued', 0]);
  assert.ok(file!.content, 'its bytes wait for the next runner');
  const next = new JobRunner(t.database.db);
  await next.drain();
  await next.stop();
  assert.equal((await filesOf(job.id))[0]!.status, 'read');
});

test('a file that takes too long or needs too much memory is stopped with a message naming it; the files after it are still read', { timeout: 180_000 }, async () => {
  const heavy = 'Minutes of the meeting\n\n' + Array.from({ length: 30_000 }, (_, i) => `${i + 1}. Item ${i} about the night-time economy\nPresent: Mr A Venn, Ms B Lusk\nRESOLVED that the Board notes it. Mr Venn agreed to report back by 3 March 2025.`).join('\n\n');
  const queue = (name: string, bytes: Uint8Array) => t.database.db.transaction().execute((trx) =>
    queueImportJob(trx, t.partnershipId, { userId: null, label: 'Command line' }, name, [{ name, bytes }, { name: `after-${name}`, bytes: enc(minutes(name.length + 20)) }]));

  const slowJob = await queue('slow.txt', enc(heavy));
  const slow = new JobRunner(t.database.db, { thread: { timeoutMs: 1500 } });
  await slow.drain();
  await slow.stop();
  const slowFiles = await filesOf(slowJob.id);
  const timedOut = await t.database.db.selectFrom('job_files').select(['error_code', 'message']).where('job_id', '=', slowJob.id).where('position', '=', 1).executeTakeFirstOrThrow();
  assert.equal(timedOut.error_code, 'timeout');
  assert.equal(timedOut.message, 'slow.txt: reading took longer than 1500 ms; stopped');
  assert.equal(slowFiles[1]!.status, 'read', 'the next file is read by a fresh thread');

  const bigJob = await queue('big.txt', enc(heavy.replace(/night-time economy/g, 'shop theft')));
  const small = new JobRunner(t.database.db, { thread: { memoryMb: 48, timeoutMs: 60_000 } });
  await small.drain();
  await small.stop();
  const tooBig = await t.database.db.selectFrom('job_files').select(['status', 'error_code', 'message']).where('job_id', '=', bigJob.id).orderBy('position').execute();
  assert.equal(tooBig[0]!.error_code, 'too-large');
  assert.equal(tooBig[0]!.message, 'big.txt: reading it needed more than 48 MB of memory; stopped');
  assert.equal(tooBig[1]!.status, 'read');
});

test('a file that stops its reader again and again is given up, with a reason', { timeout: 60_000 }, async () => {
  const job = await t.database.db.transaction().execute((trx) =>
    queueImportJob(trx, t.partnershipId, { userId: null, label: 'Command line' }, 'cursed.txt', [{ name: 'cursed.txt', bytes: enc(minutes(21)) }]));
  // Three readers took it and never finished (each server stopped mid-file).
  await t.database.db.updateTable('job_files').set({ status: 'reading', attempts: 3, claimed_at: new Date(Date.now() - 3_600_000) }).where('job_id', '=', job.id).execute();
  const runner = new JobRunner(t.database.db);
  await runner.drain();
  await runner.stop();
  const file = await t.database.db.selectFrom('job_files').select(['status', 'message']).where('job_id', '=', job.id).executeTakeFirstOrThrow();
  assert.equal(file.status, 'failed');
  assert.match(file.message!, /^cursed\.txt: reading stopped 3 times before it finished/);
  assert.equal((await t.database.db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status, 'done');
});

test('random bytes and damaged copies of good documents, read as one job: each is read or refused with a reason naming it', { timeout: 240_000 }, async () => {
  let seed = 4242;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const bases: [string, Uint8Array][] = [
    ['parish.txt', enc(docs.parishMinutesText)], ['hwb.md', enc(docs.wellbeingMinutesMarkdown)], ['sab.html', enc(docs.safeguardingPageHtml)],
    ['csp.xml', enc(docs.moderngovXml)], ['hwb.docx', await docs.wellbeingMinutesDocx()], ['sab.pdf', await docs.safeguardingMinutesPdf()],
  ];
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const [name, base] of bases) {
    for (let i = 0; i < 5; i++) files.push({ name: `cut-${i}-${name}`, bytes: base.slice(0, 1 + Math.floor(rand() * (base.length - 1))) });
    for (let i = 0; i < 5; i++) {
      const copy = base.slice();
      for (let k = 0; k < 1 + Math.floor(rand() * 15); k++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
      files.push({ name: `flip-${i}-${name}`, bytes: copy });
    }
  }
  for (let i = 0; i < 10; i++) files.push({ name: `random-${i}.bin`, bytes: new Uint8Array(1 + Math.floor(rand() * 4000)).map(() => Math.floor(rand() * 256)) });
  const job = await t.database.db.transaction().execute((trx) => queueImportJob(trx, t.partnershipId, { userId: null, label: 'Command line' }, 'fuzz', files));
  const runner = new JobRunner(t.database.db, { thread: { timeoutMs: 10_000 } });
  await runner.drain();
  await runner.stop();
  const results = await t.database.db.selectFrom('job_files').select(['file_name', 'status', 'message']).where('job_id', '=', job.id).execute();
  assert.equal(results.length, files.length);
  for (const r of results) {
    assert.ok(['read', 'failed', 'duplicate'].includes(r.status), `${r.file_name}: ${r.status}`);
    if (r.status !== 'read') assert.ok(r.message?.startsWith(`${r.file_name}: `), `${r.file_name}: ${r.message}`);
  }
  assert.ok(results.some((r) => r.status === 'read') && results.some((r) => r.status === 'failed'), JSON.stringify(results.map((r) => r.status)));
  assert.equal((await t.database.db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status, 'done');
});
