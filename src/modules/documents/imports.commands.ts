// Changes of the import: upload (queue a job), correct a draft, accept it into the
// meetings module, discard it. Accepting runs the meetings, actions and partnership
// commands (so their rules and audit apply) inside one transaction: all or nothing.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { isUuid } from '../../web/validate.ts';
import { scheduleMeeting, takeMeetingStep, ensureSectionDefaults } from '../meetings/meetings.commands.ts';
import { addAgendaItem, removeAgendaItem, updateAgendaItem } from '../meetings/agenda.commands.ts';
import { addParagraphs, addResolution, confirmPreviousMinutes, recordAttendance } from '../meetings/minutes.commands.ts';
import { findAgendaItem, findMeeting, listAgendaItems, listSections } from '../meetings/store.ts';
import { createAction } from '../actions/commands.ts';
import { createPerson } from '../partnership/people.commands.ts';
import { readFile } from 'node:fs/promises';
import { ArchiveError, archiveFiles, checkArchive, isArchiveName } from './archive.ts';
import { findBySha256, findImport, saveDraft, type ImportRow } from './documents.store.ts';
import {
  applyCorrections, applyForm, confirmationOf, draftProblems, f, isPreviousMinutesItem, namesIn, sectionFor, type Draft, type DraftCorrections, type DraftMeeting,
} from './draft.ts';
import { fold, matchOrganisation, matchPerson, personFromName, personKey, type KnownOrganisation, type KnownPerson } from './matching.ts';
import { addJobFile, addRefusedFile, dropReceivingJob, finishQueueing, openImportJob } from './jobs.ts';
import type { SavedFile } from '../../web/uploads.ts';
import { withinTransaction } from './oneTransaction.ts';
import { indexForSearch } from '../search/index.ts';

/** Largest single document; a .zip of an archive may be larger. */
export const DOCUMENT_SIZE_LIMIT = 50 * 1024 * 1024;
export const ARCHIVE_SIZE_LIMIT = 200 * 1024 * 1024;
export const UPLOAD_FILES_LIMIT = 100;
/** Largest total of the files of one upload. */
export const UPLOAD_TOTAL_LIMIT = 300 * 1024 * 1024;

export interface ImportUpload {
  /** The files as received, each in a temporary file (upload.ts). */
  files: SavedFile[];
  /** Files cut off at the size limit while reading the upload. */
  tooLarge: string[];
  /** More files were sent than one upload takes. */
  tooMany?: boolean;
  fields: Record<string, unknown>;
}

/** Every file of an upload imported before: the clerk is sent to the earlier import instead. */
export class AlreadyImportedError extends ConflictError {
  readonly earlier: { fileName: string; importId: string | null; uploadedAt: Date; uploadedBy: string }[];
  constructor(earlier: { fileName: string; importId: string | null; uploadedAt: Date; uploadedBy: string }[]) {
    super(earlier.length === 1
      ? `${earlier[0]!.fileName} was imported before, on ${formatDate(earlier[0]!.uploadedAt)} by ${earlier[0]!.uploadedBy}. Nothing was imported again`
      : `These files were all imported before: ${earlier.map((e) => e.fileName).join(', ')}. Nothing was imported again`, 'files');
    this.earlier = earlier;
  }
}

const creator = (ctx: Context) => ({ userId: ctx.actor.kind === 'user' ? ctx.actor.userId : null, label: ctx.actor.kind === 'user' ? ctx.actor.displayName : 'public' });
const mb = (n: number) => `${n / 1048576} MB`;

/**
 * Queues the uploaded documents (a .zip is opened into its files) as one job. Every
 * check that can refuse the upload as a whole (sizes, a zip's directory, all imported
 * before) runs first; then the files are queued one at a time, each in its own short
 * transaction, read from disk (only one is in memory at once), and the job is handed
 * to the runner when the last is in. A failure part way removes the job.
 */
