// SQL of the home page. Each list is one query that also counts its whole length
// (count(*) over ()), so the page asks everything in one round of parallel queries.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { MeetingStatus } from '../meetings/tables.ts';

type Db = Kysely<DB>;

export interface MeetingLine {
  id: string;
  body_id: string;
  body_name: string;
  meets_on: string;
  starts_at: string;
  status: MeetingStatus;
  agenda_published_at: Date | null;
  minutes_published_at: Date | null;
  total: number;
}

function meetingsOf(db: Db, partnershipId: string) {
  return db.selectFrom('meetings')
    .innerJoin('bodies', (j) => j.onRef('bodies.partnership_id', '=', 'meetings.partnership_id').onRef('bodies.id', '=', 'meetings.body_id'))
    .select([
      'meetings.id', 'meetings.body_id', 'bodies.name as body_name', 'meetings.meets_on', 'meetings.starts_at', 'meetings.status',
      'meetings.agenda_published_at', 'meetings.minutes_published_at', sql<number>`count(*) over ()`.as('total'),
    ])
    .where('meetings.partnership_id', '=', partnershipId);
}

/** Meetings from today to `until` whose agenda is not published, soonest first. */
export function agendasToPublish(db: Db, partnershipId: string, today: string, until: string, limit: number): Promise<MeetingLine[]> {
  return meetingsOf(db, partnershipId)
    .where('meetings.status', 'in', ['scheduled', 'agenda-published']).where('meetings.agenda_published_at', 'is', null)
    .where('meetings.meets_on', '>=', today).where('meetings.meets_on', '<=', until)
    .orderBy('meetings.meets_on').orderBy('meetings.starts_at').limit(limit).execute();
}

/** Meetings already past whose minutes are not started, the most recent first. */
export function minutesToWrite(db: Db, partnershipId: string, today: string, limit: number): Promise<MeetingLine[]> {
  return meetingsOf(db, partnershipId)
    .where('meetings.status', 'in', ['scheduled', 'agenda-published', 'held']).where('meetings.meets_on', '<', today)
    .orderBy('meetings.meets_on', 'desc').limit(limit).execute();
}

/** Minutes written but not yet approved as a correct record, the oldest first. */
export function minutesAwaitingApproval(db: Db, partnershipId: string, limit: number): Promise<MeetingLine[]> {
  return meetingsOf(db, partnershipId).where('meetings.status', '=', 'minutes-draft')
    .orderBy('meetings.meets_on').limit(limit).execute();
}

/** Imported documents whose draft reading waits for a clerk to check it, the newest first. */
export function importDrafts(db: Db, partnershipId: string, limit: number) {
  return db.selectFrom('imports')
    .innerJoin('documents', (j) => j.onRef('documents.partnership_id', '=', 'imports.partnership_id').onRef('documents.id', '=', 'imports.document_id'))
    .select(['imports.id', 'documents.file_name', 'imports.created_at', sql<number>`count(*) over ()`.as('total')])
    .where('imports.partnership_id', '=', partnershipId).where('imports.status', '=', 'draft')
    .orderBy('imports.created_at', 'desc').limit(limit).execute();
}

/** The latest sharing agreement and how many organisations have not signed it, in one query. */
export async function latestAgreementUnsigned(db: Db, partnershipId: string) {
  const rows = await sql<{ id: string; title: string; version: string; unsigned: number }>`
    with latest as (
      select id, title, version from sharing_agreements where partnership_id = ${partnershipId}
      order by effective_on desc, created_at desc limit 1)
    select latest.id, latest.title, latest.version,
      (select count(*) from organisations o where o.partnership_id = ${partnershipId}
        and not exists (select 1 from sharing_agreement_signatures s
          where s.partnership_id = ${partnershipId} and s.agreement_id = latest.id and s.organisation_id = o.id))::int as unsigned
    from latest`.execute(db);
  return rows.rows[0] ?? null;
}

