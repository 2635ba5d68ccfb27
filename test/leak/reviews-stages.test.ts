// Never-leak for the working stages of review cases (src/modules/reviews/stages.*): a
// homicide review with requests to agencies (sent and chased through a local SMTP server,
// one received with a PDF), family entries, quality assurance feedback and documents; a
// safeguarding adults review with markers and findings; a published review with a
// published report. Marker words found nowhere else are put in each. Every GET route of
// the reviews module (pages, API, downloads, the public published review and its
// documents) is walked with those ids as the public, a member, an officer who is not the
// cases' coordinator, and a panel member of another case: none sees a marker or an id.
// The e-mails sent carry the pseudonym and never the subject's name nor the family's words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { assertNoLeaks, moduleAddresses } from '../support/leak.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { addDays, todayIso } from '../../src/modules/partnership/domain.ts';
import { buildPdf, multipartBody } from '../../src/modules/meetings/testing.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let coordinator: Client;
let officerNotNamed: Client;
const M = {
  subject: 'Wendelgrave Porthallow',
  family: 'Quennabel Ostrander, cousin',
  familyWords: 'Tarrowmere allotment conversation',
  contact: 'Hestobel Rindwater',
  feedback: 'Clarify the Pellingford outreach timeline',
  feedbackReason: 'Brisselcombe panel view differs',
  docTitle: 'Marrowgate draft overview',
  pdfText: 'Fennimoor chronology entries',
  finding: 'Scallowbrook day centre missed the signs',
  findingReason: 'Ottercliffe audit showed otherwise',
};
const ids: Record<string, string> = {};
const today = todayIso();

