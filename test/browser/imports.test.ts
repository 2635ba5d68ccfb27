// The import journey in a real Chromium without JavaScript, as a clerk makes it: upload
// minutes, watch the job finish (the page refreshes itself), check the draft beside its
// source text, meet the error summary, correct, accept. Axe (WCAG 2.2 AA) on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, expectNoAxeViolations, demoUsers, type BrowserHarness } from './support.ts';
import { workingGroupMinutes } from '../../src/modules/documents/testing/imports.ts';

let h: BrowserHarness;
before(async () => { h = await startBrowserHarness(); });
after(async () => { await h?.close(); });

async function go(page: Page, action: () => Promise<unknown>) {
  await Promise.all([page.waitForEvent('load'), action()]);
  await expectNoAxeViolations(page);
}

test('without JavaScript an officer imports minutes, corrects the draft and accepts it into the meetings module', { timeout: 180_000 }, async () => {
  const page = await h.newPage({ javaScriptEnabled: false });
  await signIn(page, demoUsers.officer);
  await go(page, () => page.getByRole('link', { name: 'Imports', exact: true }).first().click());
  await go(page, () => page.getByRole('button', { name: 'Import documents' }).click());

  // Nothing chosen: the error summary leads to the file field.
  await go(page, () => page.getByRole('button', { name: 'Upload and read' }).click());
  assert.match(await page.getByRole('alert').innerText(), /Select one or more documents, or a \.zip of an archive/);

  await page.getByLabel('Documents or a .zip of an archive').setInputFiles({ name: 'working-group-2025-03-12.txt', mimeType: 'text/plain', buffer: Buffer.from(workingGroupMinutes) });
  await go(page, () => page.getByRole('button', { name: 'Upload and read' }).click());
  assert.match(page.url(), /\/imports\/jobs\//);
  // Without JavaScript the clerk refreshes the progress page until the file is read.
  for (let i = 0; i < 60 && !(await page.locator('main').innerText()).includes('Finished: 1 of 1 files'); i++) {
    await page.waitForTimeout(500);
    await go(page, () => page.getByRole('button', { name: 'Refresh progress' }).click());
  }
  assert.match(await page.locator('main').innerText(), /Finished: 1 of 1 files/);
  await expectNoAxeViolations(page);

  await go(page, () => page.getByRole('link', { name: /Check the draft/ }).click());
  assert.match(await page.getByRole('region', { name: 'Source text' }).innerText(), /Minutes of the meeting of the Working Group held in Committee Room 3/);
  assert.equal(await page.getByLabel('Body').inputValue() !== '', true, 'the body is recognised');

  // Accepting with an action that has no due date: the summary says what to do.
  await go(page, () => page.getByRole('button', { name: 'Accept and create the meeting' }).click());
  const summary = await page.getByRole('alert').innerText();
  assert.match(summary, /Mr Pendleford|action 1: enter the date it is due, or untick it/);

  const action = page.getByRole('group', { name: 'Action 1' }).first();
  await action.getByLabel('Day').fill('4');
  await action.getByLabel('Month').fill('4');
  await action.getByLabel('Year').fill('2025');
  await page.getByLabel('Add Mr O Pendleford as a new person').check();
  await go(page, () => page.getByRole('button', { name: 'Accept and create the meeting' }).click());
  assert.match(await page.locator('.govuk-notification-banner--success').innerText(), /Import accepted: 1 meeting created, and 1 new person/);
  assert.match(await page.locator('main').innerText(), /Night-time economy patrols/);
});

test('with JavaScript the progress page brings itself up to date in place, without reloading', { timeout: 120_000 }, async () => {
  const page = await h.newPage();
  await signIn(page, demoUsers.officer);
  await page.goto('/imports/new');
  const text = workingGroupMinutes.replace(/12 March 2025/g, '14 May 2025').replace('twelve', 'seventeen');
  await page.getByLabel('Documents or a .zip of an archive').setInputFiles([
    { name: 'wg-may.txt', mimeType: 'text/plain', buffer: Buffer.from(text) },
    { name: 'not-a-document.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256)) },
  ]);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Upload and read' }).click()]);
  let loads = 0;
  page.on('load', () => loads++);
  await page.getByText('Finished: 2 of 2 files').waitFor({ timeout: 90_000 });
  assert.equal(loads, 0, 'the page was not reloaded');
  assert.match(await page.locator('#job-files').innerText(), /not-a-document\.bin\s+Failed\s+not-a-document\.bin: /);
  await expectNoAxeViolations(page);
});
