// Published records never change silently, in a real Chromium: a clerk moves a meeting
// and the next meeting's notes of the last meeting follow; publishes an agenda through
// its check page, adds a late item and publishes it as a supplementary agenda, which
// the public sees marked on the meeting page and in the Atom feed; is stopped by the
// check page from publishing minutes with an empty item, writes it and publishes; and
// withdraws only with a reason. Axe (WCAG 2.2 AA) checks every page on the way.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, axeProblemsQuick, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { Client } from '../support/app.ts';

let h: BrowserHarness;
let bodyId: string;
const meetings: Record<string, string> = {};

const dateFields = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return { 'meets_on-day': String(Number(d)), 'meets_on-month': String(Number(m)), 'meets_on-year': y!, starts_at: '10:00', format: 'online' };
};

before(async () => {
  h = await startBrowserHarness();
  bodyId = (await h.database.db.insertInto('bodies').values({ partnership_id: h.partnershipId, name: 'Riverside Safety Partnership', kind: 'board', description: null })
    .returning('id').executeTakeFirstOrThrow()).id;
  // Three meetings of the coming year and one already held, scheduled through the forms without a browser.
  const clerk = await new Client(h.app).signIn(demoUsers.officer);
  const schedule = async (iso: string) => {
    await clerk.get(`/bodies/${bodyId}/meetings/new`);
    const res = await clerk.post(`/bodies/${bodyId}/meetings/new`, dateFields(iso));
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    return /\/meetings\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
  };
  meetings.held = await schedule('2025-09-09');
  meetings.jan = await schedule('2031-01-14');
  meetings.mar = await schedule('2031-03-11');
  meetings.may = await schedule('2031-05-13');
  const sections = Object.fromEntries((await h.database.db.selectFrom('meeting_sections').select(['id', 'code']).where('meeting_id', '=', meetings.held).execute()).map((s) => [s.code, s.id]));
  assert.equal((await clerk.post(`/meetings/${meetings.held}/items/new`, { section_id: sections.B!, title: 'Knife crime prevention' })).statusCode, 303);
  for (const step of ['publish-agenda', 'held', 'start-minutes']) assert.equal((await clerk.post(`/meetings/${meetings.held}/${step}`, { confirm_warnings: 'yes' })).statusCode, 303, step);
});
after(async () => { await h?.close(); });

async function axe(page: Page) {
  const problems = await axeProblemsQuick(page);
  assert.equal(problems.length, 0, `axe found ${problems.length} kind(s) of WCAG violation:\n${describeProblems(new URL(page.url()).pathname, problems)}`);
}
async function go(page: Page, action: () => Promise<unknown>) {
  await Promise.all([page.waitForEvent('load'), action()]);
  await axe(page);
}
async function visit(page: Page, url: string) {
  const res = await page.goto(url);
  assert.equal(res?.status(), 200, `GET ${url}`);
  await axe(page);
}
const main = (page: Page) => page.locator('main');
const mainText = async (page: Page) => (await main(page).innerText()).replace(/\s+/g, ' ');
async function assertFlash(page: Page, message: string) {
  const banner = page.locator('.govuk-notification-banner--success');
  assert.equal(await banner.count(), 1, `expected the success banner "${message}" on ${page.url()}`);
  assert.ok((await banner.innerText()).includes(message), `banner says "${await banner.innerText()}", expected "${message}"`);
}

