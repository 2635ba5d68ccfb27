// The CSA progress paper through HTTP: generated from an agenda item of the Working
// Group's meeting, attached to the item through the meetings module, kept byte for byte
// (a new version each time, the old one unchanged), read back as text; a public item's
// paper names no restricted action and no owner's note, a restricted item's does; the
// resolution that agreed an agreement and the agreement point at each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { extractText, getDocumentProxy } from 'unpdf';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { holdMeeting, type HeldMeeting } from '../public/testing.ts';
import { buildBody } from '../meetings/testing.ts';
import { nextPeriod, periodOf } from './domain.ts';
import { planAsAt } from './progressPaper.ts';

let t: TestApp;
let officer: Client;
let member: Client;
let anyone: Client;
let held: HeldMeeting;
let published: { id: string };
let draft: { id: string };
const NOTE = 'Quorblefrith estate walkabout done';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pdfText = async (b: Uint8Array) => (await extractText(await getDocumentProxy(new Uint8Array(b)), { mergePages: true })).text.replace(/\s+/g, ' ');

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  anyone = new Client(t.app);
  const db = t.database.db;
  const rows = await db.selectFrom('strategy_agreements').select(['id', 'period']).where('partnership_id', '=', t.partnershipId).execute();
  const period = periodOf(todayIso());
  published = rows.find((r) => r.period === period)!;
  draft = rows.find((r) => r.period === nextPeriod(period))!;
  const working = (await db.selectFrom('bodies').select('id').where('partnership_id', '=', t.partnershipId).where('name', '=', 'Working Group').executeTakeFirstOrThrow()).id;
  held = await holdMeeting(t, officer, working, {
    on: addDays(todayIso(), 21), stage: 'scheduled',
    items: [{ section: 'B', title: 'CSA update' }, { section: 'D', title: 'CSA restricted update' }],
  });
  // An update today, with a note: it is a change since the Working Group last met.
  const plan = (await officer.json('GET', `/api/strategy/agreements/${published.id}/plan`)).json().items as { id: string; title: string; level: string; restricted: boolean; progress: number }[];
  const line = plan.find((l) => l.title.startsWith('Youth workers in the emergency department'))!;
  const res = await officer.json('POST', `/api/strategy/plan-actions/${line.id}/updates`, { progress: Math.min(100, line.progress + 5), note: NOTE });
  assert.equal(res.statusCode, 201, res.body);
});
after(async () => { await t?.close(); });

const papersOf = async (itemId: string) => t.database.db.selectFrom('papers').select(['id', 'sha256', 'title']).where('agenda_item_id', '=', itemId).orderBy('created_at').execute();

