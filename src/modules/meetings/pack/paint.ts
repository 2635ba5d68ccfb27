// Drawing laid-out pages with pdf-lib's standard fonts (nothing to embed, small files),
// and the marks every page of a pack carries: "Page n" in the footer, and a header on
// pages that are restricted or draft.
import { PDFDocument, StandardFonts, degrees, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { A4, type FontName, type LaidOutPage, type Measure } from './layout.ts';
import { toWinAnsi } from './text.ts';

export type Fonts = Record<FontName, PDFFont>;

export async function embedFonts(doc: PDFDocument): Promise<Fonts> {
  const [regular, bold, italic] = await Promise.all([
    doc.embedFont(StandardFonts.Helvetica),
    doc.embedFont(StandardFonts.HelveticaBold),
    doc.embedFont(StandardFonts.HelveticaOblique),
  ]);
  return { regular, bold, italic };
}

export const measureWith = (fonts: Fonts): Measure => (text, font, size) => fonts[font].widthOfTextAtSize(text, size);

const INK = rgb(0.043, 0.047, 0.047);

/** Adds the laid-out pages to the end of the document, in order. */
export function paintPages(doc: PDFDocument, fonts: Fonts, pages: readonly LaidOutPage[]): PDFPage[] {
  return pages.map((laid) => {
    const page = doc.addPage([A4.width, A4.height]);
    for (const line of laid.lines) page.drawText(line.text, { x: line.x, y: line.y, size: line.size, font: fonts[line.font], color: INK });
    return page;
  });
}

/**
 * Where a point given as seen on screen (from the visible bottom-left corner) lies in the
 * page's own coordinates. Papers come with crop boxes that do not start at 0,0 and with
 * landscape pages stored as portrait plus /Rotate, and the marks must sit on the visible
 * page the right way up.
 */
function placeOnPage(page: PDFPage, vx: number, vy: number): { x: number; y: number; rotate: number } {
  const box = page.getCropBox();
  const angle = ((page.getRotation().angle % 360) + 360) % 360;
  switch (angle) {
    case 90: return { x: box.x + box.width - vy, y: box.y + vx, rotate: 90 };
    case 180: return { x: box.x + box.width - vx, y: box.y + box.height - vy, rotate: 180 };
    case 270: return { x: box.x + vy, y: box.y + box.height - vx, rotate: 270 };
    default: return { x: box.x + vx, y: box.y + vy, rotate: 0 };
  }
}

/** The visible width and height of a page, after its rotation. */
function visibleSize(page: PDFPage): { width: number; height: number } {
  const box = page.getCropBox();
  const angle = ((page.getRotation().angle % 360) + 360) % 360;
  return angle === 90 || angle === 270 ? { width: box.height, height: box.width } : { width: box.width, height: box.height };
}

function drawVisible(page: PDFPage, text: string, vx: number, vy: number, font: PDFFont, size: number): void {
  const at = placeOnPage(page, vx, vy);
  page.drawText(text, { x: at.x, y: at.y, size, font, color: INK, rotate: degrees(at.rotate) });
}

/** A bold line at the top right of a page: "Restricted – not for publication", "DRAFT". */
export function stampHeader(page: PDFPage, fonts: Fonts, text: string): void {
  const size = 9;
  const safe = toWinAnsi(text);
  const { width, height } = visibleSize(page);
  const w = fonts.bold.widthOfTextAtSize(safe, size);
  drawVisible(page, safe, Math.max(12, width - 40 - w), height - 30, fonts.bold, size);
}

/** "Item B2 – paper page 1 of 3" at the top left of a paper's page, so a loose page still says where it belongs. */
export function stampItem(page: PDFPage, fonts: Fonts, text: string): void {
  const { height } = visibleSize(page);
  drawVisible(page, toWinAnsi(text), 40, height - 30, fonts.regular, 9);
}

/** "Page n" (or "Page n of m") centred in the footer of every page; papers of any size get it too. */
export function stampPageNumbers(doc: PDFDocument, fonts: Fonts, opts: { ofTotal?: boolean } = {}): void {
  const size = 9;
  const total = doc.getPageCount();
  doc.getPages().forEach((page, i) => {
    const text = opts.ofTotal ? `Page ${i + 1} of ${total}` : `Page ${i + 1}`;
    const { width } = visibleSize(page);
    const w = fonts.regular.widthOfTextAtSize(text, size);
    drawVisible(page, text, (width - w) / 2, 28, fonts.regular, size);
  });
}
