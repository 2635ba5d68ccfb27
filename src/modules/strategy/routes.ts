// Pages and API of the strategy module: the Community Safety Agreement, its priorities and
// themes, the live action plan and the updates of those who own the work. A published
// agreement is public; its plan's progress too when the partnership chooses; drafts,
// update notes and restricted lines follow the one policy.
import { readAgreement } from './reading.ts';
import { firstValue } from '../../web/forms.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, isStaff, strategyResources, type Actor } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { fromApi } from '../partnership/presenters.ts';
import { formatDate } from '../../web/nunjucks.ts';
import {
  AGREEMENT_MOVES, LINE_STATUSES, agreementStatusLabel, childLevel, compareVersions, isAgreementEditable, isAgreementPublic, levelLabel,
  lineStatusColour, lineStatusLabel, measureStanding,
} from './domain.ts';
import {
  bodyOptions, findAgreement, findLine, lineThemeIds, listAgreements, listMeasures, listPlan, listPriorities, listUpdates, organisationOptions, personOptions,
  priorityRollUp, planPriorityFigures, planCounts, type Agreement, type LineView,
} from './store.ts';
import {
  addLine, addMeasure, addPriority, addProgressUpdate, agreementResource, createAgreement, editLine, lineResource, moveAgreement, recordAgreed,
  recordMeasureValue, refreshAgreement, updateAgreementSettings, updateNotesResource,
} from './commands.ts';
import { presentAgreement, presentLine, presentPriority, presentUpdate } from './presenters.ts';
import * as S from './schemas.ts';
import { planRoutes } from './plan.routes.ts';
import { planUploadRoutes } from './upload.routes.ts';
import { scrutinyRoutes } from './scrutiny.routes.ts';
import { progressPaperRoutes } from './progressPaper.routes.ts';
import { agreementDocumentRoutes, documentUrl, listAgreementDocuments } from './agreementDocument.ts';
import { sendProgressRequests } from './requests.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { publicOrigin } from '../public/address.ts';
import { barChart, lineChart } from './charts.ts';
import { PLAN_STATUS_FILTERS, filterPlan } from './planFilters.ts';

const one = firstValue;

