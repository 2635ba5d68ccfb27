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

/** "2021-11-18" or a Date -> "18 November 2021", as GOV.UK writes dates. */
export function formatDate(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const iso = value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return String(value);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

export function formatDateTime(value: unknown): string {
  if (!(value instanceof Date)) return formatDate(value);
  const hh = value.getUTCHours(), mm = value.getUTCMinutes();
  const suffix = hh >= 12 ? 'pm' : 'am';
  const h12 = hh % 12 === 0 ? 12 : hh % 12;
  return `${formatDate(value)} at ${h12}:${String(mm).padStart(2, '0')}${suffix} UTC`;
}

export function createNunjucks(): nunjucks.Environment {
  const env = nunjucks.configure([join(srcDir, 'views'), join(srcDir, 'modules'), join(srcDir, 'access'), govukDist], {
    autoescape: true,
    throwOnUndefined: false,
    noCache: process.env.NODE_ENV === 'development',
  });
  env.addFilter('date', formatDate);
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
  return env;
}
