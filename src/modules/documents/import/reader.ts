// Reads normalised document text into a draft meeting record (SCHEMA.md).
// Structure comes from layout and numbering; words come from the vocabulary.

import type { Attendance, Attendee, DocumentKind, DocumentReading, ItemReading, MeetingReading, MeetingRole, ReportReading } from './types.ts';
import { defaultVocabulary, type Vocabulary } from './vocabulary.ts';
import { abbreviationSet, escapeRe, findDates, findTime, joinBroken, sentences, titleCase, toLines, type Line } from './text.ts';
import { buildBlocks, resolutionMarker, type Block } from './blocks.ts';
import { nameTools, parseNameList, parsePersonLine, type NameTools } from './names.ts';
import { ActionFinder } from './actions.ts';
import { assignReportCodes, findReportRegions, readReport } from './reports.ts';
import { numberShape, runInTitle, splitRunIn, type RunInSplit } from './numbering.ts';
import { attendanceWarnings, nameWarnings, numberingWarnings, type ItemTrace } from './warnings.ts';
import { documentFormWarnings } from './formWarnings.ts';

export interface ReadOptions {
  vocabulary?: Vocabulary;
  /** The text came from a ModernGov page or web service. */
  moderngov?: boolean;
  /** The title the document's metadata gives (Markdown front matter): a last source for the body's name. */
  documentTitle?: string | null;
  /** The date the document's metadata gives (Markdown front matter): often when it was published, not when the meeting was. */
  documentDate?: string | null;
  /** What extraction repaired or noticed about the file's form; passed on as warnings. */
  extractionNotes?: string[];
  /**
   * Where given, receives each minuted item's paragraphs other than its resolutions, for
   * the draft a clerk reviews. Not part of the reading (SCHEMA.md).
   */
  paragraphs?: Map<ItemReading, string[]>;
}

interface Ctx {
  vocab: Vocabulary;
  tools: NameTools;
  abbreviations: Set<string>;
  lines: Line[];
  warnings: string[];
  restrictedLetters: Set<string>;
  openLetters: Set<string>;
  resolutionRe: RegExp;
  paragraphs?: Map<ItemReading, string[]>;
  documentTitle?: string | null;
  /** The year the document's other dates (or its metadata, or its file name) point to: for a meeting date printed without one. */
  contextYear?: number | null;
}

const DAY = '(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day';
// A parish summons opens an agenda: "Councillors are summoned to a meeting ... to transact the following business".
const SUMMONS = /\b(?:are|is|hereby)\s+(?:hereby\s+)?summoned\s+to\b|\btransact(?:ing)?\s+the\s+(?:following\s+)?business\b/i;
const ITEM_CODE = /\(\s*(?:Agenda\s+)?Item\s+(?:No\.?\s*)?([A-Z]{0,2}\d{1,3}[a-z]?(?:\.\d+)?)\s*\)/i;
const ITEM_CODE_LINE = /^\(?\s*(?:Agenda\s+)?Item\s+(?:No\.?\s*)?([A-Z]{0,2}\d{1,3}[a-z]?(?:\.\d+)?)\s*\)?\.?$/i;
const PAGES = /\(\s*Pages?\s+(\d+)\s*(?:(?:-|–|to)\s*(\d+))?\s*\)/i;
// "40.", "12/24", "24/031", "16/09/6/18vii", "5.1", "1.0", "B12": the number as printed, then the title.
const MINUTE_HEAD = /^(?:Minute\s+(?:No\.?\s*)?)?((?:[A-Z]{1,4}\s?)?\d{1,4}(?:\/\d{1,4}){0,3}(?:[a-z]|[ivx]{2,4})?(?![.]\d)|\d{1,3}(?:\.\d{1,2}){1,3}[a-z]?)(?:\.|:|\)|\s[-–])?\s+(\S.*)$/;
const VERBISH = /\b(was|were|is|are|had|has|have|said|explained|noted|advised|confirmed|reported|asked|agreed|provided|gave|informed|highlighted|thanked|updated|received|presented|introduced|outlined|stated|would|will|could|should|did)\b/i;

function clean(s: string, vocab: Vocabulary): string {
  return s.replace(vocab.attachmentNoise, '').replace(/\s+/g, ' ').trim();
}

function markerOf(text: string, vocab: Vocabulary): 'restricted' | 'open' | null {
  const lower = ` ${text.toLowerCase()} `;
  if (text.split(/\s+/).length > 18) return null;
  if (/\bnot\s+open\s+to\b|\bnot\s+for\s+publication\b|\bexcluded\b|\bexempt\b/.test(lower) && !/\bunrestricted\b/.test(lower)) return 'restricted';
  if (vocab.openPhrases.some((p) => lower.includes(` ${p.trim()} `) || lower.includes(p))) return 'open';
  if (vocab.restrictedPhrases.some((p) => lower.includes(p))) return 'restricted';
  return null;
}

function isSectionMarkerLine(line: Line, vocab: Vocabulary): 'restricted' | 'open' | null {
  const t = line.text;
  const headingish = line.heading > 0 || (t === t.toUpperCase() && /[A-Z]{3}/.test(t)) || /^[A-Z]\s*[.\-–:]/.test(t) || /^\(.*\)$/.test(t) || /^part\s+(?:[12]|i{1,2}|[ab])\b/i.test(t) || /^(meeting|items?)\b.*\b(press|public)\b/i.test(t);
  return headingish ? markerOf(t, vocab) : null;
}

