-- Search facets: what a search filters on besides the words (kind, body, year, month) as lexemes of a second tsvector, indexed in one GIN index
-- with the words. The index then answers "these words, in resolutions of this body,
-- in March 2024" by intersecting posting lists, without reading
-- a row that does not match; searches take the newest matches a few months at a time
-- (see src/modules/search/store.ts). The facets only narrow a search: the store still
-- applies every filter to the columns themselves.
alter table search_entries add column facets tsvector generated always as (array_to_tsvector(array_remove(array[
  'k:' || kind,
  case when body_id is not null then 'b:' || body_id::text end,
  case when occurred_on is null then 'd:none' else 'y:' || extract(year from occurred_on)::int::text end,
  case when occurred_on is not null
    then 'm:' || extract(year from occurred_on)::int::text || '-' || lpad(extract(month from occurred_on)::int::text, 2, '0') end
], null))) stored;

-- A multi-column GIN index serves the words alone as well, so the old one goes.
-- fastupdate off: new entries go straight into the index instead of a pending list that
-- every search must read through until a vacuum merges it; PGlite never vacuums by
-- itself, and searches of a freshly imported archive were several times slower.
drop index search_entries_search;
create index search_entries_words_facets on search_entries using gin (search, facets) with (fastupdate = off);
