// Table types of the engagement module (migrations/023_engagement.sql, 031_engagement_sessions.sql).
import type { ColumnType, Generated } from 'kysely';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableStamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type SubscriptionStatus = 'pending' | 'subscribed' | 'unsubscribed';
export type ConsentMethod = 'sign-up' | 'officer' | 'import';
export type SuppressionReason = 'unsubscribed' | 'hard-bounce' | 'complaint' | 'officer';
export type IssueStatus = 'draft' | 'scheduled' | 'sending' | 'sent';
export type OutboxState = 'pending' | 'sending' | 'sent' | 'bounced' | 'failed' | 'suppressed';
export type Audience = 'partners' | 'public';
export type RegistrationStatus = 'registered' | 'waiting' | 'cancelled';

export interface EngagementListsTable {
  partnership_id: string;
  id: Generated<string>;
  name: string;
  description: Nullable<string>;
  open_to_sign_up: Generated<boolean>;
  consent_wording: string;
  created_at: Generated<Date>;
}

export interface EngagementSubscribersTable {
  partnership_id: string;
  id: Generated<string>;
  email: string;
  name: Nullable<string>;
  organisation: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EngagementSubscriptionsTable {
  partnership_id: string;
  subscriber_id: string;
  list_id: string;
  status: SubscriptionStatus;
  consent_method: ConsentMethod;
  consent_at: Stamp;
  consent_wording: string;
  consent_source: string;
  confirmed_at: NullableStamp;
  unsubscribed_at: NullableStamp;
  added_by: Nullable<string>;
}

export interface EngagementSuppressionsTable {
  partnership_id: string;
  email: string;
  reason: SuppressionReason;
  detail: Nullable<string>;
  created_at: Generated<Date>;
}

export interface EngagementConfirmationsTable {
  partnership_id: string;
  id: Generated<string>;
  subscriber_id: string;
  list_ids: string[];
  created_at: Generated<Date>;
  expires_at: Stamp;
  used_at: NullableStamp;
}

export interface EngagementIssuesTable {
  partnership_id: string;
  id: Generated<string>;
  list_id: string;
  number: number;
  title: string;
  introduction: Nullable<string>;
  status: Generated<IssueStatus>;
  /** When a scheduled issue is to be sent (status 'scheduled' only). */
  scheduled_for: NullableStamp;
  send_started_at: NullableStamp;
  sent_at: NullableStamp;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EngagementImagesTable {
  partnership_id: string;
  id: Generated<string>;
  media_type: 'image/png' | 'image/jpeg';
  bytes: Buffer;
  sha256: string;
  uploaded_by: Nullable<string>;
  created_at: Generated<Date>;
}

export interface EngagementArticlesTable {
  partnership_id: string;
  id: Generated<string>;
  issue_id: string;
  section: string;
  position: number;
  title: string;
  body: string;
  link_url: Nullable<string>;
  link_label: Nullable<string>;
  image_url: Nullable<string>;
  image_alt: Nullable<string>;
}

export interface EngagementOutboxTable {
  partnership_id: string;
  issue_id: string;
  subscriber_id: string;
  email: string;
  state: Generated<OutboxState>;
  attempts: Generated<number>;
  claimed_at: NullableStamp;
  claimed_by: Nullable<string>;
  last_error: Nullable<string>;
  sent_at: NullableStamp;
  delivered_at: NullableStamp;
}

export interface EngagementBouncesTable {
  partnership_id: string;
  id: Generated<string>;
  email: string;
  issue_id: Nullable<string>;
  kind: 'hard' | 'soft';
  source: 'smtp' | 'dsn';
  status: Nullable<string>;
  diagnostic: Nullable<string>;
  created_at: Generated<Date>;
}

export interface EngagementUnsubscribesTable {
  partnership_id: string;
  id: Generated<string>;
  subscriber_id: string;
  list_id: string;
  issue_id: Nullable<string>;
  created_at: Generated<Date>;
}

export interface EngagementSessionsTable {
  partnership_id: string;
  id: Generated<string>;
  topic: string;
  description: Nullable<string>;
  speakers: Nullable<string>;
  starts_at: Stamp;
  ends_at: Stamp;
  venue: Nullable<string>;
  online_link: Nullable<string>;
  capacity: number;
  audience: Audience;
  registration_opens_at: Stamp;
  registration_closes_at: Stamp;
  announce_in_next_bulletin: Generated<boolean>;
  reminders_sent_at: NullableStamp;
  cancelled_at: NullableStamp;
  cancellation_reason: Nullable<string>;
  created_by: Nullable<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EngagementRegistrationsTable {
  partnership_id: string;
  id: Generated<string>;
  session_id: string;
  name: string;
  email: string;
  organisation: Nullable<string>;
  status: RegistrationStatus;
  position: Generated<string>;
  attended: Nullable<boolean>;
  created_at: Generated<Date>;
  cancelled_at: NullableStamp;
  promoted_at: NullableStamp;
  reminder_sent_at: NullableStamp;
  feedback_sent_at: NullableStamp;
  joining_link_sent_at: NullableStamp;
}

export interface EngagementFeedbackTable {
  partnership_id: string;
  registration_id: string;
  session_id: string;
  overall: number;
  usefulness: number;
  speakers: number;
  comments: Nullable<string>;
  created_at: Generated<Date>;
}

export interface EngagementTables {
  engagement_lists: EngagementListsTable;
  engagement_subscribers: EngagementSubscribersTable;
  engagement_subscriptions: EngagementSubscriptionsTable;
  engagement_suppressions: EngagementSuppressionsTable;
  engagement_confirmations: EngagementConfirmationsTable;
  engagement_issues: EngagementIssuesTable;
  engagement_articles: EngagementArticlesTable;
  engagement_outbox: EngagementOutboxTable;
  engagement_bounces: EngagementBouncesTable;
  engagement_unsubscribes: EngagementUnsubscribesTable;
  engagement_sessions: EngagementSessionsTable;
  engagement_images: EngagementImagesTable;
  engagement_registrations: EngagementRegistrationsTable;
  engagement_feedback: EngagementFeedbackTable;
}
