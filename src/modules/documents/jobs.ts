// Import jobs: files are queued with their bytes, then read one by one outside the
// request path by a runner in this process (a worker thread does the reading). Each
// file's result and the job's counters are written in one transaction, so a job that
// stops (a restart) resumes where it was: files already read are never read again.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Tx } from '../../access/context.ts';
import { ReadingThread, type ThreadLimits, type ReadOutcome } from './readingThread.ts';
import { claimNextFile, closeJobIfDone, dropAbandonedUploads, finishFile, findBySha256, releaseFile, type ClaimedFile } from './documents.store.ts';
import { buildDraft } from './draft.ts';
import { matchBody } from './matching.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { Poller } from '../../db/poller.ts';

export interface JobCreator {
  userId: string | null;
  /** The person's name, or "Command line". */
  label: string;
}

export interface NewFile {
  name: string;
  bytes: Uint8Array;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** An audit entry written on behalf of whoever started the job (the runner has no request). */
export async function auditForJob(trx: Tx, partnershipId: string, who: JobCreator, entry: { action: string; recordType: string; recordId: string; summary?: string; after?: unknown }) {
  await trx.insertInto('audit_log').values({
    partnership_id: partnershipId, actor_user_id: who.userId, actor_label: who.label, action: entry.action, record_type: entry.recordType,
    record_id: entry.recordId, summary: entry.summary ?? null, before: null, after: entry.after === undefined ? null : JSON.stringify(entry.after),
  }).execute();
}

const duplicateMessage = (name: string, earlier: { file_name: string; uploaded_at: Date; uploaded_by_label: string }) =>
  `${name}: this file was imported before (${earlier.file_name}, on ${formatDate(earlier.uploaded_at)} by ${earlier.uploaded_by_label}); it is not imported again`;

export interface NewFileRef extends NewFile {
  /** Known already (computed as the upload arrived). */
  sha256?: string;
}

/** A job being filled: its row, the files seen so far (by SHA-256) and its counters. */
export interface QueueingJob {
  job: JobRow;
  seen: Map<string, string>;
  counts: { total: number; failed: number; duplicate: number };
}

type JobRow = Awaited<ReturnType<typeof startJob>>;

function startJob(trx: Tx, partnershipId: string, who: JobCreator, title: string, status: 'queued' | 'receiving') {
  return trx.insertInto('jobs').values({
    partnership_id: partnershipId, kind: 'import', title, status, total: 0, created_by: who.userId, created_by_label: who.label, started_at: null, finished_at: null,
  }).returningAll().executeTakeFirstOrThrow();
}

/**
 * Starts a job. One that is `receiving` is filled over several transactions (an upload
 * is queued a file at a time, so no one transaction holds hundreds of megabytes) and is
 * not read until finishQueueing hands it to the runner.
 */
export async function openImportJob(trx: Tx, partnershipId: string, who: JobCreator, title: string, status: 'queued' | 'receiving' = 'queued'): Promise<QueueingJob> {
  return { job: await startJob(trx, partnershipId, who, title, status), seen: new Map(), counts: { total: 0, failed: 0, duplicate: 0 } };
}

type FileRow = { file_name: string; byte_size: number; sha256: string; content: Uint8Array | null; status: 'queued' | 'failed' | 'duplicate'; error_code?: string; message?: string; duplicate_of?: string | null };

async function addRow(trx: Tx, q: QueueingJob, row: FileRow) {
  q.counts.total++;
  if (row.status === 'failed') q.counts.failed++;
  if (row.status === 'duplicate') q.counts.duplicate++;
  await trx.insertInto('job_files').values({
    error_code: null, message: null, duplicate_of: null, ...row, partnership_id: q.job.partnership_id, job_id: q.job.id, position: q.counts.total, import_id: null,
    claimed_at: null, finished_at: row.status === 'queued' ? null : new Date(),
  }).execute();
}

/**
 * Queues one file. A file whose bytes were imported before, or that appears twice in
 * this job, is recorded as a duplicate and not queued.
 */
export async function addJobFile(trx: Tx, q: QueueingJob, f: NewFileRef): Promise<void> {
  const sha = f.sha256 ?? sha256(f.bytes);
  const [before] = await findBySha256(trx, q.job.partnership_id, [sha]);
  const base = { file_name: f.name, byte_size: f.bytes.length, sha256: sha };
  if (before) await addRow(trx, q, { ...base, content: null, status: 'duplicate', message: duplicateMessage(f.name, before), duplicate_of: before.import_id });
  else if (q.seen.has(sha)) await addRow(trx, q, { ...base, content: null, status: 'duplicate', message: `${f.name}: the same file as ${q.seen.get(sha)} in this upload; it is imported once` });
  else {
    q.seen.set(sha, f.name);
    await addRow(trx, q, { ...base, content: f.bytes, status: 'queued' });
  }
}

/** Records an entry already refused (from a zip) as failed, with its reason. */
export function addRefusedFile(trx: Tx, q: QueueingJob, r: { name: string; message: string }) {
  return addRow(trx, q, { file_name: r.name, byte_size: 0, sha256: sha256(new Uint8Array()), content: null, status: 'failed', error_code: 'refused', message: r.message });
}

/** Sets the job's counters and hands it to the runner (or closes it, when nothing is left to read). */
export async function finishQueueing(trx: Tx, q: QueueingJob) {
  const queued = await trx.updateTable('jobs').set({ status: 'queued', total: q.counts.total, failed_count: q.counts.failed, duplicate_count: q.counts.duplicate, updated_at: new Date() })
    .where('partnership_id', '=', q.job.partnership_id).where('id', '=', q.job.id).returningAll().executeTakeFirstOrThrow();
  await closeJobIfDone(trx, q.job.partnership_id, q.job.id);
  return queued;
}

/** Removes a job that was being filled when its upload failed: nothing of it stays. */
export async function dropReceivingJob(db: Kysely<DB>, partnershipId: string, jobId: string) {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('job_files').where('partnership_id', '=', partnershipId).where('job_id', '=', jobId).execute();
    await trx.deleteFrom('jobs').where('partnership_id', '=', partnershipId).where('id', '=', jobId).where('status', '=', 'receiving').execute();
  });
}

