// The meetings API: the same commands as the pages, JSON in and out, problem documents
// for bad input, and the same filtering of restricted business.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, Client, demoUsers, type TestApp } from '../../../test/support/app.ts';
import { buildBody, personId, agendaItems } from './testing.ts';

let t: TestApp;
let officer: Client;
let bodyId: string;
let meetingId: string;
let sections: Record<string, string>;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, 'Southfield Safety Partnership');
});
after(async () => { await t.close(); });


test('the API schedules a meeting and reports bad input as a problem document', async () => {
  const bad = await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: '2022-02-30', startsAt: 'noonish' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['meetsOn', 'startsAt', 'venue']);

  await officer.json('PUT', `/api/bodies/${bodyId}/meeting-settings`, { firstMinuteNumber: 140 });
  const res = await officer.json('POST', `/api/bodies/${bodyId}/meetings`, {
    meetsOn: '2022-07-12', startsAt: '10:00', endsAt: '12:30', online: true, contactPersonId: await personId(t, 'Abernethy'),
  });
  assert.equal(res.statusCode, 201, res.body);
  const m = res.json();
  meetingId = m.id;
  assert.equal(m.status, 'scheduled');
  assert.equal(m.venue, null);
  assert.equal(m.online, true);
  assert.equal(m.contactName, 'Mrs Gwen Abernethy');
  assert.deepEqual(agendaItems(m).map((i) => i.code), ['A1', 'A2', 'A3', 'C1']);
  const s = await officer.json('GET', `/api/meetings/${meetingId}/sections`);
  sections = Object.fromEntries(s.json().items.map((x: { code: string; id: string }) => [x.code, x.id]));
  assert.deepEqual(Object.keys(sections), ['A', 'B', 'C', 'D']);
});

test('the API lists meetings, and a body’s meetings', async () => {
  const all = await new Client(t.app).json('GET', '/api/meetings');
  assert.equal(all.statusCode, 200);
  assert.ok(all.json().items.some((m: { id: string }) => m.id === meetingId));
  const past = await new Client(t.app).json('GET', `/api/meetings?when=past&bodyId=${bodyId}`);
  assert.deepEqual(past.json().items.map((m: { id: string }) => m.id), [meetingId]);
  const upcoming = await new Client(t.app).json('GET', `/api/meetings?when=upcoming&bodyId=${bodyId}`);
  assert.deepEqual(upcoming.json().items, []);
  const body = await new Client(t.app).json('GET', `/api/bodies/${bodyId}/meetings`);
  assert.equal(body.json().items[0].bodyName, 'Southfield Safety Partnership');
  assert.equal((await new Client(t.app).json('GET', '/api/bodies/00000000-0000-0000-0000-000000000000/meetings')).statusCode, 404);
  assert.equal((await new Client(t.app).json('GET', '/api/meetings?bodyId=nonsense')).statusCode, 400);
});

test('the API adds, changes, moves and removes items; codes follow and a duplicate is a conflict', async () => {
  const a = await officer.json('POST', `/api/meetings/${meetingId}/items`, { sectionId: sections.B, title: 'Serious violence duty', presenterName: 'Director, Violence Reduction Unit' });
  assert.equal(a.statusCode, 201, a.body);
  assert.equal(a.json().code, 'B1');
  assert.equal(a.json().presenter, 'Director, Violence Reduction Unit');
  const b = await officer.json('POST', `/api/meetings/${meetingId}/items`, { sectionId: sections.B, title: 'Hate crime action plan' });
  assert.equal(b.json().code, 'B2');
  const dup = await officer.json('POST', `/api/meetings/${meetingId}/items`, { sectionId: sections.B, title: 'Another', code: 'B1' });
  assert.equal(dup.statusCode, 409);
  assert.match(dup.json().detail, /Item code B1 is already used on this agenda/);
  assert.equal(dup.json().errors[0].field, 'code');

  const moved = await officer.json('POST', `/api/meetings/${meetingId}/items/${b.json().id}/move`, { direction: 'up' });
  assert.equal(moved.statusCode, 200);
  assert.equal(moved.json().code, 'B1');
  const wrongWay = await officer.json('POST', `/api/meetings/${meetingId}/items/${b.json().id}/move`, { direction: 'sideways' });
  assert.equal(wrongWay.statusCode, 400);

  const changed = await officer.json('PUT', `/api/meetings/${meetingId}/items/${a.json().id}`, { sectionId: sections.B, title: 'Serious violence duty update', code: 'B5' });
  assert.equal(changed.json().code, 'B5');
  const extra = await officer.json('POST', `/api/meetings/${meetingId}/items`, { sectionId: sections.C, title: 'Spare item' });
  assert.equal((await officer.json('DELETE', `/api/meetings/${meetingId}/items/${extra.json().id}`)).statusCode, 204);
  const detail = (await officer.json('GET', `/api/meetings/${meetingId}`)).json();
  assert.deepEqual(agendaItems(detail).map((i) => i.code), ['A1', 'A2', 'A3', 'B1', 'B5', 'C1']);
  assert.deepEqual(agendaItems(detail).map((i) => i.order), [1, 2, 3, 4, 5, 6]);
});

