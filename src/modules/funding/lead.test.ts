// The lead's page: the account whose e-mail is a funded project's lead contact sees exactly
// its projects, with allocation, spend and progress, and posts progress returns on them,
// never on anyone else's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
const ids = { shop: '', licensing: '', scams: '', conference: '' };

before(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const proposal = async (title: string) => (await db.selectFrom('funding_proposals').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id;
  ids.shop = await proposal('Shop theft prevention packs');
  ids.licensing = await proposal('Licensing training for responsible authorities');
  ids.scams = await proposal('Scams awareness module for schools');
  ids.conference = await proposal('Anti-social behaviour practitioner conference');
  const lead = async (id: string, email: string) => db.updateTable('funding_proposals').set({ lead_contact_email: email }).where('id', '=', id).execute();
  // The member leads two funded projects (the e-mail's case differs) and one proposal not yet approved.
  await lead(ids.shop, 'Member@Northshire.example');
  await lead(ids.licensing, demoUsers.member);
  await lead(ids.conference, demoUsers.member);
  await lead(ids.scams, 'someone.else@northshire.example');
});
after(async () => { await t.close(); });

const progressCount = async () => Number((await t.database.db.selectFrom('funding_progress').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

test('the lead sees exactly the funded projects they lead, with allocation, spend and the latest progress', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const page = await member.get('/funding/my-projects');
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  assert.match(text, /Projects you lead/);
  assert.match(text, /Shop theft prevention packs Crime Reduction Grant \d{4}\/\d{2} In delivery £1,600 £640 .*: Packs designed; the first 80 delivered in Ashby Vale\. Send a progress return/);
  assert.match(text, /Licensing training for responsible authorities Crime Reduction Grant \d{4}\/\d{2} Approved by the funder £1,750 £0 No return yet/);
  assert.doesNotMatch(text, /Scams awareness|practitioner conference/);
  const api = await member.json('GET', '/api/funding/my-projects');
  assert.equal(api.statusCode, 200);
  const items = api.json().items as { title: string; allocated: number; spent: number }[];
  assert.deepEqual(items.map((p) => p.title).sort(), ['Licensing training for responsible authorities', 'Shop theft prevention packs']);
  assert.deepEqual(items.find((p) => p.title.startsWith('Shop'))!.spent, 64_000);
  // Someone who leads nothing is told so; the public is asked to sign in.
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.match(pageText((await officer.get('/funding/my-projects')).body), /You do not lead any funded project/);
  assert.equal((await new Client(t.app).get('/funding/my-projects')).statusCode, 302);
  assert.equal((await new Client(t.app).json('GET', '/api/funding/my-projects')).statusCode, 401);
});

test('the lead posts a progress return with the spend to date, and it is the project’s latest progress, audited', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const form = await member.get(`/funding/my-projects/${ids.shop}/progress`);
  assert.equal(form.statusCode, 200);
  assert.match(pageText(form.body), /Allocated £1,600; £640 paid in claims so far/);
  const res = await member.post(`/funding/my-projects/${ids.shop}/progress`, { text: 'A further 40 packs delivered in Brackenford.', spend_to_date: '900', figures: '120 shops visited' });
  assert.equal(res.statusCode, 303);
  const list = pageText((await member.get('/funding/my-projects')).body);
  assert.match(list, /Progress return sent for Shop theft prevention packs/);
  assert.match(list, /Shop theft prevention packs .* A further 40 packs delivered in Brackenford\./);
  const project = pageText((await member.get(`/funding/proposals/${ids.shop}`)).body);
  assert.match(project, /Spend to date reported by the lead on .*: £900 of the £1,600 allocation\./);
  assert.match(project, /A further 40 packs delivered in Brackenford\. Spend to date: £900 of £1,600 Figures: 120 shops visited/);
  const stored = await t.database.db.selectFrom('funding_progress').select(['spend_to_date_pence', 'via']).where('text', '=', 'A further 40 packs delivered in Brackenford.').executeTakeFirstOrThrow();
  assert.deepEqual({ ...stored, spend_to_date_pence: Number(stored.spend_to_date_pence) }, { spend_to_date_pence: 90_000, via: 'lead' });
  // The Working Group table shows it against the allocation.
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const grantId = (await t.database.db.selectFrom('funding_proposals').select('grant_id').where('id', '=', ids.shop).executeTakeFirstOrThrow()).grant_id;
  assert.match(pageText((await officer.get(`/funding/grants/${grantId}/update`)).body), /Shop theft prevention packs .*In delivery £1,600 £640 £900/);
  const audit = await t.database.db.selectFrom('audit_log').select(['actor_label', 'summary']).where('record_type', '=', 'funding-progress').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  assert.equal(audit.summary, 'Progress on Shop theft prevention packs: spend to date £900');
  assert.doesNotMatch(audit.actor_label, /officer/i);
  // Nothing spent yet is a fair answer.
  const zero = await member.json('POST', `/api/funding/proposals/${ids.licensing}/progress`, { text: 'Trainer booked.', spendToDate: '0' });
  assert.equal(zero.statusCode, 201);
  assert.equal(zero.json().figures, null);
  assert.equal(zero.json().spendToDate, 0);
  assert.equal(zero.json().via, 'lead');
  const api = await member.json('GET', `/api/funding/proposals/${ids.shop}`);
  assert.equal(api.json().reportedSpend, 90_000);
});

