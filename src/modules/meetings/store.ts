// SQL of the meetings module. Every query is scoped by partnership_id. Other modules
// (actions, the agenda pack PDF, calendar feeds, the public site) read meetings through
// the functions exported here, never through the tables.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { prepared } from '../../db/prepared.ts';
import { displayName } from '../partnership/domain.ts';
import type {
  AgendaItemsTable, MeetingAttendanceTable, MeetingSectionsTable, MeetingsTable, MinuteParagraphsTable, PapersTable, ResolutionsTable,
  DeclarationsOfInterestTable, MinuteAmendmentsTable, StandingItemsTable, AgendaSectionDefaultsTable, MeetingPublicationsTable,
} from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type MeetingRow = Selectable<MeetingsTable>;
export type SectionRow = Selectable<MeetingSectionsTable>;
export type AgendaItemRow = Selectable<AgendaItemsTable>;
export type PaperMeta = Omit<Selectable<PapersTable>, 'content'>;
export type AttendanceRow = Selectable<MeetingAttendanceTable>;
export type DeclarationRow = Selectable<DeclarationsOfInterestTable>;
export type ParagraphRow = Selectable<MinuteParagraphsTable>;
export type ResolutionRow = Selectable<ResolutionsTable>;
export type AmendmentRow = Selectable<MinuteAmendmentsTable>;
export type StandingItemRow = Selectable<StandingItemsTable>;
export type SectionDefaultRow = Selectable<AgendaSectionDefaultsTable>;
export type PublicationRow = Selectable<MeetingPublicationsTable>;

/** The meeting's publications and withdrawals, oldest first. */
export function listPublications(db: Db, partnershipId: string, meetingId: string): Promise<PublicationRow[]> {
  return db.selectFrom('meeting_publications').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId)
    .orderBy('published_at').orderBy('id').execute();
}

/** A meeting with the name of its body. */
export type MeetingSummary = MeetingRow & { body_name: string };

// ------------------------------------------------------------------ meetings

export function findMeeting(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('meetings').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

/** Holds the meeting's row until the transaction ends: one change to a meeting at a time. */
export function lockMeeting(trx: Transaction<DB>, partnershipId: string, id: string) {
  return trx.selectFrom('meetings').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).forUpdate().executeTakeFirst();
}

function meetingsWithBody(db: Db, partnershipId: string) {
  return db.selectFrom('meetings')
    .innerJoin('bodies', (j) => j.onRef('bodies.partnership_id', '=', 'meetings.partnership_id').onRef('bodies.id', '=', 'meetings.body_id'))
    .selectAll('meetings')
    .select('bodies.name as body_name')
    .where('meetings.partnership_id', '=', partnershipId);
}

const findMeetingSummaryQuery = (db: Db, partnershipId: string, id: string) => meetingsWithBody(db, partnershipId).where('meetings.id', '=', id);

export function findMeetingSummary(db: Db, partnershipId: string, id: string): Promise<MeetingSummary | undefined> {
  return findMeetingSummaryQuery(db, partnershipId, id).executeTakeFirst();
}

export interface MeetingListOptions {
  bodyId?: string | null;
  /** Meetings on or after this date ('YYYY-MM-DD'), soonest first. */
  from?: string | null;
  /** Meetings before this date, latest first. */
  before?: string | null;
  includeCancelled?: boolean;
  limit?: number;
}

/** Meetings across the partnership (or one body): upcoming soonest first, past latest first. */
export function listMeetings(db: Db, partnershipId: string, opts: MeetingListOptions = {}): Promise<MeetingSummary[]> {
  let q = meetingsWithBody(db, partnershipId);
  if (opts.bodyId) q = q.where('meetings.body_id', '=', opts.bodyId);
  if (opts.from) q = q.where('meetings.meets_on', '>=', opts.from);
  if (opts.before) q = q.where('meetings.meets_on', '<', opts.before);
  if (!opts.includeCancelled) q = q.where('meetings.status', '!=', 'cancelled');
  const direction = opts.before && !opts.from ? 'desc' : 'asc';
  q = q.orderBy('meetings.meets_on', direction).orderBy('meetings.starts_at', direction).orderBy('meetings.id');
  if (opts.limit) q = q.limit(opts.limit);
  return q.execute();
}

/**
 * For other modules: every meeting of a body, oldest first, cancelled ones included
 * (their status says so). The calendar feed and the body's page use this.
 */
