-- Notices to members: when an agenda, a supplementary agenda or the minutes are published,
-- the body's members and the people invited are e-mailed, once each.

-- The link to join a meeting held online (or hybrid), for the summons and the pack.
alter table meetings add column joining_url text check (joining_url ~ '^https://[^\s]+$');

-- Which notices a user wants, per partnership. No row: every notice.
create table notice_preferences (
  partnership_id uuid not null references partnerships (id),
  user_id uuid not null references users (id),
  agendas boolean not null default true,
  supplements boolean not null default true,
  minutes boolean not null default true,
  updated_at timestamptz not null default now(),
  primary key (partnership_id, user_id)
);

-- One notice of one publication: its recipients are the outbox rows.
create table meeting_notices (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  kind text not null check (kind in ('agenda', 'supplement', 'minutes')),
  -- The iCalendar SEQUENCE of the invitation it carries: each notice of a meeting one more,
  -- so a calendar replaces the event it holds rather than keeping the older one.
  sequence integer not null check (sequence >= 0),
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, meeting_id, sequence),
  foreign key (partnership_id, meeting_id) references meetings (partnership_id, id)
);

-- One row per recipient and notice. A runner claims a row (status 'sending', with the time
-- of its claim), sends it, and marks it sent; a claim left by a runner that stopped is taken
-- again once it is older than the lease. The Message-ID is fixed here, so the rare message
-- sent twice (accepted by the mail server, not yet marked) is the same message to the reader.
create table notice_outbox (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  notice_id uuid not null,
  person_id uuid,
  user_id uuid references users (id),
  email text not null,
  name text not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts integer not null default 0,
  claimed_at timestamptz,
  claimed_by text,
  sent_at timestamptz,
  last_error text,
  message_id text not null,
  -- Whether the message carried the members' version (restricted items), decided when sent.
  members_version boolean,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, notice_id, email),
  foreign key (partnership_id, notice_id) references meeting_notices (partnership_id, id),
  foreign key (partnership_id, person_id) references people (partnership_id, id)
);
create index notice_outbox_waiting on notice_outbox (claimed_at) where status in ('pending', 'sending');
create index notice_outbox_notice on notice_outbox (partnership_id, notice_id, status);
