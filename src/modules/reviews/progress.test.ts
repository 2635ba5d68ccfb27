// Progress asked of agencies by e-mail, through HTTP and the local SMTP sink: the
// coordinator asks the police's contact; the contact, without an account, opens the link,
// sees only the police's recommendations of that case by its pseudonym, is refused
// "completed" without evidence (nothing written), sends an update, and the link is then
// used up. A link that has expired, or is tampered with, gives a clear message. The
// steering group's view shows who was asked and who answered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { reminderRunActor } from '../actions/reminders.ts';
import { sendProgressReminders } from './progress.commands.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let coordinator: Client;
let caseId: string;
const recs: Record<string, string> = {};
const SUBJECT = 'Perpetua Vanderlinde';
const today = todayIso();

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  coordinator = await new Client(t.app).signIn(demoUsers.officer);
  await coordinator.get('/reviews/new');
  const res = await coordinator.post('/reviews/new', { kind_code: 'dardr', pseudonym: 'Sorrel', year: today.slice(0, 4), notified_on: addDays(today, -90), subject_details: `${SUBJECT}, aged 38` });
  caseId = /\/reviews\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
  for (const [key, text, agency] of [['police1', 'Refresh stalking risk training for neighbourhood officers', 'Northshire Police'], ['police2', 'Flag repeat callers to the domestic abuse unit', 'Northshire Police'], ['council', 'Check the housing register for joint tenancies', 'Brackenford Borough Council']] as const) {
    const r = await coordinator.json('POST', `/api/reviews/${caseId}/recommendations`, { text, agency, dueOn: addDays(today, 30) });
    assert.equal(r.statusCode, 201);
    recs[key] = r.json().id;
  }
});
after(async () => { await t?.close(); await smtp?.close(); });

async function ask(agency: string, name: string, email: string) {
  await coordinator.get(`/reviews/${caseId}/progress-requests`);
  const res = await coordinator.post(`/reviews/${caseId}/progress-requests`, { agency, contact_name: name, contact_email: email });
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 600));
  const mail = (await smtp.waitFor(smtp.messages.length)).find((m) => m.envelopeTo.includes(email) && !m.text.includes('USED'))!;
  (mail as { text: string }).text += '\nUSED';
  return { mail, path: new URL(/(https?:\/\/\S+\/review-progress\/\S+)/.exec(mail.text)![1]!).pathname };
}

