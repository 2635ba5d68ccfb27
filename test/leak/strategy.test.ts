// Never-leak for the scrutiny evidence pack: a board meeting in the period with a
// restricted item and resolution, and a restricted action in the published plan, are
// seeded with marker words found nowhere else. Every GET route of the pack (the page, the
// PDF and the JSON twin, for the default period, the seeded period and bad ones) is read
// as the public and as a member without a grant: no marker appears, in the PDF's text
// either. The pack is the same for everyone, so the officer walks the same addresses plus
// the meeting, its minutes and the action, where the markers are theirs to see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { assertNoLeaks, moduleAddresses } from '../support/leak.ts';
import { buildBody, buildPdf, multipartBody, personId } from '../../src/modules/meetings/testing.ts';
import { holdMeeting } from '../../src/modules/public/testing.ts';
import { addDays, todayIso } from '../../src/modules/partnership/domain.ts';

let t: TestApp;
const M = {
  itemTitle: 'Vortigernley safeguarding disclosure',
  resolution: 'that the Pemberwhistle findings be accepted',
  planAction: 'Disrupt the Quillonbury supply line',
  workingGroupItem: 'Hollowmerrow disruption review',
  draftDocument: 'Brimblecorne consultation draft',
};
const ids: Record<string, string> = {};

before(async () => {
  t = await createTestApp();
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const board = await buildBody(t, 'Vortigern Safer Communities Board');
  const held = await holdMeeting(t, officer, board, {
    on: addDays(todayIso(), -10), stage: 'minutes',
    items: [
      { section: 'B', title: 'Open business of the board', resolutions: ['that the open business be noted'] },
      { section: 'D', title: M.itemTitle, resolutions: [M.resolution] },
    ],
    attendance: [{ personId: await personId(t, 'Lindqvist'), kind: 'present' }],
  });
  ids.meeting = held.id;
  const agreement = await t.database.db.selectFrom('strategy_agreements').select('id').where('partnership_id', '=', t.partnershipId).where('status', '=', 'published').orderBy('period', 'desc').executeTakeFirstOrThrow();
  const plan = (await officer.json('GET', `/api/strategy/agreements/${agreement.id}/plan`)).json().items as { id: string; level: string }[];
  ids.objective = plan.find((l) => l.level === 'objective')!.id;
  const line = await officer.json('POST', `/api/strategy/agreements/${agreement.id}/plan`, { parentId: ids.objective, title: M.planAction, restricted: true });
  assert.equal(line.statusCode, 201, line.body);
  ids.line = line.json().id;
  ids.agreement = agreement.id;
  // The Working Group's next meeting: a progress paper on an item held in public and one on a restricted item, then the agenda published.
  const working = (await t.database.db.selectFrom('bodies').select('id').where('partnership_id', '=', t.partnershipId).where('name', '=', 'Working Group').executeTakeFirstOrThrow()).id;
  const wg = await holdMeeting(t, officer, working, { on: addDays(todayIso(), 14), stage: 'scheduled', items: [{ section: 'B', title: 'CSA update' }, { section: 'D', title: M.workingGroupItem }] });
  ids.wgMeeting = wg.id;
  ids.openItem = wg.items['CSA update']!;
  ids.restrictedItem = wg.items[M.workingGroupItem]!;
  for (const [key, itemId] of [['openPaper', ids.openItem], ['restrictedPaper', ids.restrictedItem]] as const) {
    const made = await officer.json('POST', '/api/strategy/progress-papers', { meetingId: wg.id, itemId, agreementId: agreement.id });
    assert.equal(made.statusCode, 201, made.body);
    ids[key] = made.json().id;
    ids[`${key}InMeeting`] = made.json().paperId;
  }
  assert.equal((await officer.post(`/meetings/${wg.id}/publish-agenda`, { confirm_warnings: 'yes' })).statusCode, 303);
});
after(async () => { await t?.close(); });

test('the scrutiny pack, its page and its JSON hold no restricted business for the public or a member without a grant', async (ctx) => {
  const { routes, urls } = await moduleAddresses(t.app, ['/strategy/scrutiny', '/api/strategy/scrutiny'], () => []);
  assert.deepEqual([...routes].sort(), ['/api/strategy/scrutiny', '/strategy/scrutiny', '/strategy/scrutiny/pack.pdf']);
  const today = todayIso();
  const periods = [`from=${addDays(today, -60)}&to=${today}`, `from=${addDays(today, -400)}&to=${today}`, `from=${today}&to=${addDays(today, -1)}`, 'from=soon&to=later'];
  const walked = [...urls, ...routes.flatMap((r) => periods.map((q) => `${r}?${q}`))];
  // Where the officer sees each marker, so the walk could notice a leak.
  // The plan's page with the restricted action's objective opened, filtered, and paged; the comparison with last year's plan.
  const planPage = `/strategy/agreements/${ids.agreement}/plan`;
  const entitledOnly = [`/meetings/${ids.meeting}`, `/meetings/${ids.meeting}/minutes.pdf`, `/strategy/plan-actions/${ids.line}`,
    `${planPage}?open=${ids.objective}`, `${planPage}?status=not-started`, `${planPage}?status=open&page=1`, `${planPage}.csv`, `${planPage}.xlsx`,
    `/strategy/agreements/${ids.agreement}/compare`, `/api/strategy/agreements/${ids.agreement}/compare`];
  const markers = [M.itemTitle, M.resolution, M.planAction];
  const member = await new Client(t.app).signIn(demoUsers.member);
  const pack = await new Client(t.app).get(`/strategy/scrutiny/pack.pdf?${periods[0]}`);
  assert.equal(pack.statusCode, 200, 'the public may download the pack');
  const summary = await assertNoLeaks(await new Client(t.app).signIn(demoUsers.officer), [...walked, ...entitledOnly], markers, [
    { name: 'the public', client: new Client(t.app), markers, idMarkers: { line: ids.line! } },
    { name: 'a member without grants', client: member, markers, idMarkers: { line: ids.line! } },
  ]);
  ctx.diagnostic(summary);
});

