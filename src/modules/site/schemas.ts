// Request and response schemas of the site API, for validation and the OpenAPI document.
import { Type } from '@sinclair/typebox';

const FooterLink = Type.Object({ text: Type.String(), href: Type.String() });

export const Brand = Type.Object({
  colour: Type.String({ description: "'#rrggbb', dark enough for white text on it (4.5 to 1)" }),
  logoUrl: Type.Union([Type.String(), Type.Null()], { description: 'The logo, PNG or sanitised SVG; null when none' }),
  logoAlt: Type.Union([Type.String(), Type.Null()]),
  copyrightHolder: Type.String(),
  dataLicenceName: Type.String(),
  dataLicenceUrl: Type.String(),
  footerLinks: Type.Array(FooterLink),
});

export const BrandInput = Type.Object({
  colour: Type.String(),
  copyright_holder: Type.String(),
  data_licence_name: Type.String(),
  data_licence_url: Type.String(),
  footer_links: Type.Optional(Type.String({ description: 'One link per line: its text, a bar, its address' })),
  logo_alt: Type.Optional(Type.String()),
});

export const PageParams = Type.Object({ page: Type.Union([Type.Literal('accessibility'), Type.Literal('privacy'), Type.Literal('contact')]) });

export const SitePage = Type.Object({
  page: Type.String(),
  title: Type.String(),
  fields: Type.Record(Type.String(), Type.String()),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const PageInput = Type.Record(Type.String(), Type.String(), { description: "The page's named fields (see GET)" });
