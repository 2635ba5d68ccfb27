// The CSA progress paper as a PDF: what it is and for which meeting, the roll-up table
// (each priority, then every line the paper's readers may read, with its status and
// progress as at the day), the charts (progress by priority, actions by status, each
// measure over time) and what changed since the monitoring body's last meeting. Laid out
// and painted with the scrutiny pack's helpers; "Page n of m" in every footer.
import { PDFDocument } from 'pdf-lib';
import { A4, MARGIN, layout, type Block, type Measure } from '../meetings/pack/layout.ts';
import { embedFonts, measureWith, stampHeader, stampPageNumbers } from '../meetings/pack/paint.ts';
import { toWinAnsi } from '../meetings/pack/text.ts';
import { longDate, RESTRICTED_MARK } from '../meetings/pack/minutes.ts';
import { levelLabel, lineStatusColour, lineStatusLabel } from './domain.ts';
import { chartPages, heading, paintWithRects, text, type Page } from './scrutinyPdf.ts';
import type { ProgressPaperContents } from './progressPaper.ts';

export const PROGRESS_PARTS = {
  rollUp: 'Progress by priority: the roll-up',
  charts: 'Charts',
  changes: 'What changed since the last meeting',
  measures: 'Measures',
} as const;

/** A table drawn as text in columns: the first column wraps, the others are short figures. */
function tablePages(title: string, head: string[], rows: { cells: string[]; bold?: boolean; indent?: number }[], measure: Measure): Page[] {
  const size = 9;
  const lead = 12;
  const width = A4.width - MARGIN.left - MARGIN.right;
  // Reference, what, status, progress, due.
  const cols = [0, 44, width - 200, width - 110, width - 60];
  const firstWidth = cols[2]! - cols[1]! - 8;
  const pages: Page[] = [];
  let page: Page | null = null;
  let y = 0;
  const fresh = () => {
    page = { lines: [], rects: [] };
    pages.push(page);
    y = A4.height - MARGIN.top;
    if (pages.length === 1) { page.lines.push({ x: MARGIN.left, y, text: toWinAnsi(title), font: 'bold', size: 13 }); y -= 20; }
    head.forEach((h, i) => page!.lines.push({ x: MARGIN.left + cols[i]!, y, text: toWinAnsi(h), font: 'bold', size }));
    page.rects!.push({ x: MARGIN.left, y: y - 4, width, height: 1, colour: '#b1b4b6' });
    y -= lead + 4;
  };
  const wrap = (t: string, w: number, bold: boolean) => {
    const words = toWinAnsi(t).split(/\s+/);
    const out: string[] = [];
    let line = '';
    for (const word of words) {
      const next = line ? `${line} ${word}` : word;
      if (line && measure(next, bold ? 'bold' : 'regular', size) > w) { out.push(line); line = word; } else line = next;
    }
    if (line) out.push(line);
    return out.length ? out : [''];
  };
  fresh();
  for (const r of rows) {
    const indent = r.indent ?? 0;
    const wrapped = wrap(r.cells[1] ?? '', firstWidth - indent, Boolean(r.bold));
    if (y - wrapped.length * lead < MARGIN.bottom) fresh();
    const font = r.bold ? 'bold' as const : 'regular' as const;
    page!.lines.push({ x: MARGIN.left, y, text: toWinAnsi(r.cells[0] ?? ''), font, size });
    wrapped.forEach((w, i) => page!.lines.push({ x: MARGIN.left + cols[1]! + indent, y: y - i * lead, text: w, font, size }));
    for (let c = 2; c < r.cells.length; c++) page!.lines.push({ x: MARGIN.left + cols[c]!, y, text: toWinAnsi(r.cells[c] ?? ''), font, size });
    y -= wrapped.length * lead + 3;
  }
  return pages;
}

export interface ProgressPdf { bytes: Uint8Array; pageCount: number }

