// Table types for Kysely. One interface per table in migrations/; keep them in step.
import type { ColumnType, Generated } from 'kysely';
import type { MeetingsTables } from '../modules/meetings/tables.ts';
import type { ActionsTables } from '../modules/actions/tables.ts';
import type { SearchTables } from '../modules/search/tables.ts';
import type { DocumentsTables } from '../modules/documents/tables.ts';
import type { NoticesTables } from '../modules/meetings/notices/tables.ts';
import type { HomeTables } from '../modules/home/tables.ts';
import type { StrategyTables } from '../modules/strategy/tables.ts';
import type { FundingTables } from '../modules/funding/tables.ts';
import type { ReviewsTables } from '../modules/reviews/tables.ts';
import type { ReviewsMoneyTables } from '../modules/reviews/money.tables.ts';
import type { SiteTables } from '../modules/site/tables.ts';
import type { EngagementTables } from '../modules/engagement/tables.ts';
import type { AssessmentTables } from '../modules/assessment/tables.ts';
import type { SsoTables } from '../modules/sso/tables.ts';
import type { ModernGovTables } from '../modules/moderngov/tables.ts';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** 'YYYY-MM-DD': dates are read back as strings, never shifted by time zones. */
export type DateString = string;

export interface PartnershipsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  short_name: string;
  hostname: string | null;
  /** Where the public reads this partnership (no trailing slash); null: the deployment's BASE_URL. */
  public_url: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string;
  created_at: Generated<Date>;
  disabled_at: Date | null;
  /** A demo account (published password): never signs in under NODE_ENV=production (migration 010). */
  demo: Generated<boolean>;
  /** The second factor (migration 025): the TOTP secret once proven, one being set up, and the last step used. */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_pending_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_enabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  totp_last_step: ColumnType<string | number | null, number | null | undefined, number | null>;
}

export interface PartnershipUsersTable {
  partnership_id: string;
  user_id: string;
  role: 'administrator' | 'officer' | 'member';
  person_id: string | null;
  created_at: Generated<Date>;
  /** Disabled in this partnership only (migrations/009_disable_per_partnership.sql). */
  disabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The name this partnership shows, when not the account's own (migration 010). */
  display_name: ColumnType<string | null, string | null | undefined, string | null>;
  /** Moved on by triggers whenever the person's grants or seats change (migration 050, access/sessions.ts). */
  access_epoch: Generated<number>;
}

export interface PasswordSetupLinksTable {
  id: string;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: Date | null;
  /** 'set-up' (a first password) or 'reset' (a forgotten one), migration 025. */
  purpose: Generated<'set-up' | 'reset'>;
}

export interface AccessGrantsTable {
  partnership_id: string;
  id: Generated<string>;
  user_id: string;
  scope_kind: 'body' | 'case';
  scope_id: string;
  granted_by: string | null;
  created_at: Generated<Date>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  partnership_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  /** What the account page shows and ends a session by (migration 025); never the cookie's hash. */
  ref: Generated<string>;
  user_agent: string | null;
  last_seen_at: Generated<Date>;
  /** Password checked, second factor not yet: the session is not signed in. */
  second_factor_pending: Generated<boolean>;
  /** Made by single sign-on (migration 029): signing out offers the provider's own sign-out. */
  via_sso: Generated<boolean>;
}

export interface RecoveryCodesTable {
  id: Generated<string>;
  user_id: string;
  code_hash: string;
  created_at: Generated<Date>;
  used_at: Date | null;
}

export interface AccountSettingsTable {
  partnership_id: string;
  require_second_factor: Generated<boolean>;
  updated_at: Generated<Date>;
}

/** One-off work done by the app's code, recorded once done (migration 054, src/db/oneOff.ts). */
export interface OneOffTasksTable {
  name: string;
  done_at: Generated<Date>;
}