export async function uploadImport(ctx: Context, upload: ImportUpload) {
  authorize(ctx.actor, 'create', { type: 'import' });
  if (upload.tooMany) throw ValidationError.single('files', `Select up to ${UPLOAD_FILES_LIMIT} files at once`);
  if (upload.tooLarge.length) {
    throw ValidationError.single('files', `${upload.tooLarge.join(', ')}: each document must be smaller than ${mb(DOCUMENT_SIZE_LIMIT)}, a .zip smaller than ${mb(ARCHIVE_SIZE_LIMIT)}, and the files of one upload together smaller than ${mb(UPLOAD_TOTAL_LIMIT)}`);
  }
  if (!upload.files.length) throw ValidationError.single('files', 'Select one or more documents, or a .zip of an archive');
  for (const file of upload.files) {
    if (!isArchiveName(file.name)) {
      if (file.size > DOCUMENT_SIZE_LIMIT) throw ValidationError.single('files', `${file.name}: the document must be smaller than ${mb(DOCUMENT_SIZE_LIMIT)}`);
      continue;
    }
    try {
      await checkArchive({ path: file.path }, file.name);
    } catch (error) {
      if (error instanceof ArchiveError) throw ValidationError.single('files', error.message);
      throw error;
    }
  }
  const partnershipId = ctx.actor.partnershipId;
  // A single document (or a few) imported before: say so on the form, with a link.
  if (!upload.files.some((u) => isArchiveName(u.name))) {
    const earlier = await findBySha256(ctx.db, partnershipId, upload.files.map((x) => x.sha256));
    const bySha = new Map(earlier.map((e) => [e.sha256, e]));
    const all = upload.files.map((x) => bySha.get(x.sha256));
    if (all.every((e) => e)) {
      throw new AlreadyImportedError(all.map((e) => ({ fileName: e!.file_name, importId: e!.import_id, uploadedAt: e!.uploaded_at, uploadedBy: e!.uploaded_by_label })));
    }
  }
  const title = upload.files.length === 1 ? upload.files[0]!.name : `${upload.files.length} documents`;
  const q = await inTransaction(ctx, (trx) => openImportJob(trx, partnershipId, creator(ctx), title, 'receiving'));
  try {
    for (const file of upload.files) {
      if (!isArchiveName(file.name)) {
        const bytes = new Uint8Array(await readFile(file.path));
        await inTransaction(ctx, (trx) => addJobFile(trx, q, { name: file.name, bytes, sha256: file.sha256 }));
        continue;
      }
      const prefix = upload.files.length > 1 ? `${file.name}/` : '';
      for await (const item of archiveFiles({ path: file.path }, file.name)) {
        await inTransaction(ctx, (trx) => item.kind === 'file'
          ? addJobFile(trx, q, { name: `${prefix}${item.name}`, bytes: item.bytes })
          : addRefusedFile(trx, q, { name: `${prefix}${item.name}`, message: `${prefix}${item.message}` }));
      }
    }
    if (!q.counts.total) throw ValidationError.single('files', 'The .zip holds no documents. Select one or more documents, or a .zip of an archive');
    return await inTransaction(ctx, async (trx) => {
      const job = await finishQueueing(trx, q);
      await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'import-job', recordId: job.id, summary: `Import of ${title}: ${job.total} file${job.total === 1 ? '' : 's'}` });
      return job;
    });
  } catch (error) {
    await dropReceivingJob(ctx.db, partnershipId, q.job.id);
    if (error instanceof ArchiveError) throw ValidationError.single('files', error.message);
    throw error;
  }
}

async function draftFor(ctx: Context, id: string, opts: { lock?: boolean; trx?: Tx } = {}): Promise<ImportRow> {
  authorize(ctx.actor, 'read', { type: 'import', staffOnly: true });
  const row = isUuid(id) ? await findImport(opts.trx ?? ctx.db, ctx.actor.partnershipId, id, { lock: opts.lock }) : undefined;
  if (!row) throw new NotFoundError();
  return row;
}

function stillDraft(row: ImportRow) {
  if (row.status === 'accepted') throw new ConflictError(`This import was accepted on ${formatDate(row.accepted_at)}; its meetings are in the meetings module`);
  if (row.status === 'discarded') throw new ConflictError('This import was discarded');
}

