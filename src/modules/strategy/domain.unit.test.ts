import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  agreementMoveProblem, compareVersions, datesProblem, isLineOverdue, isPeriod, measureStanding, nextPeriod, nextRef, periodDates, periodOf,
  progressProblems, rollUp, rollUpGroup, weightProblem, worstStatus, wouldCycle, type RollUpNode,
} from './domain.ts';

const node = (id: string, parent: string | null, status: RollUpNode['status'], progress: number, weight = 1, override: RollUpNode['status_override'] = null): RollUpNode =>
  ({ id, parent_id: parent, status, progress, weight, status_override: override });

test("a parent's progress is the weighted average of its children's", () => {
  const r = rollUp([node('o', null, 'not-started', 0), node('a', 'o', 'on-track', 100, 3), node('b', 'o', 'on-track', 0, 1)]);
  assert.equal(r.get('o')!.progress, 75);
  assert.equal(r.get('a')!.progress, 100);
  assert.equal(r.get('a')!.leaf, true);
  assert.equal(r.get('o')!.leaf, false);
});

test('the roll-up runs through every level, and rounds only at the end', () => {
  const r = rollUp([
    node('o', null, 'not-started', 0),
    node('a', 'o', 'not-started', 0), node('a1', 'a', 'on-track', 33), node('a2', 'a', 'on-track', 34),
    node('b', 'o', 'complete', 100),
  ]);
  assert.equal(r.get('a')!.progress, 34); // 33.5 rounds up
  assert.equal(r.get('o')!.progress, 67); // (33.5 + 100) / 2 = 66.75
});

test("a parent's status is the worst of its children's: off track shows through, complete only when all are", () => {
  assert.equal(worstStatus(['on-track', 'off-track', 'complete']), 'off-track');
  assert.equal(worstStatus(['on-track', 'at-risk']), 'at-risk');
  assert.equal(worstStatus(['complete', 'complete']), 'complete');
  assert.equal(worstStatus(['complete', 'not-started']), 'on-track');
  assert.equal(worstStatus(['not-started', 'not-started']), 'not-started');
  assert.equal(worstStatus(['cancelled']), null);
});

test('a status set by hand wins, with the reason kept, and the derived one is still shown', () => {
  const r = rollUp([node('o', null, 'not-started', 0, 1, 'on-track'), node('a', 'o', 'off-track', 20), node('b', 'o', 'on-track', 60)]);
  assert.equal(r.get('o')!.status, 'on-track');
  assert.equal(r.get('o')!.derivedStatus, 'off-track');
  assert.equal(r.get('o')!.overridden, true);
});

test('cancelled and carried-forward children take no part in the roll-up', () => {
  const r = rollUp([node('o', null, 'not-started', 0), node('a', 'o', 'complete', 100), node('b', 'o', 'carried-forward', 10, 5), node('c', 'o', 'cancelled', 0, 5)]);
  assert.equal(r.get('o')!.progress, 100);
  assert.equal(r.get('o')!.status, 'complete');
});

test('a parent carried forward says so whatever its children', () => {
  const r = rollUp([node('o', null, 'carried-forward', 0), node('a', 'o', 'on-track', 50)]);
  assert.equal(r.get('o')!.status, 'carried-forward');
});

test('children all weighted 0 fall back to a plain average, and the form refuses it', () => {
  const r = rollUp([node('o', null, 'not-started', 0), node('a', 'o', 'on-track', 40, 0), node('b', 'o', 'on-track', 60, 0)]);
  assert.equal(r.get('o')!.progress, 50);
  assert.match(weightProblem([0, 0])!, /weight above 0/);
  assert.equal(weightProblem([0, 1]), null);
  assert.equal(weightProblem([]), null);
});

test('a priority rolls up its objectives by weight', () => {
  const r = rollUp([node('o1', null, 'on-track', 50, 1), node('o2', null, 'at-risk', 100, 3)]);
  const g = rollUpGroup([{ weight: 1, status: 'on-track', rolled: r.get('o1')! }, { weight: 3, status: 'at-risk', rolled: r.get('o2')! }]);
  assert.deepEqual(g, { progress: 88, status: 'at-risk', count: 2 });
});

