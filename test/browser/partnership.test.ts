// Journeys through the partnership's records in a real Chromium, as a clerk would make
// them, with axe (WCAG 2.2 AA) run on every page on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, expectNoAxeViolations, demoUsers, type BrowserHarness } from './support.ts';
import { todayIso } from '../../src/modules/partnership/domain.ts';

let h: BrowserHarness;
before(async () => { h = await startBrowserHarness(); });
after(async () => { await h?.close(); });

/** Follows a link or button that loads a new page, then checks that page with axe. */
async function go(page: Page, action: () => Promise<unknown>) {
  await Promise.all([page.waitForEvent('load'), action()]);
  await expectNoAxeViolations(page);
}

/** Fills a GOV.UK date input, found by its legend. */
async function fillDate(page: Page, legend: string, iso: string) {
  const [year, month, day] = iso.split('-');
  const group = page.getByRole('group', { name: legend, exact: true });
  await group.getByLabel('Day').fill(String(Number(day)));
  await group.getByLabel('Month').fill(String(Number(month)));
  await group.getByLabel('Year').fill(year!);
}

test('an officer adds a person, makes them a member of a body, records their election as chair and sees the body change', { timeout: 120_000 }, async () => {
  const page = await h.newPage();
  const today = todayIso();

  await page.goto('/sign-in');
  await expectNoAxeViolations(page);
  await signIn(page, demoUsers.officer);
  await expectNoAxeViolations(page);

  // A new person.
  await go(page, () => page.getByRole('link', { name: 'People', exact: true }).first().click());
  await go(page, () => page.getByRole('button', { name: 'Add a person' }).click());
  await page.getByLabel('Title (optional)', { exact: true }).fill('Ms');
  await page.getByLabel('Given name (optional)', { exact: true }).fill('Olwen');
  await page.getByLabel('Family name', { exact: true }).fill('Trevithick');
  await page.getByLabel('Job title (optional)').fill('Neighbourhood Inspector');
  await page.getByLabel('Organisation (optional)').selectOption({ label: 'Northshire Police' });
  await page.getByLabel('Email address (optional)').fill('olwen.trevithick@northshire.example');
  await go(page, () => page.getByRole('button', { name: 'Save' }).click());
  await assertSuccess(page, 'Ms Olwen Trevithick added');
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Ms Olwen Trevithick');
  assert.match(await page.locator('main').innerText(), /has no memberships/);

  // Her membership of the Working Group.
  await go(page, () => page.getByRole('link', { name: 'Bodies', exact: true }).first().click());
  await go(page, () => page.getByRole('link', { name: 'Working Group', exact: true }).click());
  const bodyUrl = page.url();
  const chairBefore = await page.getByRole('table', { name: 'Chair', exact: true }).innerText();
  assert.match(chairBefore, /Tomas Lindqvist/, 'the demo Working Group is chaired by Tomas Lindqvist');
  await go(page, () => page.getByRole('button', { name: 'Add a member' }).click());
  await page.getByLabel('Person', { exact: true }).selectOption({ label: 'Trevithick, Ms Olwen (Northshire Police)' });
  await page.getByRole('group', { name: 'Role', exact: true }).getByLabel('Member', { exact: true }).check();
  await fillDate(page, 'From', today);
  await go(page, () => page.getByRole('button', { name: 'Save' }).click());
  await assertSuccess(page, 'Ms Olwen Trevithick added as member');
  assert.equal(page.url(), bodyUrl);
  assert.match(await page.getByRole('table', { name: 'Members', exact: true }).innerText(), /Ms Olwen Trevithick\s+Northshire Police/);

  // Her election as chair, moved and seconded from the floor.
  await go(page, () => page.getByRole('button', { name: 'Record an election' }).click());
  await page.getByRole('group', { name: 'Election of', exact: true }).getByLabel('Chair', { exact: true }).check();
  await page.getByLabel('Nominee', { exact: true }).selectOption({ label: 'Trevithick, Ms Olwen (Northshire Police)' });
  await page.getByLabel('Moved by (optional)').selectOption({ label: 'Stroud, Ms Eleanor (Ashby Vale District Council)' });
  await page.getByLabel('Seconded by (optional)').selectOption({ label: 'Adeyemi, Mr Joseph (Brackenford Borough Council)' });
  await fillDate(page, 'Date of the election', today);
  assert.ok(await page.getByRole('group', { name: 'Result', exact: true }).getByLabel('Elected', { exact: true }).isChecked(), 'Elected is the usual result and comes chosen');
  await go(page, () => page.getByRole('button', { name: 'Record election' }).click());
  await assertSuccess(page, 'Ms Olwen Trevithick elected chair');

  // The body page shows the change: she chairs it, the previous chair has stood down.
  assert.equal(page.url(), bodyUrl);
  const chair = await page.getByRole('table', { name: 'Chair', exact: true }).innerText();
  assert.match(chair, /Ms Olwen Trevithick/);
  assert.doesNotMatch(chair, /Tomas Lindqvist/);
  const past = await page.getByRole('table', { name: 'Past members, latest first' }).innerText();
  assert.match(past, /Tomas Lindqvist\s+Chair/);
  const elections = await page.getByRole('table', { name: 'Elections of chair and vice-chair, latest first' }).innerText();
  assert.match(elections.split('\n').slice(1).join('\n'), /^.*Chair\s+Ms Olwen Trevithick\s+Ms Eleanor Stroud\s+Mr Joseph Adeyemi\s+Elected/m);

  // And her own page lists both memberships.
  await go(page, () => page.getByRole('table', { name: 'Chair', exact: true }).getByRole('link', { name: 'Ms Olwen Trevithick', exact: true }).click());
  const current = await page.getByRole('table', { name: 'Current', exact: true }).innerText();
  assert.match(current, /Working Group\s+Chair/);
  assert.match(current, /Working Group\s+Member/);
});

