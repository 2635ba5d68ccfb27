// The assessment document as one PDF: a cover, contents with page numbers, then each
// section in order (the analyst's text, then what it gathers: an analysis page's charts
// drawn in the PDF and its tables, the returns received and missing, or the scoring
// matrix), "Page n of m" in every footer. Built with the report helpers shared with the
// scrutiny pack (meetings/pack/report.ts). A restricted assessment's PDF says so on every page.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { layout, type Block, type Measure } from '../meetings/pack/layout.ts';
import { longDate } from '../meetings/pack/minutes.ts';
import { barChartPages, buildReport, dotMapPages, lineChartPages, tablePages, type Report, type ReportPage } from '../meetings/pack/report.ts';
import { VIEWS, buildView, isView, type View } from './analysis.ts';
import { monthLabel } from './domain.ts';
import { STATUS_LABELS, kindLabel, rankIssues } from './requests.domain.ts';
import { listDatasets, matrix, type Assessment, type DatasetView } from './requests.store.ts';
import { listSections, type Section } from './document.ts';
import { listAreas } from './store.ts';

const text = (t: string, extra: Partial<Extract<Block, { kind: 'text' }>> = {}): Block => ({ kind: 'text', text: t, ...extra });
const heading = (t: string, level: 1 | 2 | 3): Block => ({ kind: 'heading', text: t, level });
/** The analyst's text: paragraphs split at blank lines, a line starting "- " or "* " as a bullet. */
function paragraphs(body: string): Block[] {
  return body.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean).flatMap((p) => {
    const lines = p.split(/\r?\n/);
    if (lines.every((l) => /^\s*[-*]\s+/.test(l))) return lines.map((l) => text(l.replace(/^\s*[-*]\s+/, ''), { label: '•', labelWidth: 14, spaceAfter: 3 }));
    return [text(lines.join(' '))];
  });
}

export interface DocumentSectionContents { section: Section; title: string; view?: View; viewTitle?: string; where?: string; datasets?: DatasetView[]; matrix?: Awaited<ReturnType<typeof matrix>> }

/** What each section gathers, read from the database (the analysis from its monthly aggregates). */
export async function documentContents(db: Kysely<DB>, pid: string, a: Assessment, today: string): Promise<DocumentSectionContents[]> {
  const sections = await listSections(db, pid, a.id);
  const areas = await listAreas(db, pid);
  let datasets: DatasetView[] | undefined;
  let m: Awaited<ReturnType<typeof matrix>> | undefined;
  const out: DocumentSectionContents[] = [];
  for (const [i, s] of sections.entries()) {
    const title = `${i + 1}. ${s.title}`;
    if (s.content === 'analysis' && s.analysis_view && isView(s.analysis_view)) {
      // An area since removed: the whole partnership, said so.
      const area = s.area_id ? areas.find((x) => x.id === s.area_id) ?? null : null;
      const view = await buildView(db, pid, s.analysis_view, { areaId: area?.id ?? null, category: s.category });
      out.push({ section: s, title, view, viewTitle: VIEWS.find((v) => v.id === s.analysis_view)!.title, where: `${area ? area.name : 'The whole partnership'}${s.category ? `; ${s.category}` : ''}${s.area_id && !area ? ' (the area chosen no longer exists)' : ''}` });
    } else if (s.content === 'returns') {
      datasets ??= await listDatasets(db, pid, a.id, today);
      out.push({ section: s, title, datasets });
    } else if (s.content === 'matrix') {
      m ??= await matrix(db, pid, a.id);
      out.push({ section: s, title, matrix: m });
    } else out.push({ section: s, title });
  }
  return out;
}

