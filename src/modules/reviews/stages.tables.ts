// Table types of the reviews module's working stages (migrations/037_review_stages.sql).
import type { ColumnType, Generated } from 'kysely';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface ReviewDocumentsTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  kind: string;
  title: string;
  file_name: string;
  media_type: string;
  byte_size: number;
  sha256: string;
  content: Uint8Array;
  published: Generated<boolean>;
  uploaded_by: Nullable<string>;
  created_at: Generated<Date>;
}

export interface ReviewAgencyRequestsTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  what: string;
  agency: string;
  contact_name: string;
  contact_email: string;
  requested_on: string;
  due_on: string;
  received_on: Nullable<string>;
  document_id: Nullable<string>;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
}

export interface ReviewAgencyRequestEventsTable {
  partnership_id: string;
  id: Generated<string>;
  request_id: string;
  kind: string;
  happened_on: string;
  note: Nullable<string>;
  by_user_id: Nullable<string>;
  by_label: string;
  at: Generated<Date>;
}

export interface ReviewFamilyEntriesTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  kind: string;
  happened_on: string;
  who: Nullable<string>;
  details: string;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
}

export interface ReviewCopiesSentTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  recipient: string;
  sent_on: string;
  how: Nullable<string>;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
}

export interface ReviewCaseItemsTable {
  partnership_id: string;
  case_id: string;
  meeting_id: string;
  agenda_item_id: string;
  linked_by: Nullable<string>;
  created_at: Generated<Date>;
}

export interface ReviewQaFeedbackTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  number: number;
  text: string;
  status: Generated<string>;
  response: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ReviewSarMarkersTable {
  partnership_id: string;
  case_id: string;
  marker: string;
  note: Nullable<string>;
}

export interface ReviewSarFindingsTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  number: number;
  text: string;
  decision: Nullable<string>;
  reasons: Nullable<string>;
  decided_on: Nullable<string>;
  created_at: Generated<Date>;
}

export interface ReviewStagesTables {
  review_documents: ReviewDocumentsTable;
  review_agency_requests: ReviewAgencyRequestsTable;
  review_agency_request_events: ReviewAgencyRequestEventsTable;
  review_family_entries: ReviewFamilyEntriesTable;
  review_copies_sent: ReviewCopiesSentTable;
  review_case_items: ReviewCaseItemsTable;
  review_qa_feedback: ReviewQaFeedbackTable;
  review_sar_markers: ReviewSarMarkersTable;
  review_sar_findings: ReviewSarFindingsTable;
}
