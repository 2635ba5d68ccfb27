-- Foundation: partnerships, access (users, roles, grants, sessions, audit) and the
-- partnership module (organisations, people, bodies, memberships, elections, terms of
-- reference, information sharing agreements).
-- Every row a partnership owns carries partnership_id, which leads every primary key and
-- every foreign key: rows of two partnerships can never point at each other, and the
-- tables can be distributed on partnership_id (Citus) without a redesign.

create table partnerships (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  name text not null,
  short_name text not null,
  hostname text unique,
  created_at timestamptz not null default now()
);

-- access ------------------------------------------------------------------------------

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  display_name text not null,
  password_hash text not null,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);
create unique index users_email on users (lower(email));

create table partnership_users (
  partnership_id uuid not null references partnerships (id),
  user_id uuid not null references users (id),
  role text not null check (role in ('administrator', 'officer', 'member')),
  person_id uuid,
  created_at timestamptz not null default now(),
  primary key (partnership_id, user_id)
);

-- Access beyond the role: to one body's restricted business, or to one restricted case.
create table access_grants (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  user_id uuid not null references users (id),
  scope_kind text not null check (scope_kind in ('body', 'case')),
  scope_id uuid not null,
  granted_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, user_id, scope_kind, scope_id)
);

create table sessions (
  id text primary key, -- sha256 of the token in the cookie; the token itself is never stored
  user_id uuid not null references users (id),
  partnership_id uuid not null references partnerships (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table sign_in_attempts (
  key text not null,
  at timestamptz not null default now()
);
create index sign_in_attempts_key on sign_in_attempts (key, at);

-- Append-only: who, when, what, before and after; reads of restricted content too.
create table audit_log (
  id bigint generated always as identity primary key,
  partnership_id uuid not null references partnerships (id),
  at timestamptz not null default now(),
  actor_user_id uuid,
  actor_label text not null,
  action text not null,
  record_type text not null,
  record_id text not null,
  summary text,
  before jsonb,
  after jsonb
);
create index audit_log_record on audit_log (partnership_id, record_type, record_id, id);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_is_append_only();

-- partnership -------------------------------------------------------------------------

create table organisations (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  name text not null,
  short_name text,
  kind text not null,
  statutory boolean not null default false,
  website text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id)
);
create unique index organisations_name on organisations (partnership_id, lower(name));

create table people (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  honorific text,
  given_name text,
  family_name text not null,
  honours text,
  job_title text,
  organisation_id uuid,
  email text,
  phone text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, organisation_id) references organisations (partnership_id, id)
);
create index people_organisation on people (partnership_id, organisation_id);
create index people_family_name on people (partnership_id, lower(family_name));

create table bodies (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  name text not null,
  short_name text,
  kind text not null check (kind in ('board', 'subgroup', 'panel')),
  parent_id uuid,
  description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, parent_id) references bodies (partnership_id, id)
);
create unique index bodies_name on bodies (partnership_id, lower(name));

create table memberships (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  person_id uuid not null,
  body_id uuid not null,
  role text not null check (role in ('chair', 'vice-chair', 'member', 'substitute', 'adviser', 'officer')),
  organisation_id uuid,
  starts_on date not null,
  ends_on date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, person_id) references people (partnership_id, id),
  foreign key (partnership_id, body_id) references bodies (partnership_id, id),
  foreign key (partnership_id, organisation_id) references organisations (partnership_id, id),
  check (ends_on is null or ends_on >= starts_on)
);
create index memberships_body on memberships (partnership_id, body_id);
create index memberships_person on memberships (partnership_id, person_id);

create table elections (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  body_id uuid not null,
  role text not null check (role in ('chair', 'vice-chair')),
  nominee_id uuid not null,
  mover_id uuid,
  seconder_id uuid,
  meeting_id uuid, -- a meeting of the meetings module, by id
  held_on date not null,
  result text not null check (result in ('elected', 'not elected')),
  membership_id uuid,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, body_id) references bodies (partnership_id, id),
  foreign key (partnership_id, nominee_id) references people (partnership_id, id),
  foreign key (partnership_id, mover_id) references people (partnership_id, id),
  foreign key (partnership_id, seconder_id) references people (partnership_id, id),
  foreign key (partnership_id, membership_id) references memberships (partnership_id, id)
);
create index elections_body on elections (partnership_id, body_id, held_on);

create table terms_of_reference (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  body_id uuid not null,
  version integer not null check (version > 0),
  agreed_on date not null,
  review_due_on date not null,
  summary text not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, body_id, version),
  foreign key (partnership_id, body_id) references bodies (partnership_id, id)
);

create table sharing_agreements (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  title text not null,
  version text not null,
  effective_on date not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, version)
);

create table sharing_agreement_signatures (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  agreement_id uuid not null,
  organisation_id uuid not null,
  signed_on date not null,
  signed_by text,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, agreement_id, organisation_id),
  foreign key (partnership_id, agreement_id) references sharing_agreements (partnership_id, id),
  foreign key (partnership_id, organisation_id) references organisations (partnership_id, id)
);