/** Saves the clerk's corrections from the draft form. */
export async function saveImportDraft(ctx: Context, id: string, body: unknown): Promise<Draft> {
  authorize(ctx.actor, 'update', { type: 'import' });
  const row = await draftFor(ctx, id);
  stillDraft(row);
  const { draft, errors } = applyForm(row.draft, body);
  if (errors.length) throw new ValidationError(errors);
  await saveDraft(ctx.db, ctx.actor.partnershipId, id, draft);
  return draft;
}

export async function discardImport(ctx: Context, id: string) {
  authorize(ctx.actor, 'update', { type: 'import' });
  return inTransaction(ctx, async (trx) => {
    const row = await draftFor(ctx, id, { lock: true, trx });
    stillDraft(row);
    await trx.updateTable('imports').set({ status: 'discarded', updated_at: new Date() }).where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', id).execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'import', recordId: id, summary: 'Draft discarded; the original document is kept' });
  });
}

export type Corrections = { kind: 'form'; body: unknown } | { kind: 'api'; corrections: DraftCorrections };

/** An import just accepted, as another module that fed it sees it. */
export interface AcceptedImport {
  importId: string;
  /** The original document the draft was read from. */
  documentId: string;
  meetingIds: string[];
}
type AcceptListener = (ctx: Context, trx: Tx, accepted: AcceptedImport) => Promise<void>;
const acceptListeners = new Set<AcceptListener>();

/**
 * Work another module does when an import is accepted, inside the same transaction and
 * with the same actor (the ModernGov connector attaches the documents it downloaded for
 * the meeting). Registering the same function again changes nothing.
 */
export function onImportAccepted(listener: AcceptListener): void {
  acceptListeners.add(listener);
}

/** A file another module holds for a draft, to attach to its meeting when the draft is accepted: listed on the draft's page. */
export interface DraftAttachment {
  title: string;
  /** The agenda item it belongs to, as the original names it. */
  item: string;
  state: 'waiting' | 'attached' | 'failed';
  /** Why it failed, and what to do. */
  detail: string | null;
}
type AttachmentLister = (db: Kysely<DB>, partnershipId: string, documentId: string) => Promise<DraftAttachment[]>;
const attachmentListers = new Set<AttachmentLister>();

/** Lists what another module holds for a draft (the ModernGov connector: the documents a migrate sync downloaded, or could not). */
export function onDraftAttachments(lister: AttachmentLister): void {
  attachmentListers.add(lister);
}

export async function draftAttachments(db: Kysely<DB>, partnershipId: string, documentId: string): Promise<DraftAttachment[]> {
  const lists = [];
  for (const lister of attachmentListers) lists.push(await lister(db, partnershipId, documentId));
  return lists.flat();
}

/**
 * Accepts a draft (with the clerk's last corrections): creates its meetings with their
 * items, attendance, minutes, resolutions and actions, and the new people confirmed,
 * in one transaction. Any problem leaves everything as it was, and says what to fix.
 */
