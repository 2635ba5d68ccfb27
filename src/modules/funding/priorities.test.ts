// A proposal names the agreement priority it serves, picked from the strategy module's
// priorities (with the agreement's period); a priority of another partnership, or one that
// does not exist, is refused with a message and nothing is recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { todayIso } from '../partnership/domain.ts';
import { financialYearOf } from './domain.ts';

let t: TestApp;
const fy = financialYearOf(todayIso());
let grantId = '';
let lead = '';
let priority = { id: '', title: '', period: '' };

before(async () => {
  t = await createTestApp();
  const db = t.database.db;
  grantId = (await db.selectFrom('grants').select('id').where('financial_year', '=', fy).executeTakeFirstOrThrow()).id;
  lead = (await db.selectFrom('organisations').select('id').where('short_name', '=', 'NVA').executeTakeFirstOrThrow()).id;
  const row = await db.selectFrom('strategy_priorities as p').innerJoin('strategy_agreements as a', 'a.id', 'p.agreement_id')
    .select(['p.id', 'p.title', 'a.period']).where('p.kind', '=', 'priority').orderBy('a.period', 'desc').orderBy('p.position').limit(1).executeTakeFirstOrThrow();
  priority = { id: row.id, title: row.title, period: row.period };
});
after(async () => { await t.close(); });

const form = (extra: Record<string, string>) => ({
  title: 'Priority test project', description: 'Sessions in schools.', pot: 'upfront', amount_asked: '1,000', lead_organisation_id: lead,
  'delivery_starts_on-day': '1', 'delivery_starts_on-month': '6', 'delivery_starts_on-year': String(fy),
  'delivery_ends_on-day': '30', 'delivery_ends_on-month': '9', 'delivery_ends_on-year': String(fy), ...extra,
});
const count = async () => Number((await t.database.db.selectFrom('funding_proposals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

test('the proposal form offers the agreement priorities as a select with their period, and the proposal page shows the chosen title', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const page = await officer.get(`/funding/grants/${grantId}/proposals/new`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<select class="govuk-select[^"]*" id="priority_id" name="priority_id"/);
  assert.ok(page.body.includes(`<option value="${priority.id}">${priority.title} (agreement ${priority.period})</option>`), 'the priority and its agreement period are offered');
  const saved = await officer.post(`/funding/grants/${grantId}/proposals/new`, form({ priority_id: priority.id }));
  assert.equal(saved.statusCode, 303);
  const id = String(saved.headers.location).split('/').pop()!;
  const text = pageText((await officer.get(`/funding/proposals/${id}`)).body);
  assert.match(text, new RegExp(`Agreement priority ${priority.title} \\(agreement ${priority.period}\\)`));
  const api = (await officer.json('GET', `/api/funding/proposals/${id}`)).json();
  assert.equal(api.priorityId, priority.id);
  assert.equal(api.priority, priority.title);
});

test('a priority of another partnership, or one that does not exist, is refused and nothing is recorded', async () => {
  const db = t.database.db;
  const other = await db.insertInto('partnerships').values({ slug: 'elsewhere', name: 'Elsewhere CSP', short_name: 'Elsewhere' }).returning('id').executeTakeFirstOrThrow();
  const agreement = await db.insertInto('strategy_agreements').values({ partnership_id: other.id, period: '2025-26', title: 'Elsewhere agreement', starts_on: '2025-04-01', ends_on: '2026-03-31' }).returning('id').executeTakeFirstOrThrow();
  const foreign = await db.insertInto('strategy_priorities').values({ partnership_id: other.id, agreement_id: agreement.id, kind: 'priority', position: 1, title: 'Elsewhere priority' }).returning('id').executeTakeFirstOrThrow();
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const n = await count();
  await officer.get(`/funding/grants/${grantId}/proposals/new`);
  for (const bad of [foreign.id, '00000000-0000-4000-8000-000000000000', 'not-a-priority']) {
    const res = await officer.post(`/funding/grants/${grantId}/proposals/new`, form({ priority_id: bad }));
    assert.equal(res.statusCode, 400, bad);
    assert.match(pageText(res.body), /There is a problem Select the agreement priority the project serves, from the list/);
    assert.doesNotMatch(res.body, /Elsewhere priority/);
  }
  const api = await officer.json('POST', `/api/funding/grants/${grantId}/proposals`, {
    title: 'API priority test', description: 'x', amountAsked: '500', leadOrganisationId: lead, deliveryStartsOn: `${fy}-06-01`, deliveryEndsOn: `${fy}-07-01`, priorityId: foreign.id,
  });
  assert.equal(api.statusCode, 400);
  assert.equal(api.json().errors[0].field, 'priorityId');
  assert.equal(await count(), n);
});
