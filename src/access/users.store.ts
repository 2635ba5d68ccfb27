// SQL for the users of a partnership, their roles and their grants. A user is global
// (one e-mail address, one password); their role and grants belong to one partnership,
// and every query here is scoped by it.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

function usersOf(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('partnership_users as pu')
    .innerJoin('users as u', 'u.id', 'pu.user_id')
    .leftJoin('people as p', (j) => j.onRef('p.id', '=', 'pu.person_id').onRef('p.partnership_id', '=', 'pu.partnership_id'))
    .select([
      // The partnership's own name for them and the day it added them: never another's.
      'u.id', 'u.email', sql<string>`coalesce(pu.display_name, u.display_name)`.as('display_name'), 'pu.disabled_at', 'pu.created_at', 'pu.role', 'pu.person_id',
      'u.totp_enabled_at',
      // Never signed in to this partnership: their invitation may be sent again. (Not
      // whether the account has a password, which would tell this partnership's
      // administrators that another partnership knows the address.)
      sql<boolean>`not exists (select 1 from audit_log a where a.partnership_id = pu.partnership_id and a.record_type = 'user' and a.record_id = u.id::text and a.action = 'sign-in')`.as('awaiting_password'),
      'p.honorific as person_honorific', 'p.given_name as person_given_name', 'p.family_name as person_family_name', 'p.honours as person_honours',
    ])
    .select((eb) => eb.selectFrom('access_grants as g').select(eb.fn.countAll<number>().as('n'))
      .whereRef('g.user_id', '=', 'u.id').whereRef('g.partnership_id', '=', 'pu.partnership_id').as('grant_count'))
    .where('pu.partnership_id', '=', partnershipId);
}

export type UserRow = Awaited<ReturnType<typeof findUser>> & {};

export function listUsers(db: Kysely<DB>, partnershipId: string) {
  return usersOf(db, partnershipId).orderBy('u.display_name').orderBy('u.email').execute();
}

export function findUser(db: Kysely<DB>, partnershipId: string, userId: string) {
  return usersOf(db, partnershipId).where('u.id', '=', userId).executeTakeFirst();
}

/**
 * The account with this address, in any partnership (addresses are unique across the
 * deployment). Only for adding a user: what it finds must never change the answer.
 */
export function findAccountByEmail(db: Kysely<DB>, email: string) {
  return db.selectFrom('users').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();
}

export function isUserOf(db: Kysely<DB>, partnershipId: string, userId: string) {
  return db.selectFrom('partnership_users').select('user_id').where('partnership_id', '=', partnershipId).where('user_id', '=', userId).executeTakeFirst().then(Boolean);
}

/** The user of this partnership already linked to a person, if any. */
export function userLinkedToPerson(db: Kysely<DB>, partnershipId: string, personId: string) {
  return db.selectFrom('partnership_users as pu').innerJoin('users as u', 'u.id', 'pu.user_id')
    .select(['u.id', sql<string>`coalesce(pu.display_name, u.display_name)`.as('display_name')]).where('pu.partnership_id', '=', partnershipId).where('pu.person_id', '=', personId)
    .executeTakeFirst();
}

export function findPerson(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name', 'honours'])
    .where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function listPeople(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name', 'honours', 'job_title'])
    .where('partnership_id', '=', partnershipId).orderBy('family_name').orderBy('given_name').execute();
}

export function findBodyName(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function listBodyNames(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

/** One user's grants, with the name of the body a body grant is for. */
export function listGrants(db: Kysely<DB>, partnershipId: string, userId: string) {
  return db.selectFrom('access_grants as g')
    .leftJoin('bodies as b', (j) => j.onRef('b.id', '=', 'g.scope_id').onRef('b.partnership_id', '=', 'g.partnership_id').on('g.scope_kind', '=', 'body'))
    .leftJoin('users as granter', 'granter.id', 'g.granted_by')
    .leftJoin('partnership_users as gpu', (j) => j.onRef('gpu.user_id', '=', 'g.granted_by').onRef('gpu.partnership_id', '=', 'g.partnership_id'))
    .select(['g.id', 'g.user_id', 'g.scope_kind', 'g.scope_id', 'g.granted_by', 'g.created_at', 'b.name as body_name'])
    .select(sql<string | null>`coalesce(gpu.display_name, granter.display_name)`.as('granted_by_name'))
    .where('g.partnership_id', '=', partnershipId).where('g.user_id', '=', userId)
    .orderBy('g.scope_kind').orderBy('b.name').orderBy('g.created_at').execute();
}

export function findGrant(db: Kysely<DB>, partnershipId: string, userId: string, grantId: string) {
  return db.selectFrom('access_grants').selectAll()
    .where('partnership_id', '=', partnershipId).where('user_id', '=', userId).where('id', '=', grantId).executeTakeFirst();
}

export function grantExists(db: Kysely<DB>, partnershipId: string, userId: string, scopeKind: 'body' | 'case', scopeId: string) {
  return db.selectFrom('access_grants').select('id')
    .where('partnership_id', '=', partnershipId).where('user_id', '=', userId)
    .where('scope_kind', '=', scopeKind).where('scope_id', '=', scopeId).executeTakeFirst().then(Boolean);
}
