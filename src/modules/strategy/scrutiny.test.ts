// The scrutiny evidence pack read back as a reader reads it (pdf.js through unpdf): the
// cover names the period, the contents' page numbers are the pages where each part's
// heading is, every page says "Page n of m", the demo agreement's priorities are there,
// a board decision of a published meeting in the period is and one outside it is not,
// the attendance by organisation is what the minutes recorded, and restricted business
// (an item, its resolution, a restricted plan action) never is. A bad period gives a
// message and no PDF. The JSON twin says the same.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { extractText, getDocumentProxy } from 'unpdf';
import { sql } from 'kysely';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { buildBody, personId } from '../meetings/testing.ts';
import { holdMeeting } from '../public/testing.ts';
import { longDate } from '../meetings/pack/minutes.ts';
import { PART_TITLES } from './scrutinyPdf.ts';
import { lastCompleteFinancialYear } from './scrutiny.ts';

let t: TestApp;
let officer: Client;
let anyone: Client;
const today = todayIso();
const from = addDays(today, -60);
const to = today;
const M = {
  decision: 'that the Tarnwick underpass lighting be funded',
  outside: 'that the Brimblecombe review be noted',
  restrictedItem: 'Quorflax family safeguarding case',
  restrictedResolution: 'that the Snodgrell disclosure be made',
  restrictedAction: 'Disrupt the Grivelwick county line',
};

async function pdfPages(res: { rawPayload: Buffer }): Promise<string[]> {
  const pdf = await getDocumentProxy(new Uint8Array(res.rawPayload));
  const { text } = await extractText(pdf, { mergePages: false });
  return (text as string[]).map((p) => p.replace(/\s+/g, ' ').replace(/’/g, "'"));
}

/** Attendance at the board's meetings with published minutes in the period, counted straight from the table. */
async function recordedAttendance() {
  const rows = await t.database.db.selectFrom('meeting_attendance as a')
    .innerJoin('meetings as m', 'm.id', 'a.meeting_id').innerJoin('bodies as b', 'b.id', 'm.body_id')
    .leftJoin('people as p', 'p.id', 'a.person_id').leftJoin('organisations as o', 'o.id', 'p.organisation_id')
    .select(['o.name', 'a.kind', sql<number>`count(*)::int`.as('n')])
    .where('a.partnership_id', '=', t.partnershipId).where('b.kind', '=', 'board').where('m.minutes_published_at', 'is not', null)
    .where('m.meets_on', '>=', from).where('m.meets_on', '<=', to)
    .groupBy(['o.name', 'a.kind']).execute();
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const name = r.name ?? 'No organisation recorded';
    out.set(name, { ...(out.get(name) ?? {}), [r.kind]: Number(r.n) });
  }
  return out;
}

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  anyone = new Client(t.app);
  const db = t.database.db;
  // A board of its own, so the demo board's standing items need no minutes here.
  const board = await buildBody(t, 'Tarnwick Safer Communities Board');
  const [lindqvist, macrae, osei] = await Promise.all(['Lindqvist', 'Macrae', 'Osei'].map((n) => personId(t, n)));
  // The older meeting first: minute numbers run on from one meeting to the next.
  await holdMeeting(t, officer, board, { on: addDays(today, -90), stage: 'minutes', items: [{ section: 'B', title: 'Brimblecombe review', resolutions: [M.outside] }],
    attendance: [{ personId: osei!, kind: 'present' }] });
  await holdMeeting(t, officer, board, {
    on: addDays(today, -20), stage: 'minutes',
    items: [
      { section: 'B', title: 'Street lighting in Tarnwick', resolutions: [M.decision] },
      { section: 'D', title: M.restrictedItem, resolutions: [M.restrictedResolution] },
    ],
    attendance: [{ personId: lindqvist!, kind: 'present', capacity: 'Chair' }, { personId: macrae!, kind: 'present' }, { personId: osei!, kind: 'apologies' }],
  });
  // A restricted action in the published agreement's plan.
  const agreement = await db.selectFrom('strategy_agreements').select('id').where('partnership_id', '=', t.partnershipId).where('status', '=', 'published').orderBy('period', 'desc').executeTakeFirstOrThrow();
  const plan = (await officer.json('GET', `/api/strategy/agreements/${agreement.id}/plan`)).json().items as { id: string; level: string }[];
  const added = await officer.json('POST', `/api/strategy/agreements/${agreement.id}/plan`, { parentId: plan.find((l) => l.level === 'objective')!.id, title: M.restrictedAction, restricted: true });
  assert.equal(added.statusCode, 201, added.body);
});
after(async () => { await t?.close(); });

