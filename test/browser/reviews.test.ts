// A review coordinator's journey in Chromium, every page checked with axe (WCAG 2.2 AA):
// the list, a case with its timeline, recording a decision (with the error first), naming a
// panel member, adding a recommendation and completing it with evidence, the outstanding
// recommendations, the themes chart and table, the update paper, the annual summary; then
// the panel member reads that case, and the public reads the published review only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, expectNoAxeViolations, demoUsers, type BrowserHarness } from './support.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { buildPdf } from '../../src/modules/meetings/testing.ts';

let h: BrowserHarness;
let smtp: SmtpTestServer;
before(async () => { h = await startBrowserHarness(); smtp = await startSmtpTestServer(); h.app.config.smtpUrl = smtp.url; });
after(async () => { await h?.close(); await smtp?.close(); });

test('a coordinator opens a case, records its stages, names its panel and tracks a recommendation to completion; every page passes axe', async () => {
  const page = await h.newPage();
  await signIn(page, demoUsers.officer);
  await page.getByRole('link', { name: 'Reviews', exact: true }).first().click();
  await page.waitForURL('**/reviews');
  await expectNoAxeViolations(page, 'reviews list');
  assert.ok(await page.getByRole('link', { name: /Ashgrove \d{4}/ }).isVisible());

  await page.getByRole('button', { name: 'Open a review case' }).click();
  await page.getByRole('button', { name: 'Open the case' }).click();
  await page.getByText('There is a problem').waitFor();
  await expectNoAxeViolations(page, 'new case, with errors');
  await page.getByLabel('Domestic abuse related death review').check();
  await page.getByLabel('Pseudonym').fill('Wren');
  await page.getByLabel('Year the case is known by').fill('2026');
  const notified = new Date(Date.now() - 50 * 86_400_000);
  const group = page.getByRole('group', { name: 'Date the partnership was notified' });
  await group.getByLabel('Day').fill(String(notified.getUTCDate()));
  await group.getByLabel('Month').fill(String(notified.getUTCMonth() + 1));
  await group.getByLabel('Year').fill(String(notified.getUTCFullYear()));
  await page.getByRole('button', { name: 'Open the case' }).click();
  await page.getByRole('heading', { name: 'Wren 2026' }).waitFor();
  assert.ok(await page.getByText('Overdue: Decision whether to hold a review').isVisible());
  await expectNoAxeViolations(page, 'case page');

  await page.getByRole('button', { name: 'Record a stage' }).click();
  await page.getByLabel('Stage').selectOption('decision');
  const today = new Date();
  const dateGroup = page.getByRole('group', { name: 'Date' });
  await dateGroup.getByLabel('Day').fill(String(today.getUTCDate()));
  await dateGroup.getByLabel('Month').fill(String(today.getUTCMonth() + 1));
  await dateGroup.getByLabel('Year').fill(String(today.getUTCFullYear()));
  await page.getByLabel('Do not hold a review').check();
  await page.getByRole('button', { name: 'Save stage' }).click();
  await page.getByText('Enter the reasons for the outcome "do not hold a review"').first().waitFor();
  await expectNoAxeViolations(page, 'stage form, with errors');
  await page.getByLabel('Hold a review', { exact: true }).check();
  await page.getByRole('button', { name: 'Save stage' }).click();
  await page.getByText('Stage recorded').waitFor();

  await page.getByRole('button', { name: 'Name someone on the case' }).click();
  await expectNoAxeViolations(page, 'name someone');
  await page.getByLabel('Agency representative').check();
  await page.getByLabel('Their account').selectOption({ label: 'Laura Kowalczyk (member)' });
  await page.getByRole('button', { name: 'Name them on the case' }).click();
  await page.getByText('Laura Kowalczyk named on the case').waitFor();

  await page.getByRole('button', { name: 'Add a recommendation' }).click();
  await expectNoAxeViolations(page, 'add a recommendation');
  await page.getByLabel('Recommendation', { exact: true }).fill('Ask about stalking at every repeat call');
  await page.getByLabel('Agency it is made to').fill('Northshire Police');
  await page.getByLabel('Theme (optional)').selectOption('stalking');
  await page.getByRole('button', { name: 'Add recommendation' }).click();
  await page.getByRole('link', { name: 'Ask about stalking at every repeat call' }).click();
  await page.getByLabel('Completed').check();
  await page.getByRole('button', { name: 'Save update' }).click();
  await page.getByText('Enter the evidence that the recommendation has been completed').first().waitFor();
  await expectNoAxeViolations(page, 'recommendation, with errors');
  await page.getByLabel('Evidence of completion').fill('Call-handling script changed on 1 March');
  await page.getByRole('button', { name: 'Save update' }).click();
  await page.getByText('Update saved').waitFor();
  assert.ok(await page.getByText('Status changed from open to completed.').isVisible());

  for (const [path, label] of [['/reviews/recommendations', 'outstanding recommendations'], ['/reviews/themes', 'themes'], ['/reviews/update-paper', 'update paper'], ['/reviews/annual-summary', 'annual summary']] as const) {
    await page.goto(path);
    await expectNoAxeViolations(page, label);
  }

  const panel = await h.newPage();
  await signIn(panel, demoUsers.panel);
  await panel.goto('/reviews');
  assert.ok(await panel.getByRole('link', { name: 'Wren 2026' }).isVisible());
  assert.equal(await panel.getByRole('link', { name: /Linden/ }).count(), 0, 'the panel member sees only the cases they sit on');

  const anyone = await h.newPage();
  await anyone.goto('/published-reviews');
  await expectNoAxeViolations(anyone, 'published reviews');
  assert.ok(await anyone.getByRole('link', { name: /Linden \d{4}/ }).isVisible());
  assert.equal(await anyone.getByText('Wren').count(), 0);
  await anyone.getByRole('link', { name: /Linden \d{4}/ }).click();
  await expectNoAxeViolations(anyone, 'a published review');
});

