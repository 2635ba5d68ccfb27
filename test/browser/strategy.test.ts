// The strategy journey in Chromium: the clerk asks owners for their updates (through the
// local SMTP sink), an owner follows the e-mailed link and posts an update; the clerk
// uploads the plan as a spreadsheet with one bad row (nothing changes), fixes it (applied),
// and generates the CSA progress paper for a Working Group agenda item; the public reads
// the published plan without the restricted action, and the scrutiny page. Axe (WCAG 2.2
// AA) on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, axeProblemsQuick, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { Client } from '../support/app.ts';
import { holdMeeting } from '../../src/modules/public/testing.ts';
import { addDays, todayIso } from '../../src/modules/partnership/domain.ts';
import { periodOf } from '../../src/modules/strategy/domain.ts';
import { parseCsv } from '../../src/modules/strategy/planImport.ts';

let h: BrowserHarness;
let smtp: SmtpTestServer;
before(async () => {
  h = await startBrowserHarness();
  smtp = await startSmtpTestServer();
  h.app.config.smtpUrl = smtp.url;
});
after(async () => {
  await smtp?.close();
  await h?.close();
});

const checked: string[] = [];
async function axe(page: Page, label: string) {
  const problems = await axeProblemsQuick(page);
  assert.equal(problems.length, 0, describeProblems(label, problems));
  checked.push(label);
}
const click = async (page: Page, name: string) => {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name }).click()]);
};
const toCsv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');

