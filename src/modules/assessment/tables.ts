// Table types of the assessment module (migrations/024_assessment.sql).
import type { ColumnType, Generated } from 'kysely';

export type CrimeFileKind = 'street' | 'outcomes' | 'stop-and-search';

export interface AssessmentCrimeMonthsTable {
  partnership_id: string;
  kind: CrimeFileKind;
  month: string;
  force: string;
  rows: number;
  file_name: string;
  sha256: string;
  imported_by: string | null;
  imported_at: Generated<Date>;
}

/** Street counts: one row per month, force and crime type, its LSOAs as parallel arrays (migration 039). */
export interface AssessmentStreetCountsTable {
  partnership_id: string;
  month: string;
  force: string;
  crime_type: string;
  lsoa_codes: string[];
  crimes: number[];
  total: number;
}

/** Each LSOA's name and map position (migration 039). */
export interface AssessmentLsoasTable { partnership_id: string; lsoa_code: string; lsoa_name: string; longitude: number | null; latitude: number | null }

export interface AssessmentCrimeOutcomesTable {
  partnership_id: string;
  month: string;
  force: string;
  crime_type: string;
  outcome: string;
  crimes: number;
}

export interface AssessmentOutcomeCountsTable {
  partnership_id: string;
  month: string;
  force: string;
  outcome: string;
  outcomes: number;
}

export interface AssessmentSearchCountsTable {
  partnership_id: string;
  month: string;
  force: string;
  object: string;
  outcome: string;
  searches: number;
}

export interface AssessmentAreasTable {
  partnership_id: string;
  id: Generated<string>;
  name: string;
  source: 'lookup' | 'lsoa-name';
  created_at: Generated<Date>;
}

export interface AssessmentAreaLsoasTable {
  partnership_id: string;
  area_id: string;
  lsoa_code: string;
}

export interface AssessmentAreaCountsTable {
  partnership_id: string;
  area_id: string;
  month: string;
  category: string;
  crimes: number;
}

export interface AssessmentMonthTotalsTable {
  partnership_id: string;
  month: string;
  category: string;
  crimes: number;
}

export interface AssessmentPopulationsTable {
  partnership_id: string;
  area_id: string;
  year: number;
  population: number;
  source: string;
  created_at: Generated<Date>;
}

export interface AssessmentTables extends AssessmentRequestTables {
  assessment_crime_months: AssessmentCrimeMonthsTable;
  assessment_street_counts: AssessmentStreetCountsTable;
  assessment_sections: AssessmentSectionsTable;
  assessment_lsoas: AssessmentLsoasTable;
  assessment_crime_outcomes: AssessmentCrimeOutcomesTable;
  assessment_outcome_counts: AssessmentOutcomeCountsTable;
  assessment_search_counts: AssessmentSearchCountsTable;
  assessment_areas: AssessmentAreasTable;
  assessment_area_lsoas: AssessmentAreaLsoasTable;
  assessment_area_counts: AssessmentAreaCountsTable;
  assessment_month_totals: AssessmentMonthTotalsTable;
  assessment_populations: AssessmentPopulationsTable;
  assessment_lsoa_year: { partnership_id: string; category: string; lsoa_code: string; crimes: number };
  assessment_lsoa_window: { partnership_id: string; from_month: string; to_month: string };
  assessment_import_jobs: AssessmentImportJobsTable;
  assessment_import_chunks: { partnership_id: string; job_id: string; file_index: number; seq: number; bytes: Uint8Array };
}

export type ImportJobStatus = 'receiving' | 'queued' | 'running' | 'done' | 'failed';
export interface AssessmentImportJobsTable {
  partnership_id: string; id: Generated<string>; status: Generated<ImportJobStatus>; stage: Nullable<'reading' | 'writing'>;
  files: ColumnType<{ name: string; size: number }[], string | undefined, string>; total_bytes: Generated<number>; bytes_read: Generated<number>;
  rows_read: Generated<number>; months_read: Generated<number>; months_written: Nullable<number>; months_replaced: Nullable<number>;
  message: Nullable<string>; problems: ColumnType<{ file: string; line: number | null; message: string }[] | null, string | null | undefined, string | null>;
  more_problems: Generated<number>; attempts: Generated<number>; claimed_at: Nullable<Date>; heartbeat_at: Nullable<Date>;
  created_by: Nullable<string>; created_by_label: string; created_at: Generated<Date>; started_at: Nullable<Date>; finished_at: Nullable<Date>;
}

export type AssessmentKind = 'strategic' | 'serious-violence';
export type RequestEventKind = 'sent' | 'opened' | 'returned' | 'reminded' | 'chased';
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface AssessmentAssessmentsTable {
  partnership_id: string; id: Generated<string>; year: number; kind: AssessmentKind; title: string; restricted: boolean; body_id: Nullable<string>;
  requests_by: string; data_due_on: string; draft_by: string; agreed_by: string; remind_days_before: Generated<number>; chase_every_days: Generated<number>;
  created_by: Nullable<string>; created_at: Generated<Date>;
}
export interface AssessmentDatasetsTable {
  partnership_id: string; id: Generated<string>; assessment_id: string; organisation_id: string; name: string; description: Nullable<string>;
  period: string; format: string; due_on: string; contact_name: string; contact_email: string; created_at: Generated<Date>;
}
export interface AssessmentLinksTable { partnership_id: string; id: Generated<string>; dataset_id: string; token_sha256: string; created_at: Generated<Date>; expires_at: Date; revoked_at: Nullable<Date> }
export interface AssessmentRequestEventsTable { partnership_id: string; id: Generated<number>; dataset_id: string; kind: RequestEventKind; at: Generated<Date>; on_date: string; by_label: string; note: Nullable<string> }
export interface AssessmentReturnsTable {
  partnership_id: string; id: Generated<string>; dataset_id: string; version: number; file_name: string; content_type: string; size: number; sha256: string; bytes: Uint8Array; received_at: Generated<Date>;
}
export interface AssessmentCriteriaTable { partnership_id: string; id: Generated<string>; assessment_id: string; name: string; weight: ColumnType<string, number | string, number | string>; position: number }
export interface AssessmentIssuesTable { partnership_id: string; id: Generated<string>; assessment_id: string; title: string; description: Nullable<string>; priority_id: Nullable<string>; created_at: Generated<Date> }
export interface AssessmentScoresTable { partnership_id: string; issue_id: string; criterion_id: string; score: number }

export interface AssessmentRequestTables {
  assessment_assessments: AssessmentAssessmentsTable;
  assessment_datasets: AssessmentDatasetsTable;
  assessment_links: AssessmentLinksTable;
  assessment_request_events: AssessmentRequestEventsTable;
  assessment_returns: AssessmentReturnsTable;
  assessment_criteria: AssessmentCriteriaTable;
  assessment_issues: AssessmentIssuesTable;
  assessment_scores: AssessmentScoresTable;
}

export type SectionContent = 'text' | 'analysis' | 'returns' | 'matrix';
export interface AssessmentSectionsTable {
  partnership_id: string; id: Generated<string>; assessment_id: string; position: number; title: string; body: Generated<string>; content: SectionContent;
  analysis_view: Nullable<string>; area_id: Nullable<string>; category: Nullable<string>; show_charts: Generated<boolean>; show_tables: Generated<boolean>;
  updated_by: Nullable<string>; updated_at: Generated<Date>;
}
