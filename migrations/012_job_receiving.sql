-- An upload is queued a file at a time, each in its own short transaction, so that a
-- large upload never holds the database (PGlite has one connection) for minutes. Until
-- its last file is in, its job is 'receiving' and the runner does not read it.
alter table jobs drop constraint jobs_status_check;
alter table jobs add constraint jobs_status_check check (status in ('receiving', 'queued', 'running', 'done'));
