// Progress returns by e-mail (local SMTP sink): an officer asks the leads of a grant's
// projects in delivery before a chosen meeting; the lead posts the return through the link
// without an account, with the spend to date and an evidence file kept byte for byte; bad
// amounts and files are refused and change nothing; replaced and expired links are refused;
// the scheduled run asks once per meeting; evidence downloads are for signed-in readers, audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { mailerFromConfig } from '../../mail/mailer.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { reminderRunActor } from '../actions/reminders.ts';
import { sendDueReturnRequests } from './returns.ts';
import { postMultipart, SAMPLE_PDF, SAMPLE_PNG } from './testing.ts';

let t: TestApp;
let smtp: SmtpTestServer;
const today = todayIso();
const ids = { grant: '', shop: '', radio: '', soon: '', later: '', past: '', body: '' };
const LEAD = 'ffion.marsh@shopwatch.example';
const flashOf = (res: { cookies: { name: string; value: string }[] }) => decodeURIComponent(res.cookies.find((c) => c.name === 'ph_flash')?.value ?? '');
const count = async (table: 'funding_progress' | 'funding_evidence' | 'funding_return_links') => Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const linkOf = (text: string) => /(https?:\/\/\S+\/funding\/returns\/[A-Za-z0-9_-]+)/.exec(text)![1]!;

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  const db = t.database.db;
  const pid = t.partnershipId;
  const proposal = async (title: string) => (await db.selectFrom('funding_proposals').select(['id', 'grant_id']).where('title', '=', title).executeTakeFirstOrThrow());
  const shop = await proposal('Shop theft prevention packs');
  ids.shop = shop.id;
  ids.grant = shop.grant_id;
  // A second project in delivery, whose lead contact has no e-mail address.
  const { id: _id, created_at: _c, updated_at: _u, ...copy } = await db.selectFrom('funding_proposals').selectAll().where('id', '=', ids.shop).executeTakeFirstOrThrow();
  void _id; void _c; void _u;
  ids.radio = (await db.insertInto('funding_proposals').values({ ...copy, title: 'Street pastors radio link', allocated_pence: 95_000, lead_contact_email: null }).returning('id').executeTakeFirstOrThrow()).id;
  await db.updateTable('funding_proposals').set({ lead_contact_name: 'Ffion Marsh', lead_contact_email: LEAD }).where('id', '=', ids.shop).execute();
  ids.body = (await db.selectFrom('bodies').select('id').where('partnership_id', '=', pid).orderBy('name').executeTakeFirstOrThrow()).id;
  const meeting = async (on: string) => (await db.insertInto('meetings').values({ partnership_id: pid, body_id: ids.body, meets_on: on, starts_at: '10:00', venue: 'Brackenford Civic Centre', online: false }).returning('id').executeTakeFirstOrThrow()).id;
  ids.past = await meeting(addDays(today, -40));
  ids.soon = await meeting(addDays(today, 10));
  ids.later = await meeting(addDays(today, 50));
});
after(async () => { await t?.close(); await smtp?.close(); });

test('an officer asks the leads before a chosen meeting: one e-mail with a link of its own, once per meeting', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const page = await officer.get(`/funding/grants/${ids.grant}/return-requests`);
  assert.equal(page.statusCode, 200);
  assert.match(pageText(page.body), /Shop theft prevention packs Ffion Marsh \(ffion\.marsh@shopwatch\.example\) Not asked yet/);
  assert.match(pageText(page.body), /Street pastors radio link No contact e-mail/);
  // A meeting already held, or none, is refused and nothing is sent.
  const past = await officer.post(`/funding/grants/${ids.grant}/return-requests`, { meeting_id: ids.past });
  assert.equal(past.statusCode, 400);
  assert.match(pageText(past.body), /That meeting was on .*: select one still to come/);
  assert.match(pageText((await officer.post(`/funding/grants/${ids.grant}/return-requests`, { meeting_id: '' })).body), /Select the meeting the returns are for/);
  assert.equal(await count('funding_return_links'), 0);

  const sent = await officer.post(`/funding/grants/${ids.grant}/return-requests`, { meeting_id: ids.later });
  assert.equal(sent.statusCode, 303, sent.body);
  assert.equal(flashOf(sent), 'Asked 1 lead for a progress return; no contact e-mail for Street pastors radio link');
  const [mail] = await smtp.waitFor(1);
  assert.deepEqual(mail!.envelopeTo, [LEAD]);
  assert.match(mail!.headers.get('subject') ?? '', /^Progress return for Shop theft prevention packs: before the meeting on /);
  assert.match(mail!.text, /You do not need an account; the link is for this project only and works until/);
  const stored = await t.database.db.selectFrom('funding_return_links').selectAll().executeTakeFirstOrThrow();
  const token = linkOf(mail!.text).split('/').at(-1)!;
  assert.equal(stored.token_sha256, createHash('sha256').update(token).digest('hex'), 'only the hash of the token is kept');
  assert.ok(!JSON.stringify(await t.database.db.selectFrom('audit_log').select(['summary', 'after']).where('record_type', '=', 'funding-return-request').execute()).includes(token), 'the token is not audited');
  // Asked again for the same meeting: nobody new.
  const again = await officer.post(`/funding/grants/${ids.grant}/return-requests`, { meeting_id: ids.later });
  assert.equal(flashOf(again), 'Nobody new to ask; 1 asked already for this meeting; no contact e-mail for Street pastors radio link');
  assert.equal(await count('funding_return_links'), 1);
  // Members may not ask.
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get(`/funding/grants/${ids.grant}/return-requests`)).statusCode, 403);
  assert.equal((await member.json('POST', `/api/funding/grants/${ids.grant}/return-requests`, { meetingId: ids.later })).statusCode, 403);
});