async function upload(client: Client, pageUrl: string, url: string, fields: Record<string, string>, file: { name: string; type: string; bytes: Uint8Array }) {
  const page = await client.get(pageUrl);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartBody({ _csrf: csrf, ...fields }, file);
  const res = await t.app.inject({ method: 'POST', url, payload, headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType } });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
}

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  const db = t.database.db;
  const hash = (await db.selectFrom('users').select('password_hash').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).password_hash;
  const u = await db.insertInto('users').values({ email: 'stages-leak-officer@northshire.example', display_name: 'Officer Not Named', password_hash: hash, demo: true }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('partnership_users').values({ partnership_id: t.partnershipId, user_id: u.id, role: 'officer' }).execute();
  coordinator = await new Client(t.app).signIn(demoUsers.officer);
  officerNotNamed = await new Client(t.app).signIn('stages-leak-officer@northshire.example');
  const ok = (res: { statusCode: number; body: string }, code = 303) => assert.equal(res.statusCode, code, res.body.slice(0, 300));
  const open = async (client: Client, form: Record<string, string>) => {
    await client.get('/reviews/new');
    const res = await client.post('/reviews/new', form);
    ok(res);
    return /\/reviews\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
  };
  const notified = addDays(today, -60);
  ids.dhr = await open(coordinator, { kind_code: 'dhr', pseudonym: 'Sandpiper', year: notified.slice(0, 4), notified_on: notified, subject_details: M.subject });
  ok(await coordinator.post(`/reviews/${ids.dhr}/stages`, { stage: 'decision', happened_on: addDays(notified, 5), outcome: 'review' }));
  ok(await coordinator.post(`/reviews/${ids.dhr}/requests`, { what: 'chronology', agency: 'Northshire Police', contact_name: M.contact, contact_email: 'contact@police.example', due_on: addDays(today, 10) }));
  ok(await coordinator.post(`/reviews/${ids.dhr}/requests`, { what: 'agency-report', agency: 'Northshire Probation', contact_name: 'P Officer', contact_email: 'p@probation.example', due_on: addDays(today, 10) }));
  const requests = await db.selectFrom('review_agency_requests').select(['id', 'agency']).where('case_id', '=', ids.dhr).execute();
  ids.request = requests.find((r) => r.agency === 'Northshire Police')!.id;
  ids.openRequest = requests.find((r) => r.agency !== 'Northshire Police')!.id;
  ok(await coordinator.post(`/reviews/${ids.dhr}/requests/${ids.openRequest}/chase`, {}));
  await upload(coordinator, `/reviews/${ids.dhr}/requests/${ids.request}`, `/reviews/${ids.dhr}/requests/${ids.request}/received`, { received_on: today },
    { name: 'chronology.pdf', type: 'application/pdf', bytes: await buildPdf([M.pdfText]) });
  ids.receivedDoc = (await db.selectFrom('review_agency_requests').select('document_id').where('id', '=', ids.request).executeTakeFirstOrThrow()).document_id!;
  ok(await coordinator.post(`/reviews/${ids.dhr}/family`, { kind: 'contact', happened_on: addDays(today, -5), who: M.family, details: M.familyWords }));
  ok(await coordinator.post(`/reviews/${ids.dhr}/qa`, { submitted_on: addDays(today, -4), meeting_on: addDays(today, -2), outcome: 'resubmit' }));
  ok(await coordinator.post(`/reviews/${ids.dhr}/qa/feedback`, { text: M.feedback }));
  ids.feedback = (await db.selectFrom('review_qa_feedback').select('id').where('case_id', '=', ids.dhr).executeTakeFirstOrThrow()).id;
  ok(await coordinator.post(`/reviews/${ids.dhr}/qa/feedback/${ids.feedback}`, { status: 'not-accepted', response: M.feedbackReason }));
  await upload(coordinator, `/reviews/${ids.dhr}/documents`, `/reviews/${ids.dhr}/documents`, { kind: 'draft', title: M.docTitle },
    { name: 'draft.pdf', type: 'application/pdf', bytes: await buildPdf(['A draft']) });
  ids.draftDoc = (await db.selectFrom('review_documents').select('id').where('case_id', '=', ids.dhr).where('kind', '=', 'draft').executeTakeFirstOrThrow()).id;

  ids.sar = await open(coordinator, { kind_code: 'sar', pseudonym: 'Whimbrel', year: notified.slice(0, 4), notified_on: notified });
  ok(await coordinator.post(`/reviews/${ids.sar}/stages`, { stage: 'decision', happened_on: addDays(notified, 5), outcome: 'review' }));
  ok(await coordinator.post(`/reviews/${ids.sar}/sar/markers`, { markers: ['referral', 'analysis'] }));
  ok(await coordinator.post(`/reviews/${ids.sar}/sar/findings`, { text: M.finding, decision: 'not-accepted', decided_on: addDays(today, -1), reasons: M.findingReason }));
  ids.finding = (await db.selectFrom('review_sar_findings').select('id').where('case_id', '=', ids.sar).executeTakeFirstOrThrow()).id;
  // Published, with its published report: the public reads that one, and only that.
  ok(await coordinator.post(`/reviews/${ids.sar}/publish`, { published_on: today, published_summary: 'The review asked the board to check its referral pathway.' }));
  await upload(coordinator, `/reviews/${ids.sar}/documents`, `/reviews/${ids.sar}/documents`, { kind: 'published-report', title: 'Whimbrel report', published: 'yes' },
    { name: 'report.pdf', type: 'application/pdf', bytes: await buildPdf(['The published report']) });
  ids.publishedDoc = (await db.selectFrom('review_documents').select('id').where('case_id', '=', ids.sar).where('published', '=', true).executeTakeFirstOrThrow()).id;
  await upload(coordinator, `/reviews/${ids.sar}/documents`, `/reviews/${ids.sar}/documents`, { kind: 'other', title: `${M.docTitle} (SAR)` },
    { name: 'notes.pdf', type: 'application/pdf', bytes: await buildPdf(['Notes']) });
  ids.sarDoc = (await db.selectFrom('review_documents').select('id').where('case_id', '=', ids.sar).where('kind', '=', 'other').executeTakeFirstOrThrow()).id;

  // A case of the other officer, with the panel member on it.
  ids.other = await open(officerNotNamed, { kind_code: 'sar', pseudonym: 'Turnstone', year: '2026', notified_on: addDays(today, -3) });
  const panelUser = await db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
  await officerNotNamed.get(`/reviews/${ids.other}/people`);
  ok(await officerNotNamed.post(`/reviews/${ids.other}/people`, { place: 'agency-representative', user_id: panelUser.id }));
});
after(async () => { await t?.close(); await smtp?.close(); });