export async function acceptImport(ctx: Context, id: string, corrections: Corrections | null) {
  authorize(ctx.actor, 'create', { type: 'import' });
  authorize(ctx.actor, 'create', { type: 'meeting' });
  const row = await draftFor(ctx, id);
  stillDraft(row);
  let draft = row.draft;
  if (corrections?.kind === 'form') {
    const applied = applyForm(draft, corrections.body);
    if (applied.errors.length) throw new ValidationError(applied.errors);
    draft = applied.draft;
  } else if (corrections?.kind === 'api') {
    draft = applyCorrections(draft, corrections.corrections);
  }
  // The corrections are kept even if accepting fails, so nothing typed is lost.
  if (corrections) await saveDraft(ctx.db, ctx.actor.partnershipId, id, draft);
  const partnershipId = ctx.actor.partnershipId;
  const [sections, people, organisations] = await Promise.all([
    inTransaction(ctx, (trx) => ensureSectionDefaults(trx, partnershipId)),
    ctx.db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name']).where('partnership_id', '=', partnershipId).execute(),
    ctx.db.selectFrom('organisations').select(['id', 'name', 'short_name']).where('partnership_id', '=', partnershipId).execute(),
  ]);
  // Every problem found before writing is reported at once, not the first one per attempt.
  const problems = [...draftProblems(draft, sections), ...ownerProblems(draft, people, organisations)];
  if (problems.length) throw new ValidationError(problems);

  return inTransaction(ctx, async (trx) => {
    const locked = await draftFor(ctx, id, { lock: true, trx });
    stillDraft(locked);
    const body = await trx.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('id', '=', draft.bodyId!).executeTakeFirst();
    if (!body) throw ValidationError.single('body_id', 'Select the body the meeting was of');
    const inner = withinTransaction(trx, ctx.actor);
    const people = new Links(inner, trx, partnershipId, draft.newPeople);
    await people.load();
    const meetingIds: string[] = [];
    // Oldest first, so a later meeting's "minutes of the last meeting" finds the earlier one.
    const order = draft.meetings.map((m, mi) => ({ m, mi })).filter((x) => x.m.include).sort((a, b) => (a.m.date ?? '').localeCompare(b.m.date ?? ''));
    for (const { m, mi } of order) meetingIds.push(await createMeetingFrom(inner, trx, body.id, m, mi, people));
    for (const listener of acceptListeners) await listener(inner, trx, { importId: id, documentId: locked.document_id, meetingIds });
    // The original's text is searchable by the clerk's team, where it leads back to this
    // import and the file; it may hold private business, so no one else finds it.
    const document = await trx.selectFrom('documents').select('file_name').where('partnership_id', '=', partnershipId).where('id', '=', locked.document_id).executeTakeFirst();
    const dates = order.map(({ m }) => m.date).filter((d): d is string => Boolean(d)).sort();
    await indexForSearch(trx, [{
      partnershipId, kind: 'original', recordId: id, bodyId: null, meetingId: meetingIds[0] ?? null, occurredOn: dates.at(-1) ?? null,
      title: `${document?.file_name ?? 'Imported document'} (imported original)`, content: locked.text, url: `/imports/${id}`,
      restricted: true, public: false,
    }]);
    const after = await trx.updateTable('imports').set({
      status: 'accepted', draft: JSON.stringify(draft), meeting_ids: JSON.stringify(meetingIds), accepted_at: new Date(), updated_at: new Date(),
      accepted_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    }).where('partnership_id', '=', partnershipId).where('id', '=', id).returning(['id', 'status', 'meeting_ids', 'accepted_at']).executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'accept', recordType: 'import', recordId: id, after,
      summary: `Accepted into ${meetingIds.length} meeting${meetingIds.length === 1 ? '' : 's'} of ${body.name}${people.created.length ? `, with ${people.created.length} new people` : ''}`,
    });
    return { meetingIds, newPeople: people.created.length };
  });
}

/** A command's refusal, named for the draft field it concerns. */
function relabel(error: unknown, field: string, context: string, fieldFor: (commandField: string) => string | null = () => null): never {
  if (error instanceof ValidationError) {
    throw new ValidationError(error.errors.map((e): FieldError => ({ field: fieldFor(e.field) ?? field, message: `${context}: ${e.message}` })));
  }
  if (error instanceof ConflictError) throw new ValidationError([{ field: (error.field && fieldFor(error.field)) ?? field, message: `${context}: ${error.message}` }]);
  throw error;
}

async function attempt<T>(work: () => Promise<T>, field: string, context: string, fieldFor?: (commandField: string) => string | null): Promise<T> {
  try {
    return await work();
  } catch (error) {
    relabel(error, field, context, fieldFor);
  }
}

