// Reads a paper upload (multipart/form-data) before the request's other checks run, so
// the form's CSRF token is in req.body as for any form, and a file over the size limit
// becomes a message on the same form rather than a bare error page. Who may upload is
// decided before the body is read (paperUploadGate, for JSON too), and the form's token
// before its file.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import type { Upload } from './agenda.commands.ts';
import { authorize } from '../../access/policy.ts';
import { readInMemoryUpload, uploadGate } from '../../web/uploads.ts';

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
  // The size limit is checked while reading (throwFileSizeLimit is off), so an oversized file is a message, not an error page.
  req.paperUpload = await readInMemoryUpload(req, reply, 'paper');
}
