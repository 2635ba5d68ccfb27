// SQL of the funding module. Every query is scoped by partnership_id. Names of
// organisations and people are read (never written) for display.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { displayName } from '../partnership/domain.ts';
import { financialYear, isOpenProject, type EarlierProject, type GrantRules, type Ledger } from './domain.ts';

type Db = Kysely<DB>;

function grantsWithNames(db: Db, partnershipId: string) {
  return db.selectFrom('grants')
    .innerJoin('organisations as funder', (j) => j.onRef('funder.partnership_id', '=', 'grants.partnership_id').onRef('funder.id', '=', 'grants.funder_organisation_id'))
    .leftJoin('organisations as recipient', (j) => j.onRef('recipient.partnership_id', '=', 'grants.partnership_id').onRef('recipient.id', '=', 'grants.recipient_organisation_id'))
    .selectAll('grants')
    .select(['funder.name as funder_name', 'recipient.name as recipient_name'])
    .where('grants.partnership_id', '=', partnershipId);
}
type GrantRaw = Awaited<ReturnType<ReturnType<typeof grantsWithNames>['executeTakeFirstOrThrow']>>;

export interface GrantView extends GrantRaw {
  yearLabel: string;
  label: string;
  ledger: Ledger;
  rules: GrantRules;
}

export const ledgerOf = (g: { awarded_pence: number; allocated_pence: number; unallocated_pence: number; held_back_pence: number; returned_pence: number }): Ledger => ({
  awarded: Number(g.awarded_pence), allocated: Number(g.allocated_pence), unallocated: Number(g.unallocated_pence),
  heldBack: Number(g.held_back_pence), returned: Number(g.returned_pence),
});
export const rulesOf = (g: {
  held_back_numerator: number; held_back_denominator: number; rounding: GrantRules['rounding']; lock_while_earlier_open: boolean;
  unallocated_moves_on: string | null; underspend_rule: GrantRules['underspend'];
}): GrantRules => ({
  heldBackNumerator: g.held_back_numerator, heldBackDenominator: g.held_back_denominator, rounding: g.rounding,
  lockWhileEarlierOpen: g.lock_while_earlier_open, unallocatedMovesOn: g.unallocated_moves_on, underspend: g.underspend_rule,
});

function toGrantView(g: GrantRaw): GrantView {
  const yearLabel = financialYear(g.financial_year).label;
  return { ...g, yearLabel, label: `${g.programme} ${yearLabel}`, ledger: ledgerOf(g), rules: rulesOf(g) };
}

export async function listGrants(db: Db, partnershipId: string): Promise<GrantView[]> {
  const rows = await grantsWithNames(db, partnershipId).orderBy('grants.financial_year', 'desc').orderBy('grants.programme').execute();
  return rows.map(toGrantView);
}

export async function findGrant(db: Db, partnershipId: string, id: string): Promise<GrantView | undefined> {
  const row = await grantsWithNames(db, partnershipId).where('grants.id', '=', id).executeTakeFirst();
  return row ? toGrantView(row) : undefined;
}

export function findGrantRow(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('grants').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

/** The grant's row under a lock: pot changes to one grant happen one after the other. */
export function lockGrantRow(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('grants').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).forUpdate().executeTakeFirst();
}