/**
 * Queues files for reading, in the caller's transaction (the command line, tests). A
 * file whose bytes were imported before, or that appears twice in this upload, is
 * recorded as a duplicate and not queued; entries already refused (from a zip) are
 * recorded as failed. Files may come one at a time (a folder read from disk), so only
 * one is held at once.
 */
export async function queueImportJob(
  trx: Tx, partnershipId: string, who: JobCreator, title: string,
  files: Iterable<NewFile> | AsyncIterable<NewFile>, refused: { name: string; message: string }[] = [],
) {
  const q = await openImportJob(trx, partnershipId, who, title);
  for await (const f of files) await addJobFile(trx, q, f);
  for (const r of refused) await addRefusedFile(trx, q, r);
  return finishQueueing(trx, q);
}

const mediaTypes: Record<string, string> = {
  pdf: 'application/pdf', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', html: 'text/html',
  'moderngov-xml': 'application/xml', markdown: 'text/markdown', text: 'text/plain',
};

export interface RunnerOptions {
  thread?: Partial<ThreadLimits>;
  /** How often to look for work another process queued. */
  pollMs?: number;
  /** How long a file may stay claimed before another runner takes it over (its reader stopped). */
  leaseMs?: number;
  /** Claims of one file before it is given up as one that stops the reader. */
  maxAttempts?: number;
  /** Only this job's files (the command line reads its own job, not the server's queue). */
  jobId?: string;
  /** Told of each file as it is finished (the command line's progress bar). */
  onFile?: (file: ClaimedFile, status: 'read' | 'failed' | 'duplicate', message: string | null) => void;
  log?: (message: string, error?: unknown) => void;
}

export class JobRunner {
  private readonly thread: ReadingThread;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  /** The loop: claim, read, wait, wake, stop (src/db/poller.ts). */
  private readonly poller: Poller<ClaimedFile>;

  private readonly db: Kysely<DB>;
  private readonly options: RunnerOptions;
  constructor(db: Kysely<DB>, options: RunnerOptions = {}) {
    this.db = db;
    this.options = options;
    this.thread = new ReadingThread(options.thread);
    this.maxAttempts = options.maxAttempts ?? 3;
    this.leaseMs = options.leaseMs ?? (options.thread?.timeoutMs ?? 30_000) + 30_000;
    this.poller = new Poller({
      claim: () => claimNextFile(this.db, this.leaseMs, this.options.jobId),
      work: (file) => this.process(file),
      pollMs: options.pollMs ?? 2000,
      onError: (error) => this.options.log?.('import job runner: a file could not be recorded', error),
    });
  }

  private get stopping(): boolean { return this.poller.stopping; }

