// Data requests through HTTP: the analyst starts an assessment, asks two partners for
// data by e-mail (local SMTP), one uploads through the link without an account (twice:
// two versions), the other is late, reminded and chased; the serious violence assessment
// stays with officers; the matrix ranks issues and one becomes a draft agreement's priority.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { multipartFiles } from './testing.ts';
import { reminderRunActor } from '../actions/reminders.ts';
import { sendDueReminders } from './requests.commands.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let officer: Client;
let member: Client;
let anyone: Client;
const today = todayIso();
const flashOf = (res: { cookies: { name: string; value: string }[] }) => decodeURIComponent(res.cookies.find((c) => c.name === 'ph_flash')?.value ?? '');
const idIn = (location: unknown, kind: string) => new RegExp(`/assessment/${kind}/([0-9a-f-]{36})`).exec(String(location))![1]!;

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  anyone = new Client(t.app);
});
after(async () => { await t?.close(); await smtp?.close(); });

const orgId = async (short: string) => (await t.database.db.selectFrom('organisations').select('id').where('short_name', '=', short).executeTakeFirstOrThrow()).id;

async function uploadThroughLink(client: Client, link: string, name: string, bytes: string | Uint8Array) {
  const path = new URL(link).pathname;
  const page = await client.get(path);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartFiles(csrf, [{ name, bytes }]);
  return t.app.inject({ method: 'POST', url: path, payload, headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType } });
}

