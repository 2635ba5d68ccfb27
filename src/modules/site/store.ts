// Reading the partnership's brand and statutory pages.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { DEFAULT_COLOUR, type FooterLink, type SitePage } from './domain.ts';

/** What every page needs of the brand (the logo's bytes are served apart, by its hash). */
export interface Brand {
  colour: string;
  logoSha256: string | null;
  logoAlt: string | null;
  copyrightHolder: string;
  dataLicenceName: string;
  dataLicenceUrl: string;
  footerLinks: FooterLink[];
}

export const DEFAULT_BRAND: Brand = {
  colour: DEFAULT_COLOUR, logoSha256: null, logoAlt: null, copyrightHolder: '',
  dataLicenceName: 'Open Government Licence v3.0',
  dataLicenceUrl: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/', footerLinks: [],
};

export async function readBrand(db: Kysely<DB>, partnershipId: string): Promise<Brand> {
  const row = await db.selectFrom('site_brands')
    .select(BRAND_COLUMNS)
    .where('partnership_id', '=', partnershipId).executeTakeFirst();
  return row ? brandFromRow(row) : DEFAULT_BRAND;
}

export const BRAND_COLUMNS = ['colour', 'logo_sha256', 'logo_alt', 'copyright_holder', 'data_licence_name', 'data_licence_url', 'footer_links'] as const;

export function brandFromRow(row: {
  colour: string; logo_sha256: string | null; logo_alt: string | null; copyright_holder: string;
  data_licence_name: string; data_licence_url: string; footer_links: FooterLink[] | null;
}): Brand {
  return {
    colour: row.colour, logoSha256: row.logo_sha256, logoAlt: row.logo_alt, copyrightHolder: row.copyright_holder,
    dataLicenceName: row.data_licence_name, dataLicenceUrl: row.data_licence_url, footerLinks: row.footer_links ?? [],
  };
}

export async function readLogo(db: Kysely<DB>, partnershipId: string): Promise<{ bytes: Buffer; mediaType: string; sha256: string } | null> {
  const row = await db.selectFrom('site_brands').select(['logo', 'logo_media_type', 'logo_sha256'])
    .where('partnership_id', '=', partnershipId).executeTakeFirst();
  if (!row?.logo || !row.logo_media_type || !row.logo_sha256) return null;
  return { bytes: Buffer.from(row.logo), mediaType: row.logo_media_type, sha256: row.logo_sha256 };
}

/** A statutory page's fields as saved (empty when never edited). */
export async function readPage(db: Kysely<DB>, partnershipId: string, page: SitePage): Promise<{ fields: Record<string, string>; updatedAt: Date | null }> {
  const row = await db.selectFrom('site_pages').select(['fields', 'updated_at'])
    .where('partnership_id', '=', partnershipId).where('page', '=', page).executeTakeFirst();
  return { fields: row?.fields ?? {}, updatedAt: row?.updated_at ?? null };
}
