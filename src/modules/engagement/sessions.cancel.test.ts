// Calling things off, through HTTP and a real SMTP server on this machine: an officer
// cancels someone's registration for them (the first waiting person moves up and is
// e-mailed; the person cancelled gets the calendar's cancellation unless the officer says
// they already know); an officer cancels a whole session (everyone registered or waiting
// is e-mailed the reason, the public page says so, nobody can register, no reminder goes,
// a person's own cancel link explains); bad input and readers without the right change
// nothing. And the yearly counts per organisation merge the ways people typed one name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type ReceivedMail, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { reminderRunActor } from '../actions/reminders.ts';
import { ukClock } from '../../web/nunjucks.ts';
import { sendSessionReminders } from './sessions.commands.ts';
import { cancelToken } from './sessions.domain.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let officer: Client;
const db = () => t.database.db;
const ukDay = (daysFromNow: number) => ukClock(new Date(Date.now() + daysFromNow * 86_400_000)).iso;

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  officer = await new Client(t.app).signIn(demoUsers.officer);
});
after(async () => {
  await t?.close();
  await smtp?.close();
});

const mailsTo = (from: number, email: string) => smtp.messages.slice(from).filter((m) => m.envelopeTo.includes(email));
const calendarMethod = (mail: ReceivedMail) => {
  const part = mail.attachments.find((a) => /calendar|ics/.test(a.contentType));
  return part ? String(new ICAL.Component(ICAL.parse(part.content)).getFirstPropertyValue('method')) : null;
};
const statusOf = async (email: string, sessionId: string) =>
  (await db().selectFrom('engagement_registrations').select('status').where('session_id', '=', sessionId).where('email', '=', email).executeTakeFirstOrThrow()).status;

async function makeSession(fields: Record<string, string>) {
  await officer.get('/engagement/sessions/new');
  const res = await officer.post('/engagement/sessions/new', { topic: 'A session', date: ukDay(1), start_time: '12:30', end_time: '13:30', capacity: '1', audience: 'public', ...fields });
  assert.equal(res.statusCode, 303, pageText(res.body));
  return /\/engagement\/sessions\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
}
async function registerAs(id: string, name: string, email: string, organisation = '') {
  const anyone = new Client(t.app);
  await anyone.get(`/events/${id}`);
  const res = await anyone.post(`/events/${id}`, { name, email, organisation });
  assert.equal(res.statusCode, 303, pageText(res.body));
}

