// Table types of the documents module (migrations/006_imports.sql).
import type { ColumnType, Generated } from 'kysely';

/** PGlite reads bytea as Uint8Array, pg as Buffer (a Uint8Array too). */
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;
/** jsonb: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

/** A job being filled by an upload is 'receiving': the runner leaves it alone until it is queued. */
export type JobStatus = 'receiving' | 'queued' | 'running' | 'done';
export type JobFileStatus = 'queued' | 'reading' | 'read' | 'failed' | 'duplicate';
export type ImportStatus = 'draft' | 'accepted' | 'discarded';

export interface DocumentsTable {
  partnership_id: string;
  id: Generated<string>;
  file_name: string;
  media_type: string;
  byte_size: number;
  sha256: string;
  content: Bytes;
  uploaded_by: string | null;
  uploaded_by_label: string;
  uploaded_at: Generated<Date>;
}

export interface JobsTable {
  partnership_id: string;
  id: Generated<string>;
  kind: 'import';
  title: string;
  status: Generated<JobStatus>;
  total: number;
  read_count: Generated<number>;
  failed_count: Generated<number>;
  duplicate_count: Generated<number>;
  created_by: string | null;
  created_by_label: string;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Generated<Date>;
}

export interface JobFilesTable {
  partnership_id: string;
  id: Generated<string>;
  job_id: string;
  position: number;
  file_name: string;
  byte_size: number;
  sha256: string;
  content: Bytes | null;
  status: Generated<JobFileStatus>;
  error_code: string | null;
  message: string | null;
  import_id: string | null;
  duplicate_of: string | null;
  attempts: Generated<number>;
  claimed_at: Date | null;
  finished_at: Date | null;
}

export interface ImportsTable {
  partnership_id: string;
  id: Generated<string>;
  document_id: string;
  job_id: string | null;
  status: Generated<ImportStatus>;
  format: string;
  page_count: number | null;
  text: string;
  reading: Json<unknown>;
  draft: Json<unknown>;
  meeting_ids: ColumnType<string[], string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  accepted_by: string | null;
  accepted_at: Date | null;
}

export interface DocumentsTables {
  documents: DocumentsTable;
  jobs: JobsTable;
  job_files: JobFilesTable;
  imports: ImportsTable;
}
