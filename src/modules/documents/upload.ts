// Reads an import upload (multipart/form-data, one or many files) before the request's
// other checks run, as the meetings module does for papers: the form's CSRF token is
// then in req.body as for any form, and a file over the limit becomes a message on the
// same form rather than a bare error page.
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import type { ImportUpload } from './imports.commands.ts';

declare module 'fastify' {
  interface FastifyRequest {
    importUpload: ImportUpload | null;
  }
}

export async function readImportUpload(req: FastifyRequest): Promise<void> {
  if (!req.isMultipart()) return;
  const fields: Record<string, unknown> = {};
  const upload: ImportUpload = { files: [], tooLarge: [], fields };
  // The size limit is checked here (throwFileSizeLimit is off), so an oversized file is a message.
  for await (const part of req.parts()) {
    if (part.type !== 'file') {
      fields[part.fieldname] = part.value;
      continue;
    }
    if (part.fieldname !== 'files') {
      part.file.resume();
      continue;
    }
    const buffer = await part.toBuffer();
    const name = (part.filename || 'document').replace(/^.*[\\/]/, '').slice(0, 200);
    if (part.file.truncated) {
      upload.tooLarge.push(name);
      continue;
    }
    // A browser sends an empty part with no name when no file was chosen.
    if (buffer.length || part.filename) upload.files.push({ name, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) });
  }
  req.body = fields;
  req.importUpload = upload;
}
