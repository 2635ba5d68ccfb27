// Changes to the information sessions: an officer's session (create, edit), a person's
// registration and its cancellation through a signed link (the first on the waiting list
// moved up and told), the register of attendance, the feedback form, the reminder the
// day before and the announcement in the next bulletin. Each change is checked, written
// and audited in one transaction; e-mails go after it commits.
import { sql } from 'kysely';
import { authorize, engagementResources } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../web/errors.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { parseTime } from '../meetings/domain.ts';
import { formatDateTime, ukClock } from '../../web/nunjucks.ts';
import { isEmail, normaliseEmail } from './domain.ts';
import {
  FEEDBACK_DAYS, FEEDBACK_QUESTIONS, cancelToken, feedbackToken, isJoiningLink, placeFor, readCancelToken, readFeedbackToken, registrationWindow,
  announcementArticle, changeToTell, sessionInvitation, sessionWhen, ukInstant,
} from './sessions.domain.ts';
import { addArticle } from './bulletin.commands.ts';
import { indexSession } from './search.ts';
import type { EngagementSessionsTable } from './tables.ts';
import type { Selectable } from 'kysely';

export type Session = Selectable<EngagementSessionsTable>;
const people = engagementResources.people;
const userId = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);

/** What sending a person's e-mails needs: the mailer, the site's address, the link secret, who it is from. */
export interface Mailing { mailer: Mailer; origin: string; secret: string; partnershipName: string; organiserEmail: string }

export const findSession = (db: Context['db'] | Tx, pid: string, id: string) =>
  db.selectFrom('engagement_sessions').selectAll().where('partnership_id', '=', pid).where('id', '=', id).executeTakeFirst();

// ------------------------------------------------------------------ the officer's session

/** The form's fields (the API sends the same names): a session's details, checked together. */
function readSession(body: unknown) {
  const input = new Input(body);
  const topic = input.text('topic', 'Enter the topic, for example Stalking: recognising it and what to do', 200);
  const description = input.optionalText('description', 'The description', 5000);
  const speakers = input.optionalText('speakers', 'The speakers', 1000);
  const date = input.date('date', 'The date of the session');
  const start = parseTime(input.text('start_time', 'Enter the time the session starts, for example 12:30', 20));
  const end = parseTime(input.text('end_time', 'Enter the time the session ends, for example 13:30', 20));
  if (input.has('start_time') && !start) input.fail('start_time', 'Enter the start time as a time of day, for example 12:30 or 12.30pm');
  if (input.has('end_time') && !end) input.fail('end_time', 'Enter the end time as a time of day, for example 13:30 or 1.30pm');
  if (start && end && end <= start) input.fail('end_time', 'The session must end after it starts');
  const venue = input.optionalText('venue', 'The venue', 300);
  const online_link = input.optionalText('online_link', 'The joining link', 500);
  if (online_link && !isJoiningLink(online_link)) input.fail('online_link', 'Enter the joining link starting with https://');
  if (!venue && !online_link) input.fail('venue', 'Enter a venue, a joining link, or both');
  const capacityRaw = input.text('capacity', 'Enter how many places there are', 10);
  const capacity = Number(capacityRaw);
  if (capacityRaw && (!Number.isInteger(capacity) || capacity < 1 || capacity > 5000)) input.fail('capacity', 'The number of places must be a whole number from 1 to 5000');
  const audience = input.text('audience', 'Select who the session is for', 20);
  if (audience && audience !== 'partners' && audience !== 'public') input.fail('audience', 'Select who the session is for');
  const opens = input.optionalDate('registration_opens', 'The date registration opens');
  const closes = input.optionalDate('registration_closes', 'The date registration closes');
  input.check();
  const starts_at = ukInstant(date, start!);
  const ends_at = ukInstant(date, end!);
  // Registration opens at the start of its day and closes at the end of its day, or when the session starts.
  const registration_opens_at = opens ? ukInstant(opens, '00:00') : new Date(Math.min(Date.now(), starts_at.getTime() - 60_000));
  const registration_closes_at = closes ? new Date(Math.min(ukInstant(closes, '23:59').getTime() + 59_000, starts_at.getTime())) : starts_at;
  if (registration_closes_at <= registration_opens_at) throw ValidationError.single('registration_closes', 'Registration must close after it opens, and no later than the session starts');
  return {
    topic, description, speakers, starts_at, ends_at, venue, online_link, capacity, audience: audience as 'partners' | 'public', registration_opens_at, registration_closes_at,
  };
}

