-- One-off work that needs the application's own code (a key from its configuration, or
-- functions SQL does not have), done once per database after the migrations rather than
-- at every start: each task is recorded here in the same transaction that does it, so a
-- later start finds it done (src/db/oneOff.ts). The first two: assessments made before
-- search indexed them are indexed (src/modules/assessment/search.ts), and the TOTP
-- secrets kept in clear are encrypted at rest (src/access/secondFactor.ts).
create table one_off_tasks (
  name text primary key,
  done_at timestamptz not null default now()
);
