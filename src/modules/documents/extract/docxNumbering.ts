// Word's automatic numbering lives in numbering.xml, not in the text: a numbered paragraph
// stores only a list (w:numId) and a level (w:ilvl). This works out the number Word prints
// for each such paragraph (its level's format and text, with counters kept per list), so
// that minute numbers survive as printed ("7.", "7.2", "(b)", "iv)") instead of every
// paragraph starting a new list at 1.

import { XMLParser } from 'fast-xml-parser';

interface Level {
  fmt: string;
  text: string;
  start: number;
}

interface NumberingDefinitions {
  /** numId -> abstractNumId, and the levels a w:lvlOverride restarts. */
  nums: Map<string, { abstract: string; restarts: Map<number, number> }>;
  abstracts: Map<string, Map<number, Level>>;
  /** Paragraph style -> the list its paragraphs belong to. */
  styles: Map<string, { numId: string; ilvl: number }>;
}

// The XML as fast-xml-parser gives it in document order: each element an object with its
// one name as key (its children as the value) and its attributes under ':@'.
type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };
const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, processEntities: false });
const parse = (xml: string): XmlNode[] => (xml ? (parser.parse(xml) as XmlNode[]) : []);

const nameOf = (node: XmlNode) => Object.keys(node).find((k) => k !== ':@') ?? '';
// Text is kept as { '#text': '...' }: it has no children.
const childrenOf = (node: XmlNode): XmlNode[] => { const value = node[nameOf(node)]; return Array.isArray(value) ? (value as XmlNode[]) : []; };
const attrOf = (node: XmlNode, name: string): string | null => node[':@']?.[name] ?? null;
/** The first element of that name among the children. */
const child = (node: XmlNode | undefined, name: string): XmlNode | undefined => (node ? childrenOf(node).find((c) => nameOf(c) === name) : undefined);
/** Every element of that name, at any depth, in document order. */
function descendants(nodes: XmlNode[], name: string): XmlNode[] {
  const found: XmlNode[] = [];
  const stack = [...nodes].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (nameOf(n) === name) found.push(n);
    else stack.push(...[...childrenOf(n)].reverse());
  }
  return found;
}
const valOf = (node: XmlNode | undefined, name: string) => { const c = child(node, name); return c ? attrOf(c, 'w:val') : null; };

export function readNumberingDefinitions(numberingXml: string, stylesXml: string): NumberingDefinitions {
  const numbering = parse(numberingXml);
  const abstracts = new Map<string, Map<number, Level>>();
  for (const a of descendants(numbering, 'w:abstractNum')) {
    const id = attrOf(a, 'w:abstractNumId');
    if (id === null) continue;
    const levels = new Map<number, Level>();
    for (const l of childrenOf(a).filter((c) => nameOf(c) === 'w:lvl')) {
      levels.set(Number(attrOf(l, 'w:ilvl') ?? '0'), { fmt: valOf(l, 'w:numFmt') ?? 'decimal', text: valOf(l, 'w:lvlText') ?? '', start: Number(valOf(l, 'w:start') ?? '1') || 0 });
    }
    abstracts.set(id, levels);
  }
  const nums = new Map<string, { abstract: string; restarts: Map<number, number> }>();
  for (const n of descendants(numbering, 'w:num')) {
    const id = attrOf(n, 'w:numId');
    const abstract = valOf(n, 'w:abstractNumId');
    if (id === null || abstract === null) continue;
    const restarts = new Map<number, number>();
    for (const o of childrenOf(n).filter((c) => nameOf(c) === 'w:lvlOverride')) {
      const start = valOf(o, 'w:startOverride');
      if (start !== null) restarts.set(Number(attrOf(o, 'w:ilvl') ?? '0'), Number(start));
    }
    nums.set(id, { abstract, restarts });
  }
  const styles = new Map<string, { numId: string; ilvl: number }>();
  for (const st of descendants(parse(stylesXml), 'w:style')) {
    const id = attrOf(st, 'w:styleId');
    const numPr = child(child(st, 'w:pPr'), 'w:numPr');
    const numId = valOf(numPr, 'w:numId');
    if (id && numId) styles.set(id, { numId, ilvl: Number(valOf(numPr, 'w:ilvl') ?? '0') });
  }
  return { nums, abstracts, styles };
}

