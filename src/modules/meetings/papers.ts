// Papers: a PDF or Word (.docx) file attached to an agenda item, kept byte for byte with
// its SHA-256. A file is accepted only when it is readable: a PDF that pdf.js can open,
// or a zip package that holds a Word document body. Opening and reading a paper happens
// in a worker thread with time and memory limits (as the importer does): on the main
// thread one PDF held every other request up for seconds.
import { createHash } from 'node:crypto';
import yauzl from 'yauzl';
import { getDocumentProxy } from 'unpdf';
import type { PaperMediaType } from './tables.ts';
import { extractDocument } from '../documents/extract/index.ts';
import type { ExtractionLimits } from '../documents/extract/types.ts';
import { ReadingThread, type PaperReading } from '../documents/readingThread.ts';

export const PAPER_SIZE_LIMIT = 20 * 1024 * 1024;
export const PAPER_SIZE_LIMIT_TEXT = '20MB';
export const PDF: PaperMediaType = 'application/pdf';
export const DOCX: PaperMediaType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export type PaperCheck =
  | { ok: true; mediaType: PaperMediaType; byteSize: number; sha256: string; pageCount: number | null }
  | { ok: false; message: string };

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const startsWith = (bytes: Uint8Array, text: string) => bytes.length >= text.length && [...text].every((c, i) => bytes[i] === c.charCodeAt(0));

// An agenda pack can run to hundreds of pages: its text is given time, within a limit.
const paperThread = new ReadingThread({ timeoutMs: 120_000, memoryMb: 512 });
// checkPaper and then paperText are asked about the same bytes: one reading answers both.
const readings = new WeakMap<Uint8Array, Promise<{ ok: true; paper: PaperReading } | { ok: false; code: string; message: string }>>();
const readPaper = (bytes: Uint8Array, fileName: string) => {
  let reading = readings.get(bytes);
  if (!reading) readings.set(bytes, (reading = paperThread.readPaper(bytes, fileName)));
  return reading;
};

/** Checks an uploaded file, off the main thread; messages are worded the GOV.UK way for the file field. */
export async function checkPaper(bytes: Uint8Array): Promise<PaperCheck> {
  if (bytes.length === 0) return { ok: false, message: 'The selected file is empty' };
  if (bytes.length > PAPER_SIZE_LIMIT) return { ok: false, message: `The selected file must be smaller than ${PAPER_SIZE_LIMIT_TEXT}` };
  if (!startsWith(bytes, '%PDF-') && !startsWith(bytes, 'PK\u0003\u0004')) return { ok: false, message: 'The selected file must be a PDF or a Word document (.docx)' };
  const reading = await readPaper(bytes, 'paper');
  if (reading.ok) return reading.paper.check;
  return { ok: false, message: reading.code === 'timeout' || reading.code === 'too-large'
    ? 'The selected file took too long to open, or needed too much memory. Save it again as a PDF or .docx and upload that'
    : 'The selected file could not be opened. It may be damaged; save it again as a PDF or .docx and upload that' };
}

/** The check itself (in the reading thread). */
export async function inspectPaper(bytes: Uint8Array): Promise<PaperCheck> {
  if (bytes.length === 0) return { ok: false, message: 'The selected file is empty' };
  if (startsWith(bytes, '%PDF-')) {
    const pages = await pdfPageCount(bytes);
    if (pages === null) return { ok: false, message: 'The selected file is not a readable PDF. It may be damaged, cut short or protected by a password' };
    return { ok: true, mediaType: PDF, byteSize: bytes.length, sha256: sha256Hex(bytes), pageCount: pages };
  }
  if (startsWith(bytes, 'PK\u0003\u0004')) {
    if (!(await holdsWordBody(bytes))) return { ok: false, message: 'The selected file is not a readable Word document (.docx). Save it again as .docx or PDF' };
    return { ok: true, mediaType: DOCX, byteSize: bytes.length, sha256: sha256Hex(bytes), pageCount: null };
  }
  return { ok: false, message: 'The selected file must be a PDF or a Word document (.docx)' };
}

async function pdfPageCount(bytes: Uint8Array): Promise<number | null> {
  try {
    // pdf.js takes over the buffer it is given, so it gets a copy.
    const doc = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    const pages = doc.numPages;
    // Opening the first page proves the page tree is there, not just a header.
    if (pages < 1) return null;
    await doc.getPage(1);
    await doc.cleanup?.();
    return pages;
  } catch {
    return null;
  }
}

/** A .docx is a zip holding word/document.xml; its first bytes must inflate to XML. */
function holdsWordBody(bytes: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return resolve(false);
      let settled = false;
      const done = (v: boolean) => {
        if (settled) return;
        settled = true;
        zip.close();
        resolve(v);
      };
      zip.on('error', () => done(false));
      zip.on('end', () => done(false));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'word/document.xml') return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return done(false);
          let head = '';
          stream.on('data', (chunk: Buffer) => {
            head += chunk.toString('utf8');
            // A little is enough to know it is XML; the rest is never inflated here.
            if (head.length >= 64) {
              stream.destroy();
              done(/^\s*(\uFEFF)?</.test(head));
            }
          });
          stream.on('error', () => done(false));
          stream.on('end', () => done(/^\s*(\uFEFF)?</.test(head)));
        });
      });
      zip.readEntry();
    });
  });
}

/** A file name safe for a Content-Disposition header, keeping what a person would recognise. */
export function safeFileName(name: string, mediaType: PaperMediaType): string {
  const base = name.replace(/^.*[\\/]/, '').replace(/[^\w .()-]+/g, '_').replace(/\s+/g, ' ').trim().slice(0, 120) || 'paper';
  const ext = mediaType === PDF ? '.pdf' : '.docx';
  return base.toLowerCase().endsWith(ext) ? base : `${base}${ext}`;
}

/** The paper's address ends in its file name, so a browser saves it under that name. */
export const paperUrl = (p: { meeting_id: string; id: string; file_name: string; media_type: PaperMediaType }) =>
  `/meetings/${p.meeting_id}/papers/${p.id}/${encodeURIComponent(safeFileName(p.file_name, p.media_type))}`;

/** The paper's text for search, read off the main thread; a paper whose text cannot be read is found by its title only. */
export async function paperText(bytes: Uint8Array, fileName: string): Promise<string> {
  const reading = await readPaper(bytes, fileName);
  return reading.ok ? reading.paper.text : '';
}

/** The text itself (in the reading thread). */
export async function paperTextOf(bytes: Uint8Array, fileName: string, limits: Partial<ExtractionLimits> = {}): Promise<string> {
  try {
    return (await extractDocument(bytes, fileName, limits)).text;
  } catch {
    return '';
  }
}
