// Small text tools the reader shares: lines with their layout, paragraphs rebuilt
// from broken PDF lines, sentences, dates and times.

import type { Vocabulary } from './vocabulary.ts';

export interface Line {
  /** Position in the document, for ordering and messages. */
  index: number;
  /** The line as extracted. */
  raw: string;
  /** Trimmed, Markdown emphasis and links removed. */
  text: string;
  indent: number;
  /** Markdown heading level, 0 when not a heading. */
  heading: number;
  /** A "- " / "• " list item (the marker is removed from text). */
  bullet: boolean;
  /** A table row "| a | b |"; cells hold its cells. */
  cells: string[] | null;
  blank: boolean;
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Removes Markdown emphasis, links and escapes, keeping the words. */
export function stripMarkup(s: string): string {
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)/g, '$1')
    .replace(/<((?:https?:|mailto:)[^>\s]+)>/g, '$1')
    .replace(/(\*\*|__)(?=\S)([^*_]*?\S)\1/g, '$2')
    .replace(/(^|[\s(])\*(?=\S)([^*]*?\S)\*(?=$|[\s).,;:])/g, '$1$2')
    .replace(/(^|[\s(])_(?=\S)([^_]*?\S)_(?=$|[\s).,;:])/g, '$1$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

const BULLET = /^(?:[-*+•·▪◦‣■□●○➢>✓✔]|\u2022)\s+/;

export function toLines(text: string): Line[] {
  return text.split('\n').map((raw, index) => {
    const indent = raw.length - raw.trimStart().length;
    let t = raw.trim();
    let heading = 0;
    const h = /^(#{1,6})\s+(.*)$/.exec(t);
    if (h) {
      heading = h[1]!.length;
      t = h[2]!.replace(/\s+#+\s*$/, '');
    }
    let bullet = false;
    if (!heading && BULLET.test(t) && !/^-{3,}$/.test(t)) {
      bullet = true;
      t = t.replace(BULLET, '');
    }
    let cells: string[] | null = null;
    if (/^\|.*\|$/.test(t) && t.length > 2) {
      cells = t.slice(1, -1).split('|').map((c) => stripMarkup(c));
      if (cells.every((c) => /^:?-{2,}:?$/.test(c) || c === '')) cells = [];
    }
    const clean = stripMarkup(t);
    return { index, raw, text: clean, indent, heading, bullet, cells, blank: clean === '' };
  });
}

/** Joins two pieces of a line broken by a PDF, mending a split hyphenated word. */
export function joinBroken(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  if (/[A-Za-z]-$/.test(a)) return a + b;
  return a + ' ' + b;
}

export function abbreviationSet(vocab: Vocabulary): Set<string> {
  return new Set(vocab.abbreviations.map((a) => a.toLowerCase()));
}

/** Splits prose into sentences, not at "Mr." or "i.e." or an initial, nor inside brackets. */
export function sentences(text: string, abbreviations: Set<string>): string[] {
  const out: string[] = [];
  let start = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if ((c === '.' || c === '?' || c === '!') && depth === 0) {
      const next = text.slice(i + 1, i + 4);
      if (!/^\s+["'\u201c(]?[A-Z0-9£]/.test(next) && !/^\s+$/.test(text.slice(i + 1)) && i + 1 < text.length) continue;
      if (c === '.') {
        const before = /([A-Za-z.]+)$/.exec(text.slice(Math.max(0, i - 12), i))?.[1] ?? '';
        const word = before.toLowerCase();
        if (abbreviations.has(word) || /^[A-Z]$/.test(before) || /\.[a-z]$/i.test(before)) continue;
      }
      out.push(text.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out.filter(Boolean);
}

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH_RE = '(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\\.?';
const pad = (n: number) => String(n).padStart(2, '0');

function validDate(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2200) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

export interface FoundDate {
  iso: string;
  /** 'day' for a full date, 'month' for a month and year only. */
  precision: 'day' | 'month';
  at: number;
  length: number;
}

/** Every date printed in the text, in order: "18 November 2021", "18th of November, 2021", "November 18, 2021", "18/11/2021", "18.11.2021", "2021-11-18", "September 2025". */
export function findDates(text: string, defaultYear?: number): FoundDate[] {
  const found: FoundDate[] = [];
  const taken: [number, number][] = [];
  const add = (iso: string | null, precision: 'day' | 'month', at: number, length: number) => {
    if (!iso || taken.some(([a, b]) => at < b && at + length > a)) return;
    taken.push([at, at + length]);
    found.push({ iso, precision, at, length });
  };
  const patterns: [RegExp, (m: RegExpExecArray) => string | null, 'day' | 'month'][] = [
    [new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+of)?\\s+${MONTH_RE},?\\s+(\\d{4})\\b`, 'gi'), (m) => validDate(Number(m[3]), MONTHS[m[2]!.toLowerCase()]!, Number(m[1])), 'day'],
    [new RegExp(`\\b${MONTH_RE}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'gi'), (m) => validDate(Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2])), 'day'],
    [/\b(\d{4})-(\d{2})-(\d{2})\b/g, (m) => validDate(Number(m[1]), Number(m[2]), Number(m[3])), 'day'],
    [/\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\b/g, (m) => validDate(m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]), Number(m[2]), Number(m[1])), 'day'],
  ];
  for (const [re, toIso, precision] of patterns) for (let m = re.exec(text); m; m = re.exec(text)) add(toIso(m), precision, m.index, m[0].length);
  if (defaultYear) {
    const re = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+of)?\\s+${MONTH_RE}(?![\\w,]*\\s+\\d{4})`, 'gi');
    for (let m = re.exec(text); m; m = re.exec(text)) add(validDate(defaultYear, MONTHS[m[2]!.toLowerCase()]!, Number(m[1])), 'day', m.index, m[0].length);
  }
  const monthOnly = new RegExp(`\\b${MONTH_RE}\\s+(\\d{4})\\b`, 'gi');
  for (let m = monthOnly.exec(text); m; m = monthOnly.exec(text)) {
    const month = MONTHS[m[1]!.toLowerCase()]!;
    add(`${m[2]}-${pad(month)}`, 'month', m.index, m[0].length);
  }
  return found.sort((a, b) => a.at - b.at);
}

/** A start time: "10.00 am", "10am", "7.30pm", "at 10:00", "Time: 19:30". */
export function findTime(text: string): string | null {
  const m = /\b(\d{1,2})(?:[.:](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![a-z])/i.exec(text);
  if (m) {
    let h = Number(m[1]);
    const min = Number(m[2] ?? '0');
    const pm = /^p/i.test(m[3]!);
    if (h === 12) h = pm ? 12 : 0;
    else if (pm) h += 12;
    if (h < 24 && min < 60) return `${pad(h)}:${pad(min)}`;
  }
  const t = /\b(?:at|time:?|starts?|commencing)\s+(\d{1,2})[.:](\d{2})\b(?!\s*(?:-|–)\s*\d)/i.exec(text);
  if (t) {
    const h = Number(t[1]);
    const min = Number(t[2]);
    if (h < 24 && min < 60) return `${pad(h)}:${pad(min)}`;
  }
  return null;
}

/** "NORTHSHIRE COMMUNITY SAFETY PARTNERSHIP" -> "Northshire Community Safety Partnership"; mixed case is left alone. */
export function titleCase(s: string): string {
  if (/[a-z]/.test(s)) return s;
  const small = new Set(['and', 'of', 'the', 'for', 'in', 'on', 'at', 'to', 'a', 'an', 'with', 'by']);
  return s
    .toLowerCase()
    .split(/(\s+|-)/)
    .map((w, i) => (i > 0 && small.has(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
}

const fold = (s: string) => s.normalize('NFKD').toLowerCase().replace(/[^a-z0-9£/ ]+/g, ' ').replace(/\s+/g, ' ').trim();

/** Share of words two texts have in common (Dice on word multisets). */
export function similarity(a: string, b: string): number {
  const x = fold(a).split(' ').filter(Boolean);
  const y = fold(b).split(' ').filter(Boolean);
  if (!x.length && !y.length) return 1;
  if (!x.length || !y.length) return 0;
  const counts = new Map<string, number>();
  for (const t of x) counts.set(t, (counts.get(t) ?? 0) + 1);
  let shared = 0;
  for (const t of y) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(t, n - 1);
    }
  }
  return (2 * shared) / (x.length + y.length);
}

export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
