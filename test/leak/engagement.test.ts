// Never-leak for the engagement module: the people on the distribution lists, their
// consent and their bounces, draft bulletins, the people registered for information
// sessions (names, e-mails, organisations, feedback), the joining links of online
// sessions and a partners session are seeded with marker words found nowhere else. Every GET route of
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
import { cancelToken, feedbackToken, inviteToken } from '../../src/modules/engagement/sessions.domain.ts';

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
  registrant: 'Philomena Brackwater-Skelly',
  registrantEmail: 'philomena.brackwater@marker.example',
  registrantOrganisation: 'Lanternfish Quaysmith Collective',
  joiningLink: 'https://meet.example.org/j/ossuary-periwinkle-7781',
  partnersJoiningLink: 'https://meet.example.org/j/halcyon-wrenfeather-3302',
  partnersTopic: 'Cormorant Thimblewick partners briefing',
  feedback: 'Comments Saltmarsh Bellwether only for officers',
};
let subscriberId = '';
let listId = '';
let otherId = '';
let draftId = '';
let sessionId = '';
let partnersSessionId = '';
let registrationId = '';
let otherRegistrationId = '';

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
  // A public online session, past (so its register and feedback exist) and a partners one to come.
  const day = 86_400_000;
  const past = Date.now() - 2 * day;
  const session = await db.insertInto('engagement_sessions').values({
    partnership_id: pid, topic: 'Public session on bike theft', starts_at: new Date(past), ends_at: new Date(past + 3_600_000), online_link: M.joiningLink, capacity: 5, audience: 'public',
    registration_opens_at: new Date(past - 10 * day), registration_closes_at: new Date(past),
  }).returning('id').executeTakeFirstOrThrow();
  sessionId = session.id;
  const reg = await db.insertInto('engagement_registrations').values({ partnership_id: pid, session_id: sessionId, name: M.registrant, email: M.registrantEmail, organisation: M.registrantOrganisation, status: 'registered', attended: true })
    .returning('id').executeTakeFirstOrThrow();
  registrationId = reg.id;
  await db.insertInto('engagement_feedback').values({ partnership_id: pid, registration_id: reg.id, session_id: sessionId, overall: 4, usefulness: 4, speakers: 4, comments: M.feedback }).execute();
  const other = await db.insertInto('engagement_registrations').values({ partnership_id: pid, session_id: sessionId, name: 'Someone Else', email: 'someone.else@example.org', organisation: null, status: 'registered', attended: true })
    .returning('id').executeTakeFirstOrThrow();
  otherRegistrationId = other.id;
  const soon = Date.now() + 10 * day;
  partnersSessionId = (await db.insertInto('engagement_sessions').values({
    partnership_id: pid, topic: M.partnersTopic, starts_at: new Date(soon), ends_at: new Date(soon + 3_600_000), online_link: M.partnersJoiningLink, capacity: 5, audience: 'partners',
    registration_opens_at: new Date(Date.now() - day), registration_closes_at: new Date(soon),
  }).returning('id').executeTakeFirstOrThrow()).id;
});
after(async () => {
  await t?.close();
  await smtp?.close();
});

