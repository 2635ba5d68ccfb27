import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('the public home page shows the bodies and the next meetings, and nothing that needs attention', async () => {
  const res = await new Client(t.app).get('/');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /Working Group/);
  assert.match(text, /Next meetings/);
  assert.doesNotMatch(text, /Needs attention/);
});

test('an officer sees overdue actions, reviews due and unsigned agreements on the home page', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const text = pageText((await officer.get('/')).body);
  assert.match(text, /Needs attention/);
  // The demo has the Working Group's terms of reference overdue and four organisations yet to sign.
  assert.match(text, /Terms of reference due for review \d+ \([1-9]\d* overdue\)/);
  assert.match(text, /Organisations yet to sign the latest sharing agreement 4/);
  assert.match(text, /Overdue actions [1-9]/);
});
