// Table types of the reviews module's money and progress links (migrations/038_review_money.sql).
import type { ColumnType, Generated } from 'kysely';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;
/** bigint pence: read back as a string by some drivers, so read through Number(). */
type Pence = ColumnType<string | number, number | undefined, number>;

export type LineStatus = 'raised' | 'invoiced' | 'paid';

export interface ReviewFundingAgreementsTable {
  partnership_id: string;
  id: Generated<string>;
  title: string;
  effective_from: string;
  effective_to: Nullable<string>;
  rules: ColumnType<unknown, string, string>;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ReviewCaseCostsTable {
  partnership_id: string;
  case_id: string;
  chair_pence: Pence;
  author_pence: Pence;
  other_pence: Pence;
  note: Nullable<string>;
  updated_by: Nullable<string>;
  updated_at: Generated<Date>;
}

export interface ReviewContributionLinesTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  agreement_id: string;
  payer_organisation_id: string;
  payer_name: string;
  pence: Pence;
  basis: string;
  status: Generated<LineStatus>;
  raised_on: string;
  invoiced_on: Nullable<string>;
  invoice_reference: Nullable<string>;
  paid_on: Nullable<string>;
  payment_reference: Nullable<string>;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ReviewProgressLinksTable {
  partnership_id: string;
  id: Generated<string>;
  case_id: string;
  agency: string;
  contact_name: string;
  contact_email: string;
  token_sha256: string;
  sent_by: Nullable<string>;
  sent_at: Generated<Date>;
  expires_at: Date;
  used_at: Nullable<Date>;
  revoked_at: Nullable<Date>;
  /** Sent as the reminder to a contact who had not answered (migration 057). */
  is_reminder: Generated<boolean>;
}

export interface ReviewsMoneyTables {
  review_funding_agreements: ReviewFundingAgreementsTable;
  review_case_costs: ReviewCaseCostsTable;
  review_contribution_lines: ReviewContributionLinesTable;
  review_progress_links: ReviewProgressLinksTable;
}
