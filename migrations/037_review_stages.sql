-- The working stages of a review case (src/modules/reviews/stages.*): documents kept byte
-- for byte, requests to agencies for chronologies and reports (sent, chased, received),
-- the family's involvement, the Home Office quality assurance panel's numbered feedback,
-- and for safeguarding adults reviews the quality markers checklist and a decision on
-- each finding. All of it belongs to one case and is read only by the case's own people.

-- Documents of a case: drafts, agency reports, the published report. The original bytes,
-- a readable PDF or Word (.docx) file, with their SHA-256. A document marked published is
-- served to the public on the published review's page once the review is published.
create table review_documents (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  kind text not null check (kind in ('draft', 'agency-report', 'published-report', 'other')),
  title text not null,
  file_name text not null,
  media_type text not null check (media_type in ('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')),
  byte_size integer not null check (byte_size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea not null,
  published boolean not null default false,
  uploaded_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id),
  check (octet_length(content) = byte_size),
  check (not published or kind = 'published-report')
);
create index review_documents_case on review_documents (partnership_id, case_id, created_at);

-- A request to one agency for its chronology or its report, with its due date.
create table review_agency_requests (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  what text not null check (what in ('chronology', 'agency-report')),
  agency text not null,
  contact_name text not null,
  contact_email text not null,
  requested_on date not null,
  due_on date not null,
  received_on date,
  document_id uuid,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id),
  foreign key (partnership_id, document_id) references review_documents (partnership_id, id),
  check (due_on >= requested_on),
  check (received_on is null or received_on >= requested_on)
);
create index review_agency_requests_case on review_agency_requests (partnership_id, case_id, due_on);

-- What happened to a request, one row each: sent, chased (every chase kept), received.
create table review_agency_request_events (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  request_id uuid not null,
  kind text not null check (kind in ('sent', 'chased', 'received')),
  happened_on date not null,
  note text,
  by_user_id uuid references users (id),
  by_label text not null,
  at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, request_id) references review_agency_requests (partnership_id, id)
);
create index review_agency_request_events_request on review_agency_request_events (partnership_id, request_id, at);

-- The family's involvement, as dated entries: a contact (kept inside the case only), an
-- offer made, a meeting, how the family wants the person named.
create table review_family_entries (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  kind text not null check (kind in ('contact', 'offer', 'meeting', 'naming')),
  happened_on date not null,
  who text,
  details text not null,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id)
);
create index review_family_entries_case on review_family_entries (partnership_id, case_id, happened_on);

-- The Home Office quality assurance panel's feedback, numbered per case, each with its own
-- status. (The submission, the panel's meeting and outcome, and the resubmission are
-- stage events of the case, review_stage_events.)
create table review_qa_feedback (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  number integer not null check (number > 0),
  text text not null,
  status text not null default 'open' check (status in ('open', 'addressed', 'not-accepted')),
  response text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, case_id, number),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id),
  check (status <> 'not-accepted' or response is not null)
);

-- Safeguarding adults reviews: the quality markers met, one row per marker ticked.
create table review_sar_markers (
  partnership_id uuid not null references partnerships (id),
  case_id uuid not null,
  marker text not null,
  note text,
  primary key (partnership_id, case_id, marker),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id)
);

-- Safeguarding adults reviews: each finding and the board's decision on it.
create table review_sar_findings (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  number integer not null check (number > 0),
  text text not null,
  decision text check (decision in ('accepted', 'not-accepted')),
  reasons text,
  decided_on date,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, case_id, number),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id),
  check (decision is null or decided_on is not null),
  check (decision <> 'not-accepted' or reasons is not null)
);
