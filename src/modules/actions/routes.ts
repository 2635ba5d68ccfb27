// Pages and API of the actions module. Actions are the partnership's working record:
// they are for signed-in people only, never public; restricted ones (from business held
// without press and public) only for officers and those granted the body.
import { firstValue } from '../../web/forms.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, isStaff, type Actor } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { isRealDate } from '../../web/validate.ts';
import { todayIso } from '../partnership/domain.ts';
import { fromApi } from '../partnership/presenters.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { ACTION_STATUSES, NEXT_STATUSES, actionStatusLabel, dueWording, isOutstanding, sourceKindLabel } from './domain.ts';
import {
  bodyOptions, countOverdueActions, findAction, findBody, listActions, listActionUpdates, organisationOptions, personOptions, type ActionView,
} from './store.ts';
import { actionResource, addActionUpdate, createAction } from './commands.ts';
import { sendActionReminders } from './reminders.ts';
import { listMattersArising } from './mattersArising.ts';
import { presentAction, presentActionUpdate } from './presenters.ts';
import { auditActionReads, readableActions } from './reading.ts';
import {
  Action, ActionInput, ActionsQuery, ActionUpdate, ActionUpdateInput, ActionWithUpdates, IdParams, ListOf, MatterArising, MattersArisingQuery,
} from './schemas.ts';
import type { ActionStatus } from './tables.ts';
import { publicOrigin } from '../public/address.ts';

/** The list's status filter: outstanding (open and in progress) unless asked otherwise. */
const STATUS_FILTERS = [
  { value: 'outstanding', text: 'Open or in progress' },
  { value: 'overdue', text: 'Overdue' },
  ...ACTION_STATUSES,
  { value: 'all', text: 'All' },
];

function matchesStatus(a: ActionView, filter: string): boolean {
  if (filter === 'all') return true;
  if (filter === 'overdue') return a.overdue;
  if (filter === 'outstanding') return isOutstanding(a.status);
  return a.status === filter;
}

/** Actions are not public: anyone else is asked to sign in (a 401 in the API). */
function requireSignedIn(actor: Actor): void {
  if (!can(actor, 'read', { type: 'action', published: false })) throw new ForbiddenError('sign-in');
}

const one = firstValue;

