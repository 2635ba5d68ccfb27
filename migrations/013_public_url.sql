-- The address at which a partnership's public pages are read (https://csp.example.gov.uk,
-- or with a path prefix), used for every absolute link in feeds, open data and e-mails.
-- Never taken from a request's Host or X-Forwarded-* headers, which anyone can forge and
-- a shared cache would then serve to everyone. Empty: the deployment's BASE_URL.
alter table partnerships add column public_url text
  check (public_url ~ '^https?://[^/?#\s]+(/[^?#\s]*[^/?#\s])?$');
