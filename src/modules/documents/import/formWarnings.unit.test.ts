// Warnings about a document's form (issue 17): invented documents in our own words, one
// per anomaly a careful clerk would flag. Each fails without the check it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDocument } from './reader.ts';
import { importBytes } from './importer.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const has = (warnings: string[], re: RegExp) => assert.ok(warnings.some((w) => re.test(w)), `no warning ${re} in ${JSON.stringify(warnings)}`);

const opening = 'Minutes of the meeting of Fernhill Parish Council held on Monday 7 April 2025 at 7pm in the Village Hall.\n\nPresent: Cllr Ada Kemp (Chair), Cllr Ian Roe\n\n';

test('gaps in the minute numbering are listed with the run as printed', () => {
  const text = `${opening}1. Apologies\n\nNone.\n\n2. Minutes\n\nAgreed.\n\n4. Footpaths\n\nNoted.\n\n5. Finance\n\nRESOLVED to pay the invoices.\n`;
  has(readDocument(text, 'fernhill.txt').warnings, /^minute numbering skips 3: the items run 1, 2, 4, 5$/);
});

test('minutes run together in one paragraph are split and the lost line breaks reported', () => {
  const text = `${opening}1. Apologies None were received. 2. Minutes The minutes of the March meeting were agreed. 3. Footpaths The stile on Bridle Lane is broken. 4. Finance It was resolved to pay the invoices. 5. Close The meeting closed at 8.30pm.\n`;
  const r = readDocument(text, 'fernhill.txt');
  assert.equal(r.meetings[0]!.items.length, 5);
  has(r.warnings, /line breaks of the original have been lost: minutes 1 to 5 run together in one paragraph/);
  const two = `${opening}1. Apologies\n\nNone were received.\n\n2. Minutes The minutes were agreed and signed. 3. Footpaths The stile on Bridle Lane is broken and needs repair.\n`;
  has(readDocument(two, 'fernhill.txt').warnings, /^minute 3 is run into the paragraph of minute 2/);
});

test('a numbered sentence standing as a whole minute is reported as having no heading', () => {
  const text = `${opening}1. Apologies\n\nNone.\n\n2. The new councillor signed the declaration of acceptance of office and joined the meeting.\n\n3. Finance\n\nRESOLVED to pay the invoices.\n`;
  has(readDocument(text, 'fernhill.txt').warnings, /^minute 2 has no heading/);
});

test('a front matter date that is not the meeting date, and escapes left by a converter, are reported', async () => {
  const md = `---\ntitle: "Fernhill minutes"\ndate: "2025-06-30"\nauthor: "A. Kemp"\n---\n\n${opening}1\\. Apologies\n\nNone.\n\n2\\. Play area\n\n- \\- New swings\n\nRESOLVED to order the swings.\n`;
  const r = await importBytes(bytes(md), 'fernhill.md');
  assert.equal(r.meetings[0]!.date, '2025-04-07', 'the meeting date is used');
  has(r.warnings, /front matter's date \(2025-06-30\) is not the meeting date \(2025-04-07\)/);
  has(r.warnings, /front matter carries metadata .*author: A\. Kemp/);
  has(r.warnings, /backslash-escaped Markdown \('1\\\. Apologies/);
  has(r.warnings, /leftover escaped dash/);
});

test('words a PDF text layer garbled are reported', () => {
  const text = `${opening}1. Apologies\n\nNone.\n\n2. &OHUN¶V 5HSRUW\n\nThe &RXQFLO¶V payroll was noted.\n\n3. Finance\n\nRESOLVED to pay the invoices.\n`;
  has(readDocument(text, 'fernhill.txt').warnings, /text layer garbles words .*'&OHUN¶V'/);
});

test('literal Markdown emphasis and a literal pipe table in a web page are reported', async () => {
  const html = `<html><body><p>Fernhill Parish Council. Councillors are summoned to a meeting on 7 April 2025**, at** 7pm.</p><p>| No | Item |\n| --- | --- |\n| 1. | Apologies |\n| 2. | Finance |</p></body></html>`;
  const r = await importBytes(bytes(html), 'fernhill.html');
  has(r.warnings, /leftover Markdown emphasis in the text: '2025\*\*, at\*\*'/);
  has(r.warnings, /literal Markdown pipe text/);
});
