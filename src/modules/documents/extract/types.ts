// What text extraction hands to the importer: one normalised text in a small,
// Markdown-like shape that every format is rendered into, so that the reader has
// one path. Headings are "# ", list items "- " (two spaces per level of
// nesting), table rows "| a | b |", paragraphs separated by a blank line.

export type DocumentFormat = 'text' | 'markdown' | 'html' | 'pdf' | 'docx' | 'moderngov-xml';

export interface ExtractedDocument {
  fileName: string;
  format: DocumentFormat;
  /** Normalised text in the shape described above. */
  text: string;
  /** Pages in the original, where the format has pages (PDF). */
  pages: number | null;
  /** True when the text came from a ModernGov page or web service. */
  moderngov: boolean;
  /** The document's own title from its metadata (Markdown front matter), not part of the text. */
  title?: string | null;
  /** The document's own date from its metadata (Markdown front matter), ISO, where it has one. */
  metadataDate?: string | null;
  /** What extraction had to repair or noticed about the file's form, for the clerk (warnings). */
  notes?: string[];
}

export type ExtractionErrorCode =
  | 'empty'
  | 'unsupported-format'
  | 'not-text'
  | 'too-large'
  | 'no-text-layer'
  | 'encrypted'
  | 'corrupt'
  | 'truncated'
  | 'zip-bomb'
  | 'timeout';

/** A file that cannot be read, with a message a clerk can act on. */
export class ExtractionError extends Error {
  override readonly name = 'ExtractionError';
  readonly code: ExtractionErrorCode;
  readonly fileName: string;
  constructor(code: ExtractionErrorCode, fileName: string, detail: string) {
    super(`${fileName}: ${detail}`);
    this.code = code;
    this.fileName = fileName;
  }
}

export interface ExtractionLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Largest text produced, in characters. */
  maxChars: number;
  /** Largest total uncompressed size of a DOCX package. */
  maxUnzippedBytes: number;
  /** Most entries in a DOCX package. */
  maxZipEntries: number;
  /** Largest compression ratio accepted for a big entry. */
  maxCompressionRatio: number;
  /** Deepest element nesting kept as structure (deeper content is flattened). */
  maxDepth: number;
  /** Time allowed for one file. */
  timeoutMs: number;
}

export const defaultLimits: ExtractionLimits = {
  maxBytes: 50 * 1024 * 1024,
  maxChars: 5_000_000,
  maxUnzippedBytes: 200 * 1024 * 1024,
  maxZipEntries: 5_000,
  maxCompressionRatio: 200,
  maxDepth: 200,
  timeoutMs: 30_000,
};
