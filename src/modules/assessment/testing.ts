// Files in police.uk's published format for the tests, written by hand where a test
// needs to know every row, and zips of them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { COLUMNS } from './domain.ts';
import { csvLine } from './generator.ts';

export const STREET_HEADER = csvLine(COLUMNS.street);

/** A street row: [crime id, month, type, lsoa code, lsoa name, outcome], the rest filled in. */
export const street = (id: string, month: string, type: string, code: string, name: string, outcome = '', lon = '-1.400000', lat = '52.600000') =>
  csvLine([id, month, 'Northshire Police', 'Northshire Police', lon, lat, 'On or near High Street', code, name, type, outcome, '']);

const dir = mkdtempSync(join(tmpdir(), 'ph-assessment-'));
let n = 0;

/** Writes a file for an import and gives it as a source. */
export function fileOf(name: string, content: string | Uint8Array) {
  const path = join(dir, `f${++n}`);
  writeFileSync(path, content);
  return { name, path };
}

export async function zipBytes(parts: Record<string, string>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, data] of Object.entries(parts)) zip.addBuffer(Buffer.from(data), name, { compress: true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A multipart form with its CSRF token first and any number of files under 'file'. */
export function multipartFiles(csrf: string, files: { name: string; bytes: Uint8Array | string; type?: string }[], fields: Record<string, string> = {}) {
  const boundary = `----assessment${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`)];
  for (const [name, value] of Object.entries(fields)) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'text/csv'}\r\n\r\n`));
    chunks.push(Buffer.from(f.bytes));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
