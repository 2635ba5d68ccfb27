// Table types of the meetings module (migrations/002_meetings.sql).
import type { ColumnType, Generated } from 'kysely';

export type MeetingStatus = 'scheduled' | 'agenda-published' | 'held' | 'minutes-draft' | 'minutes-approved' | 'cancelled';
export type AgendaItemKind =
  | 'introduction' | 'apologies' | 'declarations' | 'previous-minutes' | 'matters-arising' | 'election' | 'future-dates' | 'business';
export type AttendanceKind = 'present' | 'in-attendance' | 'also-present' | 'apologies' | 'absent';
export type AttendanceMode = 'in-person' | 'virtual';
export type PaperMediaType = 'application/pdf' | 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export type AmendedRecordType = 'minute-paragraph' | 'resolution';

/** PGlite reads bytea as Uint8Array, pg as Buffer (a Uint8Array too). */
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

export interface AgendaSectionDefaultsTable {
  partnership_id: string;
  id: Generated<string>;
  code: string;
  title: string;
  restricted: boolean;
  exemption_reason: string | null;
  position: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface BodyMeetingSettingsTable {
  partnership_id: string;
  id: Generated<string>;
  body_id: string;
  first_minute_number: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StandingItemsTable {
  partnership_id: string;
  id: Generated<string>;
  body_id: string;
  section_code: string;
  title: string;
  kind: AgendaItemKind;
  position: number;
  created_at: Generated<Date>;
}

export interface MeetingsTable {
  partnership_id: string;
  id: Generated<string>;
  body_id: string;
  /** 'YYYY-MM-DD' */
  meets_on: string;
  /** 'HH:MM', local time */
  starts_at: string;
  ends_at: string | null;
  venue: string | null;
  online: boolean;
  /** The link to join online (migration 017). */
  joining_url: Generated<string | null>;
  contact_person_id: string | null;
  status: Generated<MeetingStatus>;
  cancelled_reason: string | null;
  agenda_published_at: Date | null;
  minutes_published_at: Date | null;
  minutes_approved_at: Date | null;
  approved_at_meeting_id: string | null;
  /** 'HH:MM': when the meeting closed, as the minutes record it. */
  closed_at: string | null;
  /** Raised by every save of the minutes: a save based on an older version is refused. */
  minutes_version: Generated<number>;
  minutes_saved_at: Date | null;
  minutes_saved_by: string | null;
  /** First publication of the minutes: their numbers never change after it (014). */
  minutes_numbers_fixed_at: Generated<Date | null>;
  agenda_supplemented_at: Generated<Date | null>;
  minutes_amended_at: Generated<Date | null>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MeetingSectionsTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  code: string;
  title: string;
  restricted: boolean;
  exemption_reason: string | null;
  position: number;
}

export interface AgendaItemsTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  body_id: string;
  section_id: string;
  position: number;
  code: string;
  code_fixed: Generated<boolean>;
  title: string;
  description: string | null;
  kind: AgendaItemKind;
  presenter_person_id: string | null;
  presenter_name: string | null;
  restricted: boolean;
  /** Of a restricted item: the paragraph (1-7) of Schedule 12A it is exempt under (migration 018). */
  exemption_paragraph: Generated<number | null>;
  standing_item_id: string | null;
  previous_meeting_id: string | null;
  election_id: string | null;
  minuted: Generated<boolean>;
  minute_number: number | null;
  /** The minute number as printed where it is not a plain number ("24/31", "5.1"), migration 028. */
  minute_printed: Generated<string | null>;
  /** Added after the agenda was published; public once a supplement publishes it (014). */
  late: Generated<boolean>;
  supplement_id: Generated<string | null>;
  paper_expected: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PapersTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  agenda_item_id: string;
  title: string;
  file_name: string;
  media_type: PaperMediaType;
  byte_size: number;
  sha256: string;
  page_count: number | null;
  content: Bytes;
  restricted: boolean;
  uploaded_by: string | null;
  late: Generated<boolean>;
  supplement_id: Generated<string | null>;
  created_at: Generated<Date>;
}

export interface MeetingAttendanceTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  person_id: string | null;
  name: string | null;
  capacity: string | null;
  kind: AttendanceKind;
  mode: AttendanceMode | null;
  substitute_for_person_id: string | null;
  created_at: Generated<Date>;
}

export interface DeclarationsOfInterestTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  agenda_item_id: string;
  person_id: string;
  interest: string;
  created_at: Generated<Date>;
}

export interface MinuteParagraphsTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  agenda_item_id: string;
  position: number;
  text: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ResolutionsTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  agenda_item_id: string;
  position: number;
  text: string;
  confirms_meeting_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MinuteAmendmentsTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  record_type: AmendedRecordType;
  record_id: string;
  before: string;
  after: string;
  reason: string;
  amended_by: string | null;
  amended_by_label: string;
  amended_at: Generated<Date>;
}

export type PublicationKind = 'agenda' | 'supplement' | 'minutes' | 'agenda-withdrawn' | 'minutes-withdrawn';

/** Each publication and withdrawal of a meeting's agenda, supplements and minutes (014). */
export interface MeetingPublicationsTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  kind: PublicationKind;
  number: number | null;
  reason: string | null;
  warnings_confirmed: Generated<string[]>;
  published_at: Generated<Date>;
  published_by: string | null;
  published_by_label: string;
}

export interface MeetingsTables {
  meeting_publications: MeetingPublicationsTable;
  agenda_section_defaults: AgendaSectionDefaultsTable;
  body_meeting_settings: BodyMeetingSettingsTable;
  standing_items: StandingItemsTable;
  meetings: MeetingsTable;
  meeting_sections: MeetingSectionsTable;
  agenda_items: AgendaItemsTable;
  papers: PapersTable;
  meeting_attendance: MeetingAttendanceTable;
  declarations_of_interest: DeclarationsOfInterestTable;
  minute_paragraphs: MinuteParagraphsTable;
  resolutions: ResolutionsTable;
  minute_amendments: MinuteAmendmentsTable;
  meeting_versions: MeetingVersionsTable;
}

/** Moved on by triggers at every change to a meeting's record (migration 058; modules/meetings/recordCache.ts). */
export interface MeetingVersionsTable {
  partnership_id: string;
  meeting_id: string;
  version: Generated<string>;
}