function proposalsWithNames(db: Db, partnershipId: string) {
  return db.selectFrom('funding_proposals as p')
    .innerJoin('grants as g', (j) => j.onRef('g.partnership_id', '=', 'p.partnership_id').onRef('g.id', '=', 'p.grant_id'))
    .innerJoin('organisations as lead', (j) => j.onRef('lead.partnership_id', '=', 'p.partnership_id').onRef('lead.id', '=', 'p.lead_organisation_id'))
    .leftJoin('people as endorser', (j) => j.onRef('endorser.partnership_id', '=', 'p.partnership_id').onRef('endorser.id', '=', 'p.endorsed_by_person_id'))
    .selectAll('p')
    .select([
      'g.programme as grant_programme', 'g.financial_year as grant_financial_year',
      'lead.name as lead_organisation_name',
      'endorser.honorific as endorser_honorific', 'endorser.given_name as endorser_given_name', 'endorser.family_name as endorser_family_name', 'endorser.honours as endorser_honours',
      (eb) => eb.selectFrom('funding_claims as c').select((e2) => e2.fn.coalesce(e2.fn.sum<number>('c.amount_pence'), sql<number>`0`).as('s'))
        .whereRef('c.partnership_id', '=', 'p.partnership_id').whereRef('c.proposal_id', '=', 'p.id').as('spent_pence'),
      (eb) => eb.selectFrom('funding_progress as r').select('r.text').whereRef('r.partnership_id', '=', 'p.partnership_id').whereRef('r.proposal_id', '=', 'p.id')
        .orderBy('r.reported_on', 'desc').orderBy('r.created_at', 'desc').limit(1).as('latest_update'),
      (eb) => eb.selectFrom('funding_progress as r').select('r.reported_on').whereRef('r.partnership_id', '=', 'p.partnership_id').whereRef('r.proposal_id', '=', 'p.id')
        .orderBy('r.reported_on', 'desc').orderBy('r.created_at', 'desc').limit(1).as('latest_update_on'),
      // The spend to date of the latest return that gave one, as the lead reported it.
      (eb) => eb.selectFrom('funding_progress as r').select('r.spend_to_date_pence').whereRef('r.partnership_id', '=', 'p.partnership_id').whereRef('r.proposal_id', '=', 'p.id')
        .where('r.spend_to_date_pence', 'is not', null).orderBy('r.reported_on', 'desc').orderBy('r.created_at', 'desc').limit(1).as('reported_spend_pence'),
      (eb) => eb.selectFrom('funding_progress as r').select('r.reported_on').whereRef('r.partnership_id', '=', 'p.partnership_id').whereRef('r.proposal_id', '=', 'p.id')
        .where('r.spend_to_date_pence', 'is not', null).orderBy('r.reported_on', 'desc').orderBy('r.created_at', 'desc').limit(1).as('reported_spend_on'),
    ])
    .where('p.partnership_id', '=', partnershipId);
}
type ProposalRaw = Awaited<ReturnType<ReturnType<typeof proposalsWithNames>['executeTakeFirstOrThrow']>>;

export interface ProposalView extends Omit<ProposalRaw, 'endorser_honorific' | 'endorser_given_name' | 'endorser_family_name' | 'endorser_honours'> {
  endorser_name: string | null;
  grant_label: string;
  spent_pence: number;
  reported_spend_pence: number | null;
}

function toProposalView(r: ProposalRaw): ProposalView {
  const { endorser_honorific, endorser_given_name, endorser_family_name, endorser_honours, ...rest } = r;
  return {
    ...rest,
    spent_pence: Number(r.spent_pence ?? 0),
    reported_spend_pence: r.reported_spend_pence === null || r.reported_spend_pence === undefined ? null : Number(r.reported_spend_pence),
    endorser_name: endorser_family_name !== null
      ? displayName({ honorific: endorser_honorific, given_name: endorser_given_name, family_name: endorser_family_name, honours: endorser_honours })
      : null,
    grant_label: `${r.grant_programme} ${financialYear(r.grant_financial_year).label}`,
  };
}

export async function listProposals(db: Db, partnershipId: string, f: { grantId?: string } = {}): Promise<ProposalView[]> {
  let q = proposalsWithNames(db, partnershipId);
  if (f.grantId) q = q.where('p.grant_id', '=', f.grantId);
  const rows = await q.orderBy('g.financial_year', 'desc').orderBy('p.submitted_on').orderBy('p.title').execute();
  return rows.map(toProposalView);
}

export async function findProposal(db: Db, partnershipId: string, id: string): Promise<ProposalView | undefined> {
  const row = await proposalsWithNames(db, partnershipId).where('p.id', '=', id).executeTakeFirst();
  return row ? toProposalView(row) : undefined;
}

