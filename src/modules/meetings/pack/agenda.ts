// The front of an agenda pack: the cover (partnership, body, date, time, venue, contact
// officer, which pack this is) and the agenda in its sections, with "(Pages x - y)"
// against each item whose papers are in the pack.
import type { MeetingView } from '../record.ts';
import type { Block } from './layout.ts';
import { longDate, RESTRICTED_MARK } from './minutes.ts';
import type { MatterArising } from '../../actions/mattersArising.ts';

export interface CoverDetails {
  /** "Mr Stuart Macrae (Chair)": the body's members on the day of the meeting. */
  members: string[];
  quorum: number | null;
  /** The link to join online: printed in the members' pack and for the partnership's own people only. */
  joiningUrl: string | null;
}

export interface FrontOptions {
  partnershipName: string;
  /** The cover's membership, quorum and how to attend (pack/routes.ts). */
  cover?: CoverDetails;
  /** The reader is entitled to restricted items: the members' pack. */
  membersPack: boolean;
  /**
   * The actions the "matters arising" item carries, as this reader may see them (none for
   * the public: actions are the partnership's working record).
   */
  mattersArising?: readonly MatterArising[];
}

/** How a late item published by a supplementary agenda is marked. */
export const SUPPLEMENT_MARK = 'SUPPLEMENTARY';

export const PUBLIC_PACK_NOTE =
  'Public pack: restricted items (business held without the press and public) and their papers are not included.';
export const MEMBERS_PACK_NOTE =
  `Members’ pack: includes restricted items and their papers, each marked “${RESTRICTED_MARK}”. Do not pass it on.`;

export function coverBlocks(view: MeetingView, opts: FrontOptions): Block[] {
  const m = view.meeting;
  const blocks: Block[] = [
    { kind: 'space', height: 40 },
    { kind: 'text', text: 'AGENDA', font: 'bold', size: 14, spaceAfter: 18 },
    { kind: 'heading', level: 1, text: m.body_name },
  ];
  if (opts.partnershipName && opts.partnershipName !== m.body_name) blocks.push({ kind: 'text', text: opts.partnershipName, size: 13, spaceAfter: 24 });
  else blocks.push({ kind: 'space', height: 18 });
  const row = (label: string, text: string): Block => ({ kind: 'text', label, labelWidth: 120, text, size: 12, spaceAfter: 8 });
  blocks.push(row('Date', longDate(m.meets_on)));
  blocks.push(row('Time', view.when));
  blocks.push(row('Venue', view.where));
  if (view.contactName) blocks.push(row('Contact officer', view.contactName));
  const c = opts.cover;
  if (c) {
    const attend = m.online
      ? m.venue
        ? `In person at ${m.venue}, or online${c.joiningUrl ? '' : ': ask the contact officer for the link'}.`
        : `Online${c.joiningUrl ? '' : ': ask the contact officer for the link'}.`
      : `In person at ${m.venue ?? 'the venue above'}.`;
    blocks.push(row('How to attend', attend));
    if (c.joiningUrl) blocks.push(row('Joining link', c.joiningUrl));
    if (c.quorum) blocks.push(row('Quorum', `${c.quorum} members`));
    if (c.members.length) blocks.push(row('Membership', c.members.join(', ')));
  }
  blocks.push({ kind: 'space', height: 24 });
  if (m.status === 'cancelled') {
    blocks.push({ kind: 'text', text: `This meeting was cancelled${m.cancelled_reason ? `: ${m.cancelled_reason}` : ''}.`, font: 'bold', size: 12 });
  }
  if (!m.agenda_published_at) {
    blocks.push({ kind: 'text', text: 'DRAFT AGENDA – not yet published. For the partnership’s own people only.', font: 'bold', size: 12 });
  }
  blocks.push({ kind: 'text', text: opts.membersPack ? MEMBERS_PACK_NOTE : PUBLIC_PACK_NOTE, font: 'bold' });
  if (m.agenda_published_at) blocks.push({ kind: 'text', text: `Agenda published on ${longDate(formatIso(m.agenda_published_at))}.`, font: 'italic' });
  // Each supplementary agenda with its own date; its items are marked in the agenda.
  for (const p of (view.publications ?? []).filter((x) => x.kind === 'supplement')) {
    blocks.push({ kind: 'text', text: `Supplementary agenda ${p.number} published on ${longDate(formatIso(p.published_at))}: its items are marked “${SUPPLEMENT_MARK}”.`, font: 'italic' });
  }
  return blocks;
}

