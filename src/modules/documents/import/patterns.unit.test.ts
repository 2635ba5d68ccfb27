// One invented document per layout pattern the reader must handle (issue 17): each in the
// style of a different kind of council, none copied from a real record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importBytes } from './importer.ts';
import { readDocument } from './reader.ts';
import { continues, runInTitle, splitRunIn } from './numbering.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const items = (text: string, name = 'minutes.txt') => readDocument(text, name).meetings[0]!.items;

test('minute numbers of many schemes are kept as printed', () => {
  const schemes: [string, string, string][] = [
    ['40.', '41.', '40'], ['12/24', '13/24', '12/24'], ['24/031', '24/032', '24/031'], ['16/09/6/18vii', '16/09/6/18viii', '16/09/6/18vii'], ['1.0', '2.0', '1.0'], ['5.1', '5.2', '5.1'],
  ];
  for (const [printed, next, stored] of schemes) {
    const text = `MINUTES of a meeting of Ashcombe Parish Council held on Monday 3 March 2025 at 7pm in the Village Hall\n\nPresent: Cllr A Bell (Chair), Cllr C Dunn\n\n${printed} Declarations of interest\n\nNone were made.\n\n${next} Playing field\n\nRESOLVED to repair the gate.\n`;
    const found = items(text);
    assert.equal(found[0]?.minuteNumber, stored, `${printed}: ${JSON.stringify(found.map((i) => i.minuteNumber))}`);
    assert.equal(found[0]?.title, 'Declarations of interest');
    assert.equal(found.length, 2, printed);
  }
});

test('numbers such as 5.1 under a minute 5 are paragraphs of that minute, not items', () => {
  const text = `Brindle Town Council\n\nMinutes of the meeting of the Town Council held on Tuesday 4 February 2025 at 7pm at the Guildhall.\n\n4. Apologies\n\nNone.\n\n5. Highways\n\n5.1 The Clerk reported that the pothole on Mill Lane had been filled.\n\n5.2 Members noted the bus shelter repair.\n\n6. Finance\n\nRESOLVED to approve the payments.\n`;
  assert.deepEqual(items(text).map((i) => [i.minuteNumber, i.title]), [['4', 'Apologies'], ['5', 'Highways'], ['6', 'Finance']]);
});

test('a run-in heading is split into number, title and text', () => {
  assert.deepEqual(runInTitle('Apologies for absence Apologies were received from Cllr Fox.'), { title: 'Apologies for absence', rest: 'Apologies were received from Cllr Fox.' });
  assert.deepEqual(runInTitle('Election of Chairman It was proposed that Cllr Hale remain.'), { title: 'Election of Chairman', rest: 'It was proposed that Cllr Hale remain.' });
  assert.equal(runInTitle('The Minutes of the meeting held on 3 March were agreed as a true record. Signed.').title, 'The Minutes of the meeting held on 3 March were agreed as a true record.');
  const text = `Minutes of the meeting of Croft End Parish Council held on Wednesday 5 March 2025 at 7.30pm at the School.\n\n05/24 Apologies for absence Apologies were received from Cllr Fox and Cllr Hale.\n\n06/24 Declarations of interest There were none.\n\n07/24 Allotments The Council considered the waiting list. It was agreed that the Clerk write to the tenants.\n`;
  const r = readDocument(text, 'croft.txt');
  const m = r.meetings[0]!;
  assert.deepEqual(m.items.map((i) => [i.minuteNumber, i.title]), [['05/24', 'Apologies for absence'], ['06/24', 'Declarations of interest'], ['07/24', 'Allotments']]);
  assert.deepEqual(m.attendance.apologies.map((a) => a.name), ['Cllr Fox', 'Cllr Hale']);
  assert.deepEqual(m.items[2]!.resolutions, ['that the Clerk write to the tenants.']);
});

