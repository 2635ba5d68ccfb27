-- The linked documents a migrate sync downloaded for the meetings it queued as import
-- drafts: held here, byte for byte with their SHA-256, until a clerk accepts the draft;
-- then each is attached to its item of the imported meeting as a paper (through the
-- meetings commands), and its bytes here are let go. One row per ModernGov document, so a
-- re-run never holds or attaches one twice.
create table moderngov_documents (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  source_id uuid not null,
  -- The run that downloaded it: its log says what became of the document.
  run_id uuid not null,
  remote_id text not null,
  remote_hash text not null,
  meeting_remote_id text not null,
  -- The SHA-256 of the GetMeeting reply queued with it: the import draft of that reply attaches it.
  reply_sha256 text not null check (reply_sha256 ~ '^[0-9a-f]{64}$'),
  item_title text not null,
  item_minute_number text,
  title text not null,
  file_name text not null,
  byte_size integer not null check (byte_size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea,
  meeting_id uuid,
  paper_id uuid,
  attached_at timestamptz,
  downloaded_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, source_id, remote_id),
  foreign key (partnership_id, source_id) references moderngov_sources (partnership_id, id),
  foreign key (partnership_id, run_id) references moderngov_runs (partnership_id, id)
);
create index moderngov_documents_reply on moderngov_documents (partnership_id, reply_sha256);
