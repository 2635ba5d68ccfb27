// Never-leak over the assessment module's routes (pages, /api twins, CSV downloads): the
// crime data, areas and analysis are the partnership's own working material, so the
// public sees none of it, while a member and an officer see every marker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../support/app.ts';
import { assertNoLeaks, moduleAddresses } from '../support/leak.ts';
import type { Actor } from '../../src/access/policy.ts';
import { addMonths } from '../../src/modules/assessment/domain.ts';
import { VIEWS } from '../../src/modules/assessment/analysis.ts';
import { deriveAreas, importCrimeData, importPopulations, readCsvText } from '../../src/modules/assessment/commands.ts';
import { STREET_HEADER, fileOf, street } from '../../src/modules/assessment/testing.ts';
import { todayIso } from '../../src/modules/partnership/domain.ts';

let t: TestApp;
const MARKERS = ['Quillmarsh', 'Vexley Pennant estimate', 'Harrowgate ledger study'];
// The serious violence needs assessment's own words: officers only.
const RESTRICTED = ['Brindlecombe blade survey', 'Oswick Tarrant', 'Tamsworth knife issue'];
let ids: Record<string, string> = {};

before(async () => {
  t = await createTestApp();
  const user = await t.database.db.selectFrom('users').innerJoin('partnership_users', 'partnership_users.user_id', 'users.id')
    .select(['users.id', 'users.display_name']).where('users.email', '=', demoUsers.officer).executeTakeFirstOrThrow();
  const actor: Actor = { kind: 'user', partnershipId: t.partnershipId, userId: user.id, displayName: user.display_name, role: 'officer', personId: null, grants: [] };
  const ctx = { db: t.database.db, actor };
  const month = addMonths(todayIso().slice(0, 7), -2);
  const rows = Array.from({ length: 40 }, (_, i) => street(`q${i}`, month, 'Violence and sexual offences', 'E01999999', 'Quillmarsh 001A', 'Under investigation')).join('');
  const r = await importCrimeData(ctx, [fileOf(`${month}-northshire-street.csv`, STREET_HEADER + rows)]);
  assert.ok(r.ok);
  await deriveAreas(ctx);
  const { createAssessment, addDataset, addIssue } = await import('../../src/modules/assessment/requests.commands.ts');
  const org = (await t.database.db.selectFrom('organisations').select('id').where('partnership_id', '=', t.partnershipId).limit(1).executeTakeFirstOrThrow()).id;
  const dates = { requests_by: '2032-04-01', data_due_on: '2032-05-01', draft_by: '2032-06-01', agreed_by: '2032-07-01' };
  const open = await createAssessment(ctx, { kind: 'strategic', year: '2032', ...dates });
  const openData = await addDataset(ctx, open.id, { organisation_id: org, name: 'Harrowgate ledger study', period: '2031', format: 'CSV', contact_name: 'Ann Other', contact_email: 'ann@example.org' });
  const sv = await createAssessment(ctx, { kind: 'serious-violence', year: '2032', title: 'Brindlecombe blade survey', ...dates });
  const svData = await addDataset(ctx, sv.id, { organisation_id: org, name: 'Tamsworth knife issue data', period: '2031', format: 'CSV', contact_name: 'Oswick Tarrant', contact_email: 'oswick@example.org' });
  const issue = await addIssue(ctx, sv.id, { title: 'Tamsworth knife issue' });
  await t.database.db.insertInto('assessment_returns').values({ partnership_id: t.partnershipId, dataset_id: svData.id, version: 1, file_name: 'Oswick Tarrant.csv', content_type: 'text/csv', size: 3, sha256: 'x', bytes: Buffer.from('Oswick Tarrant') }).execute();
  const ret = await t.database.db.selectFrom('assessment_returns').select('id').where('dataset_id', '=', svData.id).executeTakeFirstOrThrow();
  // The document: a section of each, the serious violence one's words restricted; the PDFs are walked too.
  const { addSection } = await import('../../src/modules/assessment/document.ts');
  const openSection = await addSection(ctx, open.id, { title: 'Harrowgate ledger study findings', content: 'returns', body: 'Quillmarsh figures.' });
  const svSection = await addSection(ctx, sv.id, { title: 'Brindlecombe blade survey findings', content: 'matrix', body: 'Oswick Tarrant reported the Tamsworth knife issue.' });
  // A background import (its page and API show its files' names and who queued it).
  const { queueImportJob, importRunners } = await import('../../src/modules/assessment/jobs.ts');
  const jobText = STREET_HEADER + street('qj', addMonths(month, -30), 'Drugs', 'E01999999', 'Quillmarsh 001A', 'Under investigation');
  const job = await queueImportJob(ctx, [{ ...fileOf('Quillmarsh-street.csv', jobText), size: Buffer.byteLength(jobText) }]);
  await importRunners.get(t.database.db)!.drain();
  ids = { open: open.id, openData: openData.id, sv: sv.id, svData: svData.id, issue: issue.id, ret: ret.id, openSection: openSection.id, svSection: svSection.id, job };
  await importPopulations(ctx, readCsvText(`Area,Year,Population,Source\n${['Ashby Vale', 'Brackenford', 'Corran Heath', 'Quillmarsh'].map((a) => `${a},2020,5000,Vexley Pennant estimate`).join('\n')}\n`));
});
after(async () => { await t?.close(); });

