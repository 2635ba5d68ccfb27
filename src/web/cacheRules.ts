// What a browser or a proxy may keep. Anything answered to a signed-in person can hold
// business that is not public, so it is never stored: after signing out, Back asks the
// server again (and gets the public view or the sign-in page) instead of showing the page
// from the browser's cache. Answers to the public keep whatever caching their route chose.
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../access/sessions.ts';

export const PRIVATE_NO_STORE = 'private, no-store';

export function registerCacheRules(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply) => {
    const signedIn = req.actor !== null && req.actor !== undefined && req.actor.kind !== 'public';
    // Signing in or out sets or clears the session cookie: that answer is personal too.
    const cookies = reply.getHeader('set-cookie');
    const touchesSession = [cookies ?? []].flat().some((c) => String(c).startsWith(`${SESSION_COOKIE}=`));
    if (signedIn || touchesSession) reply.header('cache-control', PRIVATE_NO_STORE);
  });
}
