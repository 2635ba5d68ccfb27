// Feeds and open data, each read back by a real reader of its format: the Atom feed by
// an XML parser (RFC 4287's required elements), the Popolo and Open Civic Data JSON by
// JSON Schemas (ajv) with the field names those standards use, the CSV files by a
// strict RFC 4180 reader. None of them holds restricted business or contact details.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { createTestApp, Client, demoUsers, type TestApp } from '../../../test/support/app.ts';
import { buildBody, itemsOf, personId } from '../meetings/testing.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { holdMeeting, parseCsvStrict, type HeldMeeting } from './testing.ts';

// ajv-formats is published as CommonJS with a default export.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

let t: TestApp;
let officer: Client;
let pub: Client;
let bodyId: string;
let lindqvist: string;
let march: HeldMeeting;
let june: HeldMeeting;
let upcoming: HeldMeeting;
const PHONE = '01632 960 777';
const SECRET = /Heron|HERON-PAPER|heron-chronology/;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  pub = new Client(t.app);
  bodyId = await buildBody(t, 'Westhaven Community Safety Board');
  lindqvist = await personId(t, 'Lindqvist');
  await t.database.db.updateTable('people').set({ phone: PHONE }).where('id', '=', lindqvist).execute();
  march = await holdMeeting(t, officer, bodyId, {
    on: '2023-03-09', stage: 'minutes',
    items: [
      { section: 'B', title: 'Youth diversion programme', presenterId: lindqvist,
        resolutions: ['to fund the youth diversion programme for a further year.', 'to thank "Safe Streets", the charity, for its work.'],
        paper: { title: 'Youth diversion report', fileName: 'youth-diversion.pdf', lines: ['Youth diversion: 140 young people reached.'] } },
      { section: 'B', title: 'Formulae in spreadsheets', resolutions: ['=1+1 is not a decision, and stays text.'] },
      { section: 'D', title: 'Review of the death of Heron 2022', resolutions: ['that the Heron review findings be accepted.'],
        paper: { title: 'Heron chronology', fileName: 'heron-chronology.pdf', lines: ['HERON-PAPER text: chronologies.'] } },
    ],
    attendance: [{ personId: lindqvist, kind: 'present', capacity: 'Chair' }, { personId: await personId(t, 'Macrae'), kind: 'apologies' }],
  });
  june = await holdMeeting(t, officer, bodyId, {
    on: '2023-06-15', stage: 'minutes',
    items: [
      { section: 'A', title: 'Notes of the last meeting', kind: 'previous-minutes' },
      { section: 'B', title: 'Street lighting', resolutions: ['to support the street lighting bid.'] },
    ],
    attendance: [{ personId: lindqvist, kind: 'present', capacity: 'Chair' }],
  });
  upcoming = await holdMeeting(t, officer, bodyId, { on: addDays(todayIso(), 40), stage: 'scheduled', items: [{ section: 'B', title: 'Bridges and underpasses' }] });
});
after(async () => { await t.close(); });

// ---------------------------------------------------------------- Atom

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

test('the Atom feed is well-formed RFC 4287 with the required elements of the feed and of each entry', async () => {
  const res = await pub.get('/feeds/published.atom');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/atom\+xml/);
  assert.equal(XMLValidator.validate(res.body), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['entry', 'link'].includes(name) }).parse(res.body);
  const feed = doc.feed;
  assert.equal(feed['@xmlns'], 'http://www.w3.org/2005/Atom');
  assert.match(feed.id, /^http:\/\/localhost:3000\//);
  assert.ok(String(feed.title).length > 0);
  assert.match(feed.updated, RFC3339);
  // A feed without an author on every entry needs one of its own.
  assert.ok(String(feed.author.name).length > 0);
  assert.ok(feed.link.some((l: Record<string, string>) => l['@rel'] === 'self' && l['@href'] === 'http://localhost:3000/feeds/published.atom'));
  const entries = feed.entry as Record<string, unknown>[];
  assert.ok(entries.length >= 4);
  const ids = new Set<string>();
  for (const e of entries) {
    assert.ok(String(e.id).length > 0 && !ids.has(String(e.id)), 'entry ids are present and unique');
    ids.add(String(e.id));
    assert.ok(String(e.title).length > 0);
    assert.match(String(e.updated), RFC3339);
    const links = e.link as Record<string, string>[];
    assert.ok(links.some((l) => l['@rel'] === 'alternate' && /^http:\/\/localhost:3000\/meetings\/[0-9a-f-]{36}$/.test(l['@href'] ?? '')));
  }
  // Newest first, and the feed's own date is its newest entry's.
  const dates = entries.map((e) => Date.parse(String(e.updated)));
  assert.deepEqual(dates, [...dates].sort((a, b) => b - a));
  assert.equal(Date.parse(feed.updated), dates[0]);
});

