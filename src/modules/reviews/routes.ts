// Pages and API of the reviews module. A case is read only by its own people (the policy's
// case grants): every route that shows a case asks the policy before it loads anything,
// answers 404 to anyone else, and writes an audit entry of the read. Lists, the
// recommendations view, exports and papers are built from the reader's own cases only.
// The public reads published reviews (pseudonym, year, summary, date) and nothing else.
import { reviewItemRoutes } from './items.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, isStaff } from '../../access/policy.ts';
import { recordHistory } from '../../access/audit.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { ForbiddenError, NotFoundError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { fromApi } from '../partnership/presenters.ts';
// csv-stringify is not installed in this repository: the public module's RFC 4180 writer (with formula guarding) is used instead.
import { toCsv } from '../public/domain.ts';
import {
  NEXT_RECOMMENDATION_STATUSES, PLACES, STAGE_STATE_LABELS, THEMES, recommendationStatusLabel, stagesOf, themeCounts, themeLabel, timeline,
  type RecommendationStatus,
} from './domain.ts';
import {
  annualCounts, findCase, listCases, listKinds, listPeople, listPublishedReviews, listRecommendationUpdates, listRecommendations,
  listStageEvents, listThemes, userOptions, type CaseRow,
} from './store.ts';
import { addPerson, addRecommendation, createCase, publishCase, recordStage, removePerson, saveKind, setThemes, updateRecommendation } from './commands.ts';
import { auditCaseReads, caseResource, readableCaseIds } from './reading.ts';
import { latestAsk, presentAsk } from './money.domain.ts';
import { listProgressLinks } from './money.store.ts';
import { reviewStagesRoutes } from './stages.routes.ts';
import { caseStagesView } from './stages.presenters.ts';
import { listAgencyRequests, listPublishedDocuments } from './stages.store.ts';
import { requestState } from './stages.domain.ts';
import {
  EXPORT_COLUMNS, caseReference, exportRows, kindOf, presentPerson, presentRecommendation, presentRecommendationUpdate, summariseCase,
} from './presenters.ts';
import {
  AnnualSummary, CaseDetail, Kind, KindInput, CaseInput, CaseSummary, ExportRow, IdParams, ListOf, PersonInput, PublishedReview, RecIdParams,
  Recommendation, RecommendationInput, RecommendationUpdate, RecommendationUpdateInput, StageInput, YearQuery,
} from './schemas.ts';

const V = (name: string) => `reviews/views/${name}.njk`;
const breadcrumbs = [{ text: 'Reviews', href: '/reviews' }];