export function findProposalRow(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('funding_proposals').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function lockProposalRow(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('funding_proposals').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Projects of the same funder's programme in earlier years, for the lock on the held-back pot. */
export async function earlierProjects(db: Db, partnershipId: string, grant: { funder_organisation_id: string; programme: string; financial_year: number }): Promise<EarlierProject[]> {
  const rows = await db.selectFrom('funding_proposals as p')
    .innerJoin('grants as g', (j) => j.onRef('g.partnership_id', '=', 'p.partnership_id').onRef('g.id', '=', 'p.grant_id'))
    .select(['p.id', 'p.title', 'p.status', 'g.programme', 'g.financial_year'])
    .where('p.partnership_id', '=', partnershipId)
    .where('g.funder_organisation_id', '=', grant.funder_organisation_id)
    .where(sql<boolean>`lower(g.programme) = lower(${grant.programme})`)
    .where('g.financial_year', '<', grant.financial_year)
    .orderBy('g.financial_year').orderBy('p.title')
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, status: r.status, grantLabel: financialYear(r.financial_year).label }))
    .filter((p) => isOpenProject(p.status));
}

export async function spentOnProposal(db: Db, partnershipId: string, proposalId: string): Promise<number> {
  const row = await db.selectFrom('funding_claims').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_pence'), sql<number>`0`).as('s'))
    .where('partnership_id', '=', partnershipId).where('proposal_id', '=', proposalId).executeTakeFirstOrThrow();
  return Number(row.s);
}

export async function spentOnGrant(db: Db, partnershipId: string, grantId: string): Promise<number> {
  const row = await db.selectFrom('funding_claims as c')
    .innerJoin('funding_proposals as p', (j) => j.onRef('p.partnership_id', '=', 'c.partnership_id').onRef('p.id', '=', 'c.proposal_id'))
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('c.amount_pence'), sql<number>`0`).as('s'))
    .where('c.partnership_id', '=', partnershipId).where('p.grant_id', '=', grantId).executeTakeFirstOrThrow();
  return Number(row.s);
}

export function listClaims(db: Db, partnershipId: string, proposalId: string) {
  return db.selectFrom('funding_claims').selectAll().where('partnership_id', '=', partnershipId).where('proposal_id', '=', proposalId)
    .orderBy('paid_on').orderBy('created_at').execute();
}

export function listProgress(db: Db, partnershipId: string, proposalId: string) {
  return db.selectFrom('funding_progress').selectAll().where('partnership_id', '=', partnershipId).where('proposal_id', '=', proposalId)
    .orderBy('reported_on', 'desc').orderBy('created_at', 'desc').execute();
}

export function listDelays(db: Db, partnershipId: string, proposalId: string) {
  return db.selectFrom('funding_delays').selectAll().where('partnership_id', '=', partnershipId).where('proposal_id', '=', proposalId)
    .orderBy('recorded_on').orderBy('created_at').execute();
}

export function organisationOptions(db: Db, partnershipId: string) {
  return db.selectFrom('organisations').select(['id as value', 'name as text']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export async function organisationExists(db: Db, partnershipId: string, id: string) {
  return Boolean(await db.selectFrom('organisations').select('id').where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst());
}

/**
 * The chairs and vice-chairs of the partnership's board on a day (read from the
 * partnership module's memberships): who may endorse a proposal.
 */
export async function boardChairs(db: Db, partnershipId: string, on: string) {
  const rows = await db.selectFrom('memberships as m')
    .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .innerJoin('people as p', (j) => j.onRef('p.partnership_id', '=', 'm.partnership_id').onRef('p.id', '=', 'm.person_id'))
    .select(['m.person_id', 'm.role', 'p.honorific', 'p.given_name', 'p.family_name', 'p.honours', 'b.name as body_name'])
    .where('m.partnership_id', '=', partnershipId).where('b.kind', '=', 'board').where('m.role', 'in', ['chair', 'vice-chair'])
    .where('m.starts_on', '<=', on).where((eb) => eb.or([eb('m.ends_on', 'is', null), eb('m.ends_on', '>=', on)]))
    .execute();
  return rows.map((r) => ({ personId: r.person_id, role: r.role as 'chair' | 'vice-chair', name: displayName(r), bodyName: r.body_name }));
}

/** Everyone who has ever been a chair or vice-chair of the board, for the endorsement form. */
export async function chairOptions(db: Db, partnershipId: string) {
  const rows = await db.selectFrom('memberships as m')
    .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .innerJoin('people as p', (j) => j.onRef('p.partnership_id', '=', 'm.partnership_id').onRef('p.id', '=', 'm.person_id'))
    .select(['m.person_id', 'm.role', 'p.honorific', 'p.given_name', 'p.family_name', 'p.honours', 'm.starts_on', 'm.ends_on'])
    .where('m.partnership_id', '=', partnershipId).where('b.kind', '=', 'board').where('m.role', 'in', ['chair', 'vice-chair'])
    .orderBy('m.starts_on', 'desc').execute();
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.person_id) && seen.add(r.person_id))
    .map((r) => ({ value: r.person_id, text: `${displayName(r)} (${r.role === 'chair' ? 'Chair' : 'Vice-Chair'}${r.ends_on ? ` until ${r.ends_on}` : ''})` }));
}

