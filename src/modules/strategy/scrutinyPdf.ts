// The scrutiny evidence pack as one PDF: cover, contents with page numbers, then one part
// per subject, each starting on a new page, and "Page n of m" in every footer: built by
// the report helpers shared with the assessment document (meetings/pack/report.ts); the
// charts are bars drawn as rectangles, with the same figures written in the text before them.
// Everything drawn comes from ScrutinyContents, which holds only public content.
import { layout, type Block, type Measure } from '../meetings/pack/layout.ts';
import { barChartPages, buildReport, paintReportPages, type BarChart, type ReportPage } from '../meetings/pack/report.ts';
import type { PDFDocument } from 'pdf-lib';
import type { Fonts } from '../meetings/pack/paint.ts';
import { longDate } from '../meetings/pack/minutes.ts';
import { formatPence } from '../funding/domain.ts';
import { agreementStatusLabel, levelLabel, lineStatusColour, lineStatusLabel } from './domain.ts';
import { FILL } from './charts.ts';
import type { ScrutinyContents } from './scrutiny.ts';

export const PART_TITLES = {
  agreement: 'The Community Safety Agreement and its priorities',
  progress: 'Progress of the action plan',
  decisions: 'Decisions of the board',
  attendance: 'Attendance at the board’s meetings',
  funding: 'Funding: the grant’s allocation and outturn',
  reviews: 'Reviews: counts by stage',
} as const;

const periodWords = (c: ScrutinyContents) => `${longDate(c.period.from)} to ${longDate(c.period.to)}`;
export const text = (t: string, extra: Partial<Extract<Block, { kind: 'text' }>> = {}): Block => ({ kind: 'text', text: t, ...extra });
export const heading = (t: string, level: 1 | 2 | 3): Block => ({ kind: 'heading', text: t, level });

function agreementBlocks(c: ScrutinyContents): Block[] {
  const blocks: Block[] = [heading(PART_TITLES.agreement, 1)];
  if (!c.agreements.length) return [...blocks, text('No Community Safety Agreement covering this period has been published.')];
  for (const x of c.agreements) {
    const a = x.agreement;
    blocks.push(heading(a.title, 2), text(`Period ${a.period}: ${longDate(a.starts_on)} to ${longDate(a.ends_on)}. ${agreementStatusLabel(a.status)}${a.agreed_on ? `; agreed on ${longDate(a.agreed_on)}` : ''}.`));
    if (a.summary) blocks.push(text(a.summary));
    blocks.push(heading('Priorities', 3));
    for (const p of x.priorities) {
      const lead = [p.priority.lead_organisation_name, p.priority.lead_person_name].filter(Boolean).join(', ');
      blocks.push(text(p.priority.title, { label: `${p.priority.position}.`, labelWidth: 20, font: 'bold', spaceAfter: 2 }));
      if (p.priority.description) blocks.push(text(p.priority.description, { indent: 20, spaceAfter: 2 }));
      if (p.priority.reasons) blocks.push(text(`Why: ${p.priority.reasons}`, { indent: 20, spaceAfter: 2 }));
      if (lead) blocks.push(text(`Lead: ${lead}`, { indent: 20, font: 'italic' }));
    }
    if (x.themes.length) {
      blocks.push(heading('Cross-cutting themes', 3));
      for (const th of x.themes) blocks.push(text(`${th.title}${th.description ? `: ${th.description}` : ''}`, { label: '•', labelWidth: 14, spaceAfter: 3 }));
    }
  }
  return blocks;
}

