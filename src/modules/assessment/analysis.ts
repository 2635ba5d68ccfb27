// The analysis pages' figures: each view is a few tables (the page shows them, the CSV
// downloads them, the API answers them) and charts drawn from the same figures. Every
// query reads the monthly aggregates only.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { barChart, lineChart } from '../strategy/charts.ts';
import { ASB, CATEGORIES, addMonths, compareYears, monthLabel, monthsBetween, populationFor, ratePer1000, rolling12, T_CRITICAL_22 } from './domain.ts';
import { pointMap } from './map.ts';
import { areaTotals, listAreas, monthlyCounts, outcomeFileCounts, outcomesByCategory, searchCounts, streetMonths, topLsoasOf, type AreaView } from './store.ts';

export type Cell = string | number | null;
export interface Table { id: string; caption: string; head: { label: string; numeric?: boolean }[]; rows: Cell[][] }
/** A chart's figures, for drawing it again elsewhere (the assessment document's PDF). */
export type ChartData =
  | { kind: 'line'; points: { label: string; value: number }[] }
  | { kind: 'bars'; bars: { label: string; value: number }[] }
  | { kind: 'map'; points: { lon: number; lat: number; value: number; rank?: number }[] };
export interface Chart { caption: string; svg: string; data: ChartData }
export interface View { tables: Table[]; charts: Chart[]; notes: string[]; from: string | null; to: string | null }

export const VIEWS = [
  { id: 'trend', title: 'Monthly counts and 12-month totals' },
  { id: 'change', title: 'This year against last year' },
  { id: 'rates', title: 'Rates per 1,000 residents by area' },
  { id: 'places', title: 'Places with the most crime' },
  { id: 'outcomes', title: 'Outcomes by crime type' },
] as const;
export type ViewId = typeof VIEWS[number]['id'];
export const isView = (v: string): v is ViewId => VIEWS.some((x) => x.id === v);

export interface Filters { areaId: string | null; category: string | null }

const ALL_CRIME = 'All crime (excluding anti-social behaviour)';
const empty = (notes: string[]): View => ({ tables: [], charts: [], notes, from: null, to: null });

/** Series per category over the months given (zeros where nothing was recorded). */
function series(counts: { month: string; category: string; crimes: number }[], months: string[]) {
  const index = new Map(months.map((m, i) => [m, i]));
  const by = new Map<string, number[]>();
  const all = new Array<number>(months.length).fill(0);
  for (const c of counts) {
    const i = index.get(c.month);
    if (i === undefined) continue;
    let s = by.get(c.category);
    if (!s) by.set(c.category, (s = new Array<number>(months.length).fill(0)));
    s[i]! += c.crimes;
    if (c.category !== ASB) all[i]! += c.crimes;
  }
  return { by, all };
}

/** Labels for a line of many months: the year under each January, nothing under the others. */
const sparseLabels = (months: string[]) => months.map((m, i) => (m.endsWith('-01') || (i === 0 && months.length < 14) ? m.slice(0, 4) : months.length <= 13 ? monthLabel(m).slice(0, 3) : ''));

