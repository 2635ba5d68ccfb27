// Changes to the assessment's data: check permission, validate everything, then write
// and audit in one transaction. An import with any problem writes nothing.
import { parse as parseCsvSync } from 'csv-parse/sync';
import { sql } from 'kysely';
import { assessmentResources, authorize, type Resource } from '../../access/policy.ts';
import { recordAudit, type AuditActor } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { ValidationError, type FieldError } from '../../web/errors.ts';
import { districtOf } from './domain.ts';
import { readSources, streetGroups, CrimeBatch, type MonthRead, type Problem, type Source } from './policeCsv.ts';
import { clearMonths, insertMany, insertRecords, knownLsoas, rebuildDerived } from './store.ts';

// ------------------------------------------------------------------ what the policy is asked

/**
 * The crime data, areas and analysis: the partnership's own working material (police.uk
 * publishes the data, but the assessment built on it is the partnership's), read by its
 * people and kept by the clerk's team.
 */
export const crimeDataResource = (): Resource => assessmentResources.crimeData();

// ------------------------------------------------------------------ crime data

export type ImportOutcome =
  | { ok: true; months: MonthRead[]; rows: number; files: number; replaced: number }
  | { ok: false; problems: Problem[]; moreProblems: number; files: number };

/** Reads the files and, when none has a problem, writes their months (replacing those months only). */
export async function importCrimeData(ctx: Context, sources: readonly Source[]): Promise<ImportOutcome> {
  authorize(ctx.actor, 'create', crimeDataResource());
  const batch = await readSources(sources);
  if (!batch.problems.length && !batch.extraProblems && !batch.months.size) batch.problem(sources[0]?.name ?? 'upload', null, 'The files hold no rows of crime data');
  if (batch.problems.length || batch.extraProblems) return { ok: false, problems: batch.problems, moreProblems: batch.extraProblems, files: batch.files };
  const replaced = await writeBatch(ctx, batch);
  return { ok: true, months: [...batch.months.values()], rows: batch.rows, files: batch.files, replaced };
}

/** A PostgreSQL array literal of texts: each quoted, with its quotes and backslashes escaped. */
export const textArray = (xs: readonly string[]) => `{${xs.map((x) => `"${x.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;

/** Writes a checked batch in one transaction; returns how many months it replaced. */
export async function writeBatch(ctx: { db: Context['db']; actor: AuditActor }, batch: CrimeBatch): Promise<number> {
  const pid = ctx.actor.partnershipId;
  const userId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  return inTransaction(ctx as Context, async (trx) => {
    // Set-based: the months replaced go in one statement per table, whatever their number.
    const months = [...batch.months.values()];
    const replaced = await clearMonths(trx, pid, months);
    await insertMany(trx, 'assessment_crime_months', months.map((m) => ({ partnership_id: pid, kind: m.kind, month: m.month, force: m.force, rows: m.rows, file_name: m.fileName, sha256: m.sha256, imported_by: userId })));
    // One row per month, force and crime type, its LSOAs as arrays: a few statements for any
    // size of file. The arrays go as array literals written here (a string each), not as
    // arrays for a driver to convert element by element.
    const groups = [...streetGroups(batch)];
    await insertMany(trx, 'assessment_street_counts', groups.map((g) => {
      const codes = [...g.lsoas.keys()].sort();
      const crimes = codes.map((c) => g.lsoas.get(c)!);
      return {
        partnership_id: pid, month: g.month, force: g.force, crime_type: g.crimeType,
        lsoa_codes: sql<string[]>`${textArray(codes)}::text[]`, crimes: sql<number[]>`${`{${crimes.join(',')}}`}::integer[]`, total: crimes.reduce((n, c) => n + c, 0),
      };
    }));
    // Each LSOA's name as now published, and its place from this import's located crimes (kept when it has none).
    if (batch.lsoas.size) {
      const json = JSON.stringify([...batch.lsoas].map(([code, l]) => ({ code, name: l.name, lon: l.located ? l.sumLon / l.located : null, lat: l.located ? l.sumLat / l.located : null })));
      await sql`insert into assessment_lsoas (partnership_id, lsoa_code, lsoa_name, longitude, latitude)
        select ${pid}, code, name, lon, lat from jsonb_to_recordset(${json}::jsonb) as r(code text, name text, lon double precision, lat double precision)
        on conflict (partnership_id, lsoa_code) do update set lsoa_name = excluded.lsoa_name,
          longitude = coalesce(excluded.longitude, assessment_lsoas.longitude), latitude = coalesce(excluded.latitude, assessment_lsoas.latitude)`.execute(trx);
    }
    await insertRecords(trx, 'assessment_crime_outcomes', { partnership_id: 'uuid', month: 'text', force: 'text', crime_type: 'text', outcome: 'text', crimes: 'integer' },
      groups.flatMap((g) => [...g.outcomes].map(([outcome, crimes]) => ({ partnership_id: pid, month: g.month, force: g.force, crime_type: g.crimeType, outcome, crimes }))));
    await insertRecords(trx, 'assessment_outcome_counts', { partnership_id: 'uuid', month: 'text', force: 'text', outcome: 'text', outcomes: 'integer' }, [...batch.outcomes.values()].map((o) => ({ partnership_id: pid, ...o })));
    await insertRecords(trx, 'assessment_search_counts', { partnership_id: 'uuid', month: 'text', force: 'text', object: 'text', outcome: 'text', searches: 'integer' }, [...batch.searches.values()].map((o) => ({ partnership_id: pid, ...o })));
    const streetMonths = [...new Set([...batch.months.values()].filter((m) => m.kind === 'street').map((m) => m.month))];
    await rebuildDerived(trx, pid, streetMonths);
    // Fresh statistics for the planner: an import can change these tables' size many times over.
    await sql`analyze assessment_street_counts, assessment_lsoas, assessment_crime_outcomes, assessment_area_counts, assessment_month_totals, assessment_lsoa_year`.execute(trx);
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'crime-data', recordId: pid,
      summary: `Imported ${batch.rows} rows of police.uk data: ${months.length} ${months.length === 1 ? 'month' : 'months'}${replaced ? ` (${replaced} replaced)` : ''}`,
      after: { months: months.map((m) => ({ kind: m.kind, month: m.month, force: m.force, rows: m.rows, file: m.fileName, sha256: m.sha256 })) },
    });
    return replaced;
  });
}

