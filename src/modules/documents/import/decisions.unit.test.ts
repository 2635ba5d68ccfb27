// Decisions and actions worded the many ways councils record them (issue 17). Every
// document here is invented for the test, in the style of a small council's minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDocument } from './reader.ts';

const head = 'Minutes of the meeting of Hollin Green Parish Council held on Tuesday 8 April 2025 at 7pm in the Reading Room.\n\nPresent: Cllr R Amos (Chair), Cllr T Birch, Cllr S Cole\n\n';
const items = (body: string) => readDocument(head + body, 'hollin.txt').meetings[0]!.items;

test('a motion followed by its proposer, seconder and vote is a decision, whatever its verb', () => {
  const found = items(
    '1. Playground\n\nThe swing seat was found split at the last inspection. Replacing the seat at a cost of £240 (plus VAT) was approved. Proposed Cllr Birch, seconded Cllr Cole, all in favour.\n\n' +
      'The Chair asked whether the fence by the brook could be renewed this year. A quotation for a new fence along the brook to be sought from two firms. Prop. TB, 2nd SC, 5 in favour, 1 against.\n\n' +
      '2. Hall\n\nThe hall committee wrote about the boiler. Nothing was decided.\n',
  );
  assert.deepEqual(found[0]!.resolutions, [
    'Replacing the seat at a cost of £240 (plus VAT) was approved.',
    'A quotation for a new fence along the brook to be sought from two firms.',
  ]);
  assert.deepEqual(found[1]!.resolutions, []);
});

test("the council's response to each planning application is its decision; the planning authority's decision is not", () => {
  const found = items(
    '1. Planning\n\n24/00512/FUL Rear extension, 4 Mill Row. No objection.\n\n24/00530/HH Garage conversion, The Old Forge. Objection: parking on the lane is already short.\n\n24/00498/FUL New dwelling, Pond Farm. Application permitted.\n',
  );
  assert.deepEqual(found[0]!.resolutions, [
    '24/00512/FUL Rear extension, 4 Mill Row. No objection.',
    '24/00530/HH Garage conversion, The Old Forge. Objection: parking on the lane is already short.',
  ]);
});

test('a decision that introduces a list gives one decision per entry', () => {
  const found = items(
    '1. Payments\n\nCheques in payment of the following invoices were signed:\n\n• Hollin Green Village Hall – £45.00\n• A. Mower Ltd – £310.00\n\n2. Correspondence\n\nThe following was unanimously agreed:\n\n• Hedge cutting on Back Lane: to write to the landowner.\n• Bus shelter: to ask the county for a new timetable case.\n',
  );
  assert.deepEqual(found[0]!.resolutions, [
    'Cheques in payment of the following invoices were signed: Hollin Green Village Hall – £45.00',
    'Cheques in payment of the following invoices were signed: A. Mower Ltd – £310.00',
  ]);
  assert.deepEqual(found[1]!.resolutions, ['Hedge cutting on Back Lane: to write to the landowner.', 'Bus shelter: to ask the county for a new timetable case.']);
});

test('"Clerk to action." after a decision makes the decision the Clerk\'s action', () => {
  const found = items('1. Hall booking\n\nIt was agreed to renew the annual booking of the hall for the council meetings. Clerk to action.\n');
  const action = found[0]!.actions[0];
  assert.equal(action?.owner, 'Clerk');
  assert.match(action?.text ?? '', /renew the annual booking of the hall/);
});

test('a minute number printed in the place of the missing one is kept as printed, with a warning', () => {
  const text =
    'Minutes of the meeting of the Leisure Committee of Brookfield Town Council held on Wednesday 9 April 2025 at 6pm in the Council Chamber.\n\nPresent: Cllr P Ward (Chair), Cllr J Ross\n\n' +
    '31 Apologies for Absence\n\nNone were received.\n\n32 Matters Arising\n\nThere were none.\n\n3 Allotment Rents\n\nCommittee considered the rents for next year.\n\nRESOLVED to hold the rents.\n\n34 Events\n\nThe summer fair will be on 12 July.\n';
  const reading = readDocument(text, 'brookfield.txt');
  assert.deepEqual(reading.meetings[0]!.items.map((i) => [i.minuteNumber, i.title]), [['31', 'Apologies for Absence'], ['32', 'Matters Arising'], ['3', 'Allotment Rents'], ['34', 'Events']]);
  assert.ok(reading.warnings.some((w) => /minute number '3' is printed for Allotment Rents between minutes 32 and 34 \(33 expected\)/.test(w)), reading.warnings.join('\n'));
});
