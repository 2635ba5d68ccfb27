// Table types of the ModernGov connector (migrations/030_moderngov.sql, 051_moderngov_documents.sql, 055_moderngov_run_lease.sql, 056_moderngov_document_failures.sql).
import type { ColumnType, Generated } from 'kysely';
import type { DateString } from '../../db/schema.ts';

export type SyncMode = 'migrate' | 'mirror';
export type RunStatus = 'running' | 'finished' | 'failed' | 'interrupted';
export type LinkKind = 'meeting' | 'item' | 'document' | 'migrated';

type Json<T> = ColumnType<T, string | undefined, string>;

export interface ModernGovSourcesTable {
  partnership_id: string;
  id: Generated<string>;
  name: string;
  base_url: string;
  operations: Json<string[]>;
  document_limit: Generated<number>;
  mirror_schedule: Generated<'none' | 'daily' | 'weekly'>;
  schedule_user_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ModernGovCommitteesTable {
  partnership_id: string;
  id: Generated<string>;
  source_id: string;
  remote_id: number;
  title: string;
  chosen: Generated<boolean>;
  body_id: string | null;
}

/** What a run did, counted. */
export interface RunTally {
  meetingsCreated?: number;
  meetingsUpdated?: number;
  meetingsUnchanged?: number;
  meetingsHeldBack?: number;
  meetingsQueued?: number;
  meetingsOutOfRange?: number;
  items?: number;
  documents?: number;
  documentsRefused?: number;
  attendees?: number;
  doubtfulNames?: number;
}

export interface ModernGovRunsTable {
  partnership_id: string;
  id: Generated<string>;
  source_id: string;
  mode: SyncMode;
  overwrite_local: Generated<boolean>;
  scheduled: Generated<boolean>;
  status: Generated<RunStatus>;
  from_date: DateString;
  to_date: DateString;
  committees_total: Generated<number>;
  committees_done: Generated<number>;
  meetings_total: Generated<number>;
  meetings_done: Generated<number>;
  documents_total: Generated<number>;
  documents_done: Generated<number>;
  tally: ColumnType<RunTally, string | undefined, string>;
  failure: string | null;
  import_job_id: string | null;
  started_by: string | null;
  started_by_label: string;
  started_at: Generated<Date>;
  finished_at: Date | null;
  /** The instance running it (host and process), while it holds the source's lease. */
  holder: string | null;
  heartbeat_at: ColumnType<Date, Date | string | undefined, Date | string>;
  lease_ms: Generated<number>;
}

export interface ModernGovLogTable {
  partnership_id: string;
  id: Generated<string>;
  run_id: string;
  at: Generated<Date>;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface ModernGovLinksTable {
  partnership_id: string;
  source_id: string;
  kind: LinkKind;
  remote_id: string;
  local_id: string | null;
  remote_hash: string;
  local_hash: string | null;
  synced_at: Generated<Date>;
}

export interface ModernGovPeopleTable {
  partnership_id: string;
  id: Generated<string>;
  source_id: string;
  name_key: string;
  printed_name: string;
  candidate_ids: Json<string[]>;
  person_id: string | null;
  resolved_at: Date | null;
}

/** A document a migrate sync downloaded, held until its import draft is accepted (migrations/051_moderngov_documents.sql). */
export interface ModernGovDocumentsTable {
  partnership_id: string;
  id: Generated<string>;
  source_id: string;
  run_id: string;
  remote_id: string;
  remote_hash: string;
  meeting_remote_id: string;
  reply_sha256: string;
  item_title: string;
  item_minute_number: string | null;
  title: string;
  file_name: string | null;
  byte_size: number | null;
  sha256: string | null;
  content: Uint8Array | null;
  /** Why it could not be downloaded (056): kept without bytes, tried again by the next migrate sync. */
  failure: ColumnType<string | null, string | null | undefined, string | null>;
  meeting_id: string | null;
  paper_id: string | null;
  attached_at: Date | null;
  downloaded_at: Generated<Date>;
}

export interface ModernGovTables {
  moderngov_sources: ModernGovSourcesTable;
  moderngov_committees: ModernGovCommitteesTable;
  moderngov_runs: ModernGovRunsTable;
  moderngov_log: ModernGovLogTable;
  moderngov_links: ModernGovLinksTable;
  moderngov_people: ModernGovPeopleTable;
  moderngov_documents: ModernGovDocumentsTable;
}
