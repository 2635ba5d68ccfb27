-- Documents and their import: originals kept byte for byte, jobs that read them outside
-- the request path (with progress a page can show and a restart can resume), and the
-- drafts a clerk corrects and accepts into the meetings module.

-- An original, exactly as it arrived. One file is kept once per partnership: the same
-- bytes uploaded again are recognised by their SHA-256.
create table documents (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  file_name text not null,
  media_type text not null,
  byte_size integer not null check (byte_size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea not null,
  uploaded_by uuid references users (id),
  -- Who uploaded it, as a name: a person, or "Command line" for npm run import.
  uploaded_by_label text not null,
  uploaded_at timestamptz not null default now(),
  primary key (partnership_id, id),
  check (octet_length(content) = byte_size)
);
create unique index documents_sha256 on documents (partnership_id, sha256);

-- Long work done in the background. Counters are kept with each file's result, in the
-- same transaction, so a progress page reads one row.
create table jobs (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  kind text not null check (kind in ('import')),
  -- What was given: "minutes-2021.zip", "3 documents", a folder's name.
  title text not null,
  status text not null default 'queued' check (status in ('queued', 'running', 'done')),
  total integer not null default 0 check (total >= 0),
  read_count integer not null default 0,
  failed_count integer not null default 0,
  duplicate_count integer not null default 0,
  created_by uuid references users (id),
  created_by_label text not null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  check (read_count + failed_count + duplicate_count <= total)
);
create index jobs_recent on jobs (partnership_id, created_at desc);

-- A draft reading of one document, which the clerk corrects and accepts.
create table imports (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  document_id uuid not null,
  job_id uuid,
  status text not null default 'draft' check (status in ('draft', 'accepted', 'discarded')),
  -- The extracted text, shown beside the reading.
  format text not null,
  page_count integer,
  text text not null,
  -- The reading as the importer gave it (SCHEMA.md), and the draft as the clerk has corrected it.
  reading jsonb not null,
  draft jsonb not null,
  -- The meetings of the meetings module it became, by id (modules meet through ids).
  meeting_ids jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  accepted_by uuid references users (id),
  accepted_at timestamptz,
  primary key (partnership_id, id),
  unique (partnership_id, document_id),
  foreign key (partnership_id, document_id) references documents (partnership_id, id),
  foreign key (partnership_id, job_id) references jobs (partnership_id, id),
  check ((status = 'accepted') = (accepted_at is not null))
);
create index imports_recent on imports (partnership_id, status, created_at desc);

-- Each file of a job and what became of it. The bytes wait here until the file is read,
-- then are cleared: a readable file becomes a document, an unreadable one leaves nothing.
create table job_files (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  job_id uuid not null,
  position integer not null,
  file_name text not null,
  byte_size integer not null check (byte_size >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea,
  status text not null default 'queued' check (status in ('queued', 'reading', 'read', 'failed', 'duplicate')),
  -- Why it failed (an extraction error's code and message naming the file), or what it duplicates.
  error_code text,
  message text,
  import_id uuid,
  -- The earlier import of the same bytes, for a duplicate.
  duplicate_of uuid,
  attempts integer not null default 0,
  claimed_at timestamptz,
  finished_at timestamptz,
  primary key (partnership_id, id),
  unique (partnership_id, job_id, position),
  foreign key (partnership_id, job_id) references jobs (partnership_id, id),
  foreign key (partnership_id, import_id) references imports (partnership_id, id),
  foreign key (partnership_id, duplicate_of) references imports (partnership_id, id),
  check (status in ('queued', 'reading') or content is null)
);
create index job_files_job on job_files (partnership_id, job_id, position);
-- The runner's queue, across partnerships.
create index job_files_queue on job_files (status, claimed_at) where status in ('queued', 'reading');
