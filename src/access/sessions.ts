// Server-side sessions in the database. The cookie holds a random token; the table
// holds only its SHA-256, so a copy of the database cannot be used to sign in.
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Expression, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { passwordSignInAllowed, type Actor, type BodySeat, type Grant } from './policy.ts';

export const SESSION_COOKIE = 'ph_session';

/** The name a partnership shows for its user: its own, else the account's (migration 010). */
export const shownName = sql<string>`coalesce(partnership_users.display_name, users.display_name)`.as('display_name');

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const sessionHash = sha256;

/**
 * A new session. `userAgent` is kept so the account page can name the browser; a session
 * `secondFactorPending` has had its password checked but is not signed in until the
 * second factor is given (secondFactor.ts).
 */
export async function createSession(
  db: Kysely<DB>, userId: string, partnershipId: string, hours: number,
  extra: { userAgent?: string | null; secondFactorPending?: boolean; viaSso?: boolean } = {},
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('sessions')
    .values({
      id: sha256(token), user_id: userId, partnership_id: partnershipId, expires_at: new Date(Date.now() + hours * 3600_000),
      user_agent: extra.userAgent?.slice(0, 500) ?? null, second_factor_pending: extra.secondFactorPending ?? false,
      via_sso: extra.viaSso ?? false,
    })
    .execute();
  return token;
}

/** When the session was last used is written at most once a minute per session (in the session's own statement). */
const LAST_SEEN_EVERY_MS = 60_000;

export async function endSession(db: Kysely<DB>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sha256(token)).execute();
}

/**
 * The actor for a session token, or null when it is unknown, expired or for another
 * partnership. With `refuseDemo` (production) a demo account's session is no session:
 * one made before the server was switched to production ends here too.
 *
 * One statement on each request reads the session, the account and its role with the
 * person's access counter (migration 050); the grants and seats, which would take two
 * more, are kept in memory per session while that counter stays the same. Signing out,
 * a disabled account, a changed role, grant or seat, in this instance or another, is
 * therefore seen on the very next request: nothing that decides access is trusted from
 * memory without the database's word that it has not changed.
 */
export async function actorForSession(db: Kysely<DB>, token: string, partnershipId: string, refuseDemo = false): Promise<Actor | null> {
  return (await readSession(db, token, partnershipId, refuseDemo))?.actor ?? null;
}

/**
 * As actorForSession, with whether the partnership requires a second factor of this
 * account and it has none yet (read in the same statement, for secondFactor.ts's gate;
 * whether the actor reads restricted records, the gate's other half, it decides).
 */
