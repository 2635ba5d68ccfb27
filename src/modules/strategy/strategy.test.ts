// The Community Safety Agreement and its plan through HTTP, as the clerk, an owner, a
// member and the public use them, on the demo partnership's own agreement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { todayIso } from '../partnership/domain.ts';
import { nextPeriod, periodOf } from './domain.ts';
import { startSmtpTestServer } from '../../mail/smtpTestServer.ts';
import { multipartBody } from '../meetings/testing.ts';
import { parseCsv } from './planImport.ts';
import { toCsv } from '../public/domain.ts';
import ExcelJS from 'exceljs';
import { readFirstSheet, XLSX_TYPE } from '../../web/spreadsheets.ts';

let t: TestApp;
let officer: Client;
let member: Client;
let anyone: Client;
const period = periodOf(todayIso());
let published: { id: string };
let draft: { id: string };

const idOf = (location: unknown, kind: string) => new RegExp(`/strategy/${kind}/([0-9a-f-]{36})`).exec(String(location))![1]!;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  anyone = new Client(t.app);
  const rows = await t.database.db.selectFrom('strategy_agreements').select(['id', 'period', 'status']).where('partnership_id', '=', t.partnershipId).execute();
  published = rows.find((r) => r.period === period)!;
  draft = rows.find((r) => r.period === nextPeriod(period))!;
});
after(async () => { await t?.close(); });

test('the public reads the published agreement, its priorities, themes, measures and plan, but never the draft nor the restricted action', async () => {
  const list = pageText((await anyone.get('/strategy')).body);
  assert.match(list, new RegExp(`Northshire Community Safety Agreement ${period}`));
  assert.doesNotMatch(list, new RegExp(nextPeriod(period)));
  const page = await anyone.get(`/strategy/agreements/${published.id}`);
  assert.equal(page.statusCode, 200);
  const text = pageText(page.body);
  for (const words of ['Ending violence against women and girls', 'Acting early', 'Knife-enabled offences', 'Why: The strategic assessment found']) assert.ok(text.includes(words), words);
  assert.match(page.body, /<svg[^>]+aria-hidden="true"/);
  // The plan's page shows the objectives; an objective opens on its actions, without JavaScript.
  const plan = await anyone.get(`/strategy/agreements/${published.id}/plan`);
  assert.equal(plan.statusCode, 200);
  assert.match(plan.body, /Steer young people away from weapons and gangs/);
  assert.doesNotMatch(plan.body, /Youth workers in the emergency department/);
  const opener = /href="(\/strategy\/agreements\/[^"]+\?open=[^"#]+)#line-[^"]+">Show its actions<span class="govuk-visually-hidden"> \(2\.1\)/.exec(plan.body);
  assert.ok(opener, 'a link opens the objective 2.1');
  const opened = await anyone.get(opener[1]!.replace(/&amp;/g, '&'));
  assert.match(opened.body, /Youth workers in the emergency department/);
  assert.match(opened.body, /Hide its actions/);
  assert.doesNotMatch(opened.body, /exploitation hotspot/);
  assert.match((await officer.get(opener[1]!.replace(/&amp;/g, '&'))).body, /exploitation hotspot/);
  assert.equal((await anyone.get(`/strategy/agreements/${draft.id}`)).statusCode, 404);
  assert.equal((await anyone.get(`/api/strategy/agreements/${draft.id}`)).statusCode, 404);
  const csv = await anyone.get(`/strategy/agreements/${published.id}/plan.csv`);
  assert.equal(csv.statusCode, 200);
  assert.match(csv.headers['content-type'] as string, /text\/csv/);
  assert.match(csv.body, /^Id,Ref,Level,Priority,Action/);
  assert.doesNotMatch(csv.body, /exploitation hotspot/);
  const restricted = await t.database.db.selectFrom('strategy_plan_lines').select('id').where('restricted', '=', true).executeTakeFirstOrThrow();
  assert.equal((await anyone.get(`/strategy/plan-actions/${restricted.id}`)).statusCode, 404);
  assert.equal((await member.get(`/strategy/plan-actions/${restricted.id}`)).statusCode, 404);
  assert.match((await officer.get(`/strategy/plan-actions/${restricted.id}`)).body, /exploitation hotspot/);
});

