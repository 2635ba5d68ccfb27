// The distribution lists through HTTP and a real SMTP server on this machine: the public
// signs up and confirms once by the e-mailed link; an officer adds someone with a basis;
// an import shows a preview and row-numbered problems and adds nothing when any row is
// wrong; unsubscribing happens on POST only (one click, as a mail client sends it) and
// no import can put the address back; the preferences page by signed link; and nobody
// but officers sees who is on a list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { signLink } from './domain.ts';
import { preferencesToken, unsubscribeToken } from './subscribers.commands.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let officer: Client;
let member: Client;
let anyone: Client;
let bulletinId = '';
const secret = () => t.app.config.sessionSecret;
const db = () => t.database.db;

const subscriptionOf = (email: string, listId: string) => db().selectFrom('engagement_subscriptions as s')
  .innerJoin('engagement_subscribers as p', (j) => j.onRef('p.id', '=', 's.subscriber_id').onRef('p.partnership_id', '=', 's.partnership_id'))
  .select(['s.status', 's.consent_method', 's.consent_wording', 's.consent_source', 'p.id']).where('p.email', '=', email).where('s.list_id', '=', listId).executeTakeFirst();

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  anyone = new Client(t.app);
  bulletinId = (await db().selectFrom('engagement_lists').select('id').where('name', '=', 'Monthly bulletin').executeTakeFirstOrThrow()).id;
});
after(async () => {
  await t?.close();
  await smtp?.close();
});

test('signing up sends one confirmation e-mail; the link confirms on POST only, once, and a changed link is refused', async () => {
  await anyone.get('/bulletins/sign-up');
  const before = smtp.messages.length;
  const res = await anyone.post('/bulletins/sign-up', { email: 'Wren.Castellano@Example.org ', name: 'Wren Castellano', organisation: 'Ashby Vale Food Bank', lists: bulletinId, agree: 'yes' });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/bulletins/sign-up/check-your-email');
  const [mail] = (await smtp.waitFor(before + 1)).slice(before);
  assert.deepEqual(mail!.envelopeTo, ['wren.castellano@example.org']);
  assert.match(mail!.headers.get('subject')!, /Confirm that you want the Northshire Community Safety Partnership bulletin/);
  const link = /\/bulletins\/confirm\/\S+/.exec(mail!.text)?.[0] ?? assert.fail(mail!.raw);
  assert.equal((await subscriptionOf('wren.castellano@example.org', bulletinId))?.status, 'pending');

  // A GET (a link scanner) changes nothing.
  const page = await anyone.get(link);
  assert.equal(page.statusCode, 200);
  assert.match(pageText(page.body), /Press the button to confirm that you want to receive: Monthly bulletin/);
  assert.equal((await subscriptionOf('wren.castellano@example.org', bulletinId))?.status, 'pending');

  const tampered = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  assert.equal((await anyone.get(tampered)).statusCode, 404);

  const done = await anyone.post(link, {});
  assert.equal(done.statusCode, 200);
  assert.match(pageText(done.body), /You are signed up/);
  const sub = await subscriptionOf('wren.castellano@example.org', bulletinId);
  assert.equal(sub?.status, 'subscribed');
  assert.equal(sub?.consent_method, 'sign-up');
  assert.match(sub!.consent_wording, /I agree to receive the Northshire Community Safety Partnership bulletin/);

  const again = await anyone.post(link, {});
  assert.equal(again.statusCode, 410);
  assert.match(pageText(again.body), /This link has already been used/);
});

test('a sign-up with a bad address, no list or no agreement says what to do and changes nothing', async () => {
  await anyone.get('/bulletins/sign-up');
  const count = smtp.messages.length;
  const res = await anyone.post('/bulletins/sign-up', { email: 'not an address', lists: [] as unknown as string });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /There is a problem/);
  assert.match(text, /Enter an e-mail address in the correct format, like name@example.org/);
  assert.match(text, /Select the lists you want to join/);
  assert.match(text, /Tick the box to say you agree to receive these e-mails/);
  assert.equal(smtp.messages.length, count);
  assert.equal(await db().selectFrom('engagement_subscribers').select('id').where('email', '=', 'not an address').executeTakeFirst(), undefined);
});