test('a clerk re-dates, publishes, supplements and minutes meetings; the public sees each change marked', { timeout: 240_000 }, async (t: TestContext) => {
  const page = await h.newPage();
  const publicPage = await h.newPage();
  await signIn(page, demoUsers.officer);

  await t.test('moving the March meeting after May: May’s notes of the last meeting now confirm January', async () => {
    await visit(page, `/meetings/${meetings.may}`);
    assert.match(await mainText(page), /Notes of meeting held on 11 March 2031/);
    await visit(page, `/meetings/${meetings.mar}`);
    await go(page, () => page.getByRole('link', { name: 'Change the date, time or venue' }).click());
    const group = page.getByRole('group', { name: 'Date of the meeting', exact: true });
    await group.getByLabel('Day').fill('10');
    await group.getByLabel('Month').fill('6');
    await go(page, () => page.getByRole('button', { name: 'Save' }).click());
    await assertFlash(page, 'Changes saved');
    assert.match(await mainText(page), /Notes of meeting held on 13 May 2031/);
    await visit(page, `/meetings/${meetings.may}`);
    const text = await mainText(page);
    assert.match(text, /Notes of meeting held on 14 January 2031/);
    assert.doesNotMatch(text, /11 March 2031/);
  });

  await t.test('the May agenda is published through its check page', async () => {
    await go(page, () => page.getByRole('button', { name: 'Publish the agenda' }).click());
    assert.match(await mainText(page), /Publish the agenda .*Nothing is wrong or missing/);
    await go(page, () => main(page).locator('form').getByRole('button', { name: 'Publish the agenda' }).click());
    await assertFlash(page, 'Agenda published');
  });

  await t.test('a late item waits, then a supplementary agenda publishes it, marked on the public page and in the feed', async () => {
    await go(page, () => page.getByRole('link', { name: 'Add an item to the agenda' }).first().click());
    assert.match(await mainText(page), /The agenda is published\. A late item is seen by the public once you publish it in a supplementary agenda/);
    await page.getByLabel('Section').selectOption({ label: 'B. Matters for discussion' });
    await page.getByLabel('Title').fill('Flood response and rough sleeping');
    await go(page, () => page.getByRole('button', { name: 'Save' }).click());
    assert.match(await mainText(page), /Flood response and rough sleeping Late: not yet published/);
    await visit(publicPage, `/meetings/${meetings.may}`);
    assert.doesNotMatch(await mainText(publicPage), /Flood response/);

    await go(page, () => page.getByRole('link', { name: /Publish a supplementary agenda/ }).click());
    assert.match(await mainText(page), /Publish a supplementary agenda/);
    await go(page, () => main(page).locator('form').getByRole('button', { name: 'Publish the supplementary agenda' }).click());
    await assertFlash(page, 'Supplementary agenda 1 published');

    await visit(publicPage, `/meetings/${meetings.may}`);
    const text = await mainText(publicPage);
    assert.match(text, /Flood response and rough sleeping Supplementary/);
    assert.match(text, /Supplementary agenda 1 published on/);
    const feed = await (await publicPage.request.get('/feeds/published.atom')).text();
    assert.match(feed, /<title>Supplementary agenda 1: Riverside Safety Partnership, 13 May 2031<\/title>/);
    assert.match(feed, /Flood response and rough sleeping/);
  });

  await t.test('withdrawing needs a reason', async () => {
    await visit(page, `/meetings/${meetings.may}`);
    await go(page, () => page.getByRole('link', { name: 'Withdraw the agenda' }).click());
    await go(page, () => main(page).getByRole('button', { name: 'Withdraw the agenda' }).click());
    assert.match(await mainText(page), /There is a problem Enter why the agenda is being withdrawn/);
    await go(page, () => page.getByRole('link', { name: 'Cancel' }).click());
  });

  await t.test('the minutes: the check page lists the empty item and offers no button; written, they publish', async () => {
    await visit(page, `/meetings/${meetings.held}`);
    await go(page, () => page.getByRole('button', { name: 'Publish the minutes' }).click());
    const check = await mainText(page);
    assert.match(check, /1 problem to put right before publishing/);
    assert.match(check, /Item B1 \(Knife crime prevention\), has no minutes text or resolution/);
    assert.equal(await main(page).locator('form').count(), 0);
    await go(page, () => main(page).getByRole('link', { name: /Knife crime prevention/ }).click());
    await page.getByLabel('Minute paragraphs').fill('The board heard how schools are taking part in the prevention programme.');
    await go(page, () => page.getByRole('button', { name: 'Add paragraphs' }).click());
    await visit(page, `/meetings/${meetings.held}/publish/minutes`);
    assert.match(await mainText(page), /warning/);
    await go(page, () => main(page).locator('form').getByRole('button', { name: 'Publish the minutes' }).click());
    assert.match(await mainText(page), /There is a problem Confirm that you have read the warnings and want to publish anyway/);
    await page.getByLabel('I have read the warnings and want to publish anyway').check();
    await go(page, () => main(page).locator('form').getByRole('button', { name: 'Publish the minutes' }).click());
    await assertFlash(page, 'Minutes published');
    assert.equal(await page.getByRole('button', { name: 'Renumber the minutes' }).count(), 0);
    await visit(publicPage, `/meetings/${meetings.held}`);
    assert.match(await mainText(publicPage), /schools are taking part in the prevention programme/);
  });
});
