-- Single sign-on with OpenID Connect (src/modules/sso): one provider per partnership, set
-- by its administrators, and the short-lived state of each sign-in that goes to it.

-- The client secret is held encrypted (AES-256-GCM, see src/modules/sso/secret.ts), never
-- in clear. `metadata` is the provider's discovery document as checked when saved.
create table sso_settings (
  partnership_id uuid primary key references partnerships (id),
  provider_name text not null,
  issuer text not null,
  client_id text not null,
  client_secret_encrypted text not null,
  -- Lower-case domains, e.g. ["northshire.gov.uk"]: only addresses at them sign in.
  allowed_domains jsonb not null default '[]',
  -- Someone with a verified address at an allowed domain and no account becomes a member with no grants.
  allow_new_members boolean not null default false,
  -- Officers and administrators may then not sign in with a password.
  required_for_staff boolean not null default false,
  metadata jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by uuid references users (id)
);

-- One row per sign-in sent to the provider: the browser holds a random token in a cookie,
-- the table its SHA-256 with the state, nonce and PKCE verifier. Used once, for 10 minutes.
create table sso_flows (
  id text primary key,
  partnership_id uuid not null references partnerships (id),
  state text not null,
  nonce text not null,
  code_verifier text not null,
  next text not null default '/',
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index sso_flows_expires on sso_flows (expires_at);

-- Whether a session was made by single sign-on: signing out then offers the provider's own.
alter table sessions add column via_sso boolean not null default false;
