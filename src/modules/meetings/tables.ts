// Table types of the meetings module (migrations/002_meetings.sql).
export interface MeetingsTables {}