test('an owner updates from the e-mailed link, the clerk uploads the plan and generates the progress paper, the public reads the plan', { timeout: 300_000 }, async () => {
  const db = h.database.db;
  const agreement = await db.selectFrom('strategy_agreements').select(['id', 'title']).where('partnership_id', '=', h.partnershipId).where('period', '=', periodOf(todayIso())).executeTakeFirstOrThrow();
  const macrae = await db.selectFrom('people').select(['id', 'email']).where('partnership_id', '=', h.partnershipId).where('family_name', '=', 'Macrae').executeTakeFirstOrThrow();

  // The clerk asks the owners for their updates.
  const clerk = await h.newPage();
  await signIn(clerk, demoUsers.officer);
  await clerk.goto(`/strategy/agreements/${agreement.id}`);
  await axe(clerk, 'agreement page (clerk)');
  const before = smtp.messages.length;
  await click(clerk, 'Ask owners for updates');
  assert.match(await clerk.locator('main').innerText(), /Asked \d+ owners? for updates/);
  let mail;
  for (let i = 0; i < 250 && !mail; i++) {
    mail = smtp.messages.slice(before).find((m) => m.envelopeTo.includes(macrae.email!));
    if (!mail) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(mail, 'the owner was e-mailed');
  const link = /https?:\/\/[^/\s]+(\/strategy\/mine)\b/.exec(mail.text)?.[1];
  assert.equal(link, '/strategy/mine');

  // The owner follows the link, signs in, and posts an update on one of their actions.
  const owner = await h.newPage();
  await signIn(owner, demoUsers.member);
  await owner.goto(link!);
  await axe(owner, 'my plan actions');
  const first = owner.locator('main a[href^="/strategy/plan-actions/"]').first();
  const actionTitle = (await first.innerText()).trim();
  await Promise.all([owner.waitForLoadState('load'), first.click()]);
  await axe(owner, 'plan action (owner)');
  const progress = owner.getByLabel('Progress (%)');
  const was = Number(await progress.inputValue());
  await progress.fill(String(Math.min(100, was + 5)));
  await owner.getByLabel('What has been done').fill('Trained the second cohort of housing officers.');
  await click(owner, 'Save update');
  assert.match(await owner.locator('main').innerText(), /Update saved/);
  assert.match(await owner.locator('main').innerText(), /Trained the second cohort of housing officers/);
  await axe(owner, 'plan action after the update');
  void actionTitle;

  // The clerk downloads the plan, changes two actions, one of them wrongly: nothing changes.
  const csv = await clerk.context().request.get(`/strategy/agreements/${agreement.id}/plan.csv`);
  assert.equal(csv.status(), 200);
  const rows = parseCsv(await csv.text());
  const head = rows[0]!;
  const at = (name: string) => head.indexOf(name);
  const lines = await db.selectFrom('strategy_plan_lines').select(['id', 'parent_id']).where('agreement_id', '=', agreement.id).execute();
  const leafIds = new Set(lines.filter((l) => !lines.some((c) => c.parent_id === l.id)).map((l) => l.id));
  const leaves = rows.slice(1).filter((r) => leafIds.has(r[at('Id')]!) && ['On track', 'At risk', 'Not started'].includes(r[at('Status')]!) && Number(r[at('Progress (%)')]) <= 90);
  assert.ok(leaves.length >= 2, 'two open actions to change');
  const [good, bad] = leaves;
  const goodWas = Number(good![at('Progress (%)')]);
  const badWas = Number(bad![at('Progress (%)')]);
  good![at('Progress (%)')] = String(goodWas + 5);
  bad![at('Progress (%)')] = '150';
  const badRow = rows.indexOf(bad!) + 1;
  await clerk.goto(`/strategy/agreements/${agreement.id}/plan/upload`);
  await axe(clerk, 'plan upload');
  await clerk.getByLabel('The plan, as CSV or XLSX').setInputFiles({ name: 'plan.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(rows)) });
  await click(clerk, 'Check the changes');
  assert.match(await clerk.locator('.govuk-error-summary').innerText(), /1 problem in the file: nothing has been changed/);
  assert.match(await clerk.locator('main').innerText(), new RegExp(`${badRow}\\s+Progress \\(%\\)\\s+“150” is not a progress figure`));
  await axe(clerk, 'plan upload with a bad row');
  const progressOf = async (id: string) => (await db.selectFrom('strategy_plan_lines').select('progress').where('id', '=', id).executeTakeFirstOrThrow()).progress;
  assert.equal(await progressOf(good![at('Id')]!), goodWas, 'nothing changed');

  // Fixed, previewed and applied.
  bad![at('Progress (%)')] = String(badWas + 3);
  await clerk.getByLabel('The plan, as CSV or XLSX').setInputFiles({ name: 'plan.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv(rows)) });
  await click(clerk, 'Check the changes');
  assert.match(await clerk.locator('main').innerText(), new RegExp(`Progress ${goodWas}% → ${goodWas + 5}%`));
  await axe(clerk, 'upload preview');
  await click(clerk, 'Apply these changes');
  assert.match(await clerk.locator('main').innerText(), /2 lines of the plan changed from the spreadsheet/);
  assert.equal(await progressOf(good![at('Id')]!), goodWas + 5);
  assert.equal(await progressOf(bad![at('Id')]!), badWas + 3);
  await axe(clerk, 'plan after the upload');

  // The progress paper for the Working Group's next meeting.
  const working = await db.selectFrom('bodies').select('id').where('partnership_id', '=', h.partnershipId).where('name', '=', 'Working Group').executeTakeFirstOrThrow();
  const officer = await new Client(h.app).signIn(demoUsers.officer);
  const wg = await holdMeeting({ app: h.app, database: h.database, partnershipId: h.partnershipId, close: async () => {} }, officer, working.id, { on: addDays(todayIso(), 21), stage: 'scheduled', items: [{ section: 'B', title: 'Community Safety Agreement update' }] });
  const item = wg.items['Community Safety Agreement update']!;
  await clerk.goto(`/meetings/${wg.id}/items/${item}`);
  await axe(clerk, 'Working Group agenda item');
  await Promise.all([clerk.waitForLoadState('load'), clerk.getByRole('link', { name: 'Generate the Community Safety Agreement progress paper' }).click()]);
  await axe(clerk, 'progress paper form');
  await click(clerk, 'Generate the paper');
  assert.equal(new URL(clerk.url()).pathname, `/meetings/${wg.id}/items/${item}`);
  assert.match(await clerk.locator('main').innerText(), /progress report as at .* generated and attached to the item/);
  const paperLink = clerk.getByRole('link', { name: /^Community Safety Agreement progress report as at/ });
  const href = await paperLink.getAttribute('href');
  const pdf = await clerk.context().request.get(href!);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  await axe(clerk, 'agenda item with the paper');
  await clerk.goto(`/strategy/progress-papers/new?meeting_id=${wg.id}&item_id=${item}`);
  assert.match(await clerk.locator('main').innerText(), /Version 1/);
  await axe(clerk, 'progress paper versions');

  // The public: the published agreement and plan, never the restricted action; the scrutiny page.
  const anyone = await h.newPage();
  await anyone.goto(`/strategy/agreements/${agreement.id}`);
  await axe(anyone, 'agreement page (public)');
  await anyone.goto(`/strategy/agreements/${agreement.id}/plan`);
  assert.match(await anyone.locator('main').innerText(), /Steer young people away from weapons and gangs/);
  await Promise.all([anyone.waitForLoadState('load'), anyone.getByRole('link', { name: 'Show its actions (2.1)' }).click()]);
  const planText = await anyone.locator('main').innerText();
  assert.match(planText, /Youth workers in the emergency department/);
  assert.doesNotMatch(planText, /exploitation hotspot/);
  await axe(anyone, 'plan page (public)');
  await anyone.goto('/strategy/scrutiny');
  await axe(anyone, 'scrutiny page (public)');
  assert.equal(checked.length, 15, `axe ran on ${checked.length} pages`);
});
