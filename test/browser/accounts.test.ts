// Journey: an administrator invites a new officer, who chooses their own password from the
// e-mailed link, sets up two-factor authentication with an authenticator app (the code is
// computed here with the same library), signs in with a code, changes their password,
// forgets it and resets it by e-mail, and signs in with a recovery code. Links are read
// from the messages the local SMTP server receives. Axe on every page, the administrator's
// new pages included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { startBrowserHarness, signIn, axeProblems, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';

let h: BrowserHarness;
let smtp: SmtpTestServer;
const EMAIL = 'nia.okoro@northshire.example';

async function axe(page: Page, where: string) {
  const problems = await axeProblems(page);
  assert.equal(problems.length, 0, describeProblems(where, problems));
}
async function linkFromMail(path: string, after: number): Promise<string> {
  for (let i = 0; i < 250; i++) {
    const m = smtp.messages.slice(after).filter((x) => x.envelopeTo.includes(EMAIL)).at(-1);
    const link = m && new RegExp(`https?://[^/\\s]+(/${path}/[A-Za-z0-9_-]+)`).exec(m.text)?.[1];
    if (link) return link;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${path} link e-mailed to ${EMAIL}`);
}
/** The code the app would show, `ahead` 30-second steps from now (the server allows one step of drift). */
const appCode = (secret: string, ahead = 0) =>
  new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + ahead * 30_000 });

async function passwordStep(page: Page, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([page.waitForURL((u) => u.pathname === '/sign-in/code'), page.getByRole('button', { name: 'Sign in' }).click()]);
}

before(async () => {
  h = await startBrowserHarness();
  smtp = await startSmtpTestServer();
  h.app.config.smtpUrl = smtp.url;
});
after(async () => {
  await smtp?.close();
  await h?.close();
});

test('invite, set a password, sign in with a TOTP code, change the password, reset it by e-mail, sign in with a recovery code', { timeout: 240_000 }, async () => {
  // The administrator invites a new officer.
  const admin = await h.newPage();
  await signIn(admin, demoUsers.administrator);
  await admin.goto('/admin/users');
  await axe(admin, 'users');
  await admin.getByRole('button', { name: 'Add a user' }).click();
  await admin.getByLabel('Email address').fill(EMAIL);
  await admin.getByLabel('Name', { exact: true }).fill('Nia Okoro');
  await admin.getByLabel('Officer', { exact: true }).check();
  let sent = smtp.messages.length;
  await Promise.all([admin.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/), admin.getByRole('button', { name: 'Add user' }).click()]);
  assert.match(await admin.locator('.govuk-notification-banner').innerText(), /Nia Okoro added as officer/);
  assert.match(await admin.locator('main').innerText(), /Nia Okoro has not signed in yet/);
  await axe(admin, 'new user');
  const setUpLink = await linkFromMail('set-up', sent);
  for (const path of ['/admin/account-settings', '/admin/users/import']) {
    await admin.goto(path);
    await axe(admin, path);
  }
  await admin.getByRole('button', { name: 'Check the file' }).click();
  assert.match(await admin.locator('.govuk-error-summary').innerText(), /Select a CSV file/);
  await axe(admin, 'import, no file');
  const csv = (text: string) => ({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await admin.getByLabel('CSV file').setInputFiles(csv('name,email,role,bodies\nIvo Lane,ivo.lane@northshire.example,member,Working Group\nJo Lane,jo.lane,chair,\n'));
  await admin.getByRole('button', { name: 'Check the file' }).click();
  assert.match(await admin.getByRole('table').innerText(), /3\s+email\s+"jo.lane" is not an email address/);
  await axe(admin, 'import, problems by row');
  await admin.getByLabel('CSV file').setInputFiles(csv('name,email,role,bodies\nIvo Lane,ivo.lane@northshire.example,member,Working Group\n'));
  await admin.getByRole('button', { name: 'Check the file' }).click();
  await admin.getByRole('heading', { name: 'Check the people to invite' }).waitFor();
  await axe(admin, 'import preview');
  await Promise.all([admin.waitForURL((u) => u.pathname === '/admin/users'), admin.getByRole('button', { name: 'Invite 1 person' }).click()]);
  assert.match(await admin.locator('.govuk-notification-banner').innerText(), /1 person has been invited/);

  // The officer chooses a password; a common one is refused with a clear message.
  const nia = await h.newPage();
  await nia.goto(setUpLink);
  await axe(nia, 'choose password');
  await nia.getByLabel('Password', { exact: true }).fill('Password2024!');
  await nia.getByLabel('Type the password again').fill('Password2024!');
  await nia.getByRole('button', { name: 'Set password' }).click();
  assert.match(await nia.locator('.govuk-error-summary').innerText(), /one of the most common passwords/);
  await axe(nia, 'choose password, refused');
  await nia.getByLabel('Password', { exact: true }).fill('lantern meadow copper');
  await nia.getByLabel('Type the password again').fill('lantern meadow copper');
  await Promise.all([nia.waitForURL((u) => u.pathname === '/sign-in'), nia.getByRole('button', { name: 'Set password' }).click()]);
  await signIn(nia, EMAIL, 'lantern meadow copper');

  // Two-factor authentication, from the account page.
  await nia.goto('/account');
  await axe(nia, 'account');
  assert.match(await nia.locator('main').innerText(), /Where you are signed in/);
  await nia.getByRole('link', { name: 'Set up two-factor authentication' }).click();
  await axe(nia, 'two-factor');
  await nia.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await nia.waitForURL((u) => u.pathname === '/account/two-factor/set-up');
  assert.equal(await nia.getByRole('img', { name: 'QR code for your authenticator app' }).count(), 1);
  await axe(nia, 'two-factor set-up');
  const secret = (await nia.locator('#totp-secret').innerText()).replace(/\s+/g, '');
  await nia.getByLabel('Code from the app').fill(appCode(secret));
  await nia.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await nia.getByRole('heading', { name: 'Two-factor authentication is on' }).waitFor();
  const codes = (await nia.locator('#recovery-codes code').allInnerTexts()).map((c) => c.trim());
  assert.equal(codes.length, 10);
  await axe(nia, 'recovery codes');

  // Sign out, and in again: the password, then a code from the app.
  await nia.goto('/sign-out');
  await nia.getByRole('button', { name: 'Sign out' }).click();
  await passwordStep(nia, 'lantern meadow copper');
  await axe(nia, 'enter your code');
  await nia.getByLabel('Code from your authenticator app').fill('000000');
  await nia.getByRole('button', { name: 'Continue' }).click();
  assert.match(await nia.locator('.govuk-error-summary').innerText(), /The code is not correct/);
  await axe(nia, 'enter your code, wrong');
  // The code used to turn it on is spent: the app's next one (within the allowed drift).
  await nia.getByLabel('Code from your authenticator app').fill(appCode(secret, 1));
  await Promise.all([nia.waitForURL((u) => u.pathname === '/'), nia.getByRole('button', { name: 'Continue' }).click()]);
  await nia.goto('/account');
  assert.match(await nia.locator('main').innerText(), /Two-factor authentication\s+On/);
  await nia.goto('/account/two-factor');
  await axe(nia, 'two-factor, on');
  await nia.goto('/account');

  // Change the password.
  await nia.getByRole('link', { name: 'Change your password' }).click();
  await axe(nia, 'change password');
  await nia.getByLabel('Current password').fill('lantern meadow copper');
  await nia.getByLabel('New password', { exact: true }).fill('harbour violet kettle');
  await nia.getByLabel('Type the new password again').fill('harbour violet kettle');
  sent = smtp.messages.length;
  await Promise.all([nia.waitForURL((u) => u.pathname === '/account'), nia.getByRole('button', { name: 'Change password' }).click()]);
  assert.match(await nia.locator('.govuk-notification-banner').innerText(), /Your password has been changed/);

  // Forgotten: reset by e-mail from another browser, then sign in with a recovery code.
  const other = await h.newPage();
  await other.goto('/sign-in');
  await other.getByRole('link', { name: 'Forgotten your password?' }).click();
  await axe(other, 'forgotten password');
  await other.getByLabel('Email address').fill(EMAIL);
  await Promise.all([other.waitForURL((u) => u.pathname === '/forgotten-password/sent'), other.getByRole('button', { name: 'Send the link' }).click()]);
  await axe(other, 'check your email');
  const resetLink = await linkFromMail('reset-password', sent);
  await other.goto(resetLink);
  await axe(other, 'reset password');
  await other.getByLabel('New password', { exact: true }).fill('orchard pebble lantern');
  await other.getByLabel('Type the new password again').fill('orchard pebble lantern');
  await Promise.all([other.waitForURL((u) => u.pathname === '/sign-in'), other.getByRole('button', { name: 'Reset password' }).click()]);
  // The reset signed out every session, the first browser's too.
  await nia.goto('/account');
  assert.equal(new URL(nia.url()).pathname, '/sign-in');
  await passwordStep(other, 'orchard pebble lantern');
  await other.getByLabel('Code from your authenticator app').fill(codes[0]!);
  await Promise.all([other.waitForURL((u) => u.pathname === '/'), other.getByRole('button', { name: 'Continue' }).click()]);
  assert.match(await other.locator('.govuk-notification-banner').innerText(), /You used a recovery code. You have 9 left/);
  await other.goto('/account');
  await axe(other, 'account after reset');
  // The link worked once.
  await other.goto(resetLink);
  assert.match(await other.locator('h1').innerText(), /This link has expired or has already been used/);
});
