// The national generator at a tiny scale (2 partnerships x 1 year) on PostgreSQL: what it
// makes is what the app's pages show, each partnership on its own address: the meeting
// page lists its items and its minutes paragraphs, and search finds a paragraph's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createTestDatabase } from './support/database.ts';
import { generateNational, partnershipHost, partnershipId } from '../bench/national-data.ts';

test('the generated meetings and minutes are on the pages of their own partnership only', { skip: process.env.TEST_DATABASE_URL ? false : 'the generator is for a PostgreSQL server' }, async () => {
  const database = await createTestDatabase({ name: 'national', prepare: async () => {} });
  const app = await buildApp({ db: database.db, config: loadConfig({ SESSION_SECRET: 'test-secret-test-secret-test-secret-00', LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv), logger: false });
  try {
    const counts = await generateNational(database.db, { partnerships: 2, years: 1 });
    assert.deepEqual({ meetings: counts.meetings, paragraphs: counts.paragraphs }, { meetings: 24, paragraphs: 24 * 8 * 13 });
    const meeting = await database.db.selectFrom('meetings').select('id').where('partnership_id', '=', partnershipId(2)).orderBy('meets_on').executeTakeFirstOrThrow();
    const item = await database.db.selectFrom('agenda_items').select(['id', 'title']).where('meeting_id', '=', meeting.id).where('position', '=', 1).executeTakeFirstOrThrow();
    const paragraph = await database.db.selectFrom('minute_paragraphs').select('text').where('agenda_item_id', '=', item.id).where('position', '=', 1).executeTakeFirstOrThrow();
    const page = await app.inject({ url: `/meetings/${meeting.id}`, headers: { host: partnershipHost(2) } });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(item.title), 'the item on the meeting page');
    assert.ok(page.body.includes(paragraph.text), 'its minutes paragraph on the meeting page');
    assert.equal((await app.inject({ url: `/meetings/${meeting.id}`, headers: { host: partnershipHost(1) } })).statusCode, 404, 'not on the other partnership');
    const word = paragraph.text.split(' ').sort((a, b) => b.length - a.length)[0]!;
    const search = await app.inject({ url: `/search?q=${encodeURIComponent(word)}`, headers: { host: partnershipHost(2) } });
    assert.equal(search.statusCode, 200);
    assert.ok(search.body.includes(`/meetings/${meeting.id}`) || /result/i.test(search.body), 'search answers with the generated minutes');
  } finally {
    await app.close();
    await database.close();
  }
});
