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

// People ------------------------------------------------------------------------------

/** Something@something.something with no spaces: the check GOV.UK services make. */
export function isEmailAddress(v: string): boolean {
  return v.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
}

/** Numbers as people write them ("01632 960 001", "+44 (0)1632 960001 ext 214"). */
export function isTelephoneNumber(v: string): boolean {
  return /^\+?[\d\s().-]+((ext|extension|x)\.?\s*\d+)?$/i.test(v) && (v.match(/\d/g)?.length ?? 0) >= 6;
}

export const PEOPLE_SORTS = [
  { value: 'family-name', text: 'Family name (A to Z)' },
  { value: 'family-name-desc', text: 'Family name (Z to A)' },
  { value: 'organisation', text: 'Organisation' },
] as const;
export type PeopleSort = (typeof PEOPLE_SORTS)[number]['value'];
export const peopleSortValues = PEOPLE_SORTS.map((s) => s.value);

// Bodies ------------------------------------------------------------------------------

export const bodyKindValues = BODY_KINDS.map((k) => k.value);
export const bodyKindLabel = (kind: string) => BODY_KINDS.find((k) => k.value === kind)?.text ?? kind;

/**
 * Whether making `parentId` the parent of `bodyId` would make the body its own
 * ancestor (directly, or through one of its own subgroups).
 */
export function wouldBeOwnAncestor(bodyId: string, parentId: string | null, parentOf: ReadonlyMap<string, string | null>): boolean {
  const seen = new Set<string>();
  for (let at = parentId; at; at = parentOf.get(at) ?? null) {
    if (at === bodyId) return true;
    // A loop further up that does not pass through this body is not this change's doing.
    if (seen.has(at)) return false;
    seen.add(at);
  }
  return false;
}

export interface BodyTreeNode<B> {
  body: B;
  children: BodyTreeNode<B>[];
}

/** The board and its subgroups as a tree by parent, siblings by name. */
export function bodyTree<B extends { id: string; parent_id: string | null; name: string }>(bodies: B[]): BodyTreeNode<B>[] {
  const ids = new Set(bodies.map((b) => b.id));
  const nodes = new Map(bodies.map((b) => [b.id, { body: b, children: [] as BodyTreeNode<B>[] }]));
  const roots: BodyTreeNode<B>[] = [];
  for (const b of bodies) {
    const node = nodes.get(b.id)!;
    if (b.parent_id && ids.has(b.parent_id) && b.parent_id !== b.id) nodes.get(b.parent_id)!.children.push(node);
    else roots.push(node);
  }
  // Bodies caught in a loop of parents (which the commands refuse) would be unreachable; show them at the top.
  const reached = new Set<string>();
  const walk = (n: BodyTreeNode<B>) => { if (reached.has(n.body.id)) return; reached.add(n.body.id); n.children.forEach(walk); };
  roots.forEach(walk);
  for (const b of bodies) {
    if (reached.has(b.id)) continue;
    const n = nodes.get(b.id)!;
    const parent = b.parent_id ? nodes.get(b.parent_id) : undefined;
    if (parent) parent.children = parent.children.filter((c) => c !== n); // break the loop here
    roots.push(n);
    walk(n);
  }
  const byName = (a: BodyTreeNode<B>, b: BodyTreeNode<B>) => a.body.name.localeCompare(b.body.name, 'en-GB');
  const sortAll = (list: BodyTreeNode<B>[]) => { list.sort(byName); list.forEach((n) => sortAll(n.children)); };
  sortAll(roots);
  return roots;
}

// Memberships -------------------------------------------------------------------------

export const membershipRoleValues = MEMBERSHIP_ROLES.map((r) => r.value);
export const isElectedRole = (role: string): role is ElectedRole => (ELECTED_ROLES as readonly string[]).includes(role);

/** Headings of the groups on a body's page, in the order minutes list them. */
export const MEMBERSHIP_GROUP_HEADINGS: Record<MembershipRole, string> = {
  chair: 'Chair', 'vice-chair': 'Vice-chair', member: 'Members', substitute: 'Substitutes', adviser: 'Advisers', officer: 'Officers',
};

