import type { DocumentFormat } from './types.ts';

export type Detected =
  | { kind: 'format'; format: DocumentFormat }
  | { kind: 'zip' }
  | { kind: 'unsupported'; what: string }
  | { kind: 'binary' };

const startsWith = (bytes: Uint8Array, sig: number[], at = 0): boolean =>
  bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);

/** Decodes bytes as text (UTF-8, or UTF-16 with a byte order mark); null when they are not text. */
export function decodeText(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (startsWith(bytes, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const body = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Older council files are often Windows-1252; accept them only if they look like prose.
    text = new TextDecoder('windows-1252').decode(body);
  }
  if (text.length === 0) return text;
  // Prose has almost no control characters; binary data has many.
  let control = 0;
  const sample = Math.min(text.length, 65536);
  for (let i = 0; i < sample; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) control++;
  }
  return control / sample > 0.02 ? null : text;
}

/** Decides the format from the bytes first, and from the file name only where the bytes leave it open. */
export function detectFormat(bytes: Uint8Array, fileName: string): Detected {
  const head = bytes.subarray(0, 1024);
  const headText = new TextDecoder('latin1').decode(head);
  if (headText.includes('%PDF-')) return { kind: 'format', format: 'pdf' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return { kind: 'zip' };
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return { kind: 'unsupported', what: 'an old binary Word (.doc) or Excel file; save it as .docx or PDF' };
  if (headText.startsWith('{\\rtf')) return { kind: 'unsupported', what: 'a Rich Text (RTF) file; save it as .docx or PDF' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]) || startsWith(bytes, [0xff, 0xd8, 0xff]) || headText.startsWith('GIF8'))
    return { kind: 'unsupported', what: 'an image; a scanned page needs text recognition (OCR) first' };
  if (startsWith(bytes, [0x1f, 0x8b])) return { kind: 'unsupported', what: 'a gzip archive' };

  const lower = fileName.toLowerCase();
  const text = headText.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (/^<\?xml|^<(soap:)?envelope|^<getmeeting|^<mg/.test(text)) {
    if (/<html[\s>]/.test(text)) return { kind: 'format', format: 'html' };
    return { kind: 'format', format: 'moderngov-xml' };
  }
  if (/^<!doctype html|^<html[\s>]|^<head[\s>]|^<body[\s>]|^<!--/.test(text) || /<(p|div|table|h[1-6]|br)[\s/>]/.test(text.slice(0, 600)))
    return { kind: 'format', format: 'html' };
  if (lower.endsWith('.html') || lower.endsWith('.htm')) return { kind: 'format', format: 'html' };
  if (lower.endsWith('.xml')) return { kind: 'format', format: 'moderngov-xml' };
  if (lower.endsWith('.md') || lower.endsWith('.markdown')) return { kind: 'format', format: 'markdown' };
  return { kind: 'format', format: 'text' };
}