test('the CSA progress papers: the public item’s paper and every progress-paper route hold no restricted action for the public or a member without a grant', async (ctx) => {
  const { routes, urls } = await moduleAddresses(t.app, ['/strategy/progress-papers', '/api/strategy/progress-papers'], () => [ids.openPaper!, ids.restrictedPaper!]);
  assert.deepEqual([...routes].sort(), ['/strategy/progress-papers/:id/paper.pdf', '/strategy/progress-papers/new']);
  const api = await moduleAddresses(t.app, ['/api/strategy/agreements'], () => [ids.agreement!]);
  assert.ok(api.routes.includes('/api/strategy/agreements/:id/progress-papers'));
  const wg = ids.wgMeeting!;
  const walked = [...urls, ...api.urls,
    ...[ids.openItem, ids.restrictedItem].map((item) => `/strategy/progress-papers/new?meeting_id=${wg}&item_id=${item}`),
    `/meetings/${wg}`, `/meetings/${wg}/items/${ids.openItem}`, `/meetings/${wg}/items/${ids.restrictedItem}`, `/api/meetings/${wg}`,
    `/meetings/${wg}/papers/${ids.openPaperInMeeting}`, `/meetings/${wg}/papers/${ids.restrictedPaperInMeeting}`, `/api/meetings/${wg}/papers/${ids.restrictedPaperInMeeting}`,
    `/meetings/${wg}/agenda-pack.pdf`];
  // The public item's paper is the public's to read, and holds none of the markers.
  const open = await new Client(t.app).get(`/meetings/${wg}/papers/${ids.openPaperInMeeting}`);
  assert.equal(open.statusCode, 200, 'the public reads the paper on the published agenda');
  const markers = [M.planAction, M.workingGroupItem];
  const member = await new Client(t.app).signIn(demoUsers.member);
  const idMarkers = { line: ids.line!, restrictedPaper: ids.restrictedPaperInMeeting!, restrictedRecord: ids.restrictedPaper! };
  const summary = await assertNoLeaks(await new Client(t.app).signIn(demoUsers.officer), walked, markers, [
    { name: 'the public', client: new Client(t.app), markers, idMarkers },
    { name: 'a member without grants', client: member, markers, idMarkers },
  ]);
  ctx.diagnostic(summary);
});

test('the agreement’s document: a draft’s document reaches neither the public nor a member, on its pages, downloads or API', async (ctx) => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const draft = await t.database.db.selectFrom('strategy_agreements').select('id').where('partnership_id', '=', t.partnershipId).where('status', '=', 'draft').orderBy('period', 'desc').executeTakeFirstOrThrow();
  const page = await officer.get(`/strategy/agreements/${draft.id}/document/upload`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartBody({ _csrf: csrf }, { name: `${M.draftDocument}.pdf`, type: 'application/pdf', bytes: await buildPdf([`The ${M.draftDocument} of the agreement`]) });
  const up = await t.app.inject({ method: 'POST', url: `/strategy/agreements/${draft.id}/document/upload`, payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType } });
  assert.equal(up.statusCode, 303);
  const doc = await t.database.db.selectFrom('strategy_agreement_documents').select('id').where('agreement_id', '=', draft.id).executeTakeFirstOrThrow();
  const { routes, urls } = await moduleAddresses(t.app, ['/strategy/agreements', '/api/strategy/agreements'], (_route, param) => (param === 'documentId' ? [doc.id] : [draft.id, ids.agreement!]));
  for (const must of ['/strategy/agreements/:id/document', '/strategy/agreements/:id/documents/:documentId', '/strategy/agreements/:id/document/upload', '/api/strategy/agreements/:id/documents']) assert.ok(routes.includes(must), must);
  const markers = [M.draftDocument];
  const summary = await assertNoLeaks(officer, urls, markers, [
    { name: 'the public', client: new Client(t.app), markers, idMarkers: { document: doc.id } },
    { name: 'a member', client: await new Client(t.app).signIn(demoUsers.member), markers, idMarkers: { document: doc.id } },
  ]);
  ctx.diagnostic(summary);
});