export function listMeetingsForBody(db: Db, partnershipId: string, bodyId: string): Promise<MeetingSummary[]> {
  return listMeetings(db, partnershipId, { bodyId, includeCancelled: true });
}

/** The body's last meeting before this one (not cancelled): the one whose notes come next. */
export function previousMeetingOf(db: Db, partnershipId: string, m: { body_id: string; meets_on: string; starts_at: string; id?: string }) {
  let q = db.selectFrom('meetings').selectAll().where('partnership_id', '=', partnershipId).where('body_id', '=', m.body_id)
    .where('status', '!=', 'cancelled')
    .where((eb) => eb.or([eb('meets_on', '<', m.meets_on), eb.and([eb('meets_on', '=', m.meets_on), eb('starts_at', '<', m.starts_at)])]));
  if (m.id) q = q.where('id', '!=', m.id);
  return q.orderBy('meets_on', 'desc').orderBy('starts_at', 'desc').limit(1).executeTakeFirst();
}

/** The body's meetings after a date, not cancelled, soonest first. */
export function laterMeetingsOf(db: Db, partnershipId: string, bodyId: string, after: string) {
  return db.selectFrom('meetings').select(['id', 'meets_on', 'starts_at']).where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId)
    .where('status', '!=', 'cancelled').where('meets_on', '>', after).orderBy('meets_on').orderBy('starts_at').execute();
}

// ------------------------------------------------------------------ sections

export function listSectionDefaults(db: Db, partnershipId: string) {
  return db.selectFrom('agenda_section_defaults').selectAll().where('partnership_id', '=', partnershipId).orderBy('position').orderBy('code').execute();
}

export function findSectionDefault(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('agenda_section_defaults').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function listSections(db: Db, partnershipId: string, meetingId: string) {
  return db.selectFrom('meeting_sections').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId)
    .orderBy('position').orderBy('code').execute();
}

// ------------------------------------------------------------------ agenda items

/** The agenda in order: sections in their order, items in theirs. */
export function listAgendaItems(db: Db, partnershipId: string, meetingId: string) {
  return listAgendaItemsQuery(db, partnershipId, meetingId).execute();
}

function listAgendaItemsQuery(db: Db, partnershipId: string, meetingId: string) {
  return db.selectFrom('agenda_items')
    .innerJoin('meeting_sections as s', (j) => j.onRef('s.partnership_id', '=', 'agenda_items.partnership_id').onRef('s.id', '=', 'agenda_items.section_id'))
    .selectAll('agenda_items')
    .select(['s.code as section_code', 's.position as section_position'])
    .where('agenda_items.partnership_id', '=', partnershipId)
    .where('agenda_items.meeting_id', '=', meetingId)
    .orderBy('s.position').orderBy('agenda_items.position').orderBy('agenda_items.code');
}
export type AgendaItemInOrder = Awaited<ReturnType<typeof listAgendaItems>>[number];

export function findAgendaItem(db: Db, partnershipId: string, meetingId: string, id: string) {
  return db.selectFrom('agenda_items').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).where('id', '=', id).executeTakeFirst();
}

/** The highest minute number the body used at meetings before this one; null when none. */
export async function highestMinuteNumberBefore(db: Db, partnershipId: string, m: { body_id: string; meets_on: string; starts_at: string; id: string }): Promise<number | null> {
  const row = await db.selectFrom('agenda_items')
    .innerJoin('meetings', (j) => j.onRef('meetings.partnership_id', '=', 'agenda_items.partnership_id').onRef('meetings.id', '=', 'agenda_items.meeting_id'))
    .select((eb) => eb.fn.max('agenda_items.minute_number').as('highest'))
    .where('agenda_items.partnership_id', '=', partnershipId)
    .where('agenda_items.body_id', '=', m.body_id)
    .where('agenda_items.meeting_id', '!=', m.id)
    .where((eb) => eb.or([eb('meetings.meets_on', '<', m.meets_on), eb.and([eb('meetings.meets_on', '=', m.meets_on), eb('meetings.starts_at', '<', m.starts_at)])]))
    .executeTakeFirst();
  return row?.highest === null || row?.highest === undefined ? null : Number(row.highest);
}

