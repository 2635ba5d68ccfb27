import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importBytes } from './importer.ts';
import { readDocument } from './reader.ts';
import { makeVocabulary, defaultVocabulary } from './vocabulary.ts';
import * as docs from '../testing/documents.ts';

const text = (s: string) => new TextEncoder().encode(s);
const names = (list: { name: string }[]) => list.map((p) => p.name);

test('a parish council’s plain-text minutes give numbered items, resolutions, actions and attendance', async () => {
  const r = await importBytes(text(docs.parishMinutesText), 'parish.txt');
  assert.equal(r.documentKind, 'minutes');
  assert.equal(r.body, 'Little Holloway Parish Council');
  const m = r.meetings[0]!;
  assert.equal(m.date, '2025-03-03');
  assert.equal(m.startTime, '19:30');
  assert.match(m.venue ?? '', /Village Hall/);
  assert.deepEqual(names(m.attendance.present), ['Cllr R Fenwick', 'Cllr P Oduya', 'Cllr T Marsh', 'Cllr H Quinlan', 'Cllr D Abara']);
  assert.equal(m.attendance.present[0]!.role, 'Chairman');
  assert.deepEqual(names(m.attendance.inAttendance), ['Mrs K Lowther'], 'members of the public are not attendees');
  assert.deepEqual(names(m.attendance.apologies), ['Cllr S Venn', 'Cllr M Okafor']);
  assert.deepEqual(m.items.map((i) => i.minuteNumber), ['24/31', '24/32', '24/33', '24/34', '24/35', '24/35']);
  const drainage = m.items[2]!;
  assert.deepEqual(drainage.resolutions, ['to defer a decision until a second quotation is received.']);
  assert.deepEqual(drainage.actions, [
    { owner: 'Cllr Quinlan', text: 'obtain a second quotation before the next meeting', due: null },
    { owner: 'Clerk', text: 'write to the contractor by 14 March 2025', due: '2025-03-14' },
  ]);
  assert.deepEqual(m.items[3]!.resolutions, ['to approve the payments listed in the schedule;', 'to note the bank reconciliation for February.']);
  assert.ok(r.warnings.some((w) => /24\/35 is used twice/.test(w)));
});

test('a health and wellbeing board’s Markdown minutes mark items after the exempt heading as restricted', async () => {
  const r = await importBytes(text(docs.wellbeingMinutesMarkdown), 'hwb.md');
  const m = r.meetings[0]!;
  assert.equal(r.body, 'Northmoor Health and Wellbeing Board');
  assert.equal(m.startTime, '14:00');
  assert.deepEqual(m.items.map((i) => [i.minuteNumber, i.restricted]), [['12', false], ['13', false], ['14', false], ['15', true]]);
  const strategy = m.items[1]!;
  assert.equal(strategy.resolutions.length, 2, 'one resolution per bullet');
  assert.ok(strategy.actions.some((a) => a.owner === 'Dr Menon' && /dental access/.test(a.text)));
  assert.ok(strategy.actions.some((a) => a.owner === 'the Director of Public Health' && a.due === '2025-04-30'));
  assert.deepEqual(names(m.attendance.alsoPresent), ['Cllr B Nash']);
  assert.ok(r.warnings.some((w) => /Ellery/.test(w) && /Elery/.test(w)), 'a name spelled two ways is flagged');
});

test('a safeguarding adults board’s published HTML page is read as a meeting page without attachment noise', async () => {
  const r = await importBytes(text(docs.safeguardingPageHtml), 'sab.html');
  assert.equal(r.documentKind, 'meeting-page');
  assert.equal(r.body, 'Eastvale Safeguarding Adults Board');
  const m = r.meetings[0]!;
  assert.equal(m.date, '2025-04-09');
  assert.equal(m.startTime, '13:30');
  assert.equal(m.venue, 'Training Suite, Riverside House');
  assert.deepEqual(m.items.map((i) => i.title), ['Minutes of the previous meeting', 'Safeguarding Adults Review: Mrs P', 'Annual report 2024/25']);
  assert.ok(m.items.every((i) => i.restricted === false), 'the page gives no sign of restriction, so every item is open');
  assert.deepEqual(m.items[1]!.actions, [{ owner: 'The Board Manager', text: 'circulate the seven-minute briefing to partner agencies', due: null }]);
});

test('ModernGov web-service XML gives attendance, minute numbers, codes and restriction', async () => {
  const r = await importBytes(text(docs.moderngovXml), 'getmeeting.xml');
  const m = r.meetings[0]!;
  assert.equal(r.body, 'Westbrook Community Safety Partnership');
  assert.equal(m.date, '2024-10-02');
  assert.equal(m.startTime, '10:30');
  assert.deepEqual(names(m.attendance.present), ['Councillor J Pryce', 'Supt K Varga']);
  assert.deepEqual(names(m.attendance.apologies), ['Ms E Lund']);
  assert.deepEqual(m.items.map((i) => [i.minuteNumber, i.agendaCode, i.restricted]), [['61', 'A1', false], ['62', 'B1', false], ['63', 'D1', true]]);
  assert.deepEqual(m.items[1]!.actions[0], { owner: 'Supt Varga', text: 'share the patrol plan with district partners', due: null });
});

