// Pages and API of the assessment module: police.uk crime data imported, the areas and
// their populations, and the analysis pages (each table also as CSV and JSON).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can } from '../../access/policy.ts';
import { formOutcome, firstValue, isUuid } from '../../web/forms.ts';
import { NotFoundError, type FieldError } from '../../web/errors.ts';
import { readForm, removeUploadFiles, uploadGate, type ReadForm } from '../../web/uploads.ts';
import { toCsv } from '../public/domain.ts';
import { CATEGORIES, CATEGORY_MAP, KIND_LABELS, RETIRED, monthLabel } from './domain.ts';
import { VIEWS, buildView, isView, type Filters, type View } from './analysis.ts';
import { crimeDataResource, deriveAreas, importCrimeData, importPopulations, readCsvText, setAreasFromLookup, type ImportOutcome } from './commands.ts';
import { listAreas, listImportedMonths } from './store.ts';
import * as S from './schemas.ts';
import { assessmentRequestRoutes } from './requests.routes.ts';
import { ASSESSMENT_SEARCH_BACKFILL, backfillAssessmentSearch } from './search.ts';
import { runOnce } from '../../db/oneOff.ts';
import { ImportJobRunner, getImportJob, importRunners, listImportJobs, queueImportJob, type ImportJob } from './jobs.ts';

const MAX_CRIME_FILE = 512 * 1024 * 1024;
const MAX_CRIME_FILES = 60;
const MAX_SMALL_FILE = 5 * 1024 * 1024;
/** Uploads larger than this are imported in the background, with a page of their progress. */
const BACKGROUND_FROM = 32 * 1024 * 1024;
const STATUS_TEXT = { receiving: 'Uploading', queued: 'Waiting to start', running: 'Importing', done: 'Imported', failed: 'Failed: nothing imported' } as const;

function jobView(j: ImportJob) {
  const ended = j.status === 'done' || j.status === 'failed';
  return {
    ...j, ended, statusText: j.status === 'running' && j.stage === 'writing' ? 'Writing the counts' : STATUS_TEXT[j.status],
    percent: j.total_bytes > 0 ? Math.min(100, Math.floor((j.bytes_read / j.total_bytes) * 100)) : 0,
  };
}
function jobJson(j: ImportJob) {
  return {
    id: j.id, status: j.status, stage: j.stage, files: j.files, totalBytes: j.total_bytes, bytesRead: j.bytes_read, rowsRead: j.rows_read, monthsRead: j.months_read,
    monthsWritten: j.months_written, monthsReplaced: j.months_replaced, message: j.message, problems: j.problems ?? [], moreProblems: j.more_problems, attempts: j.attempts,
    createdBy: j.created_by_label, createdAt: j.created_at.toISOString(), startedAt: j.started_at?.toISOString() ?? null, finishedAt: j.finished_at?.toISOString() ?? null,
  };
}

