// Links the names a document prints to the records already kept: people (whatever
// honorific the minutes give them: "Mrs A Taylor", "Ms Anne Taylor" and "Cllr Taylor"
// are one person when nobody else shares the name), organisations and bodies. Pure.
import { defaultVocabulary } from './import/vocabulary.ts';
import { nameTools } from './import/names.ts';
import { HONORIFICS } from '../partnership/domain.ts';

const tools = nameTools(defaultVocabulary);
const extraHonorifics = new Set(HONORIFICS.map((h) => h.toLowerCase()));

export interface KnownPerson {
  id: string;
  honorific: string | null;
  given_name: string | null;
  family_name: string;
}

export interface KnownOrganisation {
  id: string;
  name: string;
  short_name: string | null;
}

export interface KnownBody {
  id: string;
  name: string;
  short_name: string | null;
  parent_id?: string | null;
}

/** Lower case, accents and punctuation gone, one space between words. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[’'`]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
}

export interface NameParts {
  honorific: string | null;
  /** Given names or initials, as printed: ["A"], ["Anne", "M"]. */
  given: string[];
  family: string;
}

const isHonorificWord = (w: string) => tools.isHonorific(w) || extraHonorifics.has(w.toLowerCase().replace(/\./g, ''));

/**
 * "Cllr Dr A M Taylor-Brown OBE (Chair)" -> honorific "Cllr Dr", given ["A", "M"],
 * family "Taylor-Brown". Honours and bracketed roles are left out.
 */
export function nameParts(raw: string): NameParts {
  let text = raw.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim().replace(/[,;]+$/, '');
  const honorifics: string[] = [];
  for (;;) {
    const title = tools.titleOf(text);
    const first = text.split(' ')[0] ?? '';
    const word = title ?? (isHonorificWord(first) ? first : null);
    if (!word || word.length >= text.length) break;
    honorifics.push(word.replace(/\.$/, ''));
    text = text.slice(word.length).replace(/^\.?\s*/, '');
  }
  let words = text.split(' ').filter(Boolean);
  // Honours after the name ("OBE", "QPM"): capitals only, not the whole name.
  while (words.length > 1 && tools.honours.has(words[words.length - 1]!.replace(/[.,]/g, '').toUpperCase())) words = words.slice(0, -1);
  // Initials written together ("AM Taylor", "A.M. Taylor") count one by one.
  const given = words.slice(0, -1).flatMap((w) => (/^(?:[A-Z]\.?){2,3}$/.test(w) ? w.replace(/\./g, '').split('') : [w.replace(/\.$/, '')]));
  return { honorific: honorifics.length ? honorifics.join(' ') : null, given, family: words[words.length - 1] ?? '' };
}

/** True when the given names printed fit the person's given names (initials fit names). */
function givenFits(printed: string[], personGiven: string | null): boolean {
  if (!printed.length || !personGiven) return true;
  const theirs = fold(personGiven).split(' ').filter(Boolean);
  const mine = printed.map(fold).filter(Boolean);
  if (!mine.length) return true;
  // The first printed name or initial must fit the person's first given name.
  const [a, ...restMine] = mine;
  const [b, ...restTheirs] = theirs;
  if (!b || !a) return true;
  const fits = (x: string, y: string) => (x.length === 1 || y.length === 1 ? x[0] === y[0] : x === y);
  if (!fits(a, b)) return false;
  // Further initials, where both sides have them, must fit too.
  for (let i = 0; i < Math.min(restMine.length, restTheirs.length); i++) if (!fits(restMine[i]!, restTheirs[i]!)) return false;
  return true;
}

export type PersonMatch = { kind: 'person'; person: KnownPerson } | { kind: 'ambiguous'; people: KnownPerson[] } | { kind: 'none' };

/** The one person this printed name is, when exactly one fits; honorifics are ignored. */
export function matchPerson(printed: string, people: readonly KnownPerson[]): PersonMatch {
  const parts = nameParts(printed);
  if (!parts.family) return { kind: 'none' };
  const family = fold(parts.family);
  const candidates = people.filter((p) => fold(p.family_name) === family && givenFits(parts.given, p.given_name));
  if (candidates.length === 1) return { kind: 'person', person: candidates[0]! };
  if (candidates.length > 1) {
    // A full given name printed may settle it where initials alone do not.
    const exact = parts.given.length ? candidates.filter((p) => p.given_name && fold(p.given_name) === parts.given.map(fold).join(' ')) : [];
    if (exact.length === 1) return { kind: 'person', person: exact[0]! };
    return { kind: 'ambiguous', people: candidates };
  }
  return { kind: 'none' };
}

/** Words that say nothing about which organisation or body is meant. */
const strip = (s: string) => fold(s).replace(/^the /, '').trim();

/** An organisation by its name or short name, as minutes print it: "Kent Police", "the KFRS", "Northshire Police (NP)". */
export function matchOrganisation(printed: string, organisations: readonly KnownOrganisation[]): KnownOrganisation | null {
  const bracket = /\(([^)]+)\)\s*$/.exec(printed)?.[1] ?? null;
  const name = strip(printed.replace(/\([^)]*\)\s*$/, ''));
  if (!name) return null;
  const found = organisations.filter((o) => strip(o.name) === name || (o.short_name && strip(o.short_name) === name) || (bracket && o.short_name && strip(o.short_name) === strip(bracket)));
  return found.length === 1 ? found[0]! : null;
}

/**
 * The body a document is of: a body whose every word the document's name holds
 * ("Northshire CSP Working Group" holds "Working Group"). Where a body and its subgroup
 * both fit, the subgroup is meant. Anything less certain is left to the clerk.
 */
export function matchBody(printed: string | null, bodies: readonly KnownBody[]): KnownBody | null {
  if (!printed) return null;
  const name = strip(printed);
  const exact = bodies.filter((b) => strip(b.name) === name || (b.short_name && strip(b.short_name) === name));
  if (exact.length === 1) return exact[0]!;
  const words = new Set(name.split(' '));
  const fits = bodies.filter((b) => {
    const theirs = strip(b.name).split(' ').filter((w) => w.length > 2 && w !== 'and');
    return theirs.length > 0 && theirs.every((w) => words.has(w));
  });
  const specific = fits.filter((b) => !fits.some((other) => other.parent_id === b.id));
  return specific.length === 1 ? specific[0]! : null;
}

/** The key under which one printed name is confirmed as a new person (same spelling, any honorific). */
export function personKey(printed: string): string {
  const p = nameParts(printed);
  return fold([...p.given, p.family].join(' '));
}

/** A new person's record from the name printed: "Mrs A Taylor" -> Mrs / A / Taylor. */
export function personFromName(printed: string): { honorific: string | null; given_name: string | null; family_name: string } {
  const p = nameParts(printed);
  return { honorific: p.honorific, given_name: p.given.length ? p.given.join(' ') : null, family_name: p.family };
}
