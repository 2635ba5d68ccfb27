// Minute numbers in the schemes councils print ("40.", "12/24", "24/031", "16/09/6/18vii",
// "5.1", "1.0", "(a)", "iv"), and run-in paragraphs: where a line holds several numbered
// minutes one after another ("... elected. 6. The Minutes ..."), it is split where the
// numbering goes on, and a heading's title is told from the text run in after it.

/** A printed minute number at the start of a line, then its text. */
export const MINUTE_NUMBER = String.raw`(?:[A-Z]{1,4}\s?)?\d{1,4}(?:\/\d{1,4}){0,3}(?:[a-z]{1,4})?(?![.]\d)|\d{1,3}(?:\.\d{1,2}){1,3}[a-z]?|\([a-z]\)|\((?:i{1,3}|iv|v|vi{1,3}|ix|x)\)`;

export interface NumberShape {
  /** Dotted parts, [5, 1] for "5.1", [1, 0] for "1.0", [40] for "40". Null for other schemes. */
  parts: number[] | null;
  /** The top-level number a heading continues: 5 for "5" and "5.0", null for "5.1" and other schemes. */
  top: number | null;
  /** A sub-number ("5.1") of a top-level minute. */
  sub: boolean;
}

export function numberShape(printed: string): NumberShape {
  if (/^\d{1,4}$/.test(printed)) return { parts: [Number(printed)], top: Number(printed), sub: false };
  if (/^\d{1,3}(?:\.\d{1,2}){1,3}$/.test(printed)) {
    const parts = printed.split('.').map(Number);
    const zeros = parts.slice(1).every((p) => p === 0);
    return { parts, top: zeros ? parts[0]! : null, sub: !zeros };
  }
  return { parts: null, top: null, sub: false };
}

/** True when `next` is the number printed after `last` in an outline: a sibling, an ancestor's sibling or a first child. */
export function continues(last: number[], next: number[]): boolean {
  for (let k = 0; k < last.length; k++) {
    if (next.length <= k) return false;
    const samePrefix = next.slice(0, k).every((p, i) => p === last[i]);
    if (samePrefix && next[k] === last[k]! + 1 && next.slice(k + 1).every((p) => p === 0)) return true;
  }
  return next.length === last.length + 1 && last.every((p, i) => p === next[i]) && (next[last.length] === 1 || next[last.length] === 0);
}

const AT_START = /^(?:#{1,6}\s+)?(?:\*\*)?(\d{1,3}(?:\.\d{1,2}){0,3})\\?[.)]?\s+\S/;
const IN_LINE = /(^|[.!?:;)”"’'\]]\s+|\s)(\d{1,3}(?:\.\d{1,2}){0,3})(\\?\.)?\s+(?=[A-Z“"‘'(£])/g;

/** Splits lines that run several numbered minutes (or numbered sub-minutes) together. */
/** A paragraph that held several numbered minutes: the number before the first cut, and the numbers cut out of it. */
export interface RunInSplit {
  before: string | null;
  numbers: string[];
}

export function splitRunIn(text: string, splits?: RunInSplit[]): string {
  let last: number[] | null = null;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('|') || trimmed.startsWith('<')) {
      out.push(line);
      continue;
    }
    const start = AT_START.exec(trimmed);
    if (start) last = start[1]!.split('.').map(Number);
    if (line.length < 40) {
      out.push(line);
      continue;
    }
    const cuts: number[] = [];
    IN_LINE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = IN_LINE.exec(line))) {
      const at = m.index + m[1]!.length;
      if (at === 0 || at <= line.length - trimmed.length) continue;
      const parts = m[2]!.split('.').map(Number);
      const dotted = parts.length > 1;
      // "6. The" after a sentence, or "4.1 NL declared" anywhere: plain integers need the full stop and a sentence end before.
      if (!dotted && !(m[3] && /[.!?:;)”"’'\]]\s+$/.test(m[1]!))) continue;
      // Before any number, only a first minute ("1.", "1.0") starts the numbering.
      if (last ? !continues(last, parts) : !(parts[0] === 1 && parts.slice(1).every((p) => p === 0))) continue;
      cuts.push(at);
      last = parts;
    }
    if (!cuts.length) {
      out.push(line);
      continue;
    }
    splits?.push({ before: start ? start[1]! : null, numbers: cuts.map((c) => /^\d{1,3}(?:\.\d{1,2}){0,3}/.exec(line.slice(c))?.[0] ?? '') });
    let from = 0;
    for (const c of cuts) {
      out.push(line.slice(from, c).trimEnd(), '');
      from = c;
    }
    out.push(line.slice(from));
  }
  // Bullets run into a paragraph ("... meetings • It was requested ... • Reported pot holes ...") become list items.
  return out.map((l) => (l.length > 80 && /\S\s+[•▪]\s+\S/.test(l) ? l.replace(/\s+[•▪]\s+(?=\S)/g, '\n• ') : l)).join('\n');
}

