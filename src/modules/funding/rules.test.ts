// A grant's rules changed from a page and through the API: the ledger stays whole, a
// change that cannot keep it whole is refused with nothing changed, and each change is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { todayIso } from '../partnership/domain.ts';
import { financialYearOf } from './domain.ts';

let t: TestApp;
const fy = financialYearOf(todayIso());
let grantId = '';

before(async () => {
  t = await createTestApp();
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const funder = (await t.database.db.selectFrom('organisations').select('id').where('short_name', '=', 'OPCC').executeTakeFirstOrThrow()).id;
  const res = await officer.json('POST', '/api/funding/grants', { funderOrganisationId: funder, programme: 'Rules Test Grant', financialYear: fy, awarded: '39,661', awardedOn: `${fy}-04-10` });
  assert.equal(res.statusCode, 201);
  grantId = res.json().id;
});
after(async () => { await t.close(); });

const ledgerRow = async () => t.database.db.selectFrom('grants').select(['allocated_pence', 'unallocated_pence', 'held_back_pence', 'returned_pence', 'held_back_numerator', 'held_back_denominator', 'rounding'])
  .where('id', '=', grantId).executeTakeFirstOrThrow();
const audits = async () => t.database.db.selectFrom('audit_log').select(['summary', 'before', 'after']).where('record_type', '=', 'grant').where('record_id', '=', grantId).where('summary', 'like', 'Rules of%').orderBy('id').execute();

test('an officer changes the rounding from the page: the held-back pot grows by the pound the rule says, and the change is audited with before and after', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const form = await officer.get(`/funding/grants/${grantId}/rules`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /name="held_back_share"[^>]*value="1\/3"/);
  assert.match(form.body, /value="down" checked/);
  const saved = await officer.post(`/funding/grants/${grantId}/rules`, { held_back_share: '1/3', rounding: 'up', lock_while_earlier_open: 'yes', underspend_rule: 'return', 'unallocated_moves_on-day': '', 'unallocated_moves_on-month': '', 'unallocated_moves_on-year': '' });
  assert.equal(saved.statusCode, 303);
  const page = pageText((await officer.get(`/funding/grants/${grantId}`)).body);
  assert.match(page, /Allocated £0 \+ unallocated £26,440 \+ held back £13,221 \+ returned £0 = awarded £39,661\./);
  assert.match(page, /Held back A third, rounded up to whole pounds/);
  const [entry] = await audits();
  assert.match(entry!.summary!, /rounded up; held back up by £1$/);
  assert.equal((entry!.before as { held_back_pence: number }).held_back_pence, 1_322_000);
  assert.equal((entry!.after as { held_back_pence: number }).held_back_pence, 1_322_100);
});

test('a share that would take money already allocated is refused with a message, and nothing changes', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  // The seeds' year: £25,047 allocated, leaving £1,393 of the upfront money.
  await t.database.db.updateTable('grants').set({ allocated_pence: 2_504_700, unallocated_pence: 139_300 }).where('id', '=', grantId).execute();
  const beforeRow = await ledgerRow();
  const auditCount = (await audits()).length;
  await officer.get(`/funding/grants/${grantId}/rules`);
  const refused = await officer.post(`/funding/grants/${grantId}/rules`, { held_back_share: '1/2', rounding: 'up', lock_while_earlier_open: 'yes', underspend_rule: 'return' });
  assert.equal(refused.statusCode, 400);
  const text = pageText(refused.body);
  assert.match(text, /There is a problem/);
  assert.match(text, /The new share would hold back £6,610 more, but only £1,393 of upfront money is unallocated: choose a smaller share/);
  assert.match(refused.body, /name="held_back_share"[^>]*value="1\/2"/);
  assert.deepEqual(await ledgerRow(), beforeRow);
  assert.equal((await audits()).length, auditCount);
  const badDate = await officer.post(`/funding/grants/${grantId}/rules`, {
    held_back_share: '1/3', rounding: 'up', lock_while_earlier_open: 'yes', underspend_rule: 'return',
    'unallocated_moves_on-day': '1', 'unallocated_moves_on-month': '5', 'unallocated_moves_on-year': String(fy + 1),
  });
  assert.equal(badDate.statusCode, 400);
  assert.match(pageText(badDate.body), new RegExp(`The date unallocated money moves must be within ${fy}/`));
  const badShare = await officer.post(`/funding/grants/${grantId}/rules`, { held_back_share: 'most of it', rounding: 'up', lock_while_earlier_open: 'yes', underspend_rule: 'return' });
  assert.equal(badShare.statusCode, 400);
  assert.match(pageText(badShare.body), /Enter the share held back as a fraction from 0 to 1, for example 1\/3 or 25%/);
  assert.deepEqual(await ledgerRow(), beforeRow);
  // A smaller share fits: the difference goes back to the upfront money.
  const quarter = await officer.post(`/funding/grants/${grantId}/rules`, { held_back_share: '25%', rounding: 'up', lock_while_earlier_open: 'yes', underspend_rule: 'return' });
  assert.equal(quarter.statusCode, 303);
  assert.match(pageText((await officer.get(`/funding/grants/${grantId}`)).body), /Allocated £25,047 \+ unallocated £4,698 \+ held back £9,916 \+ returned £0 = awarded £39,661\./);
});

test('the API twin changes only the rules it is given, refuses bad ones with the field, and is in the OpenAPI document', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const res = await officer.json('PUT', `/api/funding/grants/${grantId}/rules`, { lockWhileEarlierOpen: false, underspendRule: 'carry-forward', unallocatedMovesOn: `${fy + 1}-03-01` });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json().rules, { heldBackShare: '1/4', rounding: 'up', lockWhileEarlierOpen: false, unallocatedMovesOn: `${fy + 1}-03-01`, underspend: 'carry-forward' });
  const page = pageText((await officer.get(`/funding/grants/${grantId}`)).body);
  assert.match(page, /Not locked by earlier years' projects/);
  assert.match(page, /Carried forward into the held-back pot/);
  for (const [body, field] of [[{ heldBackShare: '3/2' }, 'heldBackShare'], [{ rounding: 'sideways' }, 'rounding'], [{ unallocatedMovesOn: `${fy + 2}-01-01` }, 'unallocatedMovesOn']] as const) {
    const bad = await officer.json('PUT', `/api/funding/grants/${grantId}/rules`, body);
    assert.equal(bad.statusCode, 400, JSON.stringify(body));
    assert.equal(bad.json().errors[0].field, field);
  }
  const cleared = await officer.json('PUT', `/api/funding/grants/${grantId}/rules`, { unallocatedMovesOn: null });
  assert.equal(cleared.json().rules.unallocatedMovesOn, null);
  assert.equal(cleared.json().rules.underspend, 'carry-forward');
  const spec = (await officer.json('GET', '/api/openapi.json')).json();
  assert.ok(spec.paths['/api/funding/grants/{id}/rules']?.put);
});

test('a member and the public cannot change the rules', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get(`/funding/grants/${grantId}/rules`)).statusCode, 403);
  assert.equal((await member.json('PUT', `/api/funding/grants/${grantId}/rules`, { rounding: 'down' })).statusCode, 403);
  assert.doesNotMatch(pageText((await member.get(`/funding/grants/${grantId}`)).body), /Change the rules/);
  assert.equal((await new Client(t.app).get(`/funding/grants/${grantId}/rules`)).statusCode, 302);
  assert.equal((await new Client(t.app).json('PUT', `/api/funding/grants/${grantId}/rules`, { rounding: 'down' })).statusCode, 401);
  assert.equal((await ledgerRow()).rounding, 'up');
});