function progressBlocks(c: ScrutinyContents): Block[] {
  const blocks: Block[] = [heading(PART_TITLES.progress, 1)];
  if (!c.agreements.length) return [...blocks, text('There is no published action plan for this period.')];
  for (const x of c.agreements) {
    blocks.push(heading(`${x.agreement.title}: the roll-up`, 2),
      text('Each priority’s progress is the weighted average of its objectives, and its status the worst of theirs; cancelled and carried-forward work is left out.', { size: 10 }));
    for (const p of x.priorities) {
      blocks.push(text(`${p.priority.title}: ${p.progress}% done, ${p.status ? lineStatusLabel(p.status).toLowerCase() : 'no work counted yet'} (${p.count} ${p.count === 1 ? 'objective' : 'objectives'})`,
        { label: `${p.priority.position}.`, labelWidth: 20, spaceAfter: 3 }));
    }
    if (x.statusCounts.length) {
      blocks.push(heading('Actions by status', 3));
      for (const s of x.statusCounts) blocks.push(text(`${s.label}: ${s.count}`, { label: '•', labelWidth: 14, spaceAfter: 2 }));
    }
    if (x.lines.length) {
      blocks.push(heading('The plan’s objectives and actions', 3));
      for (const l of x.lines) {
        blocks.push(text(`${levelLabel(l.level)}: ${l.title} – ${lineStatusLabel(l.rolled.status)}, ${l.rolled.progress}%${l.due_on ? `, due ${longDate(l.due_on)}` : ''}`,
          { label: l.ref, labelWidth: 40, indent: Math.min(l.depth, 3) * 12, size: 10, spaceAfter: 2 }));
      }
    } else {
      blocks.push(text('The partnership does not publish the detail of this plan; the figures above are rolled up from all of its actions.', { font: 'italic' }));
    }
  }
  return blocks;
}

function decisionBlocks(c: ScrutinyContents): Block[] {
  const blocks: Block[] = [heading(PART_TITLES.decisions, 1),
    text(`Resolutions of the published minutes of ${c.boardNames.join(' and ') || 'the board'} at meetings from ${periodWords(c)}.`)];
  if (!c.decisions.length) return [...blocks, text('No decisions of the board were published for this period.')];
  let meeting = '';
  let item = '';
  for (const d of c.decisions) {
    if (d.meeting_id !== meeting) {
      meeting = d.meeting_id;
      blocks.push(heading(`${d.body_name}, ${longDate(d.meets_on)}`, 3));
    }
    // An item with several resolutions is named once, above its A., B. …
    if (d.agenda_item_id !== item) {
      item = d.agenda_item_id;
      blocks.push(text(`${d.minute_number !== null ? `Minute ${d.minute_number}` : `Item ${d.item_code}`}: ${d.item_title}`, { font: 'italic', size: 10, spaceAfter: 1, keepWithNext: true }));
    }
    blocks.push(text(d.text, { label: d.of > 1 ? `${String.fromCharCode(64 + d.place)}.` : '–', labelWidth: 18 }));
  }
  return blocks;
}

function attendanceBlocks(c: ScrutinyContents): Block[] {
  const n = c.boardMeetings.length;
  const blocks: Block[] = [heading(PART_TITLES.attendance, 1),
    text(`${n} ${n === 1 ? 'meeting' : 'meetings'} of the board with published minutes from ${periodWords(c)}${n ? `: ${c.boardMeetings.map((m) => longDate(m.meets_on)).join('; ')}` : ''}.`),
    text('Counted from the attendance recorded in the minutes, by the organisation of each person.', { size: 10 })];
  if (!c.attendance.length) return [...blocks, text('No attendance was recorded for this period.')];
  for (const a of c.attendance) {
    blocks.push(text(`${a.organisation}: present ${a.present}, apologies ${a.apologies}, absent ${a.absent}, in attendance ${a.inAttendance}`, { label: '•', labelWidth: 14, spaceAfter: 3 }));
  }
  return blocks;
}

function fundingBlocks(c: ScrutinyContents): Block[] {
  const blocks: Block[] = [heading(PART_TITLES.funding, 1)];
  for (const g of c.grants) {
    const l = g.ledger;
    blocks.push(heading(`${g.label} from ${g.funder_name}`, 2),
      text(`Awarded ${formatPence(l.awarded)}: allocated to projects ${formatPence(l.allocated)}, not yet allocated ${formatPence(l.unallocated)}, held back ${formatPence(l.heldBack)}, returned to the funder ${formatPence(l.returned)}.`));
    blocks.push(g.outturn_on
      ? text(`Outturn at ${longDate(g.outturn_on)}: ${formatPence(Number(g.outturn_spent_pence ?? 0))} spent, ${formatPence(Number(g.outturn_returned_pence ?? 0))} returned, ${formatPence(Number(g.outturn_carried_forward_pence ?? 0))} carried forward.`)
      : text('The outturn has not yet been recorded.', { font: 'italic' }));
  }
  return blocks;
}