export async function readSession(
  db: Kysely<DB>, token: string, partnershipId: string, refuseDemo = false, rider: SessionRider | null = null,
): Promise<{ actor: Actor; secondFactorMissing: boolean; row: Record<string, unknown> } | null> {
  const id = sha256(token);
  const query = sessionSelect(db, id, partnershipId, refuseDemo);
  // One instant for the statement and the checks after it, so what the statement did for the
  // session (a rider's audit entry) was done for a session these checks find good.
  const now = Date.now();
  const memory = keptAccess(db);
  const before = memory.get(id)?.last ?? null;
  // A route's rider reads (and writes) what it needs in this same statement.
  const more = rider?.statement({ session: query, previous: before?.actor ?? null, unchanged: before ? unchangedSession(before, now) : null });
  // When the session was last used, written at most once a minute, in the same statement, for a
  // session found (a session refused below is ended or unusable whatever it says).
  const touch = sql`touched as (update sessions set last_seen_at = ${new Date(now)} from session
    where sessions.partnership_id = ${partnershipId} and sessions.id = ${id} and sessions.last_seen_at < ${new Date(now - LAST_SEEN_EVERY_MS)} returning 1)`;
  const statement = sql<SessionRow>`with session as ${more?.session ?? query}, ${sql.join([touch, ...(more?.with ?? [])])}
    select ${sql.join([sql`session.*`, ...(more?.columns ?? [])])} from session`.compile(db);
  // Prepared once per connection (src/db/prepared.ts): read on every signed-in request.
  const { rows: [row] } = await db.executeQuery(prepared(statement));
  if (!row || row.expires_at.getTime() < now) {
    memory.delete(id);
    return null;
  }
  // Staff who must use single sign-on: a session they made with a password before it was
  // required (or before they became staff) ends here, so the requirement holds at once.
  if (!row.via_sso && !passwordSignInAllowed(row.role, Boolean(row.required_for_staff))) {
    memory.delete(id);
    await db.deleteFrom('sessions').where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
    return null;
  }
  let access = memory.get(id);
  if (!access || access.epoch !== Number(row.access_epoch) || access.userId !== row.userId || access.personId !== row.person_id) {
    access = (await loadAccess(db, partnershipId, row.userId)) ?? undefined;
    memory.delete(id);
    if (access) {
      memory.set(id, access);
      for (const oldest of memory.keys()) {
        if (memory.size <= KEPT_SESSIONS) break;
        memory.delete(oldest);
      }
    }
  }
  // Removed from the partnership between the two statements: not signed in.
  if (!access || access.personId !== row.person_id) return null;
  const actor: Actor = { kind: 'user', partnershipId, userId: row.userId, displayName: row.display_name, role: row.role, personId: row.person_id, grants: access.grants, seats: access.seats };
  access.last = { actor, epoch: access.epoch, viaSso: row.via_sso, ssoRequiredForStaff: Boolean(row.required_for_staff) };
  return { actor, secondFactorMissing: Boolean(row.require_second_factor) && !row.totp_enabled_at, row };
}

type SessionSelect = ReturnType<typeof sessionSelect>;
type SessionRow = Awaited<ReturnType<SessionSelect['executeTakeFirstOrThrow']>>;

/**
 * What a route reads, and writes, in the session's own statement rather than in statements
 * of its own (app.ts: a route's `config.withSession`), so its page is one round trip.
 */
export interface SessionRider {
  /**
   * What to add to the session's statement, `with session as (select ...) ... select
   * session.*, ... from session`: `session`, the session's select with columns added (none
   * taken away); common tables after it (`with`), which may write; columns of the answer.
   * `previous` is the actor this session gave on its last request in this process, when
   * kept, and `unchanged` a condition on `session` that holds only when the session gives
   * that very actor again and passes every check here that could refuse the request: what
   * the statement does for `previous` in advance (an audit entry of a read) it does only
   * under it.
   */
  statement(parts: { session: SessionSelect; previous: Actor | null; unchanged: RawBuilder<boolean> | null }): {
    session?: Expression<unknown>; with?: RawBuilder<unknown>[]; columns?: RawBuilder<unknown>[];
  };
}

/**
 * As readSession's checks: the same account, role, person and access counter (so the same
 * grants and seats), not expired at `now`, signed in the same way under the same rule for
 * staff, and no second factor missing (the gate, secondFactor.ts, would send them away).
 */
function unchangedSession(before: LastActor, now: number): RawBuilder<boolean> {
  const a = before.actor as Extract<Actor, { kind: 'user' }>;
  return sql<boolean>`(session."userId" = ${a.userId} and session.role = ${a.role} and session.display_name = ${a.displayName}
    and session.person_id is not distinct from ${a.personId}::uuid and session.access_epoch = ${before.epoch}
    and session.expires_at >= ${new Date(now)} and session.via_sso = ${before.viaSso}
    and coalesce(session.required_for_staff, false) = ${before.ssoRequiredForStaff}
    and not (coalesce(session.require_second_factor, false) and session.totp_enabled_at is null))`;
}

