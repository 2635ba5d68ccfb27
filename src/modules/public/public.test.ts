// The public face as people use it: the bodies and who sits on them, a calendar of
// meetings by month, the decisions found by body, dates and words, page by page, and
// what a person or organisation has done, seen by the public, a member and an officer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, personId } from '../meetings/testing.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { holdMeeting, type HeldMeeting } from './testing.ts';

let t: TestApp;
let officer: Client;
let pub: Client;
let member: Client;
let bodyId: string;
let lindqvist: string;
let organisationId: string;
let march: HeldMeeting;
let june: HeldMeeting;
let november: HeldMeeting;
let upcoming: HeldMeeting;
const upcomingOn = addDays(todayIso(), 40);

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  pub = new Client(t.app);
  bodyId = await buildBody(t, 'Eastmere Safer Communities Board');
  lindqvist = await personId(t, 'Lindqvist');
  const person = await t.database.db.selectFrom('people').select('organisation_id').where('id', '=', lindqvist).executeTakeFirstOrThrow();
  organisationId = person.organisation_id!;
  await t.database.db.insertInto('memberships').values({ partnership_id: t.partnershipId, body_id: bodyId, person_id: lindqvist, role: 'chair', organisation_id: organisationId, starts_on: '2020-01-01' }).execute();

  november = await holdMeeting(t, officer, bodyId, {
    on: '2022-11-10', stage: 'minutes-unpublished',
    items: [{ section: 'B', title: 'Night-time economy charter', resolutions: ['to adopt the night-time economy charter.'] }],
    attendance: [{ personId: lindqvist, kind: 'present', capacity: 'Chair' }],
  });
  march = await holdMeeting(t, officer, bodyId, {
    on: '2023-03-09', stage: 'minutes',
    items: [
      { section: 'B', title: 'Youth diversion programme', presenterId: lindqvist, paragraphs: ['The programme reached 140 young people.'],
        resolutions: ['to fund the youth diversion programme for a further year.', 'to ask the police to report on outcomes in March.'],
        paper: { title: 'Youth diversion report', fileName: 'youth-diversion.pdf', lines: ['Youth diversion: 140 young people reached.'] } },
      { section: 'D', title: 'Review of the death of Heron 2022', presenterId: lindqvist, resolutions: ['that the Heron review findings be accepted.'] },
    ],
    attendance: [{ personId: lindqvist, kind: 'present', capacity: 'Chair' }, { personId: await personId(t, 'Macrae'), kind: 'apologies' }],
  });
  june = await holdMeeting(t, officer, bodyId, {
    on: '2023-06-15', stage: 'minutes',
    items: [
      { section: 'A', title: 'Notes of the last meeting', kind: 'previous-minutes' },
      { section: 'B', title: 'Street lighting in Eastmere town centre', resolutions: ['to support the street lighting bid.'] },
      // Enough decisions for a second page of results.
      { section: 'B', title: 'Grant returns', resolutions: Array.from({ length: 30 }, (_, i) => `to note grant return number ${i + 1}.`) },
    ],
  });
  upcoming = await holdMeeting(t, officer, bodyId, { on: upcomingOn, stage: 'scheduled', items: [{ section: 'B', title: 'Bridges and underpasses' }] });
});
after(async () => { await t.close(); });

test('the public information page lists each body with its current members and links to the calendar, decisions and open data', async () => {
  const res = await pub.get('/public');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Eastmere Safer Communities Board/);
  assert.match(text, /Mr Tomas Lindqvist Chair/);
  for (const href of ['/calendar', '/decisions', '/open-data', '/search', `/calendar?body=${bodyId}`]) assert.ok(res.body.includes(`href="${href}"`), href);
  // Officers are the clerk's team, not members: they are not listed as members.
  assert.doesNotMatch(text, /Gwen Abernethy Officer/);
  // The home page and every page's footer lead here.
  assert.ok((await pub.get('/')).body.includes('href="/public"'));
  assert.ok((await pub.get('/')).body.includes('href="/decisions"'));
});

