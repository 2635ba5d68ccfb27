// SQL for memberships. Every query is scoped by partnership_id.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function findMembership(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('memberships').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export type MembershipRow = NonNullable<Awaited<ReturnType<typeof findMembership>>>;

/** The rows the membership rules are checked against. */
export function membershipRowsOfBody(db: Kysely<DB>, partnershipId: string, bodyId: string) {
  return db.selectFrom('memberships').selectAll().where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId)
    .orderBy('starts_on').orderBy('id').execute();
}

/** A body's memberships with the person's name and the organisation they represent. */
export function membersOfBody(db: Kysely<DB>, partnershipId: string, bodyId: string) {
  return db.selectFrom('memberships')
    .innerJoin('people', (j) => j.onRef('people.partnership_id', '=', 'memberships.partnership_id').onRef('people.id', '=', 'memberships.person_id'))
    .leftJoin('organisations', (j) => j.onRef('organisations.partnership_id', '=', 'memberships.partnership_id').onRef('organisations.id', '=', 'memberships.organisation_id'))
    .selectAll('memberships')
    .select(['people.honorific', 'people.given_name', 'people.family_name', 'people.honours', 'people.job_title',
      'organisations.name as organisation_name', 'organisations.short_name as organisation_short_name'])
    .where('memberships.partnership_id', '=', partnershipId)
    .where('memberships.body_id', '=', bodyId)
    .orderBy('people.family_name').orderBy('people.given_name').orderBy('memberships.starts_on')
    .execute();
}

/** A person's memberships with the body's name and the organisation represented. */
export function membershipsOfPerson(db: Kysely<DB>, partnershipId: string, personId: string) {
  return db.selectFrom('memberships')
    .innerJoin('bodies', (j) => j.onRef('bodies.partnership_id', '=', 'memberships.partnership_id').onRef('bodies.id', '=', 'memberships.body_id'))
    .leftJoin('organisations', (j) => j.onRef('organisations.partnership_id', '=', 'memberships.partnership_id').onRef('organisations.id', '=', 'memberships.organisation_id'))
    .selectAll('memberships')
    .select(['bodies.name as body_name', 'organisations.name as organisation_name'])
    .where('memberships.partnership_id', '=', partnershipId)
    .where('memberships.person_id', '=', personId)
    .orderBy('memberships.starts_on', 'desc').orderBy('bodies.name')
    .execute();
}
