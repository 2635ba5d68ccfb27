// The agreement's document: the PDF or Word file of the agreement as agreed, uploaded by
// the clerk's team and kept byte for byte with its SHA-256. Each upload is a new version;
// the latest is the agreement's document, and earlier ones stay as they were. Public once
// the agreement is published; before that, officers and administrators only (the policy's
// strategyResources.agreementDocument). Uploads and reads before publication are audited.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize, can, strategyResources } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { readForm, removeUploadFiles, uploadGate, type ReadForm } from '../../web/uploads.ts';
import { checkPaper, PAPER_SIZE_LIMIT, PAPER_SIZE_LIMIT_TEXT, safeFileName } from '../meetings/papers.ts';
import { readAgreement } from './reading.ts';
import { isAgreementPublic } from './domain.ts';
import type { Agreement } from './store.ts';

const META = ['id', 'agreement_id', 'version', 'file_name', 'media_type', 'byte_size', 'sha256', 'page_count', 'uploaded_at'] as const;
type Db = Context['db'];

/** The versions of an agreement's document, newest first (metadata only). */
export function listAgreementDocuments(db: Db, partnershipId: string, agreementId: string) {
  return db.selectFrom('strategy_agreement_documents').select(META).where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId).orderBy('version', 'desc').execute();
}
export type AgreementDocumentMeta = Awaited<ReturnType<typeof listAgreementDocuments>>[number];

export const documentUrl = (d: { agreement_id: string; id: string }) => `/strategy/agreements/${d.agreement_id}/documents/${d.id}`;

/** Keeps an uploaded file as the agreement's document: checked by its bytes to be a readable PDF or .docx within the size limit. */
export async function uploadAgreementDocument(ctx: Context, agreement: Agreement, file: { name: string; bytes: Uint8Array } | null, tooLarge = false) {
  authorize(ctx.actor, 'create', strategyResources.agreementDocument(agreement));
  if (tooLarge) throw ValidationError.single('file', `The selected file must be smaller than ${PAPER_SIZE_LIMIT_TEXT}`);
  if (!file || !file.bytes.length) throw ValidationError.single('file', 'Select the agreement as a PDF or Word document (.docx)');
  if (agreement.status === 'superseded') throw ValidationError.single('file', 'This agreement has been superseded: its document no longer changes');
  const check = await checkPaper(file.bytes);
  if (!check.ok) throw ValidationError.single('file', check.message);
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    await trx.selectFrom('strategy_agreements').select('id').where('partnership_id', '=', pid).where('id', '=', agreement.id).forUpdate().executeTakeFirstOrThrow();
    const last = await trx.selectFrom('strategy_agreement_documents').select((eb) => eb.fn.max('version').as('v')).where('partnership_id', '=', pid).where('agreement_id', '=', agreement.id).executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    const row = await trx.insertInto('strategy_agreement_documents').values({
      partnership_id: pid, agreement_id: agreement.id, version, file_name: safeFileName(file.name, check.mediaType).slice(0, 200), media_type: check.mediaType,
      byte_size: check.byteSize, sha256: check.sha256, page_count: check.pageCount, content: file.bytes, uploaded_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    }).returning(META).executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'strategy-agreement-document', recordId: row.id, after: row,
      summary: `Document of the agreement for ${agreement.period}, version ${version}: ${row.file_name} (SHA-256 ${row.sha256})` });
    return row;
  });
}

const DocumentMeta = Type.Object({
  id: Type.String({ format: 'uuid' }), version: Type.Integer(), fileName: Type.String(), mediaType: Type.String(), byteSize: Type.Integer(), sha256: Type.String(),
  pageCount: Type.Union([Type.Integer(), Type.Null()]), uploadedAt: Type.String({ format: 'date-time' }), url: Type.String({ description: 'The file, byte for byte' }),
});
const present = (d: AgreementDocumentMeta) => ({
  id: d.id, version: d.version, fileName: d.file_name, mediaType: d.media_type, byteSize: d.byte_size, sha256: d.sha256, pageCount: d.page_count,
  uploadedAt: d.uploaded_at.toISOString(), url: documentUrl(d),
});

