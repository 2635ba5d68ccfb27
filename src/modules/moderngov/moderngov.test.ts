// The ModernGov connector against a small ModernGov-shaped server of our own (testing/):
// an administrator adds a source (refused when it is not ModernGov), chooses committees,
// migrates meetings into import drafts a clerk accepts, mirrors them (a second sync
// changes nothing, a change updates, a hand change is not overwritten), and failures
// part way (a 403, a timeout, a malformed reply) keep what was synced and a re-run
// carries on. The figures of a sync of the fixtures are printed as diagnostics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildBody } from '../meetings/testing.ts';
import { formOf, waitForJob } from '../documents/testing/imports.ts';
import { updateMeeting } from '../meetings/meetings.commands.ts';
import { recordAttendance, removeAttendance, updateParagraph } from '../meetings/minutes.commands.ts';
import { removePaper, updateAgendaItem } from '../meetings/agenda.commands.ts';
import { ModernGovTestServer } from './testing/server.ts';
import { fixtureRange } from './testing/fixtures.ts';
import { runningSyncs } from './routes.ts';
import { startSync } from './commands.ts';
import { startDueMirrors } from './schedule.ts';
import type { Actor } from '../../access/policy.ts';

let t: TestApp;
let admin: Client;
const servers: ModernGovTestServer[] = [];

before(async () => {
  t = await createTestApp();
  // The test's ModernGov-shaped server is on this machine, which the connector reaches only when allowed.
  t.app.config.outboundAllowPrivate = true;
  admin = await new Client(t.app).signIn(demoUsers.administrator);
});
after(async () => {
  for (const s of servers) await s.close();
  await t?.close();
});

async function server() {
  const s = await new ModernGovTestServer().start();
  servers.push(s);
  return s;
}

const count = async (table: 'moderngov_sources' | 'meetings' | 'agenda_items' | 'papers' | 'imports' | 'audit_log' | 'minute_paragraphs' | 'meeting_attendance') =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** Adds a source through the page, as an administrator would; returns its id. */
async function addSource(name: string, url: string, extra: Record<string, string> = {}) {
  await admin.get('/admin/moderngov');
  const res = await admin.post('/admin/moderngov', { name, base_url: url, ...extra });
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 800));
  return /\/admin\/moderngov\/([0-9a-f-]{36})$/.exec(String(res.headers.location))![1]!;
}

async function choose(sourceId: string, map: Record<number, string>) {
  await admin.get(`/admin/moderngov/${sourceId}`);
  const res = await admin.post(`/admin/moderngov/${sourceId}/committees`, Object.fromEntries([12, 14, 15].map((id) => [`body_${id}`, map[id] ?? ''])));
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 800));
}

interface RunJson { id: string; status: string; failure: string | null; tally: Record<string, number>; progress: Record<string, { done: number; total: number }>; log: { level: string; message: string }[]; importJobId: string | null }

/** Starts a sync on the page, waits for it as the progress page would, and returns the run as the API gives it. */
async function sync(sourceId: string, mode: 'migrate' | 'mirror', range = fixtureRange, extra: Record<string, string> = {}) {
  await admin.get(`/admin/moderngov/${sourceId}`);
  const [fy, fm, fd] = range.from.split('-');
  const [ty, tm, td] = range.to.split('-');
  const started = performance.now();
  const res = await admin.post(`/admin/moderngov/${sourceId}/sync`, {
    mode, 'from-day': fd!, 'from-month': fm!, 'from-year': fy!, 'to-day': td!, 'to-month': tm!, 'to-year': ty!, ...extra,
  });
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 800));
  const runId = /\/admin\/moderngov\/runs\/([0-9a-f-]{36})$/.exec(String(res.headers.location))![1]!;
  await runningSyncs.get(runId);
  const ms = performance.now() - started;
  const run = (await admin.json('GET', `/api/moderngov/runs/${runId}`)).json() as RunJson;
  return { run, ms, runId };
}

const adminActor = async (): Promise<Actor> => {
  const user = await t.database.db.selectFrom('users').select(['id', 'display_name']).where('email', '=', demoUsers.administrator).executeTakeFirstOrThrow();
  return { kind: 'user', partnershipId: t.partnershipId, userId: user.id, displayName: user.display_name, role: 'administrator', personId: null, grants: [] };
};

test('an address that is not a ModernGov web service, or answers with entities, is refused with a clear message and nothing is saved', async () => {
  const s = await server();
  const before = await count('moderngov_sources');
  await admin.get('/admin/moderngov');
  let res = await admin.post('/admin/moderngov', { name: 'Council website', base_url: `${s.url}/council-website` });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /This address does not answer as a ModernGov web service \(The address answered with a web page, not a web service description \(WSDL\)\)\. Enter the address of its mgWebService\.asmx/);
  res = await admin.post('/admin/moderngov', { name: 'Wrong', base_url: 'democracy.example.gov.uk' });
  assert.match(pageText(res.body), /Enter the address as a full web address/);
  s.failures.set('GetCommittees', 'entities');
  res = await admin.post('/admin/moderngov', { name: 'Laughs', base_url: s.serviceUrl });
  assert.equal(res.statusCode, 400);
  assert.match(pageText(res.body), /declares a DOCTYPE or its own entities, which is refused/);
  s.failures.clear();
  s.failures.set('/mgWebService.asmx', 'forbidden');
  res = await admin.post('/admin/moderngov', { name: 'Blocked', base_url: s.serviceUrl });
  assert.match(pageText(res.body), /refused the request \(HTTP 403\); a web application firewall may be blocking it/);
  assert.equal(await count('moderngov_sources'), before, 'nothing saved');

  // Unless the operator allows it, nothing on this machine or a private network is reached:
  // not by its address, not by a name that resolves to it, and nothing is saved.
  t.app.config.outboundAllowPrivate = false;
  const asked = s.requests.length;
  for (const address of [s.serviceUrl, s.serviceUrl.replace('127.0.0.1', 'localhost'), 'http://169.254.169.254/latest/meta-data', 'http://[::1]:9/mgWebService.asmx', 'http://10.20.30.40/mgWebService.asmx']) {
    res = await admin.post('/admin/moderngov', { name: 'Inside', base_url: address });
    assert.equal(res.statusCode, 400, address);
    assert.match(pageText(res.body), /is (at [0-9a-f.:]+, )?a (loopback \(this machine\)|link-local|private network) address, which this server does not reach unless its operator allows it \(OUTBOUND_ALLOW_PRIVATE\)/, address);
  }
  assert.equal(s.requests.length, asked, 'no request reached the server on this machine');
  t.app.config.outboundAllowPrivate = true;
  assert.equal(await count('moderngov_sources'), before, 'nothing saved');

  // Officers and members cannot reach the connector at all.
  for (const who of [demoUsers.officer, demoUsers.member]) {
    const c = await new Client(t.app).signIn(who);
    assert.equal((await c.get('/admin/moderngov')).statusCode, 403);
  }
});

