import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNunjucks, formatDate, formatDateTime, formatDay } from './nunjucks.ts';

test('the date filter writes the weekday: "Thursday 3 December 2026"', () => {
  const env = createNunjucks();
  assert.equal(env.renderString('{{ d | date }}', { d: '2026-12-03' }), 'Thursday 3 December 2026');
  assert.equal(formatDay('2026-03-29'), 'Sunday 29 March 2026');
  assert.equal(formatDay(''), '');
  // The record's own wording keeps the plain form.
  assert.equal(formatDate('2021-11-18'), '18 November 2021');
});

test('instants are shown in UK time, summer and winter, with the day they fall on in the UK', () => {
  const env = createNunjucks();
  assert.equal(env.renderString('{{ t | dateTime }}', { t: new Date('2026-12-04T14:30:00Z') }), 'Friday 4 December 2026 at 2:30pm');
  // 13:30 UTC in June is 2:30pm British Summer Time.
  assert.equal(formatDateTime(new Date('2026-06-18T13:30:00Z')), 'Thursday 18 June 2026 at 2:30pm');
  // 23:30 UTC on 30 June is already 1 July in the UK.
  assert.equal(formatDateTime(new Date('2026-06-30T23:30:00Z')), 'Wednesday 1 July 2026 at 12:30am');
  assert.equal(formatDay(new Date('2026-06-30T23:30:00Z')), 'Wednesday 1 July 2026');
  assert.equal(formatDateTime(new Date('2026-01-10T12:00:00Z')), 'Saturday 10 January 2026 at midday');
  assert.doesNotMatch(formatDateTime(new Date()), /UTC/);
});
