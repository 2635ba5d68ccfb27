// Table types of the assessment module (migrations/024_assessment.sql).
import type { Generated } from 'kysely';

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

export interface AssessmentCrimeCountsTable {
  partnership_id: string;
  month: string;
  force: string;
  crime_type: string;
  lsoa_code: string;
  lsoa_name: string;
  crimes: number;
  located: number;
  sum_longitude: number;
  sum_latitude: number;
}

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

export interface AssessmentTables {
  assessment_crime_months: AssessmentCrimeMonthsTable;
  assessment_crime_counts: AssessmentCrimeCountsTable;
  assessment_crime_outcomes: AssessmentCrimeOutcomesTable;
  assessment_outcome_counts: AssessmentOutcomeCountsTable;
  assessment_search_counts: AssessmentSearchCountsTable;
  assessment_areas: AssessmentAreasTable;
  assessment_area_lsoas: AssessmentAreaLsoasTable;
  assessment_area_counts: AssessmentAreaCountsTable;
  assessment_month_totals: AssessmentMonthTotalsTable;
  assessment_populations: AssessmentPopulationsTable;
}
