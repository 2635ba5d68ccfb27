// Every page a person can reach by following links from the home page, first as the
// public and then as an officer, visited in a real Chromium, and one page of each kind
// checked with axe (WCAG 2.2 AA).
// One form of each kind is also submitted empty and its error state checked, since the error
// summary and inline messages are where accessibility most often breaks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { parse } from 'node-html-parser';
import { startBrowserHarness, signIn, axeProblemsQuick, describeProblems, demoUsers, type BrowserHarness } from './support.ts';

// A bound per visitor keeps the run to a few minutes as the app grows, and a link loop
// from running away. Pages of a kind not yet seen are visited first, so when the bound
// is reached what is left out is more pages of kinds already checked (the 27th person).
const MAX_PAGES = 180;
// Pages reached by following links that are not pages to check: signing out ends the
// crawl's session, and files and the API are not HTML.
const SKIP_PREFIXES = ['/sign-out', '/assets/', '/static/', '/api/'];
const SKIP_EXTENSIONS = /\.(pdf|ics|csv|json|docx?|xlsx?|zip|xml|txt|rss|atom)$/i;

let h: BrowserHarness;
before(async () => { h = await startBrowserHarness(); });
after(async () => { await h?.close(); });

/**
 * The page's address as the crawler keys it: path and query, without the fragment or
 * `next` (the sign-in page's return address, which changes nothing on the page).
 */
function key(url: URL) {
  const u = new URL(url);
  u.hash = '';
  u.searchParams.delete('next');
  return u.pathname + u.search;
}

/** The route a page belongs to: ids and the query left out. */
function routeOf(path: string) {
  return path.replace(/\?.*$/, '').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id');
}

/**
 * The kind of page: its route and the names (not the values) of its query, so a filtered
 * or paged list is a kind of its own but the same list for another month is not.
 */
function kindOf(path: string) {
  const names = [...new URLSearchParams(path.replace(/^[^?]*\??/, '')).keys()];
  return routeOf(path) + (names.length ? `?${[...new Set(names)].sort().join('&')}` : '');
}

function worthVisiting(url: URL, origin: string): boolean {
  if (url.origin !== origin) return false;
  if (SKIP_PREFIXES.some((p) => url.pathname === p.replace(/\/$/, '') || url.pathname.startsWith(p))) return false;
  return !SKIP_EXTENSIONS.test(url.pathname);
}

/** Pages checked with axe once per kind; a refusal (403, 404) is a kind of its own. */
const axeKindOf = (status: number, path: string) => `${status >= 400 ? status : ''} ${kindOf(path)}`;

interface CrawlResult { pages: string[]; checked: string[]; forms: string[]; problems: string[]; errors: string[]; leftOut: number; leftOutNewKinds: number }

// Two tabs share the queue: axe runs inside Chromium, so the second tab keeps the
// second core busy while the first waits for the server.
const TABS = 2;

/**
 * Breadth first from the home page; the first page of each kind checked with axe, every
 * form page noted. Pages of a kind already checked share its template and are still
 * visited (and their server errors reported) for the links they lead to, but axe, most of
 * a page's time here, is not run on them again.
 */
