import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  meetingStatusTag,
  assignCodes, codeProblem, correctRecordText, editProblem, firstMinuteNumber, formatTime, futureDatesText, minuteRange, minutesProblem,
  moveWithinSection, numberMinutes, parseTime, resolutionLabel, statusAfter, stepProblem, visibleTo, whereText, type CodedItem,
} from './domain.ts';
import { resolutionWords, splitParagraphs } from './minutes.commands.ts';

const item = (id: string, sectionCode: string, position: number, code: string | null = null, codeFixed = false): CodedItem =>
  ({ id, sectionCode, position, code, codeFixed });

test('items are coded by section letter and place: A1, A2, B1, D1', () => {
  const codes = assignCodes([item('a', 'A', 1), item('b', 'A', 2), item('c', 'B', 1), item('d', 'D', 1)], false);
  assert.deepEqual([...codes.entries()].sort(), [['a', 'A1'], ['b', 'A2'], ['c', 'B1'], ['d', 'D1']]);
});

test('codes follow the order, not the order of creation', () => {
  const codes = assignCodes([item('x', 'B', 2, 'B1'), item('y', 'B', 1, 'B2')], false);
  assert.equal(codes.get('y'), 'B1');
  assert.equal(codes.get('x'), 'B2');
});

test('a code fixed by the clerk is kept and the others step round it', () => {
  const codes = assignCodes([item('a', 'B', 1), item('b', 'B', 2, 'B2', true), item('c', 'B', 3)], false);
  assert.equal(codes.get('a'), 'B1');
  assert.equal(codes.get('b'), 'B2');
  assert.equal(codes.get('c'), 'B3');
  const around = assignCodes([item('a', 'B', 1), item('b', 'B', 2, 'B1', true)], false);
  assert.equal(around.get('a'), 'B2');
  assert.equal(around.get('b'), 'B1');
});

test('once the agenda is published codes stand, and a late item takes the next free number', () => {
  const codes = assignCodes([item('a', 'B', 1, 'B1'), item('late', 'B', 2, null), item('c', 'B', 3, 'B2')], true);
  assert.equal(codes.get('a'), 'B1');
  assert.equal(codes.get('c'), 'B2');
  assert.equal(codes.get('late'), 'B3');
});

test('a typed code is checked: format, section letter and duplicates', () => {
  const inUse = new Map([['B2', '“VRU update”']]);
  assert.match(codeProblem('B2', 'B', inUse)!, /Item code B2 is already used on this agenda \(“VRU update”\)/);
  assert.match(codeProblem('D1', 'B', inUse)!, /starts with B/);
  assert.match(codeProblem('2B', 'B', inUse)!, /such as B2/);
  assert.equal(codeProblem('B3', 'B', inUse), null);
  assert.equal(codeProblem('B2a', 'B', new Map()), null);
});

test('moving an item swaps it with its neighbour, and not past either end', () => {
  assert.deepEqual(moveWithinSection(['a', 'b', 'c'], 'b', 'up'), ['b', 'a', 'c']);
  assert.deepEqual(moveWithinSection(['a', 'b', 'c'], 'b', 'down'), ['a', 'c', 'b']);
  assert.equal(moveWithinSection(['a', 'b'], 'a', 'up'), null);
  assert.equal(moveWithinSection(['a', 'b'], 'b', 'down'), null);
  assert.equal(moveWithinSection(['a'], 'z', 'up'), null);
});

test('minute numbers run on across a body’s meetings from its configured start (27-39, then 40-50)', () => {
  assert.equal(firstMinuteNumber(27, null), 27);
  const july = numberMinutes(Array.from({ length: 13 }, (_, i) => ({ id: `j${i}`, minuted: true })), firstMinuteNumber(27, null));
  assert.equal(minuteRange([...july.values()]), '27-39');
  const november = numberMinutes(Array.from({ length: 11 }, (_, i) => ({ id: `n${i}`, minuted: true })), firstMinuteNumber(27, 39));
  assert.equal(minuteRange([...november.values()]), '40-50');
  // A start set above the numbers used so far wins (a new municipal year, say).
  assert.equal(firstMinuteNumber(100, 50), 100);
});