test('the feed announces each published agenda and set of minutes, marked draft until approved, without restricted items', async () => {
  const body = (await pub.get('/feeds/published.atom')).body;
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'entry' }).parse(body);
  const titles = (doc.feed.entry as { title: string }[]).map((e) => e.title);
  assert.ok(titles.includes('Agenda: Westhaven Community Safety Board, 9 March 2023'));
  assert.ok(titles.includes('Minutes: Westhaven Community Safety Board, 9 March 2023'));
  assert.ok(titles.includes('Draft minutes: Westhaven Community Safety Board, 15 June 2023'));
  const agenda = (doc.feed.entry as { title: string; summary: { '#text': string } | string }[]).find((e) => e.title === 'Agenda: Westhaven Community Safety Board, 9 March 2023')!;
  assert.match(JSON.stringify(agenda.summary), /B1 Youth diversion programme/);
  assert.doesNotMatch(body, SECRET);
  // The unpublished agenda of the meeting to come is not announced.
  assert.doesNotMatch(body, /Bridges/);
  assert.ok(!body.includes(upcoming.id));
});

// ---------------------------------------------------------------- Popolo and Open Civic Data JSON

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ocd = (kind: string) => ({ type: 'string', pattern: `^ocd-${kind}/${uuid}$` });
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
const link = { type: 'object', required: ['url'], properties: { url: { type: 'string', format: 'uri' }, note: { type: 'string' } }, additionalProperties: false };
const meta = {
  type: 'object', required: ['publisher', 'licence', 'generated_at', 'source'],
  properties: { publisher: { type: 'string' }, licence: { type: 'string' }, licence_url: { type: 'string', format: 'uri' }, generated_at: { type: 'string', format: 'date-time' }, source: { type: 'string', format: 'uri' } },
};
const otherNames = { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, note: { type: 'string' } }, additionalProperties: false } };

// Popolo organization (https://www.popoloproject.com/specs/organization.html).
const organizationSchema = {
  type: 'object', required: ['meta', 'organizations'],
  properties: {
    meta,
    organizations: { type: 'array', minItems: 1, items: {
      type: 'object', required: ['id', 'name', 'classification', 'sources'], additionalProperties: false,
      properties: {
        id: ocd('organization'), name: { type: 'string', minLength: 1 }, other_names: otherNames, classification: { type: 'string', minLength: 1 },
        parent_id: nullable(ocd('organization')), links: { type: 'array', items: link }, sources: { type: 'array', minItems: 1, items: link },
        extras: { type: 'object' }, created_at: nullable({ type: 'string', format: 'date-time' }), updated_at: nullable({ type: 'string', format: 'date-time' }),
      },
    } },
  },
};

// Popolo person: names only. additionalProperties false: no email, no contact_details.
const personSchema = {
  type: 'object', required: ['meta', 'persons'],
  properties: {
    meta,
    persons: { type: 'array', minItems: 1, items: {
      type: 'object', required: ['id', 'name', 'family_name'], additionalProperties: false,
      properties: {
        id: ocd('person'), name: { type: 'string', minLength: 1 }, sort_name: { type: 'string' }, family_name: { type: 'string', minLength: 1 },
        given_name: nullable({ type: 'string' }), honorific_prefix: nullable({ type: 'string' }), honorific_suffix: nullable({ type: 'string' }),
        links: { type: 'array', items: link }, sources: { type: 'array', items: link },
        created_at: nullable({ type: 'string', format: 'date-time' }), updated_at: nullable({ type: 'string', format: 'date-time' }),
      },
    } },
  },
};

