// The working stages of a review case as data and pure rules (no I/O): what may be asked
// of an agency and when it is overdue, the family's involvement, the quality assurance
// panel's feedback, documents, and the safeguarding adults review's quality markers and
// findings. The e-mails to agencies are written here too, naming the case only by its
// pseudonym and year: never the subject.
import { daysBetween } from './domain.ts';

export const REQUEST_KINDS = [
  { value: 'chronology', text: 'Chronology' },
  { value: 'agency-report', text: 'Agency report' },
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number]['value'];
export const requestKindValues = REQUEST_KINDS.map((k) => k.value);
export const requestKindLabel = (v: string) => REQUEST_KINDS.find((k) => k.value === v)?.text ?? v;

export type RequestState = 'received' | 'overdue' | 'awaiting';
export const REQUEST_STATE_LABELS: Record<RequestState, string> = { received: 'Received', overdue: 'Overdue', awaiting: 'Awaited' };

/** A request is overdue from the day after its due date until it is received. */
export function requestState(r: { due_on: string; received_on: string | null }, today: string): { state: RequestState; daysLate: number } {
  if (r.received_on) return { state: 'received', daysLate: Math.max(0, daysBetween(r.due_on, r.received_on)) };
  if (r.due_on < today) return { state: 'overdue', daysLate: daysBetween(r.due_on, today) };
  return { state: 'awaiting', daysLate: 0 };
}

export const FAMILY_KINDS = [
  { value: 'contact', text: 'Contact', hint: 'A family member or friend the review may speak to: their name, relationship and how to reach them' },
  { value: 'offer', text: 'Offer made', hint: 'An offer of involvement, advocacy or support, and how it was made' },
  { value: 'meeting', text: 'Meeting', hint: 'A meeting with the family: who came and what was said' },
  { value: 'naming', text: 'How the family wants the person named', hint: 'The name or pseudonym the family chose, and anything they asked about its use' },
] as const;
export const familyKindValues = FAMILY_KINDS.map((k) => k.value);
export const familyKindLabel = (v: string) => FAMILY_KINDS.find((k) => k.value === v)?.text ?? v;

export const DOCUMENT_KINDS = [
  { value: 'draft', text: 'Draft report' },
  { value: 'agency-report', text: 'Agency report or chronology' },
  { value: 'published-report', text: 'Published report or summary' },
  { value: 'other', text: 'Other document' },
] as const;
export const documentKindValues = DOCUMENT_KINDS.map((k) => k.value);
export const documentKindLabel = (v: string) => DOCUMENT_KINDS.find((k) => k.value === v)?.text ?? v;

export const QA_OUTCOMES = [
  { value: 'approved', text: 'Approved' },
  { value: 'approved-subject-to-changes', text: 'Approved subject to changes' },
  { value: 'resubmit', text: 'Resubmit' },
] as const;
export const qaOutcomeValues = QA_OUTCOMES.map((o) => o.value);

export const FEEDBACK_STATUSES = [
  { value: 'open', text: 'Open' },
  { value: 'addressed', text: 'Addressed' },
  { value: 'not-accepted', text: 'Not accepted' },
] as const;
export const feedbackStatusValues = FEEDBACK_STATUSES.map((s) => s.value);
export const feedbackStatusLabel = (v: string) => FEEDBACK_STATUSES.find((s) => s.value === v)?.text ?? v;

/** A feedback item's new status: not accepted needs the reason; a reason is kept for the others too. */
export function feedbackProblems(status: string, response: string | null) {
  if (status === 'not-accepted' && !response) return [{ field: 'response', message: 'Enter the reason the feedback is not accepted' }];
  return [];
}

export const OPEN_FEEDBACK_MESSAGE = (n: number) =>
  `The review cannot be published while ${n === 1 ? '1 quality assurance feedback item is' : `${n} quality assurance feedback items are`} open: mark each one addressed, or not accepted with the reason`;

/**
 * The quality markers a safeguarding adults review is checked against, after the markers
 * the Social Care Institute for Excellence published, in our own short words. Fixed, so
 * that one review's checklist compares with another's.
 */
