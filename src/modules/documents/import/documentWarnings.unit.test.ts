// Warnings a careful clerk would give before trusting a reading (issue 17): each document is
// invented for the test, in the style of a small council's minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDocument } from './reader.ts';

const opening = (date: string) => `Minutes of the meeting of Lowmoor Parish Council held on ${date} at 7pm in the Church Room.\n\nPresent: Cllr E Hart (Chair), Cllr N Shaw, Cllr O Penn\n\n`;

test('minutes marked as a draft are warned of', () => {
  const r = readDocument(`Unconfirmed minutes – subject to approval\n\n${opening('Monday 3 March 2025')}1. Apologies\n\nNone.\n`, 'lowmoor.txt');
  assert.ok(r.warnings.some((w) => /marked as a draft/.test(w)), r.warnings.join('\n'));
  const plain = readDocument(`${opening('Monday 3 March 2025')}1. Budget\n\nThe draft budget was discussed. RESOLVED to adopt it.\n`, 'lowmoor.txt');
  assert.ok(!plain.warnings.some((w) => /marked as a draft/.test(w)), 'a draft budget is not draft minutes');
});

test('a meeting date without a year takes the year from the document, the one its weekday fits, and says so', () => {
  const r = readDocument(`${opening('Monday 3rd March')}1. Apologies\n\nNone.\n\n2. Next meeting\n\nThe next meeting will be held on Monday 7 April 2025.\n`, 'lowmoor.txt');
  assert.equal(r.meetings[0]!.date, '2025-03-03');
  assert.ok(r.warnings.some((w) => /printed without a year \('Monday 3rd March'\): 2025/.test(w)), r.warnings.join('\n'));
  // 3 March was a Monday in 2025, not in 2026: the weekday decides between the years beside the document's.
  const later = readDocument(`${opening('Monday 3rd March')}1. Apologies\n\nNone.\n\n2. Next meeting\n\nThe audit is due on 30 June 2026.\n`, 'lowmoor.txt');
  assert.equal(later.meetings[0]!.date, '2025-03-03');
});

test("a payments list whose printed total is not the sum of its rows is warned of; one that adds up is not", () => {
  const body = (total: string) => `${opening('Monday 3 March 2025')}1. Finance\n\nRESOLVED to approve the following payments:\n\nChurch Room hire £36.00\nLowmoor Grounds Ltd, verge cutting £1,240.00\nClerk's salary (February) £412.75\nTotal £${total}\n`;
  const wrong = readDocument(body('1,698.75'), 'lowmoor.txt');
  assert.ok(wrong.warnings.some((w) => /printed total \(£1,698\.75\) is not the sum of the 3 payments above it \(£1,688\.75\)/.test(w)), wrong.warnings.join('\n'));
  const right = readDocument(body('1,688.75'), 'lowmoor.txt');
  assert.ok(!right.warnings.some((w) => /printed total/.test(w)), right.warnings.join('\n'));
});

test('a document that stops mid-sentence is warned of', () => {
  const r = readDocument(`${opening('Monday 3 March 2025')}1. Footpaths\n\nCllr Shaw reported that the stile on the Long Meadow path was broken and that the\n`, 'lowmoor.txt');
  assert.ok(r.warnings.some((w) => /ends mid-sentence/.test(w)), r.warnings.join('\n'));
  const whole = readDocument(`${opening('Monday 3 March 2025')}1. Footpaths\n\nCllr Shaw reported that the stile on the Long Meadow path was broken.\n`, 'lowmoor.txt');
  assert.ok(!whole.warnings.some((w) => /ends mid-sentence/.test(w)));
});