export interface DateRange {
  starts_on: string;
  ends_on: string | null;
}

/** Two periods overlap when each starts no later than the other ends; an open end runs on for ever. */
export function rangesOverlap(a: DateRange, b: DateRange): boolean {
  return (a.ends_on === null || b.starts_on <= a.ends_on) && (b.ends_on === null || a.starts_on <= b.ends_on);
}

export type MembershipPeriod = 'past' | 'current' | 'upcoming';

export function membershipPeriod(m: DateRange, today: string): MembershipPeriod {
  if (m.ends_on !== null && m.ends_on < today) return 'past';
  return m.starts_on > today ? 'upcoming' : 'current';
}

type MembershipLike = DateRange & { id: string; person_id: string; role: string };

export type MembershipClash<M> = { kind: 'duplicate'; membership: M } | { kind: 'role-held'; membership: M };

/**
 * Why a membership cannot stand beside a body's other memberships, if it cannot:
 * the same person in the same role on overlapping dates, or a second chair (or
 * vice-chair) on any date. `others` are the body's memberships; the candidate's own
 * row, when it is being changed, is skipped by id.
 */
export function membershipClash<M extends MembershipLike>(
  candidate: DateRange & { id?: string | null; person_id: string; role: string },
  others: M[],
): MembershipClash<M> | null {
  const overlapping = others.filter((m) => m.id !== candidate.id && m.role === candidate.role && rangesOverlap(m, candidate));
  const duplicate = overlapping.find((m) => m.person_id === candidate.person_id);
  if (duplicate) return { kind: 'duplicate', membership: duplicate };
  const holder = isElectedRole(candidate.role) ? overlapping[0] : undefined;
  return holder ? { kind: 'role-held', membership: holder } : null;
}

export interface MembershipGroups<M> {
  current: { role: MembershipRole; heading: string; members: M[] }[];
  upcoming: M[];
  past: M[];
}

/** A body's memberships as its page shows them: current ones by role, then those to come, then past ones (latest first). */
export function groupMemberships<M extends DateRange & { role: string }>(memberships: M[], today: string): MembershipGroups<M> {
  const current = MEMBERSHIP_ROLES.map((r) => ({
    role: r.value as MembershipRole,
    heading: MEMBERSHIP_GROUP_HEADINGS[r.value],
    members: memberships.filter((m) => m.role === r.value && membershipPeriod(m, today) === 'current'),
  })).filter((g) => g.members.length > 0);
  const upcoming = memberships.filter((m) => membershipPeriod(m, today) === 'upcoming').sort((a, b) => a.starts_on.localeCompare(b.starts_on));
  const past = memberships.filter((m) => membershipPeriod(m, today) === 'past').sort((a, b) => (b.ends_on ?? '').localeCompare(a.ends_on ?? ''));
  return { current, upcoming, past };
}

// Elections ---------------------------------------------------------------------------

export const ELECTION_RESULTS = [
  { value: 'elected', text: 'Elected' },
  { value: 'not elected', text: 'Not elected' },
] as const;
export type ElectionResult = (typeof ELECTION_RESULTS)[number]['value'];
export const electionResultValues = ELECTION_RESULTS.map((r) => r.value);

/**
 * Who may move and second a nomination: not the nominee, and not one person doing
 * both. A nomination is seconded only once someone has moved it.
 */
export function nominationProblems(n: { nominee_id: string; mover_id: string | null; seconder_id: string | null }): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (n.mover_id && n.mover_id === n.nominee_id) {
    problems.push({ field: 'mover_id', message: 'The nominee cannot move their own nomination. Select someone else' });
  }
  if (n.seconder_id && n.seconder_id === n.nominee_id) {
    problems.push({ field: 'seconder_id', message: 'The nominee cannot second their own nomination. Select someone else' });
  } else if (n.seconder_id && n.seconder_id === n.mover_id) {
    problems.push({ field: 'seconder_id', message: 'The person who moved the nomination cannot also second it. Select someone else' });
  }
  if (n.seconder_id && !n.mover_id) {
    problems.push({ field: 'mover_id', message: 'Select who moved the nomination, or leave both mover and seconder blank' });
  }
  return problems;
}