// ------------------------------------------------------------------ areas

export function readCsvText(text: string): string[][] {
  return parseCsvSync(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
}

const header = (row: string[] | undefined) => (row ?? []).map((c) => c.trim().toLowerCase());
const LSOA_CODE = /^[EW]0\d{7}$/;

/** Areas as sets of LSOAs, from rows of a lookup (LSOA code, Area) or derived. Areas left out are removed. */
async function replaceAreas(ctx: Context, source: 'lookup' | 'lsoa-name', byArea: Map<string, string[]>, summary: string) {
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const existing = await trx.selectFrom('assessment_areas').select(['id', 'name']).where('partnership_id', '=', pid).execute();
    const keep = existing.filter((a) => byArea.has(a.name));
    const gone = existing.filter((a) => !byArea.has(a.name));
    if (gone.length) await trx.deleteFrom('assessment_areas').where('partnership_id', '=', pid).where('id', 'in', gone.map((a) => a.id)).execute();
    await trx.deleteFrom('assessment_area_lsoas').where('partnership_id', '=', pid).execute();
    const ids = new Map(keep.map((a) => [a.name, a.id]));
    for (const name of byArea.keys()) {
      if (ids.has(name)) await trx.updateTable('assessment_areas').set({ source }).where('partnership_id', '=', pid).where('id', '=', ids.get(name)!).execute();
      else ids.set(name, (await trx.insertInto('assessment_areas').values({ partnership_id: pid, name, source }).returning('id').executeTakeFirstOrThrow()).id);
    }
    await insertMany(trx, 'assessment_area_lsoas', [...byArea].flatMap(([name, codes]) => codes.map((code) => ({ partnership_id: pid, area_id: ids.get(name)!, lsoa_code: code }))));
    await rebuildDerived(trx, pid, 'all');
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'assessment-areas', recordId: pid, summary, after: Object.fromEntries([...byArea].map(([n, c]) => [n, c.length])) });
    return { areas: byArea.size, removed: gone.map((a) => a.name) };
  });
}

/** A lookup CSV: 'LSOA code' and 'Area' columns, one row per LSOA. */
export async function setAreasFromLookup(ctx: Context, rows: string[][]) {
  authorize(ctx.actor, 'update', crimeDataResource());
  const h = header(rows[0]);
  const codeAt = h.indexOf('lsoa code');
  const areaAt = h.indexOf('area');
  if (codeAt < 0 || areaAt < 0) throw ValidationError.single('file', "The lookup's first line must name its columns 'LSOA code' and 'Area'");
  const errors: FieldError[] = [];
  const byArea = new Map<string, string[]>();
  const seen = new Map<string, number>();
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    const code = (r[codeAt] ?? '').trim().toUpperCase();
    const area = (r[areaAt] ?? '').trim();
    if (!LSOA_CODE.test(code)) errors.push({ field: 'file', message: `Line ${line}: '${code}' is not an LSOA code (a letter E or W, then 8 digits, such as E01012345)` });
    else if (!area) errors.push({ field: 'file', message: `Line ${line}: enter the area ${code} is in` });
    else if (area.length > 100) errors.push({ field: 'file', message: `Line ${line}: the area's name must be 100 characters or fewer` });
    else if (seen.has(code)) errors.push({ field: 'file', message: `Line ${line}: ${code} is on line ${seen.get(code)} already: an LSOA belongs to one area` });
    else { seen.set(code, line); byArea.set(area, [...(byArea.get(area) ?? []), code]); }
  });
  if (!errors.length && !byArea.size) errors.push({ field: 'file', message: 'The lookup has no rows: add a row for each LSOA with the area it is in' });
  if (errors.length) throw new ValidationError(errors.slice(0, 50));
  return replaceAreas(ctx, 'lookup', byArea, `Areas set from a lookup: ${byArea.size} areas, ${seen.size} LSOAs`);
}