/** Who already holds a minute number of this body: the item and its meeting's date. */
export function minuteNumberHolders(db: Db, partnershipId: string, bodyId: string, numbers: number[], exceptMeetingId?: string) {
  if (!numbers.length) return Promise.resolve([]);
  let q = db.selectFrom('agenda_items')
    .innerJoin('meetings', (j) => j.onRef('meetings.partnership_id', '=', 'agenda_items.partnership_id').onRef('meetings.id', '=', 'agenda_items.meeting_id'))
    .select(['agenda_items.id', 'agenda_items.minute_number', 'agenda_items.code', 'agenda_items.meeting_id', 'meetings.meets_on'])
    .where('agenda_items.partnership_id', '=', partnershipId)
    .where('agenda_items.body_id', '=', bodyId)
    .where('agenda_items.minute_number', 'in', numbers);
  if (exceptMeetingId) q = q.where('agenda_items.meeting_id', '!=', exceptMeetingId);
  return q.orderBy('agenda_items.minute_number').execute();
}

// ------------------------------------------------------------------ papers

const paperMetaColumns = [
  'partnership_id', 'id', 'meeting_id', 'agenda_item_id', 'title', 'file_name', 'media_type', 'byte_size', 'sha256', 'page_count', 'restricted', 'uploaded_by', 'late', 'supplement_id',
  'created_at',
] as const;

/** The meeting's papers without their bytes, in agenda order then upload order. */
export function listPapers(db: Db, partnershipId: string, meetingId: string): Promise<PaperMeta[]> {
  return db.selectFrom('papers').select(paperMetaColumns).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId)
    .orderBy('created_at').orderBy('id').execute();
}

export function findPaperMeta(db: Db, partnershipId: string, meetingId: string, id: string): Promise<PaperMeta | undefined> {
  return db.selectFrom('papers').select(paperMetaColumns).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).where('id', '=', id).executeTakeFirst();
}

/** The paper's original bytes, for a download that the caller has authorised. */
export async function readPaperContent(db: Db, partnershipId: string, id: string): Promise<Buffer | null> {
  const row = await db.selectFrom('papers').select('content').where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const c = row.content;
  return Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
}

// ------------------------------------------------------------------ attendance, minutes

export function listAttendance(db: Db, partnershipId: string, meetingId: string) {
  return db.selectFrom('meeting_attendance').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId)
    .orderBy('created_at').orderBy('id').execute();
}

export function listDeclarations(db: Db, partnershipId: string, meetingId: string) {
  return db.selectFrom('declarations_of_interest').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId)
    .orderBy('created_at').orderBy('id').execute();
}

export function listParagraphs(db: Db, partnershipId: string, meetingId: string) {
  return db.selectFrom('minute_paragraphs').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId)
    .orderBy('agenda_item_id').orderBy('position').execute();
}

export function listResolutions(db: Db, partnershipId: string, meetingId: string) {
  return db.selectFrom('resolutions').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId)
    .orderBy('agenda_item_id').orderBy('position').execute();
}

export function listAmendments(db: Db, partnershipId: string, meetingId: string) {
  return db.selectFrom('minute_amendments').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId)
    .orderBy('amended_at').orderBy('id').execute();
}

export function findParagraph(db: Db, partnershipId: string, meetingId: string, id: string) {
  return db.selectFrom('minute_paragraphs').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).where('id', '=', id).executeTakeFirst();
}

export function findResolution(db: Db, partnershipId: string, meetingId: string, id: string) {
  return db.selectFrom('resolutions').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).where('id', '=', id).executeTakeFirst();
}

/**
 * For the actions module: a minute paragraph or resolution with what an action made from
 * it needs (its meeting, body, words, and whether it is restricted).
 */
export async function findMinuteSource(db: Db, partnershipId: string, kind: 'minute-paragraph' | 'resolution', id: string) {
  const table = kind === 'resolution' ? 'resolutions' : 'minute_paragraphs';
  return db.selectFrom(table)
    .innerJoin('agenda_items as i', (j) => j.onRef('i.partnership_id', '=', `${table}.partnership_id`).onRef('i.id', '=', `${table}.agenda_item_id`))
    .innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'i.partnership_id').onRef('m.id', '=', 'i.meeting_id'))
    .select([`${table}.id as id`, `${table}.text as text`, 'i.id as agenda_item_id', 'i.code as item_code', 'i.title as item_title', 'i.restricted as restricted', 'm.id as meeting_id', 'm.body_id as body_id', 'm.meets_on as meets_on'])
    .where(`${table}.partnership_id`, '=', partnershipId)
    .where(`${table}.id`, '=', id)
    .executeTakeFirst();
}