test('the calendar shows a year’s meetings by month, with what is published of each, for one body', async () => {
  const res = await pub.get(`/calendar?body=${bodyId}&year=2023`);
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Meetings in 2023/);
  assert.match(text, /March 2023 Date Time Body Where Published Thursday 9 March 2023 , Eastmere Safer Communities Board 10am Eastmere Safer Communities Board Online Minutes approved/);
  assert.match(text, /June 2023 .*Thursday 15 June 2023 .* Draft minutes/);
  assert.ok(res.body.includes(`href="/meetings/${march.id}"`));
  assert.doesNotMatch(text, /November 2022/);
  // The years with meetings are links; other bodies' meetings are not shown.
  assert.ok(res.body.includes(`/calendar?body=${bodyId}&amp;year=2022`));
  assert.equal(res.body.match(/href="\/meetings\/[0-9a-f-]{36}"/g)?.length, 2);
});

test('the calendar shows upcoming meetings by month, and the last twelve months', async () => {
  const res = await pub.get(`/calendar?body=${bodyId}`);
  const text = pageText(res.body);
  const [y, m] = upcomingOn.split('-');
  const month = new Date(Date.UTC(Number(y), Number(m) - 1, 1)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  assert.match(text, new RegExp(`Upcoming meetings ${month} ${y}`));
  assert.match(text, /Agenda to follow/);
  assert.ok(res.body.includes(`href="/meetings/${upcoming.id}"`));
  // An unpublished agenda's items are not shown anywhere on the calendar.
  assert.doesNotMatch(text, /Bridges and underpasses/);
  assert.equal((await pub.get('/calendar?body=00000000-0000-4000-8000-000000000000')).statusCode, 404);
});

test('decisions are those of published minutes only, never restricted business, newest first with their labels', async () => {
  const res = await pub.get(`/decisions?body=${bodyId}`);
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /34 decisions/);
  assert.match(text, /Showing 1 to 25/);
  // June's first, and marked as draft minutes.
  assert.ok(text.indexOf('Street lighting') < text.indexOf('Grant returns'));
  assert.match(text, /Street lighting in Eastmere town centre Eastmere Safer Communities Board, Thursday 15 June 2023 \(item B1\) Draft minutes RESOLVED to support the street lighting bid\./);
  assert.match(text, /Notes of the last meeting .* RESOLVED that the minutes of the meeting held on 9 March 2023 were a correct record\./);
  assert.doesNotMatch(text, /Heron/);
  assert.doesNotMatch(text, /night-time economy/i);
  const second = pageText((await pub.get(`/decisions?body=${bodyId}&page=2`)).body);
  assert.match(second, /Showing 26 to 34/);
  assert.match(second, /RESOLVED A\. to fund the youth diversion programme for a further year\./);
  assert.match(second, /RESOLVED B\. to ask the police to report on outcomes in March\./);
  assert.doesNotMatch(second, /Draft minutes RESOLVED A\. to fund/);
  assert.equal((await pub.get(`/decisions?body=${bodyId}&page=3`)).statusCode, 404);
  // Each decision links to its minute on the meeting's page.
  assert.ok(res.body.includes(`/meetings/${june.id}#minute-${june.items['Street lighting in Eastmere town centre']}`));
});

test('decisions can be found by words and by dates, and the download keeps the filters', async () => {
  const words = pageText((await pub.get(`/decisions?q=${encodeURIComponent('lighting')}`)).body);
  assert.match(words, /1 decision\b/);
  assert.match(words, /street lighting bid/);
  const phrase = pageText((await pub.get(`/decisions?body=${bodyId}&q=${encodeURIComponent('"youth diversion" -police')}`)).body);
  assert.match(phrase, /1 decision\b/);
  assert.match(phrase, /to fund the youth diversion programme/);
  const dates = await pub.get(`/decisions?body=${bodyId}&from-day=1&from-month=1&from-year=2023&to-day=31&to-month=3&to-year=2023`);
  assert.match(pageText(dates.body), /2 decisions/);
  assert.ok(dates.body.includes(`/open-data/decisions.csv?body=${bodyId}&amp;from-day=1`));
  const none = pageText((await pub.get('/decisions?q=zeppelin')).body);
  assert.match(none, /No decisions found Check the spelling/);
});

test('wrong dates in the decision filters are explained on the same page', async () => {
  const res = await pub.get(`/decisions?from-day=31&from-month=2&from-year=2023&to-day=1&to-month=1&to-year=2020&body=nonsense`);
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /There is a problem/);
  assert.match(text, /The from date must be a real date/);
  assert.match(text, /Select a body from the list/);
  const order = await pub.get('/decisions?from-day=1&from-month=6&from-year=2023&to-day=1&to-month=1&to-year=2023');
  assert.match(pageText(order.body), /The to date must be the same as or after the from date/);
  const api = await pub.json('GET', '/api/decisions?from=2023-02-30');
  assert.equal(api.statusCode, 400);
  assert.equal(api.json().errors[0].field, 'from');
});