test('an officer adds someone with a recorded basis; without a basis nothing is added', async () => {
  await officer.get('/engagement/subscribers/new');
  const bad = await officer.post('/engagement/subscribers/new', { email: 'idris.fairweather@northshire-ambulance.example', lists: bulletinId, basis: '' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Enter the basis on which they agreed to receive the bulletin/);
  assert.equal((await subscriptionOf('idris.fairweather@northshire-ambulance.example', bulletinId)), undefined);

  const ok = await officer.post('/engagement/subscribers/new', { email: 'idris.fairweather@northshire-ambulance.example', name: 'Idris Fairweather', lists: bulletinId, basis: 'Asked to be added at the Working Group, 3 June' });
  assert.equal(ok.statusCode, 303);
  const page = pageText((await officer.get(String(ok.headers.location))).body);
  assert.match(page, /Added by an officer/);
  assert.match(page, /Asked to be added at the Working Group, 3 June/);
  assert.match(page, /I agree to receive the Northshire Community Safety Partnership bulletin by e-mail/);
});

test('an import with any wrong row shows each problem with its row and adds nobody; a clean one previews, then adds', async () => {
  const url = `/engagement/lists/${bulletinId}/import`;
  await officer.get(url);
  const csv = 'email,name,organisation\nbeatrix.olowe@example.org,Beatrix Olowe,Fernleigh Youth Trust\nnot-an-address,Someone,\nbeatrix.olowe@example.org,Beatrix again,\n';
  const bad = await officer.post(url, { csv, basis: 'Ticked the box on the conference booking form, February', step: 'apply' });
  assert.equal(bad.statusCode, 400);
  const text = pageText(bad.body);
  assert.match(text, /Row 3: "not-an-address" is not an e-mail address/);
  assert.match(text, /Row 4: beatrix.olowe@example.org is already on row 2/);
  assert.equal(await subscriptionOf('beatrix.olowe@example.org', bulletinId), undefined);

  const noBasis = await officer.post(url, { csv: 'email\nbeatrix.olowe@example.org\n', basis: '' });
  assert.match(pageText(noBasis.body), /Enter the basis on which these people agreed/);

  // The suppressed demo address is shown but never added, whatever the import says.
  const clean = 'email,name,organisation\nbeatrix.olowe@example.org,Beatrix Olowe,Fernleigh Youth Trust\nFormer.Reader@example.org,A former reader,\n';
  const preview = await officer.post(url, { csv: clean, basis: 'Ticked the box on the conference booking form, February', file_name: 'conference bookings', step: 'preview' });
  assert.equal(preview.statusCode, 200);
  const p = pageText(preview.body);
  assert.match(p, /1 person will be added to Monthly bulletin; 1 will not/);
  assert.match(p, /former.reader@example.org .*Not added: asked not to be e-mailed/);
  assert.equal(await subscriptionOf('beatrix.olowe@example.org', bulletinId), undefined, 'a preview adds nobody');

  const applied = await officer.post(url, { csv: clean, basis: 'Ticked the box on the conference booking form, February', file_name: 'conference bookings', step: 'apply' });
  assert.equal(applied.statusCode, 303);
  const added = await subscriptionOf('beatrix.olowe@example.org', bulletinId);
  assert.equal(added?.status, 'subscribed');
  assert.equal(added?.consent_method, 'import');
  assert.match(added!.consent_source, /Imported from conference bookings by .*: Ticked the box on the conference booking form, February/);
  assert.equal((await subscriptionOf('former.reader@example.org', bulletinId))?.status, 'unsubscribed');
});

test('unsubscribing: a GET changes nothing; one POST without a form (as a mail client sends it) unsubscribes at once, and no import nor officer undoes it', async () => {
  const sub = (await subscriptionOf('priya.ramaswamy@fernleigh-college.example', bulletinId))!;
  const url = `/bulletins/unsubscribe/${unsubscribeToken(secret(), sub.id, bulletinId, null)}`;
  const page = await anyone.get(url);
  assert.equal(page.statusCode, 200);
  assert.equal((await subscriptionOf('priya.ramaswamy@fernleigh-college.example', bulletinId))?.status, 'subscribed');

  const res = await t.app.inject({ method: 'POST', url, headers: { host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
  assert.equal(res.statusCode, 200);
  assert.match(pageText(res.body), /You will not receive Monthly bulletin again/);
  assert.equal((await subscriptionOf('priya.ramaswamy@fernleigh-college.example', bulletinId))?.status, 'unsubscribed');
  const suppressed = await db().selectFrom('engagement_suppressions').select('reason').where('email', '=', 'priya.ramaswamy@fernleigh-college.example').executeTakeFirst();
  assert.equal(suppressed?.reason, 'unsubscribed');

  const importUrl = `/engagement/lists/${bulletinId}/import`;
  await officer.get(importUrl);
  const again = await officer.post(importUrl, { csv: 'email\npriya.ramaswamy@fernleigh-college.example\n', basis: 'From an old spreadsheet of contacts', step: 'apply' });
  assert.equal(again.statusCode, 303);
  assert.equal((await subscriptionOf('priya.ramaswamy@fernleigh-college.example', bulletinId))?.status, 'unsubscribed');
  await officer.get('/engagement/subscribers/new');
  const byHand = await officer.post('/engagement/subscribers/new', { email: 'priya.ramaswamy@fernleigh-college.example', lists: bulletinId, basis: 'Asked again at the conference' });
  assert.equal(byHand.statusCode, 400);
  assert.match(pageText(byHand.body), /only they can sign up again/);

  const forged = await t.app.inject({ method: 'POST', url: `/bulletins/unsubscribe/${signLink('another-secret-another-secret-000', 'unsubscribe', [sub.id, bulletinId, ''])}`, headers: { host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
  assert.equal(forged.statusCode, 404);
});

test('the preferences page by signed link: leave one list, keep another, change one’s organisation', async () => {
  const sub = (await subscriptionOf('leila.haddadi@brackenford-dc.example', bulletinId))!;
  const sessionsId = (await db().selectFrom('engagement_lists').select('id').where('name', '=', 'Information sessions').executeTakeFirstOrThrow()).id;
  const url = `/bulletins/preferences/${preferencesToken(secret(), sub.id)}`;
  const page = await anyone.get(url);
  assert.equal(page.statusCode, 200);
  assert.match(pageText(page.body), /For leila.haddadi@brackenford-dc.example/);
  const res = await anyone.post(url, { name: 'Leila Haddadi', organisation: 'Brackenford District Council, community safety', keep: sessionsId });
  assert.equal(res.statusCode, 303);
  assert.equal((await subscriptionOf('leila.haddadi@brackenford-dc.example', bulletinId))?.status, 'unsubscribed');
  assert.equal((await subscriptionOf('leila.haddadi@brackenford-dc.example', sessionsId))?.status, 'subscribed');
  assert.equal((await anyone.get('/bulletins/preferences/not-a-token')).statusCode, 404);
});

test('nobody but officers sees who is on a list: the public is asked to sign in, a member is refused, pages and API alike', async () => {
  for (const url of ['/engagement', '/engagement/subscribers', '/engagement/subscribers.csv', '/engagement/suppressions', '/api/engagement/subscribers', '/api/engagement/lists']) {
    const pub = await anyone.get(url);
    assert.ok([302, 401, 403].includes(pub.statusCode), `${url} answered the public ${pub.statusCode}`);
    assert.doesNotMatch(pub.body, /harriet\.oyelaran/);
    const m = await member.get(url);
    assert.equal(m.statusCode, 403, `${url} answered a member ${m.statusCode}`);
    assert.doesNotMatch(m.body, /harriet\.oyelaran/);
  }
  const csv = await officer.get('/engagement/subscribers.csv');
  assert.equal(csv.statusCode, 200);
  assert.match(csv.body, /harriet.oyelaran@ashbyvale-housing.example,Harriet Oyelaran,Ashby Vale Housing Trust/);
  const api = JSON.parse((await officer.get('/api/engagement/lists')).body) as { items: { name: string; subscribed: number }[] };
  assert.ok(api.items.find((l) => l.name === 'Monthly bulletin')!.subscribed >= 5);
  const read = await db().selectFrom('audit_log').select('summary').where('record_type', '=', 'engagement-subscribers').where('action', '=', 'read').execute();
  assert.ok(read.some((r) => /Downloaded the subscribers as CSV/.test(r.summary ?? '')), 'reading the list is audited');
});