export async function createSession(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', people());
  const values = readSession(body);
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const row = await trx.insertInto('engagement_sessions').values({ partnership_id: pid, ...values, created_by: userId(ctx) }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'engagement-session', recordId: row.id, summary: `Session ${row.topic}`, after: row });
    await indexSession(trx, pid, row.id);
    return row;
  });
}

/**
 * Changes a session. More places move people up from the waiting list; a new time, place
 * or joining link is e-mailed to everyone registered (with the invitation updated) and
 * waiting. Returns how many were told.
 */
export async function updateSession(ctx: Context & { mailing: Mailing | null }, id: string, body: unknown) {
  authorize(ctx.actor, 'update', people());
  const values = readSession(body);
  const pid = ctx.actor.partnershipId;
  const { row, promoted, toTell } = await inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('engagement_sessions').selectAll().where('partnership_id', '=', pid).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (before.cancelled_at) throw new ConflictError('This session has been cancelled, so it cannot be changed', 'form');
    const taken = await countPlaces(trx, pid, id);
    if (values.capacity < taken) throw ValidationError.single('capacity', `${taken} people already have a place: the number of places cannot be fewer than that`);
    const row = await trx.updateTable('engagement_sessions').set({ ...values, updated_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-session', recordId: id, summary: `Session ${row.topic} changed`, before, after: row });
    await indexSession(trx, pid, id);
    const promoted = await promoteWaiting(trx, ctx, row);
    const moved = new Set(promoted.map((p) => p.id));
    const toTell = changeToTell(before, row) && row.starts_at > new Date()
      ? (await trx.selectFrom('engagement_registrations').select(['id', 'name', 'email', 'organisation', 'status']).where('partnership_id', '=', pid).where('session_id', '=', id)
        .where('status', '!=', 'cancelled').orderBy('position').execute()).filter((r) => !moved.has(r.id))
      : [];
    return { row, promoted, toTell };
  });
  let told = 0;
  if (ctx.mailing) {
    await tellPromoted(ctx, ctx.mailing, row, promoted);
    for (const r of toTell) {
      // One address that fails does not undo the change nor stop the others being told.
      try { await sendPlaceEmail(ctx, ctx.mailing, row, r, 'changed'); told++; } catch { /* counted as not told */ }
    }
  }
  return { ...row, told, notTold: toTell.length - told };
}

const countPlaces = async (trx: Tx, pid: string, sessionId: string) =>
  Number((await trx.selectFrom('engagement_registrations').select(sql<number>`count(*)::int`.as('n'))
    .where('partnership_id', '=', pid).where('session_id', '=', sessionId).where('status', '=', 'registered').executeTakeFirstOrThrow()).n);

type Registration = { id: string; name: string; email: string; organisation: string | null; status: string };

/** Fills free places from the waiting list, first come first served. The session row is locked by the caller. */
async function promoteWaiting(trx: Tx, ctx: Context, session: Session): Promise<Registration[]> {
  const pid = ctx.actor.partnershipId;
  const free = session.capacity - (await countPlaces(trx, pid, session.id));
  if (free <= 0 || session.starts_at <= new Date() || session.cancelled_at) return [];
  const next = await trx.selectFrom('engagement_registrations').select('id').where('partnership_id', '=', pid).where('session_id', '=', session.id)
    .where('status', '=', 'waiting').orderBy('position').limit(free).execute();
  if (!next.length) return [];
  const moved = await trx.updateTable('engagement_registrations').set({ status: 'registered', promoted_at: new Date() })
    .where('partnership_id', '=', pid).where('id', 'in', next.map((n) => n.id)).returning(['id', 'name', 'email', 'organisation', 'status']).execute();
  for (const m of moved) await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-registration', recordId: m.id, summary: `Moved up from the waiting list for ${session.topic}` });
  return moved;
}

// ------------------------------------------------------------------ registering

export type RegisterOutcome = { registrationId: string; status: 'registered' | 'waiting' };

/**
 * A person registers (no account needed). The session row is locked while places are
 * counted, so two people racing for the last place never both get it: the second goes on
 * the waiting list. After registration closes nobody is added, not even to the list.
 */
