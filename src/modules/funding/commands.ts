// Changes to funding: check permission, validate, write and audit in one transaction.
// Every change of a pot takes the grant's row lock first, so two approvals of the last
// pounds of a pot happen one after the other and the second sees what the first left.
import { authorize, fundingResources, type Actor } from '../../access/policy.ts';
import { recordAudit, type AuditActor } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import {
  allocate, changeRules, claimProblem, fractionLabel, financialYear, formatPence, inFinancialYear, longDate, moveProblem, moveUnallocated, MOVES, openingLedger, outturn,
  parseFraction, parsePounds, POTS, potLabel, ROUNDINGS, settleUnderspend, tacticalLock, unallocatedMoveDue, UNDERSPEND_RULES,
  type Ledger, type Move, type Pot, type ProposalStatus,
} from './domain.ts';
import {
  boardChairs, earlierProjects, findConsideration, findProposalRow, leadUserIdOf, ledgerOf, lockGrantRow, lockProposalRow, organisationExists, rulesOf, spentOnGrant, spentOnProposal,
} from './store.ts';
import { fundingRecordResource, grantResource, proposalResource } from './access.ts';
import { indexFunding } from './search.ts';
import { listPriorities } from '../strategy/store.ts';

const authorLabel = (actor: Actor) => (actor.kind === 'user' ? actor.displayName : 'public');
const userId = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

/** An amount in pounds from a form or the API; null (with the problem noted) when it cannot be read. */
function pounds(input: Input, body: unknown, field: string, label: string, required = true): number | null {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  const text = raw === undefined || raw === null ? '' : typeof raw === 'number' ? raw.toFixed(2) : String(Array.isArray(raw) ? raw[0] ?? '' : raw);
  if (!text.trim() && !required) return null;
  const r = parsePounds(text, label);
  if (!r.ok) { input.fail(field, r.message); return null; }
  return r.pence;
}

const ledgerColumns = (l: Ledger) => ({
  allocated_pence: l.allocated, unallocated_pence: l.unallocated, held_back_pence: l.heldBack, returned_pence: l.returned,
});

type GrantRowT = NonNullable<Awaited<ReturnType<typeof lockGrantRow>>>;

/**
 * Under the grant's lock: when the grant's date has come, unallocated upfront money moves
 * to the held-back pot before anything else is drawn, with its own audit entry.
 */
async function applyDueMove(trx: Tx, actor: Actor, grant: GrantRowT, today: string): Promise<GrantRowT> {
  const ledger = ledgerOf(grant);
  if (!unallocatedMoveDue(ledger, rulesOf(grant), today)) return grant;
  const moved = moveUnallocated(ledger);
  const after = await trx.updateTable('grants').set({ ...ledgerColumns(moved), updated_at: new Date() })
    .where('partnership_id', '=', grant.partnership_id).where('id', '=', grant.id).returningAll().executeTakeFirstOrThrow();
  await recordAudit(trx, { kind: 'system', partnershipId: grant.partnership_id }, {
    action: 'update', recordType: 'grant', recordId: grant.id,
    summary: `Unallocated upfront money (${formatPence(ledger.unallocated)}) moved to the held-back pot, as the grant's rules say from ${longDate(grant.unallocated_moves_on!)}`,
    before: grant, after,
  });
  void actor;
  return after;
}

// Grants ----------------------------------------------------------------------------------

