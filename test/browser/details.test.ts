// Details seen on a walk through the app, checked in Chromium: nothing wider than a
// 390-pixel phone on the lists of actions, people and meetings; the navigation on one
// line at 1280 pixels; the import draft's inputs usable; and axe on the home page (officer
// and member) and the confirmation pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, expectNoAxeViolations, demoUsers, type BrowserHarness } from './support.ts';

let h: BrowserHarness;
before(async () => { h = await startBrowserHarness(); });
after(async () => { await h?.close(); });

/** How far the page is wider than the window: 0 when nothing makes it scroll sideways. */
const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('at 390 pixels wide the actions, people and calendar pages do not scroll sideways', async () => {
  const page = await h.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(page, demoUsers.officer);
  for (const path of ['/actions', '/people', '/calendar', '/meetings']) {
    await page.goto(path);
    assert.equal(await sidewaysOverflow(page), 0, `${path} is wider than the phone`);
  }
  // A table too wide for the phone scrolls inside its own labelled region, reachable by keyboard.
  await page.goto('/actions');
  const region = page.locator('.app-table-scroll').first();
  assert.equal(await region.getAttribute('role'), 'region');
  assert.equal(await region.getAttribute('tabindex'), '0');
  assert.ok(await region.getAttribute('aria-label'), 'the region has a name');
  await expectNoAxeViolations(page, '/actions at 390 pixels');
});

test('at 1280 pixels the navigation is one line', async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, demoUsers.administrator);
  await page.goto('/');
  const tops = await page.locator('.govuk-service-navigation__item').evaluateAll((items) => items.map((i) => Math.round(i.getBoundingClientRect().top)));
  assert.ok(tops.length >= 8, `the navigation has its items (${tops.length})`);
  assert.equal(new Set(tops).size, 1, `every item on one line: tops ${tops.join(', ')}`);
});

test('the home page passes axe for an officer and for a member', async () => {
  for (const who of [demoUsers.officer, demoUsers.member]) {
    const page = await h.newPage();
    await signIn(page, who);
    await page.goto('/');
    const text = await page.locator('main').innerText();
    assert.match(text, who === demoUsers.officer ? /To do/ : /Your meetings and actions/);
    await expectNoAxeViolations(page, `home page for ${who}`);
  }
});

test('the confirmation pages pass axe, and going back changes nothing', async () => {
  const page = await h.newPage();
  await signIn(page, demoUsers.administrator);
  const db = h.database.db;
  const user = await db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
  await page.goto(`/admin/users/${user.id}`);
  await page.getByRole('button', { name: /^Disable / }).click();
  await page.getByRole('heading', { name: /Are you sure you want to disable/ }).waitFor();
  await expectNoAxeViolations(page, 'confirmation: disable a user');
  await page.getByRole('link', { name: 'No, go back' }).click();
  await page.waitForURL(`**/admin/users/${user.id}`);

  // A line of the attendance of a meeting that has one.
  const line = await db.selectFrom('meeting_attendance').select(['id', 'meeting_id']).executeTakeFirst();
  if (line) {
    await page.goto(`/meetings/${line.meeting_id}/attendance/${line.id}/remove`);
    await page.getByRole('heading', { name: /from the attendance\?/ }).waitFor();
    await expectNoAxeViolations(page, 'confirmation: remove attendance');
  }
  const item = await db.selectFrom('agenda_items').select(['id', 'meeting_id']).executeTakeFirstOrThrow();
  await page.goto(`/meetings/${item.meeting_id}/items/${item.id}/remove`);
  await page.getByRole('heading', { name: /Are you sure you want to remove/ }).waitFor();
  await expectNoAxeViolations(page, 'confirmation: remove an agenda item');
  const row = await db.selectFrom('partnership_users').select('disabled_at').where('user_id', '=', user.id).executeTakeFirstOrThrow();
  assert.equal(row.disabled_at, null, 'the user was not disabled by looking');
});

test('the import draft page has real breadcrumbs and inputs wide enough to type in at 1280 pixels', async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, demoUsers.officer);
  await page.goto('/imports/new');
  await page.locator('input[type=file]').setInputFiles({
    name: 'working-group-minutes.txt', mimeType: 'text/plain',
    buffer: Buffer.from('NORTHSHIRE COMMUNITY SAFETY PARTNERSHIP\nWORKING GROUP\nMinutes of the meeting held on Wednesday 12 March 2025 at 9.30am in Committee Room 3.\n\nPresent: Ms P Ramaswamy (Chair), Mr D Osei, Ms L Kowalczyk\n\n1. Apologies\nNone were received.\n\n2. Shop theft\nThe group discussed shop theft.\nRESOLVED to note the update.\n'),
  });
  await page.getByRole('button', { name: /Upload|Import|Read/ }).first().click();
  await page.waitForURL(/\/imports\/(jobs\/)?[0-9a-f-]{36}$/);
  if (/\/imports\/jobs\//.test(page.url())) {
    // The job page: wait for the reading, then open the draft.
    const link = page.getByRole('link', { name: /working-group-minutes\.txt|Check the draft|draft/i }).first();
    await link.waitFor({ timeout: 60_000 });
    await link.click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
  }
  const crumbs = await page.locator('.govuk-breadcrumbs__list-item').allInnerTexts();
  assert.ok(crumbs.length >= 1 && crumbs.length <= 3, `a few breadcrumbs, not ${crumbs.length}`);
  assert.ok(crumbs.every((c) => c.trim().length > 0), `no empty breadcrumbs: ${JSON.stringify(crumbs)}`);
  const widths = await page.locator('form input.govuk-input:not(.govuk-date-input__input):not([class*="width-"])').evaluateAll((inputs) => inputs.map((i) => i.getBoundingClientRect().width));
  assert.ok(widths.length > 0, 'the draft has inputs');
  assert.ok(Math.min(...widths) >= 150, `inputs at least 150 pixels wide, narrowest ${Math.min(...widths)}`);
  await expectNoAxeViolations(page, 'import draft');
});
