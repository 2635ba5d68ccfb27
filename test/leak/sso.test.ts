// Never-leak walk for single sign-on: the partnership's provider settings are the
// administrators' (the allowed domains are the marker here), and the client secret is
// nobody's to read, administrators included. Every GET route of the module (the settings
// page and its API twin, the start of a sign-in, the provider's return, the page after
// signing out) and the sign-in page is walked as the public, a member and an officer; the
// secret is looked for as the administrator too. The provider's own address and client ID
// are public by nature: they are in the address a browser is sent to.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { assertNoLeaks, crawl, moduleAddresses } from '../support/leak.ts';
import { encryptSecret } from '../../src/modules/sso/secret.ts';

let t: TestApp;
const DOMAIN = 'quillmarrow-zephyrine.example';
const SECRET = 'Marzipan-Oubliette-client-secret-771';
const ISSUER = 'https://login.thistledown.example/tenant';

before(async () => {
  t = await createTestApp();
  await t.database.db.insertInto('sso_settings').values({
    partnership_id: t.partnershipId, provider_name: 'Northshire Council', issuer: ISSUER, client_id: 'partnership-hub',
    client_secret_encrypted: encryptSecret(t.app.config.ssoKey, t.partnershipId, SECRET), allowed_domains: JSON.stringify([DOMAIN]),
    allow_new_members: false, required_for_staff: false,
    metadata: JSON.stringify({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/authorize`, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/keys`, end_session_endpoint: `${ISSUER}/logout` }),
  }).execute();
});
after(async () => { await t?.close(); });

test('the single sign-on settings reach administrators only, and the client secret nobody', async (ctx) => {
  const { urls, routes } = await moduleAddresses(t.app, ['/admin/sso', '/api/sso', '/sign-in', '/signed-out/sso'], () => ['00000000-0000-4000-8000-000000000000']);
  for (const r of ['/admin/sso', '/api/sso/settings', '/sign-in/sso', '/sign-in/sso/callback', '/signed-out/sso']) assert.ok(routes.includes(r), `the walk reaches ${r}`);
  // The provider's return with made-up answers too.
  urls.push('/sign-in/sso/callback?code=abc&state=def', '/sign-in/sso/callback?error=access_denied&state=x');
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  const markers = [DOMAIN];
  const summary = await assertNoLeaks(admin, urls, markers, [
    { name: 'the public', client: new Client(t.app), markers: [DOMAIN, SECRET] },
    { name: 'a member without grants', client: await new Client(t.app).signIn(demoUsers.member), markers: [DOMAIN, SECRET] },
    { name: 'an officer', client: await new Client(t.app).signIn(demoUsers.officer), markers: [DOMAIN, SECRET] },
  ]);
  const asAdmin = await crawl(admin, urls, [SECRET]);
  assert.deepEqual([...asAdmin.seen.keys()], [], 'the administrator never reads the secret back');
  ctx.diagnostic(summary);
});
