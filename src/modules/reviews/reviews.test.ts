// Review cases through HTTP, as the people who use them: the coordinator who opens a case
// and records its stages, the panel member who reads only their case, and everyone else,
// an officer or administrator not named on it included, who must find nothing anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { addMonths } from './domain.ts';

let t: TestApp;
let coordinator: Client;
let otherOfficer: Client;
let admin: Client;
let member: Client;
let panel: Client;
let caseId: string;
let otherCaseId: string;
const SUBJECT = 'Quillothrex Ambersnatch';
const OTHER_SUBJECT = 'Dorminster Flakewhistle';

async function userId(email: string) {
  return (await t.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
}

before(async () => {
  t = await createTestApp();
  const db = t.database.db;
  // A second officer of the partnership, named on nothing.
  const hash = (await db.selectFrom('users').select('password_hash').where('email', '=', demoUsers.officer).executeTakeFirstOrThrow()).password_hash;
  const u = await db.insertInto('users').values({ email: 'officer2@northshire.example', display_name: 'Callum Fairweather', password_hash: hash, demo: true }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('partnership_users').values({ partnership_id: t.partnershipId, user_id: u.id, role: 'officer' }).execute();
  coordinator = await new Client(t.app).signIn(demoUsers.officer);
  otherOfficer = await new Client(t.app).signIn('officer2@northshire.example');
  admin = await new Client(t.app).signIn(demoUsers.administrator);
  member = await new Client(t.app).signIn(demoUsers.member);
  panel = await new Client(t.app).signIn(demoUsers.panel);

  await coordinator.get('/reviews/new');
  const notified = addMonths(todayIso(), -2);
  const res = await coordinator.post('/reviews/new', {
    kind_code: 'dardr', pseudonym: 'Kestrel', year: notified.slice(0, 4), notified_on: notified, notified_how: 'E-mail from the police',
    died_or_incident_on: addDays(notified, -5), subject_details: `${SUBJECT}, aged 41`, home_office_ref: 'HO-TEST-1',
  });
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 400));
  caseId = /\/reviews\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;

  // A case opened by the other officer, that neither the coordinator above nor the panel member is named on.
  await otherOfficer.get('/reviews/new');
  const other = await otherOfficer.post('/reviews/new', { kind_code: 'sar', pseudonym: 'Plover', year: '2026', notified_on: addDays(todayIso(), -3), subject_details: OTHER_SUBJECT });
  assert.equal(other.statusCode, 303);
  otherCaseId = /\/reviews\/([0-9a-f-]{36})/.exec(String(other.headers.location))![1]!;
});
after(async () => { await t?.close(); });

test('the officer who opens a case is its coordinator: the case page shows its details, timeline and an overdue decision', async () => {
  const page = await coordinator.get(`/reviews/${caseId}`);
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  assert.match(text, /Domestic abuse related death review Kestrel \d{4}/);
  assert.match(text, new RegExp(SUBJECT));
  assert.match(text, /Overdue: Decision whether to hold a review/);
  assert.match(text, /Gwen Abernethy Review coordinator/);
  const list = pageText((await coordinator.get('/reviews')).body);
  assert.match(list, /Kestrel \d{4}/);
  assert.doesNotMatch(list, /Plover/, 'the list holds only the cases the reader is named on');
});

