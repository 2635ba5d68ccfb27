// Meetings as the API shows them: camelCase, no partnership ids, already filtered for the
// reader (record.ts decides what a reader may see; these only shape it).
import { meetingStatusTag } from './domain.ts';
import { paperUrl } from './papers.ts';
import type { MeetingView } from './record.ts';
import type { MeetingSummary, PaperMeta, SectionDefaultRow, StandingItemRow } from './store.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const meetingUrl = (id: string) => `/meetings/${id}`;
export { paperUrl } from './papers.ts';

export const presentMeetingSummary = (m: MeetingSummary) => ({
  id: m.id, bodyId: m.body_id, bodyName: m.body_name, date: m.meets_on, startTime: m.starts_at, endTime: m.ends_at, venue: m.venue, online: m.online,
  status: m.status, statusLabel: meetingStatusTag(m).text, agendaPublishedAt: iso(m.agenda_published_at), minutesPublishedAt: iso(m.minutes_published_at),
  minutesApprovedAt: iso(m.minutes_approved_at), cancelledReason: m.cancelled_reason, url: meetingUrl(m.id),
  agendaSupplementedAt: iso(m.agenda_supplemented_at), minutesAmendedAt: iso(m.minutes_amended_at),
});

export const presentPaper = (p: PaperMeta & { supplement?: number | null; pending?: boolean }) => ({
  id: p.id, title: p.title, fileName: p.file_name, mediaType: p.media_type, byteSize: p.byte_size, sha256: p.sha256, pageCount: p.page_count,
  restricted: p.restricted, url: paperUrl(p), supplement: p.supplement ?? null, pending: p.pending ?? (p.late && p.supplement_id === null),
});

export function presentMeetingDetail(view: MeetingView) {
  const m = view.meeting;
  let order = 0;
  return {
    ...presentMeetingSummary(m),
    contactPersonId: m.contact_person_id,
    contactName: view.contactName,
    publications: view.publications.map((p) => ({
      id: p.id, kind: p.kind, number: p.number, reason: p.reason, publishedAt: p.published_at.toISOString(), publishedBy: p.published_by_label,
    })),
    agenda: view.agendaVisible
      ? {
        published: m.agenda_published_at !== null,
        sections: view.sections.map((s) => ({
          code: s.code, title: s.title, restricted: s.restricted, exemptionReason: s.exemption_reason,
          withheldItems: s.withheld.map((w) => ({ code: w.code, exemptionParagraph: w.exemptionParagraph, notice: w.notice })),
          items: s.items.map((i) => ({
            id: i.id, code: i.code, order: ++order, sectionCode: s.code, title: i.title, description: i.description, kind: i.kind,
            presenter: i.presenter, presenterPersonId: i.presenter_person_id, restricted: i.restricted, exemptionParagraph: i.exemption_paragraph, minuted: i.minuted, minuteNumber: i.minute_number, minutePrinted: i.minute_printed ?? null,
            previousMeetingId: i.previous_meeting_id, electionId: i.election_id, papers: i.papers.map(presentPaper), generatedText: i.generatedText,
            paperExpected: i.paper_expected, supplement: i.supplement, pending: i.pending,
          })),
        })),
      }
      : null,
    attendance: view.attendance.flatMap((g) => g.people.map((a) => ({
      id: a.id, kind: a.kind, personId: a.person_id, name: a.displayName, capacity: a.capacity, mode: a.mode,
      substituteForPersonId: a.substitute_for_person_id, substituteFor: a.substituteFor,
    }))),
    minutes: view.minutesVisible
      ? {
        draft: view.minutesDraft,
        range: view.minuteRange,
        items: view.items.filter((i) => i.minute_number !== null || i.minute_printed !== null || i.paragraphs.length || i.resolutions.length)
          .sort((a, b) => (a.minute_number ?? Number.MAX_SAFE_INTEGER) - (b.minute_number ?? Number.MAX_SAFE_INTEGER))
          .map((i) => ({
            itemId: i.id, code: i.code, minuteNumber: i.minute_number, minutePrinted: i.minute_printed ?? null, title: i.title, restricted: i.restricted,
            paragraphs: i.paragraphs.map((p) => ({ id: p.id, number: p.number, text: p.text })),
            resolutions: i.resolutions.map((r) => ({ id: r.id, label: r.label, text: r.text, confirmsMeetingId: r.confirms_meeting_id })),
            declarations: i.declarations.map((d) => ({ id: d.id, personId: d.person_id, personName: d.personName, interest: d.interest })),
          })),
        amendments: view.amendments.map((a) => ({
          id: a.id, recordType: a.record_type, recordId: a.record_id, before: a.before, after: a.after, reason: a.reason,
          amendedBy: a.amended_by_label, amendedAt: a.amended_at.toISOString(),
        })),
      }
      : null,
  };
}

export const presentSectionDefault = (s: SectionDefaultRow) => ({
  id: s.id, code: s.code, title: s.title, restricted: s.restricted, exemptionReason: s.exemption_reason, position: s.position,
});

export const presentBodySettings = (bodyId: string, firstMinuteNumber: number, standing: StandingItemRow[]) => ({
  bodyId, firstMinuteNumber, standingItems: standing.map((s) => ({ id: s.id, sectionCode: s.section_code, title: s.title, kind: s.kind })),
});

/** API bodies arrive in camelCase; commands read the form's snake_case field names. */
export function fromApi(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}