test('the plan filters by priority, owner, status, theme and overdue; the roll-up shows on parents', async () => {
  const api = (await officer.json('GET', `/api/strategy/agreements/${published.id}/plan`)).json().items as { id: string; ref: string; title: string; rolledUp: { progress: number; status: string }; overdue: boolean; ownerPersonId: string | null; themeIds: string[] }[];
  const objective = api.find((l) => l.ref === '1.1')!;
  assert.equal(objective.rolledUp.status, 'off-track'); // a sub-action two levels down is off track
  // (2 x 100 + 1 x (1 x 100 + 1 x 0) / 2) / 3 = 83
  assert.equal(objective.rolledUp.progress, 83);
  const overdue = (await officer.json('GET', `/api/strategy/agreements/${published.id}/plan?status=overdue`)).json().items as typeof api;
  assert.ok(overdue.length >= 1 && overdue.every((l) => l.overdue));
  const macrae = (await t.database.db.selectFrom('people').select('id').where('family_name', '=', 'Macrae').executeTakeFirstOrThrow()).id;
  const mine = (await officer.json('GET', `/api/strategy/agreements/${published.id}/plan?ownerId=${macrae}`)).json().items as typeof api;
  assert.deepEqual([...new Set(mine.map((l) => l.ownerPersonId))], [macrae]);
  const page = pageText((await officer.get(`/strategy/agreements/${published.id}/plan?status=off-track`)).body);
  assert.match(page, /Ashby Vale and Corran Heath housing officers trained/);
  assert.doesNotMatch(page, /Youth workers in the emergency department/);
  assert.equal((await officer.json('GET', `/api/strategy/agreements/${published.id}/plan?status=purple`)).statusCode, 400);
});

test('an owner updates their own action from My plan actions; a fall in progress needs a note; every update is kept', async () => {
  const mine = await member.get('/strategy/mine');
  assert.match(mine.body, /Welfare and vulnerability training for door staff/);
  const lineId = /\/strategy\/plan-actions\/([0-9a-f-]{36})#update">Welfare/.exec(mine.body)![1]!;
  await member.get(`/strategy/plan-actions/${lineId}`);
  const down = await member.post(`/strategy/plan-actions/${lineId}/updates`, { status: 'on-track', progress: '40' });
  assert.equal(down.statusCode, 400);
  assert.match(pageText(down.body), /Progress goes down from 60% to 40%: enter a note saying why/);
  const ok = await member.post(`/strategy/plan-actions/${lineId}/updates`, { status: 'at-risk', progress: '70', note: 'Corran Heath venues trained; two venues refused.' });
  assert.equal(ok.statusCode, 303);
  const page = pageText((await member.get(`/strategy/plan-actions/${lineId}`)).body);
  assert.match(page, /Status on track → at risk\. Progress 60% → 70%\./);
  assert.match(page, /Corran Heath venues trained/);
  assert.match(page, /Brackenford and Ashby Vale venues done/); // the earlier update is still there
  // The public reads the figures, never the words of updates.
  const publicPage = pageText((await anyone.get(`/strategy/plan-actions/${lineId}`)).body);
  assert.match(publicPage, /At risk/);
  assert.doesNotMatch(publicPage, /two venues refused/);
  const audit = await t.database.db.selectFrom('audit_log').select(['summary', 'actor_label']).where('record_type', '=', 'plan-action').where('record_id', '=', lineId).execute();
  assert.ok(audit.some((a) => a.actor_label === 'Stuart Macrae' && /Progress 60% → 70%/.test(a.summary ?? '')));
  // Someone else's action: refused.
  const other = (await t.database.db.selectFrom('strategy_plan_lines').select('id').where('title', 'like', 'Youth workers%').executeTakeFirstOrThrow()).id;
  assert.equal((await member.json('POST', `/api/strategy/plan-actions/${other}/updates`, { progress: 90, note: 'x' })).statusCode, 403);
});

