// Warnings about the document's form rather than its content: what a careful clerk would
// flag before trusting the draft (SCHEMA.md `warnings`). Each is a general pattern: dates
// the metadata gives, numbering with gaps, minutes run together, text the PDF garbled.

import type { MeetingReading } from './types.ts';
import type { Line } from './text.ts';
import type { ItemTrace } from './warnings.ts';
import type { RunInSplit } from './numbering.ts';

interface FormOptions {
  documentDate?: string | null;
}

const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

export function documentFormWarnings(lines: Line[], meetings: MeetingReading[], traces: ItemTrace[], options: FormOptions, runIns: RunInSplit[]): string[] {
  const out: string[] = [];
  const minutes = meetings.filter((m) => m.role === 'minutes');
  const dates = meetings.map((m) => m.date).filter(Boolean) as string[];
  // A publication date in the metadata that is not the meeting's date.
  if (options.documentDate && dates.length && !dates.includes(options.documentDate))
    out.push(`the front matter's date (${options.documentDate}) is not the meeting date (${dates[0]}): it is probably when the page was published; the meeting date is used`);

  for (const meeting of minutes) {
    const own = traces.filter((t) => meeting.items.includes(t.item));
    const prefix = meetings.length > 1 && meeting.date ? `${meeting.date}: ` : '';
    // Gaps in the top-level numbering, with the run as printed.
    const tops = own.map((t) => /^(\d{1,3})(?:\.0)?$/.exec(t.item.minuteNumber ?? '')?.[1]).filter(Boolean).map(Number);
    if (tops.length >= 3) {
      const seen = new Set(tops);
      const lo = Math.min(...tops);
      const hi = Math.max(...tops);
      const missing: string[] = [];
      for (let n = lo + 1; n < hi; n++) if (!seen.has(n)) missing.push(String(n));
      if (missing.length && missing.length <= 5) out.push(`${prefix}minute numbering skips ${list(missing)}: the items run ${tops.join(', ')}`);
    }
    // A numbered sentence with no heading: the whole minute is its title.
    const sentences = [...new Set(own.filter((t) => /[.]$/.test(t.item.title) && t.item.title.split(/\s+/).length >= 10 && t.item.minuteNumber).map((t) => t.item.minuteNumber!))];
    if (sentences.length) out.push(`${prefix}minute${sentences.length > 1 ? 's' : ''} ${list(sentences)} ${sentences.length > 1 ? 'have' : 'has'} no heading: the numbered sentence is the whole minute and stands as its title`);
    // Sub-numbers that jump a level ("7.1" then "7.1.1.1").
    let last: number[] | null = null;
    for (const line of lines) {
      const m = /^(\d{1,3}(?:\.\d{1,2}){1,3})\s/.exec(line.text);
      if (!m) continue;
      const parts = m[1]!.split('.').map(Number);
      if (last && parts.length > last.length + 1 && last.every((p, i) => p === parts[i])) out.push(`${prefix}sub-numbering jumps from ${last.join('.')} to ${m[1]}`);
      last = parts;
    }
  }

  // Minutes run together in one paragraph: the line breaks of the original were lost.
  for (const r of runIns) {
    const numbers = r.numbers.filter(Boolean);
    if (numbers.length >= 4) out.push(`the line breaks of the original have been lost: minutes ${r.before ?? numbers[0]} to ${numbers[numbers.length - 1]} run together in one paragraph (split at their numbers)`);
    else if (r.before) {
      // Only a new top-level minute is news; "5.1" inside minute 5 is its own paragraph.
      const top = (n: string) => n.split('.')[0];
      const others = numbers.filter((n) => /^\d+(?:\.0)?$/.test(n) && top(n) !== top(r.before!));
      if (others.length) out.push(`minute ${list(others)} ${others.length > 1 ? 'are' : 'is'} run into the paragraph of minute ${r.before} (split at ${others.length > 1 ? 'their numbers' : 'its number'})`);
    }
  }

  // Minutes marked as a draft: not yet approved, and may change at the next meeting.
  const draft = lines.slice(0, 400).find((l) => {
    const t = l.text.trim();
    if (!t || t.split(/\s+/).length > 12) return false;
    return /\bDRAFT\b/.test(t) || /^(?:draft|unconfirmed|unapproved)\s+(?:minutes|notes)\b/i.test(t) || /\b(?:minutes|notes)\b.*[(\-–—]\s*(?:draft|unconfirmed|unapproved)\s*\)?$/i.test(t) || /^subject\s+to\s+(?:approval|confirmation)\b/i.test(t);
  });
  if (draft) out.push(`the minutes are marked as a draft ('${draft.text.trim().slice(0, 80)}'): they are not yet approved and may change when the next meeting confirms them`);

  out.push(...paymentTotalWarnings(lines));

  // A document that stops mid-sentence: its last words are a connective or the line ends in a comma.
  const lastText = [...lines].reverse().find((l) => !l.blank && !/^(?:page\s+)?\d+(?:\s+of\s+\d+)?$/i.test(l.text.trim()));
  if (lastText && /(?:,|\b(?:the|a|an|and|or|but|of|to|that|which|with|for|from|in|on|by|at|was|were|is|are|be|would|will|should|as))\s*$/i.test(lastText.text.trim()) && lastText.text.trim().split(/\s+/).length >= 3)
    out.push(`the document ends mid-sentence ('${lastText.text.trim().slice(-80)}'): the rest of the text is missing, so the last item may be incomplete`);

  // Words the PDF's text layer garbled: letters shifted into punctuation ('&OHUN¶V').
  const garbled: string[] = [];
  for (const line of lines) {
    for (const w of line.text.split(/\s+/)) {
      const word = w.replace(/^["'“‘(]+|["'”’),.;:]+$/g, '');
      if (word.length >= 6 && /[¶µμ]/.test(word) && /[A-Za-z]{2}/.test(word)) garbled.push(word.slice(0, 24));
      else if (word.length >= 8 && /[A-Za-z]/.test(word) && (word.match(/[&\\¶µμ#%]/g)?.length ?? 0) >= 2 && !/^https?:|@/.test(word)) garbled.push(word.slice(0, 24));
    }
    if (garbled.length >= 3) break;
  }
  if (garbled.length) out.push(`the PDF's text layer garbles words set in a differently encoded font (it extracts as '${garbled.slice(0, 3).join("', '")}'): check those passages against the printed page`);
  return out;
}

const AMOUNT = /£\s?(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d{2}))?(?!\d)/g;
const pence = (m: RegExpMatchArray) => Number(m[1]!.replace(/,/g, '')) * 100 + Number(m[2] ?? '0');
const pounds = (p: number) => `£${(p / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * A list or table of payments whose printed total is not the sum of its rows. Rows are the
 * lines (or table rows) just above a "Total" line that give one amount each (a table compares
 * column by column); a row with no amount ends the run.
 */
export function paymentTotalWarnings(lines: Line[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!/\btotal\b/i.test(line.text) || /\bsub-?\s?total\b/i.test(line.text)) continue;
    if (line.cells) {
      // Column by column over the table rows above.
      const totals = line.cells.map((c) => [...c.matchAll(AMOUNT)]);
      for (let col = 0; col < totals.length; col++) {
        if (totals[col]!.length !== 1) continue;
        let sum = 0;
        let rows = 0;
        for (let k = i - 1; k >= 0 && lines[k]!.cells && lines[k]!.cells!.length === line.cells.length; k--) {
          const found = [...(lines[k]!.cells![col] ?? '').matchAll(AMOUNT)];
          if (found.length !== 1) break;
          sum += pence(found[0]!);
          rows++;
        }
        const printed = pence(totals[col]![0]!);
        if (rows >= 2 && sum !== printed) out.push(`a payments table's printed total (${pounds(printed)}) is not the sum of the ${rows} amounts above it (${pounds(sum)}): check the figures`);
      }
      continue;
    }
    const total = [...line.text.matchAll(AMOUNT)];
    if (total.length !== 1) continue;
    let sum = 0;
    let rows = 0;
    for (let k = i - 1; k >= 0; k--) {
      const l = lines[k]!;
      if (l.blank) continue;
      const found = [...l.text.matchAll(AMOUNT)];
      if (found.length !== 1 || l.cells || /\btotal\b/i.test(l.text)) break;
      sum += pence(found[0]!);
      rows++;
    }
    const printed = pence(total[0]!);
    if (rows >= 2 && sum !== printed) out.push(`a payments list's printed total (${pounds(printed)}) is not the sum of the ${rows} payments above it (${pounds(sum)}): check the figures`);
  }
  return out;
}
