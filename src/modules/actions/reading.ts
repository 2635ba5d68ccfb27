// Reading actions: which of them this reader may see, and an audit entry for each
// restricted one shown. Every page and API answer that lists or shows actions (here, in
// the meetings module's matters arising, on activity pages) goes through this.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { can, type Actor } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';
import { actionResource } from './commands.ts';

type Readable = { id: string; restricted: boolean; body_id: string; owner_person_id: string | null };

/** Audits the reads of the restricted actions among those shown. */
export function auditActionReads(db: Kysely<DB>, actor: Actor, shown: readonly Readable[], summary: string): Promise<void> {
  return recordRestrictedReads(db, actor, shown.filter((a) => a.restricted).map((a) => ({ recordType: 'action', id: a.id, summary })));
}

/** The actions this reader may see, in the same order; the restricted ones among them are audited as read. */
export async function readableActions<A extends Readable>(db: Kysely<DB>, actor: Actor, actions: readonly A[], summary: string): Promise<A[]> {
  const readable = actions.filter((a) => can(actor, 'read', actionResource(a)));
  await auditActionReads(db, actor, readable, summary);
  return readable;
}
