import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareActions, dueWording, isOverdue, reminderMessage, selectReminders, standing, updateProblems, type ReminderCandidate,
} from './domain.ts';

const today = '2026-03-10';

test('an action due before today that is open or in progress is overdue', () => {
  assert.equal(isOverdue({ due_on: '2026-03-09', status: 'open' }, today), true);
  assert.equal(isOverdue({ due_on: '2026-01-01', status: 'in-progress' }, today), true);
});

test('an action due today is not yet overdue, nor is one done or dropped', () => {
  assert.equal(isOverdue({ due_on: today, status: 'open' }, today), false);
  assert.equal(isOverdue({ due_on: '2026-03-01', status: 'done' }, today), false);
  assert.equal(isOverdue({ due_on: '2026-03-01', status: 'dropped' }, today), false);
});

test('lists show overdue actions first, longest overdue at the top, then outstanding by due date, then closed', () => {
  const actions = [
    { id: 'done', due_on: '2026-01-01', status: 'done' },
    { id: 'soon', due_on: '2026-03-12', status: 'open' },
    { id: 'late', due_on: '2026-03-01', status: 'in-progress' },
    { id: 'later', due_on: '2026-04-01', status: 'open' },
    { id: 'very-late', due_on: '2026-02-01', status: 'open' },
  ];
  assert.deepEqual([...actions].sort(compareActions(today)).map((a) => a.id), ['very-late', 'late', 'soon', 'later', 'done']);
  assert.equal(standing(actions[0]!, today), 'closed');
});

const update = (from: string, to: string, note: string | null = null, newDueOn: string | null = null) =>
  updateProblems({ from: from as 'open', to: to as 'open', note, currentDueOn: '2026-03-20', newDueOn }, today);

test('an open action may start, be done or be dropped; dropping needs a reason', () => {
  assert.deepEqual(update('open', 'in-progress'), []);
  assert.deepEqual(update('open', 'done'), []);
  assert.deepEqual(update('in-progress', 'open'), []);
  assert.deepEqual(update('open', 'dropped'), [{ field: 'note', message: 'Enter why the action is being dropped' }]);
  assert.deepEqual(update('open', 'dropped', 'Overtaken by the county review'), []);
});

test('a done or dropped action can only be reopened, with a reason', () => {
  assert.deepEqual(update('done', 'dropped', 'x'), [{ field: 'status', message: 'This action is done: reopen it before changing it to dropped' }]);
  assert.deepEqual(update('dropped', 'in-progress', 'x'), [{ field: 'status', message: 'This action is dropped: reopen it before changing it to in progress' }]);
  assert.deepEqual(update('done', 'open'), [{ field: 'note', message: 'Enter why the action is being reopened' }]);
  assert.deepEqual(update('done', 'open', 'The data was incomplete'), []);
});

test('an update that changes nothing needs a note; a note alone is an update', () => {
  assert.deepEqual(update('open', 'open'), [{ field: 'note', message: 'Enter a note, or select a new status' }]);
  assert.deepEqual(update('in-progress', 'in-progress', 'Draft circulated'), []);
});

test('a new due date must be today or later, and only for an action still to do', () => {
  assert.deepEqual(update('open', 'open', null, '2026-04-30'), []);
  assert.deepEqual(update('open', 'open', null, today), []);
  assert.deepEqual(update('open', 'open', null, '2026-03-09'), [{ field: 'due_on', message: 'The new due date must be today or in the future' }]);
  assert.deepEqual(update('open', 'done', null, '2026-04-30'), [{ field: 'due_on', message: 'Only an open or in progress action can have a new due date' }]);
  // The same date again is no change at all.
  assert.deepEqual(update('open', 'open', null, '2026-03-20'), [{ field: 'note', message: 'Enter a note, or select a new status' }]);
});

const candidate = (over: Partial<ReminderCandidate> & { id: string }): ReminderCandidate => ({
  status: 'open', due_on: '2026-03-12', owner_person_id: 'p1', owner_email: 'jane@northshire.example', owner_name: 'Jane Okafor', ...over,
});

