// Runs in a worker thread (see readingThread.ts): turns one file's bytes into text and
// a reading. A file that loops or eats memory takes down this thread, not the server.
import { parentPort } from 'node:worker_threads';
import { extractDocument, ExtractionError } from './extract/index.ts';
import { readDocument } from './import/reader.ts';
import type { ItemReading } from './import/types.ts';
import type { ReadRequest, ReadResponse } from './readingThread.ts';
import { inspectPaper, paperTextOf, PDF } from '../meetings/papers.ts';

parentPort?.on('message', async (req: ReadRequest) => {
  let res: ReadResponse;
  if (req.kind === 'paper') {
    parentPort?.postMessage(await paper(req));
    return;
  }
  try {
    const extracted = await extractDocument(req.bytes, req.fileName, req.limits);
    const paragraphs = new Map<ItemReading, string[]>();
    const reading = readDocument(extracted.text, extracted.fileName, { moderngov: extracted.moderngov, documentTitle: extracted.title ?? null, documentDate: extracted.metadataDate ?? null, extractionNotes: extracted.notes ?? [], paragraphs });
    res = {
      id: req.id, ok: true,
      result: {
        format: extracted.format, pages: extracted.pages, text: extracted.text, reading,
        paragraphs: reading.meetings.map((m) => m.items.map((i) => paragraphs.get(i) ?? [])),
      },
    };
  } catch (error) {
    res = error instanceof ExtractionError
      ? { id: req.id, ok: false, code: error.code, message: error.message }
      : { id: req.id, ok: false, code: 'corrupt', message: `${req.fileName}: the file could not be read (${String((error as Error)?.message ?? error).slice(0, 160)})` };
  }
  parentPort?.postMessage(res);
});

/** A paper: checked to be a readable PDF or Word document, and its text taken for search. */
async function paper(req: ReadRequest): Promise<ReadResponse> {
  try {
    const check = await inspectPaper(req.bytes);
    const text = check.ok ? await paperTextOf(req.bytes, check.mediaType === PDF ? 'paper.pdf' : 'paper.docx', req.limits) : '';
    return { id: req.id, ok: true, paper: { check, text } };
  } catch (error) {
    return { id: req.id, ok: false, code: 'corrupt', message: String((error as Error)?.message ?? error).slice(0, 160) };
  }
}
