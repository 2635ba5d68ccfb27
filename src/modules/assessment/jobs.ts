// Large police.uk imports in the background: the upload is kept in the database in
// chunks (so any instance can read it and none holds it in memory), one instance claims
// the job (for update skip locked), reads it with its progress written as it goes (rows
// read, months found), then writes the whole batch in one transaction as a direct import
// does. A job whose instance stopped is claimed again after its lease and read from the
// start: nothing was written, so nothing is half-imported. Problems in the files, or a
// job that keeps stopping, end it as failed with the reason in words.
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../access/policy.ts';
import { authorize } from '../../access/policy.ts';
import { recordAudit, type AuditActor } from '../../access/audit.ts';
import { loadUserActor } from '../../access/sessions.ts';
import type { Context } from '../../access/context.ts';
import { crimeDataResource, writeBatch } from './commands.ts';
import { readSources, CrimeBatch } from './policeCsv.ts';
import { Poller, leaseLapsed } from '../../db/poller.ts';

const CHUNK = 4 * 1024 * 1024;

export type ImportJob = Awaited<ReturnType<typeof getImportJob>> & object;

const jobColumns = ['partnership_id', 'id', 'status', 'stage', 'files', 'total_bytes', 'bytes_read', 'rows_read', 'months_read', 'months_written', 'months_replaced',
  'message', 'problems', 'more_problems', 'attempts', 'created_by', 'created_by_label', 'created_at', 'started_at', 'finished_at'] as const;

export async function getImportJob(db: Kysely<DB>, pid: string, id: string) {
  return db.selectFrom('assessment_import_jobs').select(jobColumns).where('partnership_id', '=', pid).where('id', '=', id).executeTakeFirst();
}

export async function listImportJobs(db: Kysely<DB>, pid: string, limit = 10) {
  return db.selectFrom('assessment_import_jobs').select(jobColumns).where('partnership_id', '=', pid).where('status', '!=', 'receiving').orderBy('created_at', 'desc').limit(limit).execute();
}

/**
 * Keeps the uploaded files (read from disk a chunk at a time) as a job's and queues it.
 * Each chunk is its own statement: a large upload never holds the database (PGlite has
 * one connection) for the whole of it; the job is not read until its last chunk is in.
 */
export async function queueImportJob(ctx: Context, files: readonly { name: string; path: string; size: number }[]): Promise<string> {
  authorize(ctx.actor, 'create', crimeDataResource());
  const actor = ctx.actor as Actor & { kind: 'user' };
  const pid = actor.partnershipId;
  const total = files.reduce((n, f) => n + f.size, 0);
  const job = await ctx.db.insertInto('assessment_import_jobs').values({
    partnership_id: pid, files: JSON.stringify(files.map((f) => ({ name: f.name, size: f.size }))), total_bytes: total,
    created_by: actor.kind === 'user' ? actor.userId : null, created_by_label: actor.kind === 'user' ? actor.displayName : 'System',
  }).returning('id').executeTakeFirstOrThrow();
  try {
    for (const [index, f] of files.entries()) {
      let seq = 0;
      for await (const chunk of createReadStream(f.path, { highWaterMark: CHUNK })) {
        await ctx.db.insertInto('assessment_import_chunks').values({ partnership_id: pid, job_id: job.id, file_index: index, seq: seq++, bytes: chunk as Buffer }).execute();
      }
    }
  } catch (e) {
    await ctx.db.deleteFrom('assessment_import_jobs').where('partnership_id', '=', pid).where('id', '=', job.id).execute();
    throw e;
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('assessment_import_jobs').set({ status: 'queued' }).where('partnership_id', '=', pid).where('id', '=', job.id).execute();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'crime-import-job', recordId: job.id, summary: `Queued an import of ${files.length} ${files.length === 1 ? 'file' : 'files'} of police.uk data in the background`, after: { files: files.map((f) => ({ name: f.name, size: f.size })) } });
  });
  return job.id;
}

type Claimed = { partnership_id: string; id: string; files: { name: string; size: number }[]; attempts: number; created_by: string | null; created_by_label: string };

