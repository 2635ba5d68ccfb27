// Table types of the site module (migrations/026_site.sql).
import type { ColumnType, Generated } from 'kysely';
import type { FooterLink, SitePage } from './domain.ts';

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface SiteBrandsTable {
  partnership_id: string;
  colour: Generated<string>;
  logo: Nullable<Buffer>;
  logo_media_type: Nullable<'image/png' | 'image/svg+xml'>;
  logo_sha256: Nullable<string>;
  logo_alt: Nullable<string>;
  copyright_holder: Generated<string>;
  data_licence_name: Generated<string>;
  data_licence_url: Generated<string>;
  footer_links: ColumnType<FooterLink[], string | undefined, string>;
  updated_at: Generated<Date>;
}

export interface SitePagesTable {
  partnership_id: string;
  page: SitePage;
  fields: ColumnType<Record<string, string>, string, string>;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export interface SiteTables {
  site_brands: SiteBrandsTable;
  site_pages: SitePagesTable;
}
