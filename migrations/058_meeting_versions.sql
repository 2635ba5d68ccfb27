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
create trigger meeting_version_insert after insert on meeting_sections referencing new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_update after update on meeting_sections referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_delete after delete on meeting_sections referencing old table as old_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_insert after insert on agenda_items referencing new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_update after update on agenda_items referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_delete after delete on agenda_items referencing old table as old_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_insert after insert on papers referencing new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_update after update on papers referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_delete after delete on papers referencing old table as old_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_insert after insert on meeting_attendance referencing new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_update after update on meeting_attendance referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_delete after delete on meeting_attendance referencing old table as old_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_insert after insert on declarations_of_interest referencing new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_update after update on declarations_of_interest referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_delete after delete on declarations_of_interest referencing old table as old_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_insert after insert on minute_paragraphs referencing new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_update after update on minute_paragraphs referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_delete after delete on minute_paragraphs referencing old table as old_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_insert after insert on resolutions referencing new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_update after update on resolutions referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_delete after delete on resolutions referencing old table as old_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_insert after insert on minute_amendments referencing new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_update after update on minute_amendments referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_delete after delete on minute_amendments referencing old table as old_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_insert after insert on meeting_publications referencing new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_update after update on meeting_publications referencing old table as old_rows new table as new_rows for each statement execute function meeting_version_touch();
create trigger meeting_version_delete after delete on meeting_publications referencing old table as old_rows for each statement execute function meeting_version_touch();
