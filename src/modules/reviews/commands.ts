// Changes to review cases: check permission (the case's own coordinators only), validate,
// write and audit in one transaction. Audit entries use record types beginning
// "review-", which the general history pages never show (access/routes.ts); the subject's
// details are never copied into the audit log.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import {
  placeLabel, placeValues, recommendationStatusLabel, recommendationStatusValues, recommendationUpdateProblems, stageEventProblems,
  themeValues, findStage, type RecommendationStatus, type StageEvent,
} from './domain.ts';
import { findCase, listKinds, listStageEvents } from './store.ts';
import { caseResource } from './reading.ts';
import { openFeedbackCount } from './stages.store.ts';
import { OPEN_FEEDBACK_MESSAGE } from './stages.domain.ts';

const userId = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);
const label = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.displayName : 'public');
/** What the audit keeps of a case: everything but the subject's details. */
const audited = <T extends { subject_details?: string | null }>(row: T) => ({ ...row, subject_details: row.subject_details ? '(recorded, not copied here)' : null });

/** Loads a case the actor may change; a case they may not read is not found. */
async function caseToChange(ctx: Context, caseId: string, db: Context['db'] | Tx = ctx.db) {
  authorize(ctx.actor, 'read', caseResource(caseId));
  authorize(ctx.actor, 'update', caseResource(caseId));
  const found = await findCase(db, ctx.actor.partnershipId, caseId);
  if (!found) throw new NotFoundError();
  return found;
}

async function grantCase(trx: Tx, ctx: Context, caseId: string, userIdToGrant: string) {
  const pid = ctx.actor.partnershipId;
  const held = await trx.selectFrom('access_grants').select('id').where('partnership_id', '=', pid).where('user_id', '=', userIdToGrant)
    .where('scope_kind', '=', 'case').where('scope_id', '=', caseId).executeTakeFirst();
  if (held) return;
  await trx.insertInto('access_grants').values({ partnership_id: pid, user_id: userIdToGrant, scope_kind: 'case', scope_id: caseId, granted_by: userId(ctx) }).execute();
  await recordAudit(trx, ctx.actor, { action: 'grant access', recordType: 'user', recordId: userIdToGrant, summary: `Access given to review case ${caseId}`, after: { grant: `case ${caseId}` } });
}

// ------------------------------------------------------------------ cases

export async function createCase(ctx: Context, body: unknown, today = todayIso()) {
  authorize(ctx.actor, 'create', { type: 'review-case' });
  if (ctx.actor.kind !== 'user') throw new NotFoundError();
  const actor = ctx.actor;
  const pid = actor.partnershipId;
  const kinds = await listKinds(ctx.db, pid);
  const input = new Input(body);
  const kind_code = input.oneOf('kind_code', kinds.map((k) => k.code), 'Select the kind of review');
  const pseudonym = input.text('pseudonym', 'Enter the pseudonym the case is known by (never the real name)', 60);
  const yearText = input.text('year', 'Enter the year the case is known by, for example 2026', 4);
  const year = Number(yearText);
  if (yearText && (!/^\d{4}$/.test(yearText) || year < 1990 || year > 2200)) input.fail('year', 'The year must be four digits, for example 2026');
  const notified_on = input.date('notified_on', 'The date the partnership was notified');
  const died_or_incident_on = input.optionalDate('died_or_incident_on', 'The date of death or incident');
  const notified_how = input.optionalText('notified_how', 'How the partnership was notified', 300);
  const notified_by = input.optionalText('notified_by', 'Who notified the partnership', 300);
  const home_office_ref = input.optionalText('home_office_ref', 'The Home Office reference', 60);
  const nhs_ref = input.optionalText('nhs_ref', 'The NHS tracker reference', 60);
  const police_ref = input.optionalText('police_ref', 'The police reference', 60);
  const subject_details = input.optionalText('subject_details', 'The subject’s details', 5000);
  if (notified_on && notified_on > today) input.fail('notified_on', 'The date of notification must be today or in the past');
  if (died_or_incident_on && notified_on && died_or_incident_on > notified_on) input.fail('died_or_incident_on', 'The date of death or incident must be on or before the date of notification');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const clash = await trx.selectFrom('review_cases').select('id').where('partnership_id', '=', pid).where('pseudonym', '=', pseudonym).where('year', '=', year).executeTakeFirst();
    if (clash) throw new ConflictError(`A case is already known as ${pseudonym} ${year}: choose another pseudonym`, 'pseudonym');
    const row = await trx.insertInto('review_cases').values({
      partnership_id: pid, kind_code, pseudonym, year, notified_on, died_or_incident_on, notified_how, notified_by,
      home_office_ref, nhs_ref, police_ref, subject_details, created_by: actor.userId,
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'create', recordType: 'review-case', recordId: row.id, summary: 'Case opened', after: audited(row) });
    // Whoever opens a case is its first coordinator: otherwise nobody could read it.
    const person = await trx.insertInto('review_case_people').values({
      partnership_id: pid, case_id: row.id, place: 'coordinator', user_id: actor.userId, name: actor.displayName, added_by: actor.userId,
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'create', recordType: 'review-person', recordId: person.id, summary: 'Named review coordinator on opening the case', after: person });
    await grantCase(trx, ctx, row.id, actor.userId);
    return row;
  });
}

