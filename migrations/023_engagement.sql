-- Engagement: distribution lists and the people on them with the consent each gave, the
-- suppression list (an address that unsubscribed or bounced hard is never mailed again,
-- whatever an import says), the bulletin (issues of sections and articles, sent through an
-- outbox with one row per recipient so a send survives a crash and mails each person once),
-- bounces, and information sessions with their registrations. Meetings, papers and
-- organisations are referred to by id or address only.

create table engagement_lists (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  name text not null,
  description text,
  -- Offered on the public sign-up page.
  open_to_sign_up boolean not null default true,
  -- The words a person agrees to when signing up, kept with each consent as they were.
  consent_wording text not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, name)
);

create table engagement_subscribers (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  -- Lower case: one person per address.
  email text not null,
  name text,
  organisation text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, email),
  check (email = lower(email))
);

-- A person on a list, with the consent record: when, how, the words agreed to, from where.
create table engagement_subscriptions (
  partnership_id uuid not null references partnerships (id),
  subscriber_id uuid not null,
  list_id uuid not null,
  -- pending: signed up, not yet confirmed (double opt-in).
  status text not null check (status in ('pending', 'subscribed', 'unsubscribed')),
  consent_method text not null check (consent_method in ('sign-up', 'officer', 'import')),
  consent_at timestamptz not null default now(),
  consent_wording text not null,
  -- The page, the officer's stated basis, or the import's file and basis.
  consent_source text not null,
  confirmed_at timestamptz,
  unsubscribed_at timestamptz,
  added_by uuid references users (id),
  primary key (partnership_id, subscriber_id, list_id),
  foreign key (partnership_id, subscriber_id) references engagement_subscribers (partnership_id, id),
  foreign key (partnership_id, list_id) references engagement_lists (partnership_id, id)
);
create index engagement_subscriptions_list on engagement_subscriptions (partnership_id, list_id, status);

-- Addresses never mailed again. Only an officer may lift a suppression, and only one they
-- made themselves: an unsubscribe or a hard bounce stays.
create table engagement_suppressions (
  partnership_id uuid not null references partnerships (id),
  email text not null,
  reason text not null check (reason in ('unsubscribed', 'hard-bounce', 'complaint', 'officer')),
  detail text,
  created_at timestamptz not null default now(),
  primary key (partnership_id, email),
  check (email = lower(email))
);

-- The single-use links of double opt-in.
create table engagement_confirmations (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  subscriber_id uuid not null,
  list_ids uuid[] not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  primary key (partnership_id, id),
  foreign key (partnership_id, subscriber_id) references engagement_subscribers (partnership_id, id)
);

-- The bulletin.
create table engagement_issues (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  list_id uuid not null,
  number integer not null,
  title text not null,
  introduction text,
  status text not null default 'draft' check (status in ('draft', 'sending', 'sent')),
  send_started_at timestamptz,
  sent_at timestamptz,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, number),
  foreign key (partnership_id, list_id) references engagement_lists (partnership_id, id)
);

create table engagement_articles (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  issue_id uuid not null,
  section text not null,
  position integer not null,
  title text not null,
  body text not null,
  link_url text,
  link_label text,
  image_url text,
  image_alt text,
  primary key (partnership_id, id),
  foreign key (partnership_id, issue_id) references engagement_issues (partnership_id, id) on delete cascade
);
create index engagement_articles_issue on engagement_articles (partnership_id, issue_id, position);

-- One row per recipient of an issue: the send's memory. A row is 'sending' only while its
-- message is in the SMTP transaction; a resumed send takes every row not yet 'sent'.
create table engagement_outbox (
  partnership_id uuid not null references partnerships (id),
  issue_id uuid not null,
  subscriber_id uuid not null,
  email text not null,
  state text not null default 'pending' check (state in ('pending', 'sending', 'sent', 'bounced', 'failed', 'suppressed')),
  attempts integer not null default 0,
  claimed_at timestamptz,
  claimed_by uuid,
  last_error text,
  sent_at timestamptz,
  delivered_at timestamptz,
  primary key (partnership_id, issue_id, subscriber_id),
  foreign key (partnership_id, issue_id) references engagement_issues (partnership_id, id)
);
create index engagement_outbox_todo on engagement_outbox (partnership_id, issue_id, state);

create table engagement_bounces (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  email text not null,
  issue_id uuid,
  kind text not null check (kind in ('hard', 'soft')),
  -- At send time (the SMTP reply) or a delivery status notification received.
  source text not null check (source in ('smtp', 'dsn')),
  status text,
  diagnostic text,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id)
);
create index engagement_bounces_email on engagement_bounces (partnership_id, email);

-- Unsubscribes counted against the issue whose link was used.
create table engagement_unsubscribes (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  subscriber_id uuid not null,
  list_id uuid not null,
  issue_id uuid,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id)
);

-- Information sessions and their registrations.
create table engagement_sessions (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  topic text not null,
  description text,
  speakers text,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  venue text,
  online_link text,
  capacity integer not null check (capacity > 0),
  audience text not null check (audience in ('partners', 'public')),
  registration_opens_at timestamptz not null,
  registration_closes_at timestamptz not null,
  announce_in_next_bulletin boolean not null default false,
  reminders_sent_at timestamptz,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  check (ends_at > starts_at),
  check (registration_closes_at > registration_opens_at),
  check (venue is not null or online_link is not null)
);

create table engagement_registrations (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  session_id uuid not null,
  name text not null,
  email text not null,
  organisation text,
  status text not null check (status in ('registered', 'waiting', 'cancelled')),
  -- Place in the queue: the order people registered in.
  position bigserial,
  attended boolean,
  created_at timestamptz not null default now(),
  cancelled_at timestamptz,
  promoted_at timestamptz,
  primary key (partnership_id, id),
  foreign key (partnership_id, session_id) references engagement_sessions (partnership_id, id),
  check (email = lower(email))
);
create index engagement_registrations_session on engagement_registrations (partnership_id, session_id, status, position);
create unique index engagement_registrations_once on engagement_registrations (partnership_id, session_id, email) where status <> 'cancelled';
