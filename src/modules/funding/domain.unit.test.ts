import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allocate, balances, changeRules, claimProblem, financialYear, financialYearOf, formatPence, heldBackPence, moveProblem, moveUnallocated, movesFrom,
  openingLedger, outturn, parseFraction, parsePounds, settleUnderspend, tacticalLock, unallocatedMoveDue, type GrantRules,
} from './domain.ts';

const pounds = (n: number) => n * 100;
const third = (rounding: GrantRules['rounding']): GrantRules => ({
  heldBackNumerator: 1, heldBackDenominator: 3, rounding, lockWhileEarlierOpen: true, unallocatedMovesOn: '2021-10-01', underspend: 'return',
});

test('a third of £39,661 held back is £13,220 rounding down and £13,221 rounding up, as the seeds show in two years', () => {
  assert.equal(heldBackPence(pounds(39_661), third('down')), pounds(13_220));
  assert.equal(heldBackPence(pounds(39_661), third('up')), pounds(13_221));
  assert.equal(heldBackPence(pounds(39_661), third('nearest')), pounds(13_220));
  // The rest is the upfront money: £26,441 in 2021/22, £26,440 in 2025/26.
  assert.equal(openingLedger(pounds(39_661), third('down')).unallocated, pounds(26_441));
  assert.equal(openingLedger(pounds(39_661), third('up')).unallocated, pounds(26_440));
});

test('rounding to whole pounds: exact shares are not moved, halves go up when rounding to the nearest', () => {
  assert.equal(heldBackPence(pounds(30_000), third('up')), pounds(10_000));
  assert.equal(heldBackPence(pounds(3) , { heldBackNumerator: 1, heldBackDenominator: 2, rounding: 'nearest' }), pounds(2));
  assert.equal(heldBackPence(pounds(3), { heldBackNumerator: 1, heldBackDenominator: 2, rounding: 'down' }), pounds(1));
  assert.equal(heldBackPence(pounds(100), { heldBackNumerator: 0, heldBackDenominator: 1, rounding: 'up' }), 0);
  assert.equal(heldBackPence(12345, { heldBackNumerator: 1, heldBackDenominator: 1, rounding: 'up' }), 12345);
});

test('the 2021/22 year of the seeds: £25,047 allocated, the £1,394 left moves to the held-back pot, which then holds £14,614', () => {
  let l = openingLedger(pounds(39_661), third('down'));
  for (const a of [750, 1_200, 582, 1_200, 5_700, 400, 11_315, 500, 3_400]) {
    const r = allocate(l, 'upfront', pounds(a));
    assert.ok(r.ok);
    l = r.ledger;
    assert.ok(balances(l));
  }
  assert.equal(l.allocated, pounds(25_047));
  assert.equal(l.unallocated, pounds(1_394));
  assert.equal(unallocatedMoveDue(l, third('down'), '2021-09-30'), false);
  assert.equal(unallocatedMoveDue(l, third('down'), '2021-10-01'), true);
  l = moveUnallocated(l);
  assert.deepEqual(l, { awarded: pounds(39_661), allocated: pounds(25_047), unallocated: 0, heldBack: pounds(14_614), returned: 0 });
  assert.ok(balances(l));
});

test('an allocation never exceeds what is left in the pot, and says how much is left', () => {
  const l = { awarded: pounds(1_000), allocated: pounds(500), unallocated: pounds(500), heldBack: 0, returned: 0 };
  assert.ok(allocate(l, 'upfront', pounds(500)).ok);
  const over = allocate(l, 'upfront', pounds(501));
  assert.equal(over.ok, false);
  assert.match(!over.ok ? over.message : '', /Only £500 is left in the upfront pot: approve £500 or less/);
  const empty = allocate(l, 'tactical', 1);
  assert.match(!empty.ok ? empty.message : '', /Nothing is left in the tactical pot/);
  assert.equal(allocate(l, 'upfront', 0).ok, false);
});

test('underspend is returned to the funder or carried forward into the held-back pot, and the ledger still balances', () => {
  const l = { awarded: pounds(1_000), allocated: pounds(800), unallocated: 0, heldBack: pounds(200), returned: 0 };
  const returned = settleUnderspend(l, pounds(50), 'return');
  assert.deepEqual(returned, { awarded: pounds(1_000), allocated: pounds(750), unallocated: 0, heldBack: pounds(200), returned: pounds(50) });
  const carried = settleUnderspend(l, pounds(50), 'carry-forward');
  assert.equal(carried.heldBack, pounds(250));
  assert.ok(balances(returned) && balances(carried));
  assert.deepEqual(outturn(returned, pounds(700)), { spent: pounds(700), returned: pounds(50), carriedForward: pounds(250) });
});

test('the held-back pot is locked while an earlier grant’s project is open, and names exactly those projects', () => {
  const earlier = [
    { id: 'a', title: 'Vulnerability guidance web app', grantLabel: '2019/20', status: 'in-delivery' as const },
    { id: 'b', title: 'Crime prevention videos', grantLabel: '2020/21', status: 'approved' as const },
    { id: 'c', title: 'Community café', grantLabel: '2020/21', status: 'complete' as const },
    { id: 'd', title: 'Withdrawn idea', grantLabel: '2020/21', status: 'withdrawn' as const },
  ];
  const lock = tacticalLock(third('down'), earlier);
  assert.equal(lock.locked, true);
  assert.deepEqual(lock.holders.map((p) => p.id), ['a', 'b']);
  assert.equal(tacticalLock(third('down'), earlier.slice(2)).locked, false);
  assert.equal(tacticalLock({ lockWhileEarlierOpen: false }, earlier).locked, false);
});

