// SQL for elections of chairs and vice-chairs. Every query is scoped by partnership_id.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function electionRowsOfBody(db: Kysely<DB>, partnershipId: string, bodyId: string) {
  return db.selectFrom('elections').selectAll().where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId)
    .orderBy('held_on', 'desc').orderBy('created_at', 'desc').execute();
}

/** A body's elections, latest first, with the names of nominee, mover and seconder. */
export function electionsOfBody(db: Kysely<DB>, partnershipId: string, bodyId: string) {
  return db.selectFrom('elections')
    .innerJoin('people as nominee', (j) => j.onRef('nominee.partnership_id', '=', 'elections.partnership_id').onRef('nominee.id', '=', 'elections.nominee_id'))
    .leftJoin('people as mover', (j) => j.onRef('mover.partnership_id', '=', 'elections.partnership_id').onRef('mover.id', '=', 'elections.mover_id'))
    .leftJoin('people as seconder', (j) => j.onRef('seconder.partnership_id', '=', 'elections.partnership_id').onRef('seconder.id', '=', 'elections.seconder_id'))
    .selectAll('elections')
    .select([
      'nominee.honorific as nominee_honorific', 'nominee.given_name as nominee_given_name', 'nominee.family_name as nominee_family_name', 'nominee.honours as nominee_honours',
      'mover.honorific as mover_honorific', 'mover.given_name as mover_given_name', 'mover.family_name as mover_family_name', 'mover.honours as mover_honours',
      'seconder.honorific as seconder_honorific', 'seconder.given_name as seconder_given_name', 'seconder.family_name as seconder_family_name', 'seconder.honours as seconder_honours',
    ])
    .where('elections.partnership_id', '=', partnershipId)
    .where('elections.body_id', '=', bodyId)
    .orderBy('elections.held_on', 'desc').orderBy('elections.created_at', 'desc')
    .execute();
}
