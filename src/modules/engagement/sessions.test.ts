// Information sessions through HTTP and a real SMTP server on this machine: an officer sets
// up a session (bad input changes nothing); a person registers without an account and is
// e-mailed a confirmation whose calendar invitation parses with ical.js; a full session
// puts people on the waiting list; a cancellation by the signed link (POST only) moves the
// first waiting person up and e-mails them; two people racing for the last place never both
// get it; registration after close is refused; a partners session needs an account or the
// partners link; the reminder goes once and only to those with a place; the joining link
// never appears on a public page; the register, the feedback form, the counts, the CSV and
// the bulletin announcement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type ReceivedMail, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { reminderRunActor } from '../actions/reminders.ts';
import { ukClock } from '../../web/nunjucks.ts';
import { sendSessionReminders } from './sessions.commands.ts';
import { inviteToken } from './sessions.domain.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let officer: Client;
const db = () => t.database.db;
const LINK = 'https://meet.example.org/j/fraud-briefing-4471';
const REFUSED = 'no.such.person@brackenford-dc.example';
const ukDay = (daysFromNow: number) => ukClock(new Date(Date.now() + daysFromNow * 86_400_000)).iso;
const SESSION_DAY = ukDay(20);
let sessionId = '';

before(async () => {
  t = await createTestApp();
  // An address the mail server refuses, as a mistyped domain would be.
  smtp = await startSmtpTestServer({ refuse: (a) => (a === REFUSED ? '550 5.1.1 No such user here' : null) });
  t.app.config.smtpUrl = smtp.url;
  officer = await new Client(t.app).signIn(demoUsers.officer);
});
after(async () => {
  await t?.close();
  await smtp?.close();
});

const calendarOf = (mail: ReceivedMail) => {
  const part = mail.attachments.find((a) => /calendar|ics/.test(a.contentType));
  if (!part) return null;
  const cal = new ICAL.Component(ICAL.parse(part.content));
  return { cal, event: new ICAL.Event(cal.getFirstSubcomponent('vevent')!) };
};
const mailsTo = (from: number, email: string) => smtp.messages.slice(from).filter((m) => m.envelopeTo.includes(email));
const count = async (sessionId: string, status?: string) =>
  (await db().selectFrom('engagement_registrations').select('id').where('session_id', '=', sessionId).$if(!!status, (q) => q.where('status', '=', status as 'registered')).execute()).length;

async function registerAs(client: Client, id: string, name: string, email: string, organisation = '', extra: Record<string, string> = {}) {
  await client.get(`/events/${id}${extra.invite ? `?invite=${extra.invite}` : ''}`);
  return client.post(`/events/${id}`, { name, email, organisation, ...extra });
}

async function makeSession(fields: Record<string, string>) {
  await officer.get('/engagement/sessions/new');
  const res = await officer.post('/engagement/sessions/new', {
    topic: 'A session', date: SESSION_DAY, start_time: '12:30', end_time: '13:30', capacity: '10', audience: 'public', ...fields,
  });
  assert.equal(res.statusCode, 303, pageText(res.body));
  return /\/engagement\/sessions\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
}

