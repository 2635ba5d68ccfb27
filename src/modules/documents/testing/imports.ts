// Helpers for import tests: upload as a browser does (multipart, with the form's CSRF
// token), follow a job until it is done, post a draft form back with changes.
import type { FastifyInstance } from 'fastify';
import type { Client } from '../../../../test/support/app.ts';

export interface TestFile {
  name: string;
  bytes: Uint8Array | string;
  type?: string;
}

/** A multipart/form-data body with fields, then any number of files under `files`. */
export function multipartFiles(fields: Record<string, string>, files: TestFile[]) {
  const boundary = `----imports${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`));
    chunks.push(Buffer.from(typeof f.bytes === 'string' ? new TextEncoder().encode(f.bytes) : f.bytes));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Uploads files through the page, as a signed-in browser would. */
export async function uploadThroughPage(app: FastifyInstance, client: Client, files: TestFile[], opts: { csrf?: boolean } = {}) {
  const page = await client.get('/imports/new');
  const { payload, contentType } = multipartFiles(opts.csrf === false ? {} : { _csrf: csrfOf(page.body) }, files);
  return app.inject({ method: 'POST', url: '/imports/new', payload, headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType } });
}

/** Uploads through the API (multipart needs the CSRF token too, here as a header). */
export async function uploadThroughApi(app: FastifyInstance, client: Client, files: TestFile[]) {
  const page = await client.get('/imports/new');
  const { payload, contentType } = multipartFiles({}, files);
  return app.inject({ method: 'POST', url: '/api/imports', payload, headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType, 'x-csrf-token': csrfOf(page.body) } });
}

export const jobIdOf = (location: string | string[] | number | undefined) => /\/imports\/jobs\/([0-9a-f-]{36})/.exec(String(location))?.[1] ?? '';

export interface JobJson {
  id: string;
  status: string;
  total: number;
  read: number;
  failed: number;
  duplicates: number;
  files: { fileName: string; status: string; errorCode: string | null; message: string | null; importId: string | null; duplicateOf: string | null }[];
}

/** Polls the job, as its progress page does, until every file is finished. */
export async function waitForJob(client: Client, jobId: string, timeoutMs = 90_000): Promise<JobJson> {
  const started = Date.now();
  for (;;) {
    const res = await client.json('GET', `/api/import-jobs/${jobId}`);
    if (res.statusCode !== 200) throw new Error(`job ${jobId}: ${res.statusCode} ${res.body}`);
    const job = res.json() as JobJson;
    if (job.status === 'done') return job;
    if (Date.now() - started > timeoutMs) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The draft page's form as a browser would post it: every field with its value, ticked boxes only. */
export function formOf(html: string, formAction: string): Record<string, string | string[]> {
  const start = html.indexOf(`action="${formAction}"`);
  const end = html.indexOf('</form>', start);
  const form = html.slice(start, end);
  const out: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const v = value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    const prev = out[name];
    out[name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  };
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    if (!name || name === '_csrf') continue;
    const type = /type="([^"]+)"/.exec(tag)?.[1] ?? 'text';
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    add(name, value);
  }
  for (const m of form.matchAll(/<textarea\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) add(m[1]!, m[2]!.replace(/^\n/, ''));
  for (const m of form.matchAll(/<select\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)"[^>]*selected/.exec(m[2]!)?.[1] ?? /<option value="([^"]*)"/.exec(m[2]!)?.[1] ?? '';
    add(m[1]!, selected);
  }
  return out;
}

/**
 * Minutes of the demo partnership's Working Group, written for these tests: people of
 * the demo register under other honorifics, one person not in it, an organisation as an
 * action's owner, a private part, and the approval of the last meeting's notes.
 */
export const workingGroupMinutes = `NORTHSHIRE COMMUNITY SAFETY PARTNERSHIP WORKING GROUP

Minutes of the meeting of the Working Group held in Committee Room 3, County Hall, Northtown on Wednesday 12 March 2025 at 9.30am.

Present: Ms P Ramaswamy (Chair), Superintendent D Osei, Mr T Lindqvist, Ms E Stroud, Mr J Adeyemi and Mr O Pendleford (Ashby Vale Youth Trust)

In attendance: Mrs Gwen Abernethy (Partnership Clerk)

Apologies: Dr F Whitlock

201. Apologies and substitutes

Apologies were noted as above.

202. Notes of the last meeting

RESOLVED that the notes of the meeting held on 15 January 2025 be agreed as a correct record.

203. Night-time economy patrols (Item B1)

1. Superintendent Osei described the new patrol pattern for Brackenford town centre on Friday and Saturday nights.

2. Mr Pendleford agreed to share the youth outreach timetable with the group by 31 March 2025.

RESOLVED to endorse the patrol pattern for a three month trial.

204. Shop theft partnership scheme (Item B2)

1. Ms Stroud reported that twelve retailers had joined the scheme.

ACTION: Northshire Police to report the first quarter's figures by 30 June 2025.

RESOLVED to note the report.

PART 2 - ITEMS NOT OPEN TO THE PRESS AND PUBLIC

205. Exploitation subgroup update (Item D1)

1. Mr Lindqvist gave a confidential update on two cases.

RESOLVED to note the update.
`;