export async function buildView(db: Kysely<DB>, pid: string, view: ViewId, f: Filters): Promise<View> {
  const known = await streetMonths(db, pid);
  if (!known.length) return empty(['No street crime data has been imported yet.']);
  const to = known.at(-1)!;
  const months = monthsBetween(known[0]!, to);
  const yearFrom = addMonths(to, -11);
  const areas = await listAreas(db, pid);
  const area = f.areaId ? areas.find((a) => a.id === f.areaId) ?? null : null;
  const where = area ? area.name : 'the whole partnership';
  switch (view) {
    case 'trend': {
      const { by, all } = series(await monthlyCounts(db, pid, area?.id ?? null), months);
      const lines = f.category ? [{ name: f.category, values: by.get(f.category) ?? months.map(() => 0) }] : [{ name: ALL_CRIME, values: all }, { name: ASB, values: by.get(ASB) ?? months.map(() => 0) }];
      const rolled = lines.map((l) => rolling12(l.values));
      const head = [{ label: 'Month' }, ...lines.flatMap((l) => [{ label: l.name, numeric: true }, { label: `${l.name}: 12 months to this month`, numeric: true }])];
      const rows = months.map((m, i) => [m, ...lines.flatMap((l, j) => [l.values[i]!, rolled[j]![i]!])]);
      const labels = sparseLabels(months);
      return {
        from: months[0]!, to,
        tables: [{ id: 'monthly', caption: `${f.category ?? 'Crime and anti-social behaviour'} per month in ${where}`, head, rows }],
        charts: lines.flatMap((l, j) => {
          const monthly = l.values.map((v, i) => ({ label: labels[i]!, value: v }));
          const yearly = rolled[j]!.map((v, i) => ({ v, i })).filter((p) => p.v !== null).map((p) => ({ label: labels[p.i]!, value: p.v! }));
          return [
            { caption: `${l.name} per month, ${monthLabel(months[0]!)} to ${monthLabel(to)}`, svg: lineChart(monthly, { width: 640 }), data: { kind: 'line' as const, points: monthly } },
            ...(months.length >= 12 ? [{ caption: `${l.name}: total of the 12 months to each month`, svg: lineChart(yearly, { width: 640 }), data: { kind: 'line' as const, points: yearly } }] : []),
          ];
        }),
        notes: f.category ? [] : ['Anti-social behaviour is shown beside crime, not in it: police.uk records it as incidents, not crimes.'],
      };
    }
    case 'change': {
      if (months.length < 24) return empty([`This comparison needs 24 months of street data; ${months.length} ${months.length === 1 ? 'month is' : 'months are'} imported.`]);
      const recent = months.slice(-24);
      const { by, all } = series(await monthlyCounts(db, pid, area?.id ?? null), recent);
      const cats = [ALL_CRIME, ...CATEGORIES.filter((c) => by.has(c)), ...[...by.keys()].filter((c) => !(CATEGORIES as readonly string[]).includes(c)).sort()];
      const rows = cats.map((c) => {
        const v = c === ALL_CRIME ? all : by.get(c)!;
        const r = compareYears(v.slice(12), v.slice(0, 12));
        return [c, r.lastYear, r.thisYear, r.change, r.changePercent, r.t, r.large ? 'Yes' : 'No'] as Cell[];
      });
      return {
        from: recent[0]!, to, charts: [],
        tables: [{
          id: 'change', caption: `${monthLabel(yearFrom)} to ${monthLabel(to)} against the 12 months before, in ${where}`,
          head: [{ label: 'Crime type' }, { label: `${monthLabel(recent[0]!)} to ${monthLabel(recent[11]!)}`, numeric: true }, { label: `${monthLabel(yearFrom)} to ${monthLabel(to)}`, numeric: true },
            { label: 'Change', numeric: true }, { label: 'Change (%)', numeric: true }, { label: 't', numeric: true }, { label: 'Larger than normal variation' }],
          rows,
        }],
        notes: [`A change is called larger than normal variation when a two-sample t-test on the 12 monthly counts of each year, with their variance pooled (each year about its own mean), gives |t| > ${T_CRITICAL_22} (5% level, 22 degrees of freedom): t = change ÷ (s × √24), s the pooled standard deviation of a month.`],
      };
    }
    case 'rates': {
      const category = f.category;
      const totals = await areaTotals(db, pid, category, yearFrom, to);
      const year = Number(to.slice(0, 4));
      const rows = areas.map((a) => {
        const crimes = totals.find((t) => t.area_id === a.id)?.crimes ?? 0;
        const pop = populationFor(a.populations, year);
        return [a.name, crimes, pop?.population ?? null, pop ? String(pop.year) : null, pop?.source ?? null, pop ? ratePer1000(crimes, pop.population) : null] as Cell[];
      });
      const what = category ?? ALL_CRIME;
      return {
        from: yearFrom, to,
        tables: [{ id: 'rates', caption: `${what}, ${monthLabel(yearFrom)} to ${monthLabel(to)}, per 1,000 residents`,
          head: [{ label: 'Area' }, { label: 'Crimes', numeric: true }, { label: 'Residents', numeric: true }, { label: 'Population year' }, { label: 'Population source' }, { label: 'Per 1,000 residents', numeric: true }], rows }],
        charts: rows.some((r) => r[5] !== null) ? [((bars) => ({ caption: `${what} per 1,000 residents`, svg: barChart(bars), data: { kind: 'bars' as const, bars } }))(rows.filter((r) => r[5] !== null).map((r) => ({ label: `${r[0]} (${r[3]})`, value: r[5] as number })))] : [],
        notes: [
          'Each rate is the area\'s own count over its own residents; rates are not added up or averaged across areas.',
          ...(areas.length ? [] : ['No areas are set: set them on the areas page.']),
          ...(rows.some((r) => r[5] === null) ? ['An area without a population has no rate: upload its population on the areas page.'] : []),
        ],
      };
    }
    case 'places': {
      const category = f.category ?? 'Violence and sexual offences';
      const top = await topLsoasOf(db, pid, category, yearFrom, to, 2000, area?.id ?? null);
      const ranked = top.slice(0, 20);
      const located = top.filter((t) => t.located > 0);
      return {
        from: yearFrom, to,
        tables: [{ id: 'places', caption: `The 20 LSOAs with the most ${category.toLowerCase()}, ${monthLabel(yearFrom)} to ${monthLabel(to)}, in ${where}`,
          head: [{ label: 'Rank', numeric: true }, { label: 'LSOA code' }, { label: 'LSOA name' }, { label: 'Crimes', numeric: true }],
          rows: ranked.map((t, i) => [i + 1, t.lsoa_code, t.lsoa_name, t.crimes]) }],
        charts: located.length ? [{ caption: `Map: each LSOA with ${category.toLowerCase()} as a grey dot, the top 20 numbered by rank (circles sized by count)`,
          ...((points) => ({ svg: pointMap(points), data: { kind: 'map' as const, points } }))(located.map((t) => ({ lon: t.sum_longitude / t.located, lat: t.sum_latitude / t.located, value: t.crimes, rank: top.indexOf(t) < 20 ? top.indexOf(t) + 1 : undefined }))) }] : [],
        notes: ['Each LSOA is placed at the mean position of its crimes, as police.uk gives them (approximate points, not addresses).'],
      };
    }
    case 'outcomes': {
      const rows = await outcomesByCategory(db, pid, yearFrom, to);
      const totals = new Map<string, number>();
      for (const r of rows) totals.set(r.category, (totals.get(r.category) ?? 0) + r.crimes);
      const selected = f.category ? rows.filter((r) => r.category === f.category) : rows;
      const outcomeFile = await outcomeFileCounts(db, pid, yearFrom, to);
      const searches = await searchCounts(db, pid, yearFrom, to);
      const tables: Table[] = [{ id: 'outcomes', caption: `The last outcome of crimes recorded ${monthLabel(yearFrom)} to ${monthLabel(to)}, by crime type`,
        head: [{ label: 'Crime type' }, { label: 'Last outcome' }, { label: 'Crimes', numeric: true }, { label: 'Share of the type (%)', numeric: true }],
        rows: selected.map((r) => [r.category, r.outcome, r.crimes, Math.round((r.crimes / totals.get(r.category)!) * 1000) / 10]) }];
      if (outcomeFile.length) tables.push({ id: 'outcome-file', caption: `Outcomes recorded ${monthLabel(yearFrom)} to ${monthLabel(to)} (police.uk outcomes files)`, head: [{ label: 'Outcome' }, { label: 'Outcomes', numeric: true }], rows: outcomeFile.map((o) => [o.outcome, o.outcomes]) });
      if (searches.length) tables.push({ id: 'stop-and-search', caption: `Stop and search ${monthLabel(yearFrom)} to ${monthLabel(to)}, by object of search and outcome`, head: [{ label: 'Object of search' }, { label: 'Outcome' }, { label: 'Searches', numeric: true }], rows: searches.map((s) => [s.object, s.outcome, s.searches]) });
      return {
        from: yearFrom, to, tables,
        charts: totals.size ? [((bars) => ({ caption: 'Crimes with a recorded outcome, by type', svg: barChart(bars), data: { kind: 'bars' as const, bars } }))([...totals].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value })))] : [],
        notes: ['Anti-social behaviour has no outcomes on police.uk. The outcomes here are for the whole partnership: police.uk gives them per crime, not per area of the partnership\'s choosing.'],
      };
    }
  }
}

export type { AreaView };
