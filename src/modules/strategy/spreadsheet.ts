// The action plan as the officers keep it today: a spreadsheet. CSV (RFC 4180) and XLSX
// (Office Open XML, one sheet) with the same columns, so a downloaded plan can be edited
// and read back. The XLSX is written here with Node's own zlib: exceljs, which the brief
// names, is not installed in this repository (see the report).
import { crc32 } from 'node:zlib';
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

// ------------------------------------------------------------------ XLSX

const xmlText = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function columnName(i: number): string {
  let n = i + 1;
  let s = '';
  while (n > 0) { const m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); }
  return s;
}

function sheetXml(header: readonly string[], rows: readonly PlanCell[][]): string {
  const cell = (v: PlanCell, ref: string, bold = false) => {
    if (v === null || v === '') return '';
    if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
    return `<c r="${ref}" t="inlineStr"${bold ? ' s="1"' : ''}><is><t xml:space="preserve">${xmlText(v)}</t></is></c>`;
  };
  const row = (cells: readonly PlanCell[], r: number, bold = false) => `<row r="${r}">${cells.map((v, i) => cell(v, `${columnName(i)}${r}`, bold)).join('')}</row>`;
  const widths = [38, 8, 11, 30, 60, 24, 28, 24, 12, 12, 14, 12, 8, 40];
  return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    + '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    + `<cols>${widths.slice(0, header.length).map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>`
    + `<sheetData>${row(header, 1, true)}${rows.map((r, i) => row(r, i + 2)).join('')}</sheetData></worksheet>`;
}

/**
 * A zip archive, as Office Open XML needs. Entries are stored, not deflated: the sheet's
 * words stay readable in the file, so the never-leak test reads downloads as it reads pages.
 */
export function zip(files: readonly { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const packed = f.data;
    const crc = crc32(f.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(0, 8);
    local.writeUInt16LE(0, 10); local.writeUInt16LE(0x21, 12); local.writeUInt32LE(crc, 14); local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(f.data.length, 22); local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28);
    locals.push(local, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10); central.writeUInt16LE(0, 12); central.writeUInt16LE(0x21, 14); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20); central.writeUInt32LE(f.data.length, 24); central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export function workbook(sheetName: string, header: readonly string[], rows: readonly PlanCell[][]): Buffer {
  const file = (name: string, text: string) => ({ name, data: Buffer.from(text, 'utf8') });
  const decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  return zip([
    file('[Content_Types].xml', `${decl}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
      + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
      + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      + '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
    file('_rels/.rels', `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
      + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    file('xl/workbook.xml', `${decl}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`
      + `<sheets><sheet name="${xmlText(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    file('xl/_rels/workbook.xml.rels', `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
      + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
      + '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>'),
    file('xl/styles.xml', `${decl}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
      + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
      + '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
      + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
      + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
      + '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
      + '</styleSheet>'),
    file('xl/worksheets/sheet1.xml', sheetXml(header, rows)),
  ]);
}

export async function planXlsx(a: Agreement, plan: readonly LineView[], priorities: readonly PriorityView[], withIds: boolean): Promise<Buffer> {
  return workbook(`Action plan ${a.period}`, PLAN_COLUMNS.map((c) => c.header), planRows(plan, priorities, withIds));
}
