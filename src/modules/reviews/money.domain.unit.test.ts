import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contributionLines, type FundingAgreement } from './funding.ts';
import {
  agreementOn, agreementPeriodProblem, lineMoveProblems, owedByPartner, parsePercent, presentAsk, progressLinkState, progressRequestMessage, rulesInWords, rulesProblems,
} from './money.domain.ts';

const names: Record<string, string> = { opcc: 'Commissioner’s office', ncc: 'County Council', np: 'Police', icb: 'Integrated Care Board' };
const halfChairCapped: FundingAgreement = {
  firstCharges: [{ payer: 'opcc', cost: 'chair', basisPoints: 5000, capPence: 300000 }],
  remainder: { kind: 'equal', payers: ['ncc', 'np', 'icb'] },
};

test('worked figures: the Commissioner pays half the chair up to £3,000, three partners share the rest equally', () => {
  // Chair £7,250.00: half is £3,625.00, capped at £3,000.00. Rest: £4,250 + £5,100 author + £320.50 other = £9,670.50,
  // a third each is £3,223.50.
  const lines = contributionLines(halfChairCapped, { chair: 725000, author: 510000, other: 32050 });
  assert.deepEqual(lines.map((l) => [l.payer, l.pence]), [['opcc', 300000], ['ncc', 322350], ['np', 322350], ['icb', 322350]]);
  assert.equal(lines.reduce((s, l) => s + l.pence, 0), 725000 + 510000 + 32050);
  // A smaller chair's bill stays under the cap; the penny that does not divide goes to the first partner.
  const small = contributionLines(halfChairCapped, { chair: 250001, author: 0, other: 0 });
  // Half of £2,500.01 is £1,250.00 (the half penny stays in the rest): rest £1,250.01 = £416.67 + £416.67 + £416.67.
  assert.deepEqual(small.map((l) => l.pence), [125000, 41667, 41667, 41667]);
  assert.equal(small.reduce((s, l) => s + l.pence, 0), 250001);
});

test('the rules in words name the payers', () => {
  assert.deepEqual(rulesInWords(halfChairCapped, (id) => names[id]!), [
    'Commissioner’s office pays 50% of the independent chair costs, up to £3,000.00',
    'The rest is shared equally by 3 partners: County Council, Police, Integrated Care Board',
  ]);
});

test('a rule whose shares do not add up, or that names someone who is not a partner, is refused with a message', () => {
  const bad: FundingAgreement = { firstCharges: [], remainder: { kind: 'shares', shares: [{ payer: 'ncc', basisPoints: 5000 }, { payer: 'np', basisPoints: 4000 }] } };
  assert.deepEqual(rulesProblems(bad, Object.keys(names)).map((p) => p.message), ["The partners' shares must add up to 100%; they add up to 90%"]);
  assert.deepEqual(rulesProblems({ firstCharges: [], remainder: { kind: 'equal', payers: ['ncc', 'stranger'] } }, Object.keys(names)).map((p) => p.message),
    ['Select payers from the partnership’s organisations']);
});

test('percentages are read to two decimals, as basis points', () => {
  assert.equal(parsePercent('50'), 5000);
  assert.equal(parsePercent('33.33%'), 3333);
  assert.equal(parsePercent('12.5'), 1250);
  assert.equal(parsePercent('100.01'), null);
  assert.equal(parsePercent('half'), null);
  assert.equal(parsePercent('1.234'), null);
});

test('one agreement in effect on a day: overlapping dates are refused, and the one in effect is found', () => {
  const a = [{ id: 'a', title: 'First', effective_from: '2025-04-01', effective_to: '2026-03-31' }, { id: 'b', title: 'Second', effective_from: '2026-04-01', effective_to: null }];
  assert.equal(agreementOn(a, '2026-03-31')?.id, 'a');
  assert.equal(agreementOn(a, '2026-04-01')?.id, 'b');
  assert.equal(agreementOn(a, '2025-03-31'), undefined);
  assert.match(agreementPeriodProblem(a, '2027-01-01', null)!, /overlap "Second" \(from 2026-04-01, with no end date\)/);
  assert.match(agreementPeriodProblem(a, '2024-01-01', '2025-04-01')!, /overlap "First"/);
  assert.equal(agreementPeriodProblem(a, '2024-01-01', '2025-03-31'), null);
  assert.equal(agreementPeriodProblem(a, '2026-04-01', '2027-03-31', 'b'), null, 'an agreement does not clash with itself');
  assert.equal(agreementPeriodProblem([], '2026-01-01', '2025-01-01'), 'The end date must be on or after the start date');
});