export async function assessmentRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: MAX_CRIME_FILE + 1, files: MAX_CRIME_FILES, fields: 5, fieldSize: 1000, parts: MAX_CRIME_FILES + 5 } });
  app.decorateRequest('uploadTokenChecked', false);
  app.decorateRequest('uploadTempFiles', null);
  // Assessments made before search indexed them are indexed (restricted ones never), once
  // per database: a later start reads that it was done and does nothing more.
  app.addHook('onReady', async () => { await runOnce(db, ASSESSMENT_SEARCH_BACKFILL, async (trx) => { await backfillAssessmentSearch(trx); }); });
  const read = (req: FastifyRequest) => authorize(req.actor, 'read', crimeDataResource());
  const staff = (req: FastifyRequest) => can(req.actor, 'create', crimeDataResource());

  app.get('/assessment', async (req, reply) => {
    read(req);
    const months = await listImportedMonths(db, req.partnership.id);
    const street = months.filter((m) => m.kind === 'street').map((m) => m.month).sort();
    return reply.view('assessment/views/index.njk', {
      title: 'Strategic assessment', section: 'strategy', views: VIEWS, areas: (await listAreas(db, req.partnership.id)).length,
      streetFrom: street[0] ? monthLabel(street[0]) : null, streetTo: street.at(-1) ? monthLabel(street.at(-1)!) : null, streetMonths: new Set(street).size, canImport: staff(req),
    });
  });

  // Crime data -------------------------------------------------------------------------

  const monthRows = async (pid: string) => (await listImportedMonths(db, pid)).map((m) => ({ ...m, kindLabel: KIND_LABELS[m.kind], monthLabel: monthLabel(m.month) }));

  async function crimePage(req: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[]; outcome?: ImportOutcome } = {}) {
    const jobs = (await listImportJobs(db, req.partnership.id, 5)).map(jobView);
    return reply.view('assessment/views/crime.njk', { title: 'Crime data from police.uk', section: 'strategy', months: await monthRows(req.partnership.id), canImport: staff(req), jobs, ...extra });
  }

  // Background imports ------------------------------------------------------------------

  const runner = new ImportJobRunner(db, { log: (message, error) => app.log.error({ err: error }, message) });
  importRunners.set(db, runner);
  app.addHook('onReady', async () => runner.start());
  app.addHook('onClose', async () => runner.stop());
  const jobOf = async (req: FastifyRequest) => {
    read(req);
    const { id } = req.params as { id: string };
    const job = isUuid(id) ? await getImportJob(db, req.partnership.id, id) : undefined;
    if (!job || job.status === 'receiving') throw new NotFoundError();
    return job;
  };
  app.get('/assessment/crime/jobs/:id', async (req, reply) => {
    const job = jobView(await jobOf(req));
    // Refreshes itself (no JavaScript) until the job ends.
    return reply.view('assessment/views/job.njk', { title: 'Background import of police.uk data', section: 'strategy', job });
  });
  app.get('/api/assessment/import-jobs', { schema: { tags: ['assessment'], summary: 'Recent background imports of police.uk data, newest first', response: { 200: S.ImportJobs } } }, async (req) => {
    read(req);
    return { items: (await listImportJobs(db, req.partnership.id, 20)).map(jobJson) };
  });
  app.get('/api/assessment/import-jobs/:id', { schema: { tags: ['assessment'], summary: 'A background import of police.uk data: where it stands, how far it has read, and its problems if it failed', params: S.IdParams, response: { 200: S.ImportJob } } }, async (req) => jobJson(await jobOf(req)));
  app.get('/assessment/crime', async (req, reply) => { read(req); return crimePage(req, reply); });
  app.get('/assessment/crime.csv', async (req, reply) => {
    read(req);
    const rows = await listImportedMonths(db, req.partnership.id);
    return csv(reply, 'crime-data-months', toCsv(['Kind', 'Month', 'Force', 'Rows', 'File', 'SHA-256', 'Imported at'], rows.map((m) => [m.kind, m.month, m.force, m.rows, m.file_name, m.sha256, m.imported_at.toISOString()])));
  });

  const gate = uploadGate((req) => authorize(req.actor, 'create', crimeDataResource()));
  const uploads = new WeakMap<FastifyRequest, ReadForm>();
  const readUpload = (maxFiles: number, maxBytes: number) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.isMultipart()) return;
    uploads.set(req, await readForm(req, reply, { dir: join(app.config.dataDir, 'uploads'), fileField: 'file', maxFiles, maxFileBytes: maxBytes, maxTotalBytes: maxBytes * maxFiles }));
  };
  app.post('/assessment/crime', { onRequest: gate, preValidation: readUpload(MAX_CRIME_FILES, MAX_CRIME_FILE), onResponse: removeUploadFiles }, async (req, reply) => {
    const form = uploads.get(req);
    if (form?.tooLarge.length) return crimePage(req, reply.code(400), { errors: [{ field: 'file', message: `Each file must be smaller than 512MB (${form.tooLarge.join(', ')} is larger)` }] });
    if (form?.tooMany) return crimePage(req, reply.code(400), { errors: [{ field: 'file', message: `Upload up to ${MAX_CRIME_FILES} files at once, or a zip of them` }] });
    const files = (form?.files ?? []).filter((f) => f.size > 0);
    if (!files.length) return crimePage(req, reply.code(400), { errors: [{ field: 'file', message: 'Select one or more police.uk CSV files, or a zip of them' }] });
    // Large uploads (or when asked) go to a background job with a page of its progress.
    const total = files.reduce((n, f) => n + f.size, 0);
    if (firstValue(form?.fields.background) === 'yes' || total > BACKGROUND_FROM) {
      const id = await queueImportJob(ctx(req), files.map((f) => ({ name: f.name, path: f.path, size: f.size })));
      runner.wake();
      return reply.flash('The files are uploaded and will be imported in the background: this page shows how far it has got').redirect(`/assessment/crime/jobs/${id}`, 303);
    }
    const outcome = await importCrimeData(ctx(req), files.map((f) => ({ name: f.name, path: f.path })));
    if (!outcome.ok) {
      const n = outcome.problems.length + outcome.moreProblems;
      return crimePage(req, reply.code(400), { outcome, errors: [{ field: 'file', message: `${n} ${n === 1 ? 'problem' : 'problems'} in the ${outcome.files === 1 ? 'file' : 'files'}: nothing has been imported. Correct ${n === 1 ? 'it' : 'them'} or download the files from police.uk again` }] });
    }
    const months = outcome.months.length;
    return reply.flash(`Imported ${outcome.rows.toLocaleString('en-GB')} rows: ${months} ${months === 1 ? 'month' : 'months'}${outcome.replaced ? `, of which ${outcome.replaced} replaced an earlier import` : ''}`).redirect('/assessment/crime', 303);
  });

  app.get('/assessment/categories', async (req, reply) => {
    read(req);
    return reply.view('assessment/views/categories.njk', { title: 'Crime types then and now', section: 'strategy', current: CATEGORIES, map: categoryRows() });
  });
  app.get('/assessment/categories.csv', async (req, reply) => {
    read(req);
    return csv(reply, 'crime-types', toCsv(['Published as', "Today's name", 'Note'], categoryRows().map((r) => [r.published, r.category, r.note])));
  });

  // Areas and populations --------------------------------------------------------------

  async function areasPage(req: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) {
    return reply.view('assessment/views/areas.njk', { title: 'Areas and populations', section: 'strategy', areas: await listAreas(db, req.partnership.id), canEdit: staff(req), errors });
  }
  app.get('/assessment/areas', async (req, reply) => { read(req); return areasPage(req, reply); });
  app.get('/assessment/areas.csv', async (req, reply) => {
    read(req);
    const areas = await listAreas(db, req.partnership.id);
    return csv(reply, 'areas-populations', toCsv(['Area', 'LSOAs', 'Set from', 'Population year', 'Population', 'Population source'],
      areas.flatMap((a) => (a.populations.length ? a.populations : [null]).map((p) => [a.name, a.lsoas, a.source === 'lookup' ? 'Lookup' : 'LSOA names', p?.year ?? '', p?.population ?? '', p?.source ?? '']))));
  });
  const smallUpload = readUpload(1, MAX_SMALL_FILE);
  const areaGate = uploadGate((req) => authorize(req.actor, 'update', crimeDataResource()));
  const csvUpload = (path: string, work: (req: FastifyRequest, rows: string[][]) => Promise<unknown>, flash: (v: unknown) => string) => {
    app.post(path, { onRequest: areaGate, preValidation: smallUpload, onResponse: removeUploadFiles }, async (req, reply) => {
      const form = uploads.get(req);
      if (form?.tooLarge.length) return areasPage(req, reply.code(400), [{ field: 'file', message: 'The file must be smaller than 5MB' }]);
      const file = form?.files[0];
      if (!file || file.size === 0) return areasPage(req, reply.code(400), [{ field: 'file', message: 'Select a CSV file' }]);
      let rows: string[][];
      try { rows = readCsvText(await readFile(file.path, 'utf8')); } catch { return areasPage(req, reply.code(400), [{ field: 'file', message: 'The file could not be read as CSV: save it as CSV (comma separated) and try again' }]); }
      const outcome = await formOutcome(() => work(req, rows));
      if (outcome.ok) return reply.flash(flash(outcome.value)).redirect('/assessment/areas', 303);
      return areasPage(req, reply.code(400), outcome.errors);
    });
  };
  csvUpload('/assessment/areas/lookup', (req, rows) => setAreasFromLookup(ctx(req), rows), (v) => `Areas set from the lookup: ${(v as { areas: number }).areas}`);
  csvUpload('/assessment/areas/populations', (req, rows) => importPopulations(ctx(req), rows), (v) => `Populations saved: ${(v as { figures: number }).figures}`);
  app.post('/assessment/areas/derive', async (req, reply) => {
    const outcome = await formOutcome(() => deriveAreas(ctx(req)));
    if (outcome.ok) return reply.flash(`Areas set from LSOA names: ${outcome.value.areas}`).redirect('/assessment/areas', 303);
    return areasPage(req, reply.code(400), outcome.errors);
  });

  // Analysis ---------------------------------------------------------------------------

  async function filtersOf(req: FastifyRequest): Promise<Filters> {
    const q = req.query as Record<string, unknown>;
    const area = firstValue(q.area);
    const category = firstValue(q.category);
    const areas = await listAreas(db, req.partnership.id);
    return {
      areaId: isUuid(area) && areas.some((a) => a.id === area) ? area : null,
      category: (CATEGORIES as readonly string[]).includes(category) || category in RETIRED ? category : null,
    };
  }
  async function loadView(req: FastifyRequest): Promise<{ id: typeof VIEWS[number]['id']; view: View; filters: Filters }> {
    read(req);
    const id = (req.params as { view: string }).view;
    if (!isView(id)) throw new NotFoundError();
    const filters = await filtersOf(req);
    return { id, filters, view: await buildView(db, req.partnership.id, id, filters) };
  }
  app.get('/assessment/analysis/:view', async (req, reply) => {
    const { id, view, filters } = await loadView(req);
    const query = new URLSearchParams({ ...(filters.areaId ? { area: filters.areaId } : {}), ...(filters.category ? { category: filters.category } : {}) }).toString();
    return reply.view('assessment/views/analysis.njk', {
      title: VIEWS.find((v) => v.id === id)!.title, section: 'strategy', viewId: id, views: VIEWS, view, filters, query: query ? `?${query}` : '',
      areas: await listAreas(db, req.partnership.id), categories: CATEGORIES, period: view.from && view.to ? `${monthLabel(view.from)} to ${monthLabel(view.to)}` : null,
    });
  });
  app.get('/assessment/analysis/:view/:table.csv', async (req, reply) => {
    const { id, view } = await loadView(req);
    const table = view.tables.find((t) => t.id === (req.params as { table: string }).table);
    if (!table) throw new NotFoundError();
    return csv(reply, `${id}-${table.id}${view.to ? `-${view.to}` : ''}`, toCsv(table.head.map((h) => h.label), table.rows.map((r) => r.map((c) => c ?? ''))));
  });

  await assessmentRequestRoutes(app);

  // The API ----------------------------------------------------------------------------

  const tags = ['assessment'];
  app.get('/api/assessment/crime-months', { schema: { tags, summary: 'The months of police.uk data imported, newest first', response: { 200: S.CrimeMonths } } }, async (req) => {
    read(req);
    return { items: (await listImportedMonths(db, req.partnership.id)).map((m) => ({ kind: m.kind, month: m.month, force: m.force, rows: m.rows, fileName: m.file_name, sha256: m.sha256, importedAt: m.imported_at.toISOString() })) };
  });
  app.get('/api/assessment/categories', { schema: { tags, summary: "police.uk's crime types as once published (old names, API slugs) with today's names", response: { 200: S.Categories } } }, async (req) => {
    read(req);
    return { items: categoryRows() };
  });
  app.get('/api/assessment/areas', { schema: { tags, summary: 'The areas (sets of LSOAs) with their populations, source and year', response: { 200: S.Areas } } }, async (req) => {
    read(req);
    return { items: await listAreas(db, req.partnership.id) };
  });
  app.post('/api/assessment/areas/derive', { schema: { tags, summary: "Set the areas from the district each LSOA's name begins with", response: { 200: S.Areas } } }, async (req) => {
    await deriveAreas(ctx(req));
    return { items: await listAreas(db, req.partnership.id) };
  });
  app.get('/api/assessment/analysis/:view', { schema: { tags, summary: 'An analysis as tables (the page\'s charts are drawn from them)', params: S.ViewParams, querystring: S.ViewQuery, response: { 200: S.View } } }, async (req) => {
    const { view } = await loadView(req);
    return { from: view.from, to: view.to, notes: view.notes, tables: view.tables };
  });
}

function categoryRows() {
  return [
    ...Object.entries(CATEGORY_MAP).map(([published, category]) => ({ published, category, note: RETIRED[category] ?? null })),
  ];
}

function csv(reply: FastifyReply, name: string, body: string) {
  return reply.type('text/csv; charset=utf-8; header=present').header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="${name}.csv"`).send(body);
}
