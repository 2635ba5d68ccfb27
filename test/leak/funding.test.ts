// Never-leak for the funding module's own pages: a proposal under consideration, its lead
// contact, and a funded project's claims and progress returns are seeded with marker words
// found nowhere else. Every GET route of the module (pages, /api twins, exports, the
// rules form, the lead's page and return) is walked as the public: no marker and no id of the
// proposal under consideration appears. An officer sees every marker somewhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { assertNoLeaks, moduleAddresses } from '../support/leak.ts';
import { addDays, todayIso } from '../../src/modules/partnership/domain.ts';
import { startSmtpTestServer } from '../../src/mail/smtpTestServer.ts';
import { financialYearOf } from '../../src/modules/funding/domain.ts';
import { newLinkToken } from '../../src/access/linkTokens.ts';
import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';

let t: TestApp;
const M = {
  proposal: 'Brindlewhisk Caramote outreach',
  description: 'Ferntangle Obbligato diversion sessions',
  contactEmail: 'halloran.quenby@marker.example',
  payee: 'Wrenmantle Pottage Supplies',
  progress: 'Saffronquill Dimbleby workshops delivered',
  evidenceName: 'Mossgrave-Tillerby-invoice.pdf',
  evidenceBytes: 'Quorrington Vellacott printing invoice',
  reportedSpend: '£1,234.56',
  grantDocumentTitle: 'Pellinghurst Quoddy offer letter',
  grantDocumentBytes: 'Tamsworth Ollerenshaw grant terms',
};
const ids = { grant: '', proposal: '', project: '', evidence: '', grantDocument: '', token: '', considerationToken: '' };

before(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const pid = t.partnershipId;
  const fy = financialYearOf(todayIso());
  ids.grant = (await db.selectFrom('grants').select('id').where('financial_year', '=', fy).executeTakeFirstOrThrow()).id;
  const lead = (await db.selectFrom('organisations').select('id').where('short_name', '=', 'NVA').executeTakeFirstOrThrow()).id;
  ids.proposal = (await db.insertInto('funding_proposals').values({
    partnership_id: pid, grant_id: ids.grant, pot: 'upfront', title: M.proposal, description: M.description, amount_asked_pence: 50_000,
    lead_organisation_id: lead, lead_contact_name: 'A Lead', lead_contact_email: M.contactEmail, delivery_starts_on: `${fy}-06-01`, delivery_ends_on: `${fy}-09-30`, submitted_on: `${fy}-05-01`,
  }).returning('id').executeTakeFirstOrThrow()).id;
  ids.project = (await db.selectFrom('funding_proposals').select('id').where('title', '=', 'Shop theft prevention packs').executeTakeFirstOrThrow()).id;
  await db.insertInto('funding_claims').values({ partnership_id: pid, proposal_id: ids.project, paid_on: todayIso(), amount_pence: 100, payee: M.payee }).execute();
  const progress = await db.insertInto('funding_progress').values({ partnership_id: pid, proposal_id: ids.project, reported_on: todayIso(), text: M.progress, spend_to_date_pence: 123_456, author_label: 'An officer' }).returning('id').executeTakeFirstOrThrow();
  // Evidence of the project's return, with marker words in its name and its bytes.
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText(M.evidenceBytes, { x: 50, y: 700, size: 12, font: await pdf.embedFont(StandardFonts.Helvetica) });
  const bytes = Buffer.from(await pdf.save());
  ids.evidence = (await db.insertInto('funding_evidence').values({
    partnership_id: pid, proposal_id: ids.project, progress_id: progress.id, file_name: M.evidenceName, content_type: 'application/pdf', size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'), bytes, uploaded_by_label: 'An officer',
  }).returning('id').executeTakeFirstOrThrow()).id;
  // The funder's document of the grant: for signed-in people only.
  const letter = await PDFDocument.create();
  letter.addPage().drawText(M.grantDocumentBytes, { x: 50, y: 700, size: 12, font: await letter.embedFont(StandardFonts.Helvetica) });
  const letterBytes = Buffer.from(await letter.save());
  ids.grantDocument = (await db.insertInto('funding_grant_documents').values({
    partnership_id: pid, grant_id: ids.grant, title: M.grantDocumentTitle, file_name: 'offer-letter.pdf', content_type: 'application/pdf', size: letterBytes.length,
    sha256: createHash('sha256').update(letterBytes).digest('hex'), bytes: letterBytes,
  }).returning('id').executeTakeFirstOrThrow()).id;
  // Return links: one for the funded project, and one (which must not open) for the proposal under consideration.
  const link = async (proposalId: string) => {
    const { token, sha256 } = newLinkToken();
    await db.insertInto('funding_return_links').values({ partnership_id: pid, proposal_id: proposalId, token_sha256: sha256, sent_to: 'lead@example.org', sent_by_label: 'An officer', expires_at: new Date(Date.now() + 86_400_000) }).execute();
    return token;
  };
  ids.token = await link(ids.project);
  ids.considerationToken = await link(ids.proposal);
});
after(async () => { await t?.close(); });

