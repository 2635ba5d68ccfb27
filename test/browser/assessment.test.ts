// The strategic assessment in Chromium: the analyst starts the year's assessment, asks two
// partners for data (e-mail through a local SMTP server), one partner uploads through the
// link in the e-mail without an account, the other is late and chased with a note, and the
// analyst imports a month of police.uk data and reads the analysis. Axe (WCAG 2.2 AA) on
// every page on the way; last, the analyst builds the assessment document and reads its PDF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, axeProblemsQuick, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { addDays, todayIso } from '../../src/modules/partnership/domain.ts';
import { addMonths } from '../../src/modules/assessment/domain.ts';
import { STREET_HEADER, street } from '../../src/modules/assessment/testing.ts';

let h: BrowserHarness;
let smtp: SmtpTestServer;
before(async () => {
  h = await startBrowserHarness();
  smtp = await startSmtpTestServer();
  h.app.config.smtpUrl = smtp.url;
});
after(async () => { await h?.close(); await smtp?.close(); });

async function axe(page: Page, label: string) {
  const problems = await axeProblemsQuick(page);
  assert.equal(problems.length, 0, describeProblems(label, problems));
}
const click = async (page: Page, name: string | RegExp) => {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name }).click()]);
};

test('an assessment from the requests to a partner\'s upload, a chase, and the crime data analysed', async () => {
  const today = todayIso();
  const page = await h.newPage();
  await signIn(page, demoUsers.officer);

  await page.goto('/strategy');
  await page.getByRole('link', { name: 'Strategic assessment' }).click();
  await page.getByRole('heading', { level: 1, name: 'Strategic assessment' }).waitFor();
  await axe(page, '/assessment');
  await page.getByRole('link', { name: 'Assessments', exact: true }).click();
  await axe(page, 'assessments');
  await page.getByRole('button', { name: 'Start an assessment' }).click();
  await axe(page, 'new assessment');
  await page.getByLabel('Year', { exact: true }).fill('2030');
  await page.getByLabel('Requests go out by', { exact: true }).fill(addDays(today, -20));
  await page.getByLabel('Data due from partners', { exact: true }).fill(addDays(today, 10));
  await page.getByLabel('Draft by', { exact: true }).fill(addDays(today, 40));
  await page.getByLabel('Agreed by', { exact: true }).fill(addDays(today, 90));
  await click(page, 'Start the assessment');
  await page.getByRole('heading', { level: 1, name: 'Strategic assessment 2030' }).waitFor();
  await axe(page, 'assessment page');

  const ask = async (org: string, name: string, contact: string, email: string, due?: string) => {
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: org });
    await page.getByLabel('Dataset', { exact: true }).fill(name);
    await page.getByLabel('Period', { exact: true }).fill('April 2029 to March 2030');
    await page.getByLabel('Format', { exact: true }).fill('CSV');
    if (due) await page.getByLabel(/Due \(optional/).fill(due);
    await page.getByLabel("Contact's name", { exact: true }).fill(contact);
    await page.getByLabel("Contact's e-mail address", { exact: true }).fill(email);
    await click(page, 'Add the dataset');
  };
  await ask('Northshire Police', 'Repeat domestic abuse victims by district', 'Dana Whitfield', 'dana.whitfield@police.example');
  await ask('Northshire Fire and Rescue Service', 'Deliberate secondary fires by month', 'Rhys Paget', 'rhys.paget@fire.example', addDays(today, -4));
  await click(page, 'Send 2 requests by e-mail');
  await page.getByText('2 requests sent').waitFor();
  const mails = await smtp.waitFor(2);
  const link = /\/assessment\/returns\/[A-Za-z0-9_-]+/.exec(mails.find((m) => m.envelopeTo.includes('dana.whitfield@police.example'))!.text)![0];
  await axe(page, 'assessment with requests sent');

  // The partner, in a browser of their own, without an account.
  const partner = await h.newPage();
  await partner.goto(link);
  await partner.getByRole('heading', { level: 1, name: 'Send Repeat domestic abuse victims by district' }).waitFor();
  await axe(partner, 'upload page (no account)');
  await click(partner, 'Send the file');
  await partner.getByRole('link', { name: 'Select the file to send' }).waitFor();
  await axe(partner, 'upload page with an error');
  await partner.getByLabel('Your file', { exact: true }).setInputFiles({ name: 'repeat-victims.csv', mimeType: 'text/csv', buffer: Buffer.from('District,Repeat victims\nAshby Vale,118\nBrackenford,164\nCorran Heath,77\n') });
  await click(partner, 'Send the file');
  await partner.getByRole('heading', { name: 'Data received' }).waitFor();
  await axe(partner, 'upload received');

  // The late one: the late page, a chase with a note, its history.
  await page.reload();
  await page.getByRole('link', { name: 'Late returns and chases' }).click();
  await page.getByText('4 days late').waitFor();
  await axe(page, 'late page');
  await page.getByRole('link', { name: /Deliberate secondary fires by month/ }).click();
  await axe(page, 'dataset page');
  await page.getByLabel(/Chase by e-mail/).fill('Rang Rhys: the data will come by Friday');
  await click(page, 'Send a chase');
  await smtp.waitFor(3);
  await page.getByText('Rang Rhys: the data will come by Friday').waitFor();
  await page.getByRole('link', { name: 'Strategic assessment 2030' }).click();
  await page.getByRole('link', { name: /Returns summary/ }).click();
  assert.match(await page.locator('main').innerText(), /1 dataset has been received and 1 is still awaited, of which 1 is late/);
  await axe(page, 'returns paper');
  await page.goto(`/assessment/assessments`);
  await page.getByRole('link', { name: 'Strategic assessment 2030' }).click();
  await page.getByRole('link', { name: 'Priority setting' }).click();
  await axe(page, 'matrix');

  // The analyst imports next month's police.uk file and reads the analysis.
  const month = addMonths(today.slice(0, 7), -1);
  await page.goto('/assessment/crime');
  await axe(page, 'crime data');
  const rows = Array.from({ length: 12 }, (_, i) => street(`b${i}`, month, i % 3 ? 'Violence and sexual offences' : 'Burglary', 'E01900003', 'Ashby Vale 001C', 'Under investigation')).join('');
  await page.getByLabel('police.uk CSV files, or a zip of them', { exact: true }).setInputFiles({ name: `${month}-northshire-street.csv`, mimeType: 'text/csv', buffer: Buffer.from(STREET_HEADER + rows + 'cut,short\n') });
  await click(page, 'Import');
  await page.getByText(/Line 14 has 2 columns/).waitFor();
  await axe(page, 'crime data refused');
  await page.getByLabel('police.uk CSV files, or a zip of them', { exact: true }).setInputFiles({ name: `${month}-northshire-street.csv`, mimeType: 'text/csv', buffer: Buffer.from(STREET_HEADER + rows) });
  await click(page, 'Import');
  await page.getByText('Imported 12 rows: 1 month').waitFor();

  // The month before, in the background: the job page (it reloads itself without
  // JavaScript) while the import runs and once it has ended.
  const earlier = addMonths(month, -1);
  const earlierRows = Array.from({ length: 6 }, (_, i) => street(`c${i}`, earlier, 'Burglary', 'E01900003', 'Ashby Vale 001C', 'Under investigation')).join('');
  await page.getByLabel('police.uk CSV files, or a zip of them', { exact: true }).setInputFiles({ name: `${earlier}-northshire-street.csv`, mimeType: 'text/csv', buffer: Buffer.from(STREET_HEADER + earlierRows) });
  await page.getByLabel('Import in the background').check();
  await click(page, 'Import');
  await page.getByText('will be imported in the background').waitFor();
  assert.match(page.url(), /\/assessment\/crime\/jobs\/[0-9a-f-]+$/);
  await axe(page, 'import job page');
  await page.locator('#progress-label', { hasText: 'Imported: 100% of the upload read' }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator('main').innerText(), /Rows read\s+6/);
  await axe(page, 'import job page, ended');
  for (const [name, path] of [['Monthly counts and 12-month totals', 'trend'], ['This year against last year', 'change'], ['Rates per 1,000 residents by area', 'rates'], ['Places with the most crime', 'places'], ['Outcomes by crime type', 'outcomes']] as const) {
    await page.goto(`/assessment/analysis/${path}`);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await axe(page, `analysis: ${path}`);
  }
  await page.getByLabel('Crime type', { exact: true }).selectOption('Burglary');
  await click(page, 'Show');
  assert.match(page.url(), /category=Burglary/);
  await page.goto('/assessment/areas');
  await axe(page, 'areas');
  await page.goto('/assessment/categories');
  await axe(page, 'categories');

  // The analyst builds the document: a section of their own words, one gathering the trend,
  // one the returns; then the PDF, read back as text.
  await page.goto('/assessment/assessments');
  await page.getByRole('link', { name: 'Strategic assessment 2030' }).click();
  await page.getByRole('link', { name: 'The assessment document (PDF)' }).click();
  await page.getByRole('heading', { level: 1, name: 'The assessment document' }).waitFor();
  await axe(page, 'document page');
  await page.getByLabel('Title', { exact: true }).fill('Violence in Ashby Vale');
  await page.getByLabel('Your text', { exact: true }).fill('Violence rose this year.');
  await page.getByLabel('An analysis page’s charts and tables').check();
  await click(page, 'Add the section');
  await page.getByRole('link', { name: 'Select the analysis page whose charts and tables the section gathers' }).waitFor();
  await axe(page, 'document page with an error');
  await page.getByLabel('Analysis page', { exact: true }).selectOption({ label: 'Monthly counts and 12-month totals' });
  await page.getByLabel('Crime type', { exact: true }).selectOption('Violence and sexual offences');
  await click(page, 'Add the section');
  await page.getByText('Section added: Violence in Ashby Vale').waitFor();
  await page.getByLabel('Title', { exact: true }).fill('Data from partners');
  await page.getByLabel('The returns received and missing').check();
  await click(page, 'Add the section');
  await page.getByText('Section added: Data from partners').waitFor();
  await page.getByRole('button', { name: 'Move up: Data from partners' }).click();
  await page.waitForLoadState('load');
  await page.getByText('Section moved: Data from partners').waitFor();
  await axe(page, 'document page with sections');
  await page.getByRole('link', { name: 'Violence in Ashby Vale' }).click();
  await page.getByRole('heading', { level: 1, name: 'Violence in Ashby Vale' }).waitFor();
  await axe(page, 'section page');
  await page.goBack();
  const href = await page.getByRole('link', { name: 'Download the document (PDF)' }).getAttribute('href');
  const res = await page.request.get(href!);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  const { extractText, getDocumentProxy } = await import('unpdf');
  const pdf = (await extractText(await getDocumentProxy(new Uint8Array(await res.body())), { mergePages: true })).text as string;
  assert.match(pdf, /Contents\s+1\. Data from partners \d+\s+2\. Violence in Ashby Vale \d+/);
  assert.match(pdf, /Violence rose this year\./);
  assert.match(pdf, /Violence and sexual offences per month/);
  assert.match(pdf, /Repeat domestic\s+abuse\s+victims\s+by\s+district/);
  assert.match(pdf, /Page 1 of \d+/);
});
