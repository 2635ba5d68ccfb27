// SQL of the ModernGov connector: its own tables only. Other modules' records are
// reached through their commands (sync.ts) or read by id for fingerprints.
import { createHash } from 'node:crypto';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Tx } from '../../access/context.ts';
import type { LinkKind, RunTally } from './tables.ts';

type Db = Kysely<DB> | Tx;

export function listSources(db: Db, partnershipId: string) {
  return db.selectFrom('moderngov_sources').selectAll().where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export function findSource(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('moderngov_sources').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}
export type SourceRow = NonNullable<Awaited<ReturnType<typeof findSource>>>;

export function listCommittees(db: Db, partnershipId: string, sourceId: string) {
  return db.selectFrom('moderngov_committees as c')
    .leftJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'c.partnership_id').onRef('b.id', '=', 'c.body_id'))
    .select(['c.id', 'c.remote_id', 'c.title', 'c.chosen', 'c.body_id', 'b.name as body_name'])
    .where('c.partnership_id', '=', partnershipId).where('c.source_id', '=', sourceId).orderBy('c.title').execute();
}
export type CommitteeRow = Awaited<ReturnType<typeof listCommittees>>[number];

export function bodyOptions(db: Db, partnershipId: string) {
  return db.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export function listRuns(db: Db, partnershipId: string, sourceId: string, limit = 20) {
  return db.selectFrom('moderngov_runs').selectAll().where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId)
    .orderBy('started_at', 'desc').limit(limit).execute();
}

export function findRun(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('moderngov_runs').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}
export type RunRow = NonNullable<Awaited<ReturnType<typeof findRun>>>;

/**
 * A run marked running that has written nothing to its log for this long stopped with its
 * server (a restart, a crash): it no longer holds its source, and is marked failed when
 * the next sync starts. A live run logs each meeting, far more often than this.
 */
export const STALE_RUN_MS = 30 * 60_000;

const isLive = (cutoff: Date) => (eb: ExpressionBuilder<DB, 'moderngov_runs'>) => eb.or([
  eb('moderngov_runs.started_at', '>=', cutoff),
  eb.exists(eb.selectFrom('moderngov_log as l').select('l.id').whereRef('l.partnership_id', '=', 'moderngov_runs.partnership_id')
    .whereRef('l.run_id', '=', 'moderngov_runs.id').where('l.at', '>=', cutoff)),
]);

export function runningRun(db: Db, partnershipId: string, sourceId: string, now = new Date()) {
  return db.selectFrom('moderngov_runs').select(['id']).where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId)
    .where('status', '=', 'running').where(isLive(new Date(now.getTime() - STALE_RUN_MS))).executeTakeFirst();
}

/** Marks the source's stale runs (see STALE_RUN_MS) failed, saying why; returns how many. */
export async function failStaleRuns(db: Db, partnershipId: string, sourceId: string, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - STALE_RUN_MS);
  const stale = await db.updateTable('moderngov_runs')
    .set({ status: 'failed', finished_at: now, failure: 'Stopped without finishing: the server stopped during the sync. A new sync carries on from what this one kept.' })
    .where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId).where('status', '=', 'running')
    .where((eb) => eb.not(isLive(cutoff)(eb))).returning('id').execute();
  return stale.length;
}

export function listLog(db: Db, partnershipId: string, runId: string) {
  return db.selectFrom('moderngov_log').select(['id', 'at', 'level', 'message']).where('partnership_id', '=', partnershipId).where('run_id', '=', runId)
    .orderBy('id').execute();
}

export async function addLog(db: Db, partnershipId: string, runId: string, level: 'info' | 'warning' | 'error', message: string) {
  await db.insertInto('moderngov_log').values({ partnership_id: partnershipId, run_id: runId, level, message: message.slice(0, 2000) }).execute();
}

export type Progress = Partial<Record<'committees_total' | 'committees_done' | 'meetings_total' | 'meetings_done' | 'documents_total' | 'documents_done', number>>;

export async function setProgress(db: Db, partnershipId: string, runId: string, progress: Progress & { tally?: RunTally }) {
  const { tally, ...counts } = progress;
  await db.updateTable('moderngov_runs').set({ ...counts, ...(tally ? { tally: JSON.stringify(tally) } : {}) })
    .where('partnership_id', '=', partnershipId).where('id', '=', runId).execute();
}

