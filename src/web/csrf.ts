// CSRF protection for every form: a random per-browser cookie, and in each form a
// token that is an HMAC of that cookie (and of the session, once signed in). A page on
// another site can make a browser post our form, but cannot read the token.
// The JSON API is protected differently: it accepts changes only as application/json,
// which a page on another site cannot send without CORS, and we never allow CORS.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../access/sessions.ts';
import { ForbiddenError } from './errors.ts';

export const CSRF_COOKIE = 'ph_csrf';

declare module 'fastify' {
  interface FastifyRequest {
    csrfToken: string;
    /** A browser seen for the first time: its id, given as a cookie only if the answer holds a form. */
    newBrowserId: string | undefined;
  }
}

export function registerCsrf(app: FastifyInstance, secret: string, secureCookies: boolean): void {
  const tokenFor = (browserId: string, session: string | undefined) =>
    createHmac('sha256', secret).update(`${browserId}:${session ?? ''}`).digest('base64url');

  app.decorateRequest('csrfToken', '');
  app.decorateRequest('newBrowserId', undefined);
  app.addHook('onRequest', async (req) => {
    let browserId = req.cookies[CSRF_COOKIE];
    if (!browserId || browserId.length < 20) {
      browserId = randomBytes(24).toString('base64url');
      req.newBrowserId = browserId;
      req.cookies[CSRF_COOKIE] = browserId;
    }
    req.csrfToken = tokenFor(browserId, req.cookies[SESSION_COOKIE]);
  });
  // The cookie goes only with an answer that holds a token (a form): a page without one
  // sets no cookie, so it is the same for every reader and may be kept (web/publicCache.ts).
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.newBrowserId) return payload;
    const holdsToken = typeof payload === 'string' ? payload.includes(req.csrfToken) : Buffer.isBuffer(payload) && payload.includes(req.csrfToken);
    if (holdsToken) reply.setCookie(CSRF_COOKIE, req.newBrowserId, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies });
    return payload;
  });

  app.addHook('preHandler', async (req) => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) return;
    // One-click unsubscribe (RFC 8058): a mail client posts it without our form; the signed
    // link in the address is the authority, and all it can do is take someone off a list.
    if ((req.routeOptions.config as { oneClick?: boolean } | undefined)?.oneClick) return;
    if (req.url.startsWith('/api/')) {
      const type = String(req.headers['content-type'] ?? '');
      if (req.method !== 'DELETE' && !type.startsWith('application/json') && !type.startsWith('multipart/form-data')) {
        throw new ForbiddenError('role');
      }
      if (type.startsWith('multipart/form-data')) checkToken(req);
      return;
    }
    checkToken(req);
  });

  function checkToken(req: FastifyRequest) {
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'] ?? (req.query as Record<string, unknown>)._csrf;
    const expected = req.csrfToken;
    const a = Buffer.from(String(sent ?? ''));
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new CsrfError();
  }
}

export class CsrfError extends Error {
  constructor() {
    super('The form had expired or came from another site. Go back, reload the page and try again.');
  }
}
