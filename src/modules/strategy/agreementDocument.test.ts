// The agreement's document through HTTP: uploaded by the clerk (PDF or .docx, checked by
// its bytes, within the size limit), kept byte for byte with its SHA-256, a new version on
// each upload; officers only until the agreement is published, then everyone; audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { buildDocx, buildPdf, multipartBody } from '../meetings/testing.ts';
import { todayIso } from '../partnership/domain.ts';
import { nextPeriod, periodOf } from './domain.ts';

let t: TestApp;
let officer: Client;
let member: Client;
let anyone: Client;
let draft: { id: string };
let published: { id: string };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  member = await new Client(t.app).signIn(demoUsers.member);
  anyone = new Client(t.app);
  const rows = await t.database.db.selectFrom('strategy_agreements').select(['id', 'period']).where('partnership_id', '=', t.partnershipId).execute();
  published = rows.find((r) => r.period === periodOf(todayIso()))!;
  draft = rows.find((r) => r.period === nextPeriod(periodOf(todayIso())))!;
});
after(async () => { await t?.close(); });

async function upload(client: Client, agreementId: string, file: { name: string; type: string; bytes: Uint8Array } | null) {
  const page = await client.get(`/strategy/agreements/${agreementId}/document/upload`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const { payload, contentType } = multipartBody({ _csrf: csrf }, file);
  return t.app.inject({ method: 'POST', url: `/strategy/agreements/${agreementId}/document/upload`, payload, headers: { host: 'localhost', cookie: client.cookieHeader(), 'content-type': contentType } });
}
const count = async () => Number((await t.database.db.selectFrom('strategy_agreement_documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

test('bad files are refused with a message and change nothing', async () => {
  for (const [file, message] of [
    [null, /Select the agreement as a PDF or Word document/],
    [{ name: 'agreement.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('not a pdf at all') }, /must be a PDF or a Word document/],
    [{ name: 'agreement.pdf', type: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.7 cut short') }, /not a readable PDF/],
  ] as const) {
    const res = await upload(officer, draft.id, file as never);
    assert.equal(res.statusCode, 400);
    assert.match(pageText(res.body), message);
  }
  assert.equal(await count(), 0);
});

test('the clerk uploads the document; it is kept byte for byte, officers only until published, then public; a new upload is a new version', async () => {
  const bytes = await buildPdf(['Northshire Community Safety Agreement, as agreed by the Partnership']);
  const res = await upload(officer, draft.id, { name: 'CSA as agreed.pdf', type: 'application/pdf', bytes });
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 300));
  const page = await officer.get(`/strategy/agreements/${draft.id}`);
  assert.match(pageText(page.body), new RegExp(`CSA as agreed.pdf \\(PDF, \\d+ KB, 1 page\\).*SHA-256 ${sha(bytes)}`));
  const got = await officer.get(`/strategy/agreements/${draft.id}/document`);
  assert.equal(got.statusCode, 200);
  assert.equal(got.headers['content-type'], 'application/pdf');
  assert.equal(sha(got.rawPayload), sha(bytes));
  assert.equal(got.headers['x-content-sha256'], sha(bytes));
  // Not yet published: a member is refused, the public finds nothing.
  assert.equal((await member.get(`/strategy/agreements/${draft.id}/document`)).statusCode, 403);
  assert.equal((await anyone.get(`/strategy/agreements/${draft.id}/document`)).statusCode, 404);
  assert.doesNotMatch((await member.get(`/strategy/agreements/${draft.id}`)).body, /CSA as agreed/);
  assert.equal((await member.json('GET', `/api/strategy/agreements/${draft.id}/documents`)).statusCode, 403);
  assert.equal((await upload(member, draft.id, { name: 'x.pdf', type: 'application/pdf', bytes })).statusCode, 403);
  const reads = await t.database.db.selectFrom('audit_log').select(['action', 'summary']).where('record_type', '=', 'strategy-agreement-document').execute();
  assert.ok(reads.some((r) => r.action === 'create' && /version 1/.test(r.summary ?? '')));
  assert.ok(reads.some((r) => r.action === 'read'), 'the officer’s read before publication is audited');

  // A Word version replaces it as the document; the PDF is kept as it was.
  const docx = await buildDocx('The agreement, corrected');
  assert.equal((await upload(officer, draft.id, { name: 'CSA corrected.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: docx })).statusCode, 303);
  const list = (await officer.json('GET', `/api/strategy/agreements/${draft.id}/documents`)).json().items as { version: number; sha256: string; url: string; mediaType: string }[];
  assert.deepEqual(list.map((d) => d.version), [2, 1]);
  assert.equal(list[1]!.sha256, sha(bytes));
  assert.equal(sha((await officer.get(list[1]!.url)).rawPayload), sha(bytes));
  assert.equal(sha((await officer.get(`/strategy/agreements/${draft.id}/document`)).rawPayload), sha(docx));

  // Agreed and published: everyone downloads it.
  assert.equal((await officer.json('POST', `/api/strategy/agreements/${draft.id}/agree`, { agreedOn: todayIso() })).statusCode, 200);
  assert.equal((await officer.post(`/strategy/agreements/${draft.id}/publish`, {})).statusCode, 303);
  const open = await anyone.get(`/strategy/agreements/${draft.id}/document`);
  assert.equal(open.statusCode, 200);
  assert.equal(sha(open.rawPayload), sha(docx));
  assert.match(pageText((await anyone.get(`/strategy/agreements/${draft.id}`)).body), /CSA corrected.docx \(Word document/);
  assert.equal((await anyone.json('GET', `/api/strategy/agreements/${draft.id}/documents`)).json().items.length, 2);
  // The agreement it superseded no longer takes uploads.
  const late = await upload(officer, published.id, { name: 'late.pdf', type: 'application/pdf', bytes });
  assert.equal(late.statusCode, 400);
  assert.match(pageText(late.body), /superseded/);
});