test('nothing of a proposal under consideration, nor a project’s spend and progress, reaches the public on any funding page, API route or export', async (ctx) => {
  const { urls, routes } = await moduleAddresses(t.app, ['/funding', '/api/funding'], (_route, param) => {
    if (param === 'move') return ['consider', 'approve', 'withdraw'];
    if (param === 'token') return [ids.token, ids.considerationToken, 'not-a-real-token-at-all-000000'];
    return [ids.grant, ids.proposal, ids.project, ids.evidence, ids.grantDocument, '00000000-0000-4000-8000-000000000000'];
  });
  assert.ok(routes.includes('/funding/grants/:id/rules') && routes.includes('/funding/my-projects/:id/progress') && routes.includes('/api/funding/my-projects'), 'the walk reaches the rules form and the lead\'s page');
  for (const r of ['/funding/returns/:token', '/funding/evidence/:id', '/funding/grant-documents/:id', '/api/funding/grants/:id/documents', '/funding/grants/:id/documents/new', '/funding/proposals/:id/evidence/new', '/funding/grants/:id/return-requests']) assert.ok(routes.includes(r), `the walk reaches ${r}`);
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const markers = Object.values(M);
  const summary = await assertNoLeaks(officer, urls, markers, [
    { name: 'the public', client: new Client(t.app), markers, idMarkers: { proposalId: ids.proposal } },
  ]);
  ctx.diagnostic(summary);
});

test('the e-mail asking a lead for a progress return carries none of the markers: no proposal under consideration, no spend, payee nor progress', async () => {
  const smtp = await startSmtpTestServer();
  try {
    t.app.config.smtpUrl = smtp.url;
    const db = t.database.db;
    await db.updateTable('funding_proposals').set({ lead_contact_name: 'A Lead', lead_contact_email: 'project.lead@example.org' }).where('id', '=', ids.project).execute();
    const body = (await db.selectFrom('bodies').select('id').where('partnership_id', '=', t.partnershipId).orderBy('name').executeTakeFirstOrThrow()).id;
    const meeting = (await db.insertInto('meetings').values({ partnership_id: t.partnershipId, body_id: body, meets_on: addDays(todayIso(), 12), starts_at: '10:00', venue: 'Town hall', online: false }).returning('id').executeTakeFirstOrThrow()).id;
    const officer = await new Client(t.app).signIn(demoUsers.officer);
    const res = await officer.json('POST', `/api/funding/grants/${ids.grant}/return-requests`, { meetingId: meeting });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().sent >= 1);
    const mails = await smtp.waitFor(res.json().sent);
    for (const m of mails) for (const marker of Object.values(M)) assert.ok(!m.raw.includes(marker) && !m.text.includes(marker), `the e-mail to ${m.envelopeTo.join(', ')} carries "${marker}"`);
    assert.ok(mails.some((m) => m.text.includes('Shop theft prevention packs')), 'the e-mail names its project');
  } finally {
    t.app.config.smtpUrl = undefined;
    await smtp.close();
  }
});