export async function createGrant(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', grantResource());
  const input = new Input(body);
  const funder_organisation_id = input.id('funder_organisation_id', 'Select the funder');
  const recipient_organisation_id = input.optionalId('recipient_organisation_id', 'Select the organisation that receives the grant');
  const programme = input.text('programme', 'Enter the programme, for example Crime Reduction Grant', 200);
  const yearRaw = input.optionalInteger('financial_year', 'The financial year', 1990, 2200);
  if (yearRaw === null && !input.errors.some((e) => e.field === 'financial_year')) input.fail('financial_year', 'Enter the first year of the financial year, for example 2021 for 2021/22');
  const awarded = pounds(input, body, 'awarded', 'The amount awarded');
  const awarded_on = input.date('awarded_on', 'The date of the award');
  const conditions = input.optionalText('conditions', 'The conditions', 5000);
  const shareRaw = input.optionalText('held_back_share', 'The share held back', 20) ?? '1/3';
  const share = parseFraction(shareRaw);
  if (!share) input.fail('held_back_share', 'Enter the share held back as a fraction from 0 to 1, for example 1/3 or 25%');
  const rounding = input.optionalOneOf('rounding', ROUNDINGS.map((r) => r.value), 'Select how the held-back amount is rounded') ?? 'down';
  const lock = input.has('lock_while_earlier_open') ? input.boolean('lock_while_earlier_open') : true;
  const unallocated_moves_on = input.optionalDate('unallocated_moves_on', 'The date unallocated money moves to the held-back pot');
  const underspend_rule = input.optionalOneOf('underspend_rule', UNDERSPEND_RULES.map((r) => r.value), 'Select what happens to underspend') ?? 'return';
  if (yearRaw !== null && awarded_on && !inFinancialYear(awarded_on, yearRaw) && awarded_on > financialYear(yearRaw).endsOn) {
    input.fail('awarded_on', `The date of the award must be on or before the end of ${financialYear(yearRaw).label} (${longDate(financialYear(yearRaw).endsOn)})`);
  }
  if (yearRaw !== null && unallocated_moves_on && !inFinancialYear(unallocated_moves_on, yearRaw)) {
    input.fail('unallocated_moves_on', `The date unallocated money moves must be within ${financialYear(yearRaw).label}: from ${longDate(financialYear(yearRaw).startsOn)} to ${longDate(financialYear(yearRaw).endsOn)}`);
  }
  input.check();
  const pid = ctx.actor.partnershipId;
  const rules = {
    heldBackNumerator: share!.numerator, heldBackDenominator: share!.denominator, rounding,
    lockWhileEarlierOpen: lock, unallocatedMovesOn: unallocated_moves_on, underspend: underspend_rule,
  };
  const ledger = openingLedger(awarded!, rules);
  return inTransaction(ctx, async (trx) => {
    const problems: FieldError[] = [];
    if (!(await organisationExists(trx, pid, funder_organisation_id))) problems.push({ field: 'funder_organisation_id', message: 'Select the funder' });
    if (recipient_organisation_id && !(await organisationExists(trx, pid, recipient_organisation_id))) {
      problems.push({ field: 'recipient_organisation_id', message: 'Select the organisation that receives the grant' });
    }
    if (problems.length) throw new ValidationError(problems);
    const clash = await trx.selectFrom('grants').select('id').where('partnership_id', '=', pid).where('funder_organisation_id', '=', funder_organisation_id)
      .where('financial_year', '=', yearRaw!).where((eb) => eb(eb.fn('lower', ['programme']), '=', programme.toLowerCase())).executeTakeFirst();
    if (clash) throw new ConflictError(`This funder's ${programme} for ${financialYear(yearRaw!).label} is already recorded`, 'financial_year');
    const row = await trx.insertInto('grants').values({
      partnership_id: pid, funder_organisation_id, recipient_organisation_id, programme, financial_year: yearRaw!, awarded_on, conditions,
      held_back_numerator: rules.heldBackNumerator, held_back_denominator: rules.heldBackDenominator, rounding, lock_while_earlier_open: lock,
      unallocated_moves_on, underspend_rule, awarded_pence: ledger.awarded, ...ledgerColumns(ledger),
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'grant', recordId: row.id,
      summary: `${programme} ${financialYear(row.financial_year).label}: ${formatPence(ledger.awarded)} awarded, ${formatPence(ledger.heldBack)} held back`, after: row,
    });
    await indexFunding(trx, pid);
    return row;
  });
}

/**
 * Changes a grant's rules: the share held back and its rounding (the difference moves
 * between the upfront money and the held-back pot), the lock, the date unallocated money
 * moves, the underspend rule. A field left out keeps its value. Refused, with nothing
 * changed, when the ledger could not stay whole or the outturn is recorded.
 */
