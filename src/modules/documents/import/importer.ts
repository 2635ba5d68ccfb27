// Bytes in, reading out: extraction then reading, the one entry point for callers.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { extractDocument, type ExtractionLimits } from '../extract/index.ts';
import { readDocument } from './reader.ts';
import type { DocumentReading } from './types.ts';
import type { Vocabulary } from './vocabulary.ts';

export interface ImportOptions {
  vocabulary?: Vocabulary;
  limits?: Partial<ExtractionLimits>;
}

export async function importBytes(bytes: Uint8Array, fileName: string, options: ImportOptions = {}): Promise<DocumentReading> {
  const extracted = await extractDocument(bytes, fileName, options.limits);
  return readDocument(extracted.text, basename(fileName), { vocabulary: options.vocabulary, moderngov: extracted.moderngov, documentTitle: extracted.title ?? null, documentDate: extracted.metadataDate ?? null, extractionNotes: extracted.notes ?? [] });
}

export async function importFile(path: string, options: ImportOptions = {}): Promise<DocumentReading> {
  return importBytes(await readFile(path), path, options);
}
