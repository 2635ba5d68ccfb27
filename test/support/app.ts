// Builds the whole app on a fresh test database, with the demo partnership loaded,
// and helpers to act as a signed-in user through real HTTP requests (app.inject).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { seedDemoPartnership, DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { createTestDatabase } from './database.ts';
import { sql } from 'kysely';
import { openPostgres, type Database } from '../../src/db/database.ts';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  partnershipId: string;
  close(): Promise<void>;
}

const DEMO_PARTNERSHIP = { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' };

/**
 * A fresh database with the demo partnership, copied from the run's made-once template
 * (test/support/database.ts): seeding it hashes passwords and writes a year of meetings,
 * seconds of CPU that every test file and browser journey would otherwise pay again.
 */
export async function createDemoDatabase(): Promise<{ database: Database; partnershipId: string }> {
  const database = await createTestDatabase({ name: 'demo', prepare: async (d) => { await seedDemoPartnership(d.db, DEMO_PARTNERSHIP); } });
  const { partnershipId } = await database.db.selectFrom('partnerships').select('id as partnershipId').where('slug', '=', DEMO_PARTNERSHIP.slug).executeTakeFirstOrThrow();
  return { database, partnershipId };
}

export async function createTestApp(): Promise<TestApp> {
  const { database, partnershipId } = await createDemoDatabase();
  const demo = { partnershipId };
  const config = loadConfig({ SESSION_SECRET: 'test-secret-test-secret-test-secret-00', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  const app = await buildApp({ db: database.db, config, logger: false });
  await app.ready();
  return {
    app, database, partnershipId: demo.partnershipId,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/**
 * A second instance of the app on the same database, as a second server process would be:
 * on PostgreSQL with a pool of its own; on PGlite (one process only) the same engine.
 * For tests of what must hold across instances (revocation, kept records).
 */
export async function createSecondInstance(t: TestApp): Promise<{ app: FastifyInstance; db: Database['db']; close(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  let database: Database | undefined;
  if (serverUrl) {
    const { rows: [row] } = await sql<{ name: string }>`select current_database() as name`.execute(t.database.db);
    const url = new URL(serverUrl);
    url.pathname = `/${row!.name}`;
    database = await openPostgres(url.toString(), 2);
  }
  const db = database?.db ?? t.database.db;
  const app = await buildApp({ db, config: t.app.config, logger: false });
  await app.ready();
  return { app, db, close: async () => { await app.close(); await database?.close(); } };
}

export const demoUsers = {
  administrator: 'admin@northshire.example',
  officer: 'officer@northshire.example',
  member: 'member@northshire.example',
  panel: 'panel@northshire.example',
} as const;

/** A browser-like client: keeps cookies, reads CSRF tokens from forms and sends them. */
export class Client {
  private cookies = new Map<string, string>();
  private csrf = '';
  private readonly app: FastifyInstance;
  private readonly host: string;
  constructor(app: FastifyInstance, host = 'localhost') {
    this.app = app;
    this.host = host;
  }

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.value === '' || (c.maxAge !== undefined && c.maxAge <= 0) || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
  }

  /** The Cookie header this client sends, e.g. to replay it after signing out. */
  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { host: this.host, cookie: this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  /** Posts a form as a browser would, with the CSRF token of the last page fetched. */
  async post(url: string, form: Record<string, string | string[]>, opts: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    if (opts.csrf !== false && !this.csrf) await this.get('/sign-in');
    const params = new URLSearchParams();
    if (opts.csrf !== false) params.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
    const res = await this.app.inject({
      method: 'POST', url, payload: params.toString(),
      headers: { host: this.host, cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    });
    this.remember(res);
    return res;
  }

  async json(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
    const res = await this.app.inject({
      method, url, headers: { host: this.host, cookie: this.cookieHeader(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    this.remember(res);
    return res;
  }

  async signIn(email: string, password = DEMO_PASSWORD) {
    await this.get('/sign-in');
    const res = await this.post('/sign-in', { email, password });
    if (res.statusCode !== 303) throw new Error(`sign-in as ${email} failed: ${res.statusCode}`);
    return this;
  }
}

/** The text a person would read on a page: tags removed, white space folded. */
export function pageText(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}
