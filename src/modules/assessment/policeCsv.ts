// Reads police.uk's monthly CSV files (one, many, or a zip of a force's months) as
// streams, a record at a time, and counts what the analysis needs as they pass: nothing
// holds a file in memory, only the counts (bounded by months x types x LSOAs, not by
// rows). Every problem is noted with its file and line; a caller writes nothing unless
// the whole batch has none (see commands.ts).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CsvRecords } from './csvRecords.ts';
import yauzl from 'yauzl';
import { COLUMNS, KIND_LABELS, isMonth, kindOfHeader, parseFileName } from './domain.ts';
import type { CrimeFileKind } from './tables.ts';

export interface Problem { file: string; line: number | null; message: string }

export interface MonthRead { kind: CrimeFileKind; month: string; force: string; rows: number; fileName: string; sha256: string }

/** An LSOA seen in the batch: its name and the sums of its located rows' coordinates. */
export interface LsoaSeen { name: string; located: number; sumLon: number; sumLat: number }
/** A month, force and crime type's street rows: counted per LSOA, and per last outcome. */
export interface StreetGroup { month: string; force: string; crimeType: string; lsoas: Map<string, number>; outcomes: Map<string, number> }

/** What a batch of files holds, counted; `problems` empty means it may be written. */
export class CrimeBatch {
  readonly months = new Map<string, MonthRead>();
  /** Street counts by month and force, then by crime type: a row looks up its month once, not a joined key. */
  readonly street = new Map<string, Map<string, StreetGroup>>();
  /** The last month and force counted, and its types (the rows of a file are nearly always all one). */
  streetKey = '';
  streetTypes: Map<string, StreetGroup> | null = null;
  /** Every LSOA of the street rows, with where its crimes were placed. */
  readonly lsoas = new Map<string, LsoaSeen>();
  readonly outcomes = new Map<string, { month: string; force: string; outcome: string; outcomes: number }>();
  readonly searches = new Map<string, { month: string; force: string; object: string; outcome: string; searches: number }>();
  readonly problems: Problem[] = [];
  rows = 0;
  files = 0;
  /** Rows counted so far in the file being read (for a job's progress). */
  rowsInFile = 0;
  /** Months found so far in the file being read. */
  monthsInFile = 0;
  /** Told of each chunk read (its bytes), for a job's progress: rows so far are `rows + rowsInFile`. */
  onProgress: ((bytes: number) => void) | null = null;
  /** Problems beyond this many are counted, not listed. */
  static readonly LISTED = 50;
  extraProblems = 0;

  problem(file: string, line: number | null, message: string) {
    if (this.problems.length < CrimeBatch.LISTED) this.problems.push({ file, line, message });
    else this.extraProblems += 1;
  }
}

export interface Source { name: string; path: string }

const ZIP_MAGIC = Buffer.from('PK\u0003\u0004', 'latin1');

async function startsWithZip(path: string): Promise<boolean> {
  const fh = await openFile(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b.equals(ZIP_MAGIC);
  } finally { await fh.close(); }
}

/** Reads every source into one batch. */
export async function readSources(sources: readonly Source[], batch = new CrimeBatch()): Promise<CrimeBatch> {
  for (const s of sources) {
    if (await startsWithZip(s.path)) await readZip(s, batch);
    else await readCsv(createReadStream(s.path), s.name, batch);
  }
  return batch;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, zip) => (err ? reject(err) : resolve(zip))));
}

