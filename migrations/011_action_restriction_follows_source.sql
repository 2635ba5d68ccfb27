-- An action made from the minutes is as restricted as the words it comes from. Until now
-- its flag was set once, from the request, and never followed its source: an action from
-- a section D resolution made without the flag, or from an item moved into section D
-- afterwards, showed restricted words to members without a grant.
--
-- `marked_restricted` keeps the clerk's own choice (or a review panel's default);
-- `restricted` is what every reader is judged by: the clerk's choice, or its source held
-- without press and public. The actions module works it out again whenever the source's
-- meeting changes (src/modules/actions/sources.ts), in the same transaction.
alter table actions add column marked_restricted boolean not null default false;
-- Which actions were restricted by choice and which by their source cannot be told
-- apart now, so every restricted action keeps its flag as the clerk's choice.
update actions set marked_restricted = restricted;
alter table actions add constraint actions_marked_restricted_is_restricted check (restricted or not marked_restricted);

-- Actions already made from restricted minutes without the flag are restricted now.
update actions a set restricted = true, updated_at = now()
from (
  select p.partnership_id, p.id, 'minute-paragraph' as kind
  from minute_paragraphs p
  join agenda_items i on i.partnership_id = p.partnership_id and i.id = p.agenda_item_id
  join meeting_sections s on s.partnership_id = i.partnership_id and s.id = i.section_id
  where i.restricted or s.restricted
  union all
  select r.partnership_id, r.id, 'resolution' as kind
  from resolutions r
  join agenda_items i on i.partnership_id = r.partnership_id and i.id = r.agenda_item_id
  join meeting_sections s on s.partnership_id = i.partnership_id and s.id = i.section_id
  where i.restricted or s.restricted
) source
where a.partnership_id = source.partnership_id and a.source_kind = source.kind and a.source_id = source.id and not a.restricted;

-- Their search entries follow: found only by those entitled to the body's restricted business.
update search_entries e set restricted = a.restricted, public = false
from actions a
where e.partnership_id = a.partnership_id and e.kind = 'action' and e.record_id = a.id and e.restricted <> a.restricted;