const CONNECTOR = /^(?:of|and|for|the|to|on|in|from|a|an|at|by|with|&|-|–|—|\/|re|ref|or|v|vs)$/i;
const STARTER = /^(?:It|There|The|This|These|That|Those|A|An|Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Councillors|Cllrs|Members|Apologies|We|He|She|They|All|Having|Following|Noted|Resolved|RESOLVED|Proposed|Agreed|Cheques|One|Two|Three|None|Nothing|No)$/;

const CLOCK = /^\d{1,2}(?:[.:]\d{2})?(?:am|pm|a\.m\.|p\.m\.)[,;.]?$/i;
const WEEKDAY = /^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b/i;

const opensText = (words: string[], k: number) => CLOCK.test(words[k]!) || (/^[-–—]$/.test(words[k]!) && WEEKDAY.test(words[k + 1] ?? ''));

const CLAUSE = /^(?:It|There|The|This|These|Apologies|None|Noted|Resolved|RESOLVED)$/;

/**
 * A run-in heading's title and the text after it: "Apologies There were none." gives
 * "Apologies"; "Apologies for absence accepted from: Cllr X" gives "Apologies for absence
 * accepted from"; a heading that is itself a sentence ("The Minutes ... were agreed.") is kept whole.
 */
export function runInTitle(text: string): { title: string; rest: string } {
  const words = text.trim().split(/\s+/);
  let depth = 0;
  const sentenceEnd = (w: string) => /[.!?]["'”’)]?$/.test(w) && !/^(?:No|Prop|Cllr|Mr|Mrs|Ms|Dr|St|etc|e\.g|i\.e|[A-Z])\.$/i.test(w);
  for (let k = 0; k < words.length && k < 40; k++) {
    const w = words[k]!;
    const inParens = depth > 0 || w.startsWith('(');
    depth += (w.match(/\(/g)?.length ?? 0) - (w.match(/\)/g)?.length ?? 0);
    if (depth < 0) depth = 0;
    const afterConnector = k > 0 && CONNECTOR.test(words[k - 1]!);
    // A clock time ("9.35pm;") or a dash before a weekday ("– Tuesday 8th September") opens the text.
    if (k > 0 && !inParens && opensText(words, k)) return split(words, k);
    if (k > 0 && !inParens && ((STARTER.test(w.replace(/[.,;:!?]+$/, '')) && !afterConnector) || /^[•▪]$/.test(w))) return split(words, k);
    if (/:$/.test(w)) return colonSplit(words, k);
    if (k > 0 && !inParens && /^[a-z]/.test(w) && !CONNECTOR.test(w)) {
      // A lower-case word: the heading is a sentence; it runs to the sentence's end.
      for (let j = k; j < words.length && j < 45; j++) {
        if (/^[•▪]$/.test(words[j]!) || opensText(words, j)) return split(words, j);
        // "Apologies for absence Apologies were received": a clause opens inside a lower-case title.
        if (j < k + 8 && CLAUSE.test(words[j]!.replace(/[.,;:!?]+$/, '')) && !CONNECTOR.test(words[j - 1]!)) return split(words, j);
        if (/:$/.test(words[j]!)) return colonSplit(words, j);
        if (sentenceEnd(words[j]!)) return split(words, j + 1);
      }
      return split(words, Math.min(words.length, 45));
    }
    if (sentenceEnd(w)) return split(words, k + 1);
  }
  return split(words, Math.min(words.length, 40));
}

// "Apologies for absence accepted from: ...": the participle and its preposition open the text, not the title.
const TRAILING_CLAUSE = /\s+((?:(?:were|was)\s+)?(?:received|accepted|noted|given|tendered|submitted|made)\s+(?:from|by)\s*:?)$/i;

function colonSplit(words: string[], k: number): { title: string; rest: string } {
  const title = words.slice(0, k + 1).join(' ').replace(/:$/, '');
  const rest = words.slice(k + 1).join(' ');
  const m = TRAILING_CLAUSE.exec(title);
  if (m && title.slice(0, m.index).split(/\s+/).length >= 1) return { title: title.slice(0, m.index), rest: `${m[1]!.replace(/:$/, '')}: ${rest}`.trim() };
  return { title, rest };
}

function split(words: string[], k: number): { title: string; rest: string } {
  // The number of the paragraph that follows ("Village Hall Update 10.1") is not part of the title.
  const title = words.slice(0, k).join(' ').replace(/\s+\d{1,2}\.$/, '').replace(/\s+\d{1,3}(?:\.\d{1,2}){1,3}$/, '');
  const rest = words.slice(k).join(' ');
  // A heading that is itself a sentence ("The Minutes ... were agreed as a true record.") is also the minute's text.
  return { title, rest: k >= 6 && /[.!?]$/.test(title) ? `${title} ${rest}`.trim() : rest };
}
