// Search finds what people type: hyphenated and joined spellings find each other, the
// partnership's synonyms widen a search both ways (and it can change them), and people,
// organisations, bodies and meetings are found by name beside the records.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { indexForSearch, type SearchEntry } from './index.ts';
import { joinedForms, joinedQuery, parseSynonyms } from './domain.ts';
import { forgetSynonyms } from './store.ts';

let t: TestApp;
let boardId: string;

before(async () => {
  t = await createTestApp();
  boardId = (await t.database.db.selectFrom('bodies').select('id').where('partnership_id', '=', t.partnershipId).where('name', 'like', '%Partnership%').executeTakeFirstOrThrow()).id;
  const entry = (title: string, content: string): SearchEntry => ({
    partnershipId: t.partnershipId, kind: 'minute-paragraph', recordId: randomUUID(), bodyId: boardId, meetingId: null,
    occurredOn: '2026-05-14', url: '/meetings/x', restricted: false, public: true, title, content,
  });
  await indexForSearch(t.database.db, [
    entry('Hyphenated spelling', 'Quillford wardens reported anti-social behaviour on the Quillford estate.'),
    entry('Joined spelling', 'Quillford residents complained of antisocial driving on the ring road.'),
    entry('Short form', 'The Quillford ASB panel met four times.'),
    entry('Public spaces order', 'A PSPO now covers Quillford park after dark.'),
  ]);
});
after(async () => { await t.close(); });

const titles = async (client: Client, q: string) =>
  ((await client.json('GET', `/api/search?q=${encodeURIComponent(`quillford ${q}`)}`)).json().results as { title: string }[]).map((r) => r.title).sort();

test('the joined forms of hyphenated words, in text and in a query', () => {
  assert.equal(joinedForms('Anti-social behaviour, a well-being check and the co-ordinated twenty-four-hour plan'), 'antisocial wellbeing coordinated twentyfourhour');
  assert.equal(joinedQuery('anti-social "well-being"'), 'antisocial "wellbeing"');
  assert.equal(joinedQuery('antisocial -training'), null, 'a minus sign before a word is not a hyphen');
});

test('"antisocial", "anti-social" and "anti social" each find the hyphenated and the joined spellings', async () => {
  const c = new Client(t.app);
  assert.deepEqual(await titles(c, 'antisocial'), ['Hyphenated spelling', 'Joined spelling']);
  assert.deepEqual(await titles(c, 'anti-social'), ['Hyphenated spelling', 'Joined spelling']);
  assert.deepEqual(await titles(c, 'anti social'), ['Hyphenated spelling']);
});

test('a synonym widens a search both ways; the partnership edits its list, and a bad line changes nothing', async () => {
  const c = new Client(t.app);
  assert.deepEqual(await titles(c, 'ASB'), ['Hyphenated spelling', 'Short form']);
  assert.deepEqual(await titles(c, 'anti-social behaviour'), ['Hyphenated spelling', 'Short form']);
  assert.deepEqual(await titles(c, 'antisocial behaviour'), ['Hyphenated spelling', 'Short form']);
  assert.deepEqual(await titles(c, 'public spaces protection order'), [], 'not a synonym yet');

  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const page = await officer.get('/search/synonyms');
  assert.match(pageText(page.body), /This is the built-in list/);
  assert.match(page.body, /ASB = anti-social behaviour/);
  const bad = await officer.post('/search/synonyms', { synonyms: 'PSPO = public spaces protection order\nnonsense without an equals sign' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Line 2: write the short form, an equals sign and what it stands for/);
  assert.deepEqual(await titles(c, 'ASB'), ['Hyphenated spelling', 'Short form'], 'nothing changed');

  const saved = await officer.post('/search/synonyms', { synonyms: 'PSPO = public spaces protection order\nDA = domestic abuse' });
  assert.equal(saved.statusCode, 303);
  assert.deepEqual(await titles(c, 'public spaces protection order'), ['Public spaces order']);
  assert.deepEqual(await titles(c, 'ASB'), ['Short form'], 'ASB is no longer on the list');
  const api = (await officer.json('GET', '/api/search/synonyms')).json();
  assert.deepEqual(api, { items: [{ term: 'PSPO', meaning: 'public spaces protection order' }, { term: 'DA', meaning: 'domestic abuse' }], edited: true });
  const audit = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'search-synonyms').execute();
  assert.deepEqual(audit.map((a) => a.summary), ['Search synonyms changed (2)']);
  assert.equal((await new Client(t.app).signIn(demoUsers.member).then((m) => m.get('/search/synonyms'))).statusCode, 403);
  assert.equal(parseSynonyms('= nothing').errors.length, 1);
  // Put the built-in list back for the tests after this one.
  await t.database.db.deleteFrom('search_synonyms').execute();
  forgetSynonyms();
});

