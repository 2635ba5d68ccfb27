// Rules of the ModernGov connector, without I/O: the service's address, its date format,
// which committee ids may be asked for, what lies in a sync's range, and the
// fingerprints that tell a remote change from a change made here.
import { createHash } from 'node:crypto';

export const SYNC_MODES = [
  { value: 'migrate', text: 'Migrate: read each meeting once into an import draft that a clerk checks and accepts' },
  { value: 'mirror', text: 'Mirror: keep the meetings of the chosen committees in step with ModernGov' },
] as const;

/** The operations without which the connector cannot read a service. */
export const REQUIRED_OPERATIONS = ['GetCommittees', 'GetMeeting'] as const;
/** One of these lists meetings; GetMeetings is asked per committee, GetAllMeetingsByDate once. */
export const LISTING_OPERATIONS = ['GetMeetings', 'GetAllMeetingsByDate'] as const;

/** ModernGov's committee ids: -1 asks for all committees, 0 for none (an empty answer, not an error). */
export const ALL_COMMITTEES = -1;

export const DEFAULT_DOCUMENT_LIMIT = 20 * 1024 * 1024;
/** A reply of the web service (not a document) larger than this is refused. */
export const REPLY_LIMIT = 8 * 1024 * 1024;
export const REQUEST_TIMEOUT_MS = 20_000;

export type AddressCheck = { ok: true; url: string } | { ok: false; message: string };

/**
 * The web service's base address, as the administrator typed it, made plain: an http or
 * https address without a user name, a query or a fragment ("?WSDL" pasted with it is
 * taken off), and without a trailing slash.
 */
export function checkServiceAddress(raw: string): AddressCheck {
  const text = raw.trim();
  const example = 'for example https://democracy.example.gov.uk/mgWebService.asmx';
  if (!text) return { ok: false, message: `Enter the address of the ModernGov web service, ${example}` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `Enter the address as a full web address, ${example}` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: `Enter an address starting https:// (or http://), ${example}` };
  if (url.username || url.password) return { ok: false, message: 'Enter the address without a user name or password in it' };
  url.search = '';
  url.hash = '';
  return { ok: true, url: url.toString().replace(/\/+$/, '') };
}

/** ISO 'YYYY-MM-DD' as ModernGov wants it: dd/mm/yyyy. Any other form is silently ignored by the service. */
export function moderngovDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** A date as the service writes it ('18/11/2021', '2021-11-18T10:00:00') as ISO; null when it is not one. */
export function isoFromRemote(value: string): string | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (m) return valid(`${m[1]}-${m[2]}-${m[3]}`);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(value.trim());
  if (m) return valid(`${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`);
  return null;
}

function valid(iso: string): string | null {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/** A time as the service writes it ('10:30', '2021-11-18T10:30:00', '1899-12-30T14:00:00') as HH:MM; null when none. */
export function timeFromRemote(...values: string[]): string | null {
  for (const v of values) {
    const m = /(?:^|T)(\d{1,2}):(\d{2})/.exec(v.trim());
    if (m && !(m[1] === '00' && m[2] === '00' && v.includes('T'))) return `${m[1]!.padStart(2, '0')}:${m[2]}`;
  }
  return null;
}

/**
 * Whether a meeting the service sent lies in the range asked for. A range the service did
 * not understand comes back as a capped list of everything, so every answer is filtered
 * here too; a meeting without a readable date is never taken.
 */
export const withinRange = (date: string | null, from: string, to: string) => date !== null && date >= from && date <= to;

/**
 * The committee ids to ask GetMeetings for: -1 (all, one request) when every committee
 * the service lists is chosen, else each chosen one. 0 would return nothing, and a
 * negative id other than -1 means nothing either, so neither is ever sent.
 */
export function committeeRequests(chosen: number[], listed: number[]): number[] {
  const ids = [...new Set(chosen.filter((id) => Number.isInteger(id) && id > 0))];
  if (!ids.length) return [];
  const everything = listed.filter((id) => id > 0);
  return everything.length > 1 && everything.every((id) => ids.includes(id)) ? [ALL_COMMITTEES] : ids;
}

/** A fingerprint of any plain value: the same content, the same fingerprint, whatever the key order. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const megabytes = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MB`;

/** What a mirrored meeting should be, in the words the meetings commands take. */
export interface MirrorMeeting {
  date: string;
  time: string | null;
  venue: string | null;
  cancelled: boolean;
  items: MirrorItem[];
}

export interface MirrorItem {
  remoteId: string;
  number: string;
  title: string;
  restricted: boolean;
  /** The minute text as plain paragraphs. */
  minutes: string;
  minuteNumber: string | null;
}

export const MIRROR_SCHEDULES = [
  { value: 'none', text: 'Not on a schedule: only when started here' },
  { value: 'daily', text: 'Every day' },
  { value: 'weekly', text: 'Every week' },
] as const;
export type MirrorSchedule = (typeof MIRROR_SCHEDULES)[number]['value'];

const SCHEDULE_MS: Record<MirrorSchedule, number> = { none: Infinity, daily: 86_400_000, weekly: 7 * 86_400_000 };

/** Whether a scheduled mirror is due: its interval has passed since the last sync of the source started (by hand or not). */
export function mirrorDue(schedule: MirrorSchedule, lastStarted: Date | null, now: Date): boolean {
  if (schedule === 'none') return false;
  return lastStarted === null || now.getTime() - lastStarted.getTime() >= SCHEDULE_MS[schedule];
}

/** The meetings a scheduled mirror reads: a year either side of today. */
export function scheduledRange(today: string): { from: string; to: string } {
  const shift = (years: number) => `${Number(today.slice(0, 4)) + years}${today.slice(4)}`.replace(/-02-29$/, '-02-28');
  return { from: shift(-1), to: shift(1) };
}