test('money typed in pounds: commas between thousands, pence as two figures; "1,200.5" is refused with what to type', () => {
  assert.deepEqual(parsePounds('1200'), { ok: true, pence: 120_000 });
  assert.deepEqual(parsePounds('£1,200'), { ok: true, pence: 120_000 });
  assert.deepEqual(parsePounds('1,200.50'), { ok: true, pence: 120_050 });
  assert.deepEqual(parsePounds(' 11,315 '), { ok: true, pence: 1_131_500 });
  const bad = (s: string) => { const r = parsePounds(s, 'The amount asked'); assert.equal(r.ok, false, s); return r.ok ? '' : r.message; };
  assert.match(bad('1,200.5'), /two figures for pence \(1,200\.50, not 1,200\.5\)/);
  assert.match(bad('1,20,0'), /commas only between thousands/);
  assert.match(bad('12.345'), /two figures for pence/);
  assert.match(bad('0'), /more than £0/);
  assert.match(bad('0.00'), /more than £0/);
  assert.match(bad('-50'), /more than £0/);
  assert.match(bad('£-50'), /more than £0/);
  assert.match(bad('ten pounds'), /in pounds, like 1,200/);
  assert.match(bad(''), /Enter the amount asked/);
  assert.match(bad('99999999999999'), /too large/);
});

test('amounts are shown in pounds, with pence only when there are some', () => {
  assert.equal(formatPence(pounds(39_661)), '£39,661');
  assert.equal(formatPence(19_532), '£195.32');
  assert.equal(formatPence(5), '£0.05');
  assert.equal(formatPence(0), '£0');
});

test('the held-back share is typed as a fraction, a percentage or a decimal', () => {
  assert.deepEqual(parseFraction('1/3'), { numerator: 1, denominator: 3 });
  assert.deepEqual(parseFraction('25%'), { numerator: 1, denominator: 4 });
  assert.deepEqual(parseFraction('0.5'), { numerator: 1, denominator: 2 });
  assert.equal(parseFraction('4/3'), null);
  assert.equal(parseFraction('a third'), null);
});

test('financial years run from April to March', () => {
  assert.deepEqual(financialYear(2021), { label: '2021/22', startsOn: '2021-04-01', endsOn: '2022-03-31' });
  assert.equal(financialYear(2099).label, '2099/00');
  assert.equal(financialYearOf('2022-02-10'), 2021);
  assert.equal(financialYearOf('2022-04-01'), 2022);
});

test('a proposal moves submitted → considered → endorsed → approved → in delivery → complete; approval needs an endorsement', () => {
  assert.deepEqual(movesFrom('submitted'), ['consider', 'withdraw', 'decline']);
  assert.deepEqual(movesFrom('endorsed'), ['approve', 'withdraw', 'decline']);
  assert.deepEqual(movesFrom('in-delivery'), ['complete', 'withdraw']);
  assert.deepEqual(movesFrom('complete'), []);
  assert.match(moveProblem('approve', 'considered')!, /has not been endorsed: record the chair’s or vice-chair’s endorsement/);
  assert.match(moveProblem('endorse', 'submitted')!, /consideration before the endorsement/);
  assert.match(moveProblem('decline', 'approved')!, /cannot be declined: withdraw it/);
  assert.match(moveProblem('start', 'withdrawn')!, /withdrawn: it cannot move on/);
  assert.equal(moveProblem('withdraw', 'in-delivery'), null);
});

test('a claim cannot take spend past the allocation', () => {
  assert.equal(claimProblem(pounds(1_200), pounds(195), pounds(1_005)), null);
  assert.match(claimProblem(pounds(1_200), pounds(195), pounds(1_006))!, /Only £1,005 of the allocation of £1,200 is left to pay/);
  assert.match(claimProblem(pounds(1_200), pounds(1_200), 1)!, /nothing more can be claimed/);
});

test('changing the rounding or the share moves the difference between the upfront money and the held-back pot, and never breaks the ledger', () => {
  const opening = openingLedger(pounds(39_661), third('down'));
  const up = changeRules(opening, third('down'), third('up'));
  assert.ok(up.ok);
  assert.deepEqual(up.ledger, { awarded: pounds(39_661), allocated: 0, unallocated: pounds(26_440), heldBack: pounds(13_221), returned: 0 });
  // With the seeds' £25,047 allocated, only £1,394 of upfront money is left: half cannot be held back.
  const allocated = { ...opening, allocated: pounds(25_047), unallocated: pounds(1_394) };
  const half = changeRules(allocated, third('down'), { ...third('down'), heldBackDenominator: 2 });
  assert.equal(half.ok, false);
  assert.match(!half.ok ? half.message : '', /would hold back £6,610 more, but only £1,394 of upfront money is unallocated/);
  const quarter = changeRules(allocated, third('down'), { ...third('down'), heldBackDenominator: 4 });
  assert.ok(quarter.ok && balances(quarter.ledger));
  assert.equal(quarter.ok && quarter.ledger.heldBack, pounds(9_915));
  assert.equal(quarter.ok && quarter.ledger.unallocated, pounds(1_394 + 3_305));
  // Once the tactical pot has been drawn, a smaller share cannot take back what was spent from it.
  const drawn = { ...opening, allocated: pounds(13_000), heldBack: pounds(220) };
  const none = changeRules(drawn, third('down'), { ...third('down'), heldBackNumerator: 0 });
  assert.match(!none.ok ? none.message : '', /would hold back £13,220 less, but only £220 is left in the held-back pot/);
  assert.equal(changeRules(opening, third('down'), { ...third('down'), heldBackNumerator: 4 }).ok, false);
});
