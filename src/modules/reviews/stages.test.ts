// The working stages of a review case through HTTP, pages and API: requests to agencies
// e-mailed through a real local SMTP server (their subject names the case by pseudonym
// only), chased and received with a real PDF; the family's involvement; the quality
// assurance panel's dates and two feedback items holding up publication; documents kept
// byte for byte with downloads audited; a safeguarding adults review's markers and
// findings counted in the annual summary. Bad input saves nothing. Everyone not named on
// the case finds nothing on any of the new routes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../mail/smtpTestServer.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { buildDocx, buildPdf, multipartBody } from '../meetings/testing.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let coordinator: Client;
let otherOfficer: Client;
let member: Client;
let panel: Client;
let dhr: string;
let sar: string;
let otherCase: string;
const SUBJECT = 'Vellacourt Thistlewaite';
const today = todayIso();
const flashOf = (res: { cookies: { name: string; value: string }[] }) => decodeURIComponent(res.cookies.find((c) => c.name === 'ph_flash')?.value ?? '');
const caseIdOf = (res: { headers: Record<string, unknown> }) => /\/reviews\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
const count = async (table: 'review_agency_requests' | 'review_documents' | 'review_family_entries' | 'review_qa_feedback' | 'review_sar_findings' | 'review_agency_request_events') =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

/** Posts a multipart form with one file, as the browser does (the token first). */
async function upload(client: Client, pageUrl: string, url: string, fields: Record<string, string>, file: { name: string; type: string; bytes: Uint8Array } | null) {
  const page = await client.get(pageUrl);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartBody({ _csrf: csrf, ...fields }, file);
  return t.app.inject({ method: 'POST', url, payload, headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType } });
}

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  const db = t.database.db;
  const hash = (await db.selectFrom('users').select('password_hash').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).password_hash;
  const u = await db.insertInto('users').values({ email: 'stages-officer2@northshire.example', display_name: 'Ione Castlemere', password_hash: hash, demo: true }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('partnership_users').values({ partnership_id: t.partnershipId, user_id: u.id, role: 'officer' }).execute();
  coordinator = await new Client(t.app).signIn(demoUsers.officer);
  otherOfficer = await new Client(t.app).signIn('stages-officer2@northshire.example');
  member = await new Client(t.app).signIn(demoUsers.member);
  panel = await new Client(t.app).signIn(demoUsers.panel);
  const notified = addDays(today, -90);
  await coordinator.get('/reviews/new');
  dhr = caseIdOf(await coordinator.post('/reviews/new', { kind_code: 'dhr', pseudonym: 'Merganser', year: notified.slice(0, 4), notified_on: notified, subject_details: `${SUBJECT}, aged 37` }));
  assert.equal((await coordinator.post(`/reviews/${dhr}/stages`, { stage: 'decision', happened_on: addDays(notified, 20), outcome: 'review' })).statusCode, 303);
  sar = caseIdOf(await coordinator.post('/reviews/new', { kind_code: 'sar', pseudonym: 'Goldcrest', year: notified.slice(0, 4), notified_on: notified }));
  assert.equal((await coordinator.post(`/reviews/${sar}/stages`, { stage: 'decision', happened_on: addDays(notified, 10), outcome: 'review' })).statusCode, 303);
  // A case of the other officer, with the panel member on it: a panel member of another case.
  await otherOfficer.get('/reviews/new');
  otherCase = caseIdOf(await otherOfficer.post('/reviews/new', { kind_code: 'sar', pseudonym: 'Dunnock', year: '2026', notified_on: addDays(today, -5) }));
  const panelUser = await db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
  await otherOfficer.get(`/reviews/${otherCase}/people`);
  assert.equal((await otherOfficer.post(`/reviews/${otherCase}/people`, { place: 'agency-representative', user_id: panelUser.id })).statusCode, 303);
});
after(async () => { await t?.close(); await smtp?.close(); });

