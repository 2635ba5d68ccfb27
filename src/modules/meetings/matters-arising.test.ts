// Matters arising on the agenda of a meeting still to come: an action whose due date has
// passed is overdue; one due between today and the meeting is "due before the meeting",
// never "Overdue". The meeting page and the agenda pack both print the list; the public
// pack prints no action at all (actions are never public).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { extractText } from 'unpdf';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { longDate } from '../actions/domain.ts';
import { buildBody, personId } from './testing.ts';

let t: TestApp;
let officer: Client;
let meetingId: string;
const today = todayIso();
const meetsOn = addDays(today, 21);
const dueSoon = addDays(today, 7);

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  const bodyId = await buildBody(t, 'Eastmoor Safety Partnership');
  meetingId = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn, startsAt: '10:00', online: true })).json().id;
  const sections = (await officer.json('GET', `/api/meetings/${meetingId}/sections`)).json().items as { code: string; id: string }[];
  const added = await officer.json('POST', `/api/meetings/${meetingId}/items`, { sectionId: sections.find((s) => s.code === 'A')!.id, title: 'Matters arising', kind: 'matters-arising' });
  assert.equal(added.statusCode, 201, added.body);
  const owner = await personId(t, 'Hartley');
  const soon = await officer.json('POST', '/api/actions', { bodyId, description: 'Circulate the funding bids', ownerPersonId: owner, dueOn: dueSoon });
  assert.equal(soon.statusCode, 201, soon.body);
  // An action already past its date: written as the record of an earlier meeting would have it.
  const late = await officer.json('POST', '/api/actions', { bodyId, description: 'Write to the licensing committee', ownerPersonId: owner, dueOn: today });
  await t.database.db.updateTable('actions').set({ due_on: addDays(today, -5) }).where('id', '=', late.json().id).execute();
});
after(async () => { await t.close(); });

test('the meeting page says an action due before the meeting is due before the meeting, and only a past due date is Overdue', async () => {
  const page = pageText((await officer.get(`/meetings/${meetingId}`)).body).replace(/ :/g, ':');
  assert.ok(page.includes(`Circulate the funding bids: Ms Zoe Hartley, due before the meeting (${longDate(dueSoon)})`), page);
  assert.ok(page.includes(`Write to the licensing committee: Ms Zoe Hartley, Overdue (due ${longDate(addDays(today, -5))})`), page);
  assert.doesNotMatch(page, /Circulate the funding bids: Ms Zoe Hartley, Overdue/);
});

test('the agenda pack prints the matters arising list; the public pack prints no action', async () => {
  const pdf = await officer.get(`/meetings/${meetingId}/agenda-pack.pdf`);
  assert.equal(pdf.statusCode, 200);
  const text = (await extractText(new Uint8Array(pdf.rawPayload), { mergePages: true })).text.replace(/\s+/g, ' ');
  assert.ok(text.includes(`Circulate the funding bids (Ms Zoe Hartley): due before the meeting (${longDate(dueSoon)}).`), text);
  assert.ok(text.includes('Write to the licensing committee (Ms Zoe Hartley): overdue (due'), text);

  assert.equal((await officer.json('POST', `/api/meetings/${meetingId}/publish-agenda`, {})).statusCode, 200);
  const publicPdf = await new Client(t.app).get(`/meetings/${meetingId}/agenda-pack.pdf`);
  assert.equal(publicPdf.statusCode, 200);
  const publicText = (await extractText(new Uint8Array(publicPdf.rawPayload), { mergePages: true })).text;
  assert.match(publicText, /Matters arising/);
  assert.doesNotMatch(publicText, /Circulate the funding bids|licensing committee|No open actions/);
});