test('a contact updates their agency’s recommendations through the e-mailed link, once; completed needs evidence', async () => {
  const bad = await coordinator.post(`/reviews/${caseId}/progress-requests`, { agency: 'Northshire Police', contact_name: 'Dee', contact_email: 'not an address' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Enter an e-mail address in the right format/);
  assert.equal((await t.database.db.selectFrom('review_progress_links').select('id').where('case_id', '=', caseId).execute()).length, 0);

  const { mail, path } = await ask('Northshire Police', 'Dana Whitfield', 'dana.whitfield@police.example');
  const subject = mail.headers.get('subject') ?? '';
  assert.equal(subject, 'Progress on recommendations to Northshire Police: domestic abuse related death review');
  assert.ok(!subject.includes(SUBJECT) && !mail.text.includes(SUBJECT) && !mail.text.includes('Perpetua'), 'the subject of the review is nowhere in the e-mail');
  assert.match(mail.text, /known as Sorrel \d{4}\.\n2 recommendations are for Northshire Police/);

  const contact = new Client(t.app);
  const page = await contact.get(path);
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  assert.match(text, /Domestic abuse related death review Sorrel \d{4} Progress on recommendations to Northshire Police/);
  assert.match(text, /Recommendation 1 Refresh stalking risk training .* Recommendation 2 Flag repeat callers/);
  assert.ok(!page.body.includes('housing register'), 'another agency’s recommendation is not shown');
  assert.ok(!page.body.includes(SUBJECT), 'the subject’s name is not shown');
  assert.equal(page.headers['cache-control'], 'no-store');

  const noEvidence = await contact.post(path, { [`status_${recs.police1}`]: 'completed', [`note_${recs.police1}`]: 'All trained' });
  assert.equal(noEvidence.statusCode, 400);
  assert.match(pageText(noEvidence.body), /There is a problem Recommendation 1: enter the evidence that the recommendation has been completed/);
  const nothing = await contact.post(path, {});
  assert.match(pageText(nothing.body), /Enter an update on at least one recommendation/);
  assert.equal((await t.database.db.selectFrom('review_recommendation_updates').select('id').where('recommendation_id', '=', recs.police1!).execute()).length, 1, 'only the first "open" row');

  const sent = await contact.post(path, {
    [`status_${recs.police1}`]: 'completed', [`note_${recs.police1}`]: 'All 40 neighbourhood officers trained', [`evidence_${recs.police1}`]: 'Training register, November',
    [`status_${recs.police2}`]: 'in-progress', [`note_${recs.police2}`]: 'Flag designed; goes live next month',
  });
  assert.equal(sent.statusCode, 200, pageText(sent.body).slice(0, 500));
  assert.match(pageText(sent.body), /Update sent Your update on 2 recommendations has been recorded/);

  const history = (await coordinator.json('GET', `/api/reviews/${caseId}/recommendations/${recs.police1}`)).json();
  assert.deepEqual(history.updates.map((u: { toStatus: string }) => u.toStatus), ['open', 'completed']);
  assert.equal(history.updates[1].author, 'Dana Whitfield, Northshire Police (through the e-mailed link)');
  assert.equal(history.updates[1].evidence, 'Training register, November');

  // Used: the same link now says so, and posting again writes nothing.
  const again = await contact.get(path);
  assert.equal(again.statusCode, 410);
  assert.match(pageText(again.body), /This link has already been used to send an update/);
  const replay = await contact.post(path, { [`status_${recs.police2}`]: 'completed', [`evidence_${recs.police2}`]: 'x' });
  assert.equal(replay.statusCode, 410);
  assert.equal((await coordinator.json('GET', `/api/reviews/${caseId}/recommendations/${recs.police2}`)).json().status, 'in-progress');

  // The audit log holds the read through the link and each update, naming the contact.
  const audit = await t.database.db.selectFrom('audit_log').select(['action', 'summary']).where('record_type', 'in', ['review-case', 'review-recommendation'])
    .where('summary', 'like', '%dana.whitfield%').execute();
  assert.ok(audit.some((a) => a.action === 'read' && /Progress page opened through the link sent to dana.whitfield@police.example/.test(a.summary ?? '')));
  assert.ok(audit.some((a) => a.action === 'create' && /Progress asked of Northshire Police/.test(a.summary ?? '')));
});

test('an expired or tampered link gives a clear message; the steering group sees who was asked and who answered', async () => {
  const { path } = await ask('Brackenford Borough Council', 'Joe Adey', 'joe.adey@council.example');
  await t.database.db.updateTable('review_progress_links').set({ expires_at: new Date(Date.now() - 1000) }).where('contact_email', '=', 'joe.adey@council.example').execute();
  const expired = await new Client(t.app).get(path);
  assert.equal(expired.statusCode, 410);
  assert.match(pageText(expired.body), /This link has expired. Ask the review coordinator who wrote to you for a new one/);
  const forged = await new Client(t.app).get(path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
  assert.equal(forged.statusCode, 404);
  assert.match(pageText(forged.body), /This link is not recognised/);

  const view = pageText((await coordinator.get('/reviews/recommendations')).body);
  assert.match(view, /Progress asked/);
  assert.match(view, new RegExp(`Flag repeat callers .* Asked ${today}, answered ${today}`));
  assert.match(view, new RegExp(`Check the housing register .* Asked ${today}, no answer before the link expired`));
  const list = (await coordinator.json('GET', `/api/reviews/${caseId}/progress-requests`)).json();
  assert.deepEqual(list.items.map((l: { agency: string; state: string }) => [l.agency, l.state]).sort(), [['Brackenford Borough Council', 'expired'], ['Northshire Police', 'answered']]);

  // Through the API too; an agency with nothing outstanding cannot be asked.
  const api = await coordinator.json('POST', `/api/reviews/${caseId}/progress-requests`, { agency: 'Northshire Fire and Rescue Service', contactName: 'X', contactEmail: 'x@fire.example' });
  assert.equal(api.statusCode, 400);
  assert.match(api.json().errors[0].message, /Select the agency to ask/);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('POST', `/api/reviews/${caseId}/progress-requests`, { agency: 'Northshire Police', contactName: 'X', contactEmail: 'x@police.example' })).statusCode, 404);
  assert.equal((await member.get(`/reviews/${caseId}/progress-requests`)).statusCode, 404);

  // Asked again: the newer link works, the older one says it was replaced.
  const { path: newer } = await ask('Brackenford Borough Council', 'Joe Adey', 'joe.adey@council.example');
  assert.equal((await new Client(t.app).get(newer)).statusCode, 200);
  const older = await new Client(t.app).get(path);
  assert.equal(older.statusCode, 410);
  assert.match(pageText(older.body), /A newer link has been sent to your agency for this review/);
});

