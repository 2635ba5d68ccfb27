// Server-side sessions in the database. The cookie holds a random token; the table
// holds only its SHA-256, so a copy of the database cannot be used to sign in.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor, BodySeat, Grant } from './policy.ts';

export const SESSION_COOKIE = 'ph_session';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function createSession(db: Kysely<DB>, userId: string, partnershipId: string, hours: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('sessions')
    .values({ id: sha256(token), user_id: userId, partnership_id: partnershipId, expires_at: new Date(Date.now() + hours * 3600_000) })
    .execute();
  return token;
}

export async function endSession(db: Kysely<DB>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sha256(token)).execute();
}

/** The actor for a session token, or null when it is unknown, expired or for another partnership. */
export async function actorForSession(db: Kysely<DB>, token: string, partnershipId: string): Promise<Actor | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('partnership_users', (j) =>
      j.onRef('partnership_users.user_id', '=', 'users.id').onRef('partnership_users.partnership_id', '=', 'sessions.partnership_id'),
    )
    .select(['users.id as userId', 'users.display_name', 'partnership_users.role', 'partnership_users.person_id', 'sessions.expires_at'])
    .where('sessions.id', '=', sha256(token))
    .where('sessions.partnership_id', '=', partnershipId)
    .where('users.disabled_at', 'is', null)
    .where('partnership_users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() < Date.now()) return null;
  return loadUserActor(db, partnershipId, row.userId, row.display_name, row.role, row.person_id);
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

// Sign-in attempts are limited per e-mail address and, more loosely, per client
// address (an office behind one address has many people), in the database, so the
// limit holds across restarts and across processes.
export const SIGN_IN_LIMIT = { attempts: 5, attemptsPerAddress: 50, windowMinutes: 15 };

export const signInKeys = (email: string, ip: string) => ({ account: `email:${email.toLowerCase()}`, address: `ip:${ip}` });

export async function signInAllowed(db: Kysely<DB>, keys: { account: string; address: string }): Promise<boolean> {
  const since = new Date(Date.now() - SIGN_IN_LIMIT.windowMinutes * 60_000);
  const count = async (key: string) => Number((await db
    .selectFrom('sign_in_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key', '=', key)
    .where('at', '>', since)
    .executeTakeFirstOrThrow()).n);
  return (await count(keys.account)) < SIGN_IN_LIMIT.attempts && (await count(keys.address)) < SIGN_IN_LIMIT.attemptsPerAddress;
}

export async function recordFailedSignIn(db: Kysely<DB>, keys: { account: string; address: string }): Promise<void> {
  await db.insertInto('sign_in_attempts').values([{ key: keys.account }, { key: keys.address }]).execute();
}

export async function clearFailedSignIns(db: Kysely<DB>, keys: { account: string }): Promise<void> {
  await db.deleteFrom('sign_in_attempts').where('key', '=', keys.account).execute();
}
