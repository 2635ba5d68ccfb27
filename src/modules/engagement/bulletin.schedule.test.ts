// A bulletin issue scheduled for later: refused for a time already past or with no
// articles, locked while scheduled, taken back to a draft, and queued for its list's
// outbox once its time comes, by one process only (the send itself is bulletin.test.ts's).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { queueDueIssues } from './bulletin.sending.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let officer: Client;
let listId = '';
const db = () => t.database.db;

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  t.app.config.bulletinRate = 0;
  officer = await new Client(t.app).signIn(demoUsers.officer);
  listId = (await db().selectFrom('engagement_lists').select('id').where('name', '=', 'Monthly bulletin').executeTakeFirstOrThrow()).id;
});
after(async () => {
  await t?.close();
  await smtp?.close();
});

async function newIssue(title: string, withArticle = true): Promise<string> {
  await officer.get('/engagement/bulletins/new');
  const made = await officer.post('/engagement/bulletins/new', { title, list_id: listId });
  assert.equal(made.statusCode, 303, pageText(made.body).slice(0, 300));
  const id = made.headers.location!.split('/').pop()!;
  if (withArticle) {
    await officer.get(`/engagement/bulletins/${id}`);
    const added = await officer.post(`/engagement/bulletins/${id}/articles`, { section: 'News', title: `${title}: the lead story`, body: 'Street lighting on the Quayside has been mended.' });
    assert.equal(added.statusCode, 303, pageText(added.body).slice(0, 300));
  }
  return id;
}

const ukParts = (d: Date) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(d).map((x) => [x.type, x.value]));
  return { 'send_date-day': p.day!, 'send_date-month': p.month!, 'send_date-year': p.year!, send_time: `${p.hour}:${p.minute}` };
};

test('a schedule in the past, without a time, or for an issue with no articles is refused and changes nothing', async () => {
  const empty = await newIssue('Empty issue', false);
  await officer.get(`/engagement/bulletins/${empty}`);
  const noArticles = await officer.post(`/engagement/bulletins/${empty}/schedule`, ukParts(new Date(Date.now() + 86_400_000)));
  assert.equal(noArticles.statusCode, 400);
  assert.match(pageText(noArticles.body), /Add at least one article before scheduling the issue/);

  const id = await newIssue('Past issue');
  const past = await officer.post(`/engagement/bulletins/${id}/schedule`, ukParts(new Date(Date.now() - 3_600_000)));
  assert.equal(past.statusCode, 400);
  assert.match(pageText(past.body), /at least five minutes from now/);
  const noTime = await officer.post(`/engagement/bulletins/${id}/schedule`, { ...ukParts(new Date(Date.now() + 86_400_000)), send_time: 'teatime' });
  assert.equal(noTime.statusCode, 400);
  assert.match(pageText(noTime.body), /Enter the time as a time of day/);
  const rows = await db().selectFrom('engagement_issues').select(['status', 'scheduled_for']).where('id', 'in', [empty, id]).execute();
  assert.deepEqual(rows.map((r) => [r.status, r.scheduled_for]), [['draft', null], ['draft', null]]);
});

test('a scheduled issue is locked, can be taken back, and is sent once when its time comes', async () => {
  const id = await newIssue('Scheduled issue');
  const when = new Date(Date.now() + 2 * 86_400_000);
  await officer.get(`/engagement/bulletins/${id}`);
  const scheduled = await officer.post(`/engagement/bulletins/${id}/schedule`, ukParts(when));
  assert.equal(scheduled.statusCode, 303, pageText(scheduled.body).slice(0, 300));
  const page = pageText((await officer.get(`/engagement/bulletins/${id}`)).body);
  assert.match(page, /Scheduled to be sent/);
  assert.match(page, /Take it off the schedule/);
  assert.doesNotMatch(page, /Add the article/, 'no article can be added while scheduled');
  const locked = await officer.post(`/engagement/bulletins/${id}/articles`, { section: 'News', title: 'Late news', body: 'Text' });
  assert.equal(locked.statusCode, 400);
  assert.match(pageText(locked.body), /take it off the schedule to change it/);

  // Not yet due: nothing is queued.
  assert.equal(await queueDueIssues(db(), new Date()), 0);

  const back = await officer.post(`/engagement/bulletins/${id}/unschedule`, {});
  assert.equal(back.statusCode, 303);
  assert.equal((await db().selectFrom('engagement_issues').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'draft');

  // Scheduled again through the API; the time comes (the clock moved on three days).
  const api = await officer.json('POST', `/api/engagement/bulletins/${id}/schedule`, { date: ukParts(when)['send_date-year'] + '-' + ukParts(when)['send_date-month'] + '-' + ukParts(when)['send_date-day'], time: ukParts(when).send_time });
  assert.equal(api.statusCode, 200, api.body);
  assert.equal(api.json().status, 'scheduled');
  const recipients = Number((await db().selectFrom('engagement_subscriptions').select((eb) => eb.fn.countAll().as('n')).where('list_id', '=', listId).where('status', '=', 'subscribed').executeTakeFirstOrThrow()).n);
  const later = new Date(Date.now() + 3 * 86_400_000);
  const [first, second] = await Promise.all([queueDueIssues(db(), later), queueDueIssues(db(), later)]);
  assert.equal(first + second, 1, 'queued by one of two processes only');
  assert.equal(await queueDueIssues(db(), later), 0, 'and never again');
  const row = await db().selectFrom('engagement_issues').select(['status', 'scheduled_for']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'sending');
  assert.equal(row.scheduled_for, null);
  const outbox = await db().selectFrom('engagement_outbox').select('email').where('issue_id', '=', id).execute();
  assert.ok(recipients > 0 && outbox.length > 0, `the issue was queued for its list (${outbox.length} of ${recipients} subscriptions, suppressed and unconfirmed left out)`);
  const audit = await db().selectFrom('audit_log').select('summary').where('record_id', '=', id).orderBy('id').execute();
  assert.ok(audit.some((a) => /scheduled for/.test(a.summary ?? '')), 'the schedule is audited');
  assert.ok(audit.some((a) => /taken off the schedule/.test(a.summary ?? '')), 'and taking it back');
  assert.ok(audit.some((a) => /as scheduled/.test(a.summary ?? '')), 'and the send');
});
