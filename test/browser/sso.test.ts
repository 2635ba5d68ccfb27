// Single sign-on in Chromium: an administrator sets up the partnership's provider (a real
// oidc-provider on this machine), a wrong issuer refused first; an officer signs in with
// the button on the sign-in page through the provider's own forms, and signs out with
// the provider's sign-out offered. Axe on each page of ours.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserHarness, signIn, expectNoAxeViolations, demoUsers, type BrowserHarness } from './support.ts';
import { startTestProvider, type TestProvider } from '../../src/modules/sso/testProvider.ts';

let h: BrowserHarness;
let idp: TestProvider;
before(async () => {
  h = await startBrowserHarness();
  // Links and the redirect address are made from the public address: here, the harness's.
  h.app.config.baseUrl = h.baseUrl;
  h.app.config.ssoAllowPrivate = true; // its provider is on this machine
  idp = await startTestProvider({
    accounts: { gwen: { email: demoUsers.officer, email_verified: true, name: 'Gwen Abernethy' } },
    redirectUri: `${h.baseUrl}/sign-in/sso/callback`, postLogoutRedirectUri: `${h.baseUrl}/`,
  });
});
after(async () => {
  await h?.close();
  await idp?.close();
});

test('an administrator sets up single sign-on and an officer signs in with it, each page passing axe', { timeout: 180_000 }, async () => {
  const admin = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(admin, demoUsers.administrator);
  await admin.goto('/admin/users');
  await admin.getByRole('link', { name: 'Single sign-on' }).click();
  await admin.getByRole('heading', { name: 'Single sign-on' }).waitFor();
  await expectNoAxeViolations(admin, 'single sign-on settings');
  await admin.getByLabel('Name on the sign-in button').fill('Northshire Council');
  await admin.getByLabel('Issuer').fill(`${idp.issuer}/wrong-tenant`);
  await admin.getByLabel('Client ID').fill(idp.clientId);
  await admin.getByLabel('Client secret').fill(idp.clientSecret);
  await admin.getByLabel('Email domains allowed').fill('northshire.example');
  await admin.getByLabel('No, only people an administrator has added').check();
  await admin.getByLabel('No, they may use either').check();
  await admin.getByRole('button', { name: 'Check and save' }).click();
  await admin.getByText('There is a problem').waitFor();
  assert.match(await admin.locator('.govuk-error-summary').innerText(), /No OpenID Connect provider answered at .*wrong-tenant/);
  await expectNoAxeViolations(admin, 'wrong issuer refused');
  await admin.getByLabel('Issuer').fill(idp.issuer);
  await admin.getByLabel('Client secret').fill(idp.clientSecret);
  await admin.getByRole('button', { name: 'Check and save' }).click();
  await admin.getByText('Single sign-on is saved').waitFor();
  assert.match(await admin.locator('main').innerText(), /A client secret is set/);
  await expectNoAxeViolations(admin, 'single sign-on saved');

  const page = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto('/sign-in?next=/governance');
  await expectNoAxeViolations(page, 'sign-in page with the single sign-on button');
  await page.getByRole('button', { name: 'Sign in with Northshire Council' }).click();
  // The provider's own pages: its sign-in form, then its consent.
  await page.locator('input[name="login"]').fill('gwen');
  await page.locator('input[name="password"]').fill('any');
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.href === `${h.baseUrl}/governance`);
  assert.match(await page.locator('header').innerText(), /Gwen Abernethy/);

  await page.goto('/sign-out');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'You have signed out' }).waitFor();
  await expectNoAxeViolations(page, 'signed out, with the provider’s sign-out offered');
  const link = await page.getByRole('link', { name: 'Sign out of Northshire Council too' }).getAttribute('href');
  assert.ok(link?.startsWith(`${idp.issuer}/session/end?`), String(link));
});
