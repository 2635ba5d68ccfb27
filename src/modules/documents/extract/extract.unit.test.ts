import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractDocument, ExtractionError, type ExtractionErrorCode } from './index.ts';
import { detectFormat } from './detect.ts';
import * as docs from '../testing/documents.ts';

const text = (s: string) => new TextEncoder().encode(s);

async function failsWith(bytes: Uint8Array, name: string, code: ExtractionErrorCode, limits = {}): Promise<ExtractionError> {
  try {
    await extractDocument(bytes, `/uploads/${name}`, limits);
  } catch (error) {
    assert.ok(error instanceof ExtractionError, `a typed error, not ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(error.message.startsWith(`${name}: `), 'the message names the file');
    return error;
  }
  assert.fail(`${name} was accepted`);
}

test('the format is decided from the bytes, not the name', async () => {
  assert.deepEqual(detectFormat(await docs.safeguardingMinutesPdf(), 'minutes.txt'), { kind: 'format', format: 'pdf' });
  assert.deepEqual(detectFormat(await docs.wellbeingMinutesDocx(), 'minutes.pdf'), { kind: 'zip' });
  assert.deepEqual(detectFormat(text(docs.safeguardingPageHtml), 'page.txt'), { kind: 'format', format: 'html' });
  assert.deepEqual(detectFormat(text(docs.moderngovXml), 'meeting.html'), { kind: 'format', format: 'moderngov-xml' });
  assert.deepEqual(detectFormat(text('# Minutes\n'), 'minutes.md'), { kind: 'format', format: 'markdown' });
  assert.equal(detectFormat(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0, 0]), 'old.doc').kind, 'unsupported');
});

test('each format becomes the same Markdown-like text', async () => {
  const docx = await extractDocument(await docs.wellbeingMinutesDocx(), 'hwb.docx');
  assert.equal(docx.format, 'docx');
  assert.match(docx.text, /^## 7\. Pharmaceutical Needs Assessment$/m);
  assert.match(docx.text, /^\| Cllr M Osei \| Chair \|$/m);
  assert.match(docx.text, /^- approves the draft assessment for consultation;$/m);
  const pdf = await extractDocument(await docs.safeguardingMinutesPdf(), 'sab.pdf');
  assert.equal(pdf.pages, 1);
  assert.match(pdf.text, /^PRESENT: Ms D Okonjo-Reed \(Independent Chair\), DCI R Amberley, Mr S Falk,$/m);
  const html = await extractDocument(text(docs.safeguardingPageHtml), 'sab.html');
  assert.ok(html.moderngov);
  assert.doesNotMatch(html.text, /var x|Home|Contact us/, 'scripts, navigation and footers are dropped');
  const xml = await extractDocument(text(docs.moderngovXml), 'm.xml');
  assert.match(xml.text, /^## 62\. Anti-social behaviour hotspots \(Item B1\)$/m);
});

test('a scanned PDF with no text layer is refused with advice to run OCR', async () => {
  const e = await failsWith(await docs.scannedPdf(), 'scan.pdf', 'no-text-layer');
  assert.match(e.message, /OCR/);
});

test('a password-protected PDF is refused', async () => {
  await failsWith(await docs.encryptedPdf(), 'locked.pdf', 'encrypted');
});

test('a damaged or truncated file is refused with a typed error', async () => {
  const docx = await docs.wellbeingMinutesDocx();
  await failsWith(docx.slice(0, Math.floor(docx.length / 2)), 'half.docx', 'truncated');
  await failsWith(await docs.zipOf({ 'word/document.xml': '<w:document><w:body><w:p>' }), 'broken.docx', 'corrupt');
  await failsWith(await docs.zipOf({ 'notes.txt': 'hello' }), 'archive.docx', 'unsupported-format');
  await failsWith(text('%PDF-1.7\n1 0 obj <<'), 'stub.pdf', 'corrupt');
  await failsWith(new Uint8Array(0), 'empty.txt', 'empty');
  await failsWith(text('<?xml version="1.0"?><getmeeting><meeting><committeetitle>X</committee'), 'cut.xml', 'corrupt');
});

test('random bytes are refused as not a document', async () => {
  const bytes = new Uint8Array(4096);
  let seed = 7;
  for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  await failsWith(bytes, 'noise.bin', 'not-text');
});

test('a zip bomb is refused before it is inflated', async () => {
  const huge = new Uint8Array(12 * 1024 * 1024).fill(0x20);
  const bomb = await docs.zipOf({ '[Content_Types].xml': '<Types/>', 'word/document.xml': huge });
  assert.ok(bomb.length < 200_000, 'the bomb is small on disk');
  const e = await failsWith(bomb, 'bomb.docx', 'zip-bomb');
  assert.match(e.message, /refused/);
  await failsWith(bomb, 'bomb2.docx', 'zip-bomb', { maxUnzippedBytes: 1024 * 1024, maxCompressionRatio: 1e9 });
});

test('a huge single line and deeply nested HTML are read in bounded time', async () => {
  const started = Date.now();
  const line = await extractDocument(text('RESOLVED that the report be noted. '.repeat(80_000)), 'one-line.txt');
  assert.ok(line.text.split('\n').every((l) => l.length <= 4000), 'long lines are broken up');
  const nested = await extractDocument(text('<html><body>' + '<div><ul><li>'.repeat(30_000) + 'deep text' + '</li></ul></div>'.repeat(30_000) + '</body></html>'), 'deep.html');
  assert.match(nested.text, /deep text/);
  await failsWith(text('x'.repeat(2000)), 'big.txt', 'too-large', { maxBytes: 1000 });
  assert.ok(Date.now() - started < 20_000, 'all of it in seconds');
});

test('XML that declares its own entities is refused', async () => {
  await failsWith(text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><getmeeting>&a;</getmeeting>'), 'laughs.xml', 'unsupported-format');
});

test('running headers and footers of a PDF are dropped by repetition, the text under them kept', async () => {
  const { dropRunningLines } = await import('./pdf.ts');
  const pages = [1, 2, 3].map((n) => [`Amenities Committee Minutes | Tuesday 13th March 2018`, `${n + 50} Item ${n}`, `The committee considered item ${n} today.`, `Page | ${n}`]);
  assert.deepEqual(dropRunningLines(pages), [1, 2, 3].map((n) => [`${n + 50} Item ${n}`, `The committee considered item ${n} today.`]));
  assert.deepEqual(dropRunningLines([pages[0]!]), [pages[0]], 'one page has nothing to repeat');
});

test('Word automatic numbering keeps its printed numbers: a list starting at 40 runs on across paragraphs, sub-items lettered', async () => {
  const docx = await extractDocument(await docs.numberedMinutesDocx(), 'ashcombe.docx');
  assert.match(docx.text, /^\*{0,2}40\. Apologies for absence/m);
  assert.match(docx.text, /^\*{0,2}41\. Planning/m);
  assert.match(docx.text, /^\(a\) 24\/00123\/FUL/m);
  assert.match(docx.text, /^\(b\) 24\/00130\/HH/m);
  assert.match(docx.text, /^\*{0,2}42\. Finance/m);
});

test('a short PDF line set larger than the body text is marked as a heading, the largest size as the top level', async () => {
  const { markLargeLines } = await import('./pdf.ts');
  const body = (text: string) => ({ text, size: 11 });
  const pages = [[
    { text: 'Marsh End Parish Council', size: 18 },
    { text: 'Minutes of the meeting of 6 May 2025', size: 14 },
    body('Present: Cllr J Amos (Chair), Cllr P Reed and the Clerk.'),
    { text: 'Village green', size: 13 },
    body('The grass is cut fortnightly from April and the contract ends in October.'),
    { text: 'The larger print of this sentence is emphasis, not a heading.', size: 13 },
    { text: 'Page 1', size: 8 },
  ]];
  assert.deepEqual(markLargeLines(pages)[0]!.map((l) => l.text), [
    '# Marsh End Parish Council',
    '## Minutes of the meeting of 6 May 2025',
    'Present: Cllr J Amos (Chair), Cllr P Reed and the Clerk.',
    '## Village green',
    'The grass is cut fortnightly from April and the contract ends in October.',
    'The larger print of this sentence is emphasis, not a heading.',
    'Page 1',
  ]);
  assert.deepEqual(markLargeLines([[body('One size throughout'), body('Apologies')]])[0]!.map((l) => l.text), ['One size throughout', 'Apologies'], 'one size: no headings');
});

test('a long PDF read on two threads keeps every page, in order, as one thread reads it', async () => {
  const { PDFDocument, StandardFonts } = await import('pdf-lib');
  const helper = await import('./pdfHelper.ts');
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const topics = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel', 'India', 'Juliett', 'Kilo', 'Lima', 'Mike', 'November', 'Oscar', 'Papa', 'Quebec', 'Romeo', 'Sierra', 'Tango', 'Uniform', 'Victor', 'Whiskey', 'Xray'];
  topics.forEach((topic, i) => {
    const page = pdf.addPage([595, 842]);
    page.drawText('Northshire Safeguarding Board', { x: 50, y: 800, size: 9, font });
    page.drawText(`The board noted the ${topic} report (${i + 1}) and agreed its actions.`, { x: 50, y: 760, size: 10, font });
  });
  const bytes = await pdf.save();
  const expected = topics.map((topic, i) => `The board noted the ${topic} report (${i + 1}) and agreed its actions.`);
  const order = (text: string) => text.split('\n').filter((l) => l.trim());
  // The first reads may finish before the helper thread has started; later ones share pages.
  const reads = [];
  const before = helper.helperPagesRead;
  for (let i = 0; i < 40 && helper.helperPagesRead === before; i++) reads.push((await extractDocument(bytes, 'long.pdf')).text);
  assert.ok(helper.helperPagesRead > before, 'the helper thread read some pages');
  process.env.PH_PDF_HELPER = '0';
  await helper.stopHelper();
  try {
    const alone = (await extractDocument(bytes, 'long.pdf')).text;
    assert.deepEqual(order(alone), expected);
    for (const text of reads) assert.equal(text, alone);
  } finally {
    delete process.env.PH_PDF_HELPER;
  }
});

test('a numbered heading set large at the top of every page is a minute, not a running header', async () => {
  const { dropRunningLines } = await import('./pdf.ts');
  const pages = [1, 2, 3, 4].map((n) => [`## ${100 + n}. Item B4: Update on the action plan`, `The board noted update ${n}.`]);
  assert.deepEqual(dropRunningLines(pages), pages);
});
