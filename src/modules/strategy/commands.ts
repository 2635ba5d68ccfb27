// Changes to the agreement and its plan: check permission, validate, write and audit in
// one transaction. Pages, the API and the spreadsheet import all come through here.
import { authorize, can, type Actor, type Resource } from '../../access/policy.ts';
import { recordAudit, recordAudits } from '../../access/audit.ts';
import { sql } from 'kysely';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { findMinuteSource } from '../actions/sources.ts';
import { minutesResource } from '../meetings/access.ts';
import type { AgreementStatus, LineLevel, LineStatus } from './tables.ts';
import {
  agreementMoveProblem, agreementStatusLabel, carriesForward, childLevel, datesProblem, isAgreementEditable, isAgreementPublic, isPeriod,
  lineStatusLabel, lineStatusValues, nextPeriod, nextRef, periodDates, progressProblems, weightProblem, wouldCycle,
} from './domain.ts';
import { exists, findAgreement, findAgreementByPeriod, findLine, findPriority, listLineRows, listLinesForImport, rollUpMoves, storeRollUp, type Agreement, type LineRow } from './store.ts';
import { indexAgreement } from './search.ts';
import { currentForImport, planChanges } from './planImport.ts';

// ------------------------------------------------------------------ what the policy is asked

/** An agreement: public once published; a draft (or agreed, not yet published) for the partnership's own people. */
export function agreementResource(a: { status: string }): Resource {
  return { type: 'strategy-agreement', published: isAgreementPublic(a.status) };
}

/**
 * A line of the plan: public when its agreement is published and the partnership shows
 * the plan's progress; restricted ones as the monitoring body's restricted business.
 */
export function lineResource(line: { restricted: boolean; owner_person_id: string | null }, agreement: { status: string; plan_public: boolean; monitoring_body_id: string | null }): Resource {
  return {
    type: 'plan-action', published: isAgreementPublic(agreement.status) && agreement.plan_public,
    restricted: line.restricted, bodyId: agreement.monitoring_body_id, ownerPersonId: line.owner_person_id,
  };
}

/** The updates' words (notes, evidence): the partnership's own people, whatever the plan's publication. */
export const updateNotesResource = (line: { restricted: boolean }, agreement: { monitoring_body_id: string | null }): Resource =>
  ({ type: 'plan-update', published: false, restricted: line.restricted, bodyId: agreement.monitoring_body_id });

const userId = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);
const authorLabel = (actor: Actor) => (actor.kind === 'user' ? actor.displayName : 'public');

async function loadAgreement(ctx: Context, id: string): Promise<Agreement> {
  const a = await findAgreement(ctx.db, ctx.actor.partnershipId, id);
  if (!a) throw new NotFoundError();
  authorize(ctx.actor, 'read', agreementResource(a));
  return a;
}

async function lockAgreement(trx: Tx, partnershipId: string, id: string): Promise<Agreement> {
  const a = await trx.selectFrom('strategy_agreements').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!a) throw new NotFoundError();
  return a;
}

// ------------------------------------------------------------------ agreements

export async function createAgreement(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', { type: 'strategy-agreement' });
  const input = new Input(body);
  const period = input.text('period', 'Enter the period the agreement covers, for example 2026-27', 7);
  if (period && !isPeriod(period)) input.fail('period', 'Enter the period as a financial year, for example 2026-27');
  const title = input.text('title', 'Enter the title of the agreement', 200);
  const summary = input.optionalText('summary', 'The summary', 5000);
  const monitoring_body_id = input.optionalId('monitoring_body_id', 'Select the body that monitors the plan');
  input.check();
  const pid = ctx.actor.partnershipId;
  const dates = periodDates(period)!;
  return inTransaction(ctx, async (trx) => {
    const problems: FieldError[] = [];
    if (await findAgreementByPeriod(trx, pid, period)) problems.push({ field: 'period', message: `There is already an agreement for ${period}: open it, or choose another period` });
    if (monitoring_body_id && !(await exists(trx, 'bodies', pid, monitoring_body_id))) problems.push({ field: 'monitoring_body_id', message: 'Select the body that monitors the plan' });
    if (problems.length) throw new ValidationError(problems);
    const row = await trx.insertInto('strategy_agreements').values({
      partnership_id: pid, period, title, summary, monitoring_body_id, starts_on: dates.startsOn, ends_on: dates.endsOn, created_by: userId(ctx.actor),
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'strategy-agreement', recordId: row.id, summary: `Draft agreement for ${period}`, after: row });
    await indexAgreement(trx, row);
    return row;
  });
}

