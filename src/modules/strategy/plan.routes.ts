// The live action plan's pages: the plan with its filters, adding and changing lines, and
// the plan as a spreadsheet (CSV and XLSX) to download.
import { readAgreement } from './reading.ts';
import { firstValue } from '../../web/forms.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, isStaff } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { LINE_STATUSES, childLevel, isAgreementPublic, levelLabel, lineStatusColour, lineStatusLabel } from './domain.ts';
import { findLine, lineThemeIds, listPlan, listPlanBranches, listPlanLines, listPlanMatches, listPriorities, organisationOptions, personOptions, planSummary, type Agreement, type LineView } from './store.ts';
import { addLine, editLine, lineResource } from './commands.ts';
import { PLAN_STATUS_FILTERS, filterPlan } from './planFilters.ts';
import { planCsv, planXlsx } from './spreadsheet.ts';

const one = firstValue;
/** Lines on one page of a filtered plan. */
const PLAN_PAGE = 100;

export async function planRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });

  const loadAgreement = (req: FastifyRequest, id: string) => readAgreement(db, req, id);

  /** The plan this reader may read: the whole plan needs the plan to be readable, then each line its own check. */
  async function readablePlan(req: FastifyRequest, a: Agreement, summary: string | null): Promise<LineView[]> {
    authorize(req.actor, 'read', { type: 'plan-action', published: isAgreementPublic(a.status) && a.plan_public });
    const plan = (await listPlan(db, req.partnership.id, a.id, todayIso())).filter((l) => can(req.actor, 'read', lineResource(l, a)));
    // Null: the caller records the reads of what it shows.
    if (summary) await recordRestrictedReads(db, req.actor, plan.filter((l) => l.restricted).map((l) => ({ recordType: 'plan-action', id: l.id, summary })));
    return plan;
  }

  // The plan's page. Unfiltered, it shows the objectives under each priority with their
  // roll-up, and the actions of the objectives opened (?open=<id>, links that work without
  // JavaScript); filtered, the lines that match, 100 a page: matched in SQL, the reader's
  // policy applied to what matched, and only the page's lines read in full. The whole plan is the download.
  app.get('/strategy/agreements/:id/plan', async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    authorize(req.actor, 'read', { type: 'plan-action', published: isAgreementPublic(a.status) && a.plan_public });
    const pid = req.partnership.id;
    const q = req.query as Record<string, unknown>;
    const filters = { priority: one(q.priority), owner: one(q.owner), status: one(q.status), theme: one(q.theme) };
    if (!PLAN_STATUS_FILTERS.some((s) => s.value === filters.status)) filters.status = '';
    const filtered = Boolean(filters.priority || filters.owner || filters.status || filters.theme);
    const open = [...new Set(([] as unknown[]).concat(q.open ?? []).map(String).filter(isUuid))].slice(0, 50);
    const readable = (l: { restricted: boolean; owner_person_id: string | null }) => can(req.actor, 'read', lineResource(l, a));
    const priorities = await listPriorities(db, pid, { agreementId: a.id, kind: 'all' });
    const summary = await planSummary(db, pid, a.id);
    const total = summary.openCount + summary.restricted.filter(readable).length;
    const owners = new Map<string, string>();
    for (const o of summary.owners) {
      if (o.restricted && !readable({ restricted: true, owner_person_id: o.owner_person_id })) continue;
      if (o.owner_person_id && o.person) owners.set(o.owner_person_id, o.person);
      if (o.lead_organisation_id && o.organisation) owners.set(o.lead_organisation_id, `${o.organisation} (organisation)`);
    }
    let shown: LineView[];
    let count: number;
    let pagination: { previous?: { href: string }; next?: { href: string } } | null = null;
    let pageInfo: { from: number; to: number } | null = null;
    const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    if (filtered) {
      const matching = (await listPlanMatches(db, pid, a.id, todayIso(), filters)).filter(readable);
      const page = Math.max(1, Math.min(Math.ceil(matching.length / PLAN_PAGE) || 1, Number.parseInt(one(q.page), 10) || 1));
      shown = await listPlanLines(db, pid, a.id, todayIso(), matching.slice((page - 1) * PLAN_PAGE, page * PLAN_PAGE));
      count = matching.length;
      const at = (n: number) => `/strategy/agreements/${a.id}/plan?${new URLSearchParams([...query, ['page', String(n)]])}`;
      if (matching.length > PLAN_PAGE) {
        pagination = { ...(page > 1 ? { previous: { href: at(page - 1) } } : {}), ...(page * PLAN_PAGE < matching.length ? { next: { href: at(page + 1) } } : {}) };
        pageInfo = { from: (page - 1) * PLAN_PAGE + 1, to: (page - 1) * PLAN_PAGE + shown.length };
      }
    } else {
      shown = (await listPlanBranches(db, pid, a.id, todayIso(), open)).filter(readable);
      count = total;
    }
    await recordRestrictedReads(db, req.actor, shown.filter((l) => l.restricted).map((l) => ({ recordType: 'plan-action', id: l.id, summary: 'Read in the plan' })));
    // The address that opens or closes one objective's branch, keeping the others as they are.
    const toggle = (id: string) => {
      const next = open.includes(id) ? open.filter((o) => o !== id) : [...open, id];
      const params = new URLSearchParams(next.map((o) => ['open', o]));
      return `/strategy/agreements/${a.id}/plan${next.length ? `?${params}` : ''}#line-${id}`;
    };
    const byPriority = priorities.filter((p) => p.kind === 'priority').map((p) => ({ priority: p, lines: shown.filter((l) => l.priority_id === p.id) }))
      .filter((g) => g.lines.length || !filtered);
    return reply.view('strategy/views/plan.njk', {
      title: `Action plan ${a.period}`, section: 'strategy', agreement: a, filters, filtered, byPriority, count, total, pagination, pageInfo,
      openIds: open, toggle,
      priorityOptions: priorities.filter((p) => p.kind === 'priority').map((p) => ({ value: p.id, text: `${p.position}. ${p.title}` })),
      themeOptions: priorities.filter((p) => p.kind === 'theme').map((p) => ({ value: p.id, text: p.title })),
      ownerOptions: [...owners].map(([value, text]) => ({ value, text })).sort((x, y) => x.text.localeCompare(y.text)),
      statusFilters: PLAN_STATUS_FILTERS, levelLabel, statusTag: (s: string) => ({ text: lineStatusLabel(s), colour: lineStatusColour(s) }),
      canAdd: isStaff(req.actor) && a.status !== 'superseded', signedIn: req.actor.kind === 'user',
      query: query.toString(),
    });
  });

  // Downloads: what the reader may read, filtered as the page is; restricted lines only for those entitled.
  const download = async (req: FastifyRequest) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    const q = req.query as Record<string, unknown>;
    const plan = filterPlan(await readablePlan(req, a, 'Read in a download of the plan'),
      { priority: one(q.priority), owner: one(q.owner), status: PLAN_STATUS_FILTERS.some((s) => s.value === one(q.status)) ? one(q.status) : '', theme: one(q.theme) });
    const priorities = await listPriorities(db, req.partnership.id, { agreementId: a.id, kind: 'all' });
    return { a, plan, priorities, withIds: req.actor.kind === 'user' };
  };
  app.get('/strategy/agreements/:id/plan.csv', async (req, reply) => {
    const { a, plan, priorities, withIds } = await download(req);
    return reply.type('text/csv; charset=utf-8; header=present').header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="action-plan-${a.period}.csv"`).send(planCsv(plan, priorities, withIds));
  });
  app.get('/strategy/agreements/:id/plan.xlsx', async (req, reply) => {
    const { a, plan, priorities, withIds } = await download(req);
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="action-plan-${a.period}.xlsx"`).send(await planXlsx(a, plan, priorities, withIds));
  });

  // Adding a line
  async function lineForm(req: FastifyRequest, reply: FastifyReply, a: Agreement, values: Record<string, unknown>, errors?: FieldError[], line?: LineView) {
    const pid = req.partnership.id;
    const plan = await listPlan(db, pid, a.id, todayIso());
    const priorities = await listPriorities(db, pid, { agreementId: a.id, kind: 'all' });
    const under = (l: LineView) => !line || (l.id !== line.id);
    const parents = plan.filter((l) => childLevel(l.level) !== null && under(l) && can(req.actor, 'read', lineResource(l, a)));
    // The choice of parent names restricted lines too: reading their titles is audited.
    await recordRestrictedReads(db, req.actor, parents.filter((l) => l.restricted).map((l) => ({ recordType: 'plan-action', id: l.id, summary: 'Read as a place in the plan to add or move a line' })));
    return reply.view('strategy/views/line-form.njk', {
      title: line ? `Change ${line.ref}` : 'Add to the action plan', section: 'strategy', agreement: a, values, errors, line,
      priorityOptions: priorities.filter((p) => p.kind === 'priority').map((p) => ({ value: p.id, text: `${p.position}. ${p.title}` })),
      themes: priorities.filter((p) => p.kind === 'theme'),
      parentOptions: parents.map((l) => ({ value: l.id, text: `${l.ref} ${l.title}`.slice(0, 120) })),
      people: await personOptions(db, pid), organisations: await organisationOptions(db, pid),
      statuses: LINE_STATUSES, hasChildren: line ? plan.some((l) => l.parent_id === line.id) : false,
      selectedThemes: ([] as unknown[]).concat(values.theme_ids ?? []).map(String),
    });
  }
  app.get('/strategy/agreements/:id/plan/new', async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    authorize(req.actor, 'create', { type: 'plan-action' });
    const q = req.query as Record<string, unknown>;
    return lineForm(req, reply, a, { parent_id: one(q.parent), priority_id: one(q.priority), weight: '1' });
  });
  app.post('/strategy/agreements/:id/plan/new', async (req, reply) => {
    const a = await loadAgreement(req, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => addLine(ctx(req), a.id, req.body));
    if (outcome.ok) return reply.flash(`${outcome.value.ref} added to the plan`).redirect(`/strategy/plan-actions/${outcome.value.id}`, 303);
    return lineForm(req, reply.code(400), a, req.body as Record<string, unknown>, outcome.errors);
  });

  // Changing a line
  async function loadForEdit(req: FastifyRequest) {
    const id = (req.params as { id: string }).id;
    const row = isUuid(id) ? await findLine(db, req.partnership.id, id) : undefined;
    if (!row) throw new NotFoundError();
    const a = await loadAgreement(req, row.agreement_id);
    authorize(req.actor, 'read', lineResource(row, a));
    authorize(req.actor, 'update', { type: 'plan-action-details' });
    if (row.restricted) await recordRestrictedReads(db, req.actor, [{ recordType: 'plan-action', id: row.id, summary: 'Read restricted plan action to change it' }]);
    const line = (await listPlan(db, req.partnership.id, a.id, todayIso())).find((l) => l.id === row.id)!;
    return { a, line };
  }
  app.get('/strategy/plan-actions/:id/edit', async (req, reply) => {
    const { a, line } = await loadForEdit(req);
    return lineForm(req, reply, a, { ...line, restricted: line.restricted ? 'yes' : '', weight: String(line.weight), theme_ids: await lineThemeIds(db, req.partnership.id, line.id) }, undefined, line);
  });
  app.post('/strategy/plan-actions/:id/edit', async (req, reply) => {
    const { a, line } = await loadForEdit(req);
    const body = { restricted: 'no', theme_ids: [], ...(req.body as Record<string, unknown>) };
    const outcome = await formOutcome(() => editLine(ctx(req), line.id, body));
    if (outcome.ok) return reply.flash('Changes saved').redirect(`/strategy/plan-actions/${line.id}`, 303);
    return lineForm(req, reply.code(400), a, req.body as Record<string, unknown>, outcome.errors, line);
  });
}
