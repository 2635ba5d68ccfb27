import { basename } from 'node:path';
import { decodeText, detectFormat } from './detect.ts';
import { htmlToText, looksLikeModernGov } from './html.ts';
import { pdfToText } from './pdf.ts';
import { docxToText } from './docx.ts';
import { moderngovXmlToText } from './xml.ts';
import { markdownToText } from './markdown.ts';
import { normaliseText } from './normalise.ts';
import { defaultLimits, ExtractionError, type ExtractedDocument, type ExtractionLimits } from './types.ts';

export { ExtractionError, defaultLimits } from './types.ts';
export type { ExtractedDocument, ExtractionErrorCode, ExtractionLimits, DocumentFormat } from './types.ts';

function withTimeout<T>(work: Promise<T>, ms: number, fileName: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ExtractionError('timeout', fileName, `reading took longer than ${Math.round(ms / 1000)} seconds; stopped`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Turns a file's bytes into normalised text. Every failure is an ExtractionError
 * naming the file and saying what to do; nothing else escapes.
 */
export async function extractDocument(bytes: Uint8Array, filePath: string, limits: Partial<ExtractionLimits> = {}): Promise<ExtractedDocument> {
  const fileName = basename(filePath);
  const lim: ExtractionLimits = { ...defaultLimits, ...limits };
  if (bytes.length === 0) throw new ExtractionError('empty', fileName, 'the file is empty');
  if (bytes.length > lim.maxBytes) throw new ExtractionError('too-large', fileName, `the file is larger than ${Math.round(lim.maxBytes / 1048576)} MB`);
  try {
    return await withTimeout(extractInner(bytes, fileName, lim), lim.timeoutMs, fileName);
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
    const message = error instanceof RangeError ? 'its structure is too deeply nested' : String((error as Error)?.message ?? error).slice(0, 160);
    throw new ExtractionError('corrupt', fileName, `the file could not be read (${message})`);
  }
}

async function extractInner(bytes: Uint8Array, fileName: string, lim: ExtractionLimits): Promise<ExtractedDocument> {
  const detected = detectFormat(bytes, fileName);
  const notes: string[] = [];
  const done = (format: ExtractedDocument['format'], raw: string, pages: number | null = null, moderngov = false, title: string | null = null, metadataDate: string | null = null): ExtractedDocument => {
    const text = normaliseText(raw);
    if (text.length > lim.maxChars) throw new ExtractionError('too-large', fileName, `the text is longer than ${lim.maxChars} characters`);
    if (!text.trim()) throw new ExtractionError('empty', fileName, 'the file holds no text');
    return { fileName, format, text, pages, moderngov, title, metadataDate, notes };
  };
  if (detected.kind === 'unsupported') throw new ExtractionError('unsupported-format', fileName, `the file is ${detected.what}`);
  if (detected.kind === 'binary') throw new ExtractionError('not-text', fileName, 'the file is not a document this importer can read');
  if (detected.kind === 'zip') return done('docx', await docxToText(bytes, fileName, lim));
  const format = detected.format;
  if (format === 'pdf') {
    const { text, pages, notes: pdfNotes } = await pdfToText(bytes, fileName, lim.timeoutMs);
    notes.push(...pdfNotes);
    return done('pdf', text, pages);
  }
  const decoded = decodeText(bytes);
  if (decoded === null) throw new ExtractionError('not-text', fileName, 'the file is neither text nor a PDF, Word, HTML or XML document (its bytes look like binary data)');
  if (decoded.length > lim.maxChars) throw new ExtractionError('too-large', fileName, `the text is longer than ${lim.maxChars} characters`);
  if (format === 'html') return done('html', htmlToText(decoded, lim.maxDepth, notes), null, looksLikeModernGov(decoded));
  if (format === 'moderngov-xml') return done('moderngov-xml', moderngovXmlToText(decoded, fileName, lim), null, true);
  if (format === 'markdown') {
    const md = markdownToText(decoded, lim.maxDepth, notes);
    return done('markdown', md.text, null, false, md.title, md.date);
  }
  return done(format, decoded);
}
