// Nunjucks: paths (our views, each module's views, GOV.UK Frontend) and filters.
import nunjucks from 'nunjucks';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const govukDist = join(dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json')), 'dist');
export const govukAssets = join(govukDist, 'govuk', 'assets');
export const govukBundle = join(govukDist, 'govuk');

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The partnerships are in England: instants are shown, and fall on days, in UK time. */
export const UK_TIME_ZONE = 'Europe/London';
const ukParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

// formatToParts is slow for what it gives (a page of dates spent more in it than in its
// template): instants already worked out are remembered, a bounded number of them.
const ukClocks = new Map<number, { iso: string; hour: number; minute: number }>();

/** An instant as its UK calendar day and clock time: { iso: '2026-12-04', hour: 14, minute: 30 }. */
export function ukClock(at: Date): { iso: string; hour: number; minute: number } {
  const t = at.getTime();
  const known = ukClocks.get(t);
  if (known) return { ...known };
  const p = Object.fromEntries(ukParts.formatToParts(at).map((x) => [x.type, x.value]));
  const clock = { iso: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute) };
  if (ukClocks.size >= 5000) ukClocks.clear();
  if (!Number.isNaN(t)) ukClocks.set(t, clock);
  return { ...clock };
}

/** A calendar day ('2026-12-04') from an ISO date string, or the UK day of an instant. */
function isoDay(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : ukClock(value).iso;
  const iso = String(value).slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : null;
}

/** "2021-11-18" or a Date -> "18 November 2021", as GOV.UK writes dates (and the record's wording keeps them). */
export function formatDate(value: unknown): string {
  const iso = isoDay(value);
  if (!iso) return value === null || value === undefined ? '' : String(value);
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** "2026-12-04" -> "Thursday 4 December 2026": dates on screen carry their weekday. */
export function formatDay(value: unknown): string {
  const iso = isoDay(value);
  if (!iso) return value === null || value === undefined ? '' : String(value);
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return `${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]} ${d} ${MONTHS[m - 1]} ${y}`;
}

/** An instant in UK time: "Thursday 4 December 2026 at 2:30pm" (midday, midnight as words). */
export function formatDateTime(value: unknown): string {
  if (!(value instanceof Date)) return formatDay(value);
  return `${formatDay(value)} at ${formatClock(value)}`;
}

/** The UK clock time of an instant: "2:30pm", "10am", "midday". */
export function formatClock(at: Date): string {
  const { hour, minute } = ukClock(at);
  if (hour === 12 && minute === 0) return 'midday';
  if (hour === 0 && minute === 0) return 'midnight';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${h12}${minute ? `:${String(minute).padStart(2, '0')}` : ''}${hour >= 12 ? 'pm' : 'am'}`;
}

/** A date for a hint's example, as typed into GOV.UK date fields ("4 1 2027"), some days from today in the UK. */
export function dateExample(daysFromToday = 0, now = new Date()): string {
  const [y, m, d] = ukClock(now).iso.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d + daysFromToday));
  return `${day.getUTCDate()} ${day.getUTCMonth() + 1} ${day.getUTCFullYear()}`;
}

// Nunjucks splits every variable's name on dots each time a template sets it (a macro's
// arguments, a loop's variables): a tenth of a page's rendering. Names without a dot, all
// but a few, are set directly, as the original would set them.
interface NunjucksFrame { variables: Record<string, unknown>; resolve(name: string, forWrite: boolean): NunjucksFrame | undefined; set(name: string, val: unknown, resolveUp?: boolean): void }
const frameProto = (nunjucks as unknown as { runtime: { Frame: { prototype: NunjucksFrame } } }).runtime.Frame.prototype;
const setWithDots = frameProto.set;
frameProto.set = function set(this: NunjucksFrame, name: string, val: unknown, resolveUp?: boolean) {
  if (name.includes('.')) return setWithDots.call(this, name, val, resolveUp);
  if (resolveUp) {
    const frame = this.resolve(name, true);
    if (frame) return frame.set(name, val);
  }
  this.variables[name] = val;
};

export function createNunjucks(): nunjucks.Environment {
  const env = nunjucks.configure([join(srcDir, 'views'), join(srcDir, 'modules'), join(srcDir, 'access'), govukDist], {
    autoescape: true,
    throwOnUndefined: false,
    noCache: process.env.NODE_ENV === 'development',
  });
  // Nunjucks' own trim is a regular expression that takes time in the square of each run of
  // spaces; GOV.UK's macros trim every block of HTML they are given, so a page full of
  // indented markup spent a fifth of its rendering there. String.prototype.trim removes the
  // same characters (those of \s).
  env.addFilter('trim', (str: unknown) => (str instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(String(str).trim()) : (str as string).trim()));
  env.addFilter('date', formatDay);
  /** "10 November 2026", without the weekday: for dates in running prose. */
  env.addFilter('plainDate', formatDate);
  // Hints' examples of dates still to come are worked out from today, so they are never past.
  env.addGlobal('dateExample', dateExample);
  env.addFilter('dateTime', formatDateTime);
  // GOV.UK date input items from an ISO date (or the three submitted fields).
  env.addFilter('dateParts', (value: unknown, values: Record<string, unknown> | undefined, field: string) => {
    const v = values ?? {};
    if (v[`${field}-day`] !== undefined || v[`${field}-month`] !== undefined || v[`${field}-year`] !== undefined) {
      return { day: v[`${field}-day`], month: v[`${field}-month`], year: v[`${field}-year`] };
    }
    const iso = typeof value === 'string' ? value : '';
    const [year, month, day] = iso.split('-');
    return { day: day ? String(Number(day)) : '', month: month ? String(Number(month)) : '', year: year ?? '' };
  });
  // Turns a ValidationError's list into what govukErrorSummary and each field need.
  env.addFilter('errorList', (errors: { field: string; message: string }[] | undefined) =>
    (errors ?? []).map((e) => ({ text: e.message, href: `#${e.field}` })),
  );
  env.addFilter('fieldError', (errors: { field: string; message: string }[] | undefined, field: string) => {
    const e = (errors ?? []).find((x) => x.field === field);
    return e ? { text: e.message } : undefined;
  });
  env.addFilter('selectItems', (options: { value: string; text: string }[], selected: unknown, blank?: string) => [
    ...(blank !== undefined ? [{ value: '', text: blank }] : []),
    ...options.map((o) => ({ value: o.value, text: o.text, selected: String(selected ?? '') === o.value })),
  ]);
  env.addFilter('json', (v: unknown) => JSON.stringify(v, null, 2));
  // Money is integer pence; shown in pounds, with pence only when there are some.
  env.addFilter('money', (pence: unknown) => {
    const n = Number(pence ?? 0);
    const abs = Math.abs(n);
    const p = abs % 100;
    return `${n < 0 ? '-' : ''}£${Math.floor(abs / 100).toLocaleString('en-GB')}${p ? `.${String(p).padStart(2, '0')}` : ''}`;
  });
  return env;
}