export async function register(ctx: Context & { mailing: Mailing }, sessionId: string, body: unknown): Promise<RegisterOutcome> {
  const input = new Input(body);
  const name = input.text('name', 'Enter your name', 200);
  const email = normaliseEmail(input.text('email', 'Enter your e-mail address', 254));
  if (email && !isEmail(email)) input.fail('email', 'Enter an e-mail address in the correct format, like name@example.org');
  const organisation = input.optionalText('organisation', 'Your organisation', 200);
  input.check();
  const pid = ctx.actor.partnershipId;
  const { session, registration } = await inTransaction(ctx, async (trx) => {
    const session = await trx.selectFrom('engagement_sessions').selectAll().where('partnership_id', '=', pid).where('id', '=', sessionId).forUpdate().executeTakeFirst();
    if (!session) throw new NotFoundError();
    if (session.cancelled_at) throw ValidationError.single('form', 'This session has been cancelled, so registration is closed');
    const window = registrationWindow(session);
    if (window === 'not-yet-open') throw ValidationError.single('form', `Registration for this session opens on ${formatDateTime(session.registration_opens_at)}`);
    if (window === 'closed') throw ValidationError.single('form', 'Registration for this session has closed');
    const already = await trx.selectFrom('engagement_registrations').select('status').where('partnership_id', '=', pid).where('session_id', '=', sessionId)
      .where('email', '=', email).where('status', '!=', 'cancelled').executeTakeFirst();
    if (already) throw ValidationError.single('email', already.status === 'waiting' ? 'This address is already on the waiting list for this session' : 'This address is already registered for this session');
    const status = placeFor(session.capacity, await countPlaces(trx, pid, sessionId));
    const registration = await trx.insertInto('engagement_registrations').values({ partnership_id: pid, session_id: sessionId, name, email, organisation, status })
      .returning(['id', 'name', 'email', 'organisation', 'status']).executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'engagement-registration', recordId: registration.id, summary: `${status === 'registered' ? 'Registered' : 'On the waiting list'} for ${session.topic}` });
    return { session, registration };
  });
  try {
    await sendPlaceEmail(ctx, ctx.mailing, session, registration, registration.status === 'registered' ? 'registered' : 'waiting');
  } catch {
    // Without the e-mail the person holds no cancel link nor the joining link: the
    // registration is withdrawn (its place, if any, goes to the next person waiting).
    await withdraw(ctx, session.id, registration.id);
    throw ValidationError.single('email', `We could not send the confirmation to ${email}, so you are not registered. Check the address and try again.`);
  }
  return { registrationId: registration.id, status: registration.status as 'registered' | 'waiting' };
}

async function withdraw(ctx: Context & { mailing: Mailing }, sessionId: string, registrationId: string) {
  const pid = ctx.actor.partnershipId;
  const { session, promoted } = await inTransaction(ctx, async (trx) => {
    const session = await trx.selectFrom('engagement_sessions').selectAll().where('partnership_id', '=', pid).where('id', '=', sessionId).forUpdate().executeTakeFirstOrThrow();
    await trx.updateTable('engagement_registrations').set({ status: 'cancelled', cancelled_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', registrationId).execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-registration', recordId: registrationId, summary: `Registration for ${session.topic} withdrawn: the confirmation could not be e-mailed` });
    return { session, promoted: await promoteWaiting(trx, ctx, session) };
  });
  await tellPromoted(ctx, ctx.mailing, session, promoted);
}

/** E-mails each person moved up; one that fails keeps their place (the reminder carries the link). */
async function tellPromoted(ctx: Context, m: Mailing, s: Session, promoted: Registration[]) {
  for (const r of promoted) {
    try { await sendPlaceEmail(ctx, m, s, r, 'promoted'); } catch { /* they keep the place */ }
  }
}

/**
 * The e-mail of a place (with the invitation and the joining link), of a place on the
 * waiting list (no link, no invitation), of a move up from it, or of a change to the
 * session (the invitation updated for those with a place).
 */
