// Our own street-level crime data in police.uk's format, for the demo, the tests and the
// bench: a fictional county (Northshire's districts), its LSOAs with codes beyond the
// real range (E019xxxxx), and crimes spread over types, places and months with a seeded
// random source, so the same call always gives the same rows.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { COLUMNS, addMonths } from './domain.ts';

export const DISTRICTS = [
  { name: 'Ashby Vale', lon: -1.62, lat: 52.71 },
  { name: 'Brackenford', lon: -1.41, lat: 52.58 },
  { name: 'Corran Heath', lon: -1.25, lat: 52.76 },
] as const;

/** Share of rows per type (police.uk's current names), roughly as a county sees them. */
const TYPES: [string, number][] = [
  ['Anti-social behaviour', 27], ['Violence and sexual offences', 31], ['Criminal damage and arson', 8], ['Shoplifting', 8], ['Other theft', 6], ['Public order', 7],
  ['Vehicle crime', 4], ['Burglary', 3], ['Drugs', 2], ['Other crime', 1], ['Possession of weapons', 1], ['Robbery', 0.6], ['Bicycle theft', 0.8], ['Theft from the person', 0.6],
];
const OUTCOMES = ['Investigation complete; no suspect identified', 'Unable to prosecute suspect', 'Under investigation', 'Awaiting court outcome', 'Offender given a caution', 'Local resolution', 'Status update unavailable'];

export interface Lsoa { code: string; name: string; lon: number; lat: number; weight: number }

/** A PRNG (mulberry32): quick, seeded, good enough for made-up data. */
export function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeLsoas(perDistrict: number, seed = 7): Lsoa[] {
  const rnd = random(seed);
  let n = 0;
  return DISTRICTS.flatMap((d) => Array.from({ length: perDistrict }, (_, i) => ({
    code: `E019${String(++n).padStart(5, '0')}`,
    name: `${d.name} ${String(Math.floor(i / 4) + 1).padStart(3, '0')}${'ABCD'[i % 4]}`,
    lon: d.lon + (rnd() - 0.5) * 0.2, lat: d.lat + (rnd() - 0.5) * 0.12,
    // A few places have much more crime than the rest (town centres).
    weight: rnd() < 0.08 ? 6 + rnd() * 6 : 0.5 + rnd(),
  })));
}

export interface StreetOptions {
  month: string;
  rows: number;
  lsoas: readonly Lsoa[];
  force?: string;
  seed?: number;
  /** Multiplies the weight of a type this month (a trend). */
  typeFactor?: (type: string) => number;
}

/** One month's street rows as police.uk publishes them (ASB without a Crime ID nor an outcome). */
export function* streetRows(o: StreetOptions): Generator<string[]> {
  const rnd = random((o.seed ?? 1) * 1000003 + Number(o.month.replace('-', '')));
  const force = o.force ?? 'Northshire Police';
  const types = TYPES.map(([t, w]) => [t, w * (o.typeFactor?.(t) ?? 1)] as const);
  const typeTotal = types.reduce((a, [, w]) => a + w, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const l of o.lsoas) cum.push((acc += l.weight));
  for (let i = 0; i < o.rows; i++) {
    let r = rnd() * typeTotal;
    let type = types[0]![0];
    for (const [t, w] of types) { if ((r -= w) <= 0) { type = t; break; } }
    const x = rnd() * acc;
    let lo = 0; let hi = cum.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid]! < x) lo = mid + 1; else hi = mid; }
    const l = o.lsoas[lo]!;
    const asb = type === 'Anti-social behaviour';
    const id = asb ? '' : Math.floor(rnd() * 2 ** 52).toString(16).padStart(13, '0') + Math.floor(rnd() * 2 ** 52).toString(16).padStart(13, '0');
    yield [id, o.month, force, force, (l.lon + (rnd() - 0.5) * 0.01).toFixed(6), (l.lat + (rnd() - 0.5) * 0.006).toFixed(6), 'On or near Market Street', l.code, l.name, type,
      asb ? '' : OUTCOMES[Math.floor(rnd() * OUTCOMES.length)]!, ''];
  }
}

const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export const csvLine = (r: readonly string[]) => `${r.map(field).join(',')}\n`;

/** The CSV text of one month (small months only: for the demo and tests). */
export function streetCsv(o: StreetOptions): string {
  let s = csvLine(COLUMNS.street);
  for (const r of streetRows(o)) s += csvLine(r);
  return s;
}

/** Writes months of street data to one file as a stream (the bench's million rows). */
export async function writeStreetFile(path: string, o: { from: string; months: number; rowsPerMonth: number; lsoas: readonly Lsoa[]; seed?: number }): Promise<number> {
  const out = createWriteStream(path);
  let rows = 0;
  let buf = csvLine(COLUMNS.street);
  for (let i = 0; i < o.months; i++) {
    for (const r of streetRows({ month: addMonths(o.from, i), rows: o.rowsPerMonth, lsoas: o.lsoas, seed: o.seed })) {
      buf += csvLine(r);
      rows++;
      if (buf.length > 1 << 20) { if (!out.write(buf)) await once(out, 'drain'); buf = ''; }
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return rows;
}
