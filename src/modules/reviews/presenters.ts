// Reviews as pages and the API show them, and the recommendations export's rows.
import {
  currentStage, isOutstandingRecommendation, placeLabel, recommendationOverdue, recommendationStatusLabel, themeLabel, timeline,
  type ReviewKind, type StageEvent,
} from './domain.ts';
import type { CaseRow, RecommendationRow } from './store.ts';

export interface CaseSummary {
  id: string;
  kindCode: string;
  kindLabel: string;
  kindShortLabel: string;
  pseudonym: string;
  year: number;
  reference: string;
  notifiedOn: string;
  currentStage: string;
  overdueStages: { code: string; label: string; dueOn: string | null; daysLate: number }[];
  publishedOn: string | null;
}

export const caseReference = (c: { pseudonym: string; year: number }) => `${c.pseudonym} ${c.year}`;

export function kindOf(kinds: readonly ReviewKind[], code: string): ReviewKind {
  return kinds.find((k) => k.code === code) ?? { code, label: code, shortLabel: code, stageSet: 'dhr', decisionMonths: 1, completionMonths: 6, builtIn: false };
}

export function summariseCase(c: CaseRow, kinds: readonly ReviewKind[], events: readonly (StageEvent & { case_id: string })[], today: string): CaseSummary {
  const kind = kindOf(kinds, c.kind_code);
  const rows = timeline(kind, c.notified_on, events.filter((e) => e.case_id === c.id), today);
  return {
    id: c.id, kindCode: kind.code, kindLabel: kind.label, kindShortLabel: kind.shortLabel, pseudonym: c.pseudonym, year: c.year,
    reference: caseReference(c), notifiedOn: c.notified_on, currentStage: currentStage(rows).label,
    overdueStages: rows.filter((r) => r.state === 'overdue').map((r) => ({ code: r.code, label: r.label, dueOn: r.dueOn, daysLate: r.daysLate })),
    publishedOn: c.published_on,
  };
}

export const presentPerson = (p: { id: string; place: string; name: string; agency: string | null; user_id: string | null; independence_declared_on: string | null; removed_at: Date | null }) => ({
  id: p.id, place: p.place, placeLabel: placeLabel(p.place), name: p.name, agency: p.agency, hasAccount: p.user_id !== null,
  independenceDeclaredOn: p.independence_declared_on, current: p.removed_at === null,
});

export const presentRecommendation = (r: RecommendationRow, today: string) => ({
  id: r.id, caseId: r.case_id, caseReference: caseReference(r), number: r.number, text: r.text, agency: r.agency, national: r.national,
  agencyActions: r.agency_actions, owner: r.owner, dueOn: r.due_on, theme: r.theme, themeLabel: r.theme ? themeLabel(r.theme) : null,
  status: r.status, statusLabel: recommendationStatusLabel(r.status), outstanding: isOutstandingRecommendation(r.status), overdue: recommendationOverdue(r, today),
});

export const presentRecommendationUpdate = (u: { id: string; at: Date; author_label: string; from_status: string | null; to_status: string; note: string | null; evidence: string | null }) => ({
  id: u.id, at: u.at.toISOString(), author: u.author_label, fromStatus: u.from_status, toStatus: u.to_status, note: u.note, evidence: u.evidence,
});

/**
 * One row per recommendation, shaped for a national oversight body (docs/reviews-export.md):
 * stable field names, ISO dates, codes with their labels, the latest evidence and when the
 * status last changed. Nothing of the subject: the case is named by its pseudonym and year.
 */
export function exportRows(
  partnershipName: string, kinds: readonly ReviewKind[], recs: readonly RecommendationRow[],
  updates: readonly { recommendation_id: string; at: Date; from_status: string | null; to_status: string; evidence: string | null }[], today: string,
) {
  return recs.map((r) => {
    const mine = updates.filter((u) => u.recommendation_id === r.id);
    const lastChange = [...mine].reverse().find((u) => u.from_status !== u.to_status) ?? mine[0];
    const evidence = [...mine].reverse().find((u) => u.evidence)?.evidence ?? null;
    const kind = kindOf(kinds, r.kind_code);
    return {
      partnership: partnershipName,
      review_kind: kind.code,
      review_kind_label: kind.label,
      case_reference: caseReference(r),
      case_year: r.year,
      recommendation_number: r.number,
      recommendation: r.text,
      agency: r.agency,
      national: r.national,
      agency_actions: r.agency_actions ?? '',
      owner: r.owner ?? '',
      due_on: r.due_on ?? '',
      status: r.status,
      status_label: recommendationStatusLabel(r.status),
      status_since: lastChange ? lastChange.at.toISOString().slice(0, 10) : '',
      overdue: recommendationOverdue(r, today),
      theme: r.theme ?? '',
      theme_label: r.theme ? themeLabel(r.theme) : '',
      evidence: evidence ?? '',
    };
  });
}
export const EXPORT_COLUMNS = [
  'partnership', 'review_kind', 'review_kind_label', 'case_reference', 'case_year', 'recommendation_number', 'recommendation', 'agency', 'national',
  'agency_actions', 'owner', 'due_on', 'status', 'status_label', 'status_since', 'overdue', 'theme', 'theme_label', 'evidence',
] as const;