const membershipSchema = {
  type: 'object', required: ['meta', 'memberships'],
  properties: {
    meta,
    memberships: { type: 'array', minItems: 1, items: {
      type: 'object', required: ['id', 'person_id', 'organization_id', 'role'], additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: '^ocd-membership/' }, person_id: ocd('person'), organization_id: ocd('organization'), on_behalf_of_id: nullable(ocd('organization')),
        role: { type: 'string', minLength: 1 }, label: { type: 'string' },
        start_date: nullable({ type: 'string', format: 'date' }), end_date: nullable({ type: 'string', format: 'date' }),
      },
    } },
  },
};

// Open Civic Data event (https://open-civic-data.readthedocs.io/en/latest/data/event.html).
const linkWithType = { type: 'object', required: ['media_type', 'url'], properties: { media_type: { type: 'string' }, url: { type: 'string', format: 'uri' } }, additionalProperties: false };
const mediaItem = {
  type: 'object', required: ['note', 'links'], additionalProperties: false,
  properties: { note: { type: 'string', minLength: 1 }, date: nullable({ type: 'string', format: 'date' }), classification: { type: 'string' }, links: { type: 'array', minItems: 1, items: linkWithType } },
};
const eventSchema = {
  type: 'object', required: ['meta', 'events'],
  properties: {
    meta,
    events: { type: 'array', items: {
      type: 'object', additionalProperties: false,
      required: ['id', 'name', 'classification', 'start_date', 'timezone', 'all_day', 'status', 'location', 'agenda', 'documents', 'participants', 'sources'],
      properties: {
        id: ocd('event'), name: { type: 'string', minLength: 1 }, description: { type: 'string' }, classification: { type: 'string' },
        start_date: { type: 'string', format: 'date-time' }, end_date: nullable({ type: 'string', format: 'date-time' }),
        timezone: { type: 'string', const: 'Europe/London' }, all_day: { type: 'boolean' },
        status: { enum: ['cancelled', 'tentative', 'confirmed', 'passed'] },
        location: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, note: { type: 'string' }, coordinates: { type: 'null' } } },
        participants: { type: 'array', minItems: 1, items: {
          type: 'object', required: ['entity_type', 'entity_name', 'note'],
          properties: { entity_type: { enum: ['organization', 'person'] }, entity_id: ocd('organization'), entity_name: { type: 'string' }, note: { type: 'string' } },
        } },
        agenda: { type: 'array', items: {
          type: 'object', required: ['description', 'order', 'media', 'notes', 'related_entities'], additionalProperties: false,
          properties: {
            description: { type: 'string', minLength: 1 }, order: { type: 'string', pattern: '^[1-9][0-9]*$' }, classification: { type: 'array', items: { type: 'string' } },
            subjects: { type: 'array', items: { type: 'string' } }, notes: { type: 'array', items: { type: 'string' } },
            related_entities: { type: 'array', items: {
              type: 'object', required: ['entity_type', 'entity_name', 'note'],
              properties: { entity_type: { const: 'person' }, entity_id: nullable(ocd('person')), entity_name: { type: 'string' }, note: { type: 'string' } },
            } },
            media: { type: 'array', items: mediaItem }, extras: { type: 'object' },
          },
        } },
        documents: { type: 'array', items: mediaItem },
        media: { type: 'array' }, links: { type: 'array', items: link }, sources: { type: 'array', minItems: 1, items: link }, extras: { type: 'object' },
      },
    } },
  },
};

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv;
}

async function openData(path: string) {
  const res = await pub.get(path);
  assert.equal(res.statusCode, 200, path);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  return { text: res.body, json: res.json() };
}

function assertValid(schema: object, data: unknown, label: string) {
  const validate = validator().compile(schema);
  assert.ok(validate(data), `${label}: ${JSON.stringify(validate.errors, null, 2)}`);
}