test('an officer, an administrator or a member not named on the case finds nothing: page, API, forms, history, list, exports, search', async () => {
  for (const [who, client] of [['officer not named', otherOfficer], ['administrator', admin], ['member', member], ['public', new Client(t.app)]] as const) {
    for (const url of [`/reviews/${caseId}`, `/api/reviews/${caseId}`, `/reviews/${caseId}/stages`, `/reviews/${caseId}/people`, `/reviews/${caseId}/history`,
      `/reviews/${caseId}/themes`, `/reviews/${caseId}/publish`, `/reviews/${caseId}/recommendations/new`]) {
      const res = await client.get(url);
      assert.equal(res.statusCode, 404, `${who}: ${url}`);
      assert.ok(!res.body.includes(SUBJECT) && !res.body.includes('Kestrel'), `${who}: ${url}`);
    }
    for (const url of ['/reviews', '/api/reviews', '/reviews/recommendations', '/reviews/recommendations.csv', '/reviews/recommendations.json', '/api/review-recommendations',
      '/reviews/themes', '/reviews/update-paper', '/api/search?q=kestrel', '/search?q=kestrel', `/history/review-case/${caseId}`, `/api/history/review-case/${caseId}`]) {
      const res = await client.get(url);
      assert.ok(!res.body.includes(SUBJECT) && !res.body.includes('Kestrel'), `${who}: ${url} (${res.statusCode})`);
      assert.ok(res.statusCode < 500, `${who}: ${url}`);
    }
  }
  // Changes are refused the same way, and nothing is written.
  const res = await otherOfficer.json('POST', `/api/reviews/${caseId}/stages`, { stage: 'decision', happenedOn: todayIso(), outcome: 'review' });
  assert.equal(res.statusCode, 404);
  await otherOfficer.get('/reviews');
  assert.equal((await otherOfficer.post(`/reviews/${caseId}/stages`, { stage: 'decision', happened_on: todayIso(), outcome: 'review' })).statusCode, 404);
  const events = await t.database.db.selectFrom('review_stage_events').select('id').where('case_id', '=', caseId).execute();
  assert.equal(events.length, 0);
});

test('stage dates: a decision not to review needs reasons, dates out of order are refused, and nothing is half-saved', async () => {
  await coordinator.get(`/reviews/${caseId}/stages`);
  const noReasons = await coordinator.post(`/reviews/${caseId}/stages`, { stage: 'decision', happened_on: todayIso(), outcome: 'no-review' });
  assert.equal(noReasons.statusCode, 400);
  assert.match(pageText(noReasons.body), /There is a problem Enter the reasons for the outcome "do not hold a review"/);
  const beforeNotice = await coordinator.post(`/reviews/${caseId}/stages`, { stage: 'decision', happened_on: addMonths(todayIso(), -3), outcome: 'review' });
  assert.equal(beforeNotice.statusCode, 400);
  assert.match(pageText(beforeNotice.body), /The date must be on or after the date the partnership was notified/);
  const panelFirst = await coordinator.post(`/reviews/${caseId}/stages`, { stage: 'panel-set-up', happened_on: todayIso() });
  assert.match(pageText(panelFirst.body), /Record the decision to hold a review first/);
  assert.equal((await t.database.db.selectFrom('review_stage_events').select('id').where('case_id', '=', caseId).execute()).length, 0);

  const decided = await coordinator.post(`/reviews/${caseId}/stages`, { stage: 'decision', happened_on: addDays(todayIso(), -10), outcome: 'review', delay_reason: 'Waiting for the coroner' });
  assert.equal(decided.statusCode, 303);
  const page = pageText((await coordinator.get(`/reviews/${caseId}`)).body);
  assert.match(page, /Decision whether to hold a review Hold a review Reason for delay: Waiting for the coroner/);
  assert.match(page, /Done late \d+ days late/);
  assert.doesNotMatch(page, /Overdue:/);

  const api = await coordinator.json('POST', `/api/reviews/${caseId}/stages`, { stage: 'panel-set-up', happenedOn: addDays(todayIso(), -11) });
  assert.equal(api.statusCode, 400);
  assert.match(api.json().errors[0].message, /on or after decision whether to hold a review/);
  const ok = await coordinator.json('POST', `/api/reviews/${caseId}/stages`, { stage: 'panel-set-up', happenedOn: addDays(todayIso(), -5) });
  assert.equal(ok.statusCode, 201);
  assert.equal(ok.json().currentStage, 'Panel set up (independent chair and author appointed)');
  assert.equal(ok.json().timeline.find((r: { code: string }) => r.code === 'submitted-qa').dueOn, addMonths(addDays(todayIso(), -10), 6));
});