test('an assessment asks two partners for data; one returns it through the link, the other is late and chased', async () => {
  await officer.get('/assessment/assessments/new');
  const bad = await officer.post('/assessment/assessments/new', { kind: 'strategic', year: '2031', requests_by: '2031-05-01', data_due_on: '2031-04-01', draft_by: '2031-07-01', agreed_by: '2031-09-01' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /The data must be due after the requests go out/);
  const made = await officer.post('/assessment/assessments/new', { kind: 'strategic', year: '2031', requests_by: addDays(today, -30), data_due_on: addDays(today, 5), draft_by: addDays(today, 40), agreed_by: addDays(today, 80), remind_days_before: '7', chase_every_days: '7' });
  assert.equal(made.statusCode, 303, made.body);
  const id = idIn(made.headers.location, 'assessments');
  await officer.get(`/assessment/assessments/${id}`);
  const police = await officer.post(`/assessment/assessments/${id}/datasets`, { organisation_id: await orgId('NP'), name: 'Domestic abuse incidents by ward', period: 'April 2030 to March 2031', format: 'CSV', contact_name: 'Dana Whitfield', contact_email: 'dana.whitfield@police.example' });
  assert.equal(police.statusCode, 303);
  const fire = await officer.post(`/assessment/assessments/${id}/datasets`, { organisation_id: await orgId('NFRS'), name: 'Deliberate fires by month', period: 'April 2030 to March 2031', format: 'Excel', due_on: addDays(today, -3), contact_name: 'Rhys Paget', contact_email: 'rhys.paget@fire.example' });
  assert.equal(fire.statusCode, 303);
  const noEmail = await officer.post(`/assessment/assessments/${id}/datasets`, { organisation_id: await orgId('NP'), name: 'x', period: 'p', format: 'CSV', contact_name: 'N', contact_email: 'not-an-address' });
  assert.match(pageText(noEmail.body), /Enter an e-mail address in the right format/);

  const sent = await officer.post(`/assessment/assessments/${id}/send`, {});
  assert.equal(flashOf(sent), '2 requests sent');
  const mails = await smtp.waitFor(2);
  const toDana = mails.find((m) => m.envelopeTo.includes('dana.whitfield@police.example'))!;
  assert.match(toDana.headers.get('subject') ?? '', /Data request: Domestic abuse incidents by ward/);
  const link = /(https?:\/\/\S+\/assessment\/returns\/[A-Za-z0-9_-]+)/.exec(toDana.text)![1]!;

  // The partner, without an account: the page, a wrong kind of file, then the file twice.
  const opened = await anyone.get(new URL(link).pathname);
  assert.equal(opened.statusCode, 200);
  assert.match(pageText(opened.body), /Send Domestic abuse incidents by ward/);
  const wrong = await uploadThroughLink(anyone, link, 'incidents.exe', 'MZ...');
  assert.equal(wrong.statusCode, 400);
  assert.match(pageText(wrong.body), /must be a spreadsheet/);
  const first = await uploadThroughLink(anyone, link, 'incidents.csv', 'Ward,Incidents\nAshby North,41\n');
  assert.equal(first.statusCode, 200, first.body);
  assert.match(pageText(first.body), /Domestic abuse incidents by ward, version 1/);
  const second = await uploadThroughLink(anyone, link, 'incidents.csv', 'Ward,Incidents\nAshby North,42\n');
  assert.match(pageText(second.body), /version 2/);
  const stored = await t.database.db.selectFrom('assessment_returns').select(['version', 'bytes', 'sha256']).orderBy('version').execute();
  assert.deepEqual(stored.map((r) => [r.version, Buffer.from(r.bytes).toString()]), [[1, 'Ward,Incidents\nAshby North,41\n'], [2, 'Ward,Incidents\nAshby North,42\n']]);
  assert.equal(stored[0]!.sha256, (await import('node:crypto')).createHash('sha256').update('Ward,Incidents\nAshby North,41\n').digest('hex'));
  // A link that does not exist, or someone else's dataset: refused, body unread.
  assert.equal((await anyone.get('/assessment/returns/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).statusCode, 404);

  // The late one: on the late page, reminded automatically, chased by hand with a note.
  const late = pageText((await officer.get(`/assessment/assessments/${id}/late`)).body);
  assert.match(late, /Northshire Fire and Rescue Service: Deliberate fires by month/);
  assert.match(late, /3 days late/);
  assert.doesNotMatch(late, /Domestic abuse incidents/);
  const mailer = mailerFromConfig(t.app.config)!;
  // Nothing more today: each request gets at most one message a day (the request went today).
  assert.deepEqual(Object.values(await sendDueReminders({ db: t.database.db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost' }, today)).slice(0, 2), [0, 0]);
  const tomorrow = addDays(today, 1);
  const auto = await sendDueReminders({ db: t.database.db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost' }, tomorrow);
  assert.deepEqual([auto.reminders, auto.chases], [0, 1], 'the police have returned theirs; the fire service is chased');
  const again = await sendDueReminders({ db: t.database.db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost' }, tomorrow);
  assert.deepEqual([again.reminders, again.chases], [0, 0], 'at most one message a day');
  mailer.close();
  const fireId = idIn(fire.headers.location === `/assessment/assessments/${id}` ? (await officer.get(`/assessment/assessments/${id}`)).body.match(/\/assessment\/datasets\/[0-9a-f-]{36}">Deliberate/)![0] : '', 'datasets');
  await officer.get(`/assessment/datasets/${fireId}`);
  const chased = await officer.post(`/assessment/datasets/${fireId}/chase`, { note: 'Phoned Rhys: promised by Friday' });
  assert.equal(flashOf(chased), 'Chase sent');
  const all = await smtp.waitFor(4);
  assert.ok(all.filter((m) => m.envelopeTo.includes('rhys.paget@fire.example') && /Overdue: Deliberate fires by month/.test(m.headers.get('subject') ?? '')).length === 2);
  const history = pageText((await officer.get(`/assessment/assessments/${id}/late`)).body);
  assert.match(history, /Chased Automatic reminder/);
  assert.match(history, /Phoned Rhys: promised by Friday/);

  // A new link stops the old one working.
  const oldLink = /(https?:\/\/\S+\/assessment\/returns\/[A-Za-z0-9_-]+)/.exec(all.filter((m) => m.envelopeTo.includes('rhys.paget@fire.example')).at(-1)!.text)![1]!;
  await officer.get(`/assessment/datasets/${fireId}`);
  await officer.post(`/assessment/datasets/${fireId}/new-link`, {});
  const replaced = await anyone.get(new URL(oldLink).pathname);
  assert.equal(replaced.statusCode, 404);
  assert.match(pageText(replaced.body), /A newer link has been sent/);
  assert.equal((await uploadThroughLink(anyone, oldLink, 'fires.csv', 'a,b\n')).statusCode, 404);

  // The returns paper: received and missing; CSV; members read it; the public does not.
  const paper = pageText((await member.get(`/assessment/assessments/${id}/returns`)).body);
  assert.match(paper, /1 dataset has been received and 1 is still awaited, of which 1 is late/);
  const csv = await member.get(`/assessment/assessments/${id}/returns.csv`);
  assert.match(csv.body, /^Organisation,Dataset,Period,Due,Status,Days late,Received,Versions,Reminders and chases/);
  assert.notEqual((await anyone.get(`/assessment/assessments/${id}`)).statusCode, 200);
  const api = (await member.json('GET', `/api/assessment/assessments/${id}`)).json() as { datasets: { name: string; status: string; daysLate: number; returns: { version: number }[]; events: { kind: string; note: string | null }[] }[] };
  assert.deepEqual(api.datasets.map((d) => [d.name, d.status, d.returns.length]), [['Deliberate fires by month', 'late', 0], ['Domestic abuse incidents by ward', 'returned', 2]]);
  assert.ok(api.datasets[0]!.events.some((e) => e.kind === 'chased' && e.note === 'Phoned Rhys: promised by Friday'));
  assert.equal((await member.post(`/assessment/assessments/${id}/send`, {})).statusCode, 403);
});

test('the serious violence needs assessment is kept to officers; the matrix ranks issues and one becomes a priority', async () => {
  await officer.get('/assessment/assessments/new');
  const made = await officer.post('/assessment/assessments/new', { kind: 'serious-violence', year: '2031', requests_by: '2031-04-01', data_due_on: '2031-05-01', draft_by: '2031-06-01', agreed_by: '2031-07-01' });
  const id = idIn(made.headers.location, 'assessments');
  assert.equal((await member.get(`/assessment/assessments/${id}`)).statusCode, 404);
  assert.equal((await officer.get(`/assessment/assessments/${id}`)).statusCode, 200);
  assert.doesNotMatch(pageText((await member.get('/assessment/assessments')).body), /Serious violence needs assessment 2031/);
  assert.match(pageText((await officer.get('/assessment/assessments')).body), /Serious violence needs assessment 2031/);
  assert.equal((await member.json('GET', `/api/assessment/assessments/${id}`)).statusCode, 404);
  assert.ok(!((await member.json('GET', '/api/assessment/assessments')).json().items as { id: string }[]).some((a) => a.id === id));
  const reads = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'assessment').where('record_id', '=', id).where('action', '=', 'read').execute();
  assert.ok(reads.length >= 1, 'a read of the restricted assessment is audited');

  await officer.get(`/assessment/assessments/${id}/matrix`);
  for (const title of ['Knife-enabled robbery', 'Youth violence in town centres']) await officer.post(`/assessment/assessments/${id}/issues`, { title });
  const m = (await officer.get(`/assessment/assessments/${id}/matrix`)).body;
  const field = (issue: string, crit: string) => {
    const issueId = new RegExp(`legend[^>]*>${issue}</legend>[\\s\\S]*?name="score-([0-9a-f-]{36})-`).exec(m)![1]!;
    const critId = new RegExp(`name="weight-([0-9a-f-]{36})"[^>]*value="[^"]*"[^]*?`).exec(m) && [...m.matchAll(/<label class="govuk-label" for="weight-([0-9a-f-]{36})">\s*Weight of ([^<]+)</g)].find((x) => x[2]!.trim() === crit)![1]!;
    return `score-${issueId}-${critId}`;
  };
  const crit = [...m.matchAll(/<label class="govuk-label" for="weight-([0-9a-f-]{36})">\s*Weight of ([^<]+)</g)].map((x) => [x[1]!, x[2]!.trim()] as const);
  assert.deepEqual(crit.map((c) => c[1]), ['Harm', 'Frequency', 'Trend', 'Public concern']);
  const form: Record<string, string> = Object.fromEntries(crit.map(([cid, name]) => [`weight-${cid}`, name === 'Harm' ? '3' : name === 'Public concern' ? '1' : '2']));
  // Robbery 4,2,3,3 = 12+4+6+3 = 25; youth violence 3,4,3,4 = 9+8+6+4 = 27.
  const robbery = [4, 2, 3, 3];
  const youth = [3, 4, 3, 4];
  crit.forEach(([, name], i) => { form[field('Knife-enabled robbery', name)] = String(robbery[i]); form[field('Youth violence in town centres', name)] = String(youth[i]); });
  const badScore = await officer.post(`/assessment/assessments/${id}/matrix`, { ...form, [field('Knife-enabled robbery', 'Harm')]: '5' });
  assert.equal(badScore.statusCode, 400);
  assert.match(pageText(badScore.body), /Score Knife-enabled robbery for harm from 1 to 4/);
  assert.equal((await officer.post(`/assessment/assessments/${id}/matrix`, form)).statusCode, 303);
  const ranked = pageText((await officer.get(`/assessment/assessments/${id}/matrix`)).body);
  assert.match(ranked, /1 Youth violence in town centres 27 .*2 Knife-enabled robbery 25/);
  const page = (await officer.get(`/assessment/assessments/${id}/matrix`)).body;
  const issueId = /\/assessment\/issues\/([0-9a-f-]{36})\/priority/.exec(page)![1]!;
  const agreementId = /name="agreement_id" value="([0-9a-f-]{36})"/.exec(page)![1]!;
  const made2 = await officer.post(`/assessment/issues/${issueId}/priority`, { agreement_id: agreementId });
  assert.equal(made2.statusCode, 303);
  const priorities = (await officer.json('GET', `/api/strategy/agreements/${agreementId}/priorities`)).json().items as { id: string; title: string }[];
  const linked = await t.database.db.selectFrom('assessment_issues').select(['title', 'priority_id']).where('id', '=', issueId).executeTakeFirstOrThrow();
  assert.ok(priorities.some((p) => p.id === linked.priority_id && p.title === linked.title));
});
