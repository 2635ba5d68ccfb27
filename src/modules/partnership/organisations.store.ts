// SQL for organisations. Every query is scoped by partnership_id.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export type OrganisationRow = Awaited<ReturnType<typeof findOrganisation>> & {};

export function findOrganisation(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('organisations').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function listOrganisations(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('organisations').selectAll().where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export function organisationOptions(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('organisations').select(['id as value', 'name as text']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export function organisationNameTaken(db: Kysely<DB>, partnershipId: string, name: string, exceptId?: string) {
  let q = db.selectFrom('organisations').select('id').where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '!=', exceptId);
  return q.executeTakeFirst().then(Boolean);
}
