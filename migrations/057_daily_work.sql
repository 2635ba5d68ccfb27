-- Daily work the server does itself (src/modules/scheduled/dailyWork.ts): the reminders that were
-- only scripts for cron, which on the embedded database meant stopping the server to run
-- them. Each task runs once a day for each partnership, however many instances serve it:
-- the instance that writes the day's row does the work; one whose claim is older than the
-- lease without being finished is taken to have died, and another takes the work over
-- (every task is safe to run twice: each message goes once).
create table daily_runs (
  partnership_id uuid not null references partnerships (id),
  task text not null,
  run_on date not null,
  claimed_by text not null,
  claimed_at timestamptz not null default now(),
  attempts integer not null default 1,
  finished_at timestamptz,
  summary text,
  failures integer not null default 0,
  primary key (partnership_id, task, run_on)
);

-- A second message to whoever has not answered: the link it carries replaces the first and
-- is marked, so nobody is reminded twice of one request.
alter table funding_return_links add column is_reminder boolean not null default false;
alter table review_progress_links add column is_reminder boolean not null default false;
