// SQL of the reviews module's money and progress links. Queries of a case's money are
// scoped to the case ids the reader may see, as in store.ts.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FundingAgreement } from './funding.ts';

type Db = Kysely<DB>;

const parseRules = (v: unknown): FundingAgreement => (typeof v === 'string' ? JSON.parse(v) : v) as FundingAgreement;

export async function listAgreements(db: Db, partnershipId: string) {
  const rows = await db.selectFrom('review_funding_agreements').selectAll().where('partnership_id', '=', partnershipId).orderBy('effective_from', 'desc').execute();
  return rows.map((r) => ({ ...r, rules: parseRules(r.rules) }));
}
export type AgreementRow = Awaited<ReturnType<typeof listAgreements>>[number];

export async function findAgreement(db: Db, partnershipId: string, id: string) {
  return (await listAgreements(db, partnershipId)).find((a) => a.id === id);
}

/** The partnership's organisations, the payers an agreement may name. */
export function organisationOptions(db: Db, partnershipId: string) {
  return db.selectFrom('organisations').select(['id', 'name', 'short_name']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

const costsOf = (r: { chair_pence: string | number; author_pence: string | number; other_pence: string | number } | undefined) =>
  ({ chair: Number(r?.chair_pence ?? 0), author: Number(r?.author_pence ?? 0), other: Number(r?.other_pence ?? 0) });

export async function findCosts(db: Db, partnershipId: string, caseId: string) {
  const row = await db.selectFrom('review_case_costs').selectAll().where('partnership_id', '=', partnershipId).where('case_id', '=', caseId).executeTakeFirst();
  return { costs: costsOf(row), note: row?.note ?? null, recorded: Boolean(row), updatedAt: row?.updated_at ?? null };
}

export async function listLines(db: Db, partnershipId: string, caseIds: readonly string[]) {
  if (!caseIds.length) return [];
  const rows = await db.selectFrom('review_contribution_lines')
    .innerJoin('review_cases', (j) => j.onRef('review_cases.partnership_id', '=', 'review_contribution_lines.partnership_id').onRef('review_cases.id', '=', 'review_contribution_lines.case_id'))
    .selectAll('review_contribution_lines').select(['review_cases.pseudonym', 'review_cases.year'])
    .where('review_contribution_lines.partnership_id', '=', partnershipId).where('review_contribution_lines.case_id', 'in', caseIds)
    .orderBy('review_cases.year', 'desc').orderBy('review_cases.pseudonym').orderBy('review_contribution_lines.pence', 'desc').orderBy('review_contribution_lines.payer_name').execute();
  return rows.map((r) => ({ ...r, pence: Number(r.pence) }));
}
export type LineRow = Awaited<ReturnType<typeof listLines>>[number];

export async function listProgressLinks(db: Db, partnershipId: string, caseIds: readonly string[]) {
  if (!caseIds.length) return [];
  return db.selectFrom('review_progress_links').selectAll().where('partnership_id', '=', partnershipId).where('case_id', 'in', caseIds)
    .orderBy('sent_at', 'desc').execute();
}
export type ProgressLinkRow = Awaited<ReturnType<typeof listProgressLinks>>[number];