test('a line may not be put under itself or its own descendants', () => {
  const lines = [{ id: 'o', parent_id: null }, { id: 'a', parent_id: 'o' }, { id: 's', parent_id: 'a' }];
  assert.equal(wouldCycle(lines, 'o', 's'), true);
  assert.equal(wouldCycle(lines, 'a', 'a'), true);
  assert.equal(wouldCycle(lines, 's', 'o'), false);
  assert.throws(() => rollUp([node('x', 'y', 'on-track', 0), node('y', 'x', 'on-track', 0)]), /cycle/);
});

test('an action due before it starts is refused', () => {
  assert.match(datesProblem('2026-05-01', '2026-04-30')!, /after the start date/);
  assert.equal(datesProblem('2026-05-01', '2026-05-01'), null);
  assert.equal(datesProblem(null, '2026-05-01'), null);
});

test('progress that goes down needs a note; complete means 100; a note or a change is needed', () => {
  const base = { fromStatus: 'on-track', toStatus: 'on-track', fromProgress: 60, note: null } as const;
  assert.deepEqual(progressProblems({ ...base, toProgress: 40 }).map((p) => p.field), ['note']);
  assert.deepEqual(progressProblems({ ...base, toProgress: 40, note: 'Funding was withdrawn' }), []);
  assert.deepEqual(progressProblems({ ...base, toProgress: 101 }).map((p) => p.field), ['progress']);
  assert.deepEqual(progressProblems({ ...base, toStatus: 'complete', toProgress: 90 }).map((p) => p.field), ['progress']);
  assert.deepEqual(progressProblems({ ...base, toProgress: 60 }).map((p) => p.field), ['note']);
  assert.deepEqual(progressProblems({ ...base, toProgress: 70 }), []);
  assert.deepEqual(progressProblems({ ...base, toStatus: 'off-track', toProgress: 60 }).map((p) => p.field), ['note']);
});

test('overdue: due before today and not closed', () => {
  assert.equal(isLineOverdue({ due_on: '2026-03-01', status: 'on-track' }, '2026-03-02'), true);
  assert.equal(isLineOverdue({ due_on: '2026-03-02', status: 'on-track' }, '2026-03-02'), false);
  assert.equal(isLineOverdue({ due_on: '2026-03-01', status: 'complete' }, '2026-03-02'), false);
  assert.equal(isLineOverdue({ due_on: null, status: 'off-track' }, '2026-03-02'), false);
});

test('periods are financial years', () => {
  assert.equal(isPeriod('2025-26'), true);
  assert.equal(isPeriod('2025-27'), false);
  assert.equal(nextPeriod('2025-26'), '2026-27');
  assert.equal(nextPeriod('2099-00'), '2100-01');
  assert.deepEqual(periodDates('2025-26'), { startsOn: '2025-04-01', endsOn: '2026-03-31' });
  assert.equal(periodOf('2026-03-31'), '2025-26');
  assert.equal(periodOf('2026-04-01'), '2026-27');
});

test('the agreement moves draft -> agreed -> published, each when it has what it needs', () => {
  const facts = { status: 'draft', priorityCount: 0, agreedOn: null, agreedResolutionId: null } as const;
  assert.match(agreementMoveProblem(facts, 'agreed')!, /Add at least one priority/);
  assert.equal(agreementMoveProblem({ ...facts, priorityCount: 7 }, 'agreed'), null);
  assert.match(agreementMoveProblem({ ...facts, priorityCount: 7 }, 'published')!, /cannot be moved to published/);
  assert.equal(agreementMoveProblem({ ...facts, status: 'agreed', agreedOn: '2025-06-12' }, 'published'), null);
  assert.match(agreementMoveProblem({ ...facts, status: 'published', agreedOn: '2025-06-12' }, 'draft')!, /cannot/);
});