export async function updateGrantRules(ctx: Context, grantId: string, body: unknown) {
  authorize(ctx.actor, 'update', grantResource());
  const input = new Input(body);
  const pid = ctx.actor.partnershipId;
  const shareRaw = input.has('held_back_share') ? input.optionalText('held_back_share', 'The share held back', 20) : undefined;
  const share = shareRaw === undefined ? undefined : shareRaw === null ? null : parseFraction(shareRaw);
  if (share === null) input.fail('held_back_share', 'Enter the share held back as a fraction from 0 to 1, for example 1/3 or 25%');
  const rounding = input.has('rounding') ? input.optionalOneOf('rounding', ROUNDINGS.map((r) => r.value), 'Select how the held-back amount is rounded') : undefined;
  if (input.has('rounding') && rounding === null) input.fail('rounding', 'Select how the held-back amount is rounded');
  const lock = input.has('lock_while_earlier_open') ? input.boolean('lock_while_earlier_open') : undefined;
  const dateGiven = ['', '-day', '-month', '-year'].some((x) => input.has(`unallocated_moves_on${x}`));
  const movesOn = dateGiven ? input.optionalDate('unallocated_moves_on', 'The date unallocated money moves to the held-back pot') : undefined;
  const underspend = input.has('underspend_rule') ? input.optionalOneOf('underspend_rule', UNDERSPEND_RULES.map((r) => r.value), 'Select what happens to underspend') : undefined;
  if (input.has('underspend_rule') && underspend === null) input.fail('underspend_rule', 'Select what happens to underspend');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const before = await lockGrantRow(trx, pid, grantId);
    if (!before) throw new NotFoundError();
    const year = financialYear(before.financial_year);
    if (before.outturn_on) throw new ConflictError(`The outturn of ${year.label} was recorded on ${longDate(before.outturn_on)}: the grant's rules can no longer change`, 'held_back_share');
    const from = rulesOf(before);
    const to = {
      heldBackNumerator: share ? share.numerator : from.heldBackNumerator,
      heldBackDenominator: share ? share.denominator : from.heldBackDenominator,
      rounding: rounding ?? from.rounding,
      lockWhileEarlierOpen: lock ?? from.lockWhileEarlierOpen,
      unallocatedMovesOn: movesOn === undefined ? from.unallocatedMovesOn : movesOn,
      underspend: underspend ?? from.underspend,
    };
    if (to.unallocatedMovesOn && !inFinancialYear(to.unallocatedMovesOn, before.financial_year)) {
      throw ValidationError.single('unallocated_moves_on', `The date unallocated money moves must be within ${year.label}: from ${longDate(year.startsOn)} to ${longDate(year.endsOn)}`);
    }
    const change = changeRules(ledgerOf(before), from, to);
    if (!change.ok) throw ValidationError.single(share ? 'held_back_share' : 'rounding', change.message);
    const changed: string[] = [];
    if (to.heldBackNumerator * from.heldBackDenominator !== from.heldBackNumerator * to.heldBackDenominator) changed.push(`share held back ${fractionLabel(to.heldBackNumerator, to.heldBackDenominator)}`);
    if (to.rounding !== from.rounding) changed.push(`rounded ${to.rounding}`);
    if (to.lockWhileEarlierOpen !== from.lockWhileEarlierOpen) changed.push(to.lockWhileEarlierOpen ? 'locked while earlier projects are open' : 'not locked by earlier projects');
    if (to.unallocatedMovesOn !== from.unallocatedMovesOn) changed.push(to.unallocatedMovesOn ? `unallocated money moves on ${longDate(to.unallocatedMovesOn)}` : 'unallocated money stays upfront');
    if (to.underspend !== from.underspend) changed.push(to.underspend === 'return' ? 'underspend returned' : 'underspend carried forward');
    const sameFraction = to.heldBackNumerator === from.heldBackNumerator && to.heldBackDenominator === from.heldBackDenominator;
    if (!changed.length && sameFraction) return before;
    const after = await trx.updateTable('grants').set({
      held_back_numerator: to.heldBackNumerator, held_back_denominator: to.heldBackDenominator, rounding: to.rounding,
      lock_while_earlier_open: to.lockWhileEarlierOpen, unallocated_moves_on: to.unallocatedMovesOn, underspend_rule: to.underspend,
      ...ledgerColumns(change.ledger), updated_at: new Date(),
    }).where('partnership_id', '=', pid).where('id', '=', grantId).returningAll().executeTakeFirstOrThrow();
    const moved = change.ledger.heldBack - Number(before.held_back_pence);
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'grant', recordId: grantId,
      summary: `Rules of ${before.programme} ${year.label} changed: ${changed.join('; ') || 'share written differently'}${moved ? `; held back ${moved > 0 ? 'up' : 'down'} by ${formatPence(Math.abs(moved))}` : ''}`,
      before, after,
    });
    return after;
  });
}

