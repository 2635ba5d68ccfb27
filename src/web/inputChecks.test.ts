// Characters no person types must get a clear 400, never a 500, on every route: a NUL
// byte (PostgreSQL refuses it), a line break or tab (Node refuses them in a header, and a
// browser strips a tab from a redirect address), broken UTF-8 and half a surrogate pair.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../test/support/app.ts';
import { appRoutes, fillRoute, sampleIds } from '../../test/support/routes.ts';
import { safeNext } from '../access/routes.ts';
import { parseFormStrictly } from './inputChecks.ts';
import { buildPdf, multipartBody } from '../modules/meetings/testing.ts';

let t: TestApp;
let ids: Record<string, string>;
before(async () => {
  t = await createTestApp();
  ids = await sampleIds(t.database.db, t.partnershipId);
});
after(async () => { await t.close(); });

/** Percent-encoded, as they arrive in a query string or a form body. */
const BAD_ENCODED = { nul: '%00', 'line break': 'a%0D%0Ab', tab: '%2F%09%2Fevil.example', 'broken UTF-8': '%FF%FE', 'encoded surrogate': '%ED%A0%80', 'bell': '%07' };
/** The same, as a JSON body carries them. */
const BAD_JSON = { nul: 'a\u0000b', 'lone surrogate': 'a\ud800b', bell: 'a\u0007b', escape: '\u001b[2J' };
const FIELDS = ['q', 'next', 'name', 'title', 'email', 'password', 'description', 'body', 'year', 'status', 'kind', 'role', 'display_name', 'given_name', 'family_name'];

test('the three cases the attack found answer 400 with a message, not 500', async () => {
  const c = new Client(t.app);
  const decisions = await c.get('/decisions?q=%00');
  assert.equal(decisions.statusCode, 400);
  assert.match(pageText(decisions.body), /contains a character that cannot be accepted/);

  await c.get('/sign-in');
  const nulEmail = await c.post('/sign-in', { email: 'a\u0000@northshire.example', password: 'whatever-it-is' });
  assert.equal(nulEmail.statusCode, 400);
  assert.match(pageText(nulEmail.body), /The email field contains a character that cannot be accepted/);
  // A line break in a form field is text (a text area has them), but never an address.
  const lineBreak = await c.post('/sign-in', { email: demoUsers.member, password: 'northshire-demo-2026', next: '/a\r\nSet-Cookie: x=1' });
  assert.equal(lineBreak.statusCode, 303);
  assert.equal(lineBreak.headers.location, '/');
  assert.equal(lineBreak.headers['set-cookie']?.toString().includes('x=1'), false);

  const officer = await new Client(t.app).signIn(demoUsers.officer);
  await officer.get('/organisations/new');
  const organisation = await officer.post('/organisations/new', { name: 'Null\u0000 Council', kind: 'other' });
  assert.equal(organisation.statusCode, 400);
  assert.match(pageText(organisation.body), /The name field contains a character that cannot be accepted/);
  const api = await officer.json('POST', '/api/organisations', { name: 'Half \ud800 a pair', kind: 'other' });
  assert.equal(api.statusCode, 400);
  assert.equal(api.json().errors[0].field, 'name');
  const names = await t.database.db.selectFrom('organisations').select('name').where('name', 'like', '%Null%').execute();
  assert.deepEqual(names, [], 'nothing was written');
});

test('a redirect after sign-in stays on this site: a tab, line break or backslash sends you home', async () => {
  for (const bad of ['/\t/evil.example', '/\\evil.example', '//evil.example', '/a\r\nb', '/ok path', 'https://evil.example/', '/\u0000']) {
    assert.equal(safeNext(bad), '/', JSON.stringify(bad));
  }
  for (const good of ['/organisations', '/meetings/abc?tab=minutes#item-3', '/search?q=road%20safety']) assert.equal(safeNext(good), good);
  const c = new Client(t.app);
  await c.get('/sign-in');
  const res = await c.post('/sign-in', { email: demoUsers.member, password: 'northshire-demo-2026', next: '/\t/evil.example' });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/');
});

