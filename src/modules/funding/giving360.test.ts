// The 360Giving export of the demo partnership's grants: valid against the pinned schema
// (JSON Schema draft 2020-12, validated with ajv), passing the critical checks, and the
// checks themselves refusing what the standard calls critical.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { qualityProblems, type Grant360 } from './giving360.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'standards', '360giving');
// The files name the draft 2020-12 meta-schema by its http address; ajv knows it by https.
const pinned = (file: string) => ({ ...JSON.parse(readFileSync(join(dir, file), 'utf8')), $schema: 'https://json-schema.org/draft/2020-12/schema' });
const grantSchema = pinned('360-giving-schema.json');
const packageSchema = pinned('360-giving-package-schema.json');

function validator() {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // The package schema refers to the grant schema by its published address (1.4.2): the pinned file answers for it.
  ajv.addSchema(grantSchema, 'https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json');
  return ajv.compile(packageSchema);
}

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('the JSON package is valid against the pinned 360Giving schema and holds the regrants and the funded projects only', async () => {
  const res = await new Client(t.app).get('/funding/360giving.json');
  assert.equal(res.statusCode, 200);
  const pkg = res.json() as { grants: Grant360[] };
  const validate = validator();
  assert.ok(validate(pkg), JSON.stringify(validate.errors?.slice(0, 5)));
  const grants = pkg.grants as Grant360[];
  const regrants = grants.filter((g) => g.regrantType === 'FRG010');
  assert.equal(regrants.length, 3);
  for (const r of regrants) {
    assert.match(r.fundingOrganization[0]!.id, /^360G-northshire-org-/, 'the Commissioner has no identifier of a known list: a 360G- one');
    assert.equal(r.recipientOrganization[0]!.id, 'GB-LAE-NRS');
  }
  const projects = grants.filter((g) => !g.regrantType);
  assert.ok(projects.every((p) => p.fundingOrganization[0]!.name === 'Northshire County Council'), 'projects name the host council as funder');
  assert.ok(projects.every((p) => p.relatedActivity?.[0]?.startsWith('360G-northshire-grant-')));
  const titles = projects.map((p) => p.title);
  assert.ok(titles.includes('Safer streets social media campaign'));
  assert.equal(projects.find((p) => p.title === 'Safer streets social media campaign')!.amountAwarded, 1180.4);
  for (const hidden of ['Anti-social behaviour practitioner conference', 'Community café drop-in', 'Hate crime reporting centre training']) assert.ok(!titles.includes(hidden), hidden);
  const today = new Date().toISOString().slice(0, 10);
  assert.deepEqual(grants.flatMap((g) => qualityProblems(g, today)), []);
});

test('the CSV uses the 360Giving column titles, one row a grant', async () => {
  const res = await new Client(t.app).get('/funding/360giving.csv');
  assert.equal(res.statusCode, 200);
  const lines = res.body.trim().split('\r\n');
  assert.match(lines[0]!, /^Identifier,Title,Description,Currency,Amount Awarded,Amount Disbursed,Award Date,Planned Dates:Start Date,Planned Dates:End Date,Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,Grant Programme:Title,For Regrant Type/);
  const json = (await new Client(t.app).get('/funding/360giving.json')).json();
  assert.equal(lines.length - 1, json.grants.length);
});

test('the critical checks refuse £0, line breaks in identifiers, future award dates, e-mail addresses, postcodes and unknown identifier lists', () => {
  const good: Grant360 = {
    id: '360G-x-project-1', title: 'Good', description: 'Fine', currency: 'GBP', amountAwarded: 10, awardDate: '2025-05-01',
    recipientOrganization: [{ id: 'GB-CHC-1190876', name: 'A charity' }], fundingOrganization: [{ id: 'GB-LAE-NRS', name: 'A council' }],
    grantProgramme: [{ title: 'Crime Reduction Grant' }], plannedDates: [{ startDate: '2025-05-01', endDate: '2026-03-31' }],
  };
  assert.deepEqual(qualityProblems(good, '2026-01-01'), []);
  const bad: Grant360 = {
    ...good, id: '360G-x-project-\n1', amountAwarded: 0, awardDate: '2026-02-01', description: 'Contact jo@example.org',
    recipientOrganization: [{ id: 'ACME-123', name: 'Someone' }], beneficiaryLocation: [{ name: 'Town', geoCode: 'NS1 4AB' }],
  };
  const problems = qualityProblems(bad, '2026-01-01');
  for (const expected of [/amount awarded of £0/, /line break/, /award date in the future/, /e-mail address in its description/, /postcode as a geographic code/, /not on a known list/]) {
    assert.ok(problems.some((p) => expected.test(p)), `${expected}: ${problems.join(' | ')}`);
  }
});

test('officers see the checks on the open data page', async () => {
  const officer = await new Client(t.app).signIn(demoUsers.officer);
  const text = pageText((await officer.get('/funding/open-data')).body);
  assert.match(text, /Every grant passes 360Giving’s critical checks/);
});
