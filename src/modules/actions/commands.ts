// Changes to actions: check permission, validate, write and audit in one transaction.
import { authorize, can, type Actor, type Resource } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { indexActions } from './search.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError, ValidationError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import type { ActionStatus } from './tables.ts';
import { actionStatusLabel, actionStatusValues, SOURCE_KINDS, updateProblems } from './domain.ts';
import { findActionRow, findBody, findMeetingOf, organisationExists, personExists } from './store.ts';
import { findMinuteSource } from './sources.ts';
import { agendaResource, minutesResource, restrictedItemResource } from '../meetings/access.ts';

/** What the policy needs to know about one action. */
export function actionResource(a: { restricted: boolean; body_id: string; owner_person_id: string | null }): Resource {
  // Actions are the partnership's working record, not published: signed-in people only.
  return { type: 'action', published: false, restricted: a.restricted, bodyId: a.body_id, ownerPersonId: a.owner_person_id };
}

const authorLabel = (actor: Actor) => (actor.kind === 'user' ? actor.displayName : 'public');

function readNewAction(body: unknown, today: string) {
  const input = new Input(body);
  const body_id = input.id('body_id', 'Select the body that agreed the action');
  const description = input.text('description', 'Enter what is to be done', 2000);

  // The owner: a person or an organisation, exactly one.
  const owner_person_id = input.optionalId('owner_person_id', 'Select the person who owns the action');
  const owner_organisation_id = input.optionalId('owner_organisation_id', 'Select the organisation that owns the action');
  if (!owner_person_id && !owner_organisation_id) input.fail('owner_person_id', 'Select a person or an organisation who owns the action');
  else if (owner_person_id && owner_organisation_id) input.fail('owner_person_id', 'Select a person or an organisation to own the action, not both');

  const due_on = input.date('due_on', 'The due date');
  if (due_on && due_on < today) input.fail('due_on', 'The due date must be today or in the future');

  const meeting_id = input.optionalId('meeting_id', 'The meeting reference is not valid');
  const givenKind = input.optionalOneOf('source_kind', SOURCE_KINDS, 'Select whether the action comes from a minute paragraph, a resolution or is made by hand');
  const source_id = input.optionalId('source_id', 'The minute paragraph or resolution reference is not valid');
  if ((givenKind === 'minute-paragraph' || givenKind === 'resolution') && !source_id && !input.errors.some((e) => e.field === 'source_id')) {
    input.fail('source_id', `Give the ${givenKind === 'resolution' ? 'resolution' : 'minute paragraph'} the action comes from`);
  }
  if ((givenKind === 'manual' || !givenKind) && source_id) {
    input.fail('source_kind', 'Select whether the action comes from a minute paragraph or a resolution');
  }
  const source_kind = givenKind ?? 'manual';
  const source_text = input.optionalText('source_text', 'The words of the minutes', 5000);
  const restricted = input.has('restricted') ? input.boolean('restricted') : null;
  input.check();
  return { body_id, description, owner_person_id, owner_organisation_id, due_on, meeting_id, source_kind, source_id, source_text, restricted };
}

