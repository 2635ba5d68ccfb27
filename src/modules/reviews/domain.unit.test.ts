import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILT_IN_KINDS, addMonths, currentStage, dueDates, effectiveKinds, recommendationOverdue, recommendationUpdateProblems,
  stageEventProblems, themeCounts, timeline, type ReviewKind, type StageEvent,
} from './domain.ts';

const dhr = BUILT_IN_KINDS.find((k) => k.code === 'dhr')!;
const sar = BUILT_IN_KINDS.find((k) => k.code === 'sar')!;
const ev = (stage: string, happened_on: string, outcome: string | null = null, reasons: string | null = null): StageEvent =>
  ({ stage, happened_on, outcome, reasons, delay_reason: null });

test('months are added as the calendar has them: the 31st of a shorter month is its last day', () => {
  assert.equal(addMonths('2026-01-15', 1), '2026-02-15');
  assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
  assert.equal(addMonths('2028-01-31', 1), '2028-02-29');
  assert.equal(addMonths('2026-08-31', 6), '2027-02-28');
  assert.equal(addMonths('2026-12-10', 1), '2027-01-10');
});

test('the decision is due a month after notification; completion six months after a decision to review', () => {
  assert.deepEqual(dueDates(dhr, '2026-03-04', []), { decision: '2026-04-04', completion: null });
  assert.deepEqual(dueDates(dhr, '2026-03-04', [ev('decision', '2026-03-30', 'review')]), { decision: '2026-04-04', completion: '2026-09-30' });
  // No completion date when the decision was not to review.
  assert.deepEqual(dueDates(dhr, '2026-03-04', [ev('decision', '2026-03-30', 'no-review', 'Criteria not met')]).completion, null);
});

test('timescales are data on the kind: a partnership that allows two months for a decision', () => {
  const slower: ReviewKind = { ...dhr, decisionMonths: 2, completionMonths: 9 };
  assert.deepEqual(dueDates(slower, '2026-03-04', [ev('decision', '2026-05-01', 'review')]), { decision: '2026-05-04', completion: '2027-02-01' });
});

test('a decision not made a month after notification is overdue, counted in days', () => {
  const rows = timeline(dhr, '2026-03-04', [], '2026-04-10');
  const decision = rows.find((r) => r.code === 'decision')!;
  assert.equal(decision.state, 'overdue');
  assert.equal(decision.daysLate, 6);
  assert.equal(rows.find((r) => r.code === 'notification')!.state, 'done');
  // On its due date it is due, not overdue.
  assert.equal(timeline(dhr, '2026-03-04', [], '2026-04-04').find((r) => r.code === 'decision')!.state, 'due');
});

test('a decision made late stays visible as done late; completion runs from the decision', () => {
  const rows = timeline(dhr, '2026-03-04', [ev('decision', '2026-04-14', 'review')], '2026-11-01');
  assert.equal(rows.find((r) => r.code === 'decision')!.state, 'done-late');
  assert.equal(rows.find((r) => r.code === 'decision')!.daysLate, 10);
  const submitted = rows.find((r) => r.code === 'submitted-qa')!;
  assert.equal(submitted.dueOn, '2026-10-14');
  assert.equal(submitted.state, 'overdue');
  assert.equal(submitted.daysLate, 18);
  assert.equal(currentStage(rows).code, 'decision');
});

test('after a decision not to review, the later stages do not apply and nothing is overdue', () => {
  const rows = timeline(dhr, '2026-03-04', [ev('decision', '2026-03-20', 'no-review', 'Not a death within the criteria')], '2027-06-01');
  assert.ok(rows.filter((r) => r.code !== 'notification' && r.code !== 'decision' && r.code !== 'home-office-told').every((r) => r.state === 'not-applicable'));
  assert.ok(!rows.some((r) => r.state === 'overdue'));
});

test('a safeguarding adults review is measured to the board’s sign-off and records whether findings were accepted', () => {
  const rows = timeline(sar, '2026-01-05', [ev('decision', '2026-01-20', 'review')], '2026-08-01');
  assert.equal(rows.find((r) => r.code === 'board-sign-off')!.state, 'overdue');
  const problems = stageEventProblems(sar, '2026-01-05', [ev('decision', '2026-01-20', 'review')], ev('findings-response', '2026-07-01', 'not-accepted'), '2026-08-01');
  assert.deepEqual(problems.map((p) => p.field), ['reasons']);
});

test('a decision not to review needs reasons; a decision needs an outcome', () => {
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', [], ev('decision', '2026-03-20', 'no-review'), '2026-04-01').map((p) => p.message),
    ['Enter the reasons for the outcome "do not hold a review"']);
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', [], ev('decision', '2026-03-20'), '2026-04-01').map((p) => p.field), ['outcome']);
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', [], ev('decision', '2026-03-20', 'no-review', 'Criteria not met'), '2026-04-01'), []);
});

