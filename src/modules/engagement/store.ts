// The engagement module's SQL. No other module touches these tables.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { EngagementListsTable, EngagementSubscribersTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type List = Selectable<EngagementListsTable>;
export type Subscriber = Selectable<EngagementSubscribersTable>;

export const listLists = (db: Db, pid: string) =>
  db.selectFrom('engagement_lists').selectAll().where('partnership_id', '=', pid).orderBy('name').execute();

export const findList = (db: Db, pid: string, id: string) =>
  db.selectFrom('engagement_lists').selectAll().where('partnership_id', '=', pid).where('id', '=', id).executeTakeFirst();

/** Each list with how many people are on it, waiting to confirm, and gone. */
export async function listCounts(db: Db, pid: string) {
  const rows = await db.selectFrom('engagement_subscriptions').select(['list_id', 'status', sql<number>`count(*)::int`.as('n')])
    .where('partnership_id', '=', pid).groupBy(['list_id', 'status']).execute();
  const counts = new Map<string, { subscribed: number; pending: number; unsubscribed: number }>();
  for (const r of rows) {
    const c = counts.get(r.list_id) ?? { subscribed: 0, pending: 0, unsubscribed: 0 };
    c[r.status] = r.n;
    counts.set(r.list_id, c);
  }
  return counts;
}

export const findSubscriber = (db: Db, pid: string, id: string) =>
  db.selectFrom('engagement_subscribers').selectAll().where('partnership_id', '=', pid).where('id', '=', id).executeTakeFirst();

export const findSubscriberByEmail = (db: Db, pid: string, email: string) =>
  db.selectFrom('engagement_subscribers').selectAll().where('partnership_id', '=', pid).where('email', '=', email).executeTakeFirst();

export const subscriptionsOf = (db: Db, pid: string, subscriberId: string) =>
  db.selectFrom('engagement_subscriptions as s').innerJoin('engagement_lists as l', (j) => j.onRef('l.id', '=', 's.list_id').onRef('l.partnership_id', '=', 's.partnership_id'))
    .select(['s.list_id', 'l.name as list_name', 's.status', 's.consent_method', 's.consent_at', 's.consent_wording', 's.consent_source', 's.confirmed_at', 's.unsubscribed_at'])
    .where('s.partnership_id', '=', pid).where('s.subscriber_id', '=', subscriberId).orderBy('l.name').execute();

export const findSuppression = (db: Db, pid: string, email: string) =>
  db.selectFrom('engagement_suppressions').selectAll().where('partnership_id', '=', pid).where('email', '=', email).executeTakeFirst();

export async function suppressedAmong(db: Db, pid: string, emails: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < emails.length; i += 1000) {
    const chunk = emails.slice(i, i + 1000);
    if (!chunk.length) continue;
    for (const r of await db.selectFrom('engagement_suppressions').select('email').where('partnership_id', '=', pid).where('email', 'in', chunk).execute()) found.add(r.email);
  }
  return found;
}

/** The addresses on a list (any status), for an import's preview. */
export async function emailsOnList(db: Db, pid: string, listId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('engagement_subscriptions as s').innerJoin('engagement_subscribers as p', (j) => j.onRef('p.id', '=', 's.subscriber_id').onRef('p.partnership_id', '=', 's.partnership_id'))
    .select('p.email').where('s.partnership_id', '=', pid).where('s.list_id', '=', listId).where('s.status', '!=', 'unsubscribed').execute();
  return new Set(rows.map((r) => r.email));
}

export interface SubscriberFilter { listId?: string | null; q?: string | null; status?: string | null }