test('items that are not minuted get no number and the numbers stay consecutive', () => {
  const numbers = numberMinutes([{ id: 'intro', minuted: false }, { id: 'apologies', minuted: false }, { id: 'declarations', minuted: true }, { id: 'notes', minuted: true }], 40);
  assert.equal(numbers.has('intro'), false);
  assert.equal(numbers.get('declarations'), 40);
  assert.equal(numbers.get('notes'), 41);
  assert.equal(minuteRange([null, 40, 41]), '40-41');
  assert.equal(minuteRange([]), '');
});

test('a meeting moves scheduled -> agenda published -> held -> minutes in draft, and may be cancelled only before it is held', () => {
  const today = '2021-11-20';
  const m = { status: 'scheduled' as const, meets_on: '2021-11-18', agenda_published_at: null, minutes_published_at: null };
  assert.equal(stepProblem(m, 'publish-agenda', today), null);
  assert.equal(statusAfter(m, 'publish-agenda'), 'agenda-published');
  assert.equal(stepProblem(m, 'hold', today), null);
  assert.match(stepProblem({ ...m, meets_on: '2021-12-01' }, 'hold', today)!, /before its date \(1 December 2021\)/);
  assert.match(stepProblem(m, 'start-minutes', today)!, /Record the meeting as held/);
  assert.match(stepProblem(m, 'publish-minutes', today)!, /Write the minutes/);
  const held = { ...m, status: 'held' as const };
  assert.equal(stepProblem(held, 'start-minutes', today), null);
  assert.match(stepProblem(held, 'cancel', today)!, /cannot be cancelled/);
  const cancelled = { ...m, status: 'cancelled' as const };
  assert.match(stepProblem(cancelled, 'publish-agenda', today)!, /cancelled/);
  const published = { ...m, status: 'minutes-approved' as const, minutes_published_at: new Date() };
  assert.match(stepProblem(published, 'publish-minutes', today)!, /already published/);
  assert.equal(statusAfter({ ...m, status: 'minutes-draft' }, 'publish-minutes'), 'minutes-draft');
});

test('approved minutes are locked: an edit is refused with what to do instead', () => {
  assert.equal(editProblem({ status: 'minutes-draft' }), null);
  assert.match(editProblem({ status: 'minutes-approved', minutes_approved_at: new Date('2022-03-24T12:00:00Z') })!, /approved as a correct record on 24 March 2022 and are locked\. Record an amendment instead/);
  assert.match(minutesProblem({ status: 'held' })!, /Start the minutes/);
  assert.equal(minutesProblem({ status: 'minutes-draft' }), null);
  assert.match(minutesProblem({ status: 'minutes-approved' })!, /locked/);
});

test('restricted records are left out for a reader the policy does not entitle', () => {
  const records = [{ id: 'b1', restricted: false }, { id: 'd1', restricted: true }];
  assert.deepEqual(visibleTo(records, false).map((r) => r.id), ['b1']);
  assert.deepEqual(visibleTo(records, true).map((r) => r.id), ['b1', 'd1']);
});

test('times are read as clerks write them and printed the GOV.UK way', () => {
  assert.equal(parseTime('10:00'), '10:00');
  assert.equal(parseTime('10.00 am'), '10:00');
  assert.equal(parseTime('2.30pm'), '14:30');
  assert.equal(parseTime('12pm'), '12:00');
  assert.equal(parseTime('12am'), '00:00');
  assert.equal(parseTime('14:30'), '14:30');
  assert.equal(parseTime('10'), null);
  assert.equal(parseTime('25:00'), null);
  assert.equal(parseTime('13pm'), null);
  assert.equal(parseTime('teatime'), null);
  assert.equal(formatTime('10:00'), '10am');
  assert.equal(formatTime('14:30'), '2:30pm');
  assert.equal(formatTime('12:00'), 'midday');
});