test('form bodies are read strictly: broken UTF-8 is refused, repeated names become a list', () => {
  assert.deepEqual(parseFormStrictly('a=1&b=x+y&a=2&c'), { a: ['1', '2'], b: 'x y', c: '' });
  assert.throws(() => parseFormStrictly('name=%FF'), /cannot be accepted/);
});

test('every route, asked with bad characters in its query string, answers without a server error', async () => {
  const routes = appRoutes(t.app).filter((r) => r.methods.includes('GET'));
  assert.ok(routes.length > 80, `only ${routes.length} routes`);
  const clients = [new Client(t.app), await new Client(t.app).signIn(demoUsers.administrator)];
  const failures: string[] = [];
  let refused = 0;
  for (const client of clients) {
    for (const { path } of routes) {
      const url = fillRoute(path, ids);
      for (const [name, bad] of Object.entries(BAD_ENCODED)) {
        const res = await client.get(`${url}?${FIELDS.map((f) => `${f}=${bad}`).join('&')}`);
        if (res.statusCode >= 500) failures.push(`GET ${url} with ${name}: ${res.statusCode}`);
        if (res.statusCode === 400) refused++;
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(refused >= routes.length * 2 * Object.keys(BAD_ENCODED).length * 0.9, `only ${refused} requests refused`);
});

/**
 * A route that refuses this reader before its body is read (an upload gate asking the
 * policy as the request arrives) answers bad characters as it answers a clean body: 403 or
 * 404, refused by access rather than by the characters, and nothing is written either way.
 */
async function refusedAnyway(status: number, clean: () => Promise<{ statusCode: number }>): Promise<boolean> {
  if (status !== 403 && status !== 404) return false;
  return (await clean()).statusCode === status;
}

test('every form and API route, sent bad characters in its body, answers without a server error and changes nothing', async () => {
  const routes = appRoutes(t.app).filter((r) => r.methods.some((m) => ['POST', 'PUT', 'DELETE'].includes(m)));
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  await admin.get('/account');
  const auditBefore = await auditCount();
  const failures: string[] = [];
  for (const { path, methods } of routes) {
    if (path === '/sign-out') continue;
    const url = fillRoute(path, ids);
    if (url.startsWith('/api/')) {
      for (const method of methods.filter((m): m is 'POST' | 'PUT' => m === 'POST' || m === 'PUT')) {
        for (const [name, bad] of Object.entries(BAD_JSON)) {
          const res = await admin.json(method, url, Object.fromEntries(FIELDS.map((f) => [f, bad])));
          if (res.statusCode !== 400 && !(await refusedAnyway(res.statusCode, () => admin.json(method, url, Object.fromEntries(FIELDS.map((f) => [f, 'plain'])))))) {
            failures.push(`${method} ${url} with ${name}: ${res.statusCode}`);
          }
        }
      }
    } else if (methods.includes('POST')) {
      for (const [name, bad] of Object.entries(BAD_ENCODED)) {
        if (name === 'tab' || name === 'line break') continue; // allowed in a text area: tried below
        const raw = await t.app.inject({
          method: 'POST', url, payload: `_csrf=${encodeURIComponent(csrfOf(admin))}&${FIELDS.map((f) => `${f}=${bad}`).join('&')}`,
          headers: { host: 'localhost', cookie: admin.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        });
        const clean = () => t.app.inject({
          method: 'POST', url, payload: `_csrf=${encodeURIComponent(csrfOf(admin))}&${FIELDS.map((f) => `${f}=plain`).join('&')}`,
          headers: { host: 'localhost', cookie: admin.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        });
        if (raw.statusCode !== 400 && !(await refusedAnyway(raw.statusCode, clean))) failures.push(`POST ${url} with ${name}: ${raw.statusCode}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(await auditCount(), auditBefore, 'no refused request wrote anything');
});

test('tabs and line breaks in form fields are text, and no route fails on them', async () => {
  const routes = appRoutes(t.app).filter((r) => r.methods.includes('POST') && !r.path.startsWith('/api/'));
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const failures: string[] = [];
  for (const { path } of routes) {
    if (path === '/sign-out') continue;
    const url = fillRoute(path, ids);
    await officer.get('/account');
    const res = await officer.post(url, Object.fromEntries(FIELDS.map((f) => [f, f === 'next' ? '/\t/evil.example' : 'Line one\r\nline\ttwo'])));
    if (res.statusCode >= 500) failures.push(`POST ${url}: ${res.statusCode}`);
  }
  assert.deepEqual(failures, []);
});

const auditCount = async () => Number((await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
/** The form token the client would send: read from the last page it fetched. */
function csrfOf(client: Client): string {
  return (client as unknown as { csrf: string }).csrf;
}

test('a control character in an uploaded file’s name is dropped, and one in a field of the upload form is refused, never a server error', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const bodyId = (await officer.json('GET', '/api/bodies')).json().items[0].id as string;
  const meeting = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: '2031-03-11', startsAt: '10:00', online: true })).json();
  const sections = (await officer.json('GET', `/api/meetings/${meeting.id}/sections`)).json().items as { code: string; id: string }[];
  const item = (await officer.json('POST', `/api/meetings/${meeting.id}/items`, { sectionId: sections.find((s) => s.code === 'B')!.id, title: 'Street lighting' })).json();
  const page = await officer.get(`/meetings/${meeting.id}/items/${item.id}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const send = async (title: string, name: string) => {
    const { payload, contentType } = multipartBody({ _csrf: csrf, title }, { name, type: 'application/pdf', bytes: await buildPdf(['Street lighting report']) });
    return t.app.inject({ method: 'POST', url: `/meetings/${meeting.id}/items/${item.id}/papers`, payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType } });
  };
  const papers = () => t.database.db.selectFrom('papers').select(['title', 'file_name']).where('meeting_id', '=', meeting.id).execute();

  const badTitle = await send('Lighting\u0000 report', 'lighting.pdf');
  assert.equal(badTitle.statusCode, 400);
  assert.match(pageText(badTitle.body), /The title field contains a character that cannot be accepted/);
  assert.deepEqual(await papers(), [], 'nothing was written');

  const badName = await send('Lighting report', 'light\u0000ing\u0007.pdf');
  assert.equal(badName.statusCode, 303, pageText(badName.body).slice(0, 300));
  assert.deepEqual(await papers(), [{ title: 'Lighting report', file_name: 'lighting.pdf' }]);

  // The import upload keeps the name the same way.
  const importPage = await officer.get('/imports/new');
  const importCsrf = /name="_csrf" value="([^"]+)"/.exec(importPage.body)?.[1] ?? '';
  const boundary = '----nulname';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${importCsrf}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="notes\u0000\u001b.txt"\r\nContent-Type: text/plain\r\n\r\nMinutes of the meeting held on 3 March 2031\r\n--${boundary}--\r\n`),
  ]);
  const imported = await t.app.inject({ method: 'POST', url: '/imports/new', payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.ok(imported.statusCode < 500, `the import upload answered ${imported.statusCode}`);
  const db = t.database.db;
  const names = [...await db.selectFrom('job_files').select('file_name').execute(), ...await db.selectFrom('documents').select('file_name').execute()].map((r) => r.file_name);
  assert.ok(names.includes('notes.txt'), `the file is kept under its cleaned name: ${JSON.stringify(names)}`);
  assert.ok(!names.some((n) => /[\u0000-\u001f]/.test(n)), `no stored file name holds a control character: ${JSON.stringify(names)}`);
});
