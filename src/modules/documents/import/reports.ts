// Reports bound into an agenda pack: the cover block (From / To / Subject /
// Classification / Date) and the numbered recommendations.

import type { ReportReading, ItemReading } from './types.ts';
import type { Vocabulary } from './vocabulary.ts';
import type { Line } from './text.ts';
import { escapeRe, findDates, joinBroken, similarity } from './text.ts';

export interface ReportRegion {
  start: number;
  end: number;
  labels: Map<string, { line: number; value: string }>;
}

function labelRe(words: string[]): RegExp {
  return new RegExp(`^(${words.map(escapeRe).join('|')})\\s*:\\s*(.*)$`, 'i');
}

/** Finds report cover blocks: a Subject label with a To, From or By label close by. */
export function findReportRegions(lines: Line[], vocab: Vocabulary): ReportRegion[] {
  const l = vocab.reportLabels;
  const kinds: [string, RegExp][] = [
    ['author', labelRe(l.author)],
    ['to', labelRe(l.to)],
    ['subject', labelRe(l.subject)],
    ['date', labelRe(l.date)],
    ['classification', labelRe(l.classification)],
  ];
  const labelled: { line: number; kind: string; value: string }[] = [];
  for (const line of lines) {
    if (line.blank || line.text.length > 200) continue;
    for (const [kind, re] of kinds) {
      const m = re.exec(line.text);
      if (m) {
        labelled.push({ line: line.index, kind, value: m[2]!.trim() });
        break;
      }
    }
  }
  const regions: ReportRegion[] = [];
  for (const s of labelled.filter((x) => x.kind === 'subject')) {
    const near = labelled.filter((x) => Math.abs(x.line - s.line) <= 14 && !regions.some((r) => r.labels.get('subject')?.line === x.line));
    const cluster = near.filter((x) => x.kind !== 'subject' || x.line === s.line);
    if (!cluster.some((x) => x.kind === 'to' || x.kind === 'author')) continue;
    // A cluster starts at its first label; stop at a label that belongs to another subject.
    const own = cluster.filter((x) => {
      const otherSubject = labelled.find((y) => y.kind === 'subject' && y.line !== s.line && Math.abs(y.line - x.line) < Math.abs(s.line - x.line));
      return !otherSubject;
    });
    const labels = new Map<string, { line: number; value: string }>();
    for (const x of own) if (!labels.has(x.kind)) labels.set(x.kind, { line: x.line, value: x.value });
    const start = Math.min(...own.map((x) => x.line));
    regions.push({ start, end: lines.length, labels });
  }
  regions.sort((a, b) => a.start - b.start);
  regions.forEach((r, i) => (r.end = regions[i + 1]?.start ?? lines.length));
  return regions;
}

/** Value of a label and the lines that continue it, up to the next label or a blank after text. */
function labelText(lines: Line[], at: number, first: string, stop: RegExp, acrossBlanks: boolean): string {
  const parts = [first];
  let blank = false;
  for (let i = at + 1; i < lines.length && i < at + 6; i++) {
    const line = lines[i]!;
    if (line.blank) {
      blank = true;
      if (!acrossBlanks && parts.join('').trim()) break;
      continue;
    }
    if (stop.test(line.text) || /^[A-Z][A-Za-z ()/]{1,30}:/.test(line.text)) break;
    parts.push(line.text);
  }
  void blank;
  return parts.join('\n');
}

function authorsOf(text: string): string[] {
  const out: string[] = [];
  // A line is another author when it, or the line before, has the "Name - role" shape; otherwise it continues the line before.
  const dash = /\s[-–—]\s/;
  const rows: string[] = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const prev = rows[rows.length - 1];
    if (prev !== undefined && !dash.test(line) && !dash.test(prev)) rows[rows.length - 1] = `${prev} ${line}`;
    else rows.push(line);
  }
  for (const part of rows) {
    let p = part.trim();
    if (!p) continue;
    const dash = /^(.+?)\s+[-–—]\s+/.exec(p);
    if (dash) p = dash[1]!;
    else p = p.split(',')[0]!;
    for (const name of p.split(/\s+(?:and|&)\s+/)) {
      const n = name.trim().replace(/[.,;]$/, '');
      if (n && /[A-Za-z]/.test(n)) out.push(n);
    }
  }
  return out;
}