test('an officer cancels a registration for someone: the place goes to the first waiting, both are e-mailed; bad input and others change nothing', async () => {
  const id = await makeSession({ topic: 'Cuckooing: spotting the signs', venue: 'Ashby Vale community hall' });
  await registerAs(id, 'Gwen Ashcombe', 'gwen.ashcombe@ashby-housing.example', 'Ashby Housing');
  await registerAs(id, 'Tomasz Wieczorek', 'tomasz.wieczorek@northshire-probation.example', 'Probation');
  const gwen = await db().selectFrom('engagement_registrations').select('id').where('session_id', '=', id).where('email', '=', 'gwen.ashcombe@ashby-housing.example').executeTakeFirstOrThrow();
  const path = `/engagement/sessions/${id}/registrations/${gwen.id}/cancel`;

  const page = await officer.get(`/engagement/sessions/${id}`);
  assert.match(page.body, new RegExp(`href="${path}"`), 'each registration has a cancel link on the session page');
  const form = await officer.get(path);
  assert.equal(form.statusCode, 200);
  assert.match(pageText(form.body), /Gwen Ashcombe \(has a place\) for Cuckooing: spotting the signs/);

  const bad = await officer.post(path, { reason: '', tell: 'yes' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Enter why the registration is cancelled/);
  assert.equal(await statusOf('gwen.ashcombe@ashby-housing.example', id), 'registered');

  // A member, and the public, cannot.
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.ok([403, 404].includes((await member.json('POST', `/api/engagement/sessions/${id}/registrations/${gwen.id}/cancel`, { reason: 'no' })).statusCode));
  assert.equal((await new Client(t.app).json('POST', `/api/engagement/sessions/${id}/registrations/${gwen.id}/cancel`, { reason: 'no' })).statusCode, 401);
  assert.equal(await statusOf('gwen.ashcombe@ashby-housing.example', id), 'registered');

  const from = smtp.messages.length;
  const done = await officer.post(path, { reason: 'Rang to say she is on leave', tell: 'yes' });
  assert.equal(done.statusCode, 303);
  assert.equal(await statusOf('gwen.ashcombe@ashby-housing.example', id), 'cancelled');
  assert.equal(await statusOf('tomasz.wieczorek@northshire-probation.example', id), 'registered', 'moved up');
  const toGwen = mailsTo(from, 'gwen.ashcombe@ashby-housing.example');
  assert.equal(toGwen.length, 1);
  assert.equal(toGwen[0]!.headers.get('subject'), 'Cancelled: Cuckooing: spotting the signs');
  assert.equal(calendarMethod(toGwen[0]!), 'CANCEL');
  const toTomasz = mailsTo(from, 'tomasz.wieczorek@northshire-probation.example');
  assert.equal(toTomasz.length, 1);
  assert.match(toTomasz[0]!.headers.get('subject') ?? '', /A place has come up for you/);
  const audit = await db().selectFrom('audit_log').select('summary').where('record_id', '=', gwen.id).execute();
  assert.ok(audit.some((a) => /for them: Rang to say she is on leave/.test(a.summary ?? '')));

  // A second time is refused; her own link now says it is already cancelled.
  assert.equal((await officer.post(path, { reason: 'again', tell: 'no' })).statusCode, 400);
  assert.equal((await new Client(t.app).get(`/events/cancel/${cancelToken(t.app.config.sessionSecret, gwen.id)}`)).statusCode, 410);
});

test('cancelling for someone who already knows sends them nothing, through the API too', async () => {
  const id = await makeSession({ topic: 'Scams awareness for front-desk staff', venue: 'Fernleigh library', capacity: '5' });
  await registerAs(id, 'Harriet Oyelaran', 'harriet.oyelaran@fernleigh-library.example');
  const r = await db().selectFrom('engagement_registrations').select('id').where('session_id', '=', id).executeTakeFirstOrThrow();
  const from = smtp.messages.length;
  const res = await officer.json('POST', `/api/engagement/sessions/${id}/registrations/${r.id}/cancel`, { reason: 'Told us in person', tell: false });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { promoted: 0, told: false });
  assert.equal(mailsTo(from, 'harriet.oyelaran@fernleigh-library.example').length, 0);
  assert.equal(await statusOf('harriet.oyelaran@fernleigh-library.example', id), 'cancelled');
});