test('no assessment route shows the crime data, areas or populations to the public', async () => {
  const area = (await t.database.db.selectFrom('assessment_areas').select('id').where('name', '=', 'Quillmarsh').executeTakeFirstOrThrow()).id;
  const { urls } = await moduleAddresses(t.app, ['/assessment', '/api/assessment'], (_route, param) => {
    if (param === 'view') return VIEWS.map((v) => v.id);
    if (param === 'table') return ['monthly', 'change', 'rates', 'places', 'outcomes'];
    if (param === 'token') return ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'];
    return [area, ...Object.values(ids)];
  });
  // The analysis filtered to the marked area and the rates with its population too.
  urls.push(`/assessment/analysis/places?area=${area}`, `/assessment/analysis/rates`, `/api/assessment/analysis/places?area=${area}`, `/assessment/analysis/rates/rates.csv`);
  assert.ok(urls.length > 30, `${urls.length} addresses`);
  // The new routes are in the walk: the document pages, each assessment's PDF, the sections (page and API).
  for (const id of [ids.open!, ids.sv!]) for (const u of [`/assessment/assessments/${id}/document`, `/assessment/assessments/${id}/document.pdf`, `/api/assessment/assessments/${id}/sections`]) assert.ok(urls.includes(u), u);
  for (const id of [ids.openSection!, ids.svSection!]) for (const u of [`/assessment/sections/${id}`, `/api/assessment/sections/${id}`]) assert.ok(urls.includes(u), u);
  for (const u of [`/assessment/crime/jobs/${ids.job}`, `/api/assessment/import-jobs/${ids.job}`, '/api/assessment/import-jobs']) assert.ok(urls.includes(u), u);
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const member = await new Client(t.app).signIn(demoUsers.member);
  // Search too, by words of the sections that are not markers (a search page repeats its query):
  // a result would show its title, a marker; the public finds neither, the member not the restricted one.
  urls.push(...['findings', 'reported', 'figures'].flatMap((w) => [`/search?q=${w}`, `/api/search?q=${w}`]));
  const summary = await assertNoLeaks(officer, urls, [...MARKERS, ...RESTRICTED], [
    { name: 'public', client: new Client(t.app), markers: [...MARKERS, ...RESTRICTED], idMarkers: { area, sv: ids.sv!, svData: ids.svData!, open: ids.open!, job: ids.job! } },
    { name: 'member (the serious violence assessment is restricted)', client: member, markers: RESTRICTED, idMarkers: { sv: ids.sv!, svData: ids.svData!, issue: ids.issue!, svSection: ids.svSection! } },
  ]);
  // A member is entitled to the rest: the same walk shows them every other marker.
  await assertNoLeaks(member, urls, MARKERS, []);
  t.app.log.info(summary);
});
