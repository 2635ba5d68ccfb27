// The agenda pack and the minutes as PDF documents. The pack is: cover, agenda (with the
// pages of each item's papers), the previous meeting's minutes, then each paper in
// agenda order (PDF papers copied in page by page, Word papers as their text), with
// "Page n" in the footer of every page.
//
// Everything here starts from MeetingView, the record already filtered for one reader
// (record.ts): a public reader's view holds no restricted item or paper, so the public
// pack cannot contain one. The page numbers are worked out before anything is drawn:
// every part's page count is known first, then the agenda is laid out until its own
// length and the numbers it prints agree.
import { PDFDocument } from 'pdf-lib';
import type { MeetingView } from '../record.ts';
import { extractDocument } from '../../documents/extract/index.ts';
import { PDF } from '../papers.ts';
import { A4, layout, type Block, type LaidOutPage } from './layout.ts';
import { embedFonts, measureWith, paintPages, stampHeader, stampItem, stampPageNumbers, type Fonts } from './paint.ts';
import { agendaBlocks, coverBlocks, type CoverDetails } from './agenda.ts';
import type { MatterArising } from '../../actions/mattersArising.ts';
import { DRAFT_MARK, longDate, minutesBlocks, RESTRICTED_MARK } from './minutes.ts';

export interface PackInput {
  partnershipName: string;
  /** The meeting as the reader may see it. Its agenda must be visible to them. */
  view: MeetingView;
  /** The reader may see restricted items of this body: the members' pack. */
  membersPack: boolean;
  /** The cover's membership, quorum and how to attend (pack/routes.ts). */
  cover?: CoverDetails;
  /** The matters arising list as the reader may see it (see FrontOptions). */
  mattersArising?: readonly MatterArising[];
  /** The previous meeting's minutes as the reader may see them, or null when there are none to show. */
  previousMinutes: { view: MeetingView; itemId: string | null } | null;
  /** A paper's original bytes (the caller has already decided the reader may have them). */
  readPaper: (paperId: string) => Promise<Uint8Array | null>;
}

/** What landed where in the pack: one entry per part after the agenda. */
export interface PackPart {
  kind: 'minutes' | 'paper';
  itemId: string | null;
  itemCode: string | null;
  title: string;
  paperId: string | null;
  restricted: boolean;
  from: number;
  to: number;
  /** Set when a paper could not be read and a page saying so stands in for it. */
  problem: string | null;
}

export interface PackResult {
  bytes: Uint8Array;
  pageCount: number;
  parts: PackPart[];
  /** Restricted records the pack contains, for the audit of restricted reads. */
  restrictedIncluded: { recordType: string; id: string; summary: string }[];
}

interface PlannedPart extends Omit<PackPart, 'from' | 'to'> {
  pageCount: number;
  /** Adds the part's pages to the end of the document. */
  draw: (doc: PDFDocument) => Promise<void> | void;
}

/** Lays out a Word paper's extracted text: "# " headings, "- " list items, table rows, paragraphs. */
export function documentTextBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!line.trim()) continue;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length === 1 ? 2 : 3, text: heading[2]! });
      continue;
    }
    const bullet = /^(\s*)[-*]\s+(.*)$/.exec(line);
    if (bullet) {
      blocks.push({ kind: 'text', label: '•', labelWidth: 14, indent: Math.min(6, Math.floor(bullet[1]!.length / 2)) * 14, text: bullet[2]!, spaceAfter: 3 });
      continue;
    }
    if (/^\|.*\|$/.test(line.trim())) {
      const cells = line.trim().slice(1, -1).split('|').map((c) => c.trim());
      if (cells.every((c) => /^:?-{2,}:?$/.test(c))) continue; // a Markdown table's rule line
      blocks.push({ kind: 'text', text: cells.join('   |   '), size: 10, spaceAfter: 3 });
      continue;
    }
    blocks.push({ kind: 'text', text: line.trim() });
  }
  return blocks;
}

/** Pages in the pack of each agenda item, merged where one part follows another. */
export function itemRanges(parts: readonly { itemId: string | null; pageCount: number }[], firstPage: number): Map<string, { from: number; to: number }[]> {
  const ranges = new Map<string, { from: number; to: number }[]>();
  let page = firstPage;
  for (const part of parts) {
    const from = page;
    const to = page + part.pageCount - 1;
    page = to + 1;
    if (!part.itemId) continue;
    const list = ranges.get(part.itemId) ?? [];
    const last = list[list.length - 1];
    if (last && last.to + 1 === from) last.to = to;
    else list.push({ from, to });
    ranges.set(part.itemId, list);
  }
  return ranges;
}

