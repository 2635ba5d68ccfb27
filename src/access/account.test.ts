import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../mail/smtpTestServer.ts';
import { passwordProblem } from './passwords.ts';
import { describeDevice } from './account.routes.ts';
import { withoutLinkTokens } from './accountMail.ts';
import { openTotpSecret, TOTP_SECRETS_ENCRYPTED } from './secondFactor.ts';
import { buildApp } from '../app.ts';

let t: TestApp;
let smtp: SmtpTestServer;
const DEMO = 'northshire-demo-2026';

async function mailTo(to: string, after = 0) {
  for (let i = 0; i < 250; i++) {
    const found = smtp.messages.slice(after).filter((m) => m.envelopeTo.includes(to)).at(-1);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no e-mail to ${to}`);
}
const linkIn = (text: string, path: string) => new RegExp(`https?://[^/\\s]+(/${path}/[A-Za-z0-9_-]+)`).exec(text)?.[1];
const userId = async (email: string) => (await t.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
const codeNow = (secret: string) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate();
const auditSummaries = async (id: string) => (await t.database.db.selectFrom('audit_log').select(['summary', 'after', 'before']).where('record_id', '=', id).execute());

/** A fresh user of the partnership with a known password, made through the invitation. */
async function invited(email: string, name: string, role: 'member' | 'officer' | 'administrator', password: string) {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  await admin.get('/admin/users/new');
  const before = smtp.messages.length;
  assert.equal((await admin.post('/admin/users/new', { email, display_name: name, role })).statusCode, 303);
  const link = linkIn((await mailTo(email, before)).text, 'set-up')!;
  const c = new Client(t.app);
  await c.get(link);
  assert.equal((await c.post(link, { password, confirm: password })).statusCode, 303);
  return userId(email);
}

before(async () => {
  smtp = await startSmtpTestServer();
  t = await createTestApp();
  t.app.config.smtpUrl = smtp.url;
});
after(async () => {
  await t.close();
  await smtp.close();
});

test('password rules: long enough, not too long, not a common password dressed up, no composition rules', () => {
  assert.equal(passwordProblem('short'), 'Password must be 12 characters or more');
  assert.equal(passwordProblem('x'.repeat(257)), 'Password must be 256 characters or fewer');
  for (const common of ['password1234', 'Password2024!', 'qwertyuiop123', 'iloveyou1234567', 'aaaaaaaaaaaa', '123456789012', 'qwertyqwerty', 'sunshine!!!!']) {
    assert.match(passwordProblem(common) ?? '', /one of the most common passwords/, common);
  }
  // No capital, digit or symbol is demanded.
  assert.equal(passwordProblem('tangerine lamp orbit'), null);
  assert.equal(passwordProblem('TANGERINELAMPORBIT'), null);
  assert.match(passwordProblem('zoe.hartley.2026', { email: 'zoe.hartley@northshire.example' }) ?? '', /must not contain your email address/);
});

test('a new user chooses a password under the rules through the invitation; a weak one is refused with a clear message', async () => {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  await admin.get('/admin/users/new');
  const before = smtp.messages.length;
  await admin.post('/admin/users/new', { email: 'rules@northshire.example', display_name: 'Rhys Rules', role: 'member' });
  const link = linkIn((await mailTo('rules@northshire.example', before)).text, 'set-up')!;
  const c = new Client(t.app);
  const page = await c.get(link);
  assert.match(pageText(page.body), /12 characters or more. Three or four random words make a good one/);
  const weak = await c.post(link, { password: 'Password2024!', confirm: 'Password2024!' });
  assert.equal(weak.statusCode, 400);
  assert.match(pageText(weak.body), /There is a problem That password is one of the most common passwords/);
  assert.equal((await c.post(link, { password: 'harbour kettle violet', confirm: 'harbour kettle violet' })).statusCode, 303);
});

test('an administrator sends the invitation again to someone who has not chosen a password; the old link stops working', async () => {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  await admin.get('/admin/users/new');
  let before = smtp.messages.length;
  const created = await admin.post('/admin/users/new', { email: 'late@northshire.example', display_name: 'Lena Late', role: 'member' });
  const first = linkIn((await mailTo('late@northshire.example', before)).text, 'set-up')!;
  const page = await admin.get(created.headers.location as string);
  assert.match(pageText(page.body), /Lena Late has not signed in yet/);
  before = smtp.messages.length;
  const again = await admin.post(`${created.headers.location}/invitation`, {});
  assert.equal(again.statusCode, 303);
  assert.match(pageText((await admin.get(again.headers.location as string)).body), /Lena Late has been sent a new invitation/);
  const second = linkIn((await mailTo('late@northshire.example', before)).text, 'set-up')!;
  assert.notEqual(first, second);
  assert.equal((await new Client(t.app).get(first)).statusCode, 404, 'the first link no longer works');
  const audit = await auditSummaries(await userId('late@northshire.example'));
  assert.ok(audit.some((a) => a.summary === 'Invitation e-mailed again'));
  for (const link of [first, second]) assert.ok(!JSON.stringify(audit).includes(link.split('/').at(-1)!), 'no token in the audit log');
  // Someone who has signed in already is not sent one.
  const member = await t.database.db.selectFrom('users').select('id').where('email', '=', demoUsers.administrator).executeTakeFirstOrThrow();
  const refused = await admin.post(`/admin/users/${member.id}/invitation`, {});
  assert.equal(refused.statusCode, 400);
  assert.match(pageText(refused.body), /has signed in already/);
});

test('changing my password asks for the current one, applies the rules and signs out my other sessions', async () => {
  await invited('changer@northshire.example', 'Cara Changer', 'member', 'first good password');
  const laptop = await new Client(t.app).signIn('changer@northshire.example', 'first good password');
  const phone = await new Client(t.app).signIn('changer@northshire.example', 'first good password');
  await laptop.get('/account/password');
  const wrong = await laptop.post('/account/password', { current: 'not it at all', password: 'second good password', confirm: 'second good password' });
  assert.equal(wrong.statusCode, 400);
  assert.match(pageText(wrong.body), /Your current password is not correct/);
  const weak = await laptop.post('/account/password', { current: 'first good password', password: 'qwerty123456', confirm: 'qwerty123456' });
  assert.match(pageText(weak.body), /one of the most common passwords/);
  const mismatch = await laptop.post('/account/password', { current: 'first good password', password: 'second good password', confirm: 'second good passwort' });
  assert.match(pageText(mismatch.body), /Enter the same new password twice/);
  const before = smtp.messages.length;
  const ok = await laptop.post('/account/password', { current: 'first good password', password: 'second good password', confirm: 'second good password' });
  assert.equal(ok.statusCode, 303);
  assert.match(pageText((await laptop.get('/account')).body), /Your password has been changed and 1 other session has been signed out/);
  assert.equal((await phone.json('GET', '/api/me')).json().kind, 'public', 'the other session has ended');
  assert.equal((await laptop.json('GET', '/api/me')).json().kind, 'user', 'this one goes on');
  assert.match((await mailTo('changer@northshire.example', before)).headers.get('subject')!, /password has been changed/);
  await new Client(t.app).signIn('changer@northshire.example', 'second good password');
  const audit = await auditSummaries(await userId('changer@northshire.example'));
  assert.ok(audit.some((a) => /Password changed by its owner; 1 other session signed out/.test(a.summary ?? '')));
  assert.ok(!JSON.stringify(audit).includes('second good password'));
});

test('a forgotten password is reset by a single-use e-mailed link; the answer is the same for an unknown address', async () => {
  await invited('forgetful@northshire.example', 'Fay Forgetful', 'member', 'remembered once upon');
  const old = await new Client(t.app).signIn('forgetful@northshire.example', 'remembered once upon');
  const c = new Client(t.app);
  assert.match(pageText((await c.get('/sign-in')).body), /Forgotten your password\?/);
  await c.get('/forgotten-password');
  const before = smtp.messages.length;
  const known = await c.post('/forgotten-password', { email: 'Forgetful@northshire.example' });
  const unknown = await c.post('/forgotten-password', { email: 'nobody.here@northshire.example' });
  assert.equal(known.statusCode, 303);
  assert.equal(unknown.statusCode, 303);
  assert.equal(known.headers.location, unknown.headers.location);
  assert.match(pageText((await c.get('/forgotten-password/sent')).body), /If that address has an account here, we have sent it a link/);
  const mail = await mailTo('forgetful@northshire.example', before);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(smtp.messages.length, before + 1, 'nothing is sent to an address with no account');
  const link = linkIn(mail.text, 'reset-password')!;
  assert.ok(link);
  assert.match(mail.text, /It works once, within 60 minutes/);
  const form = await c.get(link);
  assert.match(pageText(form.body), /Choose a new password For forgetful@northshire.example/);
  assert.equal((await c.post(link, { password: 'short', confirm: 'short' })).statusCode, 400);
  assert.equal((await c.post(link, { password: 'a brand new phrase', confirm: 'a brand new phrase' })).statusCode, 303);
  assert.equal((await c.get(link)).statusCode, 404, 'the link works once');
  assert.equal((await old.json('GET', '/api/me')).json().kind, 'public', 'sessions made with the old password have ended');
  await new Client(t.app).signIn('forgetful@northshire.example', 'a brand new phrase');
  const audit = await auditSummaries(await userId('forgetful@northshire.example'));
  assert.ok(audit.some((a) => /Password reset through an e-mailed link/.test(a.summary ?? '')));
  assert.ok(!JSON.stringify(audit).includes(link.split('/').at(-1)!), 'no token in the audit log');
  assert.equal(withoutLinkTokens(link), '/reset-password/[token]', 'nor in the request log');
  // The API asks the same way, and answers the same for any address.
  const api = await new Client(t.app).json('POST', '/api/password-reset', { email: 'nobody.here@northshire.example' });
  assert.equal(api.statusCode, 202);
  assert.match(api.json().message, /If that address has an account here/);
  assert.equal((await new Client(t.app).json('POST', '/api/password-reset', { email: 'nope' })).statusCode, 400);
  const me = (await (await new Client(t.app).signIn('forgetful@northshire.example', 'a brand new phrase')).json('GET', '/api/account')).json();
  assert.deepEqual({ ...me, sessions: undefined }, { email: 'forgetful@northshire.example', displayName: 'Fay Forgetful', twoFactor: false, recoveryCodesLeft: 0, twoFactorRequired: false, sessions: undefined });
  // A set-up link is not a reset link, nor the other way round.
  assert.equal((await c.get(link.replace('reset-password', 'set-up'))).statusCode, 404);
});

test('asking for reset links is rate limited without saying whether the address exists', async () => {
  await t.database.db.deleteFrom('sign_in_attempts').execute();
  const c = new Client(t.app);
  await c.get('/forgotten-password');
  const before = smtp.messages.length;
  for (let i = 0; i < 5; i++) assert.equal((await c.post('/forgotten-password', { email: demoUsers.panel })).statusCode, 303);
  await mailTo(demoUsers.panel, before);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(smtp.messages.length - before, 3, 'three e-mails an hour at most');
  for (let i = 0; i < 20; i++) await c.post('/forgotten-password', { email: `someone${i}@northshire.example` });
  const refused = await c.post('/forgotten-password', { email: demoUsers.member });
  assert.equal(refused.statusCode, 429);
  assert.match(pageText(refused.body), /Too many requests from your network/);
  await t.database.db.deleteFrom('sign_in_attempts').execute();
});

test('my sessions are listed with their browser, when they signed in and were last used; I sign out one, or everywhere', async () => {
  const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
  const mine = new Client(t.app);
  await mine.get('/sign-in');
  await mine.post('/sign-in', { email: demoUsers.officer, password: DEMO }, { headers: { 'user-agent': firefox } });
  const other = await new Client(t.app).signIn(demoUsers.officer);
  const page = pageText((await mine.get('/account')).body);
  assert.match(page, /Where you are signed in/);
  assert.match(page, /Firefox on Windows 10 This browser/);
  const list = (await mine.json('GET', '/api/account/sessions')).json().items as { ref: string; device: string; current: boolean }[];
  assert.ok(list.length >= 2);
  assert.equal(list.filter((s) => s.current).length, 1);
  const otherRef = (await other.json('GET', '/api/account/sessions')).json().items.find((s: { current: boolean }) => s.current).ref;
  const ended = await mine.post(`/account/sessions/${otherRef}/sign-out`, {});
  assert.equal(ended.statusCode, 303);
  assert.equal((await other.json('GET', '/api/me')).json().kind, 'public');
  // Another person's session is not mine to end.
  const third = await new Client(t.app).signIn(demoUsers.member);
  const theirs = (await third.json('GET', '/api/account/sessions')).json().items[0].ref;
  assert.equal((await mine.json('DELETE', `/api/account/sessions/${theirs}`)).statusCode, 404);
  assert.equal((await third.json('GET', '/api/me')).json().kind, 'user');
  await mine.get('/account');
  const everywhere = await mine.post('/account/sessions/sign-out-everywhere', {});
  assert.equal(everywhere.statusCode, 303);
  assert.equal((await mine.json('GET', '/api/me')).json().kind, 'public');
  assert.equal(Number((await t.database.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', await userId(demoUsers.officer)).executeTakeFirstOrThrow()).n), 0);
  assert.equal(describeDevice(null), 'An unknown browser or app');
});

test('two-factor: set up with a QR code and the key as text, sign in with a code, a used code or recovery code works once', async () => {
  const id = await invited('twofa@northshire.example', 'Tomas Two', 'member', 'two factors please');
  const c = await new Client(t.app).signIn('twofa@northshire.example', 'two factors please');
  const setUp = await c.get('/account/two-factor/set-up');
  assert.match(setUp.body, /<svg[^>]+aria-label="QR code for your authenticator app"/);
  const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(setUp.body)![1]!.replace(/ /g, '');
  const wrong = await c.post('/account/two-factor/set-up', { code: '000000' });
  assert.equal(wrong.statusCode, 400);
  assert.match(pageText(wrong.body), /The code is not correct/);
  const keptWhileSettingUp = (await t.database.db.selectFrom('users').select('totp_pending_secret').where('id', '=', id).executeTakeFirstOrThrow()).totp_pending_secret!;
  assert.ok(!keptWhileSettingUp.includes(secret), 'the secret being set up is not kept in clear');
  const setUpCode = codeNow(secret);
  const on = await c.post('/account/two-factor/set-up', { code: setUpCode });
  assert.equal(on.statusCode, 200);
  const kept = (await t.database.db.selectFrom('users').select('totp_secret').where('id', '=', id).executeTakeFirstOrThrow()).totp_secret!;
  assert.ok(!kept.includes(secret) && kept.startsWith('v1.'), 'the secret is kept encrypted');
  assert.equal(openTotpSecret(t.app.config.totpKey, id, kept), secret);
  assert.equal(openTotpSecret(t.app.config.totpKey, await userId(demoUsers.officer), kept), null, 'copied to another account it does not open');
  const codes = [...on.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
  assert.equal(codes.length, 10);
  const stored = await t.database.db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', id).execute();
  assert.equal(stored.length, 10);
  assert.ok(stored.every((s) => !codes.includes(s.code_hash)), 'kept only as hashes');

  // Signing in now takes two steps; the password alone is not signed in.
  const d = new Client(t.app);
  await d.get('/sign-in');
  const first = await d.post('/sign-in', { email: 'twofa@northshire.example', password: 'two factors please', next: '/account' });
  assert.equal(first.statusCode, 303);
  assert.match(first.headers.location as string, /^\/sign-in\/code/);
  assert.equal((await d.json('GET', '/api/me')).json().kind, 'public');
  const halfway = await t.database.db.selectFrom('sessions').select('expires_at').where('user_id', '=', id).where('second_factor_pending', '=', true).executeTakeFirstOrThrow();
  assert.ok(halfway.expires_at.getTime() - Date.now() <= 10 * 60_000, 'the password step waits ten minutes at most');
  await d.get(first.headers.location as string);
  const bad = await d.post('/sign-in/code', { code: '123456', next: '/account' });
  assert.match(pageText(bad.body), /The code is not correct/);
  // The code used to turn it on is spent.
  const replay = await d.post('/sign-in/code', { code: setUpCode, next: '/account' });
  assert.equal(replay.statusCode, 400, 'a code works once');
  const rec = await d.post('/sign-in/code', { code: codes[0]!.toUpperCase(), next: '/account' });
  assert.equal(rec.statusCode, 303);
  assert.equal(rec.headers.location, '/account');
  assert.match(pageText((await d.get('/account')).body), /You used a recovery code. You have 9 left/);
  const full = await t.database.db.selectFrom('sessions').select('expires_at').where('user_id', '=', id).where('second_factor_pending', '=', false).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  assert.ok(full.expires_at.getTime() - Date.now() > 60 * 60_000, 'signed in for a whole session once the code is given');

  const e = new Client(t.app);
  await e.get('/sign-in');
  await e.post('/sign-in', { email: 'twofa@northshire.example', password: 'two factors please' });
  await e.get('/sign-in/code');
  assert.equal((await e.post('/sign-in/code', { code: codes[0]! })).statusCode, 400, 'a recovery code works once');
  // The API takes the code in the same request.
  assert.equal((await new Client(t.app).json('POST', '/api/session', { email: 'twofa@northshire.example', password: 'two factors please' })).statusCode, 400);
  assert.equal((await new Client(t.app).json('POST', '/api/session', { email: 'twofa@northshire.example', password: 'two factors please', code: codes[1] })).statusCode, 200);
  const audit = await auditSummaries(id);
  assert.ok(audit.some((a) => /Two-factor authentication turned on/.test(a.summary ?? '')));
  assert.ok(!JSON.stringify(audit).includes(secret) && !codes.some((x) => JSON.stringify(audit).includes(x)));

  // Turning it off asks for the password.
  await d.get('/account/two-factor');
  assert.match(pageText((await d.post('/account/two-factor/turn-off', { password: 'wrong one' })).body), /Your password is not correct/);
  assert.equal((await d.post('/account/two-factor/turn-off', { password: 'two factors please' })).statusCode, 303);
  await new Client(t.app).signIn('twofa@northshire.example', 'two factors please');
});

test('an administrator requires two-factor for everyone who reads restricted business: they set it up before anything else', async () => {
  const officerId = await invited('strict.officer@northshire.example', 'Sol Strict', 'officer', 'officer pass phrase');
  await invited('plain.member@northshire.example', 'Pat Plain', 'member', 'member pass phrase');
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  await admin.get('/admin/account-settings');
  assert.equal((await admin.post('/admin/account-settings', {})).statusCode, 400);
  const saved = await admin.post('/admin/account-settings', { require_second_factor: 'yes' });
  assert.equal(saved.statusCode, 303);
  try {
    // The administrator reads restricted business too: they are the first to be asked.
    assert.equal((await admin.get('/admin/users')).headers.location, '/account/two-factor/set-up');
    assert.equal((await t.database.db.selectFrom('account_settings').select('require_second_factor').where('partnership_id', '=', t.partnershipId).executeTakeFirstOrThrow()).require_second_factor, true);
    const officer = await new Client(t.app).signIn('strict.officer@northshire.example', 'officer pass phrase');
    const home = await officer.get('/meetings');
    assert.equal(home.statusCode, 303);
    assert.equal(home.headers.location, '/account/two-factor/set-up');
    assert.equal((await officer.json('GET', '/api/meetings')).statusCode, 403);
    const setUp = await officer.get('/account/two-factor/set-up');
    assert.match(pageText(setUp.body), /requires two-factor authentication for everyone who can read restricted business/);
    const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(setUp.body)![1]!.replace(/ /g, '');
    assert.equal((await officer.post('/account/two-factor/set-up', { code: codeNow(secret) })).statusCode, 200);
    assert.equal((await officer.get('/meetings')).statusCode, 200, 'once set up, everything is open again');
    // It cannot be turned off while required.
    await officer.get('/account/two-factor');
    const off = await officer.post('/account/two-factor/turn-off', { password: 'officer pass phrase' });
    assert.match(pageText(off.body), /requires two-factor authentication for your account, so it cannot be turned off/);
    assert.ok((await t.database.db.selectFrom('users').select('totp_enabled_at').where('id', '=', officerId).executeTakeFirstOrThrow()).totp_enabled_at);
    // A member who reads no restricted business is not asked.
    const member = await new Client(t.app).signIn('plain.member@northshire.example', 'member pass phrase');
    assert.equal((await member.get('/meetings')).statusCode, 200);
    const audit = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'account-settings').execute();
    assert.ok(audit.some((a) => /required for everyone who can read restricted business/.test(a.summary ?? '')));
  } finally {
    await t.database.db.updateTable('account_settings').set({ require_second_factor: false }).execute();
  }
});

test('an administrator turns off the second factor of someone who lost their phone and codes, after a confirmation page', async () => {
  const id = await invited('lostphone@northshire.example', 'Lou Lost', 'member', 'lost my phone today');
  const c = await new Client(t.app).signIn('lostphone@northshire.example', 'lost my phone today');
  const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec((await c.get('/account/two-factor/set-up')).body)![1]!.replace(/ /g, '');
  await c.post('/account/two-factor/set-up', { code: codeNow(secret) });
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  const page = pageText((await admin.get(`/admin/users/${id}`)).body);
  assert.match(page, /Two-factor authentication On since .* Turn off two-factor authentication for Lou Lost/);
  const confirm = await admin.get(`/admin/users/${id}/two-factor/reset`);
  assert.match(pageText(confirm.body), /Turn off two-factor authentication for Lou Lost\?/);
  const before = smtp.messages.length;
  const done = await admin.post(`/admin/users/${id}/two-factor/reset`, {});
  assert.equal(done.statusCode, 303);
  assert.match(pageText((await admin.get(`/admin/users/${id}`)).body), /Two-factor authentication is off for Lou Lost. They have been told by e-mail .* Two-factor authentication Off/);
  for (let i = 0; i < 250 && !smtp.messages.slice(before).some((m) => /is off/.test(m.headers.get('subject') ?? '')); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(smtp.messages.some((m) => m.envelopeTo.includes('lostphone@northshire.example') && /Two-factor authentication is off/.test(m.headers.get('subject') ?? '')));
  await new Client(t.app).signIn('lostphone@northshire.example', 'lost my phone today');
  assert.equal(Number((await t.database.db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', id).executeTakeFirstOrThrow()).n), 0);
  assert.ok((await auditSummaries(id)).some((a) => /turned off by an administrator/.test(a.summary ?? '')));
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.equal((await officer.post(`/admin/users/${id}/two-factor/reset`, {})).statusCode, 403);
});

test('two-factor: a secret kept in clear before encryption is encrypted once, at the first start, and signing in with its code still works', async () => {
  const db = t.database.db;
  const id = await invited('cleartotp@northshire.example', 'Clara Clear', 'member', 'a clear secret once');
  const secret = new Secret({ size: 20 }).base32;
  // As a database from before: the secret in clear and the task not yet done.
  await db.updateTable('users').set({ totp_secret: secret, totp_enabled_at: new Date() }).where('id', '=', id).execute();
  await db.deleteFrom('one_off_tasks').where('name', '=', TOTP_SECRETS_ENCRYPTED).execute();
  const restarted = await buildApp({ db, config: t.app.config, logger: false });
  await restarted.ready();
  await restarted.close();
  const kept = (await db.selectFrom('users').select('totp_secret').where('id', '=', id).executeTakeFirstOrThrow()).totp_secret!;
  assert.ok(kept.startsWith('v1.') && !kept.includes(secret), 'encrypted at rest');
  assert.equal(openTotpSecret(t.app.config.totpKey, id, kept), secret);
  assert.ok((await db.selectFrom('one_off_tasks').select('name').where('name', '=', TOTP_SECRETS_ENCRYPTED).executeTakeFirst()), 'recorded as done');
  // Signing in with the app's code works as before.
  const c = new Client(t.app);
  await c.get('/sign-in');
  const first = await c.post('/sign-in', { email: 'cleartotp@northshire.example', password: 'a clear secret once', next: '/account' });
  assert.match(first.headers.location as string, /^\/sign-in\/code/);
  await c.get(first.headers.location as string);
  const signedIn = await c.post('/sign-in/code', { code: codeNow(secret), next: '/account' });
  assert.equal(signedIn.statusCode, 303, signedIn.body);
  assert.equal((await c.json('GET', '/api/me')).json().kind, 'user');
});
