import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { indexForSearch, setMeetingPublic, type SearchEntry } from './index.ts';

let t: TestApp;
let reviewBodyId: string;
let boardId: string;
const meetingId = randomUUID();

before(async () => {
  t = await createTestApp();
  const bodies = await t.database.db.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', t.partnershipId).execute();
  reviewBodyId = bodies.find((b) => b.name === 'Review Steering Group')!.id;
  boardId = bodies.find((b) => b.name.includes('Partnership'))!.id;
  const entry = (e: Partial<SearchEntry> & Pick<SearchEntry, 'title' | 'content'>): SearchEntry => ({
    partnershipId: t.partnershipId, kind: 'minute-paragraph', recordId: randomUUID(), bodyId: boardId, meetingId,
    occurredOn: '2026-03-12', url: '/meetings/x', restricted: false, public: true, ...e,
  });
  await indexForSearch(t.database.db, [
    entry({ title: 'Night-time economy', content: 'The board agreed to fund street marshals in the night-time economy of Brackenford.' }),
    entry({ title: 'Street marshals evaluation', content: 'An evaluation of street marshals found fewer assaults near taxi ranks.', occurredOn: '2025-01-20' }),
    entry({ kind: 'resolution', title: 'Domestic abuse training', content: 'RESOLVED that partners attend domestic abuse training for frontline staff.' }),
    entry({ kind: 'resolution', title: 'Abuse of process', content: 'RESOLVED that the abuse of the booking system be reported to the domestic team.' }),
    entry({ kind: 'agenda-item', title: 'Review update ZEBRAQUARTZ', content: 'Case ZEBRAQUARTZ: the panel found missed chances to share information.', restricted: true, public: false, bodyId: reviewBodyId }),
    entry({ kind: 'action', title: 'Draft action PELICANMOSS', content: 'Report back on PELICANMOSS before publication.', public: false }),
    // A long paper whose searched words come far into it.
    entry({ kind: 'paper', title: 'Annual strategic assessment', content: `${'The assessment reviewed crime data for the year. '.repeat(3000)}The kestrelhawk survey informed the pandemic recovery plan. ${'Partners noted the figures. '.repeat(2000)}` }),
    entry({ title: 'Escaping <script>alert(1)</script> test', content: 'Beware of <script>alert("x")</script> marshals in stored text.' }),
  ]);
});
after(async () => { await t.close(); });

const titles = (body: { results: { title: string }[] }) => body.results.map((r) => r.title);

test('search finds minutes by a word and ranks the closer match first, with highlighted snippets', async () => {
  const res = await new Client(t.app).json('GET', '/api/search?q=street%20marshals');
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.ok(body.total >= 2);
  assert.ok(titles(body).includes('Night-time economy'));
  assert.match(body.results[0].snippetHtml, /<mark>marshals<\/mark>/);
});

test('a quoted phrase matches the words together, and a minus sign leaves a word out', async () => {
  const c = new Client(t.app);
  const phrase = (await c.json('GET', `/api/search?q=${encodeURIComponent('"domestic abuse"')}`)).json();
  // The demo's own records (its Community Safety Agreement) use the phrase too; the one with both words apart is not found.
  assert.ok(titles(phrase).includes('Domestic abuse training'));
  assert.ok(!titles(phrase).includes('Abuse of process'));
  const excluded = (await c.json('GET', `/api/search?q=${encodeURIComponent('marshals -evaluation')}`)).json();
  assert.ok(!titles(excluded).includes('Street marshals evaluation'));
  assert.ok(titles(excluded).includes('Night-time economy'));
});

test('filters by kind and by date range', async () => {
  const c = new Client(t.app);
  const kinds = (await c.json('GET', '/api/search?q=abuse&kind=resolution')).json();
  assert.ok(kinds.results.every((r: { kind: string }) => r.kind === 'resolution'));
  const dated = (await c.json('GET', '/api/search?q=marshals&from=2025-01-01&to=2025-12-31')).json();
  assert.deepEqual(titles(dated), ['Street marshals evaluation']);
});

