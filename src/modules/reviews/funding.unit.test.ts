import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agreementProblems, contributionLines, splitPence, type FundingAgreement } from './funding.ts';

const PARTNERS = ['County Council', 'Police', 'Integrated Care Board', 'Probation', 'District Council'];
const commissionerHalfChair = (capPence: number | null): FundingAgreement => ({
  firstCharges: [{ payer: 'Commissioner', cost: 'chair', basisPoints: 5000, capPence }],
  remainder: { kind: 'equal', payers: PARTNERS },
});

test('worked example: the Commissioner pays half the chair up to £2,500; five partners share the rest equally', () => {
  // Chair £6,000, author £3,500, other £400.10: the Commissioner pays £2,500 (half would be £3,000, capped);
  // the rest, £7,400.10, is £1,480.02 each for five partners.
  const lines = contributionLines(commissionerHalfChair(250000), { chair: 600000, author: 350000, other: 40010 });
  assert.deepEqual(lines.map((l) => [l.payer, l.pence]), [
    ['Commissioner', 250000], ['County Council', 148002], ['Police', 148002], ['Integrated Care Board', 148002], ['Probation', 148002], ['District Council', 148002],
  ]);
  assert.equal(lines[0]!.basis, '50% of the chair costs, capped at £2,500.00');
  assert.equal(lines.reduce((s, l) => s + l.pence, 0), 990010);
});

test('under the cap the Commissioner pays exactly half; pennies that do not divide go to the first partners', () => {
  // Chair £4,000.01: half is £2,000.00 (the half penny stays with the rest). Rest £2,000.01 + £1,000 = £3,000.01:
  // £600.00 each and one penny to the County Council.
  const lines = contributionLines(commissionerHalfChair(250000), { chair: 400001, author: 100000, other: 0 });
  assert.deepEqual(lines.map((l) => l.pence), [200000, 60001, 60000, 60000, 60000, 60000]);
  assert.equal(lines.reduce((s, l) => s + l.pence, 0), 500001);
});

test('shares in percentages must add up to 100%', () => {
  const bad: FundingAgreement = { firstCharges: [], remainder: { kind: 'shares', shares: [{ payer: 'A', basisPoints: 6000 }, { payer: 'B', basisPoints: 3000 }] } };
  assert.deepEqual(agreementProblems(bad).map((p) => p.message), ["The partners' shares must add up to 100%; they add up to 90%"]);
  assert.throws(() => contributionLines(bad, { chair: 100, author: 0, other: 0 }), /add up to 100%/);
  const good: FundingAgreement = { firstCharges: [], remainder: { kind: 'shares', shares: [{ payer: 'A', basisPoints: 6667 }, { payer: 'B', basisPoints: 3333 }] } };
  assert.deepEqual(contributionLines(good, { chair: 100000, author: 0, other: 0 }).map((l) => [l.payer, l.pence]), [['A', 66670], ['B', 33330]]);
});

test('a first charge over 100%, or partners named twice, are refused', () => {
  const over: FundingAgreement = { firstCharges: [{ payer: 'X', cost: 'chair', basisPoints: 6000, capPence: null }, { payer: 'Y', cost: 'chair', basisPoints: 5000, capPence: null }], remainder: { kind: 'equal', payers: ['A'] } };
  assert.match(agreementProblems(over)[0]!.message, /add up to more than 100%/);
  assert.match(agreementProblems({ firstCharges: [], remainder: { kind: 'equal', payers: ['A', 'A'] } })[0]!.message, /once/);
});

test('pence are split exactly', () => {
  assert.deepEqual(splitPence(100, [1, 1, 1]), [34, 33, 33]);
  assert.deepEqual(splitPence(0, [1, 2]), [0, 0]);
  assert.deepEqual(splitPence(10, [0, 1]), [0, 10]);
});