/** Fills a GOV.UK date input (its legend names the group) with the date `days` from today. */
async function fillDate(page: Page, legend: string, days: number) {
  const d = new Date(Date.now() + days * 86_400_000);
  const group = page.getByRole('group', { name: legend });
  await group.getByLabel('Day').fill(String(d.getUTCDate()));
  await group.getByLabel('Month').fill(String(d.getUTCMonth() + 1));
  await group.getByLabel('Year').fill(String(d.getUTCFullYear()));
}

test('the working stages of a case: agency requests by e-mail (local SMTP), chased and received, family, quality assurance feedback with two items holding up publication, the published report; axe on each page', async () => {
  const page = await h.newPage();
  await signIn(page, demoUsers.officer);
  await page.goto('/reviews');
  await page.getByRole('link', { name: /Ashgrove \d{4}/ }).click();
  await page.getByRole('heading', { name: /Ashgrove \d{4}/ }).waitFor();
  assert.ok(await page.getByText('Overdue from agencies: Northshire Integrated Care Board.').isVisible());
  const caseUrl = new URL(page.url()).pathname;

  // A request, with the error summary first; the e-mail names the case by pseudonym only.
  await page.getByRole('button', { name: 'Ask an agency' }).click();
  await page.getByRole('button', { name: 'Send the request' }).click();
  await page.getByText('There is a problem').waitFor();
  await expectNoAxeViolations(page, 'agency request, with errors');
  await page.getByLabel('Chronology').check();
  await page.getByLabel('Agency', { exact: true }).fill('Northshire Fire and Rescue Service');
  await page.getByLabel('Contact\'s name').fill('Aled Brennan');
  await page.getByLabel('Contact\'s e-mail address').fill('aled.brennan@fire.example');
  await fillDate(page, 'Due by', 21);
  await page.getByRole('button', { name: 'Send the request' }).click();
  await page.getByText('Request sent to Northshire Fire and Rescue Service').waitFor();
  const [mail] = await smtp.waitFor(1);
  assert.match(String(mail!.headers.get('subject')), /^Review Ashgrove \d{4}: chronology requested from Northshire Fire and Rescue Service by /);
  assert.ok(!mail!.text.includes('fifties') && !mail!.text.includes('Brackenford with her adult son'), 'nothing of the subject in the e-mail');
  await expectNoAxeViolations(page, 'case page with requests');

  // The overview across cases, then the overdue request: chased, then received with a PDF.
  await page.goto('/reviews/requests');
  await expectNoAxeViolations(page, 'requests across cases');
  await page.getByRole('link', { name: 'Northshire Integrated Care Board' }).click();
  await expectNoAxeViolations(page, 'a request');
  await page.getByLabel('A line to add to the reminder (optional)').fill('The panel meets on Thursday.');
  await page.getByRole('button', { name: 'Send a reminder' }).click();
  await page.getByText('Reminder sent').waitFor();
  const mails = await smtp.waitFor(2);
  assert.match(String(mails[1]!.headers.get('subject')), /^Reminder: review Ashgrove \d{4}/);
  await fillDate(page, 'Date received', 0);
  await page.getByLabel('The document received').setInputFiles({ name: 'icb-report.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await buildPdf(['Integrated Care Board report'])) });
  await page.getByRole('button', { name: 'Mark received' }).click();
  await page.getByText('Marked received; the document is kept with the case').waitFor();
  assert.ok(await page.getByRole('link', { name: 'Download the document received' }).isVisible());

  // The family's involvement.
  await page.goto(`${caseUrl}/family`);
  await expectNoAxeViolations(page, 'family involvement');
  await page.getByLabel('Meeting', { exact: true }).check();
  await fillDate(page, 'Date', -2);
  await page.getByRole('button', { name: 'Save entry' }).click();
  await page.getByText('Enter who came to the meeting').first().waitFor();
  await expectNoAxeViolations(page, 'family involvement, with errors');
  await page.getByLabel('Who', { exact: true }).fill('Her son, with the advocate');
  await page.getByLabel('Details').fill('Read the draft together with the chair');
  await page.getByRole('button', { name: 'Save entry' }).click();
  await page.getByText('Family involvement recorded').waitFor();

  // Quality assurance: dates, two feedback items; publication refused until both are answered.
  await page.goto(`${caseUrl}/qa`);
  await expectNoAxeViolations(page, 'quality assurance');
  await fillDate(page, 'Date submitted to the quality assurance panel', -20);
  await fillDate(page, 'Date of the panel\'s meeting (when it has met)', -10);
  await page.getByLabel('Approved subject to changes').check();
  await page.getByRole('button', { name: 'Save dates' }).click();
  await page.getByText('Quality assurance dates saved').waitFor();
  for (const text of ['Explain what the housing service knew of the separation', 'Take out the name of the street in section 3']) {
    await page.getByLabel('Add the next feedback item').fill(text);
    await page.getByRole('button', { name: 'Add feedback item' }).click();
    await page.getByRole('link', { name: text }).waitFor();
  }
  await page.goto(`${caseUrl}/publish`);
  await fillDate(page, 'Date of publication', 0);
  await page.getByLabel('Published summary').fill('Ashgrove was a mother who had left a controlling partner. The review asks agencies to look at money and housing together after a separation.');
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('The review cannot be published while 2 quality assurance feedback items are open').first().waitFor();
  await expectNoAxeViolations(page, 'publish, refused while feedback is open');
  await page.goto(`${caseUrl}/qa`);
  await page.getByRole('link', { name: 'Explain what the housing service knew of the separation' }).click();
  await expectNoAxeViolations(page, 'a feedback item');
  await page.getByLabel('Addressed').check();
  await page.getByLabel('Response').fill('Section 5 now sets out the housing contacts');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Feedback 1 saved').waitFor();
  await page.getByRole('link', { name: 'Take out the name of the street in section 3' }).click();
  await page.getByLabel('Not accepted').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Enter the reason the feedback is not accepted').first().waitFor();
  await expectNoAxeViolations(page, 'a feedback item, with errors');
  await page.getByLabel('Response').fill('No street is named; section 3 names the district only');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Feedback 2 saved').waitFor();
  await page.goto(`${caseUrl}/publish`);
  await fillDate(page, 'Date of publication', 0);
  await page.getByLabel('Published summary').fill('Ashgrove was a mother who had left a controlling partner. The review asks agencies to look at money and housing together after a separation.');
  await page.getByRole('button', { name: 'Publish' }).click();
  await page.getByText('Review published').waitFor();

  // The published report, uploaded and shown on the public page.
  await page.goto(`${caseUrl}/documents`);
  await expectNoAxeViolations(page, 'documents');
  await page.getByLabel('Published report or summary').check();
  await page.getByLabel('Title').fill('Ashgrove overview report');
  await page.getByLabel('Show this on the public page of the published review').check();
  await page.getByLabel('The file').setInputFiles({ name: 'ashgrove-report.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await buildPdf(['Ashgrove overview report'])) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByText('Document “Ashgrove overview report” added').waitFor();

  // A safeguarding adults review's markers and findings.
  await page.goto('/reviews');
  await page.getByRole('link', { name: /Linden \d{4}/ }).click();
  await page.getByRole('link', { name: 'Quality markers and findings' }).click();
  await expectNoAxeViolations(page, 'quality markers and findings');
  await page.getByRole('link', { name: /out-of-hours GP service/ }).click();
  await expectNoAxeViolations(page, 'a finding');

  const anyone = await h.newPage();
  await anyone.goto(`/published-reviews/${caseUrl.split('/').pop()}`);
  await anyone.getByRole('link', { name: 'Ashgrove overview report' }).waitFor();
  await expectNoAxeViolations(anyone, 'a published review with its report');
  assert.equal(await anyone.getByText('First draft overview report').count(), 0);
});

