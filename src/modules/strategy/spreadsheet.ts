// The action plan as the officers keep it today: a spreadsheet. CSV (RFC 4180) and XLSX
// (one sheet) with the same columns, so a downloaded plan can be edited and read back.
import { writeWorkbook, type SheetColumn } from '../../web/spreadsheets.ts';
import { toCsv } from '../public/domain.ts';
import { levelLabel, lineStatusLabel } from './domain.ts';
import type { Agreement, LineView, PriorityView } from './store.ts';

/** The columns, in order. Those marked editable are read back by an upload. */
export const PLAN_COLUMNS = [
  { key: 'id', header: 'Id', editable: false },
  { key: 'ref', header: 'Ref', editable: false },
  { key: 'level', header: 'Level', editable: false },
  { key: 'priority', header: 'Priority', editable: false },
  { key: 'title', header: 'Action', editable: false },
  { key: 'owner', header: 'Owner', editable: false },
  { key: 'lead', header: 'Lead organisation', editable: false },
  { key: 'themes', header: 'Themes', editable: false },
  { key: 'starts_on', header: 'Start date', editable: true },
  { key: 'due_on', header: 'Due date', editable: true },
  { key: 'status', header: 'Status', editable: true },
  { key: 'progress', header: 'Progress (%)', editable: true },
  { key: 'weight', header: 'Weight', editable: true },
  { key: 'note', header: 'Update note', editable: true },
] as const;

export type PlanCell = string | number | null;

/** One row per line, in tree order; parents show their rolled-up figures, leaves their own. */
export function planRows(plan: readonly LineView[], priorities: readonly PriorityView[], withIds: boolean): PlanCell[][] {
  const priorityTitle = new Map(priorities.map((p) => [p.id, `${p.position}. ${p.title}`]));
  return plan.map((l) => [
    withIds ? l.id : null, l.ref, levelLabel(l.level), priorityTitle.get(l.priority_id) ?? '', l.title, l.owner_name, l.lead_organisation_name,
    l.theme_ids.map((t) => priorities.find((p) => p.id === t)?.title).filter(Boolean).join('; '),
    l.starts_on, l.due_on, lineStatusLabel(l.rolled.status), l.rolled.progress, l.weight, null,
  ]);
}

export function planCsv(plan: readonly LineView[], priorities: readonly PriorityView[], withIds: boolean): string {
  return toCsv(PLAN_COLUMNS.map((c) => c.header), planRows(plan, priorities, withIds));
}

const WIDTHS = [38, 8, 11, 30, 60, 24, 28, 24, 12, 12, 14, 12, 8, 40];
const KINDS: Partial<Record<(typeof PLAN_COLUMNS)[number]['key'], SheetColumn['kind']>> = { starts_on: 'date', due_on: 'date', progress: 'number', weight: 'number' };

/** The same rows as an Excel workbook: dates as dates, figures as numbers, so they sort and add up. */
export async function planXlsx(a: Agreement, plan: readonly LineView[], priorities: readonly PriorityView[], withIds: boolean): Promise<Buffer> {
  const columns = PLAN_COLUMNS.map((c, i) => ({ header: c.header, width: WIDTHS[i], kind: KINDS[c.key] }));
  return writeWorkbook([{ name: `Action plan ${a.period}`, columns, rows: planRows(plan, priorities, withIds) }]);
}
