-- Reviews: domestic homicide reviews (domestic abuse related death reviews once the
-- Victims and Prisoners Act 2024 is commenced), safeguarding adults reviews, joint reviews
-- and any other kind a partnership adds. The most sensitive records the system holds:
-- who may read a case is decided by src/access/policy.ts from case grants
-- (access_grants, scope_kind 'case'), which the case's people (coordinators and panel
-- members, below) are given and lose with their place on the case.

-- Kinds a partnership adds to the built-in ones (src/modules/reviews/domain.ts), or the
-- built-in ones with their label or timescales changed: the name is data, not code.
create table review_kinds (
  partnership_id uuid not null references partnerships (id),
  code text not null check (code ~ '^[a-z][a-z0-9-]{1,30}$'),
  label text not null,
  short_label text not null,
  -- Which stages the kind moves through: a homicide review's, or a safeguarding adults review's.
  stage_set text not null check (stage_set in ('dhr', 'sar')),
  -- Timescales, in months: the decision after notification; completion after the decision.
  decision_months integer not null default 1 check (decision_months between 0 and 60),
  completion_months integer not null default 6 check (completion_months between 0 and 120),
  created_at timestamptz not null default now(),
  primary key (partnership_id, code)
);

create table review_cases (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  kind_code text not null,
  -- How the case is known everywhere, "Martin 2018": never the subject's real name.
  pseudonym text not null,
  year integer not null check (year between 1990 and 2200),
  died_or_incident_on date,
  notified_on date not null,
  notified_how text,
  notified_by text,
  home_office_ref text,
  nhs_ref text,
  police_ref text,
  -- The subject's details and the people involved: shown inside the case only.
  subject_details text,
  -- Publication: what the public may read once the review is published, and nothing else.
  published_on date,
  published_summary text,
  published_where text,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, pseudonym, year),
  check (published_on is null or published_summary is not null)
);

-- What happened at each stage, once: its date, its outcome, its reasons and any delay.
create table review_stage_events (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  stage text not null,
  happened_on date not null,
  outcome text,
  reasons text,
  delay_reason text,
  recorded_by uuid references users (id),
  recorded_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, case_id, stage),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id)
);

-- The case's people: its named review coordinators (officers) and its panel (the
-- independent chair and author, agency representatives). A place with a user gives that
-- user a case grant; a place ended (removed_at) takes it away.
create table review_case_people (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  place text not null check (place in ('coordinator', 'independent-chair', 'author', 'agency-representative', 'other')),
  user_id uuid references users (id),
  name text not null,
  agency text,
  independence_declared_on date,
  added_by uuid references users (id),
  added_at timestamptz not null default now(),
  removed_at timestamptz,
  primary key (partnership_id, id),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id),
  check (place <> 'coordinator' or user_id is not null)
);
create index review_case_people_case on review_case_people (partnership_id, case_id);
create unique index review_case_people_current_user on review_case_people (partnership_id, case_id, user_id) where removed_at is null and user_id is not null;

create table review_case_themes (
  partnership_id uuid not null references partnerships (id),
  case_id uuid not null,
  theme text not null,
  primary key (partnership_id, case_id, theme),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id)
);

create table review_recommendations (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  number integer not null check (number > 0),
  text text not null,
  -- To a named agency, or national (to government or a national body).
  agency text not null,
  national boolean not null default false,
  agency_actions text,
  owner text,
  due_on date,
  theme text,
  -- The latest status; every change is a row of review_recommendation_updates.
  status text not null default 'open' check (status in ('open', 'in-progress', 'completed', 'not-accepted')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, case_id, number),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id)
);
create index review_recommendations_status on review_recommendations (partnership_id, status, due_on);

-- The status history of a recommendation: never one overwritten status.
create table review_recommendation_updates (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  recommendation_id uuid not null,
  at timestamptz not null default now(),
  author_user_id uuid references users (id),
  author_label text not null,
  from_status text check (from_status in ('open', 'in-progress', 'completed', 'not-accepted')),
  to_status text not null check (to_status in ('open', 'in-progress', 'completed', 'not-accepted')),
  note text,
  evidence text,
  primary key (partnership_id, id),
  foreign key (partnership_id, recommendation_id) references review_recommendations (partnership_id, id),
  -- Completed only with evidence of completion.
  check (to_status <> 'completed' or evidence is not null)
);
create index review_recommendation_updates_rec on review_recommendation_updates (partnership_id, recommendation_id, at);