async function sendPlaceEmail(ctx: Context, m: Mailing, s: Session, r: Registration, kind: 'registered' | 'waiting' | 'promoted' | 'changed') {
  const cancelUrl = `${m.origin}/events/cancel/${cancelToken(m.secret, r.id)}`;
  const page = `${m.origin}/events/${s.id}`;
  const hasPlace = kind === 'changed' ? r.status === 'registered' : kind !== 'waiting';
  const subject = { registered: `Your place: ${s.topic}`, waiting: `Waiting list: ${s.topic}`, promoted: `A place has come up for you: ${s.topic}`, changed: `Changed: ${s.topic}` }[kind];
  const opening = {
    registered: `Dear ${r.name},\n\nYou have a place at ${s.topic}.`,
    waiting: `Dear ${r.name},\n\n${s.topic} is full, so you are on the waiting list. If someone cancels, the first person on the list is given their place and told by e-mail.`,
    promoted: `Dear ${r.name},\n\nSomeone has cancelled, so you now have a place at ${s.topic}.`,
    changed: `Dear ${r.name},\n\n${s.topic} has changed. ${hasPlace ? 'You still have a place; the details are now:' : 'You are still on the waiting list; the details are now:'}`,
  }[kind];
  const lines = [
    opening, '', `When: ${sessionWhen(s)} (UK time)`,
    ...(s.venue ? [`Where: ${s.venue}`] : []),
    ...(hasPlace && s.online_link ? [`Join online: ${s.online_link}`, 'Please do not pass the joining link on: it is for those with a place.'] : []),
    ...(!hasPlace && s.online_link ? ['The joining link is sent to you if you are given a place.'] : []),
    ...(s.speakers ? [`Speakers: ${s.speakers}`] : []), '',
    hasPlace ? (kind === 'changed' ? 'The updated calendar invitation is attached.' : 'The calendar invitation is attached.') : '',
    `If you cannot come, please cancel so that someone else can have the place: ${cancelUrl}`, '',
    `About the session: ${page}`, '', m.partnershipName,
  ];
  await m.mailer.send({
    to: r.email, subject, text: lines.join('\n'),
    ...(hasPlace ? { calendar: { method: 'REQUEST' as const, fileName: 'session.ics', content: invitation(m, s, r, 'REQUEST') } } : {}),
  });
  if (hasPlace && s.online_link) await markJoiningLinkSent(ctx, r.id);
}

const invitation = (m: Mailing, s: Session, r: Registration, method: 'REQUEST' | 'CANCEL') =>
  sessionInvitation(s, { method, partnershipName: m.partnershipName, organiserEmail: m.organiserEmail, attendee: { name: r.name, email: r.email }, url: `${m.origin}/events/${s.id}` });

const markJoiningLinkSent = (ctx: Context, id: string) =>
  ctx.db.updateTable('engagement_registrations').set({ joining_link_sent_at: new Date() }).where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', id).execute();

// ------------------------------------------------------------------ cancelling

/** A cancellation link as it stands, and the registration and session it names. */
export async function readCancellation(ctx: Context, secret: string, token: string) {
  const id = readCancelToken(secret, token);
  if (!id) return { state: 'invalid' as const };
  const pid = ctx.actor.partnershipId;
  const r = await ctx.db.selectFrom('engagement_registrations').selectAll().where('partnership_id', '=', pid).where('id', '=', id).executeTakeFirst();
  if (!r) return { state: 'invalid' as const };
  const s = (await findSession(ctx.db, pid, r.session_id))!;
  if (r.status === 'cancelled') return { state: 'used' as const, registration: r, session: s };
  if (s.cancelled_at) return { state: 'called-off' as const, registration: r, session: s };
  if (s.starts_at <= new Date()) return { state: 'expired' as const, registration: r, session: s };
  return { state: 'ready' as const, registration: r, session: s };
}

/**
 * Cancels (POST only: a link scanner's GET changes nothing). A place freed goes to the
 * first person waiting, who is e-mailed their place with the invitation.
 */
export async function cancelRegistration(ctx: Context & { mailing: Mailing | null }, secret: string, token: string) {
  const read = await readCancellation(ctx, secret, token);
  if (read.state !== 'ready') return read;
  const outcome = await cancelAndMoveUp(ctx, read.session.id, read.registration.id, (topic, wasWaiting) => `Cancelled ${wasWaiting ? 'a place on the waiting list' : 'a place'} at ${topic}`);
  if (!outcome) return { ...read, state: 'used' as const };
  return { ...read, state: 'cancelled' as const, promoted: outcome.promoted };
}

/**
 * An officer cancels someone's registration (they rang to say they cannot come, or the
 * place was given in error): the same as the person's own link, with the officer's
 * reason in the audit log; the person is told unless the officer says not to.
 */
