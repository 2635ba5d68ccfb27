-- Search finds what people type (issue 11): hyphenated words are also indexed joined up
-- ("anti-social" as "antisocial"), so either spelling finds both; and each partnership
-- keeps a list of synonyms (ASB = anti-social behaviour) that searches are widened by.

-- The joined forms of an entry's hyphenated words, written by the indexer (search/index.ts).
alter table search_entries add column aliases text not null default '';
update search_entries set aliases = coalesce((
  select string_agg(distinct replace(lower(m[1]), '-', ''), ' ')
  from regexp_matches(title || ' ' || left(content, 200000), '([[:alnum:]]+(-[[:alnum:]]+)+)', 'g') as m
), '');

-- The words' vector again, now with the aliases; its index goes with the old column.
alter table search_entries drop column search;
alter table search_entries add column search tsvector generated always as (
  setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', left(content, 200000)), 'B')
  || setweight(to_tsvector('english', aliases), 'B')
) stored;
create index search_entries_words_facets on search_entries using gin (search, facets) with (fastupdate = off);

-- A partnership's synonyms: [{ "term": "ASB", "meaning": "anti-social behaviour" }, ...].
-- No row: the built-in list (search/domain.ts DEFAULT_SYNONYMS).
create table search_synonyms (
  partnership_id uuid primary key references partnerships (id),
  pairs jsonb not null,
  updated_at timestamptz not null default now()
);
