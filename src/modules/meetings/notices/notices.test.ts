// Notices of publication, received at a real SMTP server on this machine: who gets one,
// what each recipient may see in it, the calendar invitation (read with ical.js), the
// progress page, a person's choice of notices, and exactly one message per recipient when
// the runner is stopped mid-send and a new one takes over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../../test/support/app.ts';
import { startSmtpTestServer, type ReceivedMail, type SmtpTestServer } from '../../../mail/smtpTestServer.ts';
import { requireMailer, type Mailer } from '../../../mail/mailer.ts';
import { buildBody, personId, redirectedId, sectionsOf } from '../testing.ts';
import { NoticeRunner } from './runner.ts';
import { queueMeetingNotice } from './queue.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let mailer: Mailer;
let officer: Client;
let bodyId: string;
let meetingId: string;
const SECRET = 'Glimmerfax';
let LINDQVIST = '';
let officerId = '';
const JOIN = 'https://meet.example.org/j/123-456';
const config = { baseUrl: 'https://csp.example.org', mailFrom: 'Northshire CSP <csp@northshire.example>' };
const db = () => t.database.db;

const runner = (extra: Partial<ConstructorParameters<typeof NoticeRunner>[0]> = {}) => new NoticeRunner({ db: db(), mailer, config, pollMs: 60_000, ...extra });
const to = (mail: ReceivedMail) => mail.envelopeTo.join(',');
const everything = (mail: ReceivedMail) => [mail.raw, mail.text, mail.html ?? '', ...mail.attachments.map((a) => a.content)].join('\n');

async function member(body: string, family: string, from = '2025-01-01', until: string | null = null) {
  await db().insertInto('memberships').values({ partnership_id: t.partnershipId, body_id: body, person_id: await personId(t, family), role: 'member', starts_on: from, ends_on: until }).execute();
}

async function scheduleWithItems(body: string, day: string) {
  await officer.get(`/bodies/${body}/meetings/new`);
  const id = redirectedId(await officer.post(`/bodies/${body}/meetings/new`, {
    'meets_on-day': day, 'meets_on-month': '3', 'meets_on-year': '2027', starts_at: '10:00', ends_at: '12:00', format: 'hybrid', venue: 'Council Chamber, County Hall', joining_url: JOIN,
  }));
  const sections = await sectionsOf(t, id);
  await officer.post(`/meetings/${id}/items/new`, { section_id: sections.B!, title: 'Road safety update' });
  await officer.post(`/meetings/${id}/items/new`, { section_id: sections.D!, title: `The ${SECRET} review`, exemption_paragraph: '2' });
  return id;
}

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  mailer = requireMailer({ smtpUrl: smtp.url, mailFrom: config.mailFrom });
  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, 'Southmoor Partnership Board');
  LINDQVIST = (await db().selectFrom('people').select('email').where('family_name', '=', 'Lindqvist').executeTakeFirstOrThrow()).email!;
  officerId = (await db().selectFrom('users').select('id').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).id;
  await member(bodyId, 'Macrae'); // the demo member: an account, sits on the body
  await member(bodyId, 'Lindqvist'); // no account: the register's address, the public's view
  await member(bodyId, 'Kowalczyk'); // the panel member: has turned agenda e-mails off
  await member(bodyId, 'Chen', '2020-01-01', '2024-12-31'); // left the body: nothing
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  await panel.get('/account/notices');
  assert.equal((await panel.post('/account/notices', { notices: ['minutes'] })).statusCode, 303);
  meetingId = await scheduleWithItems(bodyId, '11');
});
after(async () => {
  mailer.close();
  await smtp.close();
  await t.close();
});

