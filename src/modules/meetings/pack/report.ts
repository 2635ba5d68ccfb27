// A report as one PDF, shared by the scrutiny evidence pack (strategy) and the assessment
// document (assessment): a cover, a contents page with each part's first page, the parts
// (text laid out by layout.ts, then any charts and tables on pages of their own), and
// "Page n of m" in every footer. Charts are drawn as shapes (bars, a line, dots) with
// their figures written beside them, so the text read from the PDF holds every number.
import { PDFDocument, rgb } from 'pdf-lib';
import { A4, BODY_SIZE, MARGIN, layout, wrapText, type Block, type LaidOutPage, type Line, type Measure } from './layout.ts';
import { embedFonts, measureWith, stampHeader, stampPageNumbers, type Fonts } from './paint.ts';
import { toWinAnsi } from './text.ts';

export interface Rect { x: number; y: number; width: number; height: number; colour: string }
export interface Stroke { points: [number, number][]; colour: string; thickness: number }
export interface Dot { x: number; y: number; r: number; colour: string }
export interface ReportPage extends LaidOutPage { rects?: Rect[]; strokes?: Stroke[]; dots?: Dot[] }
export interface ReportPart { title: string; pages: ReportPage[] }

export const hex = (h: string) => rgb(parseInt(h.slice(1, 3), 16) / 255, parseInt(h.slice(3, 5), 16) / 255, parseInt(h.slice(5, 7), 16) / 255);
const BLUE = '#1d70b8';
const LIGHT = '#f3f2f1';
const INK = '#0b0c0c';
const RULE = '#b1b4b6';
const TOP = A4.height - MARGIN.top;
const WIDTH = A4.width - MARGIN.left - MARGIN.right;

/** Cuts a text to a width with an ellipsis. */
function fit(t: string, width: number, size: number, measure: Measure, font: 'regular' | 'bold' = 'regular') {
  let s = toWinAnsi(t);
  while (s.length > 2 && measure(s, font, size) > width) s = `${s.slice(0, -2).trimEnd()}…`.replace(/……$/, '…');
  return s;
}

/** Pages drawn top to bottom: `need(h)` starts a new page when fewer than h points are left. */
class Flow {
  readonly pages: ReportPage[] = [];
  page: ReportPage | null = null;
  y = TOP;
  fresh() { this.page = { lines: [], rects: [], strokes: [], dots: [] }; this.pages.push(this.page); this.y = TOP; }
  need(h: number) { if (!this.page || this.y - h < MARGIN.bottom) this.fresh(); return this.page!; }
  text(t: string, x: number, size: number, font: Line['font'] = 'regular') { this.page!.lines.push({ x, y: this.y, text: t, font, size }); }
  title(t: string, measure: Measure) {
    const lines = wrapText(toWinAnsi(t), WIDTH, 'bold', 12, measure);
    this.y -= 18;
    for (const l of lines) { this.page!.lines.push({ x: MARGIN.left, y: this.y, text: l, font: 'bold', size: 12 }); this.y -= 15; }
    this.y -= 4;
  }
}

export interface BarChart { title: string; bars: { label: string; value: number; colour: string }[]; max: number; unit: string }

/** Horizontal bars on pages of their own: a title, then one labelled bar per figure. */
export function barChartPages(charts: readonly BarChart[], measure: Measure, fills: Record<string, string> = {}): ReportPage[] {
  const flow = new Flow();
  const labelWidth = 200;
  const left = MARGIN.left;
  const plot = WIDTH - labelWidth - 50;
  const row = 22;
  for (const chart of charts) {
    if (!chart.bars.length) continue;
    flow.need(40 + row * Math.min(chart.bars.length, 3));
    flow.title(chart.title, measure);
    for (const b of chart.bars) {
      const page = flow.need(row);
      flow.y -= row;
      const w = Math.max(0, Math.round((b.value / Math.max(1, chart.max)) * plot));
      page.lines.push({ x: left, y: flow.y + 5, text: fit(b.label, labelWidth - 8, 9, measure), font: 'regular', size: 9 });
      page.rects!.push({ x: left + labelWidth, y: flow.y + 2, width: plot, height: 14, colour: LIGHT });
      if (w) page.rects!.push({ x: left + labelWidth, y: flow.y + 2, width: w, height: 14, colour: fills[b.colour] ?? (b.colour.startsWith('#') ? b.colour : BLUE) });
      page.lines.push({ x: left + labelWidth + plot + 6, y: flow.y + 5, text: `${b.value}${chart.unit}`, font: 'regular', size: 9 });
    }
    flow.y -= 16;
  }
  return flow.pages;
}