/** Moves unallocated upfront money to the held-back pot now (the grant's date has come). */
export async function moveUnallocatedMoney(ctx: Context, grantId: string, today = todayIso()) {
  authorize(ctx.actor, 'update', grantResource());
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const grant = await lockGrantRow(trx, pid, grantId);
    if (!grant) throw new NotFoundError();
    const ledger = ledgerOf(grant);
    if (ledger.unallocated === 0) throw new ConflictError('There is no unallocated upfront money to move', 'move');
    if (!unallocatedMoveDue(ledger, rulesOf(grant), today)) {
      throw new ConflictError(grant.unallocated_moves_on
        ? `Unallocated money moves to the held-back pot from ${longDate(grant.unallocated_moves_on)}, as the grant's rules say`
        : "The grant's rules set no date for moving unallocated money: change the rules first", 'move');
    }
    return applyDueMove(trx, ctx.actor, grant, today);
  });
}

/** The year-end outturn: what was spent, returned and carried forward. Recorded once. */
export async function recordOutturn(ctx: Context, grantId: string, body: unknown) {
  authorize(ctx.actor, 'update', grantResource());
  const input = new Input(body);
  const on = input.date('outturn_on', 'The date of the outturn');
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const grant = await lockGrantRow(trx, pid, grantId);
    if (!grant) throw new NotFoundError();
    if (grant.outturn_on) throw new ConflictError(`The outturn was recorded on ${longDate(grant.outturn_on)}`, 'outturn_on');
    const yearEnd = financialYear(grant.financial_year).endsOn;
    if (on < yearEnd) throw ValidationError.single('outturn_on', `The outturn is recorded at the end of the year: enter ${longDate(yearEnd)} or later`);
    const o = outturn(ledgerOf(grant), await spentOnGrant(trx, pid, grantId));
    const after = await trx.updateTable('grants').set({
      outturn_on: on, outturn_spent_pence: o.spent, outturn_returned_pence: o.returned, outturn_carried_forward_pence: o.carriedForward, updated_at: new Date(),
    }).where('partnership_id', '=', pid).where('id', '=', grantId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'grant', recordId: grantId,
      summary: `Outturn at ${longDate(on)}: ${formatPence(o.spent)} spent, ${formatPence(o.returned)} returned, ${formatPence(o.carriedForward)} carried forward`,
      before: grant, after,
    });
    return after;
  });
}

// Proposals ----------------------------------------------------------------------------------

