// Table types of the actions module (migrations/003_actions.sql).
import type { Generated } from 'kysely';

export type ActionStatus = 'open' | 'in-progress' | 'done' | 'dropped';
export type ActionSourceKind = 'minute-paragraph' | 'resolution' | 'manual';

export interface ActionsTable {
  partnership_id: string;
  id: Generated<string>;
  body_id: string;
  meeting_id: string | null;
  source_kind: ActionSourceKind | null;
  source_id: string | null;
  source_text: string | null;
  description: string;
  owner_person_id: string | null;
  owner_organisation_id: string | null;
  /** 'YYYY-MM-DD' */
  due_on: string;
  status: Generated<ActionStatus>;
  /** Whether readers are judged as for restricted business: the clerk's choice, or a restricted source (sources.ts). */
  restricted: Generated<boolean>;
  /** The clerk's own choice (or a review panel's default), kept apart so that restriction can follow the source both ways. */
  marked_restricted: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ActionUpdatesTable {
  partnership_id: string;
  id: Generated<string>;
  action_id: string;
  author_user_id: string | null;
  author_label: string;
  at: Generated<Date>;
  note: string | null;
  from_status: ActionStatus | null;
  to_status: ActionStatus;
  from_due_on: string | null;
  to_due_on: string | null;
}

export interface ActionRemindersTable {
  partnership_id: string;
  id: Generated<string>;
  action_id: string;
  sent_on: string;
  recipient: string;
  sent_at: Generated<Date>;
}

export interface ActionsTables {
  actions: ActionsTable;
  action_updates: ActionUpdatesTable;
  action_reminders: ActionRemindersTable;
}
