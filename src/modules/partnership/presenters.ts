// Records as the API shows them: camelCase, no partnership ids or timestamps.
import type { Selectable } from 'kysely';
import type { OrganisationsTable, PeopleTable, BodiesTable, MembershipsTable, ElectionsTable, TermsOfReferenceTable, SharingAgreementsTable } from '../../db/schema.ts';
import { displayName, membershipPeriod, type PersonName } from './domain.ts';

export const presentOrganisation = (o: Selectable<OrganisationsTable>) => ({
  id: o.id, name: o.name, shortName: o.short_name, kind: o.kind, statutory: o.statutory, website: o.website,
});

export const presentPerson = (p: Selectable<PeopleTable>) => ({
  id: p.id, name: displayName(p), honorific: p.honorific, givenName: p.given_name, familyName: p.family_name,
  honours: p.honours, jobTitle: p.job_title, organisationId: p.organisation_id, email: p.email, phone: p.phone,
});

export const presentBody = (b: Selectable<BodiesTable>) => ({
  id: b.id, name: b.name, shortName: b.short_name, kind: b.kind, parentId: b.parent_id, description: b.description,
});

export const presentMembership = (m: Selectable<MembershipsTable>) => ({
  id: m.id, personId: m.person_id, bodyId: m.body_id, role: m.role, organisationId: m.organisation_id,
  startsOn: m.starts_on, endsOn: m.ends_on,
});

export const presentElection = (e: Selectable<ElectionsTable>) => ({
  id: e.id, bodyId: e.body_id, role: e.role, nomineeId: e.nominee_id, moverId: e.mover_id, seconderId: e.seconder_id,
  meetingId: e.meeting_id, heldOn: e.held_on, result: e.result, membershipId: e.membership_id,
});

export const presentTermsOfReference = (t: Selectable<TermsOfReferenceTable>) => ({
  id: t.id, bodyId: t.body_id, version: t.version, agreedOn: t.agreed_on, reviewDueOn: t.review_due_on, summary: t.summary,
});

export const presentSharingAgreement = (a: Selectable<SharingAgreementsTable>) => ({
  id: a.id, title: a.title, version: a.version, effectiveOn: a.effective_on,
});

/** Contact details are for signed-in users (see the people routes); others get nulls. */
export const presentPersonFor = (p: Selectable<PeopleTable>, showContact: boolean) =>
  (showContact ? presentPerson(p) : { ...presentPerson(p), email: null, phone: null });

export const presentMembershipOfPerson = (m: Selectable<MembershipsTable> & { body_name: string; organisation_name: string | null }, today: string) => ({
  ...presentMembership(m), bodyName: m.body_name, organisationName: m.organisation_name, period: membershipPeriod(m, today),
});

export const presentMembershipOfBody = (m: Selectable<MembershipsTable> & PersonName & { organisation_name: string | null }, today: string) => ({
  ...presentMembership(m), personName: displayName(m), organisationName: m.organisation_name, period: membershipPeriod(m, today),
});

/** API bodies arrive in camelCase; commands read the form's snake_case field names. */
export function fromApi(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}
