// Route schemas are compiled on first use (src/web/lazySchemas.ts): every one must still
// build, validation must still refuse bad input, and answers must still be shaped by
// their response schemas.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../../test/support/app.ts';
import { buildApp } from '../app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('a query of the wrong type is refused and a good one answered, each compiled when first used', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const bad = await officer.json('GET', '/api/actions?mine=perhaps');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /mine/);
  const good = await officer.json('GET', '/api/actions?mine=false');
  assert.equal(good.statusCode, 200);
  const list = JSON.parse(good.body);
  assert.ok(Array.isArray(list.items ?? list), 'the list comes back as JSON');
});

test('every route schema of the app compiles', () => {
  // Hundreds of API routes each have a few schemas; none may fail when first used.
  const compiled = t.app.pendingSchemas.compilePending();
  assert.ok(compiled > 200, `compiled ${compiled} schemas`);
  assert.equal(t.app.pendingSchemas.compilePending(), 0, 'nothing left to compile');
});

test('each app keeps its own schemas still to compile, and a closed app lets go of them', async () => {
  const other = await buildApp({ db: t.database.db, config: t.app.config, logger: false });
  await other.ready();
  const waiting = other.pendingSchemas.pendingCount();
  assert.ok(waiting > 200, `the second app has its own ${waiting} schemas to compile`);
  // Compiling (or closing) one app leaves the other's as they are.
  t.app.pendingSchemas.compilePending();
  assert.equal(other.pendingSchemas.pendingCount(), waiting);
  await other.close();
  assert.equal(other.pendingSchemas.pendingCount(), 0, 'the closed app holds no schemas');
});
