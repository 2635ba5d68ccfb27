// Rules of the home page: pure, no I/O. When an agenda must be published by, how long ago
// a meeting was, and the words for counts.

/** Clear working days of notice an agenda gives (Local Government Act 1972, s.100B). */
export const NOTICE_WORKING_DAYS = 5;
/** Meetings this many days ahead with no agenda published are on the clerk's list. */
export const NOTICE_WINDOW_DAYS = 28;
/** What was published in this many days is "new" to someone who has never looked. */
export const FIRST_LOOK_DAYS = 14;
/** Rows per list on the home page; the count says how many there are in all. */
export const HOME_LIST_LIMIT = 6;

const DAY = 86_400_000;
const toDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const toIso = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (iso: string, n: number) => toIso(new Date(toDate(iso).getTime() + n * DAY));
export const daysBetween = (from: string, to: string) => Math.round((toDate(to).getTime() - toDate(from).getTime()) / DAY);

/** Monday to Friday; the caller may pass a stricter test that also knows the bank holidays. */
export const isWeekday = (iso: string) => { const d = toDate(iso).getUTCDay(); return d !== 0 && d !== 6; };

/**
 * The last working day on which the agenda can be published and still give the notice:
 * neither the day of publication nor the day of the meeting counts, nor days off.
 */
export function publishBy(meetsOn: string, isWorkingDay: (iso: string) => boolean = isWeekday, notice = NOTICE_WORKING_DAYS): string {
  let day = meetsOn;
  for (let counted = 0; counted < notice;) {
    day = addDays(day, -1);
    if (isWorkingDay(day)) counted++;
  }
  // `day` is the earliest of the clear days: publication must be before it, on a working day.
  do day = addDays(day, -1); while (!isWorkingDay(day));
  return day;
}

/** "today", "yesterday", "3 days ago", "5 weeks ago": how long since a day, in words. */
export function sinceWords(day: string, today: string): string {
  const days = daysBetween(day, today);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 28) return `${days} days ago`;
  if (days < 365) return `${Math.floor(days / 7)} weeks ago`;
  const years = Math.floor(days / 365);
  return years === 1 ? 'over a year ago' : `over ${years} years ago`;
}

/** When a deadline is, in words beside its date: "in 3 days", "today", "2 days late". */
export function deadlineWords(deadline: string, today: string): { text: string; late: boolean } {
  const days = daysBetween(today, deadline);
  if (days < 0) return { text: `${-days} day${days === -1 ? '' : 's'} late`, late: true };
  if (days === 0) return { text: 'today', late: false };
  if (days === 1) return { text: 'tomorrow', late: false };
  return { text: `in ${days} days`, late: false };
}
