// Rules of publication: pure, no I/O. Working days in England and Wales, the notice an
// agenda gives, and what the check page before "Publish" lists as wrong (errors, which
// stop publication) or worth a second look (warnings, which the clerk may confirm).
import { formatDate } from '../../web/nunjucks.ts';
import type { AgendaItemKind, MeetingStatus } from './tables.ts';

// ------------------------------------------------------------------ working days

const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** Easter Sunday (Gregorian), by the anonymous algorithm of Meeus/Jones/Butcher. */
export function easterSunday(year: number): Date {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100;
  const d = Math.floor(b / 4), e = b % 4, f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30, i = Math.floor(c / 4), k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(year, month, day);
}

const firstMonday = (y: number, m: number) => { const d = utc(y, m, 1); return addDays(d, (8 - d.getUTCDay()) % 7); };
const lastMonday = (y: number, m: number) => { const d = utc(y, m + 1, 0); return addDays(d, -((d.getUTCDay() + 6) % 7)); };

/** Holidays moved or added by proclamation (jubilees, a royal wedding, coronation, a state funeral, VE Day). */
const MOVED: Record<string, string> = { '1995-05-01': '1995-05-08', '2002-05-27': '2002-06-04', '2012-05-28': '2012-06-04', '2020-05-04': '2020-05-08', '2022-05-30': '2022-06-02' };
const ADDED = ['1999-12-31', '2002-06-03', '2011-04-29', '2012-06-05', '2022-06-03', '2022-09-19', '2023-05-08'];

/** The bank holidays of England and Wales in a year, as 'YYYY-MM-DD'. */
export function bankHolidays(year: number): Set<string> {
  const days: string[] = [];
  // New Year's Day, moved to the Monday when it falls at a weekend.
  const newYear = utc(year, 1, 1);
  days.push(iso(newYear.getUTCDay() === 6 ? addDays(newYear, 2) : newYear.getUTCDay() === 0 ? addDays(newYear, 1) : newYear));
  const easter = easterSunday(year);
  days.push(iso(addDays(easter, -2)), iso(addDays(easter, 1)));
  days.push(iso(firstMonday(year, 5)), iso(lastMonday(year, 5)), iso(lastMonday(year, 8)));
  // Christmas Day and Boxing Day; either at a weekend moves to the next free weekday.
  const christmas = utc(year, 12, 25);
  const dow = christmas.getUTCDay();
  if (dow === 5) days.push(iso(christmas), iso(utc(year, 12, 28)));
  else if (dow === 6) days.push(iso(utc(year, 12, 27)), iso(utc(year, 12, 28)));
  else if (dow === 0) days.push(iso(utc(year, 12, 26)), iso(utc(year, 12, 27)));
  else days.push(iso(christmas), iso(utc(year, 12, 26)));
  const result = new Set(days.map((d) => MOVED[d] ?? d));
  for (const d of ADDED) if (d.startsWith(String(year))) result.add(d);
  return result;
}

export function isWorkingDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  const dow = d.getUTCDay();
  return dow !== 0 && dow !== 6 && !bankHolidays(d.getUTCFullYear()).has(day);
}

/**
 * Clear working days between publication and the meeting: neither the day of
 * publication nor the day of the meeting counts, nor weekends and bank holidays.
 * Zero when the meeting is the next day or already past.
 */
export function clearWorkingDays(publishedOn: string, meetsOn: string): number {
  let n = 0;
  for (let d = addDays(new Date(`${publishedOn}T00:00:00Z`), 1); iso(d) < meetsOn; d = addDays(d, 1)) if (isWorkingDay(iso(d))) n++;
  return n;
}

/** The notice a council committee's agenda must give (Local Government Act 1972, section 100B). */
export const NOTICE_WORKING_DAYS = 5;

// ------------------------------------------------------------------ the check before publishing

export type PublicationEvent = 'agenda' | 'supplement' | 'minutes';

export interface Problem {
  /** Stable, for the API and tests: what kind of problem. */
  code: string;
  message: string;
  /** The item it is about, for a link to it. */
  itemId?: string;
}

export interface PublicationCheck {
  event: PublicationEvent;
  errors: Problem[];
  warnings: Problem[];
}

export interface CheckedItem {
  id: string;
  code: string;
  title: string;
  kind: AgendaItemKind;
  minuted: boolean;
  minute_number: number | null;
  late: boolean;
  supplement_id: string | null;
  paper_expected: boolean;
  previous_meeting_id: string | null;
  papers: number;
  /** Papers added after publication and not yet in a supplement. */
  pendingPapers: number;
  paragraphs: number;
  resolutions: number;
  /** The item carries the resolution approving the previous meeting's minutes. */
  confirmsPrevious: boolean;
  /** Held without press and public: naming it on the check page is an audited read. */
  restricted?: boolean;
}

export interface CheckFacts {
  meeting: { meets_on: string; status: MeetingStatus; agenda_published_at: Date | null; minutes_published_at: Date | null };
  items: readonly CheckedItem[];
  /** The body's previous meeting (not cancelled, earlier by date), whose minutes come next. */
  previousMeeting: { id: string; meets_on: string } | null;
  attendance: number;
  today: string;
}

/** Items whose minute the record partly supplies (who attended, declarations, the dates of meetings). */
const PROCEDURAL = new Set<AgendaItemKind>(['introduction', 'apologies', 'declarations', 'future-dates']);

const itemName = (i: CheckedItem) => `Item ${i.code} (${i.title})`;

