// Builds the Fastify app: plugins, the request's partnership and actor, modules, errors.
import { lazySchemas, type LazySchemas } from './web/lazySchemas.ts';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { join, dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { DB } from './db/schema.ts';
import type { Config } from './config.ts';
import type { Actor } from './access/policy.ts';
import { createNunjucks, govukAssets, govukBundle } from './web/nunjucks.ts';
import { registerRendering } from './web/render.ts';
import { registerCsrf } from './web/csrf.ts';
import { registerErrorHandling } from './web/errorHandler.ts';
import { registerInputChecks, parseFormStrictly } from './web/inputChecks.ts';
import { registerCacheRules } from './web/cacheRules.ts';
import { readSession, SESSION_COOKIE, type SessionRider } from './access/sessions.ts';
import { ForbiddenError } from './web/errors.ts';
import { accessRoutes } from './access/routes.ts';
import { accountRoutes } from './access/account.routes.ts';
import { registerSecondFactorGate } from './access/secondFactor.ts';
import { withoutLinkTokens } from './access/accountMail.ts';
import { partnershipRoutes } from './modules/partnership/routes.ts';
import { homeRoutes } from './modules/home/routes.ts';
import { userAdminRoutes } from './access/users.routes.ts';
import { meetingsRoutes } from './modules/meetings/routes.ts';
import { actionsRoutes } from './modules/actions/routes.ts';
import { reviewsRoutes } from './modules/reviews/routes.ts';
import { reviewsMoneyRoutes } from './modules/reviews/money.routes.ts';
import { reviewsProgressRoutes } from './modules/reviews/progress.routes.ts';
import { fundingRoutes } from './modules/funding/routes.ts';
import { searchRoutes } from './modules/search/routes.ts';
import { packRoutes } from './modules/meetings/pack/routes.ts';
import { calendarRoutes } from './modules/meetings/calendar/routes.ts';
import { publicRoutes } from './modules/public/routes.ts';
import { strategyRoutes } from './modules/strategy/routes.ts';
import { siteRoutes } from './modules/site/routes.ts';
import { brandGeneration } from './modules/site/commands.ts';
import { registerPublicCache } from './web/publicCache.ts';
import { BRAND_COLUMNS, brandFromRow, DEFAULT_BRAND, type Brand } from './modules/site/store.ts';
import { engagementRoutes } from './modules/engagement/routes.ts';
import { assessmentRoutes } from './modules/assessment/routes.ts';
import { ssoRoutes } from './modules/sso/routes.ts';
import { scheduledRoutes } from './modules/scheduled/routes.ts';
import { moderngovRoutes } from './modules/moderngov/routes.ts';

export interface Partnership {
  id: string;
  slug: string;
  name: string;
  short_name: string;
  hostname: string | null;
  /** The configured public address; see modules/public/address.ts. */
  public_url: string | null;
  /** Its colour, logo and footer (modules/site), and its contact, shown on public pages. */
  brand: Brand;
  contact: Record<string, string>;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<DB>;
    config: Config;
    /** This app's route schemas not compiled yet (web/lazySchemas.ts). */
    pendingSchemas: LazySchemas;
  }
  interface FastifyRequest {
    partnership: Partnership;
    actor: Actor;
    /** Read with the session (access/sessions.ts): the partnership requires a second factor this account has not set up. Null: not read. */
    secondFactorMissing: boolean | null;
    /** On a route with `config.withSession`: what it read (and wrote) in the session's own statement, once the session was found good. */
    sessionRider: SessionRider | null;
  }
  interface FastifyContextConfig {
    /** What the route reads in the session's own statement (access/sessions.ts), so its page is one round trip. */
    withSession?: (req: FastifyRequest, db: Kysely<DB>, partnershipId: string) => (SessionRider & { took(row: Record<string, unknown>): void }) | null;
  }
}

export interface AppOptions {
  db: Kysely<DB>;
  config: Config;
  logger?: boolean;
}

