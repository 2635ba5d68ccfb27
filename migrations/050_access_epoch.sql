-- A counter on each person's access in a partnership (src/access/sessions.ts): the
-- process keeps a signed-in person's grants and seats in memory while it stays the same,
-- and reads the counter with the session on every request. Triggers move it on for
-- every change to what the grants and seats are made of, whichever code makes it, so a
-- change is seen on the very next request in every instance. (The role, the disabled
-- flags and the session itself are read on every request, not kept.)
-- Drawn from one sequence, so a value is never seen twice, even for a person removed
-- from a partnership and added again.
create sequence access_epochs;
alter table partnership_users add column access_epoch bigint not null default nextval('access_epochs');

create function access_epoch_grants() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    update partnership_users set access_epoch = nextval('access_epochs') where partnership_id = old.partnership_id and user_id = old.user_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    update partnership_users set access_epoch = nextval('access_epochs') where partnership_id = new.partnership_id and user_id = new.user_id;
  end if;
  return null;
end $$;
create trigger access_epoch after insert or update or delete on access_grants
  for each row execute function access_epoch_grants();

create function access_epoch_memberships() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    update partnership_users set access_epoch = nextval('access_epochs') where partnership_id = old.partnership_id and person_id = old.person_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    update partnership_users set access_epoch = nextval('access_epochs') where partnership_id = new.partnership_id and person_id = new.person_id;
  end if;
  return null;
end $$;
create trigger access_epoch after insert or update or delete on memberships
  for each row execute function access_epoch_memberships();

-- Whether a body opens its restricted records to its members is part of each seat.
create function access_epoch_bodies() returns trigger language plpgsql as $$
begin
  update partnership_users set access_epoch = nextval('access_epochs')
  where partnership_id = new.partnership_id
    and person_id in (select person_id from memberships where partnership_id = new.partnership_id and body_id = new.id);
  return null;
end $$;
create trigger access_epoch after update of members_see_restricted on bodies
  for each row when (old.members_see_restricted is distinct from new.members_see_restricted)
  execute function access_epoch_bodies();