test('a bad return is refused with a message and nothing is recorded', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  await member.get(`/funding/my-projects/${ids.shop}/progress`);
  const n = await progressCount();
  const cases: [Record<string, string>, RegExp][] = [
    [{ text: '', spend_to_date: '100' }, /Enter the update: what has been done/],
    [{ text: 'Update', spend_to_date: '1,200.5' }, /The spend to date must have two figures for pence \(1,200\.50, not 1,200\.5\), or none \(1,200\)/],
    [{ text: 'Update', spend_to_date: '-50' }, /The spend to date cannot be negative: enter what has been spent so far, or 0/],
    [{ text: 'Update', spend_to_date: '12 pounds' }, /The spend to date must be in pounds, like 1,200 or 1,200\.50/],
    [{ text: 'Update', spend_to_date: '2,000' }, /The spend to date cannot be more than the allocation of £1,600: check the figure/],
  ];
  for (const [body, message] of cases) {
    const res = await member.post(`/funding/my-projects/${ids.shop}/progress`, body);
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.match(pageText(res.body), /There is a problem/);
    assert.match(pageText(res.body), message);
  }
  assert.equal(await progressCount(), n);
});

test('nobody posts a return on a project someone else leads, except the clerk’s team', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const n = await progressCount();
  assert.equal((await member.get(`/funding/my-projects/${ids.scams}/progress`)).statusCode, 403);
  // A valid form token first (from the lead's own project), so the refusal is the policy's.
  await member.get(`/funding/my-projects/${ids.shop}/progress`);
  const refused = await member.post(`/funding/my-projects/${ids.scams}/progress`, { text: 'Not mine', spend_to_date: '10' });
  assert.equal(refused.statusCode, 403);
  assert.match(pageText(refused.body), /You do not have permission to do that/);
  assert.equal((await member.post(`/funding/my-projects/${ids.scams}/progress`, { text: 'Not mine', spend_to_date: '10' })).statusCode, 403);
  assert.equal((await member.json('POST', `/api/funding/proposals/${ids.scams}/progress`, { text: 'Not mine' })).statusCode, 403);
  assert.equal(await progressCount(), n);
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.equal((await officer.json('POST', `/api/funding/proposals/${ids.scams}/progress`, { text: 'Recorded by the officer.', spendToDate: '1,550' })).statusCode, 201);
  assert.equal(await progressCount(), n + 1);
});