test('organizations, people and memberships are valid Popolo and point at each other', async () => {
  const orgs = await openData('/open-data/organizations.json');
  const people = await openData('/open-data/people.json');
  const memberships = await openData('/open-data/memberships.json');
  assertValid(organizationSchema, orgs.json, 'organizations');
  assertValid(personSchema, people.json, 'people');
  assertValid(membershipSchema, memberships.json, 'memberships');

  const orgIds = new Set(orgs.json.organizations.map((o: { id: string }) => o.id));
  const personIds = new Set(people.json.persons.map((p: { id: string }) => p.id));
  for (const o of orgs.json.organizations) if (o.parent_id) assert.ok(orgIds.has(o.parent_id), `parent of ${o.name}`);
  for (const m of memberships.json.memberships) {
    assert.ok(personIds.has(m.person_id), m.id);
    assert.ok(orgIds.has(m.organization_id), m.id);
    if (m.on_behalf_of_id) assert.ok(orgIds.has(m.on_behalf_of_id), m.id);
  }
  const westhaven = orgs.json.organizations.find((o: { name: string }) => o.name === 'Westhaven Community Safety Board');
  assert.equal(westhaven.classification, 'committee');
  assert.equal(orgs.json.organizations[0].classification, 'partnership');
  const chair = memberships.json.memberships.find((m: { role: string; organization_id: string }) => m.role === 'chair' && m.organization_id === orgs.json.organizations.find((o: { name: string }) => o.name === 'Working Group').id);
  assert.ok(chair);
  assert.match(chair.start_date, /^\d{4}-\d{2}-\d{2}$/);
});

test('open data never holds anyone’s e-mail address or telephone number', async () => {
  const emails = (await t.database.db.selectFrom('people').select('email').where('partnership_id', '=', t.partnershipId).execute()).map((r) => r.email).filter((e): e is string => !!e);
  assert.ok(emails.length > 10);
  for (const path of ['/open-data/organizations.json', '/open-data/people.json', '/open-data/memberships.json', '/open-data/events.json', '/open-data/attendance.csv', '/open-data/decisions.csv']) {
    const body = (await pub.get(path)).body;
    assert.ok(!body.includes('@'), `${path} holds an @`);
    assert.ok(!body.includes(PHONE), `${path} holds a telephone number`);
    for (const e of emails) assert.ok(!body.includes(e), `${path} holds ${e}`);
    assert.doesNotMatch(body, /"(email|phone|contact_details)"/);
  }
});

test('events are valid Open Civic Data events, with the public agenda items in order and their papers as media links', async () => {
  const events = await openData('/open-data/events.json');
  assertValid(eventSchema, events.json, 'events');
  assert.doesNotMatch(events.text, SECRET);
  const ev = events.json.events.find((e: { id: string }) => e.id === `ocd-event/${march.id}`);
  assert.equal(ev.status, 'passed');
  assert.equal(ev.start_date, '2023-03-09T10:00:00+00:00');
  // The public items in agenda order (standing items first), numbered from 1; section D left out.
  const publicItems = (await itemsOf(t, march.id)).filter((i) => !i.code.startsWith('D'));
  assert.deepEqual(ev.agenda.map((a: { order: string; description: string }) => [a.order, a.description]),
    publicItems.map((i, n) => [String(n + 1), i.title]));
  assert.ok(publicItems.length >= 4);
  const youth = ev.agenda.find((a: { description: string }) => a.description === 'Youth diversion programme');
  assert.deepEqual(youth.notes, ['RESOLVED A. to fund the youth diversion programme for a further year.', 'RESOLVED B. to thank "Safe Streets", the charity, for its work.']);
  assert.deepEqual(youth.related_entities, [{ entity_type: 'person', entity_id: `ocd-person/${lindqvist}`, entity_name: 'Mr Tomas Lindqvist', note: 'presenter' }]);
  assert.equal(youth.media[0].note, 'Youth diversion report');
  // The paper's link is a real, public address of the file.
  const paperUrl = new URL(youth.media[0].links[0].url);
  assert.equal(youth.media[0].links[0].media_type, 'application/pdf');
  const paper = await pub.get(paperUrl.pathname);
  assert.equal(paper.statusCode, 200);
  assert.equal(paper.headers['content-type'], 'application/pdf');
  assert.deepEqual(ev.documents.map((d: { note: string }) => d.note), ['Agenda', 'Minutes']);
  // When the app makes agenda packs and minutes as PDF, the documents link to them, and the links work.
  for (const [route, doc] of [['/meetings/:id/agenda-pack.pdf', ev.documents[0]], ['/meetings/:id/minutes.pdf', ev.documents[1]]] as const) {
    const pdf = (doc.links as { media_type: string; url: string }[]).find((l) => l.media_type === 'application/pdf');
    assert.equal(Boolean(pdf), t.app.hasRoute({ method: 'GET', url: route }), route);
    if (pdf) assert.equal((await pub.get(new URL(pdf.url).pathname)).headers['content-type'], 'application/pdf');
  }
  const juneEvent = events.json.events.find((e: { id: string }) => e.id === `ocd-event/${june.id}`);
  assert.equal(juneEvent.documents[1].note, 'Minutes (draft, not yet approved)');
  // British Summer Time in June.
  assert.equal(juneEvent.start_date, '2023-06-15T10:00:00+01:00');
  // The meeting to come: its agenda is not published, so none is given.
  const next = events.json.events.find((e: { id: string }) => e.id === `ocd-event/${upcoming.id}`);
  assert.equal(next.status, 'tentative');
  assert.deepEqual(next.agenda, []);
  assert.deepEqual(next.documents, []);
  // One year at a time.
  const y2023 = (await openData('/open-data/events.json?year=2023')).json.events;
  assert.ok(y2023.length >= 2 && y2023.every((e: { start_date: string }) => e.start_date.startsWith('2023-')));
});