export const SAR_MARKERS = [
  { value: 'referral', text: 'The referral was clear and reached the board promptly' },
  { value: 'decision', text: 'The decision to hold a review was made and recorded against the criteria' },
  { value: 'immediate-safety', text: 'Anyone still at risk was made safe while the review ran' },
  { value: 'governance', text: 'The board oversaw the review through agreed terms of reference' },
  { value: 'independence', text: 'The reviewer was independent of the agencies involved' },
  { value: 'method', text: 'The way of reviewing suited the case and was explained' },
  { value: 'adult-and-family', text: 'The adult (if able) and the family were offered a part and heard' },
  { value: 'practitioners', text: 'Practitioners and agencies took part openly' },
  { value: 'analysis', text: 'The analysis explains why things happened, not only what happened' },
  { value: 'findings', text: 'The findings are clear and backed by the evidence' },
  { value: 'report', text: 'The report is readable and protects the people in it' },
  { value: 'sharing', text: 'The learning was shared with practitioners and the public' },
  { value: 'action', text: 'The board turned the findings into actions with owners' },
  { value: 'impact', text: 'The board checks whether the actions made a difference' },
] as const;
export const sarMarkerValues = SAR_MARKERS.map((m) => m.value);

export const FINDING_DECISIONS = [
  { value: 'accepted', text: 'Accepted' },
  { value: 'not-accepted', text: 'Not accepted' },
] as const;
export const findingDecisionValues = FINDING_DECISIONS.map((d) => d.value);
export const findingDecisionLabel = (v: string | null) => (v ? FINDING_DECISIONS.find((d) => d.value === v)?.text ?? v : 'No decision yet');

/** A finding's decision: its date, and the reasons when it is not accepted. */
export function findingProblems(decision: string | null, decidedOn: string | null, reasons: string | null, notifiedOn: string, today: string) {
  const problems: { field: string; message: string }[] = [];
  if (!decision) return problems;
  if (!decidedOn) problems.push({ field: 'decided_on', message: 'Enter the date of the decision' });
  else if (decidedOn > today) problems.push({ field: 'decided_on', message: 'The date of the decision must be today or in the past' });
  else if (decidedOn < notifiedOn) problems.push({ field: 'decided_on', message: 'The date of the decision must be on or after the date the case was notified' });
  if (decision === 'not-accepted' && !reasons) problems.push({ field: 'reasons', message: 'Enter the reasons the finding is not accepted' });
  return problems;
}

// ------------------------------------------------------------------ e-mails to agencies

export interface RequestMail { caseReference: string; what: string; agency: string; contactName: string; dueOn: string; coordinator: string; note?: string | null }

const longDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

/**
 * The request, or a chase of it. The subject line and the text name the case by its
 * pseudonym and year only; nothing of the subject's details is ever put in an e-mail.
 */
export function requestMail(kind: 'request' | 'chase', m: RequestMail, partnershipName: string) {
  const what = requestKindLabel(m.what).toLowerCase();
  const subject = kind === 'request'
    ? `Review ${m.caseReference}: ${what} requested from ${m.agency} by ${longDate(m.dueOn)}`
    : `Reminder: review ${m.caseReference}: ${what} from ${m.agency} was due ${longDate(m.dueOn)}`;
  const text = [
    `Dear ${m.contactName},`,
    '',
    kind === 'request'
      ? `${partnershipName} is holding the review known as ${m.caseReference}. Please send ${m.agency}'s ${what} by ${longDate(m.dueOn)}.`
      : `This is a reminder that ${m.agency}'s ${what} for the review known as ${m.caseReference} was due by ${longDate(m.dueOn)} and has not yet been received.`,
    ...(m.note ? ['', m.note] : []),
    '',
    'Please send it as a PDF or Word (.docx) document by secure e-mail to the review coordinator, quoting the review\'s name above. Do not put the name of anyone involved in the subject line of your reply.',
    '',
    `${m.coordinator}`,
    `Review coordinator, ${partnershipName}`,
  ].join('\n');
  return { subject, text };
}