test('nothing of a case’s requests, family, quality assurance, documents, markers or findings reaches the public, a member, an officer not named or a panel member of another case', async (ctx) => {
  const { urls, routes } = await moduleAddresses(t.app, ['/reviews', '/api/reviews', '/api/review-requests', '/published-reviews'], (_route, param) => {
    switch (param) {
      case 'requestId': return [ids.request!, ids.openRequest!];
      case 'itemId': return [ids.feedback!];
      case 'docId': return [ids.receivedDoc!, ids.draftDoc!, ids.sarDoc!, ids.publishedDoc!];
      case 'findingId': return [ids.finding!];
      default: return [ids.dhr!, ids.sar!, ids.other!];
    }
  });
  for (const must of ['/reviews/requests', '/api/review-requests', '/reviews/:id/requests/:requestId', '/reviews/:id/family', '/api/reviews/:id/family', '/reviews/:id/qa',
    '/reviews/:id/qa/feedback/:itemId', '/api/reviews/:id/qa', '/reviews/:id/documents', '/reviews/:id/documents/:docId', '/api/reviews/:id/documents/:docId',
    '/reviews/:id/sar', '/reviews/:id/sar/findings/:findingId', '/api/reviews/:id/sar', '/published-reviews/:id/documents/:docId']) {
    assert.ok(routes.includes(must), `${must} is walked`);
  }
  const markers = Object.values(M);
  const idMarkers = {
    'id of the homicide review': ids.dhr!, 'id of a request': ids.request!, 'id of a document received': ids.receivedDoc!, 'id of a draft': ids.draftDoc!,
    'id of a feedback item': ids.feedback!, 'id of a finding': ids.finding!, 'id of an unpublished document of a published review': ids.sarDoc!,
  };
  const summary = await assertNoLeaks(coordinator, urls, markers, [
    { name: 'the public', client: new Client(t.app), markers, idMarkers },
    { name: 'a member', client: await new Client(t.app).signIn(demoUsers.member), markers, idMarkers },
    { name: 'an officer not named on the cases', client: officerNotNamed, markers, idMarkers },
    { name: 'a panel member of another case', client: await new Client(t.app).signIn(demoUsers.panel), markers, idMarkers },
  ]);
  ctx.diagnostic(`review stages leak walk: ${summary}`);
  // The public reads the published report, on the published review's page only.
  const anyone = new Client(t.app);
  assert.match((await anyone.get(`/published-reviews/${ids.sar}`)).body, /Whimbrel report/);
  assert.equal((await anyone.get(`/published-reviews/${ids.sar}/documents/${ids.publishedDoc}`)).statusCode, 200);
  assert.equal((await anyone.get(`/published-reviews/${ids.sar}/documents/${ids.sarDoc}`)).statusCode, 404);
  assert.equal((await anyone.get(`/published-reviews/${ids.dhr}/documents/${ids.draftDoc}`)).statusCode, 404);
});

test('the e-mails to agencies name the case by pseudonym only: never the subject, the family or anything else of the case', async (ctx) => {
  const mails = await smtp.waitFor(3);
  assert.equal(mails.length, 3, 'two requests and one chase');
  for (const m of mails) {
    const subject = String(m.headers.get('subject'));
    assert.match(subject, /Sandpiper \d{4}/);
    for (const marker of Object.values(M).filter((x) => x !== M.contact)) {
      assert.ok(!subject.includes(marker) && !m.text.includes(marker) && !(m.html ?? '').includes(marker), `an e-mail carried ${marker}`);
    }
    assert.ok(!subject.includes(M.contact), 'the contact is greeted in the text, never named in the subject');
    assert.ok(!m.text.includes(ids.dhr!), 'no link to the case');
  }
  ctx.diagnostic(`${mails.length} e-mails checked against ${Object.keys(M).length} markers`);
});

test('every read of a case’s working stages by its coordinator is audited, naming the case', async (ctx) => {
  const db = t.database.db;
  const reads = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partnership_id', '=', t.partnershipId).where('action', '=', 'read').where('record_type', '=', 'review-case').where('record_id', 'in', [ids.dhr!, ids.sar!]).executeTakeFirstOrThrow()).n);
  const urls = [`/reviews/${ids.dhr}/requests/${ids.request}`, `/reviews/${ids.dhr}/family`, `/reviews/${ids.dhr}/qa`, `/reviews/${ids.dhr}/qa/feedback/${ids.feedback}`,
    `/reviews/${ids.dhr}/documents`, `/reviews/${ids.dhr}/documents/${ids.draftDoc}`, `/api/reviews/${ids.dhr}/documents/${ids.receivedDoc}`, `/reviews/${ids.sar}/sar`,
    `/reviews/${ids.sar}/sar/findings/${ids.finding}`, '/reviews/requests', '/api/review-requests', `/api/reviews/${ids.dhr}/family`, `/api/reviews/${ids.dhr}/qa`, `/api/reviews/${ids.sar}/sar`];
  const unaudited: string[] = [];
  for (const url of urls) {
    const before = await reads();
    const res = await coordinator.get(url);
    assert.equal(res.statusCode, 200, url);
    if ((await reads()) === before) unaudited.push(url);
  }
  assert.deepEqual(unaudited, []);
  // What one read of the case page writes: one entry, naming the case, the reader and what was read.
  const since = new Date();
  await coordinator.get(`/reviews/${ids.dhr}`);
  const entries = await db.selectFrom('audit_log').select(['action', 'record_type', 'record_id', 'actor_label', 'summary']).where('at', '>=', since).where('action', '=', 'read').execute();
  ctx.diagnostic(`a case page read writes: ${JSON.stringify(entries)}`);
  assert.deepEqual(entries.map((e) => [e.action, e.record_type, e.record_id, e.summary]), [['read', 'review-case', ids.dhr, 'Read the case page']]);
});
