// The assessment document: its sections edited on GOV.UK pages and through the API, and
// the PDF built from them. A restricted assessment's document, pages and PDF follow the
// assessment: only those entitled to its restricted business, every read audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';
import { formOutcome } from '../../web/forms.ts';
import { NotFoundError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { fromApi } from '../partnership/presenters.ts';
import { CATEGORIES } from './domain.ts';
import { VIEWS } from './analysis.ts';
import { addDataset, assessmentResource, createAssessment } from './requests.commands.ts';
import { findAssessment, findDataset, type Assessment } from './requests.store.ts';
import { SECTION_CONTENTS, addSection, contentLabel, deleteSection, findSection, listSections, moveSection, updateSection, type Section } from './document.ts';
import { listAreas } from './store.ts';
import * as S from './schemas.ts';

export async function assessmentDocumentRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });

  async function load(req: FastifyRequest, id: string, what = 'Read a restricted assessment'): Promise<Assessment> {
    const a = await findAssessment(db, req.partnership.id, id);
    if (!a) throw new NotFoundError();
    authorize(req.actor, 'read', assessmentResource(a));
    if (a.restricted) await recordRestrictedReads(db, req.actor, [{ recordType: 'assessment', id: a.id, summary: what }]);
    return a;
  }
  async function loadSection(req: FastifyRequest): Promise<{ a: Assessment; s: Section }> {
    const s = await findSection(db, req.partnership.id, (req.params as { id: string }).id);
    if (!s) throw new NotFoundError();
    return { a: await load(req, s.assessment_id), s };
  }
  const choices = async (req: FastifyRequest) => ({
    contents: SECTION_CONTENTS, views: VIEWS, categories: CATEGORIES, areas: (await listAreas(db, req.partnership.id)).map((x) => ({ value: x.id, text: x.name })),
  });
  const valuesOf = (s: Section) => ({ ...s, show_charts: s.show_charts ? 'yes' : '', show_tables: s.show_tables ? 'yes' : '' });

  async function documentPage(req: FastifyRequest, reply: FastifyReply, a: Assessment, errors?: FieldError[], values: Record<string, unknown> = { show_charts: 'yes', show_tables: 'yes', content: 'text' }) {
    const sections = (await listSections(db, req.partnership.id, a.id)).map((s) => ({
      ...s, contentLabel: contentLabel(s.content), viewTitle: s.analysis_view ? VIEWS.find((v) => v.id === s.analysis_view)?.title : null,
    }));
    return reply.view('assessment/views/document.njk', {
      title: `The document: ${a.title}`, section: 'strategy', assessment: a, sections, errors, values, canEdit: can(req.actor, 'update', assessmentResource(a)), ...(await choices(req)),
    });
  }
  app.get('/assessment/assessments/:id/document', async (req, reply) => documentPage(req, reply, await load(req, (req.params as { id: string }).id)));
  app.post('/assessment/assessments/:id/document', async (req, reply) => {
    const a = await load(req, (req.params as { id: string }).id);
    authorize(req.actor, 'update', assessmentResource(a));
    const outcome = await formOutcome(() => addSection(ctx(req), a.id, req.body));
    if (outcome.ok) return reply.flash(`Section added: ${outcome.value.title}`).redirect(`/assessment/assessments/${a.id}/document`, 303);
    return documentPage(req, reply.code(400), a, outcome.errors, req.body as Record<string, unknown>);
  });

  async function sectionPage(req: FastifyRequest, reply: FastifyReply, a: Assessment, s: Section, errors?: FieldError[], values?: Record<string, unknown>) {
    return reply.view('assessment/views/section.njk', {
      title: `Edit the section: ${s.title}`, section: 'strategy', assessment: a, item: s, errors, values: values ?? valuesOf(s), canEdit: can(req.actor, 'update', assessmentResource(a)), ...(await choices(req)),
    });
  }
  app.get('/assessment/sections/:id', async (req, reply) => {
    const { a, s } = await loadSection(req);
    return sectionPage(req, reply, a, s);
  });
  app.post('/assessment/sections/:id', async (req, reply) => {
    const { a, s } = await loadSection(req);
    authorize(req.actor, 'update', assessmentResource(a));
    const outcome = await formOutcome(() => updateSection(ctx(req), s.id, req.body));
    if (outcome.ok) return reply.flash(`Section saved: ${outcome.value.title}`).redirect(`/assessment/assessments/${a.id}/document`, 303);
    return sectionPage(req, reply.code(400), a, s, outcome.errors, req.body as Record<string, unknown>);
  });
  app.post('/assessment/sections/:id/move', async (req, reply) => {
    const { a, s } = await loadSection(req);
    authorize(req.actor, 'update', assessmentResource(a));
    const outcome = await formOutcome(() => moveSection(ctx(req), s.id, String((req.body as Record<string, unknown> | undefined)?.direction ?? '')));
    if (outcome.ok) return reply.flash(`Section moved: ${s.title}`).redirect(`/assessment/assessments/${a.id}/document`, 303);
    return documentPage(req, reply.code(400), a, outcome.errors);
  });
  app.post('/assessment/sections/:id/delete', async (req, reply) => {
    const { a, s } = await loadSection(req);
    authorize(req.actor, 'update', assessmentResource(a));
    await deleteSection(ctx(req), s.id);
    return reply.flash(`Section removed: ${s.title}`).redirect(`/assessment/assessments/${a.id}/document`, 303);
  });

  app.get('/assessment/assessments/:id/document.pdf', async (req, reply) => {
    const a = await load(req, (req.params as { id: string }).id, 'Read a restricted assessment’s document (PDF)');
    const today = todayIso();
    // The PDF modules (pdf-lib) are loaded on first use, not at start: most servers never make one.
    const { buildAssessmentPdf, documentContents } = await import('./documentPdf.ts');
    const pdf = await buildAssessmentPdf(a, req.partnership.name, await documentContents(db, req.partnership.id, a, today), today);
    return reply.type('application/pdf')
      .header('content-disposition', `inline; filename="assessment-${a.year}-${a.kind}.pdf"`)
      .header('cache-control', 'private, no-store')
      .header('x-document-pages', String(pdf.pageCount))
      .send(Buffer.from(pdf.bytes));
  });

  // The API ----------------------------------------------------------------------------

  const tags = ['assessment'];
  const present = (s: Section) => ({
    id: s.id, assessmentId: s.assessment_id, position: s.position, title: s.title, body: s.body, content: s.content, analysisView: s.analysis_view, areaId: s.area_id, category: s.category,
    showCharts: s.show_charts, showTables: s.show_tables, updatedAt: s.updated_at.toISOString(),
  });
  // Absent from the JSON, the charts and tables are both printed (a form's unticked box is absent, so only the API defaults them).
  const fromBody = (body: unknown) => {
    const b = fromApi(body);
    return { ...b, show_charts: b.show_charts ?? true, show_tables: b.show_tables ?? true };
  };
  app.get('/api/assessment/assessments/:id/sections', { schema: { tags, summary: 'The sections of an assessment’s document, in order', params: S.IdParams, response: { 200: S.Sections } } }, async (req) => {
    const a = await load(req, (req.params as { id: string }).id);
    return { items: (await listSections(db, req.partnership.id, a.id)).map(present) };
  });
  app.post('/api/assessment/assessments/:id/sections', { schema: { tags, summary: 'Add a section at the end of the document', params: S.IdParams, body: S.SectionInput, response: { 201: S.Section } } }, async (req, reply) => {
    const a = await load(req, (req.params as { id: string }).id);
    return reply.code(201).send(present(await addSection(ctx(req), a.id, fromBody(req.body))));
  });
  app.get('/api/assessment/sections/:id', { schema: { tags, summary: 'One section of a document', params: S.IdParams, response: { 200: S.Section } } }, async (req) => present((await loadSection(req)).s));
  app.put('/api/assessment/sections/:id', { schema: { tags, summary: 'Change a section: its title, text and what it gathers', params: S.IdParams, body: S.SectionInput, response: { 200: S.Section } } }, async (req) => {
    const { s } = await loadSection(req);
    return present(await updateSection(ctx(req), s.id, fromBody(req.body)));
  });
  app.post('/api/assessment/sections/:id/move', { schema: { tags, summary: 'Move a section one place up or down', params: S.IdParams, body: S.MoveInput, response: { 200: S.Sections } } }, async (req) => {
    const { s } = await loadSection(req);
    const a = await moveSection(ctx(req), s.id, (req.body as { direction: string }).direction);
    return { items: (await listSections(db, req.partnership.id, a.id)).map(present) };
  });
  app.delete('/api/assessment/sections/:id', { schema: { tags, summary: 'Remove a section; the others close up', params: S.IdParams, response: { 200: S.Sections } } }, async (req) => {
    const { s } = await loadSection(req);
    const a = await deleteSection(ctx(req), s.id);
    return { items: (await listSections(db, req.partnership.id, a.id)).map(present) };
  });
}

