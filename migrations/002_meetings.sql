-- Meetings: schedule, agenda in sections with coded items, papers kept byte for byte,
-- attendance, declarations of interest, minutes (numbered paragraphs, resolutions),
-- approval as a correct record and the amendments made after it.
-- Shaped to export as Open Civic Data events later: a meeting is an event, its agenda
-- items carry their order and code, papers are the event's documents.

-- The partnership's agenda sections (A committee business ... D restricted). Each new
-- meeting copies them into meeting_sections, so a later change never rewrites an old agenda.
create table agenda_section_defaults (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  code text not null check (code ~ '^[A-Z]$'),
  title text not null,
  -- Held without press and public: its items, minutes and papers are restricted.
  restricted boolean not null default false,
  exemption_reason text,
  position integer not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, code),
  check (not restricted or exemption_reason is not null)
);

-- Per body: where its minute numbers start (they run on across its meetings).
create table body_meeting_settings (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  body_id uuid not null,
  first_minute_number integer not null default 1 check (first_minute_number > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, body_id),
  foreign key (partnership_id, body_id) references bodies (partnership_id, id)
);

-- Items that appear on every new agenda of a body (apologies, declarations, notes of the
-- last meeting, dates of future meetings ...).
create table standing_items (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  body_id uuid not null,
  section_code text not null check (section_code ~ '^[A-Z]$'),
  title text not null,
  kind text not null check (kind in ('introduction', 'apologies', 'declarations', 'previous-minutes', 'matters-arising', 'election', 'future-dates', 'business')),
  position integer not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, body_id) references bodies (partnership_id, id)
);
create index standing_items_body on standing_items (partnership_id, body_id, section_code, position);