test('migrate: each meeting of the chosen committees in the range becomes an import draft, read with ModernGov’s quirks handled; the clerk accepts one; a second run queues nothing', { timeout: 120_000 }, async (ctx) => {
  const s = await server();
  const board = await t.database.db.selectFrom('bodies').select('id').where('partnership_id', '=', t.partnershipId).where('short_name', '=', 'Partnership').executeTakeFirstOrThrow();
  const working = await t.database.db.selectFrom('bodies').select('id').where('partnership_id', '=', t.partnershipId).where('name', '=', 'Working Group').executeTakeFirstOrThrow();
  const sourceId = await addSource('Northshire County Council', `${s.serviceUrl}?WSDL`);
  const page = pageText((await admin.get(`/admin/moderngov/${sourceId}`)).body);
  assert.match(page, /Operations it offers GetAllMeetingsByDate, GetAttachment, GetCommittees/);
  assert.match(page, /Partnership \(ModernGov committee 12\).*Working Group \(ModernGov committee 14\)/s);
  await choose(sourceId, { 12: board.id, 14: working.id });

  // A service that ignores the range: what comes back outside it is left out here.
  s.ignoresRange = true;
  const { run, ms } = await sync(sourceId, 'migrate');
  s.ignoresRange = false;
  assert.equal(run.status, 'finished', JSON.stringify(run.log));
  assert.equal(run.tally.meetingsQueued, 4, `three Partnership meetings (one cancelled) and one Working Group meeting: ${JSON.stringify(run.log, null, 1)}`);
  assert.equal(run.tally.meetingsOutOfRange, 1, 'the 2019 meeting of the capped list');
  assert.ok(run.log.some((l) => /outside the dates asked for/.test(l.message)));
  // The dates went as dd/mm/yyyy, per chosen committee; never committee 0 nor the unchosen 15.
  const listings = s.requests.filter((r) => r.startsWith('/mgWebService.asmx/GetMeetings'));
  assert.deepEqual(listings, [
    '/mgWebService.asmx/GetMeetings?lCommitteeId=12&sStartDate=01%2F01%2F2025&sEndDate=31%2F12%2F2025',
    '/mgWebService.asmx/GetMeetings?lCommitteeId=14&sStartDate=01%2F01%2F2025&sEndDate=31%2F12%2F2025',
  ]);
  assert.ok(!s.requests.some((r) => /lMeetingId=(2001|3301)\b/.test(r)), 'meetings out of range or of unchosen committees are never read');
  // The linked documents are downloaded (two from http:// links, one found through GetAttachment) and held for the drafts.
  assert.equal(run.tally.documents, 3, JSON.stringify(run.log, null, 1));
  assert.deepEqual(run.progress.documents, { done: 3, total: 3 });
  const held = () => t.database.db.selectFrom('moderngov_documents').select(['remote_id', 'title', 'sha256', 'byte_size', 'paper_id']).where('source_id', '=', sourceId).orderBy('remote_id').execute();
  assert.deepEqual((await held()).map((d) => [d.remote_id, d.title, d.paper_id]), [['9001', 'Town centre report', null], ['9002', 'Review case briefing', null], ['9003', 'Draft agreement', null]]);
  ctx.diagnostic(`migrate of the fixtures: ${run.tally.meetingsQueued} meetings, ${run.tally.items} items queued as import drafts, ${run.tally.documents} documents downloaded, in ${ms.toFixed(0)} ms`);

  // The import runner reads the queued replies, as it reads any upload.
  const job = await waitForJob(admin, run.importJobId!);
  assert.deepEqual(job.files.map((f) => [f.status, f.message]), job.files.map(() => ['read', null]));
  const drafts = await t.database.db.selectFrom('imports').innerJoin('documents', (j) => j.onRef('documents.partnership_id', '=', 'imports.partnership_id').onRef('documents.id', '=', 'imports.document_id'))
    .select(['imports.id', 'documents.file_name', 'imports.draft']).where('imports.job_id', '=', run.importJobId!).execute();
  assert.equal(drafts.length, 4);
  const first = drafts.find((d) => d.file_name.includes('meeting 3101'))!;
  const draftPage = await admin.get(`/imports/${first.id}`);
  assert.equal(draftPage.statusCode, 200);
  const form = formOf(draftPage.body, `/imports/${first.id}`);
  assert.equal(form['m0-i2-restricted'], 'yes', 'the exempt item is kept restricted');
  assert.equal(form['m0-i1-minute'], '28', 'the minute number beside the agenda number');
  const accepted = await admin.post(`/imports/${first.id}`, { ...form, body_id: board.id, intent: 'accept' });
  assert.equal(accepted.statusCode, 303, pageText(accepted.body).slice(0, 1500));
  const meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(String(accepted.headers.location))![1]!;
  const items = await t.database.db.selectFrom('agenda_items').select(['title', 'restricted']).where('meeting_id', '=', meetingId).execute();
  assert.deepEqual(items.map((i) => [i.title, i.restricted]).sort(), [['Anti-social behaviour in the town centre', false], ['Apologies for absence', false], ['Review case update', true]]);
  // Accepting attached the meeting's documents to their items as papers, byte for byte, the exempt item's restricted too.
  const papers = await t.database.db.selectFrom('papers').innerJoin('agenda_items', 'agenda_items.id', 'papers.agenda_item_id')
    .select(['papers.title', 'papers.restricted', 'papers.sha256', 'papers.content', 'papers.media_type', 'agenda_items.title as item']).where('papers.meeting_id', '=', meetingId).orderBy('papers.title').execute();
  assert.deepEqual(papers.map((p) => [p.title, p.item, p.restricted, p.media_type]), [
    ['Review case briefing', 'Review case update', true, 'application/pdf'], ['Town centre report', 'Anti-social behaviour in the town centre', false, 'application/pdf'],
  ]);
  const served = new Uint8Array(await (await fetch(`${s.url}/documents/s9001/Town%20centre%20report.pdf`)).arrayBuffer());
  const report = papers.find((p) => p.title === 'Town centre report')!;
  assert.deepEqual(new Uint8Array(report.content), served, 'byte for byte as the service gave it');
  assert.equal(report.sha256, createHash('sha256').update(served).digest('hex'));
  const attached = await held();
  assert.equal(attached.filter((d) => d.paper_id).length, 2, 'the documents of the meeting accepted');
  const runLog = ((await admin.json('GET', `/api/moderngov/runs/${run.id}`)).json() as RunJson).log;
  assert.ok(runLog.some((l) => /Town centre report attached to item “Anti-social behaviour in the town centre” of meeting \/meetings\//.test(l.message)), JSON.stringify(runLog, null, 1));
  const paperPage = pageText((await admin.get(`/meetings/${meetingId}`)).body);
  assert.match(paperPage, /Town centre report/);
  assert.ok(!pageText((await new Client(t.app).get(`/meetings/${meetingId}`)).body).includes('Review case briefing'), 'the public does not see the restricted paper');

  const papersBefore = await count('papers');
  const again = await sync(sourceId, 'migrate');
  assert.equal(again.run.status, 'finished');
  assert.equal(again.run.tally.meetingsQueued ?? 0, 0);
  assert.equal(again.run.tally.meetingsUnchanged, 4, 'nothing queued twice');
  assert.equal(again.run.tally.documents ?? 0, 0, 'no document downloaded again');
  assert.deepEqual(await held(), attached, 'no document held twice');
  assert.equal(await count('papers'), papersBefore, 'no paper attached twice');
  ctx.diagnostic(`second migrate of the fixtures: ${JSON.stringify(again.run.tally)}, in ${again.ms.toFixed(0)} ms`);
});

test('migrate: a document that cannot be downloaded is named on its draft with why; the meeting is still queued; a re-run fetches it, attaching it to the meeting if the draft was accepted meanwhile, or when it is', { timeout: 240_000 }, async () => {
  const s = await server();
  const body = await buildBody(t, 'Migrated Papers Partnership');
  const sourceId = await addSource('Papers council', s.serviceUrl);
  await choose(sourceId, { 12: body });
  s.failures.set('/documents/s9001/Town%20centre%20report.pdf', 'forbidden');
  s.failures.set('/documents/s9003/Draft%20agreement.pdf', 'server-error');
  const first = await sync(sourceId, 'migrate');
  assert.equal(first.run.status, 'finished', JSON.stringify(first.run.log, null, 1));
  assert.deepEqual([first.run.tally.meetingsQueued, first.run.tally.documents, first.run.tally.documentsRefused], [3, 1, 2]);
  assert.ok(first.run.log.some((l) => l.level === 'warning' && /12 March 2025: Town centre report: the server refused the request \(HTTP 403\).*Its draft says so; the next migrate sync tries it again/.test(l.message)), JSON.stringify(first.run.log, null, 1));
  await waitForJob(admin, first.run.importJobId!);
  const draftOf = async (meeting: string) => (await t.database.db.selectFrom('imports').innerJoin('documents', (j) => j.onRef('documents.partnership_id', '=', 'imports.partnership_id').onRef('documents.id', '=', 'imports.document_id'))
    .select('imports.id').where('imports.job_id', '=', first.run.importJobId!).where('documents.file_name', 'like', `%meeting ${meeting}%`).executeTakeFirstOrThrow()).id;
  const march = await draftOf('3101');
  const june = await draftOf('3102');
  let page = pageText((await admin.get(`/imports/${march}`)).body);
  assert.match(page, /Documents to attach .*Review case briefing Review case update Attached when the draft is accepted/s);
  assert.match(page, /Town centre report Anti-social behaviour in the town centre Not downloaded Town centre report: the server refused the request \(HTTP 403\).*Run the migrate sync again to try again/);
  assert.match(pageText((await admin.get(`/imports/${june}`)).body), /Draft agreement Community Safety Agreement refresh Not downloaded Draft agreement: the server answered HTTP 503/);

  // The clerk accepts March's draft with the paper that came; June's waits.
  const accept = async (id: string) => {
    const form = formOf((await admin.get(`/imports/${id}`)).body, `/imports/${id}`);
    const res = await admin.post(`/imports/${id}`, { ...form, body_id: body, intent: 'accept' });
    assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 1500));
    return /\/meetings\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
  };
  const marchMeeting = await accept(march);
  const papersOf = async (meetingId: string) => (await t.database.db.selectFrom('papers').select('title').where('meeting_id', '=', meetingId).orderBy('title').execute()).map((p) => p.title);
  assert.deepEqual(await papersOf(marchMeeting), ['Review case briefing']);

  // The documents' server answers again: the re-run fetches only what failed.
  s.failures.clear();
  const asked = s.requests.length;
  const again = await sync(sourceId, 'migrate');
  assert.equal(again.run.status, 'finished', JSON.stringify(again.run.log, null, 1));
  assert.deepEqual([again.run.tally.meetingsQueued ?? 0, again.run.tally.meetingsUnchanged, again.run.tally.documents], [0, 3, 2]);
  assert.deepEqual(s.requests.slice(asked).filter((r) => r.startsWith('/documents/')).sort(), ['/documents/s9001/Town%20centre%20report.pdf', '/documents/s9003/Draft%20agreement.pdf']);
  assert.ok(again.run.log.some((l) => /12 March 2025: 1 document not downloaded before now downloaded, and attached to the meeting its draft became/.test(l.message)), JSON.stringify(again.run.log, null, 1));
  assert.ok(again.run.log.some((l) => /18 June 2025: 1 document not downloaded before now downloaded, to attach when its draft is accepted/.test(l.message)));
  assert.deepEqual(await papersOf(marchMeeting), ['Review case briefing', 'Town centre report'], 'attached to the meeting the accepted draft became');
  const served = new Uint8Array(await (await fetch(`${s.url}/documents/s9001/Town%20centre%20report.pdf`)).arrayBuffer());
  const report = await t.database.db.selectFrom('papers').select('content').where('meeting_id', '=', marchMeeting).where('title', '=', 'Town centre report').executeTakeFirstOrThrow();
  assert.deepEqual(new Uint8Array(report.content), served, 'byte for byte');
  assert.match(pageText((await admin.get(`/imports/${march}`)).body), /Town centre report Anti-social behaviour in the town centre Attached/);
  page = pageText((await admin.get(`/imports/${june}`)).body);
  assert.match(page, /Draft agreement Community Safety Agreement refresh Attached when the draft is accepted/);
  const juneMeeting = await accept(june);
  assert.deepEqual(await papersOf(juneMeeting), ['Draft agreement']);

  const third = await sync(sourceId, 'migrate');
  assert.equal(third.run.tally.documents ?? 0, 0, 'nothing fetched again');
  assert.deepEqual([await papersOf(marchMeeting), await papersOf(juneMeeting)], [['Review case briefing', 'Town centre report'], ['Draft agreement']], 'nothing attached twice');
});

