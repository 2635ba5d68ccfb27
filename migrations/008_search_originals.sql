-- Imported originals are searchable by the clerk's team: each is indexed as it is
-- accepted (src/modules/documents/imports.commands.ts). This indexes, the same way,
-- those accepted before. Staff only: restricted and of no body, so only officers and
-- administrators find them (an original may hold private business).
insert into search_entries (partnership_id, kind, record_id, body_id, meeting_id, occurred_on, title, content, url, restricted, public)
select i.partnership_id, 'original', i.id, null,
  (select m.id from meetings m where m.partnership_id = i.partnership_id
     and m.id::text in (select jsonb_array_elements_text(i.meeting_ids)) order by m.meets_on, m.id limit 1),
  (select max(m.meets_on) from meetings m where m.partnership_id = i.partnership_id
     and m.id::text in (select jsonb_array_elements_text(i.meeting_ids))),
  left(d.file_name || ' (imported original)', 500),
  regexp_replace(i.text, E'[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f]', ' ', 'g'),
  '/imports/' || i.id, true, false
from imports i
join documents d on d.partnership_id = i.partnership_id and d.id = i.document_id
where i.status = 'accepted'
on conflict do nothing;
