-- Copies of a published review sent where the law and guidance say (the Home Office, the
-- Domestic Abuse Commissioner, the Police and Crime Commissioner, the safeguarding boards,
-- the family): to whom, when and how, one row each.
create table review_copies_sent (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  recipient text not null check (length(recipient) between 1 and 300),
  sent_on date not null,
  how text,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id)
);
create index review_copies_sent_case on review_copies_sent (partnership_id, case_id, sent_on);