test('the clerk generates the progress paper from the item; it is attached byte for byte and reads back with the roll-up, charts and changes', async () => {
  const item = held.items['CSA update']!;
  const itemPage = await officer.get(`/meetings/${held.id}/items/${item}`);
  assert.match(itemPage.body, new RegExp(`href="/strategy/progress-papers/new\\?meeting_id=${held.id}&amp;item_id=${item}"`));
  const form = await officer.get(`/strategy/progress-papers/new?meeting_id=${held.id}&item_id=${item}`);
  assert.equal(form.statusCode, 200);
  assert.match(pageText(form.body), /holds only what the public may read of the plan/);

  // Bad input changes nothing: a date to come, a draft agreement on an item held in public.
  const future = addDays(todayIso(), 3).split('-');
  const bad = await officer.post('/strategy/progress-papers/new', { meeting_id: held.id, item_id: item, agreement_id: published.id, 'as_at-day': future[2]!, 'as_at-month': future[1]!, 'as_at-year': future[0]! });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /There is a problem.*must be today or in the past/);
  const drafted = await officer.post('/strategy/progress-papers/new', { meeting_id: held.id, item_id: item, agreement_id: draft.id });
  assert.equal(drafted.statusCode, 400);
  assert.match(pageText(drafted.body), /held in public, and the public may not read this plan/);
  assert.equal((await papersOf(item)).length, 0);

  const made = await officer.post('/strategy/progress-papers/new', { meeting_id: held.id, item_id: item, agreement_id: published.id });
  assert.equal(made.statusCode, 303, pageText(made.body).slice(0, 400));
  assert.equal(made.headers.location, `/meetings/${held.id}/items/${item}`);
  const [paper] = await papersOf(item);
  assert.ok(paper);
  const record = await t.database.db.selectFrom('strategy_progress_papers').selectAll().where('agenda_item_id', '=', item).executeTakeFirstOrThrow();
  assert.equal(record.paper_id, paper.id);
  assert.equal(record.version, 1);
  assert.equal(record.sha256, paper.sha256);
  const download = await officer.get(`/meetings/${held.id}/papers/${paper.id}`);
  assert.equal(download.statusCode, 200);
  assert.equal(sha(download.rawPayload), record.sha256, 'the meeting serves the paper exactly as generated');
  assert.equal(sha(record.content), record.sha256);
  const text = await pdfText(download.rawPayload);
  for (const words of ['progress report as at', 'Progress by priority: the roll-up', 'Ending violence against women and girls', 'Youth workers in the emergency department',
    'Actions and sub-actions by status', 'What changed since the last meeting', `item ${(await t.database.db.selectFrom('agenda_items').select('code').where('id', '=', item).executeTakeFirstOrThrow()).code}`, 'Page 1 of']) {
    assert.ok(text.includes(words), `the paper says “${words}”`);
  }
  assert.ok(!text.includes('exploitation hotspot'), 'no restricted action in a public paper');
  assert.ok(!text.includes(NOTE), 'no owner’s note in a public paper');
  assert.match(text, /restricted: counted in the figures, not named/);
  const audit = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'strategy-progress-paper').where('record_id', '=', record.id).executeTakeFirstOrThrow();
  assert.match(audit.summary ?? '', /Progress paper version 1/);

  // Generated again: a new version beside the first, which does not change.
  const again = await officer.json('POST', '/api/strategy/progress-papers', { meetingId: held.id, itemId: item, agreementId: published.id, asAt: addDays(todayIso(), -1) });
  assert.equal(again.statusCode, 201, again.body);
  assert.equal(again.json().version, 2);
  assert.equal(again.json().asAt, addDays(todayIso(), -1));
  const papers = await papersOf(item);
  assert.equal(papers.length, 2);
  assert.equal(papers[0]!.sha256, record.sha256);
  assert.equal(sha((await officer.get(`/meetings/${held.id}/papers/${paper.id}`)).rawPayload), record.sha256, 'the first version is unchanged');
  const kept = await officer.get(`/strategy/progress-papers/${record.id}/paper.pdf`);
  assert.equal(kept.statusCode, 200);
  assert.equal(sha(kept.rawPayload), record.sha256);
  // The plan as at yesterday leaves out today's update.
  const yesterday = await pdfText((await officer.get(`/meetings/${held.id}/papers/${papers[1]!.id}`)).rawPayload);
  assert.match(yesterday, /progress report as at/);
  const list = await officer.json('GET', `/api/strategy/agreements/${published.id}/progress-papers`);
  assert.deepEqual((list.json().items as { version: number }[]).map((p) => p.version).sort(), [1, 2]);
  const versions = pageText((await officer.get(`/strategy/progress-papers/new?meeting_id=${held.id}&item_id=${item}`)).body);
  assert.match(versions, /Version 2.*Version 1/);
});

test('a restricted item’s paper names the restricted action and the owners’ notes, and is itself restricted', async () => {
  const item = held.items['CSA restricted update']!;
  const made = await officer.post('/strategy/progress-papers/new', { meeting_id: held.id, item_id: item, agreement_id: published.id });
  assert.equal(made.statusCode, 303, pageText(made.body).slice(0, 400));
  const [paper] = await papersOf(item);
  const row = await t.database.db.selectFrom('papers').select(['restricted']).where('id', '=', paper!.id).executeTakeFirstOrThrow();
  assert.equal(row.restricted, true);
  const text = await pdfText((await officer.get(`/meetings/${held.id}/papers/${paper!.id}`)).rawPayload);
  assert.ok(text.includes('exploitation hotspot'));
  assert.ok(text.includes(NOTE));
  assert.match(text, /Restricted – not for publication/);
  const record = await t.database.db.selectFrom('strategy_progress_papers').select(['id', 'includes_restricted']).where('agenda_item_id', '=', item).executeTakeFirstOrThrow();
  assert.equal(record.includes_restricted, true);
  assert.equal((await member.get(`/meetings/${held.id}/papers/${paper!.id}`)).statusCode, 404);
  assert.equal((await anyone.get(`/strategy/progress-papers/${record.id}/paper.pdf`)).statusCode === 200, false);
  assert.equal((await member.get(`/strategy/progress-papers/${record.id}/paper.pdf`)).statusCode, 403);
});

