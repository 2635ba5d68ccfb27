// The assessment module's SQL. Pages read only the aggregates: months x categories for
// the partnership or an area, LSOA counts for one category. Nothing here scans rows.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { ASB, CATEGORY_MAP, addMonths, publishedNamesOf } from './domain.ts';
import type { CrimeFileKind } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Today's name of a published category, in SQL (the same map as categoryOf). */
const categoryMap = () => sql`jsonb_each_text(${JSON.stringify(CATEGORY_MAP)}::jsonb)`;

export async function listImportedMonths(db: Db, pid: string) {
  return db.selectFrom('assessment_crime_months').selectAll().where('partnership_id', '=', pid).orderBy('month', 'desc').orderBy('kind').orderBy('force').execute();
}

/** Street months known, oldest to newest. */
export async function streetMonths(db: Db, pid: string): Promise<string[]> {
  const rows = await db.selectFrom('assessment_month_totals').select('month').distinct().where('partnership_id', '=', pid).orderBy('month').execute();
  return rows.map((r) => r.month);
}

/** Rebuilds the partnership's monthly totals and the areas' counts for the months given. */
export async function rebuildDerived(db: Db, pid: string, months: readonly string[] | 'all'): Promise<void> {
  const some = months !== 'all';
  if (some && !months.length) return;
  const inMonths = some ? sql`and c.month in (${sql.join(months.map((m) => sql`${m}`))})` : sql``;
  let del = db.deleteFrom('assessment_month_totals').where('partnership_id', '=', pid);
  if (some) del = del.where('month', 'in', months);
  await del.execute();
  await sql`insert into assessment_month_totals (partnership_id, month, category, crimes)
    select c.partnership_id, c.month, coalesce(m.value, c.crime_type), sum(c.total)::int
    from assessment_street_counts c left join ${categoryMap()} m on m.key = c.crime_type
    where c.partnership_id = ${pid} ${inMonths}
    group by c.partnership_id, c.month, coalesce(m.value, c.crime_type)`.execute(db);
  let delArea = db.deleteFrom('assessment_area_counts').where('partnership_id', '=', pid);
  if (some) delArea = delArea.where('month', 'in', months);
  await delArea.execute();
  // No areas, nothing to add up (the LSOAs' arrays are not unpacked for nothing).
  const anyArea = await db.selectFrom('assessment_area_lsoas').select('lsoa_code').where('partnership_id', '=', pid).limit(1).executeTakeFirst();
  if (anyArea) {
    await sql`insert into assessment_area_counts (partnership_id, area_id, month, category, crimes)
      select c.partnership_id, a.area_id, c.month, coalesce(m.value, c.crime_type), sum(u.crimes)::int
      from assessment_street_counts c
      cross join lateral unnest(c.lsoa_codes, c.crimes) as u(lsoa_code, crimes)
      join assessment_area_lsoas a on a.partnership_id = c.partnership_id and a.lsoa_code = u.lsoa_code
      left join ${categoryMap()} m on m.key = c.crime_type
      where c.partnership_id = ${pid} ${inMonths}
      group by c.partnership_id, a.area_id, c.month, coalesce(m.value, c.crime_type)`.execute(db);
  }
  await rebuildLsoaYear(db, pid);
}

/** The latest 12 months of street data, as the places page shows them; null when there is none. */
async function latestYear(db: Db, pid: string): Promise<{ from: string; to: string } | null> {
  const last = await db.selectFrom('assessment_month_totals').select(sql<string | null>`max(month)`.as('to')).where('partnership_id', '=', pid).executeTakeFirst();
  if (!last?.to) return null;
  return { from: addMonths(last.to, -11), to: last.to };
}

/**
 * Crimes per LSOA and category over the latest 12 months, for the places page and its
 * map: rebuilt whole (a year of one partnership's LSOAs is small) with the window it is for.
 */
export async function rebuildLsoaYear(db: Db, pid: string): Promise<void> {
  await db.deleteFrom('assessment_lsoa_year').where('partnership_id', '=', pid).execute();
  await db.deleteFrom('assessment_lsoa_window').where('partnership_id', '=', pid).execute();
  const year = await latestYear(db, pid);
  if (!year) return;
  await sql`insert into assessment_lsoa_year (partnership_id, category, lsoa_code, crimes)
    select c.partnership_id, coalesce(m.value, c.crime_type), u.lsoa_code, sum(u.crimes)::int
    from assessment_street_counts c
    cross join lateral unnest(c.lsoa_codes, c.crimes) as u(lsoa_code, crimes)
    left join ${categoryMap()} m on m.key = c.crime_type
    where c.partnership_id = ${pid} and c.month >= ${year.from} and c.month <= ${year.to} and u.lsoa_code <> ''
    group by c.partnership_id, coalesce(m.value, c.crime_type), u.lsoa_code
    having sum(u.crimes) > 0`.execute(db);
  await db.insertInto('assessment_lsoa_window').values({ partnership_id: pid, from_month: year.from, to_month: year.to }).execute();
}

