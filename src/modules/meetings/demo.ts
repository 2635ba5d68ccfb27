// Demo meetings for the fictional Northshire partnership: past meetings of the board and
// the Working Group with agendas, attendance and minutes (approved at the next meeting),
// and meetings to come, one with a restricted section D item and paper. Written for this
// project; every name and case is invented.
import type { Transaction } from 'kysely';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { DB } from '../../db/schema.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { DEFAULT_SECTIONS, DEFAULT_STANDING_ITEMS, correctRecordText, previousMinutesTitle } from './domain.ts';
import { PDF, sha256Hex } from './papers.ts';
import { indexPaper, reindexMeeting } from './search.ts';
import type { AgendaItemKind, AttendanceKind, MeetingStatus } from './tables.ts';

type Trx = Transaction<DB>;

interface ItemSpec {
  section: string;
  title: string;
  kind?: AgendaItemKind;
  presenter?: string;
  paragraphs?: string[];
  resolutions?: string[];
  paper?: { title: string; lines: string[] };
  minuted?: boolean;
}

interface MeetingSpec {
  bodyId: string;
  on: string;
  at: string;
  venue: string | null;
  online: boolean;
  status: MeetingStatus;
  agendaPublished: boolean;
  minutesPublished: boolean;
  items: ItemSpec[];
  attendance?: [family: string, kind: AttendanceKind, capacity?: string][];
}

/**
 * The day a demo meeting falls on: the first Tuesday, Wednesday or Thursday from `iso`,
 * outside the Christmas and new year week, as partnership meetings are held. No bank
 * holiday of England and Wales falls on those days outside that week, except the rare
 * ones proclaimed for a jubilee or a funeral.
 */
export function meetingDay(iso: string): string {
  for (let day = iso; ; day = addDays(day, 1)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const monthDay = day.slice(5);
    if (weekday >= 2 && weekday <= 4 && monthDay < '12-24' && monthDay > '01-02') return day;
  }
}

/** When a demo agenda was published: eight days before, or yesterday's working day for one published early. Never in the future. */
export function agendaPublishedOn(meetsOn: string, today: string): string {
  let day = addDays(meetsOn, -8);
  if (day >= today) day = addDays(today, -1);
  while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, -1);
  return day;
}

