-- A migrated meeting's linked document that could not be downloaded (over the limit, refused,
-- no answer, not a readable file) is kept too, with why, and no bytes: the meeting's import
-- draft lists it, and the next migrate sync tries it again (attaching it to the meeting at
-- once if the draft was accepted meanwhile).
alter table moderngov_documents add column failure text;
alter table moderngov_documents alter column file_name drop not null;
alter table moderngov_documents alter column byte_size drop not null;
alter table moderngov_documents alter column sha256 drop not null;
alter table moderngov_documents add constraint moderngov_documents_downloaded_or_failed
  check (failure is not null or (file_name is not null and byte_size is not null and sha256 is not null));