function titleLike(text: string): boolean {
  const t = text.trim();
  const words = t.split(/\s+/);
  if (!t || words.length > 18 || t.length > 160) return false;
  if (!/^[A-Z0-9"'‘“(]/.test(t)) return false;
  if (/[.;,:]$/.test(t) && !/\b(?:etc|Ltd|Inc|No)\.$/.test(t)) return false;
  if (/@|https?:|www\./i.test(t)) return false;
  return !VERBISH.test(t) || words.length <= 6;
}

// ---------------------------------------------------------------- headings

interface Heading {
  line: number;
  /** First line of the item's text. */
  bodyStart: number;
  minuteNumber: string | null;
  agendaCode: string | null;
  title: string;
  pages: string | null;
  /** Text run in after the title on the heading's own line ("05/24 Apologies Apologies were received from ..."). */
  lead?: string;
}

interface Candidate extends Heading {
  /** The top-level number the heading continues (5 for "5", "5.0"); null for other schemes and sub-numbers. */
  num: number | null;
  /** A sub-number such as "5.1". */
  sub: boolean;
  /** Its title was told from run-in text, so it is a heading only where the numbering says so. */
  runIn: boolean;
}

function codeNear(lines: Line[], from: number, to: number, maxSteps = 3): { code: string; line: number; between: string[] } | null {
  const between: string[] = [];
  let steps = 0;
  for (let i = from; i < to && steps < maxSteps; i++) {
    const l = lines[i]!;
    if (l.blank) continue;
    steps++;
    const m = ITEM_CODE_LINE.exec(l.text);
    if (m) return { code: m[1]!.replace(/\s+/g, ''), line: i, between };
    if (MINUTE_HEAD.test(l.text) || l.heading || l.bullet || l.text.length > 90) return null;
    between.push(l.text);
  }
  return null;
}

function pagesOf(text: string): string | null {
  const m = PAGES.exec(text);
  return m ? (m[2] ? `${m[1]}-${m[2]}` : m[1]!) : null;
}

function tidyTitle(text: string, ctx: Ctx): string {
  return clean(text.replace(ITEM_CODE, '').replace(PAGES, '').replace(/\(\s*Pages?\s+[\d\s\-–]*$/i, ''), ctx.vocab)
    .replace(/^[\s:.\-–]+|[\s:\-–]+$/g, '')
    // The number of the paragraph that follows, left at the end of a heading line ("Village Hall Update 10.1").
    .replace(/\s+\d{1,3}(?:\.\d{1,2}){1,3}$/, '')
    .trim();
}

function findHeadings(ctx: Ctx, start: number, end: number, pageMode: boolean): Heading[] {
  const { lines, vocab } = ctx;
  const strong: Heading[] = [];
  const weak: Candidate[] = [];
  for (let i = start; i < end; i++) {
    const line = lines[i]!;
    if (line.blank || line.bullet) continue;
    const text = line.text;
    let m = MINUTE_HEAD.exec(text);
    // A table row "| 4. | Chairman's Report | FRE | |": the number, then the title in the next filled cell (other cells are owners, dates).
    if (line.cells && line.cells.length >= 2 && /^\d{1,4}\.?$/.test(line.cells[0]!.trim())) m = MINUTE_HEAD.exec(`${line.cells[0]!.trim().replace(/\.$/, '')}. ${line.cells.slice(1).find((c) => c.trim()) ?? ''}`);
    if (!m || line.indent > 12 || isSectionMarkerLine(line, vocab)) continue;
    const number = m[1]!.replace(/\s+/g, '');
    if (/^\d{4}$/.test(number) && !/[.:)]/.test(text.slice(4, 5))) continue;
    if (!/\d/.test(number)) continue;
    if (/^[A-Z]/.test(number) && !/^[A-Z]{1,4}\s?\d/.test(number)) continue;
    let title = m[2]!;
    const sameLineCode = ITEM_CODE.exec(title)?.[1];
    let code = sameLineCode ?? null;
    let bodyStart = i + 1;
    if (!code) {
      const near = codeNear(lines, i + 1, end);
      if (near) {
        code = near.code;
        title = [title, ...near.between].join(' ');
        bodyStart = near.line + 1;
      }
    }
    // A title broken over two lines: "(Pages 17 -" waits for its end.
    if (/\(\s*Pages?\s+[\d\s\-–]*$/i.test(title) && lines[bodyStart]) {
      title = joinBroken(title, lines[bodyStart]!.text);
      bodyStart++;
    }
    const heading: Heading = { line: i, bodyStart, minuteNumber: number, agendaCode: code ? code.toUpperCase() : null, title: tidyTitle(title, ctx), pages: pagesOf(title) };
    if (!heading.title) continue;
    const shape = numberShape(number);
    if (code || line.heading) strong.push(heading);
    else if (titleLike(clean(title, vocab)) && !(lines[i + 1] && !lines[i + 1]!.blank && /^[a-z]/.test(lines[i + 1]!.text)))
      weak.push({ ...heading, num: shape.top, sub: shape.sub, runIn: false });
    else if (!sameLineCode) {
      // Run-in: number, title and text share one paragraph.
      const split = runInTitle(clean(title, vocab));
      const runTitle = tidyTitle(split.title, ctx);
      if (runTitle && /^[A-Z0-9"'‘“(]/.test(runTitle)) weak.push({ ...heading, title: runTitle, pages: null, lead: split.rest || undefined, num: shape.top, sub: shape.sub, runIn: true });
    }
  }
  // Minutes kept in a table, one row per minute: numbered paragraphs outside the rows are
  // lists inside a minute's text, not minutes.
  const rowHeadings = (h: Heading) => Boolean(lines[h.line]!.cells);
  if (weak.filter(rowHeadings).length + strong.filter(rowHeadings).length >= 3) {
    const keepWeak = weak.filter(rowHeadings);
    const keepStrong = strong.filter(rowHeadings);
    weak.length = 0;
    weak.push(...keepWeak);
    strong.length = 0;
    strong.push(...keepStrong);
  }
  // "05/24", "06/24" or "24/031", "24/032": the part that changes is the running number.
  const slashed = weak.filter((w) => /^\d+(?:\/\d+)+$/.test(w.minuteNumber ?? ''));
  if (slashed.length >= 2) {
    const parts = slashed.map((w) => w.minuteNumber!.split('/'));
    const varying = parts[0]!.map((_, k) => k).filter((k) => new Set(parts.map((p) => p[k])).size > 1);
    if (parts.every((p) => p.length === parts[0]!.length) && varying.length === 1) slashed.forEach((w, i) => (w.num = Number(parts[i]![varying[0]!])));
  }
  // Sub-numbers ("5.1") are paragraphs of their minute where that minute ("5", "5.0") is there.
  const tops = new Set(weak.filter((w) => !w.sub && w.num !== null).map((w) => w.num));
  for (const h of strong) {
    const top = numberShape(h.minuteNumber ?? '').top;
    if (top !== null) tops.add(top);
  }
  const kept = weak.filter((w) => !w.sub || !tops.has(Number(w.minuteNumber!.split('.')[0])));
  // Run-in headings count only where the top-level numbers run on without restarting, as minutes do.
  const topLevel = kept.filter((w) => !w.sub);
  const runsOn = topLevel.length >= 3 && topLevel.every((w, k) => w.num !== null && (k === 0 || w.num >= topLevel[k - 1]!.num!));
  weak.length = 0;
  weak.push(...kept.filter((w) => !w.runIn || runsOn));
  let headings: Heading[];
  if (strong.length >= 2) {
    // Numbered paragraphs look like headings; only ones that continue the minute numbering are kept.
    const nums = strong.map((h) => Number(h.minuteNumber)).filter((n) => Number.isFinite(n));
    const min = Math.min(...nums);
    headings = [...strong, ...weak.filter((w) => w.num !== null && w.num > min && !strong.some((s) => s.minuteNumber === w.minuteNumber) && nums.includes(w.num - 1))];
    // Items without an agenda code that lead up to the first coded one (201, 202, then 203 (Item B1)).
    const firstLine = Math.min(...strong.map((h) => h.line));
    let next = min;
    for (const w of [...weak].filter((x) => x.line < firstLine && x.num !== null && x.num < min).sort((a, b) => b.num! - a.num!)) {
      if (w.num !== next - 1) break;
      headings.push(w);
      next = w.num;
    }
  } else {
    headings = [...strong];
    let last = -Infinity;
    const standard = (title: string) => vocab.standardItems.some((t) => title.toLowerCase().replace(/[’']/g, "'").startsWith(t));
    for (let k = 0; k < weak.length; k++) {
      const w = weak[k]!;
      // A number out of order is kept where the line is a standing item ("10 AOCB" after 11),
      // or where it stands in the place of the one missing ("6" between 55 and 57, a slip of
      // the keyboard): the clerk is warned of the numbering.
      const after = weak.slice(k + 1).find((x) => x.num !== null && !x.sub);
      const inPlace = w.num !== null && !w.sub && !w.runIn && after?.num === last + 2 && !weak.some((x) => x.num === last + 1);
      if (w.num !== null && w.num < last && !inPlace && !(standard(w.title) && w.title.split(/\s+/).length <= 6)) continue;
      headings.push(w);
      if (w.num !== null) last = w.num;
    }
  }
  headings.sort((a, b) => a.line - b.line);
  if (!headings.length) headings = letteredHeadings(ctx, start, end);
  if (headings.length > 0 || !pageMode) return headings.length > 0 ? headings : unnumberedHeadings(ctx, start, end, false);
  return unnumberedHeadings(ctx, start, end, true);
}

// "iv) Planning", "(b) Finance", "ii. Apologies": minutes numbered in roman numerals or letters.
const LETTERED_HEAD = /^\(?((?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})|[a-z])(?:\.|\))\s+(\S.*)$/;

/**
 * Minutes numbered only in roman numerals or letters, read where no numbered heading is
 * found: short title lines whose markers run on in order, kept as printed.
 */
function letteredHeadings(ctx: Ctx, start: number, end: number): Heading[] {
  const { lines, vocab } = ctx;
  const out: Heading[] = [];
  for (let i = start; i < end; i++) {
    const line = lines[i]!;
    if (line.blank || line.cells) continue;
    const m = LETTERED_HEAD.exec(line.text.trim());
    if (!m || !titleLike(clean(m[2]!, vocab)) || m[2]!.split(/\s+/).length > 10 || VERBISH.test(m[2]!)) continue;
    out.push({ line: i, bodyStart: i + 1, minuteNumber: m[1]!, agendaCode: null, title: tidyTitle(m[2]!, ctx), pages: null });
  }
  // A lettered list inside prose is not the minutes' numbering: at least two, all in one scheme.
  // "i", "v" and "x" are letters too: the markers are roman where some have more than one numeral.
  const roman = out.filter((h) => /^[ivx]+$/.test(h.minuteNumber!));
  const chosen = roman.some((h) => h.minuteNumber!.length > 1) && roman.length >= out.length - roman.length ? roman : out.filter((h) => h.minuteNumber!.length === 1);
  return chosen.length >= 2 ? chosen : [];
}

/** Headings without numbers: Markdown headings, or (on a published page) titles standing alone between blank lines. */
function unnumberedHeadings(ctx: Ctx, start: number, end: number, standalone: boolean): Heading[] {
  const { lines, vocab } = ctx;
  const out: Heading[] = [];
  const labels = attendanceLabelRe(vocab);
  for (let i = start; i < end; i++) {
    const line = lines[i]!;
    if (line.blank || line.bullet || line.cells) continue;
    const raw = line.text;
    const text = clean(raw, vocab);
    if (labels.test(text) || ctx.resolutionRe.test(text) || isSectionMarkerLine(line, vocab)) continue;
    if (/^(?:venue|location|place|where|contact|contact officer|date|time|meeting date|published|attendance details|chair|clerk|members|media)\s*:/i.test(text)) continue;
    if (/^(minutes|notes|agenda|agenda and minutes|decisions|agenda items?)$/i.test(text) && line.heading) continue;
    const hadAttachment = text !== raw.replace(/\s+/g, ' ').trim();
    const prevBlank = i === 0 || lines[i - 1]!.blank;
    const nextBlank = i + 1 >= lines.length || lines[i + 1]!.blank || lines[i + 1]!.heading > 0;
    const isHeading = line.heading > 0 ? titleLike(text) || text.split(' ').length <= 12 : standalone && titleLike(text) && prevBlank && nextBlank && (hadAttachment || text.split(/\s+/).length <= 14);
    if (!isHeading) continue;
    const code = ITEM_CODE.exec(text)?.[1] ?? null;
    out.push({ line: i, bodyStart: i + 1, minuteNumber: null, agendaCode: code, title: tidyTitle(text, ctx), pages: pagesOf(text) });
  }
  return out;
}

// ---------------------------------------------------------------- attendance

function attendanceLabelRe(vocab: Vocabulary): RegExp {
  const all = Object.values(vocab.attendanceLabels).flat().sort((a, b) => b.length - a.length).map(escapeRe);
  return new RegExp(`^(${all.join('|')})(?:\\s*[:\\-–]\\s*|\\s*$)`, 'i');
}

function kindOfLabel(label: string, vocab: Vocabulary): keyof Attendance {
  const l = label.toLowerCase().trim();
  const order: (keyof Attendance)[] = ['alsoPresent', 'inAttendance', 'apologies', 'present'];
  for (const k of order) if (vocab.attendanceLabels[k].includes(l)) return k;
  return 'present';
}

interface AttendanceRead {
  attendance: Attendance;
  joined: { kind: keyof Attendance; piece: string }[];
  lastLine: number;
}

// Labels that end an attendance list printed beside or after it ("Chair: ...", "Distribution: ...").
const OTHER_LABELS = ['members of the public', 'public members', 'public', 'chair', 'chairman', 'distribution', 'clerk', 'minutes', 'minute taker', 'venue', 'date', 'time', 'copies to', 'circulation'];

interface Labelled {
  kind: keyof Attendance | null;
  text: string;
}

/**
 * Splits text at labels printed mid-line with a colon: a second column beside a list
 * ("Dave Hale (DH) Clerk   Apologies: Sam Fry"), or labelled lists run together
 * ("Attendance: ... Also in attendance: ... Members of the Public: 4"). The first piece
 * has no label of its own (kind null); other labels than attendance ones give kind null.
 */
function labelsAnywhereRe(vocab: Vocabulary): RegExp {
  const all = [...Object.values(vocab.attendanceLabels).flat(), ...OTHER_LABELS].sort((a, b) => b.length - a.length).map(escapeRe);
  return new RegExp(`(?<=^|\\s)(${all.join('|')})\\s*:\\s*`, 'gi');
}

function splitAtLabels(text: string, vocab: Vocabulary): Labelled[] {
  const attendanceWords = Object.values(vocab.attendanceLabels).flat();
  const re = labelsAnywhereRe(vocab);
  const out: Labelled[] = [];
  let from = 0;
  let kind: keyof Attendance | null = null;
  let other = false;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const label = m[1]!;
    if (label[0] !== label[0]!.toUpperCase()) continue;
    const piece = text.slice(from, m.index).trim();
    // A label that is not about attendance closes the list: its piece is dropped.
    if (!other) out.push({ kind, text: piece });
    other = !attendanceWords.includes(label.toLowerCase());
    kind = other ? null : kindOfLabel(label, vocab);
    from = m.index + m[0].length;
  }
  if (!other) out.push({ kind, text: text.slice(from).trim() });
  return out.filter((l, k) => k === 0 || l.text);
}

/** Where an attendance label with a colon starts mid-line ("... Village Hall Attendance: Cllr ..."), or -1. */
function labelMidLine(text: string, vocab: Vocabulary): number {
  const attendanceWords = Object.values(vocab.attendanceLabels).flat();
  const re = labelsAnywhereRe(vocab);
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const label = m[1]!;
    if (m.index > 0 && label[0] === label[0]!.toUpperCase() && attendanceWords.includes(label.toLowerCase())) return m.index;
  }
  return -1;
}

function readAttendance(ctx: Ctx, start: number, end: number, stopAt: Set<number>): AttendanceRead {
  const { lines, vocab, tools } = ctx;
  const attendance: Attendance = { present: [], alsoPresent: [], inAttendance: [], apologies: [] };
  const joined: { kind: keyof Attendance; piece: string }[] = [];
  const re = attendanceLabelRe(vocab);
  let lastLine = -1;
  for (let i = start; i < end; i++) {
    const line = lines[i]!;
    if (stopAt.has(i)) break;
    if (line.blank || line.bullet) continue;
    let m = re.exec(line.text);
    let labelAt = 0;
    if (!m && line.text.length > 40) {
      // Labelled lists run on after the meeting's title in one paragraph: "... Village Hall Attendance: Cllr ...".
      const at = labelMidLine(line.text, vocab);
      if (at > 0) {
        labelAt = at;
        m = re.exec(line.text.slice(at));
      }
    }
    if (!m) continue;
    // "Present" in capitals, with a colon, or as a heading; not the word in a sentence.
    const hasColon = /[:\-–]/.test(line.text.slice(labelAt + m[1]!.length, labelAt + m[0].length));
    if (!hasColon && !line.heading && m[1] !== m[1]!.toUpperCase() && line.text.trim() !== m[1]) continue;
    const kind = kindOfLabel(m[1]!, vocab);
    let rest = line.text.slice(labelAt + m[0].length).trim();
    const people: Attendee[] = [];
    let j = i + 1;
    if (rest) {
      // Inline list, perhaps over several lines.
      for (; j < end; j++) {
        const next = lines[j]!;
        if (stopAt.has(j) || re.test(next.text) || next.heading) break;
        if (next.blank) {
          if (/(,|\band)$/.test(rest)) continue;
          break;
        }
        if (ctx.resolutionRe.test(next.text) || MINUTE_HEAD.test(next.text) && !/,$/.test(rest)) break;
        // Prose after the list ("At the start, Mr Fry reported ...") is not more names.
        if (!/(?:,|\band|&)$/.test(rest) && VERBISH.test(next.text) && next.text.split(/\s+/).length > 8) break;
        rest = joinBroken(rest, next.text);
      }
      for (const piece of splitAtLabels(rest, vocab)) {
        const k = piece.kind ?? kind;
        if (!piece.text) continue;
        const parsed = parseNameList(piece.text, tools);
        (k === kind ? people : attendance[k]).push(...parsed.attendees);
        if (parsed.roles) ctx.warnings.push(`the ${m[1]!.toUpperCase()} list puts roles after the names as entries of their own (${parsed.roles.map((r) => `'${r}'`).join(', ')}): read as the roles of the people before them, not as attendees`);
        joined.push(...parsed.joined.map((p) => ({ kind: k, piece: p })));
      }
      // An unlabelled paragraph of titled people under the members present ("Mr M Storey – County
      // Councillor 9 members of the public") names others who were there: also present.
      if (kind === 'present' && people.length) {
        let k = j;
        while (k < end && lines[k]!.blank) k++;
        const next = lines[k];
        const text = next ? next.text.replace(/[,;]?\s*(?:and\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|no)\s+members?\s+of\s+the\s+(?:public|press)\b.*$/i, '').trim() : '';
        if (next && !stopAt.has(k) && !next.heading && !next.bullet && !next.cells && text && !re.test(next.text) && labelMidLine(next.text, vocab) <= 0 && !MINUTE_HEAD.test(next.text) && !ctx.resolutionRe.test(next.text) && !VERBISH.test(text) && text.split(/\s+/).length <= 16 && tools.leading.test(text)) {
          const others = parseNameList(text, tools).attendees;
          if (others.length) {
            attendance.alsoPresent.push(...others);
            j = k + 1;
          }
        }
      }
    } else {
      // One person per line (a list or a table under a label).
      let seen = false;
      for (; j < end; j++) {
        const next = lines[j]!;
        if (stopAt.has(j) || next.heading || (re.test(next.text) && !next.bullet && !next.cells)) break;
        if (next.blank) {
          const afterLine = lines.slice(j + 1, end).find((l) => !l.blank);
          // Judged by its first column: a label printed beside it ("Chair: ...") is another column.
          const after = afterLine && !afterLine.cells ? { ...afterLine, text: splitAtLabels(afterLine.text, vocab)[0]!.text || afterLine.text } : afterLine;
          // Paragraph per person (a web page's <p>s): another short name line carries the list on.
          const personLine = after && !after.heading && after.text.split(/\s+/).length <= 8 && /^[A-Z]/.test(after.text) && !VERBISH.test(after.text) && !MINUTE_HEAD.test(after.text) && !/:/.test(after.text) && !re.test(after.text) && (tools.leading.test(after.text) || /\(/.test(after.text));
          if (seen && !(after && (after.bullet || after.cells || personLine))) break;
          continue;
        }
        if (ctx.resolutionRe.test(next.text) || (MINUTE_HEAD.test(next.text) && !next.bullet)) break;
        // Prose or another label ("Public Gallery: There were 4 ...") ends the block.
        if (!next.cells && seen && (/^[A-Z][A-Za-z ]{2,30}:/.test(next.text) || (VERBISH.test(next.text) && next.text.split(/\s+/).length > 8))) break;
        // A whole list on one line under the label: "Cllrs Hodivala (Chairman), Hewett and Wood."
        const pieces = next.text.split(/\s*,\s*|\s+and\s+/).length;
        const listed = !next.cells && pieces >= 2 ? parseNameList(next.text, tools).attendees : [];
        // A second column beside the list: "Dave Hale (DH) Clerk   Apologies: Sam Fry (SF)".
        const columns = next.cells ? [{ kind: null, text: next.text }] : splitAtLabels(next.text, vocab);
        const own = columns[0]!.text;
        for (const side of columns.slice(1)) if (side.kind && side.text) attendance[side.kind].push(...parseNameList(side.text, tools).attendees);
        if (own !== next.text) {
          const person = own ? parsePersonLine(own, null, tools) : null;
          if (person) people.push(person);
        } else if (listed.length >= 3 || (listed.length === 2 && listed.every((a) => a.role || tools.leading.test(a.name)))) people.push(...listed);
        else {
          const person = parsePersonLine(next.text, next.cells, tools);
          if (person) people.push(person);
        }
        seen = true;
        if (listed.length >= 2 && /\.$/.test(next.text)) {
          j++;
          break;
        }
      }
    }
    attendance[kind].push(...people);
    lastLine = Math.max(lastLine, j - 1);
    i = j - 1;
  }
  return { attendance, joined, lastLine };
}

// ---------------------------------------------------------------- items

// A decision worded inside a sentence: "Committee resolved to note ...", "It was proposed by X,
// seconded by Y and unanimously agreed that ...", "The Council agreed to ...".
const DECIDED_IN_PROSE = /\b(?:resolved|agreed|decided|(?:proposed|moved)\s+and\s+seconded)\s+(?:unanimously\s+|by\s+\w+\s+votes?\s+)?((?:that|to)\b.*)$/i;
// "It was agreed the date ... would be moved": the decision without its 'that'.
const AGREED_BARE = /\bit\s+was\s+(?:unanimously\s+)?(?:agreed|resolved|decided)\s+((?:the|a|an)\s.*)$/i;
// "The Charities and Grants Policy was agreed.", "Replacing the seat at £240 (plus VAT) was approved.": a passive decision is the sentence.
const PASSIVE_DECISION = /^(?!(?:it|this|that|these|those|there)\s)(?:the\s+)?[A-Z£0-9](?:(?!\b(?:was|were|is|are|has|had|have)\b)[^!?]){2,200}?\s+(?:was|were)\s+(?:\w+\s+and\s+)?(?:duly\s+|unanimously\s+)?(?:agreed|approved|accepted|adopted|endorsed|ratified|voted\s+for)\b/;
// A passive decision's subject is the thing decided, not a report of it ("The Clerk reported that the budget was approved").
const REPORTED = /\b(?:reported|said|explained|informed|advised|confirmed|noted|stated|mentioned|told|heard|asked|queried|whether|if|not|previously|already)\b/i;
// "... was approved at the January meeting", "... at the last meeting": a decision taken before, reported.
const EARLIER_MEETING = /\b(?:at|by)\s+the\s+(?:[\w']+\s+){1,4}meeting\b|\blast\s+(?:meeting|month|year)\b|\bpreviously\b/i;
// The last minutes approved: "The Minutes of the meeting held on ... were agreed as a true record."
const MINUTES_APPROVED = /^(?:the\s+)?minutes\s+of\b.*\b(?:agreed|approved|confirmed|accepted|adopted)\s+as\s+(?:a\s+)?(?:true|correct|accurate)\b/i;
// A record of the vote on the motion before it: "Proposed Cllr X, seconded Cllr Y, all in favour",
// "Prop. JB, 2nd GK, All agreed.", "5 in favour, 1 against", "Carried unanimously".
export const VOTE_RECORD = /^(?:(?:proposed|prop\.?|moved)\s+(?:by\s+)?\S.{0,80}?\b(?:second(?:ed)?|2nd)\b|(?:all|\d{1,2}|unanimously)\s+(?:(?:members\s+)?in\s+favou?r|agreed|for)\b|carried\b|motion\s+carried\b)/i;
// "Clerk to action.", "BB to action signatures.": a short note of who carries out what was just decided.
const ACTION_NOTE = /^(?:the\s+)?[A-Z][\w.'’/&-]*(?:\s+(?:and\s+)?[A-Z][\w.'’/&-]*){0,3}\s+to\s+\w+(?:\s+\w+){0,3}\.?$/;
const PARAGRAPH_NUMBER = /^\s*(?:\d{1,3}(?:\.\d{1,3}){0,3}[.)]?|\(?[a-z]\)|\(?[ivx]{1,4}\))\s+(?=\S)/i;

function decisionsInProse(text: string, abbreviations: Set<string>): string[] {
  const out: string[] = [];
  if (!/\b(?:resolved|agreed|decided|approved|confirmed|accepted|adopted|seconded|2nd|in\s+favou?r|carried|endorsed|ratified)\b/i.test(text)) return out;
  const all = sentences(text, abbreviations).map((s) => s.replace(PARAGRAPH_NUMBER, '').trim());
  const decided = new Set<number>();
  all.forEach((sentence, k) => {
    // The vote makes the motion before it a decision, however the motion is worded.
    if (VOTE_RECORD.test(sentence)) {
      // The motion is the nearest sentence before that is neither a vote nor an action note ("Clerk to action.").
      let at = k - 1;
      while (at >= 0 && ACTION_NOTE.test(all[at]!)) at--;
      const motion = all[at];
      if (motion && !decided.has(at) && !VOTE_RECORD.test(motion) && motion.split(/\s+/).length >= 3) {
        decided.add(at);
        out.push(motion);
      }
      return;
    }
    const found = decisionInSentence(sentence);
    if (found) {
      decided.add(k);
      out.push(found);
    }
  });
  return out;
}

function decisionInSentence(sentence: string): string | null {
  if (MINUTES_APPROVED.test(sentence)) return sentence.trim();
  const bare = AGREED_BARE.exec(sentence);
  if (bare) return bare[1]!.trim();
  const passive = PASSIVE_DECISION.exec(sentence.trim());
  if (passive && !REPORTED.test(passive[0]) && !EARLIER_MEETING.test(sentence)) return sentence.trim();
  const m = DECIDED_IN_PROSE.exec(sentence);
  // "agreed to abide by", "agreed to attend": a decision of the meeting names who decided or is impersonal.
  if (!m) return null;
  const lead = sentence.slice(0, m.index);
  if (!/\b(?:it\s+was|was|were|council|committee|board|members|meeting|partnership|group|panel|councillors|all)\s*(?:\w+\s+)?$/i.test(lead) && !/\b(?:seconded|proposed)\b/i.test(lead)) return null;
  if (/\b(?:not\s+)$/i.test(lead)) return null;
  return m[1]!.trim();
}

// A council's response to a planning application is its decision: "No objection", "No comment",
// "No observations", "Objections: ...", "Support". The planning authority's own decision
// ("Application permitted", "Refused") is news received, not a decision of the meeting.
const PLANNING_REF = /\b(?:[A-Z]{1,4}\/)?\d{2,4}\/\d{3,6}(?:\/[A-Z0-9]{1,6})?\b/;
const PLANNING_RESPONSE = /\b(?:no\s+(?:objections?|comments?|observations?)|(?:raised?\s+)?objections?\s*(?:[:\-–—]|to\b)|(?:council|members|we)\s+(?:\w+\s+)?(?:object(?:s|ed)?|support(?:s|ed)?)\b|^support(?:ed)?\b|:\s*support(?:ed)?\b)/i;
const AUTHORITY_DECISION = /\b(?:application\s+)?(?:permitted|refused|granted|withdrawn|approved\s+by\s+the\s+(?:borough|district|county|planning))\b/i;

function planningResponses(text: string, inPlanningItem: boolean, abbreviations: Set<string>): string[] {
  if (!PLANNING_RESPONSE.test(text)) return [];
  const all = sentences(text, abbreviations).map((s) => s.replace(PARAGRAPH_NUMBER, '').trim());
  const out: string[] = [];
  let from = 0;
  all.forEach((sentence, k) => {
    if (PLANNING_REF.test(sentence) && !PLANNING_RESPONSE.test(sentence)) from = k;
    if (!PLANNING_RESPONSE.test(sentence) || AUTHORITY_DECISION.test(sentence)) return;
    // The application is named in this sentence or the one or two before it.
    const start = PLANNING_REF.test(sentence) ? k : k - from <= 2 ? from : k - 1;
    const window = all.slice(start, k + 1).join(' ');
    if (!PLANNING_REF.test(window) && !inPlanningItem && !/\bplanning\s+application/i.test(window)) return;
    out.push(window);
    from = k + 1;
  });
  return out;
}

// A decision that introduces a list: "Cheques in payment of the following invoices were signed:", "The following was agreed:".
const LIST_DECISION = /\b(?:agreed|resolved|decided|approved|signed|authori[sz]ed|accepted)\s*[:.]$/i;

interface ItemBuild {
  item: ItemReading;
  trace: ItemTrace;
}

function leadOwner(lead: string): string | null {
  const m = /^that\s+(?:the\s+)?(?:members\s+of\s+the\s+|members\s+of\s+)?(.+?)\s*:?\s*$/i.exec(lead.trim());
  if (!m) return null;
  const owner = m[1]!.replace(/\s+(?:be\s+)?(?:asked|invited|requested)\s+to$/i, '').trim();
  return owner.split(/\s+/).length <= 10 ? owner : null;
}

const MOTION_ONLY = /^(?:proposed|approved|moved|prop\.?)\s*(?:by\s+|[:\-–—]\s*)?[A-Z][^.;]{0,60}?[,;.]?\s*(?:and\s+)?seconded\s*(?:by\s+|[:\-–—]\s*)?[A-Z].{0,60}$/i;

function readItem(ctx: Ctx, heading: Heading, end: number, restricted: boolean | null, meetingYear: number | undefined): ItemBuild {
  const { lines, vocab } = ctx;
  const body = lines.slice(heading.bodyStart, end);
  if (heading.lead) body.unshift({ ...lines[heading.line]!, raw: heading.lead, text: heading.lead, heading: 0, bullet: false, cells: null, blank: false });
  const truncated = body.find((l) => vocab.truncationMarkers.some((m) => l.text.toLowerCase().includes(m)));
  const cleaned = body.map((l) => {
    const lower = l.text.toLowerCase();
    const marker = vocab.truncationMarkers.find((m) => lower.includes(m));
    if (!marker) return l;
    const cut = l.text.slice(0, lower.indexOf(marker)).replace(/\s*(?:\.\.\.|…)\s*$/, '').trim();
    return { ...l, text: cut, blank: cut === '' };
  });
  const blocks = buildBlocks(cleaned, vocab);
  const finder = new ActionFinder({ vocab, tools: ctx.tools, abbreviations: ctx.abbreviations, meetingYear });
  const resolutions: string[] = [];
  // Decisions worded in prose count where the item has no formal RESOLVED of its own.
  const proseDecisions: string[] = [];
  // Responses to planning applications are decisions beside any formal RESOLVED.
  const planning: string[] = [];
  const paras: string[] = [];
  const paragraphNumbers: number[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.kind === 'numbered' && b.indent <= 4) paragraphNumbers.push(Number(b.num));
    if (b.kind === 'table') {
      const said = readActionTableRow(b, blocks, i, finder, tableHeaderBefore(lines, b.firstLine, b.cells?.length ?? 0));
      // The row's text column is minuted prose like any paragraph: decisions are read from it.
      if (said) {
        paras.push(said);
        proseDecisions.push(...decisionsInProse(said, ctx.abbreviations));
      }
      continue;
    }
    const beside = /^Action(?:ed)?(?:\s+by)?\s*:\s*(.{1,60})$/i.exec(b.text.trim());
    if (beside && b.kind === 'para') {
      // An owner printed beside the paragraph before (an action column); "Noted" and the like in that slot are not owners.
      if (ownerLike(beside[1]!.trim())) finder.readOwnerBeside(beside[1]!.trim().replace(/[.;]$/, ''));
      continue;
    }
    if (b.kind !== 'resolved') {
      finder.readParagraph(b.text);
      if (b.text.trim()) paras.push(b.text.trim());
      const listKinds = ['bullet', 'lettered', 'numbered'];
      const last = sentences(b.text, ctx.abbreviations).pop() ?? '';
      if (LIST_DECISION.test(last) && blocks[i + 1] && listKinds.includes(blocks[i + 1]!.kind) && !listKinds.includes(b.kind)) {
        // One decision per entry; the lead is kept with each unless it says nothing ("The following was agreed:").
        const lead = last.replace(/[:.]\s*$/, '').replace(PARAGRAPH_NUMBER, '').trim();
        const carried = /^(?:the\s+following|it\s+was)\b/i.test(lead) ? '' : `${lead}: `;
        let j = i + 1;
        for (; j < blocks.length && listKinds.includes(blocks[j]!.kind); j++) {
          const entry = blocks[j]!.text.trim();
          if (!entry) continue;
          resolutions.push(`${carried}${entry}`);
          finder.readParagraph(entry);
          paras.push(entry);
        }
        i = j - 1;
        continue;
      }
      proseDecisions.push(...decisionsInProse(b.text, ctx.abbreviations));
      planning.push(...planningResponses(b.text, /\bplanning\b/i.test(heading.title), ctx.abbreviations));
      continue;
    }
    const text = b.text.replace(ctx.resolutionRe, '').trim();
    const listFollows = (text === '' || /:\s*$/.test(text)) && blocks[i + 1] && ['bullet', 'lettered', 'numbered'].includes(blocks[i + 1]!.kind);
    const inline = /^(.*?):?\s*\(([a-z]|i{1,3})\)\s+/.exec(text);
    if (listFollows) {
      const owner = leadOwner(text);
      const entries: string[] = [];
      const base = blocks[i + 1]!.indent;
      const baseKind = blocks[i + 1]!.kind;
      let j = i + 1;
      for (; j < blocks.length; j++) {
        const e = blocks[j]!;
        if (!['bullet', 'lettered', 'numbered'].includes(e.kind)) break;
        if ((e.indent > base || (e.kind !== baseKind && e.indent >= base && entries.length)) && entries.length) entries[entries.length - 1] = `${entries[entries.length - 1]} ${e.text}`;
        else entries.push(e.text);
      }
      // "That ... the following items should be brought forward:" - a lead that is itself a clause belongs to each entry.
      const lead = text.replace(/:\s*$/, '').trim();
      const carried = lead.split(/\s+/).length >= 4 ? `${lead}: ` : '';
      for (const entry of entries) {
        resolutions.push(`${carried}${entry.trim()}`);
        finder.readResolutionClause(entry, owner);
      }
      i = j - 1;
    } else if (inline) {
      const owner = leadOwner(inline[1]!);
      const parts = text.slice(inline[1]!.length).split(/\s*\((?:[a-z]|i{1,3}|iv|v)\)\s+/).map((p) => p.replace(/[;,]?\s*(?:and)?\s*$/, '').trim()).filter(Boolean);
      for (const part of parts) {
        resolutions.push(part);
        finder.readResolutionClause(part, owner);
      }
    } else if (text) {
      const [first, ...rest] = sentences(text, ctx.abbreviations);
      if (first) {
        resolutions.push(first);
        const clauses = first.split(/,?\s+and\s+(?=to\s)/i);
        for (const clause of clauses.slice(1)) finder.readResolutionClause(clause, null);
        // "That the Clerk should write to ...": the resolution names who is to act.
        if (clauses.length === 1 && /\sshould\s/.test(first)) finder.readResolutionClause(first, null);
      }
      if (rest.length) {
        if (first) finder.noteDecision(first);
        finder.readParagraph(rest.join(' '));
        paras.push(rest.join(' '));
      }
    }
  }
  for (const decision of planning) if (!resolutions.some((r) => r.includes(decision))) resolutions.push(decision);
  if (resolutions.length === planning.length) {
    for (const decision of proseDecisions) {
      if (planning.some((p) => p.includes(decision))) continue;
      resolutions.push(decision);
      finder.readResolutionClause(decision, null);
    }
  }
  // A motion recorded only by its mover and seconder ("Approved – PWh Seconded – RW") is the item's decision.
  if (!resolutions.length) for (const b of blocks) if (b.text.length < 160 && MOTION_ONLY.test(b.text.trim())) resolutions.push(b.text.trim());
  const item: ItemReading = {
    minuteNumber: heading.minuteNumber,
    agendaCode: heading.agendaCode,
    title: heading.title,
    restricted,
    pages: heading.pages,
    resolutions,
    actions: finder.actions,
  };
  ctx.paragraphs?.set(item, paras);
  const text = blocks.map((b) => b.text).join('\n');
  return { item, trace: { item, paragraphNumbers, text, truncatedAt: truncated ? truncated.text.trim() : null, line: heading.line } };
}

const OWNER_PART = /^(?:(?:the\s+)?(?:Clerk|Chair(?:man|person)?|Vice[- ]Chair(?:man)?|Treasurer|Secretary|RFO|Proper Officer|Council|Committee)|[A-Z]{2,4}|(?:Cllrs?|Councillors?|Mr|Mrs|Ms|Miss|Dr)\.?\s+(?:[A-Z]\.?\s*)*[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)$/;

/** True for an owner as printed in an action column: an officer, initials or a titled name, or several joined by "/", "&", "and". */
function ownerLike(text: string): boolean {
  const parts = text.replace(/[.;]$/, '').split(/\s*(?:\/|&|,|\band\b)\s*/).filter(Boolean);
  return parts.length > 0 && parts.every((p) => OWNER_PART.test(p.trim()));
}

/**
 * A row of a table in an item's text. An actions table ("| Action | Owner | Due |") gives
 * an action per row; a minutes table ("| No | Item | Action by | Action date |") gives an
 * action where the owner column is filled beside the minuted text. Returns the row's
 * minuted text (the text column), for the reader to treat as a paragraph.
 */
function readActionTableRow(row: Block, blocks: Block[], i: number, finder: ActionFinder, docHeader: string[] | null): string | null {
  let header: string[] | null = null;
  for (let k = i - 1; k >= 0 && blocks[k]!.kind === 'table'; k--) header = blocks[k]!.cells;
  if (docHeader && (!header || header === row.cells)) header = docHeader;
  const cells = row.cells ?? [];
  if (!header || header === cells) return null;
  const col = (re: RegExp, not: number[] = []) => header!.findIndex((h, k) => re.test(h.trim()) && !not.includes(k));
  const o = col(/^(?:action(?:ed)?\s+by|by\s+whom|owner|lead|who|responsib\w*)$/i);
  const d = col(/due|deadline|when|date/i, [o]);
  let a = col(/^(?:actions?|tasks?|actions?\s+required|agreed\s+actions?)$/i, [o, d]);
  const actionColumn = a >= 0;
  if (a < 0) a = col(/item|detail|minute|discussion|description|notes?|matter|business|subject/i, [o, d]);
  if (a < 0) return null;
  const text = cells[a]?.trim();
  if (!text || /^(action|task)s?$/i.test(text)) return null;
  const owner = o >= 0 ? cells[o]?.trim() ?? '' : '';
  const due = d >= 0 ? cells[d]?.trim() ?? '' : '';
  // A short title beside initials ("i. Highways | TRO") names who reports, not an action.
  const sentenceLike = text.split(/\s+/).length >= 5;
  if (actionColumn) finder.readParagraph(`ACTION: ${owner ? `${owner} to ` : ''}${text}${due ? ` by ${due}` : ''}`);
  else if (owner && sentenceLike) finder.readParagraph(`ACTION: ${owner} to ${text.replace(/[.]\s*$/, '')}${due ? ` by ${due}` : ''}`);
  return actionColumn ? null : text;
}

const HEADER_WORD = /^(?:no\.?|number|minute|ref|item|items|subject|matter|business|details?|discussion|description|notes?|actions?(?:\s+(?:by|date|required))?|tasks?|owner|lead|who|by\s+whom|responsib\w*|due(?:\s+date)?|deadline|when|date|status|decision|outcome|recommendation)$/i;

/** The header row of the table a row belongs to: the nearest row before it of as many cells, all of them column names. */
function tableHeaderBefore(lines: Line[], at: number, width: number): string[] | null {
  if (width < 2) return null;
  for (let k = Math.min(at, lines.length) - 1; k >= 0 && k >= at - 3000; k--) {
    const c = lines[k]!.cells;
    if (!c || c.length !== width) continue;
    const filled = c.map((x) => x.trim()).filter(Boolean);
    if (filled.length >= 2 && filled.every((x) => HEADER_WORD.test(x))) return c;
  }
  return null;
}

function itemRestriction(ctx: Ctx, code: string | null, state: 'restricted' | 'open' | null): boolean | null {
  const letter = code && /^[A-Z]/.test(code) ? code[0]! : null;
  if (letter) {
    if (ctx.restrictedLetters.has(letter)) return true;
    if (ctx.openLetters.has(letter)) return state === 'restricted' ? true : false;
    if (ctx.vocab.restrictedSectionLetters.includes(letter) && !ctx.openLetters.has(letter)) return true;
    return state === 'restricted' ? true : false;
  }
  // Restricted only where the document says so; an item with no mark is open.
  return state === 'restricted';
}

// ---------------------------------------------------------------- meetings

interface Segment {
  role: MeetingRole;
  start: number;
  end: number;
  /** Line of "NOTES of a meeting ..." where there is one. */
  opening: number | null;
}

function headerInfo(ctx: Ctx, seg: Segment, headerEnd: number): { date: string | null; startTime: string | null; venue: string | null; blankVenue: string | null } {
  const { lines, vocab } = ctx;
  const from = seg.opening ?? seg.start;
  const headerLines = lines.slice(seg.start, Math.max(headerEnd, from + 1));
  const joined = headerLines.filter((l) => !l.blank).map((l) => l.text).join(' ');
  const openingText = seg.opening !== null ? lines.slice(seg.opening, Math.min(headerEnd, seg.opening + 4)).filter((l) => !l.blank).map((l) => l.text).join(' ') : '';
  let date: string | null = null;
  let venue: string | null = null;
  let blankVenue: string | null = null;
  const remote = vocab.remoteVenues.map(escapeRe).join('|');
  const held = new RegExp(`\\bheld\\s+(?:(${remote})\\b|(?:in|at)\\s+(.*?))(?:,)?\\s+on\\s+(?=${DAY}|\\d)`, 'i').exec(openingText || joined);
  if (held) {
    if (held[1]) venue = held[1];
    else {
      const place = (held[2] ?? '').trim();
      if (!place || /^(the|a)$/i.test(place)) blankVenue = `'${(openingText || joined).slice(held.index, held.index + held[0].length + 40).replace(/\s+/g, ' ').replace(/[.,]?\s*$/, '').replace(/(\d{4}).*$/, '$1')}'`;
      else venue = place;
    }
  }
  const source = openingText || joined;
  const dates = findDates(source).filter((d) => d.precision === 'day');
  const afterHeld = held ? dates.find((d) => d.at >= held.index) : undefined;
  date = (afterHeld ?? dates[0])?.iso ?? findDates(joined).find((d) => d.precision === 'day')?.iso ?? null;
  const startTime = findTime(source) ?? (openingText ? findTime(joined) : null);
  if (!venue) {
    for (const l of headerLines) {
      // "Venue: All Saints, Boughton", at the start of a line or after the date on it.
      const m = /(?:^|\s)(?:venue|location|place|where)\s*:\s*(.+?)(?:\s+(?:present|date|time|chair|clerk|apologies)\s*:.*)?$/i.exec(l.text);
      if (m) {
        venue = m[1]!.trim().replace(/[.,]$/, '');
        break;
      }
    }
  }
  if (!venue && !blankVenue) {
    // "held their meeting via Zoom", "met on Microsoft Teams"; "held at the Church", "meeting held in the Village Hall, West Burton, on".
    const online = new RegExp(`\\b(?:via|on|by|using)\\s+(?:microsoft\\s+)?(${remote}|zoom|teams|skype|google meet)\\b`, 'i').exec(source);
    const placed = /\b[Hh]eld\s+(?:[Aa]t|[Ii]n)\s+((?:the\s+)?[A-Z][\w'’]*(?:\s+[A-Z][\w'’]*){0,4}(?:,\s*[A-Z][\w'’]*(?:\s+[A-Z][\w'’]*){0,2})?)/.exec(source.replace(/\b([A-Z])([A-Z]+)\b/g, (w, a: string, b: string) => a + b.toLowerCase()));
    if (online) venue = online[1]!.replace(/^zoom$/i, 'Zoom').replace(/^teams$/i, 'Teams');
    else if (placed && !/\b(?:on|at)$/i.test(placed[1]!)) venue = placed[1]!.replace(/\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b.*$/i, '').trim();
  }
  if (!venue && !blankVenue) {
    // "14th July 2015 at 7.30pm Wereham Village Hall Attendance: ...": a place named after the time, up to its last venue word.
    const cut = labelMidLine(source, vocab);
    const opening = cut > 0 ? source.slice(0, cut) : source;
    const afterTime = /\b\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)\s*,?\s+(?:(?:in|at)\s+)?((?:the\s+)?[A-Z][\w'’]*(?:,?\s+[A-Z][\w'’]*){0,6})/i.exec(opening);
    if (afterTime) {
      const words = afterTime[1]!.split(/\s+/);
      let lastVenueWord = -1;
      words.forEach((w, k) => {
        if (vocab.venueWords.includes(w.toLowerCase().replace(/[,.]$/, ''))) lastVenueWord = k;
      });
      if (lastVenueWord >= 0 && /^[A-Z]/.test(afterTime[1]!.replace(/^the\s+/i, ''))) venue = words.slice(0, lastVenueWord + 1).join(' ').replace(/,$/, '');
    }
  }
  if (!venue && !blankVenue) {
    const words = new RegExp(`\\b(${vocab.venueWords.map(escapeRe).join('|')})\\b`, 'i');
    const line = headerLines.find((l) => !l.blank && !/[:@]/.test(l.text) && l.text.split(/\s+/).length <= 10 && words.test(l.text) && !/\d{4}/.test(l.text) && !new RegExp(`\\b(${vocab.bodyWords.map(escapeRe).join('|')})$`, 'i').test(l.text));
    if (line) venue = line.text.trim();
  }
  if (!date && ctx.contextYear) {
    // "Tuesday 8 April": the year from the rest of the document, the one whose calendar fits the weekday.
    const y = yearlessDate(source, ctx.contextYear) ?? yearlessDate(joined, ctx.contextYear);
    if (y) {
      date = y.iso;
      ctx.warnings.push(`the meeting date is printed without a year ('${y.printed}'): ${y.iso.slice(0, 4)} is taken from ${y.weekdayFits ? 'the weekday and ' : ''}the document's other dates; check it`);
    }
  }
  return { date, startTime, venue, blankVenue };
}

function readMeeting(ctx: Ctx, seg: Segment, pageMode: boolean, traces: ItemTrace[], meetingLabel: string): { meeting: MeetingReading; attendanceJoined: { kind: keyof Attendance; piece: string }[] } {
  const { lines, vocab } = ctx;
  if (seg.role === 'agenda') return { meeting: readAgenda(ctx, seg), attendanceJoined: [] };
  const headings = findHeadings(ctx, seg.opening !== null ? seg.opening + 1 : seg.start, seg.end, pageMode);
  const firstHeading = headings[0]?.line ?? seg.end;
  const stopAt = new Set(headings.map((h) => h.line));
  const att = readAttendance(ctx, seg.start, firstHeading, stopAt);
  // Apologies are often minuted as the first item rather than listed above it.
  if (att.attendance.apologies.length === 0) {
    for (let i = seg.start; i < seg.end; i++) {
      // "Apologies were received from ...", "Apologies from Cllr X noted."; not "No apologies from councillors".
      const line = lines[i]!.text;
      if (!/apologies/i.test(line)) continue;
      const APOLOGIES_FROM = /\b(no\s+)?apologies(?:\s+for\s+absence)?\s+(?:(?:were|was|had\s+been)\s+)?(?:(?:received|submitted|given|noted|tendered|reported|accepted)\s+)?(?:from|by|on\s+behalf\s+of)\s*:?\s*(.+)$/i;
      let m: RegExpExecArray | null = null;
      let from = 0;
      for (const sentence of sentences(line, ctx.abbreviations)) {
        const at = line.indexOf(sentence, from);
        from = at + sentence.length;
        const x = APOLOGIES_FROM.exec(line.slice(at));
        if (x && !x[1] && x.index < sentence.length && !/^(?:no\b|none|nil|councillors\b|members\b)/i.test(x[2]!)) {
          m = x;
          break;
        }
      }
      if (!m) continue;
      let text = m[2]!.replace(/\s+(?:noted|accepted|received)\s*\.?$/i, '');
      for (let j = i + 1; j < seg.end && !/\.\s*$/.test(text); j++) {
        if (lines[j]!.blank || stopAt.has(j)) break;
        text = joinBroken(text, lines[j]!.text);
      }
      const first = (sentences(text, ctx.abbreviations)[0] ?? text).replace(/\s+(?:were\s+|was\s+)?(?:noted|accepted|received)\s*\.?$/i, '');
      att.attendance.apologies.push(...parseNameList(first, ctx.tools).attendees);
      break;
    }
  }
  // Or as a bare list under an "Apologies" minute: "52 Apologies for Absence / Cllrs Ives, Ward and Ellis."
  if (att.attendance.apologies.length === 0) {
    const minute = headings.find((h) => /^apologies\b/i.test(h.title));
    const first = minute ? (minute.lead ? { text: minute.lead } : lines.slice(minute.bodyStart, seg.end).find((l) => !l.blank)) : undefined;
    if (first && first.text.split(/\s+/).length <= 15 && !VERBISH.test(first.text) && !/\b(?:none|nil|no apologies)\b/i.test(first.text)) {
      const listed = parseNameList(first.text, ctx.tools).attendees;
      if (listed.length && listed.every((a) => a.name.split(' ').length <= 4 && /^[A-Z]/.test(a.name))) att.attendance.apologies.push(...listed);
    }
  }
  const header = headerInfo(ctx, seg, firstHeading);
  ctx.warnings.push(...weekdayWarnings(lines.slice(seg.start, firstHeading).map((l) => l.text).join(' ')));
  if (header.blankVenue) ctx.warnings.push(`venue is blank: ${header.blankVenue} (no place between 'in the' and 'on')`);
  const year = header.date ? Number(header.date.slice(0, 4)) : undefined;
  const items: ItemReading[] = [];
  let state: 'restricted' | 'open' | null = null;
  let stateLine = seg.start;
  const advanceState = (upTo: number) => {
    for (; stateLine < upTo; stateLine++) {
      const mark = isSectionMarkerLine(lines[stateLine]!, vocab);
      if (mark && !stopAt.has(stateLine)) state = mark;
    }
  };
  headings.forEach((h, k) => {
    advanceState(h.line);
    let end = headings[k + 1]?.line ?? seg.end;
    // A section marker between items closes the item before it.
    for (let i = h.bodyStart; i < end; i++) if (isSectionMarkerLine(lines[i]!, vocab)) { end = i; break; }
    const built = readItem(ctx, h, end, itemRestriction(ctx, h.agendaCode, state), year);
    if (vocab.exclusionTitles.some((t) => h.title.toLowerCase().includes(t))) state = 'restricted';
    items.push(built.item);
    traces.push({ ...built.trace, meetingLabel });
  });
  // Items before the first private item of a meeting that marks one are open.
  const firstPrivate = items.findIndex((i) => i.restricted === true);
  if (firstPrivate > 0 && state !== null) for (const i of items.slice(0, firstPrivate)) if (i.restricted === null) i.restricted = false;
  const role: MeetingRole = pageMode && !items.some((i) => i.resolutions.length) ? 'agenda' : 'minutes';
  return {
    meeting: { role, date: header.date, startTime: header.startTime, venue: header.venue, attendance: att.attendance, items },
    attendanceJoined: att.joined,
  };
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "MONDAY 13th MAY 2015" when 13 May 2015 was a Wednesday: the clerk decides which is right. */
export function weekdayWarnings(text: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`\\b(${DAY}),?\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${MONTHS.join('|')}),?\\s+(\\d{4})\\b`, 'gi');
  for (const m of text.matchAll(re)) {
    const day = Number(m[2]);
    const month = MONTHS.indexOf(m[3]!.toLowerCase());
    const date = new Date(Date.UTC(Number(m[4]), month, day));
    if (date.getUTCDate() !== day) continue;
    const printed = m[1]!.toLowerCase();
    const actual = WEEKDAYS[date.getUTCDay()]!;
    if (printed !== actual.toLowerCase()) out.push(`the weekday and date disagree: '${m[0]}', but ${day} ${m[3]!.charAt(0).toUpperCase()}${m[3]!.slice(1).toLowerCase()} ${m[4]} was a ${actual}; check which is right`);
  }
  return out;
}

// Lower-case roman numerals up to 39, then a stop, a bracket or a space, then the title.
const ROMAN_ITEM = /^\(?(x{0,3}(?:ix|iv|v?i{0,3}))(?<=[ivx])[.)]?\s+(\S.*)$/;

/** A short line standing alone that names a standing item of most agendas. */
function standingItem(text: string, vocab: Vocabulary): boolean {
  const t = text.trim().replace(/[.:]$/, '');
  if (/[:;,]/.test(t) || t.split(/\s+/).length > 5 || !titleLike(t)) return false;
  const lower = t.toLowerCase().replace(/[’']/g, "'");
  return vocab.standardItems.some((s) => lower === s || lower.startsWith(`${s} `));
}

function readAgenda(ctx: Ctx, seg: Segment): MeetingReading {
  const { lines, vocab } = ctx;
  const items: ItemReading[] = [];
  const nonItem = new RegExp(`\\b(${vocab.nonItemPhrases.map(escapeRe).join('|')})\\b`, 'i');
  let state: 'restricted' | 'open' | null = null;
  let sectionLetter: string | null = null;
  let firstItemLine = seg.end;
  const numbered = lines.slice(seg.start, seg.end).some((l) => /^[A-Z]\s?\d{1,2}[a-z]?\b/.test(l.text));
  // Items follow the summons where there is one, not the letterhead above it.
  for (let i = seg.opening ?? seg.start; i < seg.end; i++) {
    const line = lines[i]!;
    if (line.blank) continue;
    const t = line.text;
    const section = /^([A-Z])\s*[.\-–:]\s*(\S.*)$/.exec(t);
    const mark = isSectionMarkerLine(line, vocab) ?? (section ? markerOf(section[2]!, vocab) : null);
    if (section && !/^[A-Z]\s?\d/.test(t) && section[2]!.split(/\s+/).length <= 12) {
      sectionLetter = section[1]!;
      let sectionMark = mark;
      // The line under a section heading often says whether the public may stay.
      const next = lines.slice(i + 1, i + 4).find((l) => !l.blank);
      if (!sectionMark && next) sectionMark = markerOf(next.text, vocab);
      if (sectionMark === 'restricted') ctx.restrictedLetters.add(sectionLetter);
      else ctx.openLetters.add(sectionLetter);
      if (sectionMark) state = sectionMark;
      continue;
    }
    if (mark) {
      state = mark;
      continue;
    }
    let code: string | null = null;
    let title = '';
    let m = /^([A-Z])\s?(\d{1,2}[a-z]?)\.?(?:\s+(.*))?$/.exec(t);
    if (m && numbered) {
      code = `${m[1]}${m[2]}`;
      title = m[3] ?? '';
    } else if (!numbered && (m = /^(?:Item\s+)?(\d{1,2}[a-z]?)[.):]?\s+(\S.*)$/i.exec(t)) && titleLike(clean(m[2]!, vocab).replace(PAGES, '').trim().replace(/([a-z])\.$/, '$1') || 'x')) {
      code = m[1]!;
      title = m[2]!;
    } else if (!numbered && (m = ROMAN_ITEM.exec(t)) && titleLike(clean(m[2]!, vocab))) {
      // "iv. Planning", "vii Financial Report": items (or sub-items) numbered in roman numerals, kept as printed.
      code = m[1]!;
      title = m[2]!;
    } else if (!numbered && !line.bullet && !line.cells && standingItem(t, vocab) && i > (seg.opening ?? seg.start)) {
      // An unnumbered line naming a standing item ("Apologies", "Public Questions") among numbered ones.
      title = t;
    } else if (line.heading && !numbered && titleLike(t) && !/^(agenda|minutes)\b/i.test(t) && i > seg.start + 1) {
      title = t;
    } else continue;
    let j = i + 1;
    if (!title.trim()) {
      while (j < seg.end && lines[j]!.blank) j++;
      if (j >= seg.end) continue;
      title = lines[j]!.text;
      j++;
    }
    if (/\(\s*Pages?\s+[\d\s\-–]*$/i.test(title) && j < seg.end) {
      title = joinBroken(title, lines[j]!.text);
      j++;
    }
    if (nonItem.test(title)) continue;
    firstItemLine = Math.min(firstItemLine, i);
    const letter = code && /^[A-Z]/.test(code) ? code[0]! : sectionLetter;
    items.push({
      minuteNumber: null,
      agendaCode: code,
      title: tidyTitle(title, ctx),
      restricted: letter && code && /^[A-Z]/.test(code) ? itemRestriction(ctx, code, state) : state === 'restricted',
      pages: pagesOf(title),
      resolutions: [],
      actions: [],
    });
    i = j - 1;
  }
  // Decide restriction again now that every section heading has been seen.
  for (const item of items) if (item.agendaCode && /^[A-Z]/.test(item.agendaCode) && ctx.restrictedLetters.has(item.agendaCode[0]!)) item.restricted = true;
  const header = headerInfo(ctx, seg, firstItemLine === seg.end ? seg.start + 12 : firstItemLine);
  return { role: 'agenda', date: header.date, startTime: header.startTime, venue: header.venue, attendance: { present: [], alsoPresent: [], inAttendance: [], apologies: [] }, items };
}

// ---------------------------------------------------------------- document

function findBody(ctx: Ctx, segments: Segment[], pageTitle: string | null): string | null {
  const { lines, vocab } = ctx;
  const bodyWord = new RegExp(`\\b(${vocab.bodyWords.map(escapeRe).join('|')})s?\\b`, 'i');
  let fromOpening: string | null = null;
  for (const seg of segments) {
    if (seg.opening === null) continue;
    const text = lines.slice(seg.opening, seg.opening + 3).filter((l) => !l.blank).map((l) => l.text).join(' ');
    const m = new RegExp(`\\bmeeting\\s+of\\s+(?:the\\s+)?(.+?)(?:\\s+held\\b|\\s+on\\s+${DAY}|\\s+on\\s+\\d|,|\\.\\s|\\s+at\\s|$)`, 'i').exec(text);
    if (m && bodyWord.test(m[1]!)) {
      fromOpening = m[1]!.trim();
      break;
    }
  }
  const top: string[] = [];
  for (const l of lines.slice(0, 40)) {
    if (l.blank) continue;
    const t = clean(l.text, vocab);
    if (t.split(/\s+/).length <= 12 && bodyWord.test(t.replace(/\s+[-–]\s+.*$/, '').split(/\s+/).slice(-1).join(' ')) && !/[:@]/.test(t) && !/^(minutes|notes|agenda)\b/i.test(t) && !MINUTE_HEAD.test(t) && titleLike(t)) top.push(t.replace(/\s+[-–]\s+.*$/, ''));
    if (top.length > 6) break;
  }
  if (fromOpening) {
    const longer = top.find((t) => t.toLowerCase().endsWith(fromOpening!.toLowerCase()) && t.length > fromOpening!.length);
    return titleCase(longer ?? fromOpening);
  }
  if (pageTitle) return titleCase(pageTitle);
  if (top.length === 0) {
    // "11 November 2020 Manordeilo and Salem Community Council held their meeting via Zoom": a council named in the opening prose.
    // Printed in capitals too ("MINUTES OF WRETTON PARISH COUNCIL MEETING"); the words before the
    // name that say what the paper or the meeting is ("Minutes of the Ordinary") are not part of it.
    const kind = (w: string) => `${w}|${w.toUpperCase()}`;
    const named = new RegExp(
      `((?:[A-Z][\\w'’-]*(?:\\s+(?:and|cum|on|upon|in|le|by|under|AND|CUM|ON|UPON|IN|LE|BY|UNDER)\\s+|\\s+|-)){1,6}(?:${['Parish', 'Town', 'Community', 'City', 'County', 'District', 'Borough', 'Village'].map(kind).join('|')})\\s+(?:Council|COUNCIL))\\b`,
    );
    const lead = /^(?:(?:the|a|an|minutes|notes|agenda|of|for|ordinary|annual|extraordinary|special|full|monthly|draft|approved|unconfirmed|confirmed)\s+)+/i;
    for (const l of lines.slice(0, 20)) {
      const m = named.exec(l.text);
      if (!m) continue;
      const name = m[1]!.trim().replace(lead, '');
      if (name.split(/\s+/).length >= 3) return titleCase(name);
    }
  }
  if (top.length === 0 && ctx.documentTitle) {
    // "Wereham Parish Council - July Meeting", "X Parish Council Minutes for Tuesday, ...": the body is the part before.
    const named = /^(.+?)(?:\s+[-–|:]\s+|\s+(?:minutes|agenda|notes|meeting)\b|$)/i.exec(ctx.documentTitle)?.[1];
    if (named && bodyWord.test(named)) return titleCase(named.trim());
  }
  const candidates = top.filter((t) => !/\b(county|district|borough|city|metropolitan)\s+council$/i.test(t) || top.length === 1);
  const pick = candidates[candidates.length - 1] ?? top[0];
  return pick ? titleCase(pick.replace(/^(?:minutes|notes|agenda)\s+(?:of|for)\s+(?:the\s+)?/i, '')) : null;
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** The most common year among the document's full dates; else the metadata's; else one in the file name. */
function contextYear(text: string, documentDate: string | null, source: string): number | null {
  const counts = new Map<number, number>();
  for (const d of findDates(text.length > 200_000 ? text.slice(0, 200_000) : text)) {
    const y = Number(d.iso.slice(0, 4));
    counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  if (best) return best[0];
  if (documentDate) return Number(documentDate.slice(0, 4));
  const named = /(?:^|\D)((?:19|20)\d{2})(?:\D|$)/.exec(source);
  return named ? Number(named[1]) : null;
}

/** A day and month with no year ("Tuesday 8th April", "April 8"): the year is the context's, or the one beside it that the weekday fits. */
function yearlessDate(text: string, year: number): { iso: string; printed: string; weekdayFits: boolean } | null {
  const month = '(January|February|March|April|May|June|July|August|September|October|November|December)';
  const re = new RegExp(`(?:\\b(${DAY}),?\\s+)?(?:(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+of)?\\s+${month}|${month}\\s+(\\d{1,2})(?:st|nd|rd|th)?)\\b(?!,?\\s+\\d{4})`, 'i');
  const m = re.exec(text);
  if (!m) return null;
  const day = Number(m[2] ?? m[5]);
  const mon = MONTH_NAMES.indexOf((m[3] ?? m[4])!.toLowerCase()) + 1;
  const iso = (y: number) => `${y}-${String(mon).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const weekday = m[1]?.toLowerCase();
  const fits = (y: number) => new Date(`${iso(y)}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' }).toLowerCase() === weekday;
  if (day < 1 || day > 31) return null;
  if (weekday) for (const y of [year, year - 1, year + 1]) if (fits(y)) return { iso: iso(y), printed: m[0].trim(), weekdayFits: true };
  return { iso: iso(year), printed: m[0].trim(), weekdayFits: false };
}

export function readDocument(text: string, source: string, options: ReadOptions = {}): DocumentReading {
  const vocab = options.vocabulary ?? defaultVocabulary;
  const runIns: RunInSplit[] = [];
  const lines = toLines(splitRunIn(text, runIns));
  const ctx: Ctx = {
    vocab,
    tools: nameTools(vocab),
    abbreviations: abbreviationSet(vocab),
    lines,
    warnings: [],
    restrictedLetters: new Set(),
    openLetters: new Set(),
    resolutionRe: resolutionMarker(vocab),
    paragraphs: options.paragraphs,
    documentTitle: options.documentTitle ?? null,
  };
  ctx.contextYear = contextYear(text, options.documentDate ?? null, source);
  const regions = findReportRegions(lines, vocab);
  const contentEnd = regions[0]?.start ?? lines.length;

  const firstLine = lines.find((l) => !l.blank);
  const page = firstLine ? new RegExp(`^(.+?)\\s+[-–]\\s+(${DAY},?\\s+\\d{1,2}(?:st|nd|rd|th)?\\s+\\w+,?\\s+\\d{4}.*)$`, 'i').exec(firstLine.text) : null;
  const pageMode = Boolean(page) || Boolean(options.moderngov && !lines.some((l) => /^(minutes|notes)\s+of\s+(a|the)\b/i.test(l.text)));

  const minutesWords = vocab.minutesWords.map(escapeRe).join('|');
  const openingRe = new RegExp(`^(?:${minutesWords})\\s+(?:of|from)\\s+(?:a|the|an)\\s+(?!(?:previous|last|prior|earlier)\\b)(?:\\w+\\s+){0,4}?meeting\\b|^(?:${minutesWords})\\s+of\\s+(?:the\\s+)?.{3,80}?\\s+(?:held|meeting)\\b`, 'i');
  const agendaRe = new RegExp(`^(?:${vocab.agendaWords.map(escapeRe).join('|')})$`, 'i');
  const starts: Segment[] = [];
  for (let i = 0; i < contentEnd; i++) {
    const l = lines[i]!;
    if (l.blank) continue;
    if (openingRe.test(l.text)) starts.push({ role: 'minutes', start: i, end: contentEnd, opening: i });
    else if ((agendaRe.test(l.text.replace(/[:.]$/, '')) || SUMMONS.test(l.text)) && !starts.some((s) => s.role === 'agenda')) starts.push({ role: 'agenda', start: i, end: contentEnd, opening: SUMMONS.test(l.text) ? i : null });
  }
  // A summons with no minutes heading after it: the minutes begin with the record of who was
  // there ("Date held: ... Present:"), the cue a segmenter has where the words are missing.
  const summons = starts.find((s) => s.role === 'agenda' && SUMMONS.test(lines[s.start]!.text));
  if (summons && !starts.some((s) => s.role === 'minutes' && s.start > summons.start)) {
    const labels = attendanceLabelRe(vocab);
    const present = lines.findIndex((l, i) => i > summons.start && i < contentEnd && !l.bullet && /^(?:present|members present|councillors present|attendees|attendance)\b\s*:?/i.test(l.text) && labels.test(l.text));
    if (present > 0) {
      let at = present;
      for (let k = present - 1; k > summons.start && k >= present - 4; k--) if (!lines[k]!.blank && findDates(lines[k]!.text).some((d) => d.precision === 'day')) at = k;
      starts.push({ role: 'minutes', start: at, end: contentEnd, opening: null });
    }
  }
  let segments: Segment[];
  if (pageMode || starts.length === 0) {
    const hasCodesOnly = !lines.some((l) => ctx.resolutionRe.test(l.text)) && lines.some((l) => /^[A-Z]\d{1,2}\b/.test(l.text));
    segments = [{ role: hasCodesOnly && !pageMode ? 'agenda' : 'minutes', start: 0, end: contentEnd, opening: page && firstLine ? firstLine.index : null }];
  } else {
    segments = starts;
    // Letterhead above the first opening line belongs to that meeting.
    segments[0]!.start = 0;
    segments.forEach((s, i) => (s.end = segments[i + 1]?.start ?? contentEnd));
    // Letterhead lines just above a later opening belong to it, not to the meeting before.
    for (let i = 1; i < segments.length; i++) {
      const s = segments[i]!;
      let k = s.start - 1;
      let taken = 0;
      while (k > segments[i - 1]!.start && taken < 6 && (lines[k]!.blank || (lines[k]!.text === lines[k]!.text.toUpperCase() && lines[k]!.text.split(/\s+/).length <= 8))) {
        if (!lines[k]!.blank) taken++;
        k--;
      }
      if (taken) {
        s.start = k + 1;
        segments[i - 1]!.end = s.start;
      }
    }
  }

  const traces: ItemTrace[] = [];
  const meetings: MeetingReading[] = [];
  const joins: { label: string; kind: keyof Attendance; piece: string }[] = [];
  for (const seg of segments) {
    const label = segments.length > 1 ? `meeting ${meetings.length + 1}` : '';
    const { meeting, attendanceJoined } = readMeeting(ctx, seg, pageMode, traces, label);
    if (pageMode && page) meeting.date = findDates(page[2]!)[0]?.iso ?? meeting.date;
    if (pageMode && page && !meeting.startTime) meeting.startTime = findTime(page[2]!);
    meetings.push(meeting);
    for (const j of attendanceJoined) joins.push({ label: meeting.date ?? '', ...j });
  }
  // Label items in warnings with the meeting date when a document holds several meetings.
  if (meetings.length > 1) for (const t of traces) t.meetingLabel = meetings.find((m) => m.items.includes(t.item))?.date ?? t.meetingLabel;

  const reports: ReportReading[] = regions.map((r) => readReport(lines, r, vocab)).filter((r) => r.title);
  const agenda = meetings.find((m) => m.role === 'agenda');
  if (agenda) assignReportCodes(reports, agenda.items);

  const documentKind: DocumentKind = pageMode ? 'meeting-page' : meetings.some((m) => m.role === 'agenda') ? 'agenda-pack' : 'minutes';
  const body = findBody(ctx, segments, page ? page[1]!.trim() : null);

  const warnings = [...(options.extractionNotes ?? []), ...ctx.warnings];
  const multi = meetings.length > 1;
  warnings.push(...documentFormWarnings(lines, meetings, traces, options, runIns));
  for (const meeting of meetings) {
    const prefix = multi && meeting.date ? `${meeting.date} ` : '';
    warnings.push(...attendanceWarnings(meeting.attendance, ctx.tools, prefix, joins.filter((j) => j.label === (meeting.date ?? '')), vocab));
    const meetingTraces = traces.filter((t) => meeting.items.includes(t.item));
    warnings.push(...numberingWarnings(meetingTraces, prefix));
    warnings.push(...nameWarnings(meeting.attendance, meetingTraces, ctx.tools, vocab));
  }
  warnings.push(...placeholderWarnings(ctx, traces));
  // Fields the draft will leave blank, so the clerk looks for them in the original.
  for (const meeting of meetings) {
    if (meeting.role !== 'minutes' || !meeting.items.length) continue;
    const prefix = multi && meeting.date ? `${meeting.date}: ` : '';
    if (!meeting.startTime && !meeting.venue) warnings.push(`${prefix}no venue or start time is given for the meeting`);
    else if (!meeting.startTime) warnings.push(`${prefix}the meeting has no start time`);
    else if (!meeting.venue) warnings.push(`${prefix}no venue is given for the meeting`);
  }
  // A reading with no items must say so: a clerk would otherwise accept an empty draft.
  for (const meeting of meetings) {
    if (meeting.items.length) continue;
    const what = meeting.role === 'agenda' ? 'agenda' : 'minutes';
    warnings.push(`no items were found in the ${what}${meeting.date ? ` of ${meeting.date}` : ''}: the layout was not recognised, so the draft has no items; check the document and add its items by hand`);
  }
  return { source, documentKind, body, meetings, reports, warnings: [...new Set(warnings)] };
}

function placeholderWarnings(ctx: Ctx, traces: ItemTrace[]): string[] {
  const found: { line: number; text: string }[] = [];
  for (const l of ctx.lines) {
    const raw = l.raw.trim().replace(/^[-*+]\s+/, '');
    if (ctx.vocab.placeholderPatterns.some((p) => p.test(raw))) found.push({ line: l.index, text: raw.length > 80 ? raw.slice(0, 77) + '...' : raw });
  }
  if (!found.length) return [];
  const before = [...traces].filter((t) => t.line < found[0]!.line).pop();
  const where = before ? ` after minute ${before.item.minuteNumber ?? `'${before.item.title}'`}` : '';
  const list = found.slice(0, 6).map((f) => `'${f.text}'`);
  const printed = list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}` : list[0];
  return [`leftover template placeholders${where}: ${printed}`];
}
