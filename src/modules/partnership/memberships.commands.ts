// Changes to memberships of bodies: check permission, validate against the body's other
// memberships, write and audit in one transaction.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { displayName, membershipClash, membershipRoleLabel, membershipRoleValues, type DateRange, type MembershipClash, type MembershipRole } from './domain.ts';
import { findOrganisation } from './organisations.store.ts';
import { findPerson } from './people.store.ts';
import { lockBody, type BodyRow } from './bodies.store.ts';
import { findMembership, membershipRowsOfBody, type MembershipRow } from './memberships.store.ts';

const STARTS = 'The date the membership starts';
const ENDS = 'The date the membership ends';

function readMembership(input: Input) {
  const person_id = input.id('person_id', 'Select the person');
  const role = input.oneOf<MembershipRole>('role', membershipRoleValues, 'Select the role');
  const organisation_id = input.optionalId('organisation_id', 'Select an organisation from the list');
  const starts_on = input.date('starts_on', STARTS);
  const ends_on = input.optionalDate('ends_on', ENDS);
  if (starts_on && ends_on && ends_on < starts_on) input.fail('ends_on', `${ENDS} must be the same as or after the date it starts`);
  return { person_id, role, organisation_id, starts_on, ends_on };
}

const period = (m: DateRange) => (m.ends_on ? `from ${formatDate(m.starts_on)} to ${formatDate(m.ends_on)}` : `from ${formatDate(m.starts_on)}`);

/** Says what clashes and what to do instead, naming the person already recorded. */
async function clashError(trx: Tx, partnershipId: string, body: BodyRow, clash: MembershipClash<MembershipRow>, field: string): Promise<ConflictError> {
  const m = clash.membership;
  const holder = await findPerson(trx, partnershipId, m.person_id);
  const name = holder ? displayName(holder) : 'Someone';
  const role = membershipRoleLabel(m.role).toLowerCase();
  if (clash.kind === 'duplicate') {
    return new ConflictError(`${name} is already recorded as ${role} of ${body.name} ${period(m)}. Change that membership instead of adding another`, field);
  }
  return new ConflictError(
    `${name} is ${role} of ${body.name} ${period(m)}. A body has one ${role} at a time: end that membership first, or record an election of the ${role}`,
    field,
  );
}

/** Person and organisation must be this partnership's; the organisation defaults to the person's own. */
async function resolveMembership(trx: Tx, partnershipId: string, input: Input, values: ReturnType<typeof readMembership>) {
  const person = values.person_id && !input.errors.some((e) => e.field === 'person_id') ? await findPerson(trx, partnershipId, values.person_id) : undefined;
  if (values.person_id && !person && !input.errors.some((e) => e.field === 'person_id')) input.fail('person_id', 'Select the person from the list');
  if (values.organisation_id && !input.errors.some((e) => e.field === 'organisation_id')
    && !(await findOrganisation(trx, partnershipId, values.organisation_id))) {
    input.fail('organisation_id', 'Select an organisation from the list');
  }
  input.check();
  return { ...values, organisation_id: values.organisation_id ?? person?.organisation_id ?? null };
}

async function lockedBody(trx: Tx, partnershipId: string, bodyId: string) {
  const body = await lockBody(trx, partnershipId, bodyId);
  if (!body) throw new NotFoundError();
  return body;
}

export async function addMembership(ctx: Context, bodyId: string, input_: unknown) {
  authorize(ctx.actor, 'create', { type: 'membership', bodyId });
  const input = new Input(input_);
  const read = readMembership(input);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const body = await lockedBody(trx, partnershipId, bodyId);
    const values = await resolveMembership(trx, partnershipId, input, read);
    const clash = membershipClash(values, await membershipRowsOfBody(trx, partnershipId, bodyId));
    if (clash) throw await clashError(trx, partnershipId, body, clash, clash.kind === 'duplicate' ? 'person_id' : 'role');
    const row = await trx.insertInto('memberships').values({ ...values, body_id: bodyId, partnership_id: partnershipId }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'membership', recordId: row.id, after: row });
    return row;
  });
}

export async function updateMembership(ctx: Context, id: string, input_: unknown) {
  const partnershipId = ctx.actor.partnershipId;
  const existing = await findMembership(ctx.db, partnershipId, id);
  if (!existing) throw new NotFoundError();
  authorize(ctx.actor, 'update', { type: 'membership', bodyId: existing.body_id });
  const input = new Input(input_);
  const read = readMembership(input);
  return inTransaction(ctx, async (trx) => {
    const body = await lockedBody(trx, partnershipId, existing.body_id);
    const before = await findMembership(trx, partnershipId, id);
    if (!before) throw new NotFoundError();
    const values = await resolveMembership(trx, partnershipId, input, read);
    const clash = membershipClash({ ...values, id }, await membershipRowsOfBody(trx, partnershipId, before.body_id));
    if (clash) throw await clashError(trx, partnershipId, body, clash, clash.kind === 'duplicate' ? 'person_id' : 'role');
    const after = await trx.updateTable('memberships').set({ ...values, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'membership', recordId: id, before, after });
    return after;
  });
}

/** Ends a membership on a given day (the last day it is held). */
export async function endMembership(ctx: Context, id: string, input_: unknown) {
  const partnershipId = ctx.actor.partnershipId;
  const existing = await findMembership(ctx.db, partnershipId, id);
  if (!existing) throw new NotFoundError();
  authorize(ctx.actor, 'update', { type: 'membership', bodyId: existing.body_id });
  const input = new Input(input_);
  const ends_on = input.date('ends_on', ENDS);
  input.check();
  return inTransaction(ctx, async (trx) => {
    const body = await lockedBody(trx, partnershipId, existing.body_id);
    const before = await findMembership(trx, partnershipId, id);
    if (!before) throw new NotFoundError();
    if (ends_on < before.starts_on) {
      throw ValidationError.single('ends_on', `${ENDS} must be the same as or after the date it started, ${formatDate(before.starts_on)}`);
    }
    // Moving an end date later can run into a later membership of the same role.
    const clash = membershipClash({ ...before, ends_on }, await membershipRowsOfBody(trx, partnershipId, before.body_id));
    if (clash) throw await clashError(trx, partnershipId, body, clash, 'ends_on');
    const after = await trx.updateTable('memberships').set({ ends_on, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'membership', recordId: id, summary: 'Membership ended', before, after });
    return after;
  });
}