async function createMeetingFrom(ctx: Context, trx: Tx, bodyId: string, m: DraftMeeting, mi: number, people: Links): Promise<string> {
  const partnershipId = ctx.actor.partnershipId;
  const when = `Meeting of ${formatDate(m.date)}`;
  const meetingField = (name: string) => ({ meets_on: f.meeting(mi, 'date'), starts_at: f.meeting(mi, 'starts_at'), venue: f.meeting(mi, 'venue') })[name] ?? null;
  const meeting = await attempt(() => scheduleMeeting(ctx, bodyId, { meets_on: m.date, starts_at: m.startTime, venue: m.venue ?? '', online: m.online }),
    f.meeting(mi, 'date'), when, meetingField);
  // The body's standing items are for agendas written here; an imported agenda has its own.
  for (const standing of await listAgendaItems(trx, partnershipId, meeting.id)) await removeAgendaItem(ctx, meeting.id, standing.id);
  const sections = await listSections(trx, partnershipId, meeting.id);
  const minutes = m.role === 'minutes';
  const itemIds: (string | null)[] = [];
  for (const [ii, item] of m.items.entries()) {
    if (!item.include) {
      itemIds.push(null);
      continue;
    }
    const label = `${when}, ${item.minuteNumber ? `minute ${item.minuteNumber}` : item.code ? `item ${item.code}` : `item ${ii + 1}`}`;
    const section = sectionFor(item, sections)!;
    const itemField = (name: string) => ({ code: f.item(mi, ii, 'code'), title: f.item(mi, ii, 'title'), minute_number: f.item(mi, ii, 'minute'), section_id: f.item(mi, ii, 'restricted') })[name] ?? null;
    const row = await attempt(() => addAgendaItem(ctx, meeting.id, {
      section_id: section.id, title: item.title, code: item.code ?? '', kind: isPreviousMinutesItem(item.title) ? 'previous-minutes' : 'business',
      description: item.description ? item.description.slice(0, 5000) : '',
      // Numbered below, as printed, once the minutes are started.
      minuted: minutes ? 'false' : 'true',
    }), f.item(mi, ii, 'title'), label, itemField);
    itemIds.push(row.id);
  }
  if (!minutes) return meeting.id;

  await attempt(() => takeMeetingStep(ctx, meeting.id, 'hold'), f.meeting(mi, 'date'), when);
  await attempt(() => takeMeetingStep(ctx, meeting.id, 'start-minutes'), f.meeting(mi, 'date'), when);
  for (const [ii, item] of m.items.entries()) {
    const itemId = itemIds[ii];
    if (!itemId) continue;
    const current = (await findAgendaItem(trx, partnershipId, meeting.id, itemId))!;
    const label = `${when}, ${item.minuteNumber ? `minute ${item.minuteNumber}` : `item ${current.code}`}`;
    await attempt(() => updateAgendaItem(ctx, meeting.id, itemId, {
      section_id: current.section_id, title: current.title, description: current.description ?? '', kind: current.kind, code: current.code,
      // A plain number keeps its place in the body's run of numbers; any other is kept as printed.
      minuted: 'true', minute_number: item.minuteNumber && /^\d+$/.test(item.minuteNumber) ? String(Number(item.minuteNumber)) : '',
      minute_printed: item.minuteNumber && !/^\d+$/.test(item.minuteNumber) ? item.minuteNumber : '',
    }), f.item(mi, ii, 'minute'), label);
  }

  // Attendance: each person once, linked to the record where the name is known.
  const mode = m.online && !m.venue ? 'virtual' : m.venue && !m.online ? 'in-person' : '';
  const recorded = new Set<string>();
  for (const [ai, a] of m.attendees.entries()) {
    if (!a.include || !a.name.trim()) continue;
    const personId = await people.personFor(a.name, a.role);
    const key = personId ?? `name:${personKey(a.name)}`;
    if (recorded.has(key)) continue;
    recorded.add(key);
    await attempt(() => recordAttendance(ctx, meeting.id, {
      person_id: personId ?? '', name: personId ? '' : a.name.trim(), capacity: a.role ?? '', kind: a.kind, mode: a.kind === 'apologies' ? '' : mode,
    }), f.attendee(mi, ai, 'name'), `${when}, ${a.name}`);
  }

  // Minutes: paragraphs, resolutions (the last meeting's minutes approved where they can be), actions.
  const meetingNow = (await findMeeting(trx, partnershipId, meeting.id))!;
  for (const [ii, item] of m.items.entries()) {
    const itemId = itemIds[ii];
    if (!itemId) continue;
    const current = (await findAgendaItem(trx, partnershipId, meeting.id, itemId))!;
    const label = `${when}, ${item.minuteNumber ? `minute ${item.minuteNumber}` : `item ${current.code}`}`;
    const paragraphs: { id: string; text: string }[] = [];
    for (const chunk of paragraphChunks(item.paragraphs)) {
      paragraphs.push(...(await attempt(() => addParagraphs(ctx, meeting.id, itemId, { text: chunk }), f.item(mi, ii, 'title'), label)));
    }
    const resolutions: { id: string; text: string }[] = [];
    for (const [ri, text] of item.resolutions.entries()) {
      const previous = current.kind === 'previous-minutes' && current.previous_meeting_id ? await findMeeting(trx, partnershipId, current.previous_meeting_id) : undefined;
      const confirms = previous && previous.status === 'minutes-draft' ? confirmationOf(text, previous.meets_on) : null;
      if (confirms) {
        const done = await attempt(() => confirmPreviousMinutes(ctx, meeting.id, itemId, { subject_to: confirms.subjectTo ?? '' }), f.resolution(mi, ii, ri), label);
        resolutions.push(done.resolution);
      } else {
        resolutions.push(await attempt(() => addResolution(ctx, meeting.id, itemId, { text }), f.resolution(mi, ii, ri), label));
      }
    }
    for (const [xi, action] of item.actions.entries()) {
      if (!action.include) continue;
      const what = `${label}, action ${xi + 1}`;
      const owner = await people.ownerFor(action.owner);
      if (!owner) {
        throw ValidationError.single(f.action(mi, ii, xi, 'owner'),
          `${what}: ${action.owner} is not a person or organisation in the record. Tick “Add ${action.owner} as a new person”, change the owner to someone in the record, or untick the action`);
      }
      const source = sourceOf(action.text, paragraphs, resolutions);
      const actionField = (name: string) => ({ owner_person_id: f.action(mi, ii, xi, 'owner'), owner_organisation_id: f.action(mi, ii, xi, 'owner'), due_on: f.action(mi, ii, xi, 'due'), description: f.action(mi, ii, xi, 'text') })[name] ?? null;
      await attempt(() => createAction(ctx, {
        body_id: bodyId, description: action.text, owner_person_id: owner.personId ?? '', owner_organisation_id: owner.organisationId ?? '',
        due_on: action.due ?? '', meeting_id: meeting.id, source_kind: source?.kind ?? 'manual', source_id: source?.id ?? '',
        source_text: source?.text ?? '', restricted: current.restricted ? 'true' : 'false',
      }, meetingNow.meets_on), f.action(mi, ii, xi, 'text'), what, actionField);
    }
  }
  return meeting.id;
}

