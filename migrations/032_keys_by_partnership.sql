-- Every key of a partnership's own records begins with partnership_id, so that a national
-- deployment can spread the tables over several servers by partnership (Citus: see
-- docs/national.md and scripts/distribution-ddl.ts). Four keys did not.

-- Sessions: looked up by the hash of their token, so that stays indexed on its own.
alter table sessions drop constraint sessions_pkey;
alter table sessions add primary key (partnership_id, id);
create index sessions_token on sessions (id);
drop index sessions_ref;
create unique index sessions_ref on sessions (partnership_id, ref);

alter table audit_log drop constraint audit_log_pkey;
alter table audit_log add primary key (partnership_id, id);

alter table assessment_request_events drop constraint assessment_request_events_pkey;
alter table assessment_request_events add primary key (partnership_id, id);

-- An upload link's token is random (256 bits): unique within its partnership is enough.
alter table assessment_links drop constraint assessment_links_token_sha256_key;
alter table assessment_links add unique (partnership_id, token_sha256);
create index assessment_links_token on assessment_links (token_sha256);

-- A single sign-on flow is found by its id, carried in the browser's cookie.
alter table sso_flows drop constraint sso_flows_pkey;
alter table sso_flows add primary key (partnership_id, id);
create index sso_flows_id on sso_flows (id);