  /** Starts looking for work in the background. */
  start(): void {
    this.poller.start(() => dropAbandonedUploads(this.db).catch((error) => this.options.log?.('import job runner: abandoned uploads could not be removed', error)));
  }

  /** New work was queued: look now rather than at the next poll. */
  wake(): void {
    this.poller.wake();
  }

  /**
   * Stops: a file being read is put back in the queue untouched, to be read again by
   * the next runner, and the reading thread is ended.
   */
  async stop(): Promise<void> {
    await this.poller.stop(() => this.thread.close());
  }

  /** Reads files until none is waiting (the command line, and tests). */
  drain(): Promise<number> {
    return this.poller.drain();
  }

  /** Reads one waiting file; false when there was none. */
  runOnce(): Promise<boolean> {
    return this.poller.runOnce();
  }

  private async process(file: ClaimedFile): Promise<void> {
    const who: JobCreator = { userId: file.created_by, label: file.created_by_label };
    const base = file.file_name.split('/').pop() ?? file.file_name;
    let outcome: ReadOutcome;
    if (file.attempts > this.maxAttempts) {
      outcome = { ok: false, code: 'stopped', message: `${base}: reading stopped ${this.maxAttempts} times before it finished (the file may be too large or damaged); it was not read` };
    } else if (!file.content) {
      outcome = { ok: false, code: 'lost', message: `${base}: the file's bytes were not kept; upload it again` };
    } else {
      outcome = await this.thread.read(file.content, base);
    }
    if (this.stopping) {
      // Stopped mid-file: leave it for the next runner, as if it had not been taken.
      await releaseFile(this.db, file.partnership_id, file.id);
      return;
    }
    // Messages name the file as it was given (its path inside a zip), not only its base name.
    const named = (message: string) => (file.file_name !== base && message.startsWith(`${base}:`) ? `${file.file_name}${message.slice(base.length)}` : message);
    if (!outcome.ok) {
      const message = named(outcome.message);
      await this.db.transaction().execute((trx) => finishFile(trx, file, { status: 'failed', code: outcome.code, message }));
      this.options.onFile?.(file, 'failed', message);
      return;
    }
    const { result } = outcome;
    const status = await this.db.transaction().execute(async (trx): Promise<{ status: 'read' | 'duplicate'; message: string | null }> => {
      const doc = await trx.insertInto('documents').values({
        partnership_id: file.partnership_id, file_name: file.file_name, media_type: mediaTypes[result.format] ?? 'application/octet-stream',
        byte_size: file.byte_size, sha256: file.sha256, content: file.content!, uploaded_by: who.userId, uploaded_by_label: who.label,
      }).onConflict((oc) => oc.columns(['partnership_id', 'sha256']).doNothing()).returning(['id', 'file_name', 'sha256']).executeTakeFirst();
      if (!doc) {
        // The same bytes were read by another job meanwhile.
        const [earlier] = await findBySha256(trx, file.partnership_id, [file.sha256]);
        const message = earlier ? duplicateMessage(file.file_name, earlier) : `${file.file_name}: this file was imported before; it is not imported again`;
        await finishFile(trx, file, { status: 'duplicate', of: earlier?.import_id ?? null, message });
        return { status: 'duplicate', message };
      }
      const bodies = await trx.selectFrom('bodies').select(['id', 'name', 'short_name', 'parent_id']).where('partnership_id', '=', file.partnership_id).execute();
      const draft = buildDraft(result.reading, result.paragraphs, matchBody(result.reading.body, bodies)?.id ?? null);
      const imp = await trx.insertInto('imports').values({
        partnership_id: file.partnership_id, document_id: doc.id, job_id: file.job_id, format: result.format, page_count: result.pages, text: result.text,
        reading: JSON.stringify(result.reading), draft: JSON.stringify(draft), accepted_by: null, accepted_at: null,
      }).returning('id').executeTakeFirstOrThrow();
      await finishFile(trx, file, { status: 'read', importId: imp.id });
      await auditForJob(trx, file.partnership_id, who, {
        action: 'create', recordType: 'document', recordId: doc.id, summary: `${file.file_name} kept (SHA-256 ${file.sha256.slice(0, 12)}…) and read into a draft`,
        after: { file_name: file.file_name, byte_size: file.byte_size, sha256: file.sha256, import_id: imp.id },
      });
      return { status: 'read', message: null };
    });
    this.options.onFile?.(file, status.status, status.message);
  }
}

/** The runner serving each database, so tests (and the command line) can reach it. */
export const runners = new WeakMap<Kysely<DB>, JobRunner>();
