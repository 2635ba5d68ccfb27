-- Images uploaded for bulletin articles, kept byte for byte and served from this site
-- (/bulletins/images/:id), so an e-mail never loads a picture from a third party.
create table engagement_images (
  partnership_id uuid not null references partnerships (id),
  id uuid not null default gen_random_uuid(),
  media_type text not null check (media_type in ('image/png', 'image/jpeg')),
  bytes bytea not null,
  sha256 text not null,
  uploaded_by uuid references users (id),
  created_at timestamptz not null default now(),
  primary key (partnership_id, id)
);
