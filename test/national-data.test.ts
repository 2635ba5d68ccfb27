// The national generator at a tiny scale (2 partnerships x 1 year) on PostgreSQL: what it
// makes is what the app's pages show, each partnership on its own address. The public
// meeting page lists the open items and their minutes and not the section D item; search
// finds an open paragraph's words for the public, and a restricted paragraph's words only
// for the officer who may read it, who also sees that item on the meeting page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createTestDatabase } from './support/database.ts';
import { Client, pageText } from './support/app.ts';
import { addNationalUsers, generateNational, partnershipHost, partnershipId } from '../bench/national-data.ts';

const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

test('the generated meetings, minutes and search are on the pages of their own partnership, restricted items only for those entitled', { skip: process.env.TEST_DATABASE_URL ? false : 'the generator is for a PostgreSQL server' }, async () => {
  const database = await createTestDatabase({ name: 'national', prepare: async () => {} });
  const app = await buildApp({ db: database.db, config: loadConfig({ SESSION_SECRET: 'test-secret-test-secret-test-secret-00', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), logger: false });
  try {
    const counts = await generateNational(database.db, { partnerships: 2, years: 1 });
    // 2 partnerships x 2 bodies x 6 meetings; 8 items of 13 paragraphs; search: items,
    // paragraphs, 3 papers and 3 actions a meeting.
    assert.deepEqual(counts, { meetings: 24, paragraphs: 24 * 8 * 13, searchEntries: 24 * (8 + 8 * 13 + 3 + 3) });
    const { db } = database;
    const meeting = await db.selectFrom('meetings').select('id').where('partnership_id', '=', partnershipId(2)).orderBy('meets_on').executeTakeFirstOrThrow();
    const itemOf = (code: string) => db.selectFrom('agenda_items').select(['id', 'title', 'restricted']).where('meeting_id', '=', meeting.id).where('code', '=', code).executeTakeFirstOrThrow();
    const open = await itemOf('A1');
    const held = await itemOf('D1');
    assert.deepEqual([open.restricted, held.restricted], [false, true]);
    const paragraphOf = (itemId: string) => db.selectFrom('minute_paragraphs').select('text').where('agenda_item_id', '=', itemId).where('position', '=', 1).executeTakeFirstOrThrow();
    const openText = (await paragraphOf(open.id)).text;
    const heldText = (await paragraphOf(held.id)).text;

    const publicly = new Client(app, partnershipHost(2));
    const page = await publicly.get(`/meetings/${meeting.id}`);
    assert.equal(page.statusCode, 200);
    assert.ok(pageText(page.body).includes(open.title), 'the open item on the public meeting page');
    assert.ok(pageText(page.body).includes(openText), 'its minutes paragraph on the public meeting page');
    assert.ok(!pageText(page.body).includes(held.title), 'not the section D item');
    assert.ok(!pageText(page.body).includes(heldText), 'nor its minutes');
    assert.equal((await new Client(app, partnershipHost(1)).get(`/meetings/${meeting.id}`)).statusCode, 404, 'not on the other partnership');

    const itemUrl = (itemId: string) => escaped(`/meetings/${meeting.id}/items/${itemId}`);
    // The paragraph's first words as a phrase: what someone who read the minutes would type.
    const phrase = (text: string) => `"${text.split(' ').slice(0, 8).join(' ').replace(/\./g, '')}"`;
    const found = await publicly.get(`/search?q=${encodeURIComponent(phrase(openText))}`);
    assert.equal(found.statusCode, 200);
    assert.ok(found.body.includes(itemUrl(open.id)), 'the public finds the open paragraph by its words');
    assert.ok(!(await new Client(app, partnershipHost(1)).get(`/search?q=${encodeURIComponent(phrase(openText))}`)).body.includes(itemUrl(open.id)), 'not from the other partnership');
    assert.ok(!(await publicly.get(`/search?q=${encodeURIComponent(phrase(heldText))}`)).body.includes(itemUrl(held.id)), 'the public does not find the restricted paragraph');

    const users = await addNationalUsers(db, 2);
    const member = await new Client(app, partnershipHost(2)).signIn(users.member, users.password);
    assert.ok(!(await member.get(`/search?q=${encodeURIComponent(phrase(heldText))}`)).body.includes(itemUrl(held.id)), 'nor a member without a seat on the body');
    const officer = await new Client(app, partnershipHost(2)).signIn(users.officer, users.password);
    assert.ok((await officer.get(`/search?q=${encodeURIComponent(phrase(heldText))}`)).body.includes(itemUrl(held.id)), 'the officer finds the restricted paragraph');
    const officerPage = pageText((await officer.get(`/meetings/${meeting.id}`)).body);
    assert.ok(officerPage.includes(held.title) && officerPage.includes(heldText), 'and reads the section D item and its minutes on the meeting page');
    // Papers and actions are where their links say.
    const paper = await db.selectFrom('search_entries').select('url').where('partnership_id', '=', partnershipId(2)).where('kind', '=', 'paper').where('public', '=', true).executeTakeFirstOrThrow();
    assert.equal((await publicly.get(paper.url)).statusCode, 200, 'a public paper opens at its search link');
    const action = await db.selectFrom('search_entries').select('url').where('partnership_id', '=', partnershipId(2)).where('kind', '=', 'action').executeTakeFirstOrThrow();
    assert.equal((await officer.get(action.url)).statusCode, 200, 'an action opens at its search link');
  } finally {
    await app.close();
    await database.close();
  }
});