test('the decisions API pages through the same decisions', async () => {
  const res = await pub.json('GET', `/api/decisions?body=${bodyId}&page=2`);
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.total, 34);
  assert.equal(body.results.length, 9);
  assert.deepEqual(body.results.slice(-2).map((r: { label: string | null }) => r.label), ['A.', 'B.']);
  assert.equal(body.results.at(-1).minutes, 'approved');
  assert.match(body.results.at(-1).url, /^http:\/\/localhost:3000\/meetings\//);
});

test('a person’s activity: the public sees published attendance and items, never actions or restricted items', async () => {
  const res = await pub.get(`/people/${lindqvist}/activity`);
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Thursday 9 March 2023 , Eastmere Safer Communities Board Eastmere Safer Communities Board Present Chair/);
  // November's minutes are not published: its attendance is not public yet.
  assert.doesNotMatch(text, /10 November 2022/);
  assert.match(text, /B1 Youth diversion programme/);
  assert.doesNotMatch(text, /Heron/);
  assert.match(text, /Actions are the partnership’s working record and are not published/);
  const api = (await pub.json('GET', `/api/people/${lindqvist}/activity`)).json();
  assert.equal(api.actions, null);
  assert.ok(api.itemsPresented.every((i: { restricted: boolean }) => !i.restricted));
  // The person's page links here.
  assert.ok((await pub.get(`/people/${lindqvist}`)).body.includes(`href="/people/${lindqvist}/activity"`));
});

test('a person’s activity: a member sees unpublished attendance and their actions, an officer restricted items and actions too', async () => {
  await officer.get('/actions/new');
  const due = addDays(todayIso(), 30);
  const open = await officer.post('/actions/new', { body_id: bodyId, description: 'Report youth diversion outcomes', owner_person_id: lindqvist, due_on: due });
  assert.equal(open.statusCode, 303, open.body.slice(0, 300));
  const secret = await officer.post('/actions/new', { body_id: bodyId, description: 'Share the Heron chronology', owner_person_id: lindqvist, due_on: due, restricted: 'yes' });
  assert.equal(secret.statusCode, 303);

  const seen = pageText((await member.get(`/people/${lindqvist}/activity`)).body);
  assert.match(seen, /10 November 2022/);
  assert.match(seen, /Report youth diversion outcomes/);
  assert.doesNotMatch(seen, /Heron/);

  const staff = pageText((await officer.get(`/people/${lindqvist}/activity`)).body);
  assert.match(staff, /D1 Review of the death of Heron 2022 Restricted/);
  assert.match(staff, /Share the Heron chronology/);
  // Showing a restricted item to an officer is a read of restricted content: audited.
  const reads = await t.database.db.selectFrom('audit_log').select('summary').where('action', '=', 'read').where('record_id', '=', march.items['Review of the death of Heron 2022']!).execute();
  assert.ok(reads.some((r) => /items presented/.test(r.summary ?? '')));
});

test('an organisation’s activity gathers its people’s attendance, items and (signed in) actions', async () => {
  const res = await pub.get(`/organisations/${organisationId}/activity`);
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Date Body Person Attendance Capacity/);
  assert.match(text, /Mr Tomas Lindqvist Present Chair/);
  assert.match(text, /B1 Youth diversion programme/);
  assert.doesNotMatch(text, /Report youth diversion outcomes/);
  assert.match(pageText((await member.get(`/organisations/${organisationId}/activity`)).body), /Report youth diversion outcomes/);
  assert.ok((await pub.get(`/organisations/${organisationId}`)).body.includes(`href="/organisations/${organisationId}/activity"`));
  assert.equal((await pub.get('/organisations/not-an-id/activity')).statusCode, 404);
  assert.equal((await pub.json('GET', '/api/organisations/00000000-0000-4000-8000-000000000000/activity')).statusCode, 404);
});

test('the meeting page the calendar links to shows the published record and nothing restricted', async () => {
  const text = pageText((await pub.get(`/meetings/${march.id}`)).body);
  assert.match(text, /Youth diversion programme/);
  assert.doesNotMatch(text, /Heron/);
  assert.ok(november.id);
});