export async function createProposal(ctx: Context, grantId: string, body: unknown, today = todayIso()) {
  authorize(ctx.actor, 'create', proposalResource({ status: 'submitted' }));
  const input = new Input(body);
  const title = input.text('title', 'Enter the title of the project', 200);
  const description = input.text('description', 'Enter what the project will do', 5000);
  const pot = (input.optionalOneOf('pot', POTS.map((p) => p.value), 'Select the pot the money is to come from') ?? 'upfront') as Pot;
  const asked = pounds(input, body, 'amount_asked', 'The amount asked for');
  const lead_organisation_id = input.id('lead_organisation_id', 'Select the lead organisation');
  const lead_contact_name = input.optionalText('lead_contact_name', 'The contact’s name', 200);
  const lead_contact_email = input.optionalText('lead_contact_email', 'The contact’s e-mail address', 200);
  if (lead_contact_email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(lead_contact_email)) input.fail('lead_contact_email', 'Enter an e-mail address in the right format, like name@example.org');
  const priority_id = input.optionalId('priority_id', 'Select the agreement priority the project serves, from the list');
  let priority_text = input.optionalText('priority_text', 'The priority', 300);
  const delivery_starts_on = input.date('delivery_starts_on', 'The date delivery starts');
  const delivery_ends_on = input.date('delivery_ends_on', 'The date delivery ends');
  if (delivery_starts_on && delivery_ends_on && delivery_ends_on < delivery_starts_on) input.fail('delivery_ends_on', 'The date delivery ends must be on or after the date it starts');
  const measures = input.optionalText('measures', 'What will be measured', 3000);
  const submitted_on = input.optionalDate('submitted_on', 'The date submitted') ?? today;
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const grant = await trx.selectFrom('grants').selectAll().where('partnership_id', '=', pid).where('id', '=', grantId).executeTakeFirst();
    if (!grant) throw new NotFoundError();
    const year = financialYear(grant.financial_year);
    const problems: FieldError[] = [];
    if (!(await organisationExists(trx, pid, lead_organisation_id))) problems.push({ field: 'lead_organisation_id', message: 'Select the lead organisation' });
    if (!inFinancialYear(delivery_starts_on, grant.financial_year)) {
      problems.push({ field: 'delivery_starts_on', message: `Delivery must start within the grant's year, ${year.label}: from ${longDate(year.startsOn)} to ${longDate(year.endsOn)}` });
    }
    if (grant.outturn_on) problems.push({ field: 'title', message: `The outturn of ${year.label} has been recorded: propose the project for a later year's grant` });
    if (priority_id) {
      // The strategy module's own list: a priority of another partnership, or none, is not in it.
      const priority = (await listPriorities(trx, pid)).find((p) => p.id === priority_id);
      if (!priority) problems.push({ field: 'priority_id', message: 'Select the agreement priority the project serves, from the list' });
      else priority_text = priority.title;
    }
    if (problems.length) throw new ValidationError(problems);
    const row = await trx.insertInto('funding_proposals').values({
      partnership_id: pid, grant_id: grantId, pot, title, description, priority_id, priority_text, amount_asked_pence: asked!,
      lead_organisation_id, lead_contact_name, lead_contact_email, delivery_starts_on, delivery_ends_on, measures, submitted_on,
      created_by: userId(ctx.actor),
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'funding-proposal', recordId: row.id,
      summary: `Proposal submitted: ${title}, ${formatPence(asked!)} from the ${potLabel(pot).toLowerCase()}`, after: row,
    });
    await indexFunding(trx, pid);
    return row;
  });
}

/**
 * One move of a proposal along its stages (domain MOVES). Each reads what its stage
 * requires; approval allocates from the pot under the grant's lock.
 */