export async function reviewsRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  // Requests to agencies, family, quality assurance, documents, markers and findings (stages.routes.ts).
  await app.register(reviewStagesRoutes);
  await app.register(reviewItemRoutes);

  /** Reviews are never public (apart from published ones): anyone else is asked to sign in. */
  function requireSignedIn(req: FastifyRequest) {
    if (req.actor.kind !== 'user') throw new ForbiddenError('sign-in');
  }

  /** One case this reader may read: the policy is asked before anything is loaded; the read is audited. */
  async function loadCase(req: FastifyRequest, id: string, what: string): Promise<CaseRow> {
    if (!isUuid(id)) throw new NotFoundError();
    authorize(req.actor, 'read', caseResource(id));
    const found = await findCase(db, req.partnership.id, id);
    if (!found) throw new NotFoundError();
    await auditCaseReads(db, req.actor, [found.id], what);
    return found;
  }

  /** Everything the case page and the API show of one case. */
  async function caseDetail(req: FastifyRequest, c: CaseRow) {
    const pid = req.partnership.id;
    const today = todayIso();
    const [kinds, events, people, themes, recs] = await Promise.all([
      listKinds(db, pid), listStageEvents(db, pid, [c.id]), listPeople(db, pid, c.id), listThemes(db, pid, [c.id]), listRecommendations(db, pid, [c.id]),
    ]);
    const kind = kindOf(kinds, c.kind_code);
    return {
      kind, today, summary: summariseCase(c, kinds, events, today),
      timeline: timeline(kind, c.notified_on, events, today),
      people: people.map(presentPerson),
      themes: themes.map((t) => t.theme),
      recommendations: recs.map((r) => presentRecommendation(r, today)),
      stagesView: await caseStagesView(db, pid, c, kind, today),
    };
  }

  async function readerCases(req: FastifyRequest) {
    const pid = req.partnership.id;
    const ids = readableCaseIds(req.actor);
    const [kinds, cases, events] = await Promise.all([listKinds(db, pid), listCases(db, pid, ids), listStageEvents(db, pid, ids)]);
    return { kinds, cases, summaries: cases.map((c) => summariseCase(c, kinds, events, todayIso())) };
  }

  // ---------------------------------------------------------------- the list of cases

  app.get('/reviews', async (req, reply) => {
    requireSignedIn(req);
    const { summaries } = await readerCases(req);
    await auditCaseReads(db, req.actor, summaries.map((s) => s.id), 'Read in the list of review cases');
    const overdueRequests = (await listAgencyRequests(db, req.partnership.id, summaries.map((s) => s.id))).filter((r) => requestState(r, todayIso()).state === 'overdue');
    return reply.view(V('list'), {
      title: 'Reviews', section: 'reviews', cases: summaries.map((s) => ({ ...s, overdueRequests: overdueRequests.filter((r) => r.case_id === s.id).length })), canCreate: can(req.actor, 'create', { type: 'review-case' }),
      canSummarise: can(req.actor, 'read', { type: 'review-summary', staffOnly: true }),
    });
  });

  // ---------------------------------------------------------------- opening a case

  async function newCaseForm(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const kinds = await listKinds(db, req.partnership.id);
    return reply.view(V('new'), { title: 'Open a review case', section: 'reviews', breadcrumbs, values, errors, kinds: kinds.map((k) => ({ value: k.code, text: k.label })) });
  }
  app.get('/reviews/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'review-case' });
    return newCaseForm(req, reply);
  });
  app.post('/reviews/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'review-case' });
    const outcome = await formOutcome(() => createCase(ctx(req), req.body));
    if (outcome.ok) return reply.flash('Case opened. You are its review coordinator').redirect(`/reviews/${outcome.value.id}`, 303);
    return newCaseForm(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- one case

  app.get('/reviews/:id', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case page');
    const detail = await caseDetail(req, c);
    return reply.view(V('case'), {
      title: caseReference(c), section: 'reviews', breadcrumbs, c, ...detail,
      stateLabels: STAGE_STATE_LABELS, themeLabel,
      canChange: can(req.actor, 'update', caseResource(c.id)),
    });
  });

  /** The case's own history of changes: for its people, never on the general history pages. */
  app.get('/reviews/:id/history', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the history of the case');
    const pid = req.partnership.id;
    const recs = await listRecommendations(db, pid, [c.id]);
    const people = await listPeople(db, pid, c.id);
    const rows = [
      ...(await recordHistory(db, pid, 'review-case', c.id)),
      ...(await Promise.all(recs.map((r) => recordHistory(db, pid, 'review-recommendation', r.id)))).flat(),
      ...(await Promise.all(people.map((p) => recordHistory(db, pid, 'review-person', p.id)))).flat(),
    ].sort((a, b) => a.id - b.id);
    return reply.view(V('history'), { title: `History of ${caseReference(c)}`, section: 'reviews', breadcrumbs: [...breadcrumbs, { text: caseReference(c), href: `/reviews/${c.id}` }], c, rows });
  });

  const caseCrumbs = (c: CaseRow) => [...breadcrumbs, { text: caseReference(c), href: `/reviews/${c.id}` }];

  // Stages
  async function stageForm(req: FastifyRequest, reply: FastifyReply, c: CaseRow, values: Record<string, unknown>, errors?: FieldError[]) {
    const kind = kindOf(await listKinds(db, req.partnership.id), c.kind_code);
    const stages = stagesOf(kind).filter((s) => s.code !== 'notification');
    const chosen = stages.find((s) => s.code === values.stage);
    return reply.view(V('stage'), {
      title: 'Record a stage', section: 'reviews', breadcrumbs: caseCrumbs(c), c, values, errors,
      stages: stages.map((s) => ({ value: s.code, text: s.label })), outcomes: chosen?.outcomes ?? stages.flatMap((s) => s.outcomes ?? []),
      chosen,
    });
  }
  app.get('/reviews/:id/stages', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to record a stage');
    authorize(req.actor, 'update', caseResource(c.id));
    const q = req.query as Record<string, unknown>;
    return stageForm(req, reply, c, { stage: typeof q.stage === 'string' ? q.stage : '' });
  });
  app.post('/reviews/:id/stages', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to record a stage');
    const outcome = await formOutcome(() => recordStage(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash('Stage recorded').redirect(`/reviews/${c.id}`, 303);
    return stageForm(req, reply.code(400), c, req.body as Record<string, unknown>, outcome.errors);
  });

  // People
  async function personForm(req: FastifyRequest, reply: FastifyReply, c: CaseRow, values: Record<string, unknown>, errors?: FieldError[]) {
    const users = await userOptions(db, req.partnership.id);
    return reply.view(V('person'), {
      title: 'Name someone on the case', section: 'reviews', breadcrumbs: caseCrumbs(c), c, values, errors, places: PLACES,
      users: users.map((u) => ({ value: u.id, text: `${u.partnership_display_name ?? u.display_name} (${u.role})` })),
    });
  }
  app.get('/reviews/:id/people', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to name someone on it');
    authorize(req.actor, 'update', caseResource(c.id));
    return personForm(req, reply, c, {});
  });
  app.post('/reviews/:id/people', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to name someone on it');
    const outcome = await formOutcome(() => addPerson(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash(`${outcome.value.name} named on the case`).redirect(`/reviews/${c.id}#people`, 303);
    return personForm(req, reply.code(400), c, req.body as Record<string, unknown>, outcome.errors);
  });
  app.post('/reviews/:id/people/:personId/remove', async (req, reply) => {
    const { id, personId } = req.params as { id: string; personId: string };
    const c = await loadCase(req, id, 'Read the case to remove someone from it');
    if (!isUuid(personId)) throw new NotFoundError();
    const outcome = await formOutcome(() => removePerson(ctx(req), c.id, personId));
    if (outcome.ok) return reply.flash(`${outcome.value.name} is no longer on the case`).redirect(`/reviews/${c.id}#people`, 303);
    const detail = await caseDetail(req, c);
    return reply.code(400).view(V('case'), { title: caseReference(c), section: 'reviews', breadcrumbs, c, ...detail, stateLabels: STAGE_STATE_LABELS, themeLabel, canChange: true, errors: outcome.errors });
  });

  // Themes
  async function themesForm(req: FastifyRequest, reply: FastifyReply, c: CaseRow, chosen: string[], errors?: FieldError[]) {
    return reply.view(V('themes-form'), {
      title: 'Themes of the case', section: 'reviews', breadcrumbs: caseCrumbs(c), c, errors,
      items: THEMES.map((t) => ({ value: t.value, text: t.text, checked: chosen.includes(t.value) })),
    });
  }
  app.get('/reviews/:id/themes', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to code its themes');
    authorize(req.actor, 'update', caseResource(c.id));
    return themesForm(req, reply, c, (await listThemes(db, req.partnership.id, [c.id])).map((t) => t.theme));
  });
  app.post('/reviews/:id/themes', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to code its themes');
    const outcome = await formOutcome(() => setThemes(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash('Themes saved').redirect(`/reviews/${c.id}#themes`, 303);
    const raw = (req.body as Record<string, unknown>)?.themes;
    return themesForm(req, reply.code(400), c, (Array.isArray(raw) ? raw : [raw]).map(String), outcome.errors);
  });

  // Publication
  async function publishForm(req: FastifyRequest, reply: FastifyReply, c: CaseRow, values: Record<string, unknown>, errors?: FieldError[]) {
    return reply.view(V('publish'), { title: 'Publish the review', section: 'reviews', breadcrumbs: caseCrumbs(c), c, values, errors });
  }
  app.get('/reviews/:id/publish', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to publish it');
    authorize(req.actor, 'update', caseResource(c.id));
    return publishForm(req, reply, c, { published_on: c.published_on, published_summary: c.published_summary, published_where: c.published_where });
  });
  app.post('/reviews/:id/publish', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to publish it');
    const outcome = await formOutcome(() => publishCase(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash('Review published: the public can read its summary').redirect(`/reviews/${c.id}`, 303);
    return publishForm(req, reply.code(400), c, req.body as Record<string, unknown>, outcome.errors);
  });

  // Recommendations
  async function recommendationForm(req: FastifyRequest, reply: FastifyReply, c: CaseRow, values: Record<string, unknown>, errors?: FieldError[]) {
    return reply.view(V('recommendation-new'), {
      title: 'Add a recommendation', section: 'reviews', breadcrumbs: caseCrumbs(c), c, values, errors, themes: THEMES,
    });
  }
  app.get('/reviews/:id/recommendations/new', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to add a recommendation');
    authorize(req.actor, 'update', caseResource(c.id));
    return recommendationForm(req, reply, c, {});
  });
  app.post('/reviews/:id/recommendations/new', async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to add a recommendation');
    const outcome = await formOutcome(() => addRecommendation(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash(`Recommendation ${outcome.value.number} added`).redirect(`/reviews/${c.id}#recommendations`, 303);
    return recommendationForm(req, reply.code(400), c, req.body as Record<string, unknown>, outcome.errors);
  });

  async function loadRecommendation(req: FastifyRequest) {
    const { id, recId } = req.params as { id: string; recId: string };
    const c = await loadCase(req, id, 'Read a recommendation of the case');
    const rec = isUuid(recId) ? (await listRecommendations(db, req.partnership.id, [c.id])).find((r) => r.id === recId) : undefined;
    if (!rec) throw new NotFoundError();
    return { c, rec };
  }
  async function recommendationPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const { c, rec } = await loadRecommendation(req);
    const updates = await listRecommendationUpdates(db, req.partnership.id, [rec.id]);
    const status = rec.status as RecommendationStatus;
    return reply.view(V('recommendation'), {
      title: `Recommendation ${rec.number} of ${caseReference(c)}`, section: 'reviews', breadcrumbs: caseCrumbs(c), c,
      rec: presentRecommendation(rec, todayIso()), updates: updates.map(presentRecommendationUpdate), values, errors,
      statusLabel: recommendationStatusLabel,
      statusChoices: [status, ...NEXT_RECOMMENDATION_STATUSES[status]].map((s) => ({
        value: s, text: s === status ? `Keep as ${recommendationStatusLabel(s).toLowerCase()}` : recommendationStatusLabel(s),
        checked: (typeof values.status === 'string' ? values.status : status) === s,
      })),
      canChange: can(req.actor, 'update', caseResource(c.id)),
    });
  }
  app.get('/reviews/:id/recommendations/:recId', async (req, reply) => recommendationPage(req, reply));
  app.post('/reviews/:id/recommendations/:recId/updates', async (req, reply) => {
    const { c, rec } = await loadRecommendation(req);
    const outcome = await formOutcome(() => updateRecommendation(ctx(req), c.id, rec.id, req.body));
    if (outcome.ok) return reply.flash('Update saved').redirect(`/reviews/${c.id}/recommendations/${rec.id}`, 303);
    return recommendationPage(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- across the reader's cases

  /** The steering group's view: every outstanding recommendation of the cases the reader may see, overdue first. */
  app.get('/reviews/recommendations', async (req, reply) => {
    requireSignedIn(req);
    const today = todayIso();
    const ids = readableCaseIds(req.actor);
    const recs = (await listRecommendations(db, req.partnership.id, ids)).map((r) => presentRecommendation(r, today)).filter((r) => r.outstanding)
      .sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'));
    await auditCaseReads(db, req.actor, recs.map((r) => r.caseId), 'Read in the outstanding recommendations');
    // Whether each agency was asked for progress by e-mail, and answered (progress.commands.ts).
    const asked = latestAsk(await listProgressLinks(db, req.partnership.id, ids));
    const withProgress = recs.map((r) => ({ ...r, progress: presentAsk(asked.get(`${r.caseId}\n${r.agency}`)) }));
    return reply.view(V('recommendations'), { title: 'Outstanding recommendations', section: 'reviews', breadcrumbs, recs: withProgress, progressShown: true });
  });

  async function exportData(req: FastifyRequest, what: string) {
    requireSignedIn(req);
    const pid = req.partnership.id;
    const ids = readableCaseIds(req.actor);
    const [kinds, recs] = await Promise.all([listKinds(db, pid), listRecommendations(db, pid, ids)]);
    const updates = await listRecommendationUpdates(db, pid, recs.map((r) => r.id));
    await auditCaseReads(db, req.actor, recs.map((r) => r.case_id), what);
    return exportRows(req.partnership.name, kinds, recs, updates, todayIso());
  }
  app.get('/reviews/recommendations.csv', async (req, reply) => {
    const rows = await exportData(req, 'Exported in the recommendations CSV');
    const csv = toCsv(EXPORT_COLUMNS, rows.map((r) => EXPORT_COLUMNS.map((col) => (typeof r[col] === 'boolean' ? (r[col] ? 'yes' : 'no') : r[col]))));
    return reply.type('text/csv; charset=utf-8; header=present').header('content-disposition', 'attachment; filename="review-recommendations.csv"').send(csv);
  });
  app.get('/reviews/recommendations.json', async (req, reply) => {
    const rows = await exportData(req, 'Exported in the recommendations JSON');
    return reply.type('application/json; charset=utf-8').header('content-disposition', 'attachment; filename="review-recommendations.json"')
      .send(JSON.stringify({ generated_on: todayIso(), recommendations: rows }, null, 2));
  });

  /** Themes across the reader's cases: counts by year as a table and bars, and the recommendations by theme. */
  app.get('/reviews/themes', async (req, reply) => {
    requireSignedIn(req);
    const pid = req.partnership.id;
    const ids = readableCaseIds(req.actor);
    const [cases, themes, recs] = await Promise.all([listCases(db, pid, ids), listThemes(db, pid, ids), listRecommendations(db, pid, ids)]);
    await auditCaseReads(db, req.actor, cases.map((c) => c.id), 'Counted in the themes across reviews');
    const counts = themeCounts(cases.map((c) => ({ year: c.year, themes: themes.filter((t) => t.case_id === c.id).map((t) => t.theme) })));
    const max = Math.max(1, ...counts.rows.map((r) => r.total));
    const today = todayIso();
    const byTheme = THEMES.map((t) => ({ label: t.text, recs: recs.filter((r) => r.theme === t.value).map((r) => presentRecommendation(r, today)) })).filter((g) => g.recs.length);
    return reply.view(V('themes'), { title: 'Themes across reviews', section: 'reviews', breadcrumbs, counts, max, byTheme, caseCount: cases.length });
  });

  /** The restricted update paper for the steering group and the board's section D, at a date. */
  app.get('/reviews/update-paper', async (req, reply) => {
    requireSignedIn(req);
    const { summaries } = await readerCases(req);
    const today = todayIso();
    const recs = (await listRecommendations(db, req.partnership.id, summaries.map((s) => s.id))).map((r) => presentRecommendation(r, today));
    await auditCaseReads(db, req.actor, summaries.map((s) => s.id), 'Read in the restricted update paper');
    const byStage = [...new Set(summaries.map((s) => s.currentStage))].map((stage) => ({ stage, cases: summaries.filter((s) => s.currentStage === stage) }));
    return reply.view(V('update-paper'), {
      title: 'Reviews: restricted update', section: 'reviews', breadcrumbs, today, summaries, byStage,
      overdue: summaries.filter((s) => s.overdueStages.length),
      outstanding: recs.filter((r) => r.outstanding),
    });
  });

  /** Counts only, across every case of the partnership: safe to publish in the scrutiny pack. */
  async function summaryFor(req: FastifyRequest) {
    authorize(req.actor, 'read', { type: 'review-summary', staffOnly: true });
    const q = req.query as Record<string, unknown>;
    const year = Number(typeof q.year === 'string' && /^\d{4}$/.test(q.year) ? q.year : todayIso().slice(0, 4));
    const [counts, kinds] = await Promise.all([annualCounts(db, req.partnership.id, year), listKinds(db, req.partnership.id)]);
    return { year, ...counts, byKind: counts.byKind.map(([code, n]) => ({ code, label: kindOf(kinds, code).label, count: n })) };
  }
  app.get('/reviews/annual-summary', async (req, reply) => {
    const summary = await summaryFor(req);
    return reply.view(V('annual-summary'), { title: `Reviews in ${summary.year}: annual summary`, section: 'reviews', breadcrumbs, summary, statusLabel: recommendationStatusLabel });
  });

  // ---------------------------------------------------------------- kinds of review

  async function kindsPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    authorize(req.actor, 'update', { type: 'review-kind' });
    const kinds = await listKinds(db, req.partnership.id);
    return reply.view(V('kinds'), { title: 'Kinds of review', section: 'reviews', breadcrumbs, kinds, values, errors });
  }
  app.get('/reviews/kinds', async (req, reply) => kindsPage(req, reply, { stage_set: 'dhr', decision_months: '1', completion_months: '6' }));
  app.post('/reviews/kinds', async (req, reply) => {
    const outcome = await formOutcome(() => saveKind(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`Kind of review saved: ${outcome.value.label}`).redirect('/reviews/kinds', 303);
    return kindsPage(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- public

  app.get('/published-reviews', async (req, reply) => {
    const kinds = await listKinds(db, req.partnership.id);
    const reviews = (await listPublishedReviews(db, req.partnership.id)).map((r) => ({ ...r, kindLabel: kindOf(kinds, r.kind_code).label }));
    return reply.view(V('published'), { title: 'Published reviews', section: 'public', reviews });
  });
  app.get('/published-reviews/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const kinds = await listKinds(db, req.partnership.id);
    const review = isUuid(id) ? (await listPublishedReviews(db, req.partnership.id)).find((r) => r.id === id) : undefined;
    if (!review) throw new NotFoundError();
    return reply.view(V('published-one'), {
      title: `${caseReference(review)}: ${kindOf(kinds, review.kind_code).label}`, section: 'public',
      breadcrumbs: [{ text: 'Published reviews', href: '/published-reviews' }], review,
      documents: await listPublishedDocuments(db, req.partnership.id, review.id),
    });
  });

  // ---------------------------------------------------------------- API
  const tags = ['reviews'];

  app.get('/api/reviews', { schema: { tags, summary: 'The review cases the reader is named on', response: { 200: ListOf(CaseSummary) } } }, async (req) => {
    requireSignedIn(req);
    const { summaries } = await readerCases(req);
    await auditCaseReads(db, req.actor, summaries.map((s) => s.id), 'Read in the list of review cases (API)');
    return { items: summaries };
  });

  app.post('/api/reviews', { schema: { tags, summary: 'Open a review case; the reader becomes its coordinator', body: CaseInput, response: { 201: CaseDetail } } }, async (req, reply) => {
    const row = await createCase(ctx(req), fromApi(req.body));
    return reply.code(201).send(await apiCase(req, row));
  });

  async function apiCase(req: FastifyRequest, c: CaseRow) {
    const d = await caseDetail(req, c);
    return {
      ...d.summary,
      diedOrIncidentOn: c.died_or_incident_on, notifiedHow: c.notified_how, notifiedBy: c.notified_by,
      homeOfficeRef: c.home_office_ref, nhsRef: c.nhs_ref, policeRef: c.police_ref, subjectDetails: c.subject_details,
      publishedSummary: c.published_summary, publishedWhere: c.published_where,
      timeline: d.timeline, people: d.people, themes: d.themes, recommendations: d.recommendations,
    };
  }

  app.get('/api/reviews/:id', { schema: { tags, summary: 'One review case, with its timeline, people, themes and recommendations', params: IdParams, response: { 200: CaseDetail } } }, async (req) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case (API)');
    return apiCase(req, c);
  });

  app.post('/api/reviews/:id/stages', { schema: { tags, summary: 'Record the date (and outcome) of a stage', params: IdParams, body: StageInput, response: { 201: CaseDetail } } }, async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to record a stage (API)');
    await recordStage(ctx(req), c.id, fromApi(req.body));
    return reply.code(201).send(await apiCase(req, (await findCase(db, req.partnership.id, c.id))!));
  });

  app.post('/api/reviews/:id/people', { schema: { tags, summary: 'Name a coordinator or panel member; an account named gets access to the case', params: IdParams, body: PersonInput, response: { 201: CaseDetail } } }, async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to name someone on it (API)');
    await addPerson(ctx(req), c.id, fromApi(req.body));
    return reply.code(201).send(await apiCase(req, c));
  });

  app.post('/api/reviews/:id/recommendations', { schema: { tags, summary: 'Add a recommendation to the case', params: IdParams, body: RecommendationInput, response: { 201: Recommendation } } }, async (req, reply) => {
    const c = await loadCase(req, (req.params as { id: string }).id, 'Read the case to add a recommendation (API)');
    const row = await addRecommendation(ctx(req), c.id, fromApi(req.body));
    const rec = (await listRecommendations(db, req.partnership.id, [c.id])).find((r) => r.id === row.id)!;
    return reply.code(201).send(presentRecommendation(rec, todayIso()));
  });

  app.get('/api/reviews/:id/recommendations/:recId', { schema: { tags, summary: 'One recommendation with its status history, oldest first', params: RecIdParams } }, async (req) => {
    const { rec } = await loadRecommendation(req);
    const updates = await listRecommendationUpdates(db, req.partnership.id, [rec.id]);
    return { ...presentRecommendation(rec, todayIso()), updates: updates.map(presentRecommendationUpdate) };
  });

  app.post('/api/reviews/:id/recommendations/:recId/updates', {
    schema: { tags, summary: 'A new status, a note or evidence: a new row of the status history', params: RecIdParams, body: RecommendationUpdateInput, response: { 201: RecommendationUpdate } },
  }, async (req, reply) => {
    const { c, rec } = await loadRecommendation(req);
    const { update } = await updateRecommendation(ctx(req), c.id, rec.id, fromApi(req.body));
    return reply.code(201).send(presentRecommendationUpdate(update));
  });

  app.get('/api/review-recommendations', { schema: { tags, summary: 'The recommendations export (docs/reviews-export.md) of the cases the reader is named on', response: { 200: ListOf(ExportRow) } } }, async (req) => {
    return { items: await exportData(req, 'Exported in the recommendations JSON (API)') };
  });

  app.get('/api/review-summary', { schema: { tags, summary: 'Counts only, across every case, for the annual report', querystring: YearQuery, response: { 200: AnnualSummary } } }, async (req) => {
    const s = await summaryFor(req);
    return { ...s, recommendations: Object.entries(s.recommendations).map(([status, count]) => ({ status, count })) };
  });

  app.get('/api/review-kinds', { schema: { tags, summary: 'The kinds of review, built in and added, with their timescales', response: { 200: ListOf(Kind) } } }, async (req) => {
    requireSignedIn(req);
    return { items: await listKinds(db, req.partnership.id) };
  });
  app.post('/api/review-kinds', { schema: { tags, summary: 'Add a kind of review, or change one (its label or timescales)', body: KindInput, response: { 201: ListOf(Kind) } } }, async (req, reply) => {
    await saveKind(ctx(req), fromApi(req.body));
    return reply.code(201).send({ items: await listKinds(db, req.partnership.id) });
  });

  app.get('/api/published-reviews', { schema: { tags, summary: 'Published reviews: pseudonym, year, summary, date', response: { 200: ListOf(PublishedReview) } } }, async (req) => {
    const kinds = await listKinds(db, req.partnership.id);
    const items = (await listPublishedReviews(db, req.partnership.id)).map((r) => ({
      id: r.id, kind: r.kind_code, kindLabel: kindOf(kinds, r.kind_code).label, pseudonym: r.pseudonym, year: r.year,
      publishedOn: r.published_on!, summary: r.published_summary!, publishedWhere: r.published_where,
    }));
    return { items };
  });

}
