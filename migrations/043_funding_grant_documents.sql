-- The funder's documents of a grant (the offer letter, the grant agreement, its terms):
-- kept byte for byte with their SHA-256 beside the grant's conditions text.
create table funding_grant_documents (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  grant_id uuid not null,
  title text not null check (length(title) between 1 and 200),
  file_name text not null,
  content_type text not null check (content_type in (
    'application/pdf', 'image/png', 'image/jpeg',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
  size integer not null check (size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  bytes bytea not null,
  uploaded_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, grant_id) references grants (partnership_id, id)
);
create index funding_grant_documents_grant on funding_grant_documents (partnership_id, grant_id);