export async function actionsRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const visible = (actor: Actor, actions: ActionView[]) => actions.filter((a) => can(actor, 'read', actionResource(a)));

  /** One action this reader may read; a restricted one's read is audited. */
  async function load(req: FastifyRequest, id: string): Promise<ActionView> {
    requireSignedIn(req.actor);
    const action = isUuid(id) ? await findAction(db, req.partnership.id, id, todayIso()) : undefined;
    if (!action) throw new NotFoundError();
    authorize(req.actor, 'read', actionResource(action));
    await auditActionReads(db, req.actor, [action], 'Read restricted action');
    return action;
  }

  async function loadBody(partnershipId: string, id: string) {
    const body = isUuid(id) ? await findBody(db, partnershipId, id) : undefined;
    if (!body) throw new NotFoundError();
    return body;
  }

  /** Rows for the list template: what a reader needs, worded. */
  const listRows = (actions: ActionView[], today: string) => actions.map((a) => ({
    ...a, statusLabel: actionStatusLabel(a.status), dueWording: isOutstanding(a.status) ? dueWording(a.due_on, today) : null,
  }));

  // The partnership's list ------------------------------------------------------------

  async function renderList(req: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[]; flash?: string } = {}) {
    requireSignedIn(req.actor);
    const pid = req.partnership.id;
    const today = todayIso();
    const q = req.query as Record<string, unknown>;
    const filters = { body: one(q.body), owner: one(q.owner), status: one(q.status) || 'outstanding' };
    if (!STATUS_FILTERS.some((s) => s.value === filters.status)) filters.status = 'outstanding';
    const all = visible(req.actor, await listActions(db, pid, today));
    // Owners to filter by: those who own an action the reader can see.
    const owners = new Map<string, string>();
    for (const a of all) owners.set(a.owner_person_id ? `person:${a.owner_person_id}` : `organisation:${a.owner_organisation_id}`, a.owner_name);
    const shown = all.filter((a) => matchesStatus(a, filters.status)
      && (!filters.body || a.body_id === filters.body)
      && (!filters.owner || filters.owner === `person:${a.owner_person_id}` || filters.owner === `organisation:${a.owner_organisation_id}`));
    const staff = isStaff(req.actor);
    await auditActionReads(db, req.actor, shown, 'Read in the list of actions');
    return reply.view('actions/views/list.njk', {
      title: 'Actions', section: 'actions', ...extra,
      actions: listRows(shown, today),
      filters,
      statusFilters: STATUS_FILTERS,
      bodies: await bodyOptions(db, pid),
      owners: [...owners].map(([value, text]) => ({ value, text })).sort((a, b) => a.text.localeCompare(b.text)),
      overdueCount: staff ? await countOverdueActions(db, pid, today) : all.filter((a) => a.overdue).length,
      canCreate: staff,
      canRemind: staff,
      mailConfigured: Boolean(app.config.smtpUrl),
      hasPerson: req.actor.kind === 'user' && req.actor.personId !== null,
    });
  }

  app.get('/actions', async (req, reply) => renderList(req, reply));

  app.get('/actions/mine', async (req, reply) => {
    requireSignedIn(req.actor);
    const personId = req.actor.kind === 'user' ? req.actor.personId : null;
    const today = todayIso();
    const actions = personId ? await readableActions(db, req.actor, await listActions(db, req.partnership.id, today, { ownerPersonId: personId }), 'Read in My actions') : [];
    return reply.view('actions/views/mine.njk', {
      title: 'My actions', section: 'actions', linked: personId !== null,
      outstanding: listRows(actions.filter((a) => isOutstanding(a.status)), today),
      closed: listRows(actions.filter((a) => !isOutstanding(a.status)), today),
    });
  });

  // Adding an action: by hand, or from a minute paragraph or resolution, whose page
  // links here with body_id, meeting_id, source_kind, source_id and source_text filled.
  async function formData(req: FastifyRequest, values: Record<string, unknown>, errors?: FieldError[]) {
    const pid = req.partnership.id;
    return {
      title: 'Add an action', section: 'actions', values, errors,
      bodies: await bodyOptions(db, pid), people: await personOptions(db, pid), organisations: await organisationOptions(db, pid),
      sourceLabel: values.source_kind && values.source_kind !== 'manual' ? sourceKindLabel(one(values.source_kind)) : null,
    };
  }

  app.get('/actions/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'action' });
    const q = req.query as Record<string, unknown>;
    const prefill = Object.fromEntries(['body_id', 'meeting_id', 'source_kind', 'source_id', 'source_text', 'description', 'restricted']
      .map((k) => [k, one(q[k])]).filter(([, v]) => v));
    return reply.view('actions/views/form.njk', await formData(req, prefill));
  });

  app.post('/actions/new', async (req, reply) => {
    const outcome = await formOutcome(() => createAction(ctx(req), req.body));
    if (outcome.ok) return reply.flash('Action added').redirect(`/actions/${outcome.value.id}`, 303);
    return reply.code(400).view('actions/views/form.njk', await formData(req, req.body as Record<string, unknown>, outcome.errors));
  });

  app.post('/actions/reminders', async (req, reply) => {
    authorize(req.actor, 'update', { type: 'action' });
    const mailer = mailerFromConfig(app.config);
    if (!mailer) {
      return renderList(req, reply.code(400), { errors: [{ field: 'send-reminders', message: 'E-mail is not set up, so reminders cannot be sent. Ask your administrator to connect the service to an e-mail server.' }] });
    }
    try {
      const result = await sendActionReminders({ ...ctx(req), mailer, baseUrl: publicOrigin(req.partnership, app.config) }, todayIso());
      const sent = result.messages
        ? `Reminders sent: ${result.messages} ${result.messages === 1 ? 'message' : 'messages'} about ${result.actions} ${result.actions === 1 ? 'action' : 'actions'}`
        : 'No reminders to send: every action due soon or overdue has had its reminder today';
      if (result.failed.length) {
        return renderList(req, reply, {
          flash: result.messages ? sent : undefined,
          errors: result.failed.map((f) => ({ field: 'send-reminders', message: `The reminder to ${f.to} could not be sent (${f.error}). Try again later.` })),
        });
      }
      return reply.flash(sent).redirect('/actions', 303);
    } finally {
      mailer.close();
    }
  });

  // One action --------------------------------------------------------------------------

  async function renderAction(req: FastifyRequest, reply: FastifyReply, action: ActionView, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const updates = await listActionUpdates(db, req.partnership.id, action.id);
    const reminders = await db.selectFrom('action_reminders').select(['sent_on', 'recipient']).where('partnership_id', '=', req.partnership.id)
      .where('action_id', '=', action.id).orderBy('sent_on', 'desc').limit(5).execute();
    const statusChoices = [action.status, ...NEXT_STATUSES[action.status as ActionStatus]].map((s) => ({
      value: s, text: s === action.status ? `Keep as ${actionStatusLabel(s).toLowerCase()}` : actionStatusLabel(s),
    }));
    return reply.view('actions/views/show.njk', {
      title: action.description.length > 80 ? `${action.description.slice(0, 77)}…` : action.description,
      section: 'actions', action, values, errors, updates, reminders,
      statusLabel: actionStatusLabel, sourceLabel: sourceKindLabel(action.source_kind),
      dueWording: isOutstanding(action.status) ? dueWording(action.due_on, todayIso()) : null,
      statusChoices, selectedStatus: one(values.status) || action.status,
      canUpdate: can(req.actor, 'update', actionResource(action)),
      canSeeHistory: can(req.actor, 'read-history', { type: 'history' }),
    });
  }

  app.get('/actions/:id', async (req, reply) => renderAction(req, reply, await load(req, (req.params as { id: string }).id)));

  app.post('/actions/:id/updates', async (req, reply) => {
    const action = await load(req, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => addActionUpdate(ctx(req), action.id, req.body));
    if (outcome.ok) return reply.flash('Update saved').redirect(`/actions/${action.id}`, 303);
    return renderAction(req, reply.code(400), action, req.body as Record<string, unknown>, outcome.errors);
  });

  app.get('/bodies/:id/actions', async (req, reply) => {
    requireSignedIn(req.actor);
    const body = await loadBody(req.partnership.id, (req.params as { id: string }).id);
    const today = todayIso();
    const actions = await readableActions(db, req.actor, await listActions(db, req.partnership.id, today, { bodyId: body.id }), 'Read in the actions of a body');
    return reply.view('actions/views/body.njk', {
      title: `Actions of ${body.name}`, section: 'bodies', body,
      outstanding: listRows(actions.filter((a) => isOutstanding(a.status)), today),
      closed: listRows(actions.filter((a) => !isOutstanding(a.status)), today),
      canCreate: isStaff(req.actor),
    });
  });

  // API ---------------------------------------------------------------------------------
  const tags = ['actions'];

  app.get('/api/actions', {
    schema: { tags, summary: 'List actions, overdue first', querystring: ActionsQuery, response: { 200: ListOf(Action) } },
  }, async (req) => {
    requireSignedIn(req.actor);
    const q = req.query as { bodyId?: string; ownerPersonId?: string; ownerOrganisationId?: string; status?: string; mine?: boolean };
    const status = q.status ?? 'outstanding';
    if (!STATUS_FILTERS.some((s) => s.value === status)) throw ValidationError.single('status', `Choose a status from: ${STATUS_FILTERS.map((s) => s.value).join(', ')}`);
    const ownerPersonId = q.mine ? (req.actor.kind === 'user' ? req.actor.personId : null) : q.ownerPersonId;
    if (q.mine && !ownerPersonId) return { items: [] };
    const ids = [q.bodyId, ownerPersonId, q.ownerOrganisationId];
    if (ids.some((id) => id && !isUuid(id))) return { items: [] };
    const actions = await listActions(db, req.partnership.id, todayIso(), {
      bodyId: q.bodyId, ownerPersonId, ownerOrganisationId: q.ownerOrganisationId,
    });
    const items = visible(req.actor, actions).filter((a) => matchesStatus(a, status));
    await auditActionReads(db, req.actor, items, 'Read in the list of actions (API)');
    return { items: items.map(presentAction) };
  });

  app.post('/api/actions', {
    schema: { tags, summary: 'Add an action, by hand or from a minute paragraph or resolution', body: ActionInput, response: { 201: Action } },
  }, async (req, reply) => {
    const row = await createAction(ctx(req), fromApi(req.body));
    return reply.code(201).send(presentAction((await findAction(db, req.partnership.id, row.id, todayIso()))!));
  });

  app.get('/api/actions/:id', {
    schema: { tags, summary: 'One action, with its updates oldest first', params: IdParams, response: { 200: ActionWithUpdates } },
  }, async (req) => {
    const action = await load(req, (req.params as { id: string }).id);
    const updates = await listActionUpdates(db, req.partnership.id, action.id);
    return { ...presentAction(action), updates: updates.map(presentActionUpdate) };
  });

  app.post('/api/actions/:id/updates', {
    schema: {
      tags, summary: 'Add an update: a note, a new status, a new due date', params: IdParams, body: ActionUpdateInput,
      response: { 201: { type: 'object', properties: { action: Action, update: ActionUpdate } } },
    },
  }, async (req, reply) => {
    const action = await load(req, (req.params as { id: string }).id);
    const { update } = await addActionUpdate(ctx(req), action.id, fromApi(req.body));
    const after = (await findAction(db, req.partnership.id, action.id, todayIso()))!;
    return reply.code(201).send({ action: presentAction(after), update: presentActionUpdate(update) });
  });

  app.get('/api/bodies/:id/actions', {
    schema: { tags, summary: 'The actions of one body, overdue first', params: IdParams, response: { 200: ListOf(Action) } },
  }, async (req) => {
    requireSignedIn(req.actor);
    const body = await loadBody(req.partnership.id, (req.params as { id: string }).id);
    const items = await readableActions(db, req.actor, await listActions(db, req.partnership.id, todayIso(), { bodyId: body.id }), 'Read in the actions of a body (API)');
    return { items: items.map(presentAction) };
  });

  app.get('/api/bodies/:id/matters-arising', {
    schema: {
      tags, summary: "Open and overdue actions of a body, for its next agenda's matters arising",
      params: IdParams, querystring: MattersArisingQuery, response: { 200: ListOf(MatterArising) },
    },
  }, async (req) => {
    requireSignedIn(req.actor);
    const body = await loadBody(req.partnership.id, (req.params as { id: string }).id);
    const asOf = (req.query as { asOf?: string }).asOf ?? todayIso();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || !isRealDate(asOf)) throw ValidationError.single('as_of', 'Enter the date of the meeting as YYYY-MM-DD');
    const items = await listMattersArising(db, req.partnership.id, body.id, asOf);
    const readable = await readableActions(db, req.actor, items.map((a) => ({ ...a, body_id: a.bodyId, owner_person_id: a.ownerPersonId })), 'Read as a matter arising (API)');
    return { items: readable.map(({ body_id: _b, owner_person_id: _o, ...a }) => a) };
  });
}
