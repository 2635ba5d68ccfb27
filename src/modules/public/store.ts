// Read-only SQL of the public face. It writes nothing. Every query is scoped by
// partnership_id, and every query that can reach restricted business leaves it out in
// SQL (restricted items and sections, unpublished minutes) before anything is read;
// the routes then ask the policy again for each row they show.
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { displayName } from '../partnership/domain.ts';

type Db = Kysely<DB>;

const PUBLIC_MINUTES = ['minutes-draft', 'minutes-approved'] as const;

// ------------------------------------------------------------------ bodies and calendar

export function partnershipBodies(db: Db, partnershipId: string) {
  return db.selectFrom('bodies').select(['id', 'name', 'short_name', 'kind', 'parent_id', 'description', 'created_at'])
    .where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

/** The years in which meetings were held (or are planned), newest first. */
export async function meetingYears(db: Db, partnershipId: string, bodyId: string | null): Promise<number[]> {
  let q = db.selectFrom('meetings').select(sql<number>`extract(year from meets_on)::int`.as('year')).distinct()
    .where('partnership_id', '=', partnershipId);
  if (bodyId) q = q.where('body_id', '=', bodyId);
  const rows = await q.execute();
  return rows.map((r) => Number(r.year)).sort((a, b) => b - a);
}

// ------------------------------------------------------------------ decisions

export interface DecisionFilters {
  bodyId: string | null;
  from: string | null;
  to: string | null;
  /** Words, "phrases" and -excluded words, as the search box takes them. */
  q: string;
}

export interface DecisionRow {
  id: string;
  text: string;
  /** 1-based place among the item's resolutions, and how many it has (for "A.", "B."). */
  place: number;
  of: number;
  agenda_item_id: string;
  item_code: string;
  item_title: string;
  minute_number: number | null;
  /** The minute number as printed where it is not a whole number ("24/31"). */
  minute_printed: string | null;
  meeting_id: string;
  meets_on: string;
  status: string;
  body_id: string;
  body_name: string;
  /** Always false and set here: the policy checks both again for every row. */
  restricted: boolean;
  minutes_published_at: Date | null;
}

/**
 * Resolutions of published minutes, never of a restricted item or section: the
 * partnership's decisions as the public may read them, newest meeting first.
 */
function publicResolutions(db: Db, partnershipId: string) {
  return db.selectFrom('resolutions as r')
    .innerJoin('agenda_items as i', (j) => j.onRef('i.partnership_id', '=', 'r.partnership_id').onRef('i.id', '=', 'r.agenda_item_id'))
    .innerJoin('meeting_sections as s', (j) => j.onRef('s.partnership_id', '=', 'i.partnership_id').onRef('s.id', '=', 'i.section_id'))
    .innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'r.partnership_id').onRef('m.id', '=', 'r.meeting_id'))
    .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .select([
      'r.id', 'r.text', 'r.agenda_item_id', 'i.code as item_code', 'i.title as item_title', 'i.minute_number', 'i.minute_printed',
      'm.id as meeting_id', 'm.meets_on', 'm.starts_at', 'm.status', 'm.body_id', 'b.name as body_name',
      's.position as section_position', 'i.position as item_position', 'r.position', 'm.minutes_published_at',
      sql<boolean>`(i.restricted or s.restricted)`.as('restricted'),
      sql<number>`row_number() over (partition by r.agenda_item_id order by r.position, r.id)::int`.as('place'),
      sql<number>`count(*) over (partition by r.agenda_item_id)::int`.as('of'),
    ])
    .where('r.partnership_id', '=', partnershipId)
    .where('i.restricted', '=', false)
    .where('s.restricted', '=', false)
    .where('m.minutes_published_at', 'is not', null)
    .where('m.status', 'in', PUBLIC_MINUTES);
}