test('minutes run together in one paragraph are split where the numbering goes on', () => {
  assert.ok(continues([4, 0], [4, 1]) && continues([4, 1], [5, 0]) && continues([5], [6]) && !continues([5], [3]) && !continues([2, 1], [7, 0]));
  const para = 'MARSH GIBBON PARISH COUNCIL Minutes of the Parish Council Meeting held on 9th June 2025 at 7.30pm in the Pavilion. 1.0 Apologies There were no apologies. 2.0 Declarations of Interest 2.1 Cllr Pike declared an interest in item 4.0. 3.0 The Minutes of the meeting held on 12th May 2025 were agreed as a true record. Prop. AP, 2nd JS, All agreed. 4.0 Playground 4.1 The Council agreed to replace the swing seats at a cost of £240.';
  assert.equal(splitRunIn(para).split('\n\n').length, 7);
  const found = items(`${para}\n`);
  assert.deepEqual(found.map((i) => i.minuteNumber), ['1.0', '2.0', '3.0', '4.0']);
  assert.deepEqual(found.map((i) => i.title), ['Apologies', 'Declarations of Interest', 'The Minutes of the meeting held on 12th May 2025 were agreed as a true record.', 'Playground']);
  assert.deepEqual(found[2]!.resolutions, ['The Minutes of the meeting held on 12th May 2025 were agreed as a true record.']);
  assert.deepEqual(found[3]!.resolutions, ['to replace the swing seats at a cost of £240.']);
});

test('a minute run into the paragraph of the one before is split out after the sentence ends', () => {
  const text = `MINUTES OF HOLME PARISH COUNCIL MEETING HELD AT THE CHURCH ON MONDAY 12th MAY 2025\n\n1. Election of Chairman It was proposed and seconded that Cllr Rowe remain as Chairman.\n\n2. Apologies None.\n\n3. Election of Vice-Chairman It was agreed that Cllr Bain remain as Vice-Chairman. 4. Planning No applications had been received.\n`;
  assert.deepEqual(items(text).map((i) => [i.minuteNumber, i.title]), [['1', 'Election of Chairman'], ['2', 'Apologies'], ['3', 'Election of Vice-Chairman'], ['4', 'Planning']]);
});

test('an item is restricted only where the document says it is held without press and public', () => {
  const text = `Minutes of the meeting of Fenton Community Council held on Thursday 6 March 2025 at 7pm at the Hall.\n\n10. Footpaths\n\nNoted.\n\n11. Exclusion of the press and public\n\nRESOLVED that the press and public be excluded for the next item.\n\n12. Staffing matter\n\nRESOLVED to accept the recommendation.\n`;
  assert.deepEqual(items(text).map((i) => [i.minuteNumber, i.restricted]), [['10', false], ['11', false], ['12', true]]);
});

test('decisions worded in prose are read where an item has no RESOLVED', () => {
  const text = `Minutes of the meeting of Upper Wyre Town Council held on Monday 10 March 2025 at 7pm at the Town Hall.\n\n21. Minutes\n\nIt was proposed by Cllr Lee, seconded by Cllr Shaw and unanimously agreed that the minutes of the last meeting were correct.\n\n22. Grants\n\nCommittee resolved to award £300 to the youth club. Cllr Lee agreed to attend the opening.\n\n23. Planning\n\nRESOLVED to raise no objection.\n\nThe Council agreed to write to the applicant.\n`;
  const found = items(text);
  assert.deepEqual(found[0]!.resolutions, ['that the minutes of the last meeting were correct.']);
  assert.deepEqual(found[1]!.resolutions, ['to award £300 to the youth club.'], 'a councillor agreeing to attend is not a decision of the meeting');
  assert.deepEqual(found[2]!.resolutions, ['to raise no objection.'], 'prose agreements beside a formal RESOLVED are discussion');
});

