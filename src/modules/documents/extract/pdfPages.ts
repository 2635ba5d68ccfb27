// One PDF page's positioned text runs, read with pdf.js; shared by the reading thread and
// the helper thread that reads some of a long document's pages beside it (pdfHelper.ts).
import { getDocumentProxy, getResolvedPDFJS } from 'unpdf';

export interface TextRun {
  str: string;
  x: number;
  y: number;
  width: number;
  fontSize: number;
  hasEOL: boolean;
}

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

/**
 * Opens a PDF, taking ownership of the bytes' buffer, with unpdf's settings for Node (no
 * font faces). Turning off system fonts or eval made no measurable difference to reading
 * the text layer, so they are left as they are.
 */
export function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  return getDocumentProxy(bytes, { stopAtErrors: false, verbosity: 0 });
}

/** Loads pdf.js's modules (once per thread) ahead of the first document. */
export async function loadPdfJs(): Promise<void> {
  await getResolvedPDFJS();
}

export async function pageRuns(doc: PdfDocument, pageNumber: number): Promise<TextRun[]> {
  const page = await doc.getPage(pageNumber);
  const content = await page.getTextContent();
  const runs: TextRun[] = [];
  for (const item of content.items) {
    // Marked-content markers carry no text.
    if (!('str' in item) || item.str == null) continue;
    const t = item.transform as number[];
    runs.push({ str: item.str, x: t[4]!, y: t[5]!, width: item.width, fontSize: Math.hypot(t[2]!, t[3]!), hasEOL: item.hasEOL });
  }
  page.cleanup();
  return runs;
}

/** A document handed to the helper thread: its bytes and the counter both threads take pages from. */
export interface PageJob {
  id: number;
  bytes: Uint8Array;
  pages: number;
  /** [NEXT_PAGE, STATE] on shared memory. */
  control: Int32Array;
}
export type PageMessage = { ready: true } | { id: number; page: number; runs: TextRun[] | null } | { id: number; done: true };

// Slots of PageJob.control.
export const NEXT_PAGE = 0;
export const STATE = 1;
// STATE: the helper has not come to the job; it is reading; the job was closed before it came.
export const IDLE = 0;
export const WORKING = 1;
export const CLOSED = 2;