export async function moveProposal(ctx: Context, proposalId: string, move: Move, body: unknown, today = todayIso()) {
  const pid = ctx.actor.partnershipId;
  const current = await findProposalRow(ctx.db, pid, proposalId);
  if (!current) throw new NotFoundError();
  authorize(ctx.actor, 'read', proposalResource(current));
  authorize(ctx.actor, 'update', proposalResource(current));
  if (!(move in MOVES)) throw new NotFoundError();
  const input = new Input(body);
  const on = input.optionalDate('on', 'The date') ?? today;
  if (on > today) input.fail('on', 'The date must be today or in the past');
  const fields: Record<string, unknown> = {};
  let amount: number | null = null;
  let meetingIds: { meetingId: string; agendaItemId: string | null; resolutionId: string | null } | null = null;
  let endorser: string | null = null;
  switch (move) {
    case 'consider': {
      const meetingId = input.id('meeting_id', 'Select the Working Group meeting that considered the proposal');
      meetingIds = {
        meetingId,
        agendaItemId: input.optionalId('agenda_item_id', 'The agenda item reference is not valid'),
        resolutionId: input.optionalId('resolution_id', 'The resolution reference is not valid'),
      };
      fields.considered_note = input.optionalText('note', 'The note', 2000);
      break;
    }
    case 'endorse':
      endorser = input.id('person_id', 'Select the chair or vice-chair who endorsed the proposal');
      break;
    case 'approve':
      fields.approved_by = input.text('approved_by', 'Enter who approved it for the funder, for example the Commissioner’s chief finance officer', 200);
      fields.approval_evidence = input.text('evidence', 'Enter the evidence of the approval, for example the date and reference of the Commissioner’s letter', 2000);
      amount = pounds(input, body, 'amount', 'The amount approved', false);
      break;
    case 'withdraw':
    case 'decline':
      fields.closed_reason = input.text('reason', `Enter why the proposal is being ${move === 'withdraw' ? 'withdrawn' : 'declined'}`, 2000);
      break;
    default:
      break;
  }
  input.check();

  return inTransaction(ctx, async (trx) => {
    // The grant first, then the proposal: every command takes the locks in this order.
    const grant0 = await lockGrantRow(trx, pid, current.grant_id);
    if (!grant0) throw new NotFoundError();
    const before = await lockProposalRow(trx, pid, proposalId);
    if (!before) throw new NotFoundError();
    const problem = moveProblem(move, before.status);
    if (problem) throw new ConflictError(problem, 'status');
    const year = financialYear(grant0.financial_year);
    let grant = grant0;
    const set: Record<string, unknown> = { ...fields, status: MOVES[move].to, updated_at: new Date() };
    let summary = `${MOVES[move].label}: ${before.title}`;

    if (move === 'consider') {
      const found = await findConsideration(trx, pid, meetingIds!);
      const problems: FieldError[] = [];
      if (!found.meeting) problems.push({ field: 'meeting_id', message: 'Select the Working Group meeting that considered the proposal' });
      else {
        if (meetingIds!.agendaItemId && found.item?.meeting_id !== found.meeting.id) problems.push({ field: 'agenda_item_id', message: 'The agenda item must be one of that meeting' });
        if (meetingIds!.resolutionId && found.resolution?.meeting_id !== found.meeting.id) problems.push({ field: 'resolution_id', message: 'The resolution must be one of that meeting' });
        if (found.meeting.meets_on > today) problems.push({ field: 'meeting_id', message: 'The meeting has not happened yet: record the consideration after it' });
      }
      if (problems.length) throw new ValidationError(problems);
      Object.assign(set, {
        considered_on: found.meeting!.meets_on, considered_meeting_id: meetingIds!.meetingId,
        considered_agenda_item_id: meetingIds!.agendaItemId, considered_resolution_id: meetingIds!.resolutionId,
      });
    } else if (move === 'endorse') {
      const chairs = await boardChairs(trx, pid, on);
      const chair = chairs.find((c) => c.personId === endorser);
      if (!chair) {
        throw ValidationError.single('person_id', `Select the chair or vice-chair of the Partnership on ${longDate(on)}: only they may endorse a proposal${chairs.length ? ` (${chairs.map((c) => c.name).join(' or ')})` : ''}`);
      }
      if (before.considered_on && on < before.considered_on) throw ValidationError.single('on', `The endorsement cannot be before the Working Group considered it (${longDate(before.considered_on)})`);
      Object.assign(set, { endorsed_on: on, endorsed_by_person_id: chair.personId, endorsed_role: chair.role });
      summary += ` (${chair.role === 'chair' ? 'Chair' : 'Vice-Chair'} ${chair.name})`;
    } else if (move === 'approve') {
      if (on < year.startsOn) throw ValidationError.single('on', `The approval date must be within the grant's year, ${year.label}, from ${longDate(year.startsOn)}`);
      if (before.endorsed_on && on < before.endorsed_on) throw ValidationError.single('on', `The approval date cannot be before the endorsement (${longDate(before.endorsed_on)})`);
      if (grant.outturn_on) throw new ConflictError(`The outturn of ${year.label} has been recorded: nothing more can be allocated from it`, 'amount');
      grant = await applyDueMove(trx, ctx.actor, grant, today);
      let pot = before.pot;
      // Once the upfront money has moved to the held-back pot, upfront proposals draw from there.
      if (pot === 'upfront' && ledgerOf(grant).unallocated === 0 && grant.unallocated_moves_on && today >= grant.unallocated_moves_on) pot = 'tactical';
      if (pot === 'tactical') {
        const lock = tacticalLock(rulesOf(grant), await earlierProjects(trx, pid, grant));
        if (lock.locked) {
          throw new ConflictError(
            `The tactical pot is locked until every project of earlier years is complete: ${lock.holders.map((h) => `${h.title} (${h.grantLabel})`).join(', ')}. Complete or withdraw those projects first`,
            'amount');
        }
      }
      const allocation = amount ?? Number(before.amount_asked_pence);
      const change = allocate(ledgerOf(grant), pot, allocation);
      if (!change.ok) throw new ConflictError(change.message, 'amount');
      grant = await trx.updateTable('grants').set({ ...ledgerColumns(change.ledger), updated_at: new Date() })
        .where('partnership_id', '=', pid).where('id', '=', grant.id).returningAll().executeTakeFirstOrThrow();
      Object.assign(set, { approved_on: on, allocated_pence: allocation, pot });
      summary += `: ${formatPence(allocation)} allocated from the ${potLabel(pot).toLowerCase()}`;
      await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'grant', recordId: grant.id, summary: `Allocated ${formatPence(allocation)} to ${before.title}`, before: grant0, after: grant });
    } else if (move === 'start') {
      set.started_on = on;
    } else if (move === 'complete' || move === 'withdraw' || move === 'decline') {
      if (move === 'complete') set.completed_on = on; else set.closed_on = on;
      const allocated = Number(before.allocated_pence);
      if (allocated > 0) {
        // What was allocated and not spent is settled by the grant's rule.
        const underspend = allocated - (await spentOnProposal(trx, pid, proposalId));
        if (underspend > 0) {
          const settled = settleUnderspend(ledgerOf(grant), underspend, grant.underspend_rule);
          grant = await trx.updateTable('grants').set({ ...ledgerColumns(settled), updated_at: new Date() })
            .where('partnership_id', '=', pid).where('id', '=', grant.id).returningAll().executeTakeFirstOrThrow();
          await recordAudit(trx, ctx.actor, {
            action: 'update', recordType: 'grant', recordId: grant.id,
            summary: `Underspend of ${formatPence(underspend)} on ${before.title} ${grant.underspend_rule === 'return' ? 'returned to the funder' : 'carried forward into the held-back pot'}`,
            before: grant0, after: grant,
          });
          summary += `; underspend ${formatPence(underspend)} ${grant.underspend_rule === 'return' ? 'returned' : 'carried forward'}`;
        }
        Object.assign(set, { underspend_pence: Math.max(underspend, 0), underspend_rule: grant.underspend_rule });
      }
    }
    const after = await trx.updateTable('funding_proposals').set(set).where('partnership_id', '=', pid).where('id', '=', proposalId)
      .returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'funding-proposal', recordId: proposalId, summary, before, after });
    await indexFunding(trx, pid);
    return after;
  });
}

