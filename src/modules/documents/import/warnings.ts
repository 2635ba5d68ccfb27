// What a careful clerk would flag before accepting the reading: numbering that
// repeats or runs on, people listed twice or spelled two ways, text cut short.

import type { Attendance, Attendee, ItemReading } from './types.ts';
import type { Vocabulary } from './vocabulary.ts';
import type { NameTools } from './names.ts';
import { givenOf, surnameOf } from './names.ts';
import { editDistance } from './text.ts';

export interface ItemTrace {
  item: ItemReading;
  /** Top-level paragraph numbers, in order. */
  paragraphNumbers: number[];
  text: string;
  truncatedAt: string | null;
  line: number;
  meetingLabel?: string;
}

const LIST_NAMES: Record<keyof Attendance, string> = { present: 'PRESENT', alsoPresent: 'ALSO PRESENT', inAttendance: 'IN ATTENDANCE', apologies: 'apologies' };

function itemRef(item: ItemReading): string {
  if (item.minuteNumber) return `minute ${item.minuteNumber}${item.agendaCode ? ` (Item ${item.agendaCode})` : ''}`;
  if (item.agendaCode) return `item ${item.agendaCode}`;
  return `the '${item.title}' item`;
}

const bare = (name: string, tools: NameTools): string => {
  const t = tools.titleOf(name);
  return (t ? name.slice(t.length) : name).trim();
};

export function attendanceWarnings(att: Attendance, tools: NameTools, prefix: string, joins: { kind: keyof Attendance; piece: string }[], vocab: Vocabulary): string[] {
  void vocab;
  const out: string[] = [];
  for (const j of joins) {
    const names = tools.mention.source ? j.piece : j.piece;
    out.push(`${prefix}${LIST_NAMES[j.kind]} list: no comma between two names ('${names}')`);
  }
  for (const kind of Object.keys(att) as (keyof Attendance)[]) {
    const list = att[kind];
    const label = `${prefix}${LIST_NAMES[kind]} list`;
    const seen = new Map<string, Attendee>();
    for (const person of list) {
      const key = person.name.toLowerCase().replace(/\s+/g, ' ');
      if (seen.has(key)) out.push(`${label}: '${person.name}' is listed twice`);
      seen.set(key, person);
    }
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const x = list[a]!.name;
        const y = list[b]!.name;
        if (x.toLowerCase() === y.toLowerCase()) continue;
        const bx = bare(x, tools);
        const by = bare(y, tools);
        if (bx && bx.toLowerCase() === by.toLowerCase()) {
          out.push(`${label}: ${bx} is listed twice, as '${x}' and as '${y}'`);
          continue;
        }
        const sx = surnameOf(x);
        const sy = surnameOf(y);
        const gx = givenOf(x, tools).join(' ');
        const gy = givenOf(y, tools).join(' ');
        const prefixed = (p: string, q: string) => q.toLowerCase().startsWith(p.toLowerCase() + '-') || q.toLowerCase().startsWith(p.toLowerCase() + ' ');
        if (gx === gy && (prefixed(sx, sy) || prefixed(sy, sx))) out.push(`${label}: both '${x}' and '${y}' are listed, possibly the same person`);
      }
    }
    for (const person of list) {
      if (!person.name.includes(' ') && !tools.titleOf(person.name)) out.push(`attendee '${person.name}' in the ${label.replace(prefix, '')} has no title or initial`);
    }
  }
  return out;
}

