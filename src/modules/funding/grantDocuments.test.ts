// The funder's documents of a grant (the offer letter, the agreement, its terms), through
// HTTP: an officer adds one (a file that is not what its name says, or no title, refused,
// nothing kept); it is listed on the grant page and in the API for signed-in people and
// downloaded byte for byte, each download audited; the public sees neither the list nor
// the file; a member cannot add one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { postMultipart, SAMPLE_PDF } from './testing.ts';

let t: TestApp;
let grantId = '';
before(async () => {
  t = await createTestApp();
  grantId = (await t.database.db.selectFrom('grants').select('id').where('partnership_id', '=', t.partnershipId).orderBy('financial_year', 'desc').executeTakeFirstOrThrow()).id;
});
after(async () => { await t?.close(); });

const count = async () => Number((await t.database.db.selectFrom('funding_grant_documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

test('an officer adds the funder\'s grant agreement; signed-in people read it byte for byte, audited; the public sees nothing of it', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const url = `/funding/grants/${grantId}/documents/new`;
  assert.match(pageText((await officer.get(`/funding/grants/${grantId}`)).body), /The funder's documents None added\. Add a funder's document/);
  const form = await officer.get(url);
  assert.equal(form.statusCode, 200);

  const wrong = await postMultipart(t.app, officer, url, url, { title: 'Grant agreement' }, { name: 'agreement.docx', bytes: '%PDF-1.4 not a Word document' });
  assert.equal(wrong.statusCode, 400);
  assert.match(pageText(wrong.body), /agreement\.docx is not the kind of file its name says \(\.docx\)/);
  const untitled = await postMultipart(t.app, officer, url, url, { title: ' ' }, { name: 'agreement.pdf', bytes: SAMPLE_PDF });
  assert.equal(untitled.statusCode, 400);
  assert.match(pageText(untitled.body), /Enter what the document is/);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await postMultipart(t.app, member, `/funding/grants/${grantId}`, url, { title: 'Grant agreement' }, { name: 'agreement.pdf', bytes: SAMPLE_PDF })).statusCode, 403);
  assert.equal(await count(), 0, 'nothing kept');

  const ok = await postMultipart(t.app, officer, url, url, { title: 'Grant agreement, signed' }, { name: 'agreement.pdf', bytes: SAMPLE_PDF });
  assert.equal(ok.statusCode, 303, ok.body);
  assert.equal(await count(), 1);
  const page = await member.get(`/funding/grants/${grantId}`);
  assert.match(pageText(page.body), /The funder's documents Grant agreement, signed \(agreement\.pdf/);
  const api = (await member.json('GET', `/api/funding/grants/${grantId}/documents`)).json() as { items: { title: string; sha256: string; href: string }[] };
  const sha = createHash('sha256').update(SAMPLE_PDF).digest('hex');
  assert.deepEqual(api.items.map((d) => [d.title, d.sha256]), [['Grant agreement, signed', sha]]);
  const file = await member.get(api.items[0]!.href);
  assert.equal(file.statusCode, 200);
  assert.equal(file.headers['content-type'], 'application/pdf');
  assert.equal(createHash('sha256').update(file.rawPayload).digest('hex'), sha, 'the bytes as sent');
  const reads = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'funding-grant-document').where('action', '=', 'read').execute();
  assert.deepEqual(reads.map((r) => r.summary), ["Downloaded the funder's document Grant agreement, signed"]);

  const anyone = new Client(t.app);
  assert.doesNotMatch(pageText((await anyone.get(`/funding/grants/${grantId}`)).body), /funder's documents|Grant agreement, signed/);
  assert.notEqual((await anyone.get(api.items[0]!.href)).statusCode, 200);
  assert.notEqual((await anyone.json('GET', `/api/funding/grants/${grantId}/documents`)).statusCode, 200);
});