export async function cancelRegistrationForSomeone(ctx: Context & { mailing: Mailing | null }, sessionId: string, registrationId: string, body: unknown) {
  authorize(ctx.actor, 'update', people());
  const input = new Input(body);
  const reason = input.text('reason', 'Enter why the registration is cancelled, for example: rang to say they cannot come', 300);
  const tell = input.optionalText('tell', 'Whether to e-mail them', 5) !== 'no';
  input.check();
  const pid = ctx.actor.partnershipId;
  const r = await ctx.db.selectFrom('engagement_registrations').selectAll().where('partnership_id', '=', pid).where('session_id', '=', sessionId).where('id', '=', registrationId).executeTakeFirst();
  if (!r) throw new NotFoundError();
  const s = (await findSession(ctx.db, pid, sessionId))!;
  if (r.status === 'cancelled') throw new ConflictError('This registration is already cancelled', 'form');
  if (s.cancelled_at) throw new ConflictError('The whole session is cancelled', 'form');
  if (s.starts_at <= new Date()) throw new ConflictError('The session has started: mark the register instead', 'form');
  const outcome = await cancelAndMoveUp({ ...ctx, mailing: tell ? ctx.mailing : null, tellMovedUp: ctx.mailing }, sessionId, registrationId,
    (topic, wasWaiting) => `Cancelled ${wasWaiting ? 'a place on the waiting list' : 'a place'} at ${topic} for them: ${reason}`);
  if (!outcome) throw new ConflictError('This registration is already cancelled', 'form');
  return { name: r.name, promoted: outcome.promoted, told: tell && ctx.mailing !== null };
}

/**
 * Cancels one registration and gives a freed place to the first person waiting, in one
 * transaction with the session locked; then e-mails the person cancelled (with the
 * calendar's cancellation, when they had a place) and whoever moved up. Null when it was
 * already cancelled.
 */
async function cancelAndMoveUp(ctx: Context & { mailing: Mailing | null; tellMovedUp?: Mailing | null }, sessionId: string, registrationId: string, summary: (topic: string, wasWaiting: boolean) => string) {
  const pid = ctx.actor.partnershipId;
  const outcome = await inTransaction(ctx, async (trx) => {
    const session = await trx.selectFrom('engagement_sessions').selectAll().where('partnership_id', '=', pid).where('id', '=', sessionId).forUpdate().executeTakeFirstOrThrow();
    const before = await trx.selectFrom('engagement_registrations').select(['id', 'name', 'email', 'organisation', 'status']).where('partnership_id', '=', pid).where('id', '=', registrationId).executeTakeFirstOrThrow();
    const gone = await trx.updateTable('engagement_registrations').set({ status: 'cancelled', cancelled_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', registrationId).where('status', '!=', 'cancelled').returning('id').executeTakeFirst();
    if (!gone) return null;
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-registration', recordId: registrationId, summary: summary(session.topic, before.status === 'waiting') });
    return { session, registration: before, promoted: await promoteWaiting(trx, ctx, session) };
  });
  if (!outcome) return null;
  const m = ctx.mailing;
  if (m && outcome.registration.status === 'registered') {
    // The cancellation is done whether or not this note arrives.
    await m.mailer.send({
      to: outcome.registration.email, subject: `Cancelled: ${outcome.session.topic}`,
      text: [`Dear ${outcome.registration.name},`, '', `Your place at ${outcome.session.topic} (${sessionWhen(outcome.session)}) is cancelled.`, '', m.partnershipName].join('\n'),
      calendar: { method: 'CANCEL', fileName: 'session.ics', content: invitation(m, outcome.session, outcome.registration, 'CANCEL') },
    }).catch(() => undefined);
  }
  const tellUp = ctx.tellMovedUp === undefined ? m : ctx.tellMovedUp;
  if (tellUp) await tellPromoted(ctx, tellUp, outcome.session, outcome.promoted);
  return { promoted: outcome.promoted.length };
}

/**
 * The organiser calls the whole session off, with a reason: nobody can register any
 * more, the public page says so, no reminder goes, and everyone with a place or on the
 * waiting list is e-mailed the reason (those with a place with the calendar's
 * cancellation). Registrations keep their state, as a record of who had been coming.
 */
export async function cancelSession(ctx: Context & { mailing: Mailing | null }, sessionId: string, body: unknown) {
  authorize(ctx.actor, 'update', people());
  const input = new Input(body);
  const reason = input.text('reason', 'Enter why the session is cancelled; it is sent to everyone registered, for example: the speaker is ill; a new date will follow', 500);
  input.check();
  const pid = ctx.actor.partnershipId;
  const { session, toTell } = await inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('engagement_sessions').selectAll().where('partnership_id', '=', pid).where('id', '=', sessionId).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    if (before.cancelled_at) throw new ConflictError('This session is already cancelled', 'form');
    if (before.starts_at <= new Date()) throw new ConflictError('This session has already started, so it cannot be cancelled', 'form');
    const session = await trx.updateTable('engagement_sessions').set({ cancelled_at: new Date(), cancellation_reason: reason, updated_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', sessionId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-session', recordId: sessionId, summary: `Session ${session.topic} cancelled: ${reason}`, before, after: session });
    await indexSession(trx, pid, sessionId);
    const toTell = await trx.selectFrom('engagement_registrations').select(['id', 'name', 'email', 'organisation', 'status']).where('partnership_id', '=', pid).where('session_id', '=', sessionId)
      .where('status', '!=', 'cancelled').orderBy('position').execute();
    return { session, toTell };
  });
  let told = 0;
  const m = ctx.mailing;
  if (m) {
    for (const r of toTell) {
      const hadPlace = r.status === 'registered';
      try {
        await m.mailer.send({
          to: r.email, subject: `Cancelled: ${session.topic}`,
          text: [`Dear ${r.name},`, '', `We are sorry: ${session.topic} (${sessionWhen(session)}) has been cancelled.`, '', `Why: ${reason}`, '',
            hadPlace ? 'Your place is cancelled and the calendar invitation withdrawn; there is nothing you need to do.' : 'You were on the waiting list; there is nothing you need to do.', '',
            `Other sessions: ${m.origin}/events`, '', m.partnershipName].join('\n'),
          ...(hadPlace ? { calendar: { method: 'CANCEL' as const, fileName: 'session.ics', content: invitation(m, session, r, 'CANCEL') } } : {}),
        });
        told++;
      } catch { /* counted as not told */ }
    }
  }
  return { ...session, told, notTold: toTell.length - told };
}

