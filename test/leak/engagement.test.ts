// Never-leak for the engagement module: the people on the distribution lists, their
// consent and their bounces (and, as the module grows, registrations for sessions and
// draft bulletins) are seeded with marker words found nowhere else. Every GET route of
// the module, pages and /api twins and the CSV, is walked as the public and as a member
// without any grant: no marker and no subscriber id appears. An officer sees every
// marker somewhere, so the walk would notice a leak. The e-mails the module sends are
// read at a local SMTP server and hold no one else's details.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { assertNoLeaks, moduleAddresses } from '../support/leak.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { preferencesToken, unsubscribeToken } from '../../src/modules/engagement/subscribers.commands.ts';

let t: TestApp;
let smtp: SmtpTestServer;
const M = {
  name: 'Quillbramble Ostrander',
  email: 'zephyrine.quillbramble@marker.example',
  organisation: 'Thistledown Marrowgate Trust',
  basis: 'Agreed at the Vantablack Orrery breakfast',
  suppressed: 'grimsditch.vellacott@marker.example',
  bounce: 'Mailbox Oubliette Kestrelwing unknown',
  draft: 'Marzipan Gallowglass draft headline',
};
let subscriberId = '';
let listId = '';
let otherId = '';
let draftId = '';

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  const db = t.database.db;
  const pid = t.partnershipId;
  listId = (await db.selectFrom('engagement_lists').select('id').where('name', '=', 'Monthly bulletin').executeTakeFirstOrThrow()).id;
  const s = await db.insertInto('engagement_subscribers').values({ partnership_id: pid, email: M.email, name: M.name, organisation: M.organisation }).returning('id').executeTakeFirstOrThrow();
  subscriberId = s.id;
  await db.insertInto('engagement_subscriptions').values({
    partnership_id: pid, subscriber_id: s.id, list_id: listId, status: 'subscribed', consent_method: 'officer', consent_wording: 'The usual words', consent_source: `Added by an officer: ${M.basis}`,
  }).execute();
  await db.insertInto('engagement_suppressions').values({ partnership_id: pid, email: M.suppressed, reason: 'hard-bounce', detail: null }).execute();
  await db.insertInto('engagement_bounces').values({ partnership_id: pid, email: M.email, kind: 'soft', source: 'dsn', status: '4.2.2', diagnostic: M.bounce }).execute();
  const draft = await db.insertInto('engagement_issues').values({ partnership_id: pid, list_id: listId, number: 50, title: M.draft }).returning('id').executeTakeFirstOrThrow();
  draftId = draft.id;
  await db.insertInto('engagement_articles').values({ partnership_id: pid, issue_id: draft.id, section: 'News', position: 1, title: 'Draft article', body: 'Text of a draft.' }).execute();
  otherId = (await db.selectFrom('engagement_subscribers').select('id').where('email', '=', 'former.reader@example.org').executeTakeFirstOrThrow()).id;
});
after(async () => {
  await t?.close();
  await smtp?.close();
});

test('nothing of the people on the lists reaches the public or a member without grants, on any page, API route or export', async (ctx) => {
  const { urls, routes } = await moduleAddresses(t.app, ['/engagement', '/api/engagement', '/bulletins'], (_route, param) => {
    // Signed links are capabilities held by their person: the walk uses links of someone
    // without markers, and tampered ones, never the marked person's own.
    if (param === 'token') return [preferencesToken(t.app.config.sessionSecret, otherId), unsubscribeToken(t.app.config.sessionSecret, otherId, listId, null), 'tampered.token'];
    if (param === 'number') return ['1', '2', '50'];
    return [subscriberId, listId, draftId, '00000000-0000-4000-8000-000000000000'];
  });
  assert.ok(routes.includes('/engagement/subscribers/:id') && routes.includes('/api/engagement/subscribers'), 'the walk reaches the subscriber routes');
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const member = await new Client(t.app).signIn(demoUsers.member);
  const markers = Object.values(M);
  const summary = await assertNoLeaks(officer, urls, markers, [
    { name: 'the public', client: new Client(t.app), markers, idMarkers: { subscriberId, draftId } },
    { name: 'a member without grants', client: member, markers, idMarkers: { subscriberId, draftId } },
  ]);
  ctx.diagnostic(summary);
});

test('the confirmation e-mail a sign-up sends holds nothing of anyone else on the list', async () => {
  const anyone = new Client(t.app);
  await anyone.get('/bulletins/sign-up');
  const before = smtp.messages.length;
  const res = await anyone.post('/bulletins/sign-up', { email: 'someone.new@example.org', lists: listId, agree: 'yes' });
  assert.equal(res.statusCode, 303);
  const mails = (await smtp.waitFor(before + 1)).slice(before);
  for (const mail of mails) for (const m of Object.values(M)) assert.ok(!mail.raw.includes(m), `the e-mail holds ${m}`);
});

test('each copy of a bulletin sent holds its own recipient’s address and links, and nobody else’s details', async () => {
  const db = t.database.db;
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  await officer.get(`/engagement/bulletins/${draftId}`);
  const before = smtp.messages.length;
  const res = await officer.post(`/engagement/bulletins/${draftId}/send`, {});
  assert.equal(res.statusCode, 303);
  for (let i = 0; i < 400; i++) {
    if ((await db.selectFrom('engagement_issues').select('status').where('id', '=', draftId).executeTakeFirstOrThrow()).status === 'sent') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const mails = smtp.messages.slice(before);
  assert.ok(mails.length >= 5, `${mails.length} copies sent`);
  const others = [M.name, M.email, M.organisation, M.basis, M.suppressed, M.bounce];
  for (const mail of mails) {
    const mine = mail.envelopeTo[0]!;
    // The marked subscriber's own copy is addressed to them; nobody else's mentions them.
    const notTheirs = mine === M.email ? others.filter((m) => m !== M.email && m !== M.name) : others;
    for (const m of notTheirs) assert.ok(!mail.raw.includes(m), `the copy to ${mine} holds ${m}`);
    const names = [...mail.raw.matchAll(/[a-z0-9.]+@[a-z0-9.-]+\.example(?:\.org)?/g)].map((x) => x[0]).filter((a) => a !== mine && !/^(csp|no-reply|bounces)/.test(a));
    assert.deepEqual([...new Set(names)], [], `the copy to ${mine} names no other subscriber`);
  }
});