test('Markdown with front matter and bold numbered headings is read as Markdown', async () => {
  const md = `---\ntitle: "Kilby Parish Council Minutes for Tuesday, 7 January 2025"\nauthor: A Clerk\n---\n\nA Parish Council meeting was held in the Reading Room, Kilby, on Tuesday, 7 January 2025\n\nPresent: Mr Tom Hart, Mrs Ann Cole, Councillors\n\n**1\\. Apologies**\n\nThere were no apologies.\n\n**2\\. Bus shelter**\n\nRESOLVED: That the shelter be repainted.\n`;
  const r = await importBytes(bytes(md), 'kilby.md');
  assert.equal(r.body, 'Kilby Parish Council');
  const m = r.meetings[0]!;
  assert.equal(m.date, '2025-01-07');
  assert.deepEqual(m.items.map((i) => [i.minuteNumber, i.title, i.resolutions]), [['1', 'Apologies', []], ['2', 'Bus shelter', ['That the shelter be repainted.']]]);
  assert.ok(!r.reports.length, 'the front matter is not read as content');
});

test('a document whose items cannot be found says so instead of giving a silent empty draft', () => {
  const r = readDocument('Notes from the walkabout\n\nWe walked the village and looked at the verges and the pond. Everyone enjoyed it.\n', 'walk.txt');
  assert.equal(r.meetings[0]!.items.length, 0);
  assert.ok(r.warnings.some((w) => /no items were found/.test(w)), JSON.stringify(r.warnings));
});

test('a parish summons opens the agenda and the attendance record after it opens the minutes', () => {
  const text = `# Ferriby Parish Council\n\nCouncillors are summoned to a meeting on 4th March 2025 at 7pm in the Church Room to transact the following business.\n\n1. Minutes of the last meeting\n\n2. Footpaths\n\n3. Finance\n\nDate held: 4th March 2025 Venue: Church Room, Ferriby\n\nPresent:\n\nCllr J Amos (Chair)\n\nCllr P Reed\n\n1. Minutes\n\nRESOLVED that the minutes be signed.\n\n2. Footpaths\n\nThe stile is broken. RESOLVED to repair the stile.\n\n3. Finance\n\nRESOLVED to pay the invoices.\n`;
  const r = readDocument(text, 'ferriby.html');
  assert.equal(r.documentKind, 'agenda-pack');
  assert.deepEqual(r.meetings.map((m) => [m.role, m.date]), [['agenda', '2025-03-04'], ['minutes', '2025-03-04']]);
  assert.deepEqual(r.meetings[0]!.items.map((i) => [i.agendaCode, i.title]), [['1', 'Minutes of the last meeting'], ['2', 'Footpaths'], ['3', 'Finance']]);
  assert.deepEqual(r.meetings[1]!.attendance.present.map((a) => a.name), ['Cllr J Amos', 'Cllr P Reed']);
  assert.equal(r.meetings[1]!.items.length, 3);
});

test('a weekday that does not match the date is a warning', () => {
  const r = readDocument('MINUTES OF SEDGE PARISH COUNCIL MEETING HELD AT THE HALL MONDAY 13th MAY 2015\n\n1. Apologies\n\nNone.\n\n2. Planning\n\nRESOLVED to support the application.\n', 'sedge.txt');
  assert.equal(r.meetings[0]!.date, '2015-05-13');
  assert.ok(r.warnings.some((w) => /'MONDAY 13th MAY 2015', but 13 May 2015 was a Wednesday/.test(w)), JSON.stringify(r.warnings));
});

