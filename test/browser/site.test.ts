// The partnership's own face in Chromium: an administrator sets its colour and logo and
// edits its accessibility statement (axe on each page), the header shows them; and the
// cookies page names every cookie the browser was given on a journey.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserHarness, signIn, expectNoAxeViolations, demoUsers, type BrowserHarness } from './support.ts';

let h: BrowserHarness;
before(async () => { h = await startBrowserHarness(); });
after(async () => { await h?.close(); });

const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 30"><script>alert(1)</script><rect width="120" height="30" fill="#5a2d82"/><text x="6" y="21" font-size="16" fill="#ffffff">Northshire</text></svg>';

test('an administrator brands the partnership: colour, logo and accessibility statement, each page passing axe', { timeout: 180_000 }, async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, demoUsers.administrator);
  await page.goto('/admin/users');
  await page.getByRole('link', { name: 'brand and public pages' }).click();
  await page.getByRole('heading', { name: 'Brand and public pages' }).waitFor();
  await expectNoAxeViolations(page, 'brand and public pages');

  await page.getByLabel('Brand colour').fill('#ffdd00');
  await page.getByRole('button', { name: 'Save colour and footer' }).click();
  await page.getByText('The brand colour is too light for white text on it').first().waitFor();
  await expectNoAxeViolations(page, 'brand colour refused');
  await page.getByLabel('Brand colour').fill('#5a2d82');
  await page.getByRole('button', { name: 'Save colour and footer' }).click();
  await page.getByText('Brand saved').waitFor();
  const header = await page.locator('.govuk-generic-header').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(header, 'rgb(90, 45, 130)', 'the header wears the new colour');

  await page.getByLabel('Text alternative').fill('Northshire CSP');
  await page.getByLabel('Logo file').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(LOGO) });
  await page.getByRole('button', { name: 'Upload logo' }).click();
  await page.getByText('Logo saved').waitFor();
  const logo = page.locator('header img.app-header__logo');
  assert.equal(await logo.getAttribute('alt'), 'Northshire CSP');
  assert.ok(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the logo loads');
  const served = await (await page.request.get((await logo.getAttribute('src'))!)).text();
  assert.doesNotMatch(served, /<script/);

  await page.getByRole('link', { name: 'Edit the accessibility statement' }).click();
  await expectNoAxeViolations(page, 'edit the accessibility statement');
  await page.getByLabel('Partially compliant with WCAG 2.2 AA').check();
  await page.getByLabel('Content that is not accessible, and why').fill('Older scanned papers have no text layer.');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: /^Accessibility statement for/ }).waitFor();
  const statement = await page.locator('main').innerText();
  assert.match(statement, /partially compliant/);
  assert.match(statement, /Older scanned papers have no text layer/);
  await expectNoAxeViolations(page, 'accessibility statement');

  const officer = await h.newPage();
  await signIn(officer, demoUsers.officer);
  await officer.goto('/search');
  await officer.getByRole('link', { name: 'Synonyms searches use' }).click();
  await expectNoAxeViolations(officer, 'search synonyms');
});

test('the cookies page names every cookie the browser was given while signing in, sending a form and reading a confirmation', { timeout: 120_000 }, async () => {
  const context = await h.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await signIn(page, demoUsers.officer);
  await page.goto('/account/notices');
  await page.getByRole('button', { name: /Save/ }).first().click();
  await page.waitForLoadState('load');
  const names = new Set((await context.cookies()).map((c) => c.name));
  // The one-minute confirmation cookie is gone once shown; it was set on the redirect.
  const seen = new Set(names);
  page.on('response', async (res) => {
    for (const h of (await res.headersArray()).filter((x) => x.name.toLowerCase() === 'set-cookie')) seen.add(h.value.split('=')[0]!.trim());
  });
  await page.getByRole('button', { name: /Save/ }).first().click();
  await page.waitForLoadState('load');
  assert.ok(seen.has('ph_session') && seen.has('ph_csrf'), `cookies seen: ${[...seen].join(', ')}`);
  await page.goto('/cookies');
  const listed = await page.locator('main').innerText();
  for (const name of seen) assert.ok(listed.includes(name), `${name} is on the cookies page`);
  await expectNoAxeViolations(page, 'cookies');
});
