// Where a data request stands and when it is reminded or chased; what a return may be; the matrix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daysLate, rankIssues, reminderDue, requestStatus, returnProblem } from './requests.domain.ts';

test('a request is not sent, sent, opened, late until returned', () => {
  assert.equal(requestStatus([], '2026-05-01', '2026-06-01'), 'not-sent');
  assert.equal(requestStatus([{ kind: 'sent' }], '2026-05-01', '2026-04-20'), 'sent');
  assert.equal(requestStatus([{ kind: 'sent' }, { kind: 'opened' }], '2026-05-01', '2026-05-01'), 'opened');
  assert.equal(requestStatus([{ kind: 'sent' }, { kind: 'opened' }], '2026-05-01', '2026-05-02'), 'late');
  assert.equal(requestStatus([{ kind: 'sent' }, { kind: 'returned' }], '2026-05-01', '2026-06-02'), 'returned');
  assert.equal(daysLate('2026-05-01', '2026-05-15'), 14);
  assert.equal(daysLate('2026-05-01', '2026-04-15'), 0);
});

test('a reminder a week before, a chase the day after, then every week', () => {
  const r = (lastReminderOn: string | null, lastChaseOn: string | null, status = 'sent' as const) => ({ status, dueOn: '2026-05-10', lastReminderOn, lastChaseOn });
  assert.equal(reminderDue(r(null, null), '2026-05-02', 7, 7), null);
  assert.equal(reminderDue(r(null, null), '2026-05-03', 7, 7), 'reminder');
  assert.equal(reminderDue(r('2026-05-03', null), '2026-05-09', 7, 7), null);
  assert.equal(reminderDue(r('2026-05-03', null), '2026-05-11', 7, 7), 'chase');
  assert.equal(reminderDue(r('2026-05-03', '2026-05-11'), '2026-05-17', 7, 7), null);
  assert.equal(reminderDue(r('2026-05-03', '2026-05-11'), '2026-05-18', 7, 7), 'chase');
  assert.equal(reminderDue({ ...r(null, null), status: 'returned' }, '2026-05-18', 7, 7), null);
});

test('a return is checked by its name, its first bytes and its size', () => {
  assert.equal(returnProblem('data.csv', Buffer.from('a,b\n1,2\n'), 8), null);
  assert.match(returnProblem('data.exe', Buffer.from('MZ'), 2)!, /must be a spreadsheet/);
  assert.match(returnProblem('data.xlsx', Buffer.from('a,b\n'), 4)!, /not the kind of file its name says/);
  assert.equal(returnProblem('data.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), 8), null);
  assert.match(returnProblem('data.csv', Buffer.from('a'), 30 * 1024 * 1024)!, /smaller than 20MB/);
  assert.match(returnProblem('data.csv', Buffer.alloc(0), 0)!, /empty/);
});

test('issues ranked by their weighted scores; an issue not fully scored comes after', () => {
  const criteria = [{ id: 'harm', weight: 3 }, { id: 'freq', weight: 2 }, { id: 'concern', weight: 1 }];
  const issues = [{ id: 'a', title: 'Shoplifting' }, { id: 'b', title: 'Knife crime' }, { id: 'c', title: 'Fly-tipping' }];
  const s = (issue_id: string, criterion_id: string, score: number) => ({ issue_id, criterion_id, score });
  const ranked = rankIssues(issues, criteria, [s('a', 'harm', 1), s('a', 'freq', 4), s('a', 'concern', 3), s('b', 'harm', 4), s('b', 'freq', 2), s('b', 'concern', 4), s('c', 'harm', 4)]);
  // Knife crime 3x4 + 2x2 + 1x4 = 20; shoplifting 3 + 8 + 3 = 14; fly-tipping incomplete (12 so far).
  assert.deepEqual(ranked.map((r) => [r.issue.title, r.score, r.complete]), [['Knife crime', 20, true], ['Shoplifting', 14, true], ['Fly-tipping', 12, false]]);
});