/** Paragraphs as the minutes command takes them (blank-line separated, within its length limit). */
function paragraphChunks(paragraphs: string[]): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of paragraphs) {
    const p = raw.replace(/\s*\n\s*/g, ' ').trim().slice(0, 19_000);
    if (!p) continue;
    if (current && current.length + p.length + 2 > 19_000) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${p}` : p;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** The paragraph or resolution an action was read from, when its words are there. */
function sourceOf(text: string, paragraphs: { id: string; text: string }[], resolutions: { id: string; text: string }[]) {
  const needle = fold(text).split(' ').slice(0, 8).join(' ');
  if (needle.length < 8) return null;
  const r = resolutions.find((x) => fold(x.text).includes(needle));
  if (r) return { kind: 'resolution' as const, id: r.id, text: r.text.slice(0, 5000) };
  const p = paragraphs.find((x) => fold(x.text).includes(needle));
  if (p) return { kind: 'minute-paragraph' as const, id: p.id, text: p.text.slice(0, 5000) };
  return null;
}

const meetingRole = /^(?:(?:vice|deputy)[- ]?)?(?:chair(?:man|woman|person)?)$|^substitut|^member$|^observer$/i;

/** Actions whose owner is neither in the record nor a new person the clerk confirmed: each of them, with where it is. */
export function ownerProblems(draft: Draft, people: KnownPerson[], organisations: KnownOrganisation[]): FieldError[] {
  const confirmed = new Set(draft.newPeople);
  // The new people the clerk confirmed are in the record by the time actions are written.
  // (Only those not already in it: a name ticked as new that the record holds is linked, not doubled.)
  const known = [...people, ...namesIn(draft).filter((n) => confirmed.has(personKey(n.name)) && matchPerson(n.name, people).kind === 'none')
    .map((n, i) => ({ id: `new-${i}`, ...personFromName(n.name) }))];
  const problems: FieldError[] = [];
  draft.meetings.forEach((m, mi) => {
    if (!m.include || m.role !== 'minutes') return;
    const when = `Meeting of ${formatDate(m.date)}`;
    m.items.forEach((item, ii) => {
      if (!item.include) return;
      const label = `${when}, ${item.minuteNumber ? `minute ${item.minuteNumber}` : item.code ? `item ${item.code}` : `item ${ii + 1}`}`;
      item.actions.forEach((action, xi) => {
        const name = action.owner.trim();
        if (!action.include || !name) return;
        const cleaned = name.replace(/^the\s+/i, '');
        if (matchPerson(cleaned, known).kind === 'person' || matchOrganisation(cleaned, organisations) || confirmed.has(personKey(name))) return;
        problems.push({
          field: f.action(mi, ii, xi, 'owner'),
          message: `${label}, action ${xi + 1}: ${name} is not a person or organisation in the record. Tick “Add ${name} as a new person”, change the owner to someone in the record, or untick the action`,
        });
      });
    });
  });
  return problems;
}

/** Links printed names to people and organisations, creating the new people the clerk confirmed. */
class Links {
  people: KnownPerson[] = [];
  organisations: KnownOrganisation[] = [];
  readonly created: string[] = [];
  private readonly confirmed: Set<string>;

  private readonly ctx: Context;
  private readonly trx: Tx;
  private readonly partnershipId: string;
  constructor(ctx: Context, trx: Tx, partnershipId: string, confirmed: string[]) {
    this.ctx = ctx;
    this.trx = trx;
    this.partnershipId = partnershipId;
    this.confirmed = new Set(confirmed);
  }

  async load() {
    this.people = await this.trx.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name']).where('partnership_id', '=', this.partnershipId).execute();
    this.organisations = await this.trx.selectFrom('organisations').select(['id', 'name', 'short_name']).where('partnership_id', '=', this.partnershipId).execute();
  }

  /** The person a printed name is; a new person when the clerk confirmed the name; else null. */
  async personFor(name: string, role: string | null): Promise<string | null> {
    const found = matchPerson(name, this.people);
    if (found.kind === 'person') return found.person.id;
    if (!this.confirmed.has(personKey(name))) return null;
    const parts = personFromName(name);
    const organisation = role ? matchOrganisation(role, this.organisations) : null;
    const row = await createPerson(this.ctx, {
      ...parts, given_name: parts.given_name ?? '', honorific: parts.honorific ?? '', organisation_id: organisation?.id ?? '',
      job_title: role && !organisation && !meetingRole.test(role.trim()) ? role.slice(0, 200) : '',
    });
    this.people.push(row);
    this.created.push(row.id);
    return row.id;
  }

  async ownerFor(name: string): Promise<{ personId?: string; organisationId?: string } | null> {
    const cleaned = name.replace(/^the\s+/i, '').trim();
    const found = matchPerson(cleaned, this.people);
    if (found.kind === 'person') return { personId: found.person.id };
    const organisation = matchOrganisation(cleaned, this.organisations);
    if (organisation) return { organisationId: organisation.id };
    const personId = await this.personFor(name, null);
    return personId ? { personId } : null;
  }
}