test('the lead posts the return through the link, without an account, with the spend to date and an evidence file', async () => {
  const mail = (await smtp.waitFor(1))[0]!;
  const path = new URL(linkOf(mail.text)).pathname;
  const lead = new Client(t.app);
  const page = await lead.get(path);
  assert.equal(page.statusCode, 200);
  assert.match(String(page.headers['cache-control']), /no-store/);
  assert.match(pageText(page.body), /Progress return: Shop theft prevention packs .* Allocated £1,600/);
  const before = { progress: await count('funding_progress'), evidence: await count('funding_evidence') };
  const refused: [Record<string, string>, { name: string; bytes: Buffer | string } | undefined, RegExp][] = [
    [{ text: 'Delivered more packs.', spend_to_date: '1,200.5' }, undefined, /The spend to date must have two figures for pence \(1,200\.50, not 1,200\.5\), or none \(1,200\)/],
    [{ text: 'Delivered more packs.', spend_to_date: '-20' }, undefined, /The spend to date cannot be negative: enter what has been spent so far, or 0/],
    [{ text: 'Delivered more packs.', spend_to_date: '1,700' }, undefined, /The spend to date cannot be more than the allocation of £1,600: check the figure/],
    [{ text: '', spend_to_date: '100' }, undefined, /Enter the update: what has been done/],
    [{ text: 'Delivered more packs.', spend_to_date: '100' }, { name: 'invoice.png', bytes: 'not a picture at all' }, /invoice\.png is not the kind of file its name says \(\.png\)/],
    [{ text: 'Delivered more packs.', spend_to_date: '100' }, { name: 'invoice.exe', bytes: 'MZ' }, /The evidence must be a PDF, a Word document \(DOCX\), an Excel workbook \(XLSX\), or a PNG or JPEG picture/],
  ];
  for (const [fields, file, message] of refused) {
    const res = await postMultipart(t.app, lead, path, path, fields, file);
    assert.equal(res.statusCode, 400, JSON.stringify(fields));
    assert.match(pageText(res.body), /There is a problem/);
    assert.match(pageText(res.body), message);
  }
  assert.deepEqual({ progress: await count('funding_progress'), evidence: await count('funding_evidence') }, before, 'bad input changes nothing');

  const ok = await postMultipart(t.app, lead, path, path, { text: 'Another 60 packs delivered in Ashby Vale and Coldmere.', spend_to_date: '1,020.50', figures: '140 shops visited' }, { name: 'print-invoice.pdf', bytes: SAMPLE_PDF });
  assert.equal(ok.statusCode, 200, ok.body);
  const sha = createHash('sha256').update(SAMPLE_PDF).digest('hex');
  assert.match(pageText(ok.body), new RegExp(`Progress return received .* We kept your file print-invoice\\.pdf exactly as sent \\(SHA-256 ${sha}\\)`));
  const row = await t.database.db.selectFrom('funding_progress').selectAll().where('text', '=', 'Another 60 packs delivered in Ashby Vale and Coldmere.').executeTakeFirstOrThrow();
  assert.deepEqual([Number(row.spend_to_date_pence), row.via, row.figures, row.author_label], [102_050, 'link', '140 shops visited', 'Ffion Marsh (through the e-mailed link)']);
  const evidence = await t.database.db.selectFrom('funding_evidence').selectAll().where('progress_id', '=', row.id).executeTakeFirstOrThrow();
  assert.ok(Buffer.from(evidence.bytes).equals(SAMPLE_PDF), 'kept byte for byte');
  assert.deepEqual([evidence.sha256, evidence.content_type, evidence.size], [sha, 'application/pdf', SAMPLE_PDF.length]);
  const audits = await t.database.db.selectFrom('audit_log').select(['record_type', 'summary']).where('record_type', 'in', ['funding-progress', 'funding-evidence']).orderBy('id', 'desc').limit(2).execute();
  assert.deepEqual(audits.map((a) => a.summary).sort(), [
    `Evidence print-invoice.pdf (${SAMPLE_PDF.length} bytes) added to a progress return on Shop theft prevention packs`,
    'Progress on Shop theft prevention packs: spend to date £1,020.50 (through the e-mailed link)',
  ]);

  // Signed-in readers see it against the allocation, and download the file (audited); the public cannot.
  const member = await new Client(t.app).signIn(demoUsers.member);
  const project = pageText((await member.get(`/funding/proposals/${ids.shop}`)).body);
  assert.match(project, /Spend to date reported by the lead on .*: £1,020\.50 of the £1,600 allocation\./);
  assert.match(project, /print-invoice\.pdf A progress return Ffion Marsh \(through the e-mailed link\)/);
  const download = await member.get(`/funding/evidence/${evidence.id}`);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'application/pdf');
  assert.ok(download.rawPayload.equals(SAMPLE_PDF));
  const read = await t.database.db.selectFrom('audit_log').select(['action', 'summary']).where('record_type', '=', 'funding-evidence').where('action', '=', 'read').executeTakeFirstOrThrow();
  assert.equal(read.summary, 'Downloaded evidence print-invoice.pdf of Shop theft prevention packs');
  const anyone = await new Client(t.app).get(`/funding/evidence/${evidence.id}`);
  assert.notEqual(anyone.statusCode, 200);
  assert.ok(!anyone.rawPayload.includes(SAMPLE_PDF));
  const api = await member.json('GET', `/api/funding/proposals/${ids.shop}`);
  assert.deepEqual(api.json().evidence.map((e: { fileName: string; sha256: string }) => [e.fileName, e.sha256]), [['print-invoice.pdf', sha]]);
  assert.equal(api.json().progress[0].via, 'link');
  assert.equal((await new Client(t.app).json('GET', `/api/funding/proposals/${ids.shop}`)).json().evidence.length, 0);
});