test('the clerk starts an agreement, adds priorities, themes and a plan; bad input is refused with what to do', async () => {
  await officer.get('/strategy/agreements/new');
  const bad = await officer.post('/strategy/agreements/new', { period: '2031-33', title: '' });
  assert.equal(bad.statusCode, 400);
  assert.match(pageText(bad.body), /Enter the period as a financial year, for example 2026-27/);
  const made = await officer.post('/strategy/agreements/new', { period: '2031-32', title: 'Northshire Community Safety Agreement 2031-32' });
  assert.equal(made.statusCode, 303);
  const id = idOf(made.headers.location, 'agreements');
  const tooEarly = await officer.post(`/strategy/agreements/${id}/agree`, { 'agreed_on-day': '1', 'agreed_on-month': '6', 'agreed_on-year': '2031' });
  assert.match(pageText(tooEarly.body), /Add at least one priority before recording that the agreement was agreed/);
  await officer.get(`/strategy/agreements/${id}/priorities/new`);
  assert.equal((await officer.post(`/strategy/agreements/${id}/priorities/new`, { kind: 'priority', title: 'Safer streets' })).statusCode, 303);
  const theme = await officer.json('POST', `/api/strategy/agreements/${id}/priorities`, { kind: 'theme', title: 'Acting early' });
  assert.equal(theme.statusCode, 201);
  const priorities = (await officer.json('GET', `/api/strategy/agreements/${id}/priorities`)).json().items as { id: string; title: string }[];
  assert.deepEqual(priorities.map((p) => p.title), ['Safer streets']);

  const objective = await officer.json('POST', `/api/strategy/agreements/${id}/plan`, { priorityId: priorities[0]!.id, title: 'Fewer burglaries', themeIds: [theme.json().id] });
  assert.equal(objective.statusCode, 201, objective.body);
  assert.equal(objective.json().ref, '1.1');
  const backwards = await officer.json('POST', `/api/strategy/agreements/${id}/plan`, { parentId: objective.json().id, title: 'Backwards', startsOn: '2031-06-01', dueOn: '2031-05-01' });
  assert.equal(backwards.statusCode, 400);
  assert.match(backwards.body, /The due date must be the same as or after the start date/);
  const zero = await officer.json('POST', `/api/strategy/agreements/${id}/plan`, { parentId: objective.json().id, title: 'Weightless', weight: 0 });
  assert.equal(zero.statusCode, 400);
  assert.match(zero.body, /weight above 0/);
  await officer.get(`/strategy/agreements/${id}/plan/new`);
  const action = await officer.post(`/strategy/agreements/${id}/plan/new`, { parent_id: objective.json().id, title: 'Target-hardening visits', weight: '1', 'due_on-day': '1', 'due_on-month': '9', 'due_on-year': '2031' });
  assert.equal(action.statusCode, 303, action.body.slice(0, 500));
  const actionId = idOf(action.headers.location, 'plan-actions');
  const cycle = await officer.json('PATCH', `/api/strategy/plan-actions/${objective.json().id}`, { parentId: actionId });
  assert.equal(cycle.statusCode, 400);
  assert.match(cycle.body, /cannot go under itself or under one of its own actions/);
  const override = await officer.json('PATCH', `/api/strategy/plan-actions/${objective.json().id}`, { statusOverride: 'on-track' });
  assert.match(override.body, /Enter why the status is set by hand/);
  const set = await officer.json('PATCH', `/api/strategy/plan-actions/${objective.json().id}`, { statusOverride: 'off-track', statusOverrideReason: 'Police staffing cut' });
  assert.equal(set.statusCode, 200);
  assert.equal(set.json().rolledUp.status, 'off-track');
  assert.equal(set.json().rolledUp.derivedStatus, 'not-started');

  // Agreed, published: the public sees it; the last one published is superseded.
  assert.equal((await officer.json('POST', `/api/strategy/agreements/${id}/agree`, { agreedOn: '2031-06-01' })).statusCode, 200);
  assert.equal((await anyone.get(`/strategy/agreements/${id}`)).statusCode, 404);
  assert.equal((await officer.post(`/strategy/agreements/${id}/publish`, {})).statusCode, 303);
  assert.equal((await anyone.get(`/strategy/agreements/${id}`)).statusCode, 200);
  const before = (await anyone.json('GET', `/api/strategy/agreements/${published.id}`)).json();
  assert.equal(before.status, 'superseded');
  // The plan is not public until the partnership says so.
  assert.equal((await anyone.get(`/strategy/agreements/${id}/plan`)).statusCode, 404);
  const history = await t.database.db.selectFrom('audit_log').select('summary').where('record_type', '=', 'strategy-agreement').where('record_id', '=', id).execute();
  assert.ok(history.length >= 3);
});

