// Paragraphs rebuilt from lines: a PDF breaks lines (and puts blank lines) in the
// middle of sentences, so a paragraph ends only where the layout or the numbering
// says a new one begins.

import type { Line } from './text.ts';
import { joinBroken } from './text.ts';
import type { Vocabulary } from './vocabulary.ts';
import { escapeRe } from './text.ts';

export type BlockKind = 'para' | 'numbered' | 'bullet' | 'lettered' | 'resolved' | 'table' | 'heading';

export interface Block {
  kind: BlockKind;
  /** The printed paragraph number or letter. */
  num: string | null;
  indent: number;
  text: string;
  cells: string[] | null;
  firstLine: number;
}

export function resolutionMarker(vocab: Vocabulary): RegExp {
  const words = vocab.resolutionMarkers.map(escapeRe).join('|');
  const mixed = vocab.resolutionMarkers.map((w) => escapeRe(w.charAt(0) + w.slice(1).toLowerCase())).join('|');
  return new RegExp(`^(?:it\\s+was\\s+|it\\s+was\\s+unanimously\\s+|unanimously\\s+)?(?:(?:${words})\\b\\s*[:\\-–—]?\\s*|(?:${mixed})\\s*(?:[:\\-–—]\\s*|(?=that\\b|to\\b|unanimously\\b)))`, 'i');
}

/** True when the marker is printed as a marker: capitals, or a mixed-case word with a colon or 'that'/'to'. */
export function startsResolution(text: string, re: RegExp): boolean {
  const m = re.exec(text);
  if (!m) return false;
  const word = /([A-Za-z]+)\s*[:\-–—]?\s*$/.exec(m[0].trimEnd())?.[1] ?? '';
  return word === word.toUpperCase() || /[:\-–—]\s*$/.test(m[0]) || /^(that|to)\b/i.test(text.slice(m[0].length)) || /unanimously/i.test(m[0]);
}

const BESIDE = /^Action(?:ed)?\s+by\s*:\s*\S.{0,59}$/i;
const NUMBERED = /^(\d{1,3})[.)]\s+(.*)$/;
const LETTERED = /^\(?([a-z]|[ivx]{1,4}|[A-Z])[.)]\s+(.*)$/;
const LETTERED_PAREN = /^\(([a-zA-Z]|[ivx]{1,4})\)\s+(.*)$/;

export function buildBlocks(lines: Line[], vocab: Vocabulary): Block[] {
  const re = resolutionMarker(vocab);
  const blocks: Block[] = [];
  let current: Block | null = null;
  let gap = false;
  const open = (kind: BlockKind, text: string, line: Line, num: string | null = null): void => {
    current = { kind, num, indent: line.indent, text, cells: line.cells, firstLine: line.index };
    blocks.push(current);
  };
  for (const line of lines) {
    if (line.blank) {
      gap = true;
      continue;
    }
    const t = line.text;
    let m: RegExpExecArray | null;
    if (line.cells) open('table', line.cells.join(' | '), line);
    // "Action by: Clerk" (an owner printed beside the paragraph before) stands alone.
    else if (BESIDE.test(t)) open('para', t, line);
    else if (line.heading) open('heading', t, line);
    else if (line.bullet) {
      const inner = LETTERED_PAREN.exec(t);
      open('bullet', inner ? inner[2]! : t, line, inner ? inner[1]! : null);
    } else if ((m = NUMBERED.exec(t))) open('numbered', m[2]!, line, m[1]!);
    else if (startsResolution(t, re)) open('resolved', t, line);
    else if ((m = LETTERED_PAREN.exec(t) ?? LETTERED.exec(t)) && (current === null || gap || /[.:;]$/.test((current as Block).text))) open('lettered', m[2]!, line, m[1]!);
    else {
      const c = current as Block | null;
      const ended = c ? /[.!?:;]["')\]]?$/.test(c.text) : true;
      if (c && c.kind !== 'table' && c.kind !== 'heading' && !BESIDE.test(c.text) && (!gap || !ended)) c.text = joinBroken(c.text, t);
      else open('para', t, line);
    }
    gap = false;
  }
  return blocks;
}