async function planPaper(
  paper: MeetingView['items'][number]['papers'][number], item: MeetingView['items'][number], bytes: Uint8Array | null, fonts: Fonts, restricted: boolean,
): Promise<PlannedPart> {
  const base = { kind: 'paper' as const, itemId: item.id, itemCode: item.code, title: paper.title, paperId: paper.id, restricted };
  const measure = measureWith(fonts);
  const textPart = (pages: LaidOutPage[], problem: string | null): PlannedPart => ({
    ...base, problem, pageCount: pages.length, draw: (doc) => { paintPages(doc, fonts, pages); },
  });
  const unreadable = (why: string) => textPart(layout([
    { kind: 'text', text: `Item ${item.code}: ${item.title}`, font: 'italic', size: 10 },
    { kind: 'heading', level: 2, text: paper.title },
    { kind: 'text', text: `This paper could not be included in the pack (${why}). It can be downloaded from the meeting’s page.` },
  ], measure), why);

  if (!bytes) return unreadable('its file is missing');
  if (paper.media_type === PDF) {
    let source: PDFDocument;
    try {
      source = await PDFDocument.load(bytes, { updateMetadata: false });
    } catch (error) {
      const encrypted = /encrypt/i.test(String((error as Error)?.message));
      return unreadable(encrypted ? 'the PDF is protected by a password' : 'the PDF cannot be read');
    }
    // pdf-lib opens some damaged files without complaint and fails on their page tree.
    let count: number;
    try {
      count = source.getPageCount();
      source.getPages();
    } catch {
      return unreadable('the PDF cannot be read');
    }
    if (count < 1) return unreadable('the PDF has no pages');
    return {
      ...base, problem: null, pageCount: count,
      draw: async (doc) => {
        let pages;
        try {
          pages = await doc.copyPages(source, source.getPageIndices());
        } catch {
          // Too late to renumber: the same number of pages, the first saying why.
          const note = unreadable('the PDF cannot be copied').draw;
          const before = doc.getPageCount();
          await note(doc);
          while (doc.getPageCount() - before < count) doc.addPage([A4.width, A4.height]);
          return;
        }
        for (const p of pages) doc.addPage(p);
      },
    };
  }
  let text: string;
  try {
    text = (await extractDocument(bytes, paper.file_name)).text;
  } catch {
    return unreadable('the Word document cannot be read');
  }
  return textPart(layout([
    { kind: 'text', text: `Item ${item.code}: ${item.title}`, font: 'italic', size: 10 },
    { kind: 'heading', level: 1, text: paper.title },
    ...documentTextBlocks(text),
  ], measure), null);
}

