-- The home page tells a person what was published since they last looked: when each
-- person last opened it, per partnership. `since` is where the list of what is new starts;
-- it moves on only when they come back after a break (an hour), so that reloading the page
-- does not empty the list they are reading.
create table home_visits (
  partnership_id uuid not null references partnerships (id),
  user_id uuid not null references users (id),
  looked_at timestamptz not null,
  since timestamptz,
  primary key (partnership_id, user_id)
);
