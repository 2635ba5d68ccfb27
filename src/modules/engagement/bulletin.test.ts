// The bulletin through HTTP and a real SMTP server on this machine: an officer composes an
// issue, previews it as e-mail and web page, sends a test to themself and sends it to the
// list. Every bulk message carries List-Unsubscribe, List-Unsubscribe-Post and its own
// return path; a 5xx at send time suppresses the address; a delivery status notification
// received names its recipient through the return path; the one-click link in a message
// unsubscribes; the figures count it all; the archive and its Atom feed show the issue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type ReceivedMail, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { readReturnPath } from './domain.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let officer: Client;
let anyone: Client;
let bulletinId = '';
let issueId = '';
let issueNumber = 0;
const db = () => t.database.db;
const BAD = 'no.such.person@brackenford-dc.example';

async function waitUntilSent(id: string) {
  for (let i = 0; i < 400; i++) {
    const row = await db().selectFrom('engagement_issues').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    if (row.status === 'sent') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('the issue was not sent within 20 seconds');
}

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer({ refuse: (a) => (a === BAD ? '550 5.1.1 No such user here' : null) });
  t.app.config.smtpUrl = smtp.url;
  t.app.config.bulletinRate = 0;
  officer = await new Client(t.app).signIn(demoUsers.officer);
  anyone = new Client(t.app);
  bulletinId = (await db().selectFrom('engagement_lists').select('id').where('name', '=', 'Monthly bulletin').executeTakeFirstOrThrow()).id;
  // An address that will be refused by the server, subscribed like anyone else.
  const s = await db().insertInto('engagement_subscribers').values({ partnership_id: t.partnershipId, email: BAD, name: 'Nobody', organisation: null }).returning('id').executeTakeFirstOrThrow();
  await db().insertInto('engagement_subscriptions').values({ partnership_id: t.partnershipId, subscriber_id: s.id, list_id: bulletinId, status: 'subscribed', consent_method: 'officer', consent_wording: 'x', consent_source: 'Added by an officer: test' }).execute();
});
after(async () => {
  await t?.close();
  await smtp?.close();
});

test('an officer composes an issue; bad input changes nothing; previews show it as e-mail, text and web page; a test goes only to them', async () => {
  await officer.get('/engagement/bulletins/new');
  const bad = await officer.post('/engagement/bulletins/new', { title: '', list_id: bulletinId });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Enter the title of the issue/);
  const made = await officer.post('/engagement/bulletins/new', { title: 'Bulletin, June: summer safety', list_id: bulletinId, introduction: 'Welcome to the **summer** issue.' });
  assert.equal(made.statusCode, 303);
  issueId = /\/engagement\/bulletins\/([0-9a-f-]{36})/.exec(String(made.headers.location))![1]!;
  issueNumber = (await db().selectFrom('engagement_issues').select('number').where('id', '=', issueId).executeTakeFirstOrThrow()).number;

  const badArticle = await officer.post(`/engagement/bulletins/${issueId}/articles`, { section: 'News', title: 'Water safety', body: 'Text', link_url: 'javascript:alert(1)', image_url: 'https://img.example.org/river.jpg' });
  assert.equal(badArticle.statusCode, 400);
  const problems = pageText(badArticle.body);
  assert.match(problems, /Enter a link starting with https:\/\/ or with \/ for a page of this site/);
  assert.match(problems, /Describe the image for people who cannot see it/);
  assert.equal((await db().selectFrom('engagement_articles').select('id').where('issue_id', '=', issueId).execute()).length, 0);

  for (const [section, title, body, link_url] of [
    ['News', 'Open water safety this summer', 'Fire and rescue crews will be at **Ashby Vale lake** on Saturdays.\n\nRead [the water safety advice](https://fire.example.org/water) before you go.', ''],
    ['Events', 'Information session: stalking', 'A lunchtime session for partners on recognising stalking.', '/bulletins'],
    ['News', 'Grant round opens', 'The Crime Reduction Grant takes proposals until the end of July.', ''],
  ]) assert.equal((await officer.post(`/engagement/bulletins/${issueId}/articles`, { section: section!, title: title!, body: body!, link_url: link_url! })).statusCode, 303);

  const html = (await officer.get(`/engagement/bulletins/${issueId}/preview.html`)).body;
  assert.match(html, /<strong>summer<\/strong>/);
  assert.match(html, /<a href="https:\/\/fire.example.org\/water">the water safety advice<\/a>/);
  assert.match(html, /Unsubscribe<\/a>/);
  assert.doesNotMatch(html, /<img[^>]+width="1"/, 'no tracking pixel');
  assert.ok(html.indexOf('Open water safety') < html.indexOf('Grant round opens') && html.indexOf('Grant round opens') < html.indexOf('Information session: stalking'), 'articles go in their sections');
  const text = (await officer.get(`/engagement/bulletins/${issueId}/preview.txt`)).body;
  assert.match(text, /Read the water safety advice \(https:\/\/fire.example.org\/water\) before you go\./);
  const web = pageText((await officer.get(`/engagement/bulletins/${issueId}/preview`)).body);
  assert.match(web, /A preview: this page is published when the issue is sent/);
  assert.equal((await anyone.get(`/bulletins/${issueNumber}`)).statusCode, 404, 'a draft is not in the archive');

  const before = smtp.messages.length;
  assert.equal((await officer.post(`/engagement/bulletins/${issueId}/test`, {})).statusCode, 303);
  const [mail] = (await smtp.waitFor(before + 1)).slice(before);
  assert.deepEqual(mail!.envelopeTo, [demoUsers.officer]);
  assert.match(mail!.headers.get('subject')!, /^\[Test\] Bulletin, June: summer safety/);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(smtp.messages.length, before + 1);
});

