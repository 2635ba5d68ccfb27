// The partnership's own face: two partnerships in one deployment each show their own
// brand; no page carries GOV.UK's crown, Crown copyright or its font; a logo must be a real
// PNG or an SVG made safe; the statutory pages say what the regulations ask, from what an
// administrator wrote; bad input changes nothing; every change is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { seedDemoPartnership } from '../../demo/seed.ts';
import type { Database } from '../../db/database.ts';
import { createTestDatabase } from '../../../test/support/database.ts';
import { Client, pageText } from '../../../test/support/app.ts';
import { appRoutes, fillRoute, sampleIds } from '../../../test/support/routes.ts';
import { multipartBody } from '../meetings/testing.ts';
import { contrast, parseColour, sanitiseSvg } from './domain.ts';

const NORTH = 'north.example';
const SOUTH = 'south.example';
let database: Database;
let app: FastifyInstance;
let northId: string;
let southId: string;

before(async () => {
  database = await createTestDatabase();
  northId = (await seedDemoPartnership(database.db, { slug: 'northshire', name: 'Northshire Community Safety Partnership', shortName: 'Northshire CSP', hostname: NORTH })).partnershipId;
  southId = (await seedDemoPartnership(database.db, {
    slug: 'southmoor', name: 'Southmoor Community Safety Partnership', shortName: 'Southmoor CSP', hostname: SOUTH, emailDomain: 'southmoor.example',
  })).partnershipId;
  app = await buildApp({ db: database.db, config: loadConfig({ SESSION_SECRET: 'site-secret-site-secret-site-secret-000', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), logger: false });
  await app.ready();
});
after(async () => {
  await app?.close();
  await database?.close();
});

/** An administrator with the admin page open (its form's token is tied to the session). */
async function admin(host: string, domain: string): Promise<Client> {
  const client = await new Client(app, host).signIn(`admin@${domain}`);
  const page = await client.get('/admin/site');
  assert.equal(page.statusCode, 200, pageText(page.body).slice(0, 600));
  return client;
}
const PNG_1X1 = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201e2a7a1a50000000049454e44ae426082', 'hex');

async function uploadLogo(client: Client, host: string, file: { name: string; type: string; bytes: Buffer }, alt = 'Southmoor CSP') {
  const page = await client.get('/admin/site');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const { payload, contentType } = multipartBody({ _csrf: csrf, logo_alt: alt }, file);
  return app.inject({ method: 'POST', url: '/admin/site/logo', payload, headers: { host, cookie: client.cookieHeader(), 'content-type': contentType } });
}

test('two partnerships in one deployment each show their own name, colour, logo, copyright and footer links', async () => {
  const north = await admin(NORTH, 'northshire.example');
  const south = await admin(SOUTH, 'southmoor.example');
  const saved = await south.post('/admin/site/brand', {
    colour: '#5A2D82', copyright_holder: 'Southmoor Borough Council', data_licence_name: 'Open Government Licence v3.0',
    data_licence_url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/', footer_links: 'Southmoor Council | https://www.southmoor.example.gov.uk', logo_alt: 'Southmoor CSP',
  });
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 400));
  assert.equal((await uploadLogo(south, SOUTH, { name: 'logo.png', type: 'image/png', bytes: PNG_1X1 })).statusCode, 303);

  const northHome = await new Client(app, NORTH).get('/');
  const southHome = await new Client(app, SOUTH).get('/');
  // The demo's own brand for the north (demo data), the one just saved for the south.
  assert.match(pageText(northHome.body), /© Northshire County Council/);
  assert.match(pageText(southHome.body), /© Southmoor Borough Council/);
  assert.doesNotMatch(southHome.body, /Northshire/);
  assert.doesNotMatch(northHome.body, /Southmoor/);
  assert.match(southHome.body, /<a class="govuk-footer__link" href="https:\/\/www.southmoor.example.gov.uk">Southmoor Council<\/a>/);
  assert.match(southHome.body, /<img class="app-header__logo" src="\/brand\/logo\?v=[0-9a-f]{12}" alt="Southmoor CSP">/);
  assert.match(northHome.body, /govuk-generic-header__homepage-link app-header__brand">Northshire Community Safety Partnership</);

  const northTheme = await new Client(app, NORTH).get(/href="(\/brand\/theme\.css[^"]*)"/.exec(northHome.body)![1]!);
  const southTheme = await new Client(app, SOUTH).get(/href="(\/brand\/theme\.css[^"]*)"/.exec(southHome.body)![1]!);
  assert.match(southTheme.body, /--govuk-brand-colour:#5a2d82/);
  assert.match(northTheme.body, /--govuk-brand-colour:#1d5c4f/);
  const logo = await new Client(app, SOUTH).get('/brand/logo');
  assert.equal(logo.headers['content-type'], 'image/png');
  assert.deepEqual(logo.rawPayload, PNG_1X1);
  assert.equal((await new Client(app, NORTH).get('/brand/logo')).statusCode, 404, 'the north has no logo: the south’s is not served there');
  const icon = await new Client(app, SOUTH).get('/brand/icon.svg');
  assert.match(icon.body, /fill="#5a2d82"/);
  assert.match(icon.body, />SC</);

  const api = (await north.json('GET', '/api/site/brand')).json();
  assert.equal(api.colour, '#1d5c4f');
  assert.equal(api.logoUrl, null);
  const audit = await database.db.selectFrom('audit_log').select(['summary', 'record_type']).where('partnership_id', '=', southId).where('record_type', '=', 'site-brand').execute();
  assert.deepEqual(audit.map((a) => a.summary).sort(), ['Brand changed', 'Logo replaced (image/png, 70 bytes)']);
});

