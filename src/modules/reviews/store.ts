// SQL of the reviews module. Every query is scoped by partnership_id, and every query that
// reads a case's content is also scoped to the case ids the reader may see (reading.ts):
// a case the reader is not entitled to is never loaded, so it cannot leak by mistake.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { effectiveKinds, type ReviewKind } from './domain.ts';
import { findingDecisionCounts } from './stages.store.ts';

type Db = Kysely<DB>;

export async function listKinds(db: Db, partnershipId: string): Promise<ReviewKind[]> {
  const rows = await db.selectFrom('review_kinds').select(['code', 'label', 'short_label', 'stage_set', 'decision_months', 'completion_months'])
    .where('partnership_id', '=', partnershipId).execute();
  return effectiveKinds(rows);
}

export async function listCases(db: Db, partnershipId: string, caseIds: readonly string[]) {
  if (!caseIds.length) return [];
  return db.selectFrom('review_cases').selectAll().where('partnership_id', '=', partnershipId).where('id', 'in', caseIds)
    .orderBy('year', 'desc').orderBy('pseudonym').execute();
}
export type CaseRow = Awaited<ReturnType<typeof listCases>>[number];

export function findCase(db: Db, partnershipId: string, id: string) {
  return db.selectFrom('review_cases').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export async function listStageEvents(db: Db, partnershipId: string, caseIds: readonly string[]) {
  if (!caseIds.length) return [];
  return db.selectFrom('review_stage_events').selectAll().where('partnership_id', '=', partnershipId).where('case_id', 'in', caseIds)
    .orderBy('happened_on').execute();
}

export function listPeople(db: Db, partnershipId: string, caseId: string) {
  return db.selectFrom('review_case_people').selectAll().where('partnership_id', '=', partnershipId).where('case_id', '=', caseId)
    .orderBy('removed_at', (o) => o.nullsFirst()).orderBy('added_at').execute();
}

export async function listThemes(db: Db, partnershipId: string, caseIds: readonly string[]) {
  if (!caseIds.length) return [];
  return db.selectFrom('review_case_themes').selectAll().where('partnership_id', '=', partnershipId).where('case_id', 'in', caseIds).execute();
}

export async function listRecommendations(db: Db, partnershipId: string, caseIds: readonly string[]) {
  if (!caseIds.length) return [];
  return db.selectFrom('review_recommendations')
    .innerJoin('review_cases', (j) => j.onRef('review_cases.partnership_id', '=', 'review_recommendations.partnership_id').onRef('review_cases.id', '=', 'review_recommendations.case_id'))
    .selectAll('review_recommendations')
    .select(['review_cases.pseudonym', 'review_cases.year', 'review_cases.kind_code'])
    .where('review_recommendations.partnership_id', '=', partnershipId).where('review_recommendations.case_id', 'in', caseIds)
    .orderBy('review_cases.year', 'desc').orderBy('review_cases.pseudonym').orderBy('review_recommendations.number').execute();
}
export type RecommendationRow = Awaited<ReturnType<typeof listRecommendations>>[number];

export async function listRecommendationUpdates(db: Db, partnershipId: string, recommendationIds: readonly string[]) {
  if (!recommendationIds.length) return [];
  return db.selectFrom('review_recommendation_updates').selectAll().where('partnership_id', '=', partnershipId)
    .where('recommendation_id', 'in', recommendationIds).orderBy('at').orderBy('id').execute();
}

/** Users of the partnership who may be named on a case, with their role. */
export function userOptions(db: Db, partnershipId: string) {
  return db.selectFrom('partnership_users').innerJoin('users', 'users.id', 'partnership_users.user_id')
    .select(['users.id', 'users.display_name', 'partnership_users.display_name as partnership_display_name', 'partnership_users.role'])
    .where('partnership_users.partnership_id', '=', partnershipId).where('partnership_users.disabled_at', 'is', null).where('users.disabled_at', 'is', null)
    .orderBy('users.display_name').execute();
}

/** The public part of published reviews, and nothing else: no other column is selected. */
export function listPublishedReviews(db: Db, partnershipId: string) {
  return db.selectFrom('review_cases').select(['id', 'kind_code', 'pseudonym', 'year', 'published_on', 'published_summary', 'published_where'])
    .where('partnership_id', '=', partnershipId).where('published_on', 'is not', null).where('published_summary', 'is not', null)
    .orderBy('published_on', 'desc').execute();
}

/**
 * Counts for the annual summary: how many cases were notified, decided on, completed and
 * published in the year, and recommendations by status. Numbers only, across every case of
 * the partnership, so they may be published; no case is named.
 */
export function annualCounts(db: Db, partnershipId: string, year: number) {
  return countsBetween(db, partnershipId, `${year}-01-01`, `${year}-12-31`);
}

/** The same counts for any period, 'YYYY-MM-DD' to 'YYYY-MM-DD' inclusive (the scrutiny pack's financial year). */
export async function countsBetween(db: Db, partnershipId: string, from: string, to: string) {
  const cases = await db.selectFrom('review_cases').select(['id', 'kind_code', 'notified_on', 'published_on'])
    .where('partnership_id', '=', partnershipId).execute();
  const events = await db.selectFrom('review_stage_events').select(['case_id', 'stage', 'happened_on', 'outcome'])
    .where('partnership_id', '=', partnershipId).where('happened_on', '>=', from).where('happened_on', '<=', to).execute();
  const recs = await db.selectFrom('review_recommendations').select(['status']).where('partnership_id', '=', partnershipId).execute();
  const inYear = (d: string | null) => d !== null && d >= from && d <= to;
  const findingDecisions = await findingDecisionCounts(db, partnershipId, from, to);
  return {
    notified: cases.filter((c) => inYear(c.notified_on)).length,
    decidedToReview: events.filter((e) => e.stage === 'decision' && e.outcome === 'review').length,
    decidedNotToReview: events.filter((e) => e.stage === 'decision' && e.outcome === 'no-review').length,
    submitted: events.filter((e) => e.stage === 'submitted-qa' || e.stage === 'board-sign-off').length,
    findingsAccepted: events.filter((e) => e.stage === 'findings-response' && e.outcome === 'accepted').length,
    findingsNotAccepted: events.filter((e) => e.stage === 'findings-response' && e.outcome === 'not-accepted').length,
    published: cases.filter((c) => inYear(c.published_on)).length,
    /** Each finding of a safeguarding adults review decided in the period (stages.commands.ts). */
    findingDecisionsAccepted: findingDecisions.accepted,
    findingDecisionsNotAccepted: findingDecisions.notAccepted,
    byKind: Object.entries(cases.filter((c) => inYear(c.notified_on)).reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.kind_code]: (acc[c.kind_code] ?? 0) + 1 }), {})),
    /** Cases on record at all, in any year: none means the partnership does not keep reviews here. */
    casesRecorded: cases.length,
    recommendations: recs.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {}),
  };
}