/** Whether the public sees the plan's progress, the monitoring body, the summary. */
export async function updateAgreementSettings(ctx: Context, id: string, body: unknown) {
  const current = await loadAgreement(ctx, id);
  authorize(ctx.actor, 'update', agreementResource(current));
  const input = new Input(body);
  const title = input.has('title') ? input.text('title', 'Enter the title of the agreement', 200) : current.title;
  const summary = input.has('summary') ? input.optionalText('summary', 'The summary', 5000) : current.summary;
  const plan_public = input.has('plan_public') ? input.boolean('plan_public') : current.plan_public;
  const monitoring_body_id = input.has('monitoring_body_id') ? input.optionalId('monitoring_body_id', 'Select the body that monitors the plan') : current.monitoring_body_id;
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await lockAgreement(trx, pid, id);
    if (monitoring_body_id && !(await exists(trx, 'bodies', pid, monitoring_body_id))) throw ValidationError.single('monitoring_body_id', 'Select the body that monitors the plan');
    if (before.status !== 'draft' && (title !== before.title || summary !== before.summary)) {
      throw ValidationError.single('title', 'The title and summary of an agreed agreement do not change: return it to draft first');
    }
    const after = await trx.updateTable('strategy_agreements').set({ title, summary, plan_public, monitoring_body_id, updated_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'strategy-agreement', recordId: id, before, after,
      summary: before.plan_public !== after.plan_public ? (after.plan_public ? 'The plan’s progress is shown to the public' : 'The plan’s progress is no longer public') : 'Settings changed' });
    await indexAgreement(trx, after);
    return after;
  });
}

/**
 * Records that the agreement was agreed: the date, and the resolution of the meeting that
 * agreed it (optional: an agreement may predate the minutes in this system). The
 * resolution must be one this person can read, from minutes that are not restricted, so
 * the agreement and the minutes can point at each other in public.
 */
export async function recordAgreed(ctx: Context, id: string, body: unknown) {
  const current = await loadAgreement(ctx, id);
  authorize(ctx.actor, 'update', agreementResource(current));
  const input = new Input(body);
  const agreed_on = input.date('agreed_on', 'The date it was agreed');
  const resolutionId = input.optionalId('resolution_id', 'The resolution reference is not valid');
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await lockAgreement(trx, pid, id);
    const priorityCount = Number((await trx.selectFrom('strategy_priorities').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('partnership_id', '=', pid).where('agreement_id', '=', id).where('kind', '=', 'priority').executeTakeFirstOrThrow()).n);
    const problem = agreementMoveProblem({ status: before.status, priorityCount, agreedOn: agreed_on, agreedResolutionId: resolutionId }, 'agreed');
    if (problem) throw ValidationError.single('agreed_on', problem);
    let meetingId: string | null = null;
    if (resolutionId) {
      const source = await findMinuteSource(trx, pid, 'resolution', resolutionId);
      if (!source || source.restricted || !can(ctx.actor, 'read', minutesResource({ body_id: source.bodyId, minutes_published_at: source.minutesPublishedAt }))) {
        throw ValidationError.single('resolution_id', 'Choose a resolution from minutes held in public');
      }
      meetingId = source.meetingId;
    }
    const after = await trx.updateTable('strategy_agreements')
      .set({ status: 'agreed', agreed_on, agreed_resolution_id: resolutionId, agreed_meeting_id: meetingId, updated_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'strategy-agreement', recordId: id, before, after, summary: `Agreed on ${agreed_on}` });
    return after;
  });
}

/** Publishing makes the agreement the one in force: the one published before it is superseded. */
export async function moveAgreement(ctx: Context, id: string, to: AgreementStatus) {
  const current = await loadAgreement(ctx, id);
  authorize(ctx.actor, 'update', agreementResource(current));
  if (to !== 'published' && to !== 'draft') throw ValidationError.single('status', 'An agreement is published, or returned to draft');
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await lockAgreement(trx, pid, id);
    const problem = agreementMoveProblem({ status: before.status, priorityCount: 1, agreedOn: before.agreed_on, agreedResolutionId: before.agreed_resolution_id }, to);
    if (problem) throw ValidationError.single('status', problem);
    const now = new Date();
    if (to === 'published') {
      const older = await trx.updateTable('strategy_agreements').set({ status: 'superseded', updated_at: now })
        .where('partnership_id', '=', pid).where('status', '=', 'published').where('period', '<', before.period).returningAll().execute();
      for (const o of older) {
        await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'strategy-agreement', recordId: o.id, summary: `Superseded by the agreement for ${before.period}` });
        await indexAgreement(trx, o);
      }
    }
    const after = await trx.updateTable('strategy_agreements')
      .set(to === 'published' ? { status: 'published', published_at: now, updated_at: now } : { status: 'draft', agreed_on: null, agreed_resolution_id: null, agreed_meeting_id: null, updated_at: now })
      .where('partnership_id', '=', pid).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'strategy-agreement', recordId: id, before, after, summary: `${agreementStatusLabel(before.status)} → ${agreementStatusLabel(to).toLowerCase()}` });
    await indexAgreement(trx, after);
    return after;
  });
}