/** A day's run of one scheduled task for one partnership (migration 057, src/modules/scheduled/dailyWork.ts). */
export interface DailyRunsTable {
  partnership_id: string;
  task: string;
  run_on: string;
  claimed_by: string;
  claimed_at: Generated<Date>;
  attempts: Generated<number>;
  finished_at: Date | null;
  summary: string | null;
  failures: Generated<number>;
}

export interface SignInAttemptsTable {
  key: string;
  at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  partnership_id: string;
  at: Generated<Date>;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  record_type: string;
  record_id: string;
  summary: string | null;
  before: unknown;
  after: unknown;
}

export interface OrganisationsTable {
  partnership_id: string;
  id: Generated<string>;
  name: string;
  short_name: string | null;
  kind: string;
  statutory: boolean;
  website: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PeopleTable {
  partnership_id: string;
  id: Generated<string>;
  honorific: string | null;
  given_name: string | null;
  family_name: string;
  honours: string | null;
  job_title: string | null;
  organisation_id: string | null;
  email: string | null;
  phone: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface BodiesTable {
  partnership_id: string;
  id: Generated<string>;
  name: string;
  short_name: string | null;
  kind: 'board' | 'subgroup' | 'panel';
  parent_id: string | null;
  description: string | null;
  /** Its current members read its restricted business (migration 018); otherwise only grants open it. */
  members_see_restricted: Generated<boolean>;
  /** Members needed for the meeting to be quorate, for the agenda pack (migration 018). */
  quorum: Generated<number | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MembershipsTable {
  partnership_id: string;
  id: Generated<string>;
  person_id: string;
  body_id: string;
  role: 'chair' | 'vice-chair' | 'member' | 'substitute' | 'adviser' | 'officer';
  organisation_id: string | null;
  starts_on: DateString;
  ends_on: DateString | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ElectionsTable {
  partnership_id: string;
  id: Generated<string>;
  body_id: string;
  role: 'chair' | 'vice-chair';
  nominee_id: string;
  mover_id: string | null;
  seconder_id: string | null;
  meeting_id: string | null;
  held_on: DateString;
  result: 'elected' | 'not elected';
  membership_id: string | null;
  created_at: Generated<Date>;
}

export interface TermsOfReferenceTable {
  partnership_id: string;
  id: Generated<string>;
  body_id: string;
  version: number;
  agreed_on: DateString;
  review_due_on: DateString;
  summary: string;
  created_at: Generated<Date>;
}

export interface SharingAgreementsTable {
  partnership_id: string;
  id: Generated<string>;
  title: string;
  version: string;
  effective_on: DateString;
  created_at: Generated<Date>;
}

export interface SharingAgreementSignaturesTable {
  partnership_id: string;
  id: Generated<string>;
  agreement_id: string;
  organisation_id: string;
  signed_on: DateString;
  signed_by: string | null;
  created_at: Generated<Date>;
}

/** Every table. Modules keep their own table types in their tables.ts. */
export interface DB extends MeetingsTables, ActionsTables, SearchTables, DocumentsTables, NoticesTables, HomeTables, StrategyTables, FundingTables, ReviewsTables, ReviewsMoneyTables, SiteTables, EngagementTables, AssessmentTables, SsoTables, ModernGovTables {
  partnerships: PartnershipsTable;
  users: UsersTable;
  partnership_users: PartnershipUsersTable;
  access_grants: AccessGrantsTable;
  sessions: SessionsTable;
  sign_in_attempts: SignInAttemptsTable;
  one_off_tasks: OneOffTasksTable;
  daily_runs: DailyRunsTable;
  password_setup_links: PasswordSetupLinksTable;
  recovery_codes: RecoveryCodesTable;
  account_settings: AccountSettingsTable;
  audit_log: AuditLogTable;
  organisations: OrganisationsTable;
  people: PeopleTable;
  bodies: BodiesTable;
  memberships: MembershipsTable;
  elections: ElectionsTable;
  terms_of_reference: TermsOfReferenceTable;
  sharing_agreements: SharingAgreementsTable;
  sharing_agreement_signatures: SharingAgreementSignaturesTable;
}