export async function createAction(ctx: Context, body: unknown, today = todayIso()) {
  authorize(ctx.actor, 'create', { type: 'action' });
  const { restricted: markedRestricted, ...values } = readNewAction(body, today);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const agreedBy = await findBody(trx, partnershipId, values.body_id);
    const problems: { field: string; message: string }[] = [];
    if (!agreedBy) problems.push({ field: 'body_id', message: 'Select the body that agreed the action' });
    if (values.owner_person_id && !(await personExists(trx, partnershipId, values.owner_person_id))) {
      problems.push({ field: 'owner_person_id', message: 'Select the person who owns the action' });
    }
    if (values.owner_organisation_id && !(await organisationExists(trx, partnershipId, values.owner_organisation_id))) {
      problems.push({ field: 'owner_organisation_id', message: 'Select the organisation that owns the action' });
    }
    // The meeting and the words the action comes from must be real records of the body that
    // agreed it, which this person may read; the action's restriction is read from them.
    // One not found and one not readable get the same answer, so neither leaks.
    const meeting = values.meeting_id ? await findMeetingOf(trx, partnershipId, values.meeting_id) : undefined;
    if (values.meeting_id && agreedBy && (!meeting || meeting.body_id !== agreedBy.id || !can(ctx.actor, 'read', agendaResource(meeting)))) {
      problems.push({ field: 'meeting_id', message: `The meeting must be one of the meetings of ${agreedBy.name}` });
    }
    let sourceRestricted = false;
    if (values.source_id && (values.source_kind === 'minute-paragraph' || values.source_kind === 'resolution') && agreedBy) {
      const label = values.source_kind === 'resolution' ? 'resolution' : 'minute paragraph';
      const source = await findMinuteSource(trx, partnershipId, values.source_kind, values.source_id);
      const readable = source && can(ctx.actor, 'read', minutesResource({ body_id: source.bodyId, minutes_published_at: source.minutesPublishedAt }))
        && (!source.restricted || can(ctx.actor, 'read', restrictedItemResource(source.bodyId)));
      if (!source || !readable || source.bodyId !== agreedBy.id) {
        problems.push({ field: 'source_id', message: `The ${label} must be one from the minutes of ${agreedBy.name}` });
      } else if (values.meeting_id && source.meetingId !== values.meeting_id) {
        problems.push({ field: 'source_id', message: `The ${label} must be one from the minutes of the meeting the action was agreed at` });
      } else {
        values.meeting_id = source.meetingId;
        values.source_text ??= source.text.slice(0, 5000);
        sourceRestricted = source.restricted;
      }
    }
    if (problems.length) throw new ValidationError(problems);
    // A review panel's business is restricted unless the clerk says otherwise; words from
    // restricted minutes are restricted whatever the request says.
    const marked = markedRestricted ?? agreedBy!.kind === 'panel';
    const row = await trx.insertInto('actions').values({
      ...values,
      partnership_id: partnershipId,
      marked_restricted: marked,
      restricted: marked || sourceRestricted,
      created_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    }).returningAll().executeTakeFirstOrThrow();
    await trx.insertInto('action_updates').values({
      partnership_id: partnershipId, action_id: row.id, author_user_id: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
      author_label: authorLabel(ctx.actor), note: null, from_status: null, to_status: row.status, from_due_on: null, to_due_on: row.due_on,
    }).execute();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'action', recordId: row.id, after: row });
    await indexActions(trx, [row]);
    return row;
  });
}

/**
 * An update: a note, a change of status, a new due date, or any of them together. Each
 * is one row of the action's history, and one entry in the audit log.
 */
export async function addActionUpdate(ctx: Context, actionId: string, body: unknown, today = todayIso()) {
  const partnershipId = ctx.actor.partnershipId;
  const current = await findActionRow(ctx.db, partnershipId, actionId);
  if (!current) throw new NotFoundError();
  authorize(ctx.actor, 'read', actionResource(current));
  authorize(ctx.actor, 'update', actionResource(current));

  const input = new Input(body);
  const status = input.optionalOneOf('status', actionStatusValues, 'Select the status of the action') ?? current.status;
  const note = input.optionalText('note', 'The note', 2000);
  const newDueOn = input.optionalDate('due_on', 'The new due date');
  input.check();

  return inTransaction(ctx, async (trx) => {
    // Read again under a row lock: two updates at once apply one after the other.
    const before = await trx.selectFrom('actions').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', actionId)
      .forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    const problems = updateProblems({ from: before.status, to: status as ActionStatus, note, currentDueOn: before.due_on, newDueOn }, today);
    if (problems.length) throw new ValidationError(problems);
    const dueOn = newDueOn ?? before.due_on;
    const after = await trx.updateTable('actions').set({ status, due_on: dueOn, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', actionId).returningAll().executeTakeFirstOrThrow();
    const update = await trx.insertInto('action_updates').values({
      partnership_id: partnershipId, action_id: actionId, author_user_id: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
      author_label: authorLabel(ctx.actor), note, from_status: before.status, to_status: after.status,
      from_due_on: before.due_on, to_due_on: after.due_on,
    }).returningAll().executeTakeFirstOrThrow();
    const summary = [
      before.status !== after.status ? `Status ${actionStatusLabel(before.status).toLowerCase()} → ${actionStatusLabel(after.status).toLowerCase()}` : null,
      before.due_on !== after.due_on ? `Due ${before.due_on} → ${after.due_on}` : null,
      note ? `Note: ${note}` : null,
    ].filter(Boolean).join('. ');
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'action', recordId: actionId, summary, before, after });
    return { action: after, update };
  });
}
