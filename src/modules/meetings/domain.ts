// Rules of the meetings module: pure, no I/O. Item codes, minute numbers, the meeting's
// life (scheduled -> agenda published -> held -> minutes in draft -> minutes approved),
// the default agenda sections and standing items, and the wording the minutes use.
import type { AgendaItemKind, AttendanceKind, AttendanceMode, MeetingStatus } from './tables.ts';
import { formatDate } from '../../web/nunjucks.ts';

export const MEETING_STATUSES: readonly { value: MeetingStatus; text: string }[] = [
  { value: 'scheduled', text: 'Scheduled' },
  { value: 'agenda-published', text: 'Agenda published' },
  { value: 'held', text: 'Held' },
  { value: 'minutes-draft', text: 'Minutes in draft' },
  { value: 'minutes-approved', text: 'Minutes approved' },
  { value: 'cancelled', text: 'Cancelled' },
];
export const meetingStatusLabel = (s: string) => MEETING_STATUSES.find((x) => x.value === s)?.text ?? s;

export const AGENDA_ITEM_KINDS: readonly { value: AgendaItemKind; text: string }[] = [
  { value: 'business', text: 'Business (report, update or discussion)' },
  { value: 'introduction', text: 'Introduction' },
  { value: 'apologies', text: 'Apologies and substitutes' },
  { value: 'declarations', text: 'Declarations of interest' },
  { value: 'previous-minutes', text: 'Notes of the last meeting' },
  { value: 'matters-arising', text: 'Matters arising (actions)' },
  { value: 'election', text: 'Election of chair or vice-chair' },
  { value: 'future-dates', text: 'Dates of future meetings' },
];
export const agendaItemKindValues = AGENDA_ITEM_KINDS.map((k) => k.value);

export const ATTENDANCE_KINDS: readonly { value: AttendanceKind; text: string; heading: string }[] = [
  { value: 'present', text: 'Present (member or substitute)', heading: 'Present' },
  { value: 'in-attendance', text: 'In attendance (officer)', heading: 'In attendance' },
  { value: 'also-present', text: 'Also present', heading: 'Also present' },
  { value: 'apologies', text: 'Apologies', heading: 'Apologies' },
  { value: 'absent', text: 'Absent', heading: 'Absent' },
];
export const attendanceKindValues = ATTENDANCE_KINDS.map((k) => k.value);
export const ATTENDANCE_MODES: readonly { value: AttendanceMode; text: string }[] = [
  { value: 'in-person', text: 'In person' },
  { value: 'virtual', text: 'Virtually (online)' },
];
export const attendanceModeValues = ATTENDANCE_MODES.map((m) => m.value);

/** The exemption most section D business of a partnership board falls under. */
export const DEFAULT_EXEMPTION_REASON =
  'Exempt under Paragraph 1 of Part 1 of Schedule 12A to the Local Government Act 1972 (information relating to an individual)';

export interface SectionDefinition {
  code: string;
  title: string;
  restricted: boolean;
  exemption_reason: string | null;
}

/** The sections of the seeds' agendas; a partnership may change them. */
export const DEFAULT_SECTIONS: readonly SectionDefinition[] = [
  { code: 'A', title: 'Committee business', restricted: false, exemption_reason: null },
  { code: 'B', title: 'Matters for discussion', restricted: false, exemption_reason: null },
  { code: 'C', title: 'Matters for information', restricted: false, exemption_reason: null },
  { code: 'D', title: 'Restricted items: meeting not open to the press and public', restricted: true, exemption_reason: DEFAULT_EXEMPTION_REASON },
];

export interface StandingItemDefinition {
  section_code: string;
  title: string;
  kind: AgendaItemKind;
}

/** What every new body's agenda starts with until its clerk says otherwise. */
export const DEFAULT_STANDING_ITEMS: readonly StandingItemDefinition[] = [
  { section_code: 'A', title: 'Introduction', kind: 'introduction' },
  { section_code: 'A', title: 'Apologies and substitutes', kind: 'apologies' },
  { section_code: 'A', title: 'Declarations of interest', kind: 'declarations' },
  { section_code: 'A', title: 'Notes of the last meeting', kind: 'previous-minutes' },
  { section_code: 'C', title: 'Dates of future meetings', kind: 'future-dates' },
];

