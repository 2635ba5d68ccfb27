// Issue 3's journey in a real Chromium: a clerk runs the November 2021 meeting of the
// seeds from agenda to approved minutes, driven by its golden record (read from
// ../shared/golden at test time, so no seed text lives in this repository). Axe (WCAG
// 2.2 AA) checks every page on the way; at the end the public reads the meeting page,
// the agenda pack and the minutes as PDF, and search, and finds none of the restricted
// business.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { extractText } from 'unpdf';
import { startBrowserHarness, signIn, axeProblemsQuick, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { Client } from '../support/app.ts';
import { addDays, todayIso } from '../../src/modules/partnership/domain.ts';
import { previousMinutesTitle } from '../../src/modules/meetings/domain.ts';

// ------------------------------------------------------------------ the golden record

interface GoldenItem {
  minuteNumber: string | null;
  agendaCode: string | null;
  title: string;
  restricted: boolean | null;
  resolutions: string[];
  actions: { owner: string | null; text: string; due: string | null }[];
}
interface GoldenPerson { name: string; role: string | null }
interface GoldenMeeting {
  date: string;
  attendance: { present: GoldenPerson[]; inAttendance: GoldenPerson[]; apologies: GoldenPerson[] };
  items: GoldenItem[];
}

const golden = JSON.parse(readFileSync(path.resolve('..', 'shared', 'golden', '000_e664d6e6994611c5.json'), 'utf8')) as { meetings: GoldenMeeting[] };
const meeting = golden.meetings[0]!;
const items = meeting.items.map((i) => ({ ...i, code: i.agendaCode!, minute: Number(i.minuteNumber) }));
const itemOf = (code: string) => items.find((i) => i.code === code)!;
const section = (letter: string) => items.filter((i) => i.code.startsWith(letter));
const publicItems = items.filter((i) => !i.restricted);
const restrictedItems = items.filter((i) => i.restricted);
const firstMinute = Math.min(...items.map((i) => i.minute));
const notesItem = items.find((i) => /^Notes of meeting held on /.test(i.title))!;
/** The clauses the clerk types: the notes item's is worded by the app when it approves the last minutes. */
const typedResolutions = (i: GoldenItem) => (i === notesItem ? [] : i.resolutions);

/** "Notes of meeting held on 13 July 2021" -> 2021-07-13: the meeting whose minutes this one approves. */
function previousDate(title: string): string {
  const m = /(\d{1,2}) (\w+) (\d{4})$/.exec(title);
  assert.ok(m, `no date in "${title}"`);
  const month = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'].indexOf(m[2]!) + 1;
  return `${m[3]}-${String(month).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
}
const previousOn = previousDate(notesItem.title);

// Markers of our own making, unique to this run, so a leak cannot be a coincidence.
const run = randomBytes(4).toString('hex');
const publicPaperMarker = `publicpapermarker${run}`;
const restrictedPaperMarker = `restrictedpapermarker${run}`;
const restrictedMinuteMarker = `restrictedminutemarker${run}`;
const restrictedPaperTitle = `Confidential case summary ${run}`;

async function paperPdf(lines: string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 18, size: 11, font }));
  return Buffer.from(await pdf.save());
}

// ------------------------------------------------------------------ harness and the meeting before

let h: BrowserHarness;
let boardId: string;
let boardName: string;
let previousMeetingId: string;

before(async () => {
  h = await startBrowserHarness();
  const board = await h.database.db.selectFrom('bodies').select(['id', 'name']).where('partnership_id', '=', h.partnershipId).where('kind', '=', 'board').executeTakeFirstOrThrow();
  boardId = board.id;
  boardName = board.name;

  // The July meeting, run through the same forms without a browser: its minutes are in
  // draft, numbered below the golden first number (as 27-39 came before 40-50), so the
  // November meeting's "notes of the last meeting" has something to approve.
  const clerk = await new Client(h.app).signIn(demoUsers.officer);
  const ok = async (res: Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>) => {
    const r = await res;
    assert.equal(r.statusCode, 303, r.body.slice(0, 2000));
    return String(r.headers.location);
  };
  await clerk.get(`/bodies/${boardId}/meeting-settings`);
  await ok(clerk.post(`/bodies/${boardId}/meeting-settings`, { first_minute_number: String(firstMinute - 13) }));
  const [year, month, day] = previousOn.split('-');
  const location = await ok(clerk.post(`/bodies/${boardId}/meetings/new`, {
    'meets_on-day': day!, 'meets_on-month': month!, 'meets_on-year': year!, starts_at: '10am', format: 'online',
  }));
  previousMeetingId = /\/meetings\/([0-9a-f-]{36})/.exec(location)![1]!;
  for (const step of ['publish-agenda', 'held', 'start-minutes']) await ok(clerk.post(`/meetings/${previousMeetingId}/${step}`, { confirm_warnings: 'yes' }));
  const julyItem = await h.database.db.selectFrom('agenda_items').select('id').where('partnership_id', '=', h.partnershipId)
    .where('meeting_id', '=', previousMeetingId).where('title', '=', 'Working Group update').executeTakeFirstOrThrow();
  await ok(clerk.post(`/meetings/${previousMeetingId}/items/${julyItem.id}/paragraphs`, { text: 'The Working Group reported on its grant projects.' }));
  await ok(clerk.post(`/meetings/${previousMeetingId}/items/${julyItem.id}/resolutions`, { text: 'to note the report.' }));
  // An item left empty stops the minutes being published (the check page says so).
  const arising = await h.database.db.selectFrom('agenda_items').select('id').where('partnership_id', '=', h.partnershipId)
    .where('meeting_id', '=', previousMeetingId).where('kind', '=', 'matters-arising').executeTakeFirst();
  if (arising) await ok(clerk.post(`/meetings/${previousMeetingId}/items/${arising.id}/paragraphs`, { text: 'There were no matters arising.' }));
  await ok(clerk.post(`/meetings/${previousMeetingId}/publish-minutes`, { confirm_warnings: 'yes' }));
});
after(async () => { await h?.close(); });

// ------------------------------------------------------------------ page helpers

/** Fails on any axe (WCAG 2.2 AA) violation on the page as it stands. */
async function axe(page: Page) {
  const problems = await axeProblemsQuick(page);
  const where = new URL(page.url()).pathname;
  assert.equal(problems.length, 0, `axe found ${problems.length} kind(s) of WCAG violation:\n${describeProblems(where, problems)}`);
}

/** Does something that loads a new page, then checks that page with axe. */
async function go(page: Page, action: () => Promise<unknown>) {
  await Promise.all([page.waitForEvent('load'), action()]);
  await axe(page);
}

/** Opens an address (one read from a link of the page before), then checks it with axe. */
async function visit(page: Page, url: string) {
  const res = await page.goto(url);
  assert.equal(res?.status(), 200, `GET ${url}`);
  await axe(page);
}

/** "Publish" leads to the check page: any warnings are confirmed there, then the same button publishes. */
async function publishThroughCheck(page: Page, button: string) {
  await go(page, () => page.getByRole('button', { name: button }).click());
  const confirm = page.getByLabel('I have read the warnings and want to publish anyway');
  if (await confirm.count()) await confirm.check();
  await go(page, () => main(page).locator('form').getByRole('button', { name: button }).click());
}

async function assertFlash(page: Page, message: string) {
  const banner = page.locator('.govuk-notification-banner--success');
  assert.equal(await banner.count(), 1, `expected the success banner "${message}" on ${page.url()}`);
  assert.ok((await banner.innerText()).includes(message), `banner says "${await banner.innerText()}", expected "${message}"`);
}

async function fillDate(page: Page, legend: string, iso: string) {
  const [year, month, day] = iso.split('-');
  const group = page.getByRole('group', { name: legend, exact: true });
  await group.getByLabel('Day').fill(String(Number(day)));
  await group.getByLabel('Month').fill(String(Number(month)));
  await group.getByLabel('Year').fill(year!);
}

/** Chooses the option of a select whose text contains `text` (people are listed with their organisation). */
async function choose(select: Locator, text: string) {
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  assert.ok(value, `no option "${text}"`);
  await select.selectOption(value);
}

const main = (page: Page) => page.locator('main');
const mainText = async (page: Page) => (await main(page).innerText()).replace(/\s+/g, ' ');

/** The agenda as the meeting page shows it: [code, title] in order. */
const agendaRows = (page: Page) => page.$$eval('main section table tbody tr', (rows) =>
  rows.map((r) => [r.querySelector('th')?.textContent?.trim() ?? '', r.querySelector('td a')?.textContent?.trim() ?? '']));

/** The address of each agenda item, by code, read from the meeting page's links. */
async function itemLinks(page: Page): Promise<Map<string, string>> {
  const pairs = await page.$$eval('main section table tbody tr', (rows) =>
    rows.map((r) => [r.querySelector('th')?.textContent?.trim() ?? '', r.querySelector('td a')?.getAttribute('href') ?? '']));
  return new Map(pairs as [string, string][]);
}

const pdfText = async (bytes: Buffer) => (await extractText(new Uint8Array(bytes), { mergePages: true })).text;
/** Compares text as a PDF reader gives it: lines may wrap anywhere a space was. */
const squash = (s: string) => s.replace(/\s+/g, '');

// ------------------------------------------------------------------ the journey

test(`a clerk runs the meeting of ${meeting.date} from agenda to approved minutes, and the public sees none of its restricted business`, { timeout: 240_000 }, async (t: TestContext) => {
  const started = Date.now();
  const page = await h.newPage();
  let meetingUrl = '';
  let links = new Map<string, string>();
  const restrictedUrls: string[] = [];

  await t.test('the clerk sets the board up: no standing items the seeds lack, minutes numbered from the golden first number', async () => {
    await page.goto('/sign-in');
    await axe(page);
    await signIn(page, demoUsers.officer);
    await axe(page);
    await go(page, () => page.getByRole('link', { name: 'Meetings', exact: true }).first().click());
    await go(page, () => main(page).getByRole('link', { name: boardName, exact: true }).click());
    await go(page, () => page.getByRole('link', { name: 'Minute numbering and standing items' }).click());
    for (const title of ['Matters arising', 'Working Group update']) {
      await go(page, () => page.getByRole('button', { name: `Remove ${title}`, exact: true }).click());
      await assertFlash(page, `“${title}” removed from new agendas`);
    }
    await page.getByLabel('First minute number').fill(String(firstMinute));
    await go(page, () => page.getByRole('button', { name: 'Save numbering' }).click());
    await assertFlash(page, 'Minute numbering saved');
    assert.equal(await page.getByLabel('First minute number').inputValue(), String(firstMinute));
  });

  await t.test('the clerk schedules the meeting; its agenda starts with the standing items and the notes of the July meeting', async () => {
    await go(page, () => page.locator('.govuk-breadcrumbs').getByRole('link', { name: boardName }).click());
    await go(page, () => page.getByRole('button', { name: 'Schedule a meeting' }).click());
    await fillDate(page, 'Date of the meeting', meeting.date);
    await page.getByLabel('Start time').fill('10am');
    await page.getByRole('group', { name: 'How is the meeting held?' }).getByLabel('Online', { exact: true }).check();
    await choose(page.getByLabel('Contact officer (optional)'), 'Abernethy');
    await go(page, () => page.getByRole('button', { name: 'Save' }).click());
    await assertFlash(page, 'Meeting on 18 November 2021 scheduled');
    meetingUrl = new URL(page.url()).pathname;
    assert.match(await mainText(page), /Contact officer Mrs Gwen Abernethy/);
    // The app writes the notes item's title itself, and it is the seeds' title.
    assert.equal(previousMinutesTitle(previousOn), notesItem.title);
    assert.deepEqual(await agendaRows(page), [
      ['A1', 'Introduction'], ['A2', 'Apologies and substitutes'], ['A3', 'Declarations of interest'], ['A4', notesItem.title], ['C1', 'Dates of future meetings'],
    ]);
  });

  await t.test('the clerk shapes the standing items as the seeds have them: no minute for the introduction and apologies, the seeds’ titles', async () => {
    links = await itemLinks(page);
    const changes: [string, (p: Page) => Promise<void>, string][] = [
      ['A1', (p) => p.getByRole('group', { name: 'Will the item have a minute?' }).getByLabel('No', { exact: true }).check(), 'Introduction'],
      ['A2', (p) => p.getByRole('group', { name: 'Will the item have a minute?' }).getByLabel('No', { exact: true }).check(), 'Apologies and substitutes'],
      ['A3', (p) => p.getByLabel('Title', { exact: true }).fill(itemOf('A3').title), itemOf('A3').title],
      ['C1', (p) => p.getByLabel('Title', { exact: true }).fill(section('C')[0]!.title), section('C')[0]!.title],
    ];
    for (const [code, change, title] of changes) {
      await visit(page, links.get(code)!);
      await go(page, () => page.getByRole('link', { name: 'Change this item' }).click());
      await change(page);
      await go(page, () => page.getByRole('button', { name: 'Save' }).click());
      await assertFlash(page, 'Changes saved');
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `${code} ${title}`);
    }
  });

  await t.test('the clerk adds the golden items section by section, B2 added late and moved up into place', async () => {
    await visit(page, meetingUrl);
    const b = section('B');
    // B2 is added after B3, then moved up with the buttons.
    const order = [b[0]!, b[2]!, b[1]!, ...b.slice(3), ...section('D')];
    for (const item of order) {
      const letter = item.code[0]!;
      await go(page, () => page.getByRole('link', { name: `Add an item to section ${letter}` }).click());
      assert.match(await page.getByLabel('Section', { exact: true }).locator('option:checked').innerText(), new RegExp(`^${letter}\\. `));
      await page.getByLabel('Title', { exact: true }).fill(item.title);
      await go(page, () => page.getByRole('button', { name: 'Save' }).click());
      await assertFlash(page, 'Item ');
    }
    // Added third in section B, it has code B3 until moved.
    await go(page, () => page.getByRole('button', { name: `Move up B3 ${b[1]!.title}`, exact: true }).click());
    await assertFlash(page, 'Item moved: it is now B2');

    const expected = [['A1', 'Introduction'], ['A2', 'Apologies and substitutes'], ...items.map((i) => [i.code, i.title])]
      .sort(([a], [b]) => a!.localeCompare(b!));
    assert.deepEqual(await agendaRows(page), expected);
    // Section D is the restricted one.
    const d = page.getByRole('region', { name: /^D\. / });
    assert.match(await d.innerText(), /Restricted: held without the press and public/);
    links = await itemLinks(page);
    for (const i of restrictedItems) restrictedUrls.push(links.get(i.code)!);
  });

  await t.test('the clerk attaches a paper to a restricted item and one to an open item', async () => {
    const papers = [
      { code: 'D1', title: restrictedPaperTitle, file: `case-summary-${restrictedPaperMarker}.pdf`, lines: ['Case summary for the partnership only.', restrictedPaperMarker] },
      { code: 'B1', title: 'Strategy update report', file: 'strategy-update.pdf', lines: ['A report for the meeting, open to the public.', publicPaperMarker] },
    ];
    for (const p of papers) {
      await visit(page, links.get(p.code)!);
      if (p.code.startsWith('D')) assert.match(await mainText(page), /Restricted item: held without the press and public/);
      await page.getByLabel('Title of the paper (optional)').fill(p.title);
      await page.getByLabel('Upload a paper').setInputFiles({ name: p.file, mimeType: 'application/pdf', buffer: await paperPdf(p.lines) });
      await go(page, () => page.getByRole('button', { name: 'Upload paper' }).click());
      await assertFlash(page, `Paper “${p.title}” added`);
      const link = main(page).getByRole('link', { name: p.title, exact: true });
      assert.match(await link.locator('xpath=..').innerText(), /PDF, \d+ KB, 1 page/);
      if (p.code.startsWith('D')) restrictedUrls.push((await link.getAttribute('href'))!);
    }
  });

  await t.test('the clerk publishes the agenda and records attendance', async () => {
    await visit(page, meetingUrl);
    await publishThroughCheck(page, 'Publish the agenda');
    await assertFlash(page, 'Agenda published');

    await go(page, () => page.getByRole('link', { name: 'Record attendance' }).click());
    // The demo board's members joined after 2021, so everyone is added by name, as printed.
    const add = async (who: { name?: string; person?: string; capacity?: string | null; kind: string; mode?: string }) => {
      if (who.person) await choose(page.getByLabel('Person', { exact: true }), who.person);
      if (who.name) await page.getByLabel('Name, if not listed').fill(who.name);
      if (who.capacity) await page.getByLabel('Capacity (optional)').fill(who.capacity);
      await page.getByLabel('Attendance', { exact: true }).selectOption({ label: who.kind });
      if (who.mode) await page.getByRole('group', { name: 'Attended (if present)' }).getByLabel(who.mode, { exact: true }).check();
      await go(page, () => page.getByRole('button', { name: 'Add', exact: true }).click());
      await assertFlash(page, 'Attendance recorded');
    };
    const present = meeting.attendance.present.slice(0, 3);
    const officer = meeting.attendance.inAttendance[0]!;
    for (const p of present) await add({ name: p.name, capacity: p.role, kind: 'Present (member or substitute)', mode: 'In person' });
    await add({ person: 'Hartley', kind: 'Apologies' });
    await add({ name: officer.name, capacity: officer.role, kind: 'In attendance (officer)' });

    await go(page, () => page.getByRole('link', { name: 'Back to the meeting' }).click());
    const attendance = (await page.locator('main dl.govuk-summary-list').last().innerText()).replace(/\s+/g, ' ');
    for (const p of present) assert.ok(attendance.includes(p.role ? `${p.name} (${p.role})` : p.name), `${p.name} present: ${attendance}`);
    assert.match(attendance, /Apologies Ms Zoe Hartley/);
    assert.ok(attendance.includes(`In attendance ${officer.name} (${officer.role})`), attendance);
  });

  await t.test('the meeting is held; its minutes are numbered from the golden first number', async () => {
    // Holding the meeting and starting its minutes are one step, on the minutes page.
    await go(page, () => page.getByRole('button', { name: 'Write the minutes' }).click());
    await go(page, () => page.getByRole('button', { name: 'Record as held' }).click());
    await assertFlash(page, 'Meeting recorded as held and its minutes numbered');
    await go(page, () => main(page).getByRole('link', { name: 'Back to the meeting' }).click());
    const last = Math.max(...items.map((i) => i.minute));
    assert.match(await mainText(page), new RegExp(`Minutes Numbers ${firstMinute}-${last}`));
    for (const i of items) {
      const heading = page.getByRole('heading', { level: 3, name: `${i.minute}. ${i.title}` });
      assert.equal(await heading.count(), 1, `minute ${i.minute}. ${i.title}`);
    }
  });

  await t.test('the clerk writes numbered paragraphs and the golden RESOLVED clauses, and an action from a resolution', async () => {
    const paragraphs: Record<string, string> = {
      A3: 'The Chair asked for declarations of interest; none were made.',
      B1: 'Officers presented the update on the strategy.\n\nMembers asked how the new funding would be spent and were told.',
      D1: `Officers gave an update on each case (${restrictedMinuteMarker}).`,
    };
    for (const item of items) {
      if (item === notesItem) continue;
      await visit(page, links.get(item.code)!);
      assert.match(await mainText(page), new RegExp(`Minute number ${item.minute}`));
      const text = paragraphs[item.code];
      if (text) {
        await page.getByLabel('Minute paragraphs').fill(text);
        await go(page, () => page.getByRole('button', { name: 'Add paragraphs' }).click());
        await assertFlash(page, 'Minute added');
      }
      for (const r of item.resolutions) {
        await page.getByLabel('RESOLVED', { exact: true }).fill(r);
        await go(page, () => page.getByRole('button', { name: 'Add resolution' }).click());
        await assertFlash(page, 'Resolution added');
      }
      const minutes = await mainText(page);
      for (const r of item.resolutions) assert.ok(minutes.includes(`RESOLVED ${r}`), `RESOLVED ${r} on ${item.code}`);
      if (text) {
        const numbered = await main(page).locator('ol.govuk-list--number > li').count();
        assert.equal(numbered, text.split('\n\n').length, `numbered paragraphs on ${item.code}`);
      }
    }

    // B1's action, from its resolution: owned by a person, due in the future.
    const b1 = itemOf('B1');
    const goldenAction = b1.actions[0]!;
    const due = addDays(todayIso(), 90);
    await visit(page, links.get('B1')!);
    await go(page, () => page.getByRole('link', { name: 'Create an action from the resolution', exact: true }).click());
    assert.equal(await page.getByLabel('Words of the minutes (optional)').inputValue(), b1.resolutions[0]);
    await page.getByLabel('What is to be done').fill(goldenAction.text);
    await choose(page.getByLabel('A person', { exact: true }), 'Hartley');
    await fillDate(page, 'Due date', due);
    await page.getByRole('group', { name: 'Is the action restricted?' }).getByLabel('No', { exact: true }).check();
    await go(page, () => page.getByRole('button', { name: 'Add action' }).click());
    await assertFlash(page, 'Action added');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), goldenAction.text);
    const action = await mainText(page);
    assert.match(action, /Owner Ms Zoe Hartley/);
    assert.match(action, new RegExp(`Agreed by ${boardName}`));
    assert.match(action, /Comes from Resolution/i);
  });

  await t.test('on the notes of the last meeting the clerk resolves a correct record: the July minutes are approved and locked', async () => {
    await visit(page, links.get(notesItem.code)!);
    assert.match(await mainText(page), /Confirms the minutes of the meeting on Tuesday 13 July 2021 \(Minutes in draft\)/);
    await go(page, () => page.getByRole('button', { name: 'Resolve as a correct record' }).click());
    await assertFlash(page, 'The last meeting’s minutes are approved as a correct record and locked');
    const notes = await mainText(page);
    assert.match(notes, /RESOLVED that the minutes of the meeting held on 13 July 2021 were a correct record\./);
    assert.match(notes, /\(Minutes approved\)/);

    await go(page, () => main(page).getByRole('link', { name: /the meeting on (Tuesday )?13 July 2021/ }).click());
    assert.equal(new URL(page.url()).pathname, `/meetings/${previousMeetingId}`);
    const july = await mainText(page);
    assert.match(july, /Minutes approved/);
    assert.match(july, /approved as a correct record on .* and are locked\. Record an amendment instead/);
    assert.equal(await page.getByRole('link', { name: 'Change the date, time or venue' }).count(), 0);

    // On the July item the paragraph offers an amendment, not a change.
    await go(page, () => main(page).getByRole('link', { name: 'Working Group update', exact: true }).click());
    assert.equal(await page.getByRole('link', { name: 'Change paragraph 1' }).count(), 0);
    const amend = await page.getByRole('link', { name: 'Record an amendment to paragraph 1' }).getAttribute('href');
    assert.ok(amend);
    // The change page from an old bookmark offers no form: it says why and leads to an amendment.
    await visit(page, amend.replace(/\/amend$/, '/edit'));
    assert.match(await mainText(page), /You cannot change this paragraph[\s\S]*approved as a correct record on .* and are locked\./);
    assert.equal(await page.getByLabel('Text of the paragraph').count(), 0);
    await go(page, () => main(page).getByRole('button', { name: 'Record an amendment' }).click());
    assert.equal(new URL(page.url()).pathname, amend);
    const paragraph = await h.database.db.selectFrom('minute_paragraphs').select('text').where('partnership_id', '=', h.partnershipId)
      .where('meeting_id', '=', previousMeetingId).executeTakeFirstOrThrow();
    assert.equal(paragraph.text, 'The Working Group reported on its grant projects.');
  });

  await t.test('the clerk publishes the minutes and signs out', async () => {
    await visit(page, meetingUrl);
    await publishThroughCheck(page, 'Publish the minutes');
    await assertFlash(page, 'Minutes published');
    // What the officer sees: the restricted minutes too, numbered as the seeds number them.
    const officerView = await mainText(page);
    for (const i of restrictedItems) assert.ok(officerView.includes(`${i.minute}. ${i.title}`), `officer sees minute ${i.minute}`);
    assert.ok(officerView.includes(restrictedMinuteMarker));
    // And the members' pack holds the restricted paper: the public checks below read the same way.
    const membersPack = await pdfText(await (await page.request.get(`${meetingUrl}/agenda-pack.pdf`)).body());
    assert.ok(membersPack.includes(restrictedPaperMarker), 'the officer’s pack has the restricted paper');
    for (const i of restrictedItems) assert.ok(squash(membersPack).includes(squash(i.title)), `the officer’s pack lists ${i.code}`);

    await go(page, () => page.getByRole('link', { name: 'Gwen Abernethy' }).click());
    await go(page, () => page.getByRole('button', { name: 'Sign out of this browser', exact: true }).click());
    assert.equal(await page.getByRole('link', { name: 'Sign in', exact: true }).count(), 1);
  });

  // Everything restricted, in every form it was entered.
  const secrets = [
    ...restrictedItems.flatMap((i) => [i.title, ...i.resolutions]), restrictedPaperMarker, restrictedMinuteMarker, restrictedPaperTitle,
  ];
  const assertNoSecrets = (where: string, text: string) => {
    for (const s of secrets) assert.ok(!squash(text).includes(squash(s)), `${where} shows restricted text: ${s}`);
  };

  await t.test('the public reads the meeting page, an item and its paper: the golden titles, minute numbers and resolutions, nothing restricted', async () => {
    await go(page, () => page.getByRole('link', { name: 'Meetings', exact: true }).first().click());
    await go(page, () => main(page).getByRole('link', { name: /^(Thursday )?18 November 2021$/ }).click());
    assert.equal(new URL(page.url()).pathname, meetingUrl);
    const text = await mainText(page);
    assert.match(text, /Agenda published/);
    assert.match(text, /Draft minutes: not yet approved as a correct record/);
    // The agenda: the open items under their codes, section D empty to the public.
    const rows = await agendaRows(page);
    assert.deepEqual(rows.filter(([code]) => !/^A[12]$/.test(code!)), publicItems.map((i) => [i.code, i.title]));
    // The minutes: golden numbers and titles, golden resolutions.
    for (const i of publicItems) {
      assert.equal(await page.getByRole('heading', { level: 3, name: `${i.minute}. ${i.title}` }).count(), 1, `public minute ${i.minute}. ${i.title}`);
      for (const r of typedResolutions(i)) assert.ok(text.includes(`RESOLVED ${r}`), `public RESOLVED ${r}`);
    }
    assert.match(text, /RESOLVED that the minutes of the meeting held on 13 July 2021 were a correct record\./);
    assertNoSecrets('the public meeting page', await page.content());

    // The open paper is there to read; the restricted item and paper are not found.
    await go(page, () => main(page).getByRole('link', { name: itemOf('B1').title, exact: true }).click());
    assertNoSecrets('the public item page', await page.content());
    const paperHref = await main(page).getByRole('link', { name: 'Strategy update report' }).getAttribute('href');
    const paper = await page.request.get(paperHref!);
    assert.equal(paper.status(), 200);
    assert.ok((await pdfText(await paper.body())).includes(publicPaperMarker));
    for (const url of restrictedUrls) assert.equal((await page.request.get(url)).status(), 404, `public GET ${url}`);
    const missing = await page.goto(restrictedUrls[0]!);
    assert.equal(missing?.status(), 404);
    await axe(page);
  });

  await t.test('the public agenda pack and minutes PDFs hold the open business and its paper, nothing restricted', async () => {
    const pack = await page.request.get(`${meetingUrl}/agenda-pack.pdf`);
    assert.equal(pack.status(), 200);
    assert.equal(pack.headers()['content-type'], 'application/pdf');
    const packText = await pdfText(await pack.body());
    for (const i of publicItems) assert.ok(squash(packText).includes(squash(i.title)), `pack lists ${i.code} ${i.title}`);
    assert.ok(packText.includes(publicPaperMarker), 'the open paper is in the public pack');
    assertNoSecrets('the public agenda pack', packText);

    const minutes = await page.request.get(`${meetingUrl}/minutes.pdf`);
    assert.equal(minutes.status(), 200);
    const minutesText = squash(await pdfText(await minutes.body()));
    for (const i of publicItems) {
      assert.ok(minutesText.includes(squash(`${i.minute}. ${i.title}`)) || minutesText.includes(squash(`${i.minute} ${i.title}`)), `minutes PDF has ${i.minute} ${i.title}`);
      for (const r of typedResolutions(i)) assert.ok(minutesText.includes(squash(r)), `minutes PDF has ${r}`);
    }
    assert.ok(minutesText.includes(squash('that the minutes of the meeting held on 13 July 2021 were a correct record.')));
    assertNoSecrets('the public minutes PDF', minutesText);
  });

  await t.test('the public searches: open titles and the open paper are found, restricted words find nothing', async () => {
    // Read as the page shows it: the search box holds the words looked for.
    const search = async (q: string) => {
      await go(page, () => page.getByRole('link', { name: 'Search', exact: true }).first().click());
      await page.getByLabel('Search the record').fill(q);
      await go(page, () => main(page).getByRole('button', { name: 'Search', exact: true }).click());
      const shown = await mainText(page);
      assertNoSecrets(`search for "${q}"`, shown);
      return shown;
    };
    const b2 = itemOf('B2');
    assert.ok((await search(`"${b2.title}"`)).includes(b2.title), 'an open item is found');
    assert.match(await search(publicPaperMarker), /Strategy update report/);
    for (const q of [restrictedPaperMarker, restrictedMinuteMarker, `"${restrictedItems[0]!.title}"`]) {
      assert.match(await search(q), /No results/, `search for ${q} finds nothing`);
    }
  });

  t.diagnostic(`journey took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