// ------------------------------------------------------------------ stages

export async function recordStage(ctx: Context, caseId: string, body: unknown, today = todayIso()) {
  const current = await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const kind = (await listKinds(ctx.db, pid)).find((k) => k.code === current.kind_code);
  if (!kind) throw new NotFoundError();
  const input = new Input(body);
  const stageCode = input.text('stage', 'Select the stage', 60);
  const happened_on = input.date('happened_on', 'The date');
  const outcome = input.optionalText('outcome', 'The outcome', 60);
  const reasons = input.optionalText('reasons', 'The reasons', 5000);
  const delay_reason = input.optionalText('delay_reason', 'The reason for delay', 2000);
  input.check();
  return inTransaction(ctx, async (trx) => {
    const recorded = await listStageEvents(trx, pid, [caseId]);
    const event: StageEvent = { stage: stageCode, happened_on, outcome, reasons, delay_reason };
    const problems = stageEventProblems(kind, current.notified_on, recorded, event, today);
    if (problems.length) throw new ValidationError(problems);
    const before = recorded.find((e) => e.stage === stageCode);
    const values = { happened_on, outcome, reasons, delay_reason, recorded_by: userId(ctx), recorded_at: new Date() };
    const row = before
      ? await trx.updateTable('review_stage_events').set(values).where('partnership_id', '=', pid).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow()
      : await trx.insertInto('review_stage_events').values({ partnership_id: pid, case_id: caseId, stage: stageCode, ...values }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: before ? 'update' : 'create', recordType: 'review-case', recordId: caseId,
      summary: `${findStage(kind, stageCode)!.label}: ${happened_on}`, before: before ?? undefined, after: row,
    });
    return row;
  });
}

// ------------------------------------------------------------------ people

/** Names someone on the case: a coordinator (an officer), or a panel member. A place with an account gives it access. */
export async function addPerson(ctx: Context, caseId: string, body: unknown) {
  await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const place = input.oneOf('place', placeValues, 'Select their place on the case');
  const user_id = input.optionalId('user_id', 'Select the account of the person');
  const givenName = input.optionalText('name', 'The name', 200);
  const agency = input.optionalText('agency', 'The agency', 200);
  const independence_declared_on = input.optionalDate('independence_declared_on', 'The date independence was declared');
  if (place === 'coordinator' && !user_id) input.fail('user_id', 'Select the account of the review coordinator');
  if (!user_id && !givenName) input.fail('name', 'Enter the name of the person, or select their account');
  input.check();
  return inTransaction(ctx, async (trx) => {
    let name = givenName;
    if (user_id) {
      const user = await trx.selectFrom('partnership_users').innerJoin('users', 'users.id', 'partnership_users.user_id')
        .select(['users.display_name', 'partnership_users.role', 'partnership_users.disabled_at'])
        .where('partnership_users.partnership_id', '=', pid).where('users.id', '=', user_id).executeTakeFirst();
      if (!user || user.disabled_at) throw ValidationError.single('user_id', 'Select the account of the person');
      if (place === 'coordinator' && user.role === 'member') throw ValidationError.single('user_id', 'A review coordinator must be an officer or an administrator');
      const current = await trx.selectFrom('review_case_people').select('id').where('partnership_id', '=', pid).where('case_id', '=', caseId)
        .where('user_id', '=', user_id).where('removed_at', 'is', null).executeTakeFirst();
      if (current) throw new ConflictError(`${user.display_name} is already named on this case`, 'user_id');
      name ??= user.display_name;
    }
    const row = await trx.insertInto('review_case_people').values({
      partnership_id: pid, case_id: caseId, place, user_id, name: name!, agency, independence_declared_on, added_by: userId(ctx),
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'review-person', recordId: row.id, summary: `${placeLabel(place)} named on case ${caseId}`, after: row });
    if (user_id) await grantCase(trx, ctx, caseId, user_id);
    return row;
  });
}

