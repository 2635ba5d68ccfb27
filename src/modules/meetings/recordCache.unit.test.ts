// The kept meeting records stay within their byte bound however large the records are,
// the most recently used kept first, and a record too large to keep is read afresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { MeetingRecord } from './store.ts';
import { approximateBytes, keepRecord, keptRecord, keptRecordBytes, keptRecordCount, MOST_KEPT_BYTES } from './recordCache.ts';

const recordWithMinutes = (characters: number) => ({
  meeting: { id: 'm' }, sections: [], items: [], papers: [], attendance: [], declarations: [],
  paragraphs: [{ id: 'p', body: 'x'.repeat(characters) }], resolutions: [], amendments: [], publications: [],
  names: new Map([['person', 'Alex Example']]), attendees: new Map(), laterMeetings: [], version: 1,
}) as unknown as MeetingRecord;

test('kept records stay under their byte bound, the most recently used kept', () => {
  const db = {} as Kysely<DB>;
  const big = recordWithMinutes(300_000); // about 600 kB: a meeting with long minutes
  assert.ok(approximateBytes(big) > 600_000);
  for (let i = 0; i < 60; i++) keepRecord(db, 'p1', `meeting-${i}`, recordWithMinutes(300_000), 7);
  assert.ok(keptRecordBytes(db) <= MOST_KEPT_BYTES, `${keptRecordBytes(db)} bytes kept`);
  assert.ok(keptRecordCount(db) < 60 && keptRecordCount(db) >= 8, `${keptRecordCount(db)} kept`);
  assert.ok(keptRecord(db, 'p1', 'meeting-59', 1, 7), 'the latest is kept');
  assert.equal(keptRecord(db, 'p1', 'meeting-0', 1, 7), undefined, 'the oldest went first');
  // Read again, the latest but one outlives those kept after it.
  keptRecord(db, 'p1', 'meeting-50', 1, 7);
  for (let i = 60; i < 70; i++) keepRecord(db, 'p1', `meeting-${i}`, recordWithMinutes(300_000), 7);
  assert.ok(keptRecord(db, 'p1', 'meeting-50', 1, 7));
  assert.ok(keptRecordBytes(db) <= MOST_KEPT_BYTES);
});

test('a record too large for the bound is not kept, and a stale one is let go with its bytes', () => {
  const db = {} as Kysely<DB>;
  keepRecord(db, 'p1', 'huge', recordWithMinutes(MOST_KEPT_BYTES), 1);
  assert.equal(keptRecordCount(db), 0);
  assert.equal(keptRecordBytes(db), 0);
  keepRecord(db, 'p1', 'small', recordWithMinutes(1_000), 1);
  assert.ok(keptRecordBytes(db) > 2_000);
  assert.equal(keptRecord(db, 'p1', 'small', 1, 2), undefined, 'the partnership changed since');
  assert.equal(keptRecordCount(db), 0);
  assert.equal(keptRecordBytes(db), 0);
});
