// SQL of the reviews module's working stages. Every query is scoped by partnership and by
// the case ids the reader may see (the routes ask the policy first): nothing of a case the
// reader is not entitled to is loaded.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB>;

export async function listAgencyRequests(db: Db, partnershipId: string, caseIds: readonly string[]) {
  if (!caseIds.length) return [];
  return db.selectFrom('review_agency_requests')
    .innerJoin('review_cases', (j) => j.onRef('review_cases.partnership_id', '=', 'review_agency_requests.partnership_id').onRef('review_cases.id', '=', 'review_agency_requests.case_id'))
    .selectAll('review_agency_requests').select(['review_cases.pseudonym', 'review_cases.year'])
    .where('review_agency_requests.partnership_id', '=', partnershipId).where('review_agency_requests.case_id', 'in', caseIds)
    .orderBy('review_agency_requests.due_on').orderBy('review_agency_requests.agency').execute();
}
export type AgencyRequestRow = Awaited<ReturnType<typeof listAgencyRequests>>[number];

export async function listRequestEvents(db: Db, partnershipId: string, requestIds: readonly string[]) {
  if (!requestIds.length) return [];
  return db.selectFrom('review_agency_request_events').selectAll().where('partnership_id', '=', partnershipId)
    .where('request_id', 'in', requestIds).orderBy('at').orderBy('id').execute();
}

export function listCopiesSent(db: Db, partnershipId: string, caseId: string) {
  return db.selectFrom('review_copies_sent').selectAll().where('partnership_id', '=', partnershipId).where('case_id', '=', caseId)
    .orderBy('sent_on').orderBy('created_at').execute();
}

export function listFamilyEntries(db: Db, partnershipId: string, caseId: string) {
  return db.selectFrom('review_family_entries').selectAll().where('partnership_id', '=', partnershipId).where('case_id', '=', caseId)
    .orderBy('happened_on').orderBy('created_at').execute();
}

export function listFeedback(db: Db, partnershipId: string, caseId: string) {
  return db.selectFrom('review_qa_feedback').selectAll().where('partnership_id', '=', partnershipId).where('case_id', '=', caseId).orderBy('number').execute();
}

export async function openFeedbackCount(db: Db, partnershipId: string, caseId: string): Promise<number> {
  const row = await db.selectFrom('review_qa_feedback').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partnership_id', '=', partnershipId).where('case_id', '=', caseId).where('status', '=', 'open').executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The documents of a case, without their bytes. */
export function listDocuments(db: Db, partnershipId: string, caseId: string) {
  return db.selectFrom('review_documents')
    .select(['id', 'case_id', 'kind', 'title', 'file_name', 'media_type', 'byte_size', 'sha256', 'published', 'created_at'])
    .where('partnership_id', '=', partnershipId).where('case_id', '=', caseId).orderBy('created_at').execute();
}
export type DocumentRow = Awaited<ReturnType<typeof listDocuments>>[number];

export function findDocumentContent(db: Db, partnershipId: string, caseId: string, id: string) {
  return db.selectFrom('review_documents').selectAll().where('partnership_id', '=', partnershipId).where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst();
}

/** The documents the public may read: published ones of a published review, and nothing else. */
export function listPublishedDocuments(db: Db, partnershipId: string, caseId: string) {
  return db.selectFrom('review_documents')
    .innerJoin('review_cases', (j) => j.onRef('review_cases.partnership_id', '=', 'review_documents.partnership_id').onRef('review_cases.id', '=', 'review_documents.case_id'))
    .select(['review_documents.id', 'review_documents.title', 'review_documents.file_name', 'review_documents.media_type', 'review_documents.byte_size', 'review_documents.sha256'])
    .where('review_documents.partnership_id', '=', partnershipId).where('review_documents.case_id', '=', caseId)
    .where('review_documents.published', '=', true).where('review_cases.published_on', 'is not', null).where('review_cases.published_summary', 'is not', null)
    .orderBy('review_documents.created_at').execute();
}

export function listSarMarkers(db: Db, partnershipId: string, caseId: string) {
  return db.selectFrom('review_sar_markers').selectAll().where('partnership_id', '=', partnershipId).where('case_id', '=', caseId).execute();
}

export function listSarFindings(db: Db, partnershipId: string, caseId: string) {
  return db.selectFrom('review_sar_findings').selectAll().where('partnership_id', '=', partnershipId).where('case_id', '=', caseId).orderBy('number').execute();
}

/** Decisions on safeguarding adults review findings made in a period: counts only. */
export async function findingDecisionCounts(db: Db, partnershipId: string, from: string, to: string) {
  const rows = await db.selectFrom('review_sar_findings').select(['decision']).where('partnership_id', '=', partnershipId)
    .where('decision', 'is not', null).where('decided_on', '>=', from).where('decided_on', '<=', to).execute();
  return { accepted: rows.filter((r) => r.decision === 'accepted').length, notAccepted: rows.filter((r) => r.decision === 'not-accepted').length };
}
