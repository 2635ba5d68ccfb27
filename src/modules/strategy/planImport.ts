// Reading an edited plan back: a CSV or XLSX file with the download's columns becomes a
// list of changes, row by row, or a list of problems, each with its row and column. Pure:
// the route reads the file, the command applies the changes in one transaction.
import { parse } from 'csv-parse/sync';
import { LINE_STATUSES, datesProblem, progressProblems, rollUp, weightProblem, type Problem } from './domain.ts';
import type { LineStatus } from './tables.ts';
import { PLAN_COLUMNS } from './spreadsheet.ts';

// ------------------------------------------------------------------ reading the file

/**
 * RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF), as spreadsheets save it, read
 * by csv-parse; a broken file (an unclosed quote) throws. Blank lines stay (planChanges
 * passes over them), so rows keep the numbers a spreadsheet shows.
 */
export function parseCsv(text: string): string[][] {
  const rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  while (rows.length && !rows.at(-1)!.some((x) => x.trim() !== '')) rows.pop();
  return rows;
}

// ------------------------------------------------------------------ rows into changes

export interface CurrentLine {
  id: string; ref: string; title: string; parent_id: string | null; priority_id: string; status: LineStatus; progress: number; weight: number;
  starts_on: string | null; due_on: string | null; leaf: boolean;
  /** What the downloaded sheet showed: the line's own figures, or a parent's rolled-up ones. */
  shown_status: LineStatus; shown_progress: number;
}

/** The plan's lines as an upload is checked against them. */
export function currentForImport(lines: readonly (Omit<CurrentLine, 'leaf' | 'shown_status' | 'shown_progress'> & { status_override: LineStatus | null })[]): CurrentLine[] {
  const rolled = rollUp(lines);
  return lines.map((l) => {
    const r = rolled.get(l.id)!;
    return { id: l.id, ref: l.ref, title: l.title, parent_id: l.parent_id, priority_id: l.priority_id, status: l.status, progress: l.progress, weight: l.weight,
      starts_on: l.starts_on, due_on: l.due_on, leaf: r.leaf, shown_status: r.status, shown_progress: r.progress };
  });
}

export interface PlanChange {
  id: string;
  row: number;
  ref: string;
  title: string;
  status?: LineStatus;
  progress?: number;
  weight?: number;
  starts_on?: string | null;
  due_on?: string | null;
  note: string | null;
  /** What changes, worded for the preview: "Status on track → at risk". */
  described: string[];
}

export interface CellProblem { row: number; column: string; message: string }

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

/** A date as people type it in a spreadsheet: 2026-05-31, 31/05/2026, 31 May 2026, or a spreadsheet's day number. */
export function readDate(raw: string): string | null | undefined {
  const s = raw.trim();
  if (!s) return null;
  let y: number, m: number, d: number;
  let match;
  if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$/.exec(s)) && MONTHS[match[2]!.toLowerCase()]) [d, m, y] = [Number(match[1]), MONTHS[match[2]!.toLowerCase()]!, Number(match[3])];
  else if (/^\d{5}(\.0+)?$/.test(s)) {
    const iso = new Date(Date.UTC(1899, 11, 30) + Number(s) * 86_400_000).toISOString().slice(0, 10);
    return iso;
  } else return undefined;
  const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const dt = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(dt.getTime()) && dt.toISOString().slice(0, 10) === iso && y >= 1900 && y <= 2200 ? iso : undefined;
}

const statusFrom = (raw: string): LineStatus | undefined => {
  const s = raw.trim().toLowerCase();
  return LINE_STATUSES.find((x) => x.value === s || x.text.toLowerCase() === s)?.value;
};

/**
 * The changes a sheet asks for, against the plan as it is: every problem found in any
 * row, or (when there is none) the rows that change something. Rows are numbered as the
 * spreadsheet numbers them (the header is row 1).
 */
