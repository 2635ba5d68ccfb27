// Reads a paper upload (multipart/form-data) before the request's other checks run, so
// the form's CSRF token is in req.body as for any form, and a file over the size limit
// becomes a message on the same form rather than a bare error page. Who may upload is
// decided before the body is read (paperUploadGate, for JSON too), and the form's token
// before its file.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import type { Upload } from './agenda.commands.ts';
import { authorize } from '../../access/policy.ts';
import { checkTokenBeforeFile, uploadGate } from '../../web/uploads.ts';
import { checkMultipartFields, safeFileName } from '../../web/inputChecks.ts';

/** The paper routes' onRequest hook: only people who may change meetings get a body read or parsed. */
export const paperUploadGate = uploadGate((req) => authorize(req.actor, 'update', { type: 'meeting' }));

declare module 'fastify' {
  interface FastifyRequest {
    paperUpload: Upload | null;
  }
}

export async function readUpload(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!req.isMultipart()) return;
  // Refused before reading: nobody who may not change meetings gets 20MB buffered.
  // (The command asks the policy again, about the meeting's own body.)
  authorize(req.actor, 'update', { type: 'meeting' });
  const fields: Record<string, unknown> = {};
  let fileName: string | null = null;
  let bytes: Uint8Array | null = null;
  let tooLarge = false;
  // The size limit is checked here (throwFileSizeLimit is off), so an oversized file is a message, not an error page.
  for await (const part of req.parts()) {
    if (part.type !== 'file') {
      fields[part.fieldname] = part.value;
      continue;
    }
    checkTokenBeforeFile(req, reply, fields);
    if (part.fieldname !== 'file' || bytes || tooLarge) {
      part.file.resume(); // only one file is read; any other is drained and ignored
      continue;
    }
    const buffer = await part.toBuffer();
    if (part.file.truncated) {
      tooLarge = true;
      continue;
    }
    // A browser sends an empty part with no name when no file was chosen.
    if (buffer.length || part.filename) {
      bytes = buffer;
      fileName = safeFileName(part.filename) || 'paper';
    }
  }
  checkMultipartFields(fields);
  req.body = fields;
  req.paperUpload = { fileName, bytes, tooLarge, fields };
}
