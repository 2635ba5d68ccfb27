// Reminders, sent through a real SMTP server started here on 127.0.0.1 (never a real one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer, type ReceivedMail } from '../../mail/smtpTestServer.ts';
import { requireMailer } from '../../mail/mailer.ts';
import { openPglite } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { seedDemoPartnership } from '../../demo/seed.ts';
import { todayIso } from '../partnership/domain.ts';
import { addDays } from './domain.ts';
import { reminderRunActor, sendActionReminders } from './reminders.ts';

let t: TestApp;
let smtp: SmtpTestServer;
const today = todayIso();
const mailTo = (to: string) => smtp.messages.filter((m) => m.headers.get('to') === to);
// Asynchronous, not spawnSync: the SMTP server runs in this process and must keep answering.
function runScript(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/send-reminders.ts', ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const reminderRows = async () => Number((await t.database.db.selectFrom('action_reminders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

before(async () => {
  smtp = await startSmtpTestServer();
  t = await createTestApp();
  // The app reads SMTP_URL when a reminder is sent: point it at the local server.
  t.app.config.smtpUrl = smtp.url;
  t.app.config.mailFrom = 'Northshire CSP <csp@northshire.example>';
});
after(async () => {
  await t.close();
  await smtp.close();
});

test('owners of actions overdue or due within 7 days get one e-mail each, and a second run that day sends nothing', async () => {
  const mailer = requireMailer(t.app.config);
  const ctx = { db: t.database.db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'https://csp.northshire.example' };
  try {
    const first = await sendActionReminders(ctx, today);
    // Demo owners with e-mail and something due: Ramaswamy (overdue), Macrae (overdue and due soon),
    // Kowalczyk (overdue, restricted) and Chen (due soon). Organisations and Hartley (150 days) get none.
    assert.deepEqual({ messages: first.messages, actions: first.actions, failed: first.failed }, { messages: 4, actions: 5, failed: [] });
    await smtp.waitFor(4);

    const [macrae] = mailTo('stuart.macrae@northshire.example') as [ReceivedMail];
    assert.ok(macrae, 'a message to Stuart Macrae');
    assert.deepEqual(macrae.envelopeTo, ['stuart.macrae@northshire.example']);
    assert.equal(macrae.headers.get('from'), 'Northshire CSP <csp@northshire.example>');
    assert.equal(macrae.headers.get('subject'), 'Northshire CSP: 1 action overdue and 1 due soon');
    assert.match(macrae.text, /^Dear Mr Stuart Macrae QFSM,/);
    assert.match(macrae.text, /Overdue\n\n- Present the fire safety campaign for older people living alone\n {2}Northshire Community Safety Partnership\. Due .* \(6 days overdue\)\.\n {2}https:\/\/csp\.northshire\.example\/actions\/[0-9a-f-]{36}/);
    assert.match(macrae.text, /Due in the next 7 days\n\n- Return the progress forms for the crime reduction grant projects\n {2}Working Group\. Due .* \(due in 3 days\)\./);

    const [kowalczyk] = mailTo('laura.kowalczyk@northshire.example') as [ReceivedMail];
    assert.match(kowalczyk.text, /A restricted action \(sign in to read it\)/);
    assert.doesNotMatch(kowalczyk.text, /chronology/);
    assert.equal(mailTo('zoe.hartley@northshire.example').length, 0);

    const again = await sendActionReminders(ctx, today);
    assert.deepEqual({ messages: again.messages, actions: again.actions }, { messages: 0, actions: 0 });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(smtp.messages.length, 4);
    assert.equal(await reminderRows(), 5);

    // The next day they are due again.
    const tomorrow = await sendActionReminders(ctx, addDays(today, 1));
    assert.equal(tomorrow.messages, 4);
    await smtp.waitFor(8);
  } finally {
    mailer.close();
  }
});

test('a message the server refuses is reported and tried again on a later run', async () => {
  const day = addDays(today, 2);
  const down = await startSmtpTestServer();
  const url = down.url;
  await down.close();
  const broken = requireMailer({ smtpUrl: url, mailFrom: 'csp@northshire.example' });
  const before = await reminderRows();
  try {
    const result = await sendActionReminders({ db: t.database.db, actor: reminderRunActor(t.partnershipId), mailer: broken }, day);
    assert.equal(result.messages, 0);
    assert.ok(result.failed.length >= 3);
    assert.match(result.failed[0]!.error, /ECONNREFUSED|connect/i);
  } finally {
    broken.close();
  }
  assert.equal(await reminderRows(), before, 'nothing is recorded as sent');
  const working = requireMailer(t.app.config);
  try {
    const retry = await sendActionReminders({ db: t.database.db, actor: reminderRunActor(t.partnershipId), mailer: working }, day);
    assert.ok(retry.messages >= 3);
    assert.deepEqual(retry.failed, []);
  } finally {
    working.close();
  }
});

test('an officer presses "Send reminders now" and the owner of a new action due tomorrow is e-mailed about it alone', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const list = await officer.get('/actions');
  assert.match(pageText(list.body), /Send reminders now/);
  // Every demo reminder has gone today (first test); a new action is the only one left.
  const chen = await t.database.db.selectFrom('people').select(['id']).where('family_name', '=', 'Chen').executeTakeFirstOrThrow();
  const body = await t.database.db.selectFrom('bodies').select('id').where('name', '=', 'Working Group').executeTakeFirstOrThrow();
  const created = await officer.json('POST', '/api/actions', {
    bodyId: body.id, description: 'Confirm the venue for the knife crime awareness week', ownerPersonId: chen.id, dueOn: addDays(today, 1),
  });
  assert.equal(created.statusCode, 201);
  const sentBefore = smtp.messages.length;

  await officer.get('/actions');
  const res = await officer.post('/actions/reminders', {});
  assert.equal(res.statusCode, 303);
  assert.match(pageText((await officer.get('/actions')).body), /Reminders sent: 1 message about 1 action/);
  const [mail] = (await smtp.waitFor(sentBefore + 1)).slice(sentBefore);
  assert.ok(mail);
  assert.equal(mail.headers.get('to'), 'mark.chen@northshire.example');
  assert.equal(mail.headers.get('subject'), 'Northshire CSP: 1 action due soon');
  assert.match(mail.text, /- Confirm the venue for the knife crime awareness week\n {2}Working Group\. Due .* \(due tomorrow\)\.\n {2}http:\/\/localhost(:\d+)?\/actions\//);
  assert.doesNotMatch(mail.text, /serious violence duty/, 'already reminded today');

  const again = await officer.post('/actions/reminders', {});
  assert.equal(again.statusCode, 303);
  assert.match(pageText((await officer.get('/actions')).body), /No reminders to send/);
  // The action's page says when its owner was last reminded.
  assert.match(pageText((await officer.get(`/actions/${created.json().id}`)).body), /Last reminder sent on .* to mark\.chen@northshire\.example/);
});

test('the scheduled script sends the day’s reminders for each partnership and says how many', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ph-reminders-'));
  try {
    const database = await openPglite(dir);
    await migrate(database);
    await seedDemoPartnership(database.db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP' });
    await database.close();
    const sentBefore = smtp.messages.length;
    const run = () => runScript(['--base-url', 'https://csp.northshire.example'], { DATABASE_URL: '', DATA_DIR: dir, SMTP_URL: smtp.url, MAIL_FROM: 'csp@northshire.example' });
    const first = await run();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /Northshire CSP: 4 reminders sent about 5 actions/);
    const received = (await smtp.waitFor(sentBefore + 4)).slice(sentBefore);
    assert.ok(received.some((m) => m.headers.get('to') === 'priya.ramaswamy@northshire.example' && /community safety team's accommodation/.test(m.text)));
    const second = await run();
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /Northshire CSP: 0 reminders sent about 0 actions/);

    const noMail = await runScript([], { DATABASE_URL: '', DATA_DIR: dir, SMTP_URL: '' });
    assert.equal(noMail.status, 1);
    assert.match(noMail.stderr, /E-mail is not set up: set SMTP_URL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
