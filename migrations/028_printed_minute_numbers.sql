-- Minute numbers as printed (issue 17): councils number minutes "24/31", "16/09/6/18vii",
-- "5.1" or "1.0", which the whole-number column cannot hold. The printed form is kept
-- beside it; the whole number stays where the printed one is a plain number (ordering,
-- numbers running on across a body's meetings, the unique index).
alter table agenda_items add column minute_printed text
  check (minute_printed is null or (length(minute_printed) between 1 and 40 and minute_printed !~ '^[0-9]+$'));
