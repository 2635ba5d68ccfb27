-- Search: one index of everything searchable, fed by the modules that own the records
-- (minutes paragraphs, resolutions, agenda items, actions, the text of papers).
-- Each entry carries what the policy needs to filter it (restricted, public, body),
-- so a search answers only what the reader may see, inside the one query.
create table search_entries (
  partnership_id uuid not null references partnerships (id),
  kind text not null,
  record_id uuid not null,
  body_id uuid,
  meeting_id uuid,
  occurred_on date,
  title text not null,
  content text not null,
  url text not null,
  restricted boolean not null default false,
  public boolean not null default false,
  search tsvector generated always as (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', left(content, 200000)), 'B')
  ) stored,
  updated_at timestamptz not null default now(),
  primary key (partnership_id, kind, record_id)
);
create index search_entries_search on search_entries using gin (search);
-- Newest first: searches take their candidates from the most recent matches.
create index search_entries_recent on search_entries (partnership_id, occurred_on desc nulls last);
