// Table types of the funding module (migrations/020_funding.sql). Money is integer pence.
import type { ColumnType, Generated } from 'kysely';
import type { Pot, ProposalStatus, Rounding, UnderspendRule } from './domain.ts';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface GrantsTable {
  partnership_id: string;
  id: Generated<string>;
  funder_organisation_id: string;
  recipient_organisation_id: Nullable<string>;
  programme: string;
  financial_year: number;
  awarded_on: string;
  conditions: Nullable<string>;
  conditions_document_id: Nullable<string>;
  held_back_numerator: number;
  held_back_denominator: number;
  rounding: Rounding;
  lock_while_earlier_open: boolean;
  unallocated_moves_on: Nullable<string>;
  underspend_rule: UnderspendRule;
  awarded_pence: number;
  allocated_pence: Generated<number>;
  unallocated_pence: number;
  held_back_pence: number;
  returned_pence: Generated<number>;
  outturn_on: Nullable<string>;
  outturn_spent_pence: Nullable<number>;
  outturn_returned_pence: Nullable<number>;
  outturn_carried_forward_pence: Nullable<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FundingProposalsTable {
  partnership_id: string;
  id: Generated<string>;
  grant_id: string;
  pot: Pot;
  title: string;
  description: string;
  priority_id: Nullable<string>;
  priority_text: Nullable<string>;
  amount_asked_pence: number;
  lead_organisation_id: string;
  lead_contact_name: Nullable<string>;
  lead_contact_email: Nullable<string>;
  delivery_starts_on: string;
  delivery_ends_on: string;
  measures: Nullable<string>;
  status: Generated<ProposalStatus>;
  submitted_on: string;
  considered_on: Nullable<string>;
  considered_meeting_id: Nullable<string>;
  considered_agenda_item_id: Nullable<string>;
  considered_resolution_id: Nullable<string>;
  considered_note: Nullable<string>;
  endorsed_on: Nullable<string>;
  endorsed_by_person_id: Nullable<string>;
  endorsed_role: Nullable<'chair' | 'vice-chair'>;
  approved_on: Nullable<string>;
  approved_by: Nullable<string>;
  approval_evidence: Nullable<string>;
  allocated_pence: Generated<number>;
  started_on: Nullable<string>;
  completed_on: Nullable<string>;
  underspend_pence: Nullable<number>;
  underspend_rule: Nullable<UnderspendRule>;
  closed_on: Nullable<string>;
  closed_reason: Nullable<string>;
  delayed: Generated<boolean>;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FundingClaimsTable {
  partnership_id: string;
  id: Generated<string>;
  proposal_id: string;
  paid_on: string;
  amount_pence: number;
  payee: string;
  reference: Nullable<string>;
  evidence: Nullable<string>;
  evidence_document_id: Nullable<string>;
  recorded_by: Nullable<string>;
  created_at: Generated<Date>;
}

export interface FundingProgressTable {
  partnership_id: string;
  id: Generated<string>;
  proposal_id: string;
  reported_on: string;
  text: string;
  figures: Nullable<string>;
  author_label: string;
  created_at: Generated<Date>;
  spend_to_date_pence: Nullable<number>;
  via: Generated<'officer' | 'lead' | 'link'>;
}

export interface FundingReturnLinksTable {
  partnership_id: string;
  id: Generated<string>;
  proposal_id: string;
  meeting_id: Nullable<string>;
  meets_on: Nullable<string>;
  token_sha256: string;
  sent_to: string;
  sent_by_label: string;
  created_at: Generated<Date>;
  expires_at: Date;
  revoked_at: Nullable<Date>;
  /** Sent as the second message to a lead who had not returned (migration 057). */
  is_reminder: Generated<boolean>;
}

export interface FundingEvidenceTable {
  partnership_id: string;
  id: Generated<string>;
  proposal_id: string;
  claim_id: Nullable<string>;
  progress_id: Nullable<string>;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  bytes: Uint8Array;
  uploaded_by_label: string;
  created_at: Generated<Date>;
}

export interface FundingGrantDocumentsTable {
  partnership_id: string;
  id: Generated<string>;
  grant_id: string;
  title: string;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  bytes: Uint8Array;
  uploaded_by: Nullable<string>;
  created_at: Generated<Date>;
}

export interface FundingDelaysTable {
  partnership_id: string;
  id: Generated<string>;
  proposal_id: string;
  recorded_on: string;
  reason: string;
  from_ends_on: string;
  to_ends_on: string;
  author_label: string;
  created_at: Generated<Date>;
}

export interface FundingOrganisationIdentifiersTable {
  partnership_id: string;
  organisation_id: string;
  identifier: string;
}

export interface FundingTables {
  grants: GrantsTable;
  funding_proposals: FundingProposalsTable;
  funding_claims: FundingClaimsTable;
  funding_progress: FundingProgressTable;
  funding_delays: FundingDelaysTable;
  funding_organisation_identifiers: FundingOrganisationIdentifiersTable;
  funding_return_links: FundingReturnLinksTable;
  funding_evidence: FundingEvidenceTable;
  funding_grant_documents: FundingGrantDocumentsTable;
}
