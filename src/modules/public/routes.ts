// The public face: information for anyone, signed in or not (the bodies and their
// members, a calendar of meetings, the decisions), feeds and open data, and the activity
// of a person or organisation. Public pages and files are built from what the public
// may read, whoever asks: restricted business and unpublished minutes are left out in
// SQL and again by the policy. Each published meeting's own page is the meetings
// module's, which already shows the public only what is published.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { can, isStaff, type Actor } from '../../access/policy.ts';
import { NotFoundError, ValidationError } from '../../web/errors.ts';
import { isUuid } from '../../web/forms.ts';
import { Input } from '../../web/validate.ts';
import { formatDate, formatDay } from '../../web/nunjucks.ts';
import { bodyKindLabel, bodyTree, displayName, groupMemberships, membershipRoleLabel, todayIso, addDays } from '../partnership/domain.ts';
import { membersOfBody } from '../partnership/memberships.store.ts';
import { findPerson } from '../partnership/people.store.ts';
import { findOrganisation } from '../partnership/organisations.store.ts';
import { listMeetings, loadMeetingRecord, type MeetingSummary } from '../meetings/store.ts';
import { buildMeetingView } from '../meetings/record.ts';
import { auditRestrictedReads, mayReadAgenda, mayReadMinutes, mayReadRecord } from '../meetings/access.ts';
import { formatTime, resolutionLabel, whereText, ATTENDANCE_KINDS } from '../meetings/domain.ts';
import { listActions, type ActionView } from '../actions/store.ts';
import { readableActions } from '../actions/reading.ts';
import { actionStatusLabel } from '../actions/domain.ts';
import {
  DECISIONS_PAGE_SIZE, FEED_ENTRIES, buildAtom, byMonth, minutesArePublic, paginationFor, publicStatus, toCsv, type AtomEntry,
} from './domain.ts';
import {
  attendanceOf, findDecisions, hasSearchableWords, itemsPresentedBy, meetingYears, openMemberships, openOrganisations, openPeople,
  partnershipBodies, peopleOfOrganisation, publicAttendance, recentPublications, type DecisionFilters, type DecisionRow, type PeopleOf,
} from './store.ts';
import { publicOrigin } from './address.ts';
import { meta, ocdEvent, popoloMemberships, popoloOrganizations, popoloPersons } from './opendata.ts';

const V = (name: string) => `public/views/${name}.njk`;

/** The public as a reader: public pages and files show what the public may read, whoever asks. */
const thePublic = (req: FastifyRequest): Actor => ({ kind: 'public', partnershipId: req.partnership.id });

/** Absolute links use the partnership's configured address, never the request's Host (see address.ts). */
const originOf = (req: FastifyRequest) => publicOrigin(req.partnership, req.server.config);

const one = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : v === undefined || v === null ? '' : String(v));

const attendanceLabel = (kind: string) => ATTENDANCE_KINDS.find((k) => k.value === kind)?.heading ?? kind;

/** The decisions' filters from the query string; problems worded for the form. */
function readDecisionQuery(raw: unknown): DecisionFilters & { page: number } {
  const query = (raw ?? {}) as Record<string, unknown>;
  const input = new Input(query);
  const bodyId = input.optionalId('body', 'Select a body from the list');
  const from = input.optionalDate('from', 'The from date');
  const to = input.optionalDate('to', 'The to date');
  if (from && to && from > to) input.fail('to', 'The to date must be the same as or after the from date');
  const q = input.optionalText('q', 'Words', 200) ?? '';
  const page = input.optionalInteger('page', 'Page', 1, 10_000) ?? 1;
  input.check();
  return { bodyId, from, to, q, page };
}

/** The query string again, without the page (for paging links and downloads). */
function queryWithout(values: Record<string, unknown>, drop: string[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (drop.includes(k)) continue;
    for (const x of ([] as unknown[]).concat(v)) if (String(x) !== '') params.append(k, String(x));
  }
  return params;
}

const decisionView = (d: DecisionRow) => ({
  ...d,
  label: resolutionLabel(d.place - 1, d.of),
  draft: d.status !== 'minutes-approved',
  url: `/meetings/${d.meeting_id}#minute-${d.agenda_item_id}`,
});

