// Uploading an edited plan (CSV or XLSX): the app shows what would change, row by row,
// and applies it in one transaction when the clerk confirms. A sheet with any problem is
// shown with each problem's row and column, and nothing changes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import { readAgreement } from './reading.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../access/policy.ts';
import { formOutcome } from '../../web/forms.ts';
import type { FieldError } from '../../web/errors.ts';
import { readForm, removeUploadFiles, uploadGate, type ReadForm } from '../../web/uploads.ts';
import { listLinesForImport, type Agreement } from './store.ts';
import { applyPlanImport } from './commands.ts';
import { currentForImport, parseCsv, planChanges, type CellProblem } from './planImport.ts';
import { readFirstSheet } from '../../web/spreadsheets.ts';

const MAX_SHEET_BYTES = 5 * 1024 * 1024;

export async function planUploadRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: MAX_SHEET_BYTES + 1, files: 1, fields: 5, fieldSize: 1000, parts: 6 } });
  app.decorateRequest('uploadTokenChecked', false);
  app.decorateRequest('uploadTempFiles', null);

  async function loadAgreement(req: FastifyRequest): Promise<Agreement> {
    const a = await readAgreement(db, req, (req.params as { id: string }).id);
    authorize(req.actor, 'update', { type: 'plan-action-details' });
    return a;
  }

  const form = (reply: FastifyReply, a: Agreement, extra: { errors?: FieldError[]; problems?: CellProblem[] } = {}) =>
    reply.view('strategy/views/upload.njk', { title: `Upload the action plan ${a.period}`, section: 'strategy', agreement: a, ...extra });

  app.get('/strategy/agreements/:id/plan/upload', async (req, reply) => form(reply, await loadAgreement(req)));

  const gate = uploadGate((req) => authorize(req.actor, 'update', { type: 'plan-action-details' }));
  // The form is read before the CSRF check (which reads its token from the fields), with the file written to a temporary file.
  const uploads = new WeakMap<FastifyRequest, ReadForm>();
  const readUpload = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.isMultipart()) return;
    uploads.set(req, await readForm(req, reply, { dir: join(app.config.dataDir, 'uploads'), fileField: 'file', maxFiles: 1, maxFileBytes: MAX_SHEET_BYTES, maxTotalBytes: MAX_SHEET_BYTES }));
  };
  app.post('/strategy/agreements/:id/plan/upload', { onRequest: gate, preValidation: readUpload, onResponse: removeUploadFiles }, async (req, reply) => {
    const a = await loadAgreement(req);
    const read = uploads.get(req);
    if (!read) return form(reply.code(400), a, { errors: [{ field: 'file', message: 'Select a CSV or XLSX file of the plan' }] });
    if (read.tooLarge.length) return form(reply.code(400), a, { errors: [{ field: 'file', message: 'The file must be smaller than 5MB' }] });
    const file = read.files[0];
    if (!file || file.size === 0) return form(reply.code(400), a, { errors: [{ field: 'file', message: 'Select a CSV or XLSX file of the plan' }] });
    const bytes = await readFile(file.path);
    let rows: string[][];
    try {
      rows = bytes.subarray(0, 2).toString('latin1') === 'PK' ? await readFirstSheet(bytes) : parseCsv(bytes.toString('utf8'));
    } catch {
      return form(reply.code(400), a, { errors: [{ field: 'file', message: 'The file could not be read: save it as CSV or as an Excel workbook (XLSX) and try again' }] });
    }
    const lines = await listLinesForImport(db, req.partnership.id, a.id);
    const { changes, problems } = planChanges(rows, currentForImport(lines));
    if (problems.length) {
      return form(reply.code(400), a, { problems, errors: [{ field: 'file', message: `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the file: nothing has been changed. Correct ${problems.length === 1 ? 'it' : 'them'} and upload the file again` }] });
    }
    return reply.view('strategy/views/upload-preview.njk', {
      title: `Check the changes to the action plan ${a.period}`, section: 'strategy', agreement: a, changes, fileName: file.name, sheetRows: JSON.stringify(rows),
    });
  });

  app.post('/strategy/agreements/:id/plan/apply', async (req, reply) => {
    const a = await loadAgreement(req);
    let rows: string[][] = [];
    try { rows = JSON.parse(String((req.body as Record<string, unknown>)?.rows ?? '[]')) as string[][]; } catch { rows = []; }
    if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r))) rows = [];
    const outcome = await formOutcome(() => applyPlanImport({ db, actor: req.actor }, a.id, rows.map((r) => r.map(String))));
    if (outcome.ok) return reply.flash(`${outcome.value.changes.length} ${outcome.value.changes.length === 1 ? 'line' : 'lines'} of the plan changed from the spreadsheet`).redirect(`/strategy/agreements/${a.id}/plan`, 303);
    return form(reply.code(400), a, { errors: outcome.errors });
  });
}
