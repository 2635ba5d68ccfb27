// The iCalendar writer's rules, without a database: escaping, folding, times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { buildCalendar, escapeText, foldLine, localDateTime, utcDateTime, type CalendarEvent } from './ical.ts';

test('text values escape backslash, semicolon, comma and line breaks', () => {
  assert.equal(escapeText('a\\b; c, d\ne\r\nf'), 'a\\\\b\\; c\\, d\\ne\\nf');
  assert.equal(escapeText('bell\u0007 gone'), 'bell gone');
});

test('folding keeps every line within 75 octets and never splits a multi-byte character', () => {
  const line = `DESCRIPTION:${'Café — “quoted” £40 '.repeat(12)}`;
  const folded = foldLine(line);
  const parts = folded.split('\r\n');
  assert.ok(parts.length > 1);
  for (const p of parts) assert.ok(Buffer.byteLength(p, 'utf8') <= 75);
  for (const p of parts.slice(1)) assert.ok(p.startsWith(' '));
  assert.equal(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join(''), line);
  assert.ok(!Buffer.from(folded, 'utf8').toString('utf8').includes('\uFFFD'));
  assert.equal(foldLine('SHORT:line'), 'SHORT:line');
});

test('local times for TZID, instants in UTC', () => {
  assert.equal(localDateTime('2021-11-18', '10:00'), '20211118T100000');
  assert.equal(localDateTime('2022-07-13', '14:30'), '20220713T143000');
  assert.equal(utcDateTime(new Date('2021-11-10T09:30:05.123Z')), '20211110T093005Z');
});

test('a calendar parses back with ical.js: the same words, the right instants either side of the clock change', () => {
  const base: Omit<CalendarEvent, 'uid' | 'date'> = {
    startTime: '10:00', endTime: '11:30', summary: 'Board; with, commas', location: 'Hall, Room 1', description: 'Line one\nLine two',
    url: 'https://example.org/meetings/1', cancelled: false, modifiedAt: new Date('2022-01-01T00:00:00Z'), createdAt: null,
  };
  const text = buildCalendar({
    name: 'Test feed',
    events: [
      { ...base, uid: 'a@test', date: '2023-03-25' },
      { ...base, uid: 'b@test', date: '2023-03-26', cancelled: true },
      { ...base, uid: 'c@test', date: '2023-10-29' },
    ],
  });
  const cal = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.register(cal.getFirstSubcomponent('vtimezone')!);
  const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  assert.deepEqual(events.map((e) => e.startDate.toJSDate().toISOString()), ['2023-03-25T10:00:00.000Z', '2023-03-26T09:00:00.000Z', '2023-10-29T10:00:00.000Z']);
  assert.equal(events[0]!.summary, 'Board; with, commas');
  assert.equal(events[0]!.location, 'Hall, Room 1');
  assert.equal(events[0]!.description, 'Line one\nLine two');
  assert.equal(cal.getAllSubcomponents('vevent')[1]!.getFirstPropertyValue('status'), 'CANCELLED');
});