// Spend, progress, delays ---------------------------------------------------------------------

const SPENDING: readonly ProposalStatus[] = ['approved', 'in-delivery'];

export async function recordClaim(ctx: Context, proposalId: string, body: unknown, today = todayIso()) {
  authorize(ctx.actor, 'create', fundingRecordResource());
  const input = new Input(body);
  const paid_on = input.date('paid_on', 'The date it was paid');
  if (paid_on && paid_on > today) input.fail('paid_on', 'The date it was paid must be today or in the past');
  const amount = pounds(input, body, 'amount', 'The amount paid');
  const payee = input.text('payee', 'Enter who was paid', 200);
  const reference = input.optionalText('reference', 'The reference', 200);
  const evidence = input.optionalText('evidence', 'The evidence', 1000);
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const p = await lockProposalRow(trx, pid, proposalId);
    if (!p) throw new NotFoundError();
    if (!SPENDING.includes(p.status)) throw new ConflictError('Claims are paid only on an approved project or one in delivery', 'amount');
    if (p.approved_on && paid_on < p.approved_on) throw ValidationError.single('paid_on', `The date paid cannot be before the approval (${longDate(p.approved_on)})`);
    const problem = claimProblem(Number(p.allocated_pence), await spentOnProposal(trx, pid, proposalId), amount!);
    if (problem) throw ValidationError.single('amount', problem);
    const row = await trx.insertInto('funding_claims').values({
      partnership_id: pid, proposal_id: proposalId, paid_on, amount_pence: amount!, payee, reference, evidence, recorded_by: userId(ctx.actor),
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'funding-claim', recordId: row.id, summary: `Paid ${formatPence(amount!)} to ${payee} for ${p.title}`, after: row });
    return row;
  });
}

/** The fields of a progress return, read and checked (the same for every way a return comes). */
export function readProgressInput(body: unknown, today: string) {
  const input = new Input(body);
  const reported_on = input.optionalDate('reported_on', 'The date of the return') ?? today;
  if (reported_on > today) input.fail('reported_on', 'The date of the return must be today or in the past');
  const text = input.text('text', 'Enter the update: what has been done', 3000);
  const spend = spendToDate(input, body);
  const figures = input.optionalText('figures', 'The figures', 1000);
  return { input, fields: { reported_on, text, spend, figures } };
}
export type ProgressFields = ReturnType<typeof readProgressInput>['fields'];

