// Calendar feeds read back with a real iCalendar parser (ical.js), as a calendar app would:
// one event per meeting at the right instant in summer and winter, cancelled meetings
// marked so, stable UIDs, lines folded and ended as RFC 5545 says, and nothing restricted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { createTestApp, Client, demoUsers, type TestApp } from '../../../../test/support/app.ts';
import { buildBody, itemId, redirectedId, sectionsOf } from '../testing.ts';

let t: TestApp;
let officer: Client;
let bodyId: string;
let otherBodyId: string;
let summer: string;
let winter: string;
let cancelled: string;
let other: string;

// A name with the characters iCalendar escapes, long enough to be folded, with a multi-byte dash.
const BODY = 'Riverside, Eastmarch; and District Board — Community Safety and Anti-Social Behaviour Partnership';
const SECRET = 'OSPREY-RESTRICTED-MARKER';

async function schedule(body: string, fields: Record<string, string>) {
  await officer.get(`/bodies/${body}/meetings/new`);
  return redirectedId(await officer.post(`/bodies/${body}/meetings/new`, fields));
}

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, BODY);
  otherBodyId = await buildBody(t, 'Coastal Working Group');
  summer = await schedule(bodyId, { 'meets_on-day': '13', 'meets_on-month': '7', 'meets_on-year': '2022', starts_at: '10:00', ends_at: '1pm', format: 'online' });
  winter = await schedule(bodyId, {
    'meets_on-day': '17', 'meets_on-month': '11', 'meets_on-year': '2022', starts_at: '2.30pm', format: 'in-person', venue: 'Room 2, Civic Centre; Floor 3',
  });
  // The last Sunday of March 2023: the clocks went forward at 1am.
  cancelled = await schedule(bodyId, { 'meets_on-day': '26', 'meets_on-month': '3', 'meets_on-year': '2023', starts_at: '10:00', format: 'online' });
  other = await schedule(otherBodyId, { 'meets_on-day': '1', 'meets_on-month': '12', 'meets_on-year': '2022', starts_at: '09:30', format: 'online' });

  const sections = await sectionsOf(t, summer);
  await officer.post(`/meetings/${summer}/items/new`, { section_id: sections.D!, title: `${SECRET} review`, description: `${SECRET} details` });
  await itemId(t, summer, 'D1');
  assert.equal((await officer.post(`/meetings/${summer}/publish-agenda`, { confirm_warnings: 'yes' })).statusCode, 303);
  await officer.get(`/meetings/${cancelled}/cancel`);
  assert.equal((await officer.post(`/meetings/${cancelled}/cancel`, { cancelled_reason: 'Not quorate, so moved to April' })).statusCode, 303);
});
after(async () => { await t.close(); });

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zone = calendar.getFirstSubcomponent('vtimezone');
  assert.ok(zone, 'the feed defines its time zone');
  ICAL.TimezoneService.register(zone);
  const events = calendar.getAllSubcomponents('vevent').map((v) => ({ v, e: new ICAL.Event(v) }));
  return { calendar, events };
}

// ical.js leaves properties it has no definition for (NAME, X-WR-CALNAME) as escaped text.
const unescape = (v: unknown) => String(v).replace(/\\([\\;,])/g, '$1').replace(/\\n/gi, '\n');

const eventFor = (events: ReturnType<typeof parse>['events'], meetingId: string) => {
  const found = events.find(({ e }) => e.uid === `meeting-${meetingId}@partnership-hub`);
  assert.ok(found, `event for ${meetingId}`);
  return found;
};