async function readZip(source: Source, batch: CrimeBatch): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(source.path);
  } catch {
    batch.problem(source.name, null, `${source.name} is damaged or incomplete and cannot be opened as a zip file: download it from police.uk again`);
    return;
  }
  try {
    const entries: yauzl.Entry[] = [];
    const others: string[] = [];
    try {
      for await (const entry of zip.eachEntry()) {
        if (entry.fileName.endsWith('/')) continue;
        if (parseFileName(entry.fileName)) entries.push(entry);
        else others.push(entry.fileName);
      }
    } catch {
      batch.problem(source.name, null, `${source.name} is damaged or incomplete: download it from police.uk again`);
      return;
    }
    if (others.length) {
      batch.problem(source.name, null, `${source.name} holds files that are not police.uk monthly CSV files (${others.slice(0, 5).join(', ')}${others.length > 5 ? ` and ${others.length - 5} more` : ''}): upload a zip of police.uk's files only`);
      return;
    }
    if (!entries.length) {
      batch.problem(source.name, null, `${source.name} holds no police.uk CSV files`);
      return;
    }
    for (const entry of entries) {
      let stream: Readable;
      try {
        stream = await zip.openReadStreamPromise(entry);
      } catch {
        batch.problem(source.name, null, `${entry.fileName} in ${source.name} cannot be read: the zip file is damaged`);
        continue;
      }
      await readCsv(stream, entry.fileName, batch, source.name);
    }
  } finally {
    zip.close();
  }
}

/**
 * Reads one CSV stream into the batch. `within` names the zip it came from, for messages.
 * Lines are counted as the file's lines (the first line is the column names).
 */
export async function readCsv(input: Readable, fileName: string, batch: CrimeBatch, within?: string): Promise<void> {
  const label = within ? `${fileName} (in ${within})` : fileName;
  const named = parseFileName(fileName);
  const hash = createHash('sha256');
  let kind: CrimeFileKind | null = null;
  let problemsBefore = batch.problems.length + batch.extraProblems;
  const seen = new Map<string, MonthRead>();
  // The month and force of the last row, and its entry in `seen` (a file is nearly always one of each).
  let lastMonth = '';
  let lastForce = '';
  let last: MonthRead | null = null;
  let rows = 0;
  let stop = false;
  batch.files += 1;
  const onRecord = (record: string[], line: number) => {
    if (stop || (record.length === 1 && record[0] === '')) return;
    if (kind === null) {
      kind = kindOfHeader(record);
      if (!kind) {
        batch.problem(label, 1, `${fileName} is not a police.uk street, outcomes or stop-and-search file: its first line should be the column names police.uk uses (for a street file: ${COLUMNS.street.join(', ')})`);
        stop = true;
        return;
      }
      if (named && named.kind !== kind) {
        batch.problem(label, 1, `${fileName} is named as a ${named.kind} file but holds the columns of a ${kind} file: check it is the file police.uk published`);
      }
      problemsBefore = batch.problems.length + batch.extraProblems;
      return;
    }
    const expected = COLUMNS[kind].length;
    if (record.length !== expected) {
      batch.problem(label, line, `Line ${line} has ${record.length} ${record.length === 1 ? 'column' : 'columns'}; a police.uk ${kind} file has ${expected}. The file may be cut short or edited`);
      return;
    }
    rows += 1;
    let month: string;
    let force: string;
    if (kind === 'stop-and-search') {
      month = (record[1] ?? '').slice(0, 7);
      force = named?.force ?? 'unnamed force';
    } else {
      month = (record[1] ?? '').trim();
      force = (record[2] ?? '').trim() || 'unnamed force';
    }
    if (!isMonth(month) || (named && named.month !== month)) {
      const what = kind === 'stop-and-search' ? `date '${record[1] ?? ''}'` : `month '${month}'`;
      batch.problem(label, line, named
        ? `Line ${line} has the ${what}, but the file is for ${named.month}: a file holds one month`
        : `Line ${line} has the ${what}, which is not a month written as police.uk does (2024-03)`);
      return;
    }
    // Once a file has a problem, its rows are only checked, not counted.
    if (batch.problems.length + batch.extraProblems > problemsBefore) return;
    let m = last;
    if (!m || month !== lastMonth || force !== lastForce) {
      const key = `${kind}\u0001${month}\u0001${force}`;
      m = seen.get(key) ?? null;
      if (!m) { seen.set(key, (m = { kind, month, force, rows: 0, fileName, sha256: '' })); batch.monthsInFile = seen.size; }
      last = m;
      lastMonth = month;
      lastForce = force;
    }
    m.rows += 1;
    if (kind === 'street') countStreet(batch, record, month, force);
    else if (kind === 'outcomes') {
      const outcome = (record[9] ?? '').trim() || 'Not given';
      const k = `${month}\u0001${force}\u0001${outcome}`;
      const o = batch.outcomes.get(k);
      if (o) o.outcomes += 1; else batch.outcomes.set(k, { month, force, outcome, outcomes: 1 });
    } else {
      const object = (record[11] ?? '').trim() || 'Not given';
      const outcome = (record[12] ?? '').trim() || 'Not given';
      const k = `${month}\u0001${force}\u0001${object}\u0001${outcome}`;
      const o = batch.searches.get(k);
      if (o) o.searches += 1; else batch.searches.set(k, { month, force, object, outcome, searches: 1 });
    }
  };
  // police.uk's lines are plain, so our own reader (csvRecords.ts) rather than a general
  // CSV parser: reading is most of an import's time.
  const reader = new CsvRecords(onRecord);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      hash.update(chunk);
      reader.push(chunk);
      if (stop) { input.destroy(); return; }
      batch.rowsInFile = rows;
      batch.onProgress?.(chunk.length);
    }
    reader.end();
  } catch (e) {
    const err = e as { code?: string; lines?: number; message?: string };
    if (err.code?.startsWith('CSV_')) batch.problem(label, err.lines ?? null, `${fileName} could not be read at line ${err.lines ?? '?'} (${err.message ?? err.code}): the file may be cut short or edited`);
    else batch.problem(label, null, `${fileName} could not be read to its end: ${err.message ?? 'the file is damaged'}`);
    return;
  }
  if (kind === null) {
    batch.problem(label, null, `${fileName} is empty`);
    return;
  }
  const sha256 = hash.digest('hex');
  batch.rows += rows;
  batch.rowsInFile = 0;
  batch.monthsInFile = 0;
  for (const [key, m] of seen) {
    const before = batch.months.get(key);
    if (before) {
      batch.problem(label, null, `${KIND_LABELS[m.kind]} for ${m.month} from ${m.force} is in ${before.fileName} as well as ${fileName}: upload each month once`);
      continue;
    }
    batch.months.set(key, { ...m, sha256 });
  }
}

