// The e-mail of one notice to one recipient: the summons (or the supplement, or the
// minutes) with date and weekday, time, where and how to join, the agenda as that
// recipient may see it, links to the pack and the meeting, and for an agenda a calendar
// invitation. Built from a MeetingView filtered for the recipient (record.ts), so a
// restricted item reaches only people entitled to it, as on every other path.
import nunjucks from 'nunjucks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeetingView } from '../record.ts';
import { longDate } from '../pack/minutes.ts';
import { buildCalendar } from '../calendar/ical.ts';
import { meetingEvent } from '../calendar/routes.ts';
import type { MailMessage } from '../../../mail/mailer.ts';
import type { NoticeKind } from './tables.ts';

const templates = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(dirname(fileURLToPath(import.meta.url)), 'views')), { autoescape: true });

export interface NoticeInput {
  kind: NoticeKind;
  /** The invitation's SEQUENCE. */
  sequence: number;
  view: MeetingView;
  partnershipName: string;
  /** The partnership's public address, for links. */
  origin: string;
  recipient: { name: string; email: string };
  /** The recipient may read the body's restricted business: the members' pack. */
  membersVersion: boolean;
  /** Who the invitation comes from (MAIL_FROM). */
  organizer: { name: string; email: string };
}

export interface NoticeLine { label: string; text: string }
export interface NoticeSection { heading: string; items: NoticeLine[] }

const WHAT: Record<NoticeKind, string> = { agenda: 'Agenda', supplement: 'Supplementary agenda', minutes: 'Minutes' };

export function noticeMessage(input: NoticeInput): Omit<MailMessage, 'messageId'> {
  const { view, kind, origin } = input;
  const m = view.meeting;
  const date = longDate(m.meets_on);
  const meetingUrl = `${origin}/meetings/${m.id}`;
  const packUrl = `${origin}/meetings/${m.id}/agenda-pack.pdf`;
  const minutesUrl = `${origin}/meetings/${m.id}/minutes.pdf`;
  const joiningUrl = m.online ? m.joining_url : null;
  const intro = kind === 'agenda'
    ? `The agenda for the meeting of the ${m.body_name} on ${date} has been published. You are invited to attend.`
    : kind === 'supplement'
      ? `A supplementary agenda has been published for the meeting of the ${m.body_name} on ${date}. The agenda below includes it.`
      : `The ${view.minutesDraft ? 'draft ' : ''}minutes of the meeting of the ${m.body_name} held on ${date} have been published.`;
  const details: NoticeLine[] = [
    { label: 'Date', text: date },
    { label: 'Time', text: view.when },
    { label: 'Where', text: view.where },
  ];
  const sections: NoticeSection[] = view.sections.map((s) => ({
    heading: `${s.code}. ${s.title}`,
    items: [
      ...s.items.map((i) => ({ label: i.code, text: i.title })),
      ...s.withheld.map((w) => ({ label: w.code, text: w.notice })),
    ],
  }));
  const links: { text: string; url: string; note?: string }[] = kind === 'minutes'
    ? [{ text: `${view.minutesDraft ? 'Draft minutes' : 'Minutes'} (PDF)`, url: minutesUrl }, { text: 'The meeting’s page', url: meetingUrl }]
    : [
      {
        text: input.membersVersion ? 'Members’ agenda pack (PDF)' : 'Agenda pack (PDF)', url: packUrl,
        note: input.membersVersion ? 'Sign in to download the members’ pack: it includes the restricted items and their papers. Do not pass it on.' : undefined,
      },
      { text: 'The meeting’s page', url: meetingUrl },
    ];
  const preferencesUrl = `${origin}/account/notices`;
  const subject = `${WHAT[kind]}: ${m.body_name}, ${date}`;
  const context = {
    subject, intro, details, joiningUrl, sections, links, preferencesUrl, name: input.recipient.name, partnershipName: input.partnershipName,
    calendar: kind !== 'minutes', bodyName: m.body_name,
  };

  const text = [
    `Dear ${input.recipient.name},`,
    '',
    intro,
    '',
    ...details.map((d) => `${d.label}: ${d.text}`),
    ...(joiningUrl ? [`Join online: ${joiningUrl}`] : []),
    '',
    kind === 'minutes' ? 'Items' : 'Agenda',
    ...sections.flatMap((s) => ['', s.heading, ...(s.items.length ? s.items.map((i) => `  ${i.label}  ${i.text}`) : ['  No items.'])]),
    '',
    ...links.flatMap((l) => [`${l.text}: ${l.url}`, ...(l.note ? [`  ${l.note}`] : [])]),
    '',
    ...(context.calendar ? ['A calendar invitation for the meeting is attached.', ''] : []),
    `You get this e-mail as a member of the ${m.body_name} or a person invited to its meeting. To choose which notices you get, go to ${preferencesUrl}`,
    '',
    input.partnershipName,
  ].join('\n') + '\n';

  const html = templates.render('email.njk', context);

  let calendar: MailMessage['calendar'];
  if (kind !== 'minutes') {
    const event = meetingEvent(m, origin);
    calendar = {
      method: 'REQUEST',
      fileName: 'meeting.ics',
      content: buildCalendar({
        name: m.body_name,
        method: 'REQUEST',
        events: [{
          ...event,
          // DTSTAMP: when this invitation was made.
          modifiedAt: new Date(),
          location: joiningUrl ? `${event.location ?? 'Online'} (${joiningUrl})` : event.location,
          description: `Meeting of the ${m.body_name}. Agenda and papers: ${meetingUrl}${joiningUrl ? ` Join online: ${joiningUrl}` : ''}`,
          sequence: input.sequence,
          organizer: input.organizer,
          attendees: [input.recipient],
        }],
      }),
    };
  }
  return { to: `${input.recipient.name.replace(/[<>",]/g, '')} <${input.recipient.email}>`, subject, text, html, ...(calendar ? { calendar } : {}) };
}
