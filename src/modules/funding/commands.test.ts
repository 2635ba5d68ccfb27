// The funding commands on a real database (PGlite, and PostgreSQL when TEST_DATABASE_URL
// is set): a grant's ledger, a proposal's stages, the pot lock, spend and outturn, the
// database's own refusal of money that does not add up, and two approvals at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { Actor } from '../../access/policy.ts';
import { createGrant, createProposal, moveProposal, moveUnallocatedMoney, recordClaim, recordDelay, recordOutturn, recordProgress } from './commands.ts';
import { findGrant, findProposal } from './store.ts';
import { todayIso } from '../partnership/domain.ts';
import { financialYear, financialYearOf } from './domain.ts';
import { formOutcome } from '../../web/forms.ts';

let t: TestApp;
let officer: Actor;
const ids = { opcc: '', council: '', nva: '', chair: '', member: '', meeting: '' };
const today = todayIso();
const thisYear = financialYearOf(today);
const ctx = () => ({ db: t.database.db, actor: officer });
const problems = async (work: () => Promise<unknown>) => {
  const o = await formOutcome(work);
  assert.equal(o.ok, false, 'expected the change to be refused');
  return o.ok ? [] : o.errors.map((e) => `${e.field}: ${e.message}`);
};

before(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const user = await db.selectFrom('users').innerJoin('partnership_users', 'partnership_users.user_id', 'users.id')
    .select(['users.id']).where('users.email', '=', 'officer@northshire.example').executeTakeFirstOrThrow();
  officer = { kind: 'user', partnershipId: t.partnershipId, userId: user.id, displayName: 'Gwen Abernethy', role: 'officer', personId: null, grants: [] };
  const org = async (short: string) => (await db.selectFrom('organisations').select('id').where('short_name', '=', short).where('partnership_id', '=', t.partnershipId).executeTakeFirstOrThrow()).id;
  ids.opcc = await org('OPCC'); ids.council = await org('NCC'); ids.nva = await org('NVA');
  const person = async (family: string) => (await db.selectFrom('people').select('id').where('family_name', '=', family).executeTakeFirstOrThrow()).id;
  ids.chair = await person('Kellaway'); ids.member = await person('Macrae');
  ids.meeting = (await db.selectFrom('meetings').select('id').where('partnership_id', '=', t.partnershipId).where('meets_on', '<', today).orderBy('meets_on', 'desc').limit(1).executeTakeFirstOrThrow()).id;
});
after(async () => { await t.close(); });

async function grant(year: number, awarded: string, extra: Record<string, string> = {}) {
  return createGrant(ctx(), {
    funder_organisation_id: ids.opcc, recipient_organisation_id: ids.council, programme: `Test Grant ${extra.tag ?? ''}`.trim(), financial_year: String(year),
    awarded, awarded_on: financialYear(year).startsOn, held_back_share: '1/3', rounding: 'down', underspend_rule: 'return', ...extra,
  });
}
async function proposal(grantId: string, asked: string, extra: Record<string, string> = {}) {
  const year = (await t.database.db.selectFrom('grants').select('financial_year').where('id', '=', grantId).executeTakeFirstOrThrow()).financial_year;
  return createProposal(ctx(), grantId, {
    title: `Project ${Math.random().toString(36).slice(2, 8)}`, description: 'A test project', amount_asked: asked, lead_organisation_id: ids.nva,
    delivery_starts_on: financialYear(year).startsOn, delivery_ends_on: financialYear(year).endsOn, ...extra,
  });
}
/** Through consideration and endorsement, ready for the funder's approval. */
async function endorsed(grantId: string, asked: string, extra: Record<string, string> = {}) {
  const p = await proposal(grantId, asked, extra);
  await moveProposal(ctx(), p.id, 'consider', { meeting_id: ids.meeting });
  await moveProposal(ctx(), p.id, 'endorse', { person_id: ids.chair });
  return p;
}
const approve = (id: string, extra: Record<string, string> = {}) =>
  moveProposal(ctx(), id, 'approve', { approved_by: 'Chief Finance Officer, OPCC', evidence: 'Letter of approval, reference CRG/1', ...extra });

