import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { todayIso } from '../partnership/domain.ts';
import { addDays, publishBy } from './domain.ts';
import { formatDay } from '../../web/nunjucks.ts';

let t: TestApp;
let officer: Client;
before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
});
after(async () => { await t.close(); });

const db = () => t.database.db;
const bodyId = async (name: string) => (await db().selectFrom('bodies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

/** The text of one section of the home page, from its heading to the next. */
function section(text: string, heading: string): string {
  const start = text.indexOf(heading);
  assert.ok(start >= 0, `the page has "${heading}"`);
  const rest = text.slice(start + heading.length);
  const next = rest.search(/ (Agendas to publish|Minutes to write|Minutes awaiting approval|Imported documents to check|Overdue actions|Terms of reference to review|Organisations yet to sign|Your next meetings|Your actions|Published since you last looked|Published for everyone) \(?/);
  return heading + (next >= 0 ? rest.slice(0, next) : rest);
}

async function schedule(body: string, meetsOn: string, startsAt = '10:00') {
  const row = await db().insertInto('meetings').values({
    partnership_id: t.partnershipId, body_id: body, meets_on: meetsOn, starts_at: startsAt, venue: 'Council Chamber', online: false,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

test('the public home page shows the bodies and the next meetings, and no to-do list', async () => {
  const res = await new Client(t.app).get('/');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Working Group/);
  assert.match(text, /Next meetings/);
  assert.doesNotMatch(text, /To do|Published since you last looked/);
});

test('an officer’s to-do list: agendas to publish with their deadline, minutes to write with how long since, each with a count and a link', async () => {
  const board = await bodyId('Working Group');
  const today = todayIso();
  const soon = addDays(today, 9);
  const soonId = await schedule(board, soon, '09:30');
  const past = addDays(today, -20);
  const pastId = await schedule(board, past, '09:45');

  const page = await officer.get('/');
  const text = pageText(page.body);
  assert.match(text, /To do/);
  const agendas = section(text, 'Agendas to publish');
  assert.match(agendas, /Agendas to publish \([1-9]\d*\)/);
  assert.ok(agendas.includes(`Working Group, ${formatDay(soon)} Publish by ${formatDay(publishBy(soon))}`), agendas);
  assert.match(page.body, new RegExp(`href="/meetings/${soonId}"`));
  const write = section(text, 'Minutes to write');
  assert.ok(write.includes(`Working Group, ${formatDay(past)} : held 20 days ago`), write);
  assert.match(page.body, new RegExp(`href="/meetings/${pastId}"`));
  assert.match(section(text, 'Overdue actions'), /Overdue actions \([1-9]\d*\)/);
  assert.match(section(text, 'Terms of reference to review'), /Terms of reference to review \([1-9]\d*\) Working Group : review due/);
  assert.match(text, /Organisations yet to sign the latest sharing agreement \(4\)/);
  // The demo has no import waiting: the section says there is nothing to do.
  assert.match(section(text, 'Imported documents to check'), /\(0\) Nothing to do: no imported document is waiting to be checked/);

  // Once the agenda is published, the meeting leaves the list.
  await db().updateTable('meetings').set({ status: 'agenda-published', agenda_published_at: new Date() }).where('id', '=', soonId).execute();
  assert.doesNotMatch(section(pageText((await officer.get('/')).body), 'Agendas to publish'), new RegExp(formatDay(soon)));
});

test('a member sees their next meetings and papers, their actions, and what was published since they last looked', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const link = await db().selectFrom('partnership_users').innerJoin('users', 'users.id', 'partnership_users.user_id')
    .select(['partnership_users.person_id', 'users.id']).where('users.email', '=', demoUsers.member).executeTakeFirstOrThrow();
  const seat = await db().selectFrom('memberships').innerJoin('bodies', 'bodies.id', 'memberships.body_id')
    .select(['bodies.id', 'bodies.name']).where('memberships.person_id', '=', link.person_id!).where('memberships.ends_on', 'is', null).executeTakeFirstOrThrow();
  const later = addDays(todayIso(), 30);
  const meeting = await schedule(seat.id, later);

  const first = pageText((await member.get('/')).body);
  assert.doesNotMatch(first, /To do/, 'a member has no clerk’s to-do list');
  const mine = section(first, 'Your next meetings');
  assert.ok(mine.includes(`${seat.name}, ${formatDay(later)}`), mine);
  assert.match(mine, /The agenda is not published yet/);

  // An action for them appears under their actions.
  const made = await officer.json('POST', '/api/actions', { bodyId: seat.id, description: 'Bring the hate crime figures', ownerPersonId: link.person_id, dueOn: addDays(todayIso(), 14) });
  assert.equal(made.statusCode, 201);

  // They come back after a break; meanwhile the agenda was published.
  await sql`update home_visits set looked_at = looked_at - interval '2 hours' where user_id = ${link.id}`.execute(db());
  await db().updateTable('meetings').set({ status: 'agenda-published', agenda_published_at: new Date() }).where('id', '=', meeting).execute();
  const back = await member.get('/');
  const text = pageText(back.body);
  assert.match(section(text, 'Your actions'), /Your actions \([1-9]\d*\) .*Bring the hate crime figures/);
  const published = section(text, 'Published since you last looked');
  assert.ok(published.includes(`Agenda: ${seat.name}, ${formatDay(later)}`), published);
  assert.match(back.body, new RegExp(`href="/meetings/${meeting}/agenda-pack.pdf"`));
  // A reload moments later still shows it; the next visit after a break does not.
  assert.ok(section(pageText((await member.get('/')).body), 'Published since you last looked').includes(`Agenda: ${seat.name}`));
  // (All two hours earlier: the agenda was published before the visit they come back from.)
  await sql`update home_visits set looked_at = looked_at - interval '2 hours' where user_id = ${link.id}`.execute(db());
  await sql`update meetings set agenda_published_at = agenda_published_at - interval '3 hours' where id = ${meeting}`.execute(db());
  const next = section(pageText((await member.get('/')).body), 'Published since you last looked');
  assert.ok(!next.includes(`Agenda: ${seat.name}, ${formatDay(later)}`), next);
  // Looked-at times are kept per person per partnership.
  const visits = await db().selectFrom('home_visits').select(['partnership_id']).where('user_id', '=', link.id).execute();
  assert.deepEqual(visits.map((v) => v.partnership_id), [t.partnershipId]);
});