export async function buildProgressPaperPdf(c: ProgressPaperContents): Promise<ProgressPdf> {
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc);
  const measure = measureWith(fonts);
  const a = c.agreement;
  const title = `${a.title}: progress report as at ${longDate(c.asAt)}`;
  doc.setTitle(title);
  doc.setSubject(`Paper for item ${c.item.code} of the ${c.bodyName}, ${longDate(c.meeting.meets_on)}`);
  doc.setAuthor(c.partnershipName);
  doc.setCreator('Partnership Hub');
  doc.setProducer('Partnership Hub (pdf-lib)');
  doc.setLanguage('en-GB');

  const sinceWords = c.since ? `since the ${c.bodyName} last met on ${longDate(c.since)}` : `since the plan began (the ${c.bodyName} has no earlier meeting)`;
  const intro: Block[] = [
    text(c.partnershipName, { size: 13, font: 'bold' }),
    heading(title, 1),
    text(`Paper for item ${c.item.code}, ${c.item.title}, of the ${c.bodyName} on ${longDate(c.meeting.meets_on)}.`),
    text(`Generated from the live action plan: each action’s status and progress are those of its latest update on or before ${longDate(c.asAt)}. A parent’s progress is the weighted average of the work under it and its status the worst of theirs, unless set by hand; cancelled and carried-forward work is left out of the figures.`, { size: 10 }),
    ...(c.unnamed ? [text(`${c.unnamed} ${c.unnamed === 1 ? 'action is' : 'actions are'} restricted: counted in the figures, not named in this paper.`, { size: 10, font: 'italic' })] : []),
    heading(`1. ${PROGRESS_PARTS.rollUp}`, 2),
  ];
  for (const p of c.priorities) {
    intro.push(text(`${p.priority.title}: ${p.count ? `${p.progress}% done, ${p.status ? lineStatusLabel(p.status).toLowerCase() : 'no work counted'}` : 'no actions yet'} (${p.count} ${p.count === 1 ? 'objective' : 'objectives'})`,
      { label: `${p.priority.position}.`, labelWidth: 20, spaceAfter: 3 }));
  }
  if (c.statusCounts.length) intro.push(text(`Actions and sub-actions by status: ${c.statusCounts.map((s) => `${s.label.toLowerCase()} ${s.count}`).join(', ')}.`, { size: 10 }));
  const pages: Page[] = [...layout(intro, measure)];

  const rows: { cells: string[]; bold?: boolean; indent?: number }[] = [];
  for (const p of c.priorities) {
    rows.push({ cells: [`${p.priority.position}.`, p.priority.title, p.status ? lineStatusLabel(p.status) : '', p.count ? `${p.progress}%` : '', ''], bold: true });
    for (const l of c.lines.filter((x) => x.priority_id === p.priority.id)) {
      const status = l.rolled.overridden ? `${lineStatusLabel(l.rolled.status)}*` : lineStatusLabel(l.rolled.status);
      rows.push({ cells: [l.ref, `${levelLabel(l.level)}: ${l.title}${l.overdue ? ' (overdue)' : ''}${l.restricted ? ' [restricted]' : ''}`, status, `${l.rolled.progress}%`, l.due_on ?? ''], indent: Math.min(l.depth, 3) * 8 });
    }
  }
  if (c.lines.some((l) => l.rolled.overridden)) rows.push({ cells: ['', '* Status set by hand, with a reason; the worst of the work under it is shown on the plan’s page beside it.', '', '', ''] });
  pages.push(...tablePages('The plan’s lines', ['Ref', 'What', 'Status', 'Progress', 'Due'], rows, measure));

  const charts = [
    { title: `2. ${PROGRESS_PARTS.charts}: progress by priority`, bars: c.priorities.map((p) => ({ label: `${p.priority.position}. ${p.priority.title}`, value: p.progress, colour: p.status ? lineStatusColour(p.status) : 'grey' })), max: 100, unit: '%' },
    { title: 'Actions and sub-actions by status', bars: c.statusCounts.map((s) => ({ label: s.label, value: s.count, colour: s.colour })), max: Math.max(1, ...c.statusCounts.map((s) => s.count)), unit: '' },
    ...c.measures.filter((m) => m.shown.length).map((m) => ({
      title: `${m.title} (${m.direction === 'up' ? 'a rise is good' : 'a fall is good'}${m.target !== null ? `; target ${m.target}${m.unit ?? ''}` : ''})`,
      bars: m.shown.map((v) => ({ label: v.period, value: v.value, colour: 'blue' })), max: Math.max(1, ...m.shown.map((v) => v.value), m.target ?? 0), unit: m.unit ?? '',
    })),
  ];
  pages.push(...chartPages(charts, measure));

  const changes: Block[] = [heading(`3. ${PROGRESS_PARTS.changes}`, 2), text(`Updates from the day after the last meeting to ${longDate(c.asAt)}, ${sinceWords}.`)];
  if (!c.changes.length) changes.push(text('No action was updated or added in that time.'));
  for (const ch of c.changes) {
    const what = ch.added
      ? `Added to the plan: ${lineStatusLabel(ch.toStatus).toLowerCase()}, ${ch.toProgress}%`
      : [ch.fromStatus && ch.fromStatus !== ch.toStatus ? `${lineStatusLabel(ch.fromStatus)} → ${lineStatusLabel(ch.toStatus).toLowerCase()}` : `${lineStatusLabel(ch.toStatus)}`,
        ch.fromProgress !== null && ch.fromProgress !== ch.toProgress ? `${ch.fromProgress}% → ${ch.toProgress}%` : `${ch.toProgress}%`,
        `${ch.updates} ${ch.updates === 1 ? 'update' : 'updates'}`].join('; ');
    changes.push(text(`${ch.line.title}: ${what}`, { label: ch.line.ref, labelWidth: 44, spaceAfter: 2 }));
    for (const n of ch.notes) changes.push(text(`${longDate(n.on)}: ${n.text}`, { indent: 44, size: 9, font: 'italic', spaceAfter: 2 }));
  }
  if (c.measures.length) {
    changes.push(heading(`4. ${PROGRESS_PARTS.measures}`, 2));
    for (const m of c.measures) {
      const values = m.shown.map((v) => `${v.period}: ${v.value}${m.unit ?? ''}`).join('; ');
      changes.push(text(`${m.title}. ${m.baseline !== null ? `Baseline ${m.baseline}${m.unit ?? ''}${m.baseline_period ? ` (${m.baseline_period})` : ''}. ` : ''}${m.target !== null ? `Target ${m.target}${m.unit ?? ''}. ` : ''}${values ? `Values: ${values}.` : 'No values yet.'}`, { label: '•', labelWidth: 14, spaceAfter: 3 }));
    }
  }
  pages.push(...layout(changes, measure));

  paintWithRects(doc, fonts, pages);
  if (c.item.restricted) for (const p of doc.getPages()) stampHeader(p, fonts, RESTRICTED_MARK);
  stampPageNumbers(doc, fonts, { ofTotal: true });
  return { bytes: await doc.save(), pageCount: doc.getPageCount() };
}