test('attendance under many labels and shapes: a plural title shared, a dashed role, a bare list under an Apologies minute', () => {
  const text = `Amenities Committee\n\nTuesday 13th March 2018\n\nTown Hall\n\nPresent:\nCllrs Hale (Chairman), Irwin, Moss and Wood.\nUnder standing order 4 the Clerk advised that Cllr Wood was substituting for Cllr Ellis.\nIn Attendance:\nOlive Hart – Town Clerk, Ben Lowe - Assistant Town Clerk.\nPublic Gallery: There were 4 members of the public present.\n52 Apologies for Absence\nCllrs Ives, Ward and Ellis.\nCommittee resolved to note the apologies.\n53 Declarations of Interest\nNone.\n54 Grants\nCommittee resolved to award £200.\n`;
  const m = readDocument(text, 'amenities.pdf').meetings[0]!;
  assert.deepEqual(m.attendance.present.map((a) => [a.name, a.role]), [['Cllr Hale', 'Chairman'], ['Cllr Irwin', null], ['Cllr Moss', null], ['Cllr Wood', null]]);
  assert.deepEqual(m.attendance.inAttendance.map((a) => [a.name, a.role]), [['Olive Hart', 'Town Clerk'], ['Ben Lowe', 'Assistant Town Clerk']]);
  assert.deepEqual(m.attendance.apologies.map((a) => a.name), ['Cllr Ives', 'Cllr Ward', 'Cllr Ellis']);
  assert.deepEqual(m.items.map((i) => [i.minuteNumber, i.resolutions]), [['52', ['to note the apologies.']], ['53', []], ['54', ['to award £200.']]]);
});

test('actions in parish shorthand and in resolutions that name who is to act', () => {
  const text = `Minutes of the meeting of Oakley Parish Council held in the Village Hall on Monday 7 April 2025 at 7.30pm.\n\n1. Correspondence\n\nA letter about the fete was received. Clerk to post details on the website.\n\n2. Bus shelter\n\nThe timetable is still missing. MC to pursue with the operator.\n\n3. Insurance\n\nRESOLVED: That the quotation be accepted, and that the Clerk should renew the insurance.\n`;
  const found = items(text);
  assert.deepEqual(found[0]!.actions.map((a) => [a.owner, a.text]), [['Clerk', 'post details on the website']]);
  assert.deepEqual(found[1]!.actions.map((a) => [a.owner, a.text]), [['MC', 'pursue with the operator']]);
  assert.deepEqual(found[2]!.actions.map((a) => [a.owner, a.text]), [['the Clerk', 'renew the insurance']]);
});

test('a standing item numbered out of order is kept, and the numbering is flagged', () => {
  const text = `Ayrton Community Council\nMinutes of Meeting held on Tuesday 2nd September 2008\n9 Treasurer’s Report\nThe balance was noted.\n10 Planning Applications\nNo comment.\n11 Correspondence\nVarious letters.\n10 AOCB\nA resident raised the bus times.\n12 Next Meeting\nTuesday 7th October.\n`;
  const r = readDocument(text, 'ayrton.pdf');
  assert.deepEqual(r.meetings[0]!.items.map((i) => [i.minuteNumber, i.title]), [['9', "Treasurer's Report"], ['10', 'Planning Applications'], ['11', 'Correspondence'], ['10', 'AOCB'], ['12', 'Next Meeting']]);
  assert.ok(r.warnings.some((w) => /minute number 10 is used twice/.test(w)), JSON.stringify(r.warnings));
});

test('decisions worded as motions, bare agreements and passive approvals', () => {
  const text = `MINUTES OF TILNEY PARISH COUNCIL MEETING HELD AT THE CHURCH ON WEDNESDAY 14th MAY 2025\n\n1. Election of Chairman\n\nIt was proposed and seconded that Cllr Dean should remain as Chairman.\n\n2. Meetings\n\nIt was agreed the date of the September meeting would be moved forward a week.\n\n3. Policies\n\nThe Charities and Grants Policy was agreed. The Clerk had circulated it beforehand.\n`;
  assert.deepEqual(items(text).map((i) => i.resolutions), [
    ['that Cllr Dean should remain as Chairman.'],
    ['the date of the September meeting would be moved forward a week.'],
    ['The Charities and Grants Policy was agreed.'],
  ]);
});

