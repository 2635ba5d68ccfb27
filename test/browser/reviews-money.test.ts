// The money of reviews and progress asked by e-mail, in Chromium: the clerk (coordinator
// of the demo's cases) is refused an agreement whose shares do not add up, reads the demo
// agreement and what partners owe, records an invoice on the current case, and asks the
// police's contact for progress (local SMTP). The contact opens the link in a browser of
// their own without JavaScript, is refused "completed" without evidence, sends the update,
// and the steering group's view shows it answered. Axe (WCAG 2.2 AA) checks every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, axeProblemsQuick, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { todayIso } from '../../src/modules/partnership/domain.ts';

let h: BrowserHarness;
let smtp: SmtpTestServer;
before(async () => {
  h = await startBrowserHarness();
  smtp = await startSmtpTestServer();
  h.app.config.smtpUrl = smtp.url;
});
after(async () => { await h?.close(); await smtp?.close(); });

const checked: string[] = [];
async function axe(page: Page, label: string) {
  const problems = await axeProblemsQuick(page);
  assert.equal(problems.length, 0, describeProblems(label, problems));
  checked.push(label);
}
const press = async (page: Page, name: string) => {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name }).click()]);
};

test('agreements, contributions and an invoice; progress asked by e-mail and answered through the link; every page passing axe', async (ctx) => {
  const today = todayIso();
  const page = await h.newPage();
  await signIn(page, demoUsers.officer);

  await page.goto('/reviews/funding-agreements');
  await axe(page, 'funding agreements');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Add a funding agreement' }).click()]);
  await page.getByRole('heading', { level: 1, name: 'Add a funding agreement for reviews' }).waitFor();
  await axe(page, 'new agreement form');
  await page.getByLabel('Name of the agreement').fill('Shares that fall short');
  const [y, m, d] = today.split('-');
  const starts = page.getByRole('group', { name: 'Starts on' });
  await starts.getByLabel('Day').fill(String(Number(d)));
  await starts.getByLabel('Month').fill(String(Number(m)));
  await starts.getByLabel('Year').fill(y!);
  await page.getByLabel('In the percentages typed below').check();
  await page.getByLabel('Northshire Police', { exact: true }).last().fill('60');
  await page.getByLabel('Northshire County Council', { exact: true }).last().fill('30');
  await press(page, 'Save the agreement');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /The partners' shares must add up to 100%; they add up to 90%/);
  await axe(page, 'new agreement form with an error');

  await page.goto('/reviews/funding-agreements');
  await page.getByRole('link', { name: 'Northshire review funding agreement' }).click();
  assert.match(await page.locator('main').innerText(), /pays 50% of the independent chair costs, up to £2,500\.00/);
  await axe(page, 'agreement with its worked example');

  await page.goto('/reviews/money');
  assert.match(await page.locator('main').innerText(), /What partners owe for reviews/);
  await axe(page, 'what partners owe');

  await page.goto('/reviews');
  await page.getByRole('link', { name: /^Ashgrove \d{4}$/ }).click();
  await page.getByRole('link', { name: 'Costs and contributions' }).click();
  await axe(page, 'case costs and contributions');
  // The fifth line of the current case is still raised: its invoice is recorded.
  const raised = page.locator('tr', { hasText: 'Raised' }).first();
  await raised.getByRole('link').first().click();
  await axe(page, 'one contribution');
  await press(page, 'Save');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the date.*Enter the invoice reference/s);
  await axe(page, 'one contribution with errors');
  const on = page.getByRole('group', { name: 'Date of the invoice' });
  await on.getByLabel('Day').fill(String(Number(d)));
  await on.getByLabel('Month').fill(String(Number(m)));
  await on.getByLabel('Year').fill(y!);
  await page.getByLabel('Invoice reference').fill('NCC-RV-5001');
  await press(page, 'Save');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /invoice recorded/);

  await page.goto('/reviews');
  await page.getByRole('link', { name: /^Ashgrove \d{4}$/ }).click();
  await page.getByRole('link', { name: 'Ask agencies for progress on recommendations' }).click();
  await axe(page, 'ask agencies for progress');
  await page.getByLabel('Agency').selectOption({ value: 'Northshire Police' });
  await page.getByLabel("Contact's name").fill('Dana Whitfield');
  await page.getByLabel("Contact's e-mail address").fill('dana.whitfield@police.example');
  await press(page, 'Send the request');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /Progress asked of Northshire Police/);
  const mail = (await smtp.waitFor(1))[0]!;
  assert.doesNotMatch(mail.headers.get('subject') ?? '', /Ashgrove/);
  const link = /(https?:\/\/\S+\/review-progress\/\S+)/.exec(mail.text)![1]!;

  // The contact: no account, no JavaScript.
  const contact = await h.newPage({ javaScriptEnabled: false });
  await contact.goto(new URL(link).pathname);
  await axe(contact, 'the contact’s progress page');
  const rec = contact.getByRole('group', { name: 'Status of recommendation 1' });
  await rec.getByLabel('Completed').check();
  await press(contact, 'Send the update');
  assert.match(await contact.locator('.govuk-error-summary').innerText(), /Recommendation 1: enter the evidence that the recommendation has been completed/);
  await axe(contact, 'the contact’s progress page with an error');
  await contact.getByLabel('Update on recommendation 1').fill('Every response officer briefed');
  await contact.getByLabel('Evidence of completion for recommendation 1').fill('Briefing log, signed off by the head of public protection');
  await press(contact, 'Send the update');
  assert.match(await contact.locator('main').innerText(), /Update sent/);
  await axe(contact, 'update sent');
  await contact.goto(new URL(link).pathname);
  assert.match(await contact.locator('main').innerText(), /already been used/);
  await axe(contact, 'a used link');

  await page.goto('/reviews/recommendations');
  assert.doesNotMatch(await page.locator('main').innerText(), /Ask about controlling behaviour/, 'completed: no longer outstanding');
  assert.match(await page.locator('main').innerText(), /Asked \d{4}-\d{2}-\d{2}, no answer yet/);
  await axe(page, 'outstanding recommendations with progress asked');
  ctx.diagnostic(`axe passed on ${checked.length} pages: ${checked.join('; ')}`);
});
