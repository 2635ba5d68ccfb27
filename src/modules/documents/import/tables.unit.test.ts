// Minutes kept in tables (issue 17): invented documents, in our own words, for the table
// shapes councils use. Each test fails without the structure-aware reading it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importBytes } from './importer.ts';
import { htmlToText } from '../extract/html.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

const head = `<html><head><title>Minutes</title></head><body>
<h1>Larkfield Parish Council</h1>
<p>Minutes of the meeting held on Thursday 6 March 2025 at 7.30pm in the Reading Room</p>
<p><strong>Present:</strong> Cllr Ann Shaw (Chair), Cllr Ben Oduya, Cllr Cara Mills</p>`;

test('a Markdown table pasted into a page as literal pipes is read as a table, one minute per numbered row', async () => {
  // The pipes sit inside paragraphs; the second row's text spans several paragraphs and a
  // list; the row before minute 3 has lost its closing pipe.
  const html = `${head}
<p>|
<strong>No</strong></p>
<p>|</p><p><strong>Item</strong></p><p>|</p><p><strong>Action by</strong></p><p>|</p><p><strong>Due</strong></p>
<p>|
| --- | --- | --- | --- |
| <strong>1.</strong> | <strong>Apologies</strong> |   |   |
|   | None were received. |   |   |
| <strong>2.</strong> | <strong>Village hall roof</strong> |   |   |
|   | The roofer's quote for the north slope was considered at length by members present. | AS | 1/4/25 |
|   |</p>
<p>Members discussed the timing of the work.</p>
<ul><li>The hall committee had asked for the work to be done before the summer fete, which members thought was sensible.</li>
<li>Scaffolding would need a licence from the highway authority.</li></ul>
<p>|</p><p>|</p>
<p>| <strong>3.</strong> | <strong>Correspondence</strong> |   |   |
|   | A letter from the school about parking was noted by the council. |   |   |</p>
<p>Next meeting: 3 April 2025</p>
</body></html>`;
  const text = htmlToText(html, 200);
  assert.doesNotMatch(text, /\| --- \|/, 'the delimiter row is not left in the text');
  assert.match(text, /^\| 2\. \| Village hall roof \|/m, 'a numbered row is a row of its own');
  assert.match(text, /^- Scaffolding would need a licence/m, "a cell's list keeps its items");
  const reading = await importBytes(bytes(html), 'larkfield.html');
  const m = reading.meetings.find((x) => x.role === 'minutes')!;
  assert.deepEqual(m.items.map((i) => [i.minuteNumber, i.title]), [['1', 'Apologies'], ['2', 'Village hall roof'], ['3', 'Correspondence']]);
  const roof = m.items[1]!;
  assert.equal(roof.actions.length, 1, JSON.stringify(roof.actions));
  assert.equal(roof.actions[0]!.owner, 'AS');
  assert.match(roof.actions[0]!.text, /roofer's quote/);
});

test('a table cell that holds paragraphs is read as prose, its short cells kept as a row', () => {
  const html = `<table><tr><th>Minute</th><th>Discussion</th><th>Owner</th></tr>
<tr><td>4</td><td><p>The footpath by the brook has flooded again this winter.</p><p>It was agreed that the Clerk write to the county council asking for the culvert to be cleared.</p></td><td>Clerk</td></tr></table>`;
  const text = htmlToText(html, 200);
  assert.match(text, /^The footpath by the brook has flooded again this winter\.$/m);
  assert.match(text, /^It was agreed that the Clerk write/m);
  assert.match(text, /^\| 4 \|  \| Clerk \|$/m);
  assert.match(text, /^\| Minute \| Discussion \| Owner \|$/m, 'a row of short cells stays one line');
});

test('a numbered list inside a minute kept in a table is not taken for further minutes', async () => {
  const rows = [
    ['1.', 'Apologies'],
    ['2.', 'Minutes of the last meeting'],
    ['3.', 'Finance'],
  ];
  const html = `${head}<table><tr><th>No</th><th>Item</th><th>Action by</th></tr>
${rows.map(([n, t]) => `<tr><td>${n}</td><td>${t}</td><td></td></tr>`).join('\n')}
<tr><td></td><td><p>Payments approved:</p><ol><li>Grass cutting for the churchyard in May and June - £240.00</li><li>Hall hire for the annual parish meeting - £35.00</li></ol></td><td>Clerk</td></tr>
<tr><td>4.</td><td>Date of next meeting</td><td></td></tr></table></body></html>`;
  const m = (await importBytes(bytes(html), 'larkfield-table.html')).meetings.find((x) => x.role === 'minutes')!;
  assert.deepEqual(m.items.map((i) => i.minuteNumber), ['1', '2', '3', '4']);
});

test('an owner set in emphasis at the far right of a paragraph is the owner of its action; "Noted" in that slot is not', async () => {
  const html = `<html><body><h1>Cwm Isaf Community Council</h1>
<p>Minutes of the meeting held on Wednesday 12 March 2025 at 7pm in the Chapel Vestry</p>
<p>Present: Cllr. H. Rees (Chair), Cllr. M. Owen, Cllr. S. Pugh</p>
<h4>3. MATTERS ARISING</h4>
<p>The bench by the bus stop is rotten. It was proposed by Cllr. M. Owen, seconded by Cllr. S. Pugh and unanimously agreed that a new bench would be ordered from the county supplier.\t\t\t<em>Clerk</em></p>
<p>The footbridge survey had been received and was discussed at length by members.        <em>Noted</em></p>
<p>The grit bin at the school needs refilling before the next cold spell.\t\t<em>Cllr. S. Pugh/Clerk</em></p>
<h4>4. CLOSE</h4><p>The meeting closed at 8.40pm.</p></body></html>`;
  const r = await importBytes(new TextEncoder().encode(html), 'cwm.html');
  const item = r.meetings[0]!.items.find((i) => i.minuteNumber === '3')!;
  assert.deepEqual(item.actions.map((a) => [a.owner, a.text]), [
    ['Clerk', 'a new bench would be ordered from the county supplier'],
    ['Cllr. S. Pugh/Clerk', 'The grit bin at the school needs refilling before the next cold spell'],
  ]);
});
