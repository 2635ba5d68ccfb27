// The officers' pages and API for the distribution lists: lists, the people on them with
// their consent records, adding one person, importing a list (preview, then apply), the
// suppression list, and the list as CSV. Nobody else sees any of it: the public and
// members are refused before anything is read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, engagementResources } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';
import { formOutcome, firstValue, isUuid } from '../../web/forms.ts';
import { NotFoundError, type FieldError } from '../../web/errors.ts';
import { toCsv } from '../public/domain.ts';
import { consentMethodLabel, suppressionLabel } from './domain.ts';
import { findList, findSubscriber, listCounts, listLists, listSubscribers, listSuppressions, subscriptionsOf } from './store.ts';
import { addSubscriber, createList, importSubscribers, type ImportOutcome } from './subscribers.commands.ts';
import { presentList, presentSubscriber, presentSubscription } from './presenters.ts';
import * as S from './schemas.ts';

const tags = ['engagement'];

export async function subscriberRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const staff = (req: FastifyRequest) => authorize(req.actor, 'read', engagementResources.people());
  const listOptions = async (pid: string) => (await listLists(db, pid)).map((l) => ({ value: l.id, text: l.name }));

  app.get('/engagement/lists/new', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    return reply.view('engagement/views/list-form.njk', { title: 'Make a distribution list', section: 'engagement', values: { open_to_sign_up: 'yes' } });
  });
  app.post('/engagement/lists/new', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    const outcome = await formOutcome(() => createList(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`List ${outcome.value.name} made`).redirect('/engagement/subscribers', 303);
    return reply.code(400).view('engagement/views/list-form.njk', { title: 'Make a distribution list', section: 'engagement', values: req.body, errors: outcome.errors });
  });

  // The people ----------------------------------------------------------------------------

  app.get('/engagement/subscribers', async (req, reply) => {
    staff(req);
    const pid = req.partnership.id;
    const query = req.query as Record<string, unknown>;
    const filter = { listId: isUuid(firstValue(query.list)) ? firstValue(query.list) : null, q: firstValue(query.q).slice(0, 100) || null };
    const [lists, counts, people] = await Promise.all([listLists(db, pid), listCounts(db, pid), listSubscribers(db, pid, filter)]);
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-subscribers', id: pid, summary: `Read the list of subscribers (${people.length} shown)` }]);
    return reply.view('engagement/views/subscribers.njk', {
      title: 'Distribution lists', section: 'engagement', filter, people,
      lists: lists.map((l) => ({ ...l, counts: counts.get(l.id) ?? { subscribed: 0, pending: 0, unsubscribed: 0 } })),
    });
  });

  app.get('/engagement/subscribers.csv', async (req, reply) => {
    staff(req);
    const pid = req.partnership.id;
    const people = await listSubscribers(db, pid, {}, 100_000);
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-subscribers', id: pid, summary: `Downloaded the subscribers as CSV (${people.length})` }]);
    return reply.type('text/csv; charset=utf-8; header=present').header('cache-control', 'private, no-store')
      .header('content-disposition', 'attachment; filename="subscribers.csv"')
      .send(toCsv(['email', 'name', 'organisation', 'lists', 'suppressed', 'added'], people.map((p) => [p.email, p.name, p.organisation, p.lists, p.suppressed ?? '', p.created_at.toISOString()])));
  });

  const addForm = async (req: FastifyRequest, reply: FastifyReply, values: unknown, errors?: FieldError[]) =>
    reply.view('engagement/views/subscriber-form.njk', { title: 'Add someone to a list', section: 'engagement', values, errors, lists: await listOptions(req.partnership.id) });
  app.get('/engagement/subscribers/new', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    return addForm(req, reply, {});
  });
  app.post('/engagement/subscribers/new', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    const outcome = await formOutcome(() => addSubscriber(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`${outcome.value.email} added`).redirect(`/engagement/subscribers/${outcome.value.id}`, 303);
    return addForm(req, reply.code(400), req.body, outcome.errors);
  });

  async function loadSubscriber(req: FastifyRequest) {
    staff(req);
    const id = (req.params as { id: string }).id;
    const s = isUuid(id) ? await findSubscriber(db, req.partnership.id, id) : undefined;
    if (!s) throw new NotFoundError();
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-subscriber', id: s.id, summary: 'Read a subscriber and their consent' }]);
    return s;
  }
  app.get('/engagement/subscribers/:id', async (req, reply) => {
    const s = await loadSubscriber(req);
    const pid = req.partnership.id;
    const [subs, suppression, bounces] = await Promise.all([
      subscriptionsOf(db, pid, s.id),
      db.selectFrom('engagement_suppressions').selectAll().where('partnership_id', '=', pid).where('email', '=', s.email).executeTakeFirst(),
      db.selectFrom('engagement_bounces').selectAll().where('partnership_id', '=', pid).where('email', '=', s.email).orderBy('created_at', 'desc').limit(20).execute(),
    ]);
    return reply.view('engagement/views/subscriber.njk', {
      title: s.name ?? s.email, section: 'engagement', subscriber: s, bounces,
      subscriptions: subs.map((x) => ({ ...x, methodLabel: consentMethodLabel(x.consent_method) })),
      suppression: suppression ? { ...suppression, label: suppressionLabel(suppression.reason) } : null,
    });
  });

  // Importing a list ------------------------------------------------------------------------

  async function loadList(req: FastifyRequest) {
    const id = (req.params as { id: string }).id;
    const l = isUuid(id) ? await findList(db, req.partnership.id, id) : undefined;
    if (!l) throw new NotFoundError();
    return l;
  }
  const importPage = (reply: FastifyReply, data: Record<string, unknown>) => reply.view('engagement/views/import.njk', { section: 'engagement', ...data });
  app.get('/engagement/lists/:id/import', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    const list = await loadList(req);
    return importPage(reply, { title: `Import people to ${list.name}`, list, values: {} });
  });
  app.post('/engagement/lists/:id/import', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    const list = await loadList(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const apply = firstValue(body.step) === 'apply';
    const outcome = await formOutcome(() => importSubscribers(ctx(req), list.id, body, apply));
    if (!outcome.ok) return importPage(reply.code(400), { title: `Import people to ${list.name}`, list, values: body, errors: outcome.errors });
    const r: ImportOutcome = outcome.value;
    if (r.plan.problems.length) {
      return importPage(reply.code(400), {
        title: `Import people to ${list.name}`, list, values: body, plan: r.plan,
        errors: r.plan.problems.map((p) => ({ field: 'csv', message: p.message })),
      });
    }
    if (apply) return reply.flash(`${r.created} ${r.created === 1 ? 'person' : 'people'} added to ${list.name}`).redirect(`/engagement/subscribers?list=${list.id}`, 303);
    return importPage(reply, { title: `Check the import to ${list.name}`, list, values: body, plan: r.plan, preview: true,
      adding: r.plan.rows.filter((x) => x.outcome === 'add').length, skipped: r.plan.rows.filter((x) => x.outcome !== 'add').length });
  });

  app.get('/engagement/suppressions', async (req, reply) => {
    staff(req);
    const rows = await listSuppressions(db, req.partnership.id);
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-suppressions', id: req.partnership.id, summary: 'Read the suppression list' }]);
    return reply.view('engagement/views/suppressions.njk', { title: 'Addresses never e-mailed', section: 'engagement', rows: rows.map((r) => ({ ...r, label: suppressionLabel(r.reason) })) });
  });

  // The API -----------------------------------------------------------------------------------

  app.get('/api/engagement/lists', { schema: { tags, summary: 'The distribution lists, with how many people are on each (officers)', response: { 200: S.ListOf(S.List) } } }, async (req) => {
    staff(req);
    const pid = req.partnership.id;
    const [lists, counts] = await Promise.all([listLists(db, pid), listCounts(db, pid)]);
    return { items: lists.map((l) => presentList(l, counts.get(l.id))) };
  });
  app.post('/api/engagement/lists', { schema: { tags, summary: 'Make a distribution list', body: S.ListInput, response: { 201: S.List } } }, async (req, reply) =>
    reply.code(201).send(presentList(await createList(ctx(req), fromApi(req.body)))));

  app.get('/api/engagement/subscribers', { schema: { tags, summary: 'The people on the lists, newest first (officers); every read is audited', querystring: S.SubscriberQuery, response: { 200: S.ListOf(S.Subscriber) } } }, async (req) => {
    staff(req);
    const pid = req.partnership.id;
    const q = req.query as { list?: string; q?: string };
    const people = await listSubscribers(db, pid, { listId: q.list && isUuid(q.list) ? q.list : null, q: q.q ?? null });
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-subscribers', id: pid, summary: `Read the list of subscribers through the API (${people.length})` }]);
    return { items: people.map(presentSubscriber) };
  });
  app.post('/api/engagement/subscribers', { schema: { tags, summary: 'Add someone to lists, with the basis on which they agreed', body: S.SubscriberInput, response: { 201: S.Subscriber } } }, async (req, reply) => {
    const s = await addSubscriber(ctx(req), fromApi(req.body));
    return reply.code(201).send(presentSubscriber({ ...s, lists: '', suppressed: null }));
  });
  app.get('/api/engagement/subscribers/:id', { schema: { tags, summary: 'One subscriber with the consent record of each list', params: S.IdParams, response: { 200: S.SubscriberWithConsent } } }, async (req) => {
    const s = await loadSubscriber(req);
    const subs = await subscriptionsOf(db, req.partnership.id, s.id);
    return { ...presentSubscriber({ ...s, lists: subs.map((x) => x.list_name).join(', '), suppressed: null }), consent: subs.map(presentSubscription) };
  });
  app.post('/api/engagement/lists/:id/import', { schema: { tags, summary: 'Import people from CSV text: a preview, or with apply true the additions (none at all if any row is wrong)', params: S.IdParams, body: S.ImportInput, response: { 200: S.ImportResult } } }, async (req) => {
    const list = await loadList(req);
    const body = req.body as { csv: string; basis: string; fileName?: string; apply?: boolean };
    const r = await importSubscribers(ctx(req), list.id, { csv: body.csv, basis: body.basis, file_name: body.fileName }, body.apply === true);
    return { applied: body.apply === true && !r.plan.problems.length, created: r.created, problems: r.plan.problems, rows: r.plan.rows };
  });
  app.get('/api/engagement/suppressions', { schema: { tags, summary: 'Addresses never e-mailed in bulk again (unsubscribed, bounced)', response: { 200: S.ListOf(S.Suppression) } } }, async (req) => {
    staff(req);
    const rows = await listSuppressions(db, req.partnership.id);
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-suppressions', id: req.partnership.id, summary: 'Read the suppression list through the API' }]);
    return { items: rows.map((r) => ({ email: r.email, reason: r.reason, detail: r.detail, createdAt: r.created_at.toISOString() })) };
  });
}

/** The API's camelCase fields as the form's names. */
export function fromApi(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  return out;
}
