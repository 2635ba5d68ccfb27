// Two partnerships in one database: one partnership's meetings, items and papers answer
// 404 on the other's host, for reading and for changing, on pages and in the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { seedDemoPartnership } from '../../demo/seed.ts';
import type { Database } from '../../db/database.ts';
import { createTestDatabase } from '../../../test/support/database.ts';
import { Client, pageText } from '../../../test/support/app.ts';

const NORTH = 'northshire.test';
const SOUTH = 'southmoor.test';
let app: FastifyInstance;
let database: Database;
let southMeeting: { id: string; body_id: string };
let southItem: string;
let southPaper: string;
let southPartnership: string;

before(async () => {
  database = await createTestDatabase();
  await seedDemoPartnership(database.db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP', hostname: NORTH });
  const s = await seedDemoPartnership(database.db, {
    slug: 'southmoor', name: 'Southmoor Community Safety Partnership', shortName: 'Southmoor CSP', hostname: SOUTH, emailDomain: 'southmoor.example',
  });
  southPartnership = s.partnershipId;
  app = await buildApp({ db: database.db, config: loadConfig({ SESSION_SECRET: 'test-secret-test-secret-test-secret-00', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), logger: false });
  await app.ready();
  const paper = await database.db.selectFrom('papers').innerJoin('meetings', (j) => j.onRef('meetings.partnership_id', '=', 'papers.partnership_id').onRef('meetings.id', '=', 'papers.meeting_id'))
    .select(['papers.id as paper_id', 'papers.agenda_item_id', 'meetings.id', 'meetings.body_id'])
    .where('papers.partnership_id', '=', southPartnership).where('papers.restricted', '=', false).executeTakeFirstOrThrow();
  southMeeting = { id: paper.id, body_id: paper.body_id };
  southItem = paper.agenda_item_id;
  southPaper = paper.paper_id;
});
after(async () => {
  await app?.close();
  await database?.close();
});

test('each host lists only its own partnership’s meetings', async () => {
  const north = await new Client(app, NORTH).json('GET', '/api/meetings');
  const south = await new Client(app, SOUTH).json('GET', '/api/meetings');
  const northIds = new Set(north.json().items.map((m: { id: string }) => m.id));
  assert.ok(south.json().items.length > 0);
  assert.ok(south.json().items.every((m: { id: string }) => !northIds.has(m.id)));
  assert.ok(!north.json().items.some((m: { id: string }) => m.id === southMeeting.id));
  assert.match(pageText((await new Client(app, SOUTH).get('/meetings')).body), /Southmoor Community Safety Partnership/);
  assert.doesNotMatch(pageText((await new Client(app, NORTH).get('/meetings')).body), /Southmoor/);
});

test('the other partnership’s meeting, item and paper ids answer 404 on pages and in the API, for reading', async () => {
  const officer = await new Client(app, NORTH).signIn('officer@northshire.example');
  for (const url of [
    `/meetings/${southMeeting.id}`, `/meetings/${southMeeting.id}/items/${southItem}`, `/meetings/${southMeeting.id}/papers/${southPaper}`,
    `/meetings/${southMeeting.id}/edit`, `/meetings/${southMeeting.id}/attendance`, `/bodies/${southMeeting.body_id}/meetings`,
    `/bodies/${southMeeting.body_id}/meeting-settings`, `/api/meetings/${southMeeting.id}`, `/api/meetings/${southMeeting.id}/papers/${southPaper}`,
    `/api/bodies/${southMeeting.body_id}/meetings`,
  ]) {
    const res = await officer.get(url);
    assert.equal(res.statusCode, 404, url);
  }
  // The same paper is there on its own host.
  assert.equal((await new Client(app, SOUTH).get(`/meetings/${southMeeting.id}/papers/${southPaper}`)).statusCode, 200);
});

test('the other partnership’s meetings cannot be changed from this host, and nothing is written', async () => {
  const officer = await new Client(app, NORTH).signIn('officer@northshire.example');
  const before = await database.db.selectFrom('meetings').selectAll().where('id', '=', southMeeting.id).executeTakeFirstOrThrow();
  // A page of its own with a form, for the CSRF token the posts carry.
  const own = (await officer.json('GET', '/api/meetings')).json().items[0].id;
  await officer.get(`/meetings/${own}`);
  const attempts = [
    await officer.post(`/meetings/${southMeeting.id}/held`, {}),
    await officer.post(`/meetings/${southMeeting.id}/items/new`, { section_id: southItem, title: 'Intruder' }),
    await officer.post(`/meetings/${southMeeting.id}/attendance`, { name: 'Intruder', kind: 'present' }),
    await officer.post(`/bodies/${southMeeting.body_id}/meetings/new`, { meets_on: '2030-01-01', starts_at: '10:00', format: 'online' }),
    await officer.json('PUT', `/api/meetings/${southMeeting.id}`, { meetsOn: '2030-01-01', startsAt: '10:00', online: true }),
    await officer.json('POST', `/api/meetings/${southMeeting.id}/items/${southItem}/paragraphs`, { text: 'Intruder' }),
    await officer.json('PUT', `/api/bodies/${southMeeting.body_id}/meeting-settings`, { firstMinuteNumber: 5 }),
  ];
  for (const res of attempts) assert.equal(res.statusCode, 404, res.body.slice(0, 200));
  const after = await database.db.selectFrom('meetings').selectAll().where('id', '=', southMeeting.id).executeTakeFirstOrThrow();
  assert.deepEqual(after, before);
  const intruders = await database.db.selectFrom('agenda_items').select('id').where('title', '=', 'Intruder').execute();
  assert.equal(intruders.length, 0);
});
