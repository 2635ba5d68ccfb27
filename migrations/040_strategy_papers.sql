-- Strategy: the published agreement's document (PDF or Word), and the progress papers
-- generated from the plan for the monitoring body's meetings. Both kept byte for byte
-- with their SHA-256: a new upload or a regenerated paper is a new row (a new version),
-- never a change to an old one. Meetings, agenda items and papers are referred to by id
-- only (the paper itself is attached through the meetings module's own command).

create table strategy_agreement_documents (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  agreement_id uuid not null,
  -- 1 for the first upload, then 2, 3 ...; the highest is the agreement's document.
  version integer not null check (version > 0),
  file_name text not null,
  media_type text not null check (media_type in ('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')),
  byte_size integer not null check (byte_size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  page_count integer,
  content bytea not null,
  uploaded_by uuid references users (id),
  uploaded_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, agreement_id, version),
  foreign key (partnership_id, agreement_id) references strategy_agreements (partnership_id, id)
);

create table strategy_progress_papers (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  agreement_id uuid not null,
  -- The monitoring body's meeting and agenda item the paper was made for, and the paper
  -- the meetings module holds for it (ids only).
  meeting_id uuid not null,
  agenda_item_id uuid not null,
  paper_id uuid not null,
  -- 1 for the first paper generated for the item, then 2, 3 ...
  version integer not null check (version > 0),
  -- The plan as it stood on this day; changes counted from `since` (the body's last meeting).
  as_at date not null,
  since date,
  -- Whether restricted actions were named (only on a restricted item of the monitoring body).
  includes_restricted boolean not null,
  byte_size integer not null check (byte_size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  page_count integer not null,
  content bytea not null,
  generated_by uuid references users (id),
  generated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, agenda_item_id, version),
  foreign key (partnership_id, agreement_id) references strategy_agreements (partnership_id, id)
);
create index strategy_progress_papers_agreement on strategy_progress_papers (partnership_id, agreement_id, generated_at);
