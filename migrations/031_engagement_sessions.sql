-- Information sessions (engagement, migration 023 made the sessions and registrations):
-- the markers that make each e-mail to a registered person go at most once (the reminder
-- the day before, the feedback form), and the answers to the feedback form, one per
-- attendee.
alter table engagement_registrations add column reminder_sent_at timestamptz;
alter table engagement_registrations add column feedback_sent_at timestamptz;
-- The joining link went to this person (confirmation, promotion or reminder).
alter table engagement_registrations add column joining_link_sent_at timestamptz;

create table engagement_feedback (
  partnership_id uuid not null references partnerships (id),
  registration_id uuid not null,
  session_id uuid not null,
  -- 1 (poor) to 5 (excellent).
  overall smallint not null check (overall between 1 and 5),
  usefulness smallint not null check (usefulness between 1 and 5),
  speakers smallint not null check (speakers between 1 and 5),
  comments text,
  created_at timestamptz not null default now(),
  primary key (partnership_id, registration_id),
  foreign key (partnership_id, registration_id) references engagement_registrations (partnership_id, id),
  foreign key (partnership_id, session_id) references engagement_sessions (partnership_id, id)
);
create index engagement_feedback_session on engagement_feedback (partnership_id, session_id);
