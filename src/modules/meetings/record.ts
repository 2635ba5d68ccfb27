// One meeting's record as one reader may see it. Restricted items (and their papers,
// minutes and declarations) are kept only when the policy says this reader may read
// them; the agenda and the minutes only once published, for the public. Pages, the API
// and (later) the agenda pack all start from this, so no path shows more than another.
import type { Actor } from '../../access/policy.ts';
import { isStaff } from '../../access/policy.ts';
import { mayReadAgenda, mayReadMinutes, mayReadRecord } from './access.ts';
import {
  closingTimeText, editProblem, orderAttendance, formatTime, futureDatesText, meetingStatusTag, minuteRange, minutesAmendable, resolutionLabel, whereText,
} from './domain.ts';
import { paperUrl } from './papers.ts';
import { exemptionText, paragraphOfReason } from './exemption.ts';
import { publicationText } from './publishing.ts';
import type {
  AgendaItemInOrder, AmendmentRow, AttendanceRow, DeclarationRow, MeetingRecord, PaperMeta, ParagraphRow, ResolutionRow, SectionRow,
} from './store.ts';

export interface ItemView extends AgendaItemInOrder {
  presenter: string | null;
  papers: (PaperMeta & { url: string; supplement: number | null; pending: boolean })[];
  paragraphs: (ParagraphRow & { number: number })[];
  resolutions: (ResolutionRow & { label: string })[];
  declarations: (DeclarationRow & { personName: string })[];
  /** The "dates of future meetings" item's words, worked out from the schedule. */
  generatedText: string | null;
  /** The supplementary agenda that published this late item; null when on the agenda as first published. */
  supplement: number | null;
  /** Added to the published agenda, and not yet published by a supplement (the partnership's own people only). */
  pending: boolean;
}

/** A restricted item this reader may not read: the public agenda says it is held without press and public, and why, never what it is. */
export interface WithheldItem {
  code: string;
  exemptionParagraph: number | null;
  notice: string;
}

export interface SectionView extends SectionRow {
  items: ItemView[];
  withheld: WithheldItem[];
}

export interface AttendeeView extends AttendanceRow {
  displayName: string;
  substituteFor: string | null;
  familyName: string | null;
  memberRole: 'chair' | 'vice-chair' | null;
  /** As the minutes print it: "Cllr Anne Shaw (Chair)", "DI Mark Chen, substitute for Supt Daniel Osei". */
  text: string;
}

export interface MeetingView {
  meeting: MeetingRecord['meeting'];
  status: { text: string; classes: string };
  statusLabel: string;
  when: string;
  where: string;
  contactName: string | null;
  /** The agenda may be shown to this reader (published, or the reader is one of the partnership's people). */
  agendaVisible: boolean;
  minutesVisible: boolean;
  /** Minutes not yet approved as a correct record: shown marked as a draft. */
  minutesDraft: boolean;
  minutesLocked: boolean;
  minuteRange: string;
  sections: SectionView[];
  items: ItemView[];
  attendance: { kind: string; heading: string; people: AttendeeView[] }[];
  amendments: AmendmentRow[];
  /** "The meeting closed at 3.45 pm." once the minutes record it (and are visible). */
  closingText: string | null;
  /** Every publication and withdrawal (with its reason), oldest first: the public record of what was published when. */
  publications: (MeetingRecord['publications'][number] & { text: string })[];
  /** The agenda or minutes are off the public record now, withdrawn with this reason. */
  agendaWithdrawn: string | null;
  minutesWithdrawn: string | null;
  /** Late items and papers waiting for a supplementary agenda. */
  pendingLate: number;
  /** The "notes of the last meeting" item names no earlier meeting (there is none). */
  previousMinutesMissing: boolean;
  /** Whether the reader may change the record now, and if not why. */
  canEdit: boolean;
  editProblem: string | null;
  /** Restricted records this view contains: each read is audited. */
  restrictedShown: { recordType: string; id: string; summary: string }[];
}

export interface ViewExtras {
  /** Later meetings of the body, for the "dates of future meetings" item. */
  laterMeetings?: { meets_on: string; starts_at: string }[];
}

