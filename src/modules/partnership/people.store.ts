// SQL for people. Every query is scoped by partnership_id.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { PeopleSort } from './domain.ts';

export function findPerson(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('people').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export type PersonRow = NonNullable<Awaited<ReturnType<typeof findPerson>>>;

/** People with the name of their organisation, filtered and sorted as the list page asks. */
export function listPeople(db: Kysely<DB>, partnershipId: string, opts: { organisationId?: string | null; sort?: PeopleSort } = {}) {
  let q = db.selectFrom('people')
    .leftJoin('organisations', (j) => j.onRef('organisations.partnership_id', '=', 'people.partnership_id').onRef('organisations.id', '=', 'people.organisation_id'))
    .selectAll('people')
    .select(['organisations.name as organisation_name', 'organisations.short_name as organisation_short_name'])
    .where('people.partnership_id', '=', partnershipId);
  if (opts.organisationId) q = q.where('people.organisation_id', '=', opts.organisationId);
  if (opts.sort === 'organisation') q = q.orderBy('organisations.name').orderBy('people.family_name').orderBy('people.given_name');
  else if (opts.sort === 'family-name-desc') q = q.orderBy('people.family_name', 'desc').orderBy('people.given_name', 'desc');
  else q = q.orderBy('people.family_name').orderBy('people.given_name');
  return q.orderBy('people.id').execute();
}

/** The people among `ids` that exist in this partnership. */
export async function existingPersonIds(db: Kysely<DB>, partnershipId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('people').select('id').where('partnership_id', '=', partnershipId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
