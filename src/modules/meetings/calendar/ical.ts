// iCalendar (RFC 5545) text for meeting feeds: pure, no I/O. Lines end in CRLF and are
// folded at 75 octets without splitting a UTF-8 character; text values are escaped;
// local times carry TZID=Europe/London, defined by the VTIMEZONE written with them.

export interface CalendarEvent {
  /** Stable for the life of the meeting, so a calendar updates the event, never duplicates it. */
  uid: string;
  /** 'YYYY-MM-DD' and 'HH:MM', UK local time. */
  date: string;
  startTime: string;
  endTime: string | null;
  summary: string;
  location: string | null;
  description: string | null;
  url: string | null;
  cancelled: boolean;
  /** When the meeting's record last changed: DTSTAMP and LAST-MODIFIED. */
  modifiedAt: Date;
  createdAt: Date | null;
  /** For an invitation: one more each time the meeting's notice is sent again (RFC 5545 3.8.7.4). */
  sequence?: number;
  organizer?: { name: string; email: string };
  attendees?: readonly { name: string; email: string }[];
}

export interface Calendar {
  name: string;
  description?: string;
  /** An invitation sent by e-mail (iTIP, RFC 5546) carries its method; a feed has none. */
  method?: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  events: readonly CalendarEvent[];
}

/** A parameter value (CN=...): quoted, without the characters a quoted value may not hold. */
const paramText = (value: string) => `"${value.replace(/["\r\n]/g, '').replace(/[\u0000-\u001f\u007f]/g, '')}"`;

export const TIME_ZONE = 'Europe/London';

/** Europe/London since 1996: BST from the last Sunday of March to the last Sunday of October. */
const LONDON_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${TIME_ZONE}`,
  `X-LIC-LOCATION:${TIME_ZONE}`,
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0000',
  'TZOFFSETTO:+0100',
  'TZNAME:BST',
  'DTSTART:19700329T010000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0000',
  'TZNAME:GMT',
  'DTSTART:19701025T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** A TEXT value: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n?|\n/g, '\\n')
    // Other control characters are not allowed in a content line.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** Folds one content line into lines of at most 75 octets, each continuation starting with a space. */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= 75) return line;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (octets + n > limit) {
      out.push(current);
      current = ' ';
      octets = 1;
      limit = 75;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join('\r\n');
}

/** 'YYYY-MM-DD' + 'HH:MM' -> '20211118T100000' (local, to go with TZID). */
export const localDateTime = (date: string, time: string) => `${date.replace(/-/g, '')}T${time.replace(':', '').padEnd(4, '0')}00`;

/** A UTC instant as '20211110T093000Z'. */
export const utcDateTime = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function eventLines(e: CalendarEvent): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `DTSTAMP:${utcDateTime(e.modifiedAt)}`,
    `DTSTART;TZID=${TIME_ZONE}:${localDateTime(e.date, e.startTime)}`,
  ];
  // Without a known end the event is an instant (RFC 5545 3.6.1), not a guessed length.
  if (e.endTime && e.endTime > e.startTime) lines.push(`DTEND;TZID=${TIME_ZONE}:${localDateTime(e.date, e.endTime)}`);
  lines.push(`SUMMARY:${escapeText(e.summary)}`);
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  if (e.url) lines.push(`URL;VALUE=URI:${e.url}`);
  if (e.sequence !== undefined) lines.push(`SEQUENCE:${e.sequence}`);
  if (e.organizer) lines.push(`ORGANIZER;CN=${paramText(e.organizer.name)}:mailto:${e.organizer.email}`);
  for (const a of e.attendees ?? []) lines.push(`ATTENDEE;CN=${paramText(a.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:${a.email}`);
  lines.push(`STATUS:${e.cancelled ? 'CANCELLED' : 'CONFIRMED'}`);
  if (e.createdAt) lines.push(`CREATED:${utcDateTime(e.createdAt)}`);
  lines.push(`LAST-MODIFIED:${utcDateTime(e.modifiedAt)}`);
  lines.push('TRANSP:OPAQUE', 'END:VEVENT');
  return lines;
}

/** The whole feed: one VCALENDAR with the time zone and one VEVENT per meeting. */
export function buildCalendar(cal: Calendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Partnership Hub//Meetings//EN',
    'CALSCALE:GREGORIAN',
    ...(cal.method ? [`METHOD:${cal.method}`] : []),
    `NAME:${escapeText(cal.name)}`,
    `X-WR-CALNAME:${escapeText(cal.name)}`,
    ...(cal.description ? [`X-WR-CALDESC:${escapeText(cal.description)}`] : []),
    `X-WR-TIMEZONE:${TIME_ZONE}`,
    // Calendar apps poll a subscription; meetings change rarely.
    'REFRESH-INTERVAL;VALUE=DURATION:PT6H',
    'X-PUBLISHED-TTL:PT6H',
    ...LONDON_VTIMEZONE,
    ...cal.events.flatMap(eventLines),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