// ------------------------------------------------------------------ per body

export function findBodyMeetingSettings(db: Db, partnershipId: string, bodyId: string) {
  return db.selectFrom('body_meeting_settings').selectAll().where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId).executeTakeFirst();
}

export function listStandingItems(db: Db, partnershipId: string, bodyId: string) {
  return db.selectFrom('standing_items').selectAll().where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId)
    .orderBy('section_code').orderBy('position').orderBy('created_at').execute();
}

export function findBodyRow(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('bodies').select(['id', 'name', 'short_name', 'kind']).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function bodyOptions(db: Db, partnershipId: string) {
  return db.selectFrom('bodies').select(['id as value', 'name as text']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

/** People as choices in a form: "Ms Priya Ramaswamy (Northshire County Council)". */
export async function personOptions(db: Db, partnershipId: string) {
  const rows = await db.selectFrom('people')
    .leftJoin('organisations as o', (j) => j.onRef('o.partnership_id', '=', 'people.partnership_id').onRef('o.id', '=', 'people.organisation_id'))
    .select(['people.id', 'people.honorific', 'people.given_name', 'people.family_name', 'people.honours', 'o.short_name as org'])
    .where('people.partnership_id', '=', partnershipId)
    .orderBy('people.family_name').orderBy('people.given_name').execute();
  return rows.map((p) => ({ value: p.id, text: `${displayName(p)}${p.org ? ` (${p.org})` : ''}` }));
}

/** Display names of people by id, for whichever of a record's people columns are set. */
export async function peopleNames(db: Db, partnershipId: string, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name', 'honours', 'job_title'])
    .where('partnership_id', '=', partnershipId).where('id', 'in', wanted).execute();
  return new Map(rows.map((p) => [p.id, displayName(p)]));
}

export function existingPeople(db: Db, partnershipId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve(new Set<string>());
  return db.selectFrom('people').select('id').where('partnership_id', '=', partnershipId).where('id', 'in', ids).execute()
    .then((rows) => new Set(rows.map((r) => r.id)));
}

/** Elections of the body that a meeting's item may record: at this meeting, or on its day. */
export function electionsForMeeting(db: Db, partnershipId: string, m: { id: string; body_id: string; meets_on: string }) {
  return db.selectFrom('elections').selectAll().where('partnership_id', '=', partnershipId).where('body_id', '=', m.body_id)
    .where((eb) => eb.or([eb('meeting_id', '=', m.id), eb.and([eb('meeting_id', 'is', null), eb('held_on', '=', m.meets_on)])]))
    .orderBy('created_at').execute();
}

export function findElection(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('elections').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

// ------------------------------------------------------------------ the whole record

export interface MeetingRecord {
  meeting: MeetingSummary;
  sections: SectionRow[];
  items: AgendaItemInOrder[];
  papers: PaperMeta[];
  attendance: AttendanceRow[];
  declarations: DeclarationRow[];
  paragraphs: ParagraphRow[];
  resolutions: ResolutionRow[];
  amendments: AmendmentRow[];
  /** Publications and withdrawals of the agenda, supplements and minutes, oldest first. */
  publications: PublicationRow[];
  /** Display names of every person the record mentions. */
  names: Map<string, string>;
  /** For the attendance's order: attendees' surnames, and who was chair or vice-chair on the day. */
  attendees: Map<string, { familyName: string; memberRole: 'chair' | 'vice-chair' | null }>;
  /** The body's meetings after this one, not cancelled, soonest first (as laterMeetingsOf). */
  laterMeetings: { id: string; meets_on: string; starts_at: string }[];
  /** The meeting's record counter read in the same statement (migration 058): this record is the meeting's at that count. */
  version: number | null;
}

/**
 * Everything recorded about one meeting, unfiltered. Callers filter it for the reader
 * (see filterRecord in record.ts) before showing any of it.
 */
export async function loadMeetingRecord(db: Db, partnershipId: string, meetingId: string): Promise<MeetingRecord | undefined> {
  // One statement, one round trip: each list as a JSON array, from the same queries the
  // lists use on their own, and the people they name found from the tables in the same
  // statement. (Eleven statements in four rounds before: planning them cost more than
  // running them.) JSON carries timestamps as text: reviveTimestamps gives back the Dates.
  const p = partnershipId, m = meetingId;
  const rows = (q: { compile(): unknown }) => sql`coalesce((select json_agg(t) from (${q}) t), '[]'::json)`;
  const mentioned = sql`
    select contact_person_id from meetings where partnership_id = ${p} and id = ${m}
    union select presenter_person_id from agenda_items where partnership_id = ${p} and meeting_id = ${m}
    union select person_id from meeting_attendance where partnership_id = ${p} and meeting_id = ${m}
    union select substitute_for_person_id from meeting_attendance where partnership_id = ${p} and meeting_id = ${m}
    union select person_id from declarations_of_interest where partnership_id = ${p} and meeting_id = ${m}`;
  // Prepared once per connection (src/db/prepared.ts): the meeting page's statement on every read.
  const { rows: [row] } = await db.executeQuery(prepared(sql<Record<string, unknown>>`select
    (select to_json(t) from (${findMeetingSummaryQuery(db, p, m)}) t) as meeting,
    ${rows(db.selectFrom('meeting_sections').selectAll().where('partnership_id', '=', p).where('meeting_id', '=', m).orderBy('position').orderBy('code'))} as sections,
    ${rows(listAgendaItemsQuery(db, p, m))} as items,
    ${rows(db.selectFrom('papers').select(paperMetaColumns).where('partnership_id', '=', p).where('meeting_id', '=', m).orderBy('created_at').orderBy('id'))} as papers,
    ${rows(db.selectFrom('meeting_attendance').selectAll().where('partnership_id', '=', p).where('meeting_id', '=', m).orderBy('created_at').orderBy('id'))} as attendance,
    ${rows(db.selectFrom('declarations_of_interest').selectAll().where('partnership_id', '=', p).where('meeting_id', '=', m).orderBy('created_at').orderBy('id'))} as declarations,
    ${rows(db.selectFrom('minute_paragraphs').selectAll().where('partnership_id', '=', p).where('meeting_id', '=', m).orderBy('agenda_item_id').orderBy('position'))} as paragraphs,
    ${rows(db.selectFrom('resolutions').selectAll().where('partnership_id', '=', p).where('meeting_id', '=', m).orderBy('agenda_item_id').orderBy('position'))} as resolutions,
    ${rows(db.selectFrom('minute_amendments').selectAll().where('partnership_id', '=', p).where('meeting_id', '=', m).orderBy('amended_at').orderBy('id'))} as amendments,
    ${rows(db.selectFrom('meeting_publications').selectAll().where('partnership_id', '=', p).where('meeting_id', '=', m).orderBy('published_at').orderBy('id'))} as publications,
    coalesce((select json_agg(t) from (select id, honorific, given_name, family_name, honours, job_title from people
      where partnership_id = ${p} and id in (${mentioned})) t), '[]'::json) as people,
    coalesce((select json_agg(t) from (select ms.person_id, ms.role from memberships ms
      join meetings mt on mt.partnership_id = ms.partnership_id and mt.id = ${m} and mt.body_id = ms.body_id
      where ms.partnership_id = ${p} and ms.role in ('chair', 'vice-chair') and ms.starts_on <= mt.meets_on and (ms.ends_on is null or ms.ends_on >= mt.meets_on)
        and ms.person_id in (select person_id from meeting_attendance where partnership_id = ${p} and meeting_id = ${m})) t), '[]'::json) as chairs,
    coalesce((select json_agg(t) from (select l.id, l.meets_on, l.starts_at from meetings l
      join meetings mt on mt.partnership_id = l.partnership_id and mt.id = ${m}
      where l.partnership_id = ${p} and l.body_id = mt.body_id and l.status != 'cancelled' and l.meets_on > mt.meets_on
      order by l.meets_on, l.starts_at) t), '[]'::json) as later,
    (select version from meeting_versions where partnership_id = ${p} and meeting_id = ${m}) as version`.compile(db)));
  if (!row?.meeting) return undefined;
  const list = <T>(key: string) => reviveTimestamps(row[key] as Record<string, unknown>[]) as T[];
  const meeting = reviveTimestamps([row.meeting as Record<string, unknown>])[0] as MeetingSummary;
  const attendance = list<AttendanceRow>('attendance');
  const people = row.people as { id: string; honorific: string | null; given_name: string; family_name: string; honours: string | null; job_title: string | null }[];
  const chairs = row.chairs as { person_id: string; role: 'chair' | 'vice-chair' }[];
  const attending = new Set(attendance.flatMap((a) => (a.person_id ? [a.person_id] : [])));
  const attendees: MeetingRecord['attendees'] = new Map();
  for (const person of people) {
    if (!attending.has(person.id)) continue;
    const held = chairs.filter((r) => r.person_id === person.id).map((r) => r.role);
    attendees.set(person.id, { familyName: person.family_name, memberRole: held.includes('chair') ? 'chair' : held.includes('vice-chair') ? 'vice-chair' : null });
  }
  return {
    meeting, sections: list('sections'), items: list('items'), papers: list('papers'), attendance, declarations: list('declarations'),
    paragraphs: list('paragraphs'), resolutions: list('resolutions'), amendments: list('amendments'), publications: list('publications'),
    names: new Map(people.map((x) => [x.id, displayName(x)])), attendees,
    laterMeetings: row.later as MeetingRecord['laterMeetings'],
    version: row.version === null || row.version === undefined ? null : Number(row.version),
  };
}

// A timestamp with its zone, as PostgreSQL writes it in JSON.
const JSON_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:\d{2})?|Z)$/;

/** Rows read through JSON, with their `..._at` timestamps as Dates again (times of day, such as starts_at, stay text). */
function reviveTimestamps(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === 'string' && k.endsWith('_at') && JSON_TIMESTAMP.test(v)) r[k] = new Date(v);
    }
  }
  return rows;
}