// ------------------------------------------------------------------ times

/**
 * Reads a time as clerks write it ("10:00", "10.00", "10am", "2.30 pm", "14:30") into
 * 'HH:MM' (24-hour); null when it is not a time of day.
 */
export function parseTime(raw: string): string | null {
  const m = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/i.exec(raw.trim());
  if (!m) return null;
  let h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  const half = m[3]?.toLowerCase().replace(/\./g, '');
  if (m[2] === undefined && !half) return null; // "10" alone is ambiguous
  if (min > 59) return null;
  if (half) {
    if (h < 1 || h > 12) return null;
    if (half === 'pm' && h !== 12) h += 12;
    if (half === 'am' && h === 12) h = 0;
  } else if (h > 23) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** 'HH:MM' -> "10am", "2:30pm", "12 noon" as GOV.UK writes times. */
export function formatTime(hhmm: string | null | undefined): string {
  if (!hhmm) return '';
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  if (h === 12 && m === 0) return 'midday';
  if (h === 0 && m === 0) return 'midnight';
  const suffix = h >= 12 ? 'pm' : 'am';
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${h12}${suffix}` : `${h12}:${String(m).padStart(2, '0')}${suffix}`;
}

// ------------------------------------------------------------------ the meeting's life

export type MeetingStep = 'publish-agenda' | 'hold' | 'start-minutes' | 'publish-minutes' | 'cancel';

export interface MeetingState {
  status: MeetingStatus;
  meets_on: string;
  agenda_published_at: Date | null;
  minutes_published_at: Date | null;
  /** Set when the minutes were first published: their numbers never change after it. */
  minutes_numbers_fixed_at?: Date | null;
}

/** Why a step cannot be taken now, in words for the clerk; null when it can. */
export function stepProblem(m: MeetingState, step: MeetingStep, today: string): string | null {
  if (m.status === 'cancelled') return 'This meeting was cancelled';
  switch (step) {
    case 'publish-agenda':
      if (m.agenda_published_at) return 'The agenda is already published';
      return null;
    case 'hold':
      if (m.status !== 'scheduled' && m.status !== 'agenda-published') return 'This meeting is already recorded as held';
      if (m.meets_on > today) return `The meeting cannot be recorded as held before its date (${formatDate(m.meets_on)})`;
      return null;
    case 'start-minutes':
      if (m.status === 'minutes-approved') return 'The minutes of this meeting are approved and locked';
      if (m.status !== 'held' && m.status !== 'minutes-draft') return 'Record the meeting as held before writing its minutes';
      if (m.minutes_numbers_fixed_at) return 'The minutes have been published, so their numbers are fixed and cannot be renumbered';
      return null;
    case 'publish-minutes':
      if (m.minutes_published_at) return 'The minutes are already published';
      if (m.status !== 'minutes-draft' && m.status !== 'minutes-approved') return 'Write the minutes before publishing them';
      return null;
    case 'cancel':
      if (m.status !== 'scheduled' && m.status !== 'agenda-published') return 'A meeting that has been held cannot be cancelled';
      return null;
  }
}

/** The status after a step. Publishing minutes leaves the status as it is. */
export function statusAfter(m: MeetingState, step: MeetingStep): MeetingStatus {
  switch (step) {
    case 'publish-agenda': return m.status === 'scheduled' ? 'agenda-published' : m.status;
    case 'hold': return 'held';
    case 'start-minutes': return 'minutes-draft';
    case 'publish-minutes': return m.status;
    case 'cancel': return 'cancelled';
  }
}

/**
 * The one status of a meeting shown to staff, as a GOV.UK tag: where it is in its life
 * and what of it is published, in one phrase, so that no page shows two tags that repeat
 * ("Agenda published" twice) or contradict ("Minutes in draft" beside "Minutes published").
 */
export function meetingStatusTag(m: MeetingState): { text: string; classes: string } {
  switch (m.status) {
    case 'cancelled': return { text: 'Cancelled', classes: 'govuk-tag--grey' };
    case 'minutes-approved':
      return m.minutes_published_at
        ? { text: 'Minutes approved', classes: 'govuk-tag--green' }
        : { text: 'Minutes approved, not published', classes: 'govuk-tag--green' };
    case 'minutes-draft':
      return m.minutes_published_at
        ? { text: 'Draft minutes published', classes: 'govuk-tag--yellow' }
        : { text: 'Minutes in draft', classes: 'govuk-tag--yellow' };
    case 'held': return { text: 'Held, minutes not started', classes: 'govuk-tag--purple' };
    default:
      return m.agenda_published_at
        ? { text: 'Agenda published', classes: 'govuk-tag--light-blue' }
        : { text: 'Agenda not published', classes: 'govuk-tag--blue' };
  }
}

/** Approved minutes are locked: corrections are amendments, never edits. */
export const minutesLocked = (m: { status: MeetingStatus }) => m.status === 'minutes-approved';

/** Why the agenda or the minutes cannot be changed; null when they can. */
export function editProblem(m: { status: MeetingStatus; minutes_approved_at?: Date | null; minutes_published_at?: Date | null }): string | null {
  if (m.status === 'cancelled') return 'This meeting was cancelled, so its record cannot be changed';
  if (minutesLocked(m)) {
    const when = m.minutes_approved_at ? ` on ${formatDate(m.minutes_approved_at)}` : '';
    return `The minutes of this meeting were approved as a correct record${when} and are locked. Record an amendment instead`;
  }
  if (m.minutes_published_at) {
    return `The minutes of this meeting were published on ${formatDate(m.minutes_published_at)}, so they are not changed silently. Record an amendment, or withdraw the minutes with a reason first`;
  }
  return null;
}

/** Published or approved minutes are corrected by a recorded amendment, never edited. */
export const minutesAmendable = (m: { status: MeetingStatus; minutes_published_at: Date | null }) =>
  m.status === 'minutes-approved' || (m.status === 'minutes-draft' && m.minutes_published_at !== null);

/** Minutes (paragraphs, resolutions) are written once the meeting is held. */
export function minutesProblem(m: { status: MeetingStatus; minutes_approved_at?: Date | null }): string | null {
  const edit = editProblem(m);
  if (edit) return edit;
  if (m.status !== 'minutes-draft') return 'Start the minutes of this meeting first: record it as held, then choose “Write the minutes”';
  return null;
}

// ------------------------------------------------------------------ item codes

export interface CodedItem {
  id: string;
  sectionCode: string;
  position: number;
  code: string | null;
  codeFixed: boolean;
}

const codeNumber = (code: string) => Number(/^[A-Z](\d+)/.exec(code)?.[1] ?? 0);

/**
 * Codes for every item: the section letter and the item's place in its section (A1, A2,
 * B1 ...). Codes the clerk fixed are kept and skipped by the others. Once the agenda is
 * published (`frozen`) codes stand, since papers and minutes cite them: a late item
 * takes the next free number of its section.
 */
export function assignCodes(items: readonly CodedItem[], frozen: boolean): Map<string, string> {
  const result = new Map<string, string>();
  const sections = new Map<string, CodedItem[]>();
  for (const item of items) {
    const list = sections.get(item.sectionCode) ?? [];
    list.push(item);
    sections.set(item.sectionCode, list);
  }
  for (const [letter, list] of sections) {
    const ordered = [...list].sort((a, b) => a.position - b.position);
    if (frozen) {
      let highest = Math.max(0, ...ordered.filter((i) => i.code?.startsWith(letter)).map((i) => codeNumber(i.code!)));
      for (const item of ordered) {
        if (item.code && item.code.startsWith(letter)) result.set(item.id, item.code);
        else result.set(item.id, `${letter}${++highest}`);
      }
      continue;
    }
    const taken = new Set(ordered.filter((i) => i.codeFixed && i.code).map((i) => i.code!));
    let n = 1;
    for (const item of ordered) {
      if (item.codeFixed && item.code) {
        result.set(item.id, item.code);
        continue;
      }
      while (taken.has(`${letter}${n}`)) n++;
      result.set(item.id, `${letter}${n}`);
      n++;
    }
  }
  return result;
}

/** Checks a code the clerk typed; null when it is fine. */
export function codeProblem(code: string, sectionCode: string, codesInUse: ReadonlyMap<string, string>): string | null {
  if (!/^[A-Z][0-9]{1,3}[a-z]?$/.test(code)) return 'Enter an item code such as B2: the section letter, then a number';
  if (code[0] !== sectionCode) return `An item in section ${sectionCode} needs a code that starts with ${sectionCode}`;
  const holder = codesInUse.get(code);
  if (holder !== undefined) return `Item code ${code} is already used on this agenda (${holder}). Choose another code`;
  return null;
}

/**
 * The order of a section after moving one item up or down; null when it cannot move
 * (already first or last).
 */
export function moveWithinSection(orderedIds: readonly string[], id: string, direction: 'up' | 'down'): string[] | null {
  const i = orderedIds.indexOf(id);
  if (i < 0) return null;
  const j = direction === 'up' ? i - 1 : i + 1;
  if (j < 0 || j >= orderedIds.length) return null;
  const next = [...orderedIds];
  next[i] = orderedIds[j]!;
  next[j] = id;
  return next;
}

// ------------------------------------------------------------------ minute numbers

/**
 * The first minute number of a meeting: minutes run on from the body's earlier meetings
 * (27-39, then 40-50), starting at the body's configured first number.
 */
export function firstMinuteNumber(configuredStart: number, highestEarlier: number | null): number {
  return highestEarlier === null ? configuredStart : Math.max(configuredStart, highestEarlier + 1);
}

/** Consecutive numbers for the minuted items, in agenda order. */
export function numberMinutes(items: readonly { id: string; minuted: boolean }[], start: number): Map<string, number> {
  const result = new Map<string, number>();
  let n = start;
  for (const item of items) if (item.minuted) result.set(item.id, n++);
  return result;
}

/** "27-39", "40", or '' : the range a meeting's minutes take. */
export function minuteRange(numbers: readonly (number | null)[]): string {
  const ns = numbers.filter((n): n is number => n !== null).sort((a, b) => a - b);
  if (!ns.length) return '';
  return ns.length === 1 ? String(ns[0]) : `${ns[0]}-${ns[ns.length - 1]}`;
}

// ------------------------------------------------------------------ wording

/** Resolution labels when an item has several: A, B, C ... as the seeds print them. */
export const resolutionLabel = (index: number, count: number) => (count > 1 ? `${String.fromCharCode(65 + (index % 26))}.` : '');

export const previousMinutesTitle = (meetsOn: string) => `Notes of meeting held on ${formatDate(meetsOn)}`;

export function correctRecordText(meetsOn: string, subjectTo: string | null): string {
  const base = `that the minutes of the meeting held on ${formatDate(meetsOn)} were a correct record`;
  return subjectTo ? `${base}, subject to ${subjectTo.replace(/\.$/, '')}.` : `${base}.`;
}

/** The text of the "dates of future meetings" item. */
export function futureDatesText(dates: readonly { meets_on: string; starts_at: string }[], bodyName: string): string {
  if (!dates.length) return 'Dates of future meetings will be announced.';
  const [next, ...later] = dates;
  let text = `The next meeting of the ${bodyName} will be held on ${formatDate(next!.meets_on)} at ${formatTime(next!.starts_at)}.`;
  if (later.length) text += ` Later meetings: ${later.map((d) => formatDate(d.meets_on)).join(', ')}.`;
  return text;
}

/** "Online", "Council Chamber, County Hall", or "Council Chamber, County Hall and online". */
export function whereText(m: { venue: string | null; online: boolean }): string {
  if (m.venue && m.online) return `${m.venue} and online`;
  return m.venue ?? 'Online';
}

// ------------------------------------------------------------------ restricted business

/**
 * What a reader sees of a list of records, some restricted: those the reader may read.
 * `mayRead` is the policy's answer for restricted records (see access.ts).
 */
export function visibleTo<T extends { restricted: boolean }>(records: readonly T[], mayReadRestricted: boolean): T[] {
  return mayReadRestricted ? [...records] : records.filter((r) => !r.restricted);
}

// ------------------------------------------------------------------ attendance as the minutes print it

/** The groups of the attendance, in the order the minutes print them. */
export const ATTENDANCE_GROUPS = [
  { key: 'present', heading: 'Present' },
  { key: 'in-attendance', heading: 'In attendance' },
  { key: 'also-present', heading: 'Also present' },
  { key: 'apologies', heading: 'Apologies' },
  { key: 'substitutes', heading: 'Substitutes' },
  { key: 'absent', heading: 'Absent' },
] as const;
export type AttendanceGroupKey = (typeof ATTENDANCE_GROUPS)[number]['key'];

export type ChairRole = 'chair' | 'vice-chair';

/** The chair or vice-chair as a capacity a clerk types ("Chairman", "Vice-Chair"); null otherwise. */
export function chairRoleOfCapacity(capacity: string | null): ChairRole | null {
  const c = (capacity ?? '').trim().toLowerCase();
  if (/^vice[- ]?chair(man|woman|person)?$/.test(c)) return 'vice-chair';
  if (/^chair(man|woman|person)?$/.test(c)) return 'chair';
  return null;
}

export interface AttendeeForOrder {
  kind: AttendanceKind;
  substitute_for_person_id: string | null;
  capacity: string | null;
  mode: AttendanceMode | null;
  displayName: string;
  /** The person's surname, when they are in the register; else read from the name as printed. */
  familyName: string | null;
  /** Chair or vice-chair of the body on the meeting's date (from its memberships). */
  memberRole: ChairRole | null;
  substituteFor: string | null;
}

/** "Mr P M Hill" -> "hill": the surname of a name as printed, for sorting. */
const surnameOf = (a: AttendeeForOrder) => (a.familyName ?? a.displayName.trim().split(/\s+/).pop() ?? '').toLowerCase();

/**
 * How one attendee is printed: "Cllr Anne Shaw (Chair)", "Mr P M Hill (Chairman)" when
 * the capacity already says so, "DI Mark Chen, substitute for Supt Daniel Osei",
 * " (virtually)" for someone who joined online.
 */
export function attendeeText(a: AttendeeForOrder): string {
  let s = a.displayName;
  if (a.memberRole && !chairRoleOfCapacity(a.capacity)) s += a.memberRole === 'chair' ? ' (Chair)' : ' (Vice-Chair)';
  if (a.capacity) s += ` (${a.capacity})`;
  if (a.substituteFor) s += `, substitute for ${a.substituteFor}`;
  if (a.mode === 'virtual') s += ' (virtually)';
  return s;
}

/**
 * The attendance in the minutes' order: present (the chair first, the vice-chair next,
 * then everyone else by surname), in attendance, also present, apologies, substitutes,
 * absent; within each group by surname, so the order never depends on when a name
 * was typed in.
 */
export function orderAttendance<A extends AttendeeForOrder>(attendees: readonly A[]): { key: AttendanceGroupKey; heading: string; people: (A & { text: string })[] }[] {
  const rank = (a: A) => {
    const role = a.memberRole ?? chairRoleOfCapacity(a.capacity);
    return role === 'chair' ? 0 : role === 'vice-chair' ? 1 : 2;
  };
  const groupOf = (a: A): AttendanceGroupKey => (a.kind === 'present' && a.substitute_for_person_id ? 'substitutes' : a.kind);
  const byOrder = (x: A, y: A) => rank(x) - rank(y) || surnameOf(x).localeCompare(surnameOf(y), 'en-GB') || x.displayName.localeCompare(y.displayName, 'en-GB');
  return ATTENDANCE_GROUPS.map((g) => ({
    key: g.key,
    heading: g.heading,
    people: attendees.filter((a) => groupOf(a) === g.key).sort(byOrder).map((a) => ({ ...a, text: attendeeText(a) })),
  })).filter((g) => g.people.length);
}

/** "The meeting closed at 3.45 pm": the closing time as minutes write it. */
export function closingTimeText(hhmm: string | null | undefined): string {
  if (!hhmm) return '';
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  if (h === 12 && m === 0) return '12 noon';
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h12}.${String(m).padStart(2, '0')} ${h >= 12 ? 'pm' : 'am'}`;
}
