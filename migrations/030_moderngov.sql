-- ModernGov connector (src/modules/moderngov): a council's ModernGov web service read
-- into this record, once (migrate: import drafts a clerk checks) or again and again
-- (mirror: the meetings kept in step). Each run keeps a log; links remember what each
-- remote record became here, so a second sync with nothing changed changes nothing.

create table moderngov_sources (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  name text not null,
  -- The web service's address, e.g. https://democracy.example.gov.uk/mgWebService.asmx
  base_url text not null,
  -- The operations its WSDL offers, as read when the source was added.
  operations jsonb not null default '[]',
  -- Largest linked document downloaded, in bytes.
  document_limit integer not null default 20971520 check (document_limit > 0),
  -- Mirror on a schedule: none, daily or weekly, run on behalf of the administrator who set it.
  mirror_schedule text not null default 'none' check (mirror_schedule in ('none', 'daily', 'weekly')),
  schedule_user_id uuid references users (id),
  check (mirror_schedule = 'none' or schedule_user_id is not null),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, base_url)
);

-- The committees the service lists; those chosen are synced into the body they map to.
create table moderngov_committees (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  source_id uuid not null,
  remote_id integer not null,
  title text not null,
  chosen boolean not null default false,
  body_id uuid,
  primary key (partnership_id, id),
  unique (partnership_id, source_id, remote_id),
  foreign key (partnership_id, source_id) references moderngov_sources (partnership_id, id),
  foreign key (partnership_id, body_id) references bodies (partnership_id, id),
  check (not chosen or body_id is not null)
);

create table moderngov_runs (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  source_id uuid not null,
  mode text not null check (mode in ('migrate', 'mirror')),
  -- Apply ModernGov's changes even to meetings changed here since the last sync (each one logged as a warning).
  overwrite_local boolean not null default false,
  -- Started by the schedule rather than by hand.
  scheduled boolean not null default false,
  status text not null default 'running' check (status in ('running', 'finished', 'failed')),
  from_date date not null,
  to_date date not null,
  committees_total integer not null default 0,
  committees_done integer not null default 0,
  meetings_total integer not null default 0,
  meetings_done integer not null default 0,
  documents_total integer not null default 0,
  documents_done integer not null default 0,
  -- What the run did: meetings created, updated, unchanged, held back (changed here), items, documents.
  tally jsonb not null default '{}',
  failure text,
  import_job_id uuid,
  started_by uuid references users (id),
  started_by_label text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (partnership_id, id),
  foreign key (partnership_id, source_id) references moderngov_sources (partnership_id, id)
);
create index moderngov_runs_by_source on moderngov_runs (partnership_id, source_id, started_at desc);

create table moderngov_log (
  partnership_id uuid not null references partnerships (id),
  id bigint generated always as identity,
  run_id uuid not null,
  at timestamptz not null default now(),
  level text not null check (level in ('info', 'warning', 'error')),
  message text not null,
  primary key (partnership_id, id),
  foreign key (partnership_id, run_id) references moderngov_runs (partnership_id, id)
);
create index moderngov_log_by_run on moderngov_log (partnership_id, run_id, id);

-- What each remote record became here, with fingerprints of both sides at the last sync:
-- a remote change is applied only when the local side still matches its fingerprint.
create table moderngov_links (
  partnership_id uuid not null references partnerships (id),
  source_id uuid not null,
  kind text not null check (kind in ('meeting', 'item', 'document', 'migrated')),
  remote_id text not null,
  local_id uuid,
  remote_hash text not null,
  local_hash text,
  synced_at timestamptz not null default now(),
  primary key (partnership_id, source_id, kind, remote_id),
  foreign key (partnership_id, source_id) references moderngov_sources (partnership_id, id)
);

-- Names the matching could not settle (two people fit): an administrator says who is meant.
create table moderngov_people (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  source_id uuid not null,
  name_key text not null,
  printed_name text not null,
  candidate_ids jsonb not null default '[]',
  person_id uuid,
  resolved_at timestamptz,
  primary key (partnership_id, id),
  unique (partnership_id, source_id, name_key),
  foreign key (partnership_id, source_id) references moderngov_sources (partnership_id, id),
  foreign key (partnership_id, person_id) references people (partnership_id, id)
);
