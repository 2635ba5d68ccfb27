// Restricted business by membership: a member who sits on a body reads its restricted
// business on every path (meeting page, item page, paper, API, search); a member who has
// left, or sits on a body that keeps its business to grants, does not. The public agenda
// says an item is held without press and public and under which paragraph of Schedule 12A,
// never what it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody, buildPdf, itemId, multipartBody, personId, redirectedId, sectionsOf } from './testing.ts';

let t: TestApp;
let officer: Client;
let bodyId: string;
let meetingId: string;
let secretItem: string;
let paperId: string;
let membershipId: string;
const SECRET = 'Pendragonfly';

const db = () => t.database.db;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, 'Eastmarch Partnership Board');
  // The demo member (Stuart Macrae) sits on this board from last year.
  const macrae = await personId(t, 'Macrae');
  membershipId = (await db().insertInto('memberships').values({ partnership_id: t.partnershipId, body_id: bodyId, person_id: macrae, role: 'member', starts_on: '2025-01-01' })
    .returning('id').executeTakeFirstOrThrow()).id;

  await officer.get(`/bodies/${bodyId}/meetings/new`);
  meetingId = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': '12', 'meets_on-month': '3', 'meets_on-year': '2026', starts_at: '10:00', format: 'online',
  }));
  const sections = await sectionsOf(t, meetingId);
  await officer.post(`/meetings/${meetingId}/items/new`, { section_id: sections.B!, title: 'Road safety update' });
  const added = await officer.post(`/meetings/${meetingId}/items/new`, { section_id: sections.D!, title: `The ${SECRET} investigation`, exemption_paragraph: '7' });
  assert.equal(added.statusCode, 303, added.body.slice(0, 400));
  secretItem = await itemId(t, meetingId, 'D1');
  const page = await officer.get(`/meetings/${meetingId}/items/${secretItem}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartBody({ _csrf: csrf, title: `${SECRET} briefing` }, { name: 'briefing.pdf', type: 'application/pdf', bytes: await buildPdf([`${SECRET} briefing text`]) });
  const up = await t.app.inject({ method: 'POST', url: `/meetings/${meetingId}/items/${secretItem}/papers`, payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType } });
  assert.equal(up.statusCode, 303, up.body.slice(0, 400));
  paperId = (await db().selectFrom('papers').select('id').where('agenda_item_id', '=', secretItem).executeTakeFirstOrThrow()).id;
  const published = await officer.json('POST', `/api/meetings/${meetingId}/publish-agenda`, { confirmWarnings: true });
  assert.equal(published.statusCode, 200, published.body.slice(0, 400));
});
after(async () => { await t.close(); });

async function sees(client: Client): Promise<{ page: boolean; item: number; paper: number; api: boolean; search: number }> {
  const page = pageText((await client.get(`/meetings/${meetingId}`)).body);
  const api = (await client.json('GET', `/api/meetings/${meetingId}`)).body;
  return {
    page: page.includes(SECRET),
    item: (await client.get(`/meetings/${meetingId}/items/${secretItem}`)).statusCode,
    paper: (await client.get(`/meetings/${meetingId}/papers/${paperId}`)).statusCode,
    api: api.includes(SECRET),
    search: (await client.json('GET', `/api/search?q=${SECRET.toLowerCase()}`)).json().total,
  };
}

test('a member sitting on the body reads its restricted business on the page, the item, the paper, the API and search', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  const seen = await sees(member);
  assert.deepEqual(seen, { page: true, item: 200, paper: 200, api: true, search: seen.search });
  assert.ok(seen.search >= 1, 'search finds the restricted item');
  // Each restricted read is audited, as a granted reader's is.
  const audited = await db().selectFrom('audit_log').select('record_type').where('action', '=', 'read').where('record_id', '=', secretItem).execute();
  assert.ok(audited.length >= 1);
});

test('a member who does not sit on the body, and the public, see only that item D1 is held without press and public, and why', async () => {
  for (const client of [new Client(t.app), await new Client(t.app).signIn(demoUsers.panel)]) {
    assert.deepEqual(await sees(client), { page: false, item: 404, paper: 404, api: false, search: 0 });
    const text = pageText((await client.get(`/meetings/${meetingId}`)).body);
    assert.match(text, /Item D1 : Held without the press and public\. Exempt under paragraph 7 of Part 1 of Schedule 12A to the Local Government Act 1972 \(action taken or to be taken to prevent, investigate or prosecute crime\)\./);
    assert.doesNotMatch(text, /briefing/);
    const api = (await client.json('GET', `/api/meetings/${meetingId}`)).json();
    const d = api.agenda.sections.find((s: { code: string }) => s.code === 'D');
    assert.deepEqual(d.items, []);
    assert.deepEqual(d.withheldItems.map((w: { code: string; exemptionParagraph: number }) => [w.code, w.exemptionParagraph]), [['D1', 7]]);
  }
});

test('a membership that has ended opens nothing, from the next request on', async () => {
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await sees(member)).item, 200);
  await db().updateTable('memberships').set({ ends_on: '2025-12-31' }).where('id', '=', membershipId).execute();
  try {
    assert.deepEqual(await sees(member), { page: false, item: 404, paper: 404, api: false, search: 0 });
  } finally {
    await db().updateTable('memberships').set({ ends_on: null }).where('id', '=', membershipId).execute();
  }
});

test('a body that keeps its business to grants: members lose it, a grant still opens it to someone outside the body', async () => {
  const settings = await officer.get(`/bodies/${bodyId}/meeting-settings`);
  assert.match(pageText(settings.body), /Do the members of the Eastmarch Partnership Board see its restricted business\?/);
  const refused = await officer.post(`/bodies/${bodyId}/meeting-rules`, { quorum: 'four' });
  assert.equal(refused.statusCode, 400);
  assert.match(pageText(refused.body), /Select whether the body’s members see its restricted business/);
  const saved = await officer.post(`/bodies/${bodyId}/meeting-rules`, { members_see_restricted: 'no', quorum: '5' });
  assert.equal(saved.statusCode, 303);
  try {
    const member = await new Client(t.app).signIn(demoUsers.member);
    assert.deepEqual(await sees(member), { page: false, item: 404, paper: 404, api: false, search: 0 });
    const panelUser = await db().selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
    await db().insertInto('access_grants').values({ partnership_id: t.partnershipId, user_id: panelUser.id, scope_kind: 'body', scope_id: bodyId }).execute();
    const panel = await new Client(t.app).signIn(demoUsers.panel);
    assert.equal((await sees(panel)).item, 200);
    const rules = (await officer.json('GET', `/api/bodies/${bodyId}/meeting-rules`)).json();
    assert.deepEqual(rules, { bodyId, membersSeeRestricted: false, quorum: 5 });
    // Only the clerk's team changes the rule.
    assert.equal((await member.json('PUT', `/api/bodies/${bodyId}/meeting-rules`, { membersSeeRestricted: true })).statusCode, 403);
  } finally {
    const back = await officer.json('PUT', `/api/bodies/${bodyId}/meeting-rules`, { membersSeeRestricted: true, quorum: 5 });
    assert.equal(back.statusCode, 200, back.body);
  }
});

test('the exemption paragraph is chosen per item, checked, and kept', async () => {
  const sections = await sectionsOf(t, meetingId);
  const bad = await officer.post(`/meetings/${meetingId}/items/${secretItem}/edit`, { section_id: sections.D!, title: `The ${SECRET} investigation`, exemption_paragraph: '9' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Select the paragraph of Schedule 12A the item is exempt under, from 1 to 7/);
  const form = await officer.get(`/meetings/${meetingId}/items/${secretItem}/edit`);
  assert.match(form.body, /<option value="7" selected>Paragraph 7: action taken/);
  // Another item in the same section, under another paragraph: the choice is the item's, not the section's.
  const res = await officer.json('POST', `/api/meetings/${meetingId}/items`, { sectionId: sections.D!, title: 'Staffing restructure', exemptionParagraph: 4 });
  assert.equal(res.statusCode, 201, res.body);
  const rows = await db().selectFrom('agenda_items').select(['code', 'exemption_paragraph']).where('meeting_id', '=', meetingId).where('restricted', '=', true).orderBy('code').execute();
  assert.deepEqual(rows.map((r) => [r.code, r.exemption_paragraph]), [['D1', 7], ['D2', 4]]);
  // Added after the agenda went out, it reaches the public with a supplementary agenda.
  const supplement = await officer.json('POST', `/api/meetings/${meetingId}/publish-supplement`, { confirmWarnings: true });
  assert.equal(supplement.statusCode, 200, supplement.body);
  const text = pageText((await new Client(t.app).get(`/meetings/${meetingId}`)).body);
  assert.match(text, /Item D2 : Held without the press and public\. Exempt under paragraph 4 /);
  assert.doesNotMatch(text, /Staffing restructure/);
});
