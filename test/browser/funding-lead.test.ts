// The funding module's lead and funder pages in Chromium: an officer opens a grant's rules
// and asks the leads for progress returns before a meeting (local SMTP sink); the lead, with
// no account, opens the e-mailed link, is told what is wrong with a badly written amount,
// and sends the return with an invoice; the lead's own page (signed in) and the return to
// the funder. Axe (WCAG 2.2 AA) checks each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, axeProblemsQuick, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { addDays, todayIso } from '../../src/modules/partnership/domain.ts';
import { SAMPLE_PDF } from '../../src/modules/funding/testing.ts';

let h: BrowserHarness;
let smtp: SmtpTestServer;
const ids = { grant: '', shop: '' };
before(async () => {
  h = await startBrowserHarness();
  smtp = await startSmtpTestServer();
  h.app.config.smtpUrl = smtp.url;
  const db = h.database.db;
  const shop = await db.selectFrom('funding_proposals').select(['id', 'grant_id']).where('title', '=', 'Shop theft prevention packs').executeTakeFirstOrThrow();
  ids.shop = shop.id;
  ids.grant = shop.grant_id;
  // The member leads the project; the Working Group meets in three weeks.
  await db.updateTable('funding_proposals').set({ lead_contact_name: 'Morgan Member', lead_contact_email: demoUsers.member }).where('id', '=', ids.shop).execute();
  const body = (await db.selectFrom('bodies').select('id').where('partnership_id', '=', h.partnershipId).orderBy('name').executeTakeFirstOrThrow()).id;
  await db.insertInto('meetings').values({ partnership_id: h.partnershipId, body_id: body, meets_on: addDays(todayIso(), 21), starts_at: '14:00', venue: 'Ashby Vale Community Hall', online: false }).execute();
});
after(async () => { await h?.close(); await smtp?.close(); });

async function axe(page: Page, label: string) {
  const problems = await axeProblemsQuick(page);
  assert.equal(problems.length, 0, describeProblems(label, problems));
}
const click = async (page: Page, name: string) => { await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name }).click()]); };

test('rules, the request by e-mail, the return through the link, the lead’s page and the funder’s return, each passing axe', async () => {
  const officer = await h.newPage();
  await signIn(officer, demoUsers.officer);
  await officer.goto(`/funding/grants/${ids.grant}/rules`);
  await officer.getByRole('heading', { level: 1, name: 'Change the grant’s rules' }).waitFor();
  await axe(officer, 'grant rules form');
  await officer.goto(`/funding/grants/${ids.grant}/documents/new`);
  await officer.getByRole('heading', { level: 1, name: 'Add a funder\'s document' }).waitFor();
  await Promise.all([officer.waitForLoadState('load'), officer.getByRole('button', { name: 'Add the document' }).click()]);
  assert.match(await officer.locator('.govuk-error-summary').innerText(), /Enter what the document is/);
  await axe(officer, 'add a funder\'s document, with errors');

  await officer.goto(`/funding/grants/${ids.grant}`);
  await officer.getByRole('link', { name: 'Ask leads for progress returns before a meeting' }).click();
  await officer.getByRole('heading', { level: 1, name: 'Ask leads for progress returns' }).waitFor();
  await axe(officer, 'ask leads for returns');
  await click(officer, 'E-mail the leads');
  assert.match(await officer.locator('.govuk-error-summary').innerText(), /Select the meeting the returns are for/);
  await axe(officer, 'ask leads for returns, with an error');
  await officer.getByLabel('The meeting the returns are for').selectOption({ index: 1 });
  await click(officer, 'E-mail the leads');
  assert.match(await officer.locator('body').innerText(), /Asked 1 lead for a progress return/);

  const [mail] = await smtp.waitFor(1);
  const path = new URL(/(https?:\/\/\S+\/funding\/returns\/[A-Za-z0-9_-]+)/.exec(mail!.text)![1]!).pathname;
  // The lead, in a browser with no account.
  const lead = await h.newPage();
  await lead.goto(path);
  await lead.getByRole('heading', { level: 1, name: 'Progress return: Shop theft prevention packs' }).waitFor();
  await axe(lead, 'return through the link');
  await lead.getByLabel('What has been done since the last return').fill('Forty more packs delivered to shops in Coldmere.');
  await lead.getByLabel('Spend to date').fill('1,200.5');
  await click(lead, 'Send the progress return');
  assert.match(await lead.locator('.govuk-error-summary').innerText(), /two figures for pence \(1,200\.50, not 1,200\.5\)/);
  await axe(lead, 'return through the link, with an error');
  await lead.getByLabel('Spend to date').fill('1,200.50');
  await lead.getByLabel('Evidence (optional)').setInputFiles({ name: 'coldmere-invoice.pdf', mimeType: 'application/pdf', buffer: SAMPLE_PDF });
  await click(lead, 'Send the progress return');
  await lead.getByRole('heading', { name: 'Progress return received' }).waitFor();
  assert.match(await lead.locator('body').innerText(), /We kept your file coldmere-invoice\.pdf exactly as sent/);
  await axe(lead, 'return received');

  // The same lead, signed in: their page shows the return and the spend against the allocation.
  const member = await h.newPage();
  await signIn(member, demoUsers.member);
  await member.goto('/funding/my-projects');
  await member.getByRole('heading', { level: 1, name: 'Projects you lead' }).waitFor();
  assert.match(await member.locator('main').innerText(), /Forty more packs delivered to shops in Coldmere\./);
  await axe(member, 'the lead’s page');
  await member.goto(`/funding/proposals/${ids.shop}`);
  assert.match(await member.locator('#reported-spend').innerText(), /£1,200\.50 of the £1,600 allocation/);

  await member.goto(`/funding/grants/${ids.grant}`);
  await member.getByRole('link', { name: 'Return to the funder' }).click();
  await member.getByRole('heading', { level: 1, name: /return to Office of the Northshire Police and Crime Commissioner/ }).waitFor();
  assert.match(await member.locator('main').innerText(), /Shop theft prevention packs[\s\S]*£1,600[\s\S]*£640[\s\S]*£1,200\.50/);
  await axe(member, 'the return to the funder');
});