/**
 * "Refresh for next year": a draft for the next period with the same priorities and
 * themes (each pointing at the one it was copied from) and the plan's open work, whose
 * lines here are then marked carried forward.
 */
export async function refreshAgreement(ctx: Context, id: string, today = todayIso()) {
  const current = await loadAgreement(ctx, id);
  authorize(ctx.actor, 'create', { type: 'strategy-agreement' });
  const pid = ctx.actor.partnershipId;
  const period = nextPeriod(current.period);
  return inTransaction(ctx, async (trx) => {
    if (await findAgreementByPeriod(trx, pid, period)) throw ValidationError.single('refresh', `There is already an agreement for ${period}`);
    const dates = periodDates(period)!;
    const draft = await trx.insertInto('strategy_agreements').values({
      partnership_id: pid, period, title: current.title.replace(current.period, period), summary: current.summary,
      monitoring_body_id: current.monitoring_body_id, starts_on: dates.startsOn, ends_on: dates.endsOn, refreshed_from_id: current.id, created_by: userId(ctx.actor),
    }).returningAll().executeTakeFirstOrThrow();
    const priorities = await trx.selectFrom('strategy_priorities').selectAll().where('partnership_id', '=', pid).where('agreement_id', '=', id).orderBy('position').execute();
    const priorityMap = new Map<string, string>();
    for (const p of priorities) {
      const { id: oldId, created_at: _c, updated_at: _u, agreement_id: _a, carried_from_id: _f, ...rest } = p;
      const copy = await trx.insertInto('strategy_priorities').values({ ...rest, agreement_id: draft.id, carried_from_id: oldId }).returning('id').executeTakeFirstOrThrow();
      priorityMap.set(oldId, copy.id);
    }
    const lines = (await listLineRows(trx, pid, id)).filter((l) => carriesForward(l.status));
    const kept = new Set(lines.map((l) => l.id));
    const lineMap = new Map<string, string>();
    // Parents first, so a child's new parent exists; a child whose parent is closed moves up to the nearest open ancestor.
    const depthOf = (l: LineRow): number => (l.parent_id ? 1 + depthOf(lines.find((x) => x.id === l.parent_id) ?? { ...l, parent_id: null }) : 0);
    for (const l of [...lines].sort((a, b) => depthOf(a) - depthOf(b))) {
      let parent = l.parent_id;
      while (parent && !kept.has(parent)) parent = (await findLine(trx, pid, parent))?.parent_id ?? null;
      const level: LineLevel = parent ? l.level : 'objective';
      const copy = await trx.insertInto('strategy_plan_lines').values({
        partnership_id: pid, agreement_id: draft.id, priority_id: priorityMap.get(l.priority_id)!, parent_id: parent ? lineMap.get(parent)! : null,
        level, position: l.position, ref: l.ref, title: l.title, description: l.description, lead_organisation_id: l.lead_organisation_id,
        owner_person_id: l.owner_person_id, partners: l.partners, starts_on: l.starts_on, due_on: l.due_on, status: l.status, progress: l.progress,
        weight: l.weight, restricted: l.restricted, carried_from_id: l.id,
      }).returningAll().executeTakeFirstOrThrow();
      lineMap.set(l.id, copy.id);
      await trx.insertInto('strategy_plan_updates').values({
        partnership_id: pid, line_id: copy.id, on_date: today, author_user_id: userId(ctx.actor), author_label: authorLabel(ctx.actor),
        status: copy.status, progress: copy.progress, note: `Carried forward from ${current.period}`, source: 'create',
      }).execute();
    }
    const tags = lines.length ? await trx.selectFrom('strategy_plan_line_themes').selectAll().where('partnership_id', '=', pid).where('line_id', 'in', [...kept]).execute() : [];
    for (const t of tags) {
      const line = lineMap.get(t.line_id);
      const theme = priorityMap.get(t.theme_id);
      if (line && theme) await trx.insertInto('strategy_plan_line_themes').values({ partnership_id: pid, line_id: line, theme_id: theme }).execute();
    }
    await storeRollUp(trx, pid, draft.id);
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'strategy-agreement', recordId: draft.id, after: draft,
      summary: `Refreshed from ${current.period}: ${priorities.length} priorities and themes, ${lines.length} open plan lines carried forward` });
    await indexAgreement(trx, draft);
    return draft;
  });
}

// ------------------------------------------------------------------ priorities and themes