/** The people on the lists, newest first, filtered. */
export async function listSubscribers(db: Db, pid: string, f: SubscriberFilter = {}, limit = 200) {
  let q = db.selectFrom('engagement_subscribers as p')
    .select(['p.id', 'p.email', 'p.name', 'p.organisation', 'p.created_at',
      sql<string>`coalesce((select string_agg(l.name || case when s.status = 'pending' then ' (not yet confirmed)' when s.status = 'unsubscribed' then ' (unsubscribed)' else '' end, ', ' order by l.name)
        from engagement_subscriptions s join engagement_lists l on l.partnership_id = s.partnership_id and l.id = s.list_id
        where s.partnership_id = p.partnership_id and s.subscriber_id = p.id), '')`.as('lists'),
      sql<string | null>`(select reason from engagement_suppressions x where x.partnership_id = p.partnership_id and x.email = p.email)`.as('suppressed')])
    .where('p.partnership_id', '=', pid);
  if (f.listId) {
    q = q.where((eb) => eb.exists(eb.selectFrom('engagement_subscriptions as s').select(sql`1`.as('one'))
      .whereRef('s.partnership_id', '=', 'p.partnership_id').whereRef('s.subscriber_id', '=', 'p.id').where('s.list_id', '=', f.listId!)
      .$if(!!f.status, (qb) => qb.where('s.status', '=', f.status as 'pending'))));
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%`;
    q = q.where((eb) => eb.or([eb(sql`lower(p.email)`, 'like', like), eb(sql`lower(coalesce(p.name, ''))`, 'like', like), eb(sql`lower(coalesce(p.organisation, ''))`, 'like', like)]));
  }
  return q.orderBy('p.created_at', 'desc').orderBy('p.email').limit(limit).execute();
}

export const listSuppressions = (db: Db, pid: string) =>
  db.selectFrom('engagement_suppressions').selectAll().where('partnership_id', '=', pid).orderBy('created_at', 'desc').limit(500).execute();

/** Everyone subscribed to a list and not suppressed: the recipients of a send. */
export const recipientsQuery = (db: Db, pid: string, listId: string) =>
  db.selectFrom('engagement_subscriptions as s').innerJoin('engagement_subscribers as p', (j) => j.onRef('p.id', '=', 's.subscriber_id').onRef('p.partnership_id', '=', 's.partnership_id'))
    .select(['p.id', 'p.email', 'p.name']).where('s.partnership_id', '=', pid).where('s.list_id', '=', listId).where('s.status', '=', 'subscribed')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('engagement_suppressions as x').select(sql`1`.as('one')).whereRef('x.partnership_id', '=', 'p.partnership_id').whereRef('x.email', '=', 'p.email'))))
    .orderBy('p.email');

/** The addresses that unsubscribed from a list: an import or an officer may not put them back. */
export async function unsubscribedFrom(db: Db, pid: string, listId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('engagement_subscriptions as s').innerJoin('engagement_subscribers as p', (j) => j.onRef('p.id', '=', 's.subscriber_id').onRef('p.partnership_id', '=', 's.partnership_id'))
    .select('p.email').where('s.partnership_id', '=', pid).where('s.list_id', '=', listId).where('s.status', '=', 'unsubscribed').execute();
  return new Set(rows.map((r) => r.email));
}

// ------------------------------------------------------------------ information sessions

export interface SessionCounts { registered: number; waiting: number; cancelled: number; attended: number; feedback: number }

/** Sessions, soonest last by default, each with how many have a place, wait, cancelled and attended. */
export async function sessionsWithCounts(db: Db, pid: string, f: { audience?: 'public'; from?: Date; before?: Date; order?: 'asc' | 'desc' } = {}) {
  let q = db.selectFrom('engagement_sessions as s').selectAll('s')
    .select([
      sql<number>`(select count(*)::int from engagement_registrations r where r.partnership_id = s.partnership_id and r.session_id = s.id and r.status = 'registered')`.as('registered'),
      sql<number>`(select count(*)::int from engagement_registrations r where r.partnership_id = s.partnership_id and r.session_id = s.id and r.status = 'waiting')`.as('waiting'),
      sql<number>`(select count(*)::int from engagement_registrations r where r.partnership_id = s.partnership_id and r.session_id = s.id and r.status = 'cancelled')`.as('cancelled'),
      sql<number>`(select count(*)::int from engagement_registrations r where r.partnership_id = s.partnership_id and r.session_id = s.id and r.status = 'registered' and r.attended)`.as('attended'),
      sql<number>`(select count(*)::int from engagement_feedback b where b.partnership_id = s.partnership_id and b.session_id = s.id)`.as('feedback'),
    ])
    .where('s.partnership_id', '=', pid);
  if (f.audience) q = q.where('s.audience', '=', f.audience);
  if (f.from) q = q.where('s.starts_at', '>=', f.from);
  if (f.before) q = q.where('s.starts_at', '<', f.before);
  return q.orderBy('s.starts_at', f.order ?? 'desc').limit(500).execute();
}

/** A session's registrations in the order they came: places first, then the waiting list, then cancellations. */
export const registrationsOf = (db: Db, pid: string, sessionId: string) =>
  db.selectFrom('engagement_registrations').selectAll().where('partnership_id', '=', pid).where('session_id', '=', sessionId)
    .orderBy(sql`case status when 'registered' then 0 when 'waiting' then 1 else 2 end`).orderBy('position').execute();

/**
 * Per organisation as each registrant typed it, over the sessions between two instants:
 * places, attendance and the sessions its people attended (merged by spelling in
 * sessions.domain.ts mergeOrganisationCounts). Cancelled sessions and registrations are left out.
 */
export const countsByTypedOrganisation = (db: Db, pid: string, from: Date, before: Date) =>
  db.selectFrom('engagement_registrations as r').innerJoin('engagement_sessions as s', (j) => j.onRef('s.id', '=', 'r.session_id').onRef('s.partnership_id', '=', 'r.partnership_id'))
    .select([
      sql<string | null>`nullif(trim(r.organisation), '')`.as('organisation'),
      sql<number>`count(*)::int`.as('typed'),
      sql<number>`count(*) filter (where r.status = 'registered')::int`.as('places'),
      sql<number>`count(*) filter (where r.status = 'registered' and r.attended)::int`.as('attended'),
      sql<string[]>`coalesce(array_agg(distinct s.id::text) filter (where r.status = 'registered' and r.attended), '{}')`.as('sessionIds'),
    ])
    .where('r.partnership_id', '=', pid).where('s.starts_at', '>=', from).where('s.starts_at', '<', before).where('r.status', '!=', 'cancelled').where('s.cancelled_at', 'is', null)
    .groupBy(sql`nullif(trim(r.organisation), '')`).execute();

/** Feedback on a session: averages and the comments. */
export const feedbackOf = (db: Db, pid: string, sessionId: string) =>
  db.selectFrom('engagement_feedback').select(['overall', 'usefulness', 'speakers', 'comments', 'created_at']).where('partnership_id', '=', pid).where('session_id', '=', sessionId).orderBy('created_at').execute();