test('a contact who has not answered a week before the link expires is reminded once, with a new link; the subject is still nowhere', async () => {
  const db = t.database.db;
  const mailer = mailerFromConfig(t.app.config)!;
  const run = (day = today) => sendProgressReminders({ db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost' }, day);
  try {
    // The council's contact was asked three weeks ago (the link from the last test, still waiting).
    const waiting = await db.selectFrom('review_progress_links').selectAll().where('case_id', '=', caseId).where('agency', '=', 'Brackenford Borough Council')
      .where('revoked_at', 'is', null).where('used_at', 'is', null).executeTakeFirstOrThrow();
    assert.equal((await run()).reminded, 0, 'four weeks from expiry: too early');
    const expiresOn = addDays(today, 6);
    await db.updateTable('review_progress_links').set({ sent_at: new Date(Date.now() - 22 * 86_400_000), expires_at: new Date(`${expiresOn}T23:59:59Z`) }).where('id', '=', waiting.id).execute();
    const seen = smtp.messages.length;
    const result = await run();
    assert.deepEqual([result.reminded, result.failed], [1, []]);
    const mail = (await smtp.waitFor(seen + 1)).at(-1)!;
    assert.deepEqual(mail.envelopeTo, ['joe.adey@council.example']);
    const subject = mail.headers.get('subject') ?? '';
    assert.equal(subject, 'Reminder: progress on recommendations to Brackenford Borough Council: domestic abuse related death review');
    assert.match(mail.text, /We asked you for this a few weeks ago and have not yet had an answer\. The link in that e-mail no longer works/);
    assert.match(mail.text, new RegExp(`expires on ${expiresOn}`));
    assert.ok(!subject.includes(SUBJECT) && !mail.text.includes(SUBJECT) && !mail.text.includes('Perpetua'), 'the subject of the review is nowhere in the reminder');
    const path = new URL(/(https?:\/\/\S+\/review-progress\/\S+)/.exec(mail.text)![1]!).pathname;
    assert.equal((await new Client(t.app).get(path)).statusCode, 200, 'the new link opens the agency’s recommendations');
    const rows = await db.selectFrom('review_progress_links').selectAll().where('case_id', '=', caseId).where('agency', '=', 'Brackenford Borough Council').orderBy('sent_at').execute();
    const latest = rows.at(-1)!;
    assert.deepEqual([latest.is_reminder, latest.expires_at.toISOString().slice(0, 10), latest.contact_name], [true, expiresOn, 'Joe Adey']);
    assert.ok(rows.find((r) => r.id === waiting.id)!.revoked_at, 'the first link no longer works');
    const audit = await db.selectFrom('audit_log').select(['actor_label', 'summary']).where('record_type', '=', 'review-case').where('record_id', '=', caseId).where('actor_label', '=', 'system').orderBy('at', 'desc').executeTakeFirstOrThrow();
    assert.match(audit.summary ?? '', /^Reminder of the progress asked of Brackenford Borough Council sent to joe\.adey@council\.example; the earlier link no longer works/);
    // Reminded once: the same day again, and every day to the expiry, nothing more.
    for (let d = 0; d <= 6; d++) assert.equal((await run(addDays(today, d))).reminded, 0);
    assert.equal(smtp.messages.length, seen + 1);
  } finally { mailer.close(); }
});
