// Changes to organisations: check permission, validate, write and audit in one transaction.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError } from '../../web/errors.ts';
import { organisationKindValues, STATUTORY_KINDS, type OrganisationKind } from './domain.ts';
import { findOrganisation, organisationNameTaken } from './organisations.store.ts';

function readOrganisation(body: unknown) {
  const input = new Input(body);
  const name = input.text('name', 'Enter the name of the organisation', 200);
  const short_name = input.optionalText('short_name', 'Short name', 40);
  const kind = input.oneOf('kind', organisationKindValues, 'Select the kind of organisation');
  const website = input.optionalText('website', 'Website', 300);
  if (website && !/^https?:\/\/[^\s]+\.[^\s]+$/.test(website)) input.fail('website', 'Enter a website address that starts with https://');
  // A statutory partner unless the clerk says otherwise; responsible authorities by default.
  const statutory = input.has('statutory') ? input.boolean('statutory') : STATUTORY_KINDS.includes(kind as OrganisationKind);
  input.check();
  return { name, short_name, kind, website, statutory };
}

export async function createOrganisation(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', { type: 'organisation' });
  const values = readOrganisation(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    if (await organisationNameTaken(trx, partnershipId, values.name)) {
      throw new ConflictError('An organisation with that name already exists', 'name');
    }
    const row = await trx.insertInto('organisations').values({ ...values, partnership_id: partnershipId }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'organisation', recordId: row.id, after: row });
    return row;
  });
}

export async function updateOrganisation(ctx: Context, id: string, body: unknown) {
  authorize(ctx.actor, 'update', { type: 'organisation' });
  const values = readOrganisation(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await findOrganisation(trx, partnershipId, id);
    if (!before) throw new NotFoundError();
    if (await organisationNameTaken(trx, partnershipId, values.name, id)) {
      throw new ConflictError('An organisation with that name already exists', 'name');
    }
    const after = await trx.updateTable('organisations').set({ ...values, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'organisation', recordId: id, before, after });
    return after;
  });
}