test('the pack: cover with the period, contents whose page numbers are right, priorities, decisions in the period, attendance as recorded, no restricted business', async () => {
  const auditBefore = await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const res = await anyone.get(`/strategy/scrutiny/pack.pdf?from=${from}&to=${to}`);
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  assert.match(String(res.headers['content-type']), /^application\/pdf/);
  const pages = await pdfPages(res);
  const all = pages.join('\n');

  assert.match(pages[0]!, /Crime and disorder scrutiny: evidence pack/);
  assert.ok(pages[0]!.includes(`Period: ${longDate(from)} to ${longDate(to)}`), pages[0]);
  pages.forEach((p, i) => assert.ok(p.includes(`Page ${i + 1} of ${pages.length}`), `page ${i + 1} has its footer`));

  // Contents: each part named with a page number, and that page is where its heading first appears.
  assert.match(pages[1]!, /^Contents/);
  const titles = Object.values(PART_TITLES).map((x) => x.replace(/’/g, "'"));
  let listed = 0;
  for (const [i, title] of titles.entries()) {
    const m = new RegExp(`(\\d)\\. ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (\\d+)`).exec(pages[1]!);
    if (!m) { assert.ok(i >= 4, `the contents lists ${title}`); continue; }
    listed++;
    const page = Number(m[2]);
    const heading = `${m[1]}. ${title}`;
    assert.ok(pages[page - 1]!.includes(heading), `"${heading}" is on page ${page}`);
    assert.equal(pages.findIndex((p, n) => n > 1 && p.includes(heading)), page - 1, `"${heading}" first appears on page ${page}`);
  }
  assert.ok(listed >= 4, 'the four parts every pack has are listed');

  for (const p of ['Ending violence against women and girls', 'Reducing serious violence and exploitation', 'Tackling anti-social behaviour where people live']) assert.ok(all.includes(p), p);
  assert.match(all, /Progress by priority/);
  assert.ok(all.includes(M.decision), 'the decision of the meeting in the period');
  assert.ok(!all.includes(M.outside), 'no decision from outside the period');
  for (const secret of [M.restrictedItem, 'Quorflax', M.restrictedResolution, 'Snodgrell', M.restrictedAction, 'Grivelwick', 'exploitation hotspot']) {
    assert.ok(!all.includes(secret), `the pack holds "${secret}"`);
  }

  const recorded = await recordedAttendance();
  assert.ok(recorded.size >= 2, 'attendance was recorded for at least two organisations');
  for (const [organisation, k] of recorded) {
    const line = `${organisation.replace(/’/g, "'")}: present ${k.present ?? 0}, apologies ${k.apologies ?? 0}, absent ${k.absent ?? 0}, in attendance ${(k['in-attendance'] ?? 0) + (k['also-present'] ?? 0)}`;
    assert.ok(all.includes(line), `attendance line "${line}"`);
  }
  // Only public content went in: nothing to audit.
  const auditAfter = await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const latest = await t.database.db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').limit(2).execute();
  assert.equal(Number(auditAfter.n), Number(auditBefore.n), JSON.stringify(latest).slice(0, 800));
});

test('the JSON twin holds the same contents, counts only for reviews, and is in the OpenAPI document', async () => {
  const res = await officer.json('GET', `/api/strategy/scrutiny?from=${from}&to=${to}`);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.from, from);
  const texts = (body.decisions as { text: string }[]).map((d) => d.text);
  assert.ok(texts.some((x) => x.includes(M.decision)));
  assert.ok(!texts.some((x) => x.includes(M.outside) || x.includes('Snodgrell')));
  assert.ok((body.agreements as { priorities: { title: string }[] }[]).some((a) => a.priorities.some((p) => p.title === 'Ending violence against women and girls')));
  assert.ok(!res.body.includes('Grivelwick'));
  const recorded = await recordedAttendance();
  for (const a of body.attendance as { organisation: string; present: number; apologies: number }[]) {
    assert.equal(a.present, recorded.get(a.organisation)?.present ?? 0, a.organisation);
    assert.equal(a.apologies, recorded.get(a.organisation)?.apologies ?? 0, a.organisation);
  }
  if (body.reviews) assert.deepEqual(Object.keys(body.reviews).sort(), ['decidedNotToReview', 'decidedToReview', 'findingsAccepted', 'findingsNotAccepted', 'notified', 'published', 'submitted']);
  const openapi = (await officer.json('GET', '/api/openapi.json')).json();
  assert.ok(openapi.paths['/api/strategy/scrutiny']?.get, 'documented in OpenAPI');
});

test('the page offers the last complete financial year by default and links to its pack', async () => {
  const res = await officer.get('/strategy/scrutiny');
  assert.equal(res.statusCode, 200);
  const p = lastCompleteFinancialYear(today);
  assert.ok(res.body.includes(`/strategy/scrutiny/pack.pdf?from=${p.from}&amp;to=${p.to}`), 'the download link');
  assert.match(pageText(res.body), /Download the evidence pack \(PDF\)/);
  assert.match(res.body, /<form method="get" action="\/strategy\/scrutiny"/);
  const chosen = pageText((await officer.get(`/strategy/scrutiny?from=${from}&to=${to}`)).body);
  assert.match(chosen, /Ending violence against women and girls/);
});

test('a bad period gives a clear message and no PDF', async () => {
  for (const [query, message] of [
    [`from=${to}&to=${from}`, 'The end of the period must be the same as or after its start'],
    [`from=last-year&to=${to}`, 'Enter the start of the period as a date in the form YYYY-MM-DD'],
    [`from=${from}&to=2026-02-30`, 'Enter the end of the period as a date in the form YYYY-MM-DD'],
    [`from=2001-04-01&to=2026-03-31`, 'Choose a period of no more than 5 years'],
  ] as const) {
    const res = await anyone.get(`/strategy/scrutiny/pack.pdf?${query}`);
    assert.equal(res.statusCode, 400, query);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.ok(pageText(res.body).includes(message), `${query}: ${message}`);
    assert.match(res.body, /govuk-error-summary/);
    const api = await anyone.get(`/api/strategy/scrutiny?${query}`);
    assert.equal(api.statusCode, 400);
    assert.ok(api.body.includes(message), api.body);
  }
});
