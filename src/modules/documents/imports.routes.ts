// Pages and API of the import: upload documents or a .zip, follow the job, correct each
// draft beside its source text, accept it into the meetings module. The job runner that
// reads the files lives as long as the app (started when it is ready, stopped on close).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { parseFormStrictly } from '../../web/inputChecks.ts';
import { authorize, type Actor } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, ValidationError } from '../../web/errors.ts';
import { findMeetingSummary } from '../meetings/store.ts';
import { findDocumentMeta, findImport, findJob, listImports, listJobFiles, listJobs, readDocumentContent } from './documents.store.ts';
import {
  acceptImport, AlreadyImportedError, ARCHIVE_SIZE_LIMIT, discardImport, DOCUMENT_SIZE_LIMIT, draftAttachments, saveImportDraft, UPLOAD_FILES_LIMIT, uploadImport, type ImportUpload,
} from './imports.commands.ts';
import { DRAFT_ATTENDANCE_KINDS, f, type DraftCorrections } from './draft.ts';
import { draftValues, nameLinks, presentImport, presentJob } from './presenters.ts';
import { AcceptInput, Accepted, IdParams, ImportDetail, Job, JobCreated } from './schemas.ts';
import { readImportUpload } from './upload.ts';
import { removeUploadFiles, uploadGate } from '../../web/uploads.ts';
import { JobRunner, runners } from './jobs.ts';

const tags = ['imports'];

/** A submitted form holds one ticked box as a string and several as an array; the page wants an array. */
const withList = (values: Record<string, unknown>, field: string) => {
  const v = values[field];
  return { ...values, [field]: Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v] };
};

