// The draft a clerk corrects: the importer's reading turned into the fields the
// meetings module will need, with the clerk's corrections applied. Pure, no I/O.
import type { FieldError } from '../../web/errors.ts';
import type { DocumentReading, ReportReading } from './import/types.ts';
import { parseTime } from '../meetings/domain.ts';
import { defaultVocabulary } from './import/vocabulary.ts';
import { findDates } from './import/text.ts';
import { Input } from '../../web/validate.ts';
import { formatDate } from '../../web/nunjucks.ts';

/** A minute number as printed: "41", "24/31", "16/09/6/18vii", "5.1", "(a)". */
export const PRINTED_MINUTE = /^[A-Za-z0-9(][A-Za-z0-9./()\-]{0,39}$/;

export type DraftAttendanceKind = 'present' | 'also-present' | 'in-attendance' | 'apologies';

export const DRAFT_ATTENDANCE_KINDS: readonly { value: DraftAttendanceKind; text: string }[] = [
  { value: 'present', text: 'Present' },
  { value: 'in-attendance', text: 'In attendance' },
  { value: 'also-present', text: 'Also present' },
  { value: 'apologies', text: 'Apologies' },
];
const attendanceKindValues = DRAFT_ATTENDANCE_KINDS.map((k) => k.value);

export interface DraftAttendee {
  include: boolean;
  name: string;
  role: string | null;
  kind: DraftAttendanceKind;
}

export interface DraftAction {
  include: boolean;
  owner: string;
  text: string;
  /** 'YYYY-MM-DD' */
  due: string | null;
}

export interface DraftItem {
  include: boolean;
  /** As printed; a whole number once accepted. */
  minuteNumber: string | null;
  code: string | null;
  title: string;
  restricted: boolean;
  pages: string | null;
  resolutions: string[];
  actions: DraftAction[];
  /** The item's minute paragraphs other than resolutions (not edited here). */
  paragraphs: string[];
  /** From a report bound into an agenda pack. */
  description: string | null;
}

export interface DraftMeeting {
  include: boolean;
  role: 'minutes' | 'agenda';
  /** 'YYYY-MM-DD' */
  date: string | null;
  /** As typed: "10:00", "2.30pm". */
  startTime: string | null;
  venue: string | null;
  online: boolean;
  attendees: DraftAttendee[];
  items: DraftItem[];
}

export interface Draft {
  bodyName: string | null;
  bodyId: string | null;
  meetings: DraftMeeting[];
  /** Printed names (by personKey) the clerk confirmed as new people. */
  newPeople: string[];
  /** What the draft changed from the reading, for the clerk to check. */
  notes: string[];
}

const CODE = /^[A-Z][0-9]{1,3}[a-z]?$/;
const normaliseCode = (code: string) => code.trim().toUpperCase().replace(/([A-Z][0-9]+)([A-Z])$/, (_m, a: string, b: string) => a + b.toLowerCase());

/** The last day of the month for "YYYY-MM"; the date itself for a full date. */
export function dueDate(due: string | null): string | null {
  if (!due) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(due)) return due;
  const m = /^(\d{4})-(\d{2})$/.exec(due);
  if (!m) return null;
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0));
  return last.toISOString().slice(0, 10);
}