test('the wording of the minutes: correct record, resolution labels, future dates, venue', () => {
  assert.equal(correctRecordText('2021-07-13', null), 'that the minutes of the meeting held on 13 July 2021 were a correct record.');
  assert.equal(correctRecordText('2021-03-25', 'the addition of Mr Mochrie-Cox’s apologies.'),
    'that the minutes of the meeting held on 25 March 2021 were a correct record, subject to the addition of Mr Mochrie-Cox’s apologies.');
  assert.equal(resolutionLabel(0, 1), '');
  assert.deepEqual([0, 1, 2].map((i) => resolutionLabel(i, 3)), ['A.', 'B.', 'C.']);
  assert.equal(futureDatesText([{ meets_on: '2022-03-24', starts_at: '10:00' }], 'Northshire CSP'), 'The next meeting of the Northshire CSP will be held on 24 March 2022 at 10am.');
  assert.match(futureDatesText([], 'X'), /will be announced/);
  assert.equal(whereText({ venue: null, online: true }), 'Online');
  assert.equal(whereText({ venue: 'Council Chamber', online: true }), 'Council Chamber and online');
});

test('pasted minutes split into paragraphs, and a typed RESOLVED is not doubled', () => {
  assert.deepEqual(splitParagraphs('1. First point\nwraps here.\n\n2. Second point.\n\n\n'), ['First point wraps here.', 'Second point.']);
  assert.equal(resolutionWords('RESOLVED to note the update.'), 'to note the update.');
  assert.equal(resolutionWords('It was RESOLVED that the minutes were correct.'), 'that the minutes were correct.');
  assert.equal(resolutionWords('to note'), 'to note');
});

test('a meeting has one status tag that never repeats or contradicts what is published', () => {
  const at = new Date('2026-01-01T10:00:00Z');
  const base = { meets_on: '2026-01-10', agenda_published_at: null, minutes_published_at: null };
  assert.equal(meetingStatusTag({ ...base, status: 'scheduled' }).text, 'Agenda not published');
  assert.equal(meetingStatusTag({ ...base, status: 'agenda-published', agenda_published_at: at }).text, 'Agenda published');
  assert.equal(meetingStatusTag({ ...base, status: 'held', agenda_published_at: at }).text, 'Held, minutes not started');
  assert.equal(meetingStatusTag({ ...base, status: 'minutes-draft', agenda_published_at: at }).text, 'Minutes in draft');
  assert.equal(meetingStatusTag({ ...base, status: 'minutes-draft', agenda_published_at: at, minutes_published_at: at }).text, 'Draft minutes published');
  assert.equal(meetingStatusTag({ ...base, status: 'minutes-approved', minutes_published_at: at }).text, 'Minutes approved');
  assert.equal(meetingStatusTag({ ...base, status: 'minutes-approved' }).text, 'Minutes approved, not published');
  assert.equal(meetingStatusTag({ ...base, status: 'cancelled', agenda_published_at: at }).text, 'Cancelled');
});

test('demo meetings fall on a Tuesday to Thursday outside Christmas week, and no demo agenda is published in the future', async () => {
  const { meetingDay, agendaPublishedOn } = await import('./demo.ts');
  for (let i = 0; i < 400; i++) {
    const day = meetingDay(new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    assert.ok(weekday >= 2 && weekday <= 4, `${day} is a Tuesday to Thursday`);
    assert.ok(day.slice(5) < '12-24' && day.slice(5) > '01-02', `${day} is outside Christmas week`);
  }
  assert.equal(meetingDay('2026-12-06'), '2026-12-08', 'a Sunday moves to the Tuesday');
  assert.equal(agendaPublishedOn('2027-01-13', '2026-12-04'), '2026-12-03', 'an agenda published early was published by yesterday');
  assert.equal(agendaPublishedOn('2026-12-22', '2026-12-14'), '2026-12-11', 'never today or later, and on a weekday');
  assert.equal(agendaPublishedOn('2026-10-14', '2026-12-04'), '2026-10-06');
});