const TABLE_OF: Record<CrimeFileKind, 'assessment_street_counts' | 'assessment_outcome_counts' | 'assessment_search_counts'> = {
  street: 'assessment_street_counts', outcomes: 'assessment_outcome_counts', 'stop-and-search': 'assessment_search_counts',
};

/**
 * Removes what earlier imports of these months (of their kind, from their force) left, a
 * statement per table whatever the number of months; returns how many months were there.
 */
export async function clearMonths(db: Db, pid: string, months: readonly { kind: CrimeFileKind; month: string; force: string }[]): Promise<number> {
  if (!months.length) return 0;
  const gone = await sql`delete from assessment_crime_months where partnership_id = ${pid}
    and (kind, month, force) in (${sql.join(months.map((m) => sql`(${m.kind}, ${m.month}, ${m.force})`))}) returning kind`.execute(db);
  for (const kind of Object.keys(TABLE_OF) as CrimeFileKind[]) {
    const of = months.filter((m) => m.kind === kind);
    if (!of.length) continue;
    const pairs = sql.join(of.map((m) => sql`(${m.month}, ${m.force})`));
    await sql`delete from ${sql.table(TABLE_OF[kind])} where partnership_id = ${pid} and (month, force) in (${pairs})`.execute(db);
    if (kind === 'street') await sql`delete from assessment_crime_outcomes where partnership_id = ${pid} and (month, force) in (${pairs})`.execute(db);
  }
  return gone.rows.length;
}

/**
 * Inserts many rows as one JSON parameter per 20,000 rows (or `per`), unpacked by the database
 * (jsonb_to_recordset): far quicker than thousands of bound parameters, on PGlite most.
 * `types` names each column's SQL type, in the order of the table's columns given.
 */
export async function insertRecords(db: Db, table: string, types: Record<string, string>, rows: readonly Record<string, unknown>[], per = 20000): Promise<void> {
  const cols = Object.keys(types);
  const list = sql.raw(cols.map((c) => `"${c}"`).join(', '));
  const shape = sql.raw(cols.map((c) => `"${c}" ${types[c]}`).join(', '));
  for (let i = 0; i < rows.length; i += per) {
    const json = JSON.stringify(rows.slice(i, i + per));
    await sql`insert into ${sql.table(table)} (${list}) select ${list} from jsonb_to_recordset(${json}::jsonb) as r(${shape})`.execute(db);
  }
}

/** Inserts many rows a few thousand parameters at a time. */
export async function insertMany<T extends keyof DB & string>(db: Db, table: T, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const per = Math.max(1, Math.floor(30000 / Object.keys(rows[0]!).length));
  for (let i = 0; i < rows.length; i += per) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await db.insertInto(table).values(rows.slice(i, i + per) as any).execute();
  }
}

// ------------------------------------------------------------------ areas

export interface AreaView { id: string; name: string; source: 'lookup' | 'lsoa-name'; lsoas: number; populations: { year: number; population: number; source: string }[] }

export async function listAreas(db: Db, pid: string): Promise<AreaView[]> {
  const areas = await db.selectFrom('assessment_areas as a')
    .leftJoin('assessment_area_lsoas as l', (j) => j.onRef('l.partnership_id', '=', 'a.partnership_id').onRef('l.area_id', '=', 'a.id'))
    .select(['a.id', 'a.name', 'a.source', (eb) => eb.fn.count<string>('l.lsoa_code').as('lsoas')])
    .where('a.partnership_id', '=', pid).groupBy(['a.id', 'a.name', 'a.source']).orderBy('a.name').execute();
  const pops = await db.selectFrom('assessment_populations').select(['area_id', 'year', 'population', 'source']).where('partnership_id', '=', pid).orderBy('year').execute();
  return areas.map((a) => ({ id: a.id, name: a.name, source: a.source, lsoas: Number(a.lsoas), populations: pops.filter((p) => p.area_id === a.id).map(({ year, population, source }) => ({ year, population, source })) }));
}

/** LSOAs seen in the street data, with their names. */
export async function knownLsoas(db: Db, pid: string): Promise<{ code: string; name: string }[]> {
  return db.selectFrom('assessment_lsoas').select(['lsoa_code as code', 'lsoa_name as name']).where('partnership_id', '=', pid).orderBy('lsoa_code').execute();
}

// ------------------------------------------------------------------ what the pages read

/** Crimes per month and category: the whole partnership (areaId null) or one area. */
export async function monthlyCounts(db: Db, pid: string, areaId: string | null): Promise<{ month: string; category: string; crimes: number }[]> {
  if (areaId) {
    return db.selectFrom('assessment_area_counts').select(['month', 'category', 'crimes']).where('partnership_id', '=', pid).where('area_id', '=', areaId).orderBy('month').execute();
  }
  return db.selectFrom('assessment_month_totals').select(['month', 'category', 'crimes']).where('partnership_id', '=', pid).orderBy('month').execute();
}