export async function buildApp({ db, config, logger }: AppOptions): Promise<FastifyInstance> {
  const schemas = lazySchemas();
  const app = Fastify({
    logger: logger === false ? false : {
      level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'],
      // The one-time links to choose or reset a password carry their token in the path: never logged.
      serializers: { req: (r: { method: string; url: string; hostname?: string; ip?: string }) => ({ method: r.method, url: withoutLinkTokens(r.url), hostname: r.hostname, remoteAddress: r.ip }) },
    },
    // One line per request instead of Fastify's two (see the onResponse hook below).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Each route's schemas are compiled when it is first used, not all at start (src/web/lazySchemas.ts).
    schemaController: schemas.controller,
    // X-Forwarded-* only from the configured proxies: otherwise a client names its own address.
    trustProxy: config.trustProxy.length ? config.trustProxy : false,
  });
  app.decorate('db', db);
  app.decorate('config', config);
  app.decorate('pendingSchemas', schemas);
  // A closed app lets go of the schemas it never compiled (and the route schemas they hold).
  app.addHook('onClose', async () => { schemas.clear(); });
  // The request log: one structured line per request, with its route's pattern rather than
  // its address (an address can carry search words or a one-time token), status and time.
  app.addHook('onResponse', async (req, reply) => {
    req.log.info({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  await app.register(cookie);
  // Form fields keep their names; repeated fields become arrays; broken UTF-8 is refused.
  await app.register(formbody, { parser: parseFormStrictly });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Partnership Hub API', version: '0.1.0', description: 'The same resources as the pages, as JSON. Sign in through /sign-in; changes are sent as application/json.' },
    },
  });
  await app.register(fastifyStatic, { root: join(dirname(fileURLToPath(import.meta.url)), 'web', 'static'), prefix: '/static/', decorateReply: false });
  // Of GOV.UK Frontend's files only its script is served: its stylesheet is rebuilt for a
  // service outside GOV.UK (src/web/static/govuk-frontend.css), and its crown images and
  // GDS Transport font are GOV.UK's own (scripts/build-css.mjs).
  for (const file of ['govuk-frontend.min.js']) {
    app.get(`/assets/${file}`, { schema: { hide: true } }, (_req, reply) =>
      reply.type(file.endsWith('.css') ? 'text/css' : 'text/javascript').header('cache-control', 'public, max-age=86400')
        .send(readAsset(join(govukBundle, file))),
    );
  }
  // Only the API is described in the OpenAPI document.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) route.schema = { ...(route.schema ?? {}), hide: true };
  });

  const partnerships = partnershipResolver(db, config.defaultPartnership);
  app.decorateRequest('partnership', null as unknown as { getter: () => Partnership });
  app.decorateRequest('actor', null as unknown as { getter: () => Actor });
  app.decorateRequest('secondFactorMissing', null);
  app.decorateRequest('sessionRider', null);
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/assets/') || req.url.startsWith('/static/')) return;
    const partnership = await partnerships(req.hostname);
    if (!partnership) return; // no partnership yet: routes answer 404 through the error handler
    req.partnership = partnership;
    const token = req.cookies[SESSION_COOKIE];
    const rider = token ? req.routeOptions.config?.withSession?.(req, db, partnership.id) ?? null : null;
    const session = token ? await readSession(db, token, partnership.id, config.production, rider) : null;
    req.actor = session?.actor ?? { kind: 'public', partnershipId: partnership.id };
    req.secondFactorMissing = session?.secondFactorMissing ?? null;
    if (rider && session) {
      rider.took(session.row);
      req.sessionRider = rider;
    }
  });
  // Someone whose partnership requires a second factor sets it up before anything else.
  registerSecondFactorGate(app);
  refuseLargeBodiesBeforeSignIn(app);
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    reply.header('content-security-policy', "default-src 'self'; script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; form-action 'self'");
  });

  const nunjucks = createNunjucks();
  registerRendering(app, nunjucks, config.secureCookies);
  registerCsrf(app, config.sessionSecret, config.secureCookies);
  registerErrorHandling(app);
  registerInputChecks(app);
  registerCacheRules(app);
  // Public pages many read at once come from memory, before any route reads the database.
  registerPublicCache(app);

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(homeRoutes);
  await app.register(accessRoutes);
  await app.register(accountRoutes);
  await app.register(userAdminRoutes);
  await app.register(partnershipRoutes);
  await app.register(meetingsRoutes);
  await app.register(packRoutes);
  await app.register(calendarRoutes);
  await app.register(actionsRoutes);
  await app.register(reviewsRoutes);
  await app.register(reviewsMoneyRoutes);
  await app.register(reviewsProgressRoutes);
  await app.register(fundingRoutes);
  await app.register(strategyRoutes);
  await app.register(engagementRoutes);
  await app.register(assessmentRoutes);
  await app.register(moderngovRoutes);
  await app.register(searchRoutes);
  await app.register((await import('./modules/documents/imports.routes.ts')).importRoutes);
  await app.register(publicRoutes);
  await app.register(siteRoutes);
  await app.register(ssoRoutes);
  await app.register(scheduledRoutes);
  return app;
}

