// Rules of the information sessions, pure (no I/O): when registration is open, where a
// new registration goes (a place or the waiting list), the signed links a registered
// person holds, the calendar invitation, and how a session's time is written.
//
// Who may see and register for a session:
// - A public session is listed on /events and anyone may register on its page, without an
//   account.
// - A partners session is never listed to the public, and its page answers "not found" to
//   the public (the policy: engagementResources.session). Anyone signed in may open it and
//   register. Partner staff without an account register through the partners link: the
//   session's page with `?invite=<token>`, a link signed for that session only, which the
//   officer copies from the session's page into the invitation sent to the information
//   sessions list. A changed or made-up token opens nothing.
// - The joining link of an online session is never shown on a page: it goes by e-mail only
//   to those with a place (in the confirmation, on promotion from the waiting list and in
//   the reminder the day before).
import { buildCalendar } from '../meetings/calendar/ical.ts';
import { londonDateTime } from '../public/opendata.ts';
import { formatClock, formatDay, ukClock } from '../../web/nunjucks.ts';
import { readLink, signLink } from './domain.ts';

export interface SessionTimes {
  starts_at: Date;
  ends_at: Date;
  registration_opens_at: Date;
  registration_closes_at: Date;
  capacity: number;
}

/** How long after a session its feedback form may be answered. */
export const FEEDBACK_DAYS = 30;

export type RegistrationWindow = 'not-yet-open' | 'open' | 'closed';

export function registrationWindow(s: SessionTimes, now = new Date()): RegistrationWindow {
  if (now < s.registration_opens_at) return 'not-yet-open';
  if (now >= s.registration_closes_at || now >= s.starts_at) return 'closed';
  return 'open';
}

/** Where a new registration goes: a place while there is one, otherwise the waiting list. */
export const placeFor = (capacity: number, registered: number): 'registered' | 'waiting' => (registered < capacity ? 'registered' : 'waiting');

/** A UK date and 'HH:MM' as the instant it names. */
export const ukInstant = (date: string, time: string) => new Date(londonDateTime(date, time));

/** "Thursday 4 December 2026, 12:30pm to 1:30pm" in UK time. */
export function sessionWhen(s: { starts_at: Date; ends_at: Date }): string {
  const sameDay = ukClock(s.starts_at).iso === ukClock(s.ends_at).iso;
  return sameDay ? `${formatDay(s.starts_at)}, ${formatClock(s.starts_at)} to ${formatClock(s.ends_at)}`
    : `${formatDay(s.starts_at)}, ${formatClock(s.starts_at)} to ${formatDay(s.ends_at)}, ${formatClock(s.ends_at)}`;
}

/** Where, as the public may read it: the venue, or "Online" without the link. */
export const whereShown = (s: { venue: string | null; online_link: string | null }) =>
  [s.venue, s.online_link ? 'Online (the joining link is e-mailed to those with a place)' : null].filter(Boolean).join(', and ');

