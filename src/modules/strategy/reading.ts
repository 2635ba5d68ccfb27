// Reading an agreement for a page: not found for a bad or unknown id, then the policy.
// Shared by the agreement, plan and upload pages.
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { authorize } from '../../access/policy.ts';
import { isUuid } from '../../web/forms.ts';
import { NotFoundError } from '../../web/errors.ts';
import { findAgreement, type Agreement } from './store.ts';
import { agreementResource } from './commands.ts';

export async function readAgreement(db: Kysely<DB>, req: FastifyRequest, id: string): Promise<Agreement> {
  const a = isUuid(id) ? await findAgreement(db, req.partnership.id, id) : undefined;
  if (!a) throw new NotFoundError();
  authorize(req.actor, 'read', agreementResource(a));
  return a;
}