export function buildMeetingView(record: MeetingRecord, actor: Actor, extras: ViewExtras = {}): MeetingView {
  const { meeting, names } = record;
  const bodyId = meeting.body_id;
  const agendaVisible = mayReadAgenda(actor, meeting);
  const minutesVisible = mayReadMinutes(actor, meeting) && (meeting.status === 'minutes-draft' || meeting.status === 'minutes-approved');
  const restrictedShown: MeetingView['restrictedShown'] = [];
  // Late items and papers are like a draft agenda until a supplement publishes them.
  const mayReadPending = mayReadAgenda(actor, { body_id: bodyId, agenda_published_at: null });
  const supplementNumbers = new Map(record.publications.filter((p) => p.kind === 'supplement').map((p) => [p.id, p.number]));
  const pendingOf = (r: { late: boolean; supplement_id: string | null }) => meeting.agenda_published_at !== null && r.late && r.supplement_id === null;
  const supplementOf = (r: { late: boolean; supplement_id: string | null }) => (r.supplement_id ? supplementNumbers.get(r.supplement_id) ?? null : null);
  let pendingLate = 0;

  // Attendance and declarations are part of the minutes: the public sees them once published.
  const showAttendance = minutesVisible || actor.kind === 'user';
  const items: ItemView[] = [];
  const withheld = new Map<string, WithheldItem[]>();
  if (agendaVisible) {
    for (const item of record.items) {
      if (pendingOf(item) && !mayReadPending) continue;
      if (!mayReadRecord(actor, item, bodyId)) {
        const reason = record.sections.find((s) => s.id === item.section_id)?.exemption_reason ?? null;
        const paragraph = item.exemption_paragraph ?? paragraphOfReason(reason);
        const list = withheld.get(item.section_id) ?? [];
        list.push({ code: item.code, exemptionParagraph: paragraph, notice: `Held without the press and public. ${exemptionText(paragraph)}.` });
        withheld.set(item.section_id, list);
        continue;
      }
      if (item.restricted) restrictedShown.push({ recordType: 'agenda-item', id: item.id, summary: `Read restricted item ${item.code}` });
      const papers = record.papers.filter((p) => p.agenda_item_id === item.id && mayReadRecord(actor, p, bodyId) && mayReadRecord(actor, item, bodyId))
        .filter((p) => mayReadPending || !pendingOf(p))
        .map((p) => ({ ...p, url: paperUrl(p), supplement: supplementOf(p), pending: pendingOf(p) }));
      pendingLate += (pendingOf(item) ? 1 : 0) + papers.filter((p) => p.pending && !pendingOf(item)).length;
      const paragraphs = minutesVisible
        ? record.paragraphs.filter((p) => p.agenda_item_id === item.id).sort((a, b) => a.position - b.position).map((p, i) => ({ ...p, number: i + 1 }))
        : [];
      const itemResolutions = minutesVisible ? record.resolutions.filter((r) => r.agenda_item_id === item.id).sort((a, b) => a.position - b.position) : [];
      const resolutions = itemResolutions.map((r, i) => ({ ...r, label: resolutionLabel(i, itemResolutions.length) }));
      const declarations = record.declarations.filter((d) => showAttendance && d.agenda_item_id === item.id)
        .map((d) => ({ ...d, personName: names.get(d.person_id) ?? 'Unknown person' }));
      items.push({
        ...item,
        presenter: item.presenter_person_id ? names.get(item.presenter_person_id) ?? item.presenter_name : item.presenter_name,
        papers, paragraphs, resolutions, declarations,
        generatedText: item.kind === 'future-dates' ? futureDatesText(extras.laterMeetings ?? [], meeting.body_name) : null,
        supplement: supplementOf(item), pending: pendingOf(item),
      });
    }
  }
  // A restricted section shows a reader who may not read it only that its items are held
  // without press and public, and under which paragraph; one with no items is left out.
  const sections = record.sections
    .map((s) => ({ ...s, items: items.filter((i) => i.section_id === s.id), withheld: withheld.get(s.id) ?? [] }))
    .filter((s) => !s.restricted || (agendaVisible && (mayReadRecord(actor, s, bodyId) || s.withheld.length > 0)));

  // The minutes' order: chair, vice-chair, then by surname; substitutes after apologies.
  const attendance = showAttendance
    ? orderAttendance(record.attendance.map((a) => ({
      ...a,
      displayName: a.person_id ? names.get(a.person_id) ?? a.name ?? 'Unknown person' : a.name ?? '',
      substituteFor: a.substitute_for_person_id ? names.get(a.substitute_for_person_id) ?? null : null,
      familyName: a.person_id ? record.attendees.get(a.person_id)?.familyName ?? null : null,
      memberRole: a.person_id ? record.attendees.get(a.person_id)?.memberRole ?? null : null,
    }))).map((g) => ({ kind: g.key as string, heading: g.heading, people: g.people }))
    : [];

  // Amendments of restricted records stay with those records.
  const visibleIds = new Set([...items.flatMap((i) => [...i.paragraphs.map((p) => p.id), ...i.resolutions.map((r) => r.id)])]);
  const amendments = minutesVisible ? record.amendments.filter((a) => visibleIds.has(a.record_id)) : [];

  const problem = editProblem(meeting);
  return {
    meeting,
    status: meetingStatusTag(meeting),
    statusLabel: meetingStatusTag(meeting).text,
    when: `${formatTime(meeting.starts_at)}${meeting.ends_at ? ` to ${formatTime(meeting.ends_at)}` : ''}`,
    where: whereText(meeting),
    contactName: meeting.contact_person_id ? names.get(meeting.contact_person_id) ?? null : null,
    agendaVisible,
    minutesVisible,
    minutesDraft: meeting.status !== 'minutes-approved',
    // Published or approved: corrected only by a recorded amendment.
    minutesLocked: minutesAmendable(meeting),
    minuteRange: minuteRange(items.map((i) => i.minute_number)),
    sections,
    items,
    attendance,
    amendments,
    closingText: minutesVisible && meeting.closed_at ? `The meeting closed at ${closingTimeText(meeting.closed_at)}.` : null,
    publications: record.publications.map((p) => ({ ...p, text: publicationText(p) })),
    agendaWithdrawn: !meeting.agenda_published_at ? lastWithdrawal(record.publications, 'agenda') : null,
    minutesWithdrawn: !meeting.minutes_published_at ? lastWithdrawal(record.publications, 'minutes') : null,
    pendingLate,
    previousMinutesMissing: items.some((i) => i.kind === 'previous-minutes' && !i.previous_meeting_id),
    canEdit: isStaff(actor) && problem === null,
    editProblem: problem,
    restrictedShown,
  };
}

/** The reason and date of the latest withdrawal, when nothing was published after it. */
function lastWithdrawal(publications: MeetingRecord['publications'], what: 'agenda' | 'minutes'): string | null {
  const last = [...publications].reverse().find((p) => p.kind === what || p.kind === `${what}-withdrawn`);
  return last && last.kind === `${what}-withdrawn` ? publicationText(last) : null;
}
