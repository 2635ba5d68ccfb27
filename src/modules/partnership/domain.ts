// The partnership's own rules: pure, no I/O.

export const ORGANISATION_KINDS = [
  { value: 'county-council', text: 'County council' },
  { value: 'district-council', text: 'District or borough council' },
  { value: 'unitary-council', text: 'Unitary council' },
  { value: 'police', text: 'Police' },
  { value: 'fire-and-rescue', text: 'Fire and rescue service' },
  { value: 'probation', text: 'Probation service' },
  { value: 'health', text: 'Health (integrated care board or NHS trust)' },
  { value: 'pcc', text: "Police and Crime Commissioner's office" },
  { value: 'voluntary', text: 'Voluntary and community sector' },
  { value: 'other', text: 'Other' },
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number]['value'];
export const organisationKindValues = ORGANISATION_KINDS.map((k) => k.value);
export const organisationKindLabel = (kind: string) => ORGANISATION_KINDS.find((k) => k.value === kind)?.text ?? kind;

/** The responsible authorities of a CSP under the Crime and Disorder Act 1998, s.5. */
export const STATUTORY_KINDS: readonly OrganisationKind[] = [
  'county-council', 'district-council', 'unitary-council', 'police', 'fire-and-rescue', 'probation', 'health',
];

/** Honorifics as printed in minutes; free text is allowed too, these are offered. */
export const HONORIFICS = ['Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Dr', 'Cllr', 'DI', 'DCI', 'Supt', 'Ch Supt', 'Insp', 'Sgt', 'Prof', 'Rev'] as const;

export const BODY_KINDS = [
  { value: 'board', text: 'Board' },
  { value: 'subgroup', text: 'Subgroup' },
  { value: 'panel', text: 'Review panel or steering group' },
] as const;
export type BodyKind = (typeof BODY_KINDS)[number]['value'];

export const MEMBERSHIP_ROLES = [
  { value: 'chair', text: 'Chair' },
  { value: 'vice-chair', text: 'Vice-chair' },
  { value: 'member', text: 'Member' },
  { value: 'substitute', text: 'Substitute' },
  { value: 'adviser', text: 'Adviser' },
  { value: 'officer', text: 'Officer' },
] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number]['value'];
export const membershipRoleLabel = (role: string) => MEMBERSHIP_ROLES.find((r) => r.value === role)?.text ?? role;

export const ELECTED_ROLES = ['chair', 'vice-chair'] as const;
export type ElectedRole = (typeof ELECTED_ROLES)[number];

export interface PersonName {
  honorific: string | null;
  given_name: string | null;
  family_name: string;
  honours: string | null;
}

/** "Cllr Jane Okafor OBE": the name as a minute would print it. */
export function displayName(p: PersonName): string {
  return [p.honorific, p.given_name, p.family_name].filter(Boolean).join(' ') + (p.honours ? ` ${p.honours}` : '');
}

/** "Okafor, Jane": for sorted lists. */
export function sortName(p: PersonName): string {
  return p.given_name ? `${p.family_name}, ${p.given_name}` : p.family_name;
}

export function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  // 29 February moves to 28 February in a year without one.
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

/** Terms of reference are reviewed every year: the next review is due a year after agreement. */
export const reviewDueOn = (agreedOn: string) => addYears(agreedOn, 1);

export type ReviewStatus = 'overdue' | 'due-soon' | 'in-date' | 'none';

/** Due soon means within the next 60 days: long enough to get it on an agenda. */
export function termsOfReferenceStatus(reviewDue: string | null, today: string): ReviewStatus {
  if (!reviewDue) return 'none';
  if (reviewDue < today) return 'overdue';
  return daysBetween(today, reviewDue) <= 60 ? 'due-soon' : 'in-date';
}

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000);
}

export const todayIso = (now = new Date()) => now.toISOString().slice(0, 10);

export function isCurrentMembership(m: { starts_on: string; ends_on: string | null }, today: string): boolean {
  return m.starts_on <= today && (m.ends_on === null || m.ends_on >= today);
}

/**
 * What an election changes. The nominee elected takes the role from the day of the
 * election; whoever held that role on the body before stops holding it the day before.
 */
export interface ElectionEffect {
  endMembershipIds: string[];
  endOn: string;
  newMembership: { role: ElectedRole; starts_on: string } | null;
}

export function electionEffect(
  election: { role: ElectedRole; held_on: string; result: 'elected' | 'not elected'; nominee_id: string },
  currentHolders: { id: string; person_id: string; role: string; starts_on: string; ends_on: string | null }[],
): ElectionEffect {
  const endOn = addDays(election.held_on, -1);
  if (election.result !== 'elected') return { endMembershipIds: [], endOn, newMembership: null };
  const holders = currentHolders.filter((m) => m.role === election.role && isCurrentMembership(m, election.held_on));
  const reElected = holders.find((m) => m.person_id === election.nominee_id);
  return {
    // Re-election keeps the running membership; anyone else in the role stands down.
    endMembershipIds: holders.filter((m) => m !== reElected).map((m) => m.id),
    endOn,
    newMembership: reElected ? null : { role: election.role, starts_on: election.held_on },
  };
}

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The latest agreement is the one in effect most recently; who has not signed it. */
export function unsignedOrganisations<O extends { id: string }>(
  organisations: O[],
  signatures: { organisation_id: string }[],
): O[] {
  const signed = new Set(signatures.map((s) => s.organisation_id));
  return organisations.filter((o) => !signed.has(o.id));
}
