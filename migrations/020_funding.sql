-- Funding: a funder's grants to the partnership (the Police and Crime Commissioner's Crime
-- Reduction Grant), their rules as data, the proposals partners make for the money, and
-- the projects' spend, progress, delays and outturn. Money is integer pence (bigint).
-- Other modules' records (organisations, people, meetings, agenda items, resolutions,
-- strategy priorities, documents) are referred to by id.

create table grants (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  funder_organisation_id uuid not null,
  -- The partnership's host council, which receives and holds the money.
  recipient_organisation_id uuid,
  programme text not null,
  -- The UK financial year it is for, by its first year: 2021 is 2021/22.
  financial_year integer not null check (financial_year between 1990 and 2200),
  awarded_on date not null,
  conditions text,
  conditions_document_id uuid,
  -- Its rules, as data.
  held_back_numerator integer not null check (held_back_numerator >= 0),
  held_back_denominator integer not null check (held_back_denominator > 0),
  rounding text not null check (rounding in ('down', 'nearest', 'up')),
  lock_while_earlier_open boolean not null,
  unallocated_moves_on date,
  underspend_rule text not null check (underspend_rule in ('return', 'carry-forward')),
  -- Where every penny is: the four always add up to the award (the check below).
  awarded_pence bigint not null check (awarded_pence > 0),
  allocated_pence bigint not null default 0 check (allocated_pence >= 0),
  unallocated_pence bigint not null check (unallocated_pence >= 0),
  held_back_pence bigint not null check (held_back_pence >= 0),
  returned_pence bigint not null default 0 check (returned_pence >= 0),
  -- The year-end outturn, once recorded.
  outturn_on date,
  outturn_spent_pence bigint check (outturn_spent_pence >= 0),
  outturn_returned_pence bigint check (outturn_returned_pence >= 0),
  outturn_carried_forward_pence bigint check (outturn_carried_forward_pence >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, funder_organisation_id) references organisations (partnership_id, id),
  foreign key (partnership_id, recipient_organisation_id) references organisations (partnership_id, id),
  constraint grants_money_adds_up check (allocated_pence + unallocated_pence + held_back_pence + returned_pence = awarded_pence),
  check (held_back_numerator <= held_back_denominator),
  check ((outturn_on is null) = (outturn_spent_pence is null))
);
create unique index grants_year on grants (partnership_id, funder_organisation_id, lower(programme), financial_year);

create table funding_proposals (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  grant_id uuid not null,
  pot text not null check (pot in ('upfront', 'tactical')),
  title text not null,
  description text not null,
  -- A priority of the strategy module's agreement, by id.
  priority_id uuid,
  priority_text text,
  amount_asked_pence bigint not null check (amount_asked_pence > 0),
  lead_organisation_id uuid not null,
  lead_contact_name text,
  lead_contact_email text,
  delivery_starts_on date not null,
  delivery_ends_on date not null,
  measures text,
  status text not null default 'submitted'
    check (status in ('submitted', 'considered', 'endorsed', 'approved', 'in-delivery', 'complete', 'withdrawn', 'declined')),
  submitted_on date not null,
  -- Considered by the Working Group: the meeting, agenda item and resolution of the meetings module.
  considered_on date,
  considered_meeting_id uuid,
  considered_agenda_item_id uuid,
  considered_resolution_id uuid,
  considered_note text,
  -- Endorsed by the chair or vice-chair, who is recorded.
  endorsed_on date,
  endorsed_by_person_id uuid,
  endorsed_role text check (endorsed_role in ('chair', 'vice-chair')),
  -- Approved by the funder: who, when, the evidence; the allocation is made then and only then.
  approved_on date,
  approved_by text,
  approval_evidence text,
  allocated_pence bigint not null default 0 check (allocated_pence >= 0),
  started_on date,
  completed_on date,
  underspend_pence bigint check (underspend_pence >= 0),
  underspend_rule text check (underspend_rule in ('return', 'carry-forward')),
  closed_on date,
  closed_reason text,
  delayed boolean not null default false,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, grant_id) references grants (partnership_id, id),
  foreign key (partnership_id, lead_organisation_id) references organisations (partnership_id, id),
  foreign key (partnership_id, endorsed_by_person_id) references people (partnership_id, id),
  check (delivery_ends_on >= delivery_starts_on),
  check (status in ('submitted', 'withdrawn', 'declined') or considered_on is not null),
  check (status in ('submitted', 'considered', 'withdrawn', 'declined') or (endorsed_by_person_id is not null and endorsed_on is not null)),
  check (status not in ('approved', 'in-delivery', 'complete') or (approved_on is not null and approved_by is not null and approval_evidence is not null and allocated_pence > 0)),
  check (allocated_pence = 0 or approved_on is not null),
  check (status not in ('withdrawn', 'declined') or closed_reason is not null)
);
create index funding_proposals_grant on funding_proposals (partnership_id, grant_id, status);

-- Claims and invoices paid.
create table funding_claims (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  proposal_id uuid not null,
  paid_on date not null,
  amount_pence bigint not null check (amount_pence > 0),
  payee text not null,
  reference text,
  evidence text,
  evidence_document_id uuid,
  recorded_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, proposal_id) references funding_proposals (partnership_id, id)
);
create index funding_claims_proposal on funding_claims (partnership_id, proposal_id, paid_on);

-- The spend of a project never passes its allocation, whatever writes it.
create function funding_claims_within_allocation() returns trigger language plpgsql as $$
declare
  allocation bigint;
  paid bigint;
begin
  select allocated_pence into allocation from funding_proposals
    where partnership_id = new.partnership_id and id = new.proposal_id;
  select coalesce(sum(amount_pence), 0) into paid from funding_claims
    where partnership_id = new.partnership_id and proposal_id = new.proposal_id;
  if paid > allocation then
    raise exception 'funding claims exceed the allocation' using errcode = 'check_violation';
  end if;
  return null;
end;
$$;
create trigger funding_claims_within_allocation after insert or update on funding_claims
  for each row execute function funding_claims_within_allocation();

-- Progress returns from the lead: dated text and figures.
create table funding_progress (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  proposal_id uuid not null,
  reported_on date not null,
  text text not null,
  figures text,
  author_label text not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, proposal_id) references funding_proposals (partnership_id, id)
);
create index funding_progress_proposal on funding_progress (partnership_id, proposal_id, reported_on);

-- Delays: the reason and the new end date, each one kept.
create table funding_delays (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  proposal_id uuid not null,
  recorded_on date not null,
  reason text not null,
  from_ends_on date not null,
  to_ends_on date not null,
  author_label text not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, proposal_id) references funding_proposals (partnership_id, id)
);
create index funding_delays_proposal on funding_delays (partnership_id, proposal_id, recorded_on);

-- Organisation identifiers for open data (360Giving): GB-LAE-..., GB-CHC-..., GB-COH-...
create table funding_organisation_identifiers (
  partnership_id uuid not null references partnerships (id),
  organisation_id uuid not null,
  identifier text not null check (identifier ~ '^[A-Za-z0-9-]+-[A-Za-z0-9]+' and identifier !~ '\s'),
  primary key (partnership_id, organisation_id),
  foreign key (partnership_id, organisation_id) references organisations (partnership_id, id)
);
