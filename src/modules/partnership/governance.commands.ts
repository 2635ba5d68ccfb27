// Changes to terms of reference and the information sharing agreement register:
// check permission, validate, write and audit in one transaction.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { reviewDueOn, todayIso } from './domain.ts';
import {
  findBody, findOrganisationName, findSharingAgreement, findSignature, latestTermsOfReference, sharingAgreementVersionTaken,
} from './governance.store.ts';

// Terms of reference ------------------------------------------------------------------

/**
 * Records a new version of a body's terms of reference. The version number is the
 * body's next; the next review falls due a year after the date agreed.
 */
export async function recordTermsOfReference(ctx: Context, bodyId: string, body: unknown) {
  authorize(ctx.actor, 'create', { type: 'terms-of-reference', bodyId });
  const input = new Input(body);
  const agreed_on = input.date('agreed_on', 'The date agreed');
  const summary = input.text('summary', 'Enter a summary of what the terms of reference say or what changed', 4000);
  const today = todayIso();
  if (agreed_on && agreed_on > today) input.fail('agreed_on', 'The date agreed must be today or in the past');
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    if (!(await findBody(trx, partnershipId, bodyId))) throw new NotFoundError();
    const current = await latestTermsOfReference(trx, partnershipId, bodyId);
    // Versions run in date order, so "current" is always the most recently agreed.
    if (current && agreed_on < current.agreed_on) {
      throw ValidationError.single('agreed_on', `The date agreed must be on or after ${formatDate(current.agreed_on)}, when version ${current.version} was agreed`);
    }
    const row = await trx.insertInto('terms_of_reference').values({
      partnership_id: partnershipId, body_id: bodyId, version: (current?.version ?? 0) + 1,
      agreed_on, review_due_on: reviewDueOn(agreed_on), summary,
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'terms-of-reference', recordId: row.id, summary: `Version ${row.version} recorded`, after: row,
    });
    return row;
  });
}

// Sharing agreements ------------------------------------------------------------------

export async function createSharingAgreement(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', { type: 'sharing-agreement' });
  const input = new Input(body);
  const title = input.text('title', 'Enter the title of the agreement', 200);
  const version = input.text('version', 'Enter the version of the agreement, for example 4.0', 40);
  // An agreement may be recorded before it takes effect, so a future date is allowed.
  const effective_on = input.date('effective_on', 'The date it takes effect');
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    if (await sharingAgreementVersionTaken(trx, partnershipId, version)) {
      throw new ConflictError(`Version ${version} is already in the register. Enter a different version`, 'version');
    }
    const row = await trx.insertInto('sharing_agreements').values({ partnership_id: partnershipId, title, version, effective_on })
      .returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'sharing-agreement', recordId: row.id, after: row });
    return row;
  });
}

/** Records that a member organisation signed one version of the agreement. */
export async function recordSignature(ctx: Context, agreementId: string, body: unknown) {
  authorize(ctx.actor, 'update', { type: 'sharing-agreement' });
  const input = new Input(body);
  const organisation_id = input.id('organisation_id', 'Select the organisation that signed');
  const signed_on = input.date('signed_on', 'The date signed');
  const signed_by = input.optionalText('signed_by', 'Name of the person who signed', 200);
  if (signed_on && signed_on > todayIso()) input.fail('signed_on', 'The date signed must be today or in the past');
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const agreement = await findSharingAgreement(trx, partnershipId, agreementId);
    if (!agreement) throw new NotFoundError();
    const organisation = await findOrganisationName(trx, partnershipId, organisation_id);
    if (!organisation) throw ValidationError.single('organisation_id', 'Select the organisation that signed');
    // A signature dated before the version took effect is almost always the wrong version picked.
    if (signed_on < agreement.effective_on) {
      throw ValidationError.single('signed_on', `The date signed must be on or after ${formatDate(agreement.effective_on)}, when version ${agreement.version} took effect`);
    }
    const existing = await findSignature(trx, partnershipId, agreementId, organisation_id);
    if (existing) {
      throw new ConflictError(`${organisation.name} already signed version ${agreement.version} on ${formatDate(existing.signed_on)}`, 'organisation_id');
    }
    const row = await trx.insertInto('sharing_agreement_signatures').values({
      partnership_id: partnershipId, agreement_id: agreementId, organisation_id, signed_on, signed_by,
    }).returningAll().executeTakeFirstOrThrow();
    // Kept on the agreement's own history, in words a reader can follow.
    await recordAudit(trx, ctx.actor, {
      action: 'record signature', recordType: 'sharing-agreement', recordId: agreementId,
      summary: `${organisation.name} signed version ${agreement.version}`,
      after: { organisation: organisation.name, signed_on, signed_by, signature_id: row.id },
    });
    return { ...row, organisation_name: organisation.name };
  });
}
