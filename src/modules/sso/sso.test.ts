// Single sign-on against a real OpenID Connect provider (oidc-provider) started on this
// machine: the administrator's settings, and every sign-in journey driven over HTTP, the
// provider's own sign-in and consent forms filled in as a browser would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { signInAtProvider, startTestProvider, type TestProvider } from './testProvider.ts';
import { SSO_CLOCK } from './provider.ts';
import { SIGN_IN_LIMIT } from '../../access/sessions.ts';
import { Secret, TOTP } from 'otpauth';
import { sealTotpSecret } from '../../access/secondFactor.ts';

let t: TestApp;
let idp: TestProvider;
let impostor: TestProvider;
const ORIGIN = 'http://localhost:3000';
const REDIRECT = `${ORIGIN}/sign-in/sso/callback`;
const accounts = {
  gwen: { email: demoUsers.officer, email_verified: true, name: 'Gwen Abernethy' },
  admin: { email: demoUsers.administrator, email_verified: true },
  member: { email: demoUsers.member, email_verified: true },
  unverified: { email: demoUsers.member, email_verified: false },
  // As Microsoft Entra ID answers: an address, and nothing said of its verification.
  silent: { email: demoUsers.member },
  silentOutsider: { email: 'someone@elsewhere.example' },
  outsider: { email: 'someone@elsewhere.example', email_verified: true },
  // The provider says she is an administrator: roles stay in the app, so she is not.
  newcomer: { email: 'nia.newcomer@northshire.example', email_verified: true, name: 'Nia Newcomer', roles: ['administrator'] },
  stranger: { email: 'sam.stranger@northshire.example', email_verified: true, name: 'Sam Stranger' },
};

let admin: Client;
const settings = (over: Record<string, string> = {}) => ({
  provider_name: 'Northshire Council', issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret,
  allowed_domains: 'northshire.example', allow_new_members: 'no', required_for_staff: 'no', ...over,
});
async function save(client: Client, over: Record<string, string> = {}) {
  await client.get('/admin/sso');
  return client.post('/admin/sso', settings(over));
}

