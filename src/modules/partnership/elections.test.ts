import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { addDays, addYears, todayIso } from './domain.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const db = () => t.database.db;
const bodyId = async (name: string) => (await db().selectFrom('bodies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
const personId = async (family: string) => (await db().selectFrom('people').select('id').where('family_name', '=', family).executeTakeFirstOrThrow()).id;
const count = async (table: 'memberships' | 'elections' | 'audit_log') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const dateFields = (field: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${field}-day`]: String(Number(d)), [`${field}-month`]: String(Number(m)), [`${field}-year`]: y! };
};
const rolesOf = (bodyId: string, role: 'chair' | 'vice-chair') =>
  db().selectFrom('memberships').selectAll().where('body_id', '=', bodyId).where('role', '=', role).orderBy('starts_on').execute();
const today = todayIso();

test('an elected chair takes over from the day of the election; the previous chair stands down the day before', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const form = await officer.get(`/bodies/${working}/elections/new`);
  assert.equal(form.statusCode, 200);
  assert.match(pageText(form.body), /Working Group Record an election/);
  const heldOn = addDays(today, -7);
  const res = await officer.post(`/bodies/${working}/elections/new`, {
    role: 'chair', nominee_id: await personId('Adeyemi'), mover_id: await personId('Stroud'), seconder_id: await personId('Gallagher'),
    ...dateFields('held_on', heldOn), result: 'elected', meeting_id: '',
  });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(`/bodies/${working}`)).body);
  assert.match(page, /Mr Joseph Adeyemi elected chair/);
  assert.match(page, /Chair Name Representing From (Actions )?Mr Joseph Adeyemi Brackenford Borough Council/);
  assert.match(page, /Past members .*Mr Tomas Lindqvist Chair Northshire County Council/);
  assert.match(page, /Elections .*Chair Mr Joseph Adeyemi Ms Eleanor Stroud Ms Sinead Gallagher Elected/);

  const chairs = await rolesOf(working, 'chair');
  assert.deepEqual(chairs.map((m) => [m.person_id, m.starts_on >= heldOn ? m.starts_on : 'earlier', m.ends_on]), [
    [await personId('Lindqvist'), 'earlier', addDays(heldOn, -1)],
    [await personId('Adeyemi'), heldOn, null],
  ]);
  // Adeyemi stays an ordinary member too: the chair is a role on top.
  const election = await db().selectFrom('elections').selectAll().where('body_id', '=', working).executeTakeFirstOrThrow();
  assert.equal(election.membership_id, chairs[1]!.id);

  const audit = await db().selectFrom('audit_log').select(['record_type', 'record_id', 'action', 'summary']).where('record_id', 'in', [election.id, chairs[0]!.id, chairs[1]!.id]).execute();
  assert.deepEqual(audit.map((a) => `${a.record_type} ${a.action}`).sort(), ['election create', 'membership create', 'membership update']);
  assert.match(audit.find((a) => a.action === 'update')!.summary!, /Stood down as chair on the election of Mr Joseph Adeyemi/);
  assert.match(pageText((await officer.get(`/history/election/${election.id}`)).body), /Gwen Abernethy Create/);
});

test('a re-elected chair keeps the running membership', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const board = await bodyId('Northshire Community Safety Partnership');
  const before = await rolesOf(board, 'chair');
  await officer.get(`/bodies/${board}/elections/new`);
  const res = await officer.post(`/bodies/${board}/elections/new`, {
    role: 'chair', nominee_id: await personId('Kellaway'), mover_id: await personId('Macrae'), seconder_id: await personId('Mensah'), ...dateFields('held_on', today), result: 'elected',
  });
  assert.equal(res.statusCode, 303);
  const after = await rolesOf(board, 'chair');
  assert.deepEqual(after, before);
  const running = before.find((m) => m.ends_on === null)!;
  const election = await db().selectFrom('elections').selectAll().where('body_id', '=', board).where('held_on', '=', today).executeTakeFirstOrThrow();
  assert.equal(election.membership_id, running.id);
});

test('a nominee not elected changes no membership', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const board = await bodyId('Northshire Community Safety Partnership');
  const memberships = await count('memberships');
  const vice = await rolesOf(board, 'vice-chair');
  await officer.get(`/bodies/${board}/elections/new`);
  const res = await officer.post(`/bodies/${board}/elections/new`, {
    role: 'vice-chair', nominee_id: await personId('Treharne'), mover_id: await personId('Begum'), ...dateFields('held_on', today), result: 'not elected',
  });
  assert.equal(res.statusCode, 303);
  const page = pageText((await officer.get(`/bodies/${board}`)).body);
  assert.match(page, /Election recorded: Cllr Owen Treharne not elected vice-chair/);
  assert.match(page, /Vice-chair Cllr Owen Treharne Cllr Rashid Begum Not recorded Not elected/);
  assert.equal(await count('memberships'), memberships);
  assert.deepEqual(await rolesOf(board, 'vice-chair'), vice);
});

test('the nominee may not move or second themselves, nor the mover second; nothing is written', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const counts = [await count('elections'), await count('memberships'), await count('audit_log')];
  const chen = await personId('Chen');
  const lamb = await personId('Lamb');
  await officer.get(`/bodies/${working}/elections/new`);
  const own = await officer.post(`/bodies/${working}/elections/new`, { role: 'vice-chair', nominee_id: chen, mover_id: chen, seconder_id: chen, ...dateFields('held_on', today) });
  assert.equal(own.statusCode, 400);
  const text = pageText(own.body);
  assert.match(text, /The nominee cannot move their own nomination. Select someone else/);
  assert.match(text, /The nominee cannot second their own nomination. Select someone else/);
  assert.match(own.body, /href="#mover_id"/);
  const both = await officer.post(`/bodies/${working}/elections/new`, { role: 'vice-chair', nominee_id: chen, mover_id: lamb, seconder_id: lamb, ...dateFields('held_on', today) });
  assert.equal(both.statusCode, 400);
  assert.match(pageText(both.body), /The person who moved the nomination cannot also second it. Select someone else/);
  assert.deepEqual([await count('elections'), await count('memberships'), await count('audit_log')], counts);
});

test('an election needs the role, the nominee and the date', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const elections = await count('elections');
  await officer.get(`/bodies/${working}/elections/new`);
  const res = await officer.post(`/bodies/${working}/elections/new`, { role: '', nominee_id: '', result: 'elected' });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /Select whether this was an election of the chair or the vice-chair/);
  assert.match(text, /Select who was nominated/);
  assert.match(text, /Enter the date of the election/);
  assert.equal(await count('elections'), elections);
});

test('an election recorded out of order, before a later chair took office, is refused', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const board = await bodyId('Northshire Community Safety Partnership');
  const before = await rolesOf(board, 'chair');
  await officer.get(`/bodies/${board}/elections/new`);
  const res = await officer.post(`/bodies/${board}/elections/new`, {
    role: 'chair', nominee_id: await personId('Pellow'), ...dateFields('held_on', addYears(today, -2)), result: 'elected',
  });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /Cllr Harriet Kellaway is recorded as chair of Northshire Community Safety Partnership from .*, after this election. Record elections in the order they were held/);
  assert.deepEqual(await rolesOf(board, 'chair'), before);
});

test('an election on the day someone else became vice-chair asks for that membership to be changed first', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const working = await bodyId('Working Group');
  const [stroud] = await rolesOf(working, 'vice-chair');
  await officer.get(`/memberships/${stroud!.id}/end`);
  assert.equal((await officer.post(`/memberships/${stroud!.id}/end`, dateFields('ends_on', addDays(today, -1)))).statusCode, 303);
  await officer.get(`/bodies/${working}/members/new`);
  assert.equal((await officer.post(`/bodies/${working}/members/new`, { person_id: await personId('Chen'), role: 'vice-chair', ...dateFields('starts_on', today) })).statusCode, 303);
  const before = await rolesOf(working, 'vice-chair');
  await officer.get(`/bodies/${working}/elections/new`);
  const res = await officer.post(`/bodies/${working}/elections/new`, { role: 'vice-chair', nominee_id: await personId('Hartley'), ...dateFields('held_on', today), result: 'elected' });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /DI Mark Chen became vice-chair of Working Group on .*, the day of this election. Change that membership first/);
  assert.deepEqual(await rolesOf(working, 'vice-chair'), before);
});

test('members and the public may read elections but not record them', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const working = await bodyId('Working Group');
  const elections = await count('elections');
  assert.equal((await member.get(`/bodies/${working}/elections/new`)).statusCode, 403);
  assert.equal((await member.post(`/bodies/${working}/elections/new`, { role: 'chair', nominee_id: await personId('Chen'), held_on: today })).statusCode, 403);
  const anonymous = await new Client(t.app).get(`/bodies/${working}/elections/new`);
  assert.equal(anonymous.statusCode, 302);
  assert.equal(await count('elections'), elections);
  assert.equal((await new Client(t.app).json('GET', `/api/bodies/${working}/elections`)).statusCode, 200);
});

test('the API records elections and lists them, with problem documents for bad input', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const reviews = await bodyId('Review Steering Group');
  const hartley = await personId('Hartley');
  const meetingId = '6a1f3c2e-8d4b-4f1a-9c3e-2b7d5e8f9a10';
  const created = await officer.json('POST', `/api/bodies/${reviews}/elections`, {
    role: 'vice-chair', nomineeId: hartley, moverId: await personId('Ramaswamy'), seconderId: await personId('Kowalczyk'), heldOn: today, meetingId,
  });
  assert.equal(created.statusCode, 201);
  const election = created.json();
  assert.equal(election.result, 'elected');
  assert.equal(election.meetingId, meetingId);
  const vice = await db().selectFrom('memberships').selectAll().where('id', '=', election.membershipId).executeTakeFirstOrThrow();
  assert.deepEqual([vice.person_id, vice.role, vice.starts_on, vice.ends_on], [hartley, 'vice-chair', today, null]);

  const list = await new Client(t.app).json('GET', `/api/bodies/${reviews}/elections`);
  assert.equal(list.statusCode, 200);
  assert.deepEqual(list.json().items.map((e: { id: string }) => e.id), [election.id]);

  const counts = [await count('elections'), await count('memberships')];
  const bad = await officer.json('POST', `/api/bodies/${reviews}/elections`, { role: 'treasurer', nomineeId: hartley, moverId: hartley, heldOn: 'soon', result: 'maybe' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['heldOn', 'moverId', 'result', 'role']);
  const unknown = await officer.json('POST', `/api/bodies/${reviews}/elections`, { role: 'chair', nomineeId: '00000000-0000-4000-8000-000000000000', heldOn: today });
  assert.equal(unknown.statusCode, 400);
  assert.equal(unknown.json().errors[0].field, 'nomineeId');

  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('POST', `/api/bodies/${reviews}/elections`, { role: 'chair', nomineeId: hartley, heldOn: today })).statusCode, 403);
  assert.equal((await new Client(t.app).json('POST', `/api/bodies/${reviews}/elections`, { role: 'chair', nomineeId: hartley, heldOn: today })).statusCode, 401);
  assert.deepEqual([await count('elections'), await count('memberships')], counts);
  assert.equal((await officer.json('POST', '/api/bodies/00000000-0000-4000-8000-000000000000/elections', { role: 'chair', nomineeId: hartley, heldOn: today })).statusCode, 404);
});
