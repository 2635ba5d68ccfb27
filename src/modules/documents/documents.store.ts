// SQL of the documents module: originals, jobs and their files, import drafts. Every
// query names its partnership, except the job runner's queue, which serves them all.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { leaseLapsed } from '../../db/poller.ts';
import type { DocumentsTable, ImportsTable, JobFilesTable, JobsTable } from './tables.ts';
import type { Draft } from './draft.ts';
import type { DocumentReading } from './import/types.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type JobRow = Selectable<JobsTable>;
export type JobFileRow = Omit<Selectable<JobFilesTable>, 'content'>;
export type DocumentMeta = Omit<Selectable<DocumentsTable>, 'content'>;
export type ImportRow = Omit<Selectable<ImportsTable>, 'reading' | 'draft' | 'meeting_ids'> & { reading: DocumentReading; draft: Draft; meeting_ids: string[] };

/** jsonb comes back parsed from both engines; a string only from an older driver. */
const parsed = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

const importRow = (r: Selectable<ImportsTable>): ImportRow => ({ ...r, reading: parsed(r.reading), draft: parsed(r.draft), meeting_ids: parsed<string[]>(r.meeting_ids) ?? [] });

// ------------------------------------------------------------------ documents

const documentMeta = ['partnership_id', 'id', 'file_name', 'media_type', 'byte_size', 'sha256', 'uploaded_by', 'uploaded_by_label', 'uploaded_at'] as const;

/** The earlier import of the same bytes, if any: the document and its draft. */
export function findBySha256(db: Db, partnershipId: string, sha256s: string[]) {
  if (!sha256s.length) return Promise.resolve([]);
  return db.selectFrom('documents')
    .leftJoin('imports', (j) => j.onRef('imports.partnership_id', '=', 'documents.partnership_id').onRef('imports.document_id', '=', 'documents.id'))
    .select(['documents.id', 'documents.sha256', 'documents.file_name', 'documents.uploaded_at', 'documents.uploaded_by_label', 'imports.id as import_id', 'imports.status as import_status'])
    .where('documents.partnership_id', '=', partnershipId).where('documents.sha256', 'in', sha256s).execute();
}

