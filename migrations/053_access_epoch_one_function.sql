-- Migration 050's two trigger functions for the access counter, on access_grants (by
-- user_id) and on memberships (by person_id), were the same but for that column: one
-- function now serves both, the column given as the trigger's argument (tg_argv[0]). The
-- row's value of that column is read through to_jsonb, so the function works for any
-- table whose rows carry partnership_id and the named column of partnership_users.
create function access_epoch_touch() returns trigger language plpgsql as $$
declare
  by_column text := tg_argv[0];
  change text := format('update partnership_users set access_epoch = nextval(''access_epochs'') where partnership_id = $1 and %I = $2', by_column);
begin
  if tg_op in ('UPDATE', 'DELETE') then
    execute change using old.partnership_id, (to_jsonb(old) ->> by_column)::uuid;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    execute change using new.partnership_id, (to_jsonb(new) ->> by_column)::uuid;
  end if;
  return null;
end $$;

drop trigger access_epoch on access_grants;
create trigger access_epoch after insert or update or delete on access_grants
  for each row execute function access_epoch_touch('user_id');
drop function access_epoch_grants();

drop trigger access_epoch on memberships;
create trigger access_epoch after insert or update or delete on memberships
  for each row execute function access_epoch_touch('person_id');
drop function access_epoch_memberships();
