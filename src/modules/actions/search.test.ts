import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('a new action is found by signed-in people in search, never by the public', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const board = await t.database.db.selectFrom('bodies').select('id').where('partnership_id', '=', t.partnershipId).where('kind', '=', 'board').executeTakeFirstOrThrow();
  const person = await t.database.db.selectFrom('people').select('id').where('partnership_id', '=', t.partnershipId).where('family_name', '=', 'Osei').executeTakeFirstOrThrow();
  const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const created = await officer.json('POST', '/api/actions', {
    bodyId: board.id, description: 'Circulate the QUOLLBRIDGE patrol figures to partners', ownerPersonId: person.id, dueOn: due,
  });
  assert.equal(created.statusCode, 201, created.body);
  const found = (await officer.json('GET', '/api/search?q=QUOLLBRIDGE')).json();
  assert.equal(found.total, 1);
  assert.equal(found.results[0].kind, 'action');
  assert.equal(found.results[0].url, `/actions/${created.json().id}`);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('GET', '/api/search?q=QUOLLBRIDGE')).json().total, 1);
  assert.equal((await new Client(t.app).json('GET', '/api/search?q=QUOLLBRIDGE')).json().total, 0);
});

test('restricted demo actions are found only by those entitled to the review panel', async () => {
  const restricted = await t.database.db.selectFrom('actions').select(['description']).where('partnership_id', '=', t.partnershipId).where('restricted', '=', true).executeTakeFirst();
  if (!restricted) return assert.fail('the demo has a restricted action');
  const word = restricted.description.split(/\W+/).filter((w) => w.length > 6)[0]!;
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const member = await new Client(t.app).signIn(demoUsers.member);
  const mine = (await officer.json('GET', `/api/search?q=${encodeURIComponent(`"${restricted.description.slice(0, 60)}"`)}&kind=action`)).json();
  assert.ok(mine.total >= 1, `officer finds "${word}"`);
  const theirs = (await member.json('GET', `/api/search?q=${encodeURIComponent(`"${restricted.description.slice(0, 60)}"`)}&kind=action`)).json();
  assert.equal(theirs.total, 0);
});