/** Crimes of a category per area and month between two months (for rates). */
export async function areaTotals(db: Db, pid: string, category: string | null, from: string, to: string): Promise<{ area_id: string; crimes: number }[]> {
  let q = db.selectFrom('assessment_area_counts').select(['area_id', sql<number>`sum(crimes)::int`.as('crimes')])
    .where('partnership_id', '=', pid).where('month', '>=', from).where('month', '<=', to);
  // No category: all crime, anti-social behaviour left out (it is shown beside crime, never in it).
  q = category ? q.where('category', '=', category) : q.where('category', '!=', ASB);
  return q.groupBy('area_id').execute();
}

/**
 * The LSOAs with the most crime of the published names given, between two months, with
 * each LSOA's place (as sums over `located`, so a caller divides: 1 or 0 here).
 */
export async function topLsoas(db: Db, pid: string, published: readonly string[], from: string, to: string, limit: number, areaId: string | null = null) {
  if (!published.length) return [];
  const inArea = areaId ? sql`and u.lsoa_code in (select lsoa_code from assessment_area_lsoas where partnership_id = ${pid} and area_id = ${areaId})` : sql``;
  const { rows } = await sql<{ lsoa_code: string; lsoa_name: string | null; crimes: number; longitude: number | null; latitude: number | null }>`
    select t.lsoa_code, l.lsoa_name, t.crimes, l.longitude, l.latitude
    from (select u.lsoa_code, sum(u.crimes)::int as crimes
      from assessment_street_counts c cross join lateral unnest(c.lsoa_codes, c.crimes) as u(lsoa_code, crimes)
      where c.partnership_id = ${pid} and c.crime_type in (${sql.join(published.map((p) => sql`${p}`))}) and c.month >= ${from} and c.month <= ${to} and u.lsoa_code <> '' ${inArea}
      group by u.lsoa_code order by sum(u.crimes) desc, u.lsoa_code limit ${limit}) t
    left join assessment_lsoas l on l.partnership_id = ${pid} and l.lsoa_code = t.lsoa_code
    order by t.crimes desc, t.lsoa_code`.execute(db);
  return rows.map(placed);
}

function placed(r: { lsoa_code: string; lsoa_name: string | null; crimes: number; longitude: number | null; latitude: number | null }) {
  const at = r.longitude !== null && r.latitude !== null;
  return { lsoa_code: r.lsoa_code, lsoa_name: r.lsoa_name ?? '', crimes: r.crimes, located: at ? 1 : 0, sum_longitude: at ? Number(r.longitude) : 0, sum_latitude: at ? Number(r.latitude) : 0 };
}

/**
 * The LSOAs with the most crime of a category (today's name) between two months: from the
 * 12-month aggregate when it was built for just these months, else added up from the months.
 */
export async function topLsoasOf(db: Db, pid: string, category: string, from: string, to: string, limit: number, areaId: string | null = null) {
  const window = await db.selectFrom('assessment_lsoa_window').select(['from_month', 'to_month']).where('partnership_id', '=', pid).executeTakeFirst();
  if (!window || window.from_month !== from || window.to_month !== to) return topLsoas(db, pid, publishedNamesOf(category), from, to, limit, areaId);
  const inArea = areaId ? sql`and y.lsoa_code in (select lsoa_code from assessment_area_lsoas where partnership_id = ${pid} and area_id = ${areaId})` : sql``;
  const { rows } = await sql<{ lsoa_code: string; lsoa_name: string | null; crimes: number; longitude: number | null; latitude: number | null }>`
    select y.lsoa_code, l.lsoa_name, y.crimes, l.longitude, l.latitude
    from assessment_lsoa_year y
    left join assessment_lsoas l on l.partnership_id = y.partnership_id and l.lsoa_code = y.lsoa_code
    where y.partnership_id = ${pid} and y.category = ${category} ${inArea}
    order by y.crimes desc, y.lsoa_code limit ${limit}`.execute(db);
  return rows.map(placed);
}

/** The street file's last outcomes per category (today's name), between two months. */
export async function outcomesByCategory(db: Db, pid: string, from: string, to: string) {
  const rows = await sql<{ category: string; outcome: string; crimes: number }>`select coalesce(m.value, o.crime_type) as category, o.outcome, sum(o.crimes)::int as crimes
    from assessment_crime_outcomes o left join ${categoryMap()} m on m.key = o.crime_type
    where o.partnership_id = ${pid} and o.month >= ${from} and o.month <= ${to}
    group by 1, 2 order by 1, 3 desc`.execute(db);
  return rows.rows;
}

export async function outcomeFileCounts(db: Db, pid: string, from: string, to: string) {
  return db.selectFrom('assessment_outcome_counts').select(['outcome', sql<number>`sum(outcomes)::int`.as('outcomes')])
    .where('partnership_id', '=', pid).where('month', '>=', from).where('month', '<=', to).groupBy('outcome').orderBy(sql`sum(outcomes)`, 'desc').execute();
}

export async function searchCounts(db: Db, pid: string, from: string, to: string) {
  return db.selectFrom('assessment_search_counts').select(['object', 'outcome', sql<number>`sum(searches)::int`.as('searches')])
    .where('partnership_id', '=', pid).where('month', '>=', from).where('month', '<=', to).groupBy(['object', 'outcome']).orderBy('object').orderBy(sql`sum(searches)`, 'desc').execute();
}
