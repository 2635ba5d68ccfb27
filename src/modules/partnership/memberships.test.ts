import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { addDays, todayIso } from './domain.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const db = () => t.database.db;
const bodyId = async (name: string) => (await db().selectFrom('bodies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const personId = async (family: string) => (await db().selectFrom('people').select('id').where('family_name', '=', family).executeTakeFirstOrThrow()).id;
const organisationId = async (name: string) => (await db().selectFrom('organisations').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const count = async (table: 'memberships' | 'audit_log') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
/** The three fields of a GOV.UK date input. */
const dateFields = (field: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${field}-day`]: String(Number(d)), [`${field}-month`]: String(Number(m)), [`${field}-year`]: y! };
};
const today = todayIso();

test('an officer adds a member, who represents their own organisation unless told otherwise', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const form = await officer.get(`/bodies/${working}/members/new`);
  assert.equal(form.statusCode, 200);
  assert.match(pageText(form.body), /Working Group Add a member Person/);
  const res = await officer.post(`/bodies/${working}/members/new`, { person_id: await personId('Mensah'), role: 'member', organisation_id: '', ...dateFields('starts_on', today) });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, `/bodies/${working}`);
  const page = pageText((await officer.get(`/bodies/${working}`)).body);
  assert.match(page, /Ms Abena Mensah added as member/);
  assert.match(page, /Members Name Representing From .*Ms Abena Mensah Probation Service, Northshire region/);
  const row = await db().selectFrom('memberships').selectAll().where('person_id', '=', await personId('Mensah')).where('body_id', '=', working).executeTakeFirstOrThrow();
  assert.equal(row.organisation_id, await organisationId('Probation Service, Northshire region'));
  assert.equal(row.starts_on, today);
  assert.equal(row.ends_on, null);
  const history = pageText((await officer.get(`/history/membership/${row.id}`)).body);
  assert.match(history, /Gwen Abernethy Create/);
  // In plain English: the form's words for the fields, names for ids, dates with their day.
  assert.match(history, /Person\s*: \(blank\) → Ms Abena Mensah/);
  assert.match(history, /Body\s*: \(blank\) → Working Group/);
  assert.match(history, /Organisation\s*: \(blank\) → Probation Service, Northshire region/);
  assert.match(history, /Role\s*: \(blank\) → Member/);
  assert.match(history, /From\s*: \(blank\) → [A-Z][a-z]+day \d+ [A-Z][a-z]+ \d{4}/);
  assert.doesNotMatch(history, /[0-9a-f]{8}-[0-9a-f]{4}-/, 'no raw ids');
  assert.doesNotMatch(history, /_id|starts_on|\bUTC\b/, 'no raw field names, no UTC');
});

test('a member may represent another organisation, for a fixed period', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const reviews = await bodyId('Review Steering Group');
  const pcc = await organisationId('Office of the Northshire Police and Crime Commissioner');
  await officer.get(`/bodies/${reviews}/members/new`);
  const res = await officer.post(`/bodies/${reviews}/members/new`, {
    person_id: await personId('Carver'), role: 'adviser', organisation_id: pcc, ...dateFields('starts_on', addDays(today, -30)), ...dateFields('ends_on', addDays(today, 60)),
  });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(`/bodies/${reviews}`)).body);
  assert.match(page, /Advisers Name Representing From (Actions )?Mr Hugo Carver Office of the Northshire Police and Crime Commissioner/);
});

test('a membership must end on or after the day it starts; nothing is written otherwise', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const memberships = await count('memberships');
  const audit = await count('audit_log');
  await officer.get(`/bodies/${working}/members/new`);
  const res = await officer.post(`/bodies/${working}/members/new`, {
    person_id: await personId('Pellow'), role: 'member', ...dateFields('starts_on', today), ...dateFields('ends_on', addDays(today, -1)),
  });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /There is a problem The date the membership ends must be the same as or after the date it starts/);
  assert.equal(await count('memberships'), memberships);
  assert.equal(await count('audit_log'), audit);
});

test('a membership needs a person, a role and a start date that is a real date', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const memberships = await count('memberships');
  await officer.get(`/bodies/${working}/members/new`);
  const res = await officer.post(`/bodies/${working}/members/new`, { person_id: '', role: '', 'starts_on-day': '31', 'starts_on-month': '2', 'starts_on-year': '2025' });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /Select the person/);
  assert.match(text, /Select the role/);
  assert.match(text, /The date the membership starts must be a real date/);
  assert.match(res.body, /name="starts_on-day" type="text" value="31"/, 'what was typed is kept');
  const partial = await officer.post(`/bodies/${working}/members/new`, { person_id: await personId('Pellow'), role: 'member', 'starts_on-day': '1', 'starts_on-month': '', 'starts_on-year': '2025' });
  assert.match(pageText(partial.body), /The date the membership starts must include a month/);
  assert.equal(await count('memberships'), memberships);
});

test('a second chair is refused, with a message that suggests recording an election', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const memberships = await count('memberships');
  await officer.get(`/bodies/${working}/members/new`);
  const res = await officer.post(`/bodies/${working}/members/new`, { person_id: await personId('Adeyemi'), role: 'chair', ...dateFields('starts_on', today) });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /Mr Tomas Lindqvist is chair of Working Group from .*A body has one chair at a time: end that membership first, or record an election of the chair/);
  assert.match(res.body, /href="#role"/);
  assert.equal(await count('memberships'), memberships);
});

test('the same person cannot hold the same role twice at once, but may again after the first ended', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const lamb = await personId('Lamb');
  await officer.get(`/bodies/${working}/members/new`);
  const twice = await officer.post(`/bodies/${working}/members/new`, { person_id: lamb, role: 'member', ...dateFields('starts_on', addDays(today, 10)) });
  assert.equal(twice.statusCode, 400);
  assert.match(pageText(twice.body), /Ms Beatrice Lamb is already recorded as member of Working Group from .* Change that membership instead of adding another/);
  // A past spell before the running one began is fine.
  const earlier = await officer.post(`/bodies/${working}/members/new`, {
    person_id: lamb, role: 'member', ...dateFields('starts_on', '2015-04-01'), ...dateFields('ends_on', '2016-03-31'),
  });
  assert.equal(earlier.statusCode, 303);
  assert.match(pageText((await officer.get(`/people/${lamb}`)).body), /Past Body Role Representing From To Working Group Member Safe Homes Northshire Wednesday 1 April 2015 Thursday 31 March 2016/);
});

test('an officer ends a membership, which moves to past members; an end before the start is refused', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const qureshi = await db().selectFrom('memberships').selectAll().where('body_id', '=', working).where('person_id', '=', await personId('Qureshi')).executeTakeFirstOrThrow();
  const form = pageText((await officer.get(`/memberships/${qureshi.id}/end`)).body);
  assert.match(form, /End the membership of Mr Imran Qureshi Person Mr Imran Qureshi Role Member/);
  assert.match(form, /When did the membership end\?/);
  const tooEarly = await officer.post(`/memberships/${qureshi.id}/end`, dateFields('ends_on', addDays(qureshi.starts_on, -1)));
  assert.equal(tooEarly.statusCode, 400);
  assert.match(pageText(tooEarly.body), /The date the membership ends must be the same as or after the date it started/);
  const missing = await officer.post(`/memberships/${qureshi.id}/end`, {});
  assert.match(pageText(missing.body), /Enter the date the membership ends/);
  assert.equal((await db().selectFrom('memberships').select('ends_on').where('id', '=', qureshi.id).executeTakeFirstOrThrow()).ends_on, null);

  const yesterday = addDays(today, -1);
  const res = await officer.post(`/memberships/${qureshi.id}/end`, dateFields('ends_on', yesterday));
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(`/bodies/${working}`)).body);
  assert.match(page, /Membership of Mr Imran Qureshi ended/);
  assert.match(page, /Past members .*Mr Imran Qureshi Member Northshire Youth Justice Service/);
  const history = pageText((await officer.get(`/history/membership/${qureshi.id}`)).body);
  assert.match(history, /Update To\s*: \(blank\) →/);
});

test('an officer changes a membership, keeping to the rules', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const okonkwo = await db().selectFrom('memberships').selectAll().where('body_id', '=', working).where('person_id', '=', await personId('Okonkwo')).executeTakeFirstOrThrow();
  const form = await officer.get(`/memberships/${okonkwo.id}/edit`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /<input class="govuk-radios__input" id="role-3" name="role" type="radio" value="member" checked>/);
  const toChair = await officer.post(`/memberships/${okonkwo.id}/edit`, { person_id: okonkwo.person_id, role: 'vice-chair', organisation_id: okonkwo.organisation_id ?? '', starts_on: okonkwo.starts_on });
  assert.equal(toChair.statusCode, 400);
  assert.match(pageText(toChair.body), /Ms Eleanor Stroud is vice-chair of Working Group/);
  const res = await officer.post(`/memberships/${okonkwo.id}/edit`, { person_id: okonkwo.person_id, role: 'substitute', organisation_id: okonkwo.organisation_id ?? '', starts_on: okonkwo.starts_on });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(`/bodies/${working}`)).body);
  assert.match(page, /Membership changed/);
  assert.match(page, /Substitutes Name Representing From (Actions )?Mr Felix Okonkwo/);
  assert.match(pageText((await officer.get(`/history/membership/${okonkwo.id}`)).body), /Role\s*: Member → Substitute/);
});

test('members and the public may not add, change or end memberships', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const working = await bodyId('Working Group');
  const hartley = await db().selectFrom('memberships').select('id').where('body_id', '=', working).where('person_id', '=', await personId('Hartley')).executeTakeFirstOrThrow();
  const memberships = await count('memberships');
  assert.equal((await member.get(`/bodies/${working}/members/new`)).statusCode, 403);
  assert.equal((await member.get(`/memberships/${hartley.id}/edit`)).statusCode, 403);
  assert.equal((await member.get(`/memberships/${hartley.id}/end`)).statusCode, 403);
  assert.equal((await member.post(`/bodies/${working}/members/new`, { person_id: await personId('Pellow'), role: 'member', starts_on: today })).statusCode, 403);
  assert.equal((await member.post(`/memberships/${hartley.id}/end`, { ends_on: today })).statusCode, 403);
  assert.equal((await member.post(`/memberships/${hartley.id}/edit`, { person_id: await personId('Hartley'), role: 'chair', starts_on: today })).statusCode, 403);
  const anonymous = await new Client(t.app).get(`/memberships/${hartley.id}/end`);
  assert.equal(anonymous.statusCode, 302);
  assert.equal(await count('memberships'), memberships);
  assert.equal((await db().selectFrom('memberships').select('ends_on').where('id', '=', hartley.id).executeTakeFirstOrThrow()).ends_on, null);
  assert.equal((await member.get('/memberships/00000000-0000-4000-8000-000000000000/edit')).statusCode, 404);
});

test('the API lists, adds, changes and ends memberships, with problem documents for bad input', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const reviews = await bodyId('Review Steering Group');
  const list = await new Client(t.app).json('GET', `/api/bodies/${reviews}/memberships`);
  assert.equal(list.statusCode, 200);
  assert.ok(list.json().items.some((m: { role: string; personName: string }) => m.role === 'chair' && m.personName === 'Ms Priya Ramaswamy'));

  const whitlock = await personId('Whitlock');
  const created = await officer.json('POST', `/api/bodies/${reviews}/memberships`, { personId: whitlock, role: 'member', startsOn: today });
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().organisationId, await organisationId('Northshire County Council'));
  assert.equal(created.json().bodyId, reviews);

  const memberships = await count('memberships');
  const bad = await officer.json('POST', `/api/bodies/${reviews}/memberships`, { personId: 'someone', role: 'treasurer', startsOn: '2025-02-30' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['personId', 'role', 'startsOn']);
  const clash = await officer.json('POST', `/api/bodies/${reviews}/memberships`, { personId: whitlock, role: 'chair', startsOn: today });
  assert.equal(clash.statusCode, 409);
  assert.match(clash.json().detail, /record an election of the chair/);
  assert.equal(await count('memberships'), memberships);

  const id = created.json().id;
  const changed = await officer.json('PUT', `/api/memberships/${id}`, { personId: whitlock, role: 'adviser', startsOn: today });
  assert.equal(changed.statusCode, 200);
  assert.equal(changed.json().role, 'adviser');
  const ended = await officer.json('POST', `/api/memberships/${id}/end`, { endsOn: addDays(today, 5) });
  assert.equal(ended.statusCode, 200);
  assert.equal(ended.json().endsOn, addDays(today, 5));
  const backwards = await officer.json('PUT', `/api/memberships/${id}`, { personId: whitlock, role: 'adviser', startsOn: today, endsOn: addDays(today, -5) });
  assert.equal(backwards.statusCode, 400);
  assert.equal(backwards.json().errors[0].field, 'endsOn');

  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('POST', `/api/bodies/${reviews}/memberships`, { personId: whitlock, role: 'member', startsOn: today })).statusCode, 403);
  assert.equal((await member.json('PUT', `/api/memberships/${id}`, { personId: whitlock, role: 'chair', startsOn: today })).statusCode, 403);
  assert.equal((await new Client(t.app).json('PUT', `/api/memberships/${id}`, { personId: whitlock, role: 'chair', startsOn: today })).statusCode, 401);
  assert.equal((await db().selectFrom('memberships').select('role').where('id', '=', id).executeTakeFirstOrThrow()).role, 'adviser');
});