test('a body’s feed has one event per meeting at the right instant, in summer time and in winter', async () => {
  const res = await new Client(t.app).get(`/bodies/${bodyId}/meetings.ics`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/calendar; charset=utf-8');
  const { calendar, events } = parse(res.body);
  assert.equal(calendar.getFirstPropertyValue('version'), '2.0');
  assert.equal(unescape(calendar.getFirstPropertyValue('x-wr-calname')), `${BODY}: meetings`);
  assert.equal(unescape(calendar.getFirstPropertyValue('name')), `${BODY}: meetings`);
  assert.equal(events.length, 3);

  const s = eventFor(events, summer);
  assert.equal(s.e.summary, BODY);
  assert.equal(s.e.startDate.zone?.tzid, 'Europe/London');
  assert.equal(s.e.startDate.toJSDate().toISOString(), '2022-07-13T09:00:00.000Z');
  assert.equal(s.e.endDate.toJSDate().toISOString(), '2022-07-13T12:00:00.000Z');
  assert.equal(s.e.location, 'Online');
  assert.equal(s.v.getFirstPropertyValue('status'), 'CONFIRMED');
  assert.match(String(s.e.description), /The agenda and papers are published\. Details: http:\/\/localhost:3000\/meetings\//);
  assert.equal(String(s.v.getFirstPropertyValue('url')), `http://localhost:3000/meetings/${summer}`);
  assert.ok(s.v.getFirstPropertyValue('dtstamp'), 'DTSTAMP');

  const w = eventFor(events, winter);
  assert.equal(w.e.startDate.toJSDate().toISOString(), '2022-11-17T14:30:00.000Z');
  assert.equal(w.v.hasProperty('dtend'), false, 'no end time was given, so none is made up');
  assert.equal(w.e.location, 'Room 2, Civic Centre; Floor 3');
  assert.match(String(w.e.description), /The agenda will be published before the meeting/);
});

test('a cancelled meeting stays in the feed as STATUS:CANCELLED, with the reason', async () => {
  const { events } = parse((await new Client(t.app).get(`/bodies/${bodyId}/meetings.ics`)).body);
  const c = eventFor(events, cancelled);
  assert.equal(c.v.getFirstPropertyValue('status'), 'CANCELLED');
  assert.equal(c.e.summary, `Cancelled: ${BODY}`);
  assert.match(String(c.e.description), /This meeting was cancelled: Not quorate, so moved to April\./);
  assert.equal(c.e.startDate.toJSDate().toISOString(), '2023-03-26T09:00:00.000Z');
});

test('the feed is RFC 5545 text: CRLF line ends, lines folded at 75 octets without splitting a character', async () => {
  const text = (await new Client(t.app).get(`/bodies/${bodyId}/meetings.ics`)).body;
  assert.ok(text.endsWith('\r\n'));
  assert.doesNotMatch(text, /[^\r]\n/, 'no bare line feeds');
  const lines = text.split('\r\n').slice(0, -1);
  for (const line of lines) assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `too long: ${line}`);
  assert.ok(lines.some((l) => l.startsWith(' ')), 'long lines are folded');
  assert.ok(!text.includes('\uFFFD'));
  // Unfolded, the summary is the escaped name in one piece.
  assert.match(text.replace(/\r\n /g, ''), /SUMMARY:Riverside\\, Eastmarch\\; and District Board — Community Safety/);
  assert.match(text, /BEGIN:VTIMEZONE\r\nTZID:Europe\/London\r\n/);
  assert.match(text, /DTSTART;TZID=Europe\/London:20220713T100000\r\n/);
  assert.match(text, /DTSTAMP:\d{8}T\d{6}Z\r\n/);
});

test('UIDs are stable from one fetch to the next and unique per meeting', async () => {
  const uids = async () => parse((await new Client(t.app).get(`/bodies/${bodyId}/meetings.ics`)).body).events.map(({ e }) => e.uid).sort();
  const first = await uids();
  assert.deepEqual(await uids(), first);
  assert.equal(new Set(first).size, 3);
});

test('the partnership’s feed has every body’s meetings; an unknown body has no feed', async () => {
  const { calendar, events } = parse((await new Client(t.app).get('/meetings.ics')).body);
  assert.equal(unescape(calendar.getFirstPropertyValue('x-wr-calname')), 'Northshire Community Safety Partnership: meetings');
  for (const id of [summer, winter, cancelled, other]) eventFor(events, id);
  assert.equal(eventFor(events, other).e.summary, 'Coastal Working Group');
  assert.equal((await new Client(t.app).get('/bodies/00000000-0000-4000-8000-000000000000/meetings.ics')).statusCode, 404);
  assert.equal((await new Client(t.app).get('/bodies/nonsense/meetings.ics')).statusCode, 404);
});

test('no feed holds restricted text, even when an officer asks for it', async () => {
  for (const url of [`/bodies/${bodyId}/meetings.ics`, '/meetings.ics']) {
    for (const client of [new Client(t.app), officer]) {
      const res = await client.get(url);
      assert.equal(res.statusCode, 200);
      assert.ok(!res.body.replace(/\r\n /g, '').includes(SECRET), url);
    }
  }
});
