// Word's automatic numbering lives in numbering.xml, not in the text: a numbered paragraph
// stores only a list (w:numId) and a level (w:ilvl). This works out the number Word prints
// for each such paragraph (its level's format and text, with counters kept per list), so
// that minute numbers survive as printed ("7.", "7.2", "(b)", "iv)") instead of every
// paragraph starting a new list at 1.

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

const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1] ?? null;
const valOf = (xml: string, element: string) => {
  const m = new RegExp(`<${element}\\b[^>]*>`).exec(xml);
  return m ? attr(m[0], 'w:val') : null;
};

export function readNumberingDefinitions(numberingXml: string, stylesXml: string): NumberingDefinitions {
  const abstracts = new Map<string, Map<number, Level>>();
  for (const a of numberingXml.matchAll(/<w:abstractNum\b([^>]*)>([\s\S]*?)<\/w:abstractNum>/g)) {
    const id = attr(a[1]!, 'w:abstractNumId');
    if (id === null) continue;
    const levels = new Map<number, Level>();
    for (const l of a[2]!.matchAll(/<w:lvl\b([^>]*)>([\s\S]*?)<\/w:lvl>/g)) {
      const ilvl = Number(attr(l[1]!, 'w:ilvl') ?? '0');
      levels.set(ilvl, { fmt: valOf(l[2]!, 'w:numFmt') ?? 'decimal', text: valOf(l[2]!, 'w:lvlText') ?? '', start: Number(valOf(l[2]!, 'w:start') ?? '1') || 0 });
    }
    abstracts.set(id, levels);
  }
  const nums = new Map<string, { abstract: string; restarts: Map<number, number> }>();
  for (const n of numberingXml.matchAll(/<w:num\b([^>]*)>([\s\S]*?)<\/w:num>/g)) {
    const id = attr(n[1]!, 'w:numId');
    const abstract = valOf(n[2]!, 'w:abstractNumId');
    if (id === null || abstract === null) continue;
    const restarts = new Map<number, number>();
    for (const o of n[2]!.matchAll(/<w:lvlOverride\b([^>]*)>([\s\S]*?)<\/w:lvlOverride>/g)) {
      const start = valOf(o[2]!, 'w:startOverride');
      if (start !== null) restarts.set(Number(attr(o[1]!, 'w:ilvl') ?? '0'), Number(start));
    }
    nums.set(id, { abstract, restarts });
  }
  const styles = new Map<string, { numId: string; ilvl: number }>();
  for (const s of stylesXml.matchAll(/<w:style\b([^>]*)>([\s\S]*?)<\/w:style>/g)) {
    const id = attr(s[1]!, 'w:styleId');
    const numId = valOf(s[2]!, 'w:numId');
    if (id && numId) styles.set(id, { numId, ilvl: Number(valOf(s[2]!, 'w:ilvl') ?? '0') });
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
  // Each paragraph's properties, read when it opens; its number is given when it closes.
  const open: (string | null)[] = [];
  const tags = /<w:p(?=[\s>/])[^>]*?(\/?)>|<\/w:p>/g;
  for (let m = tags.exec(documentXml); m; m = tags.exec(documentXml)) {
    if (m[0].startsWith('</')) {
      if (open.length) out.push(open.pop()!);
      continue;
    }
    const ppr = /^\s*<w:pPr>([\s\S]*?)<\/w:pPr>/.exec(documentXml.slice(tags.lastIndex, tags.lastIndex + 4000))?.[1] ?? '';
    const label = numberOf(ppr, defs, counters, seenNums);
    if (m[1] === '/') out.push(label);
    else open.push(label);
  }
  return out;
}

function numberOf(ppr: string, defs: NumberingDefinitions, counters: Map<string, number[]>, seenNums: Set<string>): string | null {
  const numPr = /<w:numPr>([\s\S]*?)<\/w:numPr>/.exec(ppr)?.[1];
  let numId = numPr ? valOf(numPr, 'w:numId') : null;
  let ilvl = numPr ? Number(valOf(numPr, 'w:ilvl') ?? '0') : 0;
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