export async function findDecisions(db: Db, partnershipId: string, f: DecisionFilters, page: { limit: number; offset: number } | null) {
  // Labels (A., B.) are counted over the item's resolutions before the filters apply.
  let q = db.selectFrom(publicResolutions(db, partnershipId).as('d')).selectAll('d');
  if (f.bodyId) q = q.where('d.body_id', '=', f.bodyId);
  if (f.from) q = q.where('d.meets_on', '>=', f.from);
  if (f.to) q = q.where('d.meets_on', '<=', f.to);
  if (f.q) {
    q = q.where(sql<SqlBool>`to_tsvector('english', d.text || ' ' || d.item_title) @@ websearch_to_tsquery('english', ${f.q})`);
  }
  const counted = await db.selectFrom(q.as('c')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  let rows = q.orderBy('d.meets_on', 'desc').orderBy('d.starts_at', 'desc').orderBy('d.meeting_id')
    .orderBy('d.section_position').orderBy('d.item_position').orderBy('d.position');
  if (page) rows = rows.limit(page.limit).offset(page.offset);
  return { total: Number(counted.n), rows: (await rows.execute()) as (DecisionRow & Record<string, unknown>)[] };
}

/** Whether the words can be searched for at all (not only stop words or punctuation). */
export async function hasSearchableWords(db: Db, q: string): Promise<boolean> {
  const r = await sql<{ n: number }>`select numnode(websearch_to_tsquery('english', ${q})) as n`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

// ------------------------------------------------------------------ attendance

/** Who attended (or sent apologies to) meetings whose minutes the public may read. */
export async function publicAttendance(db: Db, partnershipId: string) {
  const rows = await db.selectFrom('meeting_attendance as a')
    .innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'a.partnership_id').onRef('m.id', '=', 'a.meeting_id'))
    .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .leftJoin('people as p', (j) => j.onRef('p.partnership_id', '=', 'a.partnership_id').onRef('p.id', '=', 'a.person_id'))
    .leftJoin('organisations as o', (j) => j.onRef('o.partnership_id', '=', 'p.partnership_id').onRef('o.id', '=', 'p.organisation_id'))
    .leftJoin('people as s', (j) => j.onRef('s.partnership_id', '=', 'a.partnership_id').onRef('s.id', '=', 'a.substitute_for_person_id'))
    .select([
      'a.id', 'a.kind', 'a.mode', 'a.capacity', 'a.name', 'a.person_id', 'a.substitute_for_person_id',
      'm.id as meeting_id', 'm.meets_on', 'm.starts_at', 'm.status', 'm.body_id', 'b.name as body_name',
      'p.honorific', 'p.given_name', 'p.family_name', 'p.honours', 'o.id as organisation_id', 'o.name as organisation_name',
      's.honorific as s_honorific', 's.given_name as s_given_name', 's.family_name as s_family_name', 's.honours as s_honours',
    ])
    .where('a.partnership_id', '=', partnershipId)
    .where('m.minutes_published_at', 'is not', null)
    .where('m.status', 'in', PUBLIC_MINUTES)
    .orderBy('m.meets_on', 'desc').orderBy('m.starts_at', 'desc').orderBy('m.id').orderBy('a.created_at').orderBy('a.id')
    .execute();
  return rows.map((r) => ({
    ...r,
    person_name: r.family_name !== null ? displayName({ honorific: r.honorific, given_name: r.given_name, family_name: r.family_name, honours: r.honours }) : (r.name ?? ''),
    substitute_for_name: r.s_family_name !== null ? displayName({ honorific: r.s_honorific, given_name: r.s_given_name, family_name: r.s_family_name, honours: r.s_honours }) : null,
  }));
}

// ------------------------------------------------------------------ a person's or organisation's activity

export type PeopleOf = { personId: string } | { organisationId: string };

function peopleFilter(who: PeopleOf) {
  return 'personId' in who
    ? sql<SqlBool>`p.id = ${who.personId}`
    : sql<SqlBool>`p.organisation_id = ${who.organisationId}`;
}

/**
 * Meetings the person (or the organisation's people) attended, were in attendance at or
 * sent apologies to, with what the caller needs to ask the policy whether the reader
 * may see the meeting's attendance.
 */
export async function attendanceOf(db: Db, partnershipId: string, who: PeopleOf) {
  const rows = await db.selectFrom('meeting_attendance as a')
    .innerJoin('people as p', (j) => j.onRef('p.partnership_id', '=', 'a.partnership_id').onRef('p.id', '=', 'a.person_id'))
    .innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'a.partnership_id').onRef('m.id', '=', 'a.meeting_id'))
    .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .select([
      'a.id', 'a.kind', 'a.capacity', 'a.mode', 'p.id as person_id', 'p.honorific', 'p.given_name', 'p.family_name', 'p.honours',
      'm.id as meeting_id', 'm.meets_on', 'm.status', 'm.body_id', 'm.agenda_published_at', 'm.minutes_published_at', 'b.name as body_name',
    ])
    .where('a.partnership_id', '=', partnershipId)
    .where(peopleFilter(who))
    .orderBy('m.meets_on', 'desc').orderBy('m.starts_at', 'desc').orderBy('p.family_name')
    .execute();
  return rows.map((r) => ({ ...r, person_name: displayName(r) }));
}

