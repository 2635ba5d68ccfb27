// Table types of the single sign-on module (migrations/029_sso.sql).
import type { ColumnType, Generated } from 'kysely';

export interface SsoSettingsTable {
  partnership_id: string;
  provider_name: string;
  issuer: string;
  client_id: string;
  client_secret_encrypted: string;
  allowed_domains: ColumnType<string[], string, string>;
  allow_new_members: boolean;
  required_for_staff: boolean;
  /** Trust addresses at the allowed domains when the provider does not say whether they are verified (migration 059). */
  trust_domain_addresses: Generated<boolean>;
  metadata: ColumnType<Record<string, unknown>, string, string>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: string | null;
}

export interface SsoFlowsTable {
  id: string;
  partnership_id: string;
  state: string;
  nonce: string;
  code_verifier: string;
  next: Generated<string>;
  created_at: Generated<Date>;
  expires_at: ColumnType<Date, Date, Date>;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface SsoTables {
  sso_settings: SsoSettingsTable;
  sso_flows: SsoFlowsTable;
}
