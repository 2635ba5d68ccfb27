// Journey: a clerk adds a restricted item to the board's next agenda, choosing its
// Schedule 12A paragraph, publishes it, and watches the notices go out; the board's
// members receive the summons at the local SMTP server with a calendar invitation that
// parses; a board member sees the board's restricted item, the public only the exclusion
// notice with its paragraph; a member chooses which notices they get. Axe on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import type { Page } from 'playwright-core';
import { startBrowserHarness, signIn, axeProblems, describeProblems, demoUsers, type BrowserHarness } from './support.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { requireMailer, type Mailer } from '../../src/mail/mailer.ts';
import { NoticeRunner } from '../../src/modules/meetings/notices/runner.ts';

let h: BrowserHarness;
let smtp: SmtpTestServer;
let mailer: Mailer;
let runner: NoticeRunner;
let meetingId: string;
const SECRET = 'Birchwood';

async function axe(page: Page, where: string) {
  const problems = await axeProblems(page);
  assert.equal(problems.length, 0, describeProblems(where, problems));
}

before(async () => {
  h = await startBrowserHarness();
  smtp = await startSmtpTestServer();
  mailer = requireMailer({ smtpUrl: smtp.url, mailFrom: 'Northshire CSP <csp@northshire.example>' });
  runner = new NoticeRunner({ db: h.database.db, mailer, config: { baseUrl: h.baseUrl, mailFrom: 'Northshire CSP <csp@northshire.example>' }, pollMs: 500 }).start();
  // The board's meeting still to be published (the demo's, in about seven months).
  const row = await h.database.db.selectFrom('meetings as m').innerJoin('bodies as b', 'b.id', 'm.body_id')
    .select('m.id').where('b.kind', '=', 'board').where('m.status', '=', 'scheduled').executeTakeFirstOrThrow();
  meetingId = row.id;
});
after(async () => {
  await runner?.stop();
  mailer?.close();
  await smtp?.close();
  await h?.close();
});

test('the clerk publishes an agenda with a restricted item; members get the summons with a calendar invitation; the board member sees the item, the public its exclusion notice', async () => {
  const clerk = await h.newPage();
  await signIn(clerk, demoUsers.officer);

  // The item form: the paragraph of Schedule 12A is chosen for the item.
  await clerk.goto(`/meetings/${meetingId}/items/new`);
  await clerk.getByLabel('Section', { exact: true }).selectOption({ label: 'D. Restricted items: meeting not open to the press and public' });
  await clerk.getByLabel('Title', { exact: true }).fill(`Review of the death of ${SECRET} 2026`);
  await clerk.getByLabel('Schedule 12A paragraph, for a restricted item').selectOption('2');
  await axe(clerk, 'item form');
  await clerk.getByRole('button', { name: 'Save' }).click();
  await clerk.waitForURL(new RegExp(`/meetings/${meetingId}`));

  // The body's rules: members see its restricted business, and the quorum.
  const { body_id: boardId } = await h.database.db.selectFrom('meetings').select('body_id').where('id', '=', meetingId).executeTakeFirstOrThrow();
  await clerk.goto(`/bodies/${boardId}/meeting-settings`);
  await assert.doesNotReject(clerk.getByRole('group', { name: /see its restricted business\?/ }).waitFor());
  await axe(clerk, 'meeting settings');
  await clerk.goto(`/meetings/${meetingId}`);
  await clerk.getByRole('button', { name: 'Publish the agenda' }).click();
  await clerk.waitForLoadState();
  // A check page before publishing, where there is one, is answered by publishing.
  const publishAnyway = clerk.getByRole('button', { name: /^Publish/ });
  if (!clerk.url().endsWith(`/meetings/${meetingId}`) && await publishAnyway.count()) await publishAnyway.first().click();

  // The progress page, until every message has gone.
  await clerk.goto(`/meetings/${meetingId}/notices`);
  const total = await h.database.db.selectFrom('notice_outbox as o').innerJoin('meeting_notices as n', 'n.id', 'o.notice_id')
    .select('o.email').where('n.meeting_id', '=', meetingId).execute();
  assert.ok(total.length >= 10, `${total.length} recipients`);
  for (let i = 0; i < 60; i++) {
    if ((await clerk.locator('[data-count="sent"]').first().innerText()).startsWith(`${total.length} of ${total.length}`)) break;
    await new Promise((r) => setTimeout(r, 500));
    await clerk.reload();
  }
  assert.equal(await clerk.locator('[data-count="sent"]').first().innerText(), `${total.length} of ${total.length}`);
  await axe(clerk, 'notices progress');

  const mails = await smtp.waitFor(total.length);
  const toMember = mails.find((m) => m.envelopeTo.includes(demoUsers.member));
  assert.ok(toMember, 'the board member is sent the summons');
  assert.match(toMember.text, new RegExp(`D1  Review of the death of ${SECRET} 2026`));
  const ics = toMember.attachments.find((a) => /calendar|ics/.test(a.contentType));
  assert.ok(ics);
  const cal = new ICAL.Component(ICAL.parse(ics.content));
  assert.equal(cal.getFirstPropertyValue('method'), 'REQUEST');
  assert.equal(new ICAL.Event(cal.getFirstSubcomponent('vevent')!).uid, `meeting-${meetingId}@partnership-hub`);
  // Board members without an account get the public version: the exclusion notice only.
  for (const m of mails.filter((x) => !x.envelopeTo.includes(demoUsers.member) && !x.envelopeTo.includes(demoUsers.panel) && !x.envelopeTo.includes(demoUsers.officer))) {
    assert.ok(!m.raw.includes(SECRET) && !m.text.includes(SECRET), `no restricted title to ${m.envelopeTo}`);
  }

  // The board member sees the board's restricted item on the meeting page.
  const member = await h.newPage();
  await signIn(member, demoUsers.member);
  await member.goto(`/meetings/${meetingId}`);
  await assert.doesNotReject(member.getByRole('link', { name: `Review of the death of ${SECRET} 2026` }).waitFor());
  await axe(member, 'meeting page, board member');

  // The public sees that item D1 is held without press and public, under paragraph 2, and nothing of it.
  const visitor = await h.newPage();
  await visitor.goto(`/meetings/${meetingId}`);
  const notice = visitor.locator('.app-withheld-item');
  assert.match(await notice.innerText(), /Item D1: Held without the press and public\. Exempt under paragraph 2 of Part 1 of Schedule 12A to the Local Government Act 1972/);
  assert.ok(!(await visitor.content()).includes(SECRET));
  await axe(visitor, 'meeting page, public');

  // The member chooses which notices they get.
  await member.goto('/account');
  await member.getByRole('link', { name: 'Choose which e-mails you get' }).click();
  await axe(member, 'notice preferences');
  await member.getByLabel('Minutes').uncheck();
  await member.getByRole('button', { name: 'Save' }).click();
  await assert.doesNotReject(member.getByText('Your choice of e-mails is saved').waitFor());
  assert.equal(await member.getByLabel('Minutes').isChecked(), false);
  assert.equal(await member.getByLabel('Agendas', { exact: true }).isChecked(), true);
});
