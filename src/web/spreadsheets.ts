// Excel workbooks (XLSX) on exceljs: the exports write one from a header and rows, the
// uploads read the first sheet back as rows of text. exceljs reads the zip with JSZip, which
// does not bound what an entry inflates to, so an upload is first opened with yauzl, which
// does (a small file that unpacks to gigabytes is refused before exceljs sees it).
// exceljs is loaded on first use: it is the heaviest module the app has (about 0.8 s of CPU
// at start) and most starts never write a workbook.
import type ExcelJS from 'exceljs';
import yauzl from 'yauzl';

const loadExcelJS = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** How a column's values are written: text (the default), numbers, or dates shown as 31/05/2026. */
export interface SheetColumn { header: string; width?: number; kind?: 'text' | 'number' | 'date' }
export interface Sheet { name: string; columns: readonly SheetColumn[]; rows: readonly (readonly unknown[])[] }

/** Why an upload is not a workbook that can be read; the message is for the person uploading. */
export class SpreadsheetError extends Error {}

// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const text = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v)).replace(XML_FORBIDDEN, '');

function cellValue(v: unknown, kind: SheetColumn['kind']): ExcelJS.CellValue {
  if (v === null || v === undefined || v === '') return null;
  if (kind === 'number' || typeof v === 'number') {
    const n = typeof v === 'number' ? v : Number(v);
    if (Number.isFinite(n)) return n;
  }
  if (kind === 'date') {
    if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
    // A day (2026-05-31) is midnight UTC: exceljs turns dates into day numbers in UTC.
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(`${v}T00:00:00Z`);
  }
  // A plain string is a text cell, never a formula, whatever it starts with (= + - @):
  // exceljs writes a formula only when handed { formula }, which nothing here does.
  return text(v);
}

/** A workbook of the given sheets: a bold, frozen header row, column widths, typed cells. */
export async function writeWorkbook(sheets: readonly Sheet[]): Promise<Buffer> {
  const book = new (await loadExcelJS()).Workbook();
  for (const s of sheets) {
    // Sheet names: at most 31 characters, none of \ / ? * [ ] :
    const sheet = book.addWorksheet(s.name.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
    sheet.columns = s.columns.map((c) => ({
      width: c.width ?? Math.min(60, Math.max(10, c.header.length + 2)),
      style: c.kind === 'date' ? { numFmt: 'dd/mm/yyyy' } : c.kind === 'number' ? { numFmt: 'General' } : {},
    }));
    sheet.addRow(s.columns.map((c) => text(c.header))).font = { bold: true };
    for (const row of s.rows) sheet.addRow(s.columns.map((c, i) => cellValue(row[i], c.kind)));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

// ------------------------------------------------------------------ reading

const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;
const NOT_A_WORKBOOK = 'The file is not an Excel workbook (XLSX): save it from your spreadsheet as "Excel Workbook (.xlsx)" and try again';

/** Opens the zip with yauzl, unpacking every entry to count its real size; true when it holds a workbook part. */
function checkZip(bytes: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(new SpreadsheetError(NOT_A_WORKBOOK));
      let total = 0;
      let workbook = false;
      const fail = (e: Error) => { zip.close(); reject(e instanceof SpreadsheetError ? e : new SpreadsheetError(NOT_A_WORKBOOK)); };
      zip.on('error', fail);
      zip.on('end', () => resolve(workbook));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName === 'xl/workbook.xml') workbook = true;
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return fail(e ?? new Error('no stream'));
          stream.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > MAX_UNPACKED_BYTES) { stream.destroy(); fail(new SpreadsheetError('The workbook is too large once unpacked: save it with fewer rows or sheets and try again')); }
          });
          stream.on('error', fail);
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}

const isoDay = (d: Date) => (d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() ? d.toISOString().slice(0, 16).replace('T', ' ') : d.toISOString().slice(0, 10));

/** A cell's value as the sheet shows it in plain text: a formula's result, rich text's words, a date as 2026-05-31. */
function plain(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : isoDay(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('formula' in v || 'sharedFormula' in v) return plain((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ('hyperlink' in v) return plain(v.text as ExcelJS.CellValue);
  if ('error' in v) return String(v.error);
  return '';
}

/**
 * The first sheet of an uploaded workbook as rows of text, row n of the sheet at index n - 1
 * (blank rows kept as [], so row numbers in messages match the sheet; trailing blanks dropped).
 * Throws SpreadsheetError with a message for the person when the file is not a workbook.
 */
export async function readFirstSheet(bytes: Buffer): Promise<string[][]> {
  if (!(await checkZip(bytes))) throw new SpreadsheetError(NOT_A_WORKBOOK);
  const book = new (await loadExcelJS()).Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch {
    throw new SpreadsheetError(NOT_A_WORKBOOK);
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw new SpreadsheetError('The workbook has no sheet: put the rows on its first sheet and try again');
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => { cells[col - 1] = plain(cell.value); });
    rows[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
  });
  const all = Array.from(rows, (r) => r ?? []);
  while (all.length && !all.at(-1)!.some((c) => c.trim() !== '')) all.pop();
  return all;
}