test('requests to agencies: bad input saves nothing; a request and a chase are e-mailed naming the case by pseudonym only; overdue is flagged; received with a real PDF', async () => {
  await coordinator.get(`/reviews/${dhr}/requests/new`);
  const before = await count('review_agency_requests');
  const bad = await coordinator.post(`/reviews/${dhr}/requests`, { what: 'chronology', agency: 'Northshire Police', contact_name: 'Tamsin Orrell', contact_email: 'not-an-address', due_on: addDays(today, -1) });
  assert.equal(bad.statusCode, 400);
  const badText = pageText(bad.body);
  assert.match(badText, /There is a problem/);
  assert.match(badText, /Enter an e-mail address in the right format/);
  assert.match(badText, /The due date must be after today/);
  assert.equal(await count('review_agency_requests'), before);
  assert.equal(smtp.messages.length, 0);

  const sent = await coordinator.post(`/reviews/${dhr}/requests`, { what: 'chronology', agency: 'Northshire Police', contact_name: 'Tamsin Orrell', contact_email: 'tamsin.orrell@police.example', due_on: addDays(today, 21) });
  assert.equal(sent.statusCode, 303, pageText(sent.body).slice(0, 300));
  assert.equal(flashOf(sent), 'Request sent to Northshire Police');
  const api = await coordinator.json('POST', `/api/reviews/${dhr}/requests`, { what: 'agency-report', agency: 'Brackenford Housing', contactName: 'Lior Pennant', contactEmail: 'lior.pennant@housing.example', dueOn: addDays(today, 14) });
  assert.equal(api.statusCode, 201, api.body);
  assert.equal(api.json().state, 'awaiting');
  const apiBad = await coordinator.json('POST', `/api/reviews/${dhr}/requests`, { what: 'letter', agency: '', contactName: 'x', contactEmail: 'x@y.example', dueOn: today });
  assert.equal(apiBad.statusCode, 400);
  assert.deepEqual(apiBad.json().errors.map((e: { field: string }) => e.field).sort(), ['agency', 'dueOn', 'what']);

  const mails = await smtp.waitFor(2);
  const toPolice = mails.find((m) => m.envelopeTo.includes('tamsin.orrell@police.example'))!;
  const subject = toPolice.headers.get('subject') as string;
  assert.match(subject, /^Review Merganser \d{4}: chronology requested from Northshire Police by /);
  for (const m of mails) {
    assert.ok(!String(m.headers.get('subject')).includes(SUBJECT) && !m.text.includes(SUBJECT) && !m.text.includes('Vellacourt'), 'no e-mail names the subject');
  }

  // The police's request was made a month ago and is now late (as if sent then).
  const police = await t.database.db.selectFrom('review_agency_requests').select('id').where('case_id', '=', dhr).where('agency', '=', 'Northshire Police').executeTakeFirstOrThrow();
  await t.database.db.updateTable('review_agency_requests').set({ requested_on: addDays(today, -30), due_on: addDays(today, -4) }).where('id', '=', police.id).execute();
  const casePage = pageText((await coordinator.get(`/reviews/${dhr}`)).body);
  assert.match(casePage, /Overdue from agencies: Northshire Police\./);
  assert.match(casePage, /Northshire Police Chronology .* Overdue 4 days/);
  assert.match(pageText((await coordinator.get('/reviews')).body), /Merganser \d{4} .* Overdue 1 agency request/);
  const overview = pageText((await coordinator.get('/reviews/requests')).body);
  assert.match(overview, /Merganser \d{4} Northshire Police Chronology .* Overdue 4 days/);
  assert.ok(overview.indexOf('Northshire Police') < overview.indexOf('Brackenford Housing'), 'overdue first');
  assert.equal((await coordinator.json('GET', '/api/review-requests')).json().items[0].state, 'overdue');

  // Chased twice: each chase e-mailed and kept in the history.
  await coordinator.get(`/reviews/${dhr}/requests/${police.id}`);
  assert.equal((await coordinator.post(`/reviews/${dhr}/requests/${police.id}/chase`, { note: 'We need it for the panel on Thursday.' })).statusCode, 303);
  const chased = await coordinator.json('POST', `/api/reviews/${dhr}/requests/${police.id}/chase`, {});
  assert.equal(chased.statusCode, 201);
  assert.equal(chased.json().chases, 2);
  const chases = (await smtp.waitFor(4)).filter((m) => String(m.headers.get('subject')).startsWith('Reminder: review Merganser'));
  assert.equal(chases.length, 2);
  assert.match(chases[0]!.text, /We need it for the panel on Thursday\./);
  const requestPage = pageText((await coordinator.get(`/reviews/${dhr}/requests/${police.id}`)).body);
  assert.match(requestPage, /Request sent by Gwen Abernethy .* Chased by Gwen Abernethy\. We need it for the panel on Thursday\. .* Chased by Gwen Abernethy/);

  // Received: not a PDF refused (nothing saved); a real PDF kept byte for byte.
  const docsBefore = await count('review_documents');
  const notPdf = await upload(coordinator, `/reviews/${dhr}/requests/${police.id}`, `/reviews/${dhr}/requests/${police.id}/received`,
    { 'received_on-day': String(Number(today.slice(8))), 'received_on-month': String(Number(today.slice(5, 7))), 'received_on-year': today.slice(0, 4) },
    { name: 'chronology.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('Date, event\n2025-01-01, a visit\n') });
  assert.equal(notPdf.statusCode, 400);
  assert.match(pageText(notPdf.body), /There is a problem The selected file must be a PDF or a Word document/);
  const cutShort = await upload(coordinator, `/reviews/${dhr}/requests/${police.id}`, `/reviews/${dhr}/requests/${police.id}/received`, { received_on: today },
    { name: 'chronology.pdf', type: 'application/pdf', bytes: (await buildPdf(['Chronology'])).slice(0, 200) });
  assert.equal(cutShort.statusCode, 400);
  assert.match(pageText(cutShort.body), /not a readable PDF/);
  assert.equal(await count('review_documents'), docsBefore);
  const pdf = await buildPdf(['Northshire Police chronology for the review', 'Entries from 2024 onwards']);
  const received = await upload(coordinator, `/reviews/${dhr}/requests/${police.id}`, `/reviews/${dhr}/requests/${police.id}/received`, { received_on: today }, { name: 'police-chronology.pdf', type: 'application/pdf', bytes: pdf });
  assert.equal(received.statusCode, 303, pageText(received.body).slice(0, 400));
  const stored = await t.database.db.selectFrom('review_agency_requests').innerJoin('review_documents', 'review_documents.id', 'review_agency_requests.document_id')
    .select(['review_agency_requests.received_on', 'review_documents.content', 'review_documents.sha256', 'review_documents.id']).where('review_agency_requests.id', '=', police.id).executeTakeFirstOrThrow();
  assert.equal(stored.received_on, today);
  assert.deepEqual(Buffer.from(stored.content), Buffer.from(pdf));
  assert.equal(stored.sha256, createHash('sha256').update(pdf).digest('hex'));
  assert.doesNotMatch(pageText((await coordinator.get(`/reviews/${dhr}`)).body), /Overdue from agencies/);
  const again = await coordinator.json('POST', `/api/reviews/${dhr}/requests/${police.id}/chase`, {});
  assert.equal(again.statusCode, 400, 'a received request is not chased');
});

test('the family’s involvement: dated entries inside the case; a date before notification or a contact without a name saves nothing', async () => {
  const before = await count('review_family_entries');
  await coordinator.get(`/reviews/${dhr}/family`);
  const bad = await coordinator.post(`/reviews/${dhr}/family`, { kind: 'contact', happened_on: addDays(today, -400), details: 'Sister, by telephone' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /The date must be on or after the date the partnership was notified .* Enter who the contact is and their relationship/);
  assert.equal(await count('review_family_entries'), before);
  for (const form of [
    { kind: 'contact', happened_on: addDays(today, -60), who: 'Older sister (Morwenna)', details: 'Reached through the family liaison officer; happy to talk in person' },
    { kind: 'offer', happened_on: addDays(today, -58), who: '', details: 'Letter offering a part in the review and an advocate from the specialist service' },
    { kind: 'meeting', happened_on: addDays(today, -40), who: 'Older sister and her husband, with the advocate', details: 'Met the chair at the advocate\'s office' },
  ]) assert.equal((await coordinator.post(`/reviews/${dhr}/family`, form)).statusCode, 303);
  const naming = await coordinator.json('POST', `/api/reviews/${dhr}/family`, { kind: 'naming', happenedOn: addDays(today, -40), details: 'The family chose the name Merganser' });
  assert.equal(naming.statusCode, 201);
  const list = (await coordinator.json('GET', `/api/reviews/${dhr}/family`)).json().items;
  assert.deepEqual(list.map((e: { kind: string }) => e.kind), ['contact', 'offer', 'meeting', 'naming']);
  assert.match(pageText((await coordinator.get(`/reviews/${dhr}/family`)).body), /Older sister \(Morwenna\)/);
});

test('quality assurance: dates out of order refused; two feedback items hold up publication until each is addressed or not accepted with a reason', async () => {
  await coordinator.get(`/reviews/${dhr}/qa`);
  const submitted = addDays(today, -20);
  const outOfOrder = await coordinator.post(`/reviews/${dhr}/qa`, { submitted_on: submitted, meeting_on: addDays(today, -25), outcome: 'resubmit' });
  assert.equal(outOfOrder.statusCode, 400);
  assert.match(pageText(outOfOrder.body), /The panel's meeting must be on or after the date of submission/);
  const noOutcome = await coordinator.json('POST', `/api/reviews/${dhr}/qa`, { submittedOn: submitted, meetingOn: addDays(today, -10) });
  assert.equal(noOutcome.statusCode, 400);
  assert.equal(noOutcome.json().errors[0].field, 'outcome');
  const events = () => t.database.db.selectFrom('review_stage_events').select('stage').where('case_id', '=', dhr).execute();
  assert.ok(!(await events()).some((e) => e.stage === 'submitted-qa'), 'nothing saved');
  const ok = await coordinator.post(`/reviews/${dhr}/qa`, { submitted_on: submitted, meeting_on: addDays(today, -10), outcome: 'approved-subject-to-changes' });
  assert.equal(ok.statusCode, 303, pageText(ok.body).slice(0, 300));
  assert.match(pageText((await coordinator.get(`/reviews/${dhr}`)).body), /Submitted to the Home Office quality assurance panel .* Quality assurance panel outcome Approved subject to changes/);

  await coordinator.get(`/reviews/${dhr}/qa`);
  assert.equal((await coordinator.post(`/reviews/${dhr}/qa/feedback`, { text: 'Say more about what the GP practice knew of the separation' })).statusCode, 303);
  const second = await coordinator.json('POST', `/api/reviews/${dhr}/qa/feedback`, { text: 'Remove the street name from paragraph 4.2' });
  assert.equal(second.json().number, 2);
  const items = (await coordinator.json('GET', `/api/reviews/${dhr}/qa`)).json();
  assert.equal(items.openFeedback, 2);

  await coordinator.get(`/reviews/${dhr}/publish`);
  const blocked = await coordinator.post(`/reviews/${dhr}/publish`, { published_on: today, published_summary: 'The review found the agencies did not share what they knew.' });
  assert.equal(blocked.statusCode, 400);
  assert.match(pageText(blocked.body), /The review cannot be published while 2 quality assurance feedback items are open/);
  assert.equal((await t.database.db.selectFrom('review_cases').select('published_on').where('id', '=', dhr).executeTakeFirstOrThrow()).published_on, null);

  const [first, last] = items.feedback as { id: string }[];
  await coordinator.get(`/reviews/${dhr}/qa/feedback/${first!.id}`);
  const noReason = await coordinator.post(`/reviews/${dhr}/qa/feedback/${first!.id}`, { status: 'not-accepted', response: '' });
  assert.equal(noReason.statusCode, 400);
  assert.match(pageText(noReason.body), /Enter the reason the feedback is not accepted/);
  assert.equal((await coordinator.post(`/reviews/${dhr}/qa/feedback/${first!.id}`, { status: 'not-accepted', response: 'The practice held no record of the separation; the report says so at 5.1' })).statusCode, 303);
  const stillOne = await coordinator.post(`/reviews/${dhr}/publish`, { published_on: today, published_summary: 'The review found the agencies did not share what they knew.' });
  assert.match(pageText(stillOne.body), /while 1 quality assurance feedback item is open/);
  assert.equal((await coordinator.json('POST', `/api/reviews/${dhr}/qa/feedback/${last!.id}`, { status: 'addressed', response: 'Removed' })).statusCode, 201);
  const resubmitted = await coordinator.json('POST', `/api/reviews/${dhr}/qa`, { submittedOn: submitted, meetingOn: addDays(today, -10), outcome: 'approved-subject-to-changes', resubmittedOn: addDays(today, -2) });
  assert.equal(resubmitted.statusCode, 201, resubmitted.body);
  assert.equal(resubmitted.json().resubmittedOn, addDays(today, -2));
  const published = await coordinator.post(`/reviews/${dhr}/publish`, { published_on: today, published_summary: 'The review found the agencies did not share what they knew.' });
  assert.equal(published.statusCode, 303, pageText(published.body).slice(0, 300));
});

test('documents: only a readable PDF or .docx is kept, byte for byte; downloads are audited; the public reads only the published report of a published review', async () => {
  const before = await count('review_documents');
  const page = `/reviews/${dhr}/documents`;
  const exe = await upload(coordinator, page, page, { kind: 'draft', title: 'Third draft' }, { name: 'draft.docx', type: 'application/octet-stream', bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 1, 2, 3]) });
  assert.equal(exe.statusCode, 400);
  assert.match(pageText(exe.body), /must be a PDF or a Word document/);
  const noTitle = await upload(coordinator, page, page, { kind: 'draft', title: '' }, null);
  assert.match(pageText(noTitle.body), /Enter a title for the document.* Select a PDF or Word \(\.docx\) file/);
  const wrongPublish = await upload(coordinator, page, page, { kind: 'draft', title: 'Third draft', published: 'yes' }, { name: 'd.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: await buildDocx('Third draft') });
  assert.match(pageText(wrongPublish.body), /Only a published report or summary can be shown to the public/);
  assert.equal(await count('review_documents'), before);

  const docx = await buildDocx('Third draft of the overview report');
  assert.equal((await upload(coordinator, page, page, { kind: 'draft', title: 'Third draft' }, { name: 'third draft.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: docx })).statusCode, 303);
  const report = await buildPdf(['Overview report, Merganser', 'Published edition']);
  const viaApi = await coordinator.json('POST', `/api/reviews/${dhr}/documents`, { kind: 'published-report', title: 'Overview report (published edition)', published: true, fileName: 'overview.pdf', contentBase64: Buffer.from(report).toString('base64') });
  assert.equal(viaApi.statusCode, 201, viaApi.body);
  assert.equal(viaApi.json().sha256, createHash('sha256').update(report).digest('hex'));
  const docs = (await coordinator.json('GET', `/api/reviews/${dhr}/documents`)).json().items as { id: string; title: string; published: boolean }[];
  const draft = docs.find((d) => d.title === 'Third draft')!;
  const published = docs.find((d) => d.published)!;

  const reads = async () => Number((await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'read').where('record_type', '=', 'review-case').where('record_id', '=', dhr).where('summary', 'like', 'Downloaded document%').executeTakeFirstOrThrow()).n);
  const n0 = await reads();
  const got = await coordinator.get(`/reviews/${dhr}/documents/${draft.id}`);
  assert.equal(got.statusCode, 200);
  assert.deepEqual(got.rawPayload, Buffer.from(docx));
  assert.equal(got.headers['cache-control'], 'private, no-store');
  assert.equal(await reads(), n0 + 1);

  const anyone = new Client(t.app);
  const publicPage = await anyone.get(`/published-reviews/${dhr}`);
  assert.equal(publicPage.statusCode, 200);
  assert.match(pageText(publicPage.body), /Documents Overview report \(published edition\) \(PDF/);
  assert.doesNotMatch(publicPage.body, /Third draft/);
  const publicDoc = await anyone.get(`/published-reviews/${dhr}/documents/${published.id}`);
  assert.equal(publicDoc.statusCode, 200);
  assert.deepEqual(publicDoc.rawPayload, Buffer.from(report));
  assert.equal((await anyone.get(`/published-reviews/${dhr}/documents/${draft.id}`)).statusCode, 404);
  assert.equal((await anyone.get(`/reviews/${dhr}/documents/${published.id}`)).statusCode, 404);
});

test('a safeguarding adults review: the quality markers checklist, and findings accepted or not with reasons, counted in the annual summary', async () => {
  await coordinator.get(`/reviews/${sar}/sar`);
  assert.equal((await coordinator.post(`/reviews/${sar}/sar/markers`, { markers: ['_none', 'referral', 'independence', 'adult-and-family'] })).statusCode, 303);
  assert.equal((await coordinator.post(`/reviews/${sar}/sar/markers`, { markers: ['referral', 'made-up'] })).statusCode, 400);
  const view = (await coordinator.json('GET', `/api/reviews/${sar}/sar`)).json();
  assert.deepEqual(view.markers.filter((m: { met: boolean }) => m.met).map((m: { code: string }) => m.code), ['referral', 'independence', 'adult-and-family']);
  assert.equal(view.markers.length, 14);

  const before = await count('review_sar_findings');
  const noReasons = await coordinator.post(`/reviews/${sar}/sar/findings`, { text: 'Home care visits were cut short without anyone being told', decision: 'not-accepted', decided_on: addDays(today, -3) });
  assert.equal(noReasons.statusCode, 400);
  assert.match(pageText(noReasons.body), /Enter the reasons the finding is not accepted/);
  assert.equal(await count('review_sar_findings'), before);
  assert.equal((await coordinator.post(`/reviews/${sar}/sar/findings`, { text: 'Home care visits were cut short without anyone being told', decision: 'accepted', decided_on: addDays(today, -3) })).statusCode, 303);
  const second = await coordinator.json('POST', `/api/reviews/${sar}/sar/findings`, { text: 'The GP should have made a safeguarding referral in March' });
  assert.equal(second.json().decisionLabel, 'No decision yet');
  const apiNoReason = await coordinator.json('POST', `/api/reviews/${sar}/sar/findings/${second.json().id}`, { decision: 'not-accepted', decidedOn: addDays(today, -1) });
  assert.equal(apiNoReason.statusCode, 400);
  const decided = await coordinator.json('POST', `/api/reviews/${sar}/sar/findings/${second.json().id}`, { decision: 'not-accepted', decidedOn: addDays(today, -1), reasons: 'The referral was made; the record was filed under another name' });
  assert.equal(decided.statusCode, 201);
  const summary = (await coordinator.json('GET', `/api/review-summary?year=${today.slice(0, 4)}`)).json();
  if (addDays(today, -3).slice(0, 4) === today.slice(0, 4)) {
    assert.equal(summary.findingDecisionsAccepted, 1);
    assert.equal(summary.findingDecisionsNotAccepted, 1);
  }
  assert.match(pageText((await coordinator.get(`/reviews/annual-summary?year=${today.slice(0, 4)}`)).body), /Single findings not accepted, with reasons/);
  // A homicide review has no markers page; a SAR has no Home Office QA page.
  assert.equal((await coordinator.get(`/reviews/${dhr}/sar`)).statusCode, 404);
  assert.equal((await coordinator.get(`/reviews/${sar}/qa`)).statusCode, 404);
});

test('nobody not named on the case reaches any of the new pages, API routes or downloads, nor can change anything', async () => {
  const docId = (await t.database.db.selectFrom('review_documents').select('id').where('case_id', '=', dhr).executeTakeFirstOrThrow()).id;
  const requestId = (await t.database.db.selectFrom('review_agency_requests').select('id').where('case_id', '=', dhr).executeTakeFirstOrThrow()).id;
  const itemId = (await t.database.db.selectFrom('review_qa_feedback').select('id').where('case_id', '=', dhr).executeTakeFirstOrThrow()).id;
  const findingId = (await t.database.db.selectFrom('review_sar_findings').select('id').where('case_id', '=', sar).executeTakeFirstOrThrow()).id;
  const gets = [`/reviews/${dhr}/requests/new`, `/reviews/${dhr}/requests/${requestId}`, `/reviews/${dhr}/family`, `/reviews/${dhr}/qa`, `/reviews/${dhr}/qa/feedback/${itemId}`,
    `/reviews/${dhr}/documents`, `/reviews/${dhr}/documents/${docId}`, `/reviews/${sar}/sar`, `/reviews/${sar}/sar/findings/${findingId}`,
    `/api/reviews/${dhr}/requests`, `/api/reviews/${dhr}/family`, `/api/reviews/${dhr}/qa`, `/api/reviews/${dhr}/documents`, `/api/reviews/${dhr}/documents/${docId}`, `/api/reviews/${sar}/sar`];
  const sentBefore = smtp.messages.length;
  for (const [who, client] of [['officer not named', otherOfficer], ['member', member], ['panel member of another case', panel], ['public', new Client(t.app)]] as const) {
    for (const url of gets) {
      const res = await client.get(url);
      assert.equal(res.statusCode, 404, `${who}: ${url}`);
      assert.ok(!res.body.includes('Merganser') && !res.body.includes('Morwenna') && !res.body.includes(SUBJECT), `${who}: ${url}`);
    }
    for (const url of ['/reviews/requests', '/api/review-requests']) {
      const res = await client.get(url);
      assert.ok(!res.body.includes('Merganser') && !res.body.includes('Tamsin Orrell') && !res.body.includes('Lior Pennant'), `${who}: ${url}`);
    }
    for (const url of [`/api/reviews/${dhr}/requests`, `/api/reviews/${dhr}/family`, `/api/reviews/${dhr}/qa/feedback`, `/api/reviews/${sar}/sar/findings`, `/api/reviews/${dhr}/requests/${requestId}/chase`]) {
      const res = await client.json('POST', url, { what: 'chronology', agency: 'A', contactName: 'B', contactEmail: 'b@c.example', dueOn: addDays(today, 5), kind: 'offer', happenedOn: today, details: 'x', text: 'x' });
      assert.ok([401, 403, 404].includes(res.statusCode), `${who}: POST ${url} ${res.statusCode}`);
    }
    const up = await client.json('POST', `/api/reviews/${dhr}/documents`, { kind: 'draft', title: 'x', fileName: 'x.pdf', contentBase64: Buffer.from(await buildPdf(['x'])).toString('base64') });
    assert.ok([401, 403, 404].includes(up.statusCode), `${who}: upload ${up.statusCode}`);
  }
  assert.equal(smtp.messages.length, sentBefore, 'nobody else sent an e-mail');
});

test('copies of the published review: recorded only once it is published, never dated before publication; only the case\'s people see them', async () => {
  const copies = async () => (await t.database.db.selectFrom('review_copies_sent').select('id').where('case_id', '=', dhr).execute()).length;
  const published = (await t.database.db.selectFrom('review_cases').select('published_on').where('id', '=', dhr).executeTakeFirstOrThrow()).published_on!;
  assert.ok(published, 'the quality assurance test published the case');
  await coordinator.get(`/reviews/${dhr}/copies`);
  const early = await coordinator.post(`/reviews/${dhr}/copies`, { recipient: 'The Home Office', sent_on: addDays(published, -1) });
  assert.equal(early.statusCode, 400);
  assert.match(pageText(early.body), /The date must be on or after the date of publication/);
  const nobody = await coordinator.post(`/reviews/${dhr}/copies`, { recipient: '', sent_on: published });
  assert.match(pageText(nobody.body), /Enter who was sent a copy/);
  assert.equal(await copies(), 0, 'nothing saved');
  assert.equal((await coordinator.post(`/reviews/${dhr}/copies`, { recipient: 'The Domestic Abuse Commissioner', sent_on: published, how: 'By secure e-mail' })).statusCode, 303);
  const api = await coordinator.json('POST', `/api/reviews/${dhr}/copies`, { recipient: 'The Police and Crime Commissioner', sentOn: published });
  assert.equal(api.statusCode, 201, api.body);
  const list = (await coordinator.json('GET', `/api/reviews/${dhr}/copies`)).json().items as { recipient: string; how: string | null }[];
  assert.deepEqual(list.map((x) => [x.recipient, x.how]), [['The Domestic Abuse Commissioner', 'By secure e-mail'], ['The Police and Crime Commissioner', null]]);
  assert.match(pageText((await coordinator.get(`/reviews/${dhr}`)).body), /Copies of the published review sent/);
  const audit = await t.database.db.selectFrom('audit_log').select('summary').where('record_id', '=', dhr).where('action', '=', 'create').execute();
  assert.ok(audit.some((a) => a.summary === `Copy of the published review sent to The Domestic Abuse Commissioner on ${published}`));
  // An unpublished case takes none; those outside the case see nothing of it.
  const unpublished = await coordinator.json('POST', `/api/reviews/${sar}/copies`, { recipient: 'The Safeguarding Adults Board', sentOn: today });
  assert.equal(unpublished.statusCode, 400);
  assert.match(unpublished.body, /Record the publication first/);
  for (const who of [otherOfficer, member, panel, new Client(t.app)]) {
    assert.notEqual((await who.get(`/reviews/${dhr}/copies`)).statusCode, 200);
    assert.notEqual((await who.json('GET', `/api/reviews/${dhr}/copies`)).statusCode, 200);
  }
});

test('a case linked to an item in section D: the item page shows the link to the case\'s people only; an open item cannot be linked', async () => {
  const db = t.database.db;
  const restricted = await db.selectFrom('agenda_items').select(['id', 'meeting_id']).where('partnership_id', '=', t.partnershipId).where('restricted', '=', true).executeTakeFirstOrThrow();
  const open = await db.selectFrom('agenda_items').select(['id', 'meeting_id']).where('partnership_id', '=', t.partnershipId).where('restricted', '=', false).executeTakeFirstOrThrow();
  const refused = await coordinator.json('POST', `/api/reviews/${dhr}/items`, { meetingId: open.meeting_id, itemId: open.id });
  assert.equal(refused.statusCode, 400);
  assert.match(refused.body, /Only an item in section D/);
  assert.equal((await otherOfficer.json('POST', `/api/reviews/${dhr}/items`, { meetingId: restricted.meeting_id, itemId: restricted.id })).statusCode, 404, 'an officer not named cannot');
  assert.equal((await db.selectFrom('review_case_items').select('case_id').execute()).length, 0, 'nothing linked');
  const linked = await coordinator.json('POST', `/api/reviews/${dhr}/items`, { meetingId: restricted.meeting_id, itemId: restricted.id });
  assert.equal(linked.statusCode, 201, linked.body);
  assert.equal((await coordinator.json('POST', `/api/reviews/${dhr}/items`, { meetingId: restricted.meeting_id, itemId: restricted.id })).statusCode, 400, 'once only');
  const page = pageText((await coordinator.get(`/reviews/${dhr}/items`)).body);
  assert.match(page, /Agenda items in section D/);
  const itemUrl = `/meetings/${restricted.meeting_id}/items/${restricted.id}`;
  const asCoordinator = await coordinator.get(itemUrl);
  assert.equal(asCoordinator.statusCode, 200);
  assert.match(asCoordinator.body, new RegExp(`href="/reviews/${dhr}"[^>]*>Review case Merganser`));
  // An officer sees the restricted item, but not the case it is linked to.
  const asOfficer = await otherOfficer.get(itemUrl);
  assert.equal(asOfficer.statusCode, 200);
  assert.doesNotMatch(asOfficer.body, /Merganser|\/reviews\//);
  for (const who of [member, panel, new Client(t.app)]) assert.doesNotMatch((await who.get(itemUrl)).body, /Merganser/);
  // Moved out of section D, the item no longer shows the link.
  await db.updateTable('agenda_items').set({ restricted: false }).where('id', '=', restricted.id).execute();
  assert.doesNotMatch((await coordinator.get(itemUrl)).body, /Review case Merganser/);
  await db.updateTable('agenda_items').set({ restricted: true }).where('id', '=', restricted.id).execute();
});