/**
 * The spend to date a lead reports: whole pounds or pounds and two figures of pence; £0 is
 * a fair answer before anything is spent; left blank, none. Null when blank or refused.
 */
function spendToDate(input: Input, body: unknown): number | null {
  const raw = input.optionalText('spend_to_date', 'The spend to date', 30);
  if (raw === null) return null;
  if (/^£?\s*-/.test(raw.trim())) { input.fail('spend_to_date', 'The spend to date cannot be negative: enter what has been spent so far, or 0'); return null; }
  if (/^£?\s*0+(\.0{2})?$/.test(raw.trim())) return 0;
  return pounds(input, body, 'spend_to_date', 'The spend to date', false);
}

/** Writes a checked return on a project (under the caller's transaction), audited. */
export async function insertProgress(trx: Tx, actor: AuditActor, proposalId: string, f: ProgressFields, author: string, via: 'officer' | 'lead' | 'link') {
  const pid = actor.partnershipId;
  const p = await findProposalRow(trx, pid, proposalId);
  if (!p) throw new NotFoundError();
  if (!['approved', 'in-delivery', 'complete'].includes(p.status)) throw new ConflictError('Progress is reported on approved projects only', 'text');
  if (f.spend !== null && f.spend > Number(p.allocated_pence)) {
    throw ValidationError.single('spend_to_date', `The spend to date cannot be more than the allocation of ${formatPence(Number(p.allocated_pence))}: check the figure`);
  }
  const row = await trx.insertInto('funding_progress').values({
    partnership_id: pid, proposal_id: proposalId, reported_on: f.reported_on, text: f.text, figures: f.figures, spend_to_date_pence: f.spend, author_label: author, via,
  }).returningAll().executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: 'create', recordType: 'funding-progress', recordId: row.id,
    summary: `Progress on ${p.title}${f.spend !== null ? `: spend to date ${formatPence(f.spend)}` : ''}${via === 'link' ? ' (through the e-mailed link)' : ''}`, after: row,
  });
  return row;
}

/**
 * A progress return: dated text, the spend to date the lead reports and figures of
 * progress. Posted by the clerk's team, or by the project's lead (policy: leadReturn).
 */
export async function recordProgress(ctx: Context, proposalId: string, body: unknown, today = todayIso()) {
  const pid = ctx.actor.partnershipId;
  const current = await findProposalRow(ctx.db, pid, proposalId);
  if (!current) throw new NotFoundError();
  authorize(ctx.actor, 'read', proposalResource(current));
  const leadUserId = await leadUserIdOf(ctx.db, pid, current.lead_contact_email);
  authorize(ctx.actor, 'create', fundingResources.leadReturn({ leadUserId }));
  const { input, fields } = readProgressInput(body, today);
  input.check();
  const via = ctx.actor.kind === 'user' && ctx.actor.userId === leadUserId ? 'lead' : 'officer';
  return inTransaction(ctx, (trx) => insertProgress(trx, ctx.actor, proposalId, fields, authorLabel(ctx.actor), via));
}

export async function recordDelay(ctx: Context, proposalId: string, body: unknown, today = todayIso()) {
  authorize(ctx.actor, 'update', fundingRecordResource());
  const input = new Input(body);
  const reason = input.text('reason', 'Enter why the project is delayed', 2000);
  const to = input.date('new_ends_on', 'The new date delivery ends');
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await lockProposalRow(trx, pid, proposalId);
    if (!before) throw new NotFoundError();
    if (!SPENDING.includes(before.status)) throw new ConflictError('Only an approved project or one in delivery can be delayed', 'reason');
    if (to <= before.delivery_ends_on) throw ValidationError.single('new_ends_on', `The new date must be after the current end of delivery, ${longDate(before.delivery_ends_on)}`);
    await trx.insertInto('funding_delays').values({
      partnership_id: pid, proposal_id: proposalId, recorded_on: today, reason, from_ends_on: before.delivery_ends_on, to_ends_on: to, author_label: authorLabel(ctx.actor),
    }).execute();
    const after = await trx.updateTable('funding_proposals').set({ delayed: true, delivery_ends_on: to, updated_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', proposalId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'funding-proposal', recordId: proposalId,
      summary: `Delayed to ${longDate(to)}: ${reason}`, before, after,
    });
    return after;
  });
}