const formatIso = (d: Date) => d.toISOString().slice(0, 10);

/** "(Pages 7 - 10)", "(Page 5)", or for papers in two places "(Pages 3 - 8, 12 - 13)". */
export function pagesText(ranges: readonly { from: number; to: number }[]): string {
  if (!ranges.length) return '';
  if (ranges.length === 1 && ranges[0]!.from === ranges[0]!.to) return `(Page ${ranges[0]!.from})`;
  return `(Pages ${ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from} - ${r.to}`)).join(', ')})`;
}

export function agendaBlocks(view: MeetingView, ranges: ReadonlyMap<string, { from: number; to: number }[]>, opts: FrontOptions): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: 'Agenda' },
    { kind: 'text', text: `${view.meeting.body_name}, ${longDate(view.meeting.meets_on)} at ${view.when}, ${view.where}`, font: 'italic', spaceAfter: 12 },
  ];
  for (const section of view.sections) {
    blocks.push({ kind: 'heading', level: 2, text: `${section.code}. ${section.title}` });
    if (section.restricted && section.items.length) {
      blocks.push({ kind: 'text', text: RESTRICTED_MARK, font: 'bold' });
      if (section.exemption_reason) blocks.push({ kind: 'text', text: section.exemption_reason, font: 'italic', size: 10 });
    }
    // Items this reader may not see: that they are held without press and public, and why; never their titles.
    for (const w of section.withheld) blocks.push({ kind: 'text', label: w.code, labelWidth: 44, text: w.notice, spaceAfter: 5 });
    if (!section.items.length && !section.withheld.length) blocks.push({ kind: 'text', text: 'No items.', font: 'italic', indent: 44 });
    for (const item of section.items) {
      const pages = pagesText(ranges.get(item.id) ?? []);
      blocks.push({ kind: 'text', label: item.code, labelWidth: 44, text: pages ? `${item.title} ${pages}` : item.title, spaceAfter: 3 });
      if (item.supplement) blocks.push({ kind: 'text', text: `${SUPPLEMENT_MARK} (supplementary agenda ${item.supplement})`, font: 'bold', size: 9, indent: 44, spaceAfter: 3 });
      if (item.pending) blocks.push({ kind: 'text', text: 'LATE ITEM – not yet published', font: 'bold', size: 9, indent: 44, spaceAfter: 3 });
      for (const paper of item.papers.filter((x) => x.supplement && !item.supplement)) {
        blocks.push({ kind: 'text', text: `${SUPPLEMENT_MARK} paper (supplementary agenda ${paper.supplement}): ${paper.title}`, font: 'bold', size: 9, indent: 44, spaceAfter: 3 });
      }
      if (item.restricted && !section.restricted) blocks.push({ kind: 'text', text: RESTRICTED_MARK, font: 'bold', size: 9, indent: 44, spaceAfter: 3 });
      if (item.presenter) blocks.push({ kind: 'text', text: `Presented by ${item.presenter}`, font: 'italic', size: 10, indent: 44, spaceAfter: 3 });
      if (item.description) blocks.push({ kind: 'text', text: item.description, size: 10, indent: 44, spaceAfter: 3 });
      if (item.generatedText) blocks.push({ kind: 'text', text: item.generatedText, size: 10, indent: 44, spaceAfter: 3 });
      if (item.kind === 'matters-arising' && opts.mattersArising) blocks.push(...mattersArisingBlocks(opts.mattersArising));
      blocks.push({ kind: 'space', height: 5 });
    }
  }
  if (!opts.membersPack) {
    blocks.push({ kind: 'space', height: 12 });
    blocks.push({ kind: 'text', text: 'Restricted items are not included in this pack: any business held without the press and public, and its papers, is left out of the public pack.', font: 'italic' });
  }
  return blocks;
}

/** The matters arising list under its item: each open action, its owner and how it stands for the meeting. */
export function mattersArisingBlocks(actions: readonly MatterArising[]): Block[] {
  if (!actions.length) return [{ kind: 'text', text: 'No open actions.', size: 10, indent: 44, spaceAfter: 3 }];
  return [
    { kind: 'text', text: 'Open actions, overdue first:', size: 10, indent: 44, spaceAfter: 2, keepWithNext: true },
    ...actions.map((a): Block => ({
      kind: 'text', label: '•', labelWidth: 12, indent: 44, size: 10, spaceAfter: 2,
      text: `${a.description} (${a.owner.name}): ${a.dueWording}${a.restricted ? `. ${RESTRICTED_MARK}` : ''}.`,
    })),
  ];
}