export function findDocumentMeta(db: Db, partnershipId: string, id: string): Promise<DocumentMeta | undefined> {
  return db.selectFrom('documents').select(documentMeta).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export async function readDocumentContent(db: Db, partnershipId: string, id: string): Promise<Uint8Array | null> {
  const row = await db.selectFrom('documents').select('content').where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
  return row ? row.content : null;
}

// ------------------------------------------------------------------ jobs

export function findJob(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('jobs').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function listJobs(db: Db, partnershipId: string, limit = 20) {
  return db.selectFrom('jobs').selectAll().where('partnership_id', '=', partnershipId).orderBy('created_at', 'desc').limit(limit).execute();
}

const jobFileColumns = [
  'partnership_id', 'id', 'job_id', 'position', 'file_name', 'byte_size', 'sha256', 'status', 'error_code', 'message', 'import_id',
  'duplicate_of', 'attempts', 'claimed_at', 'finished_at',
] as const;

export function listJobFiles(db: Db, partnershipId: string, jobId: string): Promise<JobFileRow[]> {
  return db.selectFrom('job_files').select(jobFileColumns).where('partnership_id', '=', partnershipId).where('job_id', '=', jobId).orderBy('position').execute();
}

export type ClaimedFile = JobFileRow & { content: Uint8Array | null; created_by: string | null; created_by_label: string };

/**
 * Takes the next file to read, across partnerships, oldest job first: a queued file, or
 * one whose reader stopped (a restart) and whose claim is older than the lease.
 * Two runners never take the same file.
 */
export async function claimNextFile(db: Kysely<DB>, leaseMs: number, jobId?: string): Promise<ClaimedFile | null> {
  const result = await sql<ClaimedFile>`
    with next as (
      select f.partnership_id, f.id from job_files f
      join jobs j on j.partnership_id = f.partnership_id and j.id = f.job_id
      where j.status <> 'receiving'
        and (f.status = 'queued' or (f.status = 'reading' and ${leaseLapsed(sql.ref('f.claimed_at'), leaseMs)}))
        and (${jobId ?? null}::uuid is null or f.job_id = ${jobId ?? null}::uuid)
      order by j.created_at, f.position
      limit 1
      for update of f skip locked
    )
    update job_files f set status = 'reading', claimed_at = now(), attempts = f.attempts + 1
    from next, jobs j
    where f.partnership_id = next.partnership_id and f.id = next.id and j.partnership_id = f.partnership_id and j.id = f.job_id
    returning f.partnership_id, f.id, f.job_id, f.position, f.file_name, f.byte_size, f.sha256, f.status, f.error_code, f.message, f.import_id,
      f.duplicate_of, f.attempts, f.claimed_at, f.finished_at, f.content, j.created_by, j.created_by_label`.execute(db);
  const row = result.rows[0];
  if (!row) return null;
  await db.updateTable('jobs').set({ status: 'running', started_at: sql<Date>`coalesce(started_at, now())`, updated_at: new Date() })
    .where('partnership_id', '=', row.partnership_id).where('id', '=', row.job_id).where('status', '=', 'queued').execute();
  return row;
}

/**
 * Removes jobs whose upload stopped part way (the server stopped while receiving it):
 * an upload takes minutes at most, so one still receiving after hours never finishes.
 */
export async function dropAbandonedUploads(db: Kysely<DB>, olderThanMs = 6 * 3600_000): Promise<void> {
  const cutoff = new Date(Date.now() - olderThanMs);
  await db.transaction().execute(async (trx) => {
    const stale = trx.selectFrom('jobs').select('id').where('status', '=', 'receiving').where('created_at', '<', cutoff);
    await trx.deleteFrom('job_files').where('job_id', 'in', stale).execute();
    await trx.deleteFrom('jobs').where('status', '=', 'receiving').where('created_at', '<', cutoff).execute();
  });
}

/** Puts a file being read back in the queue, as it was (the runner is stopping). */
export function releaseFile(db: Db, partnershipId: string, id: string) {
  return db.updateTable('job_files').set({ status: 'queued', claimed_at: null, attempts: sql<number>`greatest(attempts - 1, 0)` })
    .where('partnership_id', '=', partnershipId).where('id', '=', id).where('status', '=', 'reading').execute();
}

type Outcome = { status: 'read'; importId: string } | { status: 'failed'; code: string; message: string } | { status: 'duplicate'; of: string | null; message: string };

/** Records what became of one file and moves the job's counters on, in the caller's transaction. */
export async function finishFile(trx: Transaction<DB>, file: Pick<JobFileRow, 'partnership_id' | 'id' | 'job_id'>, outcome: Outcome): Promise<void> {
  await trx.updateTable('job_files').set({
    status: outcome.status, content: null, finished_at: new Date(),
    import_id: outcome.status === 'read' ? outcome.importId : null,
    duplicate_of: outcome.status === 'duplicate' ? outcome.of : null,
    error_code: outcome.status === 'failed' ? outcome.code : null,
    message: outcome.status === 'read' ? null : outcome.message,
  }).where('partnership_id', '=', file.partnership_id).where('id', '=', file.id).execute();
  const counter = outcome.status === 'read' ? 'read_count' : outcome.status === 'failed' ? 'failed_count' : 'duplicate_count';
  await trx.updateTable('jobs').set((eb) => ({ [counter]: eb(counter, '+', 1), updated_at: new Date() }))
    .where('partnership_id', '=', file.partnership_id).where('id', '=', file.job_id).execute();
  await closeJobIfDone(trx, file.partnership_id, file.job_id);
}

export async function closeJobIfDone(trx: Db, partnershipId: string, jobId: string): Promise<void> {
  const open = await trx.selectFrom('job_files').select('id').where('partnership_id', '=', partnershipId).where('job_id', '=', jobId)
    .where('status', 'in', ['queued', 'reading']).limit(1).executeTakeFirst();
  if (!open) {
    await trx.updateTable('jobs').set({ status: 'done', finished_at: new Date(), updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', jobId).where('status', '!=', 'done').execute();
  }
}

// ------------------------------------------------------------------ imports (drafts)

const importSummaryColumns = ['imports.id', 'imports.status', 'imports.format', 'imports.created_at', 'imports.accepted_at', 'imports.job_id', 'imports.meeting_ids', 'documents.file_name'] as const;

export async function findImport(db: Db, partnershipId: string, id: string, opts: { lock?: boolean } = {}): Promise<ImportRow | undefined> {
  let q = db.selectFrom('imports').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id);
  if (opts.lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? importRow(row) : undefined;
}

export async function listImports(db: Db, partnershipId: string, opts: { status?: 'draft' | 'accepted'; jobId?: string; limit?: number } = {}) {
  let q = db.selectFrom('imports')
    .innerJoin('documents', (j) => j.onRef('documents.partnership_id', '=', 'imports.partnership_id').onRef('documents.id', '=', 'imports.document_id'))
    .select(importSummaryColumns).where('imports.partnership_id', '=', partnershipId);
  if (opts.status) q = q.where('imports.status', '=', opts.status);
  if (opts.jobId) q = q.where('imports.job_id', '=', opts.jobId);
  const rows = await q.orderBy('imports.created_at', 'desc').limit(opts.limit ?? 50).execute();
  return rows.map((r) => ({ ...r, meeting_ids: parsed<string[]>(r.meeting_ids) ?? [] }));
}

export function saveDraft(db: Db, partnershipId: string, id: string, draft: Draft) {
  return db.updateTable('imports').set({ draft: JSON.stringify(draft), updated_at: new Date() })
    .where('partnership_id', '=', partnershipId).where('id', '=', id).where('status', '=', 'draft').execute();
}
