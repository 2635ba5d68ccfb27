import { extractTextItems, getDocumentProxy } from 'unpdf';
import { ExtractionError } from './types.ts';

interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  fontSize: number;
  hasEOL: boolean;
}

/** Rebuilds the lines of one page from positioned text runs. */
function pageLines(items: Item[]): string[] {
  const lines: string[] = [];
  let line = '';
  let lastY: number | null = null;
  let lastEnd = 0;
  for (const item of items) {
    const size = item.fontSize || 10;
    if (lastY !== null && Math.abs(item.y - lastY) > size * 0.5 && item.str.trim()) {
      lines.push(line);
      line = '';
    } else if (line && item.x - lastEnd > size * 0.25 && !line.endsWith(' ') && !item.str.startsWith(' ')) {
      line += ' ';
    }
    line += item.str;
    if (item.str.trim()) {
      lastY = item.y;
      lastEnd = item.x + item.width;
    }
    if (item.hasEOL) {
      lines.push(line);
      line = '';
      lastY = null;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export async function pdfToText(bytes: Uint8Array, fileName: string): Promise<{ text: string; pages: number }> {
  let doc;
  try {
    // pdf.js takes ownership of the buffer it is given, so it gets a copy.
    doc = await getDocumentProxy(new Uint8Array(bytes), { stopAtErrors: false, verbosity: 0 });
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    const message = (error as Error).message ?? String(error);
    if (name === 'PasswordException' || /password/i.test(message))
      throw new ExtractionError('encrypted', fileName, 'the PDF is protected by a password; ask for an unprotected copy');
    throw new ExtractionError('corrupt', fileName, `the PDF is damaged or incomplete and cannot be opened (${message.slice(0, 120)})`);
  }
  try {
    const { totalPages, items } = await extractTextItems(doc);
    const pages = items.map((pageItems) => pageLines(pageItems as Item[]).join('\n'));
    const text = pages.join('\n\n');
    if (text.replace(/\s+/g, '').length < Math.max(1, totalPages) * 3)
      throw new ExtractionError(
        'no-text-layer',
        fileName,
        `the PDF has ${totalPages} page(s) but no text layer (probably a scan); run text recognition (OCR) on it first`,
      );
    return { text, pages: totalPages };
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
    throw new ExtractionError('corrupt', fileName, `the PDF text could not be read (${String((error as Error).message ?? error).slice(0, 120)})`);
  } finally {
    await doc.cleanup().catch(() => undefined);
  }
}
