// The working stages of a case as pages and the API show them.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { findStage, type ReviewKind } from './domain.ts';
import { caseReference } from './presenters.ts';
import {
  FEEDBACK_STATUSES, SAR_MARKERS, documentKindLabel, familyKindLabel, feedbackStatusLabel, findingDecisionLabel, requestKindLabel, requestState,
  REQUEST_STATE_LABELS,
} from './stages.domain.ts';
import {
  listAgencyRequests, listDocuments, listFamilyEntries, listFeedback, listRequestEvents, listSarFindings, listSarMarkers,
  type AgencyRequestRow, type DocumentRow,
} from './stages.store.ts';
import { listStageEvents } from './store.ts';

export const presentRequest = (r: AgencyRequestRow, today: string, events: { request_id: string; kind: string; happened_on: string; note: string | null; by_label: string; at: Date }[] = []) => {
  const { state, daysLate } = requestState(r, today);
  const mine = events.filter((e) => e.request_id === r.id);
  return {
    id: r.id, caseId: r.case_id, caseReference: caseReference(r), what: r.what, whatLabel: requestKindLabel(r.what), agency: r.agency,
    contactName: r.contact_name, contactEmail: r.contact_email, requestedOn: r.requested_on, dueOn: r.due_on, receivedOn: r.received_on,
    documentId: r.document_id, state, stateLabel: REQUEST_STATE_LABELS[state], daysLate,
    chases: mine.filter((e) => e.kind === 'chased').length,
    history: mine.map((e) => ({ kind: e.kind, on: e.happened_on, note: e.note, by: e.by_label, at: e.at.toISOString() })),
  };
};
export type PresentedRequest = ReturnType<typeof presentRequest>;

export const presentDocument = (d: DocumentRow) => ({
  id: d.id, kind: d.kind, kindLabel: documentKindLabel(d.kind), title: d.title, fileName: d.file_name, mediaType: d.media_type,
  byteSize: d.byte_size, sha256: d.sha256, published: d.published, uploadedAt: d.created_at.toISOString(),
});

export const presentFamilyEntry = (e: { id: string; kind: string; happened_on: string; who: string | null; details: string }) => ({
  id: e.id, kind: e.kind, kindLabel: familyKindLabel(e.kind), happenedOn: e.happened_on, who: e.who, details: e.details,
});

export const presentCopySent = (c: { id: string; recipient: string; sent_on: string; how: string | null }) => ({ id: c.id, recipient: c.recipient, sentOn: c.sent_on, how: c.how });

export const presentFeedback = (f: { id: string; number: number; text: string; status: string; response: string | null; updated_at: Date }) => ({
  id: f.id, number: f.number, text: f.text, status: f.status, statusLabel: feedbackStatusLabel(f.status), response: f.response, updatedAt: f.updated_at.toISOString(),
});

export const presentFinding = (f: { id: string; number: number; text: string; decision: string | null; reasons: string | null; decided_on: string | null }) => ({
  id: f.id, number: f.number, text: f.text, decision: f.decision, decisionLabel: findingDecisionLabel(f.decision), reasons: f.reasons, decidedOn: f.decided_on,
});

/** The quality assurance stage events of a case, as the QA page and API show them. */
export async function qaDates(db: Kysely<DB>, partnershipId: string, caseId: string) {
  const events = await listStageEvents(db, partnershipId, [caseId]);
  const on = (stage: string) => events.find((e) => e.stage === stage);
  return {
    submittedOn: on('submitted-qa')?.happened_on ?? null,
    meetingOn: on('qa-outcome')?.happened_on ?? null,
    outcome: on('qa-outcome')?.outcome ?? null,
    resubmittedOn: on('resubmitted')?.happened_on ?? null,
  };
}

/** Everything of the working stages the case page shows. */
export async function caseStagesView(db: Kysely<DB>, partnershipId: string, c: { id: string }, kind: ReviewKind, today: string) {
  const [requests, family, documents, feedback] = await Promise.all([
    listAgencyRequests(db, partnershipId, [c.id]), listFamilyEntries(db, partnershipId, c.id), listDocuments(db, partnershipId, c.id), listFeedback(db, partnershipId, c.id),
  ]);
  const events = await listRequestEvents(db, partnershipId, requests.map((r) => r.id));
  const isSar = kind.stageSet === 'sar';
  const [markers, findings] = isSar ? await Promise.all([listSarMarkers(db, partnershipId, c.id), listSarFindings(db, partnershipId, c.id)]) : [[], []];
  const presented = requests.map((r) => presentRequest(r, today, events));
  return {
    requests: presented,
    overdueRequests: presented.filter((r) => r.state === 'overdue'),
    familyCount: family.length,
    documents: documents.map(presentDocument),
    feedback: feedback.map(presentFeedback),
    openFeedback: feedback.filter((f) => f.status === 'open').length,
    hasQa: Boolean(findStage(kind, 'submitted-qa')),
    isSar,
    markersMet: markers.length,
    markersTotal: SAR_MARKERS.length,
    findings: findings.map(presentFinding),
  };
}

export const FEEDBACK_STATUS_ITEMS = FEEDBACK_STATUSES;