test('naming a panel member gives them this case and no other; removing them takes it away', async () => {
  const panelId = await userId(demoUsers.panel);
  assert.equal((await panel.get(`/reviews/${caseId}`)).statusCode, 404);
  await coordinator.get(`/reviews/${caseId}/people`);
  const named = await coordinator.post(`/reviews/${caseId}/people`, { place: 'agency-representative', user_id: panelId, agency: 'Northshire Integrated Care Board', independence_declared_on: todayIso() });
  assert.equal(named.statusCode, 303, pageText(named.body).slice(0, 300));
  const page = await panel.get(`/reviews/${caseId}`);
  assert.equal(page.statusCode, 200);
  assert.match(pageText(page.body), new RegExp(SUBJECT));
  assert.doesNotMatch(page.body, /Record a stage/, 'a panel member reads; the coordinators keep the record');
  assert.equal((await panel.get(`/reviews/${otherCaseId}`)).statusCode, 404);
  assert.ok(!(await panel.get('/reviews')).body.includes('Plover'));
  assert.equal((await panel.json('POST', `/api/reviews/${caseId}/recommendations`, { text: 'x', agency: 'y' })).statusCode, 403);

  // A member cannot be a coordinator.
  const refused = await coordinator.post(`/reviews/${caseId}/people`, { place: 'coordinator', user_id: await userId(demoUsers.member) });
  assert.match(pageText(refused.body), /A review coordinator must be an officer or an administrator/);

  const person = await t.database.db.selectFrom('review_case_people').select('id').where('case_id', '=', caseId).where('user_id', '=', panelId).executeTakeFirstOrThrow();
  await coordinator.get(`/reviews/${caseId}`);
  assert.equal((await coordinator.post(`/reviews/${caseId}/people/${person.id}/remove`, {})).statusCode, 303);
  assert.equal((await panel.get(`/reviews/${caseId}`)).statusCode, 404);
  // The last coordinator cannot be removed.
  const coord = await t.database.db.selectFrom('review_case_people').select('id').where('case_id', '=', caseId).where('place', '=', 'coordinator').executeTakeFirstOrThrow();
  await coordinator.get(`/reviews/${caseId}`);
  const last = await coordinator.post(`/reviews/${caseId}/people/${coord.id}/remove`, {});
  assert.equal(last.statusCode, 400);
  assert.match(pageText(last.body), /Name another review coordinator before removing the last one/);
});

test('recommendations: completion needs evidence; every status is kept in the history; the steering group sees what is outstanding; the export carries it', async () => {
  await coordinator.get(`/reviews/${caseId}/recommendations/new`);
  const added = await coordinator.post(`/reviews/${caseId}/recommendations/new`, {
    text: 'Train call handlers to ask about coercive control', agency: 'Northshire Police', owner: 'Head of Contact', due_on: addDays(todayIso(), -1), theme: 'coercive-control',
  });
  assert.equal(added.statusCode, 303);
  const second = await coordinator.json('POST', `/api/reviews/${caseId}/recommendations`, { text: 'Review housing allocation checks', agency: 'Brackenford Borough Council', dueOn: addDays(todayIso(), 60), theme: 'housing' });
  assert.equal(second.statusCode, 201);
  assert.equal(second.json().number, 2);
  const rec = await t.database.db.selectFrom('review_recommendations').select('id').where('case_id', '=', caseId).where('number', '=', 1).executeTakeFirstOrThrow();

  const outstanding = pageText((await coordinator.get('/reviews/recommendations')).body);
  // The demo's cases are the clerk's too: the overdue ones come first, then by due date.
  assert.match(outstanding, /\d+ recommendations outstanding .* Kestrel \d{4} 1 Train call handlers [^]* Overdue [^]*Kestrel \d{4} 2 Review housing/);
  assert.ok(outstanding.lastIndexOf('Overdue') < outstanding.indexOf(' Open '), 'the overdue come first');

  await coordinator.get(`/reviews/${caseId}/recommendations/${rec.id}`);
  const noEvidence = await coordinator.post(`/reviews/${caseId}/recommendations/${rec.id}/updates`, { status: 'completed' });
  assert.equal(noEvidence.statusCode, 400);
  assert.match(pageText(noEvidence.body), /Enter the evidence that the recommendation has been completed/);
  assert.equal((await coordinator.post(`/reviews/${caseId}/recommendations/${rec.id}/updates`, { status: 'in-progress', note: 'Course booked' })).statusCode, 303);
  assert.equal((await coordinator.post(`/reviews/${caseId}/recommendations/${rec.id}/updates`, { status: 'completed', evidence: 'Attendance list: 38 call handlers trained' })).statusCode, 303);
  const history = (await coordinator.json('GET', `/api/reviews/${caseId}/recommendations/${rec.id}`)).json();
  assert.deepEqual(history.updates.map((u: { toStatus: string }) => u.toStatus), ['open', 'in-progress', 'completed']);
  assert.equal(history.updates[2].evidence, 'Attendance list: 38 call handlers trained');

  const csv = await coordinator.get('/reviews/recommendations.csv');
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const [header, ...all] = csv.body.trim().split('\r\n');
  const lines = all.filter((l) => l.includes('Kestrel'));
  assert.equal(header, 'partnership,review_kind,review_kind_label,case_reference,case_year,recommendation_number,recommendation,agency,national,agency_actions,owner,due_on,status,status_label,status_since,overdue,theme,theme_label,evidence');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /,completed,Completed,\d{4}-\d{2}-\d{2},no,coercive-control,Coercive and controlling behaviour,Attendance list: 38 call handlers trained$/);
  assert.ok(!csv.body.includes(SUBJECT), 'the export never carries the subject');
  const json = (await coordinator.json('GET', '/reviews/recommendations.json')).json();
  const kestrel = json.recommendations.filter((r: { case_reference: string }) => r.case_reference.startsWith('Kestrel'));
  assert.equal(kestrel.length, 2);
  assert.equal(kestrel[1].theme, 'housing');
  // The other officer's export holds none of it.
  assert.equal((await otherOfficer.json('GET', '/api/review-recommendations')).json().items.length, 0);
});