async function crawl(pages: Page[], label: string): Promise<CrawlResult> {
  const origin = new URL(h.baseUrl).origin;
  const fresh = ['/'];
  const repeats: string[] = [];
  const routes = new Set(['/']);
  const seen = new Set(fresh);
  const checked = new Set<string>();
  const formKinds = new Set<string>();
  const axeKinds = new Set<string>();
  const result: CrawlResult = { pages: [], checked: [], forms: [], problems: [], errors: [], leftOut: 0, leftOutNewKinds: 0 };
  let busy = 0;

  async function visit(page: Page, path: string) {
    let response;
    try {
      response = await page.goto(path);
    } catch (error) {
      // A link answered as an attachment (a document's download, whatever its address) is
      // a file, not a page: Chromium starts a download and there is nothing to check.
      if (/Download is starting/.test((error as Error).message)) return;
      throw error;
    }
    const status = response?.status() ?? 0;
    const type = response?.headers()['content-type'] ?? '';
    if (!type.startsWith('text/html')) return;
    // A link that leads to a server error is a fault worth reporting; a 403 or 404 is
    // an honest answer for a page this visitor may not see.
    if (status >= 500) result.errors.push(`${label} ${path}: answered ${status}`);
    const landed = key(new URL(page.url()));
    // Several links may redirect to one page (sign-in, for instance): check it once.
    // Refusals (404, 403) are one template whatever the address: one of each route.
    const checkAs = status >= 400 ? `${status} ${routeOf(landed)}` : landed;
    if (checked.has(checkAs)) return;
    checked.add(checkAs);
    result.pages.push(landed);
    if (process.env.CRAWL_DEBUG) console.log(label, status, landed);
    const axeKind = axeKindOf(status, landed);
    if (!axeKinds.has(axeKind)) {
      axeKinds.add(axeKind);
      result.checked.push(landed);
      const problems = await axeProblemsQuick(page);
      if (problems.length) result.problems.push(describeProblems(`${label} ${landed}`, problems));
    }
    // One form of each kind is submitted empty: the 26 forms to change a person share
    // one template and one set of messages. A form is of a kind already submitted when
    // its fields are (to add a thing and to change it, say): the same fields give the
    // same error summary and messages. Forms without fields only confirm an action and
    // are not submitted (see submitFormsEmpty).
    const kind = routeOf(landed);
    if (!formKinds.has(kind)) {
      formKinds.add(kind);
      const fields = await page.evaluate(() => {
        const form = [...document.querySelectorAll<HTMLFormElement>('main form')]
          .find((f) => f.method.toLowerCase() === 'post' && f.checkVisibility());
        if (!form) return null;
        return [...form.querySelectorAll<HTMLInputElement>('input:not([type="hidden"]):not([type="submit"]):not([type="button"]), textarea, select')]
          .map((e) => `${e.localName}:${e.type}:${e.name}`).sort().join(' ');
      });
      if (fields && !formKinds.has(`fields ${fields}`)) {
        formKinds.add(`fields ${fields}`);
        result.forms.push(landed);
      }
    }

    follow(await page.locator('a[href]').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href)));
  }

  /**
   * A page of a route already seen is first fetched without being drawn (through the
   * tab's context, with its cookies). When it lands on a kind already checked with axe
   * and a route whose form is already noted, the crawl wants nothing of it but its status
   * and its links: the same in the HTML the server sent as in Chromium's copy, since no
   * page of ours makes links with JavaScript. Drawing it in the tab cost the most CPU of
   * the crawl. Anything else is visited in the tab, as above.
   */
  async function glance(page: Page, path: string): Promise<boolean> {
    const response = await page.context().request.get(new URL(path, origin).href, { failOnStatusCode: false, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    try {
      const status = response.status();
      if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) return true;
      const landed = key(new URL(response.url()));
      if (!axeKinds.has(axeKindOf(status, landed)) || !formKinds.has(routeOf(landed))) return false;
      if (status >= 500) result.errors.push(`${label} ${path}: answered ${status}`);
      const checkAs = status >= 400 ? `${status} ${routeOf(landed)}` : landed;
      if (checked.has(checkAs)) return true;
      checked.add(checkAs);
      result.pages.push(landed);
      if (process.env.CRAWL_DEBUG) console.log(label, status, landed, '(fetched)');
      follow(parse(await response.text()).querySelectorAll('a[href]').map((a) => new URL(a.getAttribute('href')!, response.url()).href));
      return true;
    } finally {
      await response.dispose();
    }
  }

  function follow(hrefs: string[]) {
    for (const href of hrefs) {
      const url = new URL(href);
      if (!worthVisiting(url, origin)) continue;
      const k = key(url);
      if (seen.has(k)) continue;
      seen.add(k);
      const route = routeOf(k);
      if (routes.has(route)) repeats.push(k);
      else {
        routes.add(route);
        fresh.push(k);
      }
    }
  }

  // A tab finding the queue empty waits while another tab may still add links to it.
  async function worker(page: Page) {
    for (;;) {
      if (result.pages.length >= MAX_PAGES) return;
      const first = fresh.shift();
      const path = first ?? repeats.shift();
      if (path === undefined) {
        if (busy === 0) return;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      busy++;
      try {
        if (first !== undefined || !(await glance(page, path))) await visit(page, path);
      } finally {
        busy--;
      }
    }
  }
  await Promise.all(pages.map(worker));
  result.leftOut = fresh.length + repeats.length;
  result.leftOutNewKinds = fresh.length;
  return result;
}

/**
 * Submits each form found empty (text fields cleared, choices left as they are) and
 * checks the page that comes back, which should be the form with its error summary.
 */
async function submitFormsEmpty(pages: Page[], forms: string[], label: string): Promise<{ checked: number; accepted: string[]; problems: string[] }> {
  const problems: string[] = [];
  // Forms whose fields are all optional accept an empty submission; listed, not failed.
  const accepted: string[] = [];
  const queue = [...forms];
  let checked = 0;
  async function submit(page: Page, path: string) {
    await page.goto(path);
    // The first form a person can see: one folded inside a closed <details> is not.
    const form = page.locator('main form[method="post" i]').filter({ visible: true }).first();
    if ((await form.count()) === 0) return;
    // Forms that only confirm an action (no fields to fill) are skipped: submitting them
    // empty is not an error state but the action itself.
    const fields = form.locator('input:not([type="hidden"]):not([type="submit"]):not([type="button"]), textarea, select');
    if ((await fields.count()) === 0) return;
    for (const input of await form.locator('input[type="text"], input[type="email"], input[type="url"], input[type="tel"], input[type="number"], input[type="password"], input:not([type]), textarea').all()) {
      if (await input.isVisible()) await input.fill('');
    }
    for (const select of await form.locator('select').all()) {
      const first = await select.locator('option').first().getAttribute('value');
      if (first === '' || first === null) await select.selectOption({ index: 0 }).catch(() => {});
    }
    const button = form.locator('button[type="submit"], button:not([type]), input[type="submit"]').filter({ visible: true }).first();
    if ((await button.count()) === 0) return;
    // A form the browser will not send empty (a required file, say) posts nothing: skipped.
    const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document', { timeout: 15_000 }).catch(() => null);
    await button.click();
    if (!(await posted)) return;
    await page.waitForLoadState('load');
    checked++;
    if ((await page.locator('.govuk-error-summary').count()) === 0) accepted.push(path);
    const found = await axeProblemsQuick(page);
    if (found.length) problems.push(describeProblems(`${label} ${path} (submitted empty)`, found));
  }
  await Promise.all(pages.map(async (page) => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) await submit(page, path);
  }));
  return { checked, accepted, problems };
}

