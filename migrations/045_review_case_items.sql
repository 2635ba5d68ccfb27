-- A review case linked to the restricted agenda items (section D) where the board hears
-- of it: the item page shows the link only to the case's own people.
create table review_case_items (
  partnership_id uuid not null references partnerships (id),
  case_id uuid not null,
  meeting_id uuid not null,
  agenda_item_id uuid not null,
  linked_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, case_id, agenda_item_id),
  foreign key (partnership_id, case_id) references review_cases (partnership_id, id),
  -- An item taken off the agenda takes its links with it.
  foreign key (partnership_id, agenda_item_id) references agenda_items (partnership_id, id) on delete cascade
);
create index review_case_items_item on review_case_items (partnership_id, agenda_item_id);
