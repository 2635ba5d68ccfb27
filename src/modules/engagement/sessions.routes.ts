// The information sessions' pages and API. Officers: the sessions with their counts, a
// session's form, its registrations (audited reads) and CSV, the register of attendance
// for a phone, the feedback form's sending, the bulletin announcement, and the counts per
// organisation over a year. The public: upcoming sessions, past topics, a session's page
// with its registration form (partners sessions only signed in or with the partners
// link), and the signed links a person holds (cancel, feedback). No page for the public
// shows who registered or the joining link.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, engagementResources } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';
import { countPublicWrite } from '../../access/publicLimits.ts';
import { formOutcome, firstValue, isUuid } from '../../web/forms.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { mailerFromConfig, type Mailer } from '../../mail/mailer.ts';
import { toCsv } from '../public/domain.ts';
import { publicOrigin } from '../public/address.ts';
import { ukClock } from '../../web/nunjucks.ts';
import { countsByTypedOrganisation, feedbackOf, registrationsOf, sessionsWithCounts } from './store.ts';
import {
  announceSession, cancelRegistration, cancelRegistrationForSomeone, cancelSession, createSession, findSession, markAttendance, readCancellation, readFeedback, register, saveFeedback,
  sendFeedbackRequests, updateSession, type Mailing, type Session,
} from './sessions.commands.ts';
import { listOrganisations } from '../partnership/organisations.store.ts';
import { FEEDBACK_QUESTIONS, RATINGS, average, mergeOrganisationCounts, inviteToken, invitesTo, registrationWindow, sessionWhen, ukInstant, whereShown } from './sessions.domain.ts';
import { fromApi } from './subscribers.routes.ts';
import * as S from './schemas.ts';

const tags = ['engagement'];

