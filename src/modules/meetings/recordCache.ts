// Meetings' records kept in memory, unfiltered, so a signed-in reader's meeting page is
// one statement (the session, with the meeting's record counter) and then the policy and
// the templates. The record is never shown as it is kept: readMeeting (reading.ts) builds
// each reader's view from it through the policy on every request, as from a fresh read.
//
// A kept record is used only while both of these hold:
// - the meeting's counter (meeting_versions, migration 058), read from the database in
//   the request's own statement, is the one the record was read with. Triggers move it
//   at every change to the meeting's rows, whoever makes it and on whichever instance, so
//   whatever decides who may read an item (restricted, its section, its body, what is
//   published) is never taken from memory without the database's word on it;
// - the partnership's change counter (db/changes.ts, moved by every audited change here
//   and by other instances' notices) is the one it was read under: people's names, the
//   body's name and its later meetings, which the record shows but the meeting's rows do
//   not hold, are read again after any change in the partnership.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { MeetingRecord } from './store.ts';

interface Kept { version: number; generation: number; record: MeetingRecord; bytes: number }

/** Per database (tests open several in one process); the least recently used go first. */
const kept = new WeakMap<object, Map<string, Kept>>();
const keptBytes = new WeakMap<object, number>();
const served = new WeakMap<object, number>();
const MOST_KEPT = 100;
// Records differ a hundredfold in size (a meeting's minutes and papers), so they are
// bounded by what they hold as well as by number: a small VM's budget (issue 19).
export const MOST_KEPT_BYTES = 8 * 1024 * 1024;

function keptFor(db: Kysely<DB>): Map<string, Kept> {
  let m = kept.get(db);
  if (!m) kept.set(db, (m = new Map()));
  return m;
}

function forget(db: Kysely<DB>, m: Map<string, Kept>, key: string) {
  const hit = m.get(key);
  if (!hit) return;
  m.delete(key);
  keptBytes.set(db, (keptBytes.get(db) ?? 0) - hit.bytes);
}

const keyOf = (partnershipId: string, meetingId: string) => `${partnershipId} ${meetingId}`;

/** The kept record when it is the meeting's at `version` and nothing else in the partnership has changed since (`generation`). */
export function keptRecord(db: Kysely<DB>, partnershipId: string, meetingId: string, version: number, generation: number): MeetingRecord | undefined {
  const m = keptFor(db);
  const key = keyOf(partnershipId, meetingId);
  const hit = m.get(key);
  if (!hit) return undefined;
  if (hit.version !== version || hit.generation !== generation) {
    forget(db, m, key);
    return undefined;
  }
  m.delete(key);
  m.set(key, hit);
  served.set(db, (served.get(db) ?? 0) + 1);
  return hit.record;
}

/**
 * The kept record as it stands, whatever the database now says of it, and without counting it
 * as used: what the signed-in meeting page's statement is made for in advance
 * (pageStatement.ts), before the statement says whether it is still the meeting's.
 */
export function peekRecord(db: Kysely<DB>, partnershipId: string, meetingId: string): Readonly<Kept> | undefined {
  return keptFor(db).get(keyOf(partnershipId, meetingId));
}

/** Keeps a record read at its own counter, under the partnership's counter as it was before the read began. */
export function keepRecord(db: Kysely<DB>, partnershipId: string, meetingId: string, record: MeetingRecord, generation: number): void {
  if (record.version === null) return;
  const m = keptFor(db);
  const key = keyOf(partnershipId, meetingId);
  forget(db, m, key);
  const bytes = approximateBytes(record);
  if (bytes > MOST_KEPT_BYTES / 4) return;
  // Shared by every request that reads it: frozen, so a caller that changed it would fail loudly.
  m.set(key, { version: record.version, generation, record: deepFreeze(record), bytes });
  keptBytes.set(db, (keptBytes.get(db) ?? 0) + bytes);
  for (const oldest of m.keys()) {
    if (m.size <= MOST_KEPT && (keptBytes.get(db) ?? 0) <= MOST_KEPT_BYTES) break;
    forget(db, m, oldest);
  }
}

/** For tests: how many records are kept for this database. */
export const keptRecordCount = (db: Kysely<DB>) => keptFor(db).size;
/** For tests: about how many bytes the kept records hold for this database. */
export const keptRecordBytes = (db: Kysely<DB>) => keptBytes.get(db) ?? 0;
/** For tests: how many requests a kept record has served for this database. */
export const recordsServedFromMemory = (db: Kysely<DB>) => served.get(db) ?? 0;

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || value instanceof Date) return value;
  if (value instanceof Map) {
    for (const v of value.values()) deepFreeze(v);
    return value;
  }
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

/** About what a record holds in V8's heap: strings at two bytes a character, and a few words for each object, entry and value. */
export function approximateBytes(value: unknown): number {
  if (typeof value === 'string') return 16 + 2 * value.length;
  if (value === null || typeof value !== 'object') return 8;
  if (value instanceof Date) return 32;
  let bytes = 32;
  if (value instanceof Map) {
    for (const [k, v] of value) bytes += 16 + approximateBytes(k) + approximateBytes(v);
    return bytes;
  }
  for (const v of Object.values(value)) bytes += 8 + approximateBytes(v);
  return bytes;
}
