// Never-leak for the ModernGov connector: a source, its committees, a sync with its log
// (which names meetings and restricted items before anyone has checked them) and a
// doubtful name are seeded with marker words found nowhere else. Every GET route of the
// connector, pages and /api twins, is walked as the public, a member and an officer
// (the connector is the administrators' only): no marker and no record id appears. An
// administrator sees every marker somewhere, so the walk would notice a leak.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { assertNoLeaks, moduleAddresses } from '../support/leak.ts';

let t: TestApp;
const M = {
  source: 'Brackenwold Quillon Council',
  committee: 'Sarsenby Thornquist Committee',
  log: 'Review of Ottoline Mirrowdale held in private',
  name: 'Cllr Jessamy Pellinore-Waddock',
};
let sourceId = '';
let runId = '';
let nameId = '';

before(async () => {
  t = await createTestApp();
  t.app.config.outboundAllowPrivate = true; // its ModernGov-shaped server is on this machine
  const db = t.database.db;
  const pid = t.partnershipId;
  sourceId = (await db.insertInto('moderngov_sources').values({ partnership_id: pid, name: M.source, base_url: 'https://democracy.brackenwold.example/mgWebService.asmx', operations: JSON.stringify(['GetCommittees', 'GetMeeting', 'GetMeetings']), created_by: null })
    .returning('id').executeTakeFirstOrThrow()).id;
  const body = await db.selectFrom('bodies').select('id').where('partnership_id', '=', pid).where('name', '=', 'Working Group').executeTakeFirstOrThrow();
  await db.insertInto('moderngov_committees').values({ partnership_id: pid, source_id: sourceId, remote_id: 77, title: M.committee, chosen: true, body_id: body.id }).execute();
  runId = (await db.insertInto('moderngov_runs').values({
    partnership_id: pid, source_id: sourceId, mode: 'mirror', status: 'finished', from_date: '2025-01-01', to_date: '2025-12-31', tally: JSON.stringify({ meetingsCreated: 1 }),
    failure: null, import_job_id: null, started_by: null, started_by_label: 'Site Administrator', finished_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow()).id;
  await db.insertInto('moderngov_log').values({ partnership_id: pid, run_id: runId, level: 'info', message: M.log }).execute();
  const people = await db.selectFrom('people').select('id').where('partnership_id', '=', pid).limit(2).execute();
  nameId = (await db.insertInto('moderngov_people').values({ partnership_id: pid, source_id: sourceId, name_key: 'jessamy pellinore waddock', printed_name: M.name, candidate_ids: JSON.stringify(people.map((p) => p.id)), person_id: null, resolved_at: null })
    .returning('id').executeTakeFirstOrThrow()).id;
});
after(async () => {
  await t?.close();
});

test('nothing of the ModernGov connector reaches the public, a member or an officer, on any page or API route', async (ctx) => {
  const { urls, routes } = await moduleAddresses(t.app, ['/admin/moderngov', '/api/moderngov'], (_route, param) =>
    param === 'nameId' ? [nameId, 'not-an-id'] : [sourceId, runId, '00000000-0000-4000-8000-000000000000', 'not-an-id']);
  assert.ok(routes.includes('/admin/moderngov/runs/:id') && routes.includes('/api/moderngov/sources/:id/names'), 'the walk reaches the run and names routes');
  const administrator = await new Client(t.app).signIn(demoUsers.administrator);
  const markers = Object.values(M);
  const idMarkers = { sourceId, runId, nameId };
  const summary = await assertNoLeaks(administrator, urls, markers, [
    { name: 'the public', client: new Client(t.app), markers, idMarkers },
    { name: 'a member', client: await new Client(t.app).signIn(demoUsers.member), markers, idMarkers },
    { name: 'an officer', client: await new Client(t.app).signIn(demoUsers.officer), markers, idMarkers },
  ]);
  ctx.diagnostic(summary);
});