test('an officer adds an invoice to a claim; a file that is not what its name says is refused', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const claim = (await t.database.db.selectFrom('funding_claims').select('id').where('proposal_id', '=', ids.shop).executeTakeFirstOrThrow()).id;
  const url = `/funding/proposals/${ids.shop}/evidence/new`;
  const n = await count('funding_evidence');
  const wrong = await postMultipart(t.app, officer, url, url, { for: `claim:${claim}` }, { name: 'invoice.docx', bytes: '%PDF-1.4 not a Word document' });
  assert.equal(wrong.statusCode, 400);
  assert.match(pageText(wrong.body), /invoice\.docx is not the kind of file its name says \(\.docx\)/);
  const noTarget = await postMultipart(t.app, officer, url, url, { for: 'claim:00000000-0000-4000-8000-000000000000' }, { name: 'invoice.png', bytes: SAMPLE_PNG });
  assert.match(pageText(noTarget.body), /Select the claim or progress return the evidence is for/);
  assert.equal(await count('funding_evidence'), n);
  const ok = await postMultipart(t.app, officer, url, url, { for: `claim:${claim}` }, { name: 'invoice.png', bytes: SAMPLE_PNG });
  assert.equal(ok.statusCode, 303, ok.body);
  assert.equal(await count('funding_evidence'), n + 1);
  // A member may not add evidence: refused before the file is read.
  const member = await new Client(t.app).signIn(demoUsers.member);
  const refused = await postMultipart(t.app, member, `/funding/proposals/${ids.shop}`, url, { for: `claim:${claim}` }, { name: 'invoice.png', bytes: SAMPLE_PNG });
  assert.equal(refused.statusCode, 403);
  assert.equal(await count('funding_evidence'), n + 1);
});