export interface LineChart { title: string; points: { label: string; value: number }[] }

/** A line over months (or any sequence): axes with the lowest and highest figures, labels under the points that have one. */
export function lineChartPages(charts: readonly LineChart[], measure: Measure): ReportPage[] {
  const flow = new Flow();
  const height = 180;
  const axis = 44;
  for (const chart of charts) {
    if (!chart.points.length) continue;
    const page = flow.need(height + 70);
    flow.title(chart.title, measure);
    const x0 = MARGIN.left + axis;
    const w = WIDTH - axis;
    const y0 = flow.y - height;
    const max = Math.max(1, ...chart.points.map((p) => p.value));
    const step = chart.points.length > 1 ? w / (chart.points.length - 1) : 0;
    page.rects!.push({ x: x0, y: y0, width: w, height, colour: LIGHT });
    page.strokes!.push({ points: [[x0, y0], [x0 + w, y0]], colour: RULE, thickness: 0.8 });
    page.lines.push({ x: MARGIN.left, y: y0 + height - 8, text: String(max), font: 'regular', size: 8 });
    page.lines.push({ x: MARGIN.left, y: y0, text: '0', font: 'regular', size: 8 });
    const pts = chart.points.map((p, i) => [x0 + i * step, y0 + (p.value / max) * (height - 6)] as [number, number]);
    page.strokes!.push({ points: pts, colour: BLUE, thickness: 1.6 });
    if (pts.length === 1) page.dots!.push({ x: pts[0]![0], y: pts[0]![1], r: 2.5, colour: BLUE });
    chart.points.forEach((p, i) => { if (p.label) page.lines.push({ x: x0 + i * step - measure(toWinAnsi(p.label), 'regular', 8) / 2, y: y0 - 12, text: toWinAnsi(p.label), font: 'regular', size: 8 }); });
    const last = chart.points.at(-1)!;
    page.lines.push({ x: MARGIN.left, y: y0 - 26, text: fit(`Lowest ${Math.min(...chart.points.map((p) => p.value))}, highest ${max}, last ${last.value}`, WIDTH, 9, measure), font: 'italic', size: 9 });
    flow.y = y0 - 44;
  }
  return flow.pages;
}

export interface DotMap { title: string; points: { lon: number; lat: number; value: number; rank?: number }[] }

/** Places as dots on a square, scaled to their own extent (no map tiles): the ranked ones numbered, sized by their figure. */
export function dotMapPages(maps: readonly DotMap[], measure: Measure): ReportPage[] {
  const flow = new Flow();
  const size = 320;
  for (const map of maps) {
    if (!map.points.length) continue;
    const page = flow.need(size + 60);
    flow.title(map.title, measure);
    const lons = map.points.map((p) => p.lon);
    const lats = map.points.map((p) => p.lat);
    const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    // Degrees of longitude are shorter than of latitude in Britain: scaled by cos(latitude).
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
    const span = Math.max((maxLon - minLon) * k, maxLat - minLat, 1e-6);
    const x0 = MARGIN.left + (WIDTH - size) / 2;
    const y0 = flow.y - size;
    page.rects!.push({ x: x0, y: y0, width: size, height: size, colour: LIGHT });
    const top = Math.max(1, ...map.points.map((p) => p.value));
    for (const p of [...map.points].sort((a, b) => (a.rank ? 1 : 0) - (b.rank ? 1 : 0))) {
      const x = x0 + 10 + ((p.lon - minLon) * k / span) * (size - 20);
      const y = y0 + 10 + ((p.lat - minLat) / span) * (size - 20);
      page.dots!.push(p.rank ? { x, y, r: 3 + 7 * Math.sqrt(p.value / top), colour: BLUE } : { x, y, r: 1.8, colour: '#505a5f' });
      if (p.rank) page.lines.push({ x: x + 4, y: y + 4, text: String(p.rank), font: 'bold', size: 8 });
    }
    flow.y = y0 - 24;
  }
  return flow.pages;
}

