// Changes to the money of reviews: funding agreements (officers and administrators), a
// case's costs and its contribution lines (the case's coordinators). Each checks
// permission, validates everything before writing, and writes and audits in one
// transaction: a rule whose shares do not add up, or a move out of turn, writes nothing.
import { authorize, reviewMoneyResources } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { parsePounds, formatPence } from '../funding/domain.ts';
import { COST_KINDS, contributionLines, type CostKind, type Costs, type FirstCharge, type FundingAgreement } from './funding.ts';
import { agreementOn, agreementPeriodProblem, lineMoveProblems, parsePercent, rulesProblems, type LineMove } from './money.domain.ts';
import { findAgreement, listAgreements, organisationOptions, findCosts } from './money.store.ts';
import { findCase } from './store.ts';

const userId = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);
const COSTS = COST_KINDS.map((c) => c.value);

// ------------------------------------------------------------------ agreements

export interface AgreementDraft { title: string; effective_from: string; effective_to: string | null; rules: FundingAgreement }

/**
 * The agreement as the form sends it: up to two first charges (`first_charges.N.payer`,
 * `.cost`, `.percent`, `.cap` in pounds) and the rest shared equally by the partners ticked
 * (`remainder_payers`) or in the percentages typed against each (`share_<organisation id>`).
 */
export function agreementFromForm(body: unknown): { draft: AgreementDraft; errors: FieldError[] } {
  const f = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof f[k] === 'string' ? (f[k] as string).trim() : Array.isArray(f[k]) ? String((f[k] as unknown[])[0] ?? '').trim() : '');
  const input = new Input(body);
  const errors: FieldError[] = [];
  const title = input.text('title', 'Enter the name of the agreement, for example "Review funding 2026 to 2029"', 200);
  const effective_from = input.date('effective_from', 'The date the agreement starts');
  const effective_to = input.optionalDate('effective_to', 'The date the agreement ends');
  errors.push(...input.errors);
  const firstCharges: FirstCharge[] = [];
  for (const i of [0, 1]) {
    const payer = str(`first_charges.${i}.payer`);
    const percent = str(`first_charges.${i}.percent`);
    const cap = str(`first_charges.${i}.cap`);
    if (!payer && !percent && !cap) continue;
    const basisPoints = parsePercent(percent);
    if (basisPoints === null) errors.push({ field: `first_charges.${i}.percent`, message: 'Enter the first charge as a percentage from 0 to 100, for example 50' });
    let capPence: number | null = null;
    if (cap) {
      const parsed = parsePounds(cap, 'The cap');
      if (parsed.ok) capPence = parsed.pence;
      else errors.push({ field: `first_charges.${i}.cap`, message: parsed.message });
    }
    const cost = str(`first_charges.${i}.cost`) as CostKind;
    if (!COSTS.includes(cost)) errors.push({ field: `first_charges.${i}.cost`, message: 'Select which costs the first charge is on' });
    firstCharges.push({ payer, cost, basisPoints: basisPoints ?? 0, capPence });
  }
  const kind = str('remainder_kind') === 'shares' ? 'shares' : 'equal';
  const ticked = (Array.isArray(f.remainder_payers) ? f.remainder_payers : f.remainder_payers ? [f.remainder_payers] : []).map(String).filter((p) => p && p !== '_none');
  const shares: { payer: string; basisPoints: number }[] = [];
  for (const [k, v] of Object.entries(f)) {
    if (!k.startsWith('share_') || !String(v).trim()) continue;
    const bp = parsePercent(String(v));
    if (bp === null) errors.push({ field: k, message: 'Enter each share as a percentage, for example 25 or 33.33' });
    else shares.push({ payer: k.slice('share_'.length), basisPoints: bp });
  }
  const remainder = kind === 'equal' ? { kind, payers: ticked } as const : { kind, shares } as const;
  return { draft: { title, effective_from, effective_to, rules: { firstCharges, remainder } }, errors };
}

/** The agreement as the API sends it: basis points and pence, payers by organisation id. */
export function agreementFromApi(body: { title?: string; effectiveFrom?: string; effectiveTo?: string | null; firstCharges?: FirstCharge[]; remainder?: FundingAgreement['remainder'] }) {
  const input = new Input({ title: body.title, effective_from: body.effectiveFrom, effective_to: body.effectiveTo ?? '' });
  const title = input.text('title', 'Enter the name of the agreement', 200);
  const effective_from = input.date('effective_from', 'The date the agreement starts');
  const effective_to = input.optionalDate('effective_to', 'The date the agreement ends');
  return {
    draft: { title, effective_from, effective_to, rules: { firstCharges: body.firstCharges ?? [], remainder: body.remainder ?? { kind: 'equal', payers: [] } } } as AgreementDraft,
    errors: input.errors,
  };
}

