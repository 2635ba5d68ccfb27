// Two partnerships in one database, each served on its own host name. Nothing of one
// may show on the other: not in pages, not in the API, not by guessing an id, not with
// a session from the other host; and the database itself refuses a row that ties one
// partnership's record to another's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { seedDemoPartnership, DEMO_PASSWORD } from '../src/demo/seed.ts';
import type { Database } from '../src/db/database.ts';
import { createTestDatabase } from './support/database.ts';
import { Client, pageText } from './support/app.ts';

const NORTH = 'northshire.test';
const SOUTH = 'southmoor.test';

// Both demo partnerships hold the same fictional organisations and people, so each
// side gets records with names found nowhere else, and the test looks for those.
const markers = {
  north: { organisation: 'Kestrel Moor Neighbourhood Watch', person: 'Quennell', body: 'Northshire Rural Crime Forum' },
  south: { organisation: 'Saltmarsh Harbour Trust', person: 'Vandermeulen', body: 'Southmoor Night-time Economy Group' },
};

interface Side {
  host: string;
  partnershipId: string;
  officer: string;
  organisationId: string;
  personId: string;
  bodyId: string;
  membershipId: string;
}

let app: FastifyInstance;
let database: Database;
let north: Side;
let south: Side;

/** Adds the side's marker organisation, person, body and membership through the API, as its officer. */
async function addMarkers(host: string, partnershipId: string, officer: string, m: typeof markers.north): Promise<Side> {
  const client = await new Client(app, host).signIn(officer);
  const created = async (res: LightMyRequestResponse) => {
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const organisationId = await created(await client.json('POST', '/api/organisations', { name: m.organisation, kind: 'voluntary' }));
  const personId = await created(await client.json('POST', '/api/people', { givenName: 'Ottoline', familyName: m.person, organisationId }));
  const bodyId = await created(await client.json('POST', '/api/bodies', { name: m.body, kind: 'subgroup' }));
  const membershipId = await created(await client.json('POST', `/api/bodies/${bodyId}/memberships`, { personId, role: 'member', startsOn: '2025-04-01' }));
  return { host, partnershipId, officer, organisationId, personId, bodyId, membershipId };
}

before(async () => {
  database = await createTestDatabase();
  const n = await seedDemoPartnership(database.db, {
    slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP', hostname: NORTH,
  });
  const s = await seedDemoPartnership(database.db, {
    slug: 'southmoor', name: 'Southmoor Community Safety Partnership', shortName: 'Southmoor CSP', hostname: SOUTH, emailDomain: 'southmoor.example',
  });
  const config = loadConfig({ SESSION_SECRET: 'isolation-secret-isolation-secret-0000', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  app = await buildApp({ db: database.db, config, logger: false });
  await app.ready();
  north = await addMarkers(NORTH, n.partnershipId, n.officerEmail, markers.north);
  south = await addMarkers(SOUTH, s.partnershipId, s.officerEmail, markers.south);
});
after(async () => {
  await app?.close();
  await database?.close();
});

const sides = () => [
  { name: 'Northshire', me: north, mine: markers.north, other: south, theirs: markers.south, theirName: 'Southmoor' },
  { name: 'Southmoor', me: south, mine: markers.south, other: north, theirs: markers.north, theirName: 'Northshire' },
];

test('each host serves its own partnership', async () => {
  for (const { me, name } of sides()) {
    const res = await new Client(app, me.host).get('/');
    assert.equal(res.statusCode, 200);
    assert.match(pageText(res.body), new RegExp(`${name} Community Safety Partnership`));
  }
});

test("pages list only the host's own organisations, people and bodies, to the public and to officers", async () => {
  for (const { me, mine, theirs, theirName } of sides()) {
    const readers = [new Client(app, me.host), await new Client(app, me.host).signIn(me.officer)];
    for (const reader of readers) {
      const seen = (await Promise.all(['/', '/organisations', '/people', '/bodies', `/organisations/${me.organisationId}`, `/people/${me.personId}`, `/bodies/${me.bodyId}`]
        .map(async (path) => {
          const res = await reader.get(path);
          assert.equal(res.statusCode, 200, `${me.host}${path}`);
          return pageText(res.body);
        }))).join('\n');
      for (const own of [mine.organisation, mine.person, mine.body]) assert.ok(seen.includes(own), `${me.host} shows its own ${own}`);
      for (const foreign of [theirs.organisation, theirs.person, theirs.body, `${theirName} Community Safety Partnership`, `${theirName.toLowerCase()}.example`]) {
        assert.ok(!seen.includes(foreign), `${me.host} must not show ${foreign}`);
      }
    }
  }
});

test("the API lists only the host's own records", async () => {
  for (const { me, mine, other, theirs } of sides()) {
    const officer = await new Client(app, me.host).signIn(me.officer);
    const organisations = (await officer.json('GET', '/api/organisations')).json().items as { id: string; name: string }[];
    const people = (await officer.json('GET', '/api/people')).json().items as { id: string; familyName: string }[];
    const bodies = (await officer.json('GET', '/api/bodies')).json().items as { id: string; name: string }[];
    assert.ok(organisations.some((o) => o.name === mine.organisation));
    assert.ok(people.some((p) => p.familyName === mine.person));
    assert.ok(bodies.some((b) => b.name === mine.body));
    const ids = new Set([...organisations, ...people, ...bodies].map((r) => r.id));
    for (const foreign of [other.organisationId, other.personId, other.bodyId]) assert.ok(!ids.has(foreign), `${me.host} API lists ${foreign}`);
    const everything = JSON.stringify([organisations, people, bodies]);
    for (const name of [theirs.organisation, theirs.person, theirs.body]) assert.ok(!everything.includes(name), `${me.host} API shows ${name}`);

    const members = (await officer.json('GET', `/api/bodies/${me.bodyId}`)).json();
    assert.deepEqual(members.members.map((m: { personId: string }) => m.personId), [me.personId]);

    // Search, too, answers from the host's own partnership only.
    const search = await officer.json('GET', `/api/search?q=${encodeURIComponent(theirs.organisation)}`);
    assert.equal(search.statusCode, 200);
    assert.ok(!JSON.stringify(search.json().results).includes(theirs.organisation), `${me.host} search finds ${theirs.organisation}`);
  }
});

test("the other partnership's ids answer 404, on pages and in the API, for reading and for changing", async () => {
  for (const { me, other } of sides()) {
    const officer = await new Client(app, me.host).signIn(me.officer);
    const pages = [
      `/organisations/${other.organisationId}`, `/organisations/${other.organisationId}/edit`,
      `/people/${other.personId}`, `/people/${other.personId}/edit`,
      `/bodies/${other.bodyId}`, `/bodies/${other.bodyId}/edit`, `/bodies/${other.bodyId}/members/new`, `/bodies/${other.bodyId}/elections/new`,
      `/memberships/${other.membershipId}/edit`, `/memberships/${other.membershipId}/end`,
      `/history/organisation/${other.organisationId}`, `/history/person/${other.personId}`,
    ];
    for (const path of pages) assert.equal((await officer.get(path)).statusCode, 404, `${me.host}${path}`);
    for (const path of [`/organisations/${other.organisationId}`, `/people/${other.personId}`, `/bodies/${other.bodyId}`]) {
      assert.equal((await new Client(app, me.host).get(path)).statusCode, 404, `public ${me.host}${path}`);
    }
    const api: [string, string, unknown?][] = [
      ['GET', `/api/organisations/${other.organisationId}`], ['GET', `/api/people/${other.personId}`], ['GET', `/api/bodies/${other.bodyId}`],
      ['GET', `/api/bodies/${other.bodyId}/memberships`],
      ['PUT', `/api/organisations/${other.organisationId}`, { name: 'Taken over', kind: 'other' }],
      ['PUT', `/api/people/${other.personId}`, { familyName: 'Taken over' }],
      ['PUT', `/api/bodies/${other.bodyId}`, { name: 'Taken over', kind: 'subgroup' }],
      ['POST', `/api/bodies/${other.bodyId}/memberships`, { personId: me.personId, role: 'member', startsOn: '2025-05-01' }],
      ['POST', `/api/memberships/${other.membershipId}/end`, { endsOn: '2025-06-01' }],
    ];
    for (const [method, url, body] of api) {
      const res = await officer.json(method as 'GET', url, body);
      assert.equal(res.statusCode, 404, `${method} ${me.host}${url}: ${res.body}`);
    }
    // The API's history of a record answers an empty list for an id it does not hold
    // (the page answers 404): either way, nothing of the other's record.
    const history = await officer.json('GET', `/api/history/organisation/${other.organisationId}`);
    assert.ok(history.statusCode === 404 || (history.statusCode === 200 && history.json().items.length === 0), history.body);
    // A form posted to the other's record by id is refused the same way.
    await officer.get('/organisations/new'); // a form, for a token that belongs to this session
    const posted = await officer.post(`/organisations/${other.organisationId}/edit`, { name: 'Taken over', kind: 'other' });
    assert.equal(posted.statusCode, 404);
  }
  // Nothing was changed by any of it.
  const renamed = await database.db.selectFrom('organisations').select('id').where('name', '=', 'Taken over').execute();
  assert.deepEqual(renamed, []);
  const people = await database.db.selectFrom('people').select('id').where('family_name', '=', 'Taken over').execute();
  assert.deepEqual(people, []);
});

test("a membership of one's own body cannot name the other partnership's person or organisation", async () => {
  for (const { me, other } of sides()) {
    const officer = await new Client(app, me.host).signIn(me.officer);
    const before = await database.db.selectFrom('memberships').select('id').where('partnership_id', '=', me.partnershipId).execute();
    for (const body of [
      { personId: other.personId, role: 'member', startsOn: '2025-05-01' },
      { personId: me.personId, role: 'adviser', organisationId: other.organisationId, startsOn: '2025-05-01' },
    ]) {
      const res = await officer.json('POST', `/api/bodies/${me.bodyId}/memberships`, body);
      assert.ok(res.statusCode === 400 || res.statusCode === 404, `${me.host} accepted ${JSON.stringify(body)}: ${res.statusCode}`);
    }
    const res = await officer.json('POST', '/api/people', { familyName: 'Crossover', organisationId: other.organisationId });
    assert.ok(res.statusCode === 400 || res.statusCode === 404, `${me.host} accepted a person in the other's organisation: ${res.statusCode}`);
    const afterRows = await database.db.selectFrom('memberships').select('id').where('partnership_id', '=', me.partnershipId).execute();
    assert.equal(afterRows.length, before.length);
  }
});

test("a session from one host does not work on the other's, nor do its user's credentials", async () => {
  for (const { me, other } of sides()) {
    // Sign in on one's own host through the API and keep the session cookie.
    const signIn = await app.inject({ method: 'POST', url: '/api/session', headers: { host: me.host, 'content-type': 'application/json' }, payload: JSON.stringify({ email: me.officer, password: DEMO_PASSWORD }) });
    assert.equal(signIn.statusCode, 200, signIn.body);
    const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const asOfficer = (host: string, url: string, method: 'GET' | 'POST' = 'GET', body?: unknown) => app.inject({
      method, url, headers: { host, cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}),
    });
    assert.equal((await asOfficer(me.host, '/api/me')).json().kind, 'user');

    // The same cookie on the other host is nobody.
    assert.deepEqual((await asOfficer(other.host, '/api/me')).json(), { kind: 'public' });
    const form = await asOfficer(other.host, '/organisations/new');
    assert.equal(form.statusCode, 302);
    assert.match(String(form.headers.location), /^\/sign-in/);
    assert.equal((await asOfficer(other.host, '/api/organisations', 'POST', { name: 'Planted Organisation', kind: 'other' })).statusCode, 401);
    assert.equal((await asOfficer(other.host, `/history/organisation/${other.organisationId}`)).statusCode, 302);
    const page = await asOfficer(other.host, `/people/${other.personId}`);
    assert.equal(page.statusCode, 200);
    assert.match(pageText(page.body), /Sign in to see contact details/);

    // And the officer's e-mail and password are not an account on the other host.
    const elsewhere = await app.inject({ method: 'POST', url: '/api/session', headers: { host: other.host, 'content-type': 'application/json' }, payload: JSON.stringify({ email: me.officer, password: DEMO_PASSWORD }) });
    assert.equal(elsewhere.statusCode, 400);
    assert.equal(elsewhere.cookies.filter((c) => c.name === 'ph_session' && c.value).length, 0);
  }
  const planted = await database.db.selectFrom('organisations').select('id').where('name', '=', 'Planted Organisation').execute();
  assert.deepEqual(planted, []);
});

test('a person who works for both partnerships, disabled by one, still works for the other', async () => {
  // Northshire's member also sits on a Southmoor group, with a Southmoor role.
  const email = 'member@northshire.example';
  const user = await database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  await database.db.insertInto('partnership_users').values({ partnership_id: south.partnershipId, user_id: user.id, role: 'member' }).execute();
  const inNorth = await new Client(app, NORTH).signIn(email);
  const inSouth = await new Client(app, SOUTH).signIn(email);
  assert.equal((await inSouth.json('GET', '/api/me')).json().kind, 'user');

  const southAdmin = await new Client(app, SOUTH).signIn('admin@southmoor.example');
  assert.equal((await southAdmin.json('POST', `/api/users/${user.id}/disable`, {})).statusCode, 200);

  // Southmoor: signed out and refused. Northshire: untouched, session and sign-in alike.
  assert.deepEqual((await inSouth.json('GET', '/api/me')).json(), { kind: 'public' });
  assert.equal((await app.inject({ method: 'POST', url: '/api/session', headers: { host: SOUTH, 'content-type': 'application/json' }, payload: JSON.stringify({ email, password: DEMO_PASSWORD }) })).statusCode, 400);
  assert.equal((await inNorth.json('GET', '/api/me')).json().kind, 'user');
  await new Client(app, NORTH).signIn(email); // throws if the sign-in is refused
  const northAdmin = await new Client(app, NORTH).signIn('admin@northshire.example');
  assert.equal((await northAdmin.json('GET', `/api/users/${user.id}`)).json().disabled, false);
  assert.equal((await southAdmin.json('GET', `/api/users/${user.id}`)).json().disabled, true);
});

test("the database refuses a membership that joins one partnership's body to another's person", async () => {
  // The composite foreign key (partnership_id, person_id) → people (partnership_id, id)
  // holds even if some code forgot to filter by partnership.
  await assert.rejects(
    database.db.insertInto('memberships').values({
      partnership_id: south.partnershipId, body_id: south.bodyId, person_id: north.personId, role: 'member', starts_on: '2025-05-01',
    }).execute(),
    /foreign key/i,
  );
  await assert.rejects(
    database.db.insertInto('memberships').values({
      partnership_id: north.partnershipId, body_id: south.bodyId, person_id: north.personId, role: 'member', starts_on: '2025-05-01',
    }).execute(),
    /foreign key/i,
  );
  await assert.rejects(
    database.db.insertInto('people').values({ partnership_id: north.partnershipId, family_name: 'Crossover', organisation_id: south.organisationId }).execute(),
    /foreign key/i,
  );
  // The same row with matching partnerships is accepted: the refusals were about the partnership.
  await database.db.insertInto('memberships').values({
    partnership_id: north.partnershipId, body_id: north.bodyId, person_id: north.personId, role: 'adviser', starts_on: '2025-05-01',
  }).execute();
});
