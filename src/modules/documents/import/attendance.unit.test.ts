// Attendance blocks in the shapes councils print them (issue 17): invented documents, in
// our own words. Each test fails without the reading it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDocument } from './reader.ts';
import { importBytes } from './importer.ts';

const names = (list: { name: string }[]) => list.map((a) => a.name).sort();

test('a list run together with no separators is split where each name is followed by its initials', () => {
  const text = `Minutes of the Parish Council meeting held on Tuesday 8 April 2025 at 7pm Millbrook Village Hall Attendance: Cllr Rosa Tandy RT Chair Cllr Owen Pike OP Vice Chair Cllr Lena Hart LH Mia Frost MF Parish Clerk Also in attendance: Cllr Tom Vale TV District Council of Eastmoor and Fenley Members of the Public: 3\n\n1. Apologies\n\nNone.\n\n2. Playground\n\nRESOLVED to buy a new swing.\n`;
  const m = readDocument(text, 'millbrook.txt').meetings[0]!;
  assert.deepEqual(m.attendance.present, [
    { name: 'Cllr Rosa Tandy', role: 'Chair' },
    { name: 'Cllr Owen Pike', role: 'Vice Chair' },
    { name: 'Cllr Lena Hart', role: null },
    { name: 'Mia Frost', role: 'Parish Clerk' },
  ]);
  assert.deepEqual(m.attendance.alsoPresent, [{ name: 'Cllr Tom Vale', role: 'District Council of Eastmoor and Fenley' }]);
  assert.equal(m.venue, 'Millbrook Village Hall', 'a place named after the time, up to its venue word');
});

test('a second column printed beside the present list is read as its own list, and the present list carries on', async () => {
  const html = `<html><body><h1>Kestle Parish Council</h1>
<p>Date held: 9 April 2025 Venue: The Old School</p>
<p><strong>Present:</strong></p>
<p>Ruth Oakes (RO)        Clerk             <strong>Apologies:</strong>    Dan Quill (DQ)</p>
<p>Sam Ibbot (SI)         Councillor/Chair</p>
<p>Pat Moyle (PM)         Councillor        <strong>Chair:</strong>        Sam Ibbot</p>
<p>Vic Lowe (VL)          Councillor</p>
<p>1. Minutes of the last meeting</p><p>The minutes were agreed as a true record.</p>
<p>2. Finance</p><p>RESOLVED to pay the grass cutting invoice.</p></body></html>`;
  const m = (await importBytes(new TextEncoder().encode(html), 'kestle.html')).meetings.find((x) => x.role === 'minutes')!;
  assert.deepEqual(names(m.attendance.present), ['Pat Moyle', 'Ruth Oakes', 'Sam Ibbot', 'Vic Lowe']);
  assert.equal(m.attendance.present.find((a) => a.name === 'Ruth Oakes')?.role, 'Clerk', 'initials in brackets, then the role');
  assert.deepEqual(names(m.attendance.apologies), ['Dan Quill']);
});

test('a venue in a capitalised title line is read after "held at"', () => {
  const text = `MINUTES OF HOLLOWAY PARISH COUNCIL MEETING HELD AT THE SCOUT HUT THURSDAY 10th APRIL 2025\n\nPresent: Cllr Ann Lee (Chairman), Cllr Bo Kerr\n\n1. Apologies\n\nNone.\n\n2. Signs\n\nRESOLVED to replace the sign.\n`;
  assert.match(readDocument(text, 'holloway.txt').meetings[0]!.venue ?? '', /^the scout hut$/i);
});

test('roles listed as entries of their own after the names are read as roles, and the list ends where prose begins', () => {
  const text = `MINUTES OF THE PARISH COUNCIL MEETING\nA Parish Council meeting was held in the Reading Room, Low Fold on Tuesday, 6 May 2025\nPresent: Mrs Ann Bell, Mr Carl Dunn and Mrs Eve\nFox, Councillors, Mrs Gail Hunt, Clerk, and Mr Ian Judd, Assistant Clerk\nAlso present: PCSO Kim Lowe and Mr Max Nunn\nAt the start of the meeting, Mr Max Nunn reported to the Council on the state of the river path after the storms.\n1. Apologies\nThere were none.\n2. Finance\nRESOLVED to pay the invoices.\n`;
  const r = readDocument(text, 'lowfold.txt');
  const m = r.meetings[0]!;
  assert.deepEqual(m.attendance.present, [
    { name: 'Mrs Ann Bell', role: 'Councillor' },
    { name: 'Mr Carl Dunn', role: 'Councillor' },
    { name: 'Mrs Eve Fox', role: 'Councillor' },
    { name: 'Mrs Gail Hunt', role: 'Clerk' },
    { name: 'Mr Ian Judd', role: 'Assistant Clerk' },
  ]);
  assert.deepEqual(names(m.attendance.alsoPresent), ['Mr Max Nunn', 'PCSO Kim Lowe']);
  assert.ok(r.warnings.some((w) => /roles after the names as entries of their own \('Councillors', 'Clerk', 'Assistant Clerk'\)/.test(w)), JSON.stringify(r.warnings));
});

test('apologies minuted as "Apologies from X noted" beside "No apologies from councillors" name X, and the heading stops before "accepted from:"', () => {
  const text = `MINUTES OF LOWMOOR PARISH COUNCIL MEETING HELD AT THE CHURCH MONDAY 3rd MARCH 2025\n\nPresent: Cllr E Hart (Chair), Cllr N Shaw\n\n1. Welcome\n\n2. Apologies for absence accepted from: No apologies from councillors. Apologies from District Councillor P Moss noted.\n\n3. Planning\n\nNone.\n`;
  const m = readDocument(text, 'lowmoor.md').meetings[0]!;
  assert.deepEqual(m.attendance.apologies.map((a) => a.name), ['District Councillor P Moss']);
  assert.equal(m.items[1]!.title, 'Apologies for absence');
});
