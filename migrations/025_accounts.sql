-- Accounts people manage themselves (src/access): sessions they can see and end, links
-- to reset a forgotten password, an optional second factor (TOTP) with recovery codes,
-- and a partnership's rule that everyone who can read restricted business uses one.

-- Sessions: a reference to show and end one (never the hash of the cookie), the browser
-- it was made in, when it was last used, and whether it still waits for the second factor.
alter table sessions add column ref uuid not null default gen_random_uuid();
alter table sessions add column user_agent text;
alter table sessions add column last_seen_at timestamptz not null default now();
alter table sessions add column second_factor_pending boolean not null default false;
create unique index sessions_ref on sessions (ref);

-- One-time links: to choose a first password ('set-up') or to reset a forgotten one ('reset').
alter table password_setup_links add column purpose text not null default 'set-up' check (purpose in ('set-up', 'reset'));

-- The second factor belongs to the person's account, whichever partnership they sign in to.
-- totp_pending_secret: shown while they set it up, until they type a code that proves it.
-- totp_last_step: the 30-second step of the last code accepted, so a code works once.
alter table users add column totp_secret text;
alter table users add column totp_pending_secret text;
alter table users add column totp_enabled_at timestamptz;
alter table users add column totp_last_step bigint;

-- Ten single-use recovery codes per account, kept only as SHA-256 hashes.
create table recovery_codes (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id),
  code_hash text not null,
  created_at timestamptz not null default now(),
  used_at timestamptz
);
create index recovery_codes_user on recovery_codes (user_id);

-- A partnership's account rules, set by its administrators.
create table account_settings (
  partnership_id uuid primary key references partnerships (id),
  require_second_factor boolean not null default false,
  updated_at timestamptz not null default now()
);