export async function publicRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  // Files other modules serve (the agenda pack PDF, calendar feeds) are linked when the
  // app has them, so these pages never point at an address that is not there.
  const served = (url: string) => app.hasRoute({ method: 'GET', url });

  const bodyOptions = async (pid: string) => (await partnershipBodies(db, pid)).map((b) => ({ value: b.id, text: b.name }));

  const meetingRow = (m: MeetingSummary) => ({
    ...m, date: formatDay(m.meets_on), time: formatTime(m.starts_at), where: whereText(m), state: publicStatus(m),
  });

  // ---------------------------------------------------------------- public information

  app.get('/public', async (req, reply) => {
    const pid = req.partnership.id;
    const today = todayIso();
    const bodies = await partnershipBodies(db, pid);
    const members = new Map(await Promise.all(bodies.map(async (b) => {
      const rows = (await membersOfBody(db, pid, b.id)).filter((m) => m.role !== 'officer').map((m) => ({ ...m, name: displayName(m) }));
      return [b.id, groupMemberships(rows, today).current] as const;
    })));
    const upcoming = (await listMeetings(db, pid, { from: today, limit: 5 })).map(meetingRow);
    // The board first, then each body's subgroups under it, as the tree has them.
    const names = new Map(bodies.map((b) => [b.id, b.name]));
    const flat: { body: (typeof bodies)[number]; parentName: string | null; kind: string; groups: ReturnType<typeof groupMemberships>['current'] }[] = [];
    const walk = (nodes: ReturnType<typeof bodyTree<(typeof bodies)[number]>>) => nodes.forEach((n) => {
      flat.push({ body: n.body, parentName: n.body.parent_id ? names.get(n.body.parent_id) ?? null : null, kind: bodyKindLabel(n.body.kind), groups: members.get(n.body.id) ?? [] });
      walk(n.children);
    });
    walk(bodyTree(bodies));
    return reply.view(V('public'), { title: 'Public information', section: 'public', bodies: flat, roleLabel: membershipRoleLabel, upcoming });
  });

  // ---------------------------------------------------------------- calendar

  app.get('/calendar', async (req, reply) => {
    const pid = req.partnership.id;
    const q = (req.query ?? {}) as Record<string, unknown>;
    const bodyId = isUuid(one(q.body)) ? one(q.body) : null;
    const years = await meetingYears(db, pid, bodyId);
    const yearText = one(q.year);
    const year = /^\d{4}$/.test(yearText) ? Number(yearText) : null;
    const today = todayIso();
    const bodies = await bodyOptions(pid);
    const body = bodyId ? bodies.find((b) => b.value === bodyId) : undefined;
    if (bodyId && !body) throw new NotFoundError();
    let groups: { upcoming: ReturnType<typeof byMonth>; past: ReturnType<typeof byMonth>; year: ReturnType<typeof byMonth> };
    if (year) {
      const inYear = await listMeetings(db, pid, { bodyId, from: `${year}-01-01`, before: `${year + 1}-01-01`, includeCancelled: true });
      groups = { upcoming: [], past: [], year: byMonth(inYear.map(meetingRow)) };
    } else {
      const [upcoming, past] = await Promise.all([
        listMeetings(db, pid, { bodyId, from: today, includeCancelled: true }),
        // The last twelve months; earlier years are a link each.
        listMeetings(db, pid, { bodyId, before: today, includeCancelled: true }).then((all) => all.filter((m) => m.meets_on >= addDays(today, -366))),
      ]);
      groups = { upcoming: byMonth(upcoming.map(meetingRow)), past: byMonth(past.map(meetingRow)), year: [] };
    }
    const yearLink = (y: number) => `/calendar?${new URLSearchParams({ ...(bodyId ? { body: bodyId } : {}), year: String(y) }).toString()}`;
    return reply.view(V('calendar'), {
      title: year ? `Meetings in ${year}` : 'Calendar of meetings', section: 'public', bodies, bodyId, body, year, groups,
      years: years.map((y) => ({ year: y, href: yearLink(y), current: y === year })),
      allHref: bodyId ? `/calendar?body=${bodyId}` : '/calendar',
      icalHref: bodyId ? (served('/bodies/:id/meetings.ics') ? `/bodies/${bodyId}/meetings.ics` : null) : (served('/meetings.ics') ? '/meetings.ics' : null),
    });
  });

  // ---------------------------------------------------------------- decisions

  async function decisionsAnswer(req: FastifyRequest, filters: DecisionFilters, page: number | null) {
    if (filters.q && !(await hasSearchableWords(db, filters.q))) return { total: 0, rows: [], empty: true };
    const answer = await findDecisions(db, req.partnership.id, filters,
      page === null ? null : { limit: DECISIONS_PAGE_SIZE, offset: (page - 1) * DECISIONS_PAGE_SIZE });
    // The query leaves restricted business out; the policy is asked again for every row,
    // so a mistake in one of the two cannot publish a restricted decision on its own.
    const reader = thePublic(req);
    const rows = answer.rows.filter((d) => mayReadMinutes(reader, d) && mayReadRecord(reader, d, d.body_id));
    return { total: answer.total, rows, empty: false };
  }

  app.get('/decisions', async (req, reply) => {
    const values = (req.query ?? {}) as Record<string, unknown>;
    const bodies = await bodyOptions(req.partnership.id);
    const common = { title: 'Decisions', section: 'public', values, bodies };
    let filters: ReturnType<typeof readDecisionQuery>;
    try {
      filters = readDecisionQuery(values);
    } catch (e) {
      if (e instanceof ValidationError) return reply.code(400).view(V('decisions'), { ...common, errors: e.errors });
      throw e;
    }
    const answer = await decisionsAnswer(req, filters, filters.page);
    const pages = Math.ceil(answer.total / DECISIONS_PAGE_SIZE);
    if (filters.page > 1 && filters.page > pages) throw new NotFoundError();
    const base = queryWithout(values, ['page']);
    const href = (n: number) => `/decisions?${new URLSearchParams([...base, ['page', String(n)]]).toString()}`;
    const csvQuery = queryWithout(values, ['page']).toString();
    return reply.view(V('decisions'), {
      ...common, filters, answer: { ...answer, rows: answer.rows.map(decisionView) }, pagination: paginationFor(filters.page, pages, href),
      firstShown: (filters.page - 1) * DECISIONS_PAGE_SIZE + 1, lastShown: (filters.page - 1) * DECISIONS_PAGE_SIZE + answer.rows.length,
      filtered: Boolean(filters.q || filters.bodyId || filters.from || filters.to),
      csvHref: `/open-data/decisions.csv${csvQuery ? `?${csvQuery}` : ''}`,
    });
  });

  const presentDecision = (d: ReturnType<typeof decisionView>, origin: string) => ({
    id: d.id, text: d.text, label: d.label || null, itemCode: d.item_code, itemTitle: d.item_title, minuteNumber: d.minute_number, minutePrinted: d.minute_printed ?? null,
    meetingId: d.meeting_id, meetingDate: d.meets_on, bodyId: d.body_id, bodyName: d.body_name,
    minutes: d.draft ? 'draft' : 'approved', url: `${origin}${d.url}`,
  });

  app.get('/api/decisions', {
    schema: {
      tags: ['public'], summary: 'Decisions (resolutions) of published minutes, never restricted business; newest first',
      description: 'Filters: q (words, "phrases", -excluded words), body, from, to (YYYY-MM-DD), page (25 a page).',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 200 })), body: Type.Optional(Type.String()), from: Type.Optional(Type.String()),
        to: Type.Optional(Type.String()), page: Type.Optional(Type.String()),
      }),
    },
  }, async (req) => {
    const filters = readDecisionQuery(req.query);
    const answer = await decisionsAnswer(req, filters, filters.page);
    const origin = originOf(req);
    return {
      page: filters.page, pageSize: DECISIONS_PAGE_SIZE, total: answer.total,
      results: answer.rows.map((d) => presentDecision(decisionView(d), origin)),
    };
  });

  // ---------------------------------------------------------------- feeds

  app.get('/feeds/published.atom', async (req, reply) => {
    const pid = req.partnership.id;
    const origin = originOf(req);
    const reader = thePublic(req);
    const { agendas, minutes, events, amendments } = await recentPublications(db, pid, FEED_ENTRIES);
    const latest = (...dates: (Date | null)[]) => dates.filter((d): d is Date => d !== null).reduce((a, b) => (b > a ? b : a));
    type Pending = {
      meetingId: string; kind: 'agenda' | 'minutes' | 'supplement' | 'withdrawn' | 'amendment'; published: Date; updated: Date;
      number?: number | null; reason?: string | null; what?: string; refId?: string;
    };
    const pending: Pending[] = [
      // A supplementary agenda changes the agenda: its entry is updated then, and the supplement has its own entry.
      ...agendas.map((m) => ({ meetingId: m.id, kind: 'agenda' as const, published: m.agenda_published_at!, updated: latest(m.agenda_published_at, m.agenda_supplemented_at) })),
      ...minutes.map((m) => ({
        meetingId: m.id, kind: 'minutes' as const, published: m.minutes_published_at!,
        // Approval at the next meeting, or an amendment, changes the minutes: the entry is updated then.
        updated: latest(m.minutes_published_at, m.minutes_approved_at, m.minutes_amended_at),
      })),
      ...events.map((e) => ({
        meetingId: e.meeting_id, kind: e.kind === 'supplement' ? 'supplement' as const : 'withdrawn' as const, published: e.published_at, updated: e.published_at,
        number: e.number, reason: e.reason, what: e.kind === 'agenda-withdrawn' ? 'Agenda' : 'Minutes', refId: e.id,
      })),
      ...amendments.map((a) => ({ meetingId: a.meeting_id, kind: 'amendment' as const, published: a.amended_at, updated: a.amended_at, refId: a.id })),
    ].sort((a, b) => b.updated.getTime() - a.updated.getTime()).slice(0, FEED_ENTRIES);
    const entries: AtomEntry[] = [];
    const views = new Map<string, ReturnType<typeof buildMeetingView>>();
    for (const p of pending) {
      let view = views.get(p.meetingId);
      if (!view) {
        const record = await loadMeetingRecord(db, pid, p.meetingId);
        if (!record) continue;
        view = buildMeetingView(record, reader);
        views.set(p.meetingId, view);
      }
      const m = view.meeting;
      const page = `${origin}/meetings/${m.id}`;
      const about = `${m.body_name}, ${formatDate(m.meets_on)}`;
      if (p.kind === 'agenda') {
        if (!view.agendaVisible) continue;
        const supplements = view.publications.filter((x) => x.kind === 'supplement').length;
        entries.push({
          id: `${page}#agenda`, title: `Agenda: ${about}`, updated: p.updated, published: p.published, link: page,
          category: 'agenda',
          summary: `Agenda of the meeting of ${m.body_name} on ${formatDate(m.meets_on)} at ${formatTime(m.starts_at)}, ${view.where}. `
            + view.items.map((i) => `${i.code} ${i.title}${i.supplement ? ' (supplementary)' : ''}`).join('; ')
            + (supplements ? `. With ${supplements} supplementary agenda${supplements === 1 ? '' : 's'}, the latest published on ${formatDate(m.agenda_supplemented_at)}.` : ''),
        });
      } else if (p.kind === 'supplement') {
        if (!view.agendaVisible) continue;
        const items = view.items.filter((i) => i.supplement === p.number);
        const papers = view.items.flatMap((i) => i.papers.filter((x) => x.supplement === p.number && i.supplement !== p.number).map((x) => `${x.title} (item ${i.code})`));
        entries.push({
          id: `${page}#supplement-${p.number}`, title: `Supplementary agenda ${p.number}: ${about}`, updated: p.updated, published: p.published, link: page,
          category: 'supplementary-agenda',
          summary: `Supplementary agenda ${p.number} of the meeting of ${m.body_name} on ${formatDate(m.meets_on)}, published ${formatDate(p.published)}. `
            + [...items.map((i) => `Item ${i.code} ${i.title}`), ...papers.map((x) => `Paper: ${x}`)].join('; '),
        });
      } else if (p.kind === 'withdrawn') {
        entries.push({
          id: `${page}#withdrawn-${p.refId}`, title: `${p.what} withdrawn: ${about}`, updated: p.updated, published: p.published, link: page,
          category: 'withdrawal', summary: `The ${p.what!.toLowerCase()} of the meeting of ${m.body_name} on ${formatDate(m.meets_on)} ${p.what === 'Agenda' ? 'was' : 'were'} withdrawn on ${formatDate(p.published)}: ${p.reason}`,
        });
      } else if (p.kind === 'amendment') {
        // Only amendments of what the public may read (record.ts leaves out restricted ones).
        const a = view.minutesVisible ? view.amendments.find((x) => x.id === p.refId) : undefined;
        if (!a) continue;
        entries.push({
          id: `${page}#amendment-${a.id}`, title: `Minutes amended: ${about}`, updated: p.updated, published: p.published, link: `${page}#amendments`,
          category: 'amendment', summary: `The minutes of the meeting of ${m.body_name} on ${formatDate(m.meets_on)} were amended on ${formatDate(a.amended_at)} by ${a.amended_by_label}: ${a.reason}. Was: “${a.before}”. Now: “${a.after}”.`,
        });
      } else {
        if (!view.minutesVisible) continue;
        const decisions = view.items.reduce((n, i) => n + i.resolutions.length, 0);
        entries.push({
          id: `${page}#minutes`, title: `${view.minutesDraft ? 'Draft minutes' : 'Minutes'}: ${about}`,
          updated: p.updated, published: p.published, link: page, category: 'minutes',
          summary: `${view.minutesDraft ? 'Draft minutes, not yet approved,' : 'Minutes, approved as a correct record,'} of the meeting of ${m.body_name} on ${formatDate(m.meets_on)}: `
            + `${view.items.length} item${view.items.length === 1 ? '' : 's'}, ${decisions} decision${decisions === 1 ? '' : 's'}`
            + `${view.amendments.length ? `, ${view.amendments.length} amendment${view.amendments.length === 1 ? '' : 's'} since` : ''}.`,
        });
      }
    }
    const updated = entries.reduce<Date | null>((latest, e) => (!latest || e.updated > latest ? e.updated : latest), null);
    const xml = buildAtom({
      id: `${origin}/feeds/published.atom`,
      title: `${req.partnership.name}: agendas and minutes`,
      subtitle: 'Agendas and minutes as they are published',
      selfLink: `${origin}/feeds/published.atom`,
      alternateLink: `${origin}/calendar`,
      author: req.partnership.name,
      // An empty feed still needs a date: the partnership's publications began no earlier than this.
      updated: updated ?? new Date(0),
      entries,
    });
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(xml);
  });

  // ---------------------------------------------------------------- open data

  app.get('/open-data', async (req, reply) => {
    const bodies = served('/bodies/:id/meetings.ics') ? (await bodyOptions(req.partnership.id)).map((b) => ({ ...b, href: `/bodies/${b.value}/meetings.ics` })) : [];
    return reply.view(V('open-data'), {
      title: 'Open data', section: 'public', origin: originOf(req), icalHref: served('/meetings.ics') ? '/meetings.ics' : null, icalBodies: bodies,
    });
  });

  const sendJson = (reply: import('fastify').FastifyReply, name: string, data: unknown) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300')
      .header('content-disposition', `inline; filename="${name}"`).send(JSON.stringify(data, null, 2));

  const sendCsv = (reply: import('fastify').FastifyReply, name: string, csv: string) =>
    reply.type('text/csv; charset=utf-8; header=present').header('cache-control', 'public, max-age=300')
      .header('content-disposition', `attachment; filename="${name}"`).send(csv);

  app.get('/open-data/organizations.json', async (req, reply) => {
    const pid = req.partnership.id;
    const origin = originOf(req);
    const [bodies, organisations] = await Promise.all([partnershipBodies(db, pid), openOrganisations(db, pid)]);
    return sendJson(reply, 'organizations.json', {
      meta: meta(req.partnership.name, `${origin}/open-data/organizations.json`),
      organizations: popoloOrganizations(origin, req.partnership, bodies, organisations),
    });
  });

  app.get('/open-data/people.json', async (req, reply) => {
    const origin = originOf(req);
    return sendJson(reply, 'people.json', {
      meta: meta(req.partnership.name, `${origin}/open-data/people.json`),
      persons: popoloPersons(origin, await openPeople(db, req.partnership.id)),
    });
  });

  app.get('/open-data/memberships.json', async (req, reply) => {
    const pid = req.partnership.id;
    const origin = originOf(req);
    const [people, memberships] = await Promise.all([openPeople(db, pid), openMemberships(db, pid)]);
    return sendJson(reply, 'memberships.json', {
      meta: meta(req.partnership.name, `${origin}/open-data/memberships.json`),
      memberships: popoloMemberships(people, memberships),
    });
  });

  app.get('/open-data/events.json', async (req, reply) => {
    const pid = req.partnership.id;
    const origin = originOf(req);
    const reader = thePublic(req);
    const today = todayIso();
    const q = (req.query ?? {}) as Record<string, unknown>;
    const yearText = one(q.year);
    const year = /^\d{4}$/.test(yearText) ? Number(yearText) : null;
    const meetings = await listMeetings(db, pid, { includeCancelled: true, ...(year ? { from: `${year}-01-01`, before: `${year + 1}-01-01` } : {}) });
    const events = [];
    for (const m of meetings) {
      const record = await loadMeetingRecord(db, pid, m.id);
      if (!record) continue;
      // The public's view of the meeting: the same filter as its public page.
      const view = buildMeetingView(record, reader, { laterMeetings: record.laterMeetings });
      events.push(ocdEvent(view, {
        page: `${origin}/meetings/${m.id}`, absolute: (path) => `${origin}${path}`,
        agendaPackPdf: served('/meetings/:id/agenda-pack.pdf') ? `${origin}/meetings/${m.id}/agenda-pack.pdf` : null,
        minutesPdf: served('/meetings/:id/minutes.pdf') ? `${origin}/meetings/${m.id}/minutes.pdf` : null,
      }, today));
    }
    return sendJson(reply, 'events.json', { meta: meta(req.partnership.name, `${origin}/open-data/events.json`), events });
  });

  app.get('/open-data/decisions.csv', async (req, reply) => {
    const filters = readDecisionQuery(req.query);
    const answer = await decisionsAnswer(req, filters, null);
    const origin = originOf(req);
    const rows = answer.rows.map(decisionView).map((d) => [
      d.meets_on, d.body_name, d.minute_printed ?? d.minute_number ?? '', d.item_code, d.item_title, d.label.replace(/\.$/, ''), d.text,
      d.draft ? 'draft' : 'approved', d.meeting_id, d.id, `${origin}${d.url}`,
    ]);
    return sendCsv(reply, 'decisions.csv', toCsv(
      ['meeting_date', 'body', 'minute_number', 'item_code', 'item_title', 'resolution', 'resolved', 'minutes_status', 'meeting_id', 'resolution_id', 'url'], rows,
    ));
  });

  app.get('/open-data/attendance.csv', async (req, reply) => {
    const origin = originOf(req);
    const rows = (await publicAttendance(db, req.partnership.id)).map((a) => [
      a.meets_on, a.body_name, a.person_name, a.organisation_name ?? '', a.capacity ?? '', a.kind, attendanceLabel(a.kind), a.mode ?? '',
      a.substitute_for_name ?? '', a.meeting_id, a.person_id ?? '', `${origin}/meetings/${a.meeting_id}`,
    ]);
    return sendCsv(reply, 'attendance.csv', toCsv(
      ['meeting_date', 'body', 'name', 'organisation', 'capacity', 'attendance', 'attendance_label', 'mode', 'substitute_for', 'meeting_id', 'person_id', 'meeting_url'], rows,
    ));
  });

  // ---------------------------------------------------------------- activity of a person or organisation

  /**
   * What this reader may see of the person's (or organisation's people's) activity:
   * attendance as the meeting's page would show it, items presented when the agenda and
   * the item are readable, and actions for signed-in readers only (never public).
   */
  async function activity(req: FastifyRequest, who: PeopleOf, actionOwners: { personIds: string[]; organisationId: string | null }) {
    const actor = req.actor;
    const pid = req.partnership.id;
    const today = todayIso();
    const [attendance, presented] = await Promise.all([attendanceOf(db, pid, who), itemsPresentedBy(db, pid, who)]);
    // Attendance is part of the minutes: the public sees it once they are published;
    // the partnership's own people see it as soon as it is recorded (as on the meeting page).
    const attended = attendance.filter((a) => actor.kind === 'user' || (mayReadMinutes(actor, a) && minutesArePublic(a)))
      .map((a) => ({ ...a, label: attendanceLabel(a.kind), date: formatDay(a.meets_on) }));
    const items = presented.filter((i) => mayReadAgenda(actor, i) && mayReadRecord(actor, i, i.body_id))
      .map((i) => ({ ...i, date: formatDay(i.meets_on) }));
    await auditRestrictedReads(db, actor, items.filter((i) => i.restricted)
      .map((i) => ({ recordType: 'agenda-item', id: i.id, summary: `Read restricted item ${i.code} in a list of items presented` })));
    let actions: (ActionView & { statusLabel: string })[] | null = null;
    if (can(actor, 'read', { type: 'action', published: false })) {
      const lists = await Promise.all([
        ...actionOwners.personIds.map((id) => listActions(db, pid, today, { ownerPersonId: id })),
        ...(actionOwners.organisationId ? [listActions(db, pid, today, { ownerOrganisationId: actionOwners.organisationId })] : []),
      ]);
      // Restricted ones only for readers entitled to them, and each such read audited.
      actions = (await readableActions(db, actor, lists.flat(), 'Read on an activity page'))
        .sort((a, b) => a.due_on.localeCompare(b.due_on)).map((a) => ({ ...a, statusLabel: actionStatusLabel(a.status) }));
    }
    return { attended, items, actions };
  }

  const presentActivity = (a: Awaited<ReturnType<typeof activity>>) => ({
    attendance: a.attended.map((x) => ({
      meetingId: x.meeting_id, meetingDate: x.meets_on, bodyId: x.body_id, bodyName: x.body_name, personId: x.person_id, personName: x.person_name,
      attendance: x.kind, capacity: x.capacity,
    })),
    itemsPresented: a.items.map((i) => ({
      meetingId: i.meeting_id, meetingDate: i.meets_on, bodyId: i.body_id, bodyName: i.body_name, itemId: i.id, code: i.code, title: i.title,
      personId: i.person_id, personName: i.person_name, restricted: i.restricted,
    })),
    // Actions are the partnership's working record: null for the public, never an empty list that might mislead.
    actions: a.actions?.map((x) => ({
      id: x.id, description: x.description, bodyId: x.body_id, bodyName: x.body_name, ownerName: x.owner_name, dueOn: x.due_on, status: x.status,
      restricted: x.restricted,
    })) ?? null,
  });

  async function loadPerson(req: FastifyRequest) {
    const { id } = req.params as { id: string };
    const person = isUuid(id) ? await findPerson(db, req.partnership.id, id) : undefined;
    if (!person) throw new NotFoundError();
    return person;
  }
  async function loadOrganisation(req: FastifyRequest) {
    const { id } = req.params as { id: string };
    const organisation = isUuid(id) ? await findOrganisation(db, req.partnership.id, id) : undefined;
    if (!organisation) throw new NotFoundError();
    return organisation;
  }
  const organisationPeople = (pid: string, organisationId: string) => peopleOfOrganisation(db, pid, organisationId);

  app.get('/people/:id/activity', async (req, reply) => {
    const person = await loadPerson(req);
    const name = displayName(person);
    const a = await activity(req, { personId: person.id }, { personIds: [person.id], organisationId: null });
    return reply.view(V('activity'), {
      title: `Activity of ${name}`, section: 'people', subject: { kind: 'person', name, href: `/people/${person.id}`, listHref: '/people', listText: 'People' },
      ...a, actionsHidden: a.actions === null, signedIn: req.actor.kind === 'user', staff: isStaff(req.actor),
    });
  });

  app.get('/organisations/:id/activity', async (req, reply) => {
    const organisation = await loadOrganisation(req);
    const people = await organisationPeople(req.partnership.id, organisation.id);
    const a = await activity(req, { organisationId: organisation.id }, { personIds: people, organisationId: organisation.id });
    return reply.view(V('activity'), {
      title: `Activity of ${organisation.name}`, section: 'organisations',
      subject: { kind: 'organisation', name: organisation.name, href: `/organisations/${organisation.id}`, listHref: '/organisations', listText: 'Organisations' },
      ...a, actionsHidden: a.actions === null, signedIn: req.actor.kind === 'user', staff: isStaff(req.actor),
    });
  });

  app.get('/api/people/:id/activity', {
    schema: { tags: ['people'], summary: 'Meetings attended or sent apologies to, items presented, and (signed in only) actions owned', params: Type.Object({ id: Type.String() }) },
  }, async (req) => {
    const person = await loadPerson(req);
    return presentActivity(await activity(req, { personId: person.id }, { personIds: [person.id], organisationId: null }));
  });

  app.get('/api/organisations/:id/activity', {
    schema: { tags: ['organisations'], summary: 'Its people’s attendance and items presented, and (signed in only) the actions it or its people own', params: Type.Object({ id: Type.String() }) },
  }, async (req) => {
    const organisation = await loadOrganisation(req);
    const people = await organisationPeople(req.partnership.id, organisation.id);
    return presentActivity(await activity(req, { organisationId: organisation.id }, { personIds: people, organisationId: organisation.id }));
  });
}
