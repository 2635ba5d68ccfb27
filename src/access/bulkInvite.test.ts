import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../mail/smtpTestServer.ts';
import { multipartBody } from '../modules/meetings/testing.ts';

let t: TestApp;
let smtp: SmtpTestServer;
before(async () => {
  smtp = await startSmtpTestServer();
  t = await createTestApp();
  t.app.config.smtpUrl = smtp.url;
});
after(async () => {
  await t.close();
  await smtp.close();
});

const userCount = async () => Number((await t.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

async function upload(c: Client, csv: string) {
  const page = await c.get('/admin/users/import');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const { payload, contentType } = multipartBody({ _csrf: csrf }, { name: 'people.csv', type: 'text/csv', bytes: Buffer.from(csv) });
  return t.app.inject({ method: 'POST', url: '/admin/users/import', payload, headers: { 'content-type': contentType, cookie: c.cookieHeader() } });
}

test('a CSV with any wrong row shows every problem by row and column, and creates nobody', async () => {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  assert.match(pageText((await admin.get('/admin/users')).body), /Invite several from a CSV file/);
  const before = await userCount();
  const res = await upload(admin, [
    'Name,Email,Role,Bodies',
    'Ada Quill,ada.quill@northshire.example,member,Working Group',
    ',not-an-address,owner,',
    'Ben Quill,ada.quill@northshire.example,officer,Nowhere Board',
    'Cy Quill,officer@northshire.example,member,',
  ].join('\n'));
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  assert.match(text, /There is a problem 6 problems in the file: nobody has been invited/);
  assert.match(text, /3 name Enter the name to show for this person/);
  assert.match(text, /3 email "not-an-address" is not an email address in the correct format/);
  assert.match(text, /3 role The role must be administrator, officer or member, not "owner"/);
  assert.match(text, /4 email ada.quill@northshire.example is also in row 2/);
  assert.match(text, /4 bodies There is no body called "Nowhere Board"/);
  assert.match(text, /5 email A user with the address officer@northshire.example already exists/);
  assert.equal(await userCount(), before);
  assert.equal(smtp.messages.length, 0);
  const noColumns = await upload(admin, 'who,where\nx,y\n');
  assert.match(pageText(noColumns.body), /The first row must name the columns: name, email, role and \(if you wish\) bodies. Missing: name, email, role/);
});

test('a correct CSV is previewed, then everyone is created with their grants and sent their own link', async () => {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  const before = await userCount();
  const res = await upload(admin, '\uFEFFname,email,role,bodies\r\nAda Quill,Ada.Quill@northshire.example,Member,Working Group; Review Steering Group\r\nBen Quill,ben.quill@northshire.example,officer,\r\n');
  assert.equal(res.statusCode, 200);
  const text = pageText(res.body);
  assert.match(text, /From people.csv: 2 people. Nobody has been invited yet/);
  assert.match(text, /2 Ada Quill ada.quill@northshire.example Member Working Group, Review Steering Group/);
  assert.match(text, /3 Ben Quill ben.quill@northshire.example Officer None/);
  assert.equal(await userCount(), before, 'nothing before confirming');
  const cells = /name="cells" value="([^"]+)"/.exec(res.body)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#39;/g, "'");
  await admin.get('/admin/users/import');
  const applied = await admin.post('/admin/users/import/apply', { cells });
  assert.equal(applied.statusCode, 303);
  assert.match(pageText((await admin.get('/admin/users')).body), /2 people have been invited. Each has been sent an e-mail/);
  assert.equal(await userCount(), before + 2);
  await smtp.waitFor(2);
  const ada = smtp.messages.find((m) => m.envelopeTo.includes('ada.quill@northshire.example'))!;
  assert.match(ada.text, /\/set-up\/[A-Za-z0-9_-]+/);
  const id = (await t.database.db.selectFrom('users').select('id').where('email', '=', 'ada.quill@northshire.example').executeTakeFirstOrThrow()).id;
  const grants = await t.database.db.selectFrom('access_grants').select('scope_kind').where('user_id', '=', id).execute();
  assert.equal(grants.length, 2);
  const audit = await t.database.db.selectFrom('audit_log').select('action').where('record_id', '=', id).execute();
  assert.deepEqual(audit.map((a) => a.action).sort(), ['create', 'grant access', 'grant access']);
  // The same file again: everyone exists now, so nothing is created.
  const again = await admin.post('/admin/users/import/apply', { cells });
  assert.equal(again.statusCode, 400);
  assert.match(pageText(again.body), /Nobody has been invited/);
  assert.equal(await userCount(), before + 2);
  // Members and officers may not.
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.equal((await officer.get('/admin/users/import')).statusCode, 403);
});

test('the API checks CSV text, then invites everyone or nobody', async () => {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  const bad = 'name,email,role\nDee Quill,dee.quill@northshire.example,member\nEd Quill,,member\n';
  const checked = await admin.json('POST', '/api/users/import', { csv: bad });
  assert.equal(checked.statusCode, 200);
  assert.deepEqual(checked.json().problems, [{ row: 3, column: 'email', message: 'Enter an email address' }]);
  const before = await userCount();
  const refused = await admin.json('POST', '/api/users/import', { csv: bad, apply: true });
  assert.equal(refused.statusCode, 422);
  assert.equal(await userCount(), before);
  const good = await admin.json('POST', '/api/users/import', { csv: 'name,email,role\nDee Quill,dee.quill@northshire.example,member\n', apply: true });
  assert.equal(good.statusCode, 200);
  assert.equal(good.json().invited, 1);
  assert.equal(await userCount(), before + 1);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('POST', '/api/users/import', { csv: bad })).statusCode, 403);
});