test('sending: one message per subscriber with the bulk headers and its own return path; a 5xx suppresses; the archive and feed show the issue', async () => {
  const recipients = await db().selectFrom('engagement_subscriptions as s').innerJoin('engagement_subscribers as p', 'p.id', 's.subscriber_id')
    .leftJoin('engagement_suppressions as x', (j) => j.onRef('x.email', '=', 'p.email'))
    .select('p.email').where('s.list_id', '=', bulletinId).where('s.status', '=', 'subscribed').where('x.email', 'is', null).execute();
  const before = smtp.messages.length;
  assert.equal((await officer.post(`/engagement/bulletins/${issueId}/send`, {})).statusCode, 303);
  await waitUntilSent(issueId);
  const mails: ReceivedMail[] = smtp.messages.slice(before);
  const to = mails.flatMap((m) => m.envelopeTo).sort();
  assert.deepEqual(to, recipients.map((r) => r.email).filter((e) => e !== BAD).sort(), 'each subscriber once; the refused address not delivered');
  const secret = t.app.config.sessionSecret;
  for (const m of mails) {
    assert.match(m.headers.get('list-unsubscribe')!, /^<http:\/\/localhost:3000\/bulletins\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>$/);
    assert.equal(m.headers.get('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    const named = readReturnPath(secret, m.envelopeFrom);
    assert.ok(named, `the return path ${m.envelopeFrom} names its recipient`);
    assert.equal(named.issueId, issueId);
    const sub = await db().selectFrom('engagement_subscribers').select('email').where('id', '=', named.subscriberId).executeTakeFirstOrThrow();
    assert.deepEqual(m.envelopeTo, [sub.email]);
    assert.ok(m.html && m.text.includes('Unsubscribe: http://localhost:3000/bulletins/unsubscribe/'), 'an HTML part and a plain-text part with the link');
    // The body's links are this recipient's own: the same unsubscribe link as the header.
    const own = /<([^>]+)>/.exec(m.headers.get('list-unsubscribe')!)![1]!;
    assert.ok(m.text.includes(`Unsubscribe: ${own}\n`) && m.html.includes(`href="${own}"`), 'the body carries the header\'s unsubscribe link');
  }
  const suppressed = await db().selectFrom('engagement_suppressions').select('reason').where('email', '=', BAD).executeTakeFirst();
  assert.equal(suppressed?.reason, 'hard-bounce');

  const archive = pageText((await anyone.get('/bulletins')).body);
  assert.match(archive, /Bulletin, June: summer safety/);
  const page = pageText((await anyone.get(`/bulletins/${issueNumber}`)).body);
  assert.match(page, /Open water safety this summer/);
  const atom = (await anyone.get('/bulletins.atom')).body;
  assert.match(atom, /<title>Bulletin, June: summer safety<\/title>/);
  assert.match(atom, new RegExp(`<link rel="alternate" type="text/html" href="http:\/\/localhost:3000\/bulletins\/${issueNumber}"\/>`));
  assert.equal((await officer.post(`/engagement/bulletins/${issueId}/send`, {})).statusCode, 400, 'an issue is sent once');
  const found = pageText((await anyone.get('/search?q=open+water+safety')).body);
  assert.match(found, /Bulletin, June: summer safety/, 'a sent issue is found in search by anyone');
});

test('a bounce report received names its recipient by the return path; the one-click link unsubscribes; the figures count both', async () => {
  const mails = smtp.messages.filter((m) => m.headers.get('subject') === 'Bulletin, June: summer safety');
  const [first, second] = mails;
  const recipient = first!.envelopeTo[0]!;
  const dsn = [
    'From: Mail Delivery System <mailer-daemon@mx.example.net>', `To: ${first!.envelopeFrom}`, 'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"', '',
    '--b1', 'Content-Type: text/plain', '', 'Your message could not be delivered.', '',
    '--b1', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.example.net', '',
    `Final-Recipient: rfc822; ${recipient}`, 'Action: failed', 'Status: 5.1.1', 'Diagnostic-Code: smtp; 550 5.1.1 user unknown', '',
    '--b1', 'Content-Type: text/rfc822-headers', '', 'Subject: Bulletin, June: summer safety', '', '--b1--', '',
  ].join('\r\n');
  const res = await officer.json('POST', '/api/engagement/bounces', { message: dsn });
  assert.equal(res.statusCode, 200, res.body);
  const out = JSON.parse(res.body) as { issueId: string; recipients: { email: string; kind: string; suppressed: boolean }[] };
  assert.equal(out.issueId, issueId);
  assert.deepEqual(out.recipients.map((r) => [r.email, r.kind, r.suppressed]), [[recipient, 'hard', true]]);
  const notDsn = await officer.json('POST', '/api/engagement/bounces', { message: 'Subject: hello\r\n\r\nJust a note' });
  assert.equal(notDsn.statusCode, 400);

  const url = /<([^>]+)>/.exec(second!.headers.get('list-unsubscribe')!)![1]!.replace('http://localhost:3000', '');
  const parsed = await simpleParser(second!.raw);
  assert.ok(String(parsed.html).includes(url), 'the same link is in the body');
  assert.equal((await anyone.get(url)).statusCode, 200);
  const one = await t.app.inject({ method: 'POST', url, headers: { host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
  assert.equal(one.statusCode, 200);

  const api = JSON.parse((await officer.get(`/api/engagement/bulletins/${issueId}`)).body) as { figures: Record<string, number> };
  const sent = smtp.messages.filter((m) => m.headers.get('subject') === 'Bulletin, June: summer safety').length;
  assert.deepEqual({ sent: api.figures.sent, delivered: api.figures.delivered, bounced: api.figures.bounced, unsubscribed: api.figures.unsubscribed },
    { sent, delivered: sent - 1, bounced: 2, unsubscribed: 1 });
  const page = pageText((await officer.get(`/engagement/bulletins/${issueId}`)).body);
  assert.match(page, new RegExp(`Sent ${sent} Delivered ${sent - 1} Bounced 2 Unsubscribed 1`));
});