// ------------------------------------------------------------------ the register and feedback

/** The organiser's register: those with a place ticked attended, the others not. */
export async function markAttendance(ctx: Context, sessionId: string, body: unknown) {
  authorize(ctx.actor, 'update', people());
  const raw = (body && typeof body === 'object' ? (body as Record<string, unknown>).attended : undefined);
  const ticked = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String));
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const session = await trx.selectFrom('engagement_sessions').selectAll().where('partnership_id', '=', pid).where('id', '=', sessionId).executeTakeFirst();
    if (!session) throw new NotFoundError();
    const places = await trx.selectFrom('engagement_registrations').select(['id']).where('partnership_id', '=', pid).where('session_id', '=', sessionId).where('status', '=', 'registered').execute();
    const known = new Set(places.map((p) => p.id));
    const unknown = [...ticked].filter((id) => !known.has(id));
    if (unknown.length) throw ValidationError.single('attended', 'Tick only people with a place at this session');
    for (const p of places) {
      await trx.updateTable('engagement_registrations').set({ attended: ticked.has(p.id) }).where('partnership_id', '=', pid).where('id', '=', p.id).execute();
    }
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-session', recordId: sessionId, summary: `Register of ${session.topic}: ${ticked.size} of ${places.length} attended` });
    return { attended: ticked.size, places: places.length };
  });
}