test('a line moves raised -> invoiced -> paid, each dated and with a reference, never out of turn', () => {
  const raised = { status: 'raised' as const, raised_on: '2026-10-01', invoiced_on: null };
  assert.deepEqual(lineMoveProblems(raised, { to: 'invoiced', on: '2026-10-02', reference: 'INV-1' }, '2026-12-04'), []);
  assert.match(lineMoveProblems(raised, { to: 'paid', on: '2026-10-02', reference: 'P' }, '2026-12-04')[0]!.message, /can next be invoiced, not paid/);
  assert.deepEqual(lineMoveProblems(raised, { to: 'invoiced', on: '2026-12-05', reference: '' }, '2026-12-04').map((p) => p.message),
    ['Enter the invoice reference', 'The date of the invoice must be today or in the past']);
  const invoiced = { status: 'invoiced' as const, raised_on: '2026-10-01', invoiced_on: '2026-10-02' };
  assert.match(lineMoveProblems(invoiced, { to: 'paid', on: '2026-10-01', reference: 'BACS 9' }, '2026-12-04')[0]!.message, /on or after the date of the invoice \(2026-10-02\)/);
  assert.match(lineMoveProblems({ ...invoiced, status: 'paid' }, { to: 'paid', on: '2026-10-03', reference: 'x' }, '2026-12-04')[0]!.message, /has been paid/);
});

test('what each partner owes across cases: not invoiced, invoiced and unpaid, paid; most unpaid first', () => {
  const rows = owedByPartner([
    { payer_organisation_id: 'np', payer_name: 'Police', pence: 322350, status: 'raised', case_id: 'c1' },
    { payer_organisation_id: 'np', payer_name: 'Police', pence: 100000, status: 'paid', case_id: 'c2' },
    { payer_organisation_id: 'ncc', payer_name: 'County Council', pence: 322350, status: 'invoiced', case_id: 'c1' },
    { payer_organisation_id: 'ncc', payer_name: 'County Council', pence: 50000, status: 'invoiced', case_id: 'c2' },
  ]);
  assert.deepEqual(rows, [
    { payerId: 'ncc', payer: 'County Council', raised: 0, invoiced: 372350, paid: 0, unpaid: 372350, cases: 2 },
    { payerId: 'np', payer: 'Police', raised: 322350, invoiced: 0, paid: 100000, unpaid: 322350, cases: 2 },
  ]);
});

test('the progress e-mail names the agency and the kind of review in its subject, never the case; a link is waiting, answered or expired', () => {
  const m = progressRequestMessage({ contactName: 'Ann Contact', contactEmail: 'ann@agency.example', agency: 'Northshire Police', kindLabel: 'Domestic abuse related death review',
    caseReference: 'Kestrel 2026', recommendations: 2, partnership: 'Northshire CSP', coordinator: 'Gwen', link: 'https://x.example/review-progress/t', expiresOn: '2027-01-01' });
  assert.equal(m.subject, 'Progress on recommendations to Northshire Police: domestic abuse related death review');
  assert.match(m.text, /known as Kestrel 2026\.\n2 recommendations are for Northshire Police/);
  const now = new Date('2026-12-04T12:00:00Z');
  assert.equal(progressLinkState({ used_at: null, expires_at: new Date('2026-12-05T00:00:00Z') }, now), 'waiting');
  assert.equal(progressLinkState({ used_at: null, expires_at: new Date('2026-12-03T00:00:00Z') }, now), 'expired');
  assert.equal(presentAsk({ sent_at: new Date('2026-11-20T09:00:00Z'), used_at: new Date('2026-11-22T09:00:00Z'), expires_at: new Date('2026-12-18T00:00:00Z') }, now).text, 'Asked 2026-11-20, answered 2026-11-22');
  assert.equal(presentAsk(undefined).text, 'Not asked by e-mail');
});