/**
 * Takes the oldest waiting job, across partnerships: a queued one, or one running whose
 * instance has not been heard from for the lease. Two instances never take the same job.
 */
export async function claimNextImportJob(db: Kysely<DB>, leaseMs: number): Promise<Claimed | null> {
  const { rows } = await sql<Claimed>`
    with next as (
      select partnership_id, id from assessment_import_jobs
      where status = 'queued' or (status = 'running' and ${leaseLapsed(sql.ref('heartbeat_at'), leaseMs)})
      order by created_at
      limit 1
      for update skip locked
    )
    update assessment_import_jobs j set status = 'running', stage = 'reading', attempts = j.attempts + 1, claimed_at = now(), heartbeat_at = now(),
      started_at = coalesce(j.started_at, now()), bytes_read = 0, rows_read = 0, months_read = 0
    from next where j.partnership_id = next.partnership_id and j.id = next.id
    returning j.partnership_id, j.id, j.files, j.attempts, j.created_by, j.created_by_label`.execute(db);
  const row = rows[0];
  if (!row) return null;
  return { ...row, files: typeof row.files === 'string' ? JSON.parse(row.files) : row.files };
}

async function finish(db: Kysely<DB>, job: Claimed, set: { status: 'done' | 'failed'; message: string; problems?: unknown[]; more?: number; written?: number; replaced?: number }, actor: AuditActor) {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('assessment_import_jobs').set({
      status: set.status, stage: null, message: set.message, problems: set.problems ? JSON.stringify(set.problems) : null, more_problems: set.more ?? 0,
      months_written: set.written ?? null, months_replaced: set.replaced ?? null, finished_at: new Date(), heartbeat_at: new Date(),
    }).where('partnership_id', '=', job.partnership_id).where('id', '=', job.id).execute();
    await trx.deleteFrom('assessment_import_chunks').where('partnership_id', '=', job.partnership_id).where('job_id', '=', job.id).execute();
    if (set.status === 'failed') await recordAudit(trx, actor, { action: 'update', recordType: 'crime-import-job', recordId: job.id, summary: `Background import of police.uk data failed: ${set.message}` });
  });
}

/**
 * Who a job acts as, for the audit trail and 'imported by': the person who queued it, with
 * their role, person and grants as they stand in the partnership now. Someone no longer in
 * the partnership (or no one) leaves the system as the actor.
 */
export async function jobActor(db: Kysely<DB>, job: Pick<Claimed, 'partnership_id' | 'created_by' | 'created_by_label'>): Promise<AuditActor> {
  const pid = job.partnership_id;
  const member = job.created_by ? await db.selectFrom('partnership_users').select(['role', 'person_id'])
    .where('partnership_id', '=', pid).where('user_id', '=', job.created_by).executeTakeFirst() : undefined;
  if (!job.created_by || !member) return { kind: 'system', partnershipId: pid };
  return loadUserActor(db, pid, job.created_by, job.created_by_label, member.role, member.person_id);
}

