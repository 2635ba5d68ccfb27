// The strategic assessment's rules, without I/O: the police.uk file formats, the crime
// categories then and now, months, and the arithmetic of the analysis pages (rolling
// totals, this year against last, rates per 1,000 residents).
import type { CrimeFileKind } from './tables.ts';

// ------------------------------------------------------------------ police.uk files

/** The columns of each kind of police.uk file, in order, as published. */
export const COLUMNS: Record<CrimeFileKind, readonly string[]> = {
  street: ['Crime ID', 'Month', 'Reported by', 'Falls within', 'Longitude', 'Latitude', 'Location', 'LSOA code', 'LSOA name', 'Crime type', 'Last outcome category', 'Context'],
  outcomes: ['Crime ID', 'Month', 'Reported by', 'Falls within', 'Longitude', 'Latitude', 'Location', 'LSOA code', 'LSOA name', 'Outcome type'],
  'stop-and-search': ['Type', 'Date', 'Part of a policing operation', 'Policing operation', 'Latitude', 'Longitude', 'Gender', 'Age range', 'Self-defined ethnicity',
    'Officer-defined ethnicity', 'Legislation', 'Object of search', 'Outcome', 'Outcome linked to object of search', 'Removal of more than just outer clothing'],
};

export const KIND_LABELS: Record<CrimeFileKind, string> = { street: 'Street crime and anti-social behaviour', outcomes: 'Outcomes', 'stop-and-search': 'Stop and search' };

const norm = (s: string) => s.replace(/^\uFEFF/, '').trim().toLowerCase();

/** Which kind of file a first line is, or null when it is not one of police.uk's. */
export function kindOfHeader(header: readonly string[]): CrimeFileKind | null {
  for (const kind of Object.keys(COLUMNS) as CrimeFileKind[]) {
    const cols = COLUMNS[kind];
    if (header.length === cols.length && cols.every((c, i) => norm(header[i] ?? '') === c.toLowerCase())) return kind;
  }
  return null;
}

/** police.uk's file names: '2024-03-northshire-street.csv', perhaps in a '2024-03/' folder. */
export function parseFileName(path: string): { month: string; force: string; kind: CrimeFileKind } | null {
  const m = /(?:^|\/)(\d{4}-\d{2})-([a-z0-9-]+?)-(street|outcomes|stop-and-search)\.csv$/i.exec(path);
  if (!m || !isMonth(m[1]!)) return null;
  return { month: m[1]!, force: m[2]!.toLowerCase(), kind: m[3]!.toLowerCase() as CrimeFileKind };
}

