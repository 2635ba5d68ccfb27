// SQL of the ModernGov connector: its own tables only. Other modules' records are
// reached through their commands (sync.ts) or read by id for fingerprints.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
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


/** How long a sync's instance may go unheard before its run is seen as interrupted (a run may ask for another: tests). */
export const RUN_LEASE_MS = 120_000;

/** A running run whose instance has not renewed its lease within the run's lease_ms: its server stopped. */
const lapsed = sql<boolean>`moderngov_runs.heartbeat_at <= now() - moderngov_runs.lease_ms * interval '1 millisecond'`;
/** Each run with whether it is running but its lease has lapsed (shown as interrupted before the next sync marks it). */
const withLapse = sql<boolean>`(moderngov_runs.status = 'running' and ${lapsed})`.as('lease_lapsed');

export function listRuns(db: Db, partnershipId: string, sourceId: string, limit = 20) {
  return db.selectFrom('moderngov_runs').selectAll().select(withLapse).where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId)
    .orderBy('started_at', 'desc').limit(limit).execute();
}

export function findRun(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('moderngov_runs').selectAll().select(withLapse).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}
export type RunRow = NonNullable<Awaited<ReturnType<typeof findRun>>>;

/** The source's run whose instance holds the lease now, if any. */
export function runningRun(db: Db, partnershipId: string, sourceId: string) {
  return db.selectFrom('moderngov_runs').select(['id', 'holder']).where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId)
    .where('status', '=', 'running').where(sql<boolean>`not ${lapsed}`).executeTakeFirst();
}

/**
 * Marks the source's runs whose lease has lapsed interrupted, each saying since when its
 * instance was unheard; returns them. Called with the source locked, before a new run starts.
 */
export async function interruptLapsedRuns(db: Db, partnershipId: string, sourceId: string) {
  const rows = await db.updateTable('moderngov_runs')
    .set({ status: 'interrupted', finished_at: sql`now()` as unknown as Date, failure: 'Interrupted: the server running this sync stopped before it finished (a restart or a crash). A new sync carries on from what it kept.' })
    .where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId).where('status', '=', 'running').where(lapsed)
    .returning(['id', 'holder', 'heartbeat_at']).execute();
  return rows;
}

/**
 * Renews the run's lease, as its holder; false when it no longer holds it (marked
 * interrupted by another sync that took over after the lease lapsed). Inside a meeting's
 * transaction this also locks the run's row, so a takeover waits for the meeting, or the
 * meeting is rolled back.
 */
export async function renewLease(db: Db, partnershipId: string, runId: string, holder: string): Promise<boolean> {
  // The clock's time, not the transaction's start (now()): renewed inside a meeting's transaction, the lease runs from the renewal.
  const row = await db.updateTable('moderngov_runs').set({ heartbeat_at: sql`clock_timestamp()` as unknown as Date })
    .where('partnership_id', '=', partnershipId).where('id', '=', runId).where('status', '=', 'running').where('holder', '=', holder)
    .returning('id').executeTakeFirst();
  return Boolean(row);
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
 * A fingerprint's raw material for a mirrored meeting as it stands here: everything the
 * mirror writes and a clerk may change by hand. Its date, time, venue and status; its items
 * (title, section, restricted, kind, description, minuted, minute number as a number and as
 * printed); their minute paragraphs (text and order); its papers (file, title, restricted);
 * its attendance (who, as what, how, in what capacity). A clerk's change to any of them
 * changes it, so the next sync holds the meeting back with a warning.
 */
export async function localState(db: Db, partnershipId: string, meetingId: string) {
  const [meeting, items, paragraphs, papers, attendance] = await Promise.all([
    db.selectFrom('meetings').select(['meets_on', 'starts_at', 'venue', 'status', 'online']).where('partnership_id', '=', partnershipId).where('id', '=', meetingId).executeTakeFirst(),
    db.selectFrom('agenda_items').select(['id', 'title', 'section_id', 'restricted', 'minute_number', 'description', 'kind', 'minuted', 'minute_printed'])
      .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).orderBy('id').execute(),
    db.selectFrom('minute_paragraphs').select(['id', 'agenda_item_id', 'text', 'position']).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).orderBy('id').execute(),
    db.selectFrom('papers').select(['id', 'sha256', 'title', 'restricted']).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).orderBy('id').execute(),
    db.selectFrom('meeting_attendance').select(['id', 'person_id', 'name', 'kind', 'mode', 'capacity']).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).orderBy('id').execute(),
  ]);
  return meeting ? { meeting, items, paragraphs, papers, attendance } : null;
}
export type LocalState = NonNullable<Awaited<ReturnType<typeof localState>>>;