const ROMAN: [number, string][] = [[1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'], [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i']];
function roman(n: number): string {
  let out = '';
  for (const [v, s] of ROMAN) while (n >= v) (out += s), (n -= v);
  return out;
}
function letters(n: number): string {
  // Word repeats the letter past z: a ... z, aa ... zz.
  const k = Math.max(1, n);
  return String.fromCharCode(97 + ((k - 1) % 26)).repeat(Math.floor((k - 1) / 26) + 1);
}

function format(n: number, fmt: string): string {
  switch (fmt) {
    case 'lowerRoman': return roman(n);
    case 'upperRoman': return roman(n).toUpperCase();
    case 'lowerLetter': return letters(n);
    case 'upperLetter': return letters(n).toUpperCase();
    case 'decimalZero': return String(n).padStart(2, '0');
    default: return String(n);
  }
}

/**
 * The printed number of each numbered paragraph of document.xml, in the order mammoth
 * visits paragraphs (a paragraph after those nested in it): null for a paragraph with no
 * number, or a bullet.
 */
export function paragraphNumbers(documentXml: string, defs: NumberingDefinitions): (string | null)[] {
  const counters = new Map<string, number[]>();
  const seenNums = new Set<string>();
  const out: (string | null)[] = [];
  // A paragraph's number is counted when it opens (document order) and given when it
  // closes, after the paragraphs nested in it (a text box's).
  const walk = (nodes: XmlNode[]) => {
    for (const node of nodes) {
      if (nameOf(node) !== 'w:p') { walk(childrenOf(node)); continue; }
      const label = numberOf(child(node, 'w:pPr'), defs, counters, seenNums);
      walk(childrenOf(node));
      out.push(label);
    }
  };
  walk(parse(documentXml));
  return out;
}

function numberOf(ppr: XmlNode | undefined, defs: NumberingDefinitions, counters: Map<string, number[]>, seenNums: Set<string>): string | null {
  const numPr = child(ppr, 'w:numPr');
  let numId = valOf(numPr, 'w:numId');
  let ilvl = Number(valOf(numPr, 'w:ilvl') ?? '0');
  if (numId === null) {
    const style = valOf(ppr, 'w:pStyle');
    const fromStyle = style ? defs.styles.get(style) : undefined;
    if (!fromStyle) return null;
    numId = fromStyle.numId;
    ilvl = numPr ? ilvl : fromStyle.ilvl;
  }
  const num = defs.nums.get(numId);
  const levels = num ? defs.abstracts.get(num.abstract) : undefined;
  const level = levels?.get(ilvl);
  if (!num || !levels || !level) return null;
  // Lists that share a definition count on together; a list that restarts one (a "restart
  // numbering" in Word) starts again where it is first used.
  let c = counters.get(num.abstract);
  if (!c) counters.set(num.abstract, (c = []));
  if (!seenNums.has(numId)) {
    seenNums.add(numId);
    for (const [lvl, start] of num.restarts) c[lvl] = start - 1;
  }
  c[ilvl] = (c[ilvl] ?? (levels.get(ilvl)!.start - 1)) + 1;
  // A deeper level starts again under each new entry of this one.
  c.length = ilvl + 1;
  if (level.fmt === 'bullet' || level.fmt === 'none' || !level.text) return null;
  return level.text.replace(/%([1-9])/g, (_, d: string) => {
    const k = Number(d) - 1;
    const lv = levels.get(k);
    return format(c![k] ?? lv?.start ?? 1, lv?.fmt ?? 'decimal');
  });
}