test('the API takes the meeting through its steps, records attendance and writes the minutes', async () => {
  for (const step of ['publish-agenda', 'held', 'start-minutes']) {
    const res = await officer.json('POST', `/api/meetings/${meetingId}/${step}`, { confirmWarnings: true });
    assert.equal(res.statusCode, 200, `${step}: ${res.body}`);
  }
  const again = await officer.json('POST', `/api/meetings/${meetingId}/held`, {});
  assert.equal(again.statusCode, 409);
  assert.match(again.json().detail, /already recorded as held/);

  const attendee = await officer.json('POST', `/api/meetings/${meetingId}/attendance`, { personId: await personId(t, 'Kellaway'), kind: 'present', mode: 'in-person', capacity: 'Chair' });
  assert.equal(attendee.statusCode, 201);
  const badKind = await officer.json('POST', `/api/meetings/${meetingId}/attendance`, { name: 'X', kind: 'asleep' });
  assert.equal(badKind.statusCode, 400);
  const officerIn = await officer.json('POST', `/api/meetings/${meetingId}/attendance`, { name: 'Ms A Clerk', kind: 'in-attendance' });
  assert.equal((await officer.json('DELETE', `/api/meetings/${meetingId}/attendance/${officerIn.json().id}`)).statusCode, 204);

  const detail = (await officer.json('GET', `/api/meetings/${meetingId}`)).json();
  const items = agendaItems(detail);
  assert.deepEqual(items.map((i) => i.minuteNumber), [140, 141, 142, 143, 144, 145]);
  const b1 = items.find((i) => i.code === 'B1')!;
  const paragraphs = await officer.json('POST', `/api/meetings/${meetingId}/items/${b1.id}/paragraphs`, { text: 'First point.\n\nSecond point.' });
  assert.equal(paragraphs.statusCode, 201);
  assert.equal(paragraphs.json().items.length, 2);
  const resolution = await officer.json('POST', `/api/meetings/${meetingId}/items/${b1.id}/resolutions`, { text: 'to note the plan.' });
  assert.equal(resolution.statusCode, 201);
  const changed = await officer.json('PUT', `/api/meetings/${meetingId}/resolutions/${resolution.json().id}`, { text: 'to endorse the plan.' });
  assert.equal(changed.statusCode, 200);
  const declaration = await officer.json('POST', `/api/meetings/${meetingId}/items/${b1.id}/declarations`, { personId: await personId(t, 'Kellaway'), interest: 'Trustee of a local charity' });
  assert.equal(declaration.statusCode, 201);
  const clash = await officer.json('PUT', `/api/meetings/${meetingId}/items/${b1.id}`, { sectionId: sections.B, title: 'Hate crime action plan', minuteNumber: 140 });
  assert.equal(clash.statusCode, 409);
  assert.match(clash.json().detail, /Minute 140 is already used at the meeting on 12 July 2022 \(item A1\)/);

  // An item with no minute is an error: 422, every problem listed, warnings too; nothing published.
  const refused = await officer.json('POST', `/api/meetings/${meetingId}/publish-minutes`, { confirmWarnings: true });
  assert.equal(refused.statusCode, 422, refused.body);
  assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
  const problems = refused.json().errors as { field: string; message: string; severity: string }[];
  const b5 = items.find((i) => i.code === 'B5')!;
  assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => p.message), [`Minute 144, Item B5 (${b5.title}), has no minutes text or resolution. Write it, or mark the item as not minuted`]);
  assert.ok(problems.some((p) => p.severity === 'warning' && p.field === 'minute-empty' && /Item A1/.test(p.message)));
  const check = (await officer.json('GET', `/api/meetings/${meetingId}/publication-check?event=minutes`)).json();
  assert.equal(check.canPublish, false);
  assert.equal(check.errors[0].itemId, b5.id);
  assert.equal((await new Client(t.app).json('GET', `/api/meetings/${meetingId}`)).json().minutes, null);
  assert.equal((await officer.json('POST', `/api/meetings/${meetingId}/items/${b5.id}/paragraphs`, { text: 'The director presented the update.' })).statusCode, 201);
  // Warnings alone still need the confirmation.
  const unconfirmed = await officer.json('POST', `/api/meetings/${meetingId}/publish-minutes`, {});
  assert.equal(unconfirmed.statusCode, 422);
  assert.ok((unconfirmed.json().errors as { field: string }[]).some((p) => p.field === 'confirmWarnings'));
  assert.equal((await officer.json('POST', `/api/meetings/${meetingId}/publish-minutes`, { confirmWarnings: true })).statusCode, 200);
  const pub = (await new Client(t.app).json('GET', `/api/meetings/${meetingId}`)).json();
  assert.equal(pub.minutes.draft, true);
  assert.equal(pub.minutes.range, '140-145');
  const minute = pub.minutes.items.find((i: { code: string }) => i.code === 'B1');
  assert.deepEqual(minute.paragraphs.map((p: { number: number; text: string }) => `${p.number}. ${p.text}`), ['1. First point.', '2. Second point.']);
  assert.equal(minute.resolutions[0].text, 'to endorse the plan.');
  assert.equal(minute.declarations[0].personName, 'Cllr Harriet Kellaway');
  assert.equal(pub.attendance[0].name, 'Cllr Harriet Kellaway');
});