test('mirror: meetings, items, minutes, attendance and papers come over; a second sync changes nothing; a change in ModernGov updates; a change made here is not overwritten', { timeout: 180_000 }, async (ctx) => {
  const s = await server();
  const partnershipBody = await buildBody(t, 'Mirrored Partnership');
  const workingBody = await buildBody(t, 'Mirrored Working Group');
  // Two people fit "A Brennan": a doubtful match for the review step.
  await t.database.db.insertInto('people').values([
    { partnership_id: t.partnershipId, honorific: 'Ms', given_name: 'Alice', family_name: 'Brennan' },
    { partnership_id: t.partnershipId, honorific: 'Mr', given_name: 'Adam', family_name: 'Brennan' },
  ]).execute();
  const sourceId = await addSource('Mirror council', s.serviceUrl);
  await choose(sourceId, { 12: partnershipBody, 14: workingBody });

  const tables = ['meetings', 'agenda_items', 'papers', 'minute_paragraphs', 'meeting_attendance'] as const;
  const before = Object.fromEntries(await Promise.all(tables.map(async (x) => [x, await count(x)])));
  const first = await sync(sourceId, 'mirror');
  assert.equal(first.run.status, 'finished', JSON.stringify(first.run.log, null, 1));
  const added = Object.fromEntries(await Promise.all(tables.map(async (x) => [x, (await count(x)) - before[x]!])));
  assert.deepEqual({ created: first.run.tally.meetingsCreated, items: first.run.tally.items, documents: first.run.tally.documents }, { created: 4, items: 6, documents: 3 });
  assert.equal(added.meetings, 4);
  assert.equal(added.agenda_items, 6);
  assert.equal(added.papers, 3, 'two linked as http:// addresses, one found through GetAttachment');
  assert.deepEqual(first.run.progress, { committees: { done: 2, total: 2 }, meetings: { done: 4, total: 4 }, documents: { done: 3, total: 3 } });
  ctx.diagnostic(`mirror of the fixtures: ${added.meetings} meetings, ${added.agenda_items} items, ${added.papers} documents, ${added.minute_paragraphs} minute paragraphs, ${added.meeting_attendance} attendance records in ${first.ms.toFixed(0)} ms`);

  const march = await t.database.db.selectFrom('meetings').selectAll().where('body_id', '=', partnershipBody).where('meets_on', '=', '2025-03-12').executeTakeFirstOrThrow();
  assert.equal(march.status, 'minutes-draft', 'a past meeting with minute text has its minutes started');
  assert.equal(march.venue, 'Council Chamber, County Hall');
  const items = await t.database.db.selectFrom('agenda_items').select(['id', 'title', 'restricted', 'minute_number']).where('meeting_id', '=', march.id).orderBy('minute_number').execute();
  assert.deepEqual(items.map((i) => [i.minute_number, i.title, i.restricted]), [[27, 'Apologies for absence', false], [28, 'Anti-social behaviour in the town centre', false], [29, 'Review case update', true]]);
  const paragraphs = await t.database.db.selectFrom('minute_paragraphs').select('text').where('agenda_item_id', '=', items[1]!.id).orderBy('position').execute();
  assert.deepEqual(paragraphs.map((p) => p.text), ['The Superintendent presented the quarterly figures.', 'RESOLVED that the report be noted.']);
  const briefing = await t.database.db.selectFrom('papers').select(['title', 'restricted']).where('agenda_item_id', '=', items[2]!.id).executeTakeFirstOrThrow();
  assert.deepEqual(briefing, { title: 'Review case briefing', restricted: true }, 'the exempt item’s paper is restricted too');
  const attendance = await t.database.db.selectFrom('meeting_attendance').select(['person_id', 'name', 'kind']).where('meeting_id', '=', march.id).execute();
  assert.equal(attendance.length, 5);
  assert.ok(attendance.find((a) => a.kind === 'apologies')!.person_id, 'Ms Priya Ramaswamy is linked to her record');
  assert.deepEqual(attendance.filter((a) => !a.person_id).map((a) => a.name).sort(), ['A Brennan', 'Mr Quentin Farrow']);
  const cancelled = await t.database.db.selectFrom('meetings').select('status').where('body_id', '=', partnershipBody).where('meets_on', '=', '2025-09-10').executeTakeFirstOrThrow();
  assert.equal(cancelled.status, 'cancelled');
  // The public sees neither the exempt item's title nor its minute.
  const publicPage = pageText((await new Client(t.app).get(`/meetings/${march.id}`)).body);
  assert.ok(!publicPage.includes('Vellichor Drummond') && !publicPage.includes('Review case update'));

  // The doubtful name goes to the review step; the administrator says who it is.
  const names = (await admin.json('GET', `/api/moderngov/sources/${sourceId}/names`)).json() as { id: string; printedName: string; candidates: { id: string; name: string }[] }[];
  assert.deepEqual(names.map((n) => [n.printedName, n.candidates.length]), [['A Brennan', 2]]);
  const namesPage = await admin.get(`/admin/moderngov/${sourceId}/names`);
  assert.match(pageText(namesPage.body), /A Brennan .*Ms Alice Brennan.*Mr Adam Brennan/s);
  const alice = names[0]!.candidates.find((c) => c.name.startsWith('Ms Alice'))!.id;
  assert.equal((await admin.post(`/admin/moderngov/${sourceId}/names/${names[0]!.id}`, { person_id: alice })).statusCode, 303);

  // A second sync with nothing changed in ModernGov changes nothing here.
  const audits = await count('audit_log');
  const stamps = await t.database.db.selectFrom('meetings').select(['id', 'updated_at']).where('body_id', 'in', [partnershipBody, workingBody]).execute();
  const second = await sync(sourceId, 'mirror');
  assert.equal(second.run.status, 'finished');
  assert.deepEqual(second.run.tally, { meetingsUnchanged: 4 });
  for (const x of tables) assert.equal(await count(x), before[x]! + added[x]!, `${x} unchanged`);
  assert.deepEqual(await t.database.db.selectFrom('meetings').select(['id', 'updated_at']).where('body_id', 'in', [partnershipBody, workingBody]).execute(), stamps);
  assert.equal(await count('audit_log'), audits + 2, 'only the run is audited (started, finished): nothing else written');
  ctx.diagnostic(`second mirror sync: nothing changed, in ${second.ms.toFixed(0)} ms`);

  // A change in ModernGov updates the mirrored meeting.
  const june = s.meetings.find((m) => m.id === '3102')!;
  june.items[0]!.title = 'Community Safety Agreement refresh 2025 to 2028';
  june.venue = 'Council Chamber, County Hall';
  // And a meeting the clerk changed by hand here is left alone, with a warning.
  const wg = await t.database.db.selectFrom('meetings').select('id').where('body_id', '=', workingBody).executeTakeFirstOrThrow();
  const officer = await t.database.db.selectFrom('users').select(['id', 'display_name']).where('email', '=', demoUsers.officer).executeTakeFirstOrThrow();
  await updateMeeting({ db: t.database.db, actor: { kind: 'user', partnershipId: t.partnershipId, userId: officer.id, displayName: officer.display_name, role: 'officer', personId: null, grants: [] } },
    wg.id, { meets_on: '2025-04-02', starts_at: '09:30', venue: 'Meeting Room 3, Civic Centre', online: 'false' });
  s.meetings.find((m) => m.id === '3201')!.items[0]!.title = 'Grant proposals (renamed in ModernGov)';
  const third = await sync(sourceId, 'mirror');
  assert.equal(third.run.tally.meetingsUpdated, 1);
  assert.equal(third.run.tally.meetingsHeldBack, 1);
  const juneHere = await t.database.db.selectFrom('meetings').select(['id', 'venue']).where('body_id', '=', partnershipBody).where('meets_on', '=', '2025-06-18').executeTakeFirstOrThrow();
  assert.equal(juneHere.venue, 'Council Chamber, County Hall');
  assert.ok((await t.database.db.selectFrom('agenda_items').select('title').where('meeting_id', '=', juneHere.id).execute()).some((i) => i.title === 'Community Safety Agreement refresh 2025 to 2028'));
  const wgItems = await t.database.db.selectFrom('agenda_items').select('title').where('meeting_id', '=', wg.id).execute();
  assert.deepEqual(wgItems.map((i) => i.title), ['Grant proposals'], 'the hand-changed meeting is not overwritten');
  assert.ok(third.run.log.some((l) => l.level === 'warning' && /changed in ModernGov, but also changed here by hand since the last sync/.test(l.message)));
  const runPage = pageText((await admin.get(`/admin/moderngov/runs/${third.runId}`)).body);
  assert.match(runPage, /1 updated, 2 unchanged, 1 held back \(changed here\)/);

  // Asked to, a sync applies ModernGov's changes over those made here, and lists each one.
  const forced = await sync(sourceId, 'mirror', fixtureRange, { overwrite: 'true' });
  assert.equal(forced.run.tally.meetingsUpdated, 1);
  assert.deepEqual((await t.database.db.selectFrom('agenda_items').select('title').where('meeting_id', '=', wg.id).execute()).map((i) => i.title), ['Grant proposals (renamed in ModernGov)']);
  assert.ok(forced.run.log.some((l) => l.level === 'warning' && /changed here by hand since the last sync; ModernGov's changes were applied over those changes/.test(l.message)));
});

test('mirror: attendance changed in ModernGov after the first sync is brought into step; a change made here to attendance holds the meeting back with a warning', { timeout: 180_000 }, async () => {
  const s = await server();
  const body = await buildBody(t, 'Attendance Partnership');
  const sourceId = await addSource('Attendance council', s.serviceUrl);
  await choose(sourceId, { 12: body });
  const first = await sync(sourceId, 'mirror');
  assert.equal(first.run.status, 'finished', JSON.stringify(first.run.log, null, 1));
  const march = await t.database.db.selectFrom('meetings').select('id').where('body_id', '=', body).where('meets_on', '=', '2025-03-12').executeTakeFirstOrThrow();
  const register = async () => (await t.database.db.selectFrom('meeting_attendance').leftJoin('people', 'people.id', 'meeting_attendance.person_id')
    .select(['meeting_attendance.id', 'meeting_attendance.name', 'people.family_name', 'meeting_attendance.kind', 'meeting_attendance.mode'])
    .where('meeting_attendance.meeting_id', '=', march.id).execute())
    .map((a) => [a.family_name ?? a.name, a.kind, a.mode]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  const ramaswamy = async () => (await register()).find((a) => a[0] === 'Ramaswamy');
  assert.deepEqual(await ramaswamy(), ['Ramaswamy', 'apologies', null]);

  // Nothing changed in ModernGov: nothing changes here.
  const attendanceRows = await register();
  const audits = await count('audit_log');
  const quiet = await sync(sourceId, 'mirror');
  assert.deepEqual(quiet.run.tally, { meetingsUnchanged: 3 });
  assert.deepEqual(await register(), attendanceRows);
  assert.equal(await count('audit_log'), audits + 2, 'only the run is audited');

  // She came after all, and the Superintendent's place is taken off ModernGov's record.
  const m = s.meetings.find((x) => x.id === '3101')!;
  m.attendees.find((a) => a.name === 'Ms Priya Ramaswamy')!.attendance = 'Present';
  m.attendees = m.attendees.filter((a) => a.name !== 'Supt D Osei');
  const changed = await sync(sourceId, 'mirror');
  assert.equal(changed.run.status, 'finished', JSON.stringify(changed.run.log, null, 1));
  assert.deepEqual({ updated: changed.run.tally.meetingsUpdated, unchanged: changed.run.tally.meetingsUnchanged, attendees: changed.run.tally.attendees }, { updated: 1, unchanged: 2, attendees: 2 });
  assert.deepEqual(await ramaswamy(), ['Ramaswamy', 'present', 'in-person']);
  assert.ok(!(await register()).some((a) => a[0] === 'Osei'), 'the attendee gone from ModernGov is taken off');
  assert.equal((await register()).length, 4);
  const again = await sync(sourceId, 'mirror');
  assert.deepEqual(again.run.tally, { meetingsUnchanged: 3 }, 'and the sync after that changes nothing');

  // The clerk corrects Mr Farrow's attendance here; then ModernGov changes hers again: held back, not overwritten.
  const farrow = await t.database.db.selectFrom('meeting_attendance').select('id').where('meeting_id', '=', march.id).where('name', '=', 'Mr Quentin Farrow').executeTakeFirstOrThrow();
  const ctx = { db: t.database.db, actor: await adminActor() };
  await removeAttendance(ctx, march.id, farrow.id);
  await recordAttendance(ctx, march.id, { name: 'Mr Quentin Farrow', kind: 'apologies' });
  m.attendees.find((a) => a.name === 'Ms Priya Ramaswamy')!.attendance = 'Apologies';
  const held = await sync(sourceId, 'mirror');
  assert.equal(held.run.tally.meetingsHeldBack, 1);
  assert.ok(held.run.log.some((l) => l.level === 'warning' && /12 March 2025: changed in ModernGov, but also changed here by hand since the last sync, so ModernGov's changes were not applied/.test(l.message)), JSON.stringify(held.run.log, null, 1));
  assert.deepEqual(await ramaswamy(), ['Ramaswamy', 'present', 'in-person'], 'not overwritten');
  assert.ok((await register()).some((a) => a[0] === 'Mr Quentin Farrow' && a[1] === 'apologies'), 'the clerk’s change is kept');
});

test('mirror: a hand change here to an item, a minute, a paper or an attendance holds the meeting back with a warning in the log and on the page; asked to, a sync applies ModernGov over it, saying so', { timeout: 300_000 }, async () => {
  const s = await server();
  const body = await buildBody(t, 'Hand-changed Partnership');
  const sourceId = await addSource('Hand-changed council', s.serviceUrl);
  await choose(sourceId, { 12: body });
  assert.equal((await sync(sourceId, 'mirror')).run.status, 'finished');
  const march = await t.database.db.selectFrom('meetings').select('id').where('body_id', '=', body).where('meets_on', '=', '2025-03-12').executeTakeFirstOrThrow();
  const m = s.meetings.find((x) => x.id === '3101')!;
  const ctx = { db: t.database.db, actor: await adminActor() };
  const item = (title: string) => t.database.db.selectFrom('agenda_items').selectAll().where('meeting_id', '=', march.id).where('title', '=', title).executeTakeFirstOrThrow();
  const minutesOf = async (title: string) => (await t.database.db.selectFrom('minute_paragraphs').select('text').where('agenda_item_id', '=', (await item(title)).id).orderBy('position').execute()).map((p) => p.text);

  const cases: { what: string; byHand: () => Promise<void>; inModernGov: () => void; kept: () => Promise<void>; applied: () => Promise<void> }[] = [
    {
      what: 'an item retitled here',
      byHand: async () => {
        const i = await item('Apologies for absence');
        await updateAgendaItem(ctx, march.id, i.id, { section_id: i.section_id, title: 'Apologies (corrected by the clerk)', description: '', kind: i.kind, code: i.code, minuted: 'true', minute_number: String(i.minute_number) });
      },
      inModernGov: () => { m.items[0]!.minutesHtml = '<p>Apologies were received from Ms Ramaswamy and Mr Farrow.</p>'; },
      kept: async () => {
        assert.equal((await item('Apologies (corrected by the clerk)')).minute_number, 27);
        assert.deepEqual(await minutesOf('Apologies (corrected by the clerk)'), ['Apologies were received from Ms Ramaswamy.'], 'ModernGov’s minute not applied');
      },
      applied: async () => assert.deepEqual(await minutesOf('Apologies for absence'), ['Apologies were received from Ms Ramaswamy and Mr Farrow.']),
    },
    {
      what: 'a minute paragraph edited here',
      byHand: async () => {
        const i = await item('Anti-social behaviour in the town centre');
        const p = await t.database.db.selectFrom('minute_paragraphs').select('id').where('agenda_item_id', '=', i.id).orderBy('position').executeTakeFirstOrThrow();
        await updateParagraph(ctx, march.id, p.id, { text: 'The Superintendent presented the quarterly figures, as corrected by the clerk.' });
      },
      inModernGov: () => { m.items[1]!.title = 'Anti-social behaviour in the town centre and the harbour'; },
      kept: async () => {
        assert.deepEqual(await minutesOf('Anti-social behaviour in the town centre'), ['The Superintendent presented the quarterly figures, as corrected by the clerk.', 'RESOLVED that the report be noted.']);
      },
      applied: async () => assert.deepEqual(await minutesOf('Anti-social behaviour in the town centre and the harbour'), ['The Superintendent presented the quarterly figures.', 'RESOLVED that the report be noted.']),
    },
    {
      what: 'a paper taken off here',
      byHand: async () => {
        const paper = await t.database.db.selectFrom('papers').select('id').where('meeting_id', '=', march.id).where('title', '=', 'Town centre report').executeTakeFirstOrThrow();
        await removePaper(ctx, march.id, paper.id);
      },
      inModernGov: () => { m.venue = 'Committee Room 1, County Hall'; },
      kept: async () => {
        assert.equal((await t.database.db.selectFrom('meetings').select('venue').where('id', '=', march.id).executeTakeFirstOrThrow()).venue, 'Council Chamber, County Hall');
        assert.equal((await t.database.db.selectFrom('papers').select('id').where('meeting_id', '=', march.id).where('title', '=', 'Town centre report').execute()).length, 0);
      },
      applied: async () => assert.equal((await t.database.db.selectFrom('meetings').select('venue').where('id', '=', march.id).executeTakeFirstOrThrow()).venue, 'Committee Room 1, County Hall'),
    },
    {
      what: 'an attendance made virtual here',
      byHand: async () => {
        const chair = await t.database.db.selectFrom('meeting_attendance').select(['id', 'person_id', 'name', 'capacity']).where('meeting_id', '=', march.id).where('capacity', '=', 'Chair').executeTakeFirstOrThrow();
        await removeAttendance(ctx, march.id, chair.id);
        await recordAttendance(ctx, march.id, { person_id: chair.person_id ?? '', name: chair.name ?? '', capacity: 'Chair', kind: 'present', mode: 'virtual' });
      },
      inModernGov: () => { m.attendees.find((a) => a.name === 'Ms Priya Ramaswamy')!.attendance = 'Present'; },
      kept: async () => {
        const rows = await t.database.db.selectFrom('meeting_attendance').select(['capacity', 'kind', 'mode']).where('meeting_id', '=', march.id).execute();
        assert.deepEqual(rows.find((r) => r.capacity === 'Chair'), { capacity: 'Chair', kind: 'present', mode: 'virtual' }, 'the clerk’s change kept');
        assert.equal(rows.filter((r) => r.kind === 'apologies').length, 1, 'ModernGov’s change not applied');
      },
      applied: async () => {
        const rows = await t.database.db.selectFrom('meeting_attendance').select(['capacity', 'kind', 'mode']).where('meeting_id', '=', march.id).execute();
        assert.equal(rows.filter((r) => r.kind === 'apologies').length, 0);
      },
    },
  ];
  for (const c of cases) {
    await c.byHand();
    c.inModernGov();
    const held = await sync(sourceId, 'mirror');
    assert.equal(held.run.tally.meetingsHeldBack, 1, `${c.what}: ${JSON.stringify(held.run.log, null, 1)}`);
    assert.ok(held.run.log.some((l) => l.level === 'warning' && /12 March 2025: changed in ModernGov, but also changed here by hand since the last sync, so ModernGov's changes were not applied/.test(l.message)), c.what);
    await c.kept();
    // On the sync's page: the warning, with the meeting linked.
    const page = await admin.get(`/admin/moderngov/runs/${held.runId}`);
    assert.match(pageText(page.body), /Warnings ! Warning 1 warning\. Check each: what this sync left undone, or did over a change made here by hand\. Partnership, 12 March 2025: changed in ModernGov, but also changed here by hand since the last sync/, c.what);
    assert.ok(page.body.includes(`href="/meetings/${march.id}"`), c.what);
    const forced = await sync(sourceId, 'mirror', fixtureRange, { overwrite: 'true' });
    assert.equal(forced.run.tally.meetingsUpdated, 1, `${c.what}: ${JSON.stringify(forced.run.log, null, 1)}`);
    assert.ok(forced.run.log.some((l) => l.level === 'warning' && /changed here by hand since the last sync; ModernGov's changes were applied over those changes/.test(l.message)), c.what);
    await c.applied();
  }
  assert.deepEqual((await sync(sourceId, 'mirror')).run.tally, { meetingsUnchanged: 3 }, 'settled: the sync after changes nothing');
});

test('a 403 part way, a timeout and a malformed reply: what was synced is kept, the failure is named, and a re-run carries on', { timeout: 180_000 }, async () => {
  const s = await server();
  const body = await buildBody(t, 'Failing Partnership');
  const sourceId = await addSource('Flaky council', s.serviceUrl);
  await choose(sourceId, { 12: body });
  const meetingsOfBody = async () => (await t.database.db.selectFrom('meetings').select('meets_on').where('body_id', '=', body).orderBy('meets_on').execute()).map((m) => m.meets_on);

  // The firewall blocks the second meeting: the first is kept, the run says what failed.
  s.failures.set('GetMeeting:3102', 'forbidden');
  const blocked = await sync(sourceId, 'mirror');
  assert.equal(blocked.run.status, 'failed');
  assert.match(blocked.run.failure!, /GetMeeting: the server refused the request \(HTTP 403\)/);
  assert.ok(blocked.run.log.some((l) => /Everything synced before this is kept; run the sync again to carry on/.test(l.message)));
  assert.deepEqual(await meetingsOfBody(), ['2025-03-12']);
  const page = pageText((await admin.get(`/admin/moderngov/runs/${blocked.runId}`)).body);
  assert.match(page, /Stopped with a problem/);
  assert.match(page, /Meetings 1 of 3 read/);

  // A malformed reply for one meeting: that one is named, the others are synced.
  s.failures.clear();
  s.failures.set('GetMeeting:3102', 'malformed');
  const malformed = await sync(sourceId, 'mirror');
  assert.equal(malformed.run.status, 'failed');
  assert.match(malformed.run.failure!, /1 meeting could not be synced/);
  assert.ok(malformed.run.log.some((l) => l.level === 'error' && /Meeting 3102 of 18 June 2025: GetMeeting: The GetMeeting reply is not well-formed XML/.test(l.message)), JSON.stringify(malformed.run.log));
  assert.equal(malformed.run.tally.meetingsUnchanged, 1, 'the meeting synced before is passed over');
  assert.deepEqual(await meetingsOfBody(), ['2025-03-12', '2025-09-10']);

  // A billion laughs in one meeting's reply, part way: refused unread, named, nothing of it written, the rest kept.
  s.failures.clear();
  s.failures.set('GetMeeting:3102', 'entities');
  const laughs = await sync(sourceId, 'mirror');
  assert.equal(laughs.run.status, 'failed');
  assert.ok(laughs.run.log.some((l) => l.level === 'error' && /Meeting 3102 of 18 June 2025: GetMeeting: .*declares a DOCTYPE or its own entities, which is refused/.test(l.message)), JSON.stringify(laughs.run.log));
  assert.deepEqual(await meetingsOfBody(), ['2025-03-12', '2025-09-10']);

  // No answer in time: the run stops there, saying so.
  s.failures.clear();
  s.failures.set('GetMeeting:3102', 'timeout');
  const started = await startSync({ db: t.database.db, actor: await adminActor() }, sourceId, { mode: 'mirror', from: fixtureRange.from, to: fixtureRange.to }, { timeoutMs: 300, allowPrivate: true });
  const timedOut = await started.finished;
  assert.equal(timedOut.status, 'failed');
  assert.match(timedOut.failure!, /GetMeeting: no answer within 0 seconds|GetMeeting: no answer within/);

  // Back up: the re-run carries on and brings in what was missing, nothing twice.
  s.failures.clear();
  const rerun = await sync(sourceId, 'mirror');
  assert.equal(rerun.run.status, 'finished');
  assert.deepEqual({ created: rerun.run.tally.meetingsCreated, unchanged: rerun.run.tally.meetingsUnchanged }, { created: 1, unchanged: 2 });
  assert.deepEqual(await meetingsOfBody(), ['2025-03-12', '2025-06-18', '2025-09-10']);
});

test('a document over the limit is not downloaded: the log says so, and the rest of the meeting is synced', { timeout: 120_000 }, async () => {
  const s = await server();
  const body = await buildBody(t, 'Limited Partnership');
  s.meetings.find((m) => m.id === '3102')!.items[0]!.documents[0]!.size = 1_300_000;
  const sourceId = await addSource('Big papers council', s.serviceUrl, { document_limit_mb: '1' });
  await choose(sourceId, { 12: body });
  const run = (await sync(sourceId, 'mirror')).run;
  assert.equal(run.status, 'finished');
  assert.equal(run.tally.documentsRefused, 1);
  assert.equal(run.tally.documents, 2);
  assert.ok(run.log.some((l) => l.level === 'warning' && /Draft agreement is 1.2 MB, over the limit of 1 MB: not downloaded/.test(l.message)), JSON.stringify(run.log));
  const june = await t.database.db.selectFrom('meetings').select('id').where('body_id', '=', body).where('meets_on', '=', '2025-06-18').executeTakeFirstOrThrow();
  assert.equal((await t.database.db.selectFrom('agenda_items').select('id').where('meeting_id', '=', june.id).execute()).length, 2);

  // Migrating, the same, from a server that sends documents in pieces without saying their length (counted as they come):
  // the document is not kept, the meeting is queued, the others are held, and the one refused is kept with why, for its draft.
  const s2 = await server();
  s2.documentsWithoutLength = true;
  s2.meetings.find((m) => m.id === '3102')!.items[0]!.documents[0]!.size = 1_300_000;
  const migrating = await addSource('Big papers council, migrated', s2.serviceUrl, { document_limit_mb: '1' });
  await choose(migrating, { 12: body });
  const migrated = (await sync(migrating, 'migrate')).run;
  assert.equal(migrated.status, 'finished');
  assert.deepEqual([migrated.tally.meetingsQueued, migrated.tally.documents, migrated.tally.documentsRefused], [3, 2, 1]);
  assert.ok(migrated.log.some((l) => l.level === 'warning' && /Draft agreement is over the limit of 1 MB: not downloaded/.test(l.message)), JSON.stringify(migrated.log));
  const heldHere = await t.database.db.selectFrom('moderngov_documents').select(['remote_id', 'failure', 'byte_size']).where('source_id', '=', migrating).orderBy('remote_id').execute();
  assert.deepEqual(heldHere.map((d) => [d.remote_id, d.failure, d.byte_size !== null]), [['9001', null, true], ['9002', null, true], ['9003', 'Draft agreement is over the limit of 1 MB: not downloaded', false]]);
});

test('the JSON API does the same, and is described in the OpenAPI document', { timeout: 120_000 }, async () => {
  const s = await server();
  const body = await buildBody(t, 'API Working Group');
  const created = await admin.json('POST', '/api/moderngov/sources', { name: 'API council', base_url: s.serviceUrl });
  assert.equal(created.statusCode, 201, created.body);
  const source = created.json() as { id: string; operations: string[]; committees: { remoteId: number; chosen: boolean }[] };
  assert.ok(source.operations.includes('GetMeetings'));
  assert.deepEqual(source.committees.map((c) => c.remoteId).sort(), [12, 14, 15]);
  const bad = await admin.json('POST', '/api/moderngov/sources', { name: 'Not ModernGov', base_url: `${s.url}/somewhere` });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /does not answer as a ModernGov web service/);
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  assert.equal((await officer.json('GET', `/api/moderngov/sources/${source.id}`)).statusCode, 403);

  const chosen = await admin.json('PUT', `/api/moderngov/sources/${source.id}/committees`, { committees: [{ remoteId: 14, bodyId: body }] });
  assert.equal(chosen.statusCode, 200, chosen.body);
  assert.deepEqual((chosen.json() as typeof source).committees.filter((c) => c.chosen).map((c) => c.remoteId), [14]);
  const started = await admin.json('POST', `/api/moderngov/sources/${source.id}/syncs`, { mode: 'mirror', from: '2025-01-01', to: '2025-12-31' });
  assert.equal(started.statusCode, 202, started.body);
  const runId = (started.json() as { id: string }).id;
  await runningSyncs.get(runId);
  const run = (await admin.json('GET', `/api/moderngov/runs/${runId}`)).json() as RunJson;
  assert.equal(run.status, 'finished');
  assert.deepEqual(run.progress.meetings, { done: 1, total: 1 });
  assert.equal(run.tally.meetingsCreated, 1);

  const doc = (await new Client(t.app).json('GET', '/api/openapi.json')).json();
  for (const [path, methods] of Object.entries({
    '/api/moderngov/sources': ['get', 'post'], '/api/moderngov/sources/{id}': ['get'], '/api/moderngov/sources/{id}/committees': ['put'],
    '/api/moderngov/sources/{id}/syncs': ['post'], '/api/moderngov/sources/{id}/runs': ['get'], '/api/moderngov/runs/{id}': ['get'],
    '/api/moderngov/sources/{id}/names': ['get'], '/api/moderngov/sources/{id}/names/{nameId}': ['put'],
  })) {
    for (const m of methods) assert.ok(doc.paths[path]?.[m], `${m} ${path}`);
  }
});

test('a source on a schedule is mirrored when its interval has passed, as the administrator who set it, and not before', { timeout: 120_000 }, async () => {
  const s = await server();
  const body = await buildBody(t, 'Scheduled Working Group');
  const sourceId = await addSource('Scheduled council', s.serviceUrl);
  await admin.get(`/admin/moderngov/${sourceId}`);
  const early = await admin.post(`/admin/moderngov/${sourceId}/schedule`, { mirror_schedule: 'daily' });
  assert.equal(early.statusCode, 400);
  assert.match(pageText(early.body), /Choose at least one committee, and the body it is synced into, before putting the mirror on a schedule/);
  await choose(sourceId, { 14: body });
  await admin.get(`/admin/moderngov/${sourceId}`);
  assert.equal((await admin.post(`/admin/moderngov/${sourceId}/schedule`, { mirror_schedule: 'daily' })).statusCode, 303);
  assert.match((await admin.get(`/admin/moderngov/${sourceId}`)).body, /value="daily" checked/);

  const mine = <T extends { run: { source_id: string } }>(runs: T[]) => runs.filter((r) => r.run.source_id === sourceId);
  const now = new Date('2025-06-01T06:00:00Z');
  const first = mine(await startDueMirrors(t.database.db, now, { allowPrivate: true }));
  assert.equal(first.length, 1, 'due: never synced');
  const run = await first[0]!.finished;
  assert.equal(run.status, 'finished');
  assert.equal(run.scheduled, true);
  assert.equal(run.started_by_label, 'Site Administrator');
  assert.deepEqual([run.from_date, run.to_date], ['2024-06-01', '2026-06-01'], 'a year either side of the day');
  assert.equal(run.tally.meetingsCreated, 1);
  assert.equal(mine(await startDueMirrors(t.database.db, new Date(), { allowPrivate: true })).length, 0, 'not due again within the day');
  const later = mine(await startDueMirrors(t.database.db, new Date(Date.now() + 25 * 3_600_000), { allowPrivate: true }));
  assert.equal(later.length, 1, 'due again the next day');
  assert.equal((await later[0]!.finished).status, 'finished');
});

/** Waits (briefly) until `ok` holds. */
async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) assert.fail(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a sync left running by a server that stopped (its lease lapsed long ago) is shown interrupted; the next sync marks it so, says why, and runs', { timeout: 120_000 }, async () => {
  const s = await server();
  const body = await buildBody(t, 'Restarted Partnership');
  const sourceId = await addSource('Restarted council', s.serviceUrl);
  await choose(sourceId, { 12: body });
  const pid = t.partnershipId;
  // As a server that stopped mid-sync leaves it: running, held by a process gone, last heard from 40 minutes ago.
  const stuck = await t.database.db.insertInto('moderngov_runs').values({
    partnership_id: pid, source_id: sourceId, mode: 'mirror', from_date: fixtureRange.from, to_date: fixtureRange.to, tally: '{}', started_by_label: 'Schedule',
    started_at: new Date(Date.now() - 3_600_000), holder: 'old-host process 4242', heartbeat_at: new Date(Date.now() - 40 * 60_000), lease_ms: 120_000,
  }).returning('id').executeTakeFirstOrThrow();
  const source = pageText((await admin.get(`/admin/moderngov/${sourceId}`)).body);
  assert.doesNotMatch(source, /A sync is running/);
  assert.match(source, /Interrupted/, 'listed as interrupted, not running');
  const runPage = pageText((await admin.get(`/admin/moderngov/runs/${stuck.id}`)).body);
  assert.match(runPage, /Interrupted: the server running this sync stopped before it finished \(nothing has been heard from it since/);
  assert.doesNotMatch(runPage, /Refresh the progress/);
  assert.equal(((await admin.json('GET', `/api/moderngov/runs/${stuck.id}`)).json() as RunJson).status, 'interrupted');

  const { run } = await sync(sourceId, 'mirror');
  assert.equal(run.status, 'finished');
  const old = await t.database.db.selectFrom('moderngov_runs').select(['status', 'failure']).where('id', '=', stuck.id).executeTakeFirstOrThrow();
  assert.equal(old.status, 'interrupted');
  assert.match(old.failure ?? '', /Interrupted: the server running this sync stopped before it finished/);
  const oldLog = ((await admin.json('GET', `/api/moderngov/runs/${stuck.id}`)).json() as RunJson).log;
  assert.ok(oldLog.some((l) => /nothing was heard from the server running this sync \(old-host process 4242\) after .*the next sync carries on from there/.test(l.message)), JSON.stringify(oldLog));
  const audit = await t.database.db.selectFrom('audit_log').select('summary').where('record_id', '=', stuck.id).execute();
  assert.ok(audit.some((a) => /marked interrupted: its server was last heard from at/.test(a.summary ?? '')), 'the change is audited');
});

test('two syncs of a source never run at once; one whose instance goes quiet is shown interrupted once its lease lapses, a new sync takes over and carries on, and the old one, woken, writes nothing more', { timeout: 120_000 }, async () => {
  const s = await server();
  const body = await buildBody(t, 'Leased Partnership');
  const sourceId = await addSource('Leased council', s.serviceUrl);
  await choose(sourceId, { 12: body });
  const meetingsOfBody = async () => (await t.database.db.selectFrom('meetings').select('meets_on').where('body_id', '=', body).orderBy('meets_on').execute()).map((m) => m.meets_on);
  let release!: () => void;
  s.holds.set('GetMeeting:3102', new Promise<void>((r) => { release = r; }));
  // The lease renewed only as meetings are written (no heartbeat between): an instance that goes quiet while it waits.
  const ctx = { db: t.database.db, actor: await adminActor() };
  const first = await startSync(ctx, sourceId, { mode: 'mirror', from: fixtureRange.from, to: fixtureRange.to }, { allowPrivate: true, leaseMs: 20_000, heartbeatMs: 600_000 });
  await until(() => s.requests.some((r) => r.includes('lMeetingId=3102')), 'the first sync asks for the June meeting');
  assert.deepEqual(await meetingsOfBody(), ['2025-03-12']);

  // While its lease holds, a second sync is refused, on the page and by the commands.
  await admin.get(`/admin/moderngov/${sourceId}`);
  const refused = await admin.post(`/admin/moderngov/${sourceId}/sync`, { mode: 'mirror', 'from-day': '1', 'from-month': '1', 'from-year': '2025', 'to-day': '31', 'to-month': '12', 'to-year': '2025' });
  assert.equal(refused.statusCode, 400);
  assert.match(pageText(refused.body), /A sync of this source is running \(on .+ process \d+\)\. Wait for it to finish/);
  assert.match(pageText((await admin.get(`/admin/moderngov/${sourceId}`)).body), /A sync is running/);
  await assert.rejects(startSync(ctx, sourceId, { mode: 'mirror', from: fixtureRange.from, to: fixtureRange.to }, { allowPrivate: true }), /A sync of this source is running/);
  assert.equal((await t.database.db.selectFrom('moderngov_runs').select('id').where('source_id', '=', sourceId).execute()).length, 1, 'no second run recorded');

  // Nothing heard from it for its lease: shown interrupted, and a new sync takes over.
  await until(async () => ((await admin.json('GET', `/api/moderngov/runs/${first.run.id}`)).json() as RunJson).status === 'interrupted', 'the lease lapses', 90_000);
  assert.match(pageText((await admin.get(`/admin/moderngov/runs/${first.run.id}`)).body), /Interrupted/);
  const second = await startSync(ctx, sourceId, { mode: 'mirror', from: fixtureRange.from, to: fixtureRange.to }, { allowPrivate: true });
  await until(() => s.requests.filter((r) => r.includes('lMeetingId=3102')).length === 2, 'the new sync asks for the June meeting too');
  // The old instance wakes: its answer comes, but it no longer holds the source, so it writes nothing.
  release();
  const old = await first.finished;
  const taken = await second.finished;
  assert.equal(old.status, 'interrupted');
  assert.equal(taken.status, 'finished', JSON.stringify(taken));
  assert.deepEqual({ created: taken.tally.meetingsCreated, unchanged: taken.tally.meetingsUnchanged }, { created: 2, unchanged: 1 }, 'the new sync carries on from the meeting the old one kept');
  assert.deepEqual(await meetingsOfBody(), ['2025-03-12', '2025-06-18', '2025-09-10'], 'nothing twice');
  const oldLog = ((await admin.json('GET', `/api/moderngov/runs/${first.run.id}`)).json() as RunJson).log;
  assert.ok(oldLog.some((l) => /This sync stopped here: its lease had lapsed and another sync of the source took over/.test(l.message)), JSON.stringify(oldLog, null, 1));
  assert.ok(!oldLog.some((l) => /18 June 2025: created/.test(l.message)), 'the old run wrote nothing after the takeover');
});
