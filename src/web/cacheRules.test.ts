// After signing out, Back must not show a page from the browser's cache: every answer to
// a signed-in person says no-store, on every route; public pages keep their caching.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../../test/support/app.ts';
import { appRoutes, fillRoute, sampleIds } from '../../test/support/routes.ts';

let t: TestApp;
let ids: Record<string, string>;
before(async () => {
  t = await createTestApp();
  ids = await sampleIds(t.database.db, t.partnershipId);
});
after(async () => { await t.close(); });

test('every answer to a signed-in person, on every route, is never stored', async () => {
  const routes = appRoutes(t.app).filter((r) => r.methods.includes('GET'));
  assert.ok(routes.length > 80, `only ${routes.length} routes`);
  const stored: string[] = [];
  let ok = 0;
  for (const who of [demoUsers.administrator, demoUsers.officer, demoUsers.member]) {
    const client = await new Client(t.app).signIn(who);
    for (const { path } of routes) {
      const url = fillRoute(path, ids);
      const res = await client.get(url);
      if (res.statusCode === 200) ok++;
      if (!String(res.headers['cache-control'] ?? '').includes('no-store')) stored.push(`${who} ${url}: ${res.statusCode} ${res.headers['cache-control'] ?? '(none)'}`);
    }
  }
  assert.deepEqual(stored, []);
  assert.ok(ok > routes.length, `only ${ok} pages answered 200: the walk did not reach the pages`);
});

test('signing in and signing out are not stored; public pages and feeds keep their caching', async () => {
  const c = new Client(t.app);
  await c.get('/sign-in');
  const signIn = await c.post('/sign-in', { email: demoUsers.officer, password: 'northshire-demo-2026' });
  assert.equal(signIn.statusCode, 303);
  assert.match(String(signIn.headers['cache-control']), /no-store/);
  const restricted = await c.get('/actions');
  assert.equal(restricted.statusCode, 200);
  assert.match(String(restricted.headers['cache-control']), /no-store/);
  await c.get('/sign-out');
  const signOut = await c.post('/sign-out', {});
  assert.equal(signOut.statusCode, 303);
  assert.match(String(signOut.headers['cache-control']), /no-store/);
  // Back, after signing out: the server is asked again and no longer shows the page.
  const back = await c.get('/account');
  assert.equal(back.statusCode, 302);
  assert.equal(back.headers.location, '/sign-in?next=%2Faccount');

  const feed = await c.get('/feeds/published.atom');
  assert.equal(feed.headers['cache-control'], 'public, max-age=300');
  for (const url of ['/public', '/decisions', '/calendar']) {
    const res = await c.get(url);
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(String(res.headers['cache-control'] ?? ''), /no-store/, url);
  }
});
