-- An information session called off by its organiser: when and why. The registrations
-- keep their state (who had a place stays on record); everyone registered or waiting is
-- told, and nobody can register any more.
alter table engagement_sessions add column cancelled_at timestamptz;
alter table engagement_sessions add column cancellation_reason text;
