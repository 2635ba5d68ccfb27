-- Assessment: the strategic assessment's crime data (police.uk), kept as monthly
-- aggregates made at import time, and the partnership's areas (sets of LSOA codes) with
-- their populations. The published files themselves are not kept row by row: what an
-- analysis needs is counted as the file streams in (docs/decisions.md). A month of a
-- kind of file from one force is the unit an import replaces.

create table assessment_crime_months (
  partnership_id uuid not null references partnerships (id),
  -- 'street', 'outcomes' or 'stop-and-search', as police.uk names its files.
  kind text not null check (kind in ('street', 'outcomes', 'stop-and-search')),
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  -- 'Reported by' (or the force in a stop-and-search file's name).
  force text not null,
  rows integer not null check (rows >= 0),
  file_name text not null,
  sha256 text not null,
  imported_by uuid references users (id),
  imported_at timestamptz not null default now(),
  primary key (partnership_id, kind, month, force)
);

-- Street-level crimes and anti-social behaviour, per month, force, crime type (as
-- published) and LSOA ('' when the row had none), with the sums of the coordinates of
-- the located ones (so a map can place each LSOA without the rows).
create table assessment_crime_counts (
  partnership_id uuid not null references partnerships (id),
  month text not null,
  force text not null,
  crime_type text not null,
  lsoa_code text not null,
  lsoa_name text not null,
  crimes integer not null,
  located integer not null,
  sum_longitude double precision not null,
  sum_latitude double precision not null,
  primary key (partnership_id, month, force, crime_type, lsoa_code)
);
create index assessment_crime_counts_type on assessment_crime_counts (partnership_id, crime_type, month);

-- The street file's last outcome, per month, force, crime type and outcome.
create table assessment_crime_outcomes (
  partnership_id uuid not null references partnerships (id),
  month text not null,
  force text not null,
  crime_type text not null,
  outcome text not null,
  crimes integer not null,
  primary key (partnership_id, month, force, crime_type, outcome)
);

-- The outcomes file (outcomes recorded in the month, for crimes of any month).
create table assessment_outcome_counts (
  partnership_id uuid not null references partnerships (id),
  month text not null,
  force text not null,
  outcome text not null,
  outcomes integer not null,
  primary key (partnership_id, month, force, outcome)
);

-- Stop and search, per month, force, object of search and outcome.
create table assessment_search_counts (
  partnership_id uuid not null references partnerships (id),
  month text not null,
  force text not null,
  object text not null,
  outcome text not null,
  searches integer not null,
  primary key (partnership_id, month, force, object, outcome)
);

-- The partnership's areas (its districts): each a set of LSOA codes.
create table assessment_areas (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  name text not null,
  -- 'lookup' (a CSV of LSOA code and area) or 'lsoa-name' (the LSOA name's district prefix).
  source text not null check (source in ('lookup', 'lsoa-name')),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, name)
);

create table assessment_area_lsoas (
  partnership_id uuid not null references partnerships (id),
  area_id uuid not null,
  lsoa_code text not null,
  primary key (partnership_id, lsoa_code),
  foreign key (partnership_id, area_id) references assessment_areas (partnership_id, id) on delete cascade
);
create index assessment_area_lsoas_area on assessment_area_lsoas (partnership_id, area_id);

-- Street counts per area, month and crime type (today's name): rebuilt for the months an
-- import brings and whole when the areas change, so no page adds up LSOAs per request.
create table assessment_area_counts (
  partnership_id uuid not null references partnerships (id),
  area_id uuid not null,
  month text not null,
  category text not null,
  crimes integer not null,
  primary key (partnership_id, area_id, month, category),
  foreign key (partnership_id, area_id) references assessment_areas (partnership_id, id) on delete cascade
);

-- The whole partnership's street counts per month and category (today's name).
create table assessment_month_totals (
  partnership_id uuid not null references partnerships (id),
  month text not null,
  category text not null,
  crimes integer not null,
  primary key (partnership_id, month, category)
);

-- Residents per area, with where the figure comes from and its year; kept apart from the counts.
create table assessment_populations (
  partnership_id uuid not null references partnerships (id),
  area_id uuid not null,
  year integer not null check (year between 1900 and 2200),
  population integer not null check (population > 0),
  source text not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, area_id, year),
  foreign key (partnership_id, area_id) references assessment_areas (partnership_id, id) on delete cascade
);

