// Reads an import upload (multipart/form-data, one or many files) before the request's
// other checks run: the import routes' gate has already refused anyone who may not
// import, and the form's CSRF token is checked before the first file. Each file goes to
// a temporary file in the data folder as it arrives; none is held in memory. A file
// over the limit becomes a message on the same form rather than a bare error page.
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readForm } from '../../web/uploads.ts';
import { ARCHIVE_SIZE_LIMIT, UPLOAD_FILES_LIMIT, UPLOAD_TOTAL_LIMIT, type ImportUpload } from './imports.commands.ts';

declare module 'fastify' {
  interface FastifyRequest {
    importUpload: ImportUpload | null;
  }
}

export const uploadFolder = (req: FastifyRequest) => join(req.server.config.dataDir, 'uploads');

export async function readImportUpload(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!req.isMultipart()) return;
  const form = await readForm(req, reply, {
    dir: uploadFolder(req), fileField: 'files', maxFiles: UPLOAD_FILES_LIMIT, maxFileBytes: ARCHIVE_SIZE_LIMIT, maxTotalBytes: UPLOAD_TOTAL_LIMIT,
  });
  req.importUpload = { files: form.files, tooLarge: form.tooLarge, tooMany: form.tooMany, fields: form.fields };
}