export function numberingWarnings(traces: ItemTrace[], prefix: string): string[] {
  const out: string[] = [];
  const byNumber = new Map<string, ItemTrace[]>();
  for (const t of traces) {
    if (!t.item.minuteNumber) continue;
    const list = byNumber.get(t.item.minuteNumber) ?? [];
    list.push(t);
    byNumber.set(t.item.minuteNumber, list);
  }
  for (const [n, list] of byNumber) {
    if (list.length < 2) continue;
    const described = list.map((t) => `${n} ${t.item.title}${t.item.agendaCode ? ` (Item ${t.item.agendaCode})` : ''}`);
    out.push(`${prefix}minute number ${n} is used ${list.length === 2 ? 'twice' : `${list.length} times`}: ${described.join(' and ')}`);
  }
  const numeric = traces.map((t) => (t.item.minuteNumber && /^\d+$/.test(t.item.minuteNumber) ? Number(t.item.minuteNumber) : null));
  const misprinted = new Set<number>();
  for (let i = 1; i + 1 < numeric.length; i++) {
    const a = numeric[i - 1];
    const b = numeric[i];
    const c = numeric[i + 1];
    // One number in the place of another: 55, 6, 57.
    if (a == null || b == null || c == null || c !== a + 2 || b === a + 1) continue;
    misprinted.add(i);
    out.push(`${prefix}minute number '${traces[i]!.item.minuteNumber}' is printed for ${traces[i]!.item.title} between minutes ${a} and ${c} (${a + 1} expected): the number is out of order`);
  }
  for (let i = 1; i < numeric.length; i++) {
    const a = numeric[i - 1];
    const b = numeric[i];
    if (misprinted.has(i) || misprinted.has(i - 1)) continue;
    if (a == null || b == null || b === a) continue;
    if (b < a) out.push(`${prefix}minute numbers go backwards: ${a} is followed by ${b}`);
    else if (b > a + 1) out.push(`${prefix}minute numbers skip from ${a} to ${b}`);
  }
  const irregular: string[] = [];
  for (let i = 0; i < traces.length; i++) {
    const t = traces[i]!;
    const nums = t.paragraphNumbers;
    if (!nums.length) continue;
    const regular = nums.every((n, k) => n === k + 1);
    if (regular) continue;
    const runsOn = nums.every((n, k) => n === nums[0]! + k);
    const prev = traces[i - 1];
    if (runsOn && prev && prev.paragraphNumbers.length && prev.paragraphNumbers[prev.paragraphNumbers.length - 1]! + 1 === nums[0]) {
      const p = prev.paragraphNumbers;
      out.push(
        `${prefix}paragraph numbering runs on across items: ${itemRef(prev.item)} has paragraphs ${p[0]}-${p[p.length - 1]} and ${itemRef(t.item)} continues at ${nums[0]}-${nums[nums.length - 1]} instead of restarting at 1`,
      );
    } else irregular.push(`${t.item.title}: ${nums.join(', ')}`);
  }
  if (irregular.length) out.push(`${prefix}paragraph numbering restarts irregularly within items (${irregular.join('; ')})`);
  for (const t of traces) {
    if (t.truncatedAt) out.push(`text of ${itemRef(t.item)} is truncated ('${t.truncatedAt.slice(-80)}'): the rest of it and any RESOLVED clause are not in the document`);
  }
  return out;
}

/** Names in the minutes that differ from the attendance lists by a letter or by title. */
export function nameWarnings(att: Attendance, traces: ItemTrace[], tools: NameTools, vocab: Vocabulary): string[] {
  const out: string[] = [];
  const everyone = (Object.keys(att) as (keyof Attendance)[]).flatMap((k) => att[k].map((p) => ({ person: p, list: LIST_NAMES[k] })));
  if (!everyone.length) return out;
  const male = new Set(vocab.maleTitles.map((t) => t.toLowerCase()));
  const female = new Set(vocab.femaleTitles.map((t) => t.toLowerCase()));
  const gender = (title: string | null) => (title ? (male.has(title.toLowerCase()) ? 'm' : female.has(title.toLowerCase()) ? 'f' : null) : null);
  const reported = new Set<string>();
  for (const t of traces) {
    const re = new RegExp(tools.mention.source, 'g');
    for (let m = re.exec(t.text); m; m = re.exec(t.text)) {
      const mention = m[0].replace(/['’]s$/, '');
      const title = tools.titleOf(mention);
      const surname = surnameOf(mention);
      if (surname.length < 3) continue;
      const sameSurname = everyone.filter((e) => surnameOf(e.person.name).toLowerCase() === surname.toLowerCase());
      if (sameSurname.length) {
        const given = givenOf(mention, tools);
        for (const e of sameSurname) {
          const g1 = gender(title);
          const g2 = gender(tools.titleOf(e.person.name));
          const eg = givenOf(e.person.name, tools);
          const compatible = !given.length || !eg.length || given[0]!.charAt(0).toLowerCase() === eg[0]!.charAt(0).toLowerCase();
          const key = `title:${e.person.name}:${mention}`;
          if (g1 && g2 && g1 !== g2 && compatible && !reported.has(key) && sameSurname.length === 1) {
            reported.add(key);
            out.push(`title inconsistent for the same person: '${e.person.name}' in the ${e.list} list but '${mention}' in ${itemRef(t.item)}`);
          }
        }
        continue;
      }
      if (surname.length < 4) continue;
      const close = everyone.filter((e) => {
        const s = surnameOf(e.person.name);
        if (s.length < 4 || s.charAt(0).toLowerCase() !== surname.charAt(0).toLowerCase()) return false;
        const d = editDistance(s.toLowerCase(), surname.toLowerCase());
        return d > 0 && d <= (Math.min(s.length, surname.length) >= 7 ? 2 : 1);
      });
      for (const e of close) {
        const key = `spell:${e.person.name}:${surname}`;
        if (reported.has(key)) continue;
        reported.add(key);
        out.push(`name spelled two ways: '${e.person.name}' in the ${e.list} list but '${mention}' in ${itemRef(t.item)}`);
      }
    }
  }
  return out;
}
