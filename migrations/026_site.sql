-- The partnership's own face (src/modules/site): its brand (a service outside GOV.UK may
-- not use the crown or Crown copyright) and the statutory pages an information governance
-- team checks first: the accessibility statement, the privacy notice and the contact.

create table site_brands (
  partnership_id uuid primary key references partnerships (id),
  -- '#rrggbb', dark enough for white text on it (checked by the command).
  colour text not null default '#1d70b8' check (colour ~ '^#[0-9a-f]{6}$'),
  logo bytea,
  logo_media_type text check (logo_media_type in ('image/png', 'image/svg+xml')),
  logo_sha256 text,
  logo_alt text,
  copyright_holder text not null default '',
  data_licence_name text not null default 'Open Government Licence v3.0',
  data_licence_url text not null default 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
  -- [{ "text": "...", "href": "https://..." }], shown in the footer.
  footer_links jsonb not null default '[]',
  updated_at timestamptz not null default now(),
  check ((logo is null) = (logo_media_type is null))
);

-- One row per statutory page; `fields` holds the page's own named parts (see site/domain.ts).
create table site_pages (
  partnership_id uuid not null references partnerships (id),
  page text not null check (page in ('accessibility', 'privacy', 'contact')),
  fields jsonb not null default '{}',
  updated_at timestamptz not null default now(),
  updated_by uuid references users (id),
  primary key (partnership_id, page)
);