export async function createAgreement(ctx: Context, given: { draft: AgreementDraft; errors: FieldError[] }) {
  authorize(ctx.actor, 'create', reviewMoneyResources.agreement());
  const pid = ctx.actor.partnershipId;
  const { draft } = given;
  const orgs = await organisationOptions(ctx.db, pid);
  const problems = [...given.errors];
  // Form fields already refused are not reported twice by the rules' own check.
  for (const p of rulesProblems(draft.rules, orgs.map((o) => o.id))) if (!problems.some((e) => e.field === p.field)) problems.push(p);
  if (problems.length) throw new ValidationError(problems);
  return inTransaction(ctx, async (trx) => {
    const others = await listAgreements(trx, pid);
    const clash = agreementPeriodProblem(others, draft.effective_from, draft.effective_to);
    if (clash) throw ValidationError.single('effective_from', clash);
    const row = await trx.insertInto('review_funding_agreements').values({
      partnership_id: pid, title: draft.title, effective_from: draft.effective_from, effective_to: draft.effective_to, rules: JSON.stringify(draft.rules), created_by: userId(ctx),
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'review-funding-agreement', recordId: row.id, summary: `Funding agreement for reviews: ${draft.title}`, after: { ...row, rules: draft.rules } });
    return row;
  });
}

/** Ends an agreement on a date (so another may follow it). */
export async function endAgreement(ctx: Context, id: string, body: unknown) {
  authorize(ctx.actor, 'update', reviewMoneyResources.agreement());
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const effective_to = input.date('effective_to', 'The date the agreement ends');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const all = await listAgreements(trx, pid);
    const before = all.find((a) => a.id === id);
    if (!before) throw new NotFoundError();
    const clash = agreementPeriodProblem(all, before.effective_from, effective_to, id);
    if (clash) throw ValidationError.single('effective_to', clash);
    const after = await trx.updateTable('review_funding_agreements').set({ effective_to, updated_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'review-funding-agreement', recordId: id, summary: `Ends on ${effective_to}`, before: { effective_to: before.effective_to }, after: { effective_to } });
    return after;
  });
}

// ------------------------------------------------------------------ a case's costs

async function caseToChange(ctx: Context, caseId: string) {
  authorize(ctx.actor, 'read', reviewMoneyResources.caseMoney(caseId));
  authorize(ctx.actor, 'update', reviewMoneyResources.caseMoney(caseId));
  const found = await findCase(ctx.db, ctx.actor.partnershipId, caseId);
  if (!found) throw new NotFoundError();
  return found;
}

/** Pounds typed for a cost: blank or 0 is nothing; otherwise as parsePounds reads it. The API sends integer pence. */
function readPence(body: Record<string, unknown>, kind: CostKind, label: string, errors: FieldError[]): number {
  const api = body[`${kind}_pence`];
  if (api !== undefined) {
    if (typeof api === 'number' && Number.isSafeInteger(api) && api >= 0) return api;
    errors.push({ field: kind, message: `${label} must be a whole number of pence, 0 or more` });
    return 0;
  }
  const raw = typeof body[kind] === 'string' ? (body[kind] as string).trim() : '';
  if (!raw || /^£?\s*0+(\.0+)?$/.test(raw)) return 0;
  const parsed = parsePounds(raw, label);
  if (parsed.ok) return parsed.pence;
  errors.push({ field: kind, message: parsed.message });
  return 0;
}

export async function setCosts(ctx: Context, caseId: string, body: unknown) {
  await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const costs: Costs = {
    chair: readPence(b, 'chair', 'The independent chair’s costs', errors),
    author: readPence(b, 'author', 'The independent author’s costs', errors),
    other: readPence(b, 'other', 'Other costs', errors),
  };
  // A form sent with every cost blank says nothing: it is refused rather than read as three zeros.
  if (!errors.length && COSTS.every((k) => b[`${k}_pence`] === undefined && !(typeof b[k] === 'string' && (b[k] as string).trim()))) {
    errors.push({ field: 'chair', message: 'Enter the case’s costs: the independent chair’s, the author’s or other costs (0 where there are none)' });
  }
  const input = new Input(body);
  const note = input.optionalText('note', 'The note', 2000);
  errors.push(...input.errors);
  if (errors.length) throw new ValidationError(errors);
  return inTransaction(ctx, async (trx) => {
    const before = await findCosts(trx, pid, caseId);
    const values = { chair_pence: costs.chair, author_pence: costs.author, other_pence: costs.other, note, updated_by: userId(ctx), updated_at: new Date() };
    await trx.insertInto('review_case_costs').values({ partnership_id: pid, case_id: caseId, ...values })
      .onConflict((oc) => oc.columns(['partnership_id', 'case_id']).doUpdateSet(values)).execute();
    await recordAudit(trx, ctx.actor, {
      action: before.recorded ? 'update' : 'create', recordType: 'review-case', recordId: caseId,
      summary: `Costs: chair ${formatPence(costs.chair)}, author ${formatPence(costs.author)}, other ${formatPence(costs.other)}`,
      before: before.recorded ? { costs: before.costs, note: before.note } : undefined, after: { costs, note },
    });
    return costs;
  });
}