test('a Word document’s headings, attendance table and bulleted resolution are read', async () => {
  const r = await importBytes(await docs.wellbeingMinutesDocx(), 'hwb.docx');
  const m = r.meetings[0]!;
  assert.equal(r.body, 'Southfield Health and Wellbeing Board');
  assert.equal(m.venue, 'Southfield Town Hall');
  assert.deepEqual(m.attendance.present[1], { name: 'Dr H Lindqvist', role: 'Director of Public Health' });
  assert.deepEqual(m.items.map((i) => i.minuteNumber), ['7', '8']);
  assert.equal(m.items[0]!.resolutions.length, 2);
  assert.equal(m.items[0]!.actions[0]!.owner, 'Mrs Baptiste');
});

test('a PDF with broken lines and a name hyphenated over two lines is mended', async () => {
  const r = await importBytes(await docs.safeguardingMinutesPdf(), 'sab.pdf');
  const m = r.meetings[0]!;
  assert.equal(r.body, 'Hartwell Safeguarding Adults Board');
  assert.equal(m.date, '2025-02-21');
  assert.equal(m.startTime, '09:30');
  assert.equal(m.venue, 'online');
  assert.equal(m.attendance.present.length, 5);
  assert.deepEqual(m.items.map((i) => [i.minuteNumber, i.agendaCode]), [['8', '3'], ['9', '4']]);
  assert.deepEqual(m.items[0]!.actions, [{ owner: 'DCI Amberley', text: 'provide the police chronology by 31 March 2025', due: '2025-03-31' }]);
  assert.equal(m.items[1]!.resolutions[0], 'to note the dashboard and to request a deep dive on self-neglect referrals for the next meeting.');
  assert.ok(!r.warnings.some((w) => /spelled/.test(w)), 'Okonjo-Reed joined across the line break is not a second spelling');
});

test('a partnership can change the vocabulary: another restricted section letter and another word for resolved', () => {
  const minutes = [
    'NOTES of a meeting of the Riverside Reducing Reoffending Board held at Unit 4 on 2 May 2024.',
    '',
    '5. Performance (Item A1)',
    'DECIDED: that the report be noted.',
    '',
    '6. Cases under review (Item E1)',
    'DECIDED: that the update be noted.',
  ].join('\n');
  const plain = readDocument(minutes, 'x.txt');
  assert.equal(plain.meetings[0]!.items[1]!.restricted, false);
  const vocab = makeVocabulary({ restrictedSectionLetters: ['E'], resolutionMarkers: [...defaultVocabulary.resolutionMarkers] });
  const custom = readDocument(minutes, 'x.txt', { vocabulary: vocab });
  assert.deepEqual(custom.meetings[0]!.items.map((i) => i.restricted), [false, true]);
  assert.deepEqual(custom.meetings[0]!.items[0]!.resolutions, ['that the report be noted.']);
});

test('an agenda with page ranges, a restricted section and bound reports is read as an agenda pack', () => {
  const pack = [
    'AGENDA',
    '',
    'ASHFORD VALE COMMUNITY SAFETY PARTNERSHIP',
    '',
    'Tuesday, 4th March, 2025, at 2.00 pm',
    'Council Chamber',
    '',
    'A. Business',
    'A1 Apologies',
    'A2 Minutes of the meeting held on 2 December 2024 (Pages 1 - 4)',
    'B. Matters for decision',
    'B1 Night-time economy plan (Pages 5 - 9)',
    'C - PRIVATE ITEMS',
    'Not open to the press and public',
    'C1 Case review update',
    '',
    'From: Priya Nandakumar - Safer Streets Lead',
    'To: Ashford Vale Community Safety Partnership – 4 March 2025',
    'Subject: Night-time economy plan',
    'Classification: For Decision',
    '',
    '3. Recommendations',
    '3.1 The Partnership is asked to approve the plan.',
  ].join('\n');
  const r = readDocument(pack, 'pack.txt');
  assert.equal(r.documentKind, 'agenda-pack');
  assert.equal(r.body, 'Ashford Vale Community Safety Partnership');
  const agenda = r.meetings[0]!;
  assert.equal(agenda.role, 'agenda');
  assert.equal(agenda.date, '2025-03-04');
  assert.equal(agenda.startTime, '14:00');
  assert.equal(agenda.venue, 'Council Chamber');
  assert.deepEqual(agenda.items.map((i) => [i.agendaCode, i.pages, i.restricted]), [['A1', null, false], ['A2', '1-4', false], ['B1', '5-9', false], ['C1', null, true]]);
  assert.deepEqual(r.reports, [
    { title: 'Night-time economy plan', agendaCode: 'B1', authors: ['Priya Nandakumar'], date: '2025-03-04', classification: 'For Decision', recommendations: ['The Partnership is asked to approve the plan.'] },
  ]);
});

test('a truncated published minute, a missing comma and a name with no title are flagged', () => {
  const r = readDocument(
    [
      'MINUTES of the meeting of the Dunmore Health and Wellbeing Board held at the Guildhall on 10 October 2024.',
      '',
      'PRESENT: Cllr A Rowe (Chair), Mr B Tait Mrs C Ure, Okoro',
      '',
      '3. Public health annual report',
      'The Director presented the report and members discussed ... view the full minutes text for item 3.',
    ].join('\n'),
    'x.txt',
  );
  const w = r.warnings.join('\n');
  assert.match(w, /no comma between two names \('Mr B Tait Mrs C Ure'\)/);
  assert.match(w, /'Okoro'.*no title or initial/);
  assert.match(w, /truncated/);
  assert.deepEqual(names(r.meetings[0]!.attendance.present), ['Cllr A Rowe', 'Mr B Tait', 'Mrs C Ure', 'Okoro']);
});