test('publishing the agenda e-mails each current member once, with the summons, the agenda they may see and a calendar invitation', async () => {
  const published = await officer.json('POST', `/api/meetings/${meetingId}/publish-agenda`, {});
  assert.equal(published.statusCode, 200, published.body.slice(0, 300));
  const queued = await db().selectFrom('notice_outbox').select(['email', 'status']).orderBy('email').execute();
  assert.deepEqual(queued.map((r) => r.email), ['member@northshire.example', LINDQVIST].sort());
  const sent = await runner().drain();
  assert.equal(sent, 2);
  const mails = await smtp.waitFor(2);
  assert.equal(mails.length, 2);

  const macrae = mails.find((m) => to(m) === 'member@northshire.example')!;
  assert.equal(macrae.headers.get('subject'), 'Agenda: Southmoor Partnership Board, Thursday 11 March 2027');
  assert.match(macrae.text, /^Dear Mr Stuart Macrae QFSM,\n/);
  assert.match(macrae.text, /Date: Thursday 11 March 2027\nTime: 10am to midday\nWhere: Council Chamber, County Hall and online\nJoin online: https:\/\/meet\.example\.org\/j\/123-456/);
  assert.match(macrae.text, /B1  Road safety update/);
  assert.match(macrae.text, new RegExp(`D1  The ${SECRET} review`), 'a member who sits on the body gets the restricted item');
  assert.match(macrae.text, /Members’ agenda pack \(PDF\): https:\/\/csp\.example\.org\/meetings\/[0-9a-f-]{36}\/agenda-pack\.pdf/);
  assert.match(macrae.html ?? '', /<html lang="en-GB">/);
  assert.match(macrae.html ?? '', new RegExp(`<strong>D1</strong> The ${SECRET} review`));

  const lindqvist = mails.find((m) => to(m) === LINDQVIST)!;
  assert.ok(!everything(lindqvist).includes(SECRET), 'no restricted words to a recipient not entitled');
  assert.match(lindqvist.text, /D1  Held without the press and public\. Exempt under paragraph 2 of Part 1 of Schedule 12A to the Local Government Act 1972/);
  assert.match(lindqvist.text, /\nAgenda pack \(PDF\): /);

  // The invitation parses, asks for the meeting (REQUEST) and carries a stable UID and SEQUENCE 0.
  for (const mail of [macrae, lindqvist]) {
    const ics = mail.attachments.find((a) => /calendar|ics/.test(a.contentType));
    assert.ok(ics, `calendar part in ${to(mail)}: ${mail.attachments.map((a) => a.contentType)}`);
    const cal = new ICAL.Component(ICAL.parse(ics.content));
    assert.equal(cal.getFirstPropertyValue('method'), 'REQUEST');
    const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    assert.equal(event.uid, `meeting-${meetingId}@partnership-hub`);
    assert.equal(event.sequence, 0);
    assert.equal(event.startDate.toString(), '2027-03-11T10:00:00');
    assert.equal(event.startDate.zone?.tzid ?? cal.getFirstSubcomponent('vevent')!.getFirstProperty('dtstart')!.getParameter('tzid'), 'Europe/London');
    assert.equal(event.endDate.toString(), '2027-03-11T12:00:00');
    assert.equal(event.organizer, 'mailto:csp@northshire.example');
    assert.match(String(event.location), /Council Chamber, County Hall and online \(https:\/\/meet\.example\.org\/j\/123-456\)/);
  }
  // The restricted item e-mailed is audited as a read by the member it went to.
  const reads = await db().selectFrom('audit_log').select(['actor_label', 'summary']).where('action', '=', 'read').where('summary', 'like', '%e-mailed with the agenda notice').execute();
  assert.deepEqual(reads.map((r) => r.actor_label), ['Stuart Macrae']);
});

test('the progress page and the API say who was sent what; members may not see it', async () => {
  const page = await officer.get(`/meetings/${meetingId}/notices`);
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  assert.match(text, /Agenda notice Queued .* by Gwen Abernethy\. Sent 2 of 2 Waiting to be sent 0 Failed 0/);
  assert.match(text, new RegExp(`Lindqvist ${LINDQVIST.replace(/\./g, '\\.')} Sent`));
  const api = (await officer.json('GET', `/api/meetings/${meetingId}/notices`)).json();
  assert.deepEqual(api[0].counts, { sent: 2, failed: 0, waiting: 0, total: 2 });
  const memberClient = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await memberClient.get(`/meetings/${meetingId}/notices`)).statusCode, 403);
  assert.equal((await new Client(t.app).get(`/api/meetings/${meetingId}/notices`)).statusCode, 401);
});

test('a later notice of the same meeting carries the same UID and the next SEQUENCE', async () => {
  const before = smtp.messages.length;
  const { sequence } = await db().transaction().execute((trx) => queueMeetingNotice(trx, { kind: 'user', partnershipId: t.partnershipId, userId: officerId, displayName: 'Gwen Abernethy', role: 'officer', personId: null, grants: [] }, meetingId, 'supplement'));
  assert.equal(sequence, 1);
  await runner().drain();
  const mails = (await smtp.waitFor(before + 2)).slice(before);
  for (const mail of mails) {
    assert.match(mail.headers.get('subject') ?? '', /^Supplementary agenda: Southmoor Partnership Board, Thursday 11 March 2027$/);
    const cal = new ICAL.Component(ICAL.parse(mail.attachments.find((a) => /calendar|ics/.test(a.contentType))!.content));
    const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    assert.equal(event.uid, `meeting-${meetingId}@partnership-hub`);
    assert.equal(event.sequence, 1);
  }
});

