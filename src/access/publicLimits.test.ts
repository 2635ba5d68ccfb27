// Requests without an account that add a record or send an e-mail are limited per client
// address (src/access/publicLimits.ts): the 21st bulletin sign-up from one address in a
// quarter of an hour is refused with a clear 429 and adds nothing; registrations for
// sessions have their own count; someone signed in is not counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../test/support/app.ts';
import { PUBLIC_WRITE_LIMIT } from './publicLimits.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t?.close(); });

test('one address may make only so many public sign-ups in the window; then a clear refusal that changes nothing', async () => {
  const anyone = new Client(t.app);
  await anyone.get('/bulletins/sign-up');
  for (let i = 0; i < PUBLIC_WRITE_LIMIT.perAddress; i++) {
    // Without an address each is refused for its own reason, and still counted.
    const res = await anyone.post('/bulletins/sign-up', { email: '', agree: 'yes' });
    assert.notEqual(res.statusCode, 429, `request ${i + 1}`);
  }
  const subscribers = (await t.database.db.selectFrom('engagement_subscribers').select('id').execute()).length;
  const refused = await anyone.post('/bulletins/sign-up', { email: 'one.more@example.org', agree: 'yes' });
  assert.equal(refused.statusCode, 429);
  assert.match(pageText(refused.body), /Too many requests from your network\. Wait 15 minutes, then try again\./);
  assert.equal((await t.database.db.selectFrom('engagement_subscribers').select('id').execute()).length, subscribers, 'nothing added');

  // Registering for a session is counted apart; the API answers a problem document.
  const session = await t.database.db.selectFrom('engagement_sessions').select('id').where('audience', '=', 'public').where('starts_at', '>', new Date()).executeTakeFirstOrThrow();
  const api = await anyone.json('POST', `/api/events/${session.id}/registrations`, { name: '', email: 'x' });
  assert.notEqual(api.statusCode, 429);
  // Officers are not counted.
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  await officer.get('/bulletins/sign-up');
  assert.notEqual((await officer.post('/bulletins/sign-up', { email: '', agree: 'yes' })).statusCode, 429);
});
