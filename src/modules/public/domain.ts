// Rules of the public face: pure, no I/O. How a meeting reads to the public, the
// calendar's months, paging, and the writing of the open formats (CSV, Atom).
import type { MeetingStatus } from '../meetings/tables.ts';

/** Decisions per page of /decisions. */
export const DECISIONS_PAGE_SIZE = 25;
/** Entries in the Atom feed: the newest publications only. */
export const FEED_ENTRIES = 50;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2024-03" -> "March 2024". */
export function monthLabel(yyyyMm: string): string {
  const [y, m] = yyyyMm.split('-').map(Number) as [number, number];
  return `${MONTHS[m - 1] ?? ''} ${y}`;
}

/** Meetings grouped by month, in the order given (the caller sorts). */
export function byMonth<M extends { meets_on: string }>(meetings: readonly M[]): { month: string; label: string; meetings: M[] }[] {
  const groups: { month: string; label: string; meetings: M[] }[] = [];
  for (const m of meetings) {
    const month = m.meets_on.slice(0, 7);
    let g = groups[groups.length - 1];
    if (!g || g.month !== month) groups.push((g = { month, label: monthLabel(month), meetings: [] }));
    g.meetings.push(m);
  }
  return groups;
}

export interface PublicationState {
  status: MeetingStatus;
  agenda_published_at: Date | null;
  minutes_published_at: Date | null;
}

/** Whether the public may read the minutes: published, and written (mirrors meetings/record.ts). */
export const minutesArePublic = (m: PublicationState) =>
  m.minutes_published_at !== null && (m.status === 'minutes-draft' || m.status === 'minutes-approved');

/** What the public can read of a meeting, in a few words, for lists and feeds. */
export function publicStatus(m: PublicationState): { text: string; tag: string } {
  if (m.status === 'cancelled') return { text: 'Cancelled', tag: 'govuk-tag--grey' };
  if (minutesArePublic(m)) {
    return m.status === 'minutes-approved'
      ? { text: 'Minutes approved', tag: 'govuk-tag--green' }
      : { text: 'Draft minutes', tag: 'govuk-tag--yellow' };
  }
  if (m.agenda_published_at) return { text: 'Agenda published', tag: 'govuk-tag--light-blue' };
  return { text: 'Agenda to follow', tag: 'govuk-tag--blue' };
}

/** GOV.UK pagination items: first, last, and two either side of the current page. */
export function paginationFor(page: number, pages: number, href: (n: number) => string) {
  if (pages <= 1) return undefined;
  return {
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pages ? { href: href(page + 1) } : undefined,
    items: Array.from({ length: pages }, (_, i) => i + 1)
      .filter((n) => n === 1 || n === pages || Math.abs(n - page) <= 2)
      .reduce<({ number: number; href: string; current: boolean } | { ellipsis: true })[]>((acc, n, i, all) => {
        if (i > 0 && n - all[i - 1]! > 1) acc.push({ ellipsis: true });
        acc.push({ number: n, href: href(n), current: n === page });
        return acc;
      }, []),
  };
}

// ------------------------------------------------------------------ CSV (RFC 4180)

/**
 * One field: quoted when it holds a comma, a quote, a line break or leading or
 * trailing space, with quotes doubled. A field that a spreadsheet would run as a
 * formula (=, +, -, @ first) is prefixed with an apostrophe, so opening the file
 * never runs anything.
 */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole file: a header row, then the rows, each line ended by CRLF as RFC 4180 says. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

// ------------------------------------------------------------------ XML (Atom)

/** Text for XML content or an attribute; characters XML 1.0 forbids are dropped. */
export function xmlText(value: string): string {
  return value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: Date;
  published: Date;
  link: string;
  summary: string;
  category: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle: string;
  selfLink: string;
  alternateLink: string;
  author: string;
  updated: Date;
  entries: AtomEntry[];
}

/** An Atom document (RFC 4287): feed id, title, updated and author; each entry's id, title, updated and link. */
export function buildAtom(feed: AtomFeed): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">',
    `  <id>${xmlText(feed.id)}</id>`,
    `  <title>${xmlText(feed.title)}</title>`,
    `  <subtitle>${xmlText(feed.subtitle)}</subtitle>`,
    `  <updated>${feed.updated.toISOString()}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(feed.selfLink)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(feed.alternateLink)}"/>`,
    `  <author><name>${xmlText(feed.author)}</name></author>`,
    '  <generator>Partnership Hub</generator>',
  ];
  for (const e of feed.entries) {
    lines.push(
      '  <entry>',
      `    <id>${xmlText(e.id)}</id>`,
      `    <title>${xmlText(e.title)}</title>`,
      `    <updated>${e.updated.toISOString()}</updated>`,
      `    <published>${e.published.toISOString()}</published>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(e.link)}"/>`,
      `    <category term="${xmlText(e.category)}"/>`,
      `    <summary type="text">${xmlText(e.summary)}</summary>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
