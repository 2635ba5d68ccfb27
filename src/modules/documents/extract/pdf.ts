import { ExtractionError } from './types.ts';
import { openPdf, pageRuns, type TextRun as Item } from './pdfPages.ts';
import { shareDocument } from './pdfHelper.ts';

/** A line as the page sets it: its text and the smallest font size of its printed characters. */
interface PageLine { text: string; size: number }

/** Rebuilds the lines of one page from positioned text runs. */
function pageLines(items: Item[]): PageLine[] {
  const lines: PageLine[] = [];
  let line = '';
  let lineSize = Infinity;
  let lastY: number | null = null;
  let lastEnd = 0;
  const end = () => {
    lines.push({ text: line, size: Number.isFinite(lineSize) ? lineSize : 0 });
    line = '';
    lineSize = Infinity;
  };
  for (const item of items) {
    const size = item.fontSize || 10;
    if (lastY !== null && Math.abs(item.y - lastY) > size * 0.5 && item.str.trim()) {
      end();
    } else if (line && item.x - lastEnd > size * 0.25 && !line.endsWith(' ') && !item.str.startsWith(' ')) {
      line += ' ';
    }
    line += item.str;
    if (item.str.trim()) {
      lastY = item.y;
      lastEnd = item.x + item.width;
      lineSize = Math.min(lineSize, size);
    }
    if (item.hasEOL) {
      end();
      lastY = null;
    }
  }
  if (line) end();
  return lines;
}

/**
 * The body text's size: the font size that sets the most characters in the document.
 * Sizes are rounded to half a point so that one font at slightly different scales counts once.
 */
function bodySize(pages: PageLine[][]): number {
  const chars = new Map<number, number>();
  for (const lines of pages) for (const l of lines) {
    if (!l.size) continue;
    const key = Math.round(l.size * 2) / 2;
    chars.set(key, (chars.get(key) ?? 0) + l.text.replace(/\s+/g, '').length);
  }
  let best = 0;
  let most = -1;
  for (const [size, n] of chars) if (n > most) { best = size; most = n; }
  return best;
}

// Larger than the body by this much is a heading's size, not the same font rendered apart.
const HEADING_RATIO = 1.15;

/**
 * A short line set wholly in a larger size than the body is a heading the author made:
 * marked "# " (largest sizes) or "## " so the reader weighs it as the other formats'
 * headings. Sentences (ending in a full stop, comma or semicolon) and long lines stay text.
 */