export async function addPriority(ctx: Context, agreementId: string, body: unknown) {
  const agreement = await loadAgreement(ctx, agreementId);
  authorize(ctx.actor, 'update', agreementResource(agreement));
  const input = new Input(body);
  const kind = input.oneOf('kind', ['priority', 'theme'] as const, 'Select whether this is a priority or a cross-cutting theme');
  const title = input.text('title', 'Enter the title', 200);
  const description = input.optionalText('description', 'The description', 3000);
  const reasons = input.optionalText('reasons', 'The reasons', 3000);
  const lead_organisation_id = input.optionalId('lead_organisation_id', 'Select the lead organisation');
  const lead_person_id = input.optionalId('lead_person_id', 'Select the lead person');
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const a = await lockAgreement(trx, pid, agreementId);
    const problems: FieldError[] = [];
    if (!isAgreementEditable(a.status)) problems.push({ field: 'title', message: `The agreement is ${agreementStatusLabel(a.status).toLowerCase()}: return it to draft to change its priorities` });
    if (lead_organisation_id && !(await exists(trx, 'organisations', pid, lead_organisation_id))) problems.push({ field: 'lead_organisation_id', message: 'Select the lead organisation' });
    if (lead_person_id && !(await exists(trx, 'people', pid, lead_person_id))) problems.push({ field: 'lead_person_id', message: 'Select the lead person' });
    if (problems.length) throw new ValidationError(problems);
    const last = await trx.selectFrom('strategy_priorities').select((eb) => eb.fn.max('position').as('m'))
      .where('partnership_id', '=', pid).where('agreement_id', '=', agreementId).where('kind', '=', kind).executeTakeFirst();
    const row = await trx.insertInto('strategy_priorities').values({
      partnership_id: pid, agreement_id: agreementId, kind, position: Number(last?.m ?? 0) + 1, title, description, reasons, lead_organisation_id, lead_person_id,
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'strategy-priority', recordId: row.id, after: row, summary: `${kind === 'theme' ? 'Theme' : 'Priority'} added to the agreement for ${a.period}` });
    await indexAgreement(trx, a);
    return row;
  });
}

// ------------------------------------------------------------------ the plan

interface LineFields {
  title: string; description: string | null; lead_organisation_id: string | null; owner_person_id: string | null; partners: string | null;
  starts_on: string | null; due_on: string | null; weight: number; restricted: boolean; theme_ids: string[];
}

function readLineFields(input: Input, body: unknown, current?: LineRow & { theme_ids: string[] }): LineFields {
  const has = (f: string) => !current || input.has(f) || input.has(`${f}-day`);
  const title = has('title') ? input.text('title', 'Enter what is to be done', 500) : current!.title;
  const description = has('description') ? input.optionalText('description', 'The description', 5000) : current!.description;
  const lead_organisation_id = has('lead_organisation_id') ? input.optionalId('lead_organisation_id', 'Select the lead organisation') : current!.lead_organisation_id;
  const owner_person_id = has('owner_person_id') ? input.optionalId('owner_person_id', 'Select the person who owns the work') : current!.owner_person_id;
  const partners = has('partners') ? input.optionalText('partners', 'Partners involved', 1000) : current!.partners;
  const starts_on = has('starts_on') ? input.optionalDate('starts_on', 'The start date') : current!.starts_on;
  const due_on = has('due_on') ? input.optionalDate('due_on', 'The due date') : current!.due_on;
  const weight = has('weight') ? (input.optionalInteger('weight', 'The weight', 0, 100) ?? 1) : current!.weight;
  const restricted = has('restricted') ? input.boolean('restricted') : current!.restricted;
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).theme_ids : undefined;
  const theme_ids = raw === undefined ? (current?.theme_ids ?? []) : (Array.isArray(raw) ? raw.map(String) : String(raw) ? [String(raw)] : []).filter(Boolean);
  const dp = datesProblem(starts_on, due_on);
  if (dp) input.fail('due_on', dp);
  return { title, description, lead_organisation_id, owner_person_id, partners, starts_on, due_on, weight, restricted, theme_ids };
}

async function checkLineRefs(trx: Tx, pid: string, agreementId: string, f: LineFields): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  if (f.lead_organisation_id && !(await exists(trx, 'organisations', pid, f.lead_organisation_id))) problems.push({ field: 'lead_organisation_id', message: 'Select the lead organisation' });
  if (f.owner_person_id && !(await exists(trx, 'people', pid, f.owner_person_id))) problems.push({ field: 'owner_person_id', message: 'Select the person who owns the work' });
  if (f.theme_ids.length) {
    const themes = await trx.selectFrom('strategy_priorities').select('id').where('partnership_id', '=', pid).where('agreement_id', '=', agreementId)
      .where('kind', '=', 'theme').where('id', 'in', f.theme_ids.filter((t) => /^[0-9a-f-]{36}$/i.test(t)).concat(['00000000-0000-0000-0000-000000000000'])).execute();
    if (themes.length !== new Set(f.theme_ids).size) problems.push({ field: 'theme_ids', message: 'Select themes of this agreement' });
  }
  return problems;
}

