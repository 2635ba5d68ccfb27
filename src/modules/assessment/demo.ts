// The demo's crime data: 27 months of street crime and anti-social behaviour in our
// own made-up Northshire (generator.ts), violence rising over the last year, the areas
// taken from the LSOA names and made-up populations with their source and year.
import { Readable } from 'node:stream';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { recordAudit } from '../../access/audit.ts';
import { addMonths, districtOf } from './domain.ts';
import { makeLsoas, streetCsv, DISTRICTS } from './generator.ts';
import { CrimeBatch, readCsv } from './policeCsv.ts';
import { writeBatch } from './commands.ts';
import { insertMany, rebuildDerived } from './store.ts';

export const DEMO_POPULATIONS: Record<string, number> = { 'Ashby Vale': 98_400, Brackenford: 121_700, 'Corran Heath': 76_300 };

export async function seedAssessmentDemo(trx: Transaction<DB>, pid: string, today: string): Promise<void> {
  const actor = { kind: 'system' as const, partnershipId: pid };
  // police.uk publishes a month about two months after it ends.
  const last = addMonths(today.slice(0, 7), -2);
  const first = addMonths(last, -26);
  const lsoas = makeLsoas(24);
  const batch = new CrimeBatch();
  for (let i = 0; i < 27; i++) {
    const month = addMonths(first, i);
    const recent = i >= 15;
    const csv = streetCsv({ month, rows: 700 + ((i * 37) % 90), lsoas, seed: 11, typeFactor: (t) => (recent && t === 'Violence and sexual offences' ? 1.25 : 1) });
    await readCsv(Readable.from([csv]), `${month}-northshire-street.csv`, batch);
  }
  if (batch.problems.length) throw new Error(`demo crime data: ${batch.problems[0]!.message}`);
  await writeBatch({ db: trx, actor }, batch);
  const areas = new Map<string, string>();
  for (const d of DISTRICTS) {
    areas.set(d.name, (await trx.insertInto('assessment_areas').values({ partnership_id: pid, name: d.name, source: 'lsoa-name' }).returning('id').executeTakeFirstOrThrow()).id);
  }
  await insertMany(trx, 'assessment_area_lsoas', lsoas.map((l) => ({ partnership_id: pid, area_id: areas.get(districtOf(l.name)!)!, lsoa_code: l.code })));
  const year = Number(last.slice(0, 4)) - 1;
  for (const [name, population] of Object.entries(DEMO_POPULATIONS)) {
    await trx.insertInto('assessment_populations').values({ partnership_id: pid, area_id: areas.get(name)!, year, population, source: 'Mid-year estimate (demo figure)' }).execute();
  }
  await rebuildDerived(trx, pid, 'all');
  await recordAudit(trx, actor, { action: 'create', recordType: 'assessment-areas', recordId: pid, summary: 'Demo areas and populations' });
}
