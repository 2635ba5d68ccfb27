// A sync run: lists the chosen committees' meetings in the range, reads each meeting and
// either queues its reply as an import draft (migrate) or brings the meeting into step
// through the meetings module's commands (mirror). Each meeting is written in its own
// transaction, so a failure part way keeps every meeting already synced, and a re-run
// carries on: meetings already synced and unchanged are passed over.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import type { Context, Tx } from '../../access/context.ts';
import { ConflictError, ValidationError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { todayIso } from '../partnership/domain.ts';
import { scheduleMeeting, takeMeetingStep, updateMeeting } from '../meetings/meetings.commands.ts';
import { addAgendaItem, attachPaper, removeAgendaItem, removePaper, updateAgendaItem } from '../meetings/agenda.commands.ts';
import { addParagraphs, recordAttendance, removeAttendance, removeParagraph } from '../meetings/minutes.commands.ts';
import { findAgendaItem, findMeeting, listAgendaItems, listSections } from '../meetings/store.ts';
import { checkPaper, PAPER_SIZE_LIMIT, sha256Hex } from '../meetings/papers.ts';
import { addJobFile, finishQueueing, openImportJob, type QueueingJob } from '../documents/jobs.ts';
import { withinTransaction } from '../documents/oneTransaction.ts';
import { matchPerson, personKey } from '../documents/matching.ts';
import { htmlToText } from '../documents/extract/html.ts';
import { attachMigratedDocuments } from './migrated.ts';
import { ModernGovClient, ServiceError, type ClientOptions, type Downloaded } from './client.ts';
import { committeeRequests, fingerprint, moderngovDate, withinRange } from './domain.ts';
import type { RemoteDocument, RemoteItem, RemoteMeeting, RemoteMeetingSummary } from './reader.ts';
import {
  addLog, dropLink, failedDocuments, findHeldDocument, findLink, findRun, findSource, holdDocument, legacyLocalState, listCommittees, localState, renewLease, saveLink, setProgress, type CommitteeRow, type RunRow, type SourceRow,
} from './store.ts';
import type { RunTally } from './tables.ts';

export interface SyncOptions extends ClientOptions {
  /** Today, for which meetings are past (their minutes can be written). */
  today?: string;
  /** How long the run's instance may go unheard before another sync may take over (RUN_LEASE_MS). */
  leaseMs?: number;
  /** How often the lease is renewed while the run waits (a quarter of the lease); tests make it rare, as an instance gone quiet. */
  heartbeatMs?: number;
}

/** This run no longer holds its source's lease: another sync took over after it lapsed. */
class LeaseLost extends Error {}

/** A meeting that could not be synced; the run goes on with the next. */
class MeetingProblem extends Error {}

const minuteText = (html: string) => (html ? htmlToText(html, 200).replace(/\n{3,}/g, '\n\n').trim() : '');

/** The remote meeting as the fingerprint sees it: what mirror mode would write. */
function remoteShape(m: RemoteMeeting) {
  return {
    date: m.date, time: m.time, venue: m.venue, cancelled: m.cancelled,
    attendees: m.attendees.map((a) => [a.name, a.role, a.attendance]),
    items: m.items.map((i) => ({ id: i.id, number: i.number, title: i.title, restricted: i.restricted, minuteNumber: i.minuteNumber, minutes: minuteText(i.minutesHtml), documents: i.documents.map((d) => [d.id, d.title, d.url]) })),
  };
}

export class SyncRun {
  private readonly db: Kysely<DB>;
  private readonly actor: Actor;
  private readonly client: ModernGovClient;
  private readonly options: SyncOptions;
  private run: RunRow;
  private readonly source: SourceRow;
  private readonly tally: RunTally = {};
  private job: QueueingJob | null = null;
  private counts = { committees_total: 0, committees_done: 0, meetings_total: 0, meetings_done: 0, documents_total: 0, documents_done: 0 };
  private errors: string[] = [];

  constructor(db: Kysely<DB>, actor: Actor, source: SourceRow, run: RunRow, options: SyncOptions = {}) {
    this.db = db;
    this.actor = actor;
    this.source = source;
    this.run = run;
    this.options = options;
    this.client = new ModernGovClient(source.base_url, options);
  }

  private get pid() {
    return this.actor.partnershipId;
  }

  private log(level: 'info' | 'warning' | 'error', message: string) {
    if (level === 'error') this.errors.push(message);
    return addLog(this.db, this.pid, this.run.id, level, message);
  }

  /** Said inside a meeting's transaction: written to the log once it commits (PGlite has one connection). */
  private pending: ['info' | 'warning' | 'error', string][] = [];
  private later(level: 'warning', message: string) {
    this.pending.push([level, message]);
  }

  private count(key: keyof RunTally, n = 1) {
    this.tally[key] = (this.tally[key] ?? 0) + n;
  }

  /** Counted inside a meeting's transaction: added once it commits, so a meeting rolled back counts nothing. */
  private pendingCounts: [keyof RunTally, number][] = [];
  private countLater(key: keyof RunTally, n = 1) {
    this.pendingCounts.push([key, n]);
  }

  private progress() {
    return setProgress(this.db, this.pid, this.run.id, { ...this.counts, tally: this.tally });
  }

  /** Runs to the end; never throws for what the service does (that is logged and the run marked failed). */
  async execute(): Promise<RunRow> {
    // The lease renewed a few times within its length, whatever the run is waiting for.
    const beat = setInterval(() => void this.holdLease().catch(() => {}), this.options.heartbeatMs ?? Math.max(50, Math.floor(this.run.lease_ms / 4)));
    beat.unref();
    try {
      return await this.work();
    } catch (error) {
      if (!(error instanceof LeaseLost)) throw error;
      await this.log('error', 'This sync stopped here: its lease had lapsed and another sync of the source took over. Nothing more was written by it');
      return (await findRun(this.db, this.pid, this.run.id))!;
    } finally {
      clearInterval(beat);
    }
  }

  private lost = false;
  /** Renews the lease (inside a meeting's transaction: `trx`, which then holds the run's row); throws LeaseLost once it is lost. */
  private async holdLease(trx?: Tx) {
    if (this.lost || !(await renewLease(trx ?? this.db, this.pid, this.run.id, this.run.holder ?? ''))) {
      this.lost = true;
      throw new LeaseLost();
    }
  }

  private async work(): Promise<RunRow> {
    const range = `${formatDate(this.run.from_date)} to ${formatDate(this.run.to_date)}`;
    await this.log('info', `${this.run.mode === 'migrate' ? 'Migrate' : 'Mirror'} sync of ${this.source.name} started, for meetings from ${range}`);
    let failure: string | null = null;
    try {
      const committees = (await listCommittees(this.db, this.pid, this.source.id)).filter((c) => c.chosen && c.body_id);
      const meetings = await this.listMeetings(committees);
      for (const summary of meetings) {
        if (this.lost) throw new LeaseLost();
        const committee = committees.find((c) => c.remote_id === summary.committeeId)!;
        try {
          await this.syncMeeting(summary, committee);
        } catch (error) {
          // One meeting's bad reply or refused change: said, and the run goes on.
          if (error instanceof MeetingProblem || (error instanceof ServiceError && (error.kind === 'malformed' || error.kind === 'entities'))) {
            await this.log('error', `Meeting ${summary.id}${summary.date ? ` of ${formatDate(summary.date)}` : ''}: ${error.message}`);
          } else throw error;
        }
        this.counts.meetings_done++;
        await this.progress();
      }
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      failure = error.message;
      await this.log('error', `${error.message}. Everything synced before this is kept; run the sync again to carry on from here`);
    } finally {
      if (this.job) await this.db.transaction().execute((trx) => finishQueueing(trx, this.job!));
    }
    if (!failure && this.errors.length) failure = `${this.errors.length} meeting${this.errors.length === 1 ? '' : 's'} could not be synced: see the log`;
    const t = this.tally;
    await this.log(failure ? 'error' : 'info', `${failure ? 'Sync stopped' : 'Sync finished'}: ${this.counts.meetings_done} of ${this.counts.meetings_total} meetings read; `
      + (this.run.mode === 'migrate'
        ? `${t.meetingsQueued ?? 0} queued as import drafts, ${t.meetingsUnchanged ?? 0} unchanged since they were migrated; ${t.items ?? 0} items, and ${t.documents ?? 0} documents downloaded to attach when the drafts are accepted`
        : `${t.meetingsCreated ?? 0} created, ${t.meetingsUpdated ?? 0} updated, ${t.meetingsUnchanged ?? 0} unchanged, ${t.meetingsHeldBack ?? 0} held back because they were changed here; ${t.items ?? 0} items and ${t.documents ?? 0} documents written`));
    const ended = await this.db.updateTable('moderngov_runs').set({
      ...this.counts, tally: JSON.stringify(this.tally), status: failure ? 'failed' : 'finished', failure, finished_at: new Date(), import_job_id: this.job?.job.id ?? null,
    }).where('partnership_id', '=', this.pid).where('id', '=', this.run.id).where('status', '=', 'running').where('holder', '=', this.run.holder ?? '').returning('id').executeTakeFirst();
    if (!ended) throw new LeaseLost();
    await recordAudit(this.db, this.actor, {
      action: 'update', recordType: 'moderngov-run', recordId: this.run.id, summary: `ModernGov ${this.run.mode} sync ${failure ? 'stopped' : 'finished'}`, after: { tally: this.tally, failure },
    });
    this.run = (await findRun(this.db, this.pid, this.run.id))!;
    return this.run;
  }

  /** The meetings to read: chosen committees, in the range (filtered here too: the service may ignore it). */
  private async listMeetings(committees: CommitteeRow[]): Promise<RemoteMeetingSummary[]> {
    const from = moderngovDate(this.run.from_date);
    const to = moderngovDate(this.run.to_date);
    this.counts.committees_total = committees.length;
    await this.progress();
    const chosen = committees.map((c) => c.remote_id);
    const listed = (await this.db.selectFrom('moderngov_committees').select('remote_id').where('partnership_id', '=', this.pid).where('source_id', '=', this.source.id).execute()).map((c) => c.remote_id);
    const found: RemoteMeetingSummary[] = [];
    if (this.source.operations.includes('GetMeetings')) {
      for (const id of committeeRequests(chosen, listed)) {
        const list = await this.client.meetings(id, from, to);
        // Asked for one committee, a meeting without its committee id is that committee's.
        found.push(...list.map((m) => ({ ...m, committeeId: m.committeeId ?? (id > 0 ? id : null) })));
        this.counts.committees_done = id > 0 ? this.counts.committees_done + 1 : committees.length;
        await this.progress();
      }
    } else {
      found.push(...(await this.client.allMeetingsByDate(from, to)));
      this.counts.committees_done = committees.length;
    }
    const unique = [...new Map(found.map((m) => [m.id, m])).values()];
    const wanted = unique.filter((m) => m.committeeId !== null && chosen.includes(m.committeeId) && withinRange(m.date, this.run.from_date, this.run.to_date));
    const outside = unique.filter((m) => m.committeeId !== null && chosen.includes(m.committeeId) && !withinRange(m.date, this.run.from_date, this.run.to_date));
    if (outside.length) {
      this.count('meetingsOutOfRange', outside.length);
      await this.log('warning', `The service sent ${outside.length} meeting${outside.length === 1 ? '' : 's'} outside the dates asked for (it may have ignored the range); ${outside.length === 1 ? 'it was' : 'they were'} left out`);
    }
    wanted.sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '') || Number(a.id) - Number(b.id));
    this.counts.meetings_total = wanted.length;
    await this.progress();
    await this.log('info', `${wanted.length} meeting${wanted.length === 1 ? '' : 's'} of ${committees.length} committee${committees.length === 1 ? '' : 's'} in the range`);
    return wanted;
  }

  private async syncMeeting(summary: RemoteMeetingSummary, committee: CommitteeRow) {
    const { meeting, xml } = await this.client.meeting(summary.id);
    if (!meeting.id || meeting.id !== summary.id) throw new MeetingProblem('GetMeeting answered with no meeting, or another one');
    if (!meeting.date) throw new MeetingProblem('the meeting has no date the connector can read');
    const label = `${committee.title}, ${formatDate(meeting.date)}`;
    if (this.run.mode === 'migrate') return this.migrateMeeting(meeting, xml, committee, label);
    return this.mirrorMeeting(meeting, committee, label);
  }

  // ------------------------------------------------------------------ migrate

  private async migrateMeeting(meeting: RemoteMeeting, xml: string, committee: CommitteeRow, label: string) {
    const hash = fingerprint(xml);
    const link = await findLink(this.db, this.pid, this.source.id, 'migrated', meeting.id);
    if (link?.remote_hash === hash) {
      const failed = await failedDocuments(this.db, this.pid, this.source.id, meeting.id);
      if (failed.length) await this.retryDocuments(meeting, label, failed);
      else {
        const docs = meeting.items.reduce((n, i) => n + i.documents.length, 0);
        this.counts.documents_total += docs;
        this.counts.documents_done += docs;
      }
      this.count('meetingsUnchanged');
      return;
    }
    // The documents are downloaded before the meeting is queued, so a failure part way
    // queues nothing of it and the next run starts it again. A document held already, and
    // unchanged in ModernGov, is not downloaded again.
    const { files, failures } = await this.downloadDocuments(meeting, label, async (doc) => {
      const held = await findHeldDocument(this.db, this.pid, this.source.id, doc.id);
      return held?.remote_hash !== documentHash(doc) || held.failure !== null;
    }, true);
    const reply = new TextEncoder().encode(xml);
    const replySha = sha256Hex(reply);
    const who = { userId: this.actor.kind === 'user' ? this.actor.userId : null, label: this.actor.kind === 'user' ? this.actor.displayName : 'ModernGov sync' };
    await this.db.transaction().execute(async (trx) => {
      await this.holdLease(trx);
      if (!this.job) {
        this.job = await openImportJob(trx, this.pid, who, `ModernGov: ${this.source.name}, ${formatDate(this.run.from_date)} to ${formatDate(this.run.to_date)}`, 'receiving');
        await recordAudit(trx, this.actor, { action: 'create', recordType: 'import-job', recordId: this.job.job.id, summary: `Import of ModernGov meetings from ${this.source.name}` });
      }
      const name = `ModernGov ${committee.title} ${meeting.date} (meeting ${meeting.id}).xml`.replace(/[\\/:*?"<>|]/g, '-');
      await addJobFile(trx, this.job, { name, bytes: reply, sha256: replySha });
      await saveLink(trx, this.pid, this.source.id, { kind: 'migrated', remoteId: meeting.id, localId: this.job.job.id, remoteHash: hash, localHash: null });
      for (const item of meeting.items) {
        for (const doc of item.documents) {
          await holdDocument(trx, this.pid, this.source.id, {
            run_id: this.run.id, remote_id: doc.id, remote_hash: documentHash(doc), meeting_remote_id: meeting.id, reply_sha256: replySha,
            item_title: item.title, item_minute_number: item.minuteNumber, title: doc.title,
          }, files.get(doc.id) ?? null, failures.get(doc.id) ?? null);
        }
      }
    });
    this.count('meetingsQueued');
    this.count('items', meeting.items.length);
    if (files.size) this.count('documents', files.size);
    await this.log('info', `${label}: ${link ? 'changed since it was migrated; queued again' : 'queued'} as an import draft (${meeting.items.length} items`
      + `${files.size ? `, ${files.size} document${files.size === 1 ? '' : 's'} downloaded to attach when it is accepted` : ''}) for ${committee.body_name}`);
  }

  // ------------------------------------------------------------------ mirror

  /**
   * Downloads the meeting's linked documents that `needed` says are new or changed. Mirror:
   * a document over the limit or with no address is left out with a warning; any other
   * failure stops the run, to be carried on by the next (the meeting is not written).
   * Migrate (`keep`): every document that cannot be had, or is not a readable PDF or Word
   * file, is left out with a warning and its reason returned, to be kept with the draft.
   */
  private async downloadDocuments(meeting: RemoteMeeting, label: string, needed: (doc: RemoteDocument) => Promise<boolean>, keep = false) {
    const files = new Map<string, Downloaded>();
    const failures = new Map<string, string>();
    const limit = Math.min(this.source.document_limit, PAPER_SIZE_LIMIT);
    const docs = meeting.items.flatMap((i) => i.documents);
    this.counts.documents_total += docs.length;
    await this.progress();
    for (const doc of docs) {
      if (await needed(doc)) {
        try {
          const file = await this.client.download(doc, limit);
          const check = keep ? await checkPaper(file.bytes) : null;
          if (check && !check.ok) {
            const why = `${doc.title} was downloaded but cannot be attached: ${check.message.replace(/^The selected file/, 'the file')}`;
            this.count('documentsRefused');
            failures.set(doc.id, why);
            await this.log('warning', `${label}: ${why}`);
          } else files.set(doc.id, file);
        } catch (error) {
          if (!(error instanceof ServiceError) || (!keep && error.kind !== 'too-large' && error.kind !== 'malformed')) throw error;
          this.count('documentsRefused');
          const why = error.message.startsWith(doc.title) ? error.message : `${doc.title}: ${error.message}`;
          failures.set(doc.id, why);
          await this.log('warning', `${label}: ${why}${keep ? '. Its draft says so; the next migrate sync tries it again' : ''}`);
        }
      }
      this.counts.documents_done++;
      await this.progress();
    }
    return { files, failures };
  }

  /**
   * A migrated meeting unchanged in ModernGov whose documents could not all be downloaded:
   * those are tried again. One now downloaded is held for the draft, or, if the draft was
   * accepted meanwhile, attached to the meeting at once (as accepting would have).
   */
  private async retryDocuments(meeting: RemoteMeeting, label: string, failed: { remote_id: string; reply_sha256: string }[]) {
    const wanted = new Set(failed.map((f) => f.remote_id));
    const { files, failures } = await this.downloadDocuments(meeting, label, async (doc) => wanted.has(doc.id), true);
    let attached = 0;
    await this.db.transaction().execute(async (trx) => {
      await this.holdLease(trx);
      for (const item of meeting.items) {
        for (const doc of item.documents) {
          const row = failed.find((f) => f.remote_id === doc.id);
          if (!row) continue;
          const file = files.get(doc.id) ?? null;
          await holdDocument(trx, this.pid, this.source.id, {
            run_id: this.run.id, remote_id: doc.id, remote_hash: documentHash(doc), meeting_remote_id: meeting.id, reply_sha256: row.reply_sha256,
            item_title: item.title, item_minute_number: item.minuteNumber, title: doc.title,
          }, file, file ? null : failures.get(doc.id) ?? 'not downloaded');
        }
      }
      if (!files.size) return;
      const accepted = await trx.selectFrom('imports').innerJoin('documents', (j) => j.onRef('documents.partnership_id', '=', 'imports.partnership_id').onRef('documents.id', '=', 'imports.document_id'))
        .select(['imports.id', 'imports.document_id', 'imports.meeting_ids']).where('imports.partnership_id', '=', this.pid).where('imports.status', '=', 'accepted')
        .where('documents.sha256', '=', failed[0]!.reply_sha256).executeTakeFirst();
      if (accepted) {
        const before = await trx.selectFrom('moderngov_documents').select('id').where('partnership_id', '=', this.pid).where('reply_sha256', '=', failed[0]!.reply_sha256).where('paper_id', 'is not', null).execute();
        await attachMigratedDocuments(withinTransaction(trx, this.actor), trx, { importId: accepted.id, documentId: accepted.document_id, meetingIds: accepted.meeting_ids });
        const after = await trx.selectFrom('moderngov_documents').select('id').where('partnership_id', '=', this.pid).where('reply_sha256', '=', failed[0]!.reply_sha256).where('paper_id', 'is not', null).execute();
        attached = after.length - before.length;
      }
    });
    if (files.size) {
      this.count('documents', files.size);
      await this.log('info', `${label}: ${files.size} document${files.size === 1 ? '' : 's'} not downloaded before now downloaded, `
        + (attached ? `and attached to the meeting its draft became` : 'to attach when its draft is accepted'));
    }
  }

  private async mirrorMeeting(meeting: RemoteMeeting, committee: CommitteeRow, label: string) {
    const remoteHash = fingerprint(remoteShape(meeting));
    const link = await findLink(this.db, this.pid, this.source.id, 'meeting', meeting.id);
    if (link?.local_id && link.remote_hash === remoteHash) {
      // Documents already kept are not downloaded again; counted as done.
      const docs = meeting.items.reduce((n, i) => n + i.documents.length, 0);
      this.counts.documents_total += docs;
      this.counts.documents_done += docs;
      this.count('meetingsUnchanged');
      return;
    }
    if (link?.local_id) {
      const state = await localState(this.db, this.pid, link.local_id);
      const changedHere = state !== null && fingerprint(state) !== link.local_hash && fingerprint(legacyLocalState(state)) !== link.local_hash;
      if (changedHere && this.run.overwrite_local) {
        await this.log('warning', `${label}: changed here by hand since the last sync; ModernGov's changes were applied over those changes, as this sync was asked to (meeting /meetings/${link.local_id})`);
      } else if (changedHere) {
        this.count('meetingsHeldBack');
        await this.log('warning', `${label}: changed in ModernGov, but also changed here by hand since the last sync, so ModernGov's changes were not applied. `
          + `Compare the two and make the changes here (meeting /meetings/${link.local_id})`);
        return;
      }
    }
    const { files } = await this.downloadDocuments(meeting, label, async (doc) => {
      const link = await findLink(this.db, this.pid, this.source.id, 'document', doc.id);
      return !link || link.remote_hash !== documentHash(doc);
    });
    this.pending = [];
    this.pendingCounts = [];
    const outcome = await this.db.transaction().execute(async (trx) => {
      await this.holdLease(trx);
      const ctx = withinTransaction(trx, this.actor);
      const existing = link?.local_id ? await findMeeting(trx, this.pid, link.local_id) : undefined;
      const meetingId = existing ? existing.id : await this.createMeeting(ctx, trx, meeting, committee);
      if (existing) await this.updateMeeting(ctx, trx, meeting, existing);
      await this.writeItems(ctx, trx, meetingId, meeting, files, label, !existing);
      await this.writeAttendance(ctx, trx, meetingId, meeting, !existing);
      if (meeting.cancelled && (await findMeeting(trx, this.pid, meetingId))!.status !== 'cancelled') {
        await attempt(() => takeMeetingStep(ctx, meetingId, 'cancel', { cancelled_reason: 'Cancelled, as ModernGov shows' }), label);
      }
      const state = await localState(trx, this.pid, meetingId);
      await saveLink(trx, this.pid, this.source.id, { kind: 'meeting', remoteId: meeting.id, localId: meetingId, remoteHash, localHash: fingerprint(state) });
      return { meetingId, created: !existing };
    });
    for (const [level, message] of this.pending) await this.log(level, message);
    for (const [key, n] of this.pendingCounts) this.count(key, n);
    this.pending = [];
    this.pendingCounts = [];
    this.count(outcome.created ? 'meetingsCreated' : 'meetingsUpdated');
    await this.log('info', `${label}: ${outcome.created ? 'created' : 'updated'}${meeting.cancelled ? ' (cancelled)' : ''}, ${meeting.items.length} items (meeting /meetings/${outcome.meetingId})`);
  }

  private async createMeeting(ctx: Context, trx: Tx, m: RemoteMeeting, committee: CommitteeRow): Promise<string> {
    const row = await attempt(() => scheduleMeeting(ctx, committee.body_id!, meetingFields(m)), `${committee.title}, ${formatDate(m.date)}`);
    // The body's standing items are for agendas written here; ModernGov's agenda is its own.
    for (const standing of await listAgendaItems(trx, this.pid, row.id)) await removeAgendaItem(ctx, row.id, standing.id);
    return row.id;
  }

  private async updateMeeting(ctx: Context, trx: Tx, m: RemoteMeeting, existing: { id: string; meets_on: string; starts_at: string; venue: string | null; status: string }) {
    const fields = meetingFields(m);
    if (existing.status === 'cancelled') return;
    if (fields.meets_on !== existing.meets_on || fields.starts_at !== existing.starts_at.slice(0, 5) || (fields.venue || null) !== existing.venue) {
      await attempt(() => updateMeeting(ctx, existing.id, fields), `${formatDate(m.date)}`);
    }
  }

  private async sectionFor(trx: Tx, meetingId: string, restricted: boolean) {
    const sections = await listSections(trx, this.pid, meetingId);
    const section = restricted ? sections.find((s) => s.restricted) : sections.find((s) => !s.restricted && s.code === 'B') ?? sections.find((s) => !s.restricted);
    if (!section) throw new MeetingProblem(`the agenda has no ${restricted ? 'private' : 'open'} section to put an item in`);
    return section;
  }

  /** Whether ModernGov's minutes are written here: the meeting was held (not cancelled, not to come) and has minute text or numbers. */
  private hasMinutes(m: RemoteMeeting) {
    return !m.cancelled && m.date! <= (this.options.today ?? todayIso()) && m.items.some((i) => minuteText(i.minutesHtml) || i.minuteNumber);
  }

  private async writeItems(ctx: Context, trx: Tx, meetingId: string, m: RemoteMeeting, files: Map<string, Downloaded>, label: string, fresh: boolean) {
    const ids = new Map<string, string>();
    // Numbered below, as ModernGov numbers them, once the minutes are started (not by the
    // body's running numbers, which a later meeting here may already hold).
    const minuted = this.hasMinutes(m) ? 'false' : 'true';
    for (const item of m.items) {
      const itemLink = await findLink(trx, this.pid, this.source.id, 'item', item.id);
      const current = itemLink?.local_id ? await findAgendaItem(trx, this.pid, meetingId, itemLink.local_id) : undefined;
      const section = await this.sectionFor(trx, meetingId, item.restricted);
      const where = `${label}, item ${item.number}`;
      if (!current) {
        const row = await attempt(() => addAgendaItem(ctx, meetingId, { section_id: section.id, title: item.title, code: '', kind: 'business', description: '', minuted }), where);
        ids.set(item.id, row.id);
        this.countLater('items');
      } else {
        ids.set(item.id, current.id);
        if (current.title !== item.title || current.restricted !== item.restricted) {
          await attempt(() => updateAgendaItem(ctx, meetingId, current.id, {
            section_id: current.restricted === item.restricted ? current.section_id : section.id, title: item.title, description: current.description ?? '', kind: current.kind,
            code: current.code, minuted: current.minuted ? 'true' : 'false',
          }), where);
          this.countLater('items');
        }
      }
      await saveLink(trx, this.pid, this.source.id, { kind: 'item', remoteId: item.id, localId: ids.get(item.id)!, remoteHash: fingerprint(item), localHash: null });
    }
    // Items gone from ModernGov's agenda go from the mirror too.
    if (!fresh) {
      const remoteIds = new Set(m.items.map((i) => i.id));
      const links = await trx.selectFrom('moderngov_links').select(['remote_id', 'local_id']).where('partnership_id', '=', this.pid).where('source_id', '=', this.source.id).where('kind', '=', 'item').execute();
      const mine = new Set((await listAgendaItems(trx, this.pid, meetingId)).map((i) => i.id));
      for (const l of links) {
        if (remoteIds.has(l.remote_id) || !l.local_id || !mine.has(l.local_id)) continue;
        await attempt(() => removeAgendaItem(ctx, meetingId, l.local_id!), `${label}, an item removed in ModernGov`);
        await dropLink(trx, this.pid, this.source.id, 'item', l.remote_id);
      }
    }
    await this.writeMinutes(ctx, trx, meetingId, m, ids, label);
    for (const item of m.items) {
      for (const doc of item.documents) {
        const file = files.get(doc.id);
        if (!file) continue;
        const old = await findLink(trx, this.pid, this.source.id, 'document', doc.id);
        if (old?.local_id) await attempt(() => removePaper(ctx, meetingId, old.local_id!), `${label}, ${doc.title}`);
        const paper = await attempt(() => attachPaper(ctx, meetingId, ids.get(item.id)!, { fileName: file.fileName, bytes: file.bytes, tooLarge: false, fields: { title: doc.title } }), `${label}, ${doc.title}`);
        await saveLink(trx, this.pid, this.source.id, { kind: 'document', remoteId: doc.id, localId: paper.id, remoteHash: documentHash(doc), localHash: paper.sha256 });
        this.countLater('documents');
      }
    }
  }

  /** Minute text and numbers, for a meeting already held: the minutes are started, numbered as ModernGov numbers them, and written. */
  private async writeMinutes(ctx: Context, trx: Tx, meetingId: string, m: RemoteMeeting, ids: Map<string, string>, label: string) {
    if (!this.hasMinutes(m)) return;
    let meeting = (await findMeeting(trx, this.pid, meetingId))!;
    if (meeting.status === 'scheduled' || meeting.status === 'agenda-published') meeting = await attempt(() => takeMeetingStep(ctx, meetingId, 'hold', {}, this.options.today), label);
    if (meeting.status === 'held') meeting = await attempt(() => takeMeetingStep(ctx, meetingId, 'start-minutes', {}, this.options.today), label);
    if (meeting.status !== 'minutes-draft') throw new MeetingProblem(`the minutes here are ${meeting.status.replace('-', ' ')}, so ModernGov's minute text was not written`);
    for (const item of m.items) {
      const itemId = ids.get(item.id)!;
      const current = (await findAgendaItem(trx, this.pid, meetingId, itemId))!;
      const where = `${label}, item ${item.number}`;
      const plain = item.minuteNumber && /^\d+$/.test(item.minuteNumber) ? String(Number(item.minuteNumber)) : '';
      if (!current.minuted || String(current.minute_number ?? '') !== plain) {
        const fields = { section_id: current.section_id, title: current.title, description: current.description ?? '', kind: current.kind, code: current.code, minuted: 'true' };
        try {
          await updateAgendaItem(ctx, meetingId, itemId, { ...fields, minute_number: plain, ...(item.minuteNumber && !plain ? { minute_printed: item.minuteNumber.slice(0, 40) } : {}) });
        } catch (error) {
          // A number another meeting here holds: the item is minuted without it, and the clerk is told.
          if (!(error instanceof ConflictError || error instanceof ValidationError)) throw error;
          this.later('warning', `${where}: ModernGov's minute number ${item.minuteNumber} was not used: ${error.message}`);
          if (!current.minuted) await attempt(() => updateAgendaItem(ctx, meetingId, itemId, { ...fields, minute_number: '' }), where);
        }
      }
      const text = minuteText(item.minutesHtml);
      const paragraphs = await trx.selectFrom('minute_paragraphs').select(['id', 'text']).where('partnership_id', '=', this.pid).where('agenda_item_id', '=', itemId).orderBy('position').execute();
      if (paragraphs.map((p) => p.text).join('\n\n') === text.split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean).join('\n\n')) continue;
      for (const p of paragraphs) await attempt(() => removeParagraph(ctx, meetingId, p.id), where);
      if (text) await attempt(() => addParagraphs(ctx, meetingId, itemId, { text: text.slice(0, 20000) }), where);
    }
  }

  /**
   * Attendance as ModernGov records it, for a meeting already held. On a meeting mirrored
   * before, each entry is brought into step: a changed attendance is replaced, an attendee
   * gone from ModernGov is taken off, an unchanged one is left. (A change the clerk made
   * here since the last sync has already held the whole meeting back, with a warning.)
   */
  private async writeAttendance(ctx: Context, trx: Tx, meetingId: string, m: RemoteMeeting, fresh: boolean) {
    if (m.cancelled || m.date! > (this.options.today ?? todayIso())) return;
    if (fresh && !m.attendees.length) return;
    const people = await trx.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name']).where('partnership_id', '=', this.pid).execute();
    const settled = new Map((await trx.selectFrom('moderngov_people').select(['name_key', 'person_id']).where('partnership_id', '=', this.pid).where('source_id', '=', this.source.id).execute())
      .map((r) => [r.name_key, r.person_id]));
    const here = fresh ? [] : await trx.selectFrom('meeting_attendance').select(['id', 'person_id', 'name', 'kind', 'mode', 'capacity'])
      .where('partnership_id', '=', this.pid).where('meeting_id', '=', meetingId).orderBy('id').execute();
    const kept = new Set<string>();
    const recorded = new Set<string>();
    for (const a of m.attendees) {
      const key = personKey(a.name);
      let personId = settled.get(key) ?? null;
      if (!personId) {
        const match = matchPerson(a.name, people);
        if (match.kind === 'person') personId = match.person.id;
        else if (match.kind === 'ambiguous' && !settled.has(key)) {
          const added = await trx.insertInto('moderngov_people').values({
            partnership_id: this.pid, source_id: this.source.id, name_key: key, printed_name: a.name, candidate_ids: JSON.stringify(match.people.map((p) => p.id)), person_id: null, resolved_at: null,
          }).onConflict((oc) => oc.columns(['partnership_id', 'source_id', 'name_key']).doNothing()).returning('id').executeTakeFirst();
          if (added) {
            this.countLater('doubtfulNames');
            this.later('warning', `${a.name}: ${match.people.length} people in the record fit this name; recorded by name until an administrator says who it is (doubtful names)`);
          }
        }
      }
      if (recorded.has(personId ?? `name:${key}`)) continue;
      recorded.add(personId ?? `name:${key}`);
      const want = {
        person_id: personId ?? '', name: personId ? '' : a.name, capacity: a.role && !/^(member|attendee)$/i.test(a.role) ? a.role : '', kind: a.attendance,
        mode: a.attendance === 'apologies' || a.attendance === 'absent' ? '' : 'in-person',
      };
      // The entry written for this attendee before: by their person, or by the name printed (a name not yet linked).
      const before = here.find((e) => !kept.has(e.id) && ((personId && e.person_id === personId) || (!e.person_id && e.name && personKey(e.name) === key)));
      if (before) {
        kept.add(before.id);
        if (before.kind === want.kind && (before.mode ?? '') === want.mode && (before.capacity ?? '') === want.capacity) continue;
        await attempt(() => removeAttendance(ctx, meetingId, before.id), a.name);
      }
      await attempt(() => recordAttendance(ctx, meetingId, want), a.name);
      this.countLater('attendees');
    }
    for (const gone of here.filter((e) => !kept.has(e.id))) {
      await attempt(() => removeAttendance(ctx, meetingId, gone.id), `${gone.name ?? 'an attendee'} (no longer in ModernGov's attendance)`);
      this.countLater('attendees');
    }
  }
}

