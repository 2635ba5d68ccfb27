// People's names as printed in minutes: lists of attendees, and mentions in the text.

import type { Attendee } from './types.ts';
import type { Vocabulary } from './vocabulary.ts';
import { escapeRe } from './text.ts';

export interface NameTools {
  /** Matches an honorific at the start of a string. */
  leading: RegExp;
  /** Finds honorific + name mentions in prose ("Mr Peerbux", "DI James Ross"). */
  mention: RegExp;
  honours: Set<string>;
  notPerson: RegExp;
  isHonorific(word: string): boolean;
  titleOf(name: string): string | null;
}

export function nameTools(vocab: Vocabulary): NameTools {
  const titles = [...vocab.honorifics].sort((a, b) => b.length - a.length).map((t) => escapeRe(t).replace(/\\\./g, '\\.?').replace(/ /g, '\\s*'));
  const alt = titles.join('|');
  const leading = new RegExp(`^(?:${alt})\\.?(?=\\s|$)`, '');
  const word = "[A-Z][A-Za-z'’\\-]+";
  const mention = new RegExp(`(?<![A-Za-z])(?:${alt})\\.?\\s+(?:[A-Z]\\.?\\s+){0,3}(?:${word}\\s+)?${word}`, 'g');
  const honorificSet = new Set(vocab.honorifics.map((h) => h.toLowerCase().replace(/\./g, '')));
  return {
    leading,
    mention,
    honours: new Set(vocab.honours.map((h) => h.toUpperCase())),
    notPerson: new RegExp(`^(?:\\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|some|a few|a number of|many|no)?\\s*(?:other\\s+)?(?:${vocab.notPeople.map(escapeRe).join('|')})$`, 'i'),
    isHonorific: (w) => honorificSet.has(w.toLowerCase().replace(/\./g, '')),
    titleOf: (name) => leading.exec(name)?.[0]?.replace(/\.$/, '') ?? null,
  };
}

/** Splits at commas and semicolons that are not inside brackets. */
function splitOutsideBrackets(s: string, separators: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      separators.lastIndex = i;
      const m = separators.exec(s);
      if (m && m.index === i) {
        out.push(s.slice(last, i));
        last = i + m[0].length;
        i = last - 1;
      }
    }
  }
  out.push(s.slice(last));
  return out;
}

export interface ParsedList {
  attendees: Attendee[];
  /** Pieces that held two people with no comma between them. */
  joined: string[];
  /** Roles listed as entries of their own after the names they belong to ("..., Mrs Ryding, Clerk, ..."). */
  roles?: string[];
}

// Roles that, standing alone in a list, belong to the name before them.
const ROLE_ENTRY = /^(?:(?:assistant|deputy|parish|town|acting|locum)\s+)?(?:clerk|councillors?|chair(?:man|woman|person)?|vice[- ]chair(?:man|woman|person)?|treasurer|secretary|rfo|responsible financial officer|mayor|deputy mayor|minute[- ]taker)s?$/i;

const PLURAL_TITLE = /^(Cllrs|Councillors|Messrs)\.?\s+(?=[A-Z])/;
const SINGULAR: Record<string, string> = { cllrs: 'Cllr', councillors: 'Councillor', messrs: 'Mr' };

/** Reads "Mr A Smith (Chair), Ms B Jones, OBE and Cllr C Brown" into people. */
export function parseNameList(text: string, tools: NameTools): ParsedList {
  const cleaned = text
    .replace(/^[:\-–\s]+/, '')
    .replace(/[.;,\s]+$/, '')
    .replace(/\s+/g, ' ');
  const joined: string[] = [];
  if (!cleaned || /^(none|nil|n\/a|no apologies.*|none received|-)$/i.test(cleaned)) return { attendees: [], joined };
  const byInitials = splitAtInitials(cleaned, tools);
  if (byInitials) return { attendees: byInitials, joined };
  // "Cllrs Hodivala, Hewett and Wood", "Councillors Alun Davies, Kim Davies": the title is each one's.
  const plural = PLURAL_TITLE.exec(cleaned);
  const shared = plural ? SINGULAR[plural[1]!.toLowerCase()]! : null;
  const pieces = splitOutsideBrackets(plural ? cleaned.slice(plural[0].length) : cleaned, /\s*[,;]\s*|\s+and\s+|\s+&\s+/y);
  const attendees: Attendee[] = [];
  let roleEntries: string[] | undefined;
  for (let piece of pieces) {
    piece = piece.trim().replace(/^(?:and|&)\s+/i, '').trim();
    if (!piece) continue;
    if (shared && !tools.leading.test(piece) && /^[A-Z]/.test(piece) && !/\b(?:council|county|borough|district)\b/i.test(piece)) piece = `${shared} ${piece}`;
    let role: string | null = null;
    // "Olive Hart – Town Clerk": a role after a spaced dash.
    const dashed = /^(.+?)\s+[-–—]\s+(.+)$/.exec(piece);
    if (dashed && dashed[1]!.split(' ').length <= 5) {
      role = dashed[2]!.trim();
      piece = dashed[1]!.trim();
    }
    // "Dave Hale (DH) Clerk": initials in brackets after the name, then the role.
    const initialled = /^(.+?)\s*\(([A-Z]{2,4})\)\s*(.*)$/.exec(piece);
    if (initialled && !role && initialsOf(initialled[1]!, initialled[2]!, tools)) {
      piece = initialled[1]!.trim();
      role = initialled[3]!.trim() || null;
    }
    const r = /\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$/.exec(piece);
    if (r && !role) {
      role = r[1]!.trim() || null;
      piece = piece.slice(0, r.index).trim();
    }
    // Honours after the name belong to the person before, and are not a person.
    const words = piece.split(' ');
    while (words.length && tools.honours.has(words[words.length - 1]!.replace(/[.,]/g, '').toUpperCase())) words.pop();
    if (!words.length) {
      const prev = attendees[attendees.length - 1];
      if (prev && role && !prev.role) prev.role = role;
      continue;
    }
    // Two people run together: a second title in the middle, after a name.
    const people: string[][] = [[]];
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      const current = people[people.length - 1]!;
      const rest = words.slice(i).join(' ');
      const startsTitle = tools.leading.test(rest);
      if (startsTitle && current.length >= 2 && !tools.isHonorific(current[current.length - 1]!) && /^[A-Z]/.test(w)) {
        people.push([w]);
      } else current.push(w);
    }
    if (people.length === 1 && tools.notPerson.test(piece)) continue;
    // "Mr D Dent and Mrs V Whitehead, Councillors, Mrs S Ryding, Clerk": a role standing alone is the role of those before it.
    if (people.length === 1 && !role && ROLE_ENTRY.test(piece) && attendees.length) {
      const plural = /s$/i.test(piece) && !/^(?:clerk|chairman)s?$/i.test(piece) ? true : false;
      const title = plural ? piece.replace(/s$/i, '') : piece;
      if (plural) for (let k = attendees.length - 1; k >= 0 && !attendees[k]!.role; k--) attendees[k]!.role = title;
      else if (!attendees[attendees.length - 1]!.role) attendees[attendees.length - 1]!.role = title;
      (roleEntries ??= []).push(piece);
      continue;
    }
    if (people.length > 1) joined.push(piece);
    people.forEach((p, i) => {
      const name = p.join(' ').replace(/[,.]+$/, '').trim();
      if (name) attendees.push({ name, role: i === people.length - 1 ? role : null });
    });
  }
  return roleEntries ? { attendees, joined, roles: roleEntries } : { attendees, joined };
}

