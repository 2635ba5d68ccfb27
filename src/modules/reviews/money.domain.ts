// The money of reviews and the progress asked of agencies, as pure rules: which agreement
// applies to a case, the moves a contribution line makes (raised -> invoiced -> paid), what
// each partner owes across cases, the rules in words, and the e-mail that asks an agency
// for progress. No I/O here; the sharing of costs itself is funding.ts.
import { addDays } from '../partnership/domain.ts';
import { COST_KINDS, agreementProblems, formatBasisPoints, formatPence, type CostKind, type FundingAgreement } from './funding.ts';
import type { LineStatus } from './money.tables.ts';

// ------------------------------------------------------------------ agreements

export interface AgreementPeriod { id: string; title: string; effective_from: string; effective_to: string | null }

/** The agreement in effect on a day: at most one is (agreementPeriodProblem keeps it so). */
export const agreementOn = <T extends AgreementPeriod>(agreements: readonly T[], day: string): T | undefined =>
  agreements.find((a) => a.effective_from <= day && (a.effective_to === null || a.effective_to >= day));

/** Why a new agreement's dates cannot be saved: they overlap another's, which would leave a case two sets of rules. */
export function agreementPeriodProblem(others: readonly AgreementPeriod[], from: string, to: string | null, exceptId?: string): string | null {
  if (to !== null && to < from) return 'The end date must be on or after the start date';
  const clash = others.find((a) => a.id !== exceptId && a.effective_from <= (to ?? '9999-12-31') && (a.effective_to ?? '9999-12-31') >= from);
  return clash
    ? `The dates overlap "${clash.title}" (from ${clash.effective_from}${clash.effective_to ? ` to ${clash.effective_to}` : ', with no end date'}): end that agreement first, or choose dates after it`
    : null;
}

/** "50", "33.33", "12.5%" as basis points (5000, 3333, 1250); null when not a percentage with at most two decimals. */
export function parsePercent(raw: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(raw.trim());
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp > 10000 ? null : bp;
}

const costLabel = (c: CostKind) => COST_KINDS.find((k) => k.value === c)?.text.toLowerCase() ?? c;

/** The rules as a reader says them, payers by name: "Office of the ... pays 50% of the independent chair costs, up to £2,500; ...". */
export function rulesInWords(rules: FundingAgreement, nameOf: (id: string) => string): string[] {
  const words = rules.firstCharges.map((c) =>
    `${nameOf(c.payer)} pays ${formatBasisPoints(c.basisPoints)} of the ${costLabel(c.cost)} costs${c.capPence !== null ? `, up to ${formatPence(c.capPence)}` : ''}`);
  const r = rules.remainder;
  words.push(r.kind === 'equal'
    ? `The rest is shared equally by ${r.payers.length} partners: ${r.payers.map(nameOf).join(', ')}`
    : `The rest is shared in these percentages: ${r.shares.map((s) => `${nameOf(s.payer)} ${formatBasisPoints(s.basisPoints)}`).join(', ')}`);
  return words;
}

/** Every organisation an agreement names as a payer. */
export const payersOf = (rules: FundingAgreement) => [...new Set([
  ...rules.firstCharges.map((c) => c.payer),
  ...(rules.remainder.kind === 'equal' ? rules.remainder.payers : rules.remainder.shares.map((s) => s.payer)),
])];

/** Problems with the rules, including payers that are not organisations of the partnership. */
export function rulesProblems(rules: FundingAgreement, organisationIds: readonly string[]) {
  const problems = agreementProblems(rules);
  if (payersOf(rules).some((p) => p && !organisationIds.includes(p))) problems.push({ field: 'remainder', message: 'Select payers from the partnership’s organisations' });
  return problems;
}

// ------------------------------------------------------------------ contribution lines

export const LINE_STATUSES: readonly { value: LineStatus; text: string; colour: string }[] = [
  { value: 'raised', text: 'Raised', colour: 'grey' },
  { value: 'invoiced', text: 'Invoiced', colour: 'blue' },
  { value: 'paid', text: 'Paid', colour: 'green' },
];
export const lineStatusLabel = (s: string) => LINE_STATUSES.find((x) => x.value === s)?.text ?? s;

