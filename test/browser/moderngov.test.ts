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

  const startMirror = async () => {
    await page.locator('input[name="mode"][value="mirror"]').check().catch(async (e) => { throw new Error(`${e}\n${(await page.locator('main').innerText()).slice(0, 3000)}`); });
    for (const [group, day, month] of [['Meetings from', '1', '1'], ['Meetings to', '31', '12']] as const) {
      await page.getByRole('group', { name: group }).getByLabel('Day').fill(day);
      await page.getByRole('group', { name: group }).getByLabel('Month').fill(month);
      await page.getByRole('group', { name: group }).getByLabel('Year').fill('2025');
    }
    await page.getByRole('button', { name: 'Start the sync' }).click();
    await page.getByRole('heading', { name: 'Mirror sync' }).waitFor();
    const runId = /\/admin\/moderngov\/runs\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    await runningSyncs.get(runId);
    return page.url();
  };
  const sourceUrl = page.url();
  await startMirror();
  await page.reload();
  const text = await page.locator('main').innerText();
  assert.match(text, /Finished/, text);
  assert.match(text, /Meetings\s+1 of 1 read/);
  assert.match(text, /1 meetings created, 0 updated, 0 unchanged, 1 items, 0 documents/);
  assert.match(text, /Working Group, 2 April 2025: created, 1 items/);
  await expectNoAxeViolations(page, 'sync progress and log');

  // The clerk renames the mirrored item here, and ModernGov renames it too: the next mirror
  // holds that meeting back rather than overwrite the clerk's change, and says so.
  await h.database.db.updateTable('agenda_items').set({ title: 'Renamed by the clerk' }).where('partnership_id', '=', h.partnershipId)
    .where('meeting_id', 'in', (eb) => eb.selectFrom('meetings').select('id').where('partnership_id', '=', h.partnershipId).where('meets_on', '=', '2025-04-02')).execute();
  service.meetings.find((m) => m.id === '3201')!.items[0]!.title = 'Grant proposals (renamed in ModernGov)';
  await page.goto(sourceUrl);
  await startMirror();
  await page.reload();
  await page.getByRole('heading', { name: 'Warnings' }).waitFor();
  const warned = await page.locator('main').innerText();
  assert.match(warned, /1 warning\. Check each/, warned);
  assert.match(warned, /1 held back \(changed here\)/, warned);
  await expectNoAxeViolations(page, 'sync with a warning of a hand change');
});
