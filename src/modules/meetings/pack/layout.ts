// Text laid out on A4 pages: blocks (headings, paragraphs with an optional hanging label)
// wrapped to the page width and flowed onto as many pages as they need. Layout only
// measures, it draws nothing, so the agenda can be laid out again once the page numbers
// of the papers are known (see pack.ts); paint.ts draws the result.
import { toWinAnsi } from './text.ts';

export type FontName = 'regular' | 'bold' | 'italic';
/** Width in points of a text in a font at a size. */
export type Measure = (text: string, font: FontName, size: number) => number;

export type Block =
  | { kind: 'heading'; text: string; level: 1 | 2 | 3 }
  | {
    kind: 'text';
    text: string;
    font?: FontName;
    size?: number;
    /** Left indent of the whole block, in points. */
    indent?: number;
    /** A hanging label (an item code, "(3)", a bullet) printed in bold before the text. */
    label?: string;
    labelWidth?: number;
    /** Space below the block; defaults to about half a line. */
    spaceAfter?: number;
    /** Keep the block's first lines with the next block (a short lead-in such as "RESOLVED:"). */
    keepWithNext?: boolean;
  }
  | { kind: 'space'; height: number }
  | { kind: 'page-break' };

export interface Line { x: number; y: number; text: string; font: FontName; size: number }
export interface LaidOutPage { lines: Line[] }

export const A4 = { width: 595.28, height: 841.89 } as const;
export const MARGIN = { top: 72, bottom: 72, left: 64, right: 64 } as const;
export const BODY_SIZE = 11;
const HEADING_SIZE = { 1: 20, 2: 15, 3: 12 } as const;
const leading = (size: number) => Math.round(size * 1.32 * 100) / 100;

/** Splits text into lines no wider than `width`; a word wider than a line is broken. */
export function wrapText(text: string, width: number, font: FontName, size: number, measure: Measure): string[] {
  const lines: string[] = [];
  const space = measure(' ', font, size);
  for (const paragraph of text.split('\n')) {
    const words = paragraph.split(/ +/).filter((w) => w !== '');
    let line = '';
    let lineWidth = 0;
    for (const word of words) {
      let w = word;
      let ww = measure(w, font, size);
      if (line && lineWidth + space + ww <= width) {
        line += ` ${w}`;
        lineWidth += space + ww;
        continue;
      }
      if (line) lines.push(line);
      // A web address or a long number wider than the line: break it where it must.
      while (ww > width && w.length > 1) {
        let fit = w.length - 1;
        while (fit > 1 && measure(w.slice(0, fit), font, size) > width) fit--;
        lines.push(w.slice(0, fit));
        w = w.slice(fit);
        ww = measure(w, font, size);
      }
      line = w;
      lineWidth = ww;
    }
    lines.push(line);
  }
  return lines;
}

/** Lays blocks out onto pages. An empty block list still gives one (empty) page. */
export function layout(blocks: readonly Block[], measure: Measure): LaidOutPage[] {
  const pages: LaidOutPage[] = [{ lines: [] }];
  const top = A4.height - MARGIN.top;
  const textWidth = A4.width - MARGIN.left - MARGIN.right;
  let page = pages[0]!;
  let y = top;
  const newPage = () => {
    page = { lines: [] };
    pages.push(page);
    y = top;
  };
  const room = () => y - MARGIN.bottom;

  blocks.forEach((block, index) => {
    if (block.kind === 'page-break') {
      if (page.lines.length) newPage();
      return;
    }
    if (block.kind === 'space') {
      if (page.lines.length) y -= block.height;
      return;
    }
    if (block.kind === 'heading') {
      const size = HEADING_SIZE[block.level];
      const lead = leading(size);
      const lines = wrapText(toWinAnsi(block.text), textWidth, 'bold', size, measure);
      const before = page.lines.length ? size * 0.7 : 0;
      // A heading keeps its own lines and two lines of what follows on its page.
      if (before + lines.length * lead + 2 * leading(BODY_SIZE) > room() && page.lines.length) newPage();
      else y -= before;
      for (const text of lines) {
        y -= lead;
        page.lines.push({ x: MARGIN.left, y, text, font: 'bold', size });
      }
      y -= size * 0.45;
      return;
    }
    const size = block.size ?? BODY_SIZE;
    const font = block.font ?? 'regular';
    const lead = leading(size);
    const indent = block.indent ?? 0;
    const labelWidth = block.label !== undefined ? block.labelWidth ?? 36 : 0;
    const x = MARGIN.left + indent + labelWidth;
    const lines = wrapText(toWinAnsi(block.text), textWidth - indent - labelWidth, font, size, measure);
    // Keep a lead-in with the first lines of the next block; never leave one line alone.
    const next = blocks[index + 1];
    const keep = block.keepWithNext && next && next.kind === 'text' ? lines.length + 2 : Math.min(lines.length, 2);
    if (keep * lead > room() && page.lines.length) newPage();
    lines.forEach((text, i) => {
      if (lead > room()) newPage();
      y -= lead;
      if (i === 0 && block.label) page.lines.push({ x: MARGIN.left + indent, y, text: toWinAnsi(block.label), font: 'bold', size });
      if (text) page.lines.push({ x, y, text, font, size });
    });
    y -= block.spaceAfter ?? size * 0.55;
  });
  return pages;
}
