// Funding proposals in the search index. A funded project (approved, in delivery or
// complete) is public; a proposal under consideration, withdrawn or declined is found
// only by signed-in people.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { indexForSearch } from '../search/index.ts';
import { financialYear, isFunded } from './domain.ts';

export async function indexFunding(db: Kysely<DB> | Transaction<DB>, partnershipId: string, proposalIds?: string[]): Promise<void> {
  let q = db.selectFrom('funding_proposals as p')
    .innerJoin('grants as g', (j) => j.onRef('g.partnership_id', '=', 'p.partnership_id').onRef('g.id', '=', 'p.grant_id'))
    .select(['p.id', 'p.title', 'p.description', 'p.measures', 'p.status', 'p.submitted_on', 'p.approved_on', 'g.programme', 'g.financial_year'])
    .where('p.partnership_id', '=', partnershipId);
  if (proposalIds) q = q.where('p.id', 'in', proposalIds.length ? proposalIds : ['00000000-0000-4000-8000-000000000000']);
  const rows = await q.execute();
  await indexForSearch(db, rows.map((p) => ({
    partnershipId, kind: 'funding-proposal', recordId: p.id, bodyId: null, meetingId: null,
    occurredOn: p.approved_on ?? p.submitted_on,
    title: p.title,
    content: [p.description, p.measures, `${p.programme} ${financialYear(p.financial_year).label}`].filter(Boolean).join('\n'),
    url: `/funding/proposals/${p.id}`, restricted: false, public: isFunded(p.status),
  })));
}