/** Tabs in one browser context, so they share the sign-in. */
async function tabs(signedInAs?: string): Promise<Page[]> {
  const context = await h.newContext();
  const first = await context.newPage();
  if (signedInAs) await signIn(first, signedInAs);
  const rest = await Promise.all(Array.from({ length: TABS - 1 }, () => context.newPage()));
  return [first, ...rest];
}

function report(label: string, result: CrawlResult, forms: { checked: number; accepted: string[] }) {
  const routes = new Set(result.pages.map(routeOf)).size;
  console.log(`# ${label}: ${result.pages.length} pages (${routes} routes) visited, ${result.checked.length} of them (one of each kind) checked with axe; ${forms.checked} forms submitted empty and checked again` +
    (forms.accepted.length ? ` (${forms.accepted.length} accepted it: ${forms.accepted.map(routeOf).join(', ')})` : '') +
    (result.leftOut ? `; bound of ${MAX_PAGES} reached, ${result.leftOut} more pages left out` : '') +
    (result.leftOutNewKinds ? `, ${result.leftOutNewKinds} of them of kinds not checked at all: raise the bound` : ''));
}

test('the checker itself reports a known violation', async () => {
  // Guards the quick path: if axe were missing from the page, every page would pass.
  const [page] = await tabs();
  await page!.goto('/accessibility');
  await page!.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<img src="/static/none.png">'));
  const found = await axeProblemsQuick(page!);
  assert.deepEqual(found.map((p) => p.id), ['image-alt']);
  await page!.context().close();
});

test('every page the public can reach passes axe, and so does each form submitted empty', { timeout: 480_000 }, async () => {
  const pages = await tabs();
  const result = await crawl(pages, 'public');
  const forms = await submitFormsEmpty(pages, result.forms, 'public');
  report('public', result, forms);
  assert.ok(result.pages.length >= 4, `the crawl should reach the home, organisations, sign-in and accessibility pages; it reached ${result.pages.join(', ')}`);
  assert.deepEqual(result.errors, []);
  assert.equal([...result.problems, ...forms.problems].length, 0, [...result.problems, ...forms.problems].join('\n'));
});

test('every page an officer can reach passes axe, and so does each form submitted empty', { timeout: 900_000 }, async () => {
  const pages = await tabs(demoUsers.officer);
  const result = await crawl(pages, 'officer');
  const forms = await submitFormsEmpty(pages, result.forms, 'officer');
  report('officer', result, forms);
  assert.ok(result.pages.some((p) => p === '/organisations/new'), 'an officer reaches the form to add an organisation');
  // Still signed in at the end: the crawl must not have signed itself out.
  await pages[0]!.goto('/');
  assert.match(await pages[0]!.locator('a[href="/account"]').first().innerText(), /Gwen Abernethy/, 'the header names who is signed in');
  assert.deepEqual(result.errors, []);
  assert.equal([...result.problems, ...forms.problems].length, 0, [...result.problems, ...forms.problems].join('\n'));
});