export function markLargeLines(pages: PageLine[][]): PageLine[][] {
  const body = bodySize(pages);
  if (!body) return pages;
  const large = [...new Set(pages.flat().filter((l) => l.size >= body * HEADING_RATIO).map((l) => Math.round(l.size * 2) / 2))].sort((a, b) => b - a);
  const top = large[0];
  return pages.map((lines) => lines.map((l) => {
    const t = l.text.trim();
    if (l.size < body * HEADING_RATIO || !t || t.length > 90 || /[.,;]$/.test(t) || !/[A-Za-z]{2}/.test(t) || /^#/.test(t)) return l;
    return { ...l, text: `${Math.round(l.size * 2) / 2 === top && large.length > 1 ? '#' : '##'} ${t}` };
  }));
}

const EDGE = 2;
// A numbered heading (marked "## " when set large) or a sentence is content even where pages repeat its shape.
const CONTENT_LIKE = /^\d{1,4}[.)]?\s+[A-Za-z]|^(?:\S+\s+){4,}\S+[.;:]$/;
const shapeOf = (line: string) => line.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Running headers and footers ("Page | 3", "Amenities Committee Minutes | Tuesday 13th March
 * 2018") are told by repetition: the same line, numbers aside, in the same place at the top
 * or bottom of most pages.
 */
export function dropRunningLines(pages: string[][]): string[][] {
  if (pages.length < 2) return pages;
  const edges = (lines: string[]) => {
    const filled = lines.map((l, i) => [l, i] as const).filter(([l]) => l.trim());
    const top = filled.slice(0, EDGE).map(([l, i], rank) => ({ key: `t${rank}:${shapeOf(l)}`, i }));
    const bottom = filled.slice(-EDGE).reverse().map(([l, i], rank) => ({ key: `b${rank}:${shapeOf(l)}`, i }));
    return [...top, ...bottom];
  };
  const counts = new Map<string, number>();
  for (const lines of pages) for (const key of new Set(edges(lines).map((e) => e.key))) counts.set(key, (counts.get(key) ?? 0) + 1);
  const needed = Math.max(2, Math.ceil(pages.length * 0.6));
  return pages.map((lines) => {
    const drop = new Set(edges(lines).filter((e) => (counts.get(e.key) ?? 0) >= needed && e.key.length > 4 && !CONTENT_LIKE.test(lines[e.i]!.trim().replace(/^#+ /, ''))).map((e) => e.i));
    return lines.filter((_, i) => !drop.has(i));
  });
}

/**
 * A bullet set in a symbol font often reaches the text layer as a letter ("x", "o", "§")
 * with no Unicode mapping. Two or more lines in a row that open with the same such letter
 * and then a capital are a list.
 */
export function symbolBullets(lines: string[]): string[] {
  const mark = (l: string) => /^\s*([xo§ü])\s+(?=[A-Z£0-9])/.exec(l)?.[1] ?? null;
  const out = [...lines];
  for (let i = 0; i < lines.length; i++) {
    const m = mark(lines[i]!);
    if (!m) continue;
    let j = i;
    // Lines of the same item may wrap; the list is the run of lines that open with the mark, allowing wrapped lines between.
    const marked: number[] = [];
    for (; j < lines.length && j - (marked[marked.length - 1] ?? i) <= 3; j++) if (mark(lines[j]!) === m) marked.push(j);
    if (marked.length >= 2) for (const k of marked) out[k] = lines[k]!.replace(/^(\s*)[xo§ü]\s+/, '$1• ');
    i = Math.max(i, (marked[marked.length - 1] ?? i));
  }
  return out;
}

// A subset font whose codes are its glyph numbers reaches the text layer shifted down by 29
// ("&OHUN¶V" for "Clerk’s"): letters become punctuation and digits, quotes become ¶ and µ.
const SHIFT = 29;
const SHIFTED_QUOTES: Record<string, string> = { '¶': '’', 'µ': '‘', 'μ': '‘', '³': '“', '´': '”' };

function unshiftWord(w: string): string | null {
  let out = '';
  for (const c of w) {
    if (SHIFTED_QUOTES[c]) out += SHIFTED_QUOTES[c];
    else {
      const code = c.charCodeAt(0);
      if (code < 0x01 || code > 0x5d || code === 0x20) return null;
      out += String.fromCharCode(code + SHIFT);
    }
  }
  return out;
}

/**
 * Undoes the shift in the words of a line that show it: a word of capitals, digits and
 * punctuation with a ¶/µ or an ampersand inside, which decodes to mostly lower-case
 * letters. A leading number in the ordinary font ("4&OHUN¶V5HSRUW") is kept.
 */
export function unshiftGarbled(line: string, repaired?: string[]): string {
  if (!/[¶µμ&\x01-\x1f]/.test(line)) return line;
  return line.replace(/[^ \t\n]{4,}/g, (token) => {
    if (!/[¶µμ&\\\x01-\x1f]/.test(token) || /[a-z]/.test(token.replace(/[¶µμ]/g, ''))) return token;
    const lead = /^\d{1,3}[.)]?(?=[&\x01-\x1f])/.exec(token)?.[0] ?? '';
    const decoded = unshiftWord(token.slice(lead.length));
    if (!decoded) return token;
    const bare = decoded.replace(/[’‘“”\s.,;:]/g, '');
    const letters = bare.match(/[A-Za-z]/g)?.length ?? 0;
    const lower = decoded.match(/[a-z]/g)?.length ?? 0;
    if (letters < bare.length * 0.85 || lower < letters * 0.6 || !/[aeiou]/.test(decoded)) return token;
    // The space glyph is lost in the shift: a capital after a lower-case letter starts a new word.
    repaired?.push(token.replace(/[\x00-\x1f]/g, ''));
    return `${lead}${lead && /^[A-Za-z]/.test(decoded) ? ' ' : ''}${decoded.replace(/([a-z’])(?=[A-Z])/g, '$1 ')}`.replace(/\s+/g, ' ');
  });
}

export async function pdfToText(bytes: Uint8Array, fileName: string, timeoutMs = 30_000): Promise<{ text: string; pages: number; notes: string[] }> {
  const started = Date.now();
  const repaired: string[] = [];
  let doc;
  try {
    // pdf.js takes ownership of the buffer it is given, so it gets a copy.
    doc = await openPdf(new Uint8Array(bytes));
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    const message = (error as Error).message ?? String(error);
    if (name === 'PasswordException' || /password/i.test(message))
      throw new ExtractionError('encrypted', fileName, 'the PDF is protected by a password; ask for an unprotected copy');
    throw new ExtractionError('corrupt', fileName, `the PDF is damaged or incomplete and cannot be opened (${message.slice(0, 120)})`);
  }
  try {
    const totalPages = doc.numPages;
    const items: Item[][] = new Array(totalPages);
    const job = shareDocument(bytes, totalPages, timeoutMs);
    let failure: unknown = null;
    try {
      for (let n = job.claim(); n !== null; n = job.claim()) items[n - 1] = await pageRuns(doc, n);
    } catch (error) {
      failure = error;
    }
    const helped = await job.finish();
    if (failure) throw failure;
    if (Date.now() - started > timeoutMs) throw new ExtractionError('timeout', fileName, `reading took longer than ${Math.round(timeoutMs / 1000)} seconds; stopped`);
    for (let n = 1; n <= totalPages; n++) items[n - 1] ??= helped.get(n) ?? await pageRuns(doc, n);
    const marked = markLargeLines(items.map((pageItems) => pageLines(pageItems)));
    const pages = dropRunningLines(marked.map((lines) => lines.map((l) => l.text))).map((lines) => symbolBullets(lines).map((l) => unshiftGarbled(l, repaired)).join('\n'));
    const text = pages.join('\n\n');
    if (text.replace(/\s+/g, '').length < Math.max(1, totalPages) * 3)
      throw new ExtractionError(
        'no-text-layer',
        fileName,
        `the PDF has ${totalPages} page(s) but no text layer (probably a scan); run text recognition (OCR) on it first`,
      );
    const notes = repaired.length
      ? [`the PDF's text layer garbles words set in a differently encoded font (${repaired.slice(0, 3).map((w) => `'${w.slice(0, 24)}'`).join(', ')}${repaired.length > 3 ? ` and ${repaired.length - 3} more` : ''}): they were decoded by undoing the font's shift; check those passages against the printed page`]
      : [];
    return { text, pages: totalPages, notes };
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
    throw new ExtractionError('corrupt', fileName, `the PDF text could not be read (${String((error as Error).message ?? error).slice(0, 120)})`);
  } finally {
    await doc.loadingTask.destroy().catch(() => undefined);
  }
}
