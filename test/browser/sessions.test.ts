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

test('the officer cancels someone\'s registration for them, then calls the whole session off; the public page says why', async () => {
  const officer = await h.newPage();
  await signIn(officer, demoUsers.officer);
  await officer.goto('/engagement/sessions');
  await officer.getByRole('link', { name: 'Stalking: recognising it and what to do' }).click();
  await officer.getByRole('heading', { level: 1, name: 'Stalking: recognising it and what to do' }).waitFor();
  const sessionUrl = officer.url();
  await Promise.all([officer.waitForLoadState('load'), officer.getByRole('link', { name: /^Cancel the registration of / }).first().click()]);
  await officer.getByRole('heading', { level: 1, name: /^Cancel .*'s registration$/ }).waitFor();
  await axe(officer, 'cancel a registration');
  await press(officer, 'Cancel the registration');
  assert.match(await officer.locator('.govuk-error-summary').innerText(), /Enter why the registration is cancelled/);
  await axe(officer, 'cancel a registration, with errors');
  await officer.getByLabel('Why?').fill('Rang the office: on a course that day');
  await officer.getByLabel('No, they already know').check();
  await press(officer, 'Cancel the registration');
  assert.match(await officer.locator('.govuk-notification-banner').innerText(), /registration cancelled/);

  await Promise.all([officer.waitForLoadState('load'), officer.getByRole('link', { name: 'Cancel the whole session' }).click()]);
  await axe(officer, 'cancel the session');
  await press(officer, 'Cancel the session and tell everyone');
  await axe(officer, 'cancel the session, with errors');
  await officer.getByLabel('Why is it cancelled?').fill('The trainer is unwell; we will set a new date in the spring');
  const before = smtp.messages.length;
  await press(officer, 'Cancel the session and tell everyone');
  assert.match(await officer.locator('.govuk-notification-banner').innerText(), /Session cancelled; 2 people e-mailed/);
  assert.equal(officer.url(), sessionUrl);
  await axe(officer, 'a cancelled session');
  assert.equal((await smtp.waitFor(before + 2)).slice(before).filter((m) => /^Cancelled: Stalking/.test(m.headers.get('subject') ?? '')).length, 2);

  await officer.goto(sessionUrl.replace('/engagement/sessions/', '/events/'));
  assert.match(await officer.locator('main').innerText(), /This session has been cancelled: The trainer is unwell/);
  assert.equal(await officer.getByRole('button', { name: 'Register' }).count(), 0);
  await axe(officer, 'the public page of a cancelled session');
});