/**
 * The state as fingerprinted before the attendance's mode and capacity, the items' kind,
 * minuted and printed number, the paragraphs' order and the papers' restriction were
 * added: a link saved then still matches a meeting nobody has changed since.
 */
export function legacyLocalState(state: LocalState) {
  return {
    meeting: state.meeting,
    items: state.items.map(({ id, title, section_id, restricted, minute_number, description }) => ({ id, title, section_id, restricted, minute_number, description })),
    paragraphs: state.paragraphs.map(({ id, agenda_item_id, text }) => ({ id, agenda_item_id, text })),
    papers: state.papers.map(({ id, sha256, title }) => ({ id, sha256, title })),
    attendance: state.attendance.map(({ id, person_id, name, kind }) => ({ id, person_id, name, kind })),
  };
}

export function findHeldDocument(db: Db, partnershipId: string, sourceId: string, remoteId: string) {
  return db.selectFrom('moderngov_documents').select(['id', 'remote_hash', 'paper_id', 'failure']).where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId)
    .where('remote_id', '=', remoteId).executeTakeFirst();
}

/** A migrated meeting's documents that could not be downloaded: the next migrate sync tries them again. */
export function failedDocuments(db: Db, partnershipId: string, sourceId: string, meetingRemoteId: string) {
  return db.selectFrom('moderngov_documents').select(['remote_id', 'reply_sha256']).where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId)
    .where('meeting_remote_id', '=', meetingRemoteId).where('failure', 'is not', null).execute();
}

/**
 * Holds a migrated meeting's document until its import draft is accepted (migrated.ts).
 * With `file`, the bytes downloaded now (new, or changed in ModernGov: to be attached
 * again); with `failure`, why it could not be downloaded (kept without bytes, to be tried
 * again); with neither, a document held before, now belonging to the reply queued again.
 */
export async function holdDocument(db: Db, partnershipId: string, sourceId: string, doc: {
  run_id: string; remote_id: string; remote_hash: string; meeting_remote_id: string; reply_sha256: string; item_title: string; item_minute_number: string | null; title: string;
}, file: { bytes: Uint8Array; fileName: string } | null, failure: string | null = null) {
  if (!file && !failure) {
    await db.updateTable('moderngov_documents').set({ reply_sha256: doc.reply_sha256, item_title: doc.item_title, item_minute_number: doc.item_minute_number, title: doc.title })
      .where('partnership_id', '=', partnershipId).where('source_id', '=', sourceId).where('remote_id', '=', doc.remote_id).execute();
    return;
  }
  const bytes = file
    ? { file_name: file.fileName, byte_size: file.bytes.length, sha256: createHash('sha256').update(file.bytes).digest('hex'), content: file.bytes, failure: null }
    : { file_name: null, byte_size: null, sha256: null, content: null, failure: failure!.slice(0, 1000) };
  const values = { ...doc, ...bytes, meeting_id: null, paper_id: null, attached_at: null };
  await db.insertInto('moderngov_documents').values({ partnership_id: partnershipId, source_id: sourceId, ...values })
    .onConflict((oc) => oc.columns(['partnership_id', 'source_id', 'remote_id']).doUpdateSet({ ...values, downloaded_at: new Date() })).execute();
}
