-- The action plan's roll-up kept on each line, so that a page reads a priority's
-- objectives and the branches opened, not every line of a plan of thousands. Worked out
-- again, in the same transaction, by every command that changes the plan (see
-- storeRollUp in src/modules/strategy/store.ts). A line with nothing under it keeps no
-- figures of its own here (it shows its status and progress) and a child_count of 0; a
-- null child_count: not worked out yet (lines from before this migration, or written some
-- other way), and the readers work the plan's roll-up out first.
alter table strategy_plan_lines
  add column rolled_progress integer check (rolled_progress between 0 and 100),
  add column rolled_status text
    check (rolled_status in ('not-started', 'on-track', 'at-risk', 'off-track', 'complete', 'cancelled', 'carried-forward')),
  -- The worst of the children's statuses, shown beside a status set by hand.
  add column derived_status text
    check (derived_status in ('not-started', 'on-track', 'at-risk', 'off-track', 'complete', 'cancelled', 'carried-forward')),
  add column child_count integer check (child_count >= 0);

-- The objectives of a plan (its top lines), read for the plan's page and each priority's figures.
create index strategy_plan_lines_tops on strategy_plan_lines (partnership_id, agreement_id, position) where parent_id is null;