test('an officer cancels a whole session: everyone is told why, the public page says so, nobody can register, no reminder goes', async () => {
  const id = await makeSession({ topic: 'Knife crime: what schools can do', venue: 'Brackenford Academy', capacity: '1' });
  await registerAs(id, 'Oluwaseun Adebayo', 'oluwaseun.adebayo@brackenford-academy.example', 'Brackenford Academy');
  await registerAs(id, 'Fenella Marchbank', 'fenella.marchbank@northshire-yjs.example', 'Youth Justice');
  const seun = await db().selectFrom('engagement_registrations').select('id').where('session_id', '=', id).where('status', '=', 'registered').executeTakeFirstOrThrow();

  const form = await officer.get(`/engagement/sessions/${id}/cancel`);
  assert.equal(form.statusCode, 200);
  assert.match(pageText(form.body), /The 1 with a place and the 1 waiting are e-mailed the reason/);
  const bad = await officer.post(`/engagement/sessions/${id}/cancel`, { reason: ' ' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Enter why the session is cancelled/);
  assert.equal((await db().selectFrom('engagement_sessions').select('cancelled_at').where('id', '=', id).executeTakeFirstOrThrow()).cancelled_at, null);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.ok([403, 404].includes((await member.json('POST', `/api/engagement/sessions/${id}/cancel`, { reason: 'no' })).statusCode));

  const from = smtp.messages.length;
  const done = await officer.post(`/engagement/sessions/${id}/cancel`, { reason: 'The speaker is unwell; a new date will follow' });
  assert.equal(done.statusCode, 303);
  const toSeun = mailsTo(from, 'oluwaseun.adebayo@brackenford-academy.example');
  const toFenella = mailsTo(from, 'fenella.marchbank@northshire-yjs.example');
  assert.equal(toSeun.length, 1);
  assert.equal(toFenella.length, 1);
  assert.match(toSeun[0]!.text, /Why: The speaker is unwell; a new date will follow/);
  assert.equal(calendarMethod(toSeun[0]!), 'CANCEL', 'a place: the invitation withdrawn');
  assert.equal(calendarMethod(toFenella[0]!), null, 'waiting: no invitation to withdraw');

  const anyone = new Client(t.app);
  const page = pageText((await anyone.get(`/events/${id}`)).body);
  assert.match(page, /This session has been cancelled: The speaker is unwell; a new date will follow/);
  assert.doesNotMatch(page, /Register/);
  assert.match(pageText((await anyone.get('/events')).body), /Knife crime: what schools can do .*Cancelled/);
  const api = (await anyone.json('GET', `/api/events/${id}`)).json() as { cancelled: boolean; cancellationReason: string };
  assert.deepEqual([api.cancelled, api.cancellationReason], [true, 'The speaker is unwell; a new date will follow']);
  await anyone.get(`/events/${id}`);
  const late = await anyone.post(`/events/${id}`, { name: 'Late Comer', email: 'late.comer@northshire.example', organisation: '' });
  assert.equal(late.statusCode, 400);
  assert.match(pageText(late.body), /This session has been cancelled, so registration is closed/);
  const ownLink = await anyone.get(`/events/cancel/${cancelToken(t.app.config.sessionSecret, seun.id)}`);
  assert.equal(ownLink.statusCode, 410);
  assert.match(pageText(ownLink.body), /The organiser has cancelled this session/);

  // Changing it, cancelling it again, and tomorrow's reminder: refused or nothing sent.
  assert.equal((await officer.post(`/engagement/sessions/${id}/cancel`, { reason: 'again' })).statusCode, 400);
  assert.equal((await officer.json('PUT', `/api/engagement/sessions/${id}`, { topic: 'Knife crime', date: ukDay(1), startTime: '12:30', endTime: '13:30', venue: 'Brackenford Academy', capacity: 40, audience: 'public' })).statusCode, 409);
  const mailer = mailerFromConfig(t.app.config)!;
  const before = smtp.messages.length;
  try {
    await sendSessionReminders({ db: db(), actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost', secret: t.app.config.sessionSecret, organiserEmail: 'csp@northshire.example' }, ukDay(0));
  } finally { mailer.close(); }
  assert.equal(mailsTo(before, 'oluwaseun.adebayo@brackenford-academy.example').length, 0, 'no reminder for a cancelled session');
  const audit = await db().selectFrom('audit_log').select('summary').where('record_id', '=', id).where('action', '=', 'update').execute();
  assert.ok(audit.some((a) => a.summary === 'Session Knife crime: what schools can do cancelled: The speaker is unwell; a new date will follow'));
});

test('the yearly counts per organisation merge the ways people typed one name, under the directory\'s name', async () => {
  const day = ukDay(2);
  const id = await makeSession({ topic: 'County lines: the picture this year', venue: 'Ashby Vale hub', capacity: '10', date: day });
  const directory = await db().selectFrom('organisations').select('name').where('partnership_id', '=', t.partnershipId).orderBy('name').limit(1).executeTakeFirstOrThrow();
  await registerAs(id, 'Ines Fairweather', 'ines.fairweather@one.example', 'Ashby  Vale Tenants\u2019 Group');
  await registerAs(id, 'Kofi Mensah', 'kofi.mensah@two.example', 'ashby vale tenants group.');
  await registerAs(id, 'Rhian Pryce', 'rhian.pryce@three.example', ` the ${directory.name.toUpperCase()} `);
  const year = day.slice(0, 4);
  const api = (await officer.json('GET', `/api/engagement/sessions/report?year=${year}`)).json() as { organisations: { organisation: string; spellings: string[]; places: number }[] };
  const tenants = api.organisations.filter((o) => /tenants/i.test(o.organisation));
  assert.equal(tenants.length, 1, 'one row for both spellings');
  assert.equal(tenants[0]!.places, 2);
  assert.deepEqual(tenants[0]!.spellings.length, 2);
  const named = api.organisations.find((o) => o.spellings.includes(`the ${directory.name.toUpperCase()}`));
  assert.equal(named?.organisation, directory.name, 'named as the directory names it');
});
