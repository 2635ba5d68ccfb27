// How an outstanding action is worded on an agenda, against the meeting's date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dueAtMeeting, dueAtMeetingWording } from './mattersArising.ts';

test('an action due between today and the meeting is due before the meeting, not overdue', () => {
  assert.equal(dueAtMeeting('2026-03-05', '2026-03-10', '2026-03-01'), 'due-before-meeting');
  assert.equal(dueAtMeetingWording('2026-03-05', '2026-03-10', '2026-03-01'), 'due before the meeting (5 March 2026)');
  // Due today is not yet overdue either.
  assert.equal(dueAtMeeting('2026-03-01', '2026-03-10', '2026-03-01'), 'due-before-meeting');
});

test('an action whose due date has passed is overdue', () => {
  assert.equal(dueAtMeeting('2026-02-27', '2026-03-10', '2026-03-01'), 'overdue');
  assert.equal(dueAtMeetingWording('2026-02-27', '2026-03-10', '2026-03-01'), 'overdue (due 27 February 2026)');
});

test('on the day of the meeting or later, the action is simply due', () => {
  assert.equal(dueAtMeetingWording('2026-03-10', '2026-03-10', '2026-03-01'), 'due on the day of the meeting (10 March 2026)');
  assert.equal(dueAtMeetingWording('2026-04-10', '2026-03-10', '2026-03-01'), 'due 10 April 2026');
});

test('the agenda of a meeting already held judges on the meeting’s date', () => {
  // Seen in April, an agenda of 10 March: due 5 March was overdue at the meeting; due 20 March was not yet due then.
  assert.equal(dueAtMeeting('2026-03-05', '2026-03-10', '2026-04-01'), 'overdue');
  assert.equal(dueAtMeeting('2026-03-20', '2026-03-10', '2026-04-01'), 'due-later');
});