// ------------------------------------------------------------------ contribution lines

/**
 * Raises the contribution lines of a case from its costs and the agreement in effect on the
 * day the partnership was notified. Lines not yet invoiced are raised again from the
 * costs as they now stand; once any is invoiced or paid, the lines are kept as they are.
 */
export async function raiseLines(ctx: Context, caseId: string, today = todayIso()) {
  const c = await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const agreement = agreementOn(await listAgreements(trx, pid), c.notified_on);
    if (!agreement) throw ValidationError.single('agreement', `No funding agreement for reviews was in effect on ${c.notified_on}, the day the partnership was notified: add one first`);
    const { costs, recorded } = await findCosts(trx, pid, caseId);
    if (!recorded || costs.chair + costs.author + costs.other === 0) throw ValidationError.single('chair', 'Enter the case’s costs before raising contributions');
    const existing = await trx.selectFrom('review_contribution_lines').selectAll().where('partnership_id', '=', pid).where('case_id', '=', caseId).forUpdate().execute();
    if (existing.some((l) => l.status !== 'raised')) {
      throw new ConflictError('Some contributions of this case have been invoiced or paid, so they cannot be raised again: settle any change of costs with the partners directly', 'agreement');
    }
    const orgs = new Map((await organisationOptions(trx, pid)).map((o) => [o.id, o.name]));
    const lines = contributionLines(agreement.rules, costs).filter((l) => l.pence > 0);
    if (existing.length) await trx.deleteFrom('review_contribution_lines').where('partnership_id', '=', pid).where('case_id', '=', caseId).execute();
    const rows = lines.length ? await trx.insertInto('review_contribution_lines').values(lines.map((l) => ({
      partnership_id: pid, case_id: caseId, agreement_id: agreement.id, payer_organisation_id: l.payer, payer_name: orgs.get(l.payer) ?? 'Unknown organisation',
      pence: l.pence, basis: l.basis, raised_on: today, created_by: userId(ctx),
    }))).returningAll().execute() : [];
    await recordAudit(trx, ctx.actor, {
      action: existing.length ? 'update' : 'create', recordType: 'review-case', recordId: caseId,
      summary: `Contributions ${existing.length ? 'raised again' : 'raised'} under "${agreement.title}": ${rows.map((r) => `${r.payer_name} ${formatPence(Number(r.pence))}`).join('; ')}`,
      before: existing.length ? { lines: existing.map((l) => ({ payer: l.payer_name, pence: Number(l.pence) })) } : undefined,
      after: { agreement: agreement.id, costs, lines: rows.map((r) => ({ payer: r.payer_name, pence: Number(r.pence), basis: r.basis })) },
    });
    return rows;
  });
}

/** Records a line's invoice or payment: its date and reference. */
export async function moveLine(ctx: Context, caseId: string, lineId: string, body: unknown, today = todayIso()) {
  await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const to = input.oneOf('to', ['invoiced', 'paid'] as const, 'Select what to record: the invoice or the payment');
  const on = input.date('on', 'The date');
  const reference = input.optionalText('reference', 'The reference', 100) ?? '';
  // A missing reference is reported with the date's problems; the rest (its turn, its date) by lineMoveProblems below.
  if (!reference && input.errors.length) input.fail('reference', `Enter the ${to === 'paid' ? 'payment' : 'invoice'} reference`);
  input.check();
  return inTransaction(ctx, async (trx) => {
    const line = await trx.selectFrom('review_contribution_lines').selectAll().where('partnership_id', '=', pid).where('case_id', '=', caseId)
      .where('id', '=', lineId).forUpdate().executeTakeFirst();
    if (!line) throw new NotFoundError();
    const move: LineMove = { to, on, reference };
    const problems = lineMoveProblems(line, move, today);
    if (problems.length) throw new ValidationError(problems);
    const set = to === 'invoiced' ? { status: to, invoiced_on: on, invoice_reference: reference } : { status: to, paid_on: on, payment_reference: reference };
    const after = await trx.updateTable('review_contribution_lines').set({ ...set, updated_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', lineId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'review-case', recordId: caseId,
      summary: `${line.payer_name}'s contribution of ${formatPence(Number(line.pence))} ${to} on ${on} (${reference})`,
      before: { line: line.id, status: line.status }, after: { line: line.id, ...set },
    });
    return { ...after, pence: Number(after.pence) };
  });
}

export { findAgreement };
