// The real app on a random local port, with the demo partnership, and a real Chromium
// to drive it; helpers to sign in and to fail a test on any axe (WCAG 2.2 AA) violation.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { createDemoDatabase } from '../support/app.ts';
import type { Database } from '../../src/db/database.ts';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

// The very axe-core that @axe-core/playwright runs, loaded into every page of our
// contexts up front so the crawler can call it directly (see axeProblemsQuick).
const axeSource = readFileSync(createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright')).resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export { demoUsers } from '../support/app.ts';

export interface BrowserHarness {
  app: FastifyInstance;
  database: Database;
  partnershipId: string;
  browser: Browser;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** A fresh browser (own cookies); closed by close(). */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  newPage(options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const launch = () => chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS });

// In a worker of `npm test` (scripts/lib/shard.mjs), which runs several journeys one after
// another, they share one Chromium, launched by the first and closed when the worker
// ends: each journey still has browser contexts of its own (own cookies, storage and
// cache), closed with its harness. A journey run on its own launches and closes its own.
const workerEnd = (globalThis as { [k: symbol]: (() => Promise<void>)[] | undefined })[Symbol.for('partnership-hub.worker-end')];
let shared: Promise<Browser> | undefined;
function workerBrowser(): Promise<Browser> {
  if (!shared) {
    const launching = launch();
    shared = launching;
    workerEnd!.push(async () => { await (await launching).close().catch(() => {}); });
    // A Chromium that went away (crashed) is launched again for the next journey.
    void launching.then((b) => b.on('disconnected', () => { if (shared === launching) shared = undefined; }), () => { shared = undefined; });
  }
  return shared;
}

export async function startBrowserHarness(): Promise<BrowserHarness> {
  const { database, partnershipId } = await createDemoDatabase();
  const config = loadConfig({ SESSION_SECRET: 'browser-secret-browser-secret-browser-00', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  const app = await buildApp({ db: database.db, config, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const ownBrowser = !workerEnd;
  const browser = ownBrowser ? await launch() : await workerBrowser();
  const contexts: BrowserContext[] = [];
  const newContext = async (options: BrowserContextOptions = {}) => {
    const context = await browser.newContext({ baseURL: baseUrl, ...options });
    if (options.javaScriptEnabled === false) withoutJavaScript.add(context);
    // Generous for two busy cores, short enough that a missing label fails fast.
    context.setDefaultTimeout(15_000);
    await context.addInitScript(axeSource);
    contexts.push(context);
    return context;
  };
  return {
    app, database, partnershipId, browser, baseUrl, newContext,
    newPage: async (options) => (await newContext(options)).newPage(),
    close: async () => {
      for (const c of contexts) await c.close().catch(() => {});
      if (ownBrowser) await browser.close().catch(() => {});
      await app.close();
      await database.close();
    },
  };
}

/** Signs in through the real sign-in form and waits for the signed-in page. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/sign-in'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

// Axe is JavaScript: in a context without it, it cannot run (and AxeBuilder waits for
// ever). Pages there are checked as a copy of their DOM (see axeOfCopy).
const withoutJavaScript = new WeakSet<BrowserContext>();

export interface AxeProblem { id: string; impact: string; help: string; targets: string[] }

interface AxeViolation { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }
const toProblems = (violations: AxeViolation[]): AxeProblem[] => violations.map((v) => ({
  id: v.id, impact: v.impact ?? 'unknown', help: v.help,
  targets: v.nodes.map((n) => n.target.map(String).join(' ')),
}));

/** Runs axe through @axe-core/playwright with the WCAG 2.2 AA rules on the page as it stands. */
export async function axeProblems(page: Page): Promise<AxeProblem[]> {
  if (withoutJavaScript.has(page.context())) return axeOfCopy(page);
  return whenSettled(page, async () => {
    const results = await within(60_000, 'axe', new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze());
    return toProblems(results.violations);
  });
}

/**
 * Runs a check once the page has loaded. A journey that clicks a link and checks at once
 * can catch the page between two documents (axe then meets a null document or a
 * destroyed context): that is the test's timing, not the page, so the check waits for
 * the next document and runs again, twice at most.
 */
async function whenSettled<T>(page: Page, check: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await page.waitForLoadState('load');
    try {
      return await check();
    } catch (e) {
      const betweenDocuments = /documentElement|Execution context was destroyed|navigat/i.test(String((e as Error).message));
      if (!betweenDocuments || attempt >= 3 || page.isClosed()) throw e;
      await page.waitForTimeout(250);
    }
  }
}

/**
 * Checks a page shown without JavaScript: its DOM as it stands is served again, at the
 * same address with the same styles, to a context where axe can run and where our own
 * script is replaced by an empty one, so the page stays as a browser without
 * JavaScript shows it.
 */
async function axeOfCopy(page: Page): Promise<AxeProblem[]> {
  const html = await page.content();
  const url = page.url();
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser for the page');
  const context = await browser.newContext();
  try {
    await context.route((u) => u.pathname === '/static/init.js', (r) => r.fulfill({ contentType: 'text/javascript', body: '' }));
    await context.route((u) => u.href === url, (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
    const copy = await context.newPage();
    await copy.goto(url);
    return await axeProblems(copy);
  } finally {
    await context.close();
  }
}

/** A promise that fails after ms rather than hanging the run. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The same rules and the same axe-core, called in the page directly. AxeBuilder injects
 * axe afresh and finishes each run in a new blank page (about half a second a call);
 * the crawler checks hundreds of pages, and this takes a fifth of the time. Our pages
 * have no frames, which is the one thing AxeBuilder adds.
 */
export async function axeProblemsQuick(page: Page): Promise<AxeProblem[]> {
  if (withoutJavaScript.has(page.context())) return axeOfCopy(page);
  const violations = await whenSettled(page, () => within(60_000, 'axe', page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe?: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    if (!axe) return null;
    return (await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })).violations;
  }, WCAG_TAGS)));
  return violations ? toProblems(violations) : axeProblems(page);
}

export function describeProblems(where: string, problems: AxeProblem[]): string {
  return problems.map((p) => `${where}: ${p.id} (${p.impact}) at ${p.targets.join(', ')}: ${p.help}`).join('\n');
}

/** Fails with every violation's id, impact, target and help when axe finds any. */
export async function expectNoAxeViolations(page: Page, label?: string): Promise<void> {
  const problems = await axeProblems(page);
  const where = label ?? new URL(page.url()).pathname + new URL(page.url()).search;
  assert.equal(problems.length, 0, `axe found ${problems.length} kind(s) of WCAG violation:\n${describeProblems(where, problems)}`);
}