/** A member's coming meetings: those of the bodies they sit on today, with how many papers each has. */
export function nextMeetingsOf(db: Db, partnershipId: string, personId: string, today: string, limit: number) {
  return meetingsOf(db, partnershipId)
    .where('meetings.status', '!=', 'cancelled').where('meetings.meets_on', '>=', today)
    .where((eb) => eb.exists(eb.selectFrom('memberships').select(sql`1`.as('one'))
      .whereRef('memberships.partnership_id', '=', 'meetings.partnership_id').whereRef('memberships.body_id', '=', 'meetings.body_id')
      .where('memberships.person_id', '=', personId).where('memberships.starts_on', '<=', today)
      .where((w) => w.or([w('memberships.ends_on', 'is', null), w('memberships.ends_on', '>=', today)]))))
    .select((eb) => eb.selectFrom('papers').select(sql<number>`count(*)::int`.as('n'))
      .whereRef('papers.partnership_id', '=', 'meetings.partnership_id').whereRef('papers.meeting_id', '=', 'meetings.id')
      .where('papers.restricted', '=', false).as('paper_count'))
    .orderBy('meetings.meets_on').orderBy('meetings.starts_at').limit(limit).execute();
}

/** Every partnership meeting to come, for a member whose account is linked to no person. */
export function nextMeetings(db: Db, partnershipId: string, today: string, limit: number) {
  return meetingsOf(db, partnershipId).where('meetings.status', '!=', 'cancelled').where('meetings.meets_on', '>=', today)
    .select(sql<number>`0`.as('paper_count'))
    .orderBy('meetings.meets_on').orderBy('meetings.starts_at').limit(limit).execute();
}

/**
 * Records this visit and answers what was published since the person last looked, in one
 * statement: the visit's upsert feeds the query of agendas and minutes published after its `since`. `since` moves on to
 * the previous visit only after a break, so a reload does not empty the list being read.
 */
export async function publishedSinceLastLook(db: Db, partnershipId: string, userId: string, now: Date, firstLookDays: number, breakSeconds: number, limit: number) {
  const rows = await sql<MeetingLine & { published: 'agenda' | 'minutes'; published_at: Date; since: Date }>`
    with visit as (
      insert into home_visits as v (partnership_id, user_id, looked_at, since)
      values (${partnershipId}, ${userId}, ${now}, ${now}::timestamptz - make_interval(days => ${firstLookDays}))
      on conflict (partnership_id, user_id) do update set
        since = case when ${now}::timestamptz - v.looked_at >= make_interval(secs => ${breakSeconds}) then v.looked_at
                     else coalesce(v.since, excluded.since) end,
        looked_at = excluded.looked_at
      returning since),
    published as (
      select m.id, m.body_id, b.name as body_name, m.meets_on, m.starts_at, m.status, m.agenda_published_at, m.minutes_published_at,
        'agenda' as published, m.agenda_published_at as published_at
      from meetings m join bodies b on b.partnership_id = m.partnership_id and b.id = m.body_id, visit
      where m.partnership_id = ${partnershipId} and m.agenda_published_at > visit.since and m.agenda_published_at <= ${now} and m.status != 'cancelled'
      union all
      select m.id, m.body_id, b.name, m.meets_on, m.starts_at, m.status, m.agenda_published_at, m.minutes_published_at,
        'minutes', m.minutes_published_at
      from meetings m join bodies b on b.partnership_id = m.partnership_id and b.id = m.body_id, visit
      where m.partnership_id = ${partnershipId} and m.minutes_published_at > visit.since and m.minutes_published_at <= ${now}
        and m.status in ('minutes-draft', 'minutes-approved'))
    select published.*, visit.since, count(*) over ()::int as total
    from visit left join published on true
    order by published.published_at desc nulls last
    limit ${limit}`.execute(db);
  const since = rows.rows[0]?.since ?? null;
  return { since, total: rows.rows[0]?.id ? rows.rows[0].total : 0, items: rows.rows.filter((r) => r.id) };
}
