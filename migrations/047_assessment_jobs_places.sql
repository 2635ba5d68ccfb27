-- Assessment (issue 13, the last of it): the places page read from an aggregate, and
-- large police.uk imports as background jobs.

-- Crimes per LSOA and category (today's name) over the latest 12 months of street data
-- (the window the places page and the map show), rebuilt by every import and change of
-- areas. The window it was built for is kept beside it: a page finding another window
-- (or none, as before the first import after this migration) adds up the months itself.
create table assessment_lsoa_year (
  partnership_id uuid not null references partnerships (id),
  category text not null,
  lsoa_code text not null,
  crimes integer not null check (crimes > 0),
  primary key (partnership_id, category, lsoa_code)
);
create index assessment_lsoa_year_rank on assessment_lsoa_year (partnership_id, category, crimes desc, lsoa_code);

create table assessment_lsoa_window (
  partnership_id uuid primary key references partnerships (id),
  from_month text not null,
  to_month text not null
);

-- An import done in the background: the files are kept in the database (in chunks, so
-- neither the upload nor the reading holds a file in memory, and any instance can read
-- them) until the job ends. One instance claims a job (for update skip locked); a job
-- whose instance stopped is claimed again after its lease and read from the start, as
-- nothing is written until the whole batch is read and checked, in one transaction.
create table assessment_import_jobs (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  -- 'receiving' while the upload is being kept; then 'queued', 'running', and 'done' or 'failed'.
  status text not null default 'receiving' check (status in ('receiving', 'queued', 'running', 'done', 'failed')),
  -- While running: 'reading' the files, then 'writing' the counts.
  stage text check (stage in ('reading', 'writing')),
  -- [{ "name": "2024-03-northshire-street.csv", "size": 1234 }, ...] in the order given.
  files jsonb not null default '[]',
  -- Bytes as double precision: exact far beyond any upload, and a number on both engines' drivers.
  total_bytes double precision not null default 0 check (total_bytes >= 0),
  bytes_read double precision not null default 0,
  rows_read integer not null default 0,
  months_read integer not null default 0,
  -- When done: the months written and how many of them replaced an earlier import.
  months_written integer,
  months_replaced integer,
  -- When failed: why, in words, and the problems found in the files (file, line, message).
  message text,
  problems jsonb,
  more_problems integer not null default 0,
  attempts integer not null default 0,
  claimed_at timestamptz,
  heartbeat_at timestamptz,
  created_by uuid references users (id),
  created_by_label text not null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  primary key (partnership_id, id)
);
create index assessment_import_jobs_waiting on assessment_import_jobs (status, created_at) where status in ('queued', 'running');
create index assessment_import_jobs_recent on assessment_import_jobs (partnership_id, created_at desc);

create table assessment_import_chunks (
  partnership_id uuid not null,
  job_id uuid not null,
  file_index integer not null check (file_index >= 0),
  seq integer not null check (seq >= 0),
  bytes bytea not null,
  primary key (partnership_id, job_id, file_index, seq),
  foreign key (partnership_id, job_id) references assessment_import_jobs (partnership_id, id) on delete cascade
);
