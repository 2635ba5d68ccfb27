// A real partnership's minutes (../shared/seeds/003_*) imported end to end through the
// pages, and the meeting that results checked against the hand-labelled golden record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { formOf, jobIdOf, uploadThroughPage, waitForJob } from './testing/imports.ts';
import type { DocumentReading } from './import/types.ts';
import { findShared } from './import/accuracy.ts';

const shared = findShared(resolve(dirname(fileURLToPath(import.meta.url)), '../../..')) ?? resolve('../shared');
const seedName = readdirSync(join(shared, 'seeds')).find((f) => f.startsWith('003_'))!;
const golden = JSON.parse(readFileSync(join(shared, 'golden', seedName.replace(/\.txt$/, '.json')), 'utf8')) as DocumentReading;

let t: TestApp;
let officer: Client;
before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
});
after(() => t.close());

test(`seed ${seedName} imports end to end: the meeting has the golden record's items and minute numbers`, { timeout: 180_000 }, async () => {
  const res = await uploadThroughPage(t.app, officer, [{ name: seedName, bytes: readFileSync(join(shared, 'seeds', seedName)) }]);
  assert.equal(res.statusCode, 303);
  const job = await waitForJob(officer, jobIdOf(res.headers.location));
  const id = job.files[0]!.importId!;
  const page = await officer.get(`/imports/${id}`);
  const text = pageText(page.body);
  // The clerk is told what the golden record flags.
  assert.match(text, /minute number 152 is used twice/);
  assert.match(text, /minute number 157 is used twice/);

  const expected = golden.meetings[0]!;
  const form = formOf(page.body, `/imports/${id}`);
  const board = (await t.database.db.selectFrom('bodies').select('id').where('name', '=', 'Northshire Community Safety Partnership').executeTakeFirstOrThrow()).id;
  const corrections: Record<string, string | string[]> = { ...form, body_id: board, intent: 'accept' };
  // The record holds a minute number once: the second of each printed pair is left unnumbered.
  const seen = new Set<string>();
  expected.items.forEach((item, i) => {
    if (item.minuteNumber && seen.has(item.minuteNumber)) corrections[`m0-i${i}-minute`] = '';
    if (item.minuteNumber) seen.add(item.minuteNumber);
  });
  // Actions owned by bodies of another council are left out; the Commissioner's goes to this partnership's office.
  for (const key of Object.keys(form).filter((k) => /^m0-i\d+-x\d+-owner$/.test(k))) {
    const prefix = key.replace(/-owner$/, '');
    if (/Commissioner/.test(String(form[key]))) corrections[key] = 'Office of the Northshire Police and Crime Commissioner';
    else delete corrections[`${prefix}-include`];
  }
  // Without the correction the clerk is stopped, with the reason.
  const refused = await officer.post(`/imports/${id}`, { ...form, body_id: board, intent: 'accept' });
  assert.equal(refused.statusCode, 400);
  assert.match(pageText(refused.body), /minute 152 is also given to item 5/);

  const accepted = await officer.post(`/imports/${id}`, corrections);
  assert.equal(accepted.statusCode, 303, pageText(accepted.body).slice(0, 2000));
  const meetingId = String(accepted.headers.location).split('/').pop()!;
  const meeting = (await officer.json('GET', `/api/meetings/${meetingId}`)).json();
  assert.equal(meeting.date, expected.date);
  assert.equal(meeting.startTime, expected.startTime);
  const items = meeting.agenda.sections.flatMap((s: { items: unknown[] }) => s.items) as { code: string; minuteNumber: number | null; title: string; restricted: boolean }[];
  assert.equal(items.length, expected.items.length, 'item count');
  const numbers = new Set<string>();
  expected.items.forEach((g, i) => {
    const got = items[i]!;
    assert.equal(got.code, g.agendaCode, `item ${i + 1} code`);
    assert.equal(got.restricted, g.restricted, `item ${i + 1} restricted`);
    assert.equal(got.title.toLowerCase(), g.title.toLowerCase(), `item ${i + 1} title`);
    const printedTwice = g.minuteNumber !== null && numbers.has(g.minuteNumber);
    assert.equal(got.minuteNumber, printedTwice ? null : Number(g.minuteNumber), `item ${i + 1} minute number`);
    if (g.minuteNumber) numbers.add(g.minuteNumber);
  });
  const page2 = pageText((await officer.get(`/meetings/${meetingId}`)).body);
  const resolutions = expected.items.flatMap((i) => i.resolutions);
  assert.ok(resolutions.length > 10);
  for (const a of [...expected.attendance.present, ...expected.attendance.apologies]) assert.ok(page2.includes(a.name), `${a.name} is in the attendance`);
  const rows = await t.database.db.selectFrom('meeting_attendance').select('name').where('meeting_id', '=', meetingId).execute();
  const listed = [...expected.attendance.present, ...expected.attendance.inAttendance, ...expected.attendance.alsoPresent, ...expected.attendance.apologies];
  assert.equal(rows.length, new Set(listed.map((a) => a.name)).size, 'each person once (one is listed twice in the minutes)');
  for (const r of resolutions.slice(0, 3)) assert.ok(page2.includes(r.replace(/\s+/g, ' ').trim().slice(0, 40)), `resolution: ${r.slice(0, 40)}`);
  const actions = await t.database.db.selectFrom('actions').select(['due_on', 'owner_organisation_id']).where('meeting_id', '=', meetingId).execute();
  assert.deepEqual(actions.map((a) => a.due_on), ['2025-09-30'], '"by September 2025" is due at the end of that month');
});
