// Changes to people: check permission, validate, write and audit in one transaction.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError } from '../../web/errors.ts';
import { isEmailAddress, isTelephoneNumber } from './domain.ts';
import { findOrganisation } from './organisations.store.ts';
import { findPerson } from './people.store.ts';

function readPerson(input: Input) {
  const honorific = input.optionalText('honorific', 'Title', 20);
  const given_name = input.optionalText('given_name', 'Given name', 100);
  const family_name = input.text('family_name', 'Enter the family name', 100);
  const honours = input.optionalText('honours', 'Honours', 40);
  const job_title = input.optionalText('job_title', 'Job title', 200);
  const organisation_id = input.optionalId('organisation_id', 'Select an organisation from the list');
  const email = input.optionalText('email', 'Email address', 254);
  if (email && !isEmailAddress(email)) input.fail('email', 'Enter an email address in the correct format, like name@example.com');
  const phone = input.optionalText('phone', 'Telephone number', 40);
  if (phone && !isTelephoneNumber(phone)) input.fail('phone', 'Enter a telephone number, like 01632 960 001 or +44 1632 960 001');
  return { honorific, given_name, family_name, honours, job_title, organisation_id, email, phone };
}

/** The organisation must be one of this partnership's; every problem is reported together. */
async function checkPerson(trx: Tx, partnershipId: string, input: Input, values: ReturnType<typeof readPerson>) {
  if (values.organisation_id && !input.errors.some((e) => e.field === 'organisation_id')
    && !(await findOrganisation(trx, partnershipId, values.organisation_id))) {
    input.fail('organisation_id', 'Select an organisation from the list');
  }
  input.check();
}

export async function createPerson(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', { type: 'person' });
  const input = new Input(body);
  const values = readPerson(input);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    await checkPerson(trx, partnershipId, input, values);
    const row = await trx.insertInto('people').values({ ...values, partnership_id: partnershipId }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'person', recordId: row.id, after: row });
    return row;
  });
}

export async function updatePerson(ctx: Context, id: string, body: unknown) {
  authorize(ctx.actor, 'update', { type: 'person' });
  const input = new Input(body);
  const values = readPerson(input);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await findPerson(trx, partnershipId, id);
    if (!before) throw new NotFoundError();
    await checkPerson(trx, partnershipId, input, values);
    const after = await trx.updateTable('people').set({ ...values, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'person', recordId: id, before, after });
    return after;
  });
}
