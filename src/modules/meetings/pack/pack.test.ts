// The agenda pack and the minutes as PDF, read back with pdf.js (unpdf) as a reader would:
// the page ranges printed on the agenda point at the pages where each paper's own words
// are, every page has its number, the public pack holds no restricted word, the members'
// pack holds the restricted item marked, and the minutes say DRAFT until approved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { extractText } from 'unpdf';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import { createTestApp, Client, demoUsers, type TestApp } from '../../../../test/support/app.ts';
import { buildBody, itemId, multipartBody, personId, redirectedId, sectionsOf } from '../testing.ts';

let t: TestApp;
let officer: Client;
let panel: Client;
let member: Client;
let bodyId: string;
let july: string;
let november: string;
let draftMeeting: string;

// Words that appear only in restricted content; none may reach the public pack.
const SECRET = ['HERON-PAPER', 'Heron chronology', 'HERON-MINUTES', 'Review of the death of Heron 2020'];

/** A PDF whose page n carries "<marker> page n" and a few lines, as a report would. */
async function markedPdf(marker: string, pages: number, opts: { landscapeLast?: boolean } = {}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) {
    const page = pdf.addPage([595, 842]);
    page.drawText(`${marker} page ${n}`, { x: 60, y: 760, size: 14, font });
    for (let l = 0; l < 8; l++) page.drawText(`Line ${l + 1} of the report on page ${n}.`, { x: 60, y: 720 - l * 18, size: 11, font });
    // A landscape page stored as portrait with /Rotate, as scanners and Excel write them.
    if (opts.landscapeLast && n === pages) page.setRotation(degrees(90));
  }
  return pdf.save();
}