/** A session as the form shows it: UK date and times. */
function formValues(s: Session) {
  const start = ukClock(s.starts_at);
  const end = ukClock(s.ends_at);
  const hhmm = (c: { hour: number; minute: number }) => `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
  return {
    topic: s.topic, description: s.description, speakers: s.speakers, date: start.iso, start_time: hhmm(start), end_time: hhmm(end), venue: s.venue,
    online_link: s.online_link, capacity: String(s.capacity), audience: s.audience,
    registration_opens: ukClock(s.registration_opens_at).iso, registration_closes: ukClock(s.registration_closes_at).iso,
  };
}

/** A session as the public reads it: never the joining link, nor anything of who registered. */
const publicSession = (s: Session, places: { registered: number; waiting: number }) => ({
  id: s.id, topic: s.topic, description: s.description, speakers: s.speakers, startsAt: s.starts_at.toISOString(), endsAt: s.ends_at.toISOString(),
  when: sessionWhen(s), where: whereShown(s), online: s.online_link !== null, audience: s.audience, capacity: s.capacity,
  placesLeft: Math.max(0, s.capacity - places.registered), registration: registrationWindow(s),
  registrationOpensAt: s.registration_opens_at.toISOString(), registrationClosesAt: s.registration_closes_at.toISOString(),
  cancelled: s.cancelled_at !== null, cancellationReason: s.cancellation_reason,
});

export async function sessionRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const secret = app.config.sessionSecret;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const staff = (req: FastifyRequest) => authorize(req.actor, 'read', engagementResources.people());
  const personal = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');
  const mailing = (req: FastifyRequest, mailer: Mailer): Mailing => ({
    mailer, secret, origin: publicOrigin(req.partnership, app.config), partnershipName: req.partnership.name,
    organiserEmail: /<([^>]+)>/.exec(app.config.mailFrom)?.[1] ?? app.config.mailFrom,
  });
  /** Runs with a mailer when e-mail is set up, closing it after; null otherwise. */
  async function withMailer<T>(work: (m: Mailing | null) => Promise<T>, req: FastifyRequest): Promise<T> {
    const mailer = mailerFromConfig(app.config);
    try { return await work(mailer ? mailing(req, mailer) : null); } finally { mailer?.close(); }
  }

  async function loadSession(req: FastifyRequest) {
    const id = (req.params as { id: string }).id;
    const s = isUuid(id) ? await findSession(db, req.partnership.id, id) : undefined;
    if (!s) throw new NotFoundError();
    return s;
  }
  const placesOf = async (pid: string, id: string) => {
    const rows = await sessionsWithCounts(db, pid, {});
    const r = rows.find((x) => x.id === id);
    return { registered: r?.registered ?? 0, waiting: r?.waiting ?? 0 };
  };

  // The officers' pages ----------------------------------------------------------------------

  app.get('/engagement/sessions', async (req, reply) => {
    staff(req);
    const sessions = await sessionsWithCounts(db, req.partnership.id);
    const now = new Date();
    return reply.view('engagement/views/session-list.njk', {
      title: 'Information sessions', section: 'engagement',
      upcoming: sessions.filter((s) => s.ends_at >= now).reverse().map((s) => ({ ...s, when: sessionWhen(s) })),
      past: sessions.filter((s) => s.ends_at < now).map((s) => ({ ...s, when: sessionWhen(s) })),
    });
  });

  const sessionForm = (reply: FastifyReply, data: { title: string; action: string; values: unknown; errors?: FieldError[]; session?: Session }) =>
    reply.view('engagement/views/session-form.njk', { section: 'engagement', ...data });
  app.get('/engagement/sessions/new', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    return sessionForm(reply, { title: 'Set up an information session', action: '/engagement/sessions/new', values: { audience: 'partners', start_time: '12:30', end_time: '13:30' } });
  });
  app.post('/engagement/sessions/new', async (req, reply) => {
    authorize(req.actor, 'create', engagementResources.people());
    const outcome = await formOutcome(() => createSession(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`Session ${outcome.value.topic} set up`).redirect(`/engagement/sessions/${outcome.value.id}`, 303);
    return sessionForm(reply.code(400), { title: 'Set up an information session', action: '/engagement/sessions/new', values: req.body, errors: outcome.errors });
  });

  /** The sessions of a UK calendar year (this year unless asked) and the counts per organisation. */
  async function yearReport(req: FastifyRequest) {
    staff(req);
    const thisYear = Number(ukClock(new Date()).iso.slice(0, 4));
    const asked = Number(firstValue((req.query as Record<string, unknown>).year));
    const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear;
    const from = ukInstant(`${year}-01-01`, '00:00');
    const before = ukInstant(`${year + 1}-01-01`, '00:00');
    const [sessions, typed, directory] = await Promise.all([
      sessionsWithCounts(db, req.partnership.id, { from, before, order: 'asc' }), countsByTypedOrganisation(db, req.partnership.id, from, before), listOrganisations(db, req.partnership.id),
    ]);
    const organisations = mergeOrganisationCounts(typed, directory);
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-registrations', id: req.partnership.id, summary: `Read the attendance by organisation for ${year}` }]);
    return { thisYear, year, sessions, organisations };
  }
  app.get('/engagement/sessions/report', async (req, reply) => {
    const { thisYear, year, sessions, organisations } = await yearReport(req);
    return reply.view('engagement/views/session-report.njk', {
      title: `Information sessions in ${year}`, section: 'engagement', year, years: [thisYear - 2, thisYear - 1, thisYear, thisYear + 1],
      sessions: sessions.map((s) => ({ ...s, when: sessionWhen(s) })), organisations,
      totals: { sessions: sessions.length, places: sessions.reduce((a, s) => a + s.registered, 0), attended: sessions.reduce((a, s) => a + s.attended, 0) },
    });
  });

  app.get('/engagement/sessions/:id', async (req, reply) => {
    staff(req);
    const s = await loadSession(req);
    const pid = req.partnership.id;
    const [registrations, feedback, counts] = await Promise.all([registrationsOf(db, pid, s.id), feedbackOf(db, pid, s.id), placesOf(pid, s.id)]);
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-registrations', id: s.id, summary: `Read the registrations for ${s.topic}` }]);
    const attended = registrations.filter((r) => r.status === 'registered' && r.attended).length;
    return reply.view('engagement/views/session.njk', {
      title: s.topic, section: 'engagement', session: s, when: sessionWhen(s), counts: { ...counts, attended }, registrations,
      window: registrationWindow(s), ended: s.ends_at < new Date(), started: s.starts_at <= new Date(),
      partnersLink: s.audience === 'partners' ? `${publicOrigin(req.partnership, app.config)}/events/${s.id}?invite=${inviteToken(secret, s.id)}` : null,
      feedback: {
        count: feedback.length, comments: feedback.filter((f) => f.comments).map((f) => f.comments),
        averages: FEEDBACK_QUESTIONS.map((q) => ({ label: q.label, value: average(feedback.map((f) => f[q.field])) })),
      },
    });
  });

  app.get('/engagement/sessions/:id/edit', async (req, reply) => {
    authorize(req.actor, 'update', engagementResources.people());
    const s = await loadSession(req);
    return sessionForm(reply, { title: `Change ${s.topic}`, action: `/engagement/sessions/${s.id}/edit`, values: formValues(s), session: s });
  });
  app.post('/engagement/sessions/:id/edit', async (req, reply) => {
    authorize(req.actor, 'update', engagementResources.people());
    const s = await loadSession(req);
    const outcome = await formOutcome(() => withMailer((m) => updateSession({ ...ctx(req), mailing: m }, s.id, req.body), req));
    if (outcome.ok) {
      const { told, notTold } = outcome.value;
      const news = told ? `; ${told} ${told === 1 ? 'person' : 'people'} e-mailed the change` : '';
      return reply.flash(`Session saved${news}${notTold ? `; ${notTold} could not be e-mailed` : ''}`).redirect(`/engagement/sessions/${s.id}`, 303);
    }
    return sessionForm(reply.code(400), { title: `Change ${s.topic}`, action: `/engagement/sessions/${s.id}/edit`, values: req.body, errors: outcome.errors, session: s });
  });

  async function callOffPage(req: FastifyRequest, reply: FastifyReply, s: Session, values: unknown = {}, errors?: FieldError[]) {
    const counts = await placesOf(req.partnership.id, s.id);
    return reply.view('engagement/views/session-call-off.njk', { title: 'Cancel the whole session', section: 'engagement', session: s, when: sessionWhen(s), counts, values, errors });
  }
  app.get('/engagement/sessions/:id/cancel', async (req, reply) => {
    authorize(req.actor, 'update', engagementResources.people());
    const s = await loadSession(req);
    if (s.cancelled_at) return reply.redirect(`/engagement/sessions/${s.id}`, 303);
    return callOffPage(req, reply, s);
  });
  app.post('/engagement/sessions/:id/cancel', async (req, reply) => {
    authorize(req.actor, 'update', engagementResources.people());
    const s = await loadSession(req);
    const outcome = await formOutcome(() => withMailer((m) => cancelSession({ ...ctx(req), mailing: m }, s.id, req.body), req));
    if (!outcome.ok) return callOffPage(req, reply.code(400), s, req.body, outcome.errors);
    const { told, notTold } = outcome.value;
    return reply.flash(`Session cancelled; ${told} ${told === 1 ? 'person' : 'people'} e-mailed${notTold ? `; ${notTold} could not be e-mailed` : ''}`).redirect(`/engagement/sessions/${s.id}`, 303);
  });

  async function loadRegistration(req: FastifyRequest, s: Session) {
    const rid = (req.params as { registrationId: string }).registrationId;
    const r = isUuid(rid) ? (await registrationsOf(db, req.partnership.id, s.id)).find((x) => x.id === rid) : undefined;
    if (!r) throw new NotFoundError();
    return r;
  }
  async function registrationCancelPage(req: FastifyRequest, reply: FastifyReply, s: Session, values: unknown = {}, errors?: FieldError[]) {
    const r = await loadRegistration(req, s);
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-registrations', id: s.id, summary: `Read a registration for ${s.topic} to cancel it` }]);
    return reply.view('engagement/views/registration-cancel.njk', { title: `Cancel ${r.name}'s registration`, section: 'engagement', session: s, when: sessionWhen(s), registration: r, values, errors });
  }
  app.get('/engagement/sessions/:id/registrations/:registrationId/cancel', async (req, reply) => {
    authorize(req.actor, 'update', engagementResources.people());
    return registrationCancelPage(req, reply, await loadSession(req));
  });
  app.post('/engagement/sessions/:id/registrations/:registrationId/cancel', async (req, reply) => {
    authorize(req.actor, 'update', engagementResources.people());
    const s = await loadSession(req);
    const r = await loadRegistration(req, s);
    const outcome = await formOutcome(() => withMailer((m) => cancelRegistrationForSomeone({ ...ctx(req), mailing: m }, s.id, r.id, req.body), req));
    if (!outcome.ok) return registrationCancelPage(req, reply.code(400), s, req.body, outcome.errors);
    const { promoted } = outcome.value;
    return reply.flash(`${r.name}'s registration cancelled${promoted ? `; ${promoted} moved up from the waiting list and e-mailed` : ''}`).redirect(`/engagement/sessions/${s.id}`, 303);
  });

  async function registerPage(req: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) {
    staff(req);
    const s = await loadSession(req);
    const registrations = (await registrationsOf(db, req.partnership.id, s.id)).filter((r) => r.status === 'registered');
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-registrations', id: s.id, summary: `Read the register of ${s.topic}` }]);
    return reply.view('engagement/views/session-register.njk', { title: `Register: ${s.topic}`, section: 'engagement', session: s, when: sessionWhen(s), registrations, errors });
  }
  app.get('/engagement/sessions/:id/register', async (req, reply) => registerPage(req, reply));
  app.post('/engagement/sessions/:id/register', async (req, reply) => {
    authorize(req.actor, 'update', engagementResources.people());
    const s = await loadSession(req);
    const outcome = await formOutcome(() => markAttendance(ctx(req), s.id, req.body));
    if (!outcome.ok) return registerPage(req, reply.code(400), outcome.errors);
    return reply.flash(`Register saved: ${outcome.value.attended} of ${outcome.value.places} attended`).redirect(`/engagement/sessions/${s.id}`, 303);
  });

  app.post('/engagement/sessions/:id/feedback-requests', async (req, reply) => {
    authorize(req.actor, 'update', engagementResources.people());
    const s = await loadSession(req);
    const outcome = await formOutcome(() => withMailer(async (m) => {
      if (!m) throw ValidationError.single('form', 'E-mail is not set up, so the feedback form cannot be sent');
      return sendFeedbackRequests({ ...ctx(req), mailing: m }, s.id);
    }, req));
    if (!outcome.ok) return reply.flash(outcome.errors[0]!.message).redirect(`/engagement/sessions/${s.id}`, 303);
    return reply.flash(outcome.value ? `Feedback form sent to ${outcome.value} ${outcome.value === 1 ? 'attendee' : 'attendees'}` : 'Every attendee has already been sent the feedback form')
      .redirect(`/engagement/sessions/${s.id}`, 303);
  });

  app.post('/engagement/sessions/:id/announce', async (req, reply) => {
    authorize(req.actor, 'update', engagementResources.people());
    const s = await loadSession(req);
    const outcome = await formOutcome(() => announceSession(ctx(req), s.id));
    if (!outcome.ok) return reply.flash(outcome.errors[0]!.message).redirect(`/engagement/sessions/${s.id}`, 303);
    return reply.flash(outcome.value.issueNumber ? `Added to issue ${outcome.value.issueNumber} of the bulletin, in Events` : 'It will be added to the next issue of the bulletin when it is started')
      .redirect(`/engagement/sessions/${s.id}`, 303);
  });

  app.get('/engagement/sessions/:id/registrations.csv', async (req, reply) => {
    staff(req);
    const s = await loadSession(req);
    const rows = await registrationsOf(db, req.partnership.id, s.id);
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-registrations', id: s.id, summary: `Downloaded the registrations for ${s.topic} as CSV (${rows.length})` }]);
    return reply.type('text/csv; charset=utf-8; header=present').header('cache-control', 'private, no-store')
      .header('content-disposition', 'attachment; filename="registrations.csv"')
      .send(toCsv(['name', 'email', 'organisation', 'status', 'registered_at', 'moved_up_at', 'cancelled_at', 'attended'], rows.map((r) => [
        r.name, r.email, r.organisation, r.status === 'registered' ? 'place' : r.status, r.created_at.toISOString(), r.promoted_at?.toISOString() ?? '', r.cancelled_at?.toISOString() ?? '',
        r.attended === null ? '' : r.attended ? 'yes' : 'no',
      ])));
  });

  // The public's pages -------------------------------------------------------------------------

  /** Whether this reader may see a session: public ones anyone; partners ones signed in or with the partners link. */
  const mayRead = (req: FastifyRequest, s: Session, invite: unknown) => can(req.actor, 'read', engagementResources.session(s)) || invitesTo(secret, invite, s.id);

  app.get('/events', async (req, reply) => {
    const all = await sessionsWithCounts(db, req.partnership.id, { from: new Date(), order: 'asc' });
    const visible = all.filter((s) => can(req.actor, 'read', engagementResources.session(s)));
    return reply.view('engagement/views/session-events.njk', { title: 'Information sessions and events', section: 'events', sessions: visible.map((s) => publicSession(s, s)) });
  });
  app.get('/events/past', async (req, reply) => {
    const all = await sessionsWithCounts(db, req.partnership.id, { before: new Date() });
    const visible = all.filter((s) => can(req.actor, 'read', engagementResources.session(s)));
    return reply.view('engagement/views/session-past.njk', { title: 'Past information sessions', section: 'events', sessions: visible.map((s) => ({ topic: s.topic, speakers: s.speakers, when: sessionWhen(s) })) });
  });

  async function eventPage(req: FastifyRequest, reply: FastifyReply, invite: unknown, values: unknown = {}, errors?: FieldError[]) {
    const s = await loadSession(req);
    if (!mayRead(req, s, invite)) throw new NotFoundError();
    const places = await placesOf(req.partnership.id, s.id);
    return reply.view('engagement/views/session-event.njk', {
      title: s.topic, section: 'events', session: publicSession(s, places), invite: typeof invite === 'string' && invitesTo(secret, invite, s.id) ? invite : null, values, errors,
      full: places.registered >= s.capacity,
    });
  }
  app.get('/events/:id', async (req, reply) => eventPage(req, reply, firstValue((req.query as Record<string, unknown>).invite)));
  app.post('/events/:id', async (req, reply) => {
    const s = await loadSession(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const invite = firstValue(body.invite);
    if (!mayRead(req, s, invite)) throw new NotFoundError();
    await countPublicWrite(db, req.actor, 'registration', req.ip);
    const outcome = await formOutcome(() => withMailer(async (m) => {
      if (!m) throw ValidationError.single('form', 'Registering is not possible at the moment because e-mail is not set up. Try again later.');
      return register({ ...ctx(req), mailing: m }, s.id, body);
    }, req));
    if (!outcome.ok) return eventPage(req, reply.code(400), invite, body, outcome.errors);
    return reply.redirect(`/events/${s.id}/${outcome.value.status === 'registered' ? 'registered' : 'waiting'}`, 303);
  });
  app.get('/events/:id/registered', async (_req, reply) => reply.view('engagement/views/message.njk', {
    title: 'You have a place', section: 'events',
    lines: ['We have e-mailed you a confirmation with a calendar invitation and, for an online session, the joining link.', 'The e-mail has a link to cancel your place if you cannot come.'],
  }));
  app.get('/events/:id/waiting', async (_req, reply) => reply.view('engagement/views/message.njk', {
    title: 'You are on the waiting list', section: 'events',
    lines: ['The session is full. If someone cancels, the first person on the waiting list is given the place and told by e-mail.', 'We have e-mailed you to confirm, with a link to leave the waiting list.'],
  }));

  function linkProblem(reply: FastifyReply, state: 'invalid' | 'used' | 'expired' | 'called-off', what: 'cancel' | 'feedback') {
    if (state === 'called-off') {
      return personal(reply.code(410)).view('engagement/views/message.njk', { title: 'The session has been cancelled', section: 'events', lines: ['The organiser has cancelled this session, so there is nothing to cancel: you should have had an e-mail saying why.'] });
    }
    const lines = {
      invalid: ['This link is not right: it may have been cut short or changed. Copy the whole link from the e-mail into your browser.'],
      used: [what === 'cancel' ? 'This registration has already been cancelled.' : 'You have already answered: thank you.'],
      expired: [what === 'cancel' ? 'The session has started, so the registration can no longer be cancelled.' : 'The feedback form for this session has closed.'],
    }[state];
    const titles = { invalid: 'The link is not right', used: what === 'cancel' ? 'Already cancelled' : 'Already answered', expired: 'The link has expired' };
    return personal(reply.code(state === 'invalid' ? 404 : 410)).view('engagement/views/message.njk', { title: titles[state], section: 'events', lines });
  }

  app.get('/events/cancel/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const read = await readCancellation(ctx(req), secret, token);
    if (read.state !== 'ready') return linkProblem(reply, read.state, 'cancel');
    return personal(reply).view('engagement/views/session-cancel.njk', {
      title: 'Cancel your registration', section: 'events', token, topic: read.session.topic, when: sessionWhen(read.session), waiting: read.registration.status === 'waiting',
    });
  });
  app.post('/events/cancel/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const done = await withMailer((m) => cancelRegistration({ ...ctx(req), mailing: m }, secret, token), req);
    if (done.state !== 'cancelled') return linkProblem(reply, done.state, 'cancel');
    return personal(reply).view('engagement/views/message.njk', {
      title: 'Your registration is cancelled', section: 'events',
      lines: [`You are no longer registered for ${done.session.topic}.`, 'Thank you for letting us know: your place goes to the next person waiting.'],
    });
  });

  async function feedbackPage(req: FastifyRequest, reply: FastifyReply, token: string, values: unknown = {}, errors?: FieldError[]) {
    const read = await readFeedback(ctx(req), secret, token);
    if (read.state !== 'ready') return linkProblem(reply, read.state, 'feedback');
    return personal(reply).view('engagement/views/session-feedback.njk', {
      title: `Your feedback: ${read.session.topic}`, section: 'events', token, when: sessionWhen(read.session), questions: FEEDBACK_QUESTIONS, ratings: RATINGS, values, errors,
    });
  }
  app.get('/events/feedback/:token', async (req, reply) => feedbackPage(req, reply, (req.params as { token: string }).token));
  app.post('/events/feedback/:token', async (req, reply) => {
    const token = (req.params as { token: string }).token;
    const outcome = await formOutcome(() => saveFeedback(ctx(req), secret, token, req.body));
    if (!outcome.ok) return feedbackPage(req, reply.code(400), token, req.body, outcome.errors);
    if (outcome.value !== 'saved') return linkProblem(reply, outcome.value, 'feedback');
    return personal(reply).view('engagement/views/message.njk', { title: 'Thank you for your feedback', section: 'events', lines: ['Your answers help us plan the next sessions.'] });
  });

  // The API ------------------------------------------------------------------------------------

  const officerSession = (s: Session & { registered: number; waiting: number; attended: number }) => ({
    ...publicSession(s, s), onlineLink: s.online_link, venue: s.venue, registered: s.registered, waiting: s.waiting, attended: s.attended,
  });

  app.get('/api/engagement/sessions', { schema: { tags, summary: 'The information sessions with how many have a place, wait and attended (officers)', response: { 200: S.ListOf(S.OfficerSession) } } }, async (req) => {
    staff(req);
    return { items: (await sessionsWithCounts(db, req.partnership.id)).map(officerSession) };
  });
  app.post('/api/engagement/sessions', { schema: { tags, summary: 'Set up an information session (UK date and times)', body: S.SessionInput, response: { 201: S.Created } } }, async (req, reply) =>
    reply.code(201).send({ id: (await createSession(ctx(req), fromApi(req.body))).id }));
  app.get('/api/engagement/sessions/:id', { schema: { tags, summary: 'A session with its registrations (officers); every read is audited', params: S.IdParams, response: { 200: S.SessionWithRegistrations } } }, async (req) => {
    staff(req);
    const s = await loadSession(req);
    const counted = (await sessionsWithCounts(db, req.partnership.id)).find((x) => x.id === s.id)!;
    const rows = await registrationsOf(db, req.partnership.id, s.id);
    await recordRestrictedReads(db, req.actor, [{ recordType: 'engagement-registrations', id: s.id, summary: `Read the registrations for ${s.topic} through the API` }]);
    return {
      ...officerSession(counted),
      registrations: rows.map((r) => ({ id: r.id, name: r.name, email: r.email, organisation: r.organisation, status: r.status, attended: r.attended, registeredAt: r.created_at.toISOString() })),
    };
  });
  app.put('/api/engagement/sessions/:id', { schema: { tags, summary: 'Change a session; more places move people up from the waiting list', params: S.IdParams, body: S.SessionInput, response: { 200: S.Created } } }, async (req) => {
    const s = await loadSession(req);
    return { id: (await withMailer((m) => updateSession({ ...ctx(req), mailing: m }, s.id, fromApi(req.body)), req)).id };
  });
  app.post('/api/engagement/sessions/:id/cancel', { schema: { tags, summary: 'Cancel the whole session: everyone registered or waiting is e-mailed the reason; nobody can register', params: S.IdParams, body: S.SessionCancelInput, response: { 200: S.SessionCancelResult } } }, async (req) => {
    const s = await loadSession(req);
    const out = await withMailer((m) => cancelSession({ ...ctx(req), mailing: m }, s.id, req.body), req);
    return { id: out.id, told: out.told, notTold: out.notTold };
  });
  app.post('/api/engagement/sessions/:id/registrations/:registrationId/cancel', { schema: { tags, summary: 'Cancel someone\'s registration for them (a freed place goes to the first person waiting)', params: S.RegistrationParams, body: S.RegistrationCancelInput, response: { 200: S.RegistrationCancelResult } } }, async (req) => {
    authorize(req.actor, 'update', engagementResources.people());
    const s = await loadSession(req);
    const r = await loadRegistration(req, s);
    const body = req.body as { reason: string; tell?: boolean };
    const out = await withMailer((m) => cancelRegistrationForSomeone({ ...ctx(req), mailing: m }, s.id, r.id, { reason: body.reason, tell: body.tell === false ? 'no' : 'yes' }), req);
    return { promoted: out.promoted, told: out.told };
  });
  app.post('/api/engagement/sessions/:id/attendance', { schema: { tags, summary: 'The register: the registrations that attended (the others with a place did not)', params: S.IdParams, body: S.AttendanceInput, response: { 200: S.AttendanceResult } } }, async (req) => {
    const s = await loadSession(req);
    return markAttendance(ctx(req), s.id, { attended: (req.body as { attended: string[] }).attended });
  });

  app.get('/api/engagement/sessions/report', { schema: { tags, summary: 'Counts per session and per organisation over a UK calendar year (officers)', querystring: S.YearQuery, response: { 200: S.YearReport } } }, async (req) => {
    const { year, sessions, organisations } = await yearReport(req);
    return {
      year, sessions: sessions.map((s) => ({ id: s.id, topic: s.topic, startsAt: s.starts_at.toISOString(), registered: s.registered, waiting: s.waiting, attended: s.attended, feedback: s.feedback })),
      organisations,
    };
  });

  app.get('/api/events', { schema: { tags, summary: 'Upcoming information sessions the reader may see (the public: public sessions only)', response: { 200: S.ListOf(S.PublicSession) } } }, async (req) => {
    const all = await sessionsWithCounts(db, req.partnership.id, { from: new Date(), order: 'asc' });
    return { items: all.filter((s) => can(req.actor, 'read', engagementResources.session(s))).map((s) => publicSession(s, s)) };
  });
  app.get('/api/events/:id', { schema: { tags, summary: 'One information session, without the joining link', params: S.IdParams, querystring: S.InviteQuery, response: { 200: S.PublicSession } } }, async (req) => {
    const s = await loadSession(req);
    if (!mayRead(req, s, (req.query as { invite?: string }).invite)) throw new NotFoundError();
    return publicSession(s, await placesOf(req.partnership.id, s.id));
  });
  app.post('/api/events/:id/registrations', { schema: { tags, summary: 'Register for a session: a place, or the waiting list when it is full; a confirmation is e-mailed', params: S.IdParams, body: S.RegistrationInput, response: { 201: S.RegistrationResult } } }, async (req, reply) => {
    const s = await loadSession(req);
    const body = req.body as { name: string; email: string; organisation?: string | null; invite?: string };
    if (!mayRead(req, s, body.invite)) throw new NotFoundError();
    await countPublicWrite(db, req.actor, 'registration', req.ip);
    const out = await withMailer(async (m) => {
      if (!m) throw ValidationError.single('form', 'Registering is not possible at the moment because e-mail is not set up. Try again later.');
      return register({ ...ctx(req), mailing: m }, s.id, body);
    }, req);
    return reply.code(201).send({ status: out.status });
  });
}
