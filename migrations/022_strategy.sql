-- Strategy: the Community Safety Agreement (one version per period), its priorities and
-- cross-cutting themes, the live action plan (a tree: objective -> action -> sub-action
-- under a priority), the dated updates of the people who own the work (kept, never
-- overwritten) and the measures with their dated values. Meetings, resolutions, people
-- and organisations are referred to by id only (modules meet through ids).

create table strategy_agreements (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  -- '2025-26': one agreement per period.
  period text not null,
  title text not null,
  summary text,
  starts_on date not null,
  ends_on date not null,
  status text not null default 'draft' check (status in ('draft', 'agreed', 'published', 'superseded')),
  -- The body that monitors the plan (the Working Group): its members read restricted plan actions.
  monitoring_body_id uuid,
  -- Agreed by a resolution of a meeting (meetings module, by id).
  agreed_meeting_id uuid,
  agreed_resolution_id uuid,
  agreed_on date,
  published_at timestamptz,
  -- The partnership's choice: the public sees the plan's progress as well as the agreement.
  plan_public boolean not null default false,
  -- Copied forward from ("Refresh for next year").
  refreshed_from_id uuid,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, period),
  foreign key (partnership_id, monitoring_body_id) references bodies (partnership_id, id),
  foreign key (partnership_id, refreshed_from_id) references strategy_agreements (partnership_id, id),
  check (ends_on >= starts_on),
  check (status = 'draft' or agreed_on is not null),
  check (status not in ('published', 'superseded') or published_at is not null)
);

-- Priorities and cross-cutting themes. Their ids are stable: other modules (funding
-- proposals) refer to them. A refreshed agreement's copy points at the one it came from.
create table strategy_priorities (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  agreement_id uuid not null,
  kind text not null check (kind in ('priority', 'theme')),
  position integer not null,
  title text not null,
  description text,
  reasons text,
  lead_organisation_id uuid,
  lead_person_id uuid,
  carried_from_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, agreement_id) references strategy_agreements (partnership_id, id),
  foreign key (partnership_id, lead_organisation_id) references organisations (partnership_id, id),
  foreign key (partnership_id, lead_person_id) references people (partnership_id, id),
  foreign key (partnership_id, carried_from_id) references strategy_priorities (partnership_id, id)
);
create index strategy_priorities_agreement on strategy_priorities (partnership_id, agreement_id, kind, position);

-- The action plan: each line sits under a priority, and under a parent line unless it is
-- an objective. Progress and status here are the latest update's (the history is in
-- strategy_plan_updates); a parent's shown figures are rolled up from its children.
create table strategy_plan_lines (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  agreement_id uuid not null,
  priority_id uuid not null,
  parent_id uuid,
  level text not null check (level in ('objective', 'action', 'sub-action')),
  position integer not null,
  -- The officers' own reference ("1.2.3"), shown and used in spreadsheets.
  ref text not null,
  title text not null,
  description text,
  lead_organisation_id uuid,
  owner_person_id uuid,
  partners text,
  starts_on date,
  due_on date,
  status text not null default 'not-started'
    check (status in ('not-started', 'on-track', 'at-risk', 'off-track', 'complete', 'cancelled', 'carried-forward')),
  progress integer not null default 0 check (progress between 0 and 100),
  weight integer not null default 1 check (weight between 0 and 100),
  -- A parent's status set by hand, with the reason; otherwise the worst of its children.
  status_override text
    check (status_override in ('not-started', 'on-track', 'at-risk', 'off-track', 'complete', 'cancelled', 'carried-forward')),
  status_override_reason text,
  restricted boolean not null default false,
  carried_from_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, agreement_id, ref),
  foreign key (partnership_id, agreement_id) references strategy_agreements (partnership_id, id),
  foreign key (partnership_id, priority_id) references strategy_priorities (partnership_id, id),
  foreign key (partnership_id, parent_id) references strategy_plan_lines (partnership_id, id),
  foreign key (partnership_id, lead_organisation_id) references organisations (partnership_id, id),
  foreign key (partnership_id, owner_person_id) references people (partnership_id, id),
  check (starts_on is null or due_on is null or due_on >= starts_on),
  check ((level = 'objective') = (parent_id is null)),
  check ((status_override is null) = (status_override_reason is null))
);
create index strategy_plan_lines_agreement on strategy_plan_lines (partnership_id, agreement_id, priority_id, position);
create index strategy_plan_lines_parent on strategy_plan_lines (partnership_id, parent_id);
create index strategy_plan_lines_owner on strategy_plan_lines (partnership_id, owner_person_id);

-- Cross-cutting themes tag plan lines.
create table strategy_plan_line_themes (
  partnership_id uuid not null references partnerships (id),
  line_id uuid not null,
  theme_id uuid not null,
  primary key (partnership_id, line_id, theme_id),
  foreign key (partnership_id, line_id) references strategy_plan_lines (partnership_id, id),
  foreign key (partnership_id, theme_id) references strategy_priorities (partnership_id, id)
);

-- Every update, dated: the RAG status and progress on that day, a note, evidence. Kept,
-- never overwritten; the line's own status and progress are the latest of them.
create table strategy_plan_updates (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  line_id uuid not null,
  -- The day the update speaks for.
  on_date date not null,
  at timestamptz not null default now(),
  author_user_id uuid references users (id),
  author_label text not null,
  from_status text,
  status text not null
    check (status in ('not-started', 'on-track', 'at-risk', 'off-track', 'complete', 'cancelled', 'carried-forward')),
  from_progress integer,
  progress integer not null check (progress between 0 and 100),
  note text,
  evidence_url text,
  -- 'update' from the owner's page, 'import' from a spreadsheet, 'create' when the line was made.
  source text not null default 'update' check (source in ('create', 'update', 'import', 'edit')),
  primary key (partnership_id, id),
  foreign key (partnership_id, line_id) references strategy_plan_lines (partnership_id, id)
);
create index strategy_plan_updates_line on strategy_plan_updates (partnership_id, line_id, on_date, at);

-- Measures (KPIs): a baseline, a target and which direction is good; values per period, dated.
create table strategy_measures (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  agreement_id uuid not null,
  priority_id uuid,
  line_id uuid,
  title text not null,
  unit text,
  baseline double precision,
  baseline_period text,
  target double precision,
  direction text not null check (direction in ('up', 'down')),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, agreement_id) references strategy_agreements (partnership_id, id),
  foreign key (partnership_id, priority_id) references strategy_priorities (partnership_id, id),
  foreign key (partnership_id, line_id) references strategy_plan_lines (partnership_id, id)
);
create index strategy_measures_agreement on strategy_measures (partnership_id, agreement_id);

-- A measure's value for a period ('2025-26 Q2'), as recorded on a day. A correction is a
-- new row; the latest recorded for a period is the one shown, and every one is kept.
create table strategy_measure_values (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  measure_id uuid not null,
  period text not null,
  on_date date not null,
  value double precision not null,
  note text,
  recorded_by uuid references users (id),
  recorded_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, measure_id) references strategy_measures (partnership_id, id)
);
create index strategy_measure_values_measure on strategy_measure_values (partnership_id, measure_id, on_date);