test('no page carries the GOV.UK crown, the Royal Arms, Crown copyright or the GDS Transport font, and GOV.UK’s own files are not served', async () => {
  const officer = await new Client(app, NORTH).signIn('officer@northshire.example');
  const ids = await sampleIds(database.db, northId);
  const urls = appRoutes(app).filter((r) => r.methods.includes('GET') && !r.path.startsWith('/api/') && !/\.(csv|xlsx|json|atom|ics|pdf|zip|docx)$/.test(r.path))
    .map((r) => fillRoute(r.path, ids));
  let pages = 0;
  for (const url of urls) {
    const res = await officer.get(url);
    if (!String(res.headers['content-type'] ?? '').startsWith('text/html')) continue;
    pages++;
    for (const forbidden of [/Crown copyright/i, /govuk-footer__crown/, /govuk-crest/, /govuk-logo/, /GDS Transport/, /govuk-frontend\.min\.css/, /\/assets\/images\//, /\/assets\/fonts\//]) {
      assert.doesNotMatch(res.body, forbidden, `${url} carries ${forbidden}`);
    }
  }
  assert.ok(pages > 60, `only ${pages} pages were read`);
  const css = await officer.get('/static/govuk-frontend.css');
  assert.equal(css.statusCode, 200);
  assert.doesNotMatch(css.body, /GDS Transport|@font-face/);
  assert.match(css.body, /font-family:arial,helvetica,sans-serif/);
  for (const gone of ['/assets/govuk-frontend.min.css', '/assets/fonts/light-94a07e06a1-v2.woff2', '/assets/images/govuk-crest.svg', '/assets/images/favicon.ico']) {
    assert.equal((await officer.get(gone)).statusCode, 404, `${gone} is not served`);
  }
  assert.equal((await officer.get('/assets/govuk-frontend.min.js')).statusCode, 200, 'GOV.UK Frontend’s script still is');
});

test('the committed stylesheet was built from the installed GOV.UK Frontend (run npm run build:css after an upgrade)', () => {
  const require = createRequire(import.meta.url);
  const installed = JSON.parse(readFileSync(require.resolve('govuk-frontend/package.json'), 'utf8')).version;
  const built = readFileSync(new URL('../../web/static/govuk-frontend.css', import.meta.url), 'utf8');
  assert.match(built.split('\n')[0]!, new RegExp(`GOV.UK Frontend ${installed.replace(/\./g, '\\.')},`));
});

test('a logo must be a PNG or an SVG: a renamed text file, an empty file and a large one are refused and change nothing; an SVG keeps its drawing and loses its script', async () => {
  const north = await admin(NORTH, 'northshire.example');
  const refusals: [Buffer, string, RegExp][] = [
    [Buffer.from('not really a picture'), 'logo.png', /The logo must be a PNG or an SVG image/],
    [Buffer.alloc(0), 'logo.png', /The selected file is empty|Select a PNG or SVG file of the logo/],
    [Buffer.concat([PNG_1X1, Buffer.alloc(300 * 1024)]), 'big.png', /The logo must be smaller than 200 KB/],
  ];
  for (const [bytes, name, message] of refusals) {
    const res = await uploadLogo(north, NORTH, { name, type: 'image/png', bytes });
    assert.equal(res.statusCode, 400, name);
    assert.match(pageText(res.body), message);
    assert.match(res.body, /govuk-error-summary/);
  }
  assert.equal((await new Client(app, NORTH).get('/brand/logo')).statusCode, 404, 'no logo was kept');

  const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script>'
    + '<a href="https://evil.example/"><rect width="10" height="10" fill="#fff"/></a><circle cx="5" cy="5" r="3" fill="#fff"/><foreignObject><p>hi</p></foreignObject></svg>';
  assert.equal((await uploadLogo(north, NORTH, { name: 'logo.svg', type: 'image/svg+xml', bytes: Buffer.from(svg) }, 'Northshire CSP')).statusCode, 303);
  const served = await new Client(app, NORTH).get('/brand/logo');
  assert.equal(served.headers['content-type'], 'image/svg+xml');
  assert.doesNotMatch(String(served.headers['content-security-policy']), /script-src[^;]*unsafe-inline/, 'opened on its own, the SVG may run no inline script');
  assert.match(served.body, /<circle/);
  for (const gone of [/<script/i, /onload/i, /evil\.example/, /foreignObject/i, /<a\b/]) assert.doesNotMatch(served.body, gone);
  assert.equal(sanitiseSvg('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), null, 'an SVG with nothing left to draw is refused');

  const member = await new Client(app, NORTH).signIn('member@northshire.example');
  assert.equal((await member.get('/admin/site')).statusCode, 403);
  assert.equal((await member.json('PUT', '/api/site/brand', { colour: '#000000', copyright_holder: 'x', data_licence_name: 'x', data_licence_url: 'https://x.example' })).statusCode, 403);
});

test('a brand colour too light for white text, or not a colour, is refused with the contrast it has; nothing changes', async () => {
  assert.equal(parseColour('#FFF'), '#ffffff');
  assert.equal(parseColour('1D70B8'), '#1d70b8');
  assert.equal(parseColour('blue'), null);
  // GOV.UK blue on white is 5.17 to 1; yellow is far below 4.5.
  assert.equal(contrast('#1d70b8', '#ffffff').toFixed(2), '5.17');
  assert.ok(contrast('#ffdd00', '#ffffff') < 1.5);
  const north = await admin(NORTH, 'northshire.example');
  const before = (await north.json('GET', '/api/site/brand')).json();
  const base = { copyright_holder: 'Northshire County Council', data_licence_name: 'OGL', data_licence_url: 'https://example.org/licence' };
  const light = await north.post('/admin/site/brand', { ...base, colour: '#ffdd00' });
  assert.equal(light.statusCode, 400);
  assert.match(pageText(light.body), /The brand colour is too light for white text on it \(contrast 1\.\d to 1; it must be at least 4\.5 to 1\)/);
  const word = await north.post('/admin/site/brand', { ...base, colour: 'green', footer_links: 'just words' });
  assert.match(pageText(word.body), /Enter the brand colour as a hex code of 6 digits/);
  assert.match(pageText(word.body), /Line 1: write each link as its text, a bar and its address/);
  const api = await north.json('PUT', '/api/site/brand', { ...base, colour: '#eeeeee' });
  assert.equal(api.statusCode, 400);
  assert.deepEqual((await north.json('GET', '/api/site/brand')).json(), before);
});

test('the accessibility statement has the parts the regulations ask for, filled from what the administrator wrote; the privacy notice and contact too', async () => {
  const south = await admin(SOUTH, 'southmoor.example');
  // As a partnership that has written none of its statements yet (the demo writes them).
  await database.db.deleteFrom('site_pages').where('partnership_id', '=', southId).execute();
  const blank = pageText((await new Client(app, SOUTH).get('/accessibility')).body);
  assert.match(blank, /has not yet recorded how compliant/);
  assert.match(blank, /Enforcement procedure The Equality and Human Rights Commission \(EHRC\) enforces/);

  const missing = await south.post('/admin/site/pages/accessibility', { compliance: 'partial' });
  assert.equal(missing.statusCode, 400);
  const problems = pageText(missing.body);
  assert.match(problems, /Enter the e-mail for accessibility problems and other formats/);
  assert.match(problems, /Enter date the service was last tested/);
  assert.equal((await database.db.selectFrom('site_pages').select('page').where('partnership_id', '=', southId).execute()).length, 0, 'nothing saved');

  const ok = await south.post('/admin/site/pages/accessibility', {
    compliance: 'partial', non_accessible: 'Scanned papers from 2019 have no text layer (WCAG 1.1.1).', contact_email: 'access@southmoor.example.gov.uk',
    response_days: '7', 'tested_on-day': '2', 'tested_on-month': '11', 'tested_on-year': '2026', prepared_on: '2026-11-10',
  });
  assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
  const page = pageText((await new Client(app, SOUTH).get('/accessibility')).body);
  assert.match(page, /Accessibility statement for Southmoor Community Safety Partnership/);
  assert.match(page, /partially compliant with the Web Content Accessibility Guidelines version 2\.2 AA standard/);
  assert.match(page, /Scanned papers from 2019 have no text layer/);
  assert.match(page, /e-mail access@southmoor\.example\.gov\.uk/);
  assert.match(page, /within 7 working days/);
  assert.match(page, /This statement was prepared on 10 November 2026\. This website was last tested on 2 November 2026\./);

  assert.equal((await south.post('/admin/site/pages/contact', { team: 'Southmoor Safer Communities Team', email: 'safer@southmoor.example.gov.uk', phone: '01632 960 777' })).statusCode, 303);
  const contact = pageText((await new Client(app, SOUTH).get('/contact')).body);
  assert.match(contact, /Southmoor Safer Communities Team E-mail: safer@southmoor\.example\.gov\.uk Telephone: 01632 960 777/);
  const meeting = await database.db.selectFrom('meetings').select('id').where('partnership_id', '=', southId).where('agenda_published_at', 'is not', null).executeTakeFirstOrThrow();
  assert.match(pageText((await new Client(app, SOUTH).get(`/meetings/${meeting.id}`)).body), /Contact For questions about this meeting.*Southmoor Safer Communities Team/);

  const privacy = pageText((await new Client(app, NORTH).get('/privacy')).body);
  assert.match(privacy, /The data controller is Northshire County Council/);
  assert.match(privacy, /Bulletin subscribers/);
  assert.match(privacy, /data\.protection@northshire\.example\.gov\.uk/);
  const api = (await new Client(app, SOUTH).json('GET', '/api/site/pages/contact')).json();
  assert.equal(api.fields.team, 'Southmoor Safer Communities Team');
  const audit = await database.db.selectFrom('audit_log').select('summary').where('partnership_id', '=', southId).where('record_type', '=', 'site-page').execute();
  assert.deepEqual(audit.map((a) => a.summary).sort(), ['Accessibility statement changed', 'Contact the partnership team changed']);
});

test('the cookies page names every cookie the app sets on signing in, sending a form and seeing a confirmation', async () => {
  const seen = new Set<string>();
  const record = (res: { cookies: { name: string }[] }) => res.cookies.forEach((c) => seen.add(c.name));
  const res1 = await app.inject({ method: 'GET', url: '/sign-in', headers: { host: NORTH } });
  record(res1);
  const client = await new Client(app, NORTH).signIn('admin@northshire.example');
  const page = await client.get('/admin/site');
  record(await app.inject({ method: 'POST', url: '/sign-in', headers: { host: NORTH, 'content-type': 'application/x-www-form-urlencoded', cookie: `ph_csrf=${res1.cookies.find((c) => c.name === 'ph_csrf')?.value}` }, payload: `_csrf=${encodeURIComponent(/name="_csrf" value="([^"]+)"/.exec(res1.body)![1]!)}&email=admin%40northshire.example&password=northshire-demo-2026` }));
  record(await client.post('/admin/site/pages/contact', { team: 'Northshire Community Safety Team', email: 'cst@northshire.example.gov.uk' }));
  assert.ok(page.statusCode === 200);
  assert.deepEqual([...seen].sort(), ['ph_csrf', 'ph_flash', 'ph_session']);
  const listed = pageText((await new Client(app, NORTH).get('/cookies')).body);
  for (const name of seen) assert.match(listed, new RegExp(name));
});
