// Never-leak over the money of reviews and progress asked by e-mail. The clerk coordinates
// a case whose pseudonym, subject, costs note, invoice and payment references, a
// recommendation and the agency contact asked for progress are marker words found nowhere
// else; a funding agreement's name is a marker for the public and members (officers keep
// the agreements; a panel member reads the one that applies to their own case). Every GET route of the reviews module (pages, /api twins, the money
// page, the line page, the across-cases page with its CSV and workbook, the progress
// requests, the contact's link page) is walked as the public, a member, an officer who is
// not the coordinator and a panel member of another case: none sees a marker or the case's
// ids. The e-mail sent to the contact, and the page their link opens, carry the case's
// pseudonym and that agency's recommendations only: never the subject, its costs or another
// agency's recommendation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { assertNoLeaks, crawl, moduleAddresses, readable } from '../support/leak.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { addDays, todayIso } from '../../src/modules/partnership/domain.ts';

let t: TestApp;
let smtp: SmtpTestServer;
const today = todayIso();
const CASE = {
  pseudonym: 'Thistlewhump',
  subject: 'Gorblenquist',
  costsNote: 'Wembleshank estimate',
  invoice: 'INV-Quorravel',
  payment: 'BACS-Snoffleby',
  policeRec: 'Pribbleton checks',
  councilRec: 'Muddlecombe tenancy audit',
  contact: 'frondwick@police.example',
} as const;
const AGREEMENT = 'Zanzibrook agreement';
const ids: Record<string, string> = {};
let officer: Client;
let officerNotNamed: Client;
let linkPath = '';
let mailText = '';
let mailSubject = '';

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  const db = t.database.db;
  const ok = (res: { statusCode: number; body: string }, code = 303) => assert.equal(res.statusCode, code, res.body.slice(0, 400));
  officer = await new Client(t.app).signIn(demoUsers.officer);
  const hash = (await db.selectFrom('users').select('password_hash').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).password_hash;
  const u = await db.insertInto('users').values({ email: 'money-leak-officer@northshire.example', display_name: 'Officer Not Named', password_hash: hash, demo: true }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('partnership_users').values({ partnership_id: t.partnershipId, user_id: u.id, role: 'officer' }).execute();
  officerNotNamed = await new Client(t.app).signIn('money-leak-officer@northshire.example');
  const org = Object.fromEntries((await db.selectFrom('organisations').select(['id', 'short_name']).where('partnership_id', '=', t.partnershipId).execute()).map((o) => [o.short_name, o.id]));

  // The demo's agreement ends, so the marked one follows it.
  await db.updateTable('review_funding_agreements').set({ effective_to: addDays(today, -400) }).execute();
  ok(await officer.json('POST', '/api/review-funding-agreements', {
    title: AGREEMENT, effectiveFrom: addDays(today, -300), firstCharges: [{ payer: org.OPCC, cost: 'chair', basisPoints: 5000, capPence: 250000 }],
    remainder: { kind: 'equal', payers: [org.NCC, org.NP] },
  }), 201);
  ids.agreement = (await db.selectFrom('review_funding_agreements').select('id').where('title', '=', AGREEMENT).executeTakeFirstOrThrow()).id;

  await officer.get('/reviews/new');
  const opened = await officer.post('/reviews/new', { kind_code: 'dhr', pseudonym: CASE.pseudonym, year: today.slice(0, 4), notified_on: addDays(today, -60), subject_details: `${CASE.subject}, the subject` });
  ok(opened);
  ids.case = /\/reviews\/([0-9a-f-]{36})/.exec(String(opened.headers.location))![1]!;
  ok(await officer.json('PUT', `/api/reviews/${ids.case}/money/costs`, { chairPence: 600000, authorPence: 300000, otherPence: 1000, note: CASE.costsNote }), 200);
  const raised = await officer.json('POST', `/api/reviews/${ids.case}/money/lines`, {});
  ok(raised, 201);
  const police = raised.json().lines.find((l: { payer: string }) => l.payer === 'Northshire Police');
  ids.line = police.id;
  ok(await officer.json('POST', `/api/reviews/${ids.case}/money/lines/${ids.line}/moves`, { to: 'invoiced', on: today, reference: CASE.invoice }), 200);
  ok(await officer.json('POST', `/api/reviews/${ids.case}/money/lines/${ids.line}/moves`, { to: 'paid', on: today, reference: CASE.payment }), 200);
  for (const [text, agency] of [[CASE.policeRec, 'Northshire Police'], [CASE.councilRec, 'Brackenford Borough Council']] as const) {
    const r = await officer.json('POST', `/api/reviews/${ids.case}/recommendations`, { text, agency, dueOn: addDays(today, 20) });
    ok(r, 201);
    ids[agency] = r.json().id;
  }
  ok(await officer.json('POST', `/api/reviews/${ids.case}/progress-requests`, { agency: 'Northshire Police', contactName: 'Fern Frondwick', contactEmail: CASE.contact }), 201);
  const mail = (await smtp.waitFor(1))[0]!;
  mailText = mail.text;
  mailSubject = mail.headers.get('subject') ?? '';
  linkPath = new URL(/(https?:\/\/\S+\/review-progress\/\S+)/.exec(mail.text)![1]!).pathname;

  // A case of the other officer's, with the panel member named on it: a panel member of another case.
  await officerNotNamed.get('/reviews/new');
  const other = await officerNotNamed.post('/reviews/new', { kind_code: 'sar', pseudonym: 'Elsewhereham', year: today.slice(0, 4), notified_on: addDays(today, -10) });
  ok(other);
  ids.other = /\/reviews\/([0-9a-f-]{36})/.exec(String(other.headers.location))![1]!;
  const panelUser = await db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
  await officerNotNamed.get(`/reviews/${ids.other}/people`);
  ok(await officerNotNamed.post(`/reviews/${ids.other}/people`, { place: 'agency-representative', user_id: panelUser.id }));
});
after(async () => { await t?.close(); await smtp?.close(); });