/** Reads and writes one claimed job to its end (done or failed). */
export async function runImportJob(db: Kysely<DB>, job: Claimed, options: { maxAttempts?: number; progressMs?: number; stopping?: () => boolean } = {}): Promise<void> {
  const pid = job.partnership_id;
  const actor = await jobActor(db, job);
  const maxAttempts = options.maxAttempts ?? 3;
  if (job.attempts > maxAttempts) {
    await finish(db, job, { status: 'failed', message: `The import stopped ${maxAttempts} times before it finished (the server was restarted or ran out of memory); nothing was imported. Upload the files again, fewer at a time` }, actor);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ph-crime-job-'));
  try {
    // The files back on disk, a chunk at a time (a zip is read by its directory at its end).
    const sources = [];
    for (const [index, f] of job.files.entries()) {
      const path = join(dir, `f${index}`);
      const out = createWriteStream(path);
      for (let seq = 0; ; seq++) {
        const chunk = await db.selectFrom('assessment_import_chunks').select('bytes').where('partnership_id', '=', pid).where('job_id', '=', job.id)
          .where('file_index', '=', index).where('seq', '=', seq).executeTakeFirst();
        if (!chunk) break;
        if (!out.write(chunk.bytes)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      sources.push({ name: f.name, path });
    }
    const batch = new CrimeBatch();
    let bytes = 0;
    let lastWrite = Date.now();
    let pending: Promise<unknown> = Promise.resolve();
    const progressMs = options.progressMs ?? 1000;
    const monthsSoFar = () => batch.months.size + batch.monthsInFile;
    batch.onProgress = (n) => {
      bytes += n;
      const now = Date.now();
      if (now - lastWrite < progressMs) return;
      lastWrite = now;
      const rows = batch.rows + batch.rowsInFile;
      const months = monthsSoFar();
      // The progress, and the heartbeat that keeps the job this instance's.
      pending = pending.then(() => db.updateTable('assessment_import_jobs').set({ bytes_read: bytes, rows_read: rows, months_read: months, heartbeat_at: new Date() })
        .where('partnership_id', '=', pid).where('id', '=', job.id).execute()).catch(() => {});
    };
    await readSources(sources, batch);
    await pending;
    if (options.stopping?.()) return;
    if (!batch.problems.length && !batch.extraProblems && !batch.months.size) batch.problem(sources[0]?.name ?? 'upload', null, 'The files hold no rows of crime data');
    if (batch.problems.length || batch.extraProblems) {
      const n = batch.problems.length + batch.extraProblems;
      await db.updateTable('assessment_import_jobs').set({ bytes_read: bytes, rows_read: batch.rows }).where('partnership_id', '=', pid).where('id', '=', job.id).execute();
      await finish(db, job, { status: 'failed', message: `${n} ${n === 1 ? 'problem' : 'problems'} in the ${batch.files === 1 ? 'file' : 'files'}: nothing has been imported. Correct ${n === 1 ? 'it' : 'them'} or download the files from police.uk again`, problems: batch.problems, more: batch.extraProblems }, actor);
      return;
    }
    await db.updateTable('assessment_import_jobs').set({ stage: 'writing', bytes_read: bytes, rows_read: batch.rows, months_read: batch.months.size, heartbeat_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', job.id).execute();
    const replaced = await writeBatch({ db, actor }, batch);
    const months = batch.months.size;
    await finish(db, job, { status: 'done', message: `Imported ${batch.rows.toLocaleString('en-GB')} rows: ${months} ${months === 1 ? 'month' : 'months'}${replaced ? `, of which ${replaced} replaced an earlier import` : ''}`, written: months, replaced }, actor);
  } catch (e) {
    // Stopping: the job is left to be claimed again. Otherwise it ends here, nothing written
    // (the batch goes in one transaction), rather than failing again at every claim.
    if (options.stopping?.()) return;
    await finish(db, job, { status: 'failed', message: `The import could not be finished (${(e as Error).message}); nothing was imported. Try again, or upload fewer files at a time` }, actor);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Looks for waiting import jobs and runs them one at a time, in the background (src/db/poller.ts). */
export class ImportJobRunner {
  private readonly poller: Poller<Claimed>;
  constructor(db: Kysely<DB>, options: { pollMs?: number; leaseMs?: number; log?: (message: string, error?: unknown) => void } = {}) {
    this.poller = new Poller({
      // The lease: three times the heartbeat's interval and more, so a live reader is never overtaken.
      claim: () => claimNextImportJob(db, options.leaseMs ?? 60_000),
      work: (job) => runImportJob(db, job, { stopping: () => this.poller.stopping }),
      pollMs: options.pollMs ?? 2000,
      onError: (error) => options.log?.('crime import job runner: a job could not be finished', error),
    });
  }

  start(): void { this.poller.start(); }

  wake(): void { this.poller.wake(); }

  stop(): Promise<void> { return this.poller.stop(); }

  /** Runs waiting jobs until none is left (tests). */
  drain(): Promise<number> { return this.poller.drain(); }

  runOnce(): Promise<boolean> { return this.poller.runOnce(); }
}

/** The runner serving each database, for tests. */
export const importRunners = new WeakMap<Kysely<DB>, ImportJobRunner>();