test('bullets a PDF text layer gives as a letter ("x Item") are a list, and a resolution lead that is a clause is carried into each entry', async () => {
  const { symbolBullets } = await import('../extract/pdf.ts');
  assert.deepEqual(symbolBullets(['The Clerk reported on:', 'x Waterfall path', 'x Bench repairs', 'Next meeting in June.', 'x marks the spot']), ['The Clerk reported on:', '• Waterfall path', '• Bench repairs', 'Next meeting in June.', 'x marks the spot']);
  const text = `Minutes of the meeting of Dunmore Parish Council held on Tuesday 6 May 2025 at 8pm in the Village Hall.\n\n1. Apologies\n\nNone.\n\n2. Items for the next agenda\n\nRESOLVED: That, besides matters above, these items be brought forward:\n\n• Internal audit report\n\n• Caretaker hourly rate\n`;
  assert.deepEqual(items(text)[1]!.resolutions, ['That, besides matters above, these items be brought forward: Internal audit report', 'That, besides matters above, these items be brought forward: Caretaker hourly rate']);
});

test('words a PDF font shifted into punctuation ("&OHUN¶V") are decoded; ordinary capitals and numbers are left alone', async () => {
  const { unshiftGarbled } = await import('../extract/pdf.ts');
  const repaired: string[] = [];
  assert.equal(unshiftGarbled('4\x11\x03\x03&OHUN¶V\x035HSRUW', repaired), '4. Clerk’s Report');
  assert.equal(unshiftGarbled('The &RXQFLO¶V payroll', repaired), 'The Council’s payroll');
  assert.equal(repaired.length, 2);
  for (const plain of ['NCC & BCKLWN agreed', 'HELLO WORLD 2024', 'R&D budget: £1,200 & VAT', 'AT&T¶']) assert.equal(unshiftGarbled(plain), plain);
});

test('an agenda keeps roman-numbered items as printed and an unnumbered standing item among numbered ones', () => {
  const text = `# Marsh End Parish Council\n\nCouncillors are summoned to a meeting on 6th May 2025 at 7pm in the Reading Room to transact the following business.\n\nApologies for Absence\n\n1. Minutes of the last meeting\n\n2. Reports\n\ni. Footpaths\n\nii) Allotments\n\niv Village Green\n\nPublic Questions\n\nMeeting Closes\n\nDate held: 6th May 2025 Venue: Reading Room\n\nPresent:\n\nCllr J Amos (Chair)\n\n1. Minutes\n\nRESOLVED that the minutes be signed.\n\n2. Reports\n\nThe footpath is clear.\n`;
  const r = readDocument(text, 'marsh.html');
  assert.deepEqual(r.meetings[0]!.items.map((i) => [i.agendaCode, i.title]), [
    [null, 'Apologies for Absence'],
    ['1', 'Minutes of the last meeting'],
    ['2', 'Reports'],
    ['i', 'Footpaths'],
    ['ii', 'Allotments'],
    ['iv', 'Village Green'],
    [null, 'Public Questions'],
  ]);
});

test('the council named in capitals in the opening line is the body, without the words saying what the meeting is', () => {
  const caps = readDocument('MINUTES OF SEDGE PARISH COUNCIL MEETING HELD AT THE HALL WEDNESDAY 13th MAY 2015\n\n1. Apologies\n\nNone. Mr A Bell, Norfolk County Council, attended.\n\n2. Planning\n\nRESOLVED to support the application.\n', 'sedge.txt');
  assert.equal(caps.body, 'Sedge Parish Council');
  const ordinary = readDocument('ASHBY PARISH COUNCIL Minutes of the Ordinary Parish Council Meeting 14th July 2015 at 7.30pm Ashby Village Hall Attendance: Cllr J Bruce JB Chair 1.0 Apologies None. 2.0 Planning RESOLVED to support the application.\n', 'ashby.md');
  assert.equal(ordinary.body, 'Ashby Parish Council');
});

test('an unlabelled line of titled people under the members present is read as also present, without the count of the public', () => {
  const r = readDocument('MINUTES OF FENWAY PARISH COUNCIL MEETING HELD AT THE SCHOOL ON 3rd JUNE 2025\n\nPresent– Cllr A Bell - Chairman, Cllr R Dunn, Cllr S Fry.\n\nMrs P Gale – District Councillor 4 members of the public\n\n1. Apologies\n\nNone.\n\n2. Planning\n\nRESOLVED to support the application.\n', 'fenway.md');
  const a = r.meetings[0]!.attendance;
  assert.deepEqual(a.present.map((p) => p.name), ['Cllr A Bell', 'Cllr R Dunn', 'Cllr S Fry']);
  assert.deepEqual(a.alsoPresent, [{ name: 'Mrs P Gale', role: 'District Councillor' }]);
});