/** Starts a sign-in at the app, signs in at the provider as `login`, and returns the address it sends back. */
async function throughProvider(client: Client, login: string, next = '') {
  const start = await client.get(`/sign-in/sso${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  assert.equal(start.statusCode, 303, start.body);
  const location = String(start.headers.location);
  assert.ok(location.startsWith(`${idp.issuer}/auth?`), location);
  const url = new URL(location);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(url.searchParams.get('state') && url.searchParams.get('nonce'));
  const back = await signInAtProvider(location, login, REDIRECT);
  return back.slice(ORIGIN.length);
}
async function ssoSignIn(client: Client, login: string, next = '') {
  return client.get(await throughProvider(client, login, next));
}
const refusalText = (res: { body: string }) => pageText(res.body);
const me = async (client: Client) => (await client.json('GET', '/api/me')).json();

before(async () => {
  t = await createTestApp();
  // The test's provider is on this machine, which the app reaches only when its operator allows private addresses.
  t.app.config.ssoAllowPrivate = true;
  idp = await startTestProvider({ accounts, redirectUri: REDIRECT, postLogoutRedirectUri: `${ORIGIN}/` });
  // Another provider that knows the same client: its answers must not be taken for idp's.
  impostor = await startTestProvider({ accounts, redirectUri: REDIRECT, postLogoutRedirectUri: `${ORIGIN}/` });
  admin = await new Client(t.app).signIn(demoUsers.administrator);
});
after(async () => {
  await t?.close();
  await idp?.close();
  await impostor?.close();
});

test('an administrator sets up single sign-on: a wrong issuer is refused with nothing saved, and the secret is never shown back', async () => {
  const db = t.database.db;
  const empty = await save(admin, { provider_name: '', issuer: '', client_id: '', client_secret: '', allowed_domains: 'not a domain!', allow_new_members: '' });
  assert.equal(empty.statusCode, 400);
  const text = refusalText(empty);
  for (const m of ['Enter the name people know the provider by', 'Enter the issuer address', 'Enter the client ID', 'Enter the client secret', 'Enter domains like northshire.gov.uk', 'Select whether people without an account']) assert.match(text, new RegExp(m));

  // A provider whose discovery document names another issuer (a mix-up, or a typo'd tenant).
  const liar = await startTestProvider({ accounts, redirectUri: REDIRECT, postLogoutRedirectUri: `${ORIGIN}/`, claimedIssuer: 'https://login.elsewhere.example/tenant' });
  try {
    const wrong = await save(admin, { issuer: liar.issuer });
    assert.equal(wrong.statusCode, 400);
    assert.match(refusalText(wrong), /says its issuer is https:\/\/login\.elsewhere\.example\/tenant, not http:\/\/127\.0\.0\.1:\d+/);
  } finally {
    await liar.close();
  }
  const notThere = await save(admin, { issuer: `${idp.issuer}/no-such-tenant` });
  assert.match(refusalText(notThere), /No OpenID Connect provider answered at http:\/\/127\.0\.0\.1:\d+\/no-such-tenant\/\.well-known\/openid-configuration \(it answered HTTP 404\)/);
  const plain = await save(admin, { issuer: 'http://login.example.org/tenant' });
  assert.match(refusalText(plain), /The issuer must be a web address starting with https:\/\//);
  // Unless the operator allows private addresses (SSO_ALLOW_PRIVATE), an issuer on this
  // machine or a private network is refused, by its address or by a name that resolves to
  // one, and never asked; a link-local address (a cloud metadata service) is refused whatever
  // the setting says.
  const refusedAs = (why: string, kind: string) => new RegExp(`The issuer cannot be used: [^ ]+ is ${kind} address, ${why}\\. Enter the provider's public address, or ask the operator to allow private addresses`);
  const unlessAllowed = 'which this server does not reach unless its operator allows it \\(SSO_ALLOW_PRIVATE\\)';
  const never = 'which this server never reaches';
  t.app.config.ssoAllowPrivate = false;
  try {
    for (const [issuer, kind, why] of [
      [idp.issuer, 'a loopback \\(this machine\\)', unlessAllowed], [idp.issuer.replace('127.0.0.1', 'localhost'), 'at (127\\.0\\.0\\.1|::1), a loopback \\(this machine\\)', unlessAllowed],
      ['https://10.1.2.3/tenant', 'a private network', unlessAllowed], ['https://[fd00:ec2::254]/tenant', 'a private network', unlessAllowed],
      ['https://169.254.169.254/latest', 'a link-local', never],
    ] as const) {
      const inside = await save(admin, { issuer });
      assert.equal(inside.statusCode, 400, issuer);
      assert.match(refusalText(inside), refusedAs(why, kind), issuer);
    }
  } finally {
    t.app.config.ssoAllowPrivate = true;
  }
  for (const [issuer, kind] of [
    ['https://169.254.169.254/latest', 'a link-local'], ['https://[fe80::a9fe:a9fe]/', 'a link-local'], ['https://[::ffff:169.254.169.254]/', 'a link-local'], ['https://0.0.0.0/', 'an unspecified'],
  ] as const) {
    const metadata = await save(admin, { issuer });
    assert.equal(metadata.statusCode, 400, issuer);
    assert.match(refusalText(metadata), refusedAs(never, kind), `${issuer}, with private addresses allowed`);
  }
  assert.equal((await db.selectFrom('sso_settings').selectAll().execute()).length, 0, 'nothing saved');
  assert.equal((await db.selectFrom('audit_log').select('id').where('record_type', '=', 'sso-settings').execute()).length, 0);

  const saved = await save(admin);
  assert.equal(saved.statusCode, 303);
  const page = await admin.get('/admin/sso');
  assert.match(pageText(page.body), /A client secret is set\. Leave this blank to keep it/);
  assert.ok(!page.body.includes(idp.clientSecret), 'the page never shows the secret');
  assert.match(pageText(page.body), /http:\/\/localhost:3000\/sign-in\/sso\/callback/);
  const row = await db.selectFrom('sso_settings').selectAll().executeTakeFirstOrThrow();
  assert.ok(row.client_secret_encrypted.startsWith('v1.') && !row.client_secret_encrypted.includes(idp.clientSecret));
  const audit = await db.selectFrom('audit_log').select(['action', 'summary', 'after']).where('record_type', '=', 'sso-settings').execute();
  assert.deepEqual(audit.map((a) => [a.action, a.summary]), [['create', 'Single sign-on set up; client secret set']]);
  assert.ok(!JSON.stringify(audit).includes(idp.clientSecret));

  // The JSON twin: the secret is "set", never returned; a blank secret keeps the one held.
  const api = await admin.json('GET', '/api/sso/settings');
  assert.equal(api.json().clientSecret, 'set');
  assert.ok(!api.body.includes(idp.clientSecret));
  const put = await admin.json('PUT', '/api/sso/settings', {
    providerName: 'Northshire Council', issuer: idp.issuer, clientId: idp.clientId, allowedDomains: ['northshire.example'], allowNewMembers: false, requiredForStaff: false,
  });
  assert.equal(put.statusCode, 200, put.body);
  const badApi = await admin.json('PUT', '/api/sso/settings', {
    providerName: 'X', issuer: `${idp.issuer}/nowhere`, clientId: 'x', allowedDomains: ['northshire.example'], allowNewMembers: false, requiredForStaff: false,
  });
  assert.equal(badApi.statusCode, 400);
  // The secret held is never sent to another provider: a new issuer needs it typed again.
  const moved = await save(admin, { issuer: impostor.issuer, client_secret: '' });
  assert.match(refusalText(moved), /Enter the client secret again: the issuer or client ID has changed/);
  assert.equal((await db.selectFrom('sso_settings').select('client_id').executeTakeFirstOrThrow()).client_id, idp.clientId, 'unchanged');
  assert.ok(((await admin.json('GET', '/api/openapi.json')).json().paths['/api/sso/settings']), 'in the OpenAPI document');
  // Only administrators.
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.equal((await officer.get('/admin/sso')).statusCode, 403);
  assert.equal((await officer.json('GET', '/api/sso/settings')).statusCode, 403);
});