function reviewBlocks(c: ScrutinyContents): Block[] {
  const r = c.reviews!;
  const rows: [string, number][] = [
    ['Cases notified', r.notified], ['Decided to review', r.decidedToReview], ['Decided not to review', r.decidedNotToReview],
    ['Submitted for quality assurance or sign-off', r.submitted], ['Findings accepted', r.findingsAccepted], ['Findings not accepted', r.findingsNotAccepted], ['Reviews published', r.published],
  ];
  return [heading(PART_TITLES.reviews, 1), text(`Counts only, across every review, from ${periodWords(c)}. No case is named.`),
    ...rows.map(([label, n]) => text(`${label}: ${n}`, { label: '•', labelWidth: 14, spaceAfter: 3 }))];
}

/** A laid-out page with its charts' shapes (the shared report page). */
export type Page = ReportPage;
/** Horizontal bars in the GOV.UK status colours, on pages of their own. */
export const chartPages = (charts: readonly BarChart[], measure: Measure): Page[] => barChartPages(charts, measure, FILL);
/** Paints laid-out pages with their charts. */
export const paintWithRects = (doc: PDFDocument, fonts: Fonts, pages: readonly Page[]): void => paintReportPages(doc, fonts, pages);

export interface ScrutinyPdf { bytes: Uint8Array; pageCount: number; contents: { title: string; page: number }[] }

export async function buildScrutinyPdf(c: ScrutinyContents, generatedOn: string): Promise<ScrutinyPdf> {
  const charts = c.agreements.flatMap((x) => [
    { title: `Progress by priority (${x.agreement.period})`, bars: x.priorities.map((p) => ({ label: `${p.priority.position}. ${p.priority.title}`, value: p.progress, colour: p.status ? lineStatusColour(p.status) : 'grey' })), max: 100, unit: '%' },
    { title: `Actions by status (${x.agreement.period})`, bars: x.statusCounts.map((s) => ({ label: s.label, value: s.count, colour: s.colour })), max: Math.max(1, ...x.statusCounts.map((s) => s.count)), unit: '' },
  ]);
  const builders: (readonly [keyof typeof PART_TITLES, (c: ScrutinyContents) => Block[]])[] = [
    ['agreement', agreementBlocks], ['progress', progressBlocks], ['decisions', decisionBlocks], ['attendance', attendanceBlocks],
    ...(c.grants.length ? [['funding', fundingBlocks] as const] : []),
    ...(c.reviews ? [['reviews', reviewBlocks] as const] : []),
  ];
  return buildReport({
    title: `${c.partnershipName}: crime and disorder scrutiny evidence pack, ${c.period.from} to ${c.period.to}`,
    subject: 'Evidence pack for the crime and disorder scrutiny committee (public content only)',
    author: c.partnershipName,
    cover: [
      { kind: 'space', height: 120 },
      text(c.partnershipName, { size: 14, font: 'bold' }),
      heading('Crime and disorder scrutiny: evidence pack', 1),
      text(`Period: ${periodWords(c)}`, { size: 13 }),
      { kind: 'space', height: 24 },
      text(`Prepared for the council’s crime and disorder scrutiny committee on ${longDate(generatedOn)}.`),
      text('This pack holds only what the partnership publishes: its published Community Safety Agreement and the progress of its action plan, the decisions in the board’s published minutes, attendance at the board’s meetings, the grant’s figures and counts of reviews. Restricted business is never included.'),
    ],
    // Numbered part headings: "1. The Community Safety Agreement…" in the contents and on the part's first page.
    parts: (measure: Measure) => builders.map(([key, build], i) => {
      const title = `${i + 1}. ${PART_TITLES[key]}`;
      const pages = layout([heading(title, 1), ...build(c).slice(1)], measure);
      return { title, pages: key === 'progress' ? [...pages, ...chartPages(charts, measure)] : pages };
    }),
  });
}