const documentHash = (d: RemoteDocument) => fingerprint([d.id, d.title, d.url]);

function meetingFields(m: RemoteMeeting) {
  return { meets_on: m.date!, starts_at: m.time ?? '09:00', venue: m.venue ?? '', online: m.venue ? 'false' : 'true' };
}

/** A command's refusal becomes this meeting's problem, named, so the run goes on with the next. */
async function attempt<T>(work: () => Promise<T>, where: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ConflictError) throw new MeetingProblem(`${where}: ${error.message}`);
    throw error;
  }
}

/** Starts the sync of a run already recorded; the returned promise settles when it ends. */
export async function executeRun(db: Kysely<DB>, actor: Actor, runId: string, options: SyncOptions = {}): Promise<RunRow> {
  const run = (await findRun(db, actor.partnershipId, runId))!;
  const source = (await findSource(db, actor.partnershipId, run.source_id))!;
  try {
    return await new SyncRun(db, actor, source, run, options).execute();
  } catch (error) {
    // Not the service's doing (a bug, the database gone): the run still ends, saying so.
    const message = `The sync stopped unexpectedly (${(error as Error).message.slice(0, 200)}). Everything synced before this is kept`;
    await addLog(db, actor.partnershipId, runId, 'error', message).catch(() => {});
    await db.updateTable('moderngov_runs').set({ status: 'failed', failure: message, finished_at: new Date() })
      .where('partnership_id', '=', actor.partnershipId).where('id', '=', runId).where('status', '=', 'running').where('holder', '=', run.holder ?? '').execute().catch(() => {});
    return (await findRun(db, actor.partnershipId, runId))!;
  }
}

export type { RemoteItem };