test('references number on within their parent', () => {
  assert.equal(nextRef('2', []), '2.1');
  assert.equal(nextRef('2', ['2.1', '2.3', '2.10', '3.4', '2.10.1']), '2.11');
});

test('two versions compare as added, removed, changed and the same', () => {
  const c = (key: string, title: string, lead: string | null) => ({ key, title, fields: { lead } });
  const d = compareVersions([c('1', 'Violence', 'Police'), c('2', 'Drugs', 'Council'), c('3', 'Fraud', null)], [c('1', 'Violence', 'Police'), c('2', 'Drugs and alcohol', 'Council'), c('4', 'Road safety', 'Fire')]);
  assert.deepEqual(d.map((x) => [x.kind, x.title]), [['same', 'Violence'], ['changed', 'Drugs and alcohol'], ['added', 'Road safety'], ['removed', 'Fraud']]);
  assert.deepEqual(d[1]!.changedFields, ['title']);
});

test('a measure meets its target in the direction that is good', () => {
  assert.equal(measureStanding({ baseline: 100, target: 90, direction: 'down' }, 85), 'met');
  assert.equal(measureStanding({ baseline: 100, target: 90, direction: 'down' }, 95), 'better');
  assert.equal(measureStanding({ baseline: 100, target: 90, direction: 'down' }, 105), 'worse');
  assert.equal(measureStanding({ baseline: 10, target: 20, direction: 'up' }, 25), 'met');
  assert.equal(measureStanding({ baseline: 10, target: 20, direction: 'up' }, null), 'unknown');
});

import { currentForImport, parseCsv, planChanges, readDate } from './planImport.ts';

test('CSV with quotes, commas and line breaks in fields reads back as written', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\r\n'), [['a', 'b'], ['x, y', 'say "hi"\nthere']]);
});

test('dates are read as people type them, and impossible ones refused', () => {
  assert.equal(readDate('2026-05-31'), '2026-05-31');
  assert.equal(readDate('31/05/2026'), '2026-05-31');
  assert.equal(readDate('31 May 2026'), '2026-05-31');
  assert.equal(readDate('46173'), '2026-05-31');
  assert.equal(readDate(''), null);
  assert.equal(readDate('31/02/2026'), undefined);
  assert.equal(readDate('next week'), undefined);
});

test('an upload is checked row by row: unknown ids, bad statuses, progress outside 0-100, falls without a note, parents by hand', () => {
  const line = (id: string, extra = {}) => ({ id, ref: id, title: id, parent_id: 'p' as string | null, priority_id: 'x', status: 'on-track' as const, progress: 50, weight: 1, starts_on: null, due_on: null, status_override: null, ...extra });
  const current = currentForImport([line('p', { parent_id: null, status: 'not-started', progress: 0 }), line('a'), line('b')]);
  assert.deepEqual([current[0]!.shown_status, current[0]!.shown_progress, current[0]!.leaf], ['on-track', 50, false]);
  const header = ['Id', 'Status', 'Progress (%)', 'Weight', 'Update note', 'Due date'];
  const { problems } = planChanges([header, ['zzz', 'On track', '50', '1', '', ''], ['a', 'Sideways', '50', '1', '', ''], ['b', 'On track', '40', '1', '', ''], ['p', 'Complete', '100', '1', '', '']], current);
  assert.deepEqual(problems.map((p) => [p.row, p.column]), [[2, 'Id'], [3, 'Status'], [4, 'Update note'], [5, 'Status']]);
  const zero = planChanges([header, ['a', 'On track', '50', '0', '', ''], ['b', 'On track', '50', '0', '', '']], current);
  assert.match(zero.problems[0]!.message, /weight above 0/);
  const ok = planChanges([header, ['a', 'At risk', '60', '2', 'Slower than hoped', '2027-01-31']], current);
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.changes[0]!.described, ['Status on track → at risk', 'Progress 50% → 60%', 'Weight 1 → 2', 'Due no date → 2027-01-31']);
});