export async function agreementDocumentRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: PAPER_SIZE_LIMIT + 1, files: 1, fields: 5, fieldSize: 1000, parts: 6 } });
  app.decorateRequest('uploadTokenChecked', false);
  app.decorateRequest('uploadTempFiles', null);

  const form = async (req: FastifyRequest, reply: FastifyReply, a: Agreement, errors?: FieldError[]) => reply.view('strategy/views/agreement-document.njk', {
    title: `Upload the document of the agreement ${a.period}`, section: 'strategy', agreement: a, errors, sizeLimit: PAPER_SIZE_LIMIT_TEXT,
    documents: await listAgreementDocuments(db, req.partnership.id, a.id), published: isAgreementPublic(a.status),
  });

  app.get('/strategy/agreements/:id/document/upload', async (req, reply) => {
    const a = await readAgreement(db, req, (req.params as { id: string }).id);
    authorize(req.actor, 'create', strategyResources.agreementDocument(a));
    return form(req, reply, a);
  });

  const gate = uploadGate((req) => authorize(req.actor, 'create', strategyResources.agreementDocument({ status: 'draft' })));
  const uploads = new WeakMap<FastifyRequest, ReadForm>();
  const readUpload = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.isMultipart()) return;
    uploads.set(req, await readForm(req, reply, { dir: join(app.config.dataDir, 'uploads'), fileField: 'file', maxFiles: 1, maxFileBytes: PAPER_SIZE_LIMIT, maxTotalBytes: PAPER_SIZE_LIMIT }));
  };
  const receive = async (req: FastifyRequest) => {
    const a = await readAgreement(db, req, (req.params as { id: string }).id);
    const read = uploads.get(req);
    const saved = read?.files[0];
    const file = saved && saved.size > 0 ? { name: saved.name, bytes: new Uint8Array(await readFile(saved.path)) } : null;
    return { a, outcome: await formOutcome(() => uploadAgreementDocument({ db, actor: req.actor }, a, file, Boolean(read?.tooLarge.length))) };
  };
  app.post('/strategy/agreements/:id/document/upload', { onRequest: gate, preValidation: readUpload, onResponse: removeUploadFiles }, async (req, reply) => {
    const { a, outcome } = await receive(req);
    if (outcome.ok) return reply.flash(`Agreement document uploaded (version ${outcome.value.version})`).redirect(`/strategy/agreements/${a.id}#document`, 303);
    return form(req, reply.code(400), a, outcome.errors);
  });

  /** A version of the document, byte for byte. */
  async function send(req: FastifyRequest, reply: FastifyReply, agreementId: string, documentId: string | null) {
    const a = await readAgreement(db, req, agreementId);
    authorize(req.actor, 'read', strategyResources.agreementDocument(a));
    let q = db.selectFrom('strategy_agreement_documents').select([...META, 'content']).where('partnership_id', '=', req.partnership.id).where('agreement_id', '=', a.id);
    if (documentId !== null) {
      if (!isUuid(documentId)) throw new NotFoundError();
      q = q.where('id', '=', documentId);
    }
    const doc = await q.orderBy('version', 'desc').limit(1).executeTakeFirst();
    if (!doc) throw new NotFoundError();
    if (!isAgreementPublic(a.status)) {
      await recordAudit(db, req.actor, { action: 'read', recordType: 'strategy-agreement-document', recordId: doc.id, summary: `Read the document of the unpublished agreement for ${a.period}` });
    }
    return reply.type(doc.media_type).header('content-disposition', `attachment; filename="${safeFileName(doc.file_name, doc.media_type)}"`)
      .header('cache-control', isAgreementPublic(a.status) ? 'public, max-age=300' : 'private, no-store').header('x-content-sha256', doc.sha256)
      .send(Buffer.from(doc.content));
  }
  app.get('/strategy/agreements/:id/document', async (req, reply) => send(req, reply, (req.params as { id: string }).id, null));
  app.get('/strategy/agreements/:id/documents/:documentId', async (req, reply) => {
    const p = req.params as { id: string; documentId: string };
    return send(req, reply, p.id, p.documentId);
  });

  const tags = ['strategy'];
  app.get('/api/strategy/agreements/:id/documents', { schema: { tags, summary: 'The versions of the agreement’s document, newest first (public once the agreement is published; before that officers and administrators)', params: Type.Object({ id: Type.String() }), response: { 200: Type.Object({ items: Type.Array(DocumentMeta) }) } } }, async (req) => {
    const a = await readAgreement(db, req, (req.params as { id: string }).id);
    authorize(req.actor, 'read', strategyResources.agreementDocument(a));
    return { items: (await listAgreementDocuments(db, req.partnership.id, a.id)).map(present) };
  });
  app.post('/api/strategy/agreements/:id/documents', { onRequest: gate, preValidation: readUpload, onResponse: removeUploadFiles, schema: { tags, summary: 'Upload the agreement’s document (multipart/form-data, field “file”: a PDF or .docx under 20MB); a new version each time', params: Type.Object({ id: Type.String() }), consumes: ['multipart/form-data'], response: { 201: DocumentMeta } } }, async (req, reply) => {
    const { outcome } = await receive(req);
    if (!outcome.ok) throw new ValidationError(outcome.errors);
    return reply.code(201).send(present(outcome.value));
  });
  void can;
}
