// Search rules: pure, no I/O.

export const SEARCH_KINDS = [
  { value: 'agenda-item', text: 'Agenda items' },
  { value: 'minute-paragraph', text: 'Minutes' },
  { value: 'resolution', text: 'Decisions' },
  { value: 'action', text: 'Actions' },
  { value: 'paper', text: 'Papers' },
  { value: 'funding-proposal', text: 'Funding proposals' },
  { value: 'agreement', text: 'Community Safety Agreements' },
  { value: 'plan-action', text: 'Plan actions' },
  { value: 'assessment', text: 'Assessments' },
  { value: 'bulletin', text: 'Bulletins' },
  { value: 'session', text: 'Information sessions' },
  { value: 'original', text: 'Imported originals' },
] as const;
/** Kinds only officers and administrators can ever find (an imported original may hold private business). */
export const STAFF_ONLY_KINDS: readonly string[] = ['original'];
/** The record type an entry's reads are audited under, where it differs from its kind. */
export const auditRecordType = (kind: string) => (kind === 'original' ? 'import' : kind);
export type SearchKind = (typeof SEARCH_KINDS)[number]['value'];
export const searchKindValues: readonly string[] = SEARCH_KINDS.map((k) => k.value);
export const searchKindLabel = (kind: string) => SEARCH_KINDS.find((k) => k.value === kind)?.text.replace(/s$/, '') ?? kind;

export const PAGE_SIZE = 20;
export const MAX_QUERY_LENGTH = 200;

// Markers that PostgreSQL's ts_headline puts around matches; control characters cannot
// appear in stored text, so after escaping the snippet they become <mark> safely.
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A headline from the database as safe HTML with the matched words in <mark>. */
export function snippetHtml(headline: string): string {
  return escapeHtml(headline.replace(/[\u0000\u0001\u0004-\u0008\u000b\u000c\u000e-\u001f]/g, ''))
    .replaceAll(MATCH_START, '<mark>')
    .replaceAll(MATCH_END, '</mark>');
}

/** Removes control characters that would confuse the match markers; keeps quotes and minus signs for phrases and exclusions. */
export function cleanQuery(q: string): string {
  return q.replace(/[\u0000-\u001f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_LENGTH);
}

/** Text stored for search: no control characters (they are our match markers). */
export function cleanContent(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ');
}

/** Hyphenated words as they also are written joined: "anti-social behaviour" -> "antisocial". */
export function joinedForms(text: string, limit = 200_000): string {
  const found = new Set<string>();
  for (const m of text.slice(0, limit).matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu)) found.add(m[0].toLowerCase().replace(/-/g, ''));
  return [...found].join(' ');
}

/** A query with its hyphenated words joined up, or null when it has none. */
export function joinedQuery(q: string): string | null {
  const joined = q.replace(/([\p{L}\p{N}])-(?=[\p{L}\p{N}])/gu, '$1');
  return joined === q ? null : joined;
}

export interface Synonym { term: string; meaning: string }

/** The short forms a community safety partnership's papers use, and what they stand for. */
export const DEFAULT_SYNONYMS: Synonym[] = [
  { term: 'ASB', meaning: 'anti-social behaviour' },
  { term: 'DA', meaning: 'domestic abuse' },
  { term: 'VAWG', meaning: 'violence against women and girls' },
  { term: 'CSE', meaning: 'child sexual exploitation' },
  { term: 'DHR', meaning: 'domestic homicide review' },
  { term: 'DARDR', meaning: 'domestic abuse related death review' },
  { term: 'SAR', meaning: 'safeguarding adults review' },
  { term: 'PCC', meaning: 'Police and Crime Commissioner' },
  { term: 'OPCC', meaning: 'Office of the Police and Crime Commissioner' },
  { term: 'VRU', meaning: 'violence reduction unit' },
  { term: 'CSA', meaning: 'Community Safety Agreement' },
  { term: 'CSP', meaning: 'Community Safety Partnership' },
  { term: 'ToR', meaning: 'terms of reference' },
  { term: 'MARAC', meaning: 'multi-agency risk assessment conference' },
  { term: 'SVD', meaning: 'serious violence duty' },
];

/** "ASB = anti-social behaviour" lines -> pairs; each problem names its line. */
export function parseSynonyms(text: string): { pairs: Synonym[]; errors: string[] } {
  const pairs: Synonym[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = /^([^=]{1,60}?)\s*=\s*(.{1,200})$/.exec(line);
    if (!m || !/[\p{L}\p{N}]/u.test(m[1]!) || !/[\p{L}\p{N}]/u.test(m[2]!)) {
      errors.push(`Line ${i + 1}: write the short form, an equals sign and what it stands for, like ASB = anti-social behaviour`);
      return;
    }
    pairs.push({ term: m[1]!.trim(), meaning: m[2]!.trim() });
  });
  if (pairs.length > 200) errors.push('The list takes at most 200 synonyms');
  return { pairs, errors };
}

/** The synonyms a query could use: those whose short form or first word of meaning it contains. */
export function synonymsFor(q: string, synonyms: Synonym[]): Synonym[] {
  // Compared without hyphens, so "antisocial" uses the line for "anti-social behaviour".
  const wordsOf = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}-]+/u).filter(Boolean).map((w) => w.replace(/-/g, ''));
  const words = new Set(wordsOf(q));
  return synonyms.filter((s) => words.has(wordsOf(s.term).join('')) || words.has(wordsOf(s.meaning)[0] ?? ''));
}