function noticeWarning(facts: CheckFacts, event: PublicationEvent): Problem | null {
  const days = clearWorkingDays(facts.today, facts.meeting.meets_on);
  if (days >= NOTICE_WORKING_DAYS) return null;
  const when = facts.meeting.meets_on <= facts.today
    ? `The meeting ${facts.meeting.meets_on < facts.today ? 'was' : 'is'} on ${formatDate(facts.meeting.meets_on)}`
    : `Published today, the ${event === 'supplement' ? 'supplementary agenda' : 'agenda'} gives ${days} clear working day${days === 1 ? '' : 's'} before the meeting on ${formatDate(facts.meeting.meets_on)}`;
  const rule = event === 'supplement'
    ? 'late items may be considered only if the chair agrees they are urgent, for reasons given in the minutes'
    : `a council committee’s agenda is published at least ${NOTICE_WORKING_DAYS} clear working days before (weekends and bank holidays do not count)`;
  return { code: 'short-notice', message: `${when}: ${rule}` };
}

function previousMinutesProblems(facts: CheckFacts, items: readonly CheckedItem[]): Problem[] {
  const out: Problem[] = [];
  for (const i of items.filter((x) => x.kind === 'previous-minutes')) {
    if (!facts.previousMeeting) {
      out.push({ code: 'no-previous-meeting', itemId: i.id, message: `${itemName(i)}: this body has no earlier meeting whose minutes it could confirm. Remove the item, or change its kind` });
    } else if (i.previous_meeting_id !== facts.previousMeeting.id) {
      out.push({ code: 'previous-meeting-mismatch', itemId: i.id, message: `${itemName(i)} does not name the body’s previous meeting, held on ${formatDate(facts.previousMeeting.meets_on)}` });
    }
  }
  return out;
}

/** What is wrong (errors) or worth a second look (warnings) before publishing. */
export function checkPublication(event: PublicationEvent, facts: CheckFacts): PublicationCheck {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const published = (i: CheckedItem) => !i.late || i.supplement_id !== null;
  if (event === 'agenda') {
    if (!facts.items.length) errors.push({ code: 'no-items', message: 'The agenda has no items. Add at least one item' });
    for (const p of previousMinutesProblems(facts, facts.items)) (p.code === 'no-previous-meeting' ? warnings : errors).push(p);
    for (const i of facts.items) {
      if (i.paper_expected && i.papers === 0) warnings.push({ code: 'paper-missing', itemId: i.id, message: `${itemName(i)} expects a paper, and none is attached` });
    }
    const notice = noticeWarning(facts, event);
    if (notice) warnings.push(notice);
  } else if (event === 'supplement') {
    const lateItems = facts.items.filter((i) => !published(i));
    const latePapers = facts.items.filter((i) => published(i) && i.pendingPapers > 0);
    if (!lateItems.length && !latePapers.length) {
      errors.push({ code: 'nothing-new', message: 'There is nothing new to publish: add a late item or paper to the agenda first' });
    }
    for (const i of lateItems) {
      if (i.paper_expected && i.papers === 0) warnings.push({ code: 'paper-missing', itemId: i.id, message: `${itemName(i)} expects a paper, and none is attached` });
    }
    for (const p of previousMinutesProblems(facts, lateItems)) errors.push(p);
    if (lateItems.length || latePapers.length) {
      const notice = noticeWarning(facts, event);
      if (notice) warnings.push(notice);
    }
  } else {
    for (const i of facts.items) {
      if (!i.minuted) continue;
      const number = i.minute_number ? `Minute ${i.minute_number}, ` : '';
      const empty = i.paragraphs === 0 && i.resolutions === 0;
      if (i.kind === 'previous-minutes' && !i.confirmsPrevious) {
        warnings.push({
          code: 'previous-minutes-unapproved', itemId: i.id,
          message: `${number}${itemName(i)}, does not record the last meeting’s minutes as approved${empty ? ', and has no minutes text saying why' : ''}`,
        });
      } else if (empty && PROCEDURAL.has(i.kind)) {
        // The record supplies these in part (attendance, declarations, the schedule): worth a look, not a block.
        warnings.push({ code: 'minute-empty', itemId: i.id, message: `${number}${itemName(i)}, has no minutes text or resolution` });
      } else if (empty) {
        errors.push({ code: 'minute-empty', itemId: i.id, message: `${number}${itemName(i)}, has no minutes text or resolution. Write it, or mark the item as not minuted` });
      }
    }
    if (facts.attendance === 0) warnings.push({ code: 'no-attendance', message: 'No attendance is recorded: the minutes will not say who was present' });
  }
  return { event, errors, warnings };
}

/** The words a clerk confirms warnings with; kept in the publication record. */
export const warningTexts = (check: PublicationCheck) => check.warnings.map((w) => w.message);

// ------------------------------------------------------------------ wording

/** One line of a meeting's publication history, as the public reads it. */
export const publicationText = (p: { kind: string; number: number | null; published_at: Date; reason: string | null }): string => {
  switch (p.kind) {
    case 'agenda': return `Agenda published on ${formatDate(p.published_at)}`;
    case 'supplement': return `Supplementary agenda ${p.number} published on ${formatDate(p.published_at)}`;
    case 'minutes': return `Minutes published on ${formatDate(p.published_at)}`;
    case 'agenda-withdrawn': return `Agenda withdrawn on ${formatDate(p.published_at)}: ${p.reason}`;
    case 'minutes-withdrawn': return `Minutes withdrawn on ${formatDate(p.published_at)}: ${p.reason}`;
    default: return `${p.kind} on ${formatDate(p.published_at)}`;
  }
};
