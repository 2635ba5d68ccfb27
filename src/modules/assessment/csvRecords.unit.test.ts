// Our police.uk CSV reader gives what csv-parse gives, however the text is cut into
// chunks, and refuses a cut-short quoted field as it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { CsvError, CsvRecords } from './csvRecords.ts';

function read(text: string, cut: number[] = []): { records: string[][]; lines: number[] } {
  const records: string[][] = [];
  const lines: number[] = [];
  const reader = new CsvRecords((f, l) => { records.push(f); lines.push(l); });
  const bytes = Buffer.from(text);
  let at = 0;
  for (const c of [...cut, bytes.length]) { reader.push(bytes.subarray(at, c)); at = c; }
  reader.end();
  return { records, lines };
}

const CASES = [
  'a,b,c\n1,2,3\n',
  'a,b,c\r\n1,2,3\r\n',
  '\ufeffCrime ID,Month\nx,2024-01',
  'a,b\n\n1,2\n',
  'a,"b,c",d\n"1 ""one""",2,\n',
  'a,"line\nbreak",c\nx,y,z\n',
  'a,"",c\r\n,,\r\n',
  'Crime ID,Month,Location\nab12,2024-03,"On or near Park, Lane"\n,2024-03,On or near High Street\n',
  'é,ü,中\n"ß",x,y\n',
];

test('records as csv-parse reads them, whatever the chunks', () => {
  for (const text of CASES) {
    const expected = parse(text, { bom: true, relax_column_count: true }) as string[][];
    const n = Buffer.byteLength(text);
    for (let c = 0; c <= n; c++) assert.deepEqual(read(text, [c]).records, expected, `${JSON.stringify(text)} cut at ${c}`);
    assert.deepEqual(read(text, Array.from({ length: n }, (_, i) => i)).records, expected, `${JSON.stringify(text)} a byte at a time`);
  }
});

test('each record is given the line it starts on', () => {
  assert.deepEqual(read('a,b\n"x\ny",z\nq,r\n\ns,t\n').lines, [1, 2, 4, 5, 6]);
});

test('a quoted field cut short, or a stray quote, is refused with its line', () => {
  assert.throws(() => read('a,b\n1,2\n"d2,2024-03,Nort'), (e: CsvError) => e.code === 'CSV_QUOTE_NOT_CLOSED' && e.lines === 3);
  assert.throws(() => read('a,b\n1,2\n"x"y,z\n'), (e: CsvError) => e.code === 'CSV_INVALID_CLOSING_QUOTE' && e.lines === 3);
  assert.throws(() => read('a,b\nx,"y\n'), (e: CsvError) => e.code === 'CSV_QUOTE_NOT_CLOSED');
});
