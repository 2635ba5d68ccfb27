// Calendar feeds a person can subscribe to: every meeting of one body, or of the whole
// partnership. A feed is public by nature (calendar apps send no session), so it is
// built for the public whoever asks, and holds only what the public meeting list shows:
// body, date, time, venue and status; never an agenda item, so never restricted text.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../web/errors.ts';
import { isUuid } from '../../../web/forms.ts';
import { whereText } from '../domain.ts';
import { formatDate } from '../../../web/nunjucks.ts';
import { findBodyRow, listMeetings, type MeetingSummary } from '../store.ts';
import { publicOrigin } from '../../public/address.ts';
import { buildCalendar, type CalendarEvent } from './ical.ts';

/** The feeds' addresses, for links from the meetings pages. */
export const partnershipCalendarUrl = '/meetings.ics';
export const bodyCalendarUrl = (bodyId: string) => `/bodies/${bodyId}/meetings.ics`;

/** The partnership's configured address for links in the feed, never the request's Host (see public/address.ts). */
const siteOrigin = (req: FastifyRequest): string => publicOrigin(req.partnership, req.server.config);

export function meetingEvent(m: MeetingSummary, origin: string | null): CalendarEvent {
  const cancelled = m.status === 'cancelled';
  const url = origin ? `${origin}/meetings/${m.id}` : null;
  const about = cancelled
    ? `This meeting was cancelled${m.cancelled_reason ? `: ${m.cancelled_reason}` : ''}.`
    : m.agenda_published_at
      ? 'The agenda and papers are published.'
      : 'The agenda will be published before the meeting.';
  // Changes after publication are announced, and LAST-MODIFIED moves with them (updated_at).
  const changes = cancelled ? '' : [
    m.agenda_published_at && m.agenda_supplemented_at ? ` A supplementary agenda was published on ${formatDate(m.agenda_supplemented_at)}.` : '',
    m.minutes_published_at ? ' The minutes are published.' : '',
    m.minutes_published_at && m.minutes_amended_at ? ` The minutes were amended on ${formatDate(m.minutes_amended_at)}.` : '',
  ].join('');
  return {
    uid: `meeting-${m.id}@partnership-hub`,
    date: m.meets_on,
    startTime: m.starts_at,
    endTime: m.ends_at,
    summary: `${cancelled ? 'Cancelled: ' : ''}${m.body_name}`,
    location: whereText(m),
    description: `Meeting of the ${m.body_name}. ${about}${changes}${url ? ` Details: ${url}` : ''}`,
    url,
    cancelled,
    modifiedAt: m.updated_at,
    createdAt: m.created_at,
  };
}

function sendCalendar(reply: FastifyReply, text: string, fileName: string) {
  return reply
    .type('text/calendar; charset=utf-8')
    .header('content-disposition', `inline; filename="${fileName}"`)
    .header('cache-control', 'public, max-age=300')
    .send(text);
}

export async function calendarRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;

  app.get('/meetings.ics', async (req, reply) => {
    const meetings = await listMeetings(db, req.partnership.id, { includeCancelled: true });
    const origin = siteOrigin(req);
    return sendCalendar(reply, buildCalendar({
      name: `${req.partnership.name}: meetings`,
      description: `Meetings of every board and group of the ${req.partnership.name}`,
      events: meetings.map((m) => meetingEvent(m, origin)),
    }), 'meetings.ics');
  });

  app.get('/bodies/:id/meetings.ics', async (req, reply) => {
    const { id } = req.params as { id?: string };
    const body = id && isUuid(id) ? await findBodyRow(db, req.partnership.id, id) : undefined;
    if (!body) throw new NotFoundError();
    const meetings = await listMeetings(db, req.partnership.id, { bodyId: body.id, includeCancelled: true });
    const origin = siteOrigin(req);
    return sendCalendar(reply, buildCalendar({
      name: `${body.name}: meetings`,
      description: `Meetings of the ${body.name}`,
      events: meetings.map((m) => meetingEvent(m, origin)),
    }), 'meetings.ics');
  });
}
