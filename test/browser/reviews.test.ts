// A review coordinator's journey in Chromium, every page checked with axe (WCAG 2.2 AA):
// the list, a case with its timeline, recording a decision (with the error first), naming a
// panel member, adding a recommendation and completing it with evidence, the outstanding
// recommendations, the themes chart and table, the update paper, the annual summary; then
// the panel member reads that case, and the public reads the published review only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserHarness, signIn, expectNoAxeViolations, demoUsers, type BrowserHarness } from './support.ts';

let h: BrowserHarness;
before(async () => { h = await startBrowserHarness(); });
after(async () => { await h?.close(); });

test('a coordinator opens a case, records its stages, names its panel and tracks a recommendation to completion; every page passes axe', async () => {
  const page = await h.newPage();
  await signIn(page, demoUsers.officer);
  await page.getByRole('link', { name: 'Reviews', exact: true }).first().click();
  await page.waitForURL('**/reviews');
  await expectNoAxeViolations(page, 'reviews list');
  assert.ok(await page.getByRole('link', { name: /Ashgrove \d{4}/ }).isVisible());

  await page.getByRole('button', { name: 'Open a review case' }).click();
  await page.getByRole('button', { name: 'Open the case' }).click();
  await page.getByText('There is a problem').waitFor();
  await expectNoAxeViolations(page, 'new case, with errors');
  await page.getByLabel('Domestic abuse related death review').check();
  await page.getByLabel('Pseudonym').fill('Wren');
  await page.getByLabel('Year the case is known by').fill('2026');
  const notified = new Date(Date.now() - 50 * 86_400_000);
  const group = page.getByRole('group', { name: 'Date the partnership was notified' });
  await group.getByLabel('Day').fill(String(notified.getUTCDate()));
  await group.getByLabel('Month').fill(String(notified.getUTCMonth() + 1));
  await group.getByLabel('Year').fill(String(notified.getUTCFullYear()));
  await page.getByRole('button', { name: 'Open the case' }).click();
  await page.getByRole('heading', { name: 'Wren 2026' }).waitFor();
  assert.ok(await page.getByText('Overdue: Decision whether to hold a review').isVisible());
  await expectNoAxeViolations(page, 'case page');

  await page.getByRole('button', { name: 'Record a stage' }).click();
  await page.getByLabel('Stage').selectOption('decision');
  const today = new Date();
  const dateGroup = page.getByRole('group', { name: 'Date' });
  await dateGroup.getByLabel('Day').fill(String(today.getUTCDate()));
  await dateGroup.getByLabel('Month').fill(String(today.getUTCMonth() + 1));
  await dateGroup.getByLabel('Year').fill(String(today.getUTCFullYear()));
  await page.getByLabel('Do not hold a review').check();
  await page.getByRole('button', { name: 'Save stage' }).click();
  await page.getByText('Enter the reasons for the outcome "do not hold a review"').first().waitFor();
  await expectNoAxeViolations(page, 'stage form, with errors');
  await page.getByLabel('Hold a review', { exact: true }).check();
  await page.getByRole('button', { name: 'Save stage' }).click();
  await page.getByText('Stage recorded').waitFor();

  await page.getByRole('button', { name: 'Name someone on the case' }).click();
  await expectNoAxeViolations(page, 'name someone');
  await page.getByLabel('Agency representative').check();
  await page.getByLabel('Their account').selectOption({ label: 'Laura Kowalczyk (member)' });
  await page.getByRole('button', { name: 'Name them on the case' }).click();
  await page.getByText('Laura Kowalczyk named on the case').waitFor();

  await page.getByRole('button', { name: 'Add a recommendation' }).click();
  await expectNoAxeViolations(page, 'add a recommendation');
  await page.getByLabel('Recommendation', { exact: true }).fill('Ask about stalking at every repeat call');
  await page.getByLabel('Agency it is made to').fill('Northshire Police');
  await page.getByLabel('Theme (optional)').selectOption('stalking');
  await page.getByRole('button', { name: 'Add recommendation' }).click();
  await page.getByRole('link', { name: 'Ask about stalking at every repeat call' }).click();
  await page.getByLabel('Completed').check();
  await page.getByRole('button', { name: 'Save update' }).click();
  await page.getByText('Enter the evidence that the recommendation has been completed').first().waitFor();
  await expectNoAxeViolations(page, 'recommendation, with errors');
  await page.getByLabel('Evidence of completion').fill('Call-handling script changed on 1 March');
  await page.getByRole('button', { name: 'Save update' }).click();
  await page.getByText('Update saved').waitFor();
  assert.ok(await page.getByText('Status changed from open to completed.').isVisible());

  for (const [path, label] of [['/reviews/recommendations', 'outstanding recommendations'], ['/reviews/themes', 'themes'], ['/reviews/update-paper', 'update paper'], ['/reviews/annual-summary', 'annual summary']] as const) {
    await page.goto(path);
    await expectNoAxeViolations(page, label);
  }

  const panel = await h.newPage();
  await signIn(panel, demoUsers.panel);
  await panel.goto('/reviews');
  assert.ok(await panel.getByRole('link', { name: 'Wren 2026' }).isVisible());
  assert.equal(await panel.getByRole('link', { name: /Linden/ }).count(), 0, 'the panel member sees only the cases they sit on');

  const anyone = await h.newPage();
  await anyone.goto('/published-reviews');
  await expectNoAxeViolations(anyone, 'published reviews');
  assert.ok(await anyone.getByRole('link', { name: /Linden \d{4}/ }).isVisible());
  assert.equal(await anyone.getByText('Wren').count(), 0);
  await anyone.getByRole('link', { name: /Linden \d{4}/ }).click();
  await expectNoAxeViolations(anyone, 'a published review');
});