test('refreshing for next year copies priorities, themes and open work, and the two versions compare side by side', async () => {
  const latest = (await officer.json('GET', '/api/strategy/agreements')).json().items.find((a: { period: string }) => a.period === '2031-32');
  const res = await officer.json('POST', `/api/strategy/agreements/${latest.id}/refresh`, {});
  assert.equal(res.statusCode, 201, res.body);
  assert.equal(res.json().period, '2032-33');
  assert.equal(res.json().status, 'draft');
  const plan = (await officer.json('GET', `/api/strategy/agreements/${res.json().id}/plan`)).json().items as { title: string; carriedFromId: string | null }[];
  assert.deepEqual(plan.map((l) => l.title), ['Fewer burglaries', 'Target-hardening visits']);
  assert.ok(plan.every((l) => l.carriedFromId));
  const compare = pageText((await officer.get(`/strategy/agreements/${draft.id}/compare`)).body);
  assert.match(compare, /Added Not in .* Safer roads for walkers and cyclists/);
  assert.match(compare, /No change/);
  assert.match(compare, /Changed Description Reducing reoffending/);

  // The plan's lines compare too: one added to the draft, one whose due date moved.
  const next = res.json().id as string;
  const lines = (await officer.json('GET', `/api/strategy/agreements/${next}/plan`)).json().items as { id: string; title: string; level: string }[];
  const visits = lines.find((l) => l.title === 'Target-hardening visits')!;
  assert.equal((await officer.json('PATCH', `/api/strategy/plan-actions/${visits.id}`, { dueOn: '2032-12-31' })).statusCode, 200);
  const added = await officer.json('POST', `/api/strategy/agreements/${next}/plan`, { parentId: lines.find((l) => l.level === 'objective')!.id, title: 'Street-lighting survey' });
  assert.equal(added.statusCode, 201, added.body);
  const api = await officer.json('GET', `/api/strategy/agreements/${next}/compare`);
  assert.equal(api.statusCode, 200, api.body);
  assert.equal(api.json().older.period, '2031-32');
  const diff = new Map((api.json().planLines as { title: string; kind: string; changedFields: string[] }[]).map((d) => [d.title, d]));
  assert.equal(diff.get('Street-lighting survey')?.kind, 'added');
  // Matched with the line it was carried from; only its rolled-up figures move, with a new action under it.
  assert.notEqual(diff.get('Fewer burglaries')?.kind, 'added');
  assert.ok(diff.get('Fewer burglaries')!.changedFields.every((f) => f === 'status' || f === 'progress'));
  assert.deepEqual(diff.get('Target-hardening visits')?.changedFields, ['dueOn']);
  const planCompare = pageText((await officer.get(`/strategy/agreements/${next}/compare`)).body);
  assert.match(planCompare, /Action plan/);
  assert.match(planCompare, /Changed Due .*Due: 31 December 2032/);
  assert.match(planCompare, /Added Not in 2031-32 Street-lighting survey/);
  // The public compares the published versions, but not plans the partnership has not published.
  const publicCompare = await anyone.json('GET', `/api/strategy/agreements/${latest.id}/compare?with=${published.id}`);
  assert.equal(publicCompare.statusCode, 200, publicCompare.body);
  assert.equal(publicCompare.json().planLines, null);
  assert.ok((await officer.json('GET', `/api/strategy/agreements/${latest.id}/compare?with=${published.id}`)).json().planLines.length > 0);
  assert.equal((await anyone.json('GET', `/api/strategy/agreements/${next}/compare`)).statusCode, 404);
});

test('the plan downloads as a spreadsheet (XLSX) that opens as a zip of Office XML', async () => {
  const res = await officer.get(`/strategy/agreements/${published.id}/plan.xlsx`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /spreadsheetml/);
  assert.equal(res.rawPayload.subarray(0, 2).toString(), 'PK');
  const rows = await readFirstSheet(res.rawPayload);
  assert.deepEqual(rows[0]!.slice(0, 5), ['Id', 'Ref', 'Level', 'Priority', 'Action']);
  assert.ok(rows.some((r) => r[2] === 'Action'), 'the actions are rows of the sheet');
});