test('only the clerk’s team generates papers; an unknown item or a body that monitors no plan is refused', async () => {
  const item = held.items['CSA update']!;
  assert.equal((await member.get(`/strategy/progress-papers/new?meeting_id=${held.id}&item_id=${item}`)).statusCode, 403);
  assert.notEqual((await anyone.get(`/strategy/progress-papers/new?meeting_id=${held.id}&item_id=${item}`)).statusCode, 200);
  assert.equal((await member.json('POST', '/api/strategy/progress-papers', { meetingId: held.id, itemId: item, agreementId: published.id })).statusCode, 403);
  assert.equal((await officer.get(`/strategy/progress-papers/new?meeting_id=${held.id}&item_id=${held.id}`)).statusCode, 404);
  const other = await buildBody(t, 'Progress paper test board');
  const board = await holdMeeting(t, officer, other, { on: addDays(todayIso(), 30), stage: 'scheduled', items: [{ section: 'B', title: 'Plan?' }] });
  const refused = await officer.json('POST', '/api/strategy/progress-papers', { meetingId: board.id, itemId: board.items['Plan?']!, agreementId: published.id });
  assert.equal(refused.statusCode, 400);
  assert.match(refused.body, /does not monitor this agreement/);
  assert.doesNotMatch((await officer.get(`/meetings/${board.id}/items/${board.items['Plan?']}`)).body, /progress-papers\/new/);
});

test('the resolution that agreed an agreement links to it from the minutes, and the agreement to the minutes', async () => {
  const board = await buildBody(t, 'Agreement test board');
  const minutes = await holdMeeting(t, officer, board, { on: addDays(todayIso(), -3), stage: 'minutes', items: [{ section: 'B', title: 'The agreement', resolutions: ['that the draft agreement be agreed'] }] });
  const resolution = await t.database.db.selectFrom('resolutions').select('id').where('meeting_id', '=', minutes.id).executeTakeFirstOrThrow();
  const agreed = await officer.json('POST', `/api/strategy/agreements/${draft.id}/agree`, { agreedOn: addDays(todayIso(), -3), resolutionId: resolution.id });
  assert.equal(agreed.statusCode, 200, agreed.body);
  const item = await officer.get(`/meetings/${minutes.id}/items/${minutes.items['The agreement']}`);
  assert.match(item.body, new RegExp(`href="/strategy/agreements/${draft.id}">This resolution agreed the`));
  assert.match((await officer.get(`/strategy/agreements/${draft.id}`)).body, new RegExp(`href="/meetings/${minutes.id}"`));
  // Not yet published: the public's minutes do not name it.
  assert.doesNotMatch((await anyone.get(`/meetings/${minutes.id}/items/${minutes.items['The agreement']}`)).body, /This resolution agreed/);
  assert.equal((await officer.post(`/strategy/agreements/${draft.id}/publish`, {})).statusCode, 303);
  assert.match((await anyone.get(`/meetings/${minutes.id}/items/${minutes.items['The agreement']}`)).body, /This resolution agreed the/);
});

test('the plan as at a day: later lines left out, each line’s latest update by then, rolled up again', () => {
  const line = (id: string, parent: string | null, status: string, progress: number) => ({
    id, parent_id: parent, status, progress, weight: 1, status_override: null, restricted: false, due_on: null, level: parent ? 'action' : 'objective',
  }) as never;
  const plan = [line('o', null, 'on-track', 0), line('a', 'o', 'complete', 100), line('b', 'o', 'at-risk', 40), line('c', 'o', 'on-track', 10)];
  const at = (d: string, h: number) => new Date(`${d}T${String(h).padStart(2, '0')}:00:00Z`);
  const updates = [
    { line_id: 'o', on_date: '2026-04-01', at: at('2026-04-01', 9), status: 'not-started', progress: 0, source: 'create' },
    { line_id: 'a', on_date: '2026-04-01', at: at('2026-04-01', 9), status: 'not-started', progress: 0, source: 'create' },
    { line_id: 'a', on_date: '2026-05-01', at: at('2026-05-01', 9), status: 'on-track', progress: 60, source: 'update' },
    { line_id: 'a', on_date: '2026-06-01', at: at('2026-06-01', 9), status: 'complete', progress: 100, source: 'update' },
    { line_id: 'b', on_date: '2026-04-01', at: at('2026-04-01', 9), status: 'on-track', progress: 20, source: 'create' },
    { line_id: 'b', on_date: '2026-05-20', at: at('2026-05-20', 9), status: 'at-risk', progress: 40, source: 'update' },
    { line_id: 'c', on_date: '2026-05-25', at: at('2026-05-25', 9), status: 'on-track', progress: 10, source: 'create' },
  ] as never[];
  const may = planAsAt(plan, updates, '2026-05-10');
  assert.deepEqual(may.map((l) => l.id), ['o', 'a', 'b'], 'c did not exist yet');
  assert.equal(may.find((l) => l.id === 'a')!.progress, 60);
  assert.equal(may.find((l) => l.id === 'o')!.rolled.progress, 40); // (60 + 20) / 2
  assert.equal(may.find((l) => l.id === 'o')!.rolled.status, 'on-track');
  const june = planAsAt(plan, updates, '2026-06-30');
  assert.equal(june.find((l) => l.id === 'o')!.rolled.status, 'at-risk');
  assert.equal(june.find((l) => l.id === 'o')!.rolled.progress, 50); // (100 + 40 + 10) / 3
});