/** Adds the demo meetings; called once from the demo seed, inside its transaction. */
export async function seedMeetingsDemo(trx: Trx, partnershipId: string, today = todayIso()): Promise<void> {
  const pid = partnershipId;
  const bodies = await trx.selectFrom('bodies').select(['id', 'name', 'kind']).where('partnership_id', '=', pid).execute();
  const board = bodies.find((b) => b.kind === 'board');
  const working = bodies.find((b) => b.name === 'Working Group');
  if (!board || !working) return;
  const people = await trx.selectFrom('people').select(['id', 'family_name']).where('partnership_id', '=', pid).execute();
  const person = (family: string) => people.find((p) => p.family_name === family)?.id ?? null;
  const clerk = person('Abernethy');

  await trx.insertInto('agenda_section_defaults').values(DEFAULT_SECTIONS.map((s, i) => ({ ...s, partnership_id: pid, position: i + 1 }))).execute();
  for (const [body, first] of [[board.id, 101], [working.id, 1]] as const) {
    await trx.insertInto('body_meeting_settings').values({ partnership_id: pid, body_id: body, first_minute_number: first }).execute();
    const counts = new Map<string, number>();
    for (const s of DEFAULT_STANDING_ITEMS) {
      const position = (counts.get(s.section_code) ?? 0) + 1;
      counts.set(s.section_code, position);
      await trx.insertInto('standing_items').values({ ...s, partnership_id: pid, body_id: body, position }).execute();
    }
  }
  await trx.insertInto('standing_items').values([
    { partnership_id: pid, body_id: board.id, section_code: 'A', title: 'Matters arising', kind: 'matters-arising', position: 5 },
    { partnership_id: pid, body_id: board.id, section_code: 'B', title: 'Working Group update', kind: 'business', position: 1 },
  ]).execute();

  const nextMinute = new Map<string, number>([[board.id, 101], [working.id, 1]]);
  const made: { id: string; on: string; bodyId: string; notesItemId: string | null }[] = [];

  async function makeMeeting(spec: MeetingSpec) {
    const previous = [...made].reverse().find((m) => m.bodyId === spec.bodyId && m.on < spec.on);
    const meeting = await trx.insertInto('meetings').values({
      partnership_id: pid, body_id: spec.bodyId, meets_on: spec.on, starts_at: spec.at, ends_at: null, venue: spec.venue, online: spec.online,
      contact_person_id: clerk, status: spec.status, cancelled_reason: null,
      agenda_published_at: spec.agendaPublished ? new Date(`${agendaPublishedOn(spec.on, today)}T09:00:00Z`) : null,
      minutes_published_at: spec.minutesPublished ? new Date(`${addDays(spec.on, 14)}T09:00:00Z`) : null,
      minutes_approved_at: null, approved_at_meeting_id: null, created_by: null,
      minutes_numbers_fixed_at: spec.minutesPublished ? new Date(`${addDays(spec.on, 14)}T09:00:00Z`) : null,
    }).returning(['id', 'agenda_published_at', 'minutes_published_at']).executeTakeFirstOrThrow();
    // Their publication history, as the publish commands would have kept it.
    for (const [kind, at] of [['agenda', meeting.agenda_published_at], ['minutes', meeting.minutes_published_at]] as const) {
      if (at) await trx.insertInto('meeting_publications').values({ partnership_id: pid, meeting_id: meeting.id, kind, published_at: at, published_by_label: 'Clerk to the partnership' }).execute();
    }
    const sections = new Map<string, { id: string; restricted: boolean }>();
    for (const [i, s] of DEFAULT_SECTIONS.entries()) {
      const row = await trx.insertInto('meeting_sections').values({ ...s, partnership_id: pid, meeting_id: meeting.id, position: i + 1 }).returning('id').executeTakeFirstOrThrow();
      sections.set(s.code, { id: row.id, restricted: s.restricted });
    }
    const minuting = spec.status === 'minutes-draft' || spec.status === 'minutes-approved';
    const positions = new Map<string, number>();
    let notesItemId: string | null = null;
    for (const item of spec.items) {
      const section = sections.get(item.section)!;
      const position = (positions.get(item.section) ?? 0) + 1;
      positions.set(item.section, position);
      const isNotes = item.kind === 'previous-minutes';
      const minuted = item.minuted ?? true;
      let minuteNumber: number | null = null;
      if (minuting && minuted) {
        minuteNumber = nextMinute.get(spec.bodyId)!;
        nextMinute.set(spec.bodyId, minuteNumber + 1);
      }
      const row = await trx.insertInto('agenda_items').values({
        partnership_id: pid, meeting_id: meeting.id, body_id: spec.bodyId, section_id: section.id, position, code: `${item.section}${position}`,
        title: isNotes && previous ? previousMinutesTitle(previous.on) : item.title, description: null, kind: item.kind ?? 'business',
        presenter_person_id: item.presenter ? person(item.presenter) : null, presenter_name: null, restricted: section.restricted,
        standing_item_id: null, previous_meeting_id: isNotes ? previous?.id ?? null : null, election_id: null, minuted, minute_number: minuteNumber,
      }).returning('id').executeTakeFirstOrThrow();
      if (isNotes) notesItemId = row.id;
      if (item.paper) {
        const bytes = await demoPdf(item.paper.title, item.paper.lines);
        const paper = await trx.insertInto('papers').values({
          partnership_id: pid, meeting_id: meeting.id, agenda_item_id: row.id, title: item.paper.title, file_name: `${item.paper.title.replace(/[^\w]+/g, '-').toLowerCase()}.pdf`,
          media_type: PDF, byte_size: bytes.length, sha256: sha256Hex(bytes), page_count: 1, content: bytes, restricted: section.restricted, uploaded_by: null,
        }).returning(['id', 'meeting_id', 'title', 'file_name', 'media_type', 'restricted']).executeTakeFirstOrThrow();
        await indexPaper(trx, pid, paper, spec.bodyId, spec.on, item.paper.lines.join('\n'));
      }
      if (minuting) {
        for (const [i, text] of (item.paragraphs ?? []).entries()) {
          await trx.insertInto('minute_paragraphs').values({ partnership_id: pid, meeting_id: meeting.id, agenda_item_id: row.id, position: i + 1, text }).execute();
        }
        let position = 0;
        if (isNotes && previous) {
          await trx.insertInto('resolutions').values({
            partnership_id: pid, meeting_id: meeting.id, agenda_item_id: row.id, position: ++position, text: correctRecordText(previous.on, null), confirms_meeting_id: previous.id,
          }).execute();
          await trx.updateTable('meetings').set({ status: 'minutes-approved', minutes_approved_at: new Date(`${spec.on}T12:00:00Z`), approved_at_meeting_id: meeting.id })
            .where('partnership_id', '=', pid).where('id', '=', previous.id).execute();
        }
        for (const text of item.resolutions ?? []) {
          await trx.insertInto('resolutions').values({ partnership_id: pid, meeting_id: meeting.id, agenda_item_id: row.id, position: ++position, text, confirms_meeting_id: null }).execute();
        }
      }
    }
    for (const [family, kind, capacity] of spec.attendance ?? []) {
      const id = person(family);
      if (!id) continue;
      await trx.insertInto('meeting_attendance').values({
        partnership_id: pid, meeting_id: meeting.id, person_id: id, name: null, capacity: capacity ?? null, kind,
        mode: kind === 'present' || kind === 'in-attendance' ? (spec.online ? 'virtual' : 'in-person') : null, substitute_for_person_id: null,
      }).execute();
    }
    made.push({ id: meeting.id, on: spec.on, bodyId: spec.bodyId, notesItemId });
    return meeting.id;
  }

  const boardOpening = (): ItemSpec[] => [
    { section: 'A', title: 'Introduction', kind: 'introduction', minuted: false },
    { section: 'A', title: 'Apologies and substitutes', kind: 'apologies', paragraphs: ['Apologies were received as recorded above.'] },
    { section: 'A', title: 'Declarations of interest', kind: 'declarations', paragraphs: ['No declarations were received.'] },
    { section: 'A', title: 'Notes of the last meeting', kind: 'previous-minutes' },
  ];
  const boardPresent: MeetingSpec['attendance'] = [
    ['Kellaway', 'present', 'Chair'], ['Osei', 'present', 'Vice-Chair'], ['Begum', 'present'], ['Penhaligon', 'present'], ['Macrae', 'present'],
    ['Mensah', 'present'], ['Whitlock', 'present'], ['Pellow', 'present'], ['Ramaswamy', 'in-attendance', 'Head of Community Safety'],
    ['Abernethy', 'in-attendance', 'Partnership Clerk'], ['Treharne', 'apologies'], ['Carver', 'apologies'],
  ];

  // The board: three meetings held, the first two approved at the next; two to come.
  await makeMeeting({
    bodyId: board.id, on: meetingDay(addDays(today, -420)), at: '10:00', venue: null, online: true, status: 'minutes-draft', agendaPublished: true, minutesPublished: true,
    attendance: boardPresent,
    items: [
      ...boardOpening().filter((i) => i.kind !== 'previous-minutes'),
      { section: 'B', title: 'Community Safety Agreement refresh', presenter: 'Ramaswamy',
        paragraphs: ['Ms Ramaswamy introduced the refreshed agreement and its four priorities: violence against women and girls, serious violence, anti-social behaviour and road safety.', 'Members asked that the action plan name a lead organisation for each action.'],
        resolutions: ['to note the refreshed Community Safety Agreement and endorse its priorities.'] },
      { section: 'C', title: 'Dates of future meetings', kind: 'future-dates', resolutions: ['that the dates of future meetings be noted.'] },
    ],
  });
  await makeMeeting({
    bodyId: board.id, on: meetingDay(addDays(today, -240)), at: '10:00', venue: 'Council Chamber, County Hall, Northtown', online: false, status: 'minutes-draft', agendaPublished: true, minutesPublished: true,
    attendance: boardPresent,
    items: [
      ...boardOpening(),
      { section: 'B', title: 'Working Group update', presenter: 'Lindqvist',
        paragraphs: ['Mr Lindqvist reported that six projects had been approved for the crime reduction grant and that the tactical pot stood at £13,221.', 'The Chair asked how quickly unspent money could be reallocated. Mr Lindqvist agreed to report back at the next meeting.'],
        resolutions: ['to note the progress of the Working Group.'] },
      { section: 'B', title: 'Serious violence duty: strategic needs assessment', presenter: 'Osei',
        paragraphs: ['Supt Osei presented the draft strategic needs assessment prepared with the youth justice service and public health.'],
        resolutions: ['to endorse the strategic needs assessment.', 'that partners provide their data returns by the end of the quarter.'] },
      { section: 'C', title: 'Dates of future meetings', kind: 'future-dates', resolutions: ['that the dates of future meetings be noted.'] },
      { section: 'D', title: 'Review Steering Group: progress of reviews', presenter: 'Ramaswamy',
        paragraphs: ['Members received an update on the two reviews in progress. Details are held in the restricted record.'],
        resolutions: ['that the update be noted.'] },
    ],
  });
  await makeMeeting({
    bodyId: board.id, on: meetingDay(addDays(today, -60)), at: '10:00', venue: 'Council Chamber, County Hall, Northtown', online: true, status: 'minutes-draft', agendaPublished: true, minutesPublished: true,
    attendance: boardPresent,
    items: [
      ...boardOpening(),
      { section: 'B', title: 'Working Group update', presenter: 'Lindqvist',
        paragraphs: ['Mr Lindqvist confirmed that the unspent grant had been added to the tactical pot, as agreed at the last meeting.'],
        resolutions: ['to note the update.'], paper: { title: 'Working Group report', lines: ['Northshire Working Group report to the Partnership.', 'Crime reduction grant: six projects approved; tactical pot £13,221.'] } },
      { section: 'B', title: 'Anti-social behaviour: summer plan', presenter: 'Grant',
        paragraphs: ['Ch Supt Grant outlined the summer plan for town centres, with joint patrols by police and district council wardens.'],
        resolutions: ['to support the summer plan.'] },
      { section: 'C', title: 'Dates of future meetings', kind: 'future-dates', resolutions: ['that the dates of future meetings be noted.'] },
      { section: 'D', title: 'Prevent partnership update', presenter: 'Okonkwo',
        paragraphs: ['Mr Okonkwo updated members on referrals. The figures are restricted.'], resolutions: ['that the update be noted.'] },
    ],
  });
  await makeMeeting({
    bodyId: board.id, on: meetingDay(addDays(today, 40)), at: '10:00', venue: 'Council Chamber, County Hall, Northtown', online: true, status: 'agenda-published', agendaPublished: true, minutesPublished: false,
    items: [
      ...boardOpening(),
      { section: 'A', title: 'Matters arising', kind: 'matters-arising' },
      { section: 'B', title: 'Working Group update', presenter: 'Lindqvist', paper: { title: 'Working Group report', lines: ['Northshire Working Group report to the Partnership.', 'Progress of the grant projects for the year.'] } },
      { section: 'B', title: 'Strategic assessment: partner data', presenter: 'Fairweather',
        paper: { title: 'Strategic assessment data request', lines: ['Partners are asked for their data for the annual strategic assessment.', 'Returns are due six weeks before the assessment workshop.'] } },
      { section: 'C', title: 'Dates of future meetings', kind: 'future-dates' },
      { section: 'D', title: 'Review of the death of "Alder 2025": panel progress', presenter: 'Ramaswamy',
        paper: { title: 'Alder 2025 panel progress report', lines: ['RESTRICTED. Not for publication.', 'Panel progress on the review known as Alder 2025: chronologies received from four agencies.'] } },
    ],
  });
  await makeMeeting({
    bodyId: board.id, on: meetingDay(addDays(today, 220)), at: '14:00', venue: null, online: true, status: 'scheduled', agendaPublished: false, minutesPublished: false,
    items: [...boardOpening(), { section: 'A', title: 'Matters arising', kind: 'matters-arising' }, { section: 'B', title: 'Working Group update' }, { section: 'C', title: 'Dates of future meetings', kind: 'future-dates' }],
  });

  // The Working Group: two meetings held, one to come.
  const wgOpening = (): ItemSpec[] => [
    { section: 'A', title: 'Apologies and substitutes', kind: 'apologies', paragraphs: ['Apologies were received as recorded above.'] },
    { section: 'A', title: 'Declarations of interest', kind: 'declarations', paragraphs: ['No declarations were received.'] },
    { section: 'A', title: 'Notes of the last meeting', kind: 'previous-minutes' },
  ];
  const wgPresent: MeetingSpec['attendance'] = [
    ['Lindqvist', 'present', 'Chair'], ['Stroud', 'present', 'Vice-Chair'], ['Adeyemi', 'present'], ['Gallagher', 'present'], ['Chen', 'present'],
    ['Ibekwe', 'present'], ['Lamb', 'present'], ['Qureshi', 'apologies'], ['Fairweather', 'in-attendance', 'Community Safety Officer'],
  ];
  await makeMeeting({
    bodyId: working.id, on: meetingDay(addDays(today, -150)), at: '09:30', venue: null, online: true, status: 'minutes-draft', agendaPublished: true, minutesPublished: true,
    attendance: wgPresent,
    items: [
      ...wgOpening().filter((i) => i.kind !== 'previous-minutes'),
      { section: 'B', title: 'Crime reduction grant: project proposals', presenter: 'Ibekwe',
        paragraphs: ['Six project proposals were presented and discussed.'], resolutions: ['to recommend the six projects to the Chair of the Partnership for endorsement.'] },
    ],
  });
  await makeMeeting({
    bodyId: working.id, on: meetingDay(addDays(today, -45)), at: '09:30', venue: 'Room 2, Ashby Vale Civic Centre', online: false, status: 'minutes-draft', agendaPublished: true, minutesPublished: false,
    attendance: wgPresent,
    items: [
      ...wgOpening(),
      { section: 'B', title: 'Action plan monitoring', presenter: 'Fairweather',
        paragraphs: ['Mr Fairweather reported that 14 of the 20 actions were on track.'], resolutions: ['to note the action plan progress.'] },
    ],
  });
  await makeMeeting({
    bodyId: working.id, on: meetingDay(addDays(today, 25)), at: '09:30', venue: null, online: true, status: 'scheduled', agendaPublished: false, minutesPublished: false,
    items: [...wgOpening(), { section: 'B', title: 'Action plan monitoring' }, { section: 'C', title: 'Dates of future meetings', kind: 'future-dates' }],
  });

  // Search finds the demo meetings as it finds any other.
  for (const m of made) await reindexMeeting(trx, pid, m.id);
}

async function demoPdf(title: string, lines: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  // A fixed date keeps the demo's papers byte for byte the same on every load.
  pdf.setCreationDate(new Date('2026-01-01T00:00:00Z'));
  pdf.setModificationDate(new Date('2026-01-01T00:00:00Z'));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  page.drawText(title, { x: 50, y: 780, size: 16, font });
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 740 - i * 18, size: 11, font }));
  return pdf.save();
}