test('a discovery document without PKCE (S256), or naming a token or key address the server must not reach, or a sign-out that is not https, is refused with the settings unchanged', async () => {
  const db = t.database.db;
  const before = await db.selectFrom('sso_settings').selectAll().executeTakeFirstOrThrow();
  const audited = async () => (await db.selectFrom('audit_log').select('id').where('record_type', '=', 'sso-settings').execute()).length;
  const auditedBefore = await audited();
  const cases: [string, (doc: Record<string, unknown>) => Record<string, unknown>, RegExp][] = [
    ['PKCE only as plain', (d) => ({ ...d, code_challenge_methods_supported: ['plain'] }), /The provider does not offer PKCE with S256, which this service requires/],
    ['the token address at a cloud metadata service', (d) => ({ ...d, token_endpoint: 'https://169.254.169.254/latest/meta-data/' }),
      /The provider's token address \(token_endpoint\) cannot be used: 169\.254\.169\.254 is a link-local address, which this server never reaches/],
    ['the key address link-local (IPv6)', (d) => ({ ...d, jwks_uri: 'https://[fe80::a9fe:a9fe]/keys' }),
      /The provider's key address \(jwks_uri\) cannot be used: fe80::a9fe:a9fe is a link-local address, which this server never reaches/],
    ['the userinfo address in plain http', (d) => ({ ...d, userinfo_endpoint: 'http://login.elsewhere.example/userinfo' }),
      /The provider's userinfo address \(userinfo_endpoint\) must start with https:\/\/, but is http:\/\/login\.elsewhere\.example\/userinfo/],
    ['a sign-out address that is script', (d) => ({ ...d, end_session_endpoint: 'javascript:alert(1)//' }),
      /The provider's sign-out address \(end_session_endpoint\) must start with https:\/\//],
  ];
  try {
    for (const [what, change, message] of cases) {
      idp.tamper.discovery = change;
      const res = await save(admin, { client_secret: '' });
      assert.equal(res.statusCode, 400, what);
      assert.match(refusalText(res), message, what);
    }
  } finally {
    idp.tamper.discovery = null;
  }
  assert.deepEqual(await db.selectFrom('sso_settings').selectAll().executeTakeFirstOrThrow(), before, 'nothing changed');
  assert.equal(await audited(), auditedBefore, 'nothing audited as changed');
});

test('an officer signs in with the provider and reaches an officer page; the sign-in is audited', async () => {
  const c = new Client(t.app);
  const signInPage = await c.get('/sign-in');
  assert.match(pageText(signInPage.body), /Sign in with Northshire Council/);
  const res = await ssoSignIn(c, 'gwen', '/governance');
  assert.equal(res.statusCode, 303, res.body);
  assert.equal(res.headers.location, '/governance');
  assert.deepEqual([(await me(c)).role, (await me(c)).displayName], ['officer', 'Gwen Abernethy']);
  assert.equal((await c.get('/governance')).statusCode, 200);
  const audit = await t.database.db.selectFrom('audit_log').select('summary').where('action', '=', 'sign-in').where('summary', 'like', '%single sign-on%').execute();
  assert.ok(audit.some((a) => a.summary === 'With single sign-on (Northshire Council)'));
});

test('with private addresses not allowed, a provider saved on this machine is not reached when signing in either: the sign-in fails and nobody is signed in', async () => {
  const c = new Client(t.app);
  const back = await throughProvider(c, 'gwen');
  t.app.config.ssoAllowPrivate = false;
  try {
    const res = await c.get(back);
    assert.equal(res.statusCode, 403);
    assert.match(refusalText(res), /The sign-in could not be completed/);
    assert.equal((await me(c)).kind, 'public');
  } finally {
    t.app.config.ssoAllowPrivate = true;
  }
});

test('an answer whose state does not match, or that comes to another browser, is refused', async () => {
  const c = new Client(t.app);
  const back = await throughProvider(c, 'gwen');
  const tampered = back.replace(/state=[^&]+/, 'state=forged-state');
  const res = await c.get(tampered);
  assert.equal(res.statusCode, 403);
  assert.match(refusalText(res), /does not belong to the sign-in started in this browser \(its state does not match\)/);
  assert.equal((await me(c)).kind, 'public');
  // Someone else's browser, handed the right answer: no sign-in of theirs to match it.
  const other = new Client(t.app);
  const stolen = await other.get(back);
  assert.match(refusalText(stolen), /This sign-in was not started in this browser/);
  assert.equal((await me(other)).kind, 'public');
});

test('a replayed code is refused: by the app when the same answer comes twice, by the provider when it comes with a new sign-in', async () => {
  const c = new Client(t.app);
  const back = await throughProvider(c, 'gwen');
  assert.equal((await c.get(back)).statusCode, 303);
  const again = await c.get(back);
  assert.match(refusalText(again), /has been completed already/);
  // A new sign-in started, its state put on the old code: the provider refuses the code.
  const attacker = new Client(t.app);
  const start = await attacker.get('/sign-in/sso');
  const state = new URL(String(start.headers.location)).searchParams.get('state')!;
  const replay = await attacker.get(back.replace(/state=[^&]+/, `state=${encodeURIComponent(state)}`));
  assert.equal(replay.statusCode, 403);
  assert.match(refusalText(replay), /The provider refused the sign-in code: it has been used already or has expired/);
  assert.equal((await me(attacker)).kind, 'public');
});

test('an expired ID token is refused', async () => {
  const c = new Client(t.app);
  const back = await throughProvider(c, 'gwen');
  // This server's clock two hours ahead of the provider's: its token has expired by then.
  SSO_CLOCK.skewSeconds = 7200;
  try {
    const res = await c.get(back);
    assert.equal(res.statusCode, 403);
    assert.match(refusalText(res), /proof of who you are has expired/);
  } finally {
    SSO_CLOCK.skewSeconds = 0;
  }
  assert.equal((await me(c)).kind, 'public');
});

test('an unverified address and an address at a domain not allowed are refused, and each refusal is audited', async () => {
  const c = new Client(t.app);
  const unverified = await ssoSignIn(c, 'unverified');
  assert.match(refusalText(unverified), /Your email address is not verified by the provider/);
  const outsider = await ssoSignIn(c, 'outsider');
  assert.match(refusalText(outsider), /not at a domain this partnership accepts/);
  assert.equal((await me(c)).kind, 'public');
  const refused = await t.database.db.selectFrom('audit_log').select('summary').where('action', '=', 'sign-in-refused').where('record_type', '=', 'sso').execute();
  const summaries = refused.map((r) => r.summary);
  assert.ok(summaries.includes(`Single sign-on refused (unverified-email) for ${demoUsers.member}`), summaries.join('\n'));
  assert.ok(summaries.includes('Single sign-on refused (domain) for someone@elsewhere.example'));
  assert.ok(summaries.includes('Single sign-on refused (wrong-state)'));
});

test('a provider that says nothing of verification (Microsoft Entra ID) is refused, unless the administrator trusts addresses at the allowed domains; "not verified" is always refused', async () => {
  const silent = new Client(t.app);
  assert.match(refusalText(await ssoSignIn(silent, 'silent')), /Your email address is not verified by the provider/);
  assert.equal((await me(silent)).kind, 'public');
  const trusted = await save(admin, { client_secret: '', trust_domain_addresses: 'yes' });
  assert.equal(trusted.statusCode, 303, refusalText(trusted));
  assert.equal((await admin.json('GET', '/api/sso/settings')).json().trustDomainAddresses, true);
  const audit = await t.database.db.selectFrom('audit_log').select('after').where('record_type', '=', 'sso-settings').orderBy('at', 'desc').executeTakeFirstOrThrow();
  assert.equal((audit.after as { trust_domain_addresses: boolean }).trust_domain_addresses, true, 'the change is audited');
  try {
    const res = await ssoSignIn(silent, 'silent');
    assert.equal(res.statusCode, 303, refusalText(res));
    const who = await me(silent);
    assert.deepEqual([who.kind, who.role], ['user', 'member']);
    const said = new Client(t.app);
    assert.match(refusalText(await ssoSignIn(said, 'unverified')), /Your email address is not verified by the provider/, 'an address the provider says is not verified is still refused');
    const elsewhere = new Client(t.app);
    assert.match(refusalText(await ssoSignIn(elsewhere, 'silentOutsider')), /not at a domain this partnership accepts/, 'trust stops at the allowed domains');
    assert.equal((await me(said)).kind, 'public');
    assert.equal((await me(elsewhere)).kind, 'public');
  } finally {
    assert.equal((await save(admin, { client_secret: '', trust_domain_addresses: 'no' })).statusCode, 303);
  }
});

test('an answer from another provider (the wrong issuer) is refused', async () => {
  const c = new Client(t.app);
  const start = await c.get('/sign-in/sso');
  // The same request, sent to a provider that is not this partnership's.
  const diverted = String(start.headers.location).replace(idp.issuer, impostor.issuer);
  const back = await signInAtProvider(diverted, 'gwen', REDIRECT);
  assert.match(back, new RegExp(`iss=${encodeURIComponent(impostor.issuer)}`));
  const res = await c.get(back.slice(ORIGIN.length));
  assert.equal(res.statusCode, 403);
  assert.match(refusalText(res), /came from a different identity provider/);
  assert.equal((await me(c)).kind, 'public');
});

test('an ID token made for another audience, or naming another issuer, is refused: a clear message, no session, nobody added or signed in, the refusal audited and counted', async () => {
  const db = t.database.db;
  assert.equal((await save(admin, { client_secret: '', allow_new_members: 'yes' })).statusCode, 303);
  const count = async (table: 'sessions' | 'sign_in_attempts') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const signIns = async () => (await db.selectFrom('audit_log').select('id').where('action', '=', 'sign-in').execute()).length;
  try {
    // The proxy re-signing the provider's token with its claims as they were: it is taken, so
    // a refusal below is for the claim changed, not the re-signing.
    idp.tamper.idToken = (claims) => claims;
    const control = new Client(t.app);
    assert.equal((await ssoSignIn(control, 'gwen')).statusCode, 303);
    assert.equal((await me(control)).role, 'officer');
    assert.equal(idp.forged, 1);

    const cases: [string, (c: Record<string, unknown>) => Record<string, unknown>, RegExp, string][] = [
      ['for another service', (c) => ({ ...c, aud: 'another-service' }), /The provider’s proof of who you are was made for another service\. Start again from this site\./, 'wrong-audience'],
      ['for this service and another, with no authorised party', (c) => ({ ...c, aud: [c.aud, 'another-service'] }), /was made for another service/, 'wrong-audience'],
      ['for this service and another, authorised for the other', (c) => ({ ...c, aud: [c.aud, 'another-service'], azp: 'another-service' }), /was made for another service/, 'wrong-audience'],
      ['naming another issuer', (c) => ({ ...c, iss: 'https://login.elsewhere.example/tenant' }), /The answer came from a different identity provider than the one this partnership uses\. Start again from this site\./, 'wrong-issuer'],
    ];
    for (const [what, change, message, reason] of cases) {
      idp.tamper.idToken = change;
      // An officer with an account, and someone new whom the partnership would add.
      for (const login of ['gwen', 'stranger']) {
        const forged: number = idp.forged;
        const sessions: number = await count('sessions');
        const attempts: number = await count('sign_in_attempts');
        const signedIn: number = await signIns();
        const c = new Client(t.app);
        const res = await ssoSignIn(c, login);
        assert.equal(idp.forged, forged + 1, `${what}: the altered token reached the app`);
        assert.equal(res.statusCode, 403, `${what} (${login})`);
        assert.match(refusalText(res), message, what);
        assert.equal((await me(c)).kind, 'public');
        assert.equal(await count('sessions'), sessions, `${what}: no session`);
        assert.equal(await signIns(), signedIn, `${what}: no sign-in audited`);
        assert.equal(await count('sign_in_attempts'), attempts + 1, `${what}: counted with failed sign-ins`);
        const refusal = await db.selectFrom('audit_log').select('summary').where('action', '=', 'sign-in-refused').orderBy('id', 'desc').executeTakeFirstOrThrow();
        assert.equal(refusal.summary, `Single sign-on refused (${reason})`, what);
      }
    }
    assert.equal(await db.selectFrom('users').select('id').where('email', '=', accounts.stranger.email).executeTakeFirst(), undefined, 'nobody added');
  } finally {
    idp.tamper.idToken = null;
    assert.equal((await save(admin, { client_secret: '', allow_new_members: 'no' })).statusCode, 303);
  }
});

test('when staff must use single sign-on, officers are refused a password and their password sessions end, while a member from another organisation still uses one', async () => {
  // Required only by an administrator who has signed in through the provider.
  const byPassword = await save(admin, { client_secret: '', required_for_staff: 'yes' });
  assert.equal(byPassword.statusCode, 400);
  assert.match(refusalText(byPassword), /Sign in with the provider yourself first/);
  // Signed in with passwords before it is required.
  const officerBefore = await new Client(t.app).signIn(demoUsers.officer);
  const memberBefore = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await officerBefore.get('/governance')).statusCode, 200);
  const ssoAdmin = new Client(t.app);
  assert.equal((await ssoSignIn(ssoAdmin, 'admin')).statusCode, 303);
  const required = await save(ssoAdmin, { client_secret: '', required_for_staff: 'yes' });
  assert.equal(required.statusCode, 303);
  assert.match(pageText((await ssoAdmin.get('/admin/sso')).body), /Officers and administrators signed in with a password are signed out/);
  // Staff password sessions end at once (the administrator's signed in with a password too); the member's and the provider's stay.
  const officerPage = await officerBefore.get('/governance');
  assert.equal(officerPage.statusCode, 302, 'sent to sign in');
  assert.match(String(officerPage.headers.location), /^\/sign-in/);
  assert.equal((await me(officerBefore)).kind, 'public');
  assert.equal((await me(admin)).kind, 'public');
  assert.equal((await me(memberBefore)).role, 'member');
  assert.equal((await me(ssoAdmin)).role, 'administrator');
  const audit = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'sso-settings').orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.match(String(audit.summary), /^Single sign-on settings changed; required of officers and administrators: \d+ password sessions ended$/);
  // Someone made staff while it is required: their password session ends at their next request.
  const memberId = (await t.database.db.selectFrom('users').select('id').where('email', '=', demoUsers.member).executeTakeFirstOrThrow()).id;
  await ssoAdmin.get(`/admin/users/${memberId}`);
  assert.equal((await ssoAdmin.post(`/admin/users/${memberId}/role`, { role: 'officer' })).statusCode, 303);
  try {
    assert.equal((await me(memberBefore)).kind, 'public', 'promoted to officer: the password session ends');
  } finally {
    await ssoAdmin.get(`/admin/users/${memberId}`);
    assert.equal((await ssoAdmin.post(`/admin/users/${memberId}/role`, { role: 'member' })).statusCode, 303);
  }

  const officer = new Client(t.app);
  await officer.get('/sign-in');
  const refused = await officer.post('/sign-in', { email: demoUsers.officer, password: 'northshire-demo-2026' });
  assert.equal(refused.statusCode, 400);
  assert.match(refusalText(refused), /Officers and administrators of Northshire CSP sign in with Northshire Council, not a password/);
  assert.equal((await me(officer)).kind, 'public');
  assert.equal((await new Client(t.app).json('POST', '/api/session', { email: demoUsers.administrator, password: 'northshire-demo-2026' })).statusCode, 400);
  // A wrong password still gets the usual answer: the refusal tells only the account's owner.
  const wrong = await officer.post('/sign-in', { email: demoUsers.officer, password: 'not-the-password' });
  assert.match(refusalText(wrong), /Enter a correct email address and password/);

  const member = new Client(t.app);
  await member.get('/sign-in');
  assert.equal((await member.post('/sign-in', { email: demoUsers.member, password: 'northshire-demo-2026' })).statusCode, 303);
  assert.equal((await me(member)).role, 'member');
  // The officer still signs in, through the provider.
  assert.equal((await ssoSignIn(officer, 'gwen')).statusCode, 303);
  assert.equal((await me(officer)).role, 'officer');
  assert.equal((await save(ssoAdmin, { client_secret: '', required_for_staff: 'no' })).statusCode, 303);
  // Ended, not set aside: passwords allowed again, the old session does not come back.
  assert.equal((await me(officerBefore)).kind, 'public');
  admin = await new Client(t.app).signIn(demoUsers.administrator);
});

test('someone with no account is refused, or added as a member with no grants when the partnership allows it', async () => {
  const db = t.database.db;
  const c = new Client(t.app);
  const refused = await ssoSignIn(c, 'newcomer');
  assert.match(refusalText(refused), /There is no account for your email address in this partnership/);
  assert.equal(await db.selectFrom('users').select('id').where('email', '=', accounts.newcomer.email).executeTakeFirst(), undefined);

  assert.equal((await save(admin, { client_secret: '', allow_new_members: 'yes' })).statusCode, 303);
  // Only at an allowed domain, and only with a verified address, is anyone added.
  const outsider = await ssoSignIn(new Client(t.app), 'outsider');
  assert.match(refusalText(outsider), /not at a domain this partnership accepts/);
  assert.equal(await db.selectFrom('users').select('id').where('email', '=', accounts.outsider.email).executeTakeFirst(), undefined);
  let sent: Record<string, unknown> = {};
  idp.tamper.userinfo = (claims) => (sent = claims);
  const res = await ssoSignIn(c, 'newcomer');
  idp.tamper.userinfo = null;
  assert.deepEqual(sent.roles, ['administrator'], 'the provider sent a role');
  assert.equal(res.statusCode, 303);
  const who = await me(c);
  assert.deepEqual([who.role, who.displayName, who.grants], ['member', 'Nia Newcomer', []]);
  const user = await db.selectFrom('users').innerJoin('partnership_users', 'partnership_users.user_id', 'users.id')
    .select(['users.id', 'partnership_users.role']).where('users.email', '=', accounts.newcomer.email).executeTakeFirstOrThrow();
  assert.equal(user.role, 'member');
  assert.equal((await db.selectFrom('access_grants').select('id').where('user_id', '=', user.id).execute()).length, 0);
  // Restricted business stays closed, and an officer's page refuses.
  assert.equal((await c.get('/governance')).statusCode, 403);
  // A second sign-in links to the same account.
  const again = new Client(t.app);
  assert.equal((await ssoSignIn(again, 'newcomer')).statusCode, 303);
  assert.equal((await db.selectFrom('users').select('id').where('email', '=', accounts.newcomer.email).execute()).length, 1);
  assert.equal((await save(admin, { client_secret: '', allow_new_members: 'no' })).statusCode, 303);
});

test('a disabled user is refused, and a client that keeps sending made-up answers is soon refused outright', async () => {
  const db = t.database.db;
  const officerId = (await db.selectFrom('users').select('id').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).id;
  await admin.get(`/admin/users/${officerId}`);
  assert.equal((await admin.post(`/admin/users/${officerId}/disable`, {})).statusCode, 303);
  try {
    const c = new Client(t.app);
    assert.match(refusalText(await ssoSignIn(c, 'gwen')), /There is no account for your email address in this partnership/);
    assert.equal((await me(c)).kind, 'public');
  } finally {
    await admin.get(`/admin/users/${officerId}`);
    assert.equal((await admin.post(`/admin/users/${officerId}/enable`, {})).statusCode, 303);
  }
  await db.deleteFrom('sign_in_attempts').execute();
  const bot = new Client(t.app);
  const statuses: number[] = [];
  for (let i = 0; i <= SIGN_IN_LIMIT.attemptsPerAddress; i++) statuses.push((await bot.get(`/sign-in/sso/callback?code=made-up-${i}&state=x`)).statusCode);
  assert.equal(statuses.filter((s) => s === 403).length, SIGN_IN_LIMIT.attemptsPerAddress);
  assert.equal(statuses.at(-1), 429);
  const auditedBefore = (await db.selectFrom('audit_log').select('id').where('action', '=', 'sign-in-refused').execute()).length;
  assert.equal((await bot.get('/sign-in/sso/callback?code=more&state=x')).statusCode, 429);
  assert.equal((await db.selectFrom('audit_log').select('id').where('action', '=', 'sign-in-refused').execute()).length, auditedBefore, 'nothing written once refused');
  await db.deleteFrom('sign_in_attempts').execute();
});

test('someone with a second factor set up here gives its code after the provider, and their sign-out still offers the provider’s', async () => {
  const db = t.database.db;
  const secret = new Secret({ size: 20 }).base32;
  const officerId = (await db.selectFrom('users').select('id').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).id;
  await db.updateTable('users').set({ totp_secret: sealTotpSecret(t.app.config.totpKey, officerId, secret), totp_enabled_at: new Date() }).where('id', '=', officerId).execute();
  try {
    const c = new Client(t.app);
    const res = await ssoSignIn(c, 'gwen', '/governance');
    assert.equal(res.headers.location, '/sign-in/code?next=%2Fgovernance');
    assert.equal((await me(c)).kind, 'public', 'not signed in before the code');
    await c.get('/sign-in/code');
    const code = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate();
    const done = await c.post('/sign-in/code', { code, next: '/governance' });
    assert.equal(done.headers.location, '/governance');
    assert.equal((await me(c)).role, 'officer');
    await c.get('/sign-out');
    assert.equal((await c.post('/sign-out', {})).headers.location, '/signed-out/sso');
  } finally {
    await db.updateTable('users').set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null }).where('email', '=', demoUsers.officer).execute();
  }
});

