-- Disabling a user is one partnership's decision: an administrator of one partnership
-- could otherwise lock a person out of another partnership they also work for. The
-- account-wide users.disabled_at stays, for an operator of the whole deployment; the
-- app's administrators now set partnership_users.disabled_at.
alter table partnership_users add column disabled_at timestamptz;
update partnership_users pu set disabled_at = u.disabled_at
from users u where u.id = pu.user_id and u.disabled_at is not null;
update users set disabled_at = null where disabled_at is not null;