function sectionPages(c: DocumentSectionContents, measure: Measure): ReportPage[] {
  const s = c.section;
  const blocks: Block[] = [heading(c.title, 1), ...paragraphs(s.body)];
  const extra: ReportPage[] = [];
  if (c.view) {
    const v = c.view;
    blocks.push(heading(c.viewTitle!, 2), text(`${c.where}${v.from && v.to ? `; ${monthLabel(v.from)} to ${monthLabel(v.to)}` : ''}.`, { font: 'italic' }));
    for (const n of v.notes) blocks.push(text(n, { size: 9 }));
    if (s.show_charts) {
      for (const ch of v.charts) {
        if (ch.data.kind === 'line') extra.push(...lineChartPages([{ title: ch.caption, points: ch.data.points }], measure));
        else if (ch.data.kind === 'bars') extra.push(...barChartPages([{ title: ch.caption, bars: ch.data.bars.map((b) => ({ ...b, colour: 'blue' })), max: Math.max(1, ...ch.data.bars.map((b) => b.value)), unit: '' }], measure));
        else extra.push(...dotMapPages([{ title: ch.caption, points: ch.data.points }], measure));
      }
    }
    if (s.show_tables) extra.push(...tablePages(v.tables, measure));
  }
  if (c.datasets) {
    const ds = c.datasets;
    const received = ds.filter((d) => d.status === 'returned');
    const missing = ds.filter((d) => d.status !== 'returned');
    blocks.push(text(`${received.length} of ${ds.length} ${ds.length === 1 ? 'dataset has' : 'datasets have'} been received; ${missing.length} ${missing.length === 1 ? 'is' : 'are'} still awaited, of which ${missing.filter((d) => d.status === 'late').length} late.`));
    const row = (d: DatasetView) => [d.organisation_name, d.name, d.period, longDate(d.due_on), STATUS_LABELS[d.status].text, d.daysLate || null, d.returns.at(-1) ? longDate(d.returns.at(-1)!.received_at.toISOString().slice(0, 10)) : null, d.events.filter((e) => e.kind === 'chased' || e.kind === 'reminded').length];
    const head = [{ label: 'Organisation' }, { label: 'Dataset' }, { label: 'Period' }, { label: 'Due' }, { label: 'Status' }, { label: 'Days late', numeric: true }, { label: 'Received' }, { label: 'Reminders and chases', numeric: true }];
    extra.push(...tablePages([{ caption: 'Returns received', head, rows: received.map(row) }, { caption: 'Returns missing', head, rows: missing.map(row) }], measure));
  }
  if (c.matrix) {
    const { criteria, issues, scores } = c.matrix;
    const ranked = rankIssues(issues, criteria, scores);
    blocks.push(text(`Each issue is scored 1 to 4 on each criterion; its score is the sum of the scores times the criteria's weights (${criteria.map((x) => `${x.name} ${x.weight}`).join(', ')}). Issues not yet scored on every criterion are listed last.`));
    extra.push(...tablePages([{
      caption: 'Candidate issues ranked by their weighted scores',
      head: [{ label: 'Rank', numeric: true }, { label: 'Issue' }, ...criteria.map((x) => ({ label: x.name, numeric: true })), { label: 'Score', numeric: true }, { label: 'Scored on every criterion' }],
      rows: ranked.map((r, i) => [i + 1, r.issue.title, ...criteria.map((x) => scores.find((sc) => sc.issue_id === r.issue.id && sc.criterion_id === x.id)?.score ?? null), r.score, r.complete ? 'Yes' : 'No']),
    }], measure));
  }
  return [...layout(blocks, measure), ...extra];
}

export async function buildAssessmentPdf(a: Assessment, partnershipName: string, sections: DocumentSectionContents[], generatedOn: string): Promise<Report> {
  const restricted = a.restricted ? 'Restricted – not for publication' : undefined;
  return buildReport({
    title: `${partnershipName}: ${a.title}`,
    subject: `${kindLabel(a.kind)} ${a.year}`,
    author: partnershipName,
    header: restricted,
    cover: [
      { kind: 'space', height: 120 },
      text(partnershipName, { size: 14, font: 'bold' }),
      heading(a.title, 1),
      text(`${kindLabel(a.kind)}, ${a.year}`, { size: 13 }),
      { kind: 'space', height: 24 },
      text(`Draft by ${longDate(a.draft_by)}; to be agreed by ${longDate(a.agreed_by)}. Produced on ${longDate(generatedOn)}.`),
      ...(restricted ? [text(`${restricted}. This assessment is held as restricted business: share it only with those entitled to read it.`, { font: 'bold' })] : []),
      ...(sections.length ? [] : [text('This document has no sections yet.', { font: 'italic' })]),
    ],
    parts: (measure) => sections.map((c) => ({ title: c.title, pages: sectionPages(c, measure) })),
  });
}