const remote = new RegExp(`\\b(?:${defaultVocabulary.remoteVenues.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'i');

/** "Online" -> online, no venue; "Council Chamber and online" -> both. */
export function readVenue(venue: string | null): { venue: string | null; online: boolean } {
  if (!venue) return { venue: null, online: false };
  const online = remote.test(venue);
  const place = venue.replace(remote, '').replace(/^[\s,;:-]+|[\s,;:-]+$/g, '').replace(/\s+and$|^and\s+/i, '').trim();
  return { venue: online && place.length < 3 ? null : venue.trim(), online };
}

function reportText(r: ReportReading): string {
  const parts = [`Report: ${r.title}.`];
  if (r.authors.length) parts.push(`By ${r.authors.join(', ')}.`);
  if (r.classification) parts.push(`${r.classification}.`);
  if (r.recommendations.length) parts.push(`Recommendations: ${r.recommendations.map((x, i) => `(${i + 1}) ${x}`).join(' ')}`);
  return parts.join(' ');
}

/** The draft as first shown: the reading, with what the meetings module cannot hold set aside and noted. */
export function buildDraft(reading: DocumentReading, paragraphs: string[][][], bodyId: string | null): Draft {
  const notes: string[] = [];
  const meetings = reading.meetings.map((m, mi): DraftMeeting => {
    const where = readVenue(m.venue);
    const attendees: DraftAttendee[] = [
      ...m.attendance.present.map((a) => ({ ...a, kind: 'present' as const })),
      ...m.attendance.inAttendance.map((a) => ({ ...a, kind: 'in-attendance' as const })),
      ...m.attendance.alsoPresent.map((a) => ({ ...a, kind: 'also-present' as const })),
      ...m.attendance.apologies.map((a) => ({ ...a, kind: 'apologies' as const })),
    ].map((a) => ({ include: true, name: a.name, role: a.role, kind: a.kind }));
    let unknownRestriction = 0;
    const unnumbered: string[] = [];
    const items = m.items.map((item, ii): DraftItem => {
      let code = item.agendaCode ? normaliseCode(item.agendaCode) : null;
      if (code && !CODE.test(code)) {
        notes.push(`Item '${item.title}': '${item.agendaCode}' is not an agenda code (a section letter and a number, such as B2), so the item will be given one`);
        code = null;
      }
      // Kept as printed ("24/31", "5.1"); only a number the record cannot hold at all is left out.
      let minuteNumber = item.minuteNumber;
      if (minuteNumber && !PRINTED_MINUTE.test(minuteNumber)) {
        unnumbered.push(minuteNumber);
        minuteNumber = null;
      }
      if (item.restricted === null) unknownRestriction++;
      const report = m.role === 'agenda' && code ? reading.reports.find((r) => r.agendaCode && normaliseCode(r.agendaCode) === code) : undefined;
      return {
        include: true, minuteNumber, code, title: item.title, restricted: item.restricted === true, pages: item.pages,
        resolutions: [...item.resolutions],
        actions: item.actions.map((a) => ({ include: true, owner: a.owner ?? '', text: a.text, due: dueDate(a.due) })),
        paragraphs: paragraphs[mi]?.[ii] ?? [],
        description: report ? reportText(report) : null,
      };
    });
    if (unnumbered.length) {
      const shown = unnumbered.slice(0, 3).map((n) => `'${n}'`).join(', ');
      notes.push(`${unnumbered.length === 1 ? `Minute number ${shown} is` : `Minute numbers such as ${shown} are`} not in a form the record can hold, so ${unnumbered.length === 1 ? 'it is' : `${unnumbered.length} items are`} left unnumbered; enter a number where the minutes should keep one`);
    }
    if (unknownRestriction) {
      notes.push(`${unknownRestriction} item${unknownRestriction === 1 ? '' : 's'}${m.date ? ` of ${formatDate(m.date)}` : ''} do not say whether they were held in private; they are marked open. Tick "Held in private" where they were`);
    }
    return { include: true, role: m.role, date: m.date, startTime: m.startTime, venue: where.venue, online: where.online, attendees, items };
  });
  return { bodyName: reading.body, bodyId, meetings, newPeople: [], notes };
}

// ------------------------------------------------------------------ field names

export const f = {
  meeting: (m: number, name: string) => `m${m}-${name}`,
  attendee: (m: number, a: number, name: string) => `m${m}-a${a}-${name}`,
  item: (m: number, i: number, name: string) => `m${m}-i${i}-${name}`,
  resolution: (m: number, i: number, r: number) => `m${m}-i${i}-r${r}-text`,
  action: (m: number, i: number, x: number, name: string) => `m${m}-i${i}-x${x}-${name}`,
};

/**
 * The clerk's corrections from the draft form. The form shows every field, so a box
 * left unticked means no. Returns the corrected draft, or the problems with the form.
 */
export function applyForm(draft: Draft, body: unknown): { draft: Draft; errors: FieldError[] } {
  const input = new Input(body);
  const data = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (name: string, label: string, max: number) => input.optionalText(name, label, max);
  const ticked = (name: string) => input.boolean(name);
  const bodyId = input.optionalId('body_id', 'Select the body the meeting was of');
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined || v === null || v === '' ? [] : [String(v)]);
  const meetings = draft.meetings.map((m, mi): DraftMeeting => ({
    ...m,
    include: ticked(f.meeting(mi, 'include')),
    date: input.optionalDate(f.meeting(mi, 'date'), 'The date of the meeting'),
    startTime: text(f.meeting(mi, 'starts_at'), 'The start time', 20),
    venue: text(f.meeting(mi, 'venue'), 'The venue', 300),
    online: ticked(f.meeting(mi, 'online')),
    attendees: m.attendees.map((a, ai) => ({
      include: ticked(f.attendee(mi, ai, 'include')),
      name: text(f.attendee(mi, ai, 'name'), 'The name', 200) ?? '',
      role: text(f.attendee(mi, ai, 'role'), 'The role', 200),
      kind: input.optionalOneOf(f.attendee(mi, ai, 'kind'), attendanceKindValues, 'Select how they attended') ?? a.kind,
    })),
    items: m.items.map((item, ii) => ({
      ...item,
      include: ticked(f.item(mi, ii, 'include')),
      code: (() => {
        const c = text(f.item(mi, ii, 'code'), 'The item code', 10);
        return c ? normaliseCode(c) : null;
      })(),
      minuteNumber: text(f.item(mi, ii, 'minute'), 'The minute number', 40),
      title: text(f.item(mi, ii, 'title'), 'The title', 300) ?? '',
      restricted: ticked(f.item(mi, ii, 'restricted')),
      resolutions: item.resolutions.map((_r, ri) => text(f.resolution(mi, ii, ri), 'The resolution', 5000) ?? '').filter((r) => r.trim() !== ''),
      actions: item.actions.map((_a, xi) => ({
        include: ticked(f.action(mi, ii, xi, 'include')),
        owner: text(f.action(mi, ii, xi, 'owner'), 'The owner', 200) ?? '',
        text: text(f.action(mi, ii, xi, 'text'), 'What is to be done', 2000) ?? '',
        due: input.optionalDate(f.action(mi, ii, xi, 'due'), 'The due date'),
      })),
    })),
  }));
  const newPeople = list(data.new_person).map((s) => s.trim()).filter(Boolean);
  return { draft: { ...draft, bodyId, meetings, newPeople: [...new Set(newPeople)] }, errors: input.errors };
}

/** Corrections sent to the API: any part given replaces the saved one. */
export interface DraftCorrections {
  bodyId?: string | null;
  newPeople?: string[];
  meetings?: DraftMeeting[];
}

export function applyCorrections(draft: Draft, c: DraftCorrections): Draft {
  return {
    ...draft,
    bodyId: c.bodyId !== undefined ? c.bodyId : draft.bodyId,
    newPeople: c.newPeople ?? draft.newPeople,
    meetings: c.meetings
      ? c.meetings.map((m, mi) => ({
          ...m,
          items: m.items.map((i, ii) => ({ ...i, code: i.code ? normaliseCode(i.code) : null, paragraphs: i.paragraphs ?? draft.meetings[mi]?.items[ii]?.paragraphs ?? [] })),
        }))
      : draft.meetings,
  };
}

// ------------------------------------------------------------------ checks before accepting

export interface SectionChoice {
  code: string;
  restricted: boolean;
}

/** The section an item goes in: its code's letter, else the first section open or held in private as the item is. */
export function sectionFor<S extends SectionChoice>(item: Pick<DraftItem, 'code' | 'restricted'>, sections: readonly S[]): S | undefined {
  if (item.code) return sections.find((s) => s.code === item.code![0]);
  return sections.find((s) => s.restricted === item.restricted);
}

const itemLabel = (item: DraftItem, index: number) =>
  item.minuteNumber ? `Minute ${item.minuteNumber}` : item.code ? `Item ${item.code}` : `Item ${index + 1}`;

/** Every problem that would stop the draft becoming meetings, worded to say what to do. */
export function draftProblems(draft: Draft, sections: readonly SectionChoice[]): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  if (!draft.bodyId) fail('body_id', 'Select the body the meeting was of');
  if (!draft.meetings.some((m) => m.include)) fail(f.meeting(0, 'include'), 'Tick at least one meeting to create');
  draft.meetings.forEach((m, mi) => {
    if (!m.include) return;
    const when = m.date ? `Meeting of ${formatDate(m.date)}` : `Meeting ${mi + 1}`;
    if (!m.date) fail(f.meeting(mi, 'date'), `${when}: enter the date of the meeting`);
    if (!m.startTime) fail(f.meeting(mi, 'starts_at'), `${when}: enter the time the meeting started, for example 10am or 14:30`);
    else if (!parseTime(m.startTime)) fail(f.meeting(mi, 'starts_at'), `${when}: enter the start time as a time of day, for example 10am or 14:30`);
    if (!m.venue && !m.online) fail(f.meeting(mi, 'venue'), `${when}: enter the venue, or tick that the meeting was held online`);
    m.attendees.forEach((a, ai) => {
      if (a.include && !a.name.trim()) fail(f.attendee(mi, ai, 'name'), `${when}: enter the name of attendee ${ai + 1}, or untick them`);
    });
    const codes = new Map<string, number>();
    const minutes = new Map<string, number>();
    const included = m.items.filter((i) => i.include);
    if (!included.length) fail(f.meeting(mi, 'include'), `${when}: tick at least one item, or untick the meeting`);
    m.items.forEach((item, ii) => {
      if (!item.include) return;
      const label = `${when}, ${itemLabel(item, ii)}`;
      if (!item.title.trim()) fail(f.item(mi, ii, 'title'), `${label}: enter the title of the item`);
      if (item.code) {
        if (!CODE.test(item.code)) fail(f.item(mi, ii, 'code'), `${label}: enter an item code such as B2 (the section letter, then a number), or leave it blank`);
        else {
          const section = sections.find((s) => s.code === item.code![0]);
          if (!section) fail(f.item(mi, ii, 'code'), `${label}: there is no section ${item.code[0]} on the agenda. Use a code of sections ${sections.map((s) => s.code).join(', ')}, or leave it blank`);
          else if (section.restricted !== item.restricted) {
            fail(f.item(mi, ii, 'code'), item.restricted
              ? `${label}: section ${section.code} is open to the public. To hold the item in private, give it a code in ${sections.filter((s) => s.restricted).map((s) => `section ${s.code}`).join(' or ') || 'a private section'}`
              : `${label}: section ${section.code} is held in private. Tick "Held in private", or give the item a code in an open section`);
          }
          const before = codes.get(item.code);
          if (before !== undefined) fail(f.item(mi, ii, 'code'), `${label}: code ${item.code} is also given to item ${before + 1}. Give each item its own code`);
          else codes.set(item.code, ii);
        }
      } else if (!sectionFor(item, sections)) {
        fail(f.item(mi, ii, 'restricted'), `${label}: there is no ${item.restricted ? 'private' : 'open'} section to put the item in`);
      }
      if (item.minuteNumber) {
        if (m.role !== 'minutes') fail(f.item(mi, ii, 'minute'), `${label}: an agenda has no minute numbers. Leave it blank`);
        else if (!PRINTED_MINUTE.test(item.minuteNumber) || (/^\d+$/.test(item.minuteNumber) && (item.minuteNumber.length > 6 || Number(item.minuteNumber) < 1)))
          fail(f.item(mi, ii, 'minute'), `${label}: enter the minute number as printed, such as 41 or 24/31, or leave it blank`);
        else {
          const n = /^\d+$/.test(item.minuteNumber) ? String(Number(item.minuteNumber)) : item.minuteNumber;
          const before = minutes.get(n);
          if (before !== undefined) fail(f.item(mi, ii, 'minute'), `${label}: minute ${n} is also given to item ${before + 1}. Correct one of them, or leave one blank`);
          else minutes.set(n, ii);
        }
      }
      item.actions.forEach((a, xi) => {
        if (!a.include) return;
        const what = `${label}, action ${xi + 1}`;
        if (!a.text.trim()) fail(f.action(mi, ii, xi, 'text'), `${what}: enter what is to be done, or untick the action`);
        if (!a.owner.trim()) fail(f.action(mi, ii, xi, 'owner'), `${what}: enter who owns the action, or untick it`);
        if (!a.due) fail(f.action(mi, ii, xi, 'due'), `${what}: enter the date it is due, or untick it`);
        else if (m.date && a.due < m.date) fail(f.action(mi, ii, xi, 'due'), `${what}: the due date must be on or after the meeting (${formatDate(m.date)})`);
      });
    });
  });
  return errors;
}

/** True for the "minutes of the last meeting" item. */
export function isPreviousMinutesItem(title: string): boolean {
  return /\b(minutes|notes)\b.{0,40}\b(previous|last|earlier|prior)\b.{0,20}\bmeeting\b|\b(minutes|notes)\s+of\s+(the\s+)?meeting\s+held\s+on\b/i.test(title);
}

/** A resolution that confirms the last meeting's minutes, with its "subject to" correction; null otherwise. */
export function confirmationOf(resolution: string, previousMeetsOn: string): { subjectTo: string | null } | null {
  if (!/\b(correct|true|accurate)\s+record\b|\b(approved|agreed|confirmed|signed)\b/i.test(resolution)) return null;
  if (!/\b(minutes|notes|record)\b/i.test(resolution)) return null;
  const dates = findDates(resolution).filter((d) => d.precision === 'day').map((d) => d.iso);
  if (dates.length && !dates.includes(previousMeetsOn)) return null;
  const subject = /\bsubject\s+to\s+(.+?)[.;]?$/i.exec(resolution)?.[1] ?? null;
  return { subjectTo: subject };
}

/** Every included printed name that will need a person or an organisation, with where it appears. */
export function namesIn(draft: Draft): { name: string; where: 'attendee' | 'owner' }[] {
  const out: { name: string; where: 'attendee' | 'owner' }[] = [];
  for (const m of draft.meetings) {
    if (!m.include) continue;
    for (const a of m.attendees) if (a.include && a.name.trim()) out.push({ name: a.name.trim(), where: 'attendee' });
    for (const i of m.items) if (i.include) for (const a of i.actions) if (a.include && a.owner.trim()) out.push({ name: a.owner.trim(), where: 'owner' });
  }
  return out;
}
