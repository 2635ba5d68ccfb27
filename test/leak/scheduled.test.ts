// Never-leak walk for the server's daily work: what each day's run did (its summary names
// projects) is the clerk's team's. Every GET route of the module is walked as the public
// and a member without grants, who must never see the marker an officer sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { assertNoLeaks, moduleAddresses } from '../support/leak.ts';

let t: TestApp;
const MARKER = 'Quillfeather-Ombersley progress return request';

before(async () => {
  t = await createTestApp();
  await t.database.db.insertInto('daily_runs').values({
    partnership_id: t.partnershipId, task: 'funding-returns', run_on: new Date().toISOString().slice(0, 10), claimed_by: 'walk',
    finished_at: new Date(), summary: `1 ${MARKER} sent (no contact e-mail for Quillfeather-Ombersley)`,
  }).execute();
});
after(async () => { await t?.close(); });

test('the daily runs reach officers and administrators only', async (ctx) => {
  const { urls, routes } = await moduleAddresses(t.app, ['/admin/daily-work', '/api/daily-runs'], () => []);
  for (const r of ['/admin/daily-work', '/api/daily-runs']) assert.ok(routes.includes(r), `the walk reaches ${r}`);
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const summary = await assertNoLeaks(officer, urls, [MARKER], [
    { name: 'the public', client: new Client(t.app), markers: [MARKER] },
    { name: 'a member without grants', client: await new Client(t.app).signIn(demoUsers.member), markers: [MARKER] },
  ]);
  ctx.diagnostic(summary);
});
