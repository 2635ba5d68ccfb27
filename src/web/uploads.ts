// Uploads are decided before their body is read (issue 9): the route's permission and,
// for a form, its CSRF token are checked when the request arrives, so a refused request
// costs a few headers, never megabytes of buffering or parsing. Files are then written
// to temporary files in the data folder as they arrive, within per-request limits, and
// removed when the response has been sent.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { CsrfError } from './csrf.ts';
import { checkMultipartFields, safeFileName } from './inputChecks.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The form's CSRF token was checked from a header or the address, before the body. */
    uploadTokenChecked: boolean;
    /** Temporary files of this request's upload, removed after the response. */
    uploadTempFiles: string[] | null;
  }
}

const isMultipart = (req: FastifyRequest) => String(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');

export function csrfTokenMatches(req: FastifyRequest, sent: unknown): boolean {
  const a = Buffer.from(String(sent ?? ''));
  const b = Buffer.from(req.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * An onRequest hook for an upload route: `allowed` throws (as the policy does) for
 * anyone who may not upload here; a multipart body's CSRF token, when it comes in the
 * X-CSRF-Token header or the address, is checked now too. A form's token comes as its
 * first field instead, and the reader checks it before the first file (readForm).
 * A refusal closes the connection, so the rest of the body is not even received.
 */
export function uploadGate(allowed: (req: FastifyRequest) => void) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      allowed(req);
      if (isMultipart(req)) {
        const sent = req.headers['x-csrf-token'] ?? (req.query as Record<string, unknown> | undefined)?._csrf;
        if (sent !== undefined) {
          if (!csrfTokenMatches(req, sent)) throw new CsrfError();
          req.uploadTokenChecked = true;
        }
      }
    } catch (error) {
      reply.header('connection', 'close');
      throw error;
    }
  };
}

/**
 * At a form's first file: its CSRF token must have come already (forms send it first),
 * or the request is refused before the file is read, and its connection closed.
 */
export function checkTokenBeforeFile(req: FastifyRequest, reply: FastifyReply, fields: Record<string, unknown>): void {
  if (req.uploadTokenChecked) return;
  if (!csrfTokenMatches(req, fields._csrf)) {
    reply.header('connection', 'close');
    throw new CsrfError();
  }
  req.uploadTokenChecked = true;
}

/** Removes the request's temporary upload files (an onResponse hook of the upload routes). */
export async function removeUploadFiles(req: FastifyRequest): Promise<void> {
  const files = req.uploadTempFiles;
  req.uploadTempFiles = null;
  if (files) await Promise.all(files.map((f) => rm(f, { force: true })));
}

export interface SavedFile {
  /** The name the browser gave, without any folder. */
  name: string;
  path: string;
  size: number;
  sha256: string;
}

export interface FormLimits {
  /** Folder for the temporary files (created when needed). */
  dir: string;
  /** The file field read; files under other names are skipped unread. */
  fileField: string;
  maxFiles: number;
  /** Largest single file; a larger one is named in `tooLarge`. */
  maxFileBytes: number;
  /** Largest total of the files of one request. */
  maxTotalBytes: number;
}

export interface ReadForm {
  fields: Record<string, unknown>;
  files: SavedFile[];
  /** Files over the single-file limit, or past the request's total. */
  tooLarge: string[];
  tooMany: boolean;
}

/**
 * Reads a multipart form, writing each file to a temporary file as it arrives (never
 * holding one in memory). The form's CSRF token must arrive before the first file
 * (forms put it first), unless the gate checked it from a header already.
 */
export async function readForm(req: FastifyRequest, reply: FastifyReply, limits: FormLimits): Promise<ReadForm> {
  try {
    return await readFormParts(req, reply, limits);
  } catch (error) {
    // A refused or broken upload (the browser went away) leaves no file behind.
    await removeUploadFiles(req);
    throw error;
  }
}

async function readFormParts(req: FastifyRequest, reply: FastifyReply, limits: FormLimits): Promise<ReadForm> {
  const form: ReadForm = { fields: {}, files: [], tooLarge: [], tooMany: false };
  req.uploadTempFiles ??= [];
  let total = 0;
  let made = false;
  for await (const part of req.parts()) {
    if (part.type !== 'file') {
      form.fields[part.fieldname] = part.value;
      continue;
    }
    checkTokenBeforeFile(req, reply, form.fields);
    const name = safeFileName(part.filename);
    if (part.fieldname !== limits.fileField) {
      part.file.resume();
      continue;
    }
    if (form.files.length + form.tooLarge.length >= limits.maxFiles) {
      form.tooMany = true;
      part.file.resume();
      continue;
    }
    if (!made) {
      await mkdir(limits.dir, { recursive: true });
      made = true;
    }
    const path = join(limits.dir, `upload-${process.pid}-${randomBytes(12).toString('hex')}`);
    req.uploadTempFiles.push(path);
    const hash = createHash('sha256');
    let size = 0;
    let over = false;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (over || size > limits.maxFileBytes || total + size > limits.maxTotalBytes) {
          // Past a limit: the rest of this file is received and dropped, not kept.
          over = true;
          return done();
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(part.file, counter, createWriteStream(path));
    if (over || part.file.truncated) {
      form.tooLarge.push(name || 'document');
      await rm(path, { force: true });
      continue;
    }
    // A browser sends an empty part with no name when no file was chosen.
    if (size === 0 && !name) continue;
    total += size;
    form.files.push({ name: name || 'document', path, size, sha256: hash.digest('hex') });
  }
  checkMultipartFields(form.fields);
  req.body = form.fields;
  return form;
}

/** A form with at most one file, held in memory: its fields and the file, or why there is none. */
export interface InMemoryUpload {
  fileName: string | null;
  bytes: Uint8Array | null;
  /** The file passed the size limit (the multipart plugin's) and was cut off while reading. */
  tooLarge: boolean;
  fields: Record<string, unknown>;
}

/**
 * Reads a multipart form whose one file (the field "file") is small enough to hold in
 * memory: the form's token is checked before the file, any other file is drained and
 * ignored, an empty part (no file chosen) is no file, and the fields are checked for bad
 * characters as any form's are. Sets req.body to the fields.
 */
export async function readInMemoryUpload(req: FastifyRequest, reply: FastifyReply, unnamed: string): Promise<InMemoryUpload> {
  const fields: Record<string, unknown> = {};
  let fileName: string | null = null;
  let bytes: Uint8Array | null = null;
  let tooLarge = false;
  for await (const part of req.parts()) {
    if (part.type !== 'file') {
      fields[part.fieldname] = part.value;
      continue;
    }
    checkTokenBeforeFile(req, reply, fields);
    if (part.fieldname !== 'file' || bytes || tooLarge) {
      part.file.resume();
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
      fileName = safeFileName(part.filename) || unnamed;
    }
  }
  checkMultipartFields(fields);
  req.body = fields;
  return { fileName, bytes, tooLarge, fields };
}