create table meetings (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  body_id uuid not null,
  meets_on date not null,
  starts_at text not null check (starts_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  ends_at text check (ends_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  venue text,
  online boolean not null default false,
  contact_person_id uuid,
  status text not null default 'scheduled'
    check (status in ('scheduled', 'agenda-published', 'held', 'minutes-draft', 'minutes-approved', 'cancelled')),
  cancelled_reason text,
  agenda_published_at timestamptz,
  minutes_published_at timestamptz,
  minutes_approved_at timestamptz,
  -- The later meeting whose "notes of the last meeting" item confirmed these minutes.
  approved_at_meeting_id uuid,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, id, body_id),
  foreign key (partnership_id, body_id) references bodies (partnership_id, id),
  foreign key (partnership_id, contact_person_id) references people (partnership_id, id),
  foreign key (partnership_id, approved_at_meeting_id) references meetings (partnership_id, id),
  check (venue is not null or online),
  check ((status = 'cancelled') = (cancelled_reason is not null)),
  check ((status = 'minutes-approved') = (minutes_approved_at is not null))
);
create index meetings_body_date on meetings (partnership_id, body_id, meets_on);
create index meetings_date on meetings (partnership_id, meets_on);

create table meeting_sections (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  code text not null check (code ~ '^[A-Z]$'),
  title text not null,
  restricted boolean not null default false,
  exemption_reason text,
  position integer not null,
  primary key (partnership_id, id),
  unique (partnership_id, meeting_id, code),
  unique (partnership_id, meeting_id, id),
  foreign key (partnership_id, meeting_id) references meetings (partnership_id, id),
  check (not restricted or exemption_reason is not null)
);

create table agenda_items (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  body_id uuid not null,
  section_id uuid not null,
  position integer not null,
  code text not null check (code ~ '^[A-Z][0-9]{1,3}[a-z]?$'),
  -- Set by the clerk, and kept when the other items are renumbered.
  code_fixed boolean not null default false,
  title text not null,
  description text,
  kind text not null default 'business'
    check (kind in ('introduction', 'apologies', 'declarations', 'previous-minutes', 'matters-arising', 'election', 'future-dates', 'business')),
  presenter_person_id uuid,
  presenter_name text,
  -- Copied from the section: held without press and public.
  restricted boolean not null,
  standing_item_id uuid,
  -- For the "notes of the last meeting" item: the meeting whose minutes it confirms.
  previous_meeting_id uuid,
  -- An election of the partnership module recorded under this item, by id.
  election_id uuid,
  minuted boolean not null default true,
  minute_number integer check (minute_number > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, meeting_id, id),
  constraint agenda_items_code unique (partnership_id, meeting_id, code) deferrable initially deferred,
  foreign key (partnership_id, meeting_id, body_id) references meetings (partnership_id, id, body_id),
  foreign key (partnership_id, meeting_id, section_id) references meeting_sections (partnership_id, meeting_id, id),
  foreign key (partnership_id, presenter_person_id) references people (partnership_id, id),
  foreign key (partnership_id, standing_item_id) references standing_items (partnership_id, id) on delete set null (standing_item_id),
  foreign key (partnership_id, previous_meeting_id) references meetings (partnership_id, id),
  foreign key (partnership_id, election_id) references elections (partnership_id, id)
);
create index agenda_items_meeting on agenda_items (partnership_id, meeting_id, position);
-- Minute numbers run on across a body's meetings: one number, one minute.
create unique index agenda_items_minute_number on agenda_items (partnership_id, body_id, minute_number) where minute_number is not null;

create table papers (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  agenda_item_id uuid not null,
  title text not null,
  file_name text not null,
  media_type text not null check (media_type in ('application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')),
  byte_size integer not null check (byte_size > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  page_count integer,
  -- The original, byte for byte.
  content bytea not null,
  -- Inherited from the item: a paper of a restricted item is restricted.
  restricted boolean not null,
  uploaded_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, meeting_id, agenda_item_id) references agenda_items (partnership_id, meeting_id, id),
  check (octet_length(content) = byte_size)
);
create index papers_item on papers (partnership_id, agenda_item_id, created_at);

create table meeting_attendance (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  person_id uuid,
  -- As the minutes print it, for someone not in the register of people.
  name text,
  capacity text,
  kind text not null check (kind in ('present', 'in-attendance', 'also-present', 'apologies', 'absent')),
  mode text check (mode in ('in-person', 'virtual')),
  substitute_for_person_id uuid,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  unique (partnership_id, meeting_id, person_id),
  foreign key (partnership_id, meeting_id) references meetings (partnership_id, id),
  foreign key (partnership_id, person_id) references people (partnership_id, id),
  foreign key (partnership_id, substitute_for_person_id) references people (partnership_id, id),
  check (person_id is not null or name is not null),
  check (mode is null or kind in ('present', 'in-attendance', 'also-present')),
  check (substitute_for_person_id is null or kind = 'present')
);
create index meeting_attendance_meeting on meeting_attendance (partnership_id, meeting_id);

create table declarations_of_interest (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  agenda_item_id uuid not null,
  person_id uuid not null,
  interest text not null,
  created_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, meeting_id, agenda_item_id) references agenda_items (partnership_id, meeting_id, id),
  foreign key (partnership_id, person_id) references people (partnership_id, id)
);
create index declarations_meeting on declarations_of_interest (partnership_id, meeting_id);

create table minute_paragraphs (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  agenda_item_id uuid not null,
  position integer not null,
  text text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, meeting_id, agenda_item_id) references agenda_items (partnership_id, meeting_id, id)
);
create index minute_paragraphs_item on minute_paragraphs (partnership_id, agenda_item_id, position);
create index minute_paragraphs_meeting on minute_paragraphs (partnership_id, meeting_id);

create table resolutions (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  agenda_item_id uuid not null,
  position integer not null,
  -- The words after "RESOLVED": "to note the update."
  text text not null,
  -- Set when this resolution confirmed another meeting's minutes as a correct record.
  confirms_meeting_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, meeting_id, agenda_item_id) references agenda_items (partnership_id, meeting_id, id),
  foreign key (partnership_id, confirms_meeting_id) references meetings (partnership_id, id)
);
create index resolutions_item on resolutions (partnership_id, agenda_item_id, position);
create index resolutions_meeting on resolutions (partnership_id, meeting_id);
create unique index resolutions_confirms on resolutions (partnership_id, confirms_meeting_id) where confirms_meeting_id is not null;

-- Corrections to approved minutes: never silent edits; who, when, why, before and after.
create table minute_amendments (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  meeting_id uuid not null,
  record_type text not null check (record_type in ('minute-paragraph', 'resolution')),
  record_id uuid not null,
  before text not null,
  after text not null,
  reason text not null,
  amended_by uuid references users (id),
  amended_by_label text not null,
  amended_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, meeting_id) references meetings (partnership_id, id)
);
create index minute_amendments_meeting on minute_amendments (partnership_id, meeting_id, amended_at);