async function setThemes(trx: Tx, pid: string, lineId: string, themeIds: string[]) {
  await trx.deleteFrom('strategy_plan_line_themes').where('partnership_id', '=', pid).where('line_id', '=', lineId).execute();
  if (themeIds.length) await trx.insertInto('strategy_plan_line_themes').values([...new Set(themeIds)].map((theme_id) => ({ partnership_id: pid, line_id: lineId, theme_id }))).execute();
}

/** A line of the plan: an objective under a priority, or an action or sub-action under its parent. */
export async function addLine(ctx: Context, agreementId: string, body: unknown, today = todayIso()) {
  const agreement = await loadAgreement(ctx, agreementId);
  authorize(ctx.actor, 'create', { type: 'plan-action' });
  const input = new Input(body);
  const parent_id = input.optionalId('parent_id', 'Select where the line sits in the plan');
  const priority_id = parent_id ? null : input.id('priority_id', 'Select the priority the objective serves');
  const fields = readLineFields(input, body);
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const a = await lockAgreement(trx, pid, agreementId);
    if (a.status === 'superseded') throw ValidationError.single('title', 'This agreement has been superseded: add the work to the current one');
    const problems = await checkLineRefs(trx, pid, agreementId, fields);
    const parent = parent_id ? await findLine(trx, pid, parent_id) : undefined;
    const priority = priority_id ? await findPriority(trx, pid, priority_id) : undefined;
    let level: LineLevel | null = null;
    if (parent_id) {
      if (!parent || parent.agreement_id !== agreementId) problems.push({ field: 'parent_id', message: 'Select a line of this plan to put it under' });
      else if (!(level = childLevel(parent.level))) problems.push({ field: 'parent_id', message: 'A sub-action cannot have lines under it: choose an objective or an action' });
    } else {
      if (!priority || priority.agreement_id !== agreementId || priority.kind !== 'priority') problems.push({ field: 'priority_id', message: 'Select the priority the objective serves' });
      level = 'objective';
    }
    if (problems.length) throw new ValidationError(problems);
    const siblings = await trx.selectFrom('strategy_plan_lines').select(['ref', 'weight', 'position']).where('partnership_id', '=', pid).where('agreement_id', '=', agreementId)
      .where((eb) => (parent ? eb('parent_id', '=', parent.id) : eb.and([eb('parent_id', 'is', null), eb('priority_id', '=', priority!.id)]))).execute();
    const wp = weightProblem([...siblings.map((s) => s.weight), fields.weight]);
    if (wp) throw ValidationError.single('weight', wp);
    const prefix = parent ? parent.ref : String(priority!.position);
    const allRefs = (await trx.selectFrom('strategy_plan_lines').select('ref').where('partnership_id', '=', pid).where('agreement_id', '=', agreementId).execute()).map((r) => r.ref);
    const { theme_ids, ...values } = fields;
    const row = await trx.insertInto('strategy_plan_lines').values({
      ...values, partnership_id: pid, agreement_id: agreementId, priority_id: parent ? parent.priority_id : priority!.id, parent_id: parent?.id ?? null,
      level: level!, position: Math.max(0, ...siblings.map((s) => s.position)) + 1, ref: nextRef(prefix, allRefs),
      // A line under restricted work is restricted too.
      restricted: values.restricted || Boolean(parent?.restricted),
    }).returningAll().executeTakeFirstOrThrow();
    await setThemes(trx, pid, row.id, theme_ids);
    await storeRollUp(trx, pid, agreementId);
    await trx.insertInto('strategy_plan_updates').values({
      partnership_id: pid, line_id: row.id, on_date: today, author_user_id: userId(ctx.actor), author_label: authorLabel(ctx.actor),
      status: row.status, progress: row.progress, source: 'create',
    }).execute();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'plan-action', recordId: row.id, after: { ...row, theme_ids }, summary: `${row.ref} added to the plan for ${a.period}` });
    await indexAgreement(trx, a);
    return row;
  });
}

/**
 * Changes to a line's description, owner, dates, weight, place in the tree, or its status
 * set by hand (a parent's, with the reason). Progress and status of the work itself are
 * updates (addProgressUpdate), kept as a history.
 */