/** True when `initials` ("JB", "PAG") are the first letters of the name's words (title aside), in order. */
function initialsOf(name: string, initials: string, tools: NameTools): boolean {
  const words = name.trim().split(/\s+/).filter((w) => !tools.isHonorific(w));
  if (words.length < 2 || words.length > 4) return false;
  const firsts = words.map((w) => w[0]!.toUpperCase()).join('');
  // "PAG" for Peter Agate: the first letter of the given name, then the surname's first letters.
  const last = words[words.length - 1]!.toUpperCase();
  return firsts === initials || (initials[0] === firsts[0] && last.startsWith(initials.slice(1)));
}

/**
 * A list with no separators where each name is followed by its initials and perhaps a
 * role: "Cllr Jo Bruce JB Chair Cllr Gail Koopowitz GK Vice Chair Nicola Cooper NC Clerk".
 * The initials mark where each name ends; the words after them, up to the next name, are
 * the role. Null where no one is marked so.
 */
function splitAtInitials(text: string, tools: NameTools): Attendee[] | null {
  if (/[,;]/.test(text.replace(/\([^()]*\)/g, ''))) return null;
  const words = text.split(' ');
  const marks: { start: number; at: number }[] = [];
  for (let k = 2; k < words.length; k++) {
    const w = words[k]!;
    if (!/^[A-Z]{2,3}$/.test(w)) continue;
    for (let n = 2; n <= 3; n++) {
      const from = k - n;
      if (from < 0 || (marks.length && from <= marks[marks.length - 1]!.at)) continue;
      const name = words.slice(from, k);
      if (!name.every((x) => /^[A-Z][a-z'’\-]+$/.test(x)) || !initialsOf(name.join(' '), w, tools)) continue;
      const start = from > 0 && tools.isHonorific(words[from - 1]!) ? from - 1 : from;
      marks.push({ start, at: k });
      break;
    }
  }
  // One person needs the name to open the text: "Cllr Tom Vale TV District Council".
  if (marks.length < 2 && !(marks.length === 1 && marks[0]!.start === 0)) return null;
  return marks.map((m, i) => {
    const roleWords = words.slice(m.at + 1, marks[i + 1]?.start ?? words.length).join(' ').trim();
    return { name: words.slice(m.start, m.at).join(' '), role: roleWords || null };
  });
}

/** Reads one person per line ("Cllr A Smith (Chair)", "Cllr A Smith - Chair", "| Cllr A Smith | Chair |"). */
export function parsePersonLine(text: string, cells: string[] | null, tools: NameTools): Attendee | null {
  if (cells && cells.length) {
    const [first, second] = cells;
    if (!first || /^(name|member|attendee|organisation|role)$/i.test(first)) return null;
    const parsed = parseNameList(first, tools).attendees[0];
    return parsed ? { name: parsed.name, role: parsed.role ?? (second?.trim() || null) } : null;
  }
  const dash = /^(.+?)\s+[-–—]\s+(.+)$/.exec(text);
  if (dash) return { name: dash[1]!.trim(), role: dash[2]!.trim() };
  const list = parseNameList(text, tools).attendees;
  if (list.length === 2 && !list[1]!.role && !tools.leading.test(list[1]!.name) && tools.leading.test(list[0]!.name) && !/\s&\s|\sand\s/.test(text))
    return { name: list[0]!.name, role: list[1]!.name };
  return list[0] ?? null;
}

/** The surname: the last word of a name, or the word before a bracket. */
export function surnameOf(name: string): string {
  const words = name.replace(/\(.*?\)/g, '').trim().split(/\s+/);
  return words[words.length - 1] ?? '';
}

/** Initials and first names between the title and the surname. */
export function givenOf(name: string, tools: NameTools): string[] {
  const title = tools.titleOf(name);
  const rest = (title ? name.slice(title.length) : name).trim().split(/\s+/);
  return rest.slice(0, -1).map((w) => w.replace(/\./g, ''));
}
