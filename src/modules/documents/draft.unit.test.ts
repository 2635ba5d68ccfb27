import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyForm, buildDraft, confirmationOf, draftProblems, dueDate, isPreviousMinutesItem, readVenue } from './draft.ts';
import { draftValues } from './presenters.ts';
import { readDocument } from './import/reader.ts';
import { parishMinutesText, wellbeingMinutesMarkdown } from './testing/documents.ts';
import type { ItemReading } from './import/types.ts';

const sections = [
  { code: 'A', restricted: false }, { code: 'B', restricted: false }, { code: 'C', restricted: false }, { code: 'D', restricted: true },
];

function draftOf(text: string, name: string) {
  const paragraphs = new Map<ItemReading, string[]>();
  const reading = readDocument(text, name, { paragraphs });
  return buildDraft(reading, reading.meetings.map((m) => m.items.map((i) => paragraphs.get(i) ?? [])), 'b0000000-0000-4000-8000-000000000001');
}

test('a reading becomes a draft; what the meetings module cannot hold is set aside and noted', () => {
  const draft = draftOf(parishMinutesText, 'parish.txt');
  const m = draft.meetings[0]!;
  assert.equal(m.date, '2025-03-03');
  assert.equal(m.items.length, 6);
  assert.deepEqual(m.items.map((i) => i.minuteNumber), ['24/31', '24/32', '24/33', '24/34', '24/35', '24/35'], 'minute numbers are kept as printed');
  assert.ok(!draft.notes.some((n) => /not whole numbers|left unnumbered/.test(n)), 'no number is dropped');
  assert.deepEqual(m.attendees.filter((a) => a.kind === 'apologies').map((a) => a.name), ['Cllr S Venn', 'Cllr M Okafor']);
  const drainage = m.items.find((i) => i.title === 'Village green drainage')!;
  assert.ok(drainage.paragraphs.some((p) => p.includes('contractor had inspected the drain')), 'the minute text is kept for the item');
  assert.ok(!drainage.paragraphs.some((p) => p.startsWith('to defer')), 'resolutions are not repeated as paragraphs');
});

test('the draft form posted back unchanged gives the same draft', () => {
  const draft = draftOf(wellbeingMinutesMarkdown, 'hwb.md');
  const values = draftValues(draft);
  const { draft: again, errors } = applyForm(draft, values);
  assert.deepEqual(errors, []);
  assert.deepEqual(again, draft);
});

test('a box left unticked leaves a part out; corrections replace what was read', () => {
  const draft = draftOf(wellbeingMinutesMarkdown, 'hwb.md');
  const values = draftValues(draft);
  delete values['m0-i0-include'];
  values['m0-i1-title'] = 'Health and Wellbeing Strategy refresh';
  values['m0-i1-minute'] = '13';
  const { draft: corrected } = applyForm(draft, values);
  assert.equal(corrected.meetings[0]!.items[0]!.include, false);
  assert.equal(corrected.meetings[0]!.items[1]!.title, 'Health and Wellbeing Strategy refresh');
});

test('problems that would stop the draft becoming a meeting are found before anything is written, each saying what to do', () => {
  const draft = draftOf(parishMinutesText, 'parish.txt');
  const m = draft.meetings[0]!;
  m.items[0]!.code = 'B2';
  m.items[1]!.code = 'B2';
  m.items[2]!.minuteNumber = '40';
  m.items[3]!.minuteNumber = '40';
  m.items[4]!.restricted = true;
  m.items[4]!.code = 'A9';
  m.venue = null;
  m.online = false;
  const problems = draftProblems({ ...draft, bodyId: null }, sections);
  const text = problems.map((p) => `${p.field}: ${p.message}`).join('\n');
  assert.match(text, /body_id: Select the body/);
  assert.match(text, /m0-venue: .*enter the venue, or tick that the meeting was held online/);
  assert.match(text, /m0-i1-code: .*code B2 is also given to item 1/);
  assert.match(text, /m0-i3-minute: .*minute 40 is also given to item 3/);
  assert.match(text, /m0-i4-code: .*section A is open to the public/);
  assert.match(text, /m0-i2-x0-due: .*enter the date it is due, or untick it/);
});

test('venues, due dates, the last meeting’s minutes and their confirmation are recognised', () => {
  assert.deepEqual(readVenue('Online'), { venue: null, online: true });
  assert.deepEqual(readVenue('Council Chamber, County Hall and via Microsoft Teams'), { venue: 'Council Chamber, County Hall and via Microsoft Teams', online: true });
  assert.deepEqual(readVenue('Room 2, Civic Centre'), { venue: 'Room 2, Civic Centre', online: false });
  assert.equal(dueDate('2025-09'), '2025-09-30');
  assert.equal(dueDate('2024-02'), '2024-02-29');
  assert.equal(dueDate('2025-10-02'), '2025-10-02');
  assert.ok(isPreviousMinutesItem('Minutes of the previous meeting'));
  assert.ok(isPreviousMinutesItem('Notes of the last meeting'));
  assert.ok(!isPreviousMinutesItem('Dates of future meetings'));
  assert.deepEqual(confirmationOf('that the minutes of the meeting held on 3 February 2025 be approved and signed as a true record.', '2025-02-03'), { subjectTo: null });
  assert.deepEqual(confirmationOf('that the notes be agreed as a correct record, subject to the spelling of Mr Lusk’s name.', '2025-02-03'), { subjectTo: 'the spelling of Mr Lusk’s name' });
  assert.equal(confirmationOf('that the minutes of the meeting held on 4 May 2024 be approved.', '2025-02-03'), null, 'another meeting’s minutes');
  assert.equal(confirmationOf('to note the update.', '2025-02-03'), null);
});