test('nothing of a case’s money or progress requests reaches anyone not on the case, on any reviews route, export or link', async (ctx) => {
  const { routes, urls } = await moduleAddresses(t.app, ['/reviews', '/api/reviews', '/api/review-funding-agreements', '/api/review-contributions', '/api/review-recommendations', '/review-progress'], (_route, param) => {
    if (param === 'token') return ['AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', 'nonsense'];
    if (param === 'lineId') return [ids.line!];
    if (param === 'agreementId') return [ids.agreement!];
    if (param === 'recId') return [ids['Northshire Police']!];
    return [ids.case!, ids.other!, '00000000-0000-4000-8000-000000000000'];
  });
  for (const must of ['/reviews/:id/money', '/reviews/:id/money/lines/:lineId', '/reviews/money', '/reviews/money.csv', '/reviews/money.xlsx', '/reviews/funding-agreements',
    '/reviews/funding-agreements/:agreementId', '/reviews/:id/progress-requests', '/review-progress/:token', '/api/reviews/:id/money', '/api/review-contributions',
    '/api/review-funding-agreements', '/api/reviews/:id/progress-requests']) {
    assert.ok(routes.includes(must), `${must} is walked`);
  }
  const caseMarkers = Object.values(CASE) as string[];
  const caseIds = { 'id of the case': ids.case!, 'id of its contribution line': ids.line! };
  const summary = await assertNoLeaks(officer, urls, [...caseMarkers, AGREEMENT], [
    { name: 'public', client: new Client(t.app), markers: [...caseMarkers, AGREEMENT], idMarkers: caseIds },
    { name: 'member', client: await new Client(t.app).signIn(demoUsers.member), markers: [...caseMarkers, AGREEMENT], idMarkers: caseIds },
    // Officers keep the funding agreements, which hold no case: the agreement's name is theirs to see.
    { name: 'officer not the coordinator', client: officerNotNamed, markers: caseMarkers, idMarkers: caseIds },
    // A panel member reads, on their own case's money page, the agreement that applies to it (no case's content).
    { name: 'panel member of another case', client: await new Client(t.app).signIn(demoUsers.panel), markers: caseMarkers, idMarkers: caseIds },
  ]);
  ctx.diagnostic(`reviews money and progress: ${summary}`);
});

test('the progress e-mail and the page its link opens show the pseudonym and that agency’s recommendations only', async () => {
  for (const m of [CASE.subject, CASE.costsNote, CASE.invoice, CASE.payment, CASE.councilRec]) {
    assert.ok(!mailSubject.includes(m) && !mailText.includes(m), `the e-mail holds no ${m}`);
  }
  assert.ok(!mailSubject.includes(CASE.pseudonym), 'the subject line does not even name the case');
  assert.ok(mailText.includes(CASE.pseudonym));
  const contact = new Client(t.app);
  const seen = await crawl(contact, [linkPath], [CASE.subject, CASE.costsNote, CASE.invoice, CASE.payment, CASE.councilRec, AGREEMENT], { 'id of the contribution line': ids.line! });
  assert.deepEqual([...seen.seen.keys()], []);
  const page = await readable(await contact.get(linkPath));
  assert.ok(page.includes(CASE.policeRec) && page.includes(CASE.pseudonym), 'the contact sees their agency’s recommendation, by the case’s pseudonym');
  // The link's token never reaches a log line: the request log keeps the route's pattern.
  const { withoutLinkTokens } = await import('../../src/access/accountMail.ts');
  assert.equal(withoutLinkTokens(linkPath), '/review-progress/[token]');
});
