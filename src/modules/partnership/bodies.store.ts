// SQL for bodies. Every query is scoped by partnership_id.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function findBody(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('bodies').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export type BodyRow = NonNullable<Awaited<ReturnType<typeof findBody>>>;

/** A body, the body it reports to and its subgroups (by name), in one query. */
export async function findBodyFamily(db: Kysely<DB>, partnershipId: string, id: string) {
  const rows = await db.selectFrom('bodies').selectAll().where('partnership_id', '=', partnershipId)
    .where((eb) => eb.or([
      eb('id', '=', id),
      eb('parent_id', '=', id),
      eb('id', '=', eb.selectFrom('bodies').select('parent_id').where('partnership_id', '=', partnershipId).where('id', '=', id)),
    ]))
    .orderBy('name')
    .execute();
  const body = rows.find((r) => r.id === id);
  if (!body) return undefined;
  return {
    body,
    parent: body.parent_id ? rows.find((r) => r.id === body.parent_id) : undefined,
    subgroups: rows.filter((r) => r.parent_id === id),
  };
}

export function listBodies(db: Kysely<DB>, partnershipId: string) {
  return db.selectFrom('bodies').selectAll().where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export function subgroupsOf(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('bodies').selectAll().where('partnership_id', '=', partnershipId).where('parent_id', '=', id).orderBy('name').execute();
}

/**
 * Each body's parent. In a transaction, `lock` holds the rows so that two clerks
 * re-parenting two bodies at once cannot make a loop between them.
 */
export async function parentMap(db: Kysely<DB>, partnershipId: string, opts: { lock?: boolean } = {}): Promise<Map<string, string | null>> {
  let q = db.selectFrom('bodies').select(['id', 'parent_id']).where('partnership_id', '=', partnershipId);
  if (opts.lock) q = q.forUpdate();
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.id, r.parent_id]));
}

export function bodyNameTaken(db: Kysely<DB>, partnershipId: string, name: string, exceptId?: string) {
  let q = db.selectFrom('bodies').select('id').where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '!=', exceptId);
  return q.executeTakeFirst().then(Boolean);
}

/**
 * Holds the body's row until the transaction ends, so that two changes to its
 * memberships (two clerks recording a chair at once) are checked one after the other.
 */
export function lockBody(trx: Transaction<DB>, partnershipId: string, id: string) {
  return trx.selectFrom('bodies').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).forUpdate().executeTakeFirst();
}
