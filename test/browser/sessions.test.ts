// The information sessions in Chromium, axe (WCAG 2.2 AA) on each page: a member of the
// public finds a public session on the events page, makes a mistake, registers and reads
// the confirmation e-mailed to them (at a local SMTP server), then opens its cancel link;
// an officer takes the register on a phone-sized screen (no sideways scrolling, GOV.UK
// checkboxes, no JavaScript needed) and sees the count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, axeProblemsQuick, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';

let h: BrowserHarness;
let smtp: SmtpTestServer;
before(async () => {
  h = await startBrowserHarness();
  smtp = await startSmtpTestServer();
  h.app.config.smtpUrl = smtp.url;
});
after(async () => {
  await h?.close();
  await smtp?.close();
});

async function axe(page: Page, label: string) {
  const problems = await axeProblemsQuick(page);
  assert.equal(problems.length, 0, describeProblems(label, problems));
}
const press = async (page: Page, name: string) => {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name }).click()]);
};

test('the public registers for a session and can cancel; the officer takes the register on a phone', async () => {
  const page = await h.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto('/events');
  await axe(page, 'events');
  await page.getByRole('link', { name: 'Fraud against older people: spotting it and stopping it' }).click();
  await page.getByRole('heading', { level: 1, name: 'Fraud against older people: spotting it and stopping it' }).waitFor();
  assert.ok(!(await page.content()).includes('northshire-fraud'), 'no joining link on the page');
  await axe(page, 'a session');
  await page.getByLabel('E-mail address').fill('not an address');
  await press(page, 'Register');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter your name[\s\S]*Enter an e-mail address in the correct format/);
  await axe(page, 'a session with errors');
  await page.getByLabel('Name').fill('Solveig Amadi');
  await page.getByLabel('E-mail address').fill('solveig.amadi@example.org');
  await page.getByLabel('Organisation (optional)').fill('Ashby Vale Youth Club');
  const before = smtp.messages.length;
  await press(page, 'Register');
  await page.getByRole('heading', { level: 1, name: 'You have a place' }).waitFor();
  await axe(page, 'registered');
  const [mail] = (await smtp.waitFor(before + 1)).slice(before);
  assert.match(mail!.text, /Join online: https:\/\/meet\.example\.org\/j\/northshire-fraud/);
  await page.goto(/\/events\/cancel\/\S+/.exec(mail!.text)![0]);
  await axe(page, 'cancel');

  const officer = await h.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(officer, demoUsers.officer);
  await officer.goto('/engagement/sessions');
  await axe(officer, 'sessions');
  await officer.getByRole('link', { name: 'Fraud against older people: spotting it and stopping it' }).click();
  await axe(officer, 'session');
  await officer.getByRole('button', { name: 'Take the register' }).click();
  await officer.getByRole('heading', { level: 1, name: /^Register: / }).waitFor();
  await axe(officer, 'register');
  const fits = await officer.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(fits, 'the register fits a phone-sized screen without sideways scrolling');
  await officer.getByLabel('Solveig Amadi').check();
  await press(officer, 'Save the register');
  assert.match(await officer.locator('.govuk-notification-banner').innerText(), /Register saved: 1 of 3 attended/);
  await officer.goto('/engagement/sessions/report');
  await axe(officer, 'report');
  await officer.goto('/engagement/sessions/new');
  await axe(officer, 'new session');
});