test('a link replaced by a newer one, or expired, or unknown, is refused with a message; the scheduled run asks once a meeting', async () => {
  const first = (await smtp.waitFor(1))[0]!;
  const oldPath = new URL(linkOf(first.text)).pathname;
  const db = t.database.db;
  // The scheduled run: the project was considered at a meeting of the body that meets in ten days.
  await db.updateTable('funding_proposals').set({ considered_meeting_id: ids.past }).where('id', '=', ids.shop).execute();
  const mailer = mailerFromConfig(t.app.config)!;
  try {
    const run = await sendDueReturnRequests({ db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost' }, today);
    assert.deepEqual([run.sent, run.alreadyAsked, run.failed], [1, 0, []]);
    const again = await sendDueReturnRequests({ db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost' }, today);
    assert.deepEqual([again.sent, again.alreadyAsked], [0, 1]);
    // A meeting more than a fortnight away is not asked for yet.
    const early = await sendDueReturnRequests({ db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost' }, addDays(today, -20));
    assert.equal(early.sent, 0);
  } finally { mailer.close(); }
  const mails = await smtp.waitFor(2);
  const second = mails.find((m) => m !== first && linkOf(m.text) !== linkOf(first.text))!;
  const newPath = new URL(linkOf(second.text)).pathname;
  const anyone = new Client(t.app);
  const replaced = await anyone.get(oldPath);
  assert.equal(replaced.statusCode, 404);
  assert.match(pageText(replaced.body), /A newer link has been sent for this project, and this one no longer works/);
  assert.equal((await anyone.get(newPath)).statusCode, 200);
  await db.updateTable('funding_return_links').set({ expires_at: new Date(Date.now() - 1000) }).where('revoked_at', 'is', null).execute();
  assert.match(pageText((await anyone.get(newPath)).body), /This link has expired\. Ask the partnership to send you a new one\./);
  const n = await count('funding_progress');
  const late = await postMultipart(t.app, anyone, '/funding', newPath, { text: 'Too late', spend_to_date: '10' });
  assert.equal(late.statusCode, 404);
  assert.equal(await count('funding_progress'), n);
  assert.match(pageText((await anyone.get('/funding/returns/not-a-real-token-at-all-000000')).body), /This link is not recognised/);
});

test('a lead who has sent nothing is reminded once, five days before the meeting, with a new link; one who has sent a return is not', async () => {
  const db = t.database.db;
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const mailer = mailerFromConfig(t.app.config)!;
  const run = () => sendDueReturnRequests({ db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost' }, today);
  const meeting = async (on: string) => (await db.insertInto('meetings').values({ partnership_id: t.partnershipId, body_id: ids.body, meets_on: on, starts_at: '14:00', venue: 'Brackenford Civic Centre', online: false }).returning('id').executeTakeFirstOrThrow()).id;
  try {
    // Asked for a meeting in three days, and the lead answers: no reminder.
    const answered = await meeting(addDays(today, 3));
    let seen = smtp.messages.length;
    await officer.get(`/funding/grants/${ids.grant}/return-requests`);
    assert.equal((await officer.post(`/funding/grants/${ids.grant}/return-requests`, { meeting_id: answered })).statusCode, 303);
    const asked = (await smtp.waitFor(seen + 1)).at(-1)!;
    const askedPath = new URL(linkOf(asked.text)).pathname;
    const sentReturn = await postMultipart(t.app, new Client(t.app), askedPath, askedPath, { text: 'Packs handed out at the market.', spend_to_date: '300' });
    assert.equal(sentReturn.statusCode, 200, sentReturn.body);
    assert.equal((await run()).reminded, 0, 'a lead who has sent a return since being asked is not reminded');

    // Asked for a meeting in four days, and nothing comes back: one reminder, with a new link.
    const silent = await meeting(addDays(today, 4));
    seen = smtp.messages.length;
    assert.equal((await officer.post(`/funding/grants/${ids.grant}/return-requests`, { meeting_id: silent })).statusCode, 303);
    const first = (await smtp.waitFor(seen + 1)).at(-1)!;
    const links = await count('funding_return_links');
    const result = await run();
    assert.equal(result.reminded, 1);
    assert.deepEqual(result.failed, []);
    const reminder = (await smtp.waitFor(seen + 2)).at(-1)!;
    assert.deepEqual(reminder.envelopeTo, [LEAD]);
    assert.match(reminder.headers.get('subject') ?? '', /^Reminder: progress return for Shop theft prevention packs: before the meeting on /);
    assert.match(reminder.text, /We have not yet had a progress return for Shop theft prevention packs, and the meeting is close\. The link in our earlier e-mail no longer works/);
    assert.equal(await count('funding_return_links'), links + 1);
    const anyone = new Client(t.app);
    assert.match(pageText((await anyone.get(new URL(linkOf(first.text)).pathname)).body), /A newer link has been sent for this project/);
    assert.equal((await anyone.get(new URL(linkOf(reminder.text)).pathname)).statusCode, 200);
    const audit = await db.selectFrom('audit_log').select(['actor_label', 'summary']).where('record_type', '=', 'funding-return-request').orderBy('at', 'desc').executeTakeFirstOrThrow();
    assert.equal(audit.actor_label, 'system');
    assert.match(audit.summary ?? '', /^Reminder of the progress return for Shop theft prevention packs sent to ffion\.marsh@shopwatch\.example before the meeting of .*; the earlier link no longer works$/);

    // The same day again, or the next: nobody is reminded twice.
    assert.equal((await run()).reminded, 0);
    assert.equal((await sendDueReturnRequests({ db, actor: reminderRunActor(t.partnershipId), mailer, baseUrl: 'http://localhost' }, addDays(today, 1))).reminded, 0);
    assert.equal(await count('funding_return_links'), links + 1);
  } finally { mailer.close(); }
});