/** Builds the agenda pack for one reader; see the top of this file for its shape. */
export async function buildAgendaPack(input: PackInput): Promise<PackResult> {
  const { view, membersPack } = input;
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc);
  const measure = measureWith(fonts);
  const m = view.meeting;
  doc.setTitle(`${m.body_name}: agenda pack, ${longDate(m.meets_on)}`);
  doc.setSubject(membersPack ? 'Members’ agenda pack, including restricted items' : 'Public agenda pack');
  doc.setAuthor(input.partnershipName);
  doc.setCreator('Partnership Hub');
  doc.setProducer('Partnership Hub (pdf-lib)');
  doc.setLanguage('en-GB');

  const restrictedIncluded: PackResult['restrictedIncluded'] = [];
  const planned: PlannedPart[] = [];

  // The previous meeting's minutes come first, as the seeds' packs print them.
  if (input.previousMinutes) {
    const prev = input.previousMinutes.view;
    const item = view.items.find((i) => i.id === input.previousMinutes!.itemId) ?? null;
    const pages = layout(minutesBlocks(prev, { caption: item ? `Item ${item.code}: ${item.title}` : 'Minutes of the previous meeting' }), measure);
    planned.push({
      kind: 'minutes', itemId: item?.id ?? null, itemCode: item?.code ?? null, title: `Minutes of ${longDate(prev.meeting.meets_on)}`, paperId: null,
      restricted: false, problem: null, pageCount: pages.length,
      draw: (d) => {
        const drawn = paintPages(d, fonts, pages);
        if (prev.minutesDraft) for (const p of drawn) stampHeader(p, fonts, DRAFT_MARK);
      },
    });
    // A restricted item's heading is printed even when it has no minutes: its read is audited too.
    for (const i of prev.items) {
      if (i.restricted) {
        restrictedIncluded.push({ recordType: 'agenda-item', id: i.id, summary: `Agenda pack of ${formatIsoDate(m.meets_on)} included the restricted minutes of item ${i.code} (${formatIsoDate(prev.meeting.meets_on)})` });
      }
    }
  }

  // Then each paper in agenda order.
  for (const item of view.items) {
    if (item.restricted) restrictedIncluded.push({ recordType: 'agenda-item', id: item.id, summary: `Agenda pack of ${formatIsoDate(m.meets_on)} included restricted item ${item.code}` });
    for (const paper of item.papers) {
      const restricted = paper.restricted || item.restricted;
      if (restricted) restrictedIncluded.push({ recordType: 'paper', id: paper.id, summary: `Agenda pack of ${formatIsoDate(m.meets_on)} included restricted paper “${paper.title}” (item ${item.code})` });
      planned.push(await planPaper(paper, item, await input.readPaper(paper.id), fonts, restricted));
    }
  }

  // The front: cover, then the agenda, whose page numbers depend on its own length.
  const front = { partnershipName: input.partnershipName, membersPack, cover: input.cover, ...(input.mattersArising ? { mattersArising: input.mattersArising } : {}) };
  const cover = layout(coverBlocks(view, front), measure);
  let agendaLength = 1;
  let agenda: LaidOutPage[] = [];
  for (let round = 0; round < 6; round++) {
    agenda = layout(agendaBlocks(view, itemRanges(planned, cover.length + agendaLength + 1), front), measure);
    // The numbers printed assumed `agendaLength` pages; a shorter agenda is padded below.
    if (agenda.length <= agendaLength) break;
    agendaLength = agenda.length;
  }
  while (agenda.length < agendaLength) agenda.push({ lines: [] });

  paintPages(doc, fonts, cover);
  paintPages(doc, fonts, agenda);
  const parts: PackPart[] = [];
  for (const part of planned) {
    const from = doc.getPageCount() + 1;
    await part.draw(doc);
    const to = doc.getPageCount();
    if (to - from + 1 !== part.pageCount) throw new Error(`pack part "${part.title}" took ${to - from + 1} pages, planned ${part.pageCount}`);
    if (part.restricted) for (let i = from - 1; i < to; i++) stampHeader(doc.getPage(i), fonts, RESTRICTED_MARK);
    if (part.kind === 'paper' && part.itemCode) {
      for (let i = from - 1; i < to; i++) stampItem(doc.getPage(i), fonts, `Item ${part.itemCode} – paper page ${i - from + 2} of ${to - from + 1}`);
    }
    const { draw: _draw, pageCount: _count, ...rest } = part;
    parts.push({ ...rest, from, to });
  }
  stampPageNumbers(doc, fonts);
  const bytes = await doc.save();
  return { bytes, pageCount: doc.getPageCount(), parts, restrictedIncluded };
}

const formatIsoDate = (iso: string) => iso.slice(0, 10);

/** The minutes of one meeting as a PDF: every page marked DRAFT until they are approved. */
export async function buildMinutesPdf(input: { partnershipName: string; view: MeetingView }): Promise<PackResult> {
  const { view } = input;
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc);
  const m = view.meeting;
  doc.setTitle(`${m.body_name}: ${view.minutesDraft ? 'draft minutes' : 'minutes'}, ${longDate(m.meets_on)}`);
  doc.setAuthor(input.partnershipName);
  doc.setCreator('Partnership Hub');
  doc.setProducer('Partnership Hub (pdf-lib)');
  doc.setLanguage('en-GB');
  const pages = paintPages(doc, fonts, layout(minutesBlocks(view, { signature: true }), measureWith(fonts)));
  if (view.minutesDraft) for (const p of pages) stampHeader(p, fonts, DRAFT_MARK);
  stampPageNumbers(doc, fonts);
  // A restricted item's heading is printed even when it has no minutes: its read is audited too.
  const restrictedIncluded = view.items
    .filter((i) => i.restricted)
    .map((i) => ({ recordType: 'agenda-item', id: i.id, summary: `Minutes PDF of ${formatIsoDate(m.meets_on)} included the restricted minutes of item ${i.code}` }));
  return { bytes: await doc.save(), pageCount: doc.getPageCount(), parts: [], restrictedIncluded };
}
