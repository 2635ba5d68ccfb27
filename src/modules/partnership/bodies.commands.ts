// Changes to bodies: check permission, validate, write and audit in one transaction.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError } from '../../web/errors.ts';
import { bodyKindValues, wouldBeOwnAncestor, type BodyKind } from './domain.ts';
import { bodyNameTaken, findBody, parentMap } from './bodies.store.ts';

function readBody(input: Input) {
  const name = input.text('name', 'Enter the name of the body', 200);
  const short_name = input.optionalText('short_name', 'Short name', 40);
  const kind = input.oneOf<BodyKind>('kind', bodyKindValues, 'Select the kind of body');
  const parent_id = input.optionalId('parent_id', 'Select a parent body from the list');
  const description = input.optionalText('description', 'Description', 2000);
  return { name, short_name, kind, parent_id, description };
}

async function checkBody(trx: Tx, partnershipId: string, input: Input, values: ReturnType<typeof readBody>, id?: string) {
  if (values.parent_id && !input.errors.some((e) => e.field === 'parent_id')) {
    if (!(await findBody(trx, partnershipId, values.parent_id))) input.fail('parent_id', 'Select a parent body from the list');
    else if (id && wouldBeOwnAncestor(id, values.parent_id, await parentMap(trx, partnershipId, { lock: true }))) {
      input.fail('parent_id', 'A body cannot be a subgroup of itself or of one of its own subgroups. Select a different parent body');
    }
  }
  input.check();
  if (await bodyNameTaken(trx, partnershipId, values.name, id)) throw new ConflictError('A body with that name already exists', 'name');
}

export async function createBody(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', { type: 'body' });
  const input = new Input(body);
  const values = readBody(input);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    await checkBody(trx, partnershipId, input, values);
    const row = await trx.insertInto('bodies').values({ ...values, partnership_id: partnershipId }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'body', recordId: row.id, after: row });
    return row;
  });
}

export async function updateBody(ctx: Context, id: string, body: unknown) {
  authorize(ctx.actor, 'update', { type: 'body', bodyId: id });
  const input = new Input(body);
  const values = readBody(input);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await findBody(trx, partnershipId, id);
    if (!before) throw new NotFoundError();
    await checkBody(trx, partnershipId, input, values, id);
    const after = await trx.updateTable('bodies').set({ ...values, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'body', recordId: id, before, after });
    return after;
  });
}