test('a grant of £39,661 holds back £13,220 rounding down; the database refuses money that does not add up', async () => {
  const g = await grant(thisYear - 6, '39,661', { tag: 'seeds' });
  const view = (await findGrant(t.database.db, t.partnershipId, g.id))!;
  assert.deepEqual(view.ledger, { awarded: 3_966_100, allocated: 0, unallocated: 2_644_100, heldBack: 1_322_000, returned: 0 });
  await assert.rejects(
    t.database.db.updateTable('grants').set({ allocated_pence: 100 }).where('id', '=', g.id).execute(),
    /grants_money_adds_up/,
  );
  await assert.rejects(t.database.db.updateTable('grants').set({ unallocated_pence: -100, held_back_pence: 1_322_100 }).where('id', '=', g.id).execute());
  const up = await grant(thisYear - 6, '39,661', { tag: 'up', rounding: 'up' });
  assert.equal(Number(up.held_back_pence), 1_322_100);
});

test('bad money and dates are refused with messages that say what to do', async () => {
  assert.deepEqual(await problems(() => grant(thisYear - 5, '1,200.5')), ['awarded: The amount awarded must have two figures for pence (1,200.50, not 1,200.5), or none (1,200)']);
  assert.deepEqual(await problems(() => grant(thisYear - 5, '0')), ['awarded: The amount awarded must be more than £0']);
  assert.deepEqual(await problems(() => grant(thisYear - 5, '-20')), ['awarded: The amount awarded must be more than £0']);
  const g = await grant(thisYear - 5, '10,000');
  assert.match((await problems(() => proposal(g.id, '500', { delivery_starts_on: financialYear(thisYear).startsOn, delivery_ends_on: financialYear(thisYear).endsOn })))[0]!, /Delivery must start within the grant's year/);
  assert.match((await problems(() => grant(thisYear - 5, '10,000')))[0]!, /already recorded/);
});

test('a proposal moves through its stages; approval without endorsement is refused; the endorser must be chair or vice-chair', async () => {
  const g = await grant(thisYear - 4, '9,000');
  const p = await proposal(g.id, '1,000');
  assert.match((await problems(() => approve(p.id)))[0]!, /has not been endorsed: record the chair’s or vice-chair’s endorsement/);
  await moveProposal(ctx(), p.id, 'consider', { meeting_id: ids.meeting });
  assert.match((await problems(() => moveProposal(ctx(), p.id, 'endorse', { person_id: ids.member })))[0]!, /Select the chair or vice-chair of the Partnership/);
  await moveProposal(ctx(), p.id, 'endorse', { person_id: ids.chair });
  await approve(p.id, { amount: '800' });
  let view = (await findProposal(t.database.db, t.partnershipId, p.id))!;
  assert.equal(view.status, 'approved');
  assert.equal(view.endorsed_role, 'chair');
  assert.equal(Number(view.allocated_pence), 80_000);
  assert.equal((await findGrant(t.database.db, t.partnershipId, g.id))!.ledger.allocated, 80_000);
  await moveProposal(ctx(), p.id, 'start', {});
  assert.match((await problems(() => recordClaim(ctx(), p.id, { paid_on: today, amount: '900', payee: 'Northshire Voluntary Action' })))[0]!, /Only £800 of the allocation of £800 is left to pay/);
  await recordClaim(ctx(), p.id, { paid_on: today, amount: '650', payee: 'Northshire Voluntary Action', reference: 'INV-1' });
  await recordProgress(ctx(), p.id, { text: 'Two of four sessions delivered', figures: '28 attendees' });
  await recordDelay(ctx(), p.id, { reason: 'The venue was not available', new_ends_on: financialYear(thisYear - 3).endsOn });
  view = (await findProposal(t.database.db, t.partnershipId, p.id))!;
  assert.equal(view.delayed, true);
  assert.equal(view.latest_update, 'Two of four sessions delivered');
  assert.equal(view.spent_pence, 65_000);
  // Completing settles the £150 underspend by the grant's rule: returned to the funder.
  await moveProposal(ctx(), p.id, 'complete', {});
  const ledger = (await findGrant(t.database.db, t.partnershipId, g.id))!.ledger;
  assert.deepEqual(ledger, { awarded: 900_000, allocated: 65_000, unallocated: 520_000, heldBack: 300_000, returned: 15_000 });
  assert.match((await problems(() => moveProposal(ctx(), p.id, 'withdraw', { reason: 'x' })))[0]!, /complete: it cannot move on/);
  const outturn = await recordOutturn(ctx(), g.id, { outturn_on: financialYear(thisYear - 4).endsOn });
  assert.deepEqual([outturn.outturn_spent_pence, outturn.outturn_returned_pence, outturn.outturn_carried_forward_pence].map(Number), [65_000, 15_000, 820_000]);
  // Every change left an audit entry.
  const audited = await t.database.db.selectFrom('audit_log').select('summary').where('record_id', '=', p.id).execute();
  assert.ok(audited.length >= 7, String(audited.length));
});

test('the tactical pot is locked while an earlier year’s project is open, naming it; unallocated money moves on the grant’s date', async () => {
  const first = await grant(thisYear - 2, '3,000', { tag: 'lock' });
  const open = await endorsed(first.id, '500', { title: 'Doorstep crime cameras' });
  await approve(open.id);
  const second = await grant(thisYear - 1, '3,000', { tag: 'lock', unallocated_moves_on: financialYear(thisYear - 1).startsOn });
  const tactical = await endorsed(second.id, '100', { pot: 'tactical' });
  assert.match((await problems(() => approve(tactical.id)))[0]!, /The tactical pot is locked until every project of earlier years is complete: Doorstep crime cameras \(\d{4}\/\d{2}\)/);
  await moveProposal(ctx(), open.id, 'start', {});
  await moveProposal(ctx(), open.id, 'complete', {});
  // The date has passed: the £2,000 upfront moves to the held-back pot, then £100 is drawn.
  await approve(tactical.id);
  const ledger = (await findGrant(t.database.db, t.partnershipId, second.id))!.ledger;
  assert.deepEqual(ledger, { awarded: 300_000, allocated: 10_000, unallocated: 0, heldBack: 290_000, returned: 0 });
  assert.match((await problems(() => moveUnallocatedMoney(ctx(), second.id)))[0]!, /no unallocated upfront money/);
});

test('two officers approving the last £500 at the same moment: one succeeds, the other is told, the pot is never overdrawn', async () => {
  const g = await grant(thisYear, '1,500', { tag: 'race' }); // £1,000 upfront
  const filler = await endorsed(g.id, '500');
  await approve(filler.id);
  const a = await endorsed(g.id, '500');
  const b = await endorsed(g.id, '500');
  const outcomes = await Promise.all([formOutcome(() => approve(a.id)), formOutcome(() => approve(b.id))]);
  assert.deepEqual(outcomes.map((o) => o.ok).sort(), [false, true]);
  const refused = outcomes.find((o) => !o.ok);
  assert.match(!refused!.ok ? refused!.errors[0]!.message : '', /Nothing is left in the upfront pot/);
  const ledger = (await findGrant(t.database.db, t.partnershipId, g.id))!.ledger;
  assert.deepEqual(ledger, { awarded: 150_000, allocated: 100_000, unallocated: 0, heldBack: 50_000, returned: 0 });
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from funding_proposals where grant_id = ${g.id} and status = 'approved'`.execute(t.database.db);
  assert.equal(rows[0]!.n, 2);
});