test('people, organisations, bodies and meetings are found by name, grouped by kind, for the public too; the hint’s example finds something', async () => {
  const pub = new Client(t.app);
  const chair = await t.database.db.selectFrom('people').select(['id', 'family_name']).where('partnership_id', '=', t.partnershipId).executeTakeFirstOrThrow();
  const byName = (await pub.json('GET', `/api/search?q=${encodeURIComponent(chair.family_name)}`)).json();
  assert.ok(byName.directory.some((d: { kind: string; id: string }) => d.kind === 'person' && d.id === chair.id), `${chair.family_name} is found`);
  const body = await t.database.db.selectFrom('bodies').select('name').where('id', '=', boardId).executeTakeFirstOrThrow();
  const html = pageText((await pub.get(`/search?q=${encodeURIComponent(body.name.toLowerCase())}`)).body);
  assert.match(html, /People, organisations, bodies and meetings/);
  assert.match(html, new RegExp(`Bodies ${body.name}`));
  assert.match(html, new RegExp(`Meetings ${body.name}, \\w+day \\d+ \\w+ \\d{4}`));
  const police = (await pub.json('GET', '/api/search?q=police')).json();
  assert.ok(police.directory.some((d: { kind: string }) => d.kind === 'organisation'));
  assert.ok(!JSON.stringify(police.directory).includes('@'), 'no e-mail address is part of the directory');
  const filtered = (await pub.json('GET', '/api/search?q=police&kind=resolution')).json();
  assert.deepEqual(filtered.directory, [], 'a search narrowed to kinds of record lists no directory');

  const hint = /For example: ([^']+)'/.exec(readFileSync(new URL('./views/search.njk', import.meta.url), 'utf8'))![1]!.replace(/&[a-z]+;/g, '').trim();
  const answer = (await pub.json('GET', `/api/search?q=${encodeURIComponent(hint)}`)).json();
  assert.ok(answer.total > 0, `the hint’s own example (${hint}) finds ${answer.total} records for the public`);
});

test('migration 027 writes the same joined forms as the indexer, for every entry', async () => {
  const db = t.database.db;
  const rows = await db.selectFrom('search_entries').select(['kind', 'record_id', 'title', 'content', 'aliases']).where('partnership_id', '=', t.partnershipId).execute();
  assert.ok(rows.some((r) => r.aliases.includes('antisocial')));
  for (const r of rows) assert.deepEqual(r.aliases.split(' ').filter(Boolean).sort(), joinedForms(`${r.title} ${r.content}`).split(' ').filter(Boolean).sort(), `${r.kind} ${r.title}`);
  const update = /update search_entries set aliases[\s\S]*?\), ''\);/.exec(readFileSync(new URL('../../../migrations/027_search_spellings.sql', import.meta.url), 'utf8'))![0];
  await sql`update search_entries set aliases = ''`.execute(db);
  await sql.raw(update).execute(db);
  const again = await db.selectFrom('search_entries').select(['kind', 'record_id', 'aliases']).where('partnership_id', '=', t.partnershipId).execute();
  const before = new Map(rows.map((r) => [`${r.kind}:${r.record_id}`, r.aliases.split(' ').filter(Boolean).sort().join(' ')]));
  for (const r of again) assert.equal(r.aliases.split(' ').filter(Boolean).sort().join(' '), before.get(`${r.kind}:${r.record_id}`));
});