/** E-mails the feedback form to each attendee not yet sent it (at most once each). */
export async function sendFeedbackRequests(ctx: Context & { mailing: Mailing }, sessionId: string) {
  authorize(ctx.actor, 'update', people());
  const pid = ctx.actor.partnershipId;
  const session = await findSession(ctx.db, pid, sessionId);
  if (!session) throw new NotFoundError();
  if (session.cancelled_at) throw new ConflictError('This session was cancelled', 'form');
  if (session.ends_at > new Date()) throw new ConflictError('The feedback form can be sent once the session has ended', 'form');
  const claimed = await ctx.db.updateTable('engagement_registrations').set({ feedback_sent_at: new Date() })
    .where('partnership_id', '=', pid).where('session_id', '=', sessionId).where('attended', '=', true).where('feedback_sent_at', 'is', null)
    .returning(['id', 'name', 'email']).execute();
  const m = ctx.mailing;
  let sent = 0;
  for (const r of claimed) {
    try {
      await m.mailer.send({
        to: r.email, subject: `How was it? ${session.topic}`,
        text: [`Dear ${r.name},`, '', `Thank you for coming to ${session.topic}. Three quick questions and room for comments help us plan the next sessions:`,
          `${m.origin}/events/feedback/${feedbackToken(m.secret, r.id)}`, '', `The form is open for ${FEEDBACK_DAYS} days.`, '', m.partnershipName].join('\n'),
      });
      sent++;
    } catch {
      // Not sent: it may be sent again later.
      await ctx.db.updateTable('engagement_registrations').set({ feedback_sent_at: null }).where('partnership_id', '=', pid).where('id', '=', r.id).execute();
    }
  }
  await recordAudit(ctx.db, ctx.actor, { action: 'update', recordType: 'engagement-session', recordId: sessionId, summary: `Feedback form sent to ${sent} ${sent === 1 ? 'attendee' : 'attendees'}` });
  return sent;
}

export async function readFeedback(ctx: Context, secret: string, token: string) {
  const id = readFeedbackToken(secret, token);
  if (!id) return { state: 'invalid' as const };
  const pid = ctx.actor.partnershipId;
  const r = await ctx.db.selectFrom('engagement_registrations').selectAll().where('partnership_id', '=', pid).where('id', '=', id).executeTakeFirst();
  if (!r || r.attended !== true) return { state: 'invalid' as const };
  const s = (await findSession(ctx.db, pid, r.session_id))!;
  const answered = await ctx.db.selectFrom('engagement_feedback').select('created_at').where('partnership_id', '=', pid).where('registration_id', '=', id).executeTakeFirst();
  if (answered) return { state: 'used' as const, registration: r, session: s };
  if (Date.now() > s.ends_at.getTime() + FEEDBACK_DAYS * 86_400_000) return { state: 'expired' as const, registration: r, session: s };
  return { state: 'ready' as const, registration: r, session: s };
}

export async function saveFeedback(ctx: Context, secret: string, token: string, body: unknown) {
  const read = await readFeedback(ctx, secret, token);
  if (read.state !== 'ready') return read.state;
  const input = new Input(body);
  const ratings: Record<string, number> = {};
  for (const q of FEEDBACK_QUESTIONS) {
    const v = Number(input.optionalText(q.field, q.label, 2));
    if (!Number.isInteger(v) || v < 1 || v > 5) input.fail(q.field, `Select an answer to: ${q.label}`);
    ratings[q.field] = v;
  }
  const comments = input.optionalText('comments', 'Your comments', 3000);
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const added = await trx.insertInto('engagement_feedback').values({
      partnership_id: pid, registration_id: read.registration.id, session_id: read.session.id,
      overall: ratings.overall!, usefulness: ratings.usefulness!, speakers: ratings.speakers!, comments,
    }).onConflict((oc) => oc.columns(['partnership_id', 'registration_id']).doNothing()).returning('registration_id').execute();
    if (!added.length) return 'used' as const;
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'engagement-feedback', recordId: read.registration.id, summary: `Feedback on ${read.session.topic}` });
    return 'saved' as const;
  });
}

// ------------------------------------------------------------------ the reminder the day before

/**
 * Reminds everyone with a place at a session starting tomorrow (UK days), with the
 * joining link. Each person's reminder is claimed before it is sent, so it goes at most
 * once however often this runs; one that could not be sent is released for the next run.
 */
