import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlineWords, publishBy, sinceWords } from './domain.ts';

test('an agenda is due five clear working days before the meeting', () => {
  // A Thursday meeting: Wednesday to Thursday of the week before are the five clear days, so publish by the Wednesday before.
  assert.equal(publishBy('2026-12-17'), '2026-12-09');
  // A Monday meeting: the clear days are Monday to Friday of the week before; publish by the Friday before that.
  assert.equal(publishBy('2026-12-14'), '2026-12-04');
  // A bank holiday the caller knows of does not count, and pushes the deadline back a day.
  const holidays = new Set(['2026-12-25', '2026-12-28', '2027-01-01']);
  assert.equal(publishBy('2027-01-05', (d) => !holidays.has(d) && ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())), '2026-12-23');
});

test('how long since a meeting, and how near a deadline, in words', () => {
  assert.equal(sinceWords('2026-12-04', '2026-12-04'), 'today');
  assert.equal(sinceWords('2026-12-03', '2026-12-04'), 'yesterday');
  assert.equal(sinceWords('2026-11-20', '2026-12-04'), '14 days ago');
  assert.equal(sinceWords('2026-09-04', '2026-12-04'), '13 weeks ago');
  assert.deepEqual(deadlineWords('2026-12-02', '2026-12-04'), { text: '2 days late', late: true });
  assert.deepEqual(deadlineWords('2026-12-05', '2026-12-04'), { text: 'tomorrow', late: false });
});