export function readReport(lines: Line[], region: ReportRegion, vocab: Vocabulary): ReportReading {
  const anyLabel = new RegExp(`^(${Object.values(vocab.reportLabels).flat().map(escapeRe).join('|')})\\s*:`, 'i');
  const get = (k: string) => region.labels.get(k);
  const subject = get('subject');
  const title = subject ? labelText(lines, subject.line, subject.value, anyLabel, false).replace(/\n/g, ' ').trim() : '';
  const author = get('author');
  const authors = author ? authorsOf(labelText(lines, author.line, author.value, anyLabel, true)) : [];
  const dateSource = get('date')?.value ?? get('to')?.value ?? '';
  const date = findDates(dateSource).find((d) => d.precision === 'day')?.iso ?? null;
  const classification = get('classification')?.value.trim() || null;

  const recommendations: string[] = [];
  const recHead = new RegExp(`^(?:(\\d+)(?:\\.0)?\\.?\\s+)?(?:${vocab.reportLabels.recommendations.map(escapeRe).join('|')})(?:\\s*:\\s*(.*)|\\s*)$`, 'i');
  const endRe = new RegExp(`^(?:${vocab.reportLabels.end.map(escapeRe).join('|')})\\b`, 'i');
  for (let i = region.start; i < region.end; i++) {
    const m = recHead.exec(lines[i]!.text);
    if (!m || lines[i]!.text.length > 80) continue;
    const section = m[1];
    let current: string | null = m[2] ? m[2] : null;
    const flush = () => {
      if (current && current.trim()) recommendations.push(current.trim());
      current = null;
    };
    for (let j = i + 1; j < region.end; j++) {
      const t = lines[j]!.text;
      if (lines[j]!.blank) continue;
      if (endRe.test(t) || anyLabel.test(t)) break;
      const sub = /^(\d+)\.(\d+)\.?\s+(.*)$/.exec(t);
      if (sub && (!section || sub[1] === section)) {
        flush();
        current = sub[3]!;
        continue;
      }
      if (/^\d+(?:\.0)?\.?\s+[A-Z]/.test(t) && !sub) break;
      if (/^(?:[a-z]|[ivx]+)[.)]\s+/.test(t) || lines[j]!.bullet) {
        flush();
        current = t.replace(/^(?:[a-z]|[ivx]+)[.)]\s+/, '');
        continue;
      }
      current = current === null ? t : joinBroken(current, t);
    }
    flush();
    break;
  }
  return { title, agendaCode: null, authors, date, classification, recommendations };
}

/** Gives each report the agenda code of its item: by title, then by the order of the papers in the pack. */
export function assignReportCodes(reports: ReportReading[], agendaItems: ItemReading[]): void {
  const used = new Set<ItemReading>();
  for (const report of reports) {
    let best: ItemReading | null = null;
    let bestScore = 0.6;
    for (const item of agendaItems) {
      const s = similarity(report.title, item.title);
      if (s >= bestScore && !used.has(item)) {
        best = item;
        bestScore = s;
      }
    }
    if (best) {
      report.agendaCode = best.agendaCode;
      used.add(best);
    }
  }
  // The rest follow the page order of the items that carry papers, other than the previous minutes.
  const papers = agendaItems.filter((i) => i.pages && !/\b(minutes|notes)\b.*\bmeeting\b|\bmeeting\b.*\b(minutes|notes)\b/i.test(i.title));
  let k = 0;
  for (const report of reports) {
    if (report.agendaCode) {
      const idx = papers.findIndex((p) => p.agendaCode === report.agendaCode);
      if (idx >= k) k = idx + 1;
      continue;
    }
    while (k < papers.length && used.has(papers[k]!)) k++;
    const next = papers[k++];
    if (next) {
      report.agendaCode = next.agendaCode;
      used.add(next);
    }
  }
}
