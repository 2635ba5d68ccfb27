// Never-leak walk for accounts: a person's own account pages (their e-mail address, the
// sessions they are signed in with, the key of a second factor being set up, their
// recovery codes' count) are theirs alone. Every GET route of the account pages, their API
// twins and the administrators' account pages is walked as the public, a member, an
// officer and another user; none sees the marked person's address, session references
// or key, while the person sees all of them. The e-mails sent are checked too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { moduleAddresses, assertNoLeaks } from '../support/leak.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';

let t: TestApp;
let smtp: SmtpTestServer;
const EMAIL = 'quillfeather.marker@northshire.example';
const PASSWORD = 'velvet harbour compass';

before(async () => {
  smtp = await startSmtpTestServer();
  t = await createTestApp();
  t.app.config.smtpUrl = smtp.url;
});
after(async () => {
  await t.close();
  await smtp.close();
});

test('nobody but the person sees their account: address, sessions, second-factor key', async (ctx) => {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  await admin.get('/admin/users/new');
  assert.equal((await admin.post('/admin/users/new', { email: EMAIL, display_name: 'Quillfeather Marker', role: 'member' })).statusCode, 303);
  const invitation = (await smtp.waitFor(1)).find((m) => m.envelopeTo.includes(EMAIL))!;
  const link = /https?:\/\/[^/\s]+(\/set-up\/[A-Za-z0-9_-]+)/.exec(invitation.text)![1]!;
  const setter = new Client(t.app);
  await setter.get(link);
  assert.equal((await setter.post(link, { password: PASSWORD, confirm: PASSWORD })).statusCode, 303);
  const person = await new Client(t.app).signIn(EMAIL, PASSWORD);
  // Two sessions and a second factor being set up (its key is on the set-up page).
  await new Client(t.app).signIn(EMAIL, PASSWORD);
  const setUp = await person.get('/account/two-factor/set-up');
  const key = /id="totp-secret">([A-Z2-7 ]+)</.exec(setUp.body)![1]!;
  const refs = ((await person.json('GET', '/api/account/sessions')).json().items as { ref: string }[]).map((s) => s.ref);
  assert.equal(refs.length, 2);

  const { urls, routes } = await moduleAddresses(t.app,
    ['/account', '/api/account', '/api/me', '/admin/account-settings', '/api/account-settings', '/admin/users/import', '/forgotten-password', '/reset-password', '/set-up', '/sign-in'],
    (_route, param) => (param === 'token' ? [link.split('/').at(-1)!, 'x'.repeat(43)] : ['00000000-0000-4000-8000-000000000000']));
  assert.ok(routes.includes('/api/account/sessions') && routes.includes('/account/two-factor/set-up'), routes.join(', '));
  // The set-up link has been used: it shows nothing to anyone now.
  const markers = [EMAIL, key, ...refs];
  const summary = await assertNoLeaks(person, urls.filter((u) => !u.startsWith('/set-up/')), markers, [
    { name: 'public', client: new Client(t.app), markers },
    { name: 'member', client: await new Client(t.app).signIn(demoUsers.member), markers },
    { name: 'officer', client: await new Client(t.app).signIn(demoUsers.officer), markers },
    { name: 'panel member', client: await new Client(t.app).signIn(demoUsers.panel), markers },
  ]);
  ctx.diagnostic(summary);

  // E-mails: a reset asked for the person goes to them alone and names nobody else; one
  // asked for an address with no account is never sent.
  const before = smtp.messages.length;
  const c = new Client(t.app);
  await c.get('/forgotten-password');
  await c.post('/forgotten-password', { email: EMAIL });
  await c.post('/forgotten-password', { email: 'no.account.marker@northshire.example' });
  const [reset] = (await smtp.waitFor(before + 1)).slice(before);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(smtp.messages.length, before + 1);
  assert.deepEqual(reset!.envelopeTo, [EMAIL]);
  for (const other of [demoUsers.member, demoUsers.officer, key, ...refs]) assert.ok(!reset!.text.includes(other));
});
