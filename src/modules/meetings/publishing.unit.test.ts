import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bankHolidays, checkPublication, clearWorkingDays, easterSunday, type CheckedItem, type CheckFacts } from './publishing.ts';
import { titleFor } from './previous-minutes.ts';

test('bank holidays of England and Wales: Easter, May, August, Christmas, with substitutes and proclaimed days', () => {
  assert.equal(easterSunday(2026).toISOString().slice(0, 10), '2026-04-05');
  assert.deepEqual([...bankHolidays(2026)].sort(), ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']);
  // Christmas on a Saturday: Monday 27 and Tuesday 28 December; New Year on a Saturday: Monday 3 January.
  assert.ok(bankHolidays(2021).has('2021-12-27') && bankHolidays(2021).has('2021-12-28'));
  assert.ok(bankHolidays(2022).has('2022-01-03'));
  // The platinum jubilee moved the spring holiday and added a day; the coronation added one.
  assert.ok(bankHolidays(2022).has('2022-06-02') && bankHolidays(2022).has('2022-06-03') && !bankHolidays(2022).has('2022-05-30'));
  assert.ok(bankHolidays(2023).has('2023-05-08'));
});

test('clear working days leave out the day of publication, the meeting day, weekends and bank holidays', () => {
  // Published Monday 16 March 2026 for Tuesday 24 March: 17, 18, 19, 20, 23 are clear.
  assert.equal(clearWorkingDays('2026-03-16', '2026-03-24'), 5);
  assert.equal(clearWorkingDays('2026-03-17', '2026-03-24'), 4);
  // Easter: Good Friday 3 April and Easter Monday 6 April 2026 do not count.
  assert.equal(clearWorkingDays('2026-03-30', '2026-04-09'), 5);
  assert.equal(clearWorkingDays('2026-03-24', '2026-03-24'), 0);
  assert.equal(clearWorkingDays('2026-03-30', '2026-03-20'), 0);
});

const item = (over: Partial<CheckedItem>): CheckedItem => ({
  id: 'i1', code: 'B1', title: 'Serious violence', kind: 'business', minuted: true, minute_number: 12, late: false, supplement_id: null,
  paper_expected: false, previous_meeting_id: null, papers: 0, pendingPapers: 0, paragraphs: 0, resolutions: 0, confirmsPrevious: false, ...over,
});
const facts = (items: CheckedItem[], over: Partial<CheckFacts> = {}): CheckFacts => ({
  meeting: { meets_on: '2026-03-24', status: 'scheduled', agenda_published_at: null, minutes_published_at: null },
  items, previousMeeting: { id: 'prev', meets_on: '2026-01-20' }, attendance: 3, today: '2026-03-10', ...over,
});

test('the agenda check: short notice and a missing paper are warnings; no earlier meeting for the notes is a warning', () => {
  const ok = checkPublication('agenda', facts([item({ paper_expected: true, papers: 1 })]));
  assert.deepEqual([ok.errors, ok.warnings], [[], []]);
  const late = checkPublication('agenda', facts([item({ paper_expected: true }), item({ id: 'n', code: 'A4', kind: 'previous-minutes' })], { today: '2026-03-20', previousMeeting: null }));
  assert.deepEqual(late.errors, []);
  assert.deepEqual(late.warnings.map((w) => w.code), ['no-previous-meeting', 'paper-missing', 'short-notice']);
  assert.match(late.warnings[2]!.message, /gives 1 clear working day before the meeting on 24 March 2026/);
  assert.deepEqual(checkPublication('agenda', facts([])).errors.map((e) => e.code), ['no-items']);
});

test('the minutes check: a business item with no minute is an error; procedural ones and an unapproved notes item are warnings', () => {
  const c = checkPublication('minutes', facts([
    item({}), item({ id: 'a', code: 'A1', kind: 'introduction' }), item({ id: 'n', code: 'A4', kind: 'previous-minutes', paragraphs: 1 }),
    item({ id: 'x', code: 'B2', minuted: false }), item({ id: 'y', code: 'B3', resolutions: 1 }),
  ], { attendance: 0 }));
  assert.deepEqual(c.errors.map((e) => [e.code, e.itemId]), [['minute-empty', 'i1']]);
  assert.deepEqual(c.warnings.map((w) => [w.code, w.itemId ?? null]), [['minute-empty', 'a'], ['previous-minutes-unapproved', 'n'], ['no-attendance', null]]);
});

test('the supplement check: nothing new is an error', () => {
  const published = facts([item({})], { meeting: { meets_on: '2026-03-24', status: 'agenda-published', agenda_published_at: new Date(), minutes_published_at: null } });
  assert.deepEqual(checkPublication('supplement', published).errors.map((e) => e.code), ['nothing-new']);
  const withLate = { ...published, items: [item({}), item({ id: 'l', code: 'B2', late: true })] };
  assert.deepEqual(checkPublication('supplement', withLate).errors, []);
});

test('the notes item’s title follows the meeting it confirms; a clerk’s own words keep their words', () => {
  assert.equal(titleFor('Notes of meeting held on 12 March 2030', { meets_on: '2030-01-08' }, '2030-03-12'), 'Notes of meeting held on 8 January 2030');
  assert.equal(titleFor('Notes of the last meeting', { meets_on: '2030-01-08' }, null), 'Notes of meeting held on 8 January 2030');
  assert.equal(titleFor('Notes of meeting held on 12 March 2030', null, '2030-03-12'), 'Notes of the last meeting');
  assert.equal(titleFor('Minutes of the spring meeting (12 March 2030)', { meets_on: '2030-03-19' }, '2030-03-12'), 'Minutes of the spring meeting (19 March 2030)');
  assert.equal(titleFor('Minutes of the spring meeting', { meets_on: '2030-03-19' }, '2030-03-12'), 'Minutes of the spring meeting');
});