/** Surnames of the people recorded at a meeting, and which of them chaired the body (or were vice-chair) on its date. */
export async function attendeeDetails(db: Db, partnershipId: string, m: { body_id: string; meets_on: string }, personIds: string[]) {
  const result: MeetingRecord['attendees'] = new Map();
  if (!personIds.length) return result;
  const [people, roles] = await Promise.all([
    db.selectFrom('people').select(['id', 'family_name']).where('partnership_id', '=', partnershipId).where('id', 'in', personIds).execute(),
    db.selectFrom('memberships').select(['person_id', 'role']).where('partnership_id', '=', partnershipId).where('body_id', '=', m.body_id)
      .where('person_id', 'in', personIds).where('role', 'in', ['chair', 'vice-chair']).where('starts_on', '<=', m.meets_on)
      .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', m.meets_on)])).execute(),
  ]);
  for (const p of people) {
    const held = roles.filter((r) => r.person_id === p.id).map((r) => r.role);
    result.set(p.id, { familyName: p.family_name, memberRole: held.includes('chair') ? 'chair' : held.includes('vice-chair') ? 'vice-chair' : null });
  }
  return result;
}

/** Counts of each meeting's agenda items, for lists. */
export async function itemCounts(db: Db, partnershipId: string, meetingIds: string[]): Promise<Map<string, number>> {
  if (!meetingIds.length) return new Map();
  const rows = await db.selectFrom('agenda_items').select(['meeting_id', sql<number>`count(*)::int`.as('n')])
    .where('partnership_id', '=', partnershipId).where('meeting_id', 'in', meetingIds).groupBy('meeting_id').execute();
  return new Map(rows.map((r) => [r.meeting_id, Number(r.n)]));
}

/** The body's members (chair, vice-chair, members, substitutes, advisers) on a date, for the register. */
export async function membersOnDate(db: Db, partnershipId: string, bodyId: string, date: string) {
  const rows = await db.selectFrom('memberships')
    .innerJoin('people', (j) => j.onRef('people.partnership_id', '=', 'memberships.partnership_id').onRef('people.id', '=', 'memberships.person_id'))
    .select(['people.id', 'people.honorific', 'people.given_name', 'people.family_name', 'people.honours', 'memberships.role'])
    .where('memberships.partnership_id', '=', partnershipId)
    .where('memberships.body_id', '=', bodyId)
    .where('memberships.role', '!=', 'officer')
    .where('memberships.starts_on', '<=', date)
    .where((eb) => eb.or([eb('memberships.ends_on', 'is', null), eb('memberships.ends_on', '>=', date)]))
    .orderBy('people.family_name').orderBy('people.given_name').execute();
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id)).map((r) => ({ id: r.id, name: displayName(r), role: r.role }));
}
