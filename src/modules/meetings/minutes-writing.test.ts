// The minutes written on one page (issue 10): the whole form saved with one POST (the
// first save records the meeting as held and numbers its minutes), actions made from
// any paragraph or resolution through the actions module's command, every problem
// reported at once with nothing written, a save from an out-of-date copy refused with
// a clear message and the writer's words kept, a retried save written once; the
// attendance printed in the minutes' order; the closing time and the signature block
// in the minutes PDF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { extractText } from 'unpdf';
import { createTestApp, Client, demoUsers, pageText, type TestApp } from '../../../test/support/app.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { buildBody, personId, redirectedId, sectionsOf } from './testing.ts';

let t: TestApp;
let officer: Client;
let bodyId: string;

before(async () => {
  t = await createTestApp();
  officer = await new Client(t.app).signIn(demoUsers.officer);
  bodyId = await buildBody(t, 'Riverside Safety Partnership');
});
after(async () => { await t.close(); });

/** A meeting held on `on`, with `titles` added to section B. */
async function meetingWith(on: string, titles: string[]) {
  const [y, m, d] = on.split('-');
  await officer.get(`/bodies/${bodyId}/meetings/new`);
  const id = redirectedId(await officer.post(`/bodies/${bodyId}/meetings/new`, {
    'meets_on-day': d!, 'meets_on-month': m!, 'meets_on-year': y!, starts_at: '14:00', format: 'in-person', venue: 'Riverside House',
  }));
  const sections = await sectionsOf(t, id);
  for (const title of titles) assert.equal((await officer.post(`/meetings/${id}/items/new`, { section_id: sections.B!, title })).statusCode, 303);
  return id;
}

