// SQL for terms of reference and the information sharing agreement register.
// Every query is scoped by partnership_id.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

// Terms of reference ------------------------------------------------------------------

export function findBody(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('bodies').select(['id', 'name', 'short_name', 'kind', 'parent_id'])
    .where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

/** One body's versions, newest first. */
export function listTermsOfReference(db: Kysely<DB>, partnershipId: string, bodyId: string) {
  return db.selectFrom('terms_of_reference').selectAll()
    .where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId)
    .orderBy('version', 'desc').execute();
}

/** Every version of every body's terms of reference, by body then newest first. */
export function listAllTermsOfReference(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('terms_of_reference').selectAll()
    .where('partnership_id', '=', partnershipId)
    .orderBy('body_id').orderBy('version', 'desc').execute();
}

export function latestTermsOfReference(db: Kysely<DB>, partnershipId: string, bodyId: string) {
  return db.selectFrom('terms_of_reference').selectAll()
    .where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId)
    .orderBy('version', 'desc').limit(1).executeTakeFirst();
}

/** Every body with its current (highest) version of terms of reference, if it has one. */
export async function bodiesWithCurrentTermsOfReference(db: Kysely<DB>, partnershipId: string) {
  const current = db.selectFrom('terms_of_reference')
    .select(['body_id', sql<number>`max(version)`.as('version')])
    .where('partnership_id', '=', partnershipId).groupBy('body_id').as('cur');
  return db.selectFrom('bodies')
    .leftJoin(current, 'cur.body_id', 'bodies.id')
    .leftJoin('terms_of_reference as t', (j) => j
      .onRef('t.body_id', '=', 'bodies.id').onRef('t.version', '=', 'cur.version')
      .on('t.partnership_id', '=', partnershipId))
    .select([
      'bodies.id as body_id', 'bodies.name as body_name', 'bodies.kind as body_kind',
      't.id as terms_id', 't.version', 't.agreed_on', 't.review_due_on', 't.summary',
    ])
    .where('bodies.partnership_id', '=', partnershipId)
    .orderBy('bodies.name').execute();
}

// Sharing agreements ------------------------------------------------------------------

/** Newest first: the latest is the one with the latest effective date. */
export function listSharingAgreements(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('sharing_agreements').selectAll()
    .select((eb) => eb.selectFrom('sharing_agreement_signatures as s').select(eb.fn.countAll<number>().as('n'))
      .whereRef('s.agreement_id', '=', 'sharing_agreements.id').where('s.partnership_id', '=', partnershipId).as('signature_count'))
    .where('partnership_id', '=', partnershipId)
    .orderBy('effective_on', 'desc').orderBy('created_at', 'desc').execute();
}

export function findSharingAgreement(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('sharing_agreements').selectAll()
    .where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function latestSharingAgreement(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('sharing_agreements').selectAll()
    .where('partnership_id', '=', partnershipId)
    .orderBy('effective_on', 'desc').orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

export function sharingAgreementVersionTaken(db: Kysely<DB>, partnershipId: string, version: string) {
  return db.selectFrom('sharing_agreements').select('id')
    .where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['version']), '=', version.toLowerCase()))
    .executeTakeFirst().then(Boolean);
}

/** Who signed one agreement, with the organisation's name, by organisation name. */
export function listSignatures(db: Kysely<DB>, partnershipId: string, agreementId: string) {
  return db.selectFrom('sharing_agreement_signatures as s')
    .innerJoin('organisations as o', (j) => j.onRef('o.id', '=', 's.organisation_id').onRef('o.partnership_id', '=', 's.partnership_id'))
    .select(['s.id', 's.agreement_id', 's.organisation_id', 's.signed_on', 's.signed_by', 'o.name as organisation_name'])
    .where('s.partnership_id', '=', partnershipId).where('s.agreement_id', '=', agreementId)
    .orderBy('o.name').execute();
}

export function findSignature(db: Kysely<DB>, partnershipId: string, agreementId: string, organisationId: string) {
  return db.selectFrom('sharing_agreement_signatures').selectAll()
    .where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId)
    .where('organisation_id', '=', organisationId).executeTakeFirst();
}

export function listOrganisationNames(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('organisations').select(['id', 'name', 'statutory'])
    .where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export function findOrganisationName(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('organisations').select(['id', 'name'])
    .where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}