/** The one move a line may make next: raised -> invoiced -> paid; none once paid. */
export const nextLineStatus = (s: LineStatus): 'invoiced' | 'paid' | null => (s === 'raised' ? 'invoiced' : s === 'invoiced' ? 'paid' : null);

export interface LineMove { to: 'invoiced' | 'paid'; on: string; reference: string }

/** Problems with moving a line: out of turn, dated in the future or before it was invoiced, or without a reference. */
export function lineMoveProblems(line: { status: LineStatus; raised_on: string; invoiced_on: string | null }, move: LineMove, today: string) {
  const problems: { field: string; message: string }[] = [];
  const next = nextLineStatus(line.status);
  if (next !== move.to) {
    problems.push({ field: 'to', message: next ? `This contribution is ${lineStatusLabel(line.status).toLowerCase()}: it can next be ${next}, not ${move.to}` : 'This contribution has been paid: nothing more can be recorded' });
    return problems;
  }
  const what = move.to === 'invoiced' ? 'invoice' : 'payment';
  if (!move.reference) problems.push({ field: 'reference', message: `Enter the ${what} reference` });
  if (move.on > today) problems.push({ field: 'on', message: `The date of the ${what} must be today or in the past` });
  else if (move.to === 'invoiced' && move.on < line.raised_on) problems.push({ field: 'on', message: `The date of the invoice must be on or after the day the contribution was raised (${line.raised_on})` });
  else if (move.to === 'paid' && line.invoiced_on && move.on < line.invoiced_on) problems.push({ field: 'on', message: `The date of the payment must be on or after the date of the invoice (${line.invoiced_on})` });
  return problems;
}

export interface OwedRow { payerId: string; payer: string; raised: number; invoiced: number; paid: number; unpaid: number; cases: number }

/** What each partner owes across the lines given: not yet invoiced, invoiced and unpaid, paid. Highest unpaid first. */
export function owedByPartner(lines: readonly { payer_organisation_id: string; payer_name: string; pence: number; status: LineStatus; case_id: string }[]): OwedRow[] {
  const rows = new Map<string, OwedRow & { caseIds: Set<string> }>();
  for (const l of lines) {
    const row = rows.get(l.payer_organisation_id) ?? { payerId: l.payer_organisation_id, payer: l.payer_name, raised: 0, invoiced: 0, paid: 0, unpaid: 0, cases: 0, caseIds: new Set<string>() };
    row[l.status] += l.pence;
    if (l.status !== 'paid') row.unpaid += l.pence;
    row.caseIds.add(l.case_id);
    rows.set(l.payer_organisation_id, row);
  }
  return [...rows.values()].map(({ caseIds, ...r }) => ({ ...r, cases: caseIds.size }))
    .sort((a, b) => b.unpaid - a.unpaid || a.payer.localeCompare(b.payer));
}

export const MONEY_EXPORT_COLUMNS = [
  { header: 'Case', width: 20 }, { header: 'Partner', width: 40 }, { header: 'Amount (£)', kind: 'number' as const, width: 12 },
  { header: 'How it was worked out', width: 60 }, { header: 'Status', width: 10 }, { header: 'Raised on', kind: 'date' as const },
  { header: 'Invoiced on', kind: 'date' as const }, { header: 'Invoice reference', width: 20 }, { header: 'Paid on', kind: 'date' as const }, { header: 'Payment reference', width: 20 },
];

/** One export row per line: amounts in pounds as numbers (so a spreadsheet adds them), dates as ISO days. */
export const moneyExportRow = (l: { caseReference: string; payer_name: string; pence: number; basis: string; status: string; raised_on: string; invoiced_on: string | null; invoice_reference: string | null; paid_on: string | null; payment_reference: string | null }) => [
  l.caseReference, l.payer_name, l.pence / 100, l.basis, lineStatusLabel(l.status), l.raised_on, l.invoiced_on ?? '', l.invoice_reference ?? '', l.paid_on ?? '', l.payment_reference ?? '',
];