test('a run-in title ends at a clock time or at a dash before a weekday, and a following paragraph number is not part of it', () => {
  assert.deepEqual(runInTitle('Public questions 9.35pm; it was resolved to adjourn the meeting'), { title: 'Public questions', rest: '9.35pm; it was resolved to adjourn the meeting' });
  assert.equal(runInTitle('Date of next meeting – Tuesday 8th September, 7pm, the Hall.').title, 'Date of next meeting');
  const r = readDocument('1.0 Apologies None received.\n\n2.0 Village Hall Update 2.1\n\nThe roof is mended.\n\n3.0 Finance The accounts were approved.\n', 'hall.txt');
  assert.deepEqual(r.meetings[0]!.items.map((i) => i.title), ['Apologies', 'Village Hall Update', 'Finance']);
});

test('a resolution that the Clerk should act is an action even where its object runs on with commas', () => {
  const r = readDocument('1. Street lighting\n\nRESOLVED: That the Clerk should investigate the replacement of the streetlight by the green, which had been removed, and report back.\n\n2. Banking\n\nRESOLVED: That the Clerk should arrange an appointment with the bank for herself, the Chairman and the Treasurer.\n', 'lights.txt');
  const [lights, banking] = r.meetings[0]!.items;
  assert.deepEqual(lights!.actions.map((a) => [a.owner, a.text]), [['the Clerk', 'investigate the replacement of the streetlight by the green']]);
  assert.deepEqual(banking!.actions.map((a) => [a.owner, a.text]), [['the Clerk', 'arrange an appointment with the bank for herself, the Chairman and the Treasurer']]);
});

test('a person named with "to fill" inside the subject of a vote is not given an action', () => {
  const r = readDocument('1.0 Co-option\n\nCo-option of Mrs Petra Ware to fill the vacant seat was voted for unanimously. Clerk to circulate the new contact list.\n\n2.0 Planning No applications.\n\n3.0 Finance The accounts were approved.\n', 'coopt.txt');
  assert.deepEqual(r.meetings[0]!.items[0]!.actions.map((a) => a.owner), ['Clerk']);
});

test('a motion recorded only by its mover and seconder is the item’s decision', () => {
  const r = readDocument('1 Apologies for Absence\nNone.\n2 Approval of Previous Minutes\nApproved – PW Seconded – RB\n3 Correspondence\nVarious letters from the county.\n', 'motion.txt');
  const items = r.meetings[0]!.items;
  assert.deepEqual(items.map((i) => i.resolutions), [[], ['Approved – PW Seconded – RB'], []]);
});

test('minutes numbered only in roman numerals or letters keep those numbers as printed', () => {
  for (const [a, b, c, stored] of [['i.', 'ii.', 'iii.', ['i', 'ii', 'iii']], ['(a)', '(b)', '(c)', ['a', 'b', 'c']], ['iv)', 'v)', 'vi)', ['iv', 'v', 'vi']]] as const) {
    const text = `MINUTES of a meeting of Ashcombe Parish Council held on Monday 3 March 2025 at 7pm in the Village Hall\n\nPresent: Cllr A Bell (Chair), Cllr C Dunn\n\n${a} Declarations of interest\n\nNone were made.\n\n${b} Playing field\n\nRESOLVED to repair the gate.\n\n${c} Correspondence\n\nNone.\n`;
    const found = items(text);
    assert.deepEqual(found.map((i) => i.minuteNumber), [...stored], a);
    assert.deepEqual(found.map((i) => i.title), ['Declarations of interest', 'Playing field', 'Correspondence'], a);
  }
});