/** Agenda items the person (or the organisation's people) presented, with their meeting. */
export async function itemsPresentedBy(db: Db, partnershipId: string, who: PeopleOf) {
  const rows = await db.selectFrom('agenda_items as i')
    .innerJoin('people as p', (j) => j.onRef('p.partnership_id', '=', 'i.partnership_id').onRef('p.id', '=', 'i.presenter_person_id'))
    .innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'i.partnership_id').onRef('m.id', '=', 'i.meeting_id'))
    .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .select([
      'i.id', 'i.code', 'i.title', 'i.restricted', 'p.id as person_id', 'p.honorific', 'p.given_name', 'p.family_name', 'p.honours',
      'm.id as meeting_id', 'm.meets_on', 'm.status', 'm.body_id', 'm.agenda_published_at', 'm.minutes_published_at', 'b.name as body_name',
    ])
    .where('i.partnership_id', '=', partnershipId)
    .where(peopleFilter(who))
    .orderBy('m.meets_on', 'desc').orderBy('m.starts_at', 'desc').orderBy('i.position')
    .execute();
  return rows.map((r) => ({ ...r, person_name: displayName(r) }));
}

export function peopleOfOrganisation(db: Db, partnershipId: string, organisationId: string) {
  return db.selectFrom('people').select('id').where('partnership_id', '=', partnershipId).where('organisation_id', '=', organisationId).execute()
    .then((rows) => rows.map((r) => r.id));
}

// ------------------------------------------------------------------ open data

/** People as open data publishes them: names, job title, organisation. Never e-mail or telephone. */
export function openPeople(db: Db, partnershipId: string) {
  return db.selectFrom('people')
    .select(['id', 'honorific', 'given_name', 'family_name', 'honours', 'job_title', 'organisation_id', 'created_at', 'updated_at'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('family_name').orderBy('given_name').orderBy('id')
    .execute();
}

export function openOrganisations(db: Db, partnershipId: string) {
  return db.selectFrom('organisations')
    .select(['id', 'name', 'short_name', 'kind', 'statutory', 'website', 'created_at', 'updated_at'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('name').orderBy('id')
    .execute();
}

export function openMemberships(db: Db, partnershipId: string) {
  return db.selectFrom('memberships')
    .select(['id', 'person_id', 'body_id', 'role', 'organisation_id', 'starts_on', 'ends_on'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('body_id').orderBy('starts_on').orderBy('id')
    .execute();
}

/**
 * Meetings whose agenda or minutes were published, newest publication first, and the
 * supplements, withdrawals and amendments since: for the feed. A changed record is
 * found by its latest change (a supplement updates its agenda, an amendment its minutes).
 */
export async function recentPublications(db: Db, partnershipId: string, limit: number) {
  const base = () => db.selectFrom('meetings')
    .select(['id', 'agenda_published_at', 'minutes_published_at', 'minutes_approved_at', 'status', 'agenda_supplemented_at', 'minutes_amended_at'])
    .where('partnership_id', '=', partnershipId);
  const [agendas, minutes, events, amendments] = await Promise.all([
    base().where('agenda_published_at', 'is not', null)
      .orderBy(sql`greatest(agenda_published_at, coalesce(agenda_supplemented_at, agenda_published_at))`, 'desc').limit(limit).execute(),
    base().where('minutes_published_at', 'is not', null).where('status', 'in', PUBLIC_MINUTES)
      .orderBy(sql`greatest(minutes_published_at, coalesce(minutes_approved_at, minutes_published_at), coalesce(minutes_amended_at, minutes_published_at))`, 'desc')
      .limit(limit).execute(),
    db.selectFrom('meeting_publications').select(['id', 'meeting_id', 'kind', 'number', 'reason', 'published_at'])
      .where('partnership_id', '=', partnershipId).where('kind', 'in', ['supplement', 'agenda-withdrawn', 'minutes-withdrawn'])
      .orderBy('published_at', 'desc').limit(limit).execute(),
    db.selectFrom('minute_amendments').select(['id', 'meeting_id', 'amended_at'])
      .where('partnership_id', '=', partnershipId).orderBy('amended_at', 'desc').limit(limit).execute(),
  ]);
  return { agendas, minutes, events, amendments };
}
