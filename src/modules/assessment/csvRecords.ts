// A CSV reader for police.uk's files, quicker than a general one: police.uk's lines are
// nearly all plain (no quotes), so a line without a quote is split on commas as it is,
// and only a line with one is read character by character (RFC 4180: "" inside quotes,
// commas and line breaks in a quoted field). It takes the stream's chunks as they come
// and hands each record to a callback, holding no more than a chunk and a part line.
import { StringDecoder } from 'node:string_decoder';

/** A CSV the reader cannot read; `lines` is the line it stopped at (as csv-parse's errors). */
export class CsvError extends Error {
  readonly code: string;
  readonly lines: number;
  constructor(code: string, lines: number, message: string) {
    super(message);
    this.code = code;
    this.lines = lines;
  }
}

/**
 * Reads records from chunks. `onRecord` gets the fields and the line the record starts on
 * (1 for the first); a blank line gives [''] as csv-parse does without skip_empty_lines.
 */
export class CsvRecords {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private line = 0;
  private first = true;
  private readonly onRecord: (fields: string[], line: number) => void;
  constructor(onRecord: (fields: string[], line: number) => void) {
    this.onRecord = onRecord;
  }

  push(chunk: Buffer): void {
    let text = this.rest + this.decoder.write(chunk);
    if (this.first && text.length) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    this.rest = this.take(text, false);
  }

  /** The end of the input: the last line (without a line break) and any unclosed quote. */
  end(): void {
    const text = this.rest + this.decoder.end();
    this.rest = this.take(text, true);
  }

  /** Reads every whole record in `text`; returns what is left (a part line). */
  private take(text: string, atEnd: boolean): string {
    let start = 0;
    const n = text.length;
    while (start < n) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) {
        if (!atEnd) return text.slice(start);
        nl = n;
      }
      const endOfLine = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const q = text.indexOf('"', start);
      if (q < 0 || q >= endOfLine) {
        this.line += 1;
        this.onRecord(text.slice(start, endOfLine).split(','), this.line);
        start = nl + 1;
        continue;
      }
      // A line with a quote: read by character, over line breaks inside quotes.
      const read = this.quoted(text, start, atEnd);
      if (read === null) return text.slice(start);
      start = read;
    }
    return '';
  }

  /** Reads one record with quotes from `start`; its end, or null when it goes past the text. */
  private quoted(text: string, start: number, atEnd: boolean): number | null {
    const fields: string[] = [];
    const firstLine = this.line + 1;
    let lines = 1;
    let i = start;
    const n = text.length;
    let field = '';
    for (;;) {
      // At the start of a field.
      if (i < n && text.charCodeAt(i) === 34) {
        i += 1;
        for (;;) {
          const close = text.indexOf('"', i);
          if (close < 0) {
            if (!atEnd) return null;
            throw new CsvError('CSV_QUOTE_NOT_CLOSED', firstLine + lines - 1, `Quote not closed: the field that starts on line ${firstLine} has no closing quote`);
          }
          const part = text.slice(i, close);
          for (let p = part.indexOf('\n'); p >= 0; p = part.indexOf('\n', p + 1)) lines += 1;
          field += part;
          if (close + 1 < n && text.charCodeAt(close + 1) === 34) { field += '"'; i = close + 2; continue; }
          if (close + 1 >= n && !atEnd) return null;
          i = close + 1;
          break;
        }
        const c = i < n ? text.charCodeAt(i) : -1;
        if (c !== 44 && c !== 10 && c !== 13 && c !== -1) {
          throw new CsvError('CSV_INVALID_CLOSING_QUOTE', firstLine + lines - 1, `Invalid closing quote on line ${firstLine + lines - 1}: a quoted field must end at a comma or the line's end`);
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10) break;
          if (c === 34) throw new CsvError('CSV_INVALID_OPENING_QUOTE', firstLine + lines - 1, `Invalid opening quote on line ${firstLine + lines - 1}: a field with a quote must be quoted whole`);
          j += 1;
        }
        if (j >= n && !atEnd) return null;
        field = text.slice(i, j);
        if (field.length && field.charCodeAt(field.length - 1) === 13 && (j >= n || text.charCodeAt(j) === 10)) field = field.slice(0, -1);
        i = j;
      }
      fields.push(field);
      field = '';
      if (i < n && text.charCodeAt(i) === 13) i += 1;
      if (i >= n) {
        if (!atEnd) return null;
        break;
      }
      if (text.charCodeAt(i) === 10) { i += 1; break; }
      i += 1; // the comma
    }
    this.line += lines;
    this.onRecord(fields, firstLine);
    return i;
  }
}

/** Reads a stream's records; `onRecord` may stop early by returning false. */
export async function readRecords(input: AsyncIterable<Buffer>, onRecord: (fields: string[], line: number) => boolean | void): Promise<void> {
  let stopped = false;
  const reader = new CsvRecords((f, l) => { if (!stopped && onRecord(f, l) === false) stopped = true; });
  for await (const chunk of input) {
    reader.push(chunk);
    if (stopped) return;
  }
  reader.end();
}