export function planChanges(rows: readonly string[][], current: readonly CurrentLine[]): { changes: PlanChange[]; problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(PLAN_COLUMNS.find((c) => c.key === name)!.header.toLowerCase());
  for (const need of ['id', 'status', 'progress']) {
    if (col(need) < 0) problems.push({ row: 1, column: PLAN_COLUMNS.find((c) => c.key === need)!.header, message: `The first row must name the column “${PLAN_COLUMNS.find((c) => c.key === need)!.header}”: start from a downloaded plan` });
  }
  if (problems.length) return { changes: [], problems };
  const byId = new Map(current.map((l) => [l.id, l]));
  const seen = new Map<string, number>();
  const changes: PlanChange[] = [];
  const weights = new Map(current.map((l) => [l.id, l.weight]));
  rows.slice(1).forEach((cells, i) => {
    const row = i + 2;
    if (!cells.some((x) => String(x ?? '').trim() !== '')) return;
    const cell = (name: string) => { const c = col(name); return c >= 0 ? String(cells[c] ?? '').trim() : undefined; };
    const fail = (key: string, message: string) => problems.push({ row, column: PLAN_COLUMNS.find((c) => c.key === key)!.header, message });
    const id = cell('id') ?? '';
    const line = byId.get(id.toLowerCase());
    if (!line) return void fail('id', id ? 'No line of this plan has this id: keep the ids of the downloaded plan, and add new lines on the plan’s page' : 'Every row needs the id of its line, as downloaded');
    if (seen.has(line.id)) return void fail('id', `This line is also in row ${seen.get(line.id)}: keep one row for each line`);
    seen.set(line.id, row);
    const change: PlanChange = { id: line.id, row, ref: line.ref, title: line.title, note: cell('note') || null, described: [] };
    const statusRaw = cell('status') ?? '';
    const status = statusRaw ? statusFrom(statusRaw) : line.shown_status;
    if (!status) fail('status', `“${statusRaw}” is not a status: use one of ${LINE_STATUSES.map((s) => s.text).join(', ')}`);
    const progressRaw = cell('progress') ?? '';
    const progress = progressRaw === '' ? line.shown_progress : Number(progressRaw.replace(/%$/, ''));
    if (!Number.isInteger(progress) || progress < 0 || progress > 100) fail('progress', `“${progressRaw}” is not a progress figure: enter a whole number from 0 to 100`);
    const weightRaw = cell('weight');
    const weight = weightRaw === undefined || weightRaw === '' ? line.weight : Number(weightRaw);
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) fail('weight', `“${weightRaw}” is not a weight: enter a whole number from 0 to 100`);
    const dates: Record<'starts_on' | 'due_on', string | null> = { starts_on: line.starts_on, due_on: line.due_on };
    for (const key of ['starts_on', 'due_on'] as const) {
      const raw = cell(key);
      if (raw === undefined) continue;
      const d = readDate(raw);
      if (d === undefined) fail(key, `“${raw}” is not a date: write it as 31/05/2026 or 2026-05-31`);
      else dates[key] = d;
    }
    const dp = datesProblem(dates.starts_on, dates.due_on);
    if (dp) fail('due_on', dp);
    if (!status || !Number.isInteger(progress) || progress < 0 || progress > 100) return;
    // A parent's figures are worked out from the lines under it: the sheet shows them, and may not change them.
    if (!line.leaf && (status !== line.shown_status || progress !== line.shown_progress)) {
      return void fail(status !== line.shown_status ? 'status' : 'progress', 'This line’s status and progress are worked out from the actions under it: change those instead');
    }
    if (line.leaf && (status !== line.status || progress !== line.progress)) {
      const pp = progressProblems({ fromStatus: line.status, toStatus: status, fromProgress: line.progress, toProgress: progress, note: change.note })
        .filter((p: Problem) => p.message !== 'Enter a note, or give a new status or progress figure');
      for (const p of pp) fail(p.field === 'note' ? 'note' : p.field === 'progress' ? 'progress' : 'status', p.message);
      if (status !== line.status) { change.status = status; change.described.push(`Status ${LINE_STATUSES.find((s) => s.value === line.status)!.text.toLowerCase()} → ${LINE_STATUSES.find((s) => s.value === status)!.text.toLowerCase()}`); }
      if (progress !== line.progress) { change.progress = progress; change.described.push(`Progress ${line.progress}% → ${progress}%`); }
    } else if (change.note) {
      change.described.push('A note');
    }
    if (Number.isInteger(weight) && weight !== line.weight) { change.weight = weight; weights.set(line.id, weight); change.described.push(`Weight ${line.weight} → ${weight}`); }
    for (const key of ['starts_on', 'due_on'] as const) {
      if (dates[key] !== line[key]) { change[key] = dates[key]; change.described.push(`${key === 'due_on' ? 'Due' : 'Starts'} ${line[key] ?? 'no date'} → ${dates[key] ?? 'no date'}`); }
    }
    if (change.described.length) changes.push(change);
  });
  // Weights, once every row is read: the children of one parent may not all be 0.
  const groups = new Map<string, string[]>();
  for (const l of current) {
    const key = l.parent_id ?? `priority:${l.priority_id}`;
    groups.set(key, [...(groups.get(key) ?? []), l.id]);
  }
  for (const ids of groups.values()) {
    const wp = weightProblem(ids.map((id) => weights.get(id)!));
    const changed = changes.find((c) => c.weight !== undefined && ids.includes(c.id));
    if (wp && changed) problems.push({ row: changed.row, column: 'Weight', message: wp });
  }
  problems.sort((a, b) => a.row - b.row);
  return { changes: problems.length ? [] : changes, problems };
}