export interface ReportTable { caption: string; head: { label: string; numeric?: boolean }[]; rows: (string | number | null)[][] }

/** Tables on pages of their own, the heading row repeated on each page; a long cell wraps onto up to three lines. */
export function tablePages(tables: readonly ReportTable[], measure: Measure): ReportPage[] {
  const flow = new Flow();
  const size = 8;
  const row = 10;
  const cell = (v: string | number | null) => (v === null ? '–' : typeof v === 'number' ? v.toLocaleString('en-GB') : toWinAnsi(v));
  const widestWord = (t: string, font: 'regular' | 'bold') => Math.max(0, ...t.split(/\s+/).map((w) => measure(w, font, size)));
  for (const table of tables) {
    const n = table.head.length;
    const sample = table.rows.slice(0, 300);
    // Each column at least as wide as its longest word, at most as wide as its longest cell; the rest shared out.
    const least = table.head.map((h, j) => Math.min(110, Math.max(widestWord(toWinAnsi(h.label), 'bold'), ...sample.map((r) => widestWord(cell(r[j] ?? null), 'regular')))) + 8);
    const most = table.head.map((_, j) => Math.max(least[j]!, Math.min(220, Math.max(0, ...sample.map((r) => measure(cell(r[j] ?? null), 'regular', size)))) + 8));
    const sumLeast = least.reduce((x, y) => x + y, 0);
    const sumMost = most.reduce((x, y) => x + y, 0);
    const widths = sumMost <= WIDTH ? most.map((w) => w + (WIDTH - sumMost) / n)
      : sumLeast <= WIDTH ? least.map((w, j) => w + (most[j]! - w) * (WIDTH - sumLeast) / Math.max(1, sumMost - sumLeast))
        : least.map((w) => (w / sumLeast) * WIDTH);
    const xs = widths.map((_, j) => MARGIN.left + widths.slice(0, j).reduce((x, y) => x + y, 0));
    const headLines = table.head.map((h, j) => wrapText(toWinAnsi(h.label), widths[j]! - 6, 'bold', size, measure).slice(0, 4));
    const headHeight = Math.max(...headLines.map((l) => l.length)) * row + 4;
    const place = (j: number, t: string, font: 'regular' | 'bold') => (table.head[j]?.numeric ? xs[j]! + widths[j]! - 6 - measure(t, font, size) : xs[j]!);
    const header = () => {
      const page = flow.page!;
      headLines.forEach((ls, j) => ls.forEach((l, i) => page.lines.push({ x: place(j, l, 'bold'), y: flow.y - (i + 1) * row, text: l, font: 'bold', size })));
      flow.y -= headHeight;
      page.strokes!.push({ points: [[MARGIN.left, flow.y + 2], [MARGIN.left + WIDTH, flow.y + 2]], colour: RULE, thickness: 0.8 });
    };
    flow.need(60 + headHeight);
    flow.title(table.caption, measure);
    header();
    if (!table.rows.length) { flow.y -= row; flow.text('None.', MARGIN.left, size, 'italic'); }
    for (const r of table.rows) {
      const cells = table.head.map((_, j) => {
        const lines = wrapText(cell(r[j] ?? null), widths[j]! - 6, 'regular', size, measure);
        return lines.length > 3 ? [...lines.slice(0, 2), fit(lines.slice(2).join(' '), widths[j]! - 6, size, measure)] : lines;
      });
      const height = Math.max(1, ...cells.map((c) => c.length)) * row + 2;
      if (flow.y - height < MARGIN.bottom) { flow.fresh(); header(); }
      cells.forEach((ls, j) => ls.forEach((t, i) => flow.page!.lines.push({ x: place(j, t, 'regular'), y: flow.y - (i + 1) * row, text: t, font: 'regular', size })));
      flow.y -= height;
    }
    flow.y -= 14;
  }
  return flow.pages;
}