/** Areas from the district each LSOA's name begins with ('Eastmoor 014C' is in Eastmoor). */
export async function deriveAreas(ctx: Context) {
  authorize(ctx.actor, 'update', crimeDataResource());
  const lsoas = await knownLsoas(ctx.db, ctx.actor.partnershipId);
  const byArea = new Map<string, string[]>();
  for (const l of lsoas) {
    const d = districtOf(l.name);
    if (d) byArea.set(d, [...(byArea.get(d) ?? []), l.code]);
  }
  if (!byArea.size) throw ValidationError.single('derive', 'No LSOA names to take districts from: import street crime data first, or upload a lookup');
  return replaceAreas(ctx, 'lsoa-name', byArea, `Areas derived from LSOA names: ${byArea.size} areas`);
}

/** A population CSV: 'Area', 'Year', 'Population' and 'Source' columns; every area needs a figure for each year given. */
export async function importPopulations(ctx: Context, rows: string[][]) {
  authorize(ctx.actor, 'update', crimeDataResource());
  const pid = ctx.actor.partnershipId;
  const h = header(rows[0]);
  const at = { area: h.indexOf('area'), year: h.indexOf('year'), population: h.indexOf('population'), source: h.indexOf('source') };
  if (Object.values(at).some((i) => i < 0)) throw ValidationError.single('file', "The population file's first line must name its columns 'Area', 'Year', 'Population' and 'Source'");
  const areas = await ctx.db.selectFrom('assessment_areas').select(['id', 'name']).where('partnership_id', '=', pid).execute();
  if (!areas.length) throw ValidationError.single('file', 'Set the areas first (a lookup or from LSOA names): populations belong to areas');
  const byName = new Map(areas.map((a) => [a.name.toLowerCase(), a]));
  const errors: FieldError[] = [];
  const figures: { area_id: string; area: string; year: number; population: number; source: string }[] = [];
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    const name = (r[at.area] ?? '').trim();
    const area = byName.get(name.toLowerCase());
    const year = Number((r[at.year] ?? '').trim());
    const population = Number((r[at.population] ?? '').replace(/,/g, '').trim());
    const source = (r[at.source] ?? '').trim();
    if (!area) errors.push({ field: 'file', message: `Line ${line}: there is no area called '${name}': correct the name or set the areas first` });
    else if (!Number.isInteger(year) || year < 1900 || year > 2200) errors.push({ field: 'file', message: `Line ${line}: enter the year of the figure as four digits, such as 2023` });
    else if (!Number.isInteger(population) || population <= 0) errors.push({ field: 'file', message: `Line ${line}: the population must be a whole number greater than 0` });
    else if (!source) errors.push({ field: 'file', message: `Line ${line}: say where the figure comes from, such as 'ONS mid-year estimate'` });
    else if (figures.some((f) => f.area_id === area.id && f.year === year)) errors.push({ field: 'file', message: `Line ${line}: ${area.name} has a figure for ${year} already in this file` });
    else figures.push({ area_id: area.id, area: area.name, year, population, source: source.slice(0, 200) });
  });
  if (!errors.length) {
    if (!figures.length) errors.push({ field: 'file', message: 'The file has no rows: add a row for each area' });
    for (const year of new Set(figures.map((f) => f.year))) {
      for (const a of areas) if (!figures.some((f) => f.area_id === a.id && f.year === year)) errors.push({ field: 'file', message: `The file has no population for ${a.name} in ${year}: add a row for every area, so no rate is set beside another year's figure` });
    }
  }
  if (errors.length) throw new ValidationError(errors.slice(0, 50));
  return inTransaction(ctx, async (trx) => {
    for (const f of figures) {
      await trx.insertInto('assessment_populations').values({ partnership_id: pid, area_id: f.area_id, year: f.year, population: f.population, source: f.source })
        .onConflict((oc) => oc.columns(['partnership_id', 'area_id', 'year']).doUpdateSet({ population: f.population, source: f.source })).execute();
    }
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'assessment-populations', recordId: pid, summary: `Populations for ${figures.length} area-years`, after: figures });
    return { figures: figures.length };
  });
}
