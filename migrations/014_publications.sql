-- Published records never change silently. Every publication of a meeting's agenda,
-- supplementary agenda or minutes, and every withdrawal (with its reason), is kept as a
-- row here: the pages, the Atom feed and the calendar read their history from it.
create table meeting_publications (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  kind text not null check (kind in ('agenda', 'supplement', 'minutes', 'agenda-withdrawn', 'minutes-withdrawn')),
  -- Supplementary agendas are numbered 1, 2 ... per meeting.
  number integer check (number > 0),
  reason text,
  -- The warnings of the check page the clerk confirmed when publishing anyway.
  warnings_confirmed text[] not null default '{}',
  published_at timestamptz not null default now(),
  published_by uuid references users (id),
  published_by_label text not null,
  primary key (partnership_id, id),
  unique (partnership_id, meeting_id, id),
  foreign key (partnership_id, meeting_id) references meetings (partnership_id, id),
  check ((kind in ('agenda-withdrawn', 'minutes-withdrawn')) = (reason is not null)),
  check ((kind = 'supplement') = (number is not null))
);
create index meeting_publications_meeting on meeting_publications (partnership_id, meeting_id, published_at);
create index meeting_publications_recent on meeting_publications (partnership_id, published_at desc);
create unique index meeting_publications_supplement_number on meeting_publications (partnership_id, meeting_id, number) where number is not null;

-- An item or paper added after the agenda was published is "late": the public sees it
-- only once a supplementary agenda publishes it (supplement_id).
alter table agenda_items
  add column late boolean not null default false,
  add column supplement_id uuid,
  -- The item needs a paper (a report): the check page warns while none is attached.
  add column paper_expected boolean not null default false,
  add constraint agenda_items_supplement foreign key (partnership_id, meeting_id, supplement_id)
    references meeting_publications (partnership_id, meeting_id, id);
alter table papers
  add column late boolean not null default false,
  add column supplement_id uuid,
  add constraint papers_supplement foreign key (partnership_id, meeting_id, supplement_id)
    references meeting_publications (partnership_id, meeting_id, id);

-- When the minutes were first published: from then on their numbers never change, even
-- if they are withdrawn. The latest supplement and amendment, for lists and calendars.
alter table meetings
  add column minutes_numbers_fixed_at timestamptz,
  add column agenda_supplemented_at timestamptz,
  add column minutes_amended_at timestamptz;

-- Amendments of published (not only approved) minutes.
update meetings set minutes_numbers_fixed_at = minutes_published_at where minutes_published_at is not null;
update meetings set minutes_numbers_fixed_at = coalesce(minutes_numbers_fixed_at, minutes_approved_at) where minutes_approved_at is not null;
update meetings m set minutes_amended_at = a.latest
  from (select partnership_id, meeting_id, max(amended_at) as latest from minute_amendments group by partnership_id, meeting_id) a
  where a.partnership_id = m.partnership_id and a.meeting_id = m.id;

-- Publications made before this history was kept.
insert into meeting_publications (partnership_id, meeting_id, kind, published_at, published_by_label)
  select partnership_id, id, 'agenda', agenda_published_at, 'Recorded before publication history was kept' from meetings where agenda_published_at is not null;
insert into meeting_publications (partnership_id, meeting_id, kind, published_at, published_by_label)
  select partnership_id, id, 'minutes', minutes_published_at, 'Recorded before publication history was kept' from meetings where minutes_published_at is not null;
