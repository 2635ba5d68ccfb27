-- A ModernGov sync holds its source by a lease, as the background jobs do (src/db/poller.ts):
-- the instance running it renews heartbeat_at while it works; once lease_ms has passed
-- with nothing heard, the run is seen as interrupted (its server stopped) and the next
-- sync marks it so and takes over. At most one run of a source is running at a time.
alter table moderngov_runs add column holder text;
alter table moderngov_runs add column heartbeat_at timestamptz not null default now();
alter table moderngov_runs add column lease_ms integer not null default 120000 check (lease_ms > 0);
update moderngov_runs r set heartbeat_at = coalesce(r.finished_at,
  (select max(l.at) from moderngov_log l where l.partnership_id = r.partnership_id and l.run_id = r.id), r.started_at);
alter table moderngov_runs drop constraint moderngov_runs_status_check;
alter table moderngov_runs add constraint moderngov_runs_status_check check (status in ('running', 'finished', 'failed', 'interrupted'));
-- Of two runs of a source left running (before the lease), the older stopped long ago.
update moderngov_runs r set status = 'interrupted', finished_at = now(),
  failure = 'Stopped without finishing: the server running it stopped. A new sync carries on from what it kept.'
where r.status = 'running' and exists (select 1 from moderngov_runs n where n.partnership_id = r.partnership_id
  and n.source_id = r.source_id and n.status = 'running' and (n.started_at, n.id) > (r.started_at, r.id));
create unique index moderngov_runs_one_running on moderngov_runs (partnership_id, source_id) where status = 'running';
