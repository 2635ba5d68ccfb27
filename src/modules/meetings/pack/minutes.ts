// The minutes of a meeting as blocks of text, the way the seeds print them: attendance,
// then each minuted item as "27. Title (Item A4)" with numbered paragraphs and RESOLVED
// clauses. Built from the view already filtered for the reader (record.ts), so a public
// copy has no restricted minutes to leave out.
import type { MeetingView } from '../record.ts';
import { formatDate, formatDateTime } from '../../../web/nunjucks.ts';
import type { Block } from './layout.ts';

export const RESTRICTED_MARK = 'Restricted – not for publication';
export const DRAFT_MARK = 'DRAFT – not yet approved as a correct record';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "Thursday 18 November 2021" from 'YYYY-MM-DD'. */
export function longDate(iso: string): string {
  const day = new Date(`${iso.slice(0, 10)}T12:00:00Z`).getUTCDay();
  return `${WEEKDAYS[day] ?? ''} ${formatDate(iso)}`.trim();
}

/** Items that have minutes to print: the same rule as the meeting page. */
export function minutedItems(view: MeetingView) {
  return view.items.filter((i) => i.minute_number !== null || i.minute_printed !== null || i.paragraphs.length > 0 || i.resolutions.length > 0);
}

export interface MinutesOptions {
  /** A line above the title, e.g. which agenda item of a pack these minutes belong to. */
  caption?: string;
  /** The "Chair ... Date ..." lines the chair signs once the minutes are approved: on the minutes' own PDF. */
  signature?: boolean;
}

/** Where the chair signs the approved minutes. */
export const SIGNATURE_LINE = 'Chair ........................................    Date ....................';

export function minutesBlocks(view: MeetingView, opts: MinutesOptions = {}): Block[] {
  const m = view.meeting;
  const blocks: Block[] = [];
  if (opts.caption) blocks.push({ kind: 'text', text: opts.caption, font: 'italic', size: 10 });
  blocks.push({ kind: 'heading', level: 1, text: m.body_name });
  blocks.push({ kind: 'heading', level: 2, text: view.minutesDraft ? 'Draft minutes' : 'Minutes' });
  blocks.push({ kind: 'text', text: `Minutes of the meeting of the ${m.body_name} held on ${longDate(m.meets_on)} at ${view.when}, ${view.where}.` });
  if (view.minutesDraft) blocks.push({ kind: 'text', text: `${DRAFT_MARK}.`, font: 'bold' });
  else if (m.minutes_approved_at) blocks.push({ kind: 'text', text: `Approved as a correct record on ${formatDate(m.minutes_approved_at)}.`, font: 'italic' });
  if (view.items.some((i) => i.restricted && (i.paragraphs.length || i.resolutions.length))) {
    blocks.push({ kind: 'text', text: `This copy includes restricted minutes, each marked “${RESTRICTED_MARK}”.`, font: 'bold' });
  }

  if (view.attendance.length) {
    blocks.push({ kind: 'space', height: 6 });
    for (const group of view.attendance) {
      const names = group.people.map((a) => a.text);
      blocks.push({ kind: 'text', label: `${group.heading}:`, labelWidth: 92, text: `${names.join(', ')}.` });
    }
  }

  let restrictedHeadingDone = false;
  for (const item of minutedItems(view)) {
    if (item.restricted && !restrictedHeadingDone) {
      blocks.push({ kind: 'heading', level: 2, text: 'Restricted items' });
      restrictedHeadingDone = true;
    }
    const number = item.minute_printed ? `${item.minute_printed}. ` : item.minute_number !== null ? `${item.minute_number}. ` : '';
    blocks.push({ kind: 'heading', level: 3, text: `${number}${item.title} (Item ${item.code})` });
    if (item.restricted) blocks.push({ kind: 'text', text: RESTRICTED_MARK, font: 'bold', size: 9 });
    for (const d of item.declarations) blocks.push({ kind: 'text', text: `${d.personName} declared an interest: ${d.interest}` });
    for (const p of item.paragraphs) blocks.push({ kind: 'text', label: `(${p.number})`, labelWidth: 28, text: p.text });
    if (item.resolutions.length === 1) {
      blocks.push({ kind: 'text', label: 'RESOLVED', labelWidth: 68, text: item.resolutions[0]!.text });
    } else if (item.resolutions.length > 1) {
      blocks.push({ kind: 'text', text: 'RESOLVED:', font: 'bold', keepWithNext: true, spaceAfter: 2 });
      for (const r of item.resolutions) blocks.push({ kind: 'text', label: r.label, labelWidth: 22, indent: 12, text: r.text });
    }
  }
  if (!minutedItems(view).length) blocks.push({ kind: 'text', text: 'No minutes have been written for this meeting yet.', font: 'italic' });
  if (view.closingText) blocks.push({ kind: 'text', text: view.closingText, spaceAfter: 12 });

  if (view.amendments.length) {
    blocks.push({ kind: 'heading', level: 2, text: 'Amendments after approval' });
    for (const a of view.amendments) {
      blocks.push({ kind: 'text', text: `${formatDateTime(a.amended_at)}, ${a.amended_by_label}: ${a.reason}. Was: “${a.before}”. Now: “${a.after}”.` });
    }
  }
  if (opts.signature) {
    blocks.push({ kind: 'space', height: 30 });
    blocks.push({ kind: 'text', text: SIGNATURE_LINE, keepWithNext: false });
  }
  return blocks;
}
