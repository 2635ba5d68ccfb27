// The home page: for the clerk's team, a to-do list (agendas to publish, minutes to write
// and to approve, import drafts, overdue actions, reviews due); for a member, their next
// meetings and papers, their actions and what was published since they last looked; for
// everyone, the bodies and the public record. One round of parallel queries per page.
import type { FastifyInstance } from 'fastify';
import { can, isStaff, type Actor } from '../../access/policy.ts';
import { todayIso, termsOfReferenceStatus } from '../partnership/domain.ts';
import { bodiesWithCurrentTermsOfReference } from '../partnership/governance.store.ts';
import { listActions, type ActionView } from '../actions/store.ts';
import { actionStatusLabel } from '../actions/domain.ts';
import { meetingStatusTag } from '../meetings/domain.ts';
import { formatDay } from '../../web/nunjucks.ts';
import {
  agendasToPublish, importDrafts, latestAgreementUnsigned, minutesAwaitingApproval, minutesToWrite, nextMeetings, nextMeetingsOf,
  publishedSinceLastLook, type MeetingLine,
} from './store.ts';
import { addDays, deadlineWords, FIRST_LOOK_DAYS, HOME_LIST_LIMIT, NOTICE_WINDOW_DAYS, publishBy, sinceWords } from './domain.ts';

const actionResource = (a: ActionView) => ({ type: 'action', bodyId: a.body_id, restricted: a.restricted, ownerPersonId: a.owner_person_id });
const visibleActions = (actor: Actor, actions: ActionView[]) => actions.filter((a) => can(actor, 'read', actionResource(a)));
const withTag = (m: MeetingLine) => ({ ...m, date: formatDay(m.meets_on), tag: meetingStatusTag(m) });

export async function homeRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;

  async function officerToDo(pid: string, today: string) {
    const limit = HOME_LIST_LIMIT;
    const [agendas, toWrite, toApprove, drafts, overdue, terms, agreement] = await Promise.all([
      agendasToPublish(db, pid, today, addDays(today, NOTICE_WINDOW_DAYS), limit),
      minutesToWrite(db, pid, today, limit),
      minutesAwaitingApproval(db, pid, limit),
      importDrafts(db, pid, limit),
      listActions(db, pid, today, { overdueOn: today }),
      bodiesWithCurrentTermsOfReference(db, pid),
      latestAgreementUnsigned(db, pid),
    ]);
    const reviews = terms.map((r) => ({ ...r, status: termsOfReferenceStatus(r.review_due_on, today) }))
      .filter((r) => r.status === 'overdue' || r.status === 'due-soon')
      .sort((a, b) => String(a.review_due_on).localeCompare(String(b.review_due_on)));
    const total = (rows: { total: number }[]) => (rows[0] ? Number(rows[0].total) : 0);
    return {
      agendas: {
        total: total(agendas),
        rows: agendas.map((m) => {
          const deadline = publishBy(m.meets_on);
          return { ...withTag(m), deadline: formatDay(deadline), due: deadlineWords(deadline, today) };
        }),
      },
      toWrite: { total: total(toWrite), rows: toWrite.map((m) => ({ ...withTag(m), since: sinceWords(m.meets_on, today) })) },
      toApprove: { total: total(toApprove), rows: toApprove.map((m) => ({ ...withTag(m), since: sinceWords(m.meets_on, today) })) },
      drafts: { total: total(drafts), rows: drafts },
      overdue: { total: overdue.length, rows: overdue.slice(0, limit).map((a) => ({ ...a, statusLabel: actionStatusLabel(a.status) })) },
      reviews: { total: reviews.length, overdue: reviews.filter((r) => r.status === 'overdue').length, rows: reviews.slice(0, limit) },
      agreement,
    };
  }

  async function memberPage(actor: Extract<Actor, { kind: 'user' }>, pid: string, today: string) {
    const limit = HOME_LIST_LIMIT;
    const [meetings, actions, published] = await Promise.all([
      actor.personId ? nextMeetingsOf(db, pid, actor.personId, today, limit) : nextMeetings(db, pid, today, limit),
      actor.personId ? listActions(db, pid, today, { ownerPersonId: actor.personId, statuses: ['open', 'in-progress'] }) : Promise.resolve([]),
      publishedSinceLastLook(db, pid, actor.userId, new Date(), FIRST_LOOK_DAYS, 3600, limit),
    ]);
    const mine = visibleActions(actor, actions);
    return {
      linked: actor.personId !== null,
      personId: actor.personId,
      meetings: meetings.map((m) => ({ ...withTag(m), paperCount: Number(m.paper_count ?? 0) })),
      actions: { total: mine.length, overdue: mine.filter((a) => a.overdue).length, rows: mine.slice(0, limit).map((a) => ({ ...a, statusLabel: actionStatusLabel(a.status) })) },
      published: { since: published.since, total: published.total, rows: published.items.map((m) => ({ ...withTag(m), what: m.published, at: m.published_at })) },
    };
  }

  app.get('/', async (req, reply) => {
    const pid = req.partnership.id;
    const today = todayIso();
    const actor = req.actor;
    const [bodies, toDo, member, upcoming] = await Promise.all([
      db.selectFrom('bodies').select(['id', 'name', 'kind', 'description']).where('partnership_id', '=', pid).orderBy('kind').orderBy('name').execute(),
      isStaff(actor) ? officerToDo(pid, today) : Promise.resolve(null),
      actor.kind === 'user' ? memberPage(actor, pid, today) : Promise.resolve(null),
      actor.kind === 'user' ? Promise.resolve(null) : nextMeetings(db, pid, today, HOME_LIST_LIMIT),
    ]);
    return reply.view('home/views/home.njk', {
      title: 'Home', section: 'home', bodies, toDo, member, upcoming: upcoming?.map(withTag) ?? null, staff: isStaff(actor),
    });
  });
}