test('an edited XLSX download uploads too: a problem names the row the sheet shows, dates read back unchanged, and a file that is not a workbook is refused', async () => {
  const agreement = (await officer.json('GET', '/api/strategy/agreements')).json().items.find((a: { status: string }) => a.status === 'published');
  const download = await officer.get(`/strategy/agreements/${agreement.id}/plan.xlsx`);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(download.rawPayload as unknown as ExcelJS.Buffer);
  const sheet = book.worksheets[0]!;
  const header = (sheet.getRow(1).values as unknown[]);
  const col = (name: string) => header.indexOf(name);
  assert.ok(sheet.getColumn(col('Due date')).values.some((v) => v instanceof Date), 'due dates are dates in the workbook');
  let row = 0;
  sheet.eachRow((r, n) => { if (!row && r.getCell(col('Level')).value === 'Action') row = n; });
  assert.ok(row > 1);
  const upload = async (bytes: Uint8Array, name = 'plan.xlsx') => {
    const page = await officer.get(`/strategy/agreements/${agreement.id}/plan/upload`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const { payload, contentType } = multipartBody({ _csrf: csrf }, { name, type: XLSX_TYPE, bytes });
    return t.app.inject({ method: 'POST', url: `/strategy/agreements/${agreement.id}/plan/upload`, payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType } });
  };
  const before = (await officer.json('GET', `/api/strategy/agreements/${agreement.id}/plan`)).json().items;
  // A blank row above the action: the action is now one row further down, and the message says so.
  sheet.insertRow(2, []);
  sheet.getRow(row + 1).getCell(col('Status')).value = 'Nearly there';
  const refused = await upload(Buffer.from(await book.xlsx.writeBuffer()));
  assert.equal(refused.statusCode, 400);
  assert.match(pageText(refused.body), new RegExp(`${row + 1} Status “Nearly there” is not a status`));
  assert.match(pageText(refused.body), /nothing has been changed/);
  assert.deepEqual((await officer.json('GET', `/api/strategy/agreements/${agreement.id}/plan`)).json().items, before);
  // Fixed, with a note given as rich text: one line changes, and no date is taken as changed.
  sheet.getRow(row + 1).getCell(col('Status')).value = 'At risk';
  sheet.getRow(row + 1).getCell(col('Update note')).value = { richText: [{ text: 'Checked ', font: { bold: true } }, { text: 'at the Working Group' }] };
  const preview = await upload(Buffer.from(await book.xlsx.writeBuffer()));
  assert.equal(preview.statusCode, 200, pageText(preview.body).slice(0, 800));
  assert.match(pageText(preview.body), /changes 1 line of the plan/);
  assert.doesNotMatch(pageText(preview.body), /(Due|Starts) \d{4}-\d{2}-\d{2} →/);
  const notWorkbook = await upload(Buffer.from('PK\u0003\u0004 this is not a workbook'));
  assert.equal(notWorkbook.statusCode, 400);
  assert.match(pageText(notWorkbook.body), /could not be read: save it as CSV or as an Excel workbook \(XLSX\)/);
});

test('the API is described in the OpenAPI document, and a plan action can be found by search by those who may read it', async () => {
  const doc = (await anyone.json('GET', '/api/openapi.json')).json();
  for (const path of ['/api/strategy/agreements', '/api/strategy/agreements/{id}/plan', '/api/strategy/agreements/{id}/compare', '/api/strategy/plan-actions/{id}/updates', '/api/strategy/agreements/{id}/priorities']) assert.ok(doc.paths[path], path);
  const found = (await anyone.json('GET', '/api/search?q=emergency%20department')).json();
  assert.ok(found.total >= 1);
  assert.equal((await anyone.json('GET', '/api/search?q=hotspot')).json().total, 0);
  assert.ok((await officer.json('GET', '/api/search?q=hotspot')).json().total >= 1);
});

test('before the Working Group meets, owners with nothing reported are e-mailed a link to their own list, once a day', async () => {
  const smtp = await startSmtpTestServer();
  t.app.config.smtpUrl = smtp.url;
  try {
    await officer.get(`/strategy/agreements/${published.id}`);
    const sent = await officer.post(`/strategy/agreements/${published.id}/progress-requests`, {});
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 400));
    const mails = await smtp.waitFor(1);
    const toChen = mails.find((m) => m.envelopeTo.some((a) => a.startsWith('mark.chen@')));
    assert.ok(toChen, 'the owner of the restricted action is asked');
    assert.match(toChen!.text, /\/strategy\/mine/);
    assert.match(toChen!.text, /A restricted action \(sign in to read it\)/);
    assert.doesNotMatch(toChen!.text, /hotspot/);
    // Macrae reported on his action in an earlier test: he is not asked about it.
    assert.ok(!mails.some((m) => /Welfare and vulnerability training/.test(m.text)));
    const count = smtp.messages.length;
    const again = (await officer.json('POST', `/api/strategy/agreements/${published.id}/progress-requests`, {})).json();
    assert.equal(again.messages, 0);
    assert.equal(smtp.messages.length, count);
  } finally {
    t.app.config.smtpUrl = undefined;
    await smtp.close();
  }
});

