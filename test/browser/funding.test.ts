// The funding journey in Chromium: a partner's proposal through the Working Group,
// the chair's endorsement and the Commissioner's approval to a claim paid, a delay and
// the year-end outturn, as the officer does it through the pages. Axe (WCAG 2.2 AA) checks
// every page on the way; the public cannot read the proposal until it is approved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, axeProblemsQuick, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { todayIso } from '../../src/modules/partnership/domain.ts';
import { financialYearOf } from '../../src/modules/funding/domain.ts';

let h: BrowserHarness;
before(async () => { h = await startBrowserHarness(); });
after(async () => { await h?.close(); });

const checked: string[] = [];
async function axe(page: Page, label: string) {
  const problems = await axeProblemsQuick(page);
  assert.equal(problems.length, 0, describeProblems(label, problems));
  checked.push(label);
}
async function fillDate(page: Page, legend: string, iso: string) {
  const group = page.getByRole('group', { name: legend });
  const [y, m, d] = iso.split('-');
  await group.getByLabel('Day').fill(String(Number(d)));
  await group.getByLabel('Month').fill(String(Number(m)));
  await group.getByLabel('Year').fill(y!);
}
const save = async (page: Page, name: string) => {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name }).click()]);
};

test('from a partner’s proposal to a claim, a delay and the outturn, every page passing axe', async () => {
  const today = todayIso();
  const fy = financialYearOf(today);
  const page = await h.newPage();
  await signIn(page, demoUsers.officer);

  await page.goto('/funding');
  await axe(page, '/funding');
  await page.getByRole('link', { name: `Crime Reduction Grant ${fy}/${String((fy + 1) % 100).padStart(2, '0')}` }).click();
  await page.getByRole('heading', { level: 1, name: /Crime Reduction Grant/ }).waitFor();
  assert.match(await page.locator('[data-ledger]').innerText(), /^Allocated £[\d,.]+ \+ unallocated £[\d,.]+ \+ held back £[\d,.]+ \+ returned £[\d,.]+ = awarded £37,020\.$/);
  await axe(page, 'grant page');

  await page.getByRole('button', { name: 'Record a proposal' }).click();
  await axe(page, 'new proposal form');
  await page.getByLabel('Title of the project').fill('Bike marking at the station');
  await page.getByLabel('What the project will do').fill('Free bicycle marking and registration at Brackenford station on four Saturdays.');
  await page.getByLabel('Amount asked for').fill('1,200.5');
  await page.getByLabel('Lead organisation').selectOption({ label: 'Northshire Police' });
  await fillDate(page, 'Delivery starts', `${fy}-06-01`);
  await fillDate(page, 'Delivery ends', `${fy + 1}-02-28`);
  await save(page, 'Record proposal');
  // Pence written as "1,200.5" are refused with what to type, and the form keeps what was typed.
  assert.match(await page.locator('.govuk-error-summary').innerText(), /two figures for pence \(1,200\.50, not 1,200\.5\)/);
  await axe(page, 'new proposal form with an error');
  await page.getByLabel('Amount asked for').fill('1,200');
  await save(page, 'Record proposal');
  await page.getByRole('heading', { level: 1, name: 'Bike marking at the station' }).waitFor();
  const proposalUrl = page.url();
  await axe(page, 'proposal page');
  const anyone = await h.newPage();
  assert.equal((await anyone.goto(proposalUrl))!.status(), 404, 'a proposal under consideration is not public');

  // The Working Group considers it at its last meeting.
  await page.getByRole('link', { name: 'Record the Working Group’s consideration' }).click();
  await axe(page, 'consideration form');
  const meeting = page.getByLabel('Working Group meeting');
  const options = await meeting.locator('option').allInnerTexts();
  const lastHeld = options.filter((o) => /^Working Group, \d{4}-\d{2}-\d{2}$/.test(o) && o.slice(-10) <= today)[0]!;
  await meeting.selectOption({ label: lastHeld });
  await page.getByLabel('What the Working Group said (optional)').fill('Supported: the station has the most cycle thefts in the county.');
  await save(page, 'Save');
  assert.match(await page.locator('main').innerText(), /Considered by the Working Group/);

  // Approval before the endorsement is refused, and says what to do.
  await page.goto(`${proposalUrl}/approve`);
  await page.getByLabel('Approved for the funder by').fill('Chief Finance Officer, OPCC');
  await page.getByLabel('Evidence of the approval').fill('E-mail of today');
  await save(page, 'Save');
  assert.match(await page.locator('main').innerText(), /has not been endorsed: record the chair’s or vice-chair’s endorsement before the funder’s approval/);
  await axe(page, 'approval refused');

  await page.goto(proposalUrl);
  await page.getByRole('link', { name: 'Record the endorsement' }).click();
  await axe(page, 'endorsement form');
  await page.getByLabel('Endorsed by').selectOption({ label: (await page.getByLabel('Endorsed by').locator('option', { hasText: 'Kellaway' }).innerText()).trim() });
  await fillDate(page, 'Date of the endorsement', today);
  await save(page, 'Save');
  assert.match(await page.locator('main').innerText(), /Endorsed\s.* by Cllr Harriet Kellaway \(Chair\)/);

  await page.getByRole('link', { name: 'Record the funder’s approval' }).click();
  await axe(page, 'approval form');
  await page.getByLabel('Approved for the funder by').fill('Chief Finance Officer, OPCC');
  await fillDate(page, 'Date of the approval', today);
  await page.getByLabel('Evidence of the approval').fill('Letter CRG/77 of today');
  await save(page, 'Save');
  assert.match(await page.locator('main').innerText(), /Allocated\s+£1,200/);
  assert.equal((await anyone.goto(proposalUrl))!.status(), 200, 'once approved, the project is public');
  assert.doesNotMatch(await anyone.locator('main').innerText(), /Spend|Progress|Letter CRG\/77/);

  await page.getByRole('link', { name: 'Start delivery' }).click();
  await save(page, 'Save');
  await page.getByRole('link', { name: 'Record a claim paid' }).click();
  await axe(page, 'claim form');
  await fillDate(page, 'Date paid', today);
  await page.getByLabel('Amount paid').fill('480.00');
  await page.getByLabel('Paid to').fill('Brackenford Cycle Registry');
  await page.getByLabel('Invoice or claim reference (optional)').fill('BCR-2041');
  await save(page, 'Record claim');
  assert.match(await page.locator('main').innerText(), /£480 paid of £1,200 allocated/);

  await page.getByRole('link', { name: 'Record a delay' }).click();
  await axe(page, 'delay form');
  await page.getByLabel('Why is the project delayed?').fill('The station car park is being resurfaced until spring.');
  await fillDate(page, 'New date delivery ends', `${fy + 1}-05-31`);
  await save(page, 'Record delay');
  const main = await page.locator('main').innerText();
  assert.match(main, /Delayed/);
  assert.match(main, /The station car park is being resurfaced until spring\./);
  await axe(page, 'delayed project');

  await page.getByRole('link', { name: 'Record progress' }).click();
  await page.getByLabel('What has been done').fill('Two Saturdays held; 212 bikes marked.');
  await save(page, 'Record progress');

  // The Working Group update shows it, with why the tactical pot is locked.
  await page.goto(proposalUrl.replace(/\/funding\/proposals\/.*/, '/funding'));
  await page.getByRole('link', { name: `Crime Reduction Grant ${fy}/${String((fy + 1) % 100).padStart(2, '0')}` }).click();
  await page.getByRole('link', { name: 'Working Group update' }).click();
  const update = await page.locator('main').innerText();
  assert.match(update, /Bike marking at the station \(delayed to .*\)\s*Update \(.*\): Two Saturdays held; 212 bikes marked\./);
  assert.match(update, /These are still open:/);
  await axe(page, 'Working Group update');

  // The year-end outturn of the oldest year.
  await page.goto('/funding');
  await page.getByRole('link', { name: `Crime Reduction Grant ${fy - 2}/${String((fy - 1) % 100).padStart(2, '0')}` }).click();
  await page.getByRole('link', { name: 'Record the outturn' }).click();
  await axe(page, 'outturn form');
  await save(page, 'Record outturn');
  const outturn = await page.locator('main').innerText();
  assert.match(outturn, /Spent\s+£9,880\.40/);
  assert.match(outturn, /Returned to the funder\s+£219\.60/);
  assert.match(outturn, /Carried forward\s+£26,351/);
  await axe(page, 'grant with its outturn');
  await page.goto('/funding/open-data');
  await axe(page, 'open data page');
  assert.ok(checked.length >= 15, `${checked.length} pages checked with axe`);
});

test('the navigation stays on one line at 1280 pixels with Funding in it', async () => {
  const page = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, demoUsers.administrator);
  await page.goto('/funding');
  const tops = await page.locator('.govuk-service-navigation__item').evaluateAll((items) => items.map((i) => Math.round(i.getBoundingClientRect().top)));
  assert.equal(new Set(tops).size, 1, `every item on one line: tops ${tops.join(', ')}`);
});