// ------------------------------------------------------------------ progress asked by e-mail

/** How long a progress link works. */
export const PROGRESS_LINK_DAYS = 28;

export type ProgressLinkState = 'waiting' | 'answered' | 'expired' | 'replaced';
export const progressLinkState = (l: { used_at: Date | null; expires_at: Date; revoked_at?: Date | null }, now = new Date()): ProgressLinkState =>
  l.used_at ? 'answered' : l.revoked_at ? 'replaced' : l.expires_at.getTime() < now.getTime() ? 'expired' : 'waiting';
export const PROGRESS_STATE_LABELS: Record<ProgressLinkState, string> = {
  waiting: 'Asked, waiting for an answer', answered: 'Answered', expired: 'Asked, link expired without an answer', replaced: 'Replaced by a newer link',
};

/** The last time each agency of a case was asked, as the steering group's view shows it against each recommendation. */
export function latestAsk<T extends { case_id: string; agency: string; sent_at: Date }>(links: readonly T[]): Map<string, T> {
  const latest = new Map<string, T>();
  for (const l of links) {
    const key = `${l.case_id}\n${l.agency}`;
    const seen = latest.get(key);
    if (!seen || seen.sent_at < l.sent_at) latest.set(key, l);
  }
  return latest;
}

/** What the steering group's view says of an agency's last ask: "Asked 3 Dec 2026, answered", or "Not asked". */
export function presentAsk(l: { sent_at: Date; used_at: Date | null; expires_at: Date; revoked_at?: Date | null } | undefined, now = new Date()) {
  if (!l) return { state: 'not-asked' as const, text: 'Not asked by e-mail' };
  const state = progressLinkState(l, now);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return { state, text: state === 'answered' ? `Asked ${day(l.sent_at)}, answered ${day(l.used_at!)}` : state === 'expired' ? `Asked ${day(l.sent_at)}, no answer before the link expired` : `Asked ${day(l.sent_at)}, no answer yet` };
}

/**
 * The e-mail asking an agency's contact for progress. Neither its subject nor its text holds
 * anything of the subject of the review: the case is named by its pseudonym and year, in
 * the text only; the subject line names the agency and the kind of review.
 */
export function progressRequestMessage(d: {
  contactName: string; contactEmail: string; agency: string; kindLabel: string; caseReference: string; recommendations: number;
  partnership: string; coordinator: string; link: string; expiresOn: string; reminder?: boolean;
}) {
  const subject = `${d.reminder ? 'Reminder: progress' : 'Progress'} on recommendations to ${d.agency}: ${d.kindLabel.toLowerCase()}`;
  const text = [
    `Dear ${d.contactName},`, '',
    ...(d.reminder ? [`We asked you for this a few weeks ago and have not yet had an answer. The link in that e-mail no longer works: please use the one below.`, ''] : []),
    `The ${d.partnership} is reviewing progress on the recommendations of the ${d.kindLabel.toLowerCase()} known as ${d.caseReference}.`,
    `${d.recommendations === 1 ? 'One recommendation is' : `${d.recommendations} recommendations are`} for ${d.agency} and not yet complete.`, '',
    `Please tell us where each stands, with evidence for any that is complete, on this page (no account needed). The link is for ${d.agency}'s recommendations of this review only, works once, and expires on ${d.expiresOn}:`,
    d.link, '',
    'Please do not forward this e-mail.', '',
    'Thank you,', d.coordinator, d.partnership,
  ].join('\n');
  return { to: `${d.contactName} <${d.contactEmail}>`, subject, text };
}

export const progressLinkExpiry = (today: string) => addDays(today, PROGRESS_LINK_DAYS);

/** Days before an unanswered link expires that its contact is reminded, once, with a new link. */
export const PROGRESS_REMIND_DAYS_BEFORE_EXPIRY = 7;
