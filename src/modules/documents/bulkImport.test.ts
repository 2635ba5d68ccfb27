import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../../db/database.ts';
import { bulkImport } from './bulkImport.ts';
import * as docs from './testing/documents.ts';

let database: Database;
let dir: string;

before(async () => {
  database = await createTestDatabase();
  await database.db.insertInto('partnerships').values({ slug: 'westbrook', name: 'Westbrook Community Safety Partnership', short_name: 'Westbrook CSP', hostname: null }).execute();
  dir = mkdtempSync(join(tmpdir(), 'bulk-import-'));
});
after(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A stream that keeps what is written, and can act on a line as it arrives. */
function capture(onLine?: (line: string) => void) {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      for (const line of String(chunk).split('\n')) if (line) onLine?.(line);
      done();
    },
  });
  return { stream, text: () => text };
}

const minutes = (n: number) => docs.parishMinutesText.replace(/3 March 2025/g, `${n} May 2023`).replace('£1,850', `£${2000 + n}`);

test('a folder with sub-folders and a zip imports as one job: a progress bar on standard error, then what failed and why', { timeout: 180_000 }, async () => {
  const root = join(dir, 'archive');
  mkdirSync(join(root, '2023', 'papers'), { recursive: true });
  writeFileSync(join(root, '2023', 'parish-may.txt'), minutes(1));
  writeFileSync(join(root, '2023', 'papers', 'hwb.md'), docs.wellbeingMinutesMarkdown);
  writeFileSync(join(root, '2023', 'scan.pdf'), await docs.scannedPdf());
  writeFileSync(join(root, '2023', '.DS_Store'), 'ignored');
  writeFileSync(join(root, 'copy-of-parish-may.txt'), minutes(1));
  writeFileSync(join(root, 'older.zip'), await docs.zipOf({ '2022/csp.xml': docs.moderngovXml, '2022/garbage.bin': new Uint8Array(2048).fill(7).map((v, i) => (v * i) % 251) }));
  const out = capture();
  const err = capture();
  const code = await bulkImport([root], { database, stdout: out.stream, stderr: err.stream });
  assert.equal(code, 1, 'some files failed');
  const progress = err.text();
  assert.match(progress, /\[#+\] 6\/6 /, 'the bar reaches the end');
  assert.match(progress, /FAILED: archive\/2023\/scan\.pdf/);
  const report = out.text();
  assert.match(report, /read into drafts: 3\n {2}imported before: {2}1\n {2}failed: {11}2/);
  assert.match(report, /Failed, and why:\n {2}archive\/2023\/scan\.pdf: .*no text/);
  assert.match(report, /archive\/older\.zip\/2022\/garbage\.bin: /);
  assert.match(report, /Check and accept the drafts in the app: \/imports\/jobs\/[0-9a-f-]{36}/);
  const names = (await database.db.selectFrom('documents').select('file_name').orderBy('file_name').execute()).map((d) => d.file_name);
  assert.deepEqual(names, ['archive/2023/papers/hwb.md', 'archive/2023/parish-may.txt', 'archive/older.zip/2022/csp.xml']);
});

test('a run stopped part way is carried on with --resume: nothing is read twice', { timeout: 180_000 }, async () => {
  const root = join(dir, 'year');
  mkdirSync(root, { recursive: true });
  for (const n of [11, 12, 13, 14, 15]) writeFileSync(join(root, `minutes-${n}.txt`), minutes(n));
  const stop = new AbortController();
  const out = capture();
  // Ctrl-C once the second file is done.
  const err = capture((line) => {
    if (/\] 2\/5 read/.test(line)) stop.abort();
  });
  const code = await bulkImport([root], { database, stdout: out.stream, stderr: err.stream, signal: stop.signal });
  assert.equal(code, 130);
  const jobId = /--resume ([0-9a-f-]{36})/.exec(out.text())?.[1];
  assert.ok(jobId, out.text());
  assert.match(out.text(), /Stopped with [1-3] files? still to read\. Carry on with: npm run import -- --resume /);
  const before = await database.db.selectFrom('job_files').select(['file_name', 'status', 'finished_at']).where('job_id', '=', jobId!).orderBy('position').execute();
  const doneBefore = before.filter((f) => f.status === 'read');
  assert.ok(doneBefore.length >= 2 && doneBefore.length < 5);

  const again = capture();
  const resumed = capture();
  assert.equal(await bulkImport(['--resume', jobId!], { database, stdout: again.stream, stderr: resumed.stream }), 0);
  assert.match(resumed.text(), new RegExp(`Resuming import job ${jobId}: ${doneBefore.length} of 5 files already done`));
  assert.match(again.text(), /read into drafts: 5/);
  const after = await database.db.selectFrom('job_files').select(['file_name', 'status', 'attempts', 'finished_at']).where('job_id', '=', jobId!).orderBy('position').execute();
  assert.ok(after.every((f) => f.status === 'read' && f.attempts === 1), JSON.stringify(after));
  for (const f of doneBefore) assert.equal(after.find((a) => a.file_name === f.file_name)!.finished_at!.toISOString(), f.finished_at!.toISOString(), `${f.file_name} was not read again`);

  const unknown = capture();
  assert.equal(await bulkImport(['--resume', '2f6c1a52-0000-4000-8000-000000000000'], { database, stdout: capture().stream, stderr: unknown.stream }), 2);
  assert.match(unknown.text(), /there is no import job/);
});
