-- Funding: progress returns asked for by e-mail with a link that needs no account, the
-- spend to date a return reports (integer pence), and evidence files (claims, invoices,
-- returns) kept byte for byte with their SHA-256.

-- The spend to date the lead reports with a return, as a number; none on older returns.
alter table funding_progress add column spend_to_date_pence bigint check (spend_to_date_pence >= 0);
-- How the return came: from the clerk's team, the lead's page, or the e-mailed link.
alter table funding_progress add column via text not null default 'officer' check (via in ('officer', 'lead', 'link'));

-- Links e-mailed to a project's lead contact before a Working Group meeting: only the
-- token's SHA-256 is kept; one project, one meeting, an expiry; a newer link for the same
-- project replaces the older (revoked).
create table funding_return_links (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  proposal_id uuid not null,
  meeting_id uuid,
  meets_on date,
  token_sha256 text not null,
  sent_to text not null,
  sent_by_label text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  primary key (partnership_id, id),
  unique (partnership_id, token_sha256),
  foreign key (partnership_id, proposal_id) references funding_proposals (partnership_id, id)
);
create index funding_return_links_token on funding_return_links (token_sha256);
create index funding_return_links_proposal on funding_return_links (partnership_id, proposal_id, meeting_id);

-- Evidence: the invoice or receipt of a claim, or a file sent with a progress return.
create table funding_evidence (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  proposal_id uuid not null,
  claim_id uuid,
  progress_id uuid,
  file_name text not null,
  content_type text not null check (content_type in (
    'application/pdf', 'image/png', 'image/jpeg',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
  size integer not null check (size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  bytes bytea not null,
  uploaded_by_label text not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, proposal_id) references funding_proposals (partnership_id, id),
  foreign key (partnership_id, claim_id) references funding_claims (partnership_id, id),
  foreign key (partnership_id, progress_id) references funding_progress (partnership_id, id),
  check (claim_id is null or progress_id is null)
);
create index funding_evidence_proposal on funding_evidence (partnership_id, proposal_id);