export const isMonth = (s: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(s);

// ------------------------------------------------------------------ categories

/** Today's police.uk crime types, in the order police.uk lists them. */
export const CATEGORIES = [
  'Anti-social behaviour', 'Bicycle theft', 'Burglary', 'Criminal damage and arson', 'Drugs', 'Other theft', 'Possession of weapons', 'Public order',
  'Robbery', 'Shoplifting', 'Theft from the person', 'Vehicle crime', 'Violence and sexual offences', 'Other crime',
] as const;
export const ASB = 'Anti-social behaviour';

/**
 * Names police.uk has used (older files) and the API's slugs, with today's name. A
 * retired category split in two has no single name today: it is kept as published
 * and marked as retired (see RETIRED).
 */
export const CATEGORY_MAP: Readonly<Record<string, string>> = {
  'Violent crime': 'Violence and sexual offences',
  'Violence against the person': 'Violence and sexual offences',
  'Burglary (residential and business)': 'Burglary',
  'Criminal damage & arson': 'Criminal damage and arson',
  'Anti social behaviour': 'Anti-social behaviour',
  'anti-social-behaviour': 'Anti-social behaviour',
  'bicycle-theft': 'Bicycle theft',
  burglary: 'Burglary',
  'criminal-damage-arson': 'Criminal damage and arson',
  drugs: 'Drugs',
  'other-theft': 'Other theft',
  'possession-of-weapons': 'Possession of weapons',
  'public-order': 'Public order',
  robbery: 'Robbery',
  shoplifting: 'Shoplifting',
  'theft-from-the-person': 'Theft from the person',
  'vehicle-crime': 'Vehicle crime',
  'violent-crime': 'Violence and sexual offences',
  'other-crime': 'Other crime',
  'public-disorder-weapons': 'Public disorder and weapons',
};

/** Categories police.uk retired without one successor: shown under their own name. */
export const RETIRED: Readonly<Record<string, string>> = {
  'Public disorder and weapons': 'Used until April 2013, then split into Public order and Possession of weapons',
};

/** Today's name of a category as published (an old name or a slug), else the name itself. */
export const categoryOf = (published: string): string => CATEGORY_MAP[published.trim()] ?? published.trim();

// ------------------------------------------------------------------ months

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < 1200; m = addMonths(m, 1)) out.push(m);
  return out;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const monthLabel = (month: string) => `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;

/** 'Eastmoor 014C' -> 'Eastmoor': the district an LSOA name begins with. */
export function districtOf(lsoaName: string): string | null {
  const m = /^(.*\S)\s+\d{3}[A-Z]$/.exec(lsoaName.trim());
  return m ? m[1]! : null;
}

// ------------------------------------------------------------------ the analysis

/** The total of each month and the eleven before it (null until twelve months are known). */
export function rolling12(values: readonly number[]): (number | null)[] {
  let sum = 0;
  return values.map((v, i) => {
    sum += v;
    if (i >= 12) sum -= values[i - 12]!;
    return i >= 11 ? sum : null;
  });
}

/** The two-sided 5% point of Student's t with 22 degrees of freedom (12 + 12 months - 2). */
export const T_CRITICAL_22 = 2.074;

export interface YearComparison {
  thisYear: number;
  lastYear: number;
  change: number;
  /** Percent of last year; null when last year had none. */
  changePercent: number | null;
  /** The standard error of the change, from the month-to-month variation within each year. */
  standardError: number;
  /** change / standardError; null when the months do not vary at all. */
  t: number | null;
  /** |t| > 2.074: larger than normal month-to-month variation would give one time in twenty. */
  large: boolean;
}

/**
 * This year's twelve months against last year's. The test: a two-sample t-test on the
 * monthly counts with a pooled variance. s² = (Σ(x - x̄)² + Σ(y - ȳ)²) / 22 over the 24
 * months, each year about its own mean (so the change itself does not count as
 * variation); the standard error of the difference of the two yearly totals is s·√24;
 * the change is large when |change| / (s·√24) > 2.074 (t, 22 degrees of freedom, 5%).
 */
export function compareYears(thisMonths: readonly number[], lastMonths: readonly number[]): YearComparison {
  if (thisMonths.length !== 12 || lastMonths.length !== 12) throw new Error('compareYears needs twelve months of each year');
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const a = sum(thisMonths);
  const b = sum(lastMonths);
  const ss = (xs: readonly number[], mean: number) => xs.reduce((acc, x) => acc + (x - mean) ** 2, 0);
  const s2 = (ss(thisMonths, a / 12) + ss(lastMonths, b / 12)) / 22;
  const se = Math.sqrt(s2) * Math.sqrt(24);
  const change = a - b;
  const t = se > 0 ? change / se : null;
  return {
    thisYear: a, lastYear: b, change, changePercent: b > 0 ? Math.round((change / b) * 1000) / 10 : null,
    standardError: Math.round(se * 10) / 10, t: t === null ? null : Math.round(t * 100) / 100,
    large: t === null ? change !== 0 : Math.abs(t) > T_CRITICAL_22,
  };
}

/** Crimes per 1,000 residents, to one decimal place. */
export function ratePer1000(crimes: number, population: number): number {
  if (!(population > 0)) throw new Error('a rate needs a population');
  return Math.round((crimes / population) * 10000) / 10;
}

/** The population figure to set beside a count: the latest year not after the count's end, else the earliest. */
export function populationFor<T extends { year: number }>(populations: readonly T[], year: number): T | null {
  const sorted = [...populations].sort((x, y) => x.year - y.year);
  return sorted.filter((p) => p.year <= year).at(-1) ?? sorted[0] ?? null;
}

/** Every name a category may have been published under: itself, its old names and its slug. */
export const publishedNamesOf = (category: string): string[] => [category, ...Object.keys(CATEGORY_MAP).filter((k) => CATEGORY_MAP[k] === category)];
