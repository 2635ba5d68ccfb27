// Rendered public pages kept in memory, per partnership, so a rush of the public (a
// contested meeting, a local news link) is served without the database or the templates.
//
// What may be kept: only answers to someone not signed in (no session cookie, no flash
// message waiting), for the routes listed below, with status 200 and no cookie set. A
// signed-in person never reads from or writes to it, so nothing restricted can enter it.
//
// When it is forgotten: every change in a partnership writes an audit entry
// (src/access/audit.ts), which moves the partnership's change counter on (src/db/changes.ts);
// a change made through inTransaction moves it again once committed (a page read between
// the audit entry and the commit would otherwise be kept under the new count), and so does
// the end of every form or API request that could write. Entries also expire after a
// minute, for what the clock alone changes ("upcoming" meetings).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../access/sessions.ts';
import { FLASH_COOKIE } from './render.ts';
import { changeGeneration as generationOf, everyPartnershipChanged, partnershipChanged } from '../db/changes.ts';

/** Route patterns whose public answers are kept: pages and feeds that many read at once. */
export const PUBLIC_CACHE_ROUTES: ReadonlySet<string> = new Set([
  '/public', '/calendar', '/decisions', '/feeds/published.atom',
  '/meetings/:id', '/meetings/:id/items/:itemId', '/bodies/:id', '/bodies', '/meetings.ics', '/bodies/:id/meetings.ics',
]);

const MAX_ENTRIES = 2000;
// A small VM's whole budget is 300 MB idle (issue 19): 16 MB holds hundreds of rendered pages,
// and a flood of made-up query strings cannot take more.
const MAX_BYTES = 16 * 1024 * 1024;
const MAX_AGE_MS = 60_000;

interface Entry { generation: number; at: number; headers: Record<string, string>; body: Buffer; bytes: number }

// Insertion order is use order (an entry is moved to the end when read): the first is the least used.
const entries = new Map<string, Entry>();
let bytes = 0;

function remove(key: string) {
  const e = entries.get(key);
  if (e) { bytes -= e.bytes; entries.delete(key); }
}

function keep(key: string, entry: Entry) {
  remove(key);
  entries.set(key, entry);
  bytes += entry.bytes;
  for (const oldest of entries.keys()) {
    if (entries.size <= MAX_ENTRIES && bytes <= MAX_BYTES) break;
    remove(oldest);
  }
}

/** For tests and the bench: how many answers are kept now. */
export const publicCacheSize = () => entries.size;
/** For tests: about how many bytes the kept answers hold. */
export const publicCacheBytes = () => bytes;

/** The body and, for many small answers (feeds, made-up query strings), the key and headers too, at two bytes a character, and the entry itself. */
const entryBytes = (key: string, headers: Record<string, string>, body: Buffer) =>
  body.length + 2 * key.length + Object.entries(headers).reduce((n, [k, v]) => n + 2 * (k.length + v.length) + 32, 0) + 128;

function cacheable(req: FastifyRequest): boolean {
  return (req.method === 'GET' || req.method === 'HEAD')
    && PUBLIC_CACHE_ROUTES.has(req.routeOptions.url ?? '')
    && !req.cookies[SESSION_COOKIE] && !req.cookies[FLASH_COOKIE]
    && !!req.partnership && req.actor?.kind === 'public';
}

const keyOf = (req: FastifyRequest) => `${req.partnership.id} ${req.url}`;

/**
 * Serves kept answers and keeps new ones. Register after the hook that finds the
 * partnership and the actor, and before the routes.
 */
export function registerPublicCache(app: FastifyInstance): void {
  // A new app has heard nothing about the database it is given, so nothing kept before it
  // in this process is its to serve: test files share a process (scripts/lib/shard.mjs), and
  // each one's demo partnership, copied from one template, has the same id.
  everyPartnershipChanged();
  app.decorateRequest('publicCacheGeneration', -1);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!cacheable(req)) return;
    const key = keyOf(req);
    const generation = generationOf(req.partnership.id);
    const hit = entries.get(key);
    if (hit && hit.generation === generation && Date.now() - hit.at < MAX_AGE_MS) {
      entries.delete(key);
      entries.set(key, hit);
      return reply.headers(hit.headers).header('x-public-cache', 'hit').send(hit.body);
    }
    req.publicCacheGeneration = generation;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.publicCacheGeneration < 0 || req.method !== 'GET' || reply.statusCode !== 200 || reply.getHeader('set-cookie') !== undefined) return payload;
    if (!(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;
    // A change while the page was being read: it may hold the old state, so it is not kept.
    if (generationOf(req.partnership.id) !== req.publicCacheGeneration) return payload;
    const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined && name !== 'content-length' && name !== 'x-public-cache') headers[name] = String(value);
    }
    const key = keyOf(req);
    keep(key, { generation: req.publicCacheGeneration, at: Date.now(), headers, body, bytes: entryBytes(key, headers, body) });
    reply.header('x-public-cache', 'miss');
    return payload;
  });
  // The end of any request that could have written: its transaction has committed by now.
  app.addHook('onResponse', async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.partnership) partnershipChanged(req.partnership.id);
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    publicCacheGeneration: number;
  }
}
