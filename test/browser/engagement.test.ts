// The engagement journeys in Chromium, axe (WCAG 2.2 AA) on every page: a member of the
// public finds the sign-up page from the public pages, makes a mistake, signs up, and
// confirms with the link e-mailed to them (read at a local SMTP server); an officer finds
// the module from the home page, sees the new subscriber's consent and imports a list,
// fixing a wrong row after the preview names it; the person unsubscribes with one press.
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

const checked: string[] = [];
async function axe(page: Page, label: string) {
  const problems = await axeProblemsQuick(page);
  assert.equal(problems.length, 0, describeProblems(label, problems));
  checked.push(label);
}
const press = async (page: Page, name: string) => {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name }).click()]);
};

test('the public signs up and confirms by the e-mailed link; an officer reads the consent and imports a list', async () => {
  const page = await h.newPage();
  await page.goto('/public');
  await page.getByRole('link', { name: 'Sign up for the bulletin' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign up for the bulletin' }).waitFor();
  await axe(page, 'sign-up');

  await page.getByLabel('E-mail address').fill('not an address');
  await press(page, 'Sign up');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter an e-mail address in the correct format/);
  await axe(page, 'sign-up with errors');

  const before = smtp.messages.length;
  await page.getByLabel('E-mail address').fill('marguerite.okonkwo@example.org');
  await page.getByLabel('Name (optional)').fill('Marguerite Okonkwo');
  await page.getByLabel('Monthly bulletin').check();
  await page.getByLabel('I agree').check();
  await press(page, 'Sign up');
  await page.getByRole('heading', { level: 1, name: 'Check your e-mail' }).waitFor();
  await axe(page, 'check your e-mail');

  const [mail] = (await smtp.waitFor(before + 1)).slice(before);
  const link = /\/bulletins\/confirm\/\S+/.exec(mail!.text)![0];
  await page.goto(link);
  await axe(page, 'confirm');
  await press(page, 'Confirm');
  await page.getByRole('heading', { level: 1, name: 'You are signed up' }).waitFor();
  await axe(page, 'signed up');

  const officer = await h.newPage();
  await signIn(officer, demoUsers.officer);
  await officer.goto('/');
  await officer.getByRole('link', { name: 'Bulletin and information sessions' }).first().click();
  await officer.getByRole('heading', { level: 1, name: 'Bulletin and information sessions' }).waitFor();
  await axe(officer, '/engagement');
  await officer.getByRole('link', { name: 'Subscribers', exact: true }).click();
  await axe(officer, 'subscribers');
  await officer.getByRole('link', { name: 'marguerite.okonkwo@example.org' }).click();
  const consent = await officer.locator('main').innerText();
  assert.match(consent, /Signed up on the website and confirmed by e-mail/);
  assert.match(consent, /I agree to receive the Northshire Community Safety Partnership bulletin/);
  await axe(officer, 'subscriber');

  await officer.goto('/engagement/subscribers');
  await officer.getByRole('link', { name: 'Import people to Monthly bulletin' }).click();
  await axe(officer, 'import');
  await officer.getByLabel('The list, as CSV').fill('email,name,organisation\nsolveig.amadi@example.org,Solveig Amadi,Ashby Vale Youth Club\nsolveig.amadi@example,Typo,\n');
  await officer.getByLabel('How the people on it agreed').fill('Signed the attendance sheet at the youth workers’ forum, asking for the bulletin');
  await press(officer, 'Check the list');
  assert.match(await officer.locator('.govuk-error-summary').innerText(), /Row 3: "solveig.amadi@example" is not an e-mail address/);
  await axe(officer, 'import with a wrong row');
  await officer.getByLabel('The list, as CSV').fill('email,name,organisation\nsolveig.amadi@example.org,Solveig Amadi,Ashby Vale Youth Club\n');
  await press(officer, 'Check the list');
  await officer.getByRole('heading', { level: 1, name: 'Check the import to Monthly bulletin' }).waitFor();
  await axe(officer, 'import preview');
  await press(officer, 'Add 1 person');
  assert.match(await officer.locator('.govuk-notification-banner').innerText(), /1 person added to Monthly bulletin/);
  await officer.goto('/engagement/suppressions');
  await axe(officer, 'suppressions');
  await officer.goto('/engagement/subscribers/new');
  await axe(officer, 'add someone');
  await officer.goto('/engagement/lists/new');
  await axe(officer, 'make a list');
});

test('the person unsubscribes with one press from the page the link opens; the preferences page passes axe', async () => {
  const db = h.database.db;
  const sub = await db.selectFrom('engagement_subscribers').select('id').where('email', '=', 'harriet.oyelaran@ashbyvale-housing.example').executeTakeFirstOrThrow();
  const list = await db.selectFrom('engagement_lists').select('id').where('name', '=', 'Monthly bulletin').executeTakeFirstOrThrow();
  const { preferencesToken, unsubscribeToken } = await import('../../src/modules/engagement/subscribers.commands.ts');
  const secret = h.app.config.sessionSecret;
  const page = await h.newPage();
  await page.goto(`/bulletins/preferences/${preferencesToken(secret, sub.id)}`);
  await axe(page, 'preferences');
  await page.goto(`/bulletins/unsubscribe/${unsubscribeToken(secret, sub.id, list.id, null)}`);
  await axe(page, 'unsubscribe');
  await press(page, 'Unsubscribe');
  await page.getByRole('heading', { level: 1, name: 'You have unsubscribed' }).waitFor();
  await axe(page, 'unsubscribed');
  await page.goto('/bulletins/privacy');
  await axe(page, 'privacy');
  assert.ok(checked.length >= 15, `axe ran on ${checked.length} pages`);
});

test('an officer composes an issue, previews it, sends it; the public reads it in the archive; every page passes axe', async () => {
  h.app.config.bulletinRate = 0;
  const officer = await h.newPage();
  await signIn(officer, demoUsers.officer);
  await officer.goto('/engagement');
  await officer.getByRole('link', { name: 'Issues of the bulletin' }).click();
  await axe(officer, 'issues');
  await officer.getByRole('button', { name: 'Start an issue' }).click();
  await axe(officer, 'new issue');
  await press(officer, 'Start the issue');
  assert.match(await officer.locator('.govuk-error-summary').innerText(), /Enter the title of the issue/);
  await axe(officer, 'new issue with errors');
  await officer.getByLabel('Title').fill('Bulletin, autumn: bonfire night');
  await officer.getByLabel('Sent to').selectOption({ label: 'Monthly bulletin' });
  await press(officer, 'Start the issue');
  await officer.getByRole('heading', { level: 1, name: /Bulletin, autumn: bonfire night/ }).waitFor();
  await axe(officer, 'issue');
  await officer.getByLabel('Section').fill('News');
  await officer.getByLabel('Title', { exact: true }).fill('Fireworks: sold safely');
  await officer.getByLabel('Text').fill('Trading standards will visit **every shop** selling fireworks.\n\nReport concerns through [the council](https://council.example.org).');
  await press(officer, 'Add the article');
  await axe(officer, 'issue with an article');
  await officer.getByRole('link', { name: 'Preview as a web page' }).click();
  await axe(officer, 'web preview');
  await officer.goBack();
  const before = smtp.messages.length;
  await press(officer, 'Send to Monthly bulletin');
  assert.match(await officer.locator('.govuk-notification-banner').innerText(), /Sending to \d+ people/);
  await smtp.waitFor(before + 5, 20_000);
  for (let i = 0; i < 100; i++) {
    await officer.reload();
    if (!/still to send/.test(await officer.locator('main').innerText())) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(await officer.locator('[data-figures]').innerText(), /Sent\s+\d+/);
  await axe(officer, 'issue sent, with figures');
  await officer.goto('/engagement/bounces');
  await axe(officer, 'bounces');

  const page = await h.newPage();
  await page.goto('/public');
  await page.getByRole('link', { name: 'Past bulletins' }).click();
  await axe(page, 'archive');
  await page.getByRole('link', { name: 'Bulletin, autumn: bonfire night' }).click();
  assert.match(await page.locator('main').innerText(), /Trading standards will visit every shop selling fireworks/);
  await axe(page, 'archived issue');
});