export async function editLine(ctx: Context, lineId: string, body: unknown) {
  const pid = ctx.actor.partnershipId;
  const line = await findLine(ctx.db, pid, lineId);
  if (!line) throw new NotFoundError();
  const agreement = (await findAgreement(ctx.db, pid, line.agreement_id))!;
  authorize(ctx.actor, 'read', lineResource(line, agreement));
  authorize(ctx.actor, 'update', { type: 'plan-action-details' });
  const input = new Input(body);
  const themeRows = await ctx.db.selectFrom('strategy_plan_line_themes').select('theme_id').where('partnership_id', '=', pid).where('line_id', '=', lineId).execute();
  const fields = readLineFields(input, body, { ...line, theme_ids: themeRows.map((t) => t.theme_id) });
  const newParent = input.has('parent_id') ? input.optionalId('parent_id', 'Select where the line sits in the plan') : line.parent_id;
  const override = input.has('status_override') ? input.optionalOneOf('status_override', lineStatusValues, 'Select a status from the list') : line.status_override;
  const overrideReason = input.has('status_override_reason') ? input.optionalText('status_override_reason', 'The reason', 1000) : line.status_override_reason;
  if (override && !overrideReason) input.fail('status_override_reason', 'Enter why the status is set by hand rather than worked out from the actions under it');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('strategy_plan_lines').selectAll().where('partnership_id', '=', pid).where('id', '=', lineId).forUpdate().executeTakeFirstOrThrow();
    const problems = await checkLineRefs(trx, pid, line.agreement_id, fields);
    const all = await listLineRows(trx, pid, line.agreement_id);
    let level = before.level;
    let priorityId = before.priority_id;
    if (newParent !== before.parent_id) {
      const parent = newParent ? all.find((l) => l.id === newParent) : undefined;
      if (newParent && !parent) problems.push({ field: 'parent_id', message: 'Select a line of this plan to put it under' });
      else if (wouldCycle(all, lineId, newParent)) problems.push({ field: 'parent_id', message: 'A line cannot go under itself or under one of its own actions: choose a line from another branch' });
      else if (!newParent) problems.push({ field: 'parent_id', message: 'Select the objective or action to put it under' });
      else {
        const l = childLevel(parent!.level);
        const hasGrandchildren = all.some((c) => c.parent_id === lineId && all.some((g) => g.parent_id === c.id));
        if (!l || (l === 'sub-action' && all.some((c) => c.parent_id === lineId)) || (l !== 'objective' && hasGrandchildren && l !== 'action')) {
          problems.push({ field: 'parent_id', message: 'The plan has three levels (objective, action, sub-action): choose a parent that leaves room for the lines under this one' });
        } else { level = l; priorityId = parent!.priority_id; }
      }
    }
    const siblings = all.filter((l) => l.id !== lineId && l.parent_id === newParent && (newParent || l.priority_id === priorityId));
    const wp = weightProblem([...siblings.map((s) => s.weight), fields.weight]);
    if (wp) problems.push({ field: 'weight', message: wp });
    if (problems.length) throw new ValidationError(problems);
    const { theme_ids, ...values } = fields;
    const after = await trx.updateTable('strategy_plan_lines').set({
      ...values, parent_id: newParent, level, priority_id: priorityId, status_override: override, status_override_reason: override ? overrideReason : null, updated_at: new Date(),
    }).where('partnership_id', '=', pid).where('id', '=', lineId).returningAll().executeTakeFirstOrThrow();
    await setThemes(trx, pid, lineId, theme_ids);
    await storeRollUp(trx, pid, line.agreement_id);
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'plan-action', recordId: lineId, before, after: { ...after, theme_ids },
      summary: override !== before.status_override ? (override ? `Status set by hand to ${lineStatusLabel(override).toLowerCase()}: ${overrideReason}` : 'Status worked out from the actions under it again') : 'Details changed' });
    await indexAgreement(trx, agreement);
    return after;
  });
}

/**
 * A dated update by the person who owns the work (or the clerk's team): a status, a
 * progress figure, a note, a link to evidence. Kept as one row of the line's history,
 * never overwritten; the line shows the latest.
 */
