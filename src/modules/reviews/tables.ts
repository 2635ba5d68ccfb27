// Table types of the reviews module (migrations/021_reviews.sql).
import type { ColumnType, Generated } from 'kysely';
import type { StageSet, Place, RecommendationStatus } from './domain.ts';
import type { ReviewStagesTables } from './stages.tables.ts';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface ReviewKindsTable {
  partnership_id: string;
  code: string;
  label: string;
  short_label: string;
  stage_set: StageSet;
  decision_months: Generated<number>;
  completion_months: Generated<number>;
  created_at: Generated<Date>;
}

export interface ReviewCasesTable {
  partnership_id: string;
  id: Generated<string>;
  kind_code: string;
  pseudonym: string;
  year: number;
  died_or_incident_on: Nullable<string>;
  notified_on: string;
  notified_how: Nullable<string>;
  notified_by: Nullable<string>;
  home_office_ref: Nullable<string>;
  nhs_ref: Nullable<string>;
  police_ref: Nullable<string>;
  subject_details: Nullable<string>;
  published_on: Nullable<string>;
  published_summary: Nullable<string>;
  published_where: Nullable<string>;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ReviewStageEventsTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  stage: string;
  happened_on: string;
  outcome: Nullable<string>;
  reasons: Nullable<string>;
  delay_reason: Nullable<string>;
  recorded_by: Nullable<string>;
  recorded_at: Generated<Date>;
}

export interface ReviewCasePeopleTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  place: Place;
  user_id: Nullable<string>;
  name: string;
  agency: Nullable<string>;
  independence_declared_on: Nullable<string>;
  added_by: Nullable<string>;
  added_at: Generated<Date>;
  removed_at: Nullable<Date>;
}

export interface ReviewCaseThemesTable {
  partnership_id: string;
  case_id: string;
  theme: string;
}

export interface ReviewRecommendationsTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  number: number;
  text: string;
  agency: string;
  national: Generated<boolean>;
  agency_actions: Nullable<string>;
  owner: Nullable<string>;
  due_on: Nullable<string>;
  theme: Nullable<string>;
  status: Generated<RecommendationStatus>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ReviewRecommendationUpdatesTable {
  partnership_id: string;
  id: Generated<string>;
  recommendation_id: string;
  at: Generated<Date>;
  author_user_id: Nullable<string>;
  author_label: string;
  from_status: Nullable<RecommendationStatus>;
  to_status: RecommendationStatus;
  note: Nullable<string>;
  evidence: Nullable<string>;
}

export interface ReviewsTables extends ReviewStagesTables {
  review_kinds: ReviewKindsTable;
  review_cases: ReviewCasesTable;
  review_stage_events: ReviewStageEventsTable;
  review_case_people: ReviewCasePeopleTable;
  review_case_themes: ReviewCaseThemesTable;
  review_recommendations: ReviewRecommendationsTable;
  review_recommendation_updates: ReviewRecommendationUpdatesTable;
}
