// Test helpers of the funding module: a multipart form as a browser sends it (the form's
// token first, then its fields, then at most one file), posted with a client's cookies.
import type { FastifyInstance } from 'fastify';

export function multipartForm(csrf: string, fields: Record<string, string>, file?: { name: string; bytes: Uint8Array | string; type?: string }) {
  const boundary = `----funding${Math.random().toString(16).slice(2)}`;
  const part = (name: string, value: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const chunks: Buffer[] = [part('_csrf', csrf), ...Object.entries(fields).map(([k, v]) => part(k, v))];
  if (file) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`), Buffer.from(file.bytes), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Fetches the form's page, then posts the multipart form to it with the page's token, as the client. */
export async function postMultipart(app: FastifyInstance, client: { get(url: string): Promise<{ body: string }>; cookieHeader(): string }, pageUrl: string, postUrl: string, fields: Record<string, string>, file?: { name: string; bytes: Uint8Array | string; type?: string }) {
  const page = await client.get(pageUrl);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartForm(csrf, fields, file);
  return app.inject({ method: 'POST', url: postUrl, payload, headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType } });
}

/** The smallest real files of each kind the evidence takes, by their first bytes. */
export const SAMPLE_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');
export const SAMPLE_PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
