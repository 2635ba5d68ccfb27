-- The minutes written on one page (issue 10): the time the meeting closed, as the
-- minutes print it, and a version of the minutes that every save raises, so that two
-- people saving the same minutes at once are told rather than overwriting each other;
-- with who saved last and when, for that message.
alter table meetings add column closed_at text check (closed_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');
alter table meetings add column minutes_version integer not null default 0;
alter table meetings add column minutes_saved_at timestamptz;
alter table meetings add column minutes_saved_by text;
