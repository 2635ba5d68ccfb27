// Who may read which review cases, and the audit entry of every read. Every page, API
// answer, export and paper that shows anything of a case goes through here.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { can, type Actor, type Resource } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';

/** What the policy needs to know about a case: it is restricted, and scoped to itself. */
export const caseResource = (caseId: string): Resource => ({ type: 'review-case', restricted: true, caseId, published: false });

/** The cases this reader may see: those they hold a case grant for, as the policy says. */
export function readableCaseIds(actor: Actor): string[] {
  if (actor.kind !== 'user') return [];
  return [...new Set(actor.grants.filter((g) => g.scopeKind === 'case').map((g) => g.scopeId))]
    .filter((id) => can(actor, 'read', caseResource(id)));
}

/** One audit entry per case shown: who (the actor), when (the entry's time) and what (the summary). */
export function auditCaseReads(db: Kysely<DB>, actor: Actor, caseIds: readonly string[], summary: string): Promise<void> {
  return recordRestrictedReads(db, actor, [...new Set(caseIds)].map((id) => ({ recordType: 'review-case', id, summary })));
}