function countStreet(batch: CrimeBatch, record: string[], month: string, force: string) {
  const mf = `${month}\u0001${force}`;
  let types = batch.streetKey === mf ? batch.streetTypes : batch.street.get(mf);
  if (!types) batch.street.set(mf, (types = new Map()));
  batch.streetKey = mf;
  batch.streetTypes = types;
  const crimeType = record[9]!.trim() || 'Not given';
  let g = types.get(crimeType);
  if (!g) types.set(crimeType, (g = { month, force, crimeType, lsoas: new Map(), outcomes: new Map() }));
  const lsoaCode = record[7]!.trim();
  g.lsoas.set(lsoaCode, (g.lsoas.get(lsoaCode) ?? 0) + 1);
  // A row with no LSOA is counted (under '') and placed nowhere.
  if (lsoaCode) {
    let l = batch.lsoas.get(lsoaCode);
    if (!l) batch.lsoas.set(lsoaCode, (l = { name: record[8]!.trim(), located: 0, sumLon: 0, sumLat: 0 }));
    const lonText = record[4]!;
    const latText = record[5]!;
    if (lonText && latText) {
      const lon = +lonText;
      const lat = +latText;
      if (Number.isFinite(lon) && Number.isFinite(lat)) {
        l.located += 1;
        l.sumLon += lon;
        l.sumLat += lat;
      }
    }
  }
  // Anti-social behaviour has no outcome: police.uk leaves it blank.
  const outcome = record[10]!.trim();
  if (outcome) g.outcomes.set(outcome, (g.outcomes.get(outcome) ?? 0) + 1);
}

/** The street groups of a batch, each month and force's types in turn. */
export function* streetGroups(batch: CrimeBatch): Generator<StreetGroup> {
  for (const types of batch.street.values()) yield* types.values();
}