test('signing out ends the session here and offers the provider’s own sign-out', async () => {
  const c = new Client(t.app);
  await ssoSignIn(c, 'gwen');
  const cookie = c.cookieHeader();
  await c.get('/sign-out');
  const out = await c.post('/sign-out', {});
  assert.equal(out.headers.location, '/signed-out/sso');
  const page = await c.get('/signed-out/sso');
  assert.match(pageText(page.body), /Sign out of Northshire Council too/);
  const link = /href="([^"]+)">Sign out of Northshire Council too/.exec(page.body)![1]!.replace(/&amp;/g, '&');
  assert.ok(link.startsWith(`${idp.issuer}/session/end?`), link);
  assert.equal((await fetch(link)).status, 200, 'the provider answers its sign-out page');
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).json().kind, 'public');
  // A password session signs out to the home page, as before.
  const p = await new Client(t.app).signIn(demoUsers.member);
  await p.get('/sign-out');
  assert.equal((await p.post('/sign-out', {})).headers.location, '/');
});

test('an administrator turns single sign-on off: the button goes, and the change is audited', async () => {
  await admin.get('/admin/sso');
  assert.equal((await admin.post('/admin/sso/remove', {})).statusCode, 303);
  assert.doesNotMatch(pageText((await new Client(t.app).get('/sign-in')).body), /Sign in with Northshire Council/);
  assert.equal((await new Client(t.app).get('/sign-in/sso')).statusCode, 404);
  const audit = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'sso-settings').where('action', '=', 'delete').execute();
  assert.deepEqual(audit.map((a) => a.summary), ['Single sign-on turned off']);
});
