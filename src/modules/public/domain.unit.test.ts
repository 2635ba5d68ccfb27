// The public face's pure rules: CSV fields, Atom text, months, what is published, paging,
// and London times in open data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildAtom, byMonth, csvField, minutesArePublic, monthLabel, paginationFor, publicStatus, toCsv, xmlText } from './domain.ts';
import { londonDateTime } from './opendata.ts';
import { parseCsvStrict } from './testing.ts';

test('CSV fields are quoted only when they must be, with quotes doubled, and read back unchanged', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a, b'), '"a, b"');
  assert.equal(csvField('say "yes"'), '"say ""yes"""');
  assert.equal(csvField('two\r\nlines'), '"two\r\nlines"');
  assert.equal(csvField(' padded '), '" padded "');
  assert.equal(csvField(null), '');
  assert.equal(csvField(42), '42');
  const awkward = ['a, b', 'say "yes"', 'two\r\nlines', 'line\nfeed', '', 'ünïcödé – “curly”'];
  const csv = toCsv(['one', 'two', 'three', 'four', 'five', 'six'], [awkward]);
  assert.ok(csv.endsWith('\r\n'));
  assert.deepEqual(Object.values(parseCsvStrict(csv)[0]!), awkward);
});

test('a CSV field that a spreadsheet would run as a formula starts with an apostrophe', () => {
  assert.equal(csvField('=SUM(A1:A9)'), "'=SUM(A1:A9)");
  assert.equal(csvField('+44 1632'), "'+44 1632");
  assert.equal(csvField('-1'), "'-1");
  assert.equal(csvField('@cmd'), "'@cmd");
  assert.equal(csvField('=a,b'), `"'=a,b"`);
});

test('the strict CSV reader refuses what is not RFC 4180', () => {
  assert.throws(() => parseCsvStrict('a,b\r\n1\r\n'), /row 2 has 1 fields/);
  assert.throws(() => parseCsvStrict('a\r\nx"y\r\n'), /quote inside an unquoted field/);
  assert.throws(() => parseCsvStrict('a\r\n"x"y\r\n'), /after a closing quote/);
  assert.throws(() => parseCsvStrict('a\n1\n'), /bare LF/);
  assert.throws(() => parseCsvStrict('a\r\n"open\r\n'), /inside a quoted field/);
  assert.throws(() => parseCsvStrict('a\r\n1'), /does not end with CRLF/);
});

test('XML text escapes markup and drops characters XML cannot hold', () => {
  assert.equal(xmlText('<b>Tom & "Jerry"\'s</b>'), '&lt;b&gt;Tom &amp; &quot;Jerry&quot;&apos;s&lt;/b&gt;');
  assert.equal(xmlText('bell\u0007 and tab\t'), 'bell and tab\t');
});

test('an Atom feed with awkward titles is well-formed and keeps the words', () => {
  const xml = buildAtom({
    id: 'http://x/feed', title: 'A & B <partnership>', subtitle: 's', selfLink: 'http://x/feed?a=1&b=2', alternateLink: 'http://x/', author: 'A & B',
    updated: new Date('2024-01-02T03:04:05Z'),
    entries: [{ id: 'http://x/m#agenda', title: 'Agenda: "Q&A" <live>', updated: new Date('2024-01-02T03:04:05Z'), published: new Date('2024-01-01T00:00:00Z'), link: 'http://x/m', summary: 'x\u0000y', category: 'agenda' }],
  });
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml);
  assert.equal(doc.feed.title, 'A & B <partnership>');
  assert.equal(doc.feed.entry.title, 'Agenda: "Q&A" <live>');
  assert.equal(doc.feed.entry.summary['#text'], 'xy');
  assert.equal(doc.feed.updated, '2024-01-02T03:04:05.000Z');
});

test('meetings group by month in the order given', () => {
  const groups = byMonth([{ meets_on: '2024-03-01' }, { meets_on: '2024-03-20' }, { meets_on: '2024-05-02' }]);
  assert.deepEqual(groups.map((g) => [g.label, g.meetings.length]), [['March 2024', 2], ['May 2024', 1]]);
  assert.equal(monthLabel('2023-12'), 'December 2023');
});

test('what the public can read of a meeting, in a few words', () => {
  const at = new Date();
  assert.equal(publicStatus({ status: 'scheduled', agenda_published_at: null, minutes_published_at: null }).text, 'Agenda to follow');
  assert.equal(publicStatus({ status: 'held', agenda_published_at: at, minutes_published_at: null }).text, 'Agenda published');
  // Minutes written but not published are not the public's yet.
  assert.equal(publicStatus({ status: 'minutes-draft', agenda_published_at: at, minutes_published_at: null }).text, 'Agenda published');
  assert.equal(publicStatus({ status: 'minutes-draft', agenda_published_at: at, minutes_published_at: at }).text, 'Draft minutes');
  assert.equal(publicStatus({ status: 'minutes-approved', agenda_published_at: at, minutes_published_at: at }).text, 'Minutes approved');
  assert.equal(publicStatus({ status: 'cancelled', agenda_published_at: at, minutes_published_at: null }).text, 'Cancelled');
  assert.equal(minutesArePublic({ status: 'held', agenda_published_at: at, minutes_published_at: at }), false);
});

test('paging shows the first, the last and two either side, with gaps marked', () => {
  assert.equal(paginationFor(1, 1, String), undefined);
  const p = paginationFor(6, 12, (n) => `?page=${n}`)!;
  assert.deepEqual(p.items.map((i) => ('ellipsis' in i ? '…' : i.number)), [1, '…', 4, 5, 6, 7, 8, '…', 12]);
  assert.deepEqual(p.previous, { href: '?page=5' });
  assert.deepEqual(paginationFor(12, 12, String)!.next, undefined);
});

test('open data gives a meeting’s London time with the offset of the day', () => {
  assert.equal(londonDateTime('2024-01-15', '10:00'), '2024-01-15T10:00:00+00:00');
  assert.equal(londonDateTime('2024-07-15', '14:30'), '2024-07-15T14:30:00+01:00');
  assert.equal(londonDateTime('2024-03-31', '10:00'), '2024-03-31T10:00:00+01:00');
});