test('stage dates out of order are refused, naming the stage they clash with', () => {
  const recorded = [ev('decision', '2026-03-20', 'review'), ev('panel-set-up', '2026-04-15')];
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', recorded, ev('first-draft', '2026-04-01'), '2026-06-01').map((p) => p.message),
    ['The date must be on or after panel set up (independent chair and author appointed) (2026-04-15)']);
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', recorded, ev('decision', '2026-05-01', 'review'), '2026-06-01').map((p) => p.message),
    ['The date must be on or before panel set up (independent chair and author appointed) (2026-04-15)']);
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', [], ev('decision', '2026-03-01', 'review'), '2026-06-01').map((p) => p.field), ['happened_on']);
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', recorded, ev('first-draft', '2026-07-01'), '2026-06-01').map((p) => p.field), ['happened_on']);
  // Correcting a stage's own date is judged against the others, not itself.
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', recorded, ev('panel-set-up', '2026-04-10'), '2026-06-01'), []);
});

test('stages after the decision wait for it, and do not apply after a decision not to review', () => {
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', [], ev('panel-set-up', '2026-04-01'), '2026-06-01').map((p) => p.message), ['Record the decision to hold a review first']);
  assert.match(stageEventProblems(dhr, '2026-03-04', [ev('decision', '2026-03-20', 'no-review', 'x')], ev('panel-set-up', '2026-04-01'), '2026-06-01')[0]!.message, /does not apply/);
  assert.deepEqual(stageEventProblems(dhr, '2026-03-04', [], ev('board-sign-off', '2026-04-01'), '2026-06-01').map((p) => p.field), ['stage']);
});

test('kinds are data: a partnership relabels a built-in kind and adds its own', () => {
  const kinds = effectiveKinds([
    { code: 'dhr', label: 'Domestic homicide review (before commencement)', short_label: 'DHR', stage_set: 'dhr', decision_months: 1, completion_months: 6 },
    { code: 'mhr', label: 'Mental health homicide review', short_label: 'MHHR', stage_set: 'dhr', decision_months: 2, completion_months: 12 },
  ]);
  assert.deepEqual(kinds.map((k) => k.code), ['dhr', 'dardr', 'sar', 'joint', 'mhr']);
  assert.equal(kinds[0]!.label, 'Domestic homicide review (before commencement)');
  assert.equal(kinds[4]!.builtIn, false);
});

test('a recommendation marked complete needs evidence; every move is checked against the table', () => {
  assert.deepEqual(recommendationUpdateProblems({ from: 'open', to: 'completed', note: null, evidence: null }).map((p) => p.field), ['evidence']);
  assert.deepEqual(recommendationUpdateProblems({ from: 'open', to: 'completed', note: null, evidence: 'Training records for 40 staff' }), []);
  assert.deepEqual(recommendationUpdateProblems({ from: 'open', to: 'not-accepted', note: null, evidence: null }).map((p) => p.field), ['note']);
  assert.deepEqual(recommendationUpdateProblems({ from: 'not-accepted', to: 'completed', note: 'x', evidence: 'y' }).map((p) => p.field), ['status']);
  assert.deepEqual(recommendationUpdateProblems({ from: 'completed', to: 'in-progress', note: null, evidence: null }).map((p) => p.field), ['note']);
  assert.deepEqual(recommendationUpdateProblems({ from: 'open', to: 'open', note: null, evidence: null }).map((p) => p.field), ['note']);
});

test('a recommendation is overdue only while outstanding and past its due date', () => {
  assert.equal(recommendationOverdue({ status: 'open', due_on: '2026-01-01' }, '2026-01-02'), true);
  assert.equal(recommendationOverdue({ status: 'open', due_on: '2026-01-02' }, '2026-01-02'), false);
  assert.equal(recommendationOverdue({ status: 'completed', due_on: '2026-01-01' }, '2026-03-01'), false);
  assert.equal(recommendationOverdue({ status: 'in-progress', due_on: null }, '2026-03-01'), false);
});

test('theme counts are per year, in the fixed order of the list', () => {
  const counts = themeCounts([{ year: 2024, themes: ['alcohol', 'housing'] }, { year: 2025, themes: ['alcohol'] }, { year: 2025, themes: ['alcohol', 'stalking'] }]);
  assert.deepEqual(counts.years, [2024, 2025]);
  assert.deepEqual(counts.rows.find((r) => r.theme === 'alcohol'), { theme: 'alcohol', label: 'Alcohol', perYear: [1, 2], total: 3 });
  assert.equal(counts.rows[0]!.theme, 'coercive-control');
});