export async function strategyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });

  const loadAgreement = (req: FastifyRequest, id: string) => readAgreement(db, req, id);

  /** The plan lines this reader may read, the restricted ones among them audited as read. */
  async function readablePlan(actor: Actor, a: Agreement, plan: LineView[], summary: string): Promise<LineView[]> {
    const readable = plan.filter((l) => can(actor, 'read', lineResource(l, a)));
    await recordRestrictedReads(db, actor, readable.filter((l) => l.restricted).map((l) => ({ recordType: 'plan-action', id: l.id, summary })));
    return readable;
  }

  async function loadLine(req: FastifyRequest, id: string) {
    const line = isUuid(id) ? await findLine(db, req.partnership.id, id) : undefined;
    if (!line) throw new NotFoundError();
    const agreement = (await findAgreement(db, req.partnership.id, line.agreement_id))!;
    // A line of a draft is as unpublished as its agreement.
    authorize(req.actor, 'read', agreementResource(agreement));
    authorize(req.actor, 'read', lineResource(line, agreement));
    if (line.restricted) await recordRestrictedReads(db, req.actor, [{ recordType: 'plan-action', id: line.id, summary: 'Read restricted plan action' }]);
    return { line, agreement };
  }

  const statusTag = (s: string) => ({ text: lineStatusLabel(s), colour: lineStatusColour(s) });

  // The agreements ----------------------------------------------------------------------

  app.get('/strategy', async (req, reply) => {
    const agreements = (await listAgreements(db, req.partnership.id)).filter((a) => can(req.actor, 'read', agreementResource(a)));
    return reply.view('strategy/views/index.njk', {
      title: 'Community Safety Agreement', section: 'strategy', agreements: agreements.map((a) => ({ ...a, statusLabel: agreementStatusLabel(a.status) })),
      canCreate: can(req.actor, 'create', { type: 'strategy-agreement' }), hasPerson: req.actor.kind === 'user' && req.actor.personId !== null,
    });
  });

  async function newAgreementForm(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown>, errors?: FieldError[]) {
    return reply.view('strategy/views/agreement-form.njk', { title: 'Start an agreement', section: 'strategy', values, errors, bodies: await bodyOptions(db, req.partnership.id) });
  }
  app.get('/strategy/agreements/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'strategy-agreement' });
    return newAgreementForm(req, reply, {});
  });
  app.post('/strategy/agreements/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'strategy-agreement' });
    const outcome = await formOutcome(() => createAgreement(ctx(req), req.body));
    if (outcome.ok) return reply.flash('Draft agreement started').redirect(`/strategy/agreements/${outcome.value.id}`, 303);
    return newAgreementForm(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  async function renderAgreement(req: FastifyRequest, reply: FastifyReply, a: Agreement, errors?: FieldError[], values: Record<string, unknown> = {}) {
    const pid = req.partnership.id;
    const today = todayIso();
    const all = await listPriorities(db, pid, { agreementId: a.id, kind: 'all' });
    const planReadable = can(req.actor, 'read', { type: 'plan-action', published: isAgreementPublic(a.status) && a.plan_public });
    // The roll-up counts every line (restricted ones too: a figure does not quote them),
    // read as kept on the lines (migration 046): the objectives and a count by status.
    const rolled = await planPriorityFigures(db, pid, a.id, all);
    const planFigures = await planCounts(db, pid, a.id, today);
    const measures = await listMeasures(db, pid, a.id);
    const staff = isStaff(req.actor);
    const agreedBy = a.agreed_resolution_id ? await db.selectFrom('resolutions').select(['text', 'meeting_id']).where('partnership_id', '=', pid).where('id', '=', a.agreed_resolution_id).executeTakeFirst() : undefined;
    const monitoringBody = a.monitoring_body_id ? await db.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', pid).where('id', '=', a.monitoring_body_id).executeTakeFirst() : undefined;
    const documentReadable = can(req.actor, 'read', strategyResources.agreementDocument(a));
    const latestDocument = documentReadable ? (await listAgreementDocuments(db, pid, a.id))[0] : undefined;
    const counts = LINE_STATUSES.map((s) => ({ ...s, count: planFigures.byStatus.get(s.value) ?? 0 })).filter((s) => s.count);
    return reply.view('strategy/views/agreement.njk', {
      title: a.title, section: 'strategy', agreement: a, statusLabel: agreementStatusLabel(a.status), errors, values,
      priorities: rolled.map((r) => ({ ...r, statusTag: r.status ? statusTag(r.status) : null, lead: all.find((p) => p.id === r.priority.id) })),
      themes: all.filter((p) => p.kind === 'theme'),
      measures: measures.map((m) => ({
        ...m, latest: m.values.at(-1) ?? null, standing: measureStanding(m, m.values.at(-1)?.value ?? null),
        chart: lineChart(m.values.map((v) => ({ label: v.period, value: v.value })), { target: m.target, baseline: m.baseline }),
      })),
      progressChart: barChart(rolled.map((r) => ({ label: `${r.priority.position}. ${r.priority.title}`, value: r.progress, colour: r.status ? lineStatusColour(r.status) : 'grey' })), { max: 100, unit: '%' }),
      statusChart: barChart(counts.map((c) => ({ label: c.text, value: c.count, colour: c.colour }))),
      planReadable, planCount: planFigures.total, overdueCount: planFigures.overdue, counts,
      agreedBy, monitoringBody, staff,
      document: latestDocument ? { ...latestDocument, url: documentUrl(latestDocument), kb: Math.ceil(latestDocument.byte_size / 1024) } : null,
      canUploadDocument: can(req.actor, 'create', strategyResources.agreementDocument(a)) && a.status !== 'superseded',
      editable: isAgreementEditable(a.status),
      moves: staff ? AGREEMENT_MOVES[a.status].filter((m) => m.to !== 'agreed') : [],
      canAgree: staff && a.status === 'draft',
      canRefresh: staff && a.status !== 'draft',
      canUpdatePlan: staff && a.status !== 'superseded',
    });
  }

  app.get('/strategy/agreements/:id', async (req, reply) => renderAgreement(req, reply, await loadAgreement(req, (req.params as { id: string }).id)));

  const agreementPost = (path: string, work: (req: FastifyRequest, a: Agreement) => Promise<unknown>, flash: string, back?: (a: Agreement, v: unknown) => string) => {
    app.post(`/strategy/agreements/:id/${path}`, async (req, reply) => {
      const a = await loadAgreement(req, (req.params as { id: string }).id);
      const outcome = await formOutcome(() => work(req, a));
      if (outcome.ok) return reply.flash(flash).redirect(back ? back(a, outcome.value) : `/strategy/agreements/${a.id}`, 303);
      return renderAgreement(req, reply.code(400), (await findAgreement(db, req.partnership.id, a.id))!, outcome.errors, req.body as Record<string, unknown>);
    });
  };
  agreementPost('agree', (req, a) => recordAgreed(ctx(req), a.id, req.body), 'Recorded as agreed');
  agreementPost('publish', (req, a) => moveAgreement(ctx(req), a.id, 'published'), 'Agreement published');
  agreementPost('draft', (req, a) => moveAgreement(ctx(req), a.id, 'draft'), 'Agreement returned to draft');
  agreementPost('settings', (req, a) => updateAgreementSettings(ctx(req), a.id, { plan_public: 'no', ...(req.body as object) }), 'Settings saved');
  agreementPost('refresh', (req, a) => refreshAgreement(ctx(req), a.id), 'Draft for next year made', (_a, v) => `/strategy/agreements/${(v as Agreement).id}`);
  agreementPost('measures', (req, a) => addMeasure(ctx(req), a.id, req.body), 'Measure added');

  // Asking owners for their updates before the monitoring body meets.
  app.post('/strategy/agreements/:id/progress-requests', async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    authorize(req.actor, 'update', agreementResource(a));
    const mailer = mailerFromConfig(app.config);
    if (!mailer) return renderAgreement(req, reply.code(400), a, [{ field: 'progress-requests', message: 'E-mail is not set up, so owners cannot be asked for updates. Ask your administrator to connect the service to an e-mail server.' }]);
    try {
      const r = await sendProgressRequests({ ...ctx(req), mailer, baseUrl: publicOrigin(req.partnership, app.config) }, a.id, todayIso());
      if (r.failed.length) return renderAgreement(req, reply.code(502), a, r.failed.map((f) => ({ field: 'progress-requests', message: `The request to ${f.to} could not be sent (${f.error}). Try again later.` })));
      return reply.flash(r.messages ? `Asked ${r.messages} ${r.messages === 1 ? 'owner' : 'owners'} for updates on ${r.actions} ${r.actions === 1 ? 'action' : 'actions'}` : 'Nobody to ask: every owner has reported since the last meeting, or was asked today')
        .redirect(`/strategy/agreements/${a.id}`, 303);
    } finally { mailer.close(); }
  });

  app.post('/strategy/measures/:id/values', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const measure = isUuid(id) ? await db.selectFrom('strategy_measures').select('agreement_id').where('partnership_id', '=', req.partnership.id).where('id', '=', id).executeTakeFirst() : undefined;
    if (!measure) throw new NotFoundError();
    const a = await loadAgreement(req, measure.agreement_id);
    const outcome = await formOutcome(() => recordMeasureValue(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash('Value recorded').redirect(`/strategy/agreements/${a.id}#measures`, 303);
    return renderAgreement(req, reply.code(400), a, outcome.errors.map((e) => ({ ...e, field: `${id}-${e.field}` })), req.body as Record<string, unknown>);
  });

  // Priorities and themes
  async function priorityForm(req: FastifyRequest, reply: FastifyReply, a: Agreement, values: Record<string, unknown>, errors?: FieldError[]) {
    return reply.view('strategy/views/priority-form.njk', {
      title: 'Add a priority or theme', section: 'strategy', agreement: a, values, errors,
      people: await personOptions(db, req.partnership.id), organisations: await organisationOptions(db, req.partnership.id),
    });
  }
  app.get('/strategy/agreements/:id/priorities/new', async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    authorize(req.actor, 'update', agreementResource(a));
    return priorityForm(req, reply, a, { kind: one((req.query as Record<string, unknown>).kind) || 'priority' });
  });
  app.post('/strategy/agreements/:id/priorities/new', async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => addPriority(ctx(req), a.id, req.body));
    if (outcome.ok) return reply.flash(outcome.value.kind === 'theme' ? 'Theme added' : 'Priority added').redirect(`/strategy/agreements/${a.id}`, 303);
    return priorityForm(req, reply.code(400), a, req.body as Record<string, unknown>, outcome.errors);
  });

  // Differences from the version it was refreshed from (or another): priorities and themes,
  // and the plan's lines when the reader may read both plans (restricted lines as ever).
  async function comparison(req: FastifyRequest, a: Agreement, withId: string) {
    const againstId = withId || a.refreshed_from_id;
    const b = againstId && isUuid(againstId) ? await findAgreement(db, req.partnership.id, againstId) : undefined;
    if (!b || !can(req.actor, 'read', agreementResource(b))) throw new NotFoundError();
    const [older, newer] = b.period < a.period ? [b, a] : [a, b];
    const pid = req.partnership.id;
    const keyOf = (x: Agreement, r: { id: string; carried_from_id: string | null }) => (x.id === newer.id ? (r.carried_from_id ?? r.id) : r.id);
    const priorityRows = async (x: Agreement) => (await listPriorities(db, pid, { agreementId: x.id, kind: 'all' })).map((p) => ({
      key: keyOf(x, p), title: p.title,
      fields: { kind: p.kind, description: p.description, reasons: p.reasons, leadOrganisationName: p.lead_organisation_name, leadPersonName: p.lead_person_name },
    }));
    const priorities = compareVersions(await priorityRows(older), await priorityRows(newer));
    const planOpen = (x: Agreement) => can(req.actor, 'read', { type: 'plan-action', published: isAgreementPublic(x.status) && x.plan_public });
    let planLines: ReturnType<typeof compareVersions> | null = null;
    if (planOpen(older) && planOpen(newer)) {
      const today = todayIso();
      const lineRows = async (x: Agreement) => (await readablePlan(req.actor, x, await listPlan(db, pid, x.id, today), 'Read in a comparison of two versions of the plan')).map((l) => ({
        key: keyOf(x, l), title: l.title,
        fields: { ref: l.ref, level: l.level, ownerName: l.owner_name, leadOrganisationName: l.lead_organisation_name, startsOn: l.starts_on, dueOn: l.due_on, status: l.rolled.status, progress: l.rolled.progress },
      }));
      planLines = compareVersions(await lineRows(older), await lineRows(newer));
    }
    return { older, newer, priorities, planLines };
  }

  const FIELD_LABELS: Record<string, string> = {
    title: 'Title', kind: 'Kind', description: 'Description', reasons: 'Reasons', leadOrganisationName: 'Lead organisation', leadPersonName: 'Lead person',
    ref: 'Ref', level: 'Level', ownerName: 'Owner', startsOn: 'Starts', dueOn: 'Due', status: 'Status', progress: 'Progress',
  };
  /** A compared field as the page shows it. */
  const shownField = (key: string, value: unknown) => {
    if (value === null || value === undefined || value === '') return null;
    if (key === 'kind') return value === 'theme' ? 'Cross-cutting theme' : 'Priority';
    if (key === 'level') return levelLabel(String(value));
    if (key === 'status') return lineStatusLabel(String(value));
    if (key === 'progress') return `${String(value)}%`;
    if (key === 'startsOn' || key === 'dueOn') return formatDate(value);
    return String(value);
  };

  app.get('/strategy/agreements/:id/compare', async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    const { older, newer, priorities, planLines } = await comparison(req, a, one((req.query as Record<string, unknown>).with));
    return reply.view('strategy/views/compare.njk', {
      title: `Changes from ${older.period} to ${newer.period}`, section: 'strategy', older, newer, agreement: a,
      sections: [
        { heading: 'Priorities and themes', differences: priorities },
        ...(planLines ? [{ heading: 'Action plan', differences: planLines, plan: true }] : []),
      ],
      planShown: planLines !== null, label: (k: string) => FIELD_LABELS[k] ?? k, shownField,
    });
  });
  app.get('/api/strategy/agreements/:id/compare', { schema: { tags: ['strategy'], summary: 'The differences between two versions of an agreement, side by side: priorities and themes, and the action plan’s lines (added, removed, changed)', params: S.IdParams, querystring: S.CompareQuery, response: { 200: S.Comparison } } }, async (req) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    const { older, newer, priorities, planLines } = await comparison(req, a, (req.query as { with?: string }).with ?? '');
    return { older: presentAgreement(older), newer: presentAgreement(newer), priorities, planLines };
  });

  // A line of the plan ----------------------------------------------------------------

  async function renderLine(req: FastifyRequest, reply: FastifyReply, id: string, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const { line, agreement } = await loadLine(req, id);
    const pid = req.partnership.id;
    const plan = await listPlan(db, pid, agreement.id, todayIso());
    const view = plan.find((l) => l.id === line.id)!;
    const children = await readablePlan(req.actor, agreement, plan.filter((l) => l.parent_id === line.id), 'Read in the plan');
    const ancestors: LineView[] = [];
    for (let p = view.parent_id; p; p = plan.find((l) => l.id === p)?.parent_id ?? null) ancestors.unshift(plan.find((l) => l.id === p)!);
    // A line may have been opened up under restricted work: its restricted ancestors stay unnamed to those who may not read them.
    const shownAncestors = await readablePlan(req.actor, agreement, ancestors, 'Read as the place of a line in the plan');
    const notesReadable = can(req.actor, 'read', updateNotesResource(line, agreement));
    const updates = (await listUpdates(db, pid, line.id)).reverse();
    const themes = (await listPriorities(db, pid, { agreementId: agreement.id, kind: 'theme' })).filter((t) => view.theme_ids.includes(t.id));
    const canUpdate = can(req.actor, 'update', lineResource(line, agreement)) && agreement.status !== 'superseded';
    return reply.view('strategy/views/line.njk', {
      title: `${line.ref} ${line.title}`.slice(0, 90), section: 'strategy', agreement, line: view, ancestors: shownAncestors, children, themeNames: themes.map((t) => t.title).join(', '), values, errors,
      updates: notesReadable ? updates : updates.map((u) => ({ ...u, note: null, evidence_url: null, author_label: null })),
      notesReadable, canUpdate, staff: isStaff(req.actor), levelLabel, statusTag, statusLabel: lineStatusLabel,
      statuses: LINE_STATUSES, childLevel: childLevel(line.level),
      canSeeHistory: can(req.actor, 'read-history', { type: 'history' }),
    });
  }

  app.get('/strategy/plan-actions/:id', async (req, reply) => renderLine(req, reply, (req.params as { id: string }).id));
  app.post('/strategy/plan-actions/:id/updates', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    await loadLine(req, id);
    const outcome = await formOutcome(() => addProgressUpdate(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash('Update saved').redirect(`/strategy/plan-actions/${id}`, 303);
    return renderLine(req, reply.code(400), id, req.body as Record<string, unknown>, outcome.errors);
  });

  // The owner's list: exactly their lines, across the agreements still running.
  app.get('/strategy/mine', async (req, reply) => {
    if (req.actor.kind !== 'user') authorize(req.actor, 'read', { type: 'plan-action', published: false });
    const personId = req.actor.kind === 'user' ? req.actor.personId : null;
    const pid = req.partnership.id;
    const today = todayIso();
    const groups = [];
    if (personId) {
      for (const a of (await listAgreements(db, pid)).filter((x) => x.status !== 'superseded')) {
        const mine = await readablePlan(req.actor, a, (await listPlan(db, pid, a.id, today)).filter((l) => l.owner_person_id === personId), 'Read in My plan actions');
        if (mine.length) groups.push({ agreement: a, lines: mine });
      }
    }
    return reply.view('strategy/views/mine.njk', { title: 'My plan actions', section: 'strategy', linked: personId !== null, groups, statusTag });
  });

  await app.register(planRoutes);
  await app.register(planUploadRoutes);
  await app.register(scrutinyRoutes);
  await app.register(progressPaperRoutes);
  await app.register(agreementDocumentRoutes);

  // API ---------------------------------------------------------------------------------
  const tags = ['strategy'];

  app.get('/api/strategy/agreements', { schema: { tags, summary: 'Community Safety Agreements this reader may see, newest period first', response: { 200: S.ListOf(S.Agreement) } } }, async (req) => {
    const items = (await listAgreements(db, req.partnership.id)).filter((a) => can(req.actor, 'read', agreementResource(a)));
    return { items: items.map(presentAgreement) };
  });
  app.post('/api/strategy/agreements', { schema: { tags, summary: 'Start a draft agreement for a period', body: S.AgreementInput, response: { 201: S.Agreement } } }, async (req, reply) =>
    reply.code(201).send(presentAgreement(await createAgreement(ctx(req), fromApi(req.body)))));
  app.get('/api/strategy/agreements/:id', { schema: { tags, summary: 'One agreement, with its priorities and themes', params: S.IdParams, response: { 200: S.AgreementWithPriorities } } }, async (req) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    const all = await listPriorities(db, req.partnership.id, { agreementId: a.id, kind: 'all' });
    const rolled = priorityRollUp(all, await listPlan(db, req.partnership.id, a.id, todayIso()));
    const fig = new Map(rolled.map((r) => [r.priority.id, r]));
    return { ...presentAgreement(a), priorities: all.filter((p) => p.kind === 'priority').map((p) => presentPriority(p, fig.get(p.id))), themes: all.filter((p) => p.kind === 'theme').map((p) => presentPriority(p)) };
  });
  app.get('/api/strategy/agreements/:id/priorities', { schema: { tags, summary: 'The priorities of one agreement, in order (stable ids, for funding proposals and others)', params: S.IdParams, response: { 200: S.ListOf(S.Priority) } } }, async (req) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    return { items: (await listPriorities(db, req.partnership.id, { agreementId: a.id })).map((p) => presentPriority(p)) };
  });
  app.post('/api/strategy/agreements/:id/priorities', { schema: { tags, summary: 'Add a priority or a cross-cutting theme to a draft', params: S.IdParams, body: S.PriorityInput, response: { 201: S.Priority } } }, async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    const row = await addPriority(ctx(req), a.id, fromApi(req.body));
    return reply.code(201).send(presentPriority((await listPriorities(db, req.partnership.id, { agreementId: a.id, kind: 'all' })).find((p) => p.id === row.id)!));
  });
  app.post('/api/strategy/agreements/:id/agree', { schema: { tags, summary: 'Record that the agreement was agreed, on a date, by a resolution', params: S.IdParams, body: S.AgreeInput, response: { 200: S.Agreement } } }, async (req) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    return presentAgreement(await recordAgreed(ctx(req), a.id, fromApi(req.body)));
  });
  app.post('/api/strategy/agreements/:id/publish', { schema: { tags, summary: 'Publish an agreed agreement; the one published before it is superseded', params: S.IdParams, response: { 200: S.Agreement } } }, async (req) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    return presentAgreement(await moveAgreement(ctx(req), a.id, 'published'));
  });
  app.post('/api/strategy/agreements/:id/refresh', { schema: { tags, summary: 'Refresh for next year: a draft with the same priorities, themes and open work', params: S.IdParams, response: { 201: S.Agreement } } }, async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    return reply.code(201).send(presentAgreement(await refreshAgreement(ctx(req), a.id)));
  });

  app.post('/api/strategy/agreements/:id/progress-requests', { schema: { tags, summary: 'E-mail the owners of open actions with nothing reported since the monitoring body last met, each with a link to their list', params: S.IdParams, response: { 200: S.RequestResult } } }, async (req) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    authorize(req.actor, 'update', agreementResource(a));
    const mailer = mailerFromConfig(app.config);
    if (!mailer) throw ValidationError.single('progress-requests', 'E-mail is not set up: set SMTP_URL');
    try { return await sendProgressRequests({ ...ctx(req), mailer, baseUrl: publicOrigin(req.partnership, app.config) }, a.id, todayIso()); } finally { mailer.close(); }
  });

  app.get('/api/strategy/agreements/:id/plan', { schema: { tags, summary: 'The action plan in tree order, with the roll-up, filtered', params: S.IdParams, querystring: S.PlanQuery, response: { 200: S.ListOf(S.PlanLine) } } }, async (req) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    authorize(req.actor, 'read', { type: 'plan-action', published: isAgreementPublic(a.status) && a.plan_public });
    const q = req.query as { priorityId?: string; ownerId?: string; status?: string; themeId?: string };
    if (q.status && !PLAN_STATUS_FILTERS.some((s) => s.value === q.status)) throw ValidationError.single('status', `Choose a status from: ${PLAN_STATUS_FILTERS.map((s) => s.value).filter(Boolean).join(', ')}`);
    const plan = filterPlan(await listPlan(db, req.partnership.id, a.id, todayIso()), { priority: q.priorityId ?? '', owner: q.ownerId ?? '', status: q.status ?? '', theme: q.themeId ?? '' });
    return { items: (await readablePlan(req.actor, a, plan, 'Read in the plan (API)')).map(presentLine) };
  });
  app.post('/api/strategy/agreements/:id/plan', { schema: { tags, summary: 'Add a line to the plan: an objective under a priority, or an action under its parent', params: S.IdParams, body: S.LineInput, response: { 201: S.PlanLine } } }, async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    const row = await addLine(ctx(req), a.id, fromApi(req.body));
    return reply.code(201).send(presentLine((await listPlan(db, req.partnership.id, a.id, todayIso())).find((l) => l.id === row.id)!));
  });
  app.get('/api/strategy/plan-actions/:id', { schema: { tags, summary: 'One line of the plan, with its dated updates oldest first', params: S.IdParams, response: { 200: S.PlanLineWithUpdates } } }, async (req) => {
    const { line, agreement } = await loadLine(req, (req.params as { id: string }).id);
    const view = (await listPlan(db, req.partnership.id, agreement.id, todayIso())).find((l) => l.id === line.id)!;
    const notes = can(req.actor, 'read', updateNotesResource(line, agreement));
    return { ...presentLine(view), updates: (await listUpdates(db, req.partnership.id, line.id)).map((u) => presentUpdate(u, notes)) };
  });
  app.patch('/api/strategy/plan-actions/:id', { schema: { tags, summary: 'Change a line: details, parent, weight, themes, or its status set by hand with a reason', params: S.IdParams, body: S.LineEdit, response: { 200: S.PlanLine } } }, async (req) => {
    const { line } = await loadLine(req, (req.params as { id: string }).id);
    await editLine(ctx(req), line.id, fromApi(req.body));
    return presentLine((await listPlan(db, req.partnership.id, line.agreement_id, todayIso())).find((l) => l.id === line.id)!);
  });
  app.post('/api/strategy/plan-actions/:id/updates', { schema: { tags, summary: 'A dated update by the owner: status, progress, note, evidence', params: S.IdParams, body: S.UpdateInput, response: { 201: S.PlanUpdate } } }, async (req, reply) => {
    const { line } = await loadLine(req, (req.params as { id: string }).id);
    const { update } = await addProgressUpdate(ctx(req), line.id, fromApi(req.body));
    return reply.code(201).send(presentUpdate(update, true));
  });
  app.get('/api/strategy/plan-actions/mine', { schema: { tags, summary: 'The plan lines the signed-in person owns, in agreements still running', response: { 200: S.ListOf(S.PlanLine) } } }, async (req) => {
    authorize(req.actor, 'read', { type: 'plan-action', published: false });
    const personId = req.actor.kind === 'user' ? req.actor.personId : null;
    if (!personId) return { items: [] };
    const items: LineView[] = [];
    for (const a of (await listAgreements(db, req.partnership.id)).filter((x) => x.status !== 'superseded')) {
      items.push(...await readablePlan(req.actor, a, (await listPlan(db, req.partnership.id, a.id, todayIso())).filter((l) => l.owner_person_id === personId), 'Read in My plan actions (API)'));
    }
    return { items: items.map(presentLine) };
  });
  void lineThemeIds; void levelLabel;
}
