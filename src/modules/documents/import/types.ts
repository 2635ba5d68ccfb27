// The reading of one meeting document: the shape in ../shared/golden/SCHEMA.md.
// Pure data; the reader fills it, a clerk checks it.

export type DocumentKind = 'minutes' | 'agenda-pack' | 'meeting-page';
export type MeetingRole = 'minutes' | 'agenda';

export interface Attendee {
  name: string;
  role: string | null;
}

export interface Attendance {
  present: Attendee[];
  alsoPresent: Attendee[];
  inAttendance: Attendee[];
  apologies: Attendee[];
}

export interface ActionReading {
  owner: string | null;
  text: string;
  /** ISO date, or YYYY-MM where only a month is given. */
  due: string | null;
}

export interface ItemReading {
  minuteNumber: string | null;
  agendaCode: string | null;
  title: string;
  /** Held without press and public; null where the document gives no sign. */
  restricted: boolean | null;
  /** "1-6" from "(Pages 1 - 6)". */
  pages: string | null;
  resolutions: string[];
  actions: ActionReading[];
}

export interface MeetingReading {
  role: MeetingRole;
  date: string | null;
  startTime: string | null;
  venue: string | null;
  attendance: Attendance;
  items: ItemReading[];
}

export interface ReportReading {
  title: string;
  agendaCode: string | null;
  authors: string[];
  date: string | null;
  classification: string | null;
  recommendations: string[];
}

export interface DocumentReading {
  source: string;
  documentKind: DocumentKind;
  body: string | null;
  meetings: MeetingReading[];
  reports: ReportReading[];
  warnings: string[];
}
