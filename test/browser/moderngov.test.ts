// The ModernGov connector in Chromium, without JavaScript needed: an administrator adds a
// source (a wrong address first), chooses a committee and its body, starts a mirror, and
// reads the progress and the log; axe on each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserHarness, signIn, expectNoAxeViolations, demoUsers, type BrowserHarness } from './support.ts';
import { ModernGovTestServer } from '../../src/modules/moderngov/testing/server.ts';
import { runningSyncs } from '../../src/modules/moderngov/routes.ts';

let h: BrowserHarness;
let service: ModernGovTestServer;
before(async () => {
  h = await startBrowserHarness();
  h.app.config.outboundAllowPrivate = true; // its ModernGov-shaped server is on this machine
  service = await new ModernGovTestServer().start();
});
after(async () => {
  await service?.close();
  await h?.close();
});

test('an administrator connects a ModernGov site, maps a committee to a body, mirrors it and reads the log; each page passes axe', { timeout: 180_000 }, async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  await signIn(page, demoUsers.administrator);
  await page.goto('/admin/moderngov');
  await page.getByRole('heading', { name: 'ModernGov' }).waitFor();
  await expectNoAxeViolations(page, 'ModernGov sources');

  await page.getByLabel('Name').fill('Northshire County Council');
  await page.getByLabel('Address of the web service').fill(`${service.url}/council-website`);
  await page.getByRole('button', { name: 'Add the source' }).click();
  await page.getByRole('link', { name: /This address does not answer as a ModernGov web service/ }).waitFor();
  await expectNoAxeViolations(page, 'address refused');

  await page.getByLabel('Address of the web service').fill(service.serviceUrl);
  await page.getByRole('button', { name: 'Add the source' }).click();
  await page.getByText('Northshire County Council added: choose its committees').waitFor();
  await expectNoAxeViolations(page, 'source page');

  await page.getByLabel('Working Group (ModernGov committee 14)').selectOption({ label: 'Working Group' });
  await page.getByRole('button', { name: 'Save the committees' }).click();
  await page.getByText('Committees saved').waitFor();

  await page.locator('input[name="mode"][value="mirror"]').check().catch(async (e) => { throw new Error(`${e}\n${(await page.locator('main').innerText()).slice(0, 3000)}`); });
  await page.getByRole('group', { name: 'Meetings from' }).getByLabel('Day').fill('1');
  await page.getByRole('group', { name: 'Meetings from' }).getByLabel('Month').fill('1');
  await page.getByRole('group', { name: 'Meetings from' }).getByLabel('Year').fill('2025');
  await page.getByRole('group', { name: 'Meetings to' }).getByLabel('Day').fill('31');
  await page.getByRole('group', { name: 'Meetings to' }).getByLabel('Month').fill('12');
  await page.getByRole('group', { name: 'Meetings to' }).getByLabel('Year').fill('2025');
  await page.getByRole('button', { name: 'Start the sync' }).click();
  await page.getByRole('heading', { name: 'Mirror sync' }).waitFor();
  const runId = /\/admin\/moderngov\/runs\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await runningSyncs.get(runId);
  await page.reload();
  const text = await page.locator('main').innerText();
  assert.match(text, /Finished/, text);
  assert.match(text, /Meetings\s+1 of 1 read/);
  assert.match(text, /1 meetings created, 0 updated, 0 unchanged, 1 items, 0 documents/);
  assert.match(text, /Working Group, 2 April 2025: created, 1 items/);
  await expectNoAxeViolations(page, 'sync progress and log');
});
