// Demo money for the fictional Northshire partnership's reviews, written for this project:
// one funding agreement (the Commissioner's office pays half the independent chair's costs
// up to £2,500; the county, the police, the health board and the three district councils
// share the rest equally), the costs of the two demo cases with their contributions (the
// older case's all paid, the current one's partly invoiced), and a request for progress
// e-mailed to a council contact that has not been answered yet. Runs after seedReviewsDemo.
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { addDays } from '../partnership/domain.ts';
import { contributionLines, type FundingAgreement } from './funding.ts';
import { progressLinkExpiry } from './money.domain.ts';
import { newLinkToken } from '../../access/linkTokens.ts';

const COSTS: Record<string, { chair: number; author: number; other: number; note: string; invoiced: number; paid: number }> = {
  // How many of the lines are invoiced, and how many of those paid, in the agreement's order.
  Ashgrove: { chair: 540000, author: 420000, other: 38000, note: 'Chair’s and author’s fees to the first draft; venue hire for two panel meetings', invoiced: 4, paid: 2 },
  Linden: { chair: 310000, author: 0, other: 12500, note: 'One independent reviewer acting as chair and author', invoiced: 8, paid: 8 },
};

export async function seedReviewsMoneyDemo(trx: Transaction<DB>, partnershipId: string, today: string): Promise<void> {
  const orgs = new Map((await trx.selectFrom('organisations').select(['id', 'short_name', 'name']).where('partnership_id', '=', partnershipId).execute()).map((o) => [o.short_name, o]));
  const id = (short: string) => orgs.get(short)?.id;
  const sharing = ['NCC', 'NP', 'ICB', 'AVDC', 'BBC', 'CHDC'].map(id).filter((x): x is string => Boolean(x));
  const opcc = id('OPCC');
  const officer = await trx.selectFrom('users').innerJoin('partnership_users', 'partnership_users.user_id', 'users.id').select(['users.id'])
    .where('partnership_users.partnership_id', '=', partnershipId).where('users.email', 'like', 'officer@%').executeTakeFirst();
  if (!opcc || sharing.length < 2 || !officer) return;
  const rules: FundingAgreement = { firstCharges: [{ payer: opcc, cost: 'chair', basisPoints: 5000, capPence: 250000 }], remainder: { kind: 'equal', payers: sharing } };
  const agreement = await trx.insertInto('review_funding_agreements').values({
    partnership_id: partnershipId, title: 'Northshire review funding agreement', effective_from: addDays(today, -1200), rules: JSON.stringify(rules), created_by: officer.id,
  }).returning('id').executeTakeFirstOrThrow();
  const cases = await trx.selectFrom('review_cases').select(['id', 'pseudonym', 'notified_on']).where('partnership_id', '=', partnershipId).execute();
  for (const c of cases) {
    const costs = COSTS[c.pseudonym];
    if (!costs) continue;
    await trx.insertInto('review_case_costs').values({ partnership_id: partnershipId, case_id: c.id, chair_pence: costs.chair, author_pence: costs.author, other_pence: costs.other, note: costs.note, updated_by: officer.id }).execute();
    const raisedOn = addDays(c.notified_on, 45);
    const lines = contributionLines(rules, costs).filter((l) => l.pence > 0);
    for (const [i, l] of lines.entries()) {
      const invoiced = i < costs.invoiced;
      const paid = i < costs.paid;
      await trx.insertInto('review_contribution_lines').values({
        partnership_id: partnershipId, case_id: c.id, agreement_id: agreement.id, payer_organisation_id: l.payer, payer_name: [...orgs.values()].find((o) => o.id === l.payer)!.name,
        pence: l.pence, basis: l.basis, raised_on: raisedOn, created_by: officer.id,
        status: paid ? 'paid' : invoiced ? 'invoiced' : 'raised',
        invoiced_on: invoiced ? addDays(raisedOn, 7) : null, invoice_reference: invoiced ? `NCC-RV-${String(4100 + i)}` : null,
        paid_on: paid ? addDays(raisedOn, 35) : null, payment_reference: paid ? `REMIT-${String(880 + i)}` : null,
      }).execute();
    }
    if (c.pseudonym === 'Ashgrove') {
      await trx.insertInto('review_progress_links').values({
        partnership_id: partnershipId, case_id: c.id, agency: 'Brackenford Borough Council', contact_name: 'Nadia Okafor', contact_email: 'nadia.okafor@brackenford.example', token_sha256: newLinkToken().sha256,
        sent_by: officer.id, sent_at: new Date(`${addDays(today, -6)}T09:30:00Z`), expires_at: new Date(`${progressLinkExpiry(addDays(today, -6))}T23:59:59Z`),
      }).execute();
    }
  }
}