/** The editor's form as a browser would send it untouched: rows, texts, version. */
interface EditorForm { fields: [string, string][]; rows: { kind: string; item: string; id: string }[]; version: string; csrf: string }
async function openEditor(client: Client, meetingId: string): Promise<EditorForm & { html: string }> {
  const res = await client.get(`/meetings/${meetingId}/minutes`);
  assert.equal(res.statusCode, 200, res.body.slice(0, 500));
  const html = res.body;
  const rows = [...html.matchAll(/name="rows" value="([pr]):([0-9a-f-]{36}):([0-9a-f-]{36})"/g)].map((m) => ({ kind: m[1]!, item: m[2]!, id: m[3]! }));
  const version = /name="version" value="(\d+)"/.exec(html)![1]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const fields: [string, string][] = rows.map((r) => ['rows', `${r.kind}:${r.item}:${r.id}`]);
  for (const r of rows) {
    const text = new RegExp(`<textarea[^>]*name="${r.kind}-${r.id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html)?.[1] ?? '';
    fields.push([`${r.kind}-${r.id}`, text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim()]);
  }
  return { html, rows, version, csrf, fields };
}

/** The form with some fields changed (by name), posted as the browser would (the client keeps the flash cookie). */
async function postEditor(client: Client, meetingId: string, form: EditorForm, changes: Record<string, string>, path = 'minutes') {
  const body: Record<string, string | string[]> = { version: form.version };
  for (const [k, v] of form.fields) {
    if (k === 'rows') body.rows = [...((body.rows as string[] | undefined) ?? []), v];
    else body[k] = v;
  }
  Object.assign(body, changes);
  return client.post(`/meetings/${meetingId}/${path}`, body);
}

const rowOf = (form: EditorForm, item: string, kind: 'p' | 'r', n = 0) => form.rows.filter((r) => r.item === item && r.kind === kind)[n]!.id;
const itemIds = async (meetingId: string, titles: string[]) => {
  const rows = await t.database.db.selectFrom('agenda_items').select(['id', 'title']).where('meeting_id', '=', meetingId).execute();
  return titles.map((title) => rows.find((r) => r.title === title)!.id);
};
const minutesOf = async (meetingId: string) => ({
  paragraphs: (await t.database.db.selectFrom('minute_paragraphs').select(['id', 'text', 'agenda_item_id', 'position']).where('meeting_id', '=', meetingId).orderBy('position').execute()),
  resolutions: (await t.database.db.selectFrom('resolutions').select(['id', 'text', 'agenda_item_id']).where('meeting_id', '=', meetingId).orderBy('position').execute()),
  meeting: await t.database.db.selectFrom('meetings').select(['status', 'minutes_version', 'closed_at']).where('id', '=', meetingId).executeTakeFirstOrThrow(),
});

test('the whole meeting is minuted with one POST: held, numbered, every item’s paragraphs and resolutions, the closing time and an action', async () => {
  const titles = ['Community safety strategy', 'Domestic abuse update'];
  const meetingId = await meetingWith('2025-03-11', titles);
  const [strategy, abuse] = await itemIds(meetingId, titles);
  const form = await openEditor(officer, meetingId);
  assert.match(pageText(form.html), /This meeting is not yet recorded as held/);
  const due = addDays(todayIso(), 30);
  const [dy, dm, dd] = due.split('-');
  const res = await postEditor(officer, meetingId, form, {
    [`p-${rowOf(form, strategy!, 'p')}`]: 'The strategy was presented.\n\nMembers asked about funding.',
    [`r-${rowOf(form, strategy!, 'r')}`]: 'RESOLVED to approve the strategy.',
    [`p-${rowOf(form, abuse!, 'p')}`]: 'The coordinator gave the update.',
    [`r-${rowOf(form, abuse!, 'r')}`]: 'to note the update.',
    closed_at: '3.45pm',
    [`action-${rowOf(form, strategy!, 'r')}-description`]: 'Publish the strategy',
    [`action-${rowOf(form, strategy!, 'r')}-owner`]: `person:${await personId(t, 'Hartley')}`,
    [`action-${rowOf(form, strategy!, 'r')}-due_on-day`]: String(Number(dd)), [`action-${rowOf(form, strategy!, 'r')}-due_on-month`]: String(Number(dm)),
    [`action-${rowOf(form, strategy!, 'r')}-due_on-year`]: dy!,
  });
  assert.equal(res.statusCode, 303, pageText(res.body).slice(0, 1500));
  const after = await officer.get(String(res.headers.location));
  assert.match(pageText(after.body), /Meeting recorded as held and its minutes numbered\. Minutes saved\. 1 action created/);

  const saved = await minutesOf(meetingId);
  assert.equal(saved.meeting.status, 'minutes-draft');
  assert.equal(saved.meeting.closed_at, '15:45');
  assert.equal(saved.meeting.minutes_version, 1);
  assert.deepEqual(saved.paragraphs.filter((p) => p.agenda_item_id === strategy).map((p) => p.text), ['The strategy was presented.', 'Members asked about funding.']);
  assert.deepEqual(saved.resolutions.map((r) => r.text).sort(), ['to approve the strategy.', 'to note the update.']);
  const action = await t.database.db.selectFrom('actions').selectAll().where('meeting_id', '=', meetingId).executeTakeFirstOrThrow();
  assert.equal(action.description, 'Publish the strategy');
  assert.equal(action.source_kind, 'resolution');
  assert.equal(action.source_id, rowOf(form, strategy!, 'r'));
  assert.equal(action.source_text, 'to approve the strategy.');

  // The meeting page and the minutes PDF: numbered minutes, the closing time, the signature block.
  const page = pageText((await officer.get(`/meetings/${meetingId}`)).body);
  assert.match(page, /\d+\. Community safety strategy/);
  assert.match(page, /The meeting closed at 3\.45 pm\./);
  const pdf = await officer.get(`/meetings/${meetingId}/minutes.pdf`);
  const text = (await extractText(new Uint8Array(pdf.rawPayload), { mergePages: true })).text.replace(/\s+/g, ' ');
  assert.ok(text.includes('The meeting closed at 3.45 pm.'), text);
  assert.match(text, /Chair \.{10,} +Date \.{10,}/);
  assert.ok(text.lastIndexOf('Chair ....') > text.indexOf('The meeting closed at'), 'the signature block comes at the end');

  // Saving the page again untouched changes nothing but the version; removing a paragraph removes it.
  const again = await openEditor(officer, meetingId);
  assert.equal((await postEditor(officer, meetingId, again, {})).statusCode, 303);
  assert.equal((await minutesOf(meetingId)).paragraphs.length, 3);
  const third = await openEditor(officer, meetingId);
  const second = (await minutesOf(meetingId)).paragraphs.find((p) => p.text === 'Members asked about funding.')!;
  assert.equal((await postEditor(officer, meetingId, third, { [`remove-${second.id}`]: 'yes' })).statusCode, 303);
  assert.deepEqual((await minutesOf(meetingId)).paragraphs.filter((p) => p.agenda_item_id === strategy).map((p) => p.text), ['The strategy was presented.']);
});

test('"add another" saves and comes back with one more row for that item', async () => {
  const meetingId = await meetingWith('2025-04-08', ['Youth justice report']);
  const [item] = await itemIds(meetingId, ['Youth justice report']);
  const form = await openEditor(officer, meetingId);
  const res = await postEditor(officer, meetingId, form, { [`r-${rowOf(form, item!, 'r')}`]: 'to note the report.', more: `r:${item}` });
  assert.equal(res.statusCode, 303);
  assert.equal(String(res.headers.location), `/meetings/${meetingId}/minutes?more=r%3A${item}#item-${item}`);
  const withMore = await officer.get(String(res.headers.location).replace(/#.*$/, ''));
  const resolutionRows = [...withMore.body.matchAll(new RegExp(`name="rows" value="r:${item}:`, 'g'))].length;
  assert.equal(resolutionRows, 3, 'the saved resolution, the spare row and the one asked for');
});

test('every problem is reported at once, each linked to its field, and nothing is written', async () => {
  const meetingId = await meetingWith('2025-05-13', ['Night-time economy']);
  const [item] = await itemIds(meetingId, ['Night-time economy']);
  const form = await openEditor(officer, meetingId);
  const p = rowOf(form, item!, 'p');
  const r = rowOf(form, item!, 'r');
  const res = await postEditor(officer, meetingId, form, {
    [`p-${p}`]: 'Words the clerk must not lose.',
    [`r-${r}`]: 'RESOLVED',
    closed_at: '25 past never',
    [`action-${p}-description`]: 'Report back',
  });
  assert.equal(res.statusCode, 400);
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(res.body)?.[0] ?? '';
  for (const [field, message] of [
    [`r-${r}`, 'Enter what was resolved'], ['closed_at', 'Enter the time the meeting closed'],
    [`action-${p}-owner`, 'Select a person or an organisation who owns the action'], [`action-${p}-due_on`, 'Enter the due date'],
  ]) {
    assert.ok(summary.includes(`href="#${field}"`), `the summary links to ${field}: ${pageText(summary)}`);
    assert.ok(pageText(summary).includes(message!), `the summary says "${message}": ${pageText(summary)}`);
  }
  // The words typed are still on the page; nothing was written, the meeting is not even held.
  assert.ok(res.body.includes('Words the clerk must not lose.'));
  const saved = await minutesOf(meetingId);
  assert.equal(saved.paragraphs.length, 0);
  assert.equal(saved.meeting.status, 'scheduled');
  assert.equal(saved.meeting.minutes_version, 0);
  assert.equal((await t.database.db.selectFrom('actions').select('id').where('meeting_id', '=', meetingId).execute()).length, 0);
});

test('two clerks at once: the later save from an older copy is refused with who saved, and keeps every word of both', async () => {
  const meetingId = await meetingWith('2025-06-10', ['Anti-social behaviour']);
  const [item] = await itemIds(meetingId, ['Anti-social behaviour']);
  assert.equal((await postEditor(officer, meetingId, await openEditor(officer, meetingId), {})).statusCode, 303);
  const colleague = await new Client(t.app).signIn(demoUsers.administrator);
  const mine = await openEditor(officer, meetingId);
  const theirs = await openEditor(colleague, meetingId);
  assert.equal((await postEditor(colleague, meetingId, theirs, { [`p-${rowOf(theirs, item!, 'p')}`]: 'Their paragraph.' })).statusCode, 303);

  const refused = await postEditor(officer, meetingId, mine, { [`p-${rowOf(mine, item!, 'p')}`]: 'My paragraph.' });
  assert.equal(refused.statusCode, 409);
  const text = pageText(refused.body);
  assert.match(text, /There is a problem .* saved these minutes at .*, after your copy was opened, so your changes have not been saved/);
  assert.ok(refused.body.includes('My paragraph.'), 'my words are on the page');
  assert.ok(refused.body.includes('Their paragraph.'), 'their words are on the page too');
  assert.deepEqual((await minutesOf(meetingId)).paragraphs.map((x) => x.text), ['Their paragraph.']);

  // Saving the page as it came back keeps both.
  const back = { ...mine, version: /name="version" value="(\d+)"/.exec(refused.body)![1]!, fields: [] as [string, string][] };
  const rows = [...refused.body.matchAll(/name="rows" value="([pr]):([0-9a-f-]{36}):([0-9a-f-]{36})"/g)];
  for (const m of rows) {
    back.fields.push(['rows', `${m[1]}:${m[2]}:${m[3]}`]);
    back.fields.push([`${m[1]}-${m[3]}`, new RegExp(`name="${m[1]}-${m[3]}"[^>]*>([\\s\\S]*?)</textarea>`).exec(refused.body)![1]!.trim()]);
  }
  assert.equal((await postEditor(officer, meetingId, back, {})).statusCode, 303);
  assert.deepEqual((await minutesOf(meetingId)).paragraphs.map((x) => x.text).sort(), ['My paragraph.', 'Their paragraph.']);
});

test('the JSON API: a save is written once however often it is sent; an old version, a foreign item, a bad id or a member change nothing', async () => {
  const meetingId = await meetingWith('2025-07-08', ['Hate crime']);
  const [item] = await itemIds(meetingId, ['Hate crime']);
  const start = (await officer.json('GET', `/api/meetings/${meetingId}/minutes`)).json();
  assert.equal(start.version, 0);
  const body = { version: 0, closedAt: '16:05', items: [{ itemId: item, paragraphs: [{ id: '0b6c3c1e-4d0f-4a8e-9a51-3f1d2b7c9e01', text: 'The report was discussed.' }], resolutions: [{ id: '0b6c3c1e-4d0f-4a8e-9a51-3f1d2b7c9e02', text: 'to note the report.' }] }] };
  const saved = await officer.json('PUT', `/api/meetings/${meetingId}/minutes`, body);
  assert.equal(saved.statusCode, 200, saved.body);
  assert.equal(saved.json().version, 1);
  assert.equal(saved.json().status, 'minutes-draft');
  // The same save again (a retry after a dropped connection) is refused as out of date, and writes nothing twice.
  const retried = await officer.json('PUT', `/api/meetings/${meetingId}/minutes`, body);
  assert.equal(retried.statusCode, 409);
  assert.match(retried.json().detail, /Gwen Abernethy saved these minutes at .*, after your copy was opened/);
  // Sent again on the current version, the same ids are the same rows.
  assert.equal((await officer.json('PUT', `/api/meetings/${meetingId}/minutes`, { ...body, version: 1 })).statusCode, 200);
  const rows = await minutesOf(meetingId);
  assert.deepEqual(rows.paragraphs.map((p) => p.text), ['The report was discussed.']);
  assert.equal(rows.resolutions.length, 1);
  // A paragraph added on the item's own page is a new version too: a save from the older copy is told.
  assert.equal((await officer.json('POST', `/api/meetings/${meetingId}/items/${item}/paragraphs`, { text: 'Added on the item page.' })).statusCode, 201);
  assert.equal((await officer.json('PUT', `/api/meetings/${meetingId}/minutes`, { ...body, version: 2 })).statusCode, 409);
  assert.equal((await officer.json('GET', `/api/meetings/${meetingId}/minutes`)).json().version, 3);

  const before = JSON.stringify(await minutesOf(meetingId));
  const foreign = await officer.json('PUT', `/api/meetings/${meetingId}/minutes`, { version: 3, items: [{ itemId: '0b6c3c1e-4d0f-4a8e-9a51-3f1d2b7c9eff', paragraphs: [], resolutions: [] }] });
  assert.equal(foreign.statusCode, 409);
  const notUuid = await officer.json('PUT', `/api/meetings/${meetingId}/minutes`, { version: 3, items: [{ itemId: item, paragraphs: [{ id: 'x', text: 'y' }], resolutions: [] }] });
  assert.equal(notUuid.statusCode, 400);
  const member = await new Client(t.app).signIn(demoUsers.member);
  assert.equal((await member.json('PUT', `/api/meetings/${meetingId}/minutes`, { version: 3, items: [] })).statusCode, 403);
  assert.equal((await new Client(t.app).json('GET', `/api/meetings/${meetingId}/minutes`)).statusCode, 401);
  assert.equal(JSON.stringify(await minutesOf(meetingId)), before);
});

test('a meeting still to come cannot be minuted yet: the page says so and a save changes nothing', async () => {
  const future = await meetingWith(addDays(todayIso(), 10), ['Later business']);
  const page = pageText((await officer.get(`/meetings/${future}/minutes`)).body);
  assert.match(page, /The minutes can be written once the meeting has been held/);
  const put = await officer.json('PUT', `/api/meetings/${future}/minutes`, { version: 0, items: [] });
  assert.equal(put.statusCode, 409);
  assert.match(put.json().detail, /cannot be minuted before its date/);
  assert.equal((await minutesOf(future)).meeting.status, 'scheduled');
});

test('the attendance is printed in the minutes’ order: chair, vice-chair, members by surname, then in attendance, apologies, substitutes', async () => {
  const meetingId = await meetingWith('2025-09-09', ['Probation update']);
  const [chair, vice, zed, alpha, apologies, substitute, officerPerson] = await Promise.all(
    ['Treharne', 'Whitlock', 'Qureshi', 'Adeyemi', 'Osei', 'Chen', 'Delaney'].map((n) => personId(t, n)));
  for (const [person, role] of [[chair, 'chair'], [vice, 'vice-chair'], [zed, 'member'], [alpha, 'member'], [apologies, 'member']] as const) {
    await t.database.db.insertInto('memberships').values({ partnership_id: t.partnershipId, person_id: person!, body_id: bodyId, role, starts_on: '2024-01-01' }).execute();
  }
  await officer.get(`/meetings/${meetingId}/attendance`);
  // Typed in no particular order.
  for (const entry of [
    { person_id: zed, kind: 'present', mode: 'in-person' }, { person_id: substitute, kind: 'present', mode: 'in-person', substitute_for_person_id: apologies },
    { person_id: officerPerson, kind: 'in-attendance', mode: 'in-person' }, { person_id: vice, kind: 'present', mode: 'in-person' },
    { person_id: apologies, kind: 'apologies' }, { person_id: alpha, kind: 'present', mode: 'virtual' }, { person_id: chair, kind: 'present', mode: 'in-person' },
  ]) assert.equal((await officer.post(`/meetings/${meetingId}/attendance`, entry as Record<string, string>)).statusCode, 303);

  const expected = 'Present Cllr Owen Treharne (Chair), Dr Fiona Whitlock (Vice-Chair), Mr Joseph Adeyemi (virtually), Mr Imran Qureshi '
    + 'In attendance Mrs Ruth Delaney Apologies Supt Daniel Osei Substitutes DI Mark Chen, substitute for Supt Daniel Osei';
  assert.ok(pageText((await officer.get(`/meetings/${meetingId}`)).body).includes(expected), 'the meeting page');
  assert.ok(pageText((await officer.get(`/meetings/${meetingId}/minutes`)).body).includes(expected), 'the minutes page');

  assert.equal((await postEditor(officer, meetingId, await openEditor(officer, meetingId), {})).statusCode, 303);
  const pdf = await officer.get(`/meetings/${meetingId}/minutes.pdf`);
  const text = (await extractText(new Uint8Array(pdf.rawPayload), { mergePages: true })).text.replace(/\s+/g, ' ');
  assert.ok(text.includes('Present: Cllr Owen Treharne (Chair), Dr Fiona Whitlock (Vice-Chair), Mr Joseph Adeyemi (virtually), Mr Imran Qureshi.'), text);
  assert.ok(text.indexOf('In attendance:') < text.indexOf('Apologies:') && text.indexOf('Apologies:') < text.indexOf('Substitutes: DI Mark Chen, substitute for Supt Daniel Osei.'), text);
});