// ---------------------------------------------------------------- CSV

test('decisions.csv reads back as RFC 4180 with one row per public decision, quotes and commas intact', async () => {
  const res = await pub.get('/open-data/decisions.csv');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
  assert.match(String(res.headers['content-disposition']), /attachment; filename="decisions.csv"/);
  const rows = parseCsvStrict(res.body);
  const api = (await pub.json('GET', '/api/decisions')).json();
  assert.equal(rows.length, api.total);
  assert.doesNotMatch(res.body, SECRET);
  const mine = rows.filter((r) => r.body === 'Westhaven Community Safety Board');
  assert.deepEqual(mine.map((r) => [r.meeting_date, r.item_title, r.resolution, r.resolved, r.minutes_status]), [
    ['2023-06-15', 'Notes of the last meeting', '', 'that the minutes of the meeting held on 9 March 2023 were a correct record.', 'draft'],
    ['2023-06-15', 'Street lighting', '', 'to support the street lighting bid.', 'draft'],
    ['2023-03-09', 'Youth diversion programme', 'A', 'to fund the youth diversion programme for a further year.', 'approved'],
    ['2023-03-09', 'Youth diversion programme', 'B', 'to thank "Safe Streets", the charity, for its work.', 'approved'],
    // A field a spreadsheet would run as a formula is written as text.
    ['2023-03-09', 'Formulae in spreadsheets', '', "'=1+1 is not a decision, and stays text.", 'approved'],
  ]);
  assert.match(mine[1]!.item_code!, /^B\d+$/);
  assert.match(mine[2]!.url!, new RegExp(`^http://localhost:3000/meetings/${march.id}#minute-`));
  // The same filters as the decisions page.
  const filtered = parseCsvStrict((await pub.get(`/open-data/decisions.csv?body=${bodyId}&from=2023-06-01`)).body);
  assert.equal(filtered.length, 2);
});

test('attendance.csv reads back as RFC 4180: who attended or sent apologies to meetings with published minutes', async () => {
  const res = await pub.get('/open-data/attendance.csv');
  assert.equal(res.statusCode, 200);
  const rows = parseCsvStrict(res.body);
  const mine = rows.filter((r) => r.body === 'Westhaven Community Safety Board');
  assert.deepEqual(mine.map((r) => [r.meeting_date, r.name, r.capacity, r.attendance, r.attendance_label]), [
    ['2023-06-15', 'Mr Tomas Lindqvist', 'Chair', 'present', 'Present'],
    ['2023-03-09', 'Mr Tomas Lindqvist', 'Chair', 'present', 'Present'],
    ['2023-03-09', 'Mr Stuart Macrae QFSM', '', 'apologies', 'Apologies'],
  ]);
  assert.ok(mine[0]!.organisation);
  assert.deepEqual(Object.keys(rows[0]!), ['meeting_date', 'body', 'name', 'organisation', 'capacity', 'attendance', 'attendance_label', 'mode', 'substitute_for', 'meeting_id', 'person_id', 'meeting_url']);
});

test('the open data page explains each file and links to it', async () => {
  const res = await pub.get('/open-data');
  assert.equal(res.statusCode, 200);
  for (const href of ['/feeds/published.atom', '/open-data/organizations.json', '/open-data/people.json', '/open-data/memberships.json', '/open-data/events.json', '/open-data/decisions.csv', '/open-data/attendance.csv']) {
    assert.ok(res.body.includes(`href="${href}"`), href);
  }
});
