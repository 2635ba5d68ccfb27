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