test('reminders cover outstanding actions overdue or due within 7 days, one message per owner, overdue first', () => {
  const batches = selectReminders([
    candidate({ id: 'soon', due_on: '2026-03-17' }), // the 7th day: included
    candidate({ id: 'too-far', due_on: '2026-03-18' }),
    candidate({ id: 'late', due_on: '2026-03-02', status: 'in-progress' }),
    candidate({ id: 'done', due_on: '2026-03-02', status: 'done' }),
    candidate({ id: 'dropped', due_on: '2026-03-02', status: 'dropped' }),
    candidate({ id: 'other', owner_person_id: 'p2', owner_email: 'Tom@Northshire.example', owner_name: 'Tom Reyes' }),
  ], today, new Set());
  assert.equal(batches.length, 2);
  const jane = batches.find((b) => b.name === 'Jane Okafor')!;
  assert.deepEqual(jane.overdue.map((a) => a.id), ['late']);
  assert.deepEqual(jane.dueSoon.map((a) => a.id), ['soon']);
  assert.equal(batches.find((b) => b.name === 'Tom Reyes')!.to, 'Tom@Northshire.example');
});

test('no reminder for an organisation owner, a person without e-mail, or an action already reminded today', () => {
  const batches = selectReminders([
    candidate({ id: 'org', owner_person_id: null, owner_email: null, owner_name: 'Northshire Police' }),
    candidate({ id: 'no-email', owner_email: null }),
    candidate({ id: 'reminded' }),
  ], today, new Set(['reminded']));
  assert.deepEqual(batches, []);
});

test('a reminder names each action, its body and how late it is, and links to it', () => {
  const a = (id: string, due_on: string, description: string) => ({ ...candidate({ id, due_on }), description, body_name: 'Working Group', restricted: false });
  const message = reminderMessage(
    { to: 'jane@northshire.example', name: 'Jane Okafor', overdue: [a('a1', '2026-03-07', 'Send the partner data')], dueSoon: [a('a2', '2026-03-12', 'Return the progress form'), a('a3', '2026-03-11', 'Book the venue')] },
    { partnershipName: 'Northshire CSP', today, baseUrl: 'https://csp.northshire.example/' },
  );
  assert.equal(message.to, 'jane@northshire.example');
  assert.equal(message.subject, 'Northshire CSP: 1 action overdue and 2 due soon');
  assert.match(message.text, /^Dear Jane Okafor,/);
  assert.match(message.text, /Overdue\n\n- Send the partner data\n {2}Working Group\. Due 7 March 2026 \(3 days overdue\)\.\n {2}https:\/\/csp\.northshire\.example\/actions\/a1/);
  assert.match(message.text, /Due in the next 7 days\n\n- Return the progress form\n {2}Working Group\. Due 12 March 2026 \(due in 2 days\)\./);
  assert.match(message.text, /Due 11 March 2026 \(due tomorrow\)/);
});

test('a restricted action is never described in an e-mail', () => {
  const message = reminderMessage(
    { to: 'laura@northshire.example', name: 'Laura Kowalczyk', overdue: [{ ...candidate({ id: 'r1', due_on: '2026-03-01' }), description: 'Chase the chronology for case Martin', body_name: 'Review Steering Group', restricted: true }], dueSoon: [] },
    { partnershipName: 'Northshire CSP', today },
  );
  assert.equal(message.subject, 'Northshire CSP: 1 action overdue');
  assert.doesNotMatch(message.text, /Martin|chronology/);
  assert.match(message.text, /A restricted action \(sign in to read it\)/);
  assert.doesNotMatch(message.text, /https?:/);
});

test('due dates are worded as a person would say them', () => {
  assert.equal(dueWording(today, today), 'due today');
  assert.equal(dueWording('2026-03-11', today), 'due tomorrow');
  assert.equal(dueWording('2026-03-15', today), 'due in 5 days');
  assert.equal(dueWording('2026-03-09', today), '1 day overdue');
  assert.equal(dueWording('2026-02-28', today), '10 days overdue');
});