test('without JavaScript an officer still signs in, meets the error summary and adds an organisation', { timeout: 120_000 }, async () => {
  const page = await h.newPage({ javaScriptEnabled: false });
  await signIn(page, demoUsers.officer);
  await page.goto('/organisations/new');
  // GOV.UK Frontend marks the body when its script has run; it must not have.
  assert.equal(await page.locator('body.govuk-frontend-supported').count(), 0);
  await expectNoAxeViolations(page);

  await go(page, () => page.getByRole('button', { name: 'Save' }).click());
  const summary = page.getByRole('alert');
  assert.match(await summary.innerText(), /There is a problem[\s\S]*Enter the name of the organisation[\s\S]*Select the kind of organisation/);
  // The summary's links lead to the fields, as plain fragment links.
  assert.equal(await summary.getByRole('link', { name: 'Enter the name of the organisation' }).getAttribute('href'), '#name');

  await page.getByLabel('Name', { exact: true }).fill('Corran Heath Community Mediation');
  await page.getByLabel('Short name (optional)').fill('CHCM');
  await page.getByLabel('Kind of organisation').selectOption({ label: 'Voluntary and community sector' });
  await page.getByRole('group', { name: 'Is it a statutory partner?' }).getByLabel('No', { exact: true }).check();
  await go(page, () => page.getByRole('button', { name: 'Save' }).click());
  await assertSuccess(page, 'Corran Heath Community Mediation added');
  assert.match(await page.locator('.govuk-summary-list').innerText(), /Short name\s+CHCM[\s\S]*Statutory partner\s+No/);

  await go(page, () => page.getByRole('link', { name: 'Organisations', exact: true }).first().click());
  assert.ok(await page.getByRole('link', { name: 'Corran Heath Community Mediation' }).isVisible());
});

/** The green banner a successful change shows. */
async function assertSuccess(page: Page, message: string) {
  const banner = page.locator('.govuk-notification-banner--success');
  assert.equal(await banner.count(), 1, `expected the success banner "${message}" on ${page.url()}`);
  assert.match(await banner.innerText(), new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
}