test('the API approves the last minutes through the next meeting, then only amendments change them', async () => {
  const next = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: '2022-11-15', startsAt: '10:00', venue: 'Civic Hall' })).json();
  const notes = agendaItems(next).find((i) => i.code === 'A4')!;
  assert.equal(notes.title, 'Notes of meeting held on 12 July 2022');
  const tooSoon = await officer.json('POST', `/api/meetings/${next.id}/items/${notes.id}/correct-record`, {});
  assert.equal(tooSoon.statusCode, 409);
  await officer.json('POST', `/api/meetings/${next.id}/held`, {});
  const started = (await officer.json('POST', `/api/meetings/${next.id}/start-minutes`, {})).json();
  assert.equal(agendaItems(started)[0]!.minuteNumber, 146);
  const approved = await officer.json('POST', `/api/meetings/${next.id}/items/${notes.id}/correct-record`, {});
  assert.equal(approved.statusCode, 201);
  const july = (await officer.json('GET', `/api/meetings/${meetingId}`)).json();
  assert.equal(july.status, 'minutes-approved');
  assert.equal(july.minutes.draft, false);

  const b1 = july.minutes.items.find((i: { code: string }) => i.code === 'B1');
  const edit = await officer.json('PUT', `/api/meetings/${meetingId}/paragraphs/${b1.paragraphs[0].id}`, { text: 'Rewritten.' });
  assert.equal(edit.statusCode, 409);
  assert.match(edit.json().detail, /locked\. Record an amendment instead/);
  const removal = await officer.json('DELETE', `/api/meetings/${meetingId}/resolutions/${b1.resolutions[0].id}`);
  assert.equal(removal.statusCode, 409);
  const amendment = await officer.json('POST', `/api/meetings/${meetingId}/amendments`, {
    recordType: 'resolution', recordId: b1.resolutions[0].id, text: 'RESOLVED to endorse the plan, with the changes proposed.', reason: 'The changes were omitted',
  });
  assert.equal(amendment.statusCode, 201);
  const after = (await new Client(t.app).json('GET', `/api/meetings/${meetingId}`)).json();
  const minute = after.minutes.items.find((i: { code: string }) => i.code === 'B1');
  assert.equal(minute.resolutions[0].text, 'to endorse the plan, with the changes proposed.');
  assert.deepEqual(
    after.minutes.amendments.map((a: { before: string; after: string; reason: string; amendedBy: string }) => [a.before, a.after, a.reason, a.amendedBy]),
    [['to endorse the plan.', 'to endorse the plan, with the changes proposed.', 'The changes were omitted', 'Gwen Abernethy']],
  );
});

