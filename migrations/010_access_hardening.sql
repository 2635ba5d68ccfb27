-- Access hardening (issue 9).
-- Demo accounts have a password printed in the README: they are marked, so that they can
-- never sign in, nor keep a session, when the server runs with NODE_ENV=production.
-- Databases that loaded the demo before this migration have theirs marked here.
alter table users add column demo boolean not null default false;
update users u set demo = true
where u.email ~ '^(admin|officer|member|panel)@[a-z0-9-]+\.example$'
  and exists (
    select 1 from partnership_users pu
    join audit_log a on a.partnership_id = pu.partnership_id
    where pu.user_id = u.id and a.record_type = 'partnership' and a.summary = 'Demo partnership loaded'
  );

-- The name a partnership shows for one of its users, when it differs from the account's
-- own. A user (one e-mail address, one password) can work for several partnerships; an
-- administrator of one names them there without seeing what another calls them.
alter table partnership_users add column display_name text;

-- One-time links to choose a password: for the first administrator (npm run create-admin)
-- and for every user an administrator adds. Only the SHA-256 of the token is kept.
create table password_setup_links (
  id text primary key,
  user_id uuid not null references users (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index password_setup_links_user on password_setup_links (user_id);
