// The rules of actions: pure, no I/O.
import type { ActionStatus } from './tables.ts';

export const ACTION_STATUSES = [
  { value: 'open', text: 'Open' },
  { value: 'in-progress', text: 'In progress' },
  { value: 'done', text: 'Done' },
  { value: 'dropped', text: 'Dropped' },
] as const satisfies readonly { value: ActionStatus; text: string }[];
export const actionStatusValues: ActionStatus[] = ACTION_STATUSES.map((s) => s.value);
export const actionStatusLabel = (s: string) => ACTION_STATUSES.find((x) => x.value === s)?.text ?? s;

export const SOURCE_KINDS = ['minute-paragraph', 'resolution', 'manual'] as const;
export const sourceKindLabel = (k: string | null) =>
  k === 'minute-paragraph' ? 'Minute paragraph' : k === 'resolution' ? 'Resolution' : 'Made by hand';

/** Still to do: open or in progress. Done and dropped actions are closed. */
export const isOutstanding = (status: string) => status === 'open' || status === 'in-progress';

/** Overdue: due before today and neither done nor dropped. Due today is not yet overdue. */
export function isOverdue(a: { due_on: string; status: string }, today: string): boolean {
  return isOutstanding(a.status) && a.due_on < today;
}

/** How a list shows an action: overdue, then outstanding, then closed. */
export type Standing = 'overdue' | 'outstanding' | 'closed';
export function standing(a: { due_on: string; status: string }, today: string): Standing {
  if (isOverdue(a, today)) return 'overdue';
  return isOutstanding(a.status) ? 'outstanding' : 'closed';
}

const RANK: Record<Standing, number> = { overdue: 0, outstanding: 1, closed: 2 };

/** Overdue first (longest overdue at the top), then by due date; closed actions last. */
export function compareActions(today: string) {
  return (a: { due_on: string; status: string }, b: { due_on: string; status: string }) => {
    const r = RANK[standing(a, today)] - RANK[standing(b, today)];
    if (r) return r;
    return a.due_on < b.due_on ? -1 : a.due_on > b.due_on ? 1 : 0;
  };
}

/**
 * Which status may follow which. Closed actions can only be reopened; an action is
 * never moved straight from done to dropped or back, so the record shows the reopening.
 */
export const NEXT_STATUSES: Record<ActionStatus, readonly ActionStatus[]> = {
  open: ['in-progress', 'done', 'dropped'],
  'in-progress': ['open', 'done', 'dropped'],
  done: ['open'],
  dropped: ['open'],
};

export interface ProposedUpdate {
  from: ActionStatus;
  to: ActionStatus;
  note: string | null;
  currentDueOn: string;
  newDueOn: string | null;
}

/**
 * The problems with an update, worded for the form: empty when it may be saved.
 * Field names are the update form's.
 */
export function updateProblems(u: ProposedUpdate, today: string): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const changesDue = u.newDueOn !== null && u.newDueOn !== u.currentDueOn;
  if (u.from !== u.to && !NEXT_STATUSES[u.from].includes(u.to)) {
    problems.push({
      field: 'status',
      // Only a closed action has statuses it may not move to.
      message: `This action is ${actionStatusLabel(u.from).toLowerCase()}: reopen it before changing it to ${actionStatusLabel(u.to).toLowerCase()}`,
    });
  }
  if (u.from === u.to && !u.note && !changesDue) {
    problems.push({ field: 'note', message: 'Enter a note, or select a new status' });
  }
  if (!u.note && u.to === 'dropped' && u.from !== 'dropped') {
    problems.push({ field: 'note', message: 'Enter why the action is being dropped' });
  }
  if (!u.note && isOutstanding(u.to) && !isOutstanding(u.from)) {
    problems.push({ field: 'note', message: 'Enter why the action is being reopened' });
  }
  if (changesDue) {
    if (!isOutstanding(u.to)) problems.push({ field: 'due_on', message: 'Only an open or in progress action can have a new due date' });
    else if (u.newDueOn! < today) problems.push({ field: 'due_on', message: 'The new due date must be today or in the future' });
  }
  // One message per field: the first is the one to act on.
  return problems.filter((p, i) => problems.findIndex((q) => q.field === p.field) === i);
}

