// The fictional Northshire partnership's brand and statutory pages, in our own words.
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { addDays } from '../partnership/domain.ts';

/** The county's name is the partnership's first word (Northshire, or another name a test gives). */
export async function seedSiteDemo(trx: Transaction<DB>, pid: string, today: string): Promise<void> {
  const { name } = await trx.selectFrom('partnerships').select('name').where('id', '=', pid).executeTakeFirstOrThrow();
  const county = name.split(' ')[0]!;
  const host = `${county.toLowerCase()}.example.gov.uk`;
  await trx.insertInto('site_brands').values({
    partnership_id: pid, colour: '#1d5c4f', copyright_holder: `${county} County Council`,
    footer_links: JSON.stringify([{ text: `${county} County Council`, href: `https://www.${host}` }]),
  }).execute();
  const page = (name: 'accessibility' | 'privacy' | 'contact', fields: Record<string, string>) =>
    trx.insertInto('site_pages').values({ partnership_id: pid, page: name, fields: JSON.stringify(fields) }).execute();
  await page('contact', {
    team: `Community Safety Team, ${county} County Council`, email: `community.safety@${host}`,
    phone: '01632 960 418', hours: 'Monday to Friday, 9am to 5pm', address: 'County Hall\nMarket Square\nNorthby\nNS1 4QA',
  });
  await page('accessibility', {
    compliance: 'partial',
    non_accessible: 'Some papers written by partner organisations before 2024 are scanned PDFs without a text layer, so screen readers cannot read them (WCAG 1.1.1). Ask us and we will send the text.\nMaps in the older strategic assessments have no text description (WCAG 1.1.1). The assessment published from 2026 has a table beside every map.',
    contact_email: `community.safety@${host}`, contact_phone: '01632 960 418', response_days: '10',
    tested_on: addDays(today, -60), tested_by: 'The council’s digital team tested a sample of 40 pages with automated checks, a screen reader and keyboard only.',
    prepared_on: addDays(today, -55),
  });
  await page('privacy', {
    controller: `${county} County Council`, controller_address: 'County Hall\nMarket Square\nNorthby\nNS1 4QA',
    dpo_email: `data.protection@${host}`, ico_registration: 'Z0000000',
    retention: 'Published minutes, decisions and agreements are kept permanently as the public record. Review files are kept for 15 years after the review’s report is published. Subscriber records are removed 12 months after someone unsubscribes, except the suppression of their address.',
  });
}