async function longDocx(marker: string): Promise<Uint8Array> {
  const children = [new Paragraph({ text: `${marker} appendix`, heading: HeadingLevel.HEADING_1 })];
  for (let i = 1; i <= 60; i++) {
    children.push(new Paragraph(`${marker} paragraph ${i}: the partnership’s working group reviewed the district figures for anti-social behaviour, `
      + 'noting a fall in repeat victims and asking partners for their returns by the end of the quarter.'));
  }
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

async function upload(meeting: string, item: string, title: string, file: { name: string; type: string; bytes: Uint8Array }) {
  const page = await officer.get(`/meetings/${meeting}/items/${item}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartBody({ _csrf: csrf, title }, file);
  const res = await t.app.inject({
    method: 'POST', url: `/meetings/${meeting}/items/${item}/papers`, payload,
    headers: { host: 'localhost', cookie: officer.cookieHeader(), 'content-type': contentType },
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
}

async function schedule(day: string, month: string, year: string, extra: Record<string, string> = {}) {
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  return redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': day, 'meets_on-month': month, 'meets_on-year': year, starts_at: '10:00', ends_at: '1pm', format: 'in-person',
    venue: 'Council Chamber, Westgate House', ...extra,
  }));
}

async function addItem(meeting: string, section: string, title: string, extra: Record<string, string> = {}) {
  const sections = await sectionsOf(t, meeting);
  const res = await officer.post(`/meetings/${meeting}/items/new`, { section_id: sections[section]!, title, ...extra });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
}

const pdfPages = async (bytes: Buffer | Uint8Array) => (await extractText(new Uint8Array(bytes), { mergePages: false })).text.map((p) => p.replace(/\s+/g, ' '));

/** The pages (from 1) whose text matches. */
const pagesWith = (pages: string[], pattern: RegExp) => pages.flatMap((p, i) => (pattern.test(p) ? [i + 1] : []));

/** The "(Pages x - y)" or "(Page x)" printed after an item's title on the agenda, as a list of page numbers. */
function printedRange(agendaText: string, title: string): number[] {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped} \\(Pages? (\\d+)(?: - (\\d+))?\\)`).exec(agendaText);
  if (!m) return [];
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  panel = await new Client(t.app).signIn(demoUsers.panel);
  member = await new Client(t.app).signIn(demoUsers.member);
  bodyId = await buildBody(t, 'Harbourside Community Safety Partnership');
  const panelUser = await t.database.db.selectFrom('users').select('id').where('email', '=', demoUsers.panel).executeTakeFirstOrThrow();
  await t.database.db.insertInto('access_grants').values({ partnership_id: t.partnershipId, user_id: panelUser.id, scope_kind: 'body', scope_id: bodyId }).execute();

  // July: minuted, with a restricted item, minutes published in draft.
  july = await schedule('13', '7', '2021');
  await addItem(july, 'B', 'Anti-social behaviour update');
  await addItem(july, 'D', 'Review of the death of Heron 2020');
  for (const step of ['publish-agenda', 'held', 'start-minutes']) assert.equal((await officer.post(`/meetings/${july}/${step}`, { confirm_warnings: 'yes' })).statusCode, 303, step);
  const julyB1 = await itemId(t, july, 'B1');
  const julyD1 = await itemId(t, july, 'D1');
  await officer.post(`/meetings/${july}/items/${julyB1}/paragraphs`, { text: 'JULY-MINUTES-TEXT: the Partnership heard that repeat calls had fallen by a fifth.' });
  await officer.post(`/meetings/${july}/items/${julyB1}/resolutions`, { text: 'that the update be noted.' });
  await officer.post(`/meetings/${july}/items/${julyD1}/paragraphs`, { text: 'HERON-MINUTES: the panel’s chronology was discussed.' });
  assert.equal((await officer.post(`/meetings/${july}/publish-minutes`, { confirm_warnings: 'yes' })).statusCode, 303);

  // November: the pack under test. A4 carries July's minutes.
  november = await schedule('18', '11', '2021', { contact_person_id: await personId(t, 'Abernethy') });
  await addItem(november, 'B', 'Road safety strategy', { presenter_name: 'Chief Inspector Ada Marsh' });
  await addItem(november, 'B', 'Working group update');
  await addItem(november, 'B', 'Funding round: Łódź twinning → 2022 ✓ 🙂');
  await addItem(november, 'B', 'Item without papers');
  await addItem(november, 'D', 'Review of the death of Heron 2020');
  await upload(november, await itemId(t, november, 'B1'), 'Road safety report', { name: 'road.pdf', type: 'application/pdf', bytes: await markedPdf('ROAD-PAPER', 3, { landscapeLast: true }) });
  await upload(november, await itemId(t, november, 'B1'), 'Road safety appendix', { name: 'road-appendix.pdf', type: 'application/pdf', bytes: await markedPdf('ROAD-APPENDIX', 1) });
  await upload(november, await itemId(t, november, 'B2'), 'Working group report', {
    name: 'wg.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: await longDocx('WG-DOCX'),
  });
  await upload(november, await itemId(t, november, 'B3'), 'Funding table', { name: 'fund.pdf', type: 'application/pdf', bytes: await markedPdf('FUND-PAPER', 2) });
  await upload(november, await itemId(t, november, 'D1'), 'Heron chronology', { name: 'heron.pdf', type: 'application/pdf', bytes: await markedPdf('HERON-PAPER', 2) });
  assert.equal((await officer.post(`/meetings/${november}/publish-agenda`, { confirm_warnings: 'yes' })).statusCode, 303);

  // A later meeting whose agenda is not published yet.
  draftMeeting = await schedule('24', '3', '2022');
});
after(async () => { await t.close(); });

