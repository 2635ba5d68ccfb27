// Absolute addresses in what is cached and kept (feeds, calendars, open data) come from
// the partnership's configured address, never from the request's Host or X-Forwarded-*
// headers: a forged header changes nothing, so a shared cache cannot be poisoned.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, type TestApp } from '../../../test/support/app.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { publicOrigin } from './address.ts';

const CONFIGURED = 'https://csp.northshire.example';
const FORGED = { host: 'evil.example', 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'gopher' };
const FORGED_TEXT = /evil\.example|attacker\.example|gopher:/;

/** A file without the moment it was made (open data's generated_at, iCalendar's DTSTAMP). */
const timeless = (text: string) => text.replace(/"generated_at": "[^"]+"/g, '').replace(/\r\nDTSTAMP:[^\r]+/g, '');

let t: TestApp;
let feeds: string[];

before(async () => {
  t = await createTestApp();
  // Before the app's first request, so that its cache of partnerships holds the address.
  await t.database.db.updateTable('partnerships').set({ public_url: CONFIGURED }).where('id', '=', t.partnershipId).execute();
  const body = await t.database.db.selectFrom('bodies').select('id').where('partnership_id', '=', t.partnershipId).executeTakeFirstOrThrow();
  feeds = [
    '/feeds/published.atom', '/meetings.ics', `/bodies/${body.id}/meetings.ics`, '/open-data', '/open-data/organizations.json',
    '/open-data/people.json', '/open-data/memberships.json', '/open-data/events.json', '/open-data/decisions.csv',
    '/open-data/attendance.csv', '/api/decisions',
  ];
});
after(async () => { await t.close(); });

test('feeds and open data asked for with a forged Host and X-Forwarded-Host carry only the configured address', async () => {
  const client = new Client(t.app);
  let linksSeen = 0;
  for (const url of feeds) {
    const forged = await client.get(url, FORGED);
    assert.equal(forged.statusCode, 200, url);
    assert.doesNotMatch(forged.body, FORGED_TEXT, `${url} reflects a forged header`);
    linksSeen += forged.body.split(`${CONFIGURED}/`).length - 1;
    // What a cache would keep for the feed's address is the same whoever asked first.
    const honest = await client.get(url);
    assert.equal(timeless(forged.body), timeless(honest.body), `${url} differs with forged headers`);
  }
  assert.ok(linksSeen > 20, `the configured address is in the feeds (${linksSeen} links)`);
});

test('the Atom feed’s own id and self link, and each calendar event’s page, are the configured address', async () => {
  const atom = (await new Client(t.app).get('/feeds/published.atom', FORGED)).body;
  assert.match(atom, new RegExp(`<id>${CONFIGURED}/feeds/published\\.atom</id>`));
  assert.match(atom, new RegExp(`rel="self"[^>]*href="${CONFIGURED}/feeds/published\\.atom"|href="${CONFIGURED}/feeds/published\\.atom"[^>]*rel="self"`));
  const ics = (await new Client(t.app).get('/meetings.ics', FORGED)).body.replace(/\r\n /g, ''); // unfolded
  assert.match(ics, new RegExp(`\\r\\nURL[^:]*:${CONFIGURED}/meetings/[0-9a-f-]{36}\\r\\n`));
});

test('without an address of its own, a partnership’s feeds use the deployment’s BASE_URL', async () => {
  const config = loadConfig({ SESSION_SECRET: 'test-secret-test-secret-test-secret-00', BASE_URL: 'https://hub.example.org/csp/' } as NodeJS.ProcessEnv);
  assert.equal(config.baseUrl, 'https://hub.example.org/csp');
  await t.database.db.updateTable('partnerships').set({ public_url: null }).where('id', '=', t.partnershipId).execute();
  const app = await buildApp({ db: t.database.db, config, logger: false });
  try {
    const res = await new Client(app).get('/open-data/events.json', FORGED);
    assert.doesNotMatch(res.body, FORGED_TEXT);
    assert.match(res.json().meta.source ?? JSON.stringify(res.json()), /https:\/\/hub\.example\.org\/csp\//);
  } finally {
    await app.close();
    await t.database.db.updateTable('partnerships').set({ public_url: CONFIGURED }).where('id', '=', t.partnershipId).execute();
  }
});

test('the order of addresses: the partnership’s own, then https on its host name, then BASE_URL', () => {
  const config = { baseUrl: 'https://hub.example.org' };
  assert.equal(publicOrigin({ public_url: 'https://a.example/', hostname: 'b.example' }, config), 'https://a.example');
  assert.equal(publicOrigin({ public_url: null, hostname: 'b.example' }, config), 'https://b.example');
  assert.equal(publicOrigin({ public_url: null, hostname: null }, config), 'https://hub.example.org');
});

test('a public address that is not an http(s) address is refused by the database', async () => {
  for (const bad of ['javascript:alert(1)', 'https://a.example/?x=1', 'https://a b.example', 'https://a.example/']) {
    await assert.rejects(
      t.database.db.updateTable('partnerships').set({ public_url: bad }).where('id', '=', t.partnershipId).execute(),
      /check constraint/, bad,
    );
  }
  assert.throws(() => loadConfig({ BASE_URL: 'ftp://x.example' } as NodeJS.ProcessEnv), /BASE_URL/);
});