test('an officer sets up a session; bad input is explained and changes nothing; the list shows its counts', async () => {
  const sessionsBefore = (await db().selectFrom('engagement_sessions').select('id').execute()).length;
  await officer.get('/engagement/sessions/new');
  const bad = await officer.post('/engagement/sessions/new', {
    topic: '', 'date-day': '31', 'date-month': '2', 'date-year': '2027', start_time: '13:30', end_time: '12:30', online_link: 'http://meet.example.org/x', capacity: '0', audience: 'everyone',
  });
  assert.equal(bad.statusCode, 400);
  const text = pageText(bad.body);
  for (const m of [/Enter the topic/, /The date of the session must be a real date/, /The session must end after it starts/, /Enter the joining link starting with https:\/\//,
    /The number of places must be a whole number from 1 to 5000/, /Select who the session is for/]) assert.match(text, m);
  assert.equal((await db().selectFrom('engagement_sessions').select('id').execute()).length, sessionsBefore);

  const [y, m, d] = SESSION_DAY.split('-');
  sessionId = await makeSession({
    topic: 'Fraud against older people: a lunchtime briefing', description: 'How doorstep and telephone fraud targets older residents, and what partners can do.',
    speakers: 'Trading Standards and the police economic crime unit', date: '', 'date-day': String(Number(d)), 'date-month': String(Number(m)), 'date-year': y!,
    start_time: '12.30pm', end_time: '1.30pm', online_link: LINK, capacity: '2', audience: 'public',
  });
  const row = await db().selectFrom('engagement_sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
  assert.deepEqual(ukClock(row.starts_at), { iso: SESSION_DAY, hour: 12, minute: 30 }, 'the time is UK time');
  const audit = await db().selectFrom('audit_log').select('summary').where('record_id', '=', sessionId).where('action', '=', 'create').execute();
  assert.equal(audit.length, 1);

  const list = pageText((await officer.get('/engagement/sessions')).body);
  assert.match(list, /Fraud against older people: a lunchtime briefing (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d+ \w+ \d{4}, 12:30pm to 1:30pm Public 0 of 2 0 0/);
});

test('registration: a place with a confirmation and a calendar invitation; then the waiting list; bad input and a second registration are refused', async () => {
  const anyone = new Client(t.app);
  const events = pageText((await anyone.get('/events')).body);
  assert.match(events, /Fraud against older people/);
  const page = await anyone.get(`/events/${sessionId}`);
  assert.equal(page.statusCode, 200);
  assert.match(pageText(page.body), /2 places left/);
  assert.ok(!page.body.includes(LINK), 'the joining link is not on the public page');

  const bad = await anyone.post(`/events/${sessionId}`, { name: '', email: 'not-an-address', organisation: '' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Enter your name.*Enter an e-mail address in the correct format/);
  assert.equal(await count(sessionId), 0);
  // An address the mail server refuses: no confirmation, so no registration and the place stays free.
  const refused = await anyone.post(`/events/${sessionId}`, { name: 'Nobody', email: REFUSED, organisation: '' });
  assert.equal(refused.statusCode, 400);
  assert.match(pageText(refused.body), /We could not send the confirmation to no\.such\.person@brackenford-dc\.example, so you are not registered/);
  assert.equal(await count(sessionId, 'registered'), 0);
  assert.match(pageText((await anyone.get(`/events/${sessionId}`)).body), /2 places left/);

  const before = smtp.messages.length;
  const res = await registerAs(anyone, sessionId, 'Harriet Oyelaran', 'Harriet.Oyelaran@ashbyvale-housing.example', 'Ashby Vale Housing Trust');
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `/events/${sessionId}/registered`);
  const [mail] = await smtp.waitFor(before + 1).then((all) => all.slice(before));
  assert.deepEqual(mail!.envelopeTo, ['harriet.oyelaran@ashbyvale-housing.example']);
  assert.equal(mail!.headers.get('subject'), 'Your place: Fraud against older people: a lunchtime briefing');
  assert.match(mail!.text, new RegExp(`Join online: ${LINK.replace(/\./g, '\\.')}`));
  assert.match(mail!.text, /cancel so that someone else can have the place: http:\/\/localhost:3000\/events\/cancel\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
  const ics = calendarOf(mail!);
  assert.ok(ics, 'a calendar invitation is attached');
  assert.equal(ics.cal.getFirstPropertyValue('method'), 'REQUEST');
  assert.equal(ics.event.uid, `session-${sessionId}@partnership-hub`);
  assert.equal(ics.event.summary, 'Fraud against older people: a lunchtime briefing');
  assert.equal(ics.event.startDate.toString(), `${SESSION_DAY}T12:30:00`);
  assert.equal(ics.event.endDate.toString(), `${SESSION_DAY}T13:30:00`);
  assert.equal(ics.cal.getFirstSubcomponent('vevent')!.getFirstProperty('dtstart')!.getParameter('tzid'), 'Europe/London');
  assert.match(String(ics.event.location), /fraud-briefing-4471/);
  assert.deepEqual(ics.event.attendees.map((a) => String(a.getFirstValue())), ['mailto:harriet.oyelaran@ashbyvale-housing.example']);

  const again = await registerAs(new Client(t.app), sessionId, 'Harriet O', 'harriet.oyelaran@ashbyvale-housing.example');
  assert.equal(again.statusCode, 400);
  assert.match(pageText(again.body), /This address is already registered for this session/);

  assert.equal((await registerAs(new Client(t.app), sessionId, 'Tomasz Wielgosz', 'tomasz.wielgosz@northshire-fire.example', 'Fire and Rescue, Ashby Vale station')).statusCode, 303);
  const full = pageText((await anyone.get(`/events/${sessionId}`)).body);
  assert.match(full, /The session is full\. If you register you join the waiting list/);
  const waitingBefore = smtp.messages.length;
  const waiting = await registerAs(new Client(t.app), sessionId, 'Owen Treharne', 'owen.treharne@northshire-carers.example', 'Carers’ Centre, Fernleigh');
  assert.equal(waiting.headers.location, `/events/${sessionId}/waiting`);
  const [waitMail] = (await smtp.waitFor(waitingBefore + 1)).slice(waitingBefore);
  assert.equal(waitMail!.headers.get('subject'), 'Waiting list: Fraud against older people: a lunchtime briefing');
  assert.ok(!waitMail!.raw.includes(LINK), 'no joining link to someone waiting');
  assert.equal(calendarOf(waitMail!), null, 'no invitation to someone waiting');
  assert.deepEqual([await count(sessionId, 'registered'), await count(sessionId, 'waiting')], [2, 1]);
  const publicRegistrations = await db().selectFrom('audit_log').select('summary').where('record_type', '=', 'engagement-registration').where('actor_label', 'is not', null).execute();
  assert.ok(publicRegistrations.length >= 3, 'public registrations are recorded');
});

test('cancelling through the signed link: a GET changes nothing, a tampered link is refused, the POST frees the place for the first person waiting, who is e-mailed', async () => {
  const first = smtp.messages.find((m) => m.envelopeTo[0] === 'harriet.oyelaran@ashbyvale-housing.example')!;
  const url = /http:\/\/localhost:3000(\/events\/cancel\/\S+)/.exec(first.text)![1]!;
  const anyone = new Client(t.app);
  const look = await anyone.get(url);
  assert.equal(look.statusCode, 200);
  assert.match(pageText(look.body), /Cancel my registration/);
  assert.equal(await count(sessionId, 'registered'), 2, 'a GET changes nothing');
  const tampered = await anyone.get(url.replace(/\.(.)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`));
  assert.equal(tampered.statusCode, 404);
  assert.match(pageText(tampered.body), /This link is not right/);
  const tamperedPost = await anyone.post(url.slice(0, -2) + 'xx', {});
  assert.equal(tamperedPost.statusCode, 404);
  assert.equal(await count(sessionId, 'registered'), 2);

  const before = smtp.messages.length;
  const done = await anyone.post(url, {});
  assert.equal(done.statusCode, 200);
  assert.match(pageText(done.body), /You are no longer registered for Fraud against older people/);
  const mails = (await smtp.waitFor(before + 2)).slice(before);
  const cancelled = mails.find((m) => m.envelopeTo[0] === 'harriet.oyelaran@ashbyvale-housing.example')!;
  assert.equal(calendarOf(cancelled)!.cal.getFirstPropertyValue('method'), 'CANCEL');
  const promoted = mails.find((m) => m.envelopeTo[0] === 'owen.treharne@northshire-carers.example')!;
  assert.equal(promoted.headers.get('subject'), 'A place has come up for you: Fraud against older people: a lunchtime briefing');
  assert.ok(promoted.text.includes(`Join online: ${LINK}`), 'the joining link goes with the place');
  assert.equal(calendarOf(promoted)!.cal.getFirstPropertyValue('method'), 'REQUEST');
  const owen = await db().selectFrom('engagement_registrations').select(['status', 'promoted_at']).where('session_id', '=', sessionId).where('email', '=', 'owen.treharne@northshire-carers.example').executeTakeFirstOrThrow();
  assert.equal(owen.status, 'registered');
  assert.ok(owen.promoted_at);
  const twice = await anyone.post(url, {});
  assert.equal(twice.statusCode, 410);
  assert.match(pageText(twice.body), /already been cancelled/);
  assert.deepEqual([await count(sessionId, 'registered'), await count(sessionId, 'waiting')], [2, 0]);
});

test('changing the time: fewer places than taken is refused; the new time is e-mailed to those registered with the invitation updated', async () => {
  const form = await officer.get(`/engagement/sessions/${sessionId}/edit`);
  assert.match(form.body, /name="start_time" type="text" value="12:30"/);
  const fields = {
    topic: 'Fraud against older people: a lunchtime briefing', description: 'How doorstep and telephone fraud targets older residents, and what partners can do.',
    speakers: 'Trading Standards and the police economic crime unit', date: SESSION_DAY, start_time: '13:00', end_time: '14:00', online_link: LINK, capacity: '2', audience: 'public',
  };
  const fewer = await officer.post(`/engagement/sessions/${sessionId}/edit`, { ...fields, capacity: '1' });
  assert.equal(fewer.statusCode, 400);
  assert.match(pageText(fewer.body), /2 people already have a place: the number of places cannot be fewer than that/);
  assert.equal(ukClock((await db().selectFrom('engagement_sessions').select('starts_at').where('id', '=', sessionId).executeTakeFirstOrThrow()).starts_at).hour, 12, 'nothing changed');
  await new Promise((r) => setTimeout(r, 1100));
  const before = smtp.messages.length;
  const saved = await officer.post(`/engagement/sessions/${sessionId}/edit`, fields);
  assert.equal(saved.statusCode, 303);
  assert.match(pageText((await officer.get(`/engagement/sessions/${sessionId}`)).body), /Session saved; 2 people e-mailed the change/);
  const mails = smtp.messages.slice(before);
  assert.deepEqual(mails.map((m) => m.envelopeTo[0]).sort(), ['owen.treharne@northshire-carers.example', 'tomasz.wielgosz@northshire-fire.example']);
  for (const m of mails) {
    assert.equal(m.headers.get('subject'), 'Changed: Fraud against older people: a lunchtime briefing');
    assert.match(m.text, /1pm to 2pm \(UK time\)/);
    const ics = calendarOf(m)!;
    assert.equal(ics.event.uid, `session-${sessionId}@partnership-hub`);
    assert.equal(ics.event.startDate.toString(), `${SESSION_DAY}T13:00:00`);
    assert.ok(ics.event.sequence > 0, 'a later SEQUENCE, so calendars take the change');
  }
});

test('two people racing for the last place never both get it', async () => {
  const id = await makeSession({ topic: 'Organised dog crime: what partners see', capacity: '1', venue: 'Committee Room 2, County Hall' });
  const a = new Client(t.app);
  const b = new Client(t.app);
  await Promise.all([a.get(`/events/${id}`), b.get(`/events/${id}`)]);
  const results = await Promise.all([
    a.post(`/events/${id}`, { name: 'Ruth Penhaligon', email: 'ruth.penhaligon@brackenford-pcn.example', organisation: '' }),
    b.post(`/events/${id}`, { name: 'Daniel Achterberg', email: 'daniel.achterberg@northshire-probation.example', organisation: '' }),
  ]);
  assert.deepEqual(results.map((r) => r.statusCode), [303, 303]);
  assert.deepEqual(results.map((r) => String(r.headers.location).split('/').pop()).sort(), ['registered', 'waiting']);
  assert.deepEqual([await count(id, 'registered'), await count(id, 'waiting')], [1, 1]);
});

test('after registration closes nobody is added, not even to the waiting list', async () => {
  const id = await makeSession({ topic: 'Prevent: a refresher', venue: 'The Guildhall, Brackenford' });
  const client = new Client(t.app);
  await client.get(`/events/${id}`);
  await db().updateTable('engagement_sessions').set({ registration_opens_at: new Date(Date.now() - 2 * 86_400_000), registration_closes_at: new Date(Date.now() - 86_400_000) }).where('id', '=', id).execute();
  assert.match(pageText((await client.get(`/events/${id}`)).body), /Registration for this session has closed/);
  const res = await client.post(`/events/${id}`, { name: 'Leila Haddadi', email: 'leila.haddadi@brackenford-dc.example', organisation: '' });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /Registration for this session has closed/);
  assert.equal(await count(id), 0);
});

test('a partners session is not listed or open to the public; the partners link opens it; a tampered one does not', async () => {
  const id = await makeSession({ topic: 'Stalking: recognising it and what to do', audience: 'partners', online_link: 'https://meet.example.org/j/stalking-2288' });
  const anyone = new Client(t.app);
  assert.doesNotMatch(pageText((await anyone.get('/events')).body), /Stalking/);
  assert.equal((await anyone.get(`/events/${id}`)).statusCode, 404);
  const invite = inviteToken(t.app.config.sessionSecret, id);
  const opened = await anyone.get(`/events/${id}?invite=${invite}`);
  assert.equal(opened.statusCode, 200);
  assert.ok(!opened.body.includes('stalking-2288'));
  assert.equal((await anyone.get(`/events/${id}?invite=${invite.slice(0, -1)}x`)).statusCode, 404);
  assert.equal((await anyone.get(`/events/${sessionId}?invite=${invite}`)).statusCode, 200, 'a public session needs no link');
  const forged = await anyone.post(`/events/${id}`, { name: 'Marcus Eldridge', email: 'marcus.eldridge@northshire-police.example', organisation: '', invite: inviteToken(t.app.config.sessionSecret, sessionId) });
  assert.equal(forged.statusCode, 404, 'another session’s link does not open this one');
  assert.equal((await registerAs(anyone, id, 'Marcus Eldridge', 'marcus.eldridge@northshire-police.example', 'Northshire Police', { invite })).statusCode, 303);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.match(pageText((await member.get('/events')).body), /Stalking/, 'signed-in partners see it listed');
  assert.equal((await registerAs(member, id, 'Priya Ramaswamy', 'priya.ramaswamy@fernleigh-college.example', 'Fernleigh College')).statusCode, 303);
  assert.equal(await count(id, 'registered'), 2);
  // In search as on the events page: the partners session for signed-in readers only, never its joining link.
  assert.doesNotMatch(pageText((await anyone.get('/search?q=stalking+recognising')).body), /Stalking: recognising it/);
  const found = await member.get('/search?q=stalking+recognising');
  assert.match(pageText(found.body), /Stalking: recognising it and what to do/);
  assert.ok(!found.body.includes('stalking-2288'));
  assert.match(pageText((await anyone.get('/search?q=fraud+older+people')).body), /Fraud against older people: a lunchtime briefing/);
});

test('the reminder the day before goes once, with the joining link, only to those with a place', async () => {
  const id = await makeSession({ topic: 'Domestic abuse in later life', capacity: '1', online_link: 'https://meet.example.org/j/later-life-9031' });
  await registerAs(new Client(t.app), id, 'Leila Haddadi', 'leila.haddadi@brackenford-dc.example', 'Brackenford District Council');
  await registerAs(new Client(t.app), id, 'Daniel Achterberg', 'daniel.achterberg@northshire-probation.example', 'Probation Service, Northshire');
  const mailer = mailerFromConfig(t.app.config)!;
  const ctx = { db: db(), actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'https://csp.example.org', secret: t.app.config.sessionSecret, organiserEmail: 'csp@northshire.example' };
  try {
    const dayBefore = ukDay(19);
    const before = smtp.messages.length;
    const first = await sendSessionReminders(ctx, dayBefore);
    const second = await sendSessionReminders(ctx, dayBefore);
    const none = await sendSessionReminders(ctx, ukDay(10));
    assert.equal(none.messages, 0, 'not reminded ten days early');
    assert.equal(second.messages, 0, 'at most once');
    const mails = smtp.messages.slice(before).filter((m) => /^Tomorrow: /.test(m.headers.get('subject') ?? ''));
    assert.equal(first.messages, mails.length);
    const later = mails.filter((m) => m.headers.get('subject') === 'Tomorrow: Domestic abuse in later life');
    assert.deepEqual(later.map((m) => m.envelopeTo[0]), ['leila.haddadi@brackenford-dc.example'], 'the person waiting is not reminded');
    assert.match(later[0]!.text, /Join online: https:\/\/meet\.example\.org\/j\/later-life-9031/);
    assert.match(later[0]!.text, /https:\/\/csp\.example\.org\/events\/cancel\//);
    const leila = await db().selectFrom('engagement_registrations').select(['reminder_sent_at', 'joining_link_sent_at']).where('session_id', '=', id).where('status', '=', 'registered').executeTakeFirstOrThrow();
    assert.ok(leila.reminder_sent_at && leila.joining_link_sent_at);
  } finally { mailer.close(); }
  const anyone = new Client(t.app);
  for (const url of ['/events', `/events/${id}`, '/api/events', `/api/events/${id}`, '/events/past']) {
    assert.ok(!(await anyone.get(url)).body.includes('later-life-9031'), `no joining link at ${url}`);
  }
});

test('after the session: the register on a phone, the feedback form by signed link, the counts, the CSV and past topics', async () => {
  // The fraud briefing took place yesterday.
  const starts = new Date(Date.now() - 86_400_000);
  await db().updateTable('engagement_sessions').set({ starts_at: starts, ends_at: new Date(starts.getTime() + 3_600_000), registration_opens_at: new Date(starts.getTime() - 30 * 86_400_000), registration_closes_at: starts }).where('id', '=', sessionId).execute();
  const places = await db().selectFrom('engagement_registrations').select(['id', 'email']).where('session_id', '=', sessionId).where('status', '=', 'registered').orderBy('position').execute();
  const tomasz = places.find((p) => p.email.startsWith('tomasz'))!;
  const owen = places.find((p) => p.email.startsWith('owen'))!;
  const register = await officer.get(`/engagement/sessions/${sessionId}/register`);
  assert.equal(register.statusCode, 200);
  assert.match(register.body, new RegExp(`<input class="govuk-checkboxes__input" id="attended[^"]*" name="attended" type="checkbox" value="${tomasz.id}"`));
  const forged = await officer.post(`/engagement/sessions/${sessionId}/register`, { attended: [tomasz.id, '00000000-0000-4000-8000-000000000000'] });
  assert.equal(forged.statusCode, 400);
  assert.match(pageText(forged.body), /Tick only people with a place at this session/);
  assert.equal((await db().selectFrom('engagement_registrations').select('id').where('session_id', '=', sessionId).where('attended', 'is not', null).execute()).length, 0);
  assert.equal((await officer.post(`/engagement/sessions/${sessionId}/register`, { attended: [tomasz.id] })).statusCode, 303);
  const page = pageText((await officer.get(`/engagement/sessions/${sessionId}`)).body);
  assert.match(page, /Places 2 of 2 taken Waiting list 0 Attended 1/);

  const before = smtp.messages.length;
  assert.equal((await officer.post(`/engagement/sessions/${sessionId}/feedback-requests`, {})).statusCode, 303);
  const mails = (await smtp.waitFor(before + 1)).slice(before);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(smtp.messages.slice(before).map((m) => m.envelopeTo[0]), ['tomasz.wielgosz@northshire-fire.example'], 'only the attendee is asked');
  await officer.post(`/engagement/sessions/${sessionId}/feedback-requests`, {});
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(smtp.messages.length, before + 1, 'asked once');
  assert.equal(mailsTo(before, owen.email).length, 0);
  const url = /http:\/\/localhost:3000(\/events\/feedback\/\S+)/.exec(mails[0]!.text)![1]!;
  const person = new Client(t.app);
  assert.equal((await person.get(url)).statusCode, 200);
  const missing = await person.post(url, { overall: '5', comments: 'Very practical.' });
  assert.equal(missing.statusCode, 400);
  assert.match(pageText(missing.body), /Select an answer to: How useful was it for your work\?/);
  assert.equal((await db().selectFrom('engagement_feedback').select('overall').where('session_id', '=', sessionId).execute()).length, 0);
  const saved = await person.post(url, { overall: '5', usefulness: '4', speakers: '5', comments: 'Very practical: the doorstep scripts were useful.' });
  assert.equal(saved.statusCode, 200);
  assert.match(pageText(saved.body), /Thank you for your feedback/);
  assert.equal((await person.post(url, { overall: '1', usefulness: '1', speakers: '1' })).statusCode, 410);
  assert.equal((await person.get(url.slice(0, -3) + 'abc')).statusCode, 404);
  const withFeedback = pageText((await officer.get(`/engagement/sessions/${sessionId}`)).body);
  assert.match(withFeedback, /1 answer\. Overall, how was the session\? 5 out of 5 How useful was it for your work\? 4 out of 5/);
  assert.match(withFeedback, /the doorstep scripts were useful/);

  const year = ukClock(starts).iso.slice(0, 4);
  const report = pageText((await officer.get(`/engagement/sessions/report?year=${year}`)).body);
  assert.match(report, /Fire and Rescue, Ashby Vale station 1 1 1/);
  assert.match(report, /Carers’ Centre, Fernleigh 1 0 0/);

  const api = (await officer.json('GET', `/api/engagement/sessions/report?year=${year}`)).json() as { organisations: { organisation: string; spellings: string[]; places: number; attended: number; sessions: number }[] };
  assert.deepEqual(api.organisations.find((o) => o.organisation === 'Fire and Rescue, Ashby Vale station'), { organisation: 'Fire and Rescue, Ashby Vale station', spellings: ['Fire and Rescue, Ashby Vale station'], places: 1, attended: 1, sessions: 1 });
  assert.equal((await new Client(t.app).json('GET', '/api/engagement/sessions/report')).statusCode, 401);

  const csv = await officer.get(`/engagement/sessions/${sessionId}/registrations.csv`);
  assert.equal(csv.statusCode, 200);
  const lines = csv.body.trim().split(/\r?\n/);
  assert.equal(lines[0], 'name,email,organisation,status,registered_at,moved_up_at,cancelled_at,attended');
  assert.ok(lines.some((l) => l.startsWith('Tomasz Wielgosz,tomasz.wielgosz@northshire-fire.example,"Fire and Rescue, Ashby Vale station",place,') && l.endsWith(',yes')));
  assert.ok(lines.some((l) => l.startsWith('Harriet Oyelaran,') && l.includes(',cancelled,')));
  const anyone = new Client(t.app);
  assert.notEqual((await anyone.get(`/engagement/sessions/${sessionId}/registrations.csv`)).statusCode, 200);

  const past = pageText((await anyone.get('/events/past')).body);
  assert.match(past, /Fraud against older people: a lunchtime briefing Trading Standards/);
  assert.doesNotMatch(past, /Tomasz|Harriet/);
});

test('announce in the next bulletin: one click adds an article to the next draft issue, without the joining link', async () => {
  const id = await makeSession({ topic: 'Scams and the cost of living', online_link: 'https://meet.example.org/j/scams-5520', description: 'What the latest scams look like.' });
  await officer.get(`/engagement/sessions/${id}`);
  const res = await officer.post(`/engagement/sessions/${id}/announce`, {});
  assert.equal(res.statusCode, 303);
  const article = await db().selectFrom('engagement_articles as a').innerJoin('engagement_issues as i', 'i.id', 'a.issue_id').select(['a.title', 'a.body', 'a.section', 'a.link_url', 'i.status'])
    .where('a.title', '=', 'Information session: Scams and the cost of living').executeTakeFirstOrThrow();
  assert.equal(article.status, 'draft');
  assert.equal(article.section, 'Events');
  assert.equal(article.link_url, `/events/${id}`);
  assert.ok(!article.body.includes('scams-5520'));
  assert.match(pageText((await officer.get(`/engagement/sessions/${id}`)).body), /Added to issue \d+ of the bulletin, in Events/);

  // With no draft issue, the session is marked and the next issue started takes it.
  const drafts = await db().selectFrom('engagement_issues').select('id').where('status', '=', 'draft').execute();
  await db().deleteFrom('engagement_articles').where('issue_id', 'in', drafts.map((d) => d.id)).execute();
  await db().deleteFrom('engagement_issues').where('id', 'in', drafts.map((d) => d.id)).execute();
  const later = await makeSession({ topic: 'Safer nights out: the night-time economy', venue: 'The Corn Exchange, Brackenford' });
  await officer.get(`/engagement/sessions/${later}`);
  await officer.post(`/engagement/sessions/${later}/announce`, {});
  assert.match(pageText((await officer.get(`/engagement/sessions/${later}`)).body), /It will be added to the next issue of the bulletin when it is started/);
  assert.equal((await db().selectFrom('engagement_sessions').select('announce_in_next_bulletin').where('id', '=', later).executeTakeFirstOrThrow()).announce_in_next_bulletin, true);
  const listId = (await db().selectFrom('engagement_lists').select('id').where('name', '=', 'Monthly bulletin').executeTakeFirstOrThrow()).id;
  await officer.get('/engagement/bulletins/new');
  const started = await officer.post('/engagement/bulletins/new', { title: 'Bulletin, winter', list_id: listId });
  const issueId = /\/engagement\/bulletins\/([0-9a-f-]{36})/.exec(String(started.headers.location))![1]!;
  const titles = (await db().selectFrom('engagement_articles').select('title').where('issue_id', '=', issueId).execute()).map((a) => a.title);
  assert.deepEqual(titles, ['Information session: Safer nights out: the night-time economy']);
  assert.equal((await db().selectFrom('engagement_sessions').select('announce_in_next_bulletin').where('id', '=', later).executeTakeFirstOrThrow()).announce_in_next_bulletin, false);
});

test('the API: officers list sessions with counts; the public API shows a session without its joining link and registers', async () => {
  const list = await officer.json('GET', '/api/engagement/sessions');
  assert.equal(list.statusCode, 200);
  const items = (list.json() as { items: { id: string; registered: number; attended: number; onlineLink: string | null }[] }).items;
  assert.ok(items.some((s) => s.id === sessionId && s.registered === 2 && s.attended === 1 && s.onlineLink === LINK));
  const made = await officer.json('POST', '/api/engagement/sessions', { topic: 'Hate crime reporting centres', date: SESSION_DAY, startTime: '12:00', endTime: '13:00', venue: 'Ashby Vale library', capacity: 30, audience: 'public' });
  assert.equal(made.statusCode, 201, made.body);
  const id = (made.json() as { id: string }).id;
  const anyone = new Client(t.app);
  const one = await anyone.json('GET', `/api/events/${id}`);
  assert.equal(one.statusCode, 200);
  assert.equal((one.json() as { placesLeft: number }).placesLeft, 30);
  const bad = await anyone.json('POST', `/api/events/${id}/registrations`, { name: 'X', email: 'nope' });
  assert.equal(bad.statusCode, 400);
  const ok = await anyone.json('POST', `/api/events/${id}/registrations`, { name: 'Priya Ramaswamy', email: 'priya.ramaswamy@fernleigh-college.example', organisation: 'Fernleigh College' });
  assert.equal(ok.statusCode, 201, ok.body);
  assert.deepEqual(ok.json(), { status: 'registered' });
  assert.equal((await anyone.json('GET', '/api/engagement/sessions')).statusCode, 401);
  const spec = (await anyone.json('GET', '/api/openapi.json')).json() as { paths: Record<string, unknown> };
  for (const p of ['/api/engagement/sessions', '/api/engagement/sessions/{id}', '/api/events', '/api/events/{id}', '/api/events/{id}/registrations']) assert.ok(spec.paths[p], `${p} in OpenAPI`);
});