// ---------------------------------------------------------------- bodies before sign-in
// Someone not signed in may send no more than a small form (signing in is one): an
// upload, or any body that may be larger, is refused as the request arrives, before a
// byte of it is read or parsed, and the connection is closed so the rest is not received.
// (Upload routes then check their own permission the same way: web/uploads.ts.)
export const PUBLIC_BODY_LIMIT = 16 * 1024;

function refuseLargeBodiesBeforeSignIn(app: FastifyInstance) {
  app.addHook('onRequest', async (req, reply) => {
    if (req.actor?.kind === 'user') return;
    const length = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (!chunked && (length === undefined || Number(length) === 0)) return;
    const multipart = String(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
    // A one-click unsubscribe (RFC 8058) may come as a small multipart form from a mail client.
    const oneClick = (req.routeOptions.config as { oneClick?: boolean } | undefined)?.oneClick === true;
    if ((!multipart || oneClick) && !chunked && Number(length) <= PUBLIC_BODY_LIMIT) return;
    // An upload through a one-time link (an assessment's data return) is checked by its
    // route, against its link, in the route's own onRequest hook, before a byte is read.
    if (multipart && (req.routeOptions.config as { linkUpload?: boolean } | undefined)?.linkUpload) return;
    reply.header('connection', 'close');
    throw new ForbiddenError('sign-in');
  });
}

const assetCache = new Map<string, Buffer>();
function readAsset(path: string): Buffer {
  let b = assetCache.get(path);
  if (!b) assetCache.set(path, (b = readFileSync(path)));
  return b;
}

/** The partnership a request is for: by host name, else the default, cached briefly. */
function partnershipResolver(db: Kysely<DB>, defaultSlug: string | undefined) {
  let cache: { at: number; generation: number; rows: Partnership[] } | null = null;
  return async (hostname: string): Promise<Partnership | undefined> => {
    if (!cache || Date.now() - cache.at > 10_000 || cache.generation !== brandGeneration()) {
      const generation = brandGeneration();
      const [partnerships, brands, contacts] = await Promise.all([
        db.selectFrom('partnerships').select(['id', 'slug', 'name', 'short_name', 'hostname', 'public_url']).orderBy('created_at').execute(),
        db.selectFrom('site_brands').select(['partnership_id', ...BRAND_COLUMNS]).execute(),
        db.selectFrom('site_pages').select(['partnership_id', 'fields']).where('page', '=', 'contact').execute(),
      ]);
      const rows = partnerships.map((p) => {
        const b = brands.find((x) => x.partnership_id === p.id);
        return { ...p, brand: b ? brandFromRow(b) : DEFAULT_BRAND, contact: contacts.find((c) => c.partnership_id === p.id)?.fields ?? {} };
      });
      cache = { at: Date.now(), generation, rows };
    }
    const host = hostname.replace(/:\d+$/, '').toLowerCase();
    return cache.rows.find((p) => p.hostname === host)
      ?? cache.rows.find((p) => p.slug === defaultSlug)
      ?? cache.rows[0];
  };
}