export async function importRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  // Registered inside this plugin, so only the import routes accept these multipart bodies.
  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: ARCHIVE_SIZE_LIMIT, files: UPLOAD_FILES_LIMIT + 1, fields: 10, fieldSize: 10_000, parts: UPLOAD_FILES_LIMIT + 11 },
  });
  app.decorateRequest('importUpload', null);
  app.decorateRequest('uploadTokenChecked', false);
  app.decorateRequest('uploadTempFiles', null);
  // A draft form holds a field per attendee, item, resolution and action: a long agenda
  // pack passes the thousand fields the app's form parser keeps, and fields beyond it
  // would be lost without a word. Here forms are read whole (the body limit still bounds them).
  app.removeContentTypeParser('application/x-www-form-urlencoded');
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseFormStrictly(String(body)));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  const runner = new JobRunner(db, { log: (message, error) => app.log.error({ err: error }, message) });
  runners.set(db, runner);
  app.addHook('onReady', async () => runner.start());
  app.addHook('onClose', async () => runner.stop());

  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });
  const staffOnly = (req: FastifyRequest) => authorize(req.actor, 'read', { type: 'import', staffOnly: true });
  const idOf = (req: FastifyRequest) => {
    const { id } = req.params as { id: string };
    if (!id || !isUuid(id)) throw new NotFoundError();
    return id;
  };

  // ---------------------------------------------------------------- pages

  app.get('/imports', async (req, reply) => {
    staffOnly(req);
    const pid = req.partnership.id;
    const [jobs, drafts, accepted] = await Promise.all([listJobs(db, pid, 10), listImports(db, pid, { status: 'draft' }), listImports(db, pid, { status: 'accepted', limit: 10 })]);
    return reply.view('documents/views/imports/list.njk', { title: 'Imports', section: 'imports', jobs, drafts, accepted });
  });

  const newForm = (reply: FastifyReply, extra: Record<string, unknown> = {}) =>
    reply.view('documents/views/imports/new.njk', {
      title: 'Import documents', section: 'imports', documentLimit: `${DOCUMENT_SIZE_LIMIT / 1048576}MB`, archiveLimit: `${ARCHIVE_SIZE_LIMIT / 1048576}MB`, filesLimit: UPLOAD_FILES_LIMIT, ...extra,
    });

  app.get('/imports/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'import' });
    return newForm(reply);
  });

  // Uploads: who may import is decided before a byte of the body is read (web/uploads.ts).
  const mayImport = uploadGate((req) => authorize(req.actor, 'create', { type: 'import' }));
  const upload = { onRequest: mayImport, preValidation: readImportUpload, onResponse: removeUploadFiles };

  app.post('/imports/new', upload, async (req, reply) => {
    authorize(req.actor, 'create', { type: 'import' });
    const files: ImportUpload = req.importUpload ?? { files: [], tooLarge: [], fields: {} };
    let earlier: AlreadyImportedError['earlier'] | null = null;
    const outcome = await formOutcome(async () => {
      try {
        return await uploadImport(ctx(req), files);
      } catch (error) {
        if (error instanceof AlreadyImportedError) earlier = error.earlier;
        throw error;
      }
    });
    if (outcome.ok) {
      runner.wake();
      return reply.flash(`${outcome.value.total} file${outcome.value.total === 1 ? '' : 's'} queued for reading`).redirect(`/imports/jobs/${outcome.value.id}`, 303);
    }
    // The same file imported before: say so, with a link to the earlier import.
    return newForm(reply.code(earlier ? 409 : 400), { errors: outcome.errors, earlier });
  });

  app.get('/imports/jobs/:id', async (req, reply) => {
    staffOnly(req);
    const id = idOf(req);
    const job = await findJob(db, req.partnership.id, id);
    if (!job) throw new NotFoundError();
    const files = await listJobFiles(db, req.partnership.id, id);
    const finished = job.read_count + job.failed_count + job.duplicate_count;
    return reply.view('documents/views/imports/job.njk', {
      title: `Import: ${job.title}`, section: 'imports', job, files, finished, running: job.status !== 'done',
      percent: job.total ? Math.round((finished / job.total) * 100) : 100,
      failures: files.filter((x) => x.status === 'failed'),
    });
  });

  async function showDraft(req: FastifyRequest, reply: FastifyReply, id: string, extra: { errors?: unknown; values?: Record<string, unknown> } = {}) {
    staffOnly(req);
    const pid = req.partnership.id;
    const row = await findImport(db, pid, id);
    if (!row) throw new NotFoundError();
    const document = (await findDocumentMeta(db, pid, row.document_id))!;
    const [bodies, people, organisations] = await Promise.all([
      db.selectFrom('bodies').select(['id as value', 'name as text']).where('partnership_id', '=', pid).orderBy('name').execute(),
      db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name', 'honours']).where('partnership_id', '=', pid).execute(),
      db.selectFrom('organisations').select(['id', 'name', 'short_name']).where('partnership_id', '=', pid).execute(),
    ]);
    const meetings = (await Promise.all(row.meeting_ids.map((m) => findMeetingSummary(db, pid, m)))).filter((m) => m !== undefined);
    const links = nameLinks(row.draft, people, organisations);
    const attachments = await draftAttachments(db, pid, row.document_id);
    return reply.view('documents/views/imports/draft.njk', {
      title: `Import of ${document.file_name}`, section: 'imports', imp: row, document, draft: row.draft, reading: row.reading, bodies, links, meetings,
      values: withList(extra.values ?? draftValues(row.draft), 'new_person'), errors: extra.errors, f, attendanceKinds: DRAFT_ATTENDANCE_KINDS,
      editable: row.status === 'draft', attachments,
    });
  }

  app.get('/imports/:id', async (req, reply) => showDraft(req, reply, idOf(req)));

  app.post('/imports/:id', async (req, reply) => {
    const id = idOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const intent = String(body.intent ?? 'save');
    if (intent === 'discard') {
      await discardImport(ctx(req), id);
      return reply.flash('Draft discarded. The original document is kept').redirect('/imports', 303);
    }
    if (body._form_end !== '1') {
      const errors = [{ field: 'body_id', message: 'The form arrived incomplete, so nothing was saved. Reload the page and try again' }];
      return showDraft(req, reply.code(400), id, { errors, values: body });
    }
    if (intent === 'accept') {
      const outcome = await formOutcome(() => acceptImport(ctx(req), id, { kind: 'form', body }));
      if (outcome.ok) {
        const n = outcome.value.meetingIds.length;
        const target = n === 1 ? `/meetings/${outcome.value.meetingIds[0]}` : `/imports/${id}`;
        return reply.flash(`Import accepted: ${n} meeting${n === 1 ? '' : 's'} created${outcome.value.newPeople ? `, and ${outcome.value.newPeople} new ${outcome.value.newPeople === 1 ? 'person' : 'people'}` : ''}`).redirect(target, 303);
      }
      return showDraft(req, reply.code(400), id, { errors: outcome.errors, values: body });
    }
    const outcome = await formOutcome(() => saveImportDraft(ctx(req), id, body));
    if (outcome.ok) return reply.flash('Corrections saved').redirect(`/imports/${id}`, 303);
    return showDraft(req, reply.code(400), id, { errors: outcome.errors, values: body });
  });

  app.get('/imports/:id/original', async (req, reply) => {
    staffOnly(req);
    const row = await findImport(db, req.partnership.id, idOf(req));
    if (!row) throw new NotFoundError();
    const document = (await findDocumentMeta(db, req.partnership.id, row.document_id))!;
    const bytes = await readDocumentContent(db, req.partnership.id, row.document_id);
    const name = (document.file_name.split('/').pop() ?? 'document').replace(/[^\w.\- ]+/g, '_');
    return reply.type(document.media_type).header('content-disposition', `attachment; filename="${name}"`).send(Buffer.from(bytes!));
  });

  // ---------------------------------------------------------------- API

  app.post('/api/imports', {
    ...upload,
    schema: {
      tags, response: { 202: JobCreated },
      summary: 'Upload documents (PDF, Word, HTML, text, Markdown, ModernGov XML) or a .zip of an archive: multipart/form-data with one or more `files` parts (and `_csrf`). They are read in the background as a job',
    },
  }, async (req, reply) => {
    if (!req.importUpload) throw ValidationError.single('files', 'Send the documents as multipart/form-data, with one or more parts named files');
    const job = await uploadImport(ctx(req), req.importUpload);
    runner.wake();
    return reply.code(202).send({ id: job.id, status: job.status, total: job.total, url: `/api/import-jobs/${job.id}` });
  });

  app.get('/api/import-jobs/:id', { schema: { tags, summary: 'An import job: its progress and each file’s result (failures name the file and say why)', params: IdParams, response: { 200: Job } } }, async (req) => {
    staffOnly(req);
    const id = idOf(req);
    const job = await findJob(db, req.partnership.id, id);
    if (!job) throw new NotFoundError();
    return presentJob(job, await listJobFiles(db, req.partnership.id, id));
  });

  app.get('/api/imports/:id', { schema: { tags, summary: 'A draft: the reading, the draft as corrected so far, the names not in the record, and the extracted text', params: IdParams, response: { 200: ImportDetail } } }, async (req) => {
    staffOnly(req);
    const pid = req.partnership.id;
    const row = await findImport(db, pid, idOf(req));
    if (!row) throw new NotFoundError();
    const document = (await findDocumentMeta(db, pid, row.document_id))!;
    const people = await db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name', 'honours']).where('partnership_id', '=', pid).execute();
    const organisations = await db.selectFrom('organisations').select(['id', 'name', 'short_name']).where('partnership_id', '=', pid).execute();
    return presentImport(row, document, nameLinks(row.draft, people, organisations).unknown);
  });

  app.post('/api/imports/:id/accept', {
    schema: { tags, summary: 'Accept a draft, with corrections: creates its meetings (items, attendance, minutes, resolutions, actions) and the new people confirmed, all or nothing', params: IdParams, body: AcceptInput, response: { 201: Accepted } },
  }, async (req, reply) => {
    const id = idOf(req);
    const result = await acceptImport(ctx(req), id, { kind: 'api', corrections: (req.body ?? {}) as DraftCorrections });
    return reply.code(201).send({ id, ...result });
  });
}
