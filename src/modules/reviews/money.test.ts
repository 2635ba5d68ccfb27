// The money of a review through HTTP: an officer records the partnership's funding
// agreement (a rule whose shares do not add up is refused and nothing is saved), the
// coordinator enters a case's costs and raises each partner's contribution, invoices and
// records payments; the across-cases page and its CSV and workbook show what is owed.
// The case's panel member reads its money but changes nothing; anyone not on the case finds nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { readFirstSheet, XLSX_TYPE } from '../../web/spreadsheets.ts';
import { addDays, todayIso } from '../partnership/domain.ts';

let t: TestApp;
let coordinator: Client;
let otherOfficer: Client;
let member: Client;
let panel: Client;
let caseId: string;
const org: Record<string, string> = {};
const today = todayIso();

before(async () => {
  t = await createTestApp();
  const db = t.database.db;
  for (const o of await db.selectFrom('organisations').select(['id', 'short_name']).where('partnership_id', '=', t.partnershipId).execute()) org[o.short_name!] = o.id;
  const hash = (await db.selectFrom('users').select('password_hash').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).password_hash;
  const u = await db.insertInto('users').values({ email: 'money-officer2@northshire.example', display_name: 'Officer Elsewhere', password_hash: hash, demo: true }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('partnership_users').values({ partnership_id: t.partnershipId, user_id: u.id, role: 'officer' }).execute();
  // The demo's own agreement is put out of the way: these tests set their own.
  await db.deleteFrom('review_contribution_lines').execute();
  await db.deleteFrom('review_funding_agreements').execute();
  coordinator = await new Client(t.app).signIn(demoUsers.officer);
  otherOfficer = await new Client(t.app).signIn('money-officer2@northshire.example');
  member = await new Client(t.app).signIn(demoUsers.member);
  panel = await new Client(t.app).signIn(demoUsers.panel);
  await coordinator.get('/reviews/new');
  const res = await coordinator.post('/reviews/new', { kind_code: 'dardr', pseudonym: 'Tansy', year: today.slice(0, 4), notified_on: addDays(today, -40), subject_details: 'Oriel Banstock, aged 60' });
  assert.equal(res.statusCode, 303);
  caseId = /\/reviews\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
  const panelId = (await db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow()).id;
  await coordinator.get(`/reviews/${caseId}/people`);
  assert.equal((await coordinator.post(`/reviews/${caseId}/people`, { place: 'agency-representative', user_id: panelId, agency: 'Northshire Integrated Care Board' })).statusCode, 303);
});
after(async () => { await t?.close(); });

const count = async (table: 'review_funding_agreements' | 'review_contribution_lines') => (await t.database.db.selectFrom(table).select('id').execute()).length;
const [y, m, d] = addDays(today, -365).split('-');

test('an agreement whose shares do not add up is refused with a clear message, and nothing is saved', async () => {
  await coordinator.get('/reviews/funding-agreements/new');
  const bad = await coordinator.post('/reviews/funding-agreements/new', {
    title: 'Shares that fall short', 'effective_from-day': d!, 'effective_from-month': m!, 'effective_from-year': y!,
    'first_charges.0.payer': org.OPCC!, 'first_charges.0.cost': 'chair', 'first_charges.0.percent': '50', 'first_charges.0.cap': '3,000',
    remainder_kind: 'shares', [`share_${org.NCC}`]: '50', [`share_${org.NP}`]: '40',
  });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /There is a problem The partners' shares must add up to 100%; they add up to 90%/);
  const badCap = await coordinator.post('/reviews/funding-agreements/new', {
    title: 'x', 'effective_from-day': d!, 'effective_from-month': m!, 'effective_from-year': y!,
    'first_charges.0.payer': org.OPCC!, 'first_charges.0.cost': 'chair', 'first_charges.0.percent': '150', 'first_charges.0.cap': '3,000.5', remainder_kind: 'equal', remainder_payers: ['_none'],
  });
  const text = pageText(badCap.body);
  for (const msg of ['Enter the first charge as a percentage from 0 to 100', 'The cap must have two figures for pence', 'Select the partners who share the rest of the costs']) assert.match(text, new RegExp(msg));
  const api = await coordinator.json('POST', '/api/review-funding-agreements', {
    title: 'API shares', effectiveFrom: addDays(today, -365), firstCharges: [], remainder: { kind: 'shares', shares: [{ payer: org.NCC, basisPoints: 6000 }, { payer: org.NP, basisPoints: 5000 }] },
  });
  assert.equal(api.statusCode, 400);
  assert.match(api.json().errors[0].message, /add up to 110%/);
  assert.equal(await count('review_funding_agreements'), 0);
});

test('the Commissioner pays half the chair up to a cap, the rest shared equally: contributions raised, invoiced and paid', async () => {
  const saved = await coordinator.post('/reviews/funding-agreements/new', {
    title: 'Review funding (test)', 'effective_from-day': d!, 'effective_from-month': m!, 'effective_from-year': y!,
    'first_charges.0.payer': org.OPCC!, 'first_charges.0.cost': 'chair', 'first_charges.0.percent': '50', 'first_charges.0.cap': '3,000',
    remainder_kind: 'equal', remainder_payers: ['_none', org.NCC!, org.NP!, org.ICB!],
  });
  assert.equal(saved.statusCode, 303, pageText(saved.body).slice(0, 500));
  const page = pageText((await coordinator.get(String(saved.headers.location))).body);
  assert.match(page, /Office of the Northshire Police and Crime Commissioner pays 50% of the independent chair costs, up to £3,000.00/);
  // A second agreement over the same days is refused.
  const overlap = await coordinator.json('POST', '/api/review-funding-agreements', { title: 'Clash', effectiveFrom: today, firstCharges: [], remainder: { kind: 'equal', payers: [org.NCC] } });
  assert.equal(overlap.statusCode, 400);
  assert.match(overlap.json().errors[0].message, /overlap "Review funding \(test\)"/);

  // Raising before the costs are known is refused.
  await coordinator.get(`/reviews/${caseId}/money`);
  const early = await coordinator.post(`/reviews/${caseId}/money/raise`, {});
  assert.equal(early.statusCode, 400);
  assert.match(pageText(early.body), /Enter the case’s costs before raising contributions/);
  const blank = await coordinator.post(`/reviews/${caseId}/money/costs`, { chair: '', author: '', other: '' });
  assert.equal(blank.statusCode, 400);
  assert.match(pageText(blank.body), /Enter the case’s costs: the independent chair’s, the author’s or other costs/);
  const badCosts = await coordinator.post(`/reviews/${caseId}/money/costs`, { chair: '7,250', author: 'lots', other: '' });
  assert.equal(badCosts.statusCode, 400);
  assert.match(pageText(badCosts.body), /The independent author’s costs must be in pounds/);
  assert.equal((await coordinator.post(`/reviews/${caseId}/money/costs`, { chair: '7,250', author: '5,100', other: '320.50', note: 'Chair’s estimate' })).statusCode, 303);
  assert.equal((await coordinator.post(`/reviews/${caseId}/money/raise`, {})).statusCode, 303);
  const money = (await coordinator.json('GET', `/api/reviews/${caseId}/money`)).json();
  assert.deepEqual(money.costs, { chairPence: 725000, authorPence: 510000, otherPence: 32050 });
  // £3,625 half the chair capped at £3,000; the rest £9,670.50 is £3,223.50 each for three.
  assert.deepEqual(money.lines.map((l: { payer: string; pence: number }) => [l.payer, l.pence]).sort(), [
    ['Northshire County Council', 322350], ['Northshire Integrated Care Board', 322350], ['Northshire Police', 322350], ['Office of the Northshire Police and Crime Commissioner', 300000],
  ]);
  assert.equal(money.lines.reduce((s: number, l: { pence: number }) => s + l.pence, 0), 1267050);

  // Costs change before anything is invoiced: raised again from the new figures.
  assert.equal((await coordinator.json('PUT', `/api/reviews/${caseId}/money/costs`, { chairPence: 500000, authorPence: 510000, otherPence: 32050 })).statusCode, 200);
  const again = (await coordinator.json('POST', `/api/reviews/${caseId}/money/lines`, {})).json();
  const opcc = again.lines.find((l: { payer: string }) => l.payer.startsWith('Office'));
  assert.equal(opcc.pence, 250000);
  const police = again.lines.find((l: { payer: string }) => l.payer === 'Northshire Police');

  // Invoiced and paid, in turn, dated and with references.
  await coordinator.get(`/reviews/${caseId}/money/lines/${police.id}`);
  const payFirst = await coordinator.post(`/reviews/${caseId}/money/lines/${police.id}`, { to: 'paid', on: today, reference: 'BACS 1' });
  assert.equal(payFirst.statusCode, 400);
  assert.match(pageText(payFirst.body), /can next be invoiced, not paid/);
  const noRef = await coordinator.post(`/reviews/${caseId}/money/lines/${police.id}`, { to: 'invoiced', on: addDays(today, 1) });
  assert.match(pageText(noRef.body), /Enter the invoice reference.*The date of the invoice must be today or in the past/);
  assert.equal((await coordinator.post(`/reviews/${caseId}/money/lines/${police.id}`, { to: 'invoiced', 'on-day': today.slice(8), 'on-month': today.slice(5, 7), 'on-year': today.slice(0, 4), reference: 'INV-2201' })).statusCode, 303);
  const paid = await coordinator.json('POST', `/api/reviews/${caseId}/money/lines/${police.id}/moves`, { to: 'paid', on: today, reference: 'BACS 7781' });
  assert.equal(paid.statusCode, 200, paid.body);
  assert.equal(paid.json().status, 'paid');
  const opccLine = again.lines.find((l: { payer: string }) => l.payer.startsWith('Office'));
  assert.equal((await coordinator.json('POST', `/api/reviews/${caseId}/money/lines/${opccLine.id}/moves`, { to: 'invoiced', on: today, reference: 'INV-2202' })).statusCode, 200);

  // Once a line is invoiced, the lines are not raised again.
  const late = await coordinator.json('POST', `/api/reviews/${caseId}/money/lines`, {});
  assert.equal(late.statusCode, 409);
  assert.match(late.json().detail ?? late.body, /invoiced or paid, so they cannot be raised again/);

  // What is owed across the coordinator's cases, by partner; the CSV and the workbook carry each line.
  const owed = pageText((await coordinator.get('/reviews/money')).body);
  assert.match(owed, /Office of the Northshire Police and Crime Commissioner 1 £0 £2,500 £2,500 £0/);
  assert.match(owed, /Northshire Police 1 £0 £0 £0 £2,640.17/);
  assert.match(owed, /Unpaid contributions Case Partner Amount How Status Tansy \d{4}/);
  const csv = await coordinator.get('/reviews/money.csv');
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.match(csv.body, /^Case,Partner,Amount \(£\),How it was worked out,Status,Raised on,Invoiced on,Invoice reference,Paid on,Payment reference\r\n/);
  assert.match(csv.body, new RegExp(`Tansy \\d{4},Northshire Police,2640.17,an equal share \\(1 of 3\\) of the rest,Paid,${today},${today},INV-2201,${today},BACS 7781`));
  assert.ok(!csv.body.includes('Oriel Banstock'));
  const xlsx = await coordinator.get('/reviews/money.xlsx');
  assert.equal(xlsx.headers['content-type'], XLSX_TYPE);
  const rows = await readFirstSheet(xlsx.rawPayload);
  assert.equal(rows[0]![1], 'Partner');
  assert.ok(rows.some((r) => r[1] === 'Office of the Northshire Police and Crime Commissioner' && r[2] === '2500' && r[4] === 'Invoiced'), JSON.stringify(rows.slice(0, 6)));

  // Every change is in the case's own history.
  const history = pageText((await coordinator.get(`/reviews/${caseId}/history`)).body);
  assert.match(history, /Contributions raised again under "Review funding \(test\)"/);
  assert.match(history, /Northshire Police's contribution of £2,640.17 paid on/);
});

test('the panel member reads the case’s money but changes nothing; anyone not on the case finds nothing', async () => {
  const seen = await panel.get(`/reviews/${caseId}/money`);
  assert.equal(seen.statusCode, 200);
  assert.match(pageText(seen.body), /Costs and contributions .* Northshire Police/);
  assert.doesNotMatch(seen.body, /Save the costs|Raise contributions/);
  assert.equal((await panel.json('PUT', `/api/reviews/${caseId}/money/costs`, { chairPence: 1, authorPence: 0, otherPence: 0 })).statusCode, 403);
  assert.equal((await panel.get('/reviews/money')).statusCode, 403, 'what partners owe is for coordinators');
  assert.equal((await panel.get('/reviews/funding-agreements')).statusCode, 403);
  for (const [who, client] of [['officer not named', otherOfficer], ['member', member], ['public', new Client(t.app)]] as const) {
    for (const url of [`/reviews/${caseId}/money`, `/api/reviews/${caseId}/money`]) {
      const res = await client.get(url);
      assert.equal(res.statusCode, 404, `${who} ${url}`);
      assert.ok(!res.body.includes('Tansy'));
    }
  }
  // The officer not named sees the agreements (not case content) and an empty list of what is owed.
  assert.equal((await otherOfficer.get('/reviews/funding-agreements')).statusCode, 200);
  const theirs = pageText((await otherOfficer.get('/reviews/money')).body);
  assert.match(theirs, /No contributions have been raised on the cases you coordinate/);
  assert.equal((await otherOfficer.get('/reviews/money.csv')).body.split('\r\n').filter(Boolean).length, 1);
  assert.equal((await member.get('/reviews/funding-agreements/new')).statusCode, 403);
  const before = await count('review_contribution_lines');
  await otherOfficer.get('/reviews/new');
  const refused = await otherOfficer.post(`/reviews/${caseId}/money/raise`, {});
  assert.equal(refused.statusCode, 404, refused.body.slice(0, 500));
  assert.equal(await count('review_contribution_lines'), before);
});

test('reading a case’s money is audited with who and what', async () => {
  const since = new Date();
  await panel.get(`/reviews/${caseId}/money`);
  await coordinator.get('/reviews/money.xlsx');
  const reads = await t.database.db.selectFrom('audit_log').select(['actor_label', 'summary']).where('action', '=', 'read').where('record_id', '=', caseId).where('at', '>=', since).orderBy('id').execute();
  assert.deepEqual(reads.map((r) => r.summary), ['Read the case’s costs and contributions', 'Exported in the contributions workbook']);
});