export function findLink(db: Db, partnershipId: string, sourceId: string, kind: LinkKind, remoteId: string) {
  return db.selectFrom('moderngov_links').selectAll().where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId)
    .where('kind', '=', kind).where('remote_id', '=', remoteId).executeTakeFirst();
}

export async function saveLink(db: Db, partnershipId: string, sourceId: string, link: { kind: LinkKind; remoteId: string; localId: string | null; remoteHash: string; localHash: string | null }) {
  await db.insertInto('moderngov_links').values({
    partnership_id: partnershipId, source_id: sourceId, kind: link.kind, remote_id: link.remoteId, local_id: link.localId, remote_hash: link.remoteHash, local_hash: link.localHash,
  }).onConflict((oc) => oc.columns(['partnership_id', 'source_id', 'kind', 'remote_id']).doUpdateSet({
    local_id: link.localId, remote_hash: link.remoteHash, local_hash: link.localHash, synced_at: new Date(),
  })).execute();
}

export async function dropLink(db: Db, partnershipId: string, sourceId: string, kind: LinkKind, remoteId: string) {
  await db.deleteFrom('moderngov_links').where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId).where('kind', '=', kind).where('remote_id', '=', remoteId).execute();
}

export function listDoubtfulNames(db: Db, partnershipId: string, sourceId: string) {
  return db.selectFrom('moderngov_people').selectAll().where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId).orderBy('printed_name').execute();
}

/** The people a printed name could be, for the review step. */
export function peopleByIds(db: Db, partnershipId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name', 'job_title']).where('partnership_id', '=', partnershipId).where('id', 'in', ids).execute();
}

/**
 * A fingerprint's raw material for a mirrored meeting as it stands here: its date, time,
 * venue and status, its items (title, section, minute number), their minute paragraphs
 * and papers. A clerk's change to any of them changes it.
 */
export async function localState(db: Db, partnershipId: string, meetingId: string) {
  const [meeting, items, paragraphs, papers, attendance] = await Promise.all([
    db.selectFrom('meetings').select(['meets_on', 'starts_at', 'venue', 'status', 'online']).where('partnership_id', '=', partnershipId).where('id', '=', meetingId).executeTakeFirst(),
    db.selectFrom('agenda_items').select(['id', 'title', 'section_id', 'restricted', 'minute_number', 'description']).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).orderBy('id').execute(),
    db.selectFrom('minute_paragraphs').select(['id', 'agenda_item_id', 'text']).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).orderBy('id').execute(),
    db.selectFrom('papers').select(['id', 'sha256', 'title']).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).orderBy('id').execute(),
    db.selectFrom('meeting_attendance').select(['id', 'person_id', 'name', 'kind']).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).orderBy('id').execute(),
  ]);
  return meeting ? { meeting, items, paragraphs, papers, attendance } : null;
}

export function findHeldDocument(db: Db, partnershipId: string, sourceId: string, remoteId: string) {
  return db.selectFrom('moderngov_documents').select(['id', 'remote_hash', 'paper_id']).where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId)
    .where('remote_id', '=', remoteId).executeTakeFirst();
}

/**
 * Holds a migrated meeting's document until its import draft is accepted (migrated.ts).
 * With `file`, the bytes downloaded now (new, or changed in ModernGov: to be attached
 * again); without, a document held before, now belonging to the reply queued again.
 */
export async function holdDocument(db: Db, partnershipId: string, sourceId: string, doc: {
  run_id: string; remote_id: string; remote_hash: string; meeting_remote_id: string; reply_sha256: string; item_title: string; item_minute_number: string | null; title: string;
}, file: { bytes: Uint8Array; fileName: string } | null) {
  const bytes = file ? { file_name: file.fileName, byte_size: file.bytes.length, sha256: createHash('sha256').update(file.bytes).digest('hex'), content: file.bytes } : null;
  if (!bytes) {
    await db.updateTable('moderngov_documents').set({ reply_sha256: doc.reply_sha256, item_title: doc.item_title, item_minute_number: doc.item_minute_number, title: doc.title })
      .where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId).where('remote_id', '=', doc.remote_id).execute();
    return;
  }
  const values = { ...doc, ...bytes, meeting_id: null, paper_id: null, attached_at: null };
  await db.insertInto('moderngov_documents').values({ partnership_id: partnershipId, source_id: sourceId, ...values })
    .onConflict((oc) => oc.columns(['partnership_id', 'source_id', 'remote_id']).doUpdateSet({ ...values, downloaded_at: new Date() })).execute();
}
