-- Actions: what a body agreed someone would do, by when; their updates; the reminders
-- sent about them. An action may come from a minute paragraph or a resolution of the
-- meetings module; it records that source by id only (modules meet through ids), with the
-- words of the minutes quoted so the action reads on its own.

create table actions (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  body_id uuid not null,
  meeting_id uuid, -- a meeting of the meetings module, by id
  source_kind text check (source_kind in ('minute-paragraph', 'resolution', 'manual')),
  source_id uuid, -- the minute paragraph or resolution, by id
  source_text text,
  description text not null,
  owner_person_id uuid,
  owner_organisation_id uuid,
  due_on date not null,
  status text not null default 'open' check (status in ('open', 'in-progress', 'done', 'dropped')),
  -- Actions from a restricted item (held without press and public) stay restricted.
  restricted boolean not null default false,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, body_id) references bodies (partnership_id, id),
  foreign key (partnership_id, owner_person_id) references people (partnership_id, id),
  foreign key (partnership_id, owner_organisation_id) references organisations (partnership_id, id),
  -- Exactly one owner: a person or an organisation.
  check ((owner_person_id is null) <> (owner_organisation_id is null)),
  -- A source id says which paragraph or resolution; a manual action has none.
  check (source_id is null or source_kind in ('minute-paragraph', 'resolution')),
  check (source_kind is null or source_kind = 'manual' or source_id is not null)
);
create index actions_body on actions (partnership_id, body_id, status, due_on);
create index actions_status_due on actions (partnership_id, status, due_on);
create index actions_owner_person on actions (partnership_id, owner_person_id);
create index actions_owner_organisation on actions (partnership_id, owner_organisation_id);
create index actions_source on actions (partnership_id, source_kind, source_id);
create index actions_meeting on actions (partnership_id, meeting_id);

-- Every change of status, every note and every new due date: who, when, what.
create table action_updates (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  action_id uuid not null,
  author_user_id uuid references users (id),
  author_label text not null,
  at timestamptz not null default now(),
  note text,
  from_status text check (from_status in ('open', 'in-progress', 'done', 'dropped')), -- null when the action was created
  to_status text not null check (to_status in ('open', 'in-progress', 'done', 'dropped')),
  from_due_on date,
  to_due_on date,
  primary key (partnership_id, id),
  foreign key (partnership_id, action_id) references actions (partnership_id, id)
);
create index action_updates_action on action_updates (partnership_id, action_id, at);

-- One reminder per action per day at most: the unique key makes a second run that day
-- (or two runs at once) send nothing twice.
create table action_reminders (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  action_id uuid not null,
  sent_on date not null,
  recipient text not null,
  sent_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, action_id, sent_on),
  foreign key (partnership_id, action_id) references actions (partnership_id, id)
);