/** Adds the pages to the document: their shapes first, the text over them (a chart's numbers sit on its shapes). */
export function paintReportPages(doc: PDFDocument, fonts: Fonts, pages: readonly ReportPage[], header?: string): void {
  for (const p of pages) {
    const page = doc.addPage([A4.width, A4.height]);
    for (const r of p.rects ?? []) page.drawRectangle({ x: r.x, y: r.y, width: r.width, height: r.height, color: hex(r.colour) });
    for (const s of p.strokes ?? []) for (let i = 1; i < s.points.length; i++) page.drawLine({ start: { x: s.points[i - 1]![0], y: s.points[i - 1]![1] }, end: { x: s.points[i]![0], y: s.points[i]![1] }, thickness: s.thickness, color: hex(s.colour) });
    for (const d of p.dots ?? []) page.drawCircle({ x: d.x, y: d.y, size: d.r, color: hex(d.colour), opacity: 0.85 });
    for (const line of p.lines) page.drawText(line.text, { x: line.x, y: line.y, size: line.size, font: fonts[line.font], color: hex(INK) });
    if (header) stampHeader(page, fonts, header);
  }
}

export interface ReportOptions {
  title: string; subject: string; author: string;
  /** Laid out as the first page(s). */
  cover: Block[];
  /** Each part: its title is in the contents with the page it starts on. */
  parts: (measure: Measure) => ReportPart[];
  /** Printed at the top of every page (e.g. "Restricted – not for publication"). */
  header?: string;
}

export interface Report { bytes: Uint8Array; pageCount: number; contents: { title: string; page: number }[] }

/** Cover, contents (with page numbers), the parts, footers: the whole PDF. */
export async function buildReport(o: ReportOptions): Promise<Report> {
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc);
  const measure = measureWith(fonts);
  doc.setTitle(o.title);
  doc.setSubject(o.subject);
  doc.setAuthor(o.author);
  doc.setCreator('Partnership Hub');
  doc.setProducer('Partnership Hub (pdf-lib)');
  doc.setLanguage('en-GB');

  const cover = layout(o.cover, measure);
  const parts = o.parts(measure);
  // The contents laid out once to know its pages; the numbers sit on the titles' own lines.
  const contents = layout([{ kind: 'heading', text: 'Contents', level: 1 }, ...parts.map((p): Block => ({ kind: 'text', text: p.title, spaceAfter: 8 }))], measure) as ReportPage[];
  let at = cover.length + contents.length + 1;
  const entries = parts.map((p) => { const e = { title: p.title, page: at }; at += p.pages.length; return e; });
  const used = new Set<Line>();
  for (const e of entries) {
    for (const page of contents) {
      const line = page.lines.find((l) => l.text === toWinAnsi(e.title) && !used.has(l));
      if (!line) continue;
      used.add(line);
      const n = String(e.page);
      // Right after its title, so text read from the page gives "title page" in order.
      page.lines.splice(page.lines.indexOf(line) + 1, 0, { x: A4.width - MARGIN.right - measure(n, 'regular', BODY_SIZE), y: line.y, text: n, font: 'regular', size: BODY_SIZE });
      break;
    }
  }

  const all: ReportPage[] = [...cover, ...contents, ...parts.flatMap((p) => p.pages)];
  paintReportPages(doc, fonts, all, o.header);
  stampPageNumbers(doc, fonts, { ofTotal: true });
  return { bytes: await doc.save(), pageCount: doc.getPageCount(), contents: entries };
}