test('a person’s choice of notices: the page and the API, honoured when the notice is queued', async () => {
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  const page = pageText((await panel.get('/account/notices')).body);
  assert.match(page, /E-mails you get/);
  assert.deepEqual((await panel.json('GET', '/api/me/notice-preferences')).json(), { agendas: false, supplements: false, minutes: true });
  const bad = await panel.post('/account/notices', { notices: ['agendas', 'horoscopes'] });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Select the notices you want from the list/);
  const put = await panel.json('PUT', '/api/me/notice-preferences', { agendas: true, supplements: false, minutes: true });
  assert.deepEqual(put.json(), { agendas: true, supplements: false, minutes: true });
  const other = await scheduleWithItems(bodyId, '18');
  await officer.json('POST', `/api/meetings/${other}/publish-agenda`, {});
  const queued = await db().selectFrom('notice_outbox as o').innerJoin('meeting_notices as n', 'n.id', 'o.notice_id').select('o.email').where('n.meeting_id', '=', other).orderBy('o.email').execute();
  assert.deepEqual(queued.map((r) => r.email), ['member@northshire.example', LINDQVIST, 'panel@northshire.example'].sort());
  await runner().drain();
  assert.equal((await new Client(t.app).get('/account/notices')).statusCode, 404, 'an account page is not found for the public');
});

test('each recipient gets the notice exactly once when the runner is stopped mid-send and another takes over', async () => {
  const big = await buildBody(t, 'Westmoor Review Board');
  const families = ['Lindqvist', 'Chen', 'Ibekwe', 'Lamb', 'Qureshi', 'Stroud', 'Adeyemi', 'Gallagher'];
  for (const f of families) await member(big, f);
  const id = await scheduleWithItems(big, '25');
  await officer.json('POST', `/api/meetings/${id}/publish-agenda`, {});
  const expected = (await db().selectFrom('notice_outbox as o').innerJoin('meeting_notices as n', 'n.id', 'o.notice_id').select('o.email').where('n.meeting_id', '=', id).execute()).map((r) => r.email).sort();
  assert.equal(expected.length, families.length);
  const start = smtp.messages.length;
  const received = () => smtp.messages.slice(start).map(to).sort();

  // 1. Stopped as the second message is accepted: two sent, the rest waiting.
  const first = runner({ afterSend: () => { if (smtp.messages.length - start >= 2) first.halt(); } });
  await first.drain();
  assert.equal(received().length, 2);

  // 2. A second runner dies while talking to the mail server: its message never arrives and its claim stays.
  let calls = 0;
  const dying: Mailer = {
    send: (message) => {
      calls++;
      if (calls === 2) { second.halt(); return new Promise(() => {}); }
      return mailer.send(message);
    },
    close: () => {},
  };
  const second = runner({ mailer: dying, leaseMs: 1_000 });
  void second.drain();
  await smtp.waitFor(start + 3);
  await new Promise((r) => setTimeout(r, 100));
  const stuck = await db().selectFrom('notice_outbox').select(['status', 'claimed_by']).where('status', '=', 'sending').execute();
  assert.equal(stuck.length, 1, 'one claim left behind by the runner that stopped');
  const progress = (await officer.json('GET', `/api/meetings/${id}/notices`)).json()[0].counts;
  assert.deepEqual(progress, { sent: 3, failed: 0, waiting: expected.length - 3, total: expected.length });

  // 3. A runner started afterwards sends the rest now, and the abandoned one once its lease has run out.
  const third = runner({ leaseMs: 1_000 });
  await third.drain();
  await new Promise((r) => setTimeout(r, 1_100));
  await third.drain();
  await smtp.waitFor(start + expected.length);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(received(), expected, 'every recipient exactly once');
  const rows = await db().selectFrom('notice_outbox as o').innerJoin('meeting_notices as n', 'n.id', 'o.notice_id').select('o.status').where('n.meeting_id', '=', id).execute();
  assert.ok(rows.every((r) => r.status === 'sent'));
});

test('a message the mail server refuses is retried, then marked failed, and can be sent again from the progress page', async () => {
  const refusing: Mailer = { send: async () => { throw new Error('550 mailbox unavailable'); }, close: () => {} };
  const lone = await buildBody(t, 'Northmoor Panel');
  await member(lone, 'Ibekwe');
  const id = await scheduleWithItems(lone, '4');
  await officer.json('POST', `/api/meetings/${id}/publish-agenda`, {});
  const r = runner({ mailer: refusing, retryMs: 0, maxAttempts: 2 });
  await r.drain();
  const row = await db().selectFrom('notice_outbox as o').innerJoin('meeting_notices as n', 'n.id', 'o.notice_id').select(['o.status', 'o.attempts', 'o.last_error', 'n.id as notice_id']).where('n.meeting_id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual([row.status, row.attempts, row.last_error], ['failed', 2, '550 mailbox unavailable']);
  const page = await officer.get(`/meetings/${id}/notices`);
  assert.match(pageText(page.body), /Failed 1/);
  assert.equal((await officer.post(`/meetings/${id}/notices/${row.notice_id}/retry`, {})).statusCode, 303);
  const before = smtp.messages.length;
  await runner().drain();
  await smtp.waitFor(before + 1);
  assert.equal((await db().selectFrom('notice_outbox').select('status').where('notice_id', '=', row.notice_id).executeTakeFirstOrThrow()).status, 'sent');
});
