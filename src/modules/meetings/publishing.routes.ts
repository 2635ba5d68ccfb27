// The pages of publication: the check page before publishing the agenda, a
// supplementary agenda or the minutes (errors listed and publication refused; warnings
// listed and publication allowed once the clerk confirms them), and the pages that
// withdraw a published agenda or minutes with a reason. Forms only; no JavaScript.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, type Actor } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { findMeetingSummary } from './store.ts';
import { publicationCheck, publishAgenda, publishMinutes, publishSupplement, withdrawAgenda, withdrawMinutes } from './publishing.commands.ts';
import type { PublicationEvent } from './publishing.ts';

const V = (name: string) => `meetings/views/${name}.njk`;
const EVENTS: Record<PublicationEvent, { title: string; button: string; done: string; publish: typeof publishAgenda }> = {
  agenda: { title: 'Publish the agenda', button: 'Publish the agenda', done: 'Agenda published', publish: publishAgenda },
  supplement: { title: 'Publish a supplementary agenda', button: 'Publish the supplementary agenda', done: 'Supplementary agenda published', publish: publishSupplement },
  minutes: { title: 'Publish the minutes', button: 'Publish the minutes', done: 'Minutes published', publish: publishMinutes },
};
const isEvent = (x: string | undefined): x is PublicationEvent => x === 'agenda' || x === 'supplement' || x === 'minutes';

export async function publishingPages(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });

  async function renderCheck(req: FastifyRequest, reply: FastifyReply, id: string, event: PublicationEvent, extra: Record<string, unknown> = {}) {
    const { meeting, refused, check } = await publicationCheck(ctx(req), id, event);
    const m = await findMeetingSummary(db, req.partnership.id, meeting.id);
    return reply.view(V('publish'), {
      title: EVENTS[event].title, section: 'meetings', m, event, refused, check, button: EVENTS[event].button,
      action: `/meetings/${meeting.id}/publish/${event}`, values: {}, ...extra,
    });
  }

  const meetingId = (req: FastifyRequest) => {
    const { id } = req.params as { id?: string };
    if (!id || !isUuid(id)) throw new NotFoundError();
    return id;
  };

  app.get('/meetings/:id/publish/:event', async (req, reply) => {
    const { event } = req.params as { event?: string };
    if (!isEvent(event)) throw new NotFoundError();
    return renderCheck(req, reply, meetingId(req), event);
  });

  const publish = (event: PublicationEvent) => async (req: FastifyRequest, reply: FastifyReply) => {
    const id = meetingId(req);
    const outcome = await formOutcome(() => EVENTS[event].publish(ctx(req), id, req.body));
    if (outcome.ok) {
      const p = outcome.value.publication;
      return reply.flash(p.kind === 'supplement' ? `Supplementary agenda ${p.number} published` : EVENTS[event].done).redirect(`/meetings/${id}`, 303);
    }
    // The check page again, with why: the list of problems is worked out afresh.
    // Warnings are listed on the page itself; the summary carries what stopped publication.
    const errors = outcome.errors.filter((e) => !('severity' in e) || e.severity === 'error')
      .map((e) => (!('severity' in e) || e.field === 'confirm_warnings' ? e : { field: 'check-errors', message: e.message }));
    return renderCheck(req, reply.code(400), id, event, { errors });
  };
  app.post('/meetings/:id/publish/:event', async (req, reply) => {
    const { event } = req.params as { event?: string };
    if (!isEvent(event)) throw new NotFoundError();
    return publish(event)(req, reply);
  });
  // The addresses the meeting page's buttons posted to before the check page existed.
  app.post('/meetings/:id/publish-agenda', publish('agenda'));
  app.post('/meetings/:id/publish-supplement', publish('supplement'));
  app.post('/meetings/:id/publish-minutes', publish('minutes'));

  // ---------------------------------------------------------------- withdrawal

  const WITHDRAW = {
    agenda: { title: 'Withdraw the agenda', label: 'Why is the agenda withdrawn?', done: 'Agenda withdrawn', work: withdrawAgenda },
    minutes: { title: 'Withdraw the minutes', label: 'Why are the minutes withdrawn?', done: 'Minutes withdrawn', work: withdrawMinutes },
  } as const;
  const what = (req: FastifyRequest) => {
    const { what: w } = req.params as { what?: string };
    if (w !== 'agenda' && w !== 'minutes') throw new NotFoundError();
    return w;
  };
  async function renderWithdraw(req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const id = meetingId(req);
    const m = await findMeetingSummary(db, req.partnership.id, id);
    if (!m) throw new NotFoundError();
    authorize(req.actor, 'update', { type: 'meeting', bodyId: m.body_id });
    const w = what(req);
    const published = w === 'agenda' ? m.agenda_published_at : m.minutes_published_at;
    return reply.view(V('withdraw'), {
      title: WITHDRAW[w].title, section: 'meetings', m, what: w, label: WITHDRAW[w].label, published: published ? formatDate(published) : null,
      action: `/meetings/${m.id}/withdraw/${w}`, values: {}, ...extra,
    });
  }
  app.get('/meetings/:id/withdraw/:what', async (req, reply) => renderWithdraw(req, reply));
  app.post('/meetings/:id/withdraw/:what', async (req, reply) => {
    const id = meetingId(req);
    const w = what(req);
    const outcome = await formOutcome(() => WITHDRAW[w].work(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash(WITHDRAW[w].done).redirect(`/meetings/${id}`, 303);
    return renderWithdraw(req, reply.code(400), { values: req.body, errors: outcome.errors });
  });
}