-- The assessments: one of each kind per year. The serious violence needs assessment is
-- restricted by default (there is no duty to publish it): officers, administrators and,
-- when a body is named, those the body's restricted business is open to.
create table assessment_assessments (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  year integer not null check (year between 2000 and 2200),
  kind text not null check (kind in ('strategic', 'serious-violence')),
  title text not null,
  restricted boolean not null,
  body_id uuid,
  -- The timetable.
  requests_by date not null,
  data_due_on date not null,
  draft_by date not null,
  agreed_by date not null,
  -- Reminders: this many days before a dataset's due date, then every so many days after it.
  remind_days_before integer not null default 7 check (remind_days_before between 0 and 60),
  chase_every_days integer not null default 7 check (chase_every_days between 1 and 60),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, year, kind),
  foreign key (partnership_id, body_id) references bodies (partnership_id, id),
  check (data_due_on <= draft_by and draft_by <= agreed_by)
);

-- A dataset wanted from an organisation, and its contact (who gets the request).
create table assessment_datasets (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  assessment_id uuid not null,
  organisation_id uuid not null,
  name text not null,
  description text,
  period text not null,
  format text not null,
  due_on date not null,
  contact_name text not null,
  contact_email text not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, assessment_id) references assessment_assessments (partnership_id, id),
  foreign key (partnership_id, organisation_id) references organisations (partnership_id, id)
);

-- Upload links: only the token's SHA-256 is kept. One purpose (this dataset), an expiry,
-- and a newer link replaces the older (revoked).
create table assessment_links (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  dataset_id uuid not null,
  token_sha256 text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  primary key (partnership_id, id),
  foreign key (partnership_id, dataset_id) references assessment_datasets (partnership_id, id)
);

-- What happened to a request: sent, opened, returned, reminded, chased (kept, never changed).
create table assessment_request_events (
  partnership_id uuid not null references partnerships (id),
  id bigint generated always as identity primary key,
  dataset_id uuid not null,
  kind text not null check (kind in ('sent', 'opened', 'returned', 'reminded', 'chased')),
  at timestamptz not null default now(),
  on_date date not null,
  by_label text not null,
  note text,
  foreign key (partnership_id, dataset_id) references assessment_datasets (partnership_id, id)
);
create index assessment_request_events_dataset on assessment_request_events (partnership_id, dataset_id, id);

-- Returns, byte for byte with their hash; a return sent again is a new version.
create table assessment_returns (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  dataset_id uuid not null,
  version integer not null,
  file_name text not null,
  content_type text not null,
  size integer not null,
  sha256 text not null,
  bytes bytea not null,
  received_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, dataset_id, version),
  foreign key (partnership_id, dataset_id) references assessment_datasets (partnership_id, id)
);

-- The priority-setting matrix: criteria with the partnership's weights, candidate issues
-- scored 1-4 on each; an issue may become a priority of the next agreement (by id).
create table assessment_criteria (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  assessment_id uuid not null,
  name text not null,
  weight numeric(6, 2) not null check (weight > 0),
  position integer not null,
  primary key (partnership_id, id),
  foreign key (partnership_id, assessment_id) references assessment_assessments (partnership_id, id)
);

create table assessment_issues (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  assessment_id uuid not null,
  title text not null,
  description text,
  priority_id uuid,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, assessment_id) references assessment_assessments (partnership_id, id)
);

create table assessment_scores (
  partnership_id uuid not null references partnerships (id),
  issue_id uuid not null,
  criterion_id uuid not null,
  score integer not null check (score between 1 and 4),
  primary key (partnership_id, issue_id, criterion_id),
  foreign key (partnership_id, issue_id) references assessment_issues (partnership_id, id),
  foreign key (partnership_id, criterion_id) references assessment_criteria (partnership_id, id)
);
