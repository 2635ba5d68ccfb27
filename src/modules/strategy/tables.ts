// Table types of the strategy module (migrations/022_strategy.sql).
import type { ColumnType, Generated } from 'kysely';

export type AgreementStatus = 'draft' | 'agreed' | 'published' | 'superseded';
export type PriorityKind = 'priority' | 'theme';
export type LineLevel = 'objective' | 'action' | 'sub-action';
export type LineStatus = 'not-started' | 'on-track' | 'at-risk' | 'off-track' | 'complete' | 'cancelled' | 'carried-forward';
export type UpdateSource = 'create' | 'update' | 'import' | 'edit';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface StrategyAgreementsTable {
  partnership_id: string;
  id: Generated<string>;
  period: string;
  title: string;
  summary: Nullable<string>;
  starts_on: string;
  ends_on: string;
  status: Generated<AgreementStatus>;
  monitoring_body_id: Nullable<string>;
  agreed_meeting_id: Nullable<string>;
  agreed_resolution_id: Nullable<string>;
  agreed_on: Nullable<string>;
  published_at: Nullable<Date>;
  plan_public: Generated<boolean>;
  refreshed_from_id: Nullable<string>;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StrategyPrioritiesTable {
  partnership_id: string;
  id: Generated<string>;
  agreement_id: string;
  kind: PriorityKind;
  position: number;
  title: string;
  description: Nullable<string>;
  reasons: Nullable<string>;
  lead_organisation_id: Nullable<string>;
  lead_person_id: Nullable<string>;
  carried_from_id: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StrategyPlanLinesTable {
  partnership_id: string;
  id: Generated<string>;
  agreement_id: string;
  priority_id: string;
  parent_id: Nullable<string>;
  level: LineLevel;
  position: number;
  ref: string;
  title: string;
  description: Nullable<string>;
  lead_organisation_id: Nullable<string>;
  owner_person_id: Nullable<string>;
  partners: Nullable<string>;
  starts_on: Nullable<string>;
  due_on: Nullable<string>;
  status: Generated<LineStatus>;
  progress: Generated<number>;
  weight: Generated<number>;
  status_override: Nullable<LineStatus>;
  status_override_reason: Nullable<string>;
  restricted: Generated<boolean>;
  carried_from_id: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** The roll-up kept on the line (migration 046); null until worked out. */
  rolled_progress: Nullable<number>;
  rolled_status: Nullable<LineStatus>;
  derived_status: Nullable<LineStatus>;
  child_count: Nullable<number>;
}

export interface StrategyPlanLineThemesTable {
  partnership_id: string;
  line_id: string;
  theme_id: string;
}

export interface StrategyPlanUpdatesTable {
  partnership_id: string;
  id: Generated<string>;
  line_id: string;
  on_date: string;
  at: Generated<Date>;
  author_user_id: Nullable<string>;
  author_label: string;
  from_status: Nullable<LineStatus>;
  status: LineStatus;
  from_progress: Nullable<number>;
  progress: number;
  note: Nullable<string>;
  evidence_url: Nullable<string>;
  source: Generated<UpdateSource>;
}

export interface StrategyMeasuresTable {
  partnership_id: string;
  id: Generated<string>;
  agreement_id: string;
  priority_id: Nullable<string>;
  line_id: Nullable<string>;
  title: string;
  unit: Nullable<string>;
  baseline: Nullable<number>;
  baseline_period: Nullable<string>;
  target: Nullable<number>;
  direction: 'up' | 'down';
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface StrategyMeasureValuesTable {
  partnership_id: string;
  id: Generated<string>;
  measure_id: string;
  period: string;
  on_date: string;
  value: number;
  note: Nullable<string>;
  recorded_by: Nullable<string>;
  recorded_at: Generated<Date>;
}

export interface StrategyTables {
  strategy_agreements: StrategyAgreementsTable;
  strategy_priorities: StrategyPrioritiesTable;
  strategy_plan_lines: StrategyPlanLinesTable;
  strategy_plan_line_themes: StrategyPlanLineThemesTable;
  strategy_plan_updates: StrategyPlanUpdatesTable;
  strategy_measures: StrategyMeasuresTable;
  strategy_measure_values: StrategyMeasureValuesTable;
  strategy_agreement_documents: StrategyAgreementDocumentsTable;
  strategy_progress_papers: StrategyProgressPapersTable;
}

export interface StrategyAgreementDocumentsTable {
  partnership_id: string;
  id: Generated<string>;
  agreement_id: string;
  version: number;
  file_name: string;
  media_type: 'application/pdf' | 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  byte_size: number;
  sha256: string;
  page_count: Nullable<number>;
  content: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
  uploaded_by: Nullable<string>;
  uploaded_at: Generated<Date>;
}

export interface StrategyProgressPapersTable {
  partnership_id: string;
  id: Generated<string>;
  agreement_id: string;
  meeting_id: string;
  agenda_item_id: string;
  paper_id: string;
  version: number;
  as_at: string;
  since: Nullable<string>;
  includes_restricted: boolean;
  byte_size: number;
  sha256: string;
  page_count: number;
  content: ColumnType<Uint8Array, Uint8Array, Uint8Array>;
  generated_by: Nullable<string>;
  generated_at: Generated<Date>;
}