/** The session's statement: the session, the account, its role and access counter, and the partnership's rules for signing in. */
function sessionSelect(db: Kysely<DB>, id: string, partnershipId: string, refuseDemo: boolean) {
  const query = db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('partnership_users', (j) =>
      j.onRef('partnership_users.user_id', '=', 'users.id').onRef('partnership_users.partnership_id', '=', 'sessions.partnership_id'),
    )
    .leftJoin('account_settings', 'account_settings.partnership_id', 'sessions.partnership_id')
    .leftJoin('sso_settings', 'sso_settings.partnership_id', 'sessions.partnership_id')
    .select(['users.id as userId', shownName, 'partnership_users.role', 'partnership_users.person_id', 'partnership_users.access_epoch', 'sessions.expires_at', 'sessions.last_seen_at',
      'users.totp_enabled_at', 'account_settings.require_second_factor', 'sessions.via_sso', 'sso_settings.required_for_staff'])
    .where('sessions.partnership_id', '=', partnershipId)
    .where('sessions.id', '=', id)
    .where('sessions.second_factor_pending', '=', false)
    .where('users.disabled_at', 'is', null)
    .where('partnership_users.disabled_at', 'is', null);
  return refuseDemo ? query.where('users.demo', '=', false) : query;
}

/** The last actor a session gave here, with how its checks were passed. */
interface LastActor { actor: Actor; epoch: number; viaSso: boolean; ssoRequiredForStaff: boolean }

/** What is kept of a session between requests, good while `epoch` is the person's access counter. */
interface KeptAccess { userId: string; personId: string | null; epoch: number; grants: Grant[]; seats: BodySeat[]; last?: LastActor }

/** Per database (tests open several in one process), by the session's hash; the least recently loaded go first. */
const kept = new WeakMap<object, Map<string, KeptAccess>>();
const KEPT_SESSIONS = 10_000;

function keptAccess(db: Kysely<DB>): Map<string, KeptAccess> {
  let m = kept.get(db);
  if (!m) kept.set(db, (m = new Map()));
  return m;
}

/** For tests: how many sessions' access is kept for this database. */
export const keptSessionCount = (db: Kysely<DB>) => keptAccess(db).size;

/** The grants and seats with the counter they go with, in one statement, so the three agree. */
async function loadAccess(db: Kysely<DB>, partnershipId: string, userId: string): Promise<KeptAccess | null> {
  const { rows: [row] } = await sql<{ epoch: number | string; person_id: string | null; grants: { scope_kind: Grant['scopeKind']; scope_id: string }[]; seats: { body_id: string; starts_on: string; ends_on: string | null; members_see_restricted: boolean }[] }>`
    select pu.access_epoch as epoch, pu.person_id,
      coalesce((select json_agg(json_build_object('scope_kind', g.scope_kind, 'scope_id', g.scope_id))
        from access_grants g where g.partnership_id = pu.partnership_id and g.user_id = pu.user_id), '[]') as grants,
      coalesce((select json_agg(json_build_object('body_id', m.body_id, 'starts_on', m.starts_on, 'ends_on', m.ends_on, 'members_see_restricted', b.members_see_restricted))
        from memberships m join bodies b on b.partnership_id = m.partnership_id and b.id = m.body_id
        where m.partnership_id = pu.partnership_id and m.person_id = pu.person_id), '[]') as seats
    from partnership_users pu where pu.partnership_id = ${partnershipId} and pu.user_id = ${userId}`.execute(db);
  if (!row) return null;
  return {
    userId, personId: row.person_id, epoch: Number(row.epoch),
    grants: row.grants.map((g): Grant => ({ scopeKind: g.scope_kind, scopeId: g.scope_id })),
    seats: row.seats.map((r): BodySeat => ({ bodyId: r.body_id, startsOn: r.starts_on, endsOn: r.ends_on, bodyOpensToMembers: r.members_see_restricted })),
  };
}

export async function loadUserActor(
  db: Kysely<DB>, partnershipId: string, userId: string, displayName: string,
  role: 'administrator' | 'officer' | 'member', personId: string | null,
): Promise<Actor> {
  const grants = await db
    .selectFrom('access_grants')
    .select(['scope_kind', 'scope_id'])
    .where('partnership_id', '=', partnershipId)
    .where('user_id', '=', userId)
    .execute();
  return {
    kind: 'user', partnershipId, userId, displayName, role, personId,
    grants: grants.map((g): Grant => ({ scopeKind: g.scope_kind, scopeId: g.scope_id })),
    seats: personId ? await loadSeats(db, partnershipId, personId) : [],
  };
}