test('the public pack: cover, agenda with page ranges that point at each paper, the previous minutes, page numbers on every page', async () => {
  const res = await new Client(t.app).get(`/meetings/${november}/agenda-pack.pdf`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.match(String(res.headers['content-disposition']), /filename="harbourside-community-safety-partnership-2021-11-18-agenda-pack\.pdf"/);
  const pages = await pdfPages(res.rawPayload);

  const cover = pages[0]!;
  for (const s of ['AGENDA', 'Harbourside Community Safety Partnership', 'Northshire Community Safety Partnership', 'Thursday 18 November 2021',
    '10am to 1pm', 'Council Chamber, Westgate House', 'Contact officer', 'Abernethy', 'Public pack: restricted items']) {
    assert.ok(cover.includes(s), `cover has ${s}: ${cover}`);
  }

  const agenda = pages[1]!;
  assert.match(agenda, /A\. Committee business/);
  assert.match(agenda, /Presented by Chief Inspector Ada Marsh/);
  assert.match(agenda, /Restricted items are not included in this pack/);
  // Characters the PDF fonts cannot draw are replaced, never fatal.
  assert.match(agenda, /Funding round: Lódz twinning -> 2022 x \?/);
  assert.doesNotMatch(agenda, /Item without papers \(Page/);

  // Every printed range is exactly the pages where that item's own words are.
  const notes = printedRange(agenda, 'Notes of meeting held on 13 July 2021');
  assert.ok(notes.length >= 1, agenda);
  assert.deepEqual(pagesWith(pages, /JULY-MINUTES-TEXT/), notes);
  assert.deepEqual([notes[0]!], pagesWith(pages, /Minutes of the meeting of the Harbourside/));
  const road = printedRange(agenda, 'Road safety strategy');
  assert.deepEqual(road, [...pagesWith(pages, /ROAD-PAPER page \d/), ...pagesWith(pages, /ROAD-APPENDIX page 1/)]);
  assert.equal(road.length, 4);
  const wg = printedRange(agenda, 'Working group update');
  assert.ok(wg.length >= 2, 'the Word paper runs over more than one page');
  assert.deepEqual(pagesWith(pages, /WG-DOCX/), wg);
  assert.deepEqual(pagesWith(pages, /WG-DOCX paragraph 60:/), [wg[wg.length - 1]]);
  const fund = printedRange(agenda, 'Lódz twinning -> 2022 x ?');
  assert.deepEqual(pagesWith(pages, /FUND-PAPER page \d/), fund);
  // Papers follow the minutes in agenda order, to the last page.
  assert.equal(notes[0], 3);
  assert.equal(fund[fund.length - 1], pages.length);

  pages.forEach((p, i) => assert.match(p, new RegExp(`Page ${i + 1}(?!\\d)`), `footer of page ${i + 1}`));
  // The previous minutes are a draft until this meeting approves them.
  for (const n of notes) assert.match(pages[n - 1]!, /DRAFT – not yet approved as a correct record/);
});

test('the public pack holds no restricted item, paper or minute', async () => {
  const res = await new Client(t.app).get(`/meetings/${november}/agenda-pack.pdf`);
  const all = (await pdfPages(res.rawPayload)).join('\n');
  for (const s of SECRET) assert.ok(!all.includes(s), s);
  // The public pack says the item is held without press and public, and why; never what it is.
  assert.match(all, /D1 Held without the press and public\. Exempt under paragraph 1 of Part 1 of Schedule 12A/);
  assert.doesNotMatch(all, /Restricted – not for publication/);
  // The cover says how to attend; papers carry their item code and their own page numbers.
  assert.match(all, /How to attend In person at Council Chamber, Westgate House\./);
  assert.match(all, /Item B1 – paper page 1 of 3/);
  // A member with no grant for this body gets the same pack.
  const forMember = (await pdfPages((await member.get(`/meetings/${november}/agenda-pack.pdf`)).rawPayload)).join('\n');
  for (const s of SECRET) assert.ok(!forMember.includes(s), s);
});

test('the members’ pack includes the restricted item and its paper, marked, with the right pages, and the reads are audited', async () => {
  const auditBefore = await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'read').where('record_type', '=', 'paper').execute();
  const res = await panel.get(`/meetings/${november}/agenda-pack.pdf`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['cache-control'], 'private, no-store');
  const pages = await pdfPages(res.rawPayload);
  assert.match(pages[0]!, /Members’ pack: includes restricted items/);
  const agenda = pages[1]!;
  assert.match(agenda, /D\. Restricted items/);
  assert.match(agenda, /Restricted – not for publication/);
  assert.doesNotMatch(agenda, /Restricted items are not included/);
  const heron = printedRange(agenda, 'Review of the death of Heron 2020');
  assert.equal(heron.length, 2);
  assert.deepEqual(pagesWith(pages, /HERON-PAPER page \d/), heron);
  for (const n of heron) assert.match(pages[n - 1]!, /Restricted – not for publication/);
  // The restricted minutes of July come with the notes of that meeting, marked.
  const notes = printedRange(agenda, 'Notes of meeting held on 13 July 2021');
  assert.deepEqual(pagesWith(pages, /HERON-MINUTES/).every((n) => notes.includes(n)), true);
  assert.ok(pagesWith(pages, /HERON-MINUTES/).length > 0);
  // The public papers are still where the agenda says.
  assert.deepEqual(pagesWith(pages, /ROAD-PAPER page \d|ROAD-APPENDIX/), printedRange(agenda, 'Road safety strategy'));
  pages.forEach((p, i) => assert.match(p, new RegExp(`Page ${i + 1}(?!\\d)`), `footer of page ${i + 1}`));

  const audit = await t.database.db.selectFrom('audit_log').select(['summary', 'actor_label']).where('action', '=', 'read').where('record_type', '=', 'paper').execute();
  assert.equal(audit.length, auditBefore.length + 1);
  assert.match(audit.map((a) => a.summary).join('\n'), /Agenda pack of 2021-11-18 included restricted paper “Heron chronology” \(item D1\)/);
});

test('an agenda that is not published is not found for the public; officers get it marked as a draft', async () => {
  assert.equal((await new Client(t.app).get(`/meetings/${draftMeeting}/agenda-pack.pdf`)).statusCode, 404);
  assert.equal((await new Client(t.app).get('/meetings/00000000-0000-4000-8000-000000000000/agenda-pack.pdf')).statusCode, 404);
  assert.equal((await new Client(t.app).get('/meetings/not-a-meeting/agenda-pack.pdf')).statusCode, 404);
  const res = await officer.get(`/meetings/${draftMeeting}/agenda-pack.pdf`);
  assert.equal(res.statusCode, 200);
  const pages = await pdfPages(res.rawPayload);
  assert.match(pages[0]!, /DRAFT AGENDA – not yet published/);
  assert.match(pages[0]!, /Thursday 24 March 2022/);
});

test('the API serves the same pack and minutes, and describes them in the OpenAPI document', async () => {
  const pub = new Client(t.app);
  const res = await pub.json('GET', `/api/meetings/${november}/agenda-pack.pdf`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/pdf');
  const all = (await pdfPages(res.rawPayload)).join('\n');
  for (const s of SECRET) assert.ok(!all.includes(s), s);
  const missing = await pub.json('GET', `/api/meetings/${draftMeeting}/agenda-pack.pdf`);
  assert.equal(missing.statusCode, 404);
  assert.match(String(missing.headers['content-type']), /application\/problem\+json/);
  const openapi = (await pub.json('GET', '/api/openapi.json')).json();
  assert.ok(openapi.paths['/api/meetings/{id}/agenda-pack.pdf']?.get);
  assert.ok(openapi.paths['/api/meetings/{id}/minutes.pdf']?.get);
});

test('the minutes PDF is marked DRAFT on every page until approved, and holds restricted minutes only for those entitled', async () => {
  const pub = await new Client(t.app).get(`/meetings/${july}/minutes.pdf`);
  assert.equal(pub.statusCode, 200);
  const pages = await pdfPages(pub.rawPayload);
  for (const p of pages) assert.match(p, /DRAFT – not yet approved as a correct record/);
  const text = pages.join('\n');
  assert.match(text, /Draft minutes/);
  assert.match(text, /JULY-MINUTES-TEXT/);
  assert.match(text, /\(1\) JULY-MINUTES-TEXT/);
  assert.match(text, /RESOLVED that the update be noted\./);
  for (const s of SECRET) assert.ok(!text.includes(s), s);

  const forPanel = (await pdfPages((await panel.get(`/meetings/${july}/minutes.pdf`)).rawPayload)).join('\n');
  assert.match(forPanel, /HERON-MINUTES/);
  assert.match(forPanel, /Restricted – not for publication/);

  // November's minutes are not written, so there is nothing to download.
  assert.equal((await new Client(t.app).get(`/meetings/${november}/minutes.pdf`)).statusCode, 404);
  assert.equal((await officer.get(`/meetings/${november}/minutes.pdf`)).statusCode, 404);
});

test('once the next meeting approves them, the minutes PDF is no longer marked DRAFT', async () => {
  for (const step of ['held', 'start-minutes']) assert.equal((await officer.post(`/meetings/${november}/${step}`, {})).statusCode, 303, step);
  const a4 = await itemId(t, november, 'A4');
  await officer.get(`/meetings/${november}/items/${a4}`);
  assert.equal((await officer.post(`/meetings/${november}/items/${a4}/correct-record`, {})).statusCode, 303);
  const pages = await pdfPages((await new Client(t.app).get(`/meetings/${july}/minutes.pdf`)).rawPayload);
  const text = pages.join('\n');
  assert.doesNotMatch(text, /DRAFT/);
  assert.match(text, /Approved as a correct record on/);
  assert.match(text, /JULY-MINUTES-TEXT/);
});

test('the meeting page links the downloads the reader may have', async () => {
  const pub = new Client(t.app);
  const nov = (await pub.get(`/meetings/${november}`)).body;
  assert.ok(nov.includes(`href="/meetings/${november}/agenda-pack.pdf"`));
  assert.ok(nov.includes(`href="/bodies/${bodyId}/meetings.ics"`));
  const jul = (await pub.get(`/meetings/${july}`)).body;
  assert.ok(jul.includes(`href="/meetings/${july}/minutes.pdf"`));
  const draft = (await pub.get(`/meetings/${draftMeeting}`)).body;
  assert.ok(!draft.includes('agenda-pack.pdf'), 'no pack before the agenda is published');
  assert.ok(!draft.includes('minutes.pdf'));
});