export async function sendSessionReminders(ctx: Context & { mailer: Mailer; baseUrl: string; secret: string; organiserEmail: string }, today: string) {
  authorize(ctx.actor, 'update', people());
  const pid = ctx.actor.partnershipId;
  const partnership = await ctx.db.selectFrom('partnerships').select('name').where('id', '=', pid).executeTakeFirstOrThrow();
  const [y, mo, d] = today.split('-').map(Number) as [number, number, number];
  const tomorrow = new Date(Date.UTC(y, mo - 1, d + 1)).toISOString().slice(0, 10);
  const dayAfter = new Date(Date.UTC(y, mo - 1, d + 2)).toISOString().slice(0, 10);
  const sessions = await ctx.db.selectFrom('engagement_sessions').selectAll().where('partnership_id', '=', pid)
    .where('starts_at', '>=', ukInstant(tomorrow, '00:00')).where('starts_at', '<', ukInstant(dayAfter, '00:00')).where('cancelled_at', 'is', null).execute();
  const m: Mailing = { mailer: ctx.mailer, origin: ctx.baseUrl, secret: ctx.secret, partnershipName: partnership.name, organiserEmail: ctx.organiserEmail };
  const failed: { to: string; error: string }[] = [];
  let messages = 0;
  for (const s of sessions) {
    const claimed = await ctx.db.updateTable('engagement_registrations').set({ reminder_sent_at: new Date() })
      .where('partnership_id', '=', pid).where('session_id', '=', s.id).where('status', '=', 'registered').where('reminder_sent_at', 'is', null)
      .returning(['id', 'name', 'email', 'organisation', 'status']).execute();
    for (const r of claimed) {
      try {
        await m.mailer.send({
          to: r.email, subject: `Tomorrow: ${s.topic}`,
          text: [`Dear ${r.name},`, '', `A reminder that ${s.topic} is tomorrow: ${sessionWhen(s)} (UK time).`,
            ...(s.venue ? [`Where: ${s.venue}`] : []), ...(s.online_link ? [`Join online: ${s.online_link}`] : []), '',
            `If you can no longer come, please cancel so that someone else can have the place: ${m.origin}/events/cancel/${cancelToken(m.secret, r.id)}`, '', m.partnershipName].join('\n'),
          calendar: { method: 'REQUEST', fileName: 'session.ics', content: invitation(m, s, r, 'REQUEST') },
        });
        messages++;
        if (s.online_link) await markJoiningLinkSent(ctx, r.id);
      } catch (e) {
        failed.push({ to: r.email, error: (e as Error).message });
        await ctx.db.updateTable('engagement_registrations').set({ reminder_sent_at: null }).where('partnership_id', '=', pid).where('id', '=', r.id).execute();
      }
    }
    if (claimed.length) {
      await ctx.db.updateTable('engagement_sessions').set({ reminders_sent_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', s.id).execute();
      await recordAudit(ctx.db, ctx.actor, { action: 'update', recordType: 'engagement-session', recordId: s.id, summary: `Reminders sent to ${claimed.length - failed.length} people` });
    }
  }
  return { sessions: sessions.length, messages, failed };
}

// ------------------------------------------------------------------ the bulletin

/**
 * "Announce in the next bulletin": an article about the session in the Events section of
 * the next draft issue (the lowest-numbered draft). With no draft yet, the session is
 * marked and the next issue started takes it (createIssue in bulletin.commands.ts).
 */
export async function announceSession(ctx: Context, sessionId: string): Promise<{ issueNumber: number | null }> {
  authorize(ctx.actor, 'update', people());
  const pid = ctx.actor.partnershipId;
  const session = await findSession(ctx.db, pid, sessionId);
  if (!session) throw new NotFoundError();
  if (session.cancelled_at) throw new ConflictError('This session has been cancelled', 'form');
  if (session.starts_at <= new Date()) throw new ConflictError('This session has already taken place', 'form');
  const draft = await ctx.db.selectFrom('engagement_issues').select(['id', 'number']).where('partnership_id', '=', pid).where('status', '=', 'draft').orderBy('number').limit(1).executeTakeFirst();
  if (!draft) {
    await inTransaction(ctx, async (trx) => {
      await trx.updateTable('engagement_sessions').set({ announce_in_next_bulletin: true }).where('partnership_id', '=', pid).where('id', '=', sessionId).execute();
      await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-session', recordId: sessionId, summary: `${session.topic} to be announced in the next bulletin started` });
    });
    return { issueNumber: null };
  }
  await inTransaction(ctx, async (trx) => {
    await addArticle({ db: trx as unknown as Context['db'], actor: ctx.actor }, draft.id, announcementArticle(session));
    await trx.updateTable('engagement_sessions').set({ announce_in_next_bulletin: false }).where('partnership_id', '=', pid).where('id', '=', sessionId).execute();
  });
  return { issueNumber: draft.number };
}

/** The year a session falls in, by its UK date. */
export const sessionYear = (s: { starts_at: Date }) => Number(ukClock(s.starts_at).iso.slice(0, 4));
