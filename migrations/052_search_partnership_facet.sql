-- Search at national scale (issue 19): the partnership in the facets. The GIN index did
-- not carry the partnership, so in a database of many partnerships each month a search
-- walked (store.ts) found every partnership's matches of that month and threw away all
-- but one; and the planner, to narrow them, added a scan of the partnership's every
-- entry in search_entries_recent for each month (search p95 223 ms at 60 partnerships
-- x 4 years). The dates' facets now name the partnership ('m:<partnership>:2024-03',
-- 'y:<partnership>:2024', 'd:<partnership>:none'), so each is one partnership's month,
-- a short posting list that the index intersects with the words; 'p:<partnership>'
-- serves a search that takes no month. No extension is needed (btree_gin could carry
-- partnership_id, but PGlite would then have to load it for every data folder). The
-- store still checks partnership_id itself.
alter table search_entries drop column facets; -- its index goes with it
alter table search_entries add column facets tsvector generated always as (array_to_tsvector(array_remove(array[
  'p:' || partnership_id::text,
  'k:' || kind,
  case when body_id is not null then 'b:' || body_id::text end,
  case when occurred_on is null then 'd:' || partnership_id::text || ':none'
    else 'y:' || partnership_id::text || ':' || extract(year from occurred_on)::int::text end,
  case when occurred_on is not null
    then 'm:' || partnership_id::text || ':' || extract(year from occurred_on)::int::text || '-' || lpad(extract(month from occurred_on)::int::text, 2, '0') end
], null))) stored;
create index search_entries_words_facets on search_entries using gin (search, facets) with (fastupdate = off);
