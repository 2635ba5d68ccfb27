-- A counter on each meeting's record (src/modules/meetings/recordCache.ts): a process
-- keeps a meeting's record in memory while it stays the same, and reads the counter with
-- the session on every signed-in request. Triggers move it on for every change to the
-- meeting or to anything the record reads by its meeting_id (its sections, items, papers,
-- attendance, declarations, minutes, resolutions, amendments and publications), whichever
-- code or instance makes the change. What decides who may read an item (restricted, its
-- body, the agenda and minutes published) is all in those rows, so a change to it is seen
-- on the very next request in every instance, as access_epoch does for grants and seats.
-- Drawn from one sequence, so a value is never seen twice for a meeting.
create sequence meeting_record_versions;
create table meeting_versions (
  partnership_id uuid not null,
  meeting_id uuid not null,
  version bigint not null default nextval('meeting_record_versions'),
  primary key (partnership_id, meeting_id)
);
insert into meeting_versions (partnership_id, meeting_id) select partnership_id, id from meetings;

-- Statement-level, with the statement's rows as transition tables: an import or a bulk load
-- of many rows moves each meeting's counter once per statement, not once per row.
create function meeting_version_of_meeting() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    delete from meeting_versions v using old_rows o where v.partnership_id = o.partnership_id and v.meeting_id = o.id;
  else
    insert into meeting_versions (partnership_id, meeting_id) select partnership_id, id from new_rows
      on conflict (partnership_id, meeting_id) do update set version = nextval('meeting_record_versions');
  end if;
  return null;
end $$;
create trigger meeting_version_insert after insert on meetings referencing new table as new_rows
  for each statement execute function meeting_version_of_meeting();
create trigger meeting_version_update after update on meetings referencing old table as old_rows new table as new_rows
  for each statement execute function meeting_version_of_meeting();
create trigger meeting_version_delete after delete on meetings referencing old table as old_rows
  for each statement execute function meeting_version_of_meeting();

-- For tables whose rows name their meeting in meeting_id: every meeting a row leaves or joins.
create function meeting_version_touch() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    update meeting_versions v set version = nextval('meeting_record_versions')
      from (select distinct partnership_id, meeting_id from new_rows) r where v.partnership_id = r.partnership_id and v.meeting_id = r.meeting_id;
  elsif tg_op = 'UPDATE' then
    update meeting_versions v set version = nextval('meeting_record_versions')
      from (select partnership_id, meeting_id from old_rows union select partnership_id, meeting_id from new_rows) r
      where v.partnership_id = r.partnership_id and v.meeting_id = r.meeting_id;
  else
    update meeting_versions v set version = nextval('meeting_record_versions')
      from (select distinct partnership_id, meeting_id from old_rows) r where v.partnership_id = r.partnership_id and v.meeting_id = r.meeting_id;
  end if;
  return null;
end $$;

-- The same three triggers on each table whose rows name their meeting in meeting_id.
do $$
declare t text;
begin
  foreach t in array array['meeting_sections', 'agenda_items', 'papers', 'meeting_attendance', 'declarations_of_interest',
                           'minute_paragraphs', 'resolutions', 'minute_amendments', 'meeting_publications'] loop
    execute format('create trigger meeting_version_insert after insert on %I referencing new table as new_rows for each statement execute function meeting_version_touch()', t);
    execute format('create trigger meeting_version_update after update on %I referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch()', t);
    execute format('create trigger meeting_version_delete after delete on %I referencing old table as old_rows for each statement execute function meeting_version_touch()', t);
  end loop;
end $$;
