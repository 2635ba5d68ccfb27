-- Restricted business as partnerships run it.
-- A body's current members read its restricted business unless the body keeps it to the
-- people it is granted to (a review panel): one setting per body, decided in policy.ts.
alter table bodies add column members_see_restricted boolean not null default true;

-- The paragraph of Part 1 of Schedule 12A to the Local Government Act 1972 an item held
-- without press and public is exempt under: chosen per item, shown on the public agenda
-- in place of the item's title.
alter table agenda_items add column exemption_paragraph smallint check (exemption_paragraph between 1 and 7);
update agenda_items i set exemption_paragraph = coalesce(
  (select substring(s.exemption_reason from '[Pp]aragraph ([1-7])')::smallint
     from meeting_sections s where s.partnership_id = i.partnership_id and s.id = i.section_id),
  1)
where i.restricted;

-- How many members make the meeting quorate, printed on the agenda pack's cover.
alter table bodies add column quorum smallint check (quorum > 0);
