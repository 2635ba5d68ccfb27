// Data requests to partners, without I/O: where a request stands, when it is reminded or
// chased, what a return may be, the messages, and the priority-setting matrix.
import { addDays } from '../partnership/domain.ts';
import type { AssessmentKind, RequestEventKind } from './tables.ts';

export const KINDS: { value: AssessmentKind; text: string }[] = [
  { value: 'strategic', text: 'Strategic assessment' },
  { value: 'serious-violence', text: 'Serious violence needs assessment' },
];
export const kindLabel = (k: string) => KINDS.find((x) => x.value === k)?.text ?? k;

/** Where a request stands, from its events and the date. */
export type RequestStatus = 'not-sent' | 'sent' | 'opened' | 'returned' | 'late';
export const STATUS_LABELS: Record<RequestStatus, { text: string; colour: string }> = {
  'not-sent': { text: 'Not sent', colour: 'grey' },
  sent: { text: 'Sent', colour: 'blue' },
  opened: { text: 'Opened', colour: 'light-blue' },
  returned: { text: 'Returned', colour: 'green' },
  late: { text: 'Late', colour: 'red' },
};

export function requestStatus(events: readonly { kind: RequestEventKind }[], dueOn: string, today: string): RequestStatus {
  if (events.some((e) => e.kind === 'returned')) return 'returned';
  if (!events.some((e) => e.kind === 'sent')) return 'not-sent';
  if (today > dueOn) return 'late';
  return events.some((e) => e.kind === 'opened') ? 'opened' : 'sent';
}

/** Days late (0 when not late). */
export const daysLate = (dueOn: string, today: string) => Math.max(0, Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueOn}T00:00:00Z`)) / 86_400_000));

/**
 * The automatic message a request needs today, if any: a reminder `before` days ahead of
 * its due date (once), then a chase on the day after it is due and every `every` days
 * after the last reminder or chase. Nothing once returned or before it is sent.
 */
export function reminderDue(r: { status: RequestStatus; dueOn: string; lastReminderOn: string | null; lastChaseOn: string | null }, today: string, before: number, every: number): 'reminder' | 'chase' | null {
  if (r.status === 'returned' || r.status === 'not-sent') return null;
  if (today <= r.dueOn) {
    return today >= addDays(r.dueOn, -before) && !r.lastReminderOn ? 'reminder' : null;
  }
  const last = r.lastChaseOn;
  if (!last || last <= r.dueOn) return 'chase';
  return today >= addDays(last, every) ? 'chase' : null;
}

// ------------------------------------------------------------------ returns

/** Kinds of file a return may be, by extension, with the type it is kept under. */
export const RETURN_TYPES: Record<string, string> = {
  csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', xls: 'application/vnd.ms-excel',
  ods: 'application/vnd.oasis.opendocument.spreadsheet', pdf: 'application/pdf', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', txt: 'text/plain',
};
export const MAX_RETURN_BYTES = 20 * 1024 * 1024;

/** The problem with a returned file, or null: its type (by name and first bytes) and size. */
export function returnProblem(name: string, head: Uint8Array, size: number): string | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (!RETURN_TYPES[ext]) return `The file must be a spreadsheet (CSV, XLSX, XLS or ODS), a PDF, a Word document (DOCX) or text: ${name || 'this file'} is not`;
  if (size === 0) return 'The file is empty';
  if (size > MAX_RETURN_BYTES) return 'The file must be smaller than 20MB';
  const b = Buffer.from(head.subarray(0, 8));
  const zip = b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  const ole = b.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
  const pdf = b.subarray(0, 5).toString('latin1') === '%PDF-';
  const ok = ['xlsx', 'docx', 'ods'].includes(ext) ? zip : ext === 'xls' ? ole : ext === 'pdf' ? pdf : !zip && !ole && !pdf && !b.includes(0);
  return ok ? null : `${name} is not the kind of file its name says (.${ext}): save it again in that format`;
}

// ------------------------------------------------------------------ messages

export function requestMessage(d: { contactName: string; contactEmail: string; dataset: string; description: string | null; period: string; format: string; dueOn: string; assessment: string; partnership: string; link: string; expiresOn: string }, kind: 'request' | 'reminder' | 'chase', late = 0) {
  const opening = kind === 'request'
    ? `The ${d.partnership} is preparing its ${d.assessment}, and asks your organisation for the following data.`
    : kind === 'reminder' ? `A reminder: the data below for the ${d.assessment} is due on ${d.dueOn}.`
      : `The data below for the ${d.assessment} was due on ${d.dueOn} and has not arrived (${late} ${late === 1 ? 'day' : 'days'} late). Please send it as soon as you can, or reply to say when it will come.`;
  const subject = kind === 'request' ? `Data request: ${d.dataset} (due ${d.dueOn})` : kind === 'reminder' ? `Reminder: ${d.dataset} is due on ${d.dueOn}` : `Overdue: ${d.dataset} (due ${d.dueOn})`;
  const text = [`Dear ${d.contactName},`, '', opening, '', `Dataset: ${d.dataset}`, ...(d.description ? [`What we need: ${d.description}`] : []), `Period: ${d.period}`, `Format: ${d.format}`, `Due: ${d.dueOn}`, '',
    `Upload it here (no account needed; this link is for this dataset only and works until ${d.expiresOn}):`, d.link, '', `Thank you,`, d.partnership].join('\n');
  return { to: `${d.contactName} <${d.contactEmail}>`, subject, text };
}

// ------------------------------------------------------------------ priority setting

export const DEFAULT_CRITERIA: [string, number][] = [['Harm', 3], ['Frequency', 2], ['Trend', 2], ['Public concern', 1]];

export interface RankedIssue<T> { issue: T; score: number; complete: boolean }

/** Weighted scores (Σ weight × score, 1-4), highest first; an issue not scored on every criterion is listed after, marked incomplete. */
export function rankIssues<T extends { id: string; title: string }>(issues: readonly T[], criteria: readonly { id: string; weight: number }[], scores: readonly { issue_id: string; criterion_id: string; score: number }[]): RankedIssue<T>[] {
  return issues.map((issue) => {
    const mine = scores.filter((s) => s.issue_id === issue.id);
    const score = criteria.reduce((a, c) => a + c.weight * (mine.find((s) => s.criterion_id === c.id)?.score ?? 0), 0);
    return { issue, score: Math.round(score * 100) / 100, complete: criteria.every((c) => mine.some((s) => s.criterion_id === c.id)) };
  }).sort((a, b) => Number(b.complete) - Number(a.complete) || b.score - a.score || a.issue.title.localeCompare(b.issue.title));
}
