// Changes to the partnership's brand and statutory pages: administrators only, each one
// audited, and the request-time cache of partnerships told to forget what it holds.
import { createHash } from 'node:crypto';
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ValidationError } from '../../web/errors.ts';
import {
  checkLogo, contrast, MIN_CONTRAST_WITH_WHITE, PAGE_FIELDS, PAGE_TITLES, parseColour, parseFooterLinks, type SitePage,
} from './domain.ts';
import { readBrand, readPage } from './store.ts';
import { siteResource } from './access.ts';

/** Bumped by every change, so each app's partnership cache reloads at the next request. */
let generation = 0;
export const brandGeneration = () => generation;

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export async function updateBrand(ctx: Context, body: unknown): Promise<void> {
  authorize(ctx.actor, 'administer', siteResource());
  const input = new Input(body);
  const colourRaw = input.text('colour', 'Enter the brand colour, for example #1d70b8', 20);
  const colour = colourRaw ? parseColour(colourRaw) : null;
  if (colourRaw && !colour) input.fail('colour', 'Enter the brand colour as a hex code of 6 digits, for example #1d70b8');
  else if (colour && contrast(colour, '#ffffff') < MIN_CONTRAST_WITH_WHITE) {
    input.fail('colour', `The brand colour is too light for white text on it (contrast ${contrast(colour, '#ffffff').toFixed(1)} to 1; it must be at least ${MIN_CONTRAST_WITH_WHITE} to 1): choose a darker colour`);
  }
  const copyright = input.text('copyright_holder', 'Enter who holds the copyright of the content, for example Northshire County Council', 200);
  const licenceName = input.text('data_licence_name', 'Enter the licence of the open data, for example Open Government Licence v3.0', 200);
  const licenceUrl = input.text('data_licence_url', 'Enter the address of the licence', 300);
  if (licenceUrl && !/^https:\/\/\S+$/.test(licenceUrl)) input.fail('data_licence_url', 'Enter the licence’s address starting https://');
  const links = parseFooterLinks(input.optionalText('footer_links', 'The footer links', 3000) ?? '');
  if (links.error) input.fail('footer_links', links.error);
  const logoAlt = input.optionalText('logo_alt', 'The logo’s text alternative', 200);
  input.check();
  await inTransaction(ctx, async (trx) => {
    const before = await readBrand(trx, ctx.actor.partnershipId);
    const values = {
      colour: colour!, copyright_holder: copyright, data_licence_name: licenceName, data_licence_url: licenceUrl,
      footer_links: JSON.stringify(links.links), logo_alt: logoAlt, updated_at: new Date(),
    };
    await trx.insertInto('site_brands').values({ partnership_id: ctx.actor.partnershipId, ...values })
      .onConflict((oc) => oc.column('partnership_id').doUpdateSet(values)).execute();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'site-brand', recordId: ctx.actor.partnershipId, summary: 'Brand changed',
      before: { colour: before.colour, copyrightHolder: before.copyrightHolder, dataLicenceName: before.dataLicenceName, dataLicenceUrl: before.dataLicenceUrl, footerLinks: before.footerLinks, logoAlt: before.logoAlt },
      after: { colour, copyrightHolder: copyright, dataLicenceName: licenceName, dataLicenceUrl: licenceUrl, footerLinks: links.links, logoAlt },
    });
  });
  generation++;
}

/** A new logo: the bytes decide what it is; an SVG is kept as sanitised, never as sent. */
export async function setLogo(ctx: Context, bytes: Buffer | null, alt: string): Promise<void> {
  authorize(ctx.actor, 'administer', siteResource());
  if (!bytes) throw ValidationError.single('logo', 'Select a PNG or SVG file of the logo');
  const checked = checkLogo(bytes);
  if (!checked.ok) throw ValidationError.single('logo', checked.message);
  const text = alt.trim();
  if (!text) throw ValidationError.single('logo_alt', 'Enter the logo’s text alternative, usually the partnership’s name');
  if (text.length > 200) throw ValidationError.single('logo_alt', 'The logo’s text alternative must be 200 characters or fewer');
  const sha256 = createHash('sha256').update(checked.bytes).digest('hex');
  await inTransaction(ctx, async (trx) => {
    const values = { logo: checked.bytes, logo_media_type: checked.mediaType, logo_sha256: sha256, logo_alt: text, updated_at: new Date() };
    await trx.insertInto('site_brands').values({ partnership_id: ctx.actor.partnershipId, ...values })
      .onConflict((oc) => oc.column('partnership_id').doUpdateSet(values)).execute();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'site-brand', recordId: ctx.actor.partnershipId,
      summary: `Logo replaced (${checked.mediaType}, ${checked.bytes.length} bytes${checked.bytes.length !== bytes.length ? `, sanitised from ${bytes.length}` : ''})`,
      after: { logoSha256: sha256, logoAlt: text },
    });
  });
  generation++;
}

export async function removeLogo(ctx: Context): Promise<void> {
  authorize(ctx.actor, 'administer', siteResource());
  await inTransaction(ctx, async (trx) => {
    await trx.updateTable('site_brands').set({ logo: null, logo_media_type: null, logo_sha256: null, updated_at: new Date() })
      .where('partnership_id', '=', ctx.actor.partnershipId).execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'site-brand', recordId: ctx.actor.partnershipId, summary: 'Logo removed' });
  });
  generation++;
}

export async function updatePage(ctx: Context, page: SitePage, body: unknown): Promise<void> {
  authorize(ctx.actor, 'administer', siteResource());
  const input = new Input(body);
  const fields: Record<string, string> = {};
  for (const f of PAGE_FIELDS[page]) {
    if (f.kind === 'date') {
      const day = f.required ? input.date(f.name, f.label) : input.optionalDate(f.name, f.label);
      if (day) fields[f.name] = day;
      continue;
    }
    const value = f.required ? input.text(f.name, `Enter the ${f.label.toLowerCase()}`, f.max) : (input.optionalText(f.name, f.label, f.max) ?? '');
    if (!value) continue;
    if (f.kind === 'email' && !EMAIL.test(value)) input.fail(f.name, `Enter the ${f.label.toLowerCase()} as an e-mail address, like name@example.gov.uk`);
    if (f.kind === 'choice' && !f.choices!.some((c) => c.value === value)) input.fail(f.name, `Select the ${f.label.toLowerCase()}`);
    if (f.name === 'response_days' && !/^\d{1,2}$/.test(value)) input.fail(f.name, 'Enter the number of working days, like 10');
    fields[f.name] = value;
  }
  input.check();
  await inTransaction(ctx, async (trx) => {
    const before = await readPage(trx, ctx.actor.partnershipId, page);
    const userId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    await trx.insertInto('site_pages').values({ partnership_id: ctx.actor.partnershipId, page, fields: JSON.stringify(fields), updated_by: userId })
      .onConflict((oc) => oc.columns(['partnership_id', 'page']).doUpdateSet({ fields: JSON.stringify(fields), updated_at: new Date(), updated_by: userId }))
      .execute();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'site-page', recordId: ctx.actor.partnershipId, summary: `${PAGE_TITLES[page]} changed`, before: before.fields, after: fields,
    });
  });
  generation++;
}