/** Every seat the person has held on a body, with the body's setting: the policy decides which are current. */
export async function loadSeats(db: Kysely<DB>, partnershipId: string, personId: string): Promise<BodySeat[]> {
  const rows = await db.selectFrom('memberships as m')
    .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .select(['m.body_id', 'm.starts_on', 'm.ends_on', 'b.members_see_restricted'])
    .where('m.partnership_id', '=', partnershipId).where('m.person_id', '=', personId)
    .execute();
  return rows.map((r) => ({ bodyId: r.body_id, startsOn: r.starts_on, endsOn: r.ends_on, bodyOpensToMembers: r.members_see_restricted }));
}

// Wrong passwords are counted per account and per client address, in the database, so
// the counts hold across restarts and processes. An account is never locked, since anyone
// who knows an address could lock its owner out: after a few failures each further
// attempt on it waits before its password is checked, longer each time up to a limit, so
// guessing is slow while the owner, with the right password, still gets in; the owner is
// told by e-mail. A client address that fails too often is refused for a while: it is
// the real address, as forwarded headers are believed only from TRUST_PROXY's proxies.
export const SIGN_IN_LIMIT = {
  windowMinutes: 15,
  /** Failures from one address in the window before it is refused (an office shares one). */
  attemptsPerAddress: 50,
  /** Failures on one account in the window before its attempts slow down, and its owner is told. */
  slowAfter: 5,
  firstDelayMs: 1000,
  maxDelayMs: 30_000,
};

export const signInKeys = (email: string, ip: string) => ({
  account: `email:${email.toLowerCase()}`, address: `ip:${ip}`, notice: `notified:${email.toLowerCase()}`,
});
export type SignInKeys = ReturnType<typeof signInKeys>;

async function recentCount(db: Kysely<DB>, key: string): Promise<number> {
  const since = new Date(Date.now() - SIGN_IN_LIMIT.windowMinutes * 60_000);
  return Number((await db.selectFrom('sign_in_attempts').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key', '=', key).where('at', '>', since).executeTakeFirstOrThrow()).n);
}

/** Whether this client address may try at all. */
export async function addressAllowed(db: Kysely<DB>, keys: SignInKeys): Promise<boolean> {
  return (await recentCount(db, keys.address)) < SIGN_IN_LIMIT.attemptsPerAddress;
}

/** How long an attempt on this account waits before its password is checked. */
export async function accountDelayMs(db: Kysely<DB>, keys: SignInKeys): Promise<number> {
  const failures = await recentCount(db, keys.account);
  if (failures < SIGN_IN_LIMIT.slowAfter) return 0;
  return Math.min(SIGN_IN_LIMIT.maxDelayMs, SIGN_IN_LIMIT.firstDelayMs * 2 ** (failures - SIGN_IN_LIMIT.slowAfter));
}

/**
 * Records a failure. Returns true once per window, when the account has just reached
 * the number of failures at which its owner is told.
 */
export async function recordFailedSignIn(db: Kysely<DB>, keys: SignInKeys): Promise<boolean> {
  await db.insertInto('sign_in_attempts').values([{ key: keys.account }, { key: keys.address }]).execute();
  if ((await recentCount(db, keys.account)) < SIGN_IN_LIMIT.slowAfter) return false;
  const since = new Date(Date.now() - SIGN_IN_LIMIT.windowMinutes * 60_000);
  const inserted = await sql<{ key: string }>`
    insert into sign_in_attempts (key) select ${keys.notice}
    where not exists (select 1 from sign_in_attempts where key = ${keys.notice} and at > ${since})
    returning key`.execute(db);
  return inserted.rows.length > 0;
}

export async function clearFailedSignIns(db: Kysely<DB>, keys: SignInKeys): Promise<void> {
  await db.deleteFrom('sign_in_attempts').where('key', '=', keys.account).execute();
}