test('nothing of the people on the lists reaches the public or a member without grants, on any page, API route or export', async (ctx) => {
  const secret = t.app.config.sessionSecret;
  const { urls, routes } = await moduleAddresses(t.app, ['/engagement', '/api/engagement', '/bulletins', '/events', '/api/events'], (_route, param) => {
    // Signed links are capabilities held by their person: the walk uses links of someone
    // without markers, and tampered ones, never the marked person's own.
    if (param === 'token') {
      return [preferencesToken(secret, otherId), unsubscribeToken(secret, otherId, listId, null), cancelToken(secret, otherRegistrationId), feedbackToken(secret, otherRegistrationId),
        cancelToken(secret, registrationId).slice(0, -2) + 'xx', 'tampered.token'];
    }
    if (param === 'number') return ['1', '2', '50'];
    return [subscriberId, listId, draftId, sessionId, partnersSessionId, registrationId, '00000000-0000-4000-8000-000000000000'];
  });
  // The partners link of another session opens nothing here; a tampered one neither.
  urls.push(`/events/${partnersSessionId}?invite=${inviteToken(secret, sessionId)}`, `/events/${partnersSessionId}?invite=${inviteToken(secret, partnersSessionId).slice(0, -2)}xx`,
    `/api/events/${partnersSessionId}?invite=${inviteToken(secret, sessionId)}`);
  assert.ok(routes.includes('/engagement/sessions/:id') && routes.includes('/events/:id') && routes.includes('/engagement/sessions/:id/registrations.csv'), 'the walk reaches the session routes');
  assert.ok(routes.includes('/engagement/sessions/:id/cancel') && routes.includes('/engagement/sessions/:id/registrations/:registrationId/cancel'), 'the walk reaches the pages that call things off');
  assert.ok(routes.includes('/engagement/subscribers/:id') && routes.includes('/api/engagement/subscribers'), 'the walk reaches the subscriber routes');
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const member = await new Client(t.app).signIn(demoUsers.member);
  const markers = Object.values(M);
  // A member is one of the partnership's signed-in people: a partners session's topic is theirs to read (never its joining link).
  const memberMarkers = markers.filter((m) => m !== M.partnersTopic);
  const summary = await assertNoLeaks(officer, urls, markers, [
    { name: 'the public', client: new Client(t.app), markers, idMarkers: { subscriberId, draftId, registrationId } },
    { name: 'a member without grants', client: member, markers: memberMarkers, idMarkers: { subscriberId, draftId, registrationId } },
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

test('the e-mails a registration sends hold nothing of anyone else registered, and the joining link only with a place', async () => {
  const db = t.database.db;
  const soon = Date.now() + 5 * 86_400_000;
  const small = await db.insertInto('engagement_sessions').values({
    partnership_id: t.partnershipId, topic: 'A small public session', starts_at: new Date(soon), ends_at: new Date(soon + 3_600_000), online_link: M.joiningLink, capacity: 1, audience: 'public',
    registration_opens_at: new Date(Date.now() - 86_400_000), registration_closes_at: new Date(soon),
  }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('engagement_registrations').values({ partnership_id: t.partnershipId, session_id: small.id, name: M.registrant, email: M.registrantEmail, organisation: M.registrantOrganisation, status: 'registered' }).execute();
  const anyone = new Client(t.app);
  await anyone.get(`/events/${small.id}`);
  const before = smtp.messages.length;
  const res = await anyone.post(`/events/${small.id}`, { name: 'A Newcomer', email: 'a.newcomer@example.org', organisation: '' });
  assert.equal(res.statusCode, 303);
  const [mail] = (await smtp.waitFor(before + 1)).slice(before);
  assert.match(mail!.headers.get('subject')!, /^Waiting list: /);
  for (const m of Object.values(M)) assert.ok(!mail!.raw.includes(m), `the e-mail to someone waiting holds ${m}`);
});

test('the e-mails of a cancelled session, and of a registration cancelled for someone, hold nothing of anyone else registered', async () => {
  const db = t.database.db;
  const soon = Date.now() + 6 * 86_400_000;
  const s = await db.insertInto('engagement_sessions').values({
    partnership_id: t.partnershipId, topic: 'A session to call off', starts_at: new Date(soon), ends_at: new Date(soon + 3_600_000), online_link: M.joiningLink, capacity: 1, audience: 'public',
    registration_opens_at: new Date(Date.now() - 86_400_000), registration_closes_at: new Date(soon),
  }).returning('id').executeTakeFirstOrThrow();
  const first = await db.insertInto('engagement_registrations').values({ partnership_id: t.partnershipId, session_id: s.id, name: 'First Person', email: 'first.person@example.org', organisation: null, status: 'registered' }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('engagement_registrations').values({ partnership_id: t.partnershipId, session_id: s.id, name: M.registrant, email: M.registrantEmail, organisation: M.registrantOrganisation, status: 'waiting' }).execute();
  await db.insertInto('engagement_registrations').values({ partnership_id: t.partnershipId, session_id: s.id, name: 'Third Person', email: 'third.person@example.org', organisation: null, status: 'waiting' }).execute();
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const before = smtp.messages.length;
  await officer.get(`/engagement/sessions/${s.id}/registrations/${first.id}/cancel`);
  assert.equal((await officer.post(`/engagement/sessions/${s.id}/registrations/${first.id}/cancel`, { reason: 'Asked us by telephone', tell: 'yes' })).statusCode, 303);
  await officer.get(`/engagement/sessions/${s.id}/cancel`);
  assert.equal((await officer.post(`/engagement/sessions/${s.id}/cancel`, { reason: 'The room is no longer available' })).statusCode, 303);
  const mails = smtp.messages.slice(before).filter((m) => !m.envelopeTo.includes(M.registrantEmail));
  assert.ok(mails.length >= 2, `${mails.length} e-mails to the others`);
  // The first person had a place, so the withdrawn invitation may carry the session's own joining link; nothing of anyone else.
  for (const mail of mails) {
    const allowed = mail.envelopeTo.includes('first.person@example.org') ? [M.joiningLink] : [];
    for (const m of Object.values(M).filter((x) => !allowed.includes(x))) assert.ok(!mail.raw.includes(m), `the e-mail to ${mail.envelopeTo[0]} holds ${m}`);
  }
  assert.ok(!mails.find((m) => m.envelopeTo.includes('third.person@example.org'))!.raw.includes(M.joiningLink), 'nobody waiting gets the joining link');
});