test('the API changes and cancels meetings, and members and the public may not', async () => {
  const m = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: '2031-03-20', startsAt: '2pm', online: true })).json();
  const changed = await officer.json('PUT', `/api/meetings/${m.id}`, { meetsOn: '2031-03-27', startsAt: '14:30', venue: 'Civic Hall', online: false });
  assert.equal(changed.statusCode, 200);
  assert.equal(changed.json().date, '2031-03-27');
  assert.equal(changed.json().startTime, '14:30');
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('POST', `/api/meetings/${m.id}/cancel`, { cancelledReason: 'No' })).statusCode, 403);
  assert.equal((await new Client(t.app).json('POST', `/api/meetings/${m.id}/publish-agenda`, { confirmWarnings: true })).statusCode, 401);
  const noReason = await officer.json('POST', `/api/meetings/${m.id}/cancel`, { cancelledReason: '' });
  assert.equal(noReason.statusCode, 400);
  const cancelled = await officer.json('POST', `/api/meetings/${m.id}/cancel`, { cancelledReason: 'Chair unavailable' });
  assert.equal(cancelled.json().status, 'cancelled');
  assert.equal(cancelled.json().cancelledReason, 'Chair unavailable');
  const afterCancel = await officer.json('POST', `/api/meetings/${m.id}/items`, { sectionId: sections.B, title: 'Too late' });
  assert.equal(afterCancel.statusCode, 409);
});

test('the API manages sections and standing items; a restricted section needs its exemption reason', async () => {
  const admin = await new Client(t.app).signIn(demoUsers.administrator);
  const list = await officer.json('GET', '/api/agenda-sections');
  assert.deepEqual(list.json().items.map((s: { code: string }) => s.code), ['A', 'B', 'C', 'D']);
  assert.equal((await officer.json('POST', '/api/agenda-sections', { code: 'E', title: 'Urgent business' })).statusCode, 403);
  const noReason = await admin.json('POST', '/api/agenda-sections', { code: 'E', title: 'Exempt urgent business', restricted: true });
  assert.equal(noReason.statusCode, 400);
  assert.equal(noReason.json().errors[0].field, 'exemptionReason');
  const created = await admin.json('POST', '/api/agenda-sections', { code: 'E', title: 'Urgent business' });
  assert.equal(created.statusCode, 201);
  const dup = await admin.json('POST', '/api/agenda-sections', { code: 'E', title: 'Again' });
  assert.equal(dup.statusCode, 409);
  const renamed = await admin.json('PUT', `/api/agenda-sections/${created.json().id}`, { code: 'E', title: 'Any other urgent business' });
  assert.equal(renamed.json().title, 'Any other urgent business');

  const added = await officer.json('POST', `/api/bodies/${bodyId}/standing-items`, { sectionCode: 'B', title: 'Police and Crime Commissioner’s update' });
  assert.equal(added.statusCode, 201);
  const standing = added.json().standingItems.find((s: { title: string }) => s.title === 'Police and Crime Commissioner’s update');
  const next = (await officer.json('POST', `/api/bodies/${bodyId}/meetings`, { meetsOn: '2032-03-20', startsAt: '10:00', online: true })).json();
  assert.ok(agendaItems(next).some((i) => i.code === 'B1' && i.title === 'Police and Crime Commissioner’s update'));
  assert.ok(next.agenda.sections.some((s: { code: string; title: string }) => s.code === 'E' && s.title === 'Any other urgent business'));
  assert.equal((await officer.json('DELETE', `/api/bodies/${bodyId}/standing-items/${standing.id}`)).statusCode, 204);
  const settings = await officer.json('GET', `/api/bodies/${bodyId}/meeting-settings`);
  assert.equal(settings.json().firstMinuteNumber, 140);
  assert.ok(!settings.json().standingItems.some((s: { id: string }) => s.id === standing.id));
  assert.equal((await new Client(t.app).json('GET', `/api/bodies/${bodyId}/meeting-settings`)).statusCode, 401);
});

test('the meetings API is described in the OpenAPI document', async () => {
  const doc = (await new Client(t.app).json('GET', '/api/openapi.json')).json();
  for (const path of ['/api/meetings', '/api/meetings/{id}', '/api/bodies/{id}/meetings', '/api/meetings/{id}/items', '/api/meetings/{id}/items/{itemId}/papers', '/api/meetings/{id}/amendments']) {
    assert.ok(doc.paths[path], path);
  }
  assert.deepEqual(doc.paths['/api/meetings/{id}'].get.tags, ['meetings']);
});
