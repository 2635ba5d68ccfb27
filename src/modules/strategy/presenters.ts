// The strategy module's records as the API shows them: camelCase, no partnership ids.
import type { Agreement, LineView, PriorityView, UpdateRow } from './store.ts';

export const presentAgreement = (a: Agreement) => ({
  id: a.id, period: a.period, title: a.title, summary: a.summary, startsOn: a.starts_on, endsOn: a.ends_on, status: a.status,
  monitoringBodyId: a.monitoring_body_id, agreedOn: a.agreed_on, agreedMeetingId: a.agreed_meeting_id, agreedResolutionId: a.agreed_resolution_id,
  publishedAt: a.published_at ? a.published_at.toISOString() : null, planPublic: a.plan_public, refreshedFromId: a.refreshed_from_id,
});

export const presentPriority = (p: PriorityView, figures?: { progress: number; status: string | null }) => ({
  id: p.id, agreementId: p.agreement_id, kind: p.kind, position: p.position, title: p.title, description: p.description, reasons: p.reasons,
  leadOrganisationId: p.lead_organisation_id, leadOrganisationName: p.lead_organisation_name, leadPersonId: p.lead_person_id, leadPersonName: p.lead_person_name,
  carriedFromId: p.carried_from_id,
  ...(figures ? { progress: figures.progress, status: figures.status } : {}),
});

export const presentLine = (l: LineView) => ({
  id: l.id, agreementId: l.agreement_id, priorityId: l.priority_id, parentId: l.parent_id, level: l.level, ref: l.ref, title: l.title,
  description: l.description, leadOrganisationId: l.lead_organisation_id, leadOrganisationName: l.lead_organisation_name,
  ownerPersonId: l.owner_person_id, ownerName: l.owner_name, partners: l.partners, startsOn: l.starts_on, dueOn: l.due_on,
  status: l.status, progress: l.progress, weight: l.weight, statusOverride: l.status_override, statusOverrideReason: l.status_override_reason,
  rolledUp: { progress: l.rolled.progress, status: l.rolled.status, derivedStatus: l.rolled.derivedStatus, overridden: l.rolled.overridden },
  overdue: l.overdue, restricted: l.restricted, themeIds: l.theme_ids, carriedFromId: l.carried_from_id,
});

/** An update; its words (note, evidence, author) only for those who may read them. */
export const presentUpdate = (u: UpdateRow, withNotes: boolean) => ({
  id: u.id, onDate: u.on_date, at: u.at.toISOString(), author: withNotes ? u.author_label : null, fromStatus: u.from_status, status: u.status,
  fromProgress: u.from_progress, progress: u.progress, note: withNotes ? u.note : null, evidenceUrl: withNotes ? u.evidence_url : null, source: u.source,
});