/** Ends someone's place on the case; their access ends with it (unless they hold another place). */
export async function removePerson(ctx: Context, caseId: string, personId: string) {
  await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const person = await trx.selectFrom('review_case_people').selectAll().where('partnership_id', '=', pid).where('case_id', '=', caseId)
      .where('id', '=', personId).where('removed_at', 'is', null).executeTakeFirst();
    if (!person) throw new NotFoundError();
    if (person.place === 'coordinator') {
      const others = await trx.selectFrom('review_case_people').select('id').where('partnership_id', '=', pid).where('case_id', '=', caseId)
        .where('place', '=', 'coordinator').where('removed_at', 'is', null).where('id', '<>', personId).execute();
      if (!others.length) throw new ConflictError('Name another review coordinator before removing the last one', 'person');
    }
    const after = await trx.updateTable('review_case_people').set({ removed_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', personId)
      .returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'review-person', recordId: personId, summary: `${placeLabel(person.place)} removed from case ${caseId}`, before: person, after });
    if (person.user_id) {
      const still = await trx.selectFrom('review_case_people').select('id').where('partnership_id', '=', pid).where('case_id', '=', caseId)
        .where('user_id', '=', person.user_id).where('removed_at', 'is', null).executeTakeFirst();
      if (!still) {
        await trx.deleteFrom('access_grants').where('partnership_id', '=', pid).where('user_id', '=', person.user_id)
          .where('scope_kind', '=', 'case').where('scope_id', '=', caseId).execute();
        await recordAudit(trx, ctx.actor, { action: 'revoke access', recordType: 'user', recordId: person.user_id, summary: `Access to review case ${caseId} taken away`, before: { grant: `case ${caseId}` }, after: { grant: null } });
      }
    }
    return after;
  });
}

// ------------------------------------------------------------------ themes and publication

export async function setThemes(ctx: Context, caseId: string, body: unknown) {
  await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const raw = (body && typeof body === 'object' ? (body as Record<string, unknown>).themes : undefined) ?? [];
  const themes = [...new Set((Array.isArray(raw) ? raw : [raw]).map(String).filter((t) => t && t !== '_none'))];
  const unknown = themes.filter((t) => !(themeValues as readonly string[]).includes(t));
  if (unknown.length) throw ValidationError.single('themes', 'Select themes from the list');
  return inTransaction(ctx, async (trx) => {
    const before = (await trx.selectFrom('review_case_themes').select('theme').where('partnership_id', '=', pid).where('case_id', '=', caseId).execute()).map((r) => r.theme).sort();
    await trx.deleteFrom('review_case_themes').where('partnership_id', '=', pid).where('case_id', '=', caseId).execute();
    if (themes.length) await trx.insertInto('review_case_themes').values(themes.map((theme) => ({ partnership_id: pid, case_id: caseId, theme }))).execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'review-case', recordId: caseId, summary: 'Themes changed', before: { themes: before }, after: { themes: [...themes].sort() } });
    return themes;
  });
}

/** Publishes the review: the public then reads its pseudonym, year, summary, date and where it is published. */
export async function publishCase(ctx: Context, caseId: string, body: unknown, today = todayIso()) {
  const current = await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const published_on = input.date('published_on', 'The date of publication');
  const published_summary = input.text('published_summary', 'Enter the published summary, as the public will read it', 10000);
  const published_where = input.optionalText('published_where', 'Where it is published', 500);
  if (published_on && published_on > today) input.fail('published_on', 'The date of publication must be today or in the past');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const kind = (await listKinds(trx, pid)).find((k) => k.code === current.kind_code)!;
    const recorded = await listStageEvents(trx, pid, [caseId]);
    const event: StageEvent = { stage: 'published', happened_on: published_on, outcome: null, reasons: null, delay_reason: null };
    const problems = stageEventProblems(kind, current.notified_on, recorded, event, today).map((p) => ({ ...p, field: p.field === 'happened_on' ? 'published_on' : 'published_summary' }));
    // The quality assurance panel's feedback must all be answered first (stages.commands.ts).
    const openFeedback = await openFeedbackCount(trx, pid, caseId);
    if (openFeedback) problems.push({ field: 'published_on', message: OPEN_FEEDBACK_MESSAGE(openFeedback) });
    if (problems.length) throw new ValidationError(problems);
    const existing = recorded.find((e) => e.stage === 'published');
    if (existing) await trx.updateTable('review_stage_events').set({ happened_on: published_on, recorded_by: userId(ctx) }).where('partnership_id', '=', pid).where('id', '=', existing.id).execute();
    else await trx.insertInto('review_stage_events').values({ partnership_id: pid, case_id: caseId, stage: 'published', happened_on: published_on, recorded_by: userId(ctx) }).execute();
    const after = await trx.updateTable('review_cases').set({ published_on, published_summary, published_where, updated_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', caseId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'publish', recordType: 'review-case', recordId: caseId, summary: 'Review published', before: audited(current), after: audited(after) });
    return after;
  });
}

// ------------------------------------------------------------------ recommendations