export async function addProgressUpdate(ctx: Context, lineId: string, body: unknown, today = todayIso(), source: 'update' | 'import' = 'update') {
  const pid = ctx.actor.partnershipId;
  const line = await findLine(ctx.db, pid, lineId);
  if (!line) throw new NotFoundError();
  const agreement = (await findAgreement(ctx.db, pid, line.agreement_id))!;
  authorize(ctx.actor, 'read', lineResource(line, agreement));
  authorize(ctx.actor, 'update', lineResource(line, agreement));
  const input = new Input(body);
  const status = (input.optionalOneOf('status', lineStatusValues, 'Select the status of the work') ?? line.status) as LineStatus;
  const progressRaw = input.has('progress') && String((body as Record<string, unknown>).progress ?? '').trim() !== '' ? input.optionalInteger('progress', 'Progress', 0, 100) : line.progress;
  const note = input.optionalText('note', 'The note', 5000);
  const evidence_url = input.optionalText('evidence_url', 'The link to evidence', 1000);
  if (evidence_url && !/^https?:\/\/\S+$/i.test(evidence_url)) input.fail('evidence_url', 'Enter the link to evidence as a web address starting with https://');
  const onDate = input.optionalDate('on_date', 'The date of the update') ?? today;
  if (onDate > today) input.fail('on_date', 'The date of the update must be today or in the past');
  input.check();
  const progress = progressRaw ?? line.progress;
  return inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('strategy_plan_lines').selectAll().where('partnership_id', '=', pid).where('id', '=', lineId).forUpdate().executeTakeFirstOrThrow();
    const problems = progressProblems({ fromStatus: before.status, toStatus: status, fromProgress: before.progress, toProgress: progress, note });
    if (problems.length) throw new ValidationError(problems);
    const after = await trx.updateTable('strategy_plan_lines').set({ status, progress, updated_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', lineId).returningAll().executeTakeFirstOrThrow();
    await storeRollUp(trx, pid, line.agreement_id);
    const update = await trx.insertInto('strategy_plan_updates').values({
      partnership_id: pid, line_id: lineId, on_date: onDate, author_user_id: userId(ctx.actor), author_label: authorLabel(ctx.actor),
      from_status: before.status, status, from_progress: before.progress, progress, note, evidence_url, source,
    }).returningAll().executeTakeFirstOrThrow();
    const summary = [
      before.status !== status ? `Status ${lineStatusLabel(before.status).toLowerCase()} → ${lineStatusLabel(status).toLowerCase()}` : null,
      before.progress !== progress ? `Progress ${before.progress}% → ${progress}%` : null,
      note ? `Note: ${note}` : null,
    ].filter(Boolean).join('. ');
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'plan-action', recordId: lineId, before, after, summary });
    return { line: after, update };
  });
}

// ------------------------------------------------------------------ measures

export async function addMeasure(ctx: Context, agreementId: string, body: unknown) {
  const agreement = await loadAgreement(ctx, agreementId);
  authorize(ctx.actor, 'update', agreementResource(agreement));
  const input = new Input(body);
  const title = input.text('title', 'Enter what the measure counts', 300);
  const unit = input.optionalText('unit', 'The unit', 50);
  const direction = input.oneOf('direction', ['up', 'down'] as const, 'Select whether a rise or a fall is good');
  const num = (f: string, label: string) => {
    const raw = String((body as Record<string, unknown>)?.[f] ?? '').trim();
    if (!raw) return null;
    const n = Number(raw.replace(/,/g, ''));
    if (!Number.isFinite(n)) { input.fail(f, `${label} must be a number`); return null; }
    return n;
  };
  const baseline = num('baseline', 'The baseline');
  const baseline_period = input.optionalText('baseline_period', 'The baseline period', 20);
  const target = num('target', 'The target');
  const priority_id = input.optionalId('priority_id', 'Select the priority');
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    if (priority_id) {
      const p = await findPriority(trx, pid, priority_id);
      if (!p || p.agreement_id !== agreementId) throw ValidationError.single('priority_id', 'Select a priority of this agreement');
    }
    const row = await trx.insertInto('strategy_measures').values({ partnership_id: pid, agreement_id: agreementId, priority_id, title, unit, baseline, baseline_period, target, direction })
      .returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'strategy-measure', recordId: row.id, after: row, summary: `Measure added: ${title}` });
    return row;
  });
}

/** A value for a period. A correction is a new value for the same period: the old one is kept. */
export async function recordMeasureValue(ctx: Context, measureId: string, body: unknown, today = todayIso()) {
  const pid = ctx.actor.partnershipId;
  const measure = await ctx.db.selectFrom('strategy_measures').selectAll().where('partnership_id', '=', pid).where('id', '=', measureId).executeTakeFirst();
  if (!measure) throw new NotFoundError();
  const agreement = await loadAgreement(ctx, measure.agreement_id);
  authorize(ctx.actor, 'update', agreementResource(agreement));
  const input = new Input(body);
  const period = input.text('period', 'Enter the period the value is for, for example 2025-26 Q2', 20);
  const raw = String((body as Record<string, unknown>)?.value ?? '').trim();
  const value = Number(raw.replace(/,/g, ''));
  if (!raw) input.fail('value', 'Enter the value');
  else if (!Number.isFinite(value)) input.fail('value', 'The value must be a number');
  const note = input.optionalText('note', 'The note', 1000);
  const on_date = input.optionalDate('on_date', 'The date of the value') ?? today;
  input.check();
  return inTransaction(ctx, async (trx) => {
    const row = await trx.insertInto('strategy_measure_values').values({ partnership_id: pid, measure_id: measureId, period, value, note, on_date, recorded_by: userId(ctx.actor) })
      .returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'strategy-measure-value', recordId: row.id, after: row, summary: `${measure.title}: ${value} for ${period}` });
    return row;
  });
}

// ------------------------------------------------------------------ spreadsheet upload

