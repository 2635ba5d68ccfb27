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
