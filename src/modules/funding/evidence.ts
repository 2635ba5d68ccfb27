// Evidence files of a funded project: the invoice or receipt of a claim paid, or a file
// sent with a progress return. PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, told by their
// first bytes as well as their name, up to 10MB, kept byte for byte with their SHA-256.
// Downloads are for those who may read the project's funding records, and audited.
import { open, readFile } from 'node:fs/promises';
import { recordAudit, type AuditActor } from '../../access/audit.ts';
import type { Tx } from '../../access/context.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { SavedFile } from '../../web/uploads.ts';
import { ValidationError } from '../../web/errors.ts';

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The kinds of file taken, by extension, with the type each is kept and served under. */
export const EVIDENCE_TYPES: Record<string, string> = { pdf: 'application/pdf', docx: DOCX, xlsx: XLSX, png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

const starts = (head: Uint8Array, bytes: number[]) => bytes.every((b, i) => head[i] === b);

/** The problem with a file offered as evidence, or null: its kind (by name and first bytes) and its size. */
export function evidenceProblem(name: string, head: Uint8Array, size: number): string | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  const type = EVIDENCE_TYPES[ext];
  if (!type) return `The evidence must be a PDF, a Word document (DOCX), an Excel workbook (XLSX), or a PNG or JPEG picture: ${name || 'this file'} is not`;
  if (size === 0) return `${name} is empty`;
  if (size > MAX_EVIDENCE_BYTES) return `The evidence must be smaller than ${MAX_EVIDENCE_BYTES / 1024 / 1024}MB`;
  const ok = type === 'application/pdf' ? starts(head, [0x25, 0x50, 0x44, 0x46, 0x2d]) // %PDF-
    : type === DOCX || type === XLSX ? starts(head, [0x50, 0x4b, 0x03, 0x04]) // a zip
      : type === 'image/png' ? starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        : starts(head, [0xff, 0xd8, 0xff]);
  return ok ? null : `${name} is not the kind of file its name says (.${ext}): save it again in that format`;
}

/** Checks an uploaded file (its first bytes and size); refuses it, for the form's file field, when it will not do. */
export async function checkEvidenceFile(file: SavedFile, field = 'file'): Promise<void> {
  const fh = await open(file.path, 'r');
  const head = Buffer.alloc(8);
  try { await fh.read(head, 0, 8, 0); } finally { await fh.close(); }
  const problem = evidenceProblem(file.name, head, file.size);
  if (problem) throw ValidationError.single(field, problem);
}

/** Keeps a checked file, byte for byte, as evidence of a claim or a return (under the caller's transaction), audited. */
export async function storeEvidence(trx: Tx, actor: AuditActor, to: { proposalId: string; claimId?: string | null; progressId?: string | null; title: string }, file: SavedFile, by: string) {
  const bytes = await readFile(file.path);
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)![1]!.toLowerCase();
  const row = await trx.insertInto('funding_evidence').values({
    partnership_id: actor.partnershipId, proposal_id: to.proposalId, claim_id: to.claimId ?? null, progress_id: to.progressId ?? null,
    file_name: file.name, content_type: EVIDENCE_TYPES[ext]!, size: file.size, sha256: file.sha256, bytes, uploaded_by_label: by,
  }).returning(['id', 'file_name', 'size', 'sha256']).executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: 'create', recordType: 'funding-evidence', recordId: row.id,
    summary: `Evidence ${file.name} (${file.size} bytes) added to ${to.claimId ? 'a claim on ' : to.progressId ? 'a progress return on ' : ''}${to.title}`,
    after: { fileName: file.name, size: file.size, sha256: file.sha256, claimId: to.claimId ?? null, progressId: to.progressId ?? null },
  });
  return row;
}

/** The evidence of a project, without its bytes. */
export function listEvidence(db: Kysely<DB>, partnershipId: string, proposalId: string) {
  return db.selectFrom('funding_evidence').select(['id', 'claim_id', 'progress_id', 'file_name', 'content_type', 'size', 'sha256', 'uploaded_by_label', 'created_at'])
    .where('partnership_id', '=', partnershipId).where('proposal_id', '=', proposalId).orderBy('created_at').execute();
}

export function findEvidence(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('funding_evidence').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

// ------------------------------------------------------------------ the funder's documents of a grant

/** Keeps a checked file, byte for byte, as one of the funder's documents of a grant (under the caller's transaction), audited. */
export async function storeGrantDocument(trx: Tx, actor: AuditActor & { userId?: string }, grant: { id: string; label: string }, title: string, file: SavedFile) {
  const bytes = await readFile(file.path);
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)![1]!.toLowerCase();
  const row = await trx.insertInto('funding_grant_documents').values({
    partnership_id: actor.partnershipId, grant_id: grant.id, title, file_name: file.name, content_type: EVIDENCE_TYPES[ext]!, size: file.size, sha256: file.sha256, bytes,
    uploaded_by: actor.userId ?? null,
  }).returning(['id', 'title', 'file_name', 'size', 'sha256']).executeTakeFirstOrThrow();
  await recordAudit(trx, actor, {
    action: 'create', recordType: 'funding-grant-document', recordId: row.id, summary: `Funder's document ${title} (${file.name}, ${file.size} bytes) added to ${grant.label}`,
    after: { grantId: grant.id, title, fileName: file.name, size: file.size, sha256: file.sha256 },
  });
  return row;
}

/** The funder's documents of a grant, without their bytes, oldest first. */
export function listGrantDocuments(db: Kysely<DB>, partnershipId: string, grantId: string) {
  return db.selectFrom('funding_grant_documents').select(['id', 'title', 'file_name', 'content_type', 'size', 'sha256', 'created_at'])
    .where('partnership_id', '=', partnershipId).where('grant_id', '=', grantId).orderBy('created_at').execute();
}

export function findGrantDocument(db: Kysely<DB>, partnershipId: string, id: string) {
  return db.selectFrom('funding_grant_documents').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}
