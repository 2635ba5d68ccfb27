-- Microsoft Entra ID, like some other providers, does not say whether an address it sends
-- is verified (no email_verified claim). Its directory is the council's own: an
-- administrator may choose to trust addresses at the allowed domains when the provider
-- says nothing. An address the provider says is not verified is still refused.
alter table sso_settings add column trust_domain_addresses boolean not null default false;