/** Reminders go out for actions due within this many days, and for overdue ones. */
export const REMINDER_WINDOW_DAYS = 7;

export interface ReminderCandidate {
  id: string;
  status: string;
  due_on: string;
  owner_person_id: string | null;
  owner_email: string | null;
  owner_name: string | null;
}

export interface ReminderBatch<A extends ReminderCandidate> {
  to: string;
  name: string;
  overdue: A[];
  dueSoon: A[];
}

/**
 * Who should be reminded today, about what: outstanding actions owned by a person with
 * an e-mail address, due within the window or overdue, not yet reminded today.
 * One message per owner, overdue actions first.
 */
export function selectReminders<A extends ReminderCandidate>(
  actions: A[], today: string, remindedToday: ReadonlySet<string>,
): ReminderBatch<A>[] {
  const horizon = addDays(today, REMINDER_WINDOW_DAYS);
  const byOwner = new Map<string, ReminderBatch<A>>();
  const order = compareActions(today);
  for (const a of [...actions].sort(order)) {
    if (!isOutstanding(a.status) || a.due_on > horizon) continue;
    if (!a.owner_person_id || !a.owner_email || remindedToday.has(a.id)) continue;
    const key = a.owner_email.toLowerCase();
    let batch = byOwner.get(key);
    if (!batch) byOwner.set(key, (batch = { to: a.owner_email, name: a.owner_name ?? a.owner_email, overdue: [], dueSoon: [] }));
    (isOverdue(a, today) ? batch.overdue : batch.dueSoon).push(a);
  }
  return [...byOwner.values()];
}

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000);
}

/** "3 days overdue", "due today", "due in 5 days": how a reminder or a list says it. */
export function dueWording(dueOn: string, today: string): string {
  const d = daysBetween(today, dueOn);
  if (d === 0) return 'due today';
  if (d === 1) return 'due tomorrow';
  if (d > 1) return `due in ${d} days`;
  return d === -1 ? '1 day overdue' : `${-d} days overdue`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "2026-03-03" -> "3 March 2026". */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return y && m && d ? `${d} ${MONTHS[m - 1]} ${y}` : iso;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The reminder one owner receives: plain text that reads well in any mail client,
 * overdue actions first, with a link to each when the site's address is known.
 */
export function reminderMessage(
  batch: ReminderBatch<ReminderCandidate & { description: string; body_name: string; restricted: boolean }>,
  opts: { partnershipName: string; today: string; baseUrl?: string | null | undefined },
): { to: string; subject: string; text: string } {
  const parts = [
    batch.overdue.length ? `${plural(batch.overdue.length, 'action', 'actions')} overdue` : null,
    batch.dueSoon.length ? `${batch.overdue.length ? batch.dueSoon.length : plural(batch.dueSoon.length, 'action', 'actions')} due soon` : null,
  ].filter(Boolean);
  const item = (a: ReminderCandidate & { description: string; body_name: string; restricted: boolean }) => [
    // Restricted business never travels by e-mail: the owner signs in to read it.
    `- ${a.restricted ? 'A restricted action (sign in to read it)' : a.description}`,
    `  ${a.body_name}. Due ${longDate(a.due_on)} (${dueWording(a.due_on, opts.today)}).`,
    ...(opts.baseUrl ? [`  ${opts.baseUrl.replace(/\/$/, '')}/actions/${a.id}`] : []),
  ].join('\n');
  const sections = [
    batch.overdue.length ? `Overdue\n\n${batch.overdue.map(item).join('\n\n')}` : null,
    batch.dueSoon.length ? `Due in the next ${REMINDER_WINDOW_DAYS} days\n\n${batch.dueSoon.map(item).join('\n\n')}` : null,
  ].filter(Boolean);
  const text = [
    `Dear ${batch.name},`,
    `You own ${batch.overdue.length + batch.dueSoon.length === 1 ? 'this action' : 'these actions'} of ${opts.partnershipName}. ` +
      'Please add an update: what has been done, or a new status.',
    ...sections,
    `To add an update, sign in to Partnership Hub and go to Actions, then My actions.`,
    `You get this reminder at most once a day for each action while it is due soon or overdue.`,
  ].join('\n\n');
  return { to: batch.to, subject: `${opts.partnershipName}: ${parts.join(' and ')}`, text: `${text}\n` };
}
