// An article's image uploaded with it: checked by its bytes and size (nothing added when
// wrong), kept on this site, shown to officers while the issue is a draft and to everyone
// once it is sent, in the e-mail (by its full address) and on the public archive page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../mail/smtpTestServer.ts';

let t: TestApp;
let smtp: SmtpTestServer;
let officer: Client;
let issueId = '';
const db = () => t.database.db;
// A 1 x 1 pixel PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

before(async () => {
  t = await createTestApp();
  smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  t.app.config.bulletinRate = 0;
  officer = await new Client(t.app).signIn(demoUsers.officer);
  const listId = (await db().selectFrom('engagement_lists').select('id').where('name', '=', 'Monthly bulletin').executeTakeFirstOrThrow()).id;
  await officer.get('/engagement/bulletins/new');
  const made = await officer.post('/engagement/bulletins/new', { title: 'Bulletin with pictures', list_id: listId });
  issueId = made.headers.location!.split('/').pop()!;
});
after(async () => {
  await t?.close();
  await smtp?.close();
});

/** Posts the article form as a browser does when a file is chosen: multipart, token first. */
async function postArticle(fields: Record<string, string>, image: { name: string; type: string; bytes: Buffer } | null) {
  const page = await officer.get(`/engagement/bulletins/${issueId}`);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const boundary = `----article${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries({ _csrf: token, ...fields })) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (image) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${image.name}"\r\nContent-Type: ${image.type}\r\n\r\n`), image.bytes, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return t.app.inject({ method: 'POST', url: `/engagement/bulletins/${issueId}/articles`, payload: Buffer.concat(parts), headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

const articleCount = async () => Number((await db().selectFrom('engagement_articles').select((eb) => eb.fn.countAll().as('n')).where('issue_id', '=', issueId).executeTakeFirstOrThrow()).n);

test('an image that is not a PNG or JPEG, too large, or without a description is refused and nothing is added', async () => {
  const article = { section: 'News', title: 'New lighting', body: 'The underpass is lit again.', image_alt: 'The lit underpass' };
  const text = await postArticle(article, { name: 'photo.png', type: 'image/png', bytes: Buffer.from('not a picture at all') });
  assert.equal(text.statusCode, 400);
  assert.match(pageText(text.body), /The image must be a PNG or a JPEG/);
  const big = await postArticle(article, { name: 'big.png', type: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]) });
  assert.equal(big.statusCode, 400);
  assert.match(pageText(big.body), /The image must be smaller than 1 MB/);
  const noAlt = await postArticle({ ...article, image_alt: '' }, { name: 'dot.png', type: 'image/png', bytes: PNG });
  assert.equal(noAlt.statusCode, 400);
  assert.match(pageText(noAlt.body), /Describe the image for people who cannot see it/);
  assert.equal(await articleCount(), 0);
  assert.equal(Number((await db().selectFrom('engagement_images').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 0);
});

test('an uploaded image is kept byte for byte, seen by officers on the draft, by everyone once sent, and is in the e-mail', async () => {
  const added = await postArticle({ section: 'News', title: 'New lighting', body: 'The underpass is lit again.', image_alt: 'The lit underpass' }, { name: 'dot.png', type: 'image/png', bytes: PNG });
  assert.equal(added.statusCode, 303, pageText(added.body).slice(0, 300));
  const row = await db().selectFrom('engagement_articles').select(['image_url', 'image_alt']).where('issue_id', '=', issueId).executeTakeFirstOrThrow();
  assert.match(row.image_url!, /^\/bulletins\/images\/[0-9a-f-]{36}$/);
  const asOfficer = await officer.get(row.image_url!);
  assert.equal(asOfficer.statusCode, 200);
  assert.equal(asOfficer.headers['content-type'], 'image/png');
  assert.deepEqual(asOfficer.rawPayload, PNG);
  assert.match((await officer.get(`/engagement/bulletins/${issueId}`)).body, new RegExp(`<img src="${row.image_url}" alt="The lit underpass"`));
  assert.equal((await new Client(t.app).get(row.image_url!)).statusCode, 404, 'a draft’s image is not public');

  await officer.get(`/engagement/bulletins/${issueId}`);
  const sent = await officer.post(`/engagement/bulletins/${issueId}/send`, {});
  assert.equal(sent.statusCode, 303);
  for (let i = 0; i < 400; i++) {
    if ((await db().selectFrom('engagement_issues').select('status').where('id', '=', issueId).executeTakeFirstOrThrow()).status === 'sent') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const pub = new Client(t.app);
  const image = await pub.get(row.image_url!);
  assert.equal(image.statusCode, 200);
  assert.deepEqual(image.rawPayload, PNG);
  const number = (await db().selectFrom('engagement_issues').select('number').where('id', '=', issueId).executeTakeFirstOrThrow()).number;
  assert.match((await pub.get(`/bulletins/${number}`)).body, new RegExp(`<img src="${row.image_url}" alt="The lit underpass"`));
  const mail = (await smtp.waitFor(1)).find((m) => (m.headers.get('subject') ?? '').includes('Bulletin with pictures'));
  assert.ok(mail, 'the issue was e-mailed');
  assert.match(mail.html ?? '', new RegExp(`src="https?://[^"]+${row.image_url}"`), 'the e-mail loads the image from this site by its full address');
  assert.match(mail.html ?? '', /alt="The lit underpass"/);
});
