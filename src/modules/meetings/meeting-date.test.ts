// Moving a meeting to another date retitles the next meeting's "notes of the last
// meeting" item, which names the date, while that agenda can still be changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, itemId, itemsOf, redirectedId } from './testing.ts';

let t: TestApp;
let officer: Client;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
});
after(async () => { await t.close(); });

const dateFields = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return { 'meets_on-day': String(Number(d)), 'meets_on-month': String(Number(m)), 'meets_on-year': y!, starts_at: '10:00', format: 'online' };
};

async function schedule(bodyId: string, iso: string) {
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  return redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, dateFields(iso)));
}

async function changeDate(meetingId: string, iso: string) {
  await officer.get(`/meetings/${meetingId}/edit`);
  return officer.post(`/meetings/${meetingId}/edit`, dateFields(iso));
}

const titleOf = async (meetingId: string, code: string) => (await itemsOf(t, meetingId)).find((i) => i.code === code)?.title;

test('changing a meeting’s date retitles the next meeting’s notes of the last meeting, with its history', async () => {
  const bodyId = await buildBody(t, 'Harbourside Safety Partnership');
  const march = await schedule(bodyId, '2030-03-12');
  const june = await schedule(bodyId, '2030-06-10');
  assert.equal(await titleOf(june, 'A4'), 'Notes of meeting held on 12 March 2030');
  // A published agenda's items may still be changed, so the title follows there too.
  assert.equal((await officer.post(`/meetings/${june}/publish-agenda`, { confirm_warnings: 'yes' })).statusCode, 303);

  const res = await changeDate(march, '2030-03-19');
  assert.equal(res.statusCode, 303);
  assert.equal(await titleOf(june, 'A4'), 'Notes of meeting held on 19 March 2030');
  const history = pageText((await officer.get(`/history/agenda-item/${await itemId(t, june, 'A4')}`)).body);
  assert.match(history, /Notes of meeting held on 12 March 2030 → Notes of meeting held on 19 March 2030/);

  // A title the clerk wrote is left as it is.
  const a4 = await itemId(t, june, 'A4');
  await t.database.db.updateTable('agenda_items').set({ title: 'Minutes of the spring meeting' }).where('id', '=', a4).execute();
  assert.equal((await changeDate(march, '2030-03-26')).statusCode, 303);
  assert.equal(await titleOf(june, 'A4'), 'Minutes of the spring meeting');
});

test('the date still changes when the next meeting’s agenda is locked, and that agenda is left alone', async () => {
  const bodyId = await buildBody(t, 'Quayside Safety Partnership');
  const march = await schedule(bodyId, '2030-03-12');
  const june = await schedule(bodyId, '2030-06-10');
  await officer.get(`/meetings/${june}/cancel`);
  assert.equal((await officer.post(`/meetings/${june}/cancel`, { cancelled_reason: 'Not quorate' })).statusCode, 303);

  const res = await changeDate(march, '2030-03-19');
  assert.equal(res.statusCode, 303);
  const moved = await t.database.db.selectFrom('meetings').select('meets_on').where('id', '=', march).executeTakeFirstOrThrow();
  assert.equal(moved.meets_on, '2030-03-19');
  assert.equal(await titleOf(june, 'A4'), 'Notes of meeting held on 12 March 2030');
});