/** The write API of assessments and their datasets (the pages' forms have the same commands). */
export async function assessmentWriteApiRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const tags = ['assessment'];
  const presentAssessment = (a: Assessment) => ({
    id: a.id, year: a.year, kind: a.kind, title: a.title, restricted: a.restricted, requestsBy: a.requests_by, dataDueOn: a.data_due_on, draftBy: a.draft_by, agreedBy: a.agreed_by,
    remindDaysBefore: a.remind_days_before, chaseEveryDays: a.chase_every_days,
  });
  app.post('/api/assessment/assessments', { schema: { tags, summary: 'Start an assessment for a year (a serious violence needs assessment is restricted)', body: S.AssessmentInput, response: { 201: S.AssessmentSummary } } }, async (req, reply) => {
    const a = await createAssessment(ctx(req), fromApi(req.body));
    return reply.code(201).send(presentAssessment(a));
  });
  app.post('/api/assessment/assessments/:id/datasets', { schema: { tags, summary: 'Ask an organisation for a dataset (sent with the other requests not yet sent)', params: S.IdParams, body: S.DatasetInput, response: { 201: S.Dataset } } }, async (req, reply) => {
    const row = await addDataset(ctx(req), (req.params as { id: string }).id, fromApi(req.body));
    const d = (await findDataset(db, req.partnership.id, row.id, todayIso()))!;
    return reply.code(201).send({
      id: d.id, organisationId: d.organisation_id, organisationName: d.organisation_name, name: d.name, description: d.description, period: d.period, format: d.format, dueOn: d.due_on,
      contactName: d.contact_name, status: d.status, daysLate: d.daysLate, events: [], returns: [],
    });
  });
}
