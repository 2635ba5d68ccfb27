-- A bulletin issue may be scheduled: it is queued for sending by the server (or by
-- scripts/send-bulletins.ts) once its time comes, and can be taken back until then.
alter table engagement_issues add column scheduled_for timestamptz;
alter table engagement_issues drop constraint engagement_issues_status_check;
alter table engagement_issues add constraint engagement_issues_status_check check (status in ('draft', 'scheduled', 'sending', 'sent'));
alter table engagement_issues add constraint engagement_issues_scheduled check ((status = 'scheduled') = (scheduled_for is not null));
create index engagement_issues_due on engagement_issues (scheduled_for) where status = 'scheduled';