export async function addRecommendation(ctx: Context, caseId: string, body: unknown) {
  await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const text = input.text('text', 'Enter the recommendation', 5000);
  const national = input.boolean('national');
  const agency = national ? (input.optionalText('agency', 'The national body', 200) ?? 'National') : input.text('agency', 'Enter the agency the recommendation is made to, or say it is national', 200);
  const agency_actions = input.optionalText('agency_actions', 'The agency’s actions', 5000);
  const owner = input.optionalText('owner', 'The owner', 200);
  const due_on = input.optionalDate('due_on', 'The due date');
  const theme = input.optionalOneOf('theme', themeValues, 'Select a theme from the list');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const last = await trx.selectFrom('review_recommendations').select((eb) => eb.fn.max('number').as('n')).where('partnership_id', '=', pid).where('case_id', '=', caseId).executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const row = await trx.insertInto('review_recommendations').values({
      partnership_id: pid, case_id: caseId, number, text, agency, national, agency_actions, owner, due_on, theme,
    }).returningAll().executeTakeFirstOrThrow();
    await trx.insertInto('review_recommendation_updates').values({
      partnership_id: pid, recommendation_id: row.id, author_user_id: userId(ctx), author_label: label(ctx), from_status: null, to_status: row.status,
    }).execute();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'review-recommendation', recordId: row.id, summary: `Recommendation ${number} added to case ${caseId}`, after: row });
    return row;
  });
}

/** A status change, a note or evidence: one new row of the recommendation's history, never an overwrite of it. */
export async function updateRecommendation(ctx: Context, caseId: string, recommendationId: string, body: unknown) {
  await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const status = input.optionalOneOf('status', recommendationStatusValues, 'Select the status of the recommendation');
  const note = input.optionalText('note', 'The note', 5000);
  const evidence = input.optionalText('evidence', 'The evidence', 5000);
  input.check();
  return inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('review_recommendations').selectAll().where('partnership_id', '=', pid).where('case_id', '=', caseId)
      .where('id', '=', recommendationId).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    const to = (status ?? before.status) as RecommendationStatus;
    const problems = recommendationUpdateProblems({ from: before.status, to, note, evidence });
    if (problems.length) throw new ValidationError(problems);
    const after = await trx.updateTable('review_recommendations').set({ status: to, updated_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', recommendationId).returningAll().executeTakeFirstOrThrow();
    const update = await trx.insertInto('review_recommendation_updates').values({
      partnership_id: pid, recommendation_id: recommendationId, author_user_id: userId(ctx), author_label: label(ctx),
      from_status: before.status, to_status: to, note, evidence,
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'review-recommendation', recordId: recommendationId,
      summary: before.status !== to ? `Status ${recommendationStatusLabel(before.status).toLowerCase()} → ${recommendationStatusLabel(to).toLowerCase()}` : 'Note added',
      before, after: { ...after, note, evidence },
    });
    return { recommendation: after, update };
  });
}

// ------------------------------------------------------------------ kinds

/**
 * Adds a kind of review, or changes one (a built-in one's label or timescales included):
 * the name of a review is data, so "domestic homicide review" becomes "domestic abuse
 * related death review" without a change of code. Officers and administrators.
 */
export async function saveKind(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'update', { type: 'review-kind' });
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const code = input.text('code', 'Enter a short code for the kind, for example mhr', 31).toLowerCase();
  if (code && !/^[a-z][a-z0-9-]{1,30}$/.test(code)) input.fail('code', 'The code must start with a letter and use only small letters, digits and hyphens');
  const label = input.text('label', 'Enter the name of the kind of review', 120);
  const short_label = input.text('short_label', 'Enter a short name, for example DARDR', 20);
  const stage_set = input.oneOf('stage_set', ['dhr', 'sar'] as const, 'Select which stages it follows');
  const decision_months = input.optionalInteger('decision_months', 'The months allowed for the decision', 0, 60);
  const completion_months = input.optionalInteger('completion_months', 'The months allowed to complete the review', 0, 120);
  if (decision_months === null && !input.errors.some((e) => e.field === 'decision_months')) input.fail('decision_months', 'Enter the months allowed for the decision, for example 1');
  if (completion_months === null && !input.errors.some((e) => e.field === 'completion_months')) input.fail('completion_months', 'Enter the months allowed to complete the review, for example 6');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('review_kinds').selectAll().where('partnership_id', '=', pid).where('code', '=', code).executeTakeFirst();
    const values = { label, short_label, stage_set, decision_months: decision_months!, completion_months: completion_months! };
    const row = before
      ? await trx.updateTable('review_kinds').set(values).where('partnership_id', '=', pid).where('code', '=', code).returningAll().executeTakeFirstOrThrow()
      : await trx.insertInto('review_kinds').values({ partnership_id: pid, code, ...values }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: before ? 'update' : 'create', recordType: 'review-kind', recordId: pid, summary: `Kind of review ${code}: ${label}`, before, after: row });
    return row;
  });
}