test('every read of the case, its list, export and paper is in the audit log with who and what, and never the subject', async () => {
  const db = t.database.db;
  const officerId = await userId(demoUsers.officer);
  const since = new Date();
  await coordinator.get(`/reviews/${caseId}`);
  await coordinator.get('/reviews/recommendations.csv');
  await coordinator.get('/reviews/update-paper');
  const reads = await db.selectFrom('audit_log').select(['actor_user_id', 'actor_label', 'record_type', 'record_id', 'summary', 'at'])
    .where('action', '=', 'read').where('record_id', '=', caseId).where('at', '>=', since).orderBy('id').execute();
  assert.deepEqual(reads.map((r) => r.summary), ['Read the case page', 'Exported in the recommendations CSV', 'Read in the restricted update paper']);
  assert.ok(reads.every((r) => r.actor_user_id === officerId && r.actor_label === 'Gwen Abernethy' && r.record_type === 'review-case'));
  const all = await db.selectFrom('audit_log').select(['summary', 'before', 'after']).where('record_type', 'like', 'review%').execute();
  assert.ok(!JSON.stringify(all).includes(SUBJECT), 'the subject is never copied into the audit log');
  // The case's own history page shows them, to its people.
  assert.match(pageText((await coordinator.get(`/reviews/${caseId}/history`)).body), /Gwen Abernethy read: Read the case page/);
});

test('the public reads a published review (pseudonym, year, summary, date) and nothing else', async () => {
  const anyone = new Client(t.app);
  assert.doesNotMatch((await anyone.get('/published-reviews')).body, /Kestrel/);
  await coordinator.get(`/reviews/${caseId}/publish`);
  const early = await coordinator.post(`/reviews/${caseId}/publish`, { published_on: addDays(todayIso(), 1), published_summary: 'x' });
  assert.equal(early.statusCode, 400);
  const published = await coordinator.post(`/reviews/${caseId}/publish`, { published_on: todayIso(), published_summary: 'Kestrel was a mother of two. Agencies did not share what they knew.', published_where: 'northshire.example/reviews' });
  assert.equal(published.statusCode, 303, pageText(published.body).slice(0, 300));
  const list = pageText((await anyone.get('/published-reviews')).body);
  assert.match(list, /Kestrel \d{4} Domestic abuse related death review, published/);
  const one = await anyone.get(`/published-reviews/${caseId}`);
  assert.match(pageText(one.body), /Kestrel was a mother of two/);
  const api = (await anyone.json('GET', '/api/published-reviews')).json();
  assert.deepEqual(Object.keys(api.items[0]).sort(), ['id', 'kind', 'kindLabel', 'publishedOn', 'publishedWhere', 'pseudonym', 'summary', 'year'].sort());
  for (const body of [list, one.body, JSON.stringify(api)]) {
    assert.ok(!body.includes(SUBJECT) && !body.includes('HO-TEST-1') && !body.includes('Train call handlers'));
  }
  assert.equal((await anyone.get(`/published-reviews/${otherCaseId}`)).statusCode, 404);
});

