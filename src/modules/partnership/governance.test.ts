import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { addDays, addYears, todayIso } from './domain.ts';
import { formatDate, formatDay } from '../../web/nunjucks.ts';

let t: TestApp;
let board: string, workingGroup: string, reviewGroup: string;
let isa3: string, isa4: string;
const orgId = async (name: string) =>
  (await t.database.db.selectFrom('organisations').select('id').where('partnership_id', '=', t.partnershipId).where('name', '=', name).executeTakeFirstOrThrow()).id;
const dateParts = (iso: string, field: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${field}-day`]: String(Number(d)), [`${field}-month`]: String(Number(m)), [`${field}-year`]: y! };
};
const count = async (table: 'terms_of_reference' | 'sharing_agreements' | 'sharing_agreement_signatures') =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', t.partnershipId).executeTakeFirstOrThrow()).n);

before(async () => {
  t = await createTestApp();
  const bodies = await t.database.db.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', t.partnershipId).execute();
  const bodyId = (name: RegExp) => bodies.find((b) => name.test(b.name))!.id;
  board = bodyId(/Community Safety Partnership/);
  workingGroup = bodyId(/^Working Group$/);
  reviewGroup = bodyId(/Review Steering Group/);
  const agreements = await t.database.db.selectFrom('sharing_agreements').select(['id', 'version']).where('partnership_id', '=', t.partnershipId).execute();
  isa3 = agreements.find((a) => a.version === '3.0')!.id;
  isa4 = agreements.find((a) => a.version === '4.0')!.id;
});
after(async () => { await t.close(); });

// Terms of reference -------------------------------------------------------------------

test('anyone can see every body\'s current terms of reference and whether a review is due', async () => {
  const res = await new Client(t.app).get('/governance/terms-of-reference');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Northshire Community Safety Partnership Version 2 .* In date/);
  assert.match(text, /Working Group Version 1 .* Overdue/);
  assert.match(res.body, /govuk-tag--red/);
  assert.match(res.body, /govuk-tag--green/);
});

test('a body\'s page lists its versions newest first, with the next review date', async () => {
  const res = await new Client(t.app).get(`/bodies/${board}/terms-of-reference`);
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  const agreed = addDays(todayIso(), -120);
  assert.match(text, new RegExp(`Current version Version 2 Agreed ${formatDay(agreed)} Next review due ${formatDay(addYears(agreed, 1))}`));
  assert.ok(text.indexOf('Version 2 (current)') < text.indexOf('Version 1'), 'newest version first');
  assert.doesNotMatch(text, /Record a new version/, 'the public cannot record a version');
});

test('an officer records a new version: it takes the next number and a review date a year on', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const form = await officer.get(`/bodies/${workingGroup}/terms-of-reference/new`);
  assert.equal(form.statusCode, 200);
  const agreed = addDays(todayIso(), -7);
  const res = await officer.post(`/bodies/${workingGroup}/terms-of-reference/new`, {
    ...dateParts(agreed, 'agreed_on'), summary: 'Adds oversight of the serious violence duty action plan.',
  });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `/bodies/${workingGroup}/terms-of-reference`);
  const page = pageText((await officer.get(res.headers.location as string)).body);
  assert.match(page, new RegExp(`Version 2 recorded. The next review is due by ${formatDate(addYears(agreed, 1))}`));
  assert.match(page, /Current version Version 2 .* Status In date/);
  assert.match(page, /Adds oversight of the serious violence duty action plan/);

  const row = await t.database.db.selectFrom('terms_of_reference').selectAll().where('partnership_id', '=', t.partnershipId)
    .where('body_id', '=', workingGroup).where('version', '=', 2).executeTakeFirstOrThrow();
  assert.equal(row.review_due_on, addYears(agreed, 1));
  const history = await officer.get(`/history/terms-of-reference/${row.id}`);
  assert.equal(history.statusCode, 200);
  assert.match(pageText(history.body), /Gwen Abernethy Create/);

  const register = pageText((await officer.get('/governance/terms-of-reference')).body);
  assert.match(register, /Working Group Version 2 .* In date/);
});

test('a version with no date or summary comes back with an error summary, and nothing is written', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const before = await count('terms_of_reference');
  await officer.get(`/bodies/${reviewGroup}/terms-of-reference/new`);
  const res = await officer.post(`/bodies/${reviewGroup}/terms-of-reference/new`, { 'agreed_on-day': '', 'agreed_on-month': '', 'agreed_on-year': '', summary: '' });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /There is a problem/);
  assert.match(text, /Enter the date agreed/);
  assert.match(text, /Enter a summary of what the terms of reference say or what changed/);
  assert.equal(await count('terms_of_reference'), before);
});

test('a date agreed that is not real, in the future, or before the current version is refused', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const before = await count('terms_of_reference');
  await officer.get(`/bodies/${reviewGroup}/terms-of-reference/new`);
  const unreal = await officer.post(`/bodies/${reviewGroup}/terms-of-reference/new`, { 'agreed_on-day': '31', 'agreed_on-month': '2', 'agreed_on-year': '2025', summary: 'x' });
  assert.equal(unreal.statusCode, 400);
  assert.match(pageText(unreal.body), /The date agreed must be a real date/);
  const future = await officer.post(`/bodies/${reviewGroup}/terms-of-reference/new`, { ...dateParts(addDays(todayIso(), 3), 'agreed_on'), summary: 'x' });
  assert.equal(future.statusCode, 400);
  assert.match(pageText(future.body), /The date agreed must be today or in the past/);
  // The form keeps what was typed.
  assert.match(future.body, /name="summary"[^>]*>x<\/textarea>/);
  const earlier = await officer.post(`/bodies/${reviewGroup}/terms-of-reference/new`, { ...dateParts(addDays(todayIso(), -400), 'agreed_on'), summary: 'x' });
  assert.equal(earlier.statusCode, 400);
  assert.match(pageText(earlier.body), new RegExp(`The date agreed must be on or after ${formatDate(addDays(todayIso(), -300))}, when version 1 was agreed`));
  assert.equal(await count('terms_of_reference'), before);
});

test('members cannot record terms of reference; the public is sent to sign in', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get(`/bodies/${board}/terms-of-reference/new`)).statusCode, 403);
  const before = await count('terms_of_reference');
  const post = await member.post(`/bodies/${board}/terms-of-reference/new`, { ...dateParts(todayIso(), 'agreed_on'), summary: 'Sneaky' });
  assert.equal(post.statusCode, 403);
  assert.equal(await count('terms_of_reference'), before);
  const memberPage = pageText((await member.get(`/bodies/${board}/terms-of-reference`)).body);
  assert.doesNotMatch(memberPage, /Record a new version/);

  const anonymous = await new Client(t.app).get(`/bodies/${board}/terms-of-reference/new`);
  assert.equal(anonymous.statusCode, 302);
  assert.match(anonymous.headers.location as string, /^\/sign-in\?next=/);
});

test('an unknown body has no terms of reference page', async () => {
  const client = new Client(t.app);
  assert.equal((await client.get('/bodies/00000000-0000-0000-0000-000000000000/terms-of-reference')).statusCode, 404);
  assert.equal((await client.get('/bodies/not-a-body/terms-of-reference')).statusCode, 404);
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.equal((await officer.get('/bodies/00000000-0000-0000-0000-000000000000/terms-of-reference/new')).statusCode, 404);
});

// Sharing agreements -------------------------------------------------------------------

test('a member sees the sharing agreement register with the latest version marked', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const res = await member.get('/governance/sharing-agreements');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Northshire Information Sharing Agreement , version 4.0 Latest 4.0 .* 8 of 12/);
  assert.match(text, /version 3.0 3.0 .* 12 of 12/);
  assert.doesNotMatch(text, /Add an agreement version/);
});

test('the public cannot see the sharing agreement register', async () => {
  const client = new Client(t.app);
  assert.equal((await client.get('/governance/sharing-agreements')).statusCode, 404);
  assert.equal((await client.get(`/governance/sharing-agreements/${isa4}`)).statusCode, 404);
});

test('an agreement\'s page shows who signed when, and prominently who has not', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const res = await member.get(`/governance/sharing-agreements/${isa4}`);
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Not signed the latest version .* 4 organisations have not signed the latest version/);
  for (const name of ['Office of the Northshire Police and Crime Commissioner', 'Northshire Voluntary Action', 'Safe Homes Northshire', 'Northshire Youth Justice Service']) {
    assert.match(text.slice(text.indexOf('Not signed'), text.indexOf('Signed Organisation')), new RegExp(name));
  }
  assert.match(text, new RegExp(`Northshire Police ${formatDay(addDays(todayIso(), -60))} Not recorded`));
  assert.doesNotMatch(text, /Record a signature/);

  const older = pageText((await member.get(`/governance/sharing-agreements/${isa3}`)).body);
  assert.match(older, /This is not the latest version. The latest is version 4.0/);
  assert.match(older, /Every member organisation has signed this version/);
});

test('an officer adds an agreement version; a version already in the register is refused', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const form = await officer.get('/governance/sharing-agreements/new');
  assert.match(form.body, /value="Northshire Information Sharing Agreement"/, 'the title is offered from the latest version');
  const before = await count('sharing_agreements');
  const dup = await officer.post('/governance/sharing-agreements/new', { title: 'Northshire Information Sharing Agreement', version: '4.0', ...dateParts(todayIso(), 'effective_on') });
  assert.equal(dup.statusCode, 400);
  assert.match(pageText(dup.body), /Version 4.0 is already in the register. Enter a different version/);
  const blank = await officer.post('/governance/sharing-agreements/new', { title: '', version: '', 'effective_on-day': '1', 'effective_on-month': '', 'effective_on-year': '2026' });
  assert.equal(blank.statusCode, 400);
  const text = pageText(blank.body);
  assert.match(text, /Enter the title of the agreement/);
  assert.match(text, /Enter the version of the agreement, for example 4.0/);
  assert.match(text, /The date it takes effect must include a month/);
  assert.equal(await count('sharing_agreements'), before);

  const res = await officer.post('/governance/sharing-agreements/new', { title: 'Northshire Information Sharing Agreement', version: '4.1', ...dateParts(addDays(todayIso(), -10), 'effective_on') });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(res.headers.location as string)).body);
  assert.match(page, /Version 4.1 added/);
  assert.match(page, /Latest/);
  assert.match(page, /12 organisations have not signed the latest version/);
  const history = await officer.get(`/history/sharing-agreement/${(res.headers.location as string).split('/').pop()}`);
  assert.equal(history.statusCode, 200);
});

test('an officer records a signature; a second signature and a date before the version took effect are refused', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const nva = await orgId('Northshire Voluntary Action');
  const form = await officer.get(`/governance/sharing-agreements/${isa4}/signatures/new?organisation_id=${nva}`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, new RegExp(`<option value="${nva}" selected>Northshire Voluntary Action</option>`));
  assert.doesNotMatch(pageText(form.body), /Northshire Police</, 'organisations that have signed are not offered');

  const before = await count('sharing_agreement_signatures');
  const early = await officer.post(`/governance/sharing-agreements/${isa4}/signatures/new`, { organisation_id: nva, ...dateParts(addDays(todayIso(), -91), 'signed_on'), signed_by: 'Hugo Carver' });
  assert.equal(early.statusCode, 400);
  assert.match(pageText(early.body), new RegExp(`The date signed must be on or after ${formatDate(addDays(todayIso(), -90))}, when version 4.0 took effect`));
  const future = await officer.post(`/governance/sharing-agreements/${isa4}/signatures/new`, { organisation_id: nva, ...dateParts(addDays(todayIso(), 1), 'signed_on') });
  assert.equal(future.statusCode, 400);
  assert.match(pageText(future.body), /The date signed must be today or in the past/);
  const missing = await officer.post(`/governance/sharing-agreements/${isa4}/signatures/new`, { organisation_id: '' });
  assert.equal(missing.statusCode, 400);
  assert.match(pageText(missing.body), /Select the organisation that signed/);
  assert.match(pageText(missing.body), /Enter the date signed/);
  assert.equal(await count('sharing_agreement_signatures'), before);

  const res = await officer.post(`/governance/sharing-agreements/${isa4}/signatures/new`, { organisation_id: nva, ...dateParts(todayIso(), 'signed_on'), signed_by: 'Hugo Carver, Chief Officer' });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(res.headers.location as string)).body);
  assert.match(page, /Signature recorded for Northshire Voluntary Action/);
  assert.match(page, new RegExp(`Northshire Voluntary Action ${formatDay(todayIso())} Hugo Carver, Chief Officer`));
  assert.match(page, /3 organisations have not signed/);

  const again = await officer.post(`/governance/sharing-agreements/${isa4}/signatures/new`, { organisation_id: nva, ...dateParts(todayIso(), 'signed_on') });
  assert.equal(again.statusCode, 400);
  assert.match(pageText(again.body), new RegExp(`Northshire Voluntary Action already signed version 4.0 on ${formatDate(todayIso())}`));
  assert.equal(await count('sharing_agreement_signatures'), before + 1);

  const history = pageText((await officer.get(`/history/sharing-agreement/${isa4}`)).body);
  assert.match(history, /Gwen Abernethy Record signature .*Northshire Voluntary Action/);
});

test('members cannot add agreement versions or record signatures', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get('/governance/sharing-agreements/new')).statusCode, 403);
  assert.equal((await member.get(`/governance/sharing-agreements/${isa4}/signatures/new`)).statusCode, 403);
  const before = await count('sharing_agreement_signatures');
  const res = await member.post(`/governance/sharing-agreements/${isa4}/signatures/new`, { organisation_id: await orgId('Safe Homes Northshire'), ...dateParts(todayIso(), 'signed_on') });
  assert.equal(res.statusCode, 403);
  assert.equal(await count('sharing_agreement_signatures'), before);
});

// Overview -----------------------------------------------------------------------------

test('the governance overview shows officers what is due and who has not signed', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const res = await officer.get('/governance');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Bodies 3/);
  assert.match(text, /Terms of reference due or overdue for review/);
  assert.match(text, /Safe Homes Northshire/);
  assert.match(text, /not signed the latest version/);
  assert.doesNotMatch(text, /Users and access/, 'user administration is for administrators');
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  assert.match(pageText((await admin.get('/governance')).body), /Users and access/);
});

test('members are refused the governance overview and the public is sent to sign in', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.get('/governance')).statusCode, 403);
  assert.equal((await member.json('GET', '/api/governance')).statusCode, 403);
  const anonymous = await new Client(t.app).get('/governance');
  assert.equal(anonymous.statusCode, 302);
  assert.equal(anonymous.headers.location, '/sign-in?next=%2Fgovernance');
  assert.equal((await new Client(t.app).json('GET', '/api/governance')).statusCode, 401);
});

// API ----------------------------------------------------------------------------------

test('the API lists terms of reference with their status, and records versions', async () => {
  const client = new Client(t.app);
  const all = await client.json('GET', '/api/terms-of-reference');
  assert.equal(all.statusCode, 200);
  const boardVersions = all.json().items.filter((i: { bodyId: string }) => i.bodyId === board);
  assert.deepEqual(boardVersions.map((i: { version: number; current: boolean; status: string }) => [i.version, i.current, i.status]), [[2, true, 'in-date'], [1, false, 'superseded']]);
  const one = await client.json('GET', `/api/terms-of-reference?bodyId=${reviewGroup}`);
  assert.equal(one.statusCode, 200);
  assert.ok(one.json().items.every((i: { bodyId: string }) => i.bodyId === reviewGroup));
  assert.equal((await client.json('GET', '/api/terms-of-reference?bodyId=nope')).statusCode, 404);
  const byBody = await client.json('GET', `/api/bodies/${board}/terms-of-reference`);
  assert.equal(byBody.json().items[0].version, 2);

  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const agreed = addDays(todayIso(), -1);
  const created = await officer.json('POST', `/api/bodies/${board}/terms-of-reference`, { agreedOn: agreed, summary: 'Quorum reduced to three.' });
  assert.equal(created.statusCode, 201);
  assert.deepEqual({ version: created.json().version, reviewDueOn: created.json().reviewDueOn }, { version: 3, reviewDueOn: addYears(agreed, 1) });
  const viaQuery = await officer.json('POST', '/api/terms-of-reference', { bodyId: board, agreedOn: todayIso(), summary: 'Adds a vice-chair.' });
  assert.equal(viaQuery.statusCode, 201);
  assert.equal(viaQuery.json().version, 4);

  const before = await count('terms_of_reference');
  const bad = await officer.json('POST', `/api/bodies/${board}/terms-of-reference`, { agreedOn: '2026-02-30', summary: '' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['agreedOn', 'summary']);
  const noBody = await officer.json('POST', '/api/terms-of-reference', { bodyId: 'x', agreedOn: todayIso(), summary: 'y' });
  assert.equal(noBody.statusCode, 400);
  assert.equal(noBody.json().errors[0].field, 'bodyId');
  assert.equal(await count('terms_of_reference'), before);

  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('POST', `/api/bodies/${board}/terms-of-reference`, { agreedOn: todayIso(), summary: 'x' })).statusCode, 403);
  assert.equal((await new Client(t.app).json('POST', '/api/terms-of-reference', { bodyId: board, agreedOn: todayIso(), summary: 'x' })).statusCode, 401);
});

test('the API serves the sharing agreement register, with signatures and who has not signed', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const list = await member.json('GET', '/api/sharing-agreements');
  assert.equal(list.statusCode, 200);
  const latest = list.json().items[0];
  assert.equal(latest.latest, true);
  assert.ok(list.json().items.slice(1).every((a: { latest: boolean }) => !a.latest));
  const detail = await member.json('GET', `/api/sharing-agreements/${isa3}`);
  assert.equal(detail.statusCode, 200);
  assert.equal(detail.json().signatures.length, 12);
  assert.deepEqual(detail.json().unsigned, []);
  assert.equal(detail.json().latest, false);
  assert.equal((await member.json('GET', '/api/sharing-agreements/00000000-0000-0000-0000-000000000000')).statusCode, 404);
  assert.equal((await new Client(t.app).json('GET', '/api/sharing-agreements')).statusCode, 404);

  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const created = await officer.json('POST', '/api/sharing-agreements', { title: 'Northshire Information Sharing Agreement', version: '5.0', effectiveOn: addDays(todayIso(), -5) });
  assert.equal(created.statusCode, 201);
  const id = created.json().id;
  const dup = await officer.json('POST', '/api/sharing-agreements', { title: 'Again', version: '5.0', effectiveOn: todayIso() });
  assert.equal(dup.statusCode, 409);
  assert.equal(dup.json().errors[0].field, 'version');

  const shn = await orgId('Safe Homes Northshire');
  const signed = await officer.json('POST', `/api/sharing-agreements/${id}/signatures`, { organisationId: shn, signedOn: todayIso(), signedBy: 'Beatrice Lamb' });
  assert.equal(signed.statusCode, 201);
  assert.equal(signed.json().organisationName, 'Safe Homes Northshire');
  const twice = await officer.json('POST', `/api/sharing-agreements/${id}/signatures`, { organisationId: shn, signedOn: todayIso() });
  assert.equal(twice.statusCode, 409);
  assert.equal(twice.json().errors[0].field, 'organisationId');
  const badOrg = await officer.json('POST', `/api/sharing-agreements/${id}/signatures`, { organisationId: '00000000-0000-0000-0000-000000000000', signedOn: todayIso() });
  assert.equal(badOrg.statusCode, 400);
  assert.equal(badOrg.json().errors[0].field, 'organisationId');
  assert.equal((await officer.json('POST', '/api/sharing-agreements/00000000-0000-0000-0000-000000000000/signatures', { organisationId: shn, signedOn: todayIso() })).statusCode, 404);

  const after = (await officer.json('GET', `/api/sharing-agreements/${id}`)).json();
  assert.equal(after.latest, true);
  assert.equal(after.signatures.length, 1);
  assert.equal(after.unsigned.length, 11);
  assert.equal((await member.json('POST', `/api/sharing-agreements/${id}/signatures`, { organisationId: await orgId('Northshire Police'), signedOn: todayIso() })).statusCode, 403);

  const overview = await officer.json('GET', '/api/governance');
  assert.equal(overview.statusCode, 200);
  assert.equal(overview.json().sharingAgreement.latest.version, '5.0');
  assert.equal(overview.json().sharingAgreement.signed, 1);
  assert.equal(overview.json().termsOfReference.bodies, 3);

  // A version may be recorded ahead of the date it takes effect; it is then the one to sign.
  const ahead = await officer.json('POST', '/api/sharing-agreements', { title: 'Northshire Information Sharing Agreement', version: '6.0', effectiveOn: addDays(todayIso(), 30) });
  assert.equal(ahead.statusCode, 201);
  assert.equal((await officer.json('GET', '/api/sharing-agreements')).json().items[0].version, '6.0');
});

test('the API routes are described in the OpenAPI document', async () => {
  const doc = (await new Client(t.app).get('/api/openapi.json')).json();
  for (const path of ['/api/terms-of-reference', '/api/bodies/{id}/terms-of-reference', '/api/sharing-agreements', '/api/sharing-agreements/{id}', '/api/sharing-agreements/{id}/signatures', '/api/governance']) {
    assert.ok(doc.paths[path], `${path} is documented`);
  }
});
