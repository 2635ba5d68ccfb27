// Table types of the notices (migrations/017_meeting_notices.sql).
import type { Generated } from 'kysely';

export type NoticeKind = 'agenda' | 'supplement' | 'minutes';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface NoticePreferencesTable {
  partnership_id: string;
  user_id: string;
  agendas: Generated<boolean>;
  supplements: Generated<boolean>;
  minutes: Generated<boolean>;
  updated_at: Generated<Date>;
}

export interface MeetingNoticesTable {
  partnership_id: string;
  id: Generated<string>;
  meeting_id: string;
  kind: NoticeKind;
  sequence: number;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface NoticeOutboxTable {
  partnership_id: string;
  id: Generated<string>;
  notice_id: string;
  person_id: string | null;
  user_id: string | null;
  email: string;
  name: string;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  claimed_at: Date | null;
  claimed_by: string | null;
  sent_at: Date | null;
  last_error: string | null;
  message_id: string;
  members_version: boolean | null;
  created_at: Generated<Date>;
}

export interface NoticesTables {
  notice_preferences: NoticePreferencesTable;
  meeting_notices: MeetingNoticesTable;
  notice_outbox: NoticeOutboxTable;
}