/** A meeting, agenda item and resolution named by a consideration: do they exist and belong together (read only). */
export async function findConsideration(db: Db, partnershipId: string, ids: { meetingId: string; agendaItemId: string | null; resolutionId: string | null }) {
  const meeting = await db.selectFrom('meetings').select(['id', 'body_id', 'meets_on']).where('partnership_id', '=', partnershipId).where('id', '=', ids.meetingId).executeTakeFirst();
  const item = ids.agendaItemId
    ? await db.selectFrom('agenda_items').select(['id', 'meeting_id', 'restricted']).where('partnership_id', '=', partnershipId).where('id', '=', ids.agendaItemId).executeTakeFirst()
    : null;
  const resolution = ids.resolutionId
    ? await db.selectFrom('resolutions').select(['id', 'meeting_id', 'agenda_item_id']).where('partnership_id', '=', partnershipId).where('id', '=', ids.resolutionId).executeTakeFirst()
    : null;
  return { meeting, item, resolution };
}

/** Meetings to choose from when recording a consideration: the most recent first. */
export async function meetingOptions(db: Db, partnershipId: string) {
  const rows = await db.selectFrom('meetings as m')
    .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .select(['m.id', 'm.meets_on', 'b.name']).where('m.partnership_id', '=', partnershipId).orderBy('m.meets_on', 'desc').limit(60).execute();
  return rows.map((r) => ({ value: r.id, text: `${r.name}, ${r.meets_on}` }));
}

/** Organisation identifiers on known lists (GB-LAE, GB-CHC, GB-COH ...), for open data. */
export async function organisationIdentifiers(db: Db, partnershipId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('funding_organisation_identifiers').select(['organisation_id', 'identifier']).where('partnership_id', '=', partnershipId).execute();
  return new Map(rows.map((r) => [r.organisation_id, r.identifier]));
}

/** The account (of this partnership) whose e-mail is a project's lead contact: the project's lead. */
export async function leadUserIdOf(db: Db, partnershipId: string, leadContactEmail: string | null): Promise<string | null> {
  if (!leadContactEmail) return null;
  const row = await db.selectFrom('users as u')
    .innerJoin('partnership_users as pu', (j) => j.onRef('pu.user_id', '=', 'u.id').on('pu.partnership_id', '=', partnershipId))
    .select('u.id').where(sql<boolean>`lower(u.email) = lower(${leadContactEmail})`).where('u.disabled_at', 'is', null).where('pu.disabled_at', 'is', null)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The funded projects an account leads: those whose lead contact is its e-mail address. */
export async function listLeadProjects(db: Db, partnershipId: string, userId: string): Promise<ProposalView[]> {
  const user = await db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
  if (!user) return [];
  const rows = await proposalsWithNames(db, partnershipId)
    .where(sql<boolean>`lower(p.lead_contact_email) = lower(${user.email})`)
    .where('p.status', 'in', ['approved', 'in-delivery', 'complete'])
    .orderBy('g.financial_year', 'desc').orderBy('p.title').execute();
  return rows.map(toProposalView);
}