test('the annual summary is counts only, for officers; themes are counted per year', async () => {
  await coordinator.get(`/reviews/${caseId}/themes`);
  assert.equal((await coordinator.post(`/reviews/${caseId}/themes`, { themes: ['_none', 'coercive-control', 'separation'] })).statusCode, 303);
  const bad = await coordinator.post(`/reviews/${caseId}/themes`, { themes: ['_none', 'made-up'] });
  assert.equal(bad.statusCode, 400);
  const themes = pageText((await coordinator.get('/reviews/themes')).body);
  // Kestrel and the demo's Ashgrove are coded with it.
  assert.match(themes, /Coercive and controlling behaviour (\d+ )+2 &#9608;&#9608; Economic abuse/);
  assert.match(themes, /Recommendations by theme Coercive and controlling behaviour/);

  const year = todayIso().slice(0, 4);
  const summary = (await otherOfficer.json('GET', `/api/review-summary?year=${year}`)).json();
  assert.ok(summary.notified >= 1);
  assert.ok(!JSON.stringify(summary).includes('Kestrel') && !JSON.stringify(summary).includes('Plover'));
  assert.equal((await member.get('/reviews/annual-summary')).statusCode, 403);
  assert.equal((await new Client(t.app).get('/api/review-summary')).statusCode, 401);
});

test('bad input when opening a case gets clear messages and writes nothing', async () => {
  const count = async () => (await t.database.db.selectFrom('review_cases').select('id').execute()).length;
  const before = await count();
  await coordinator.get('/reviews/new');
  const res = await coordinator.post('/reviews/new', { kind_code: 'nonsense', pseudonym: '', year: '26', notified_on: addDays(todayIso(), 2) });
  assert.equal(res.statusCode, 400);
  const text = pageText(res.body);
  for (const m of ['Select the kind of review', 'Enter the pseudonym the case is known by', 'The year must be four digits', 'The date of notification must be today or in the past']) assert.match(text, new RegExp(m));
  const dup = await coordinator.post('/reviews/new', { kind_code: 'sar', pseudonym: 'Plover', year: '2026', notified_on: todayIso() });
  assert.match(pageText(dup.body), /A case is already known as Plover 2026/);
  assert.equal(await count(), before);
});

test('kinds are data: an officer renames a kind and adds one with its own timescales; a member may not', async () => {
  await coordinator.get('/reviews/kinds');
  const bad = await coordinator.post('/reviews/kinds', { code: 'Bad Code', label: '', short_label: 'X', stage_set: 'dhr', decision_months: '99', completion_months: '6' });
  assert.equal(bad.statusCode, 400);
  const text = pageText(bad.body);
  for (const m of ['The code must start with a letter', 'Enter the name of the kind of review', 'The months allowed for the decision must be a whole number from 0 to 60']) assert.match(text, new RegExp(m));
  assert.equal((await coordinator.post('/reviews/kinds', { code: 'mhr', label: 'Mental health homicide review', short_label: 'MHHR', stage_set: 'dhr', decision_months: '2', completion_months: '12' })).statusCode, 303);
  const renamed = await coordinator.json('POST', '/api/review-kinds', { code: 'dhr', label: 'Domestic homicide review (before commencement)', shortLabel: 'DHR', stageSet: 'dhr', decisionMonths: 1, completionMonths: 6 });
  assert.equal(renamed.statusCode, 201);
  const kinds = renamed.json().items as { code: string; label: string; decisionMonths: number; builtIn: boolean }[];
  assert.equal(kinds.find((k) => k.code === 'dhr')!.label, 'Domestic homicide review (before commencement)');
  assert.deepEqual(kinds.find((k) => k.code === 'mhr'), { code: 'mhr', label: 'Mental health homicide review', shortLabel: 'MHHR', stageSet: 'dhr', decisionMonths: 2, completionMonths: 12, builtIn: false });
  assert.match(pageText((await coordinator.get('/reviews/new')).body), /Mental health homicide review/);
  assert.equal((await member.get('/reviews/kinds')).statusCode, 403);
});