/**
 * Applies an edited plan (the rows of a CSV or XLSX upload) all at once: the rows are read
 * again against the plan as it is now, and either every change is written, each line's
 * update kept in its history and audited, or (any problem at all) nothing is.
 */
export async function applyPlanImport(ctx: Context, agreementId: string, rows: string[][], today = todayIso()) {
  const agreement = await loadAgreement(ctx, agreementId);
  authorize(ctx.actor, 'update', { type: 'plan-action-details' });
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    await lockAgreement(trx, pid, agreementId);
    if (agreement.status === 'superseded') throw ValidationError.single('file', 'This agreement has been superseded: its plan no longer changes');
    const current = await listLinesForImport(trx, pid, agreementId);
    const { changes, problems } = planChanges(rows, currentForImport(current));
    if (problems.length) throw new ValidationError(problems.map((p) => ({ field: 'file', message: `Row ${p.row}, column ${p.column}: ${p.message}` })));
    const byId = new Map(current.map((l) => [l.id, l]));
    const now = new Date();
    const fields = ['status', 'progress', 'weight', 'starts_on', 'due_on'] as const;
    // Each changed line: what it was and what it becomes, in the fields the sheet changed.
    const afters = changes.map((c) => {
      const was = byId.get(c.id)!;
      const before: Record<string, unknown> = { id: c.id, ref: was.ref };
      const after: Record<string, unknown> = { id: c.id, ref: was.ref };
      for (const f of fields) if (c[f] !== undefined) { before[f] = was[f]; after[f] = c[f]; }
      const line = { ...was, ...Object.fromEntries(fields.filter((f) => c[f] !== undefined).map((f) => [f, c[f]])) } as typeof was;
      return { c, was, line, before, after };
    });
    // The roll-up as it will be, so the changed lines and the parents whose kept roll-up
    // moves are written together, in one statement (arrays through unnest, so that its
    // parameters stay few); the kept updates in another; the audit entries 500 at a time.
    const changedById = new Map(afters.map((x) => [x.c.id, x.line]));
    const next = current.map((l) => changedById.get(l.id) ?? l);
    const moves = new Map(rollUpMoves(next).map((m) => [m.id, m]));
    const written = next.filter((l) => changedById.has(l.id) || moves.has(l.id)).map((l) => ({ ...l, ...moves.get(l.id) }));
    if (written.length) {
      const col = <T>(pick: (x: (typeof written)[number]) => T) => written.map(pick);
      await sql`update strategy_plan_lines as l set status = v.status, progress = v.progress, weight = v.weight, starts_on = v.starts_on, due_on = v.due_on,
          updated_at = case when v.changed then ${now}::timestamptz else l.updated_at end,
          rolled_progress = v.rolled_progress, rolled_status = v.rolled_status, derived_status = v.derived_status, child_count = v.child_count
        from unnest(${col((x) => x.id)}::uuid[], ${col((x) => x.status)}::text[], ${col((x) => x.progress)}::integer[], ${col((x) => x.weight)}::integer[],
          ${col((x) => x.starts_on)}::date[], ${col((x) => x.due_on)}::date[], ${col((x) => changedById.has(x.id))}::boolean[],
          ${col((x) => x.rolled_progress)}::integer[], ${col((x) => x.rolled_status)}::text[], ${col((x) => x.derived_status)}::text[], ${col((x) => x.child_count)}::integer[])
          as v(id, status, progress, weight, starts_on, due_on, changed, rolled_progress, rolled_status, derived_status, child_count)
        where l.partnership_id = ${pid} and l.id = v.id`.execute(trx);
    }
    const kept = afters.filter(({ c }) => c.status !== undefined || c.progress !== undefined || c.note);
    if (kept.length) {
      await sql`insert into strategy_plan_updates (partnership_id, line_id, on_date, author_user_id, author_label, from_status, status, from_progress, progress, note, source)
        select ${pid}::uuid, u.line_id, ${today}::date, ${userId(ctx.actor)}::uuid, ${authorLabel(ctx.actor)}, u.from_status, u.status, u.from_progress, u.progress, u.note, 'import'
        from unnest(${kept.map((x) => x.c.id)}::uuid[], ${kept.map((x) => x.was.status)}::text[], ${kept.map((x) => x.line.status)}::text[],
          ${kept.map((x) => x.was.progress)}::integer[], ${kept.map((x) => x.line.progress)}::integer[], ${kept.map((x) => x.c.note)}::text[])
          with ordinality as u(line_id, from_status, status, from_progress, progress, note, n)
        order by u.n`.execute(trx);
    }
    await recordAudits(trx, ctx.actor, afters.map(({ c, before, after }) => ({
      action: 'update', recordType: 'plan-action', recordId: c.id, before, after, summary: `From a spreadsheet (row ${c.row}): ${c.described.join('. ')}`,
    })));
    return { changes };
  });
}
