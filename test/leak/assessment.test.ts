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
const MARKERS = ['Quillmarsh', 'Vexley Pennant estimate'];

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
  await importPopulations(ctx, readCsvText(`Area,Year,Population,Source\n${['Ashby Vale', 'Brackenford', 'Corran Heath', 'Quillmarsh'].map((a) => `${a},2020,5000,Vexley Pennant estimate`).join('\n')}\n`));
});
after(async () => { await t?.close(); });

test('no assessment route shows the crime data, areas or populations to the public', async () => {
  const area = (await t.database.db.selectFrom('assessment_areas').select('id').where('name', '=', 'Quillmarsh').executeTakeFirstOrThrow()).id;
  const { urls } = await moduleAddresses(t.app, ['/assessment', '/api/assessment'], (_route, param) => {
    if (param === 'view') return VIEWS.map((v) => v.id);
    if (param === 'table') return ['monthly', 'change', 'rates', 'places', 'outcomes'];
    return [area];
  });
  // The analysis filtered to the marked area and the rates with its population too.
  urls.push(`/assessment/analysis/places?area=${area}`, `/assessment/analysis/rates`, `/api/assessment/analysis/places?area=${area}`, `/assessment/analysis/rates/rates.csv`);
  assert.ok(urls.length > 30, `${urls.length} addresses`);
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const member = await new Client(t.app).signIn(demoUsers.member);
  const summary = await assertNoLeaks(officer, urls, MARKERS, [{ name: 'public', client: new Client(t.app), markers: MARKERS, idMarkers: { area } }]);
  // A member is entitled: the same walk shows them every marker.
  await assertNoLeaks(member, urls, MARKERS, []);
  t.app.log.info(summary);
});