test('the clerk uploads an edited plan: a bad row changes nothing and says where; fixed, the changes are shown and applied in one go', async () => {
  // The agreement in force (the one published in an earlier test; the demo's is superseded, and its plan no longer changes).
  const agreement = (await officer.json('GET', '/api/strategy/agreements')).json().items.find((a: { status: string }) => a.status === 'published');
  const superseded = (await officer.json('GET', '/api/strategy/agreements')).json().items.find((a: { status: string }) => a.status === 'superseded');
  const csv = parseCsv((await officer.get(`/strategy/agreements/${agreement.id}/plan.csv`)).body);
  const header = csv[0]!;
  const col = (name: string) => header.indexOf(name);
  const row = csv.findIndex((r) => r[col('Level')] === 'Action');
  assert.ok(row > 0, `an action among ${csv.length} rows`);
  const upload = async (rows: string[][], name = 'plan.csv') => {
    const page = await officer.get(`/strategy/agreements/${agreement.id}/plan/upload`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const { payload, contentType } = multipartBody({ _csrf: csrf }, { name, type: 'text/csv', bytes: Buffer.from(toCsv(rows[0]!, rows.slice(1))) });
    return t.app.inject({ method: 'POST', url: `/strategy/agreements/${agreement.id}/plan/upload`, payload, headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType } });
  };
  const before = (await officer.json('GET', `/api/strategy/agreements/${agreement.id}/plan`)).json().items;
  const bad = csv.map((r) => [...r]);
  bad[row]![col('Status')] = 'Nearly there';
  bad[row]![col('Progress (%)')] = '140';
  bad[row]![col('Due date')] = '31/02/2027';
  const refused = await upload(bad);
  assert.equal(refused.statusCode, 400);
  const text = pageText(refused.body);
  assert.match(text, new RegExp(`${row + 1} Status “Nearly there” is not a status`));
  assert.match(text, new RegExp(`${row + 1} Progress \\(%\\) “140” is not a progress figure`));
  assert.match(text, /“31\/02\/2027” is not a date/);
  assert.match(text, /nothing has been changed/);
  assert.deepEqual((await officer.json('GET', `/api/strategy/agreements/${agreement.id}/plan`)).json().items, before);
  // A superseded agreement's plan is not changed by an upload.
  const old = await officer.post(`/strategy/agreements/${superseded.id}/plan/apply`, { rows: JSON.stringify(csv) });
  assert.equal(old.statusCode, 400);
  assert.match(pageText(old.body), /superseded/);

  const good = csv.map((r) => [...r]);
  good[row]![col('Status')] = 'At risk';
  good[row]![col('Progress (%)')] = String(Number(good[row]![col('Progress (%)')]) + 5);
  good[row]![col('Update note')] = 'Spreadsheet update from the Working Group';
  const preview = await upload(good);
  assert.equal(preview.statusCode, 200, pageText(preview.body).slice(0, 800));
  assert.match(pageText(preview.body), /changes 1 line of the plan. Nothing has been changed yet/);
  const rows = /name="rows" value="([^"]+)"/.exec(preview.body)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#39;/g, "'");
  const applied = await officer.post(`/strategy/agreements/${agreement.id}/plan/apply`, { rows });
  assert.equal(applied.statusCode, 303, pageText(applied.body).replace(/^.*There is a problem/, "").slice(0, 600));
  const line = (await officer.json('GET', `/api/strategy/plan-actions/${good[row]![col('Id')]}`)).json();
  assert.equal(line.status, 'at-risk');
  assert.equal(line.updates.at(-1).source, 'import');
  assert.equal(line.updates.at(-1).note, 'Spreadsheet update from the Working Group');
  const audit = await t.database.db.selectFrom('audit_log').select(['summary', 'before', 'after']).where('record_type', '=', 'plan-action').where('record_id', '=', line.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.match(audit.summary ?? '', /^From a spreadsheet \(row \d+\): Status .* → at risk/);
  assert.equal((typeof audit.after === 'string' ? JSON.parse(audit.after) : audit.after).status, 'at-risk');
});