test('the public never finds restricted or unpublished text; officers do', async () => {
  const pub = new Client(t.app);
  for (const marker of ['ZEBRAQUARTZ', 'PELICANMOSS']) {
    const api = await pub.json('GET', `/api/search?q=${marker}`);
    assert.equal(api.json().total, 0);
    assert.doesNotMatch(JSON.stringify(api.json().results), new RegExp(marker));
    const page = await pub.get(`/search?q=${marker}`);
    assert.match(pageText(page.body), /No results/);
    assert.doesNotMatch(page.body, new RegExp(`${marker}:|Review update ${marker}|${marker} before`));
  }
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.equal((await officer.json('GET', '/api/search?q=ZEBRAQUARTZ')).json().total, 1);
});

test('a member sees restricted business only of a body they are granted', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('GET', '/api/search?q=ZEBRAQUARTZ')).json().total, 0);
  // Unpublished but not restricted: the partnership's own people may read it.
  assert.equal((await member.json('GET', '/api/search?q=PELICANMOSS')).json().total, 1);
  const panel = await new Client(t.app).signIn(demoUsers.panel);
  const found = await panel.json('GET', '/api/search?q=ZEBRAQUARTZ');
  assert.equal(found.json().total, 1);
  const audited = await t.database.db.selectFrom('audit_log').select('summary').where('action', '=', 'read').where('record_type', '=', 'agenda-item').execute();
  assert.ok(audited.length >= 1, 'restricted reads are audited');
});

test('publishing a meeting makes its entries public; restricted ones stay hidden', async () => {
  await setMeetingPublic(t.database.db, t.partnershipId, meetingId, ['action'], true);
  assert.equal((await new Client(t.app).json('GET', '/api/search?q=PELICANMOSS')).json().total, 1);
  await setMeetingPublic(t.database.db, t.partnershipId, meetingId, ['agenda-item'], true);
  assert.equal((await new Client(t.app).json('GET', '/api/search?q=ZEBRAQUARTZ')).json().total, 0);
});

test('stored text is escaped in snippets; only the match marks are HTML', async () => {
  const res = (await new Client(t.app).json('GET', '/api/search?q=beware')).json();
  assert.equal(res.results.length, 1);
  // PostgreSQL's headline drops tags; whatever remains is escaped text.
  assert.doesNotMatch(res.results[0].snippetHtml, /<script/);
  assert.match(res.results[0].snippetHtml, /alert\(&quot;x&quot;\)/);
  const page = await new Client(t.app).get('/search?q=beware');
  assert.doesNotMatch(page.body, /<script>alert/);
});

test('the search page shows results, a count and an error for an impossible date', async () => {
  const page = await new Client(t.app).get('/search?q=marshals');
  assert.equal(page.statusCode, 200);
  assert.match(pageText(page.body), /\d+ results?/);
  const bad = await new Client(t.app).get('/search?q=marshals&from-day=31&from-month=2&from-year=2026');
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /The from date must be a real date/);
});

test('a search of only common words says there is nothing to look for', async () => {
  const page = await new Client(t.app).get('/search?q=the%20and%20of');
  assert.match(pageText(page.body), /has no words that can be looked for/);
});

test('a long paper gives a snippet from where the words are, however far into it', async () => {
  const c = new Client(t.app);
  const rare = (await c.json('GET', '/api/search?q=kestrelhawk')).json();
  assert.deepEqual(titles(rare), ['Annual strategic assessment']);
  assert.match(rare.results[0].snippetHtml, /<mark>kestrelhawk<\/mark>/);
  // "recovery" is stemmed to "recoveri": the snippet is still found where the word is.
  const stemmed = (await c.json('GET', '/api/search?q=recovery&kind=paper')).json();
  assert.match(stemmed.results[0].snippetHtml, /pandemic <mark>recovery<\/mark>/);
});
