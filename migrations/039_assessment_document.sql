-- Assessment (issue 13, second part): the assessment document's sections, and the street
-- counts kept in a shape that is quick to write.
--
-- The street counts: one row per month, force and crime type (as published), holding its
-- LSOAs and their counts as parallel arrays. A county's five years (about a million rows
-- of police.uk data) is then some thousand rows to write rather than over a hundred
-- thousand, and a month re-imported still replaces that month of that force only. The
-- pages read the monthly totals and area counts as before; the places page unpacks one
-- crime type's arrays for a year. LSOA names and positions are kept once per LSOA.
create table assessment_street_counts (
  partnership_id uuid not null references partnerships (id),
  month text not null,
  force text not null,
  crime_type text not null,
  -- In code order ('' for rows with no LSOA); crimes[i] is lsoa_codes[i]'s count.
  lsoa_codes text[] not null,
  crimes integer[] not null,
  -- The sum of crimes: the monthly totals need no unpacking.
  total integer not null,
  primary key (partnership_id, month, force, crime_type),
  check (cardinality(lsoa_codes) = cardinality(crimes))
);
create index assessment_street_counts_type on assessment_street_counts (partnership_id, crime_type, month);

-- Each LSOA seen: its name as last published, and where the map puts it: the mean of the
-- located crimes of the latest import that had any there (police.uk's points are
-- approximate, snapped to a fixed set of points per area, so a mean is the area's place).
create table assessment_lsoas (
  partnership_id uuid not null references partnerships (id),
  lsoa_code text not null,
  lsoa_name text not null,
  longitude double precision,
  latitude double precision,
  primary key (partnership_id, lsoa_code)
);

insert into assessment_street_counts (partnership_id, month, force, crime_type, lsoa_codes, crimes, total)
select partnership_id, month, force, crime_type, array_agg(lsoa_code order by lsoa_code), array_agg(crimes order by lsoa_code), sum(crimes)::int
from assessment_crime_counts
group by partnership_id, month, force, crime_type;

insert into assessment_lsoas (partnership_id, lsoa_code, lsoa_name, longitude, latitude)
select partnership_id, lsoa_code, max(lsoa_name),
  case when sum(located) > 0 then sum(sum_longitude) / sum(located) end, case when sum(located) > 0 then sum(sum_latitude) / sum(located) end
from assessment_crime_counts where lsoa_code <> ''
group by partnership_id, lsoa_code;

drop table assessment_crime_counts;

-- The assessment document: its sections in order, each with the analyst's own text and
-- what it gathers: nothing more ('text'), one analysis page's charts and tables (with
-- the page's filters), the returns received and missing, or the scoring matrix.
create table assessment_sections (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  assessment_id uuid not null,
  position integer not null check (position > 0),
  title text not null check (length(title) between 1 and 200),
  body text not null default '',
  content text not null check (content in ('text', 'analysis', 'returns', 'matrix')),
  -- For 'analysis': the page (trend, change, rates, places, outcomes), its filters, and
  -- whether its charts and its tables are printed. An area removed later is ignored.
  analysis_view text check (analysis_view in ('trend', 'change', 'rates', 'places', 'outcomes')),
  area_id uuid,
  category text,
  show_charts boolean not null default true,
  show_tables boolean not null default true,
  updated_by uuid references users (id),
  updated_at timestamptz not null default now(),
  primary key (partnership_id, id),
  foreign key (partnership_id, assessment_id) references assessment_assessments (partnership_id, id),
  check ((content = 'analysis') = (analysis_view is not null))
);
create index assessment_sections_assessment on assessment_sections (partnership_id, assessment_id, position);
