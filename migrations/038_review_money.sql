-- Reviews: how they are paid for, and progress on recommendations asked of agencies by e-mail.
--
-- A funding agreement holds the partnership's rules for sharing a review's costs, as data
-- (src/modules/reviews/funding.ts reads them): first charges (the Commissioner's office pays
-- half the independent chair's costs up to a cap) and how the rest is shared (equally, or in
-- percentages that add up to 100%). Payers are organisations of the partnership. At most one
-- agreement is in effect on any day (checked by the command that saves one).
create table review_funding_agreements (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  title text not null,
  effective_from date not null,
  effective_to date,
  -- { firstCharges: [{ payer, cost, basisPoints, capPence }], remainder: { kind, payers | shares } }, payers by organisation id.
  rules jsonb not null,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  check (effective_to is null or effective_to >= effective_from)
);

-- What one case costs, in integer pence: the independent chair, the author, and the rest.
create table review_case_costs (
  partnership_id uuid not null references partnerships (id),
  case_id uuid not null,
  chair_pence bigint not null default 0 check (chair_pence >= 0),
  author_pence bigint not null default 0 check (author_pence >= 0),
  other_pence bigint not null default 0 check (other_pence >= 0),
  note text,
  updated_by uuid references users (id),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, case_id),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id)
);

-- A partner's contribution to one case, generated from the agreement's rules and the case's
-- costs; it is raised, then invoiced (dated, with the invoice's reference), then paid
-- (dated, with the payment's reference). The payer's name is kept as it was when raised.
create table review_contribution_lines (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  agreement_id uuid not null,
  payer_organisation_id uuid not null,
  payer_name text not null,
  pence bigint not null check (pence >= 0),
  basis text not null,
  status text not null default 'raised' check (status in ('raised', 'invoiced', 'paid')),
  raised_on date not null,
  invoiced_on date,
  invoice_reference text,
  paid_on date,
  payment_reference text,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, case_id, payer_organisation_id),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id),
  foreign key (partnership_id, agreement_id) references review_funding_agreements (partnership_id, id),
  foreign key (partnership_id, payer_organisation_id) references organisations (partnership_id, id),
  check (status = 'raised' or (invoiced_on is not null and invoice_reference is not null)),
  check (status <> 'paid' or (paid_on is not null and payment_reference is not null and paid_on >= invoiced_on))
);
create index review_contribution_lines_status on review_contribution_lines (partnership_id, status);

-- A link e-mailed to an agency's contact, to send progress on that agency's
-- recommendations of one case without an account (src/access/linkTokens.ts: a random
-- token in the address, only its SHA-256 kept). It works until it expires, once: sending
-- the update uses it up; a newer link to the same agency of the same case replaces it.
create table review_progress_links (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  agency text not null,
  contact_name text not null,
  contact_email text not null,
  token_sha256 text not null,
  sent_by uuid references users (id),
  sent_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  primary key (partnership_id, id),
  unique (partnership_id, token_sha256),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id)
);
create index review_progress_links_case on review_progress_links (partnership_id, case_id, agency);