/** An online link an officer may enter: https only. */
export const isJoiningLink = (s: string) => /^https:\/\/[^\s/$.?#][^\s]*$/i.test(s);

// ------------------------------------------------------------------ signed links

export const cancelToken = (secret: string, registrationId: string) => signLink(secret, 'session-cancel', [registrationId]);
export const readCancelToken = (secret: string, token: string) => readLink(secret, 'session-cancel', token)?.[0] ?? null;
export const feedbackToken = (secret: string, registrationId: string) => signLink(secret, 'session-feedback', [registrationId]);
export const readFeedbackToken = (secret: string, token: string) => readLink(secret, 'session-feedback', token)?.[0] ?? null;
/** The partners link of a partners session: its page, opened to someone without an account. */
export const inviteToken = (secret: string, sessionId: string) => signLink(secret, 'session-invite', [sessionId]);
export const invitesTo = (secret: string, token: unknown, sessionId: string) =>
  typeof token === 'string' && token.length > 0 && readLink(secret, 'session-invite', token)?.[0] === sessionId;

// ------------------------------------------------------------------ the calendar invitation

export interface InvitationSession {
  id: string; topic: string; description: string | null; speakers: string | null; starts_at: Date; ends_at: Date;
  venue: string | null; online_link: string | null; updated_at: Date; created_at: Date;
}

/**
 * The iCalendar invitation (METHOD:REQUEST, or CANCEL when the person cancelled) for one
 * registered person: their own copy may carry the joining link, as their e-mail does.
 */
export function sessionInvitation(s: InvitationSession, o: { method: 'REQUEST' | 'CANCEL'; partnershipName: string; organiserEmail: string; attendee: { name: string; email: string }; url: string }): string {
  const start = ukClock(s.starts_at);
  const end = ukClock(s.ends_at);
  const hhmm = (c: { hour: number; minute: number }) => `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
  const location = [s.venue, s.online_link ? `Online: ${s.online_link}` : null].filter(Boolean).join('; ');
  return buildCalendar({
    name: `${o.partnershipName}: information sessions`, method: o.method,
    events: [{
      uid: `session-${s.id}@partnership-hub`, date: start.iso, startTime: hhmm(start), endTime: start.iso === end.iso ? hhmm(end) : null,
      summary: s.topic, location: location || null,
      description: [s.description, s.speakers ? `Speakers: ${s.speakers}` : null].filter(Boolean).join('\n\n') || null,
      url: o.url, cancelled: o.method === 'CANCEL', modifiedAt: s.updated_at, createdAt: s.created_at, sequence: invitationSequence(s) + (o.method === 'CANCEL' ? 1 : 0),
      organizer: { name: o.partnershipName, email: o.organiserEmail }, attendees: [o.attendee],
    }],
  });
}

/**
 * SEQUENCE (RFC 5545 3.8.7.4) must grow with each change a calendar should take: the
 * seconds between the session's creation and its last change, 0 for the first invitation.
 */
export const invitationSequence = (s: { created_at: Date; updated_at: Date }) => Math.max(0, Math.floor((s.updated_at.getTime() - s.created_at.getTime()) / 1000));

/** A change those registered must hear of: the time, the place or the joining link. */
export const changeToTell = (a: { starts_at: Date; ends_at: Date; venue: string | null; online_link: string | null }, b: typeof a) =>
  a.starts_at.getTime() !== b.starts_at.getTime() || a.ends_at.getTime() !== b.ends_at.getTime() || a.venue !== b.venue || a.online_link !== b.online_link;

// ------------------------------------------------------------------ the bulletin

/** The article announcing a session: its topic, time and place (never the joining link), and where to register. */
export function announcementArticle(s: { id: string; topic: string; description: string | null; speakers: string | null; venue: string | null; audience: string; starts_at: Date; ends_at: Date }) {
  return {
    section: 'Events', title: `Information session: ${s.topic}`,
    body: [s.description, `${sessionWhen(s)}, ${s.venue ?? 'online'}.${s.speakers ? ` With ${s.speakers}.` : ''}`].filter(Boolean).join('\n\n'),
    link_url: `/events/${s.id}`, link_label: s.audience === 'public' ? 'Register for a place' : 'Register (partners)',
  };
}

// ------------------------------------------------------------------ feedback

export const RATINGS = [
  { value: '5', text: 'Excellent' }, { value: '4', text: 'Good' }, { value: '3', text: 'Fair' }, { value: '2', text: 'Poor' }, { value: '1', text: 'Very poor' },
];
export const FEEDBACK_QUESTIONS = [
  { field: 'overall', label: 'Overall, how was the session?' },
  { field: 'usefulness', label: 'How useful was it for your work?' },
  { field: 'speakers', label: 'How clear were the speakers?' },
] as const;

/** The average of ratings to one decimal place, or null without any. */
export const average = (xs: readonly number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null);

// ------------------------------------------------------------------ organisations as typed

/**
 * People type their organisation as they please ("Northshire Police", "northshire police ",
 * "The Northshire Police."): the key they are counted under, so spellings that differ only
 * in case, spacing, punctuation, "&" for "and" or a leading "The" count as one.
 */
export function organisationKey(typed: string | null): string {
  return (typed ?? '').toLowerCase().replace(/&/g, ' and ').replace(/[^\p{L}\p{N}]+/gu, ' ').trim().replace(/^the /, '');
}

/**
 * Counts per organisation as typed, merged by organisationKey. Each is named as the
 * partnership's directory names it (its name or short name matching the key), else by
 * the spelling most people typed (the first typed on a tie); no organisation given is
 * "Not given". Ordered by attendance, then name.
 */
export function mergeOrganisationCounts(rows: readonly { organisation: string | null; typed: number; places: number; attended: number; sessionIds: string[] }[], directory: readonly { name: string; short_name: string | null }[]) {
  const named = new Map<string, string>();
  for (const o of directory) {
    for (const n of [o.name, o.short_name]) if (n && organisationKey(n)) named.set(organisationKey(n), o.name);
  }
  const groups = new Map<string, { spellings: Map<string, number>; places: number; attended: number; sessions: Set<string> }>();
  for (const r of rows) {
    const key = organisationKey(r.organisation);
    const g = groups.get(key) ?? { spellings: new Map(), places: 0, attended: 0, sessions: new Set() };
    const spelling = (r.organisation ?? '').trim().replace(/\s+/g, ' ');
    g.spellings.set(spelling, (g.spellings.get(spelling) ?? 0) + r.typed);
    g.places += r.places;
    g.attended += r.attended;
    for (const id of r.sessionIds) g.sessions.add(id);
    groups.set(key, g);
  }
  return [...groups.entries()].map(([key, g]) => {
    let best = '';
    let most = -1;
    for (const [spelling, n] of g.spellings) if (n > most) { best = spelling; most = n; }
    return {
      organisation: key === '' ? 'Not given' : (named.get(key) ?? best), places: g.places, attended: g.attended, sessions: g.sessions.size,
      spellings: [...g.spellings.keys()].filter((s) => s !== '').sort(),
    };
  }).sort((a, b) => b.attended - a.attended || a.organisation.localeCompare(b.organisation));
}
