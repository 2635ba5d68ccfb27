// The rules of the Community Safety Agreement and its action plan: pure, no I/O.
import type { AgreementStatus, LineLevel, LineStatus } from './tables.ts';

// ------------------------------------------------------------------ the agreement's stages

export const AGREEMENT_STATUSES = [
  { value: 'draft', text: 'Draft' },
  { value: 'agreed', text: 'Agreed' },
  { value: 'published', text: 'Published' },
  { value: 'superseded', text: 'Superseded' },
] as const satisfies readonly { value: AgreementStatus; text: string }[];
export const agreementStatusLabel = (s: string) => AGREEMENT_STATUSES.find((x) => x.value === s)?.text ?? s;

/** Published and superseded agreements are public; drafts and agreed-but-unpublished ones are the partnership's own. */
export const isAgreementPublic = (status: string) => status === 'published' || status === 'superseded';

export interface AgreementMove {
  to: AgreementStatus;
  /** The button's words. */
  verb: string;
  /** What the agreement must have first, worded as what to do. */
  requires: (a: AgreementFacts) => string | null;
}

export interface AgreementFacts {
  status: AgreementStatus;
  priorityCount: number;
  agreedOn: string | null;
  agreedResolutionId: string | null;
}

/**
 * The agreement's stages as data: which move may follow which, and what each needs.
 * Superseding happens only when the next period's agreement is published.
 */
export const AGREEMENT_MOVES: Record<AgreementStatus, readonly AgreementMove[]> = {
  draft: [{
    to: 'agreed', verb: 'Record that it was agreed',
    requires: (a) => (a.priorityCount === 0 ? 'Add at least one priority before recording that the agreement was agreed' : null),
  }],
  agreed: [
    { to: 'published', verb: 'Publish', requires: (a) => (a.agreedOn ? null : 'Record the date the agreement was agreed before publishing it') },
    { to: 'draft', verb: 'Return to draft', requires: () => null },
  ],
  published: [],
  superseded: [],
};

/** Why a move may not happen now, or null when it may. */
export function agreementMoveProblem(a: AgreementFacts, to: AgreementStatus): string | null {
  const move = AGREEMENT_MOVES[a.status].find((m) => m.to === to);
  if (!move) return `This agreement is ${agreementStatusLabel(a.status).toLowerCase()}: it cannot be moved to ${agreementStatusLabel(to).toLowerCase()}`;
  return move.requires(a);
}

/** A draft's priorities, themes and plan may change; once agreed they change only through updates (and returning to draft). */
export const isAgreementEditable = (status: string) => status === 'draft';

/** '2025-26': a financial year. */
export const PERIOD = /^(\d{4})-(\d{2})$/;
export function isPeriod(p: string): boolean {
  const m = PERIOD.exec(p);
  return Boolean(m && (Number(m[1]) + 1) % 100 === Number(m[2]));
}
/** '2025-26' -> '2026-27'. */
export function nextPeriod(p: string): string {
  const m = PERIOD.exec(p);
  if (!m) return p;
  const y = Number(m[1]) + 1;
  return `${y}-${String((y + 1) % 100).padStart(2, '0')}`;
}
/** The financial year a period names: 1 April to 31 March. */
export function periodDates(p: string): { startsOn: string; endsOn: string } | null {
  const m = PERIOD.exec(p);
  if (!m || !isPeriod(p)) return null;
  const y = Number(m[1]);
  return { startsOn: `${y}-04-01`, endsOn: `${y + 1}-03-31` };
}
/** The financial year a day falls in. */
export function periodOf(iso: string): string {
  const y = Number(iso.slice(0, 4));
  const start = iso.slice(5) >= '04-01' ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

// ------------------------------------------------------------------ plan lines

export const LINE_STATUSES = [
  { value: 'not-started', text: 'Not started', colour: 'grey' },
  { value: 'on-track', text: 'On track', colour: 'green' },
  { value: 'at-risk', text: 'At risk', colour: 'yellow' },
  { value: 'off-track', text: 'Off track', colour: 'red' },
  { value: 'complete', text: 'Complete', colour: 'blue' },
  { value: 'cancelled', text: 'Cancelled', colour: 'grey' },
  { value: 'carried-forward', text: 'Carried forward', colour: 'purple' },
] as const satisfies readonly { value: LineStatus; text: string; colour: string }[];
export const lineStatusValues: LineStatus[] = LINE_STATUSES.map((s) => s.value);
export const lineStatusLabel = (s: string) => LINE_STATUSES.find((x) => x.value === s)?.text ?? s;
export const lineStatusColour = (s: string) => LINE_STATUSES.find((x) => x.value === s)?.colour ?? 'grey';

export const LEVELS: readonly LineLevel[] = ['objective', 'action', 'sub-action'];
export const levelLabel = (l: string) => (l === 'sub-action' ? 'Sub-action' : l === 'action' ? 'Action' : 'Objective');
/** The level a child of a line of this level has; a sub-action has none. */
export const childLevel = (l: LineLevel | null): LineLevel | null => (l === null ? 'objective' : l === 'objective' ? 'action' : l === 'action' ? 'sub-action' : null);

/** Closed lines: no more work expected this period. */
export const isClosed = (s: string) => s === 'complete' || s === 'cancelled' || s === 'carried-forward';
/** Lines that take no part in a parent's roll-up: the work is not this period's. */
export const isOutOfRollUp = (s: string) => s === 'cancelled' || s === 'carried-forward';

/** Overdue: a due date before today and the work not closed. Due today is not yet overdue. */
export function isLineOverdue(l: { due_on: string | null; status: string }, today: string): boolean {
  return l.due_on !== null && l.due_on < today && !isClosed(l.status);
}

/**
 * How bad a status is, worst first. Off track and at risk always show through; a parent
 * is complete only when every child is, on track while any child has work under way.
 */
const SEVERITY: Record<string, number> = { 'off-track': 0, 'at-risk': 1, 'on-track': 2, 'not-started': 3, complete: 4 };

/** The worst of the children's statuses, as the parent shows it; null when none counts. */
export function worstStatus(statuses: readonly string[]): LineStatus | null {
  const counted = statuses.filter((s) => !isOutOfRollUp(s));
  if (!counted.length) return null;
  if (counted.includes('off-track')) return 'off-track';
  if (counted.includes('at-risk')) return 'at-risk';
  if (counted.every((s) => s === 'complete')) return 'complete';
  if (counted.some((s) => s === 'on-track' || s === 'complete')) return 'on-track';
  return 'not-started';
}
export const compareSeverity = (a: string, b: string) => (SEVERITY[a] ?? 9) - (SEVERITY[b] ?? 9);

export interface RollUpNode {
  id: string;
  parent_id: string | null;
  status: LineStatus;
  progress: number;
  weight: number;
  status_override: LineStatus | null;
}

export interface RolledUp {
  /** Progress shown: the weighted average of the children's, or the line's own for a leaf. */
  progress: number;
  /** Status shown: the hand-set one when there is one, else the worst of the children's. */
  status: LineStatus;
  /** The worst of the children's, shown beside a hand-set status so both can be read. */
  derivedStatus: LineStatus | null;
  overridden: boolean;
  leaf: boolean;
}

/**
 * The roll-up of a plan: each parent's progress is the weighted average of its children's
 * (rolled-up) progress, cancelled and carried-forward children left out; its status the
 * worst of its children's unless set by hand. A leaf shows its own figures. Progress is
 * rounded to a whole percentage only at the end, so rounding does not compound.
 */
export function rollUp(nodes: readonly RollUpNode[]): Map<string, RolledUp> {
  const children = new Map<string, RollUpNode[]>();
  for (const n of nodes) if (n.parent_id) children.set(n.parent_id, [...(children.get(n.parent_id) ?? []), n]);
  const exact = new Map<string, RolledUp>();
  const visiting = new Set<string>();
  const visit = (n: RollUpNode): RolledUp => {
    const done = exact.get(n.id);
    if (done) return done;
    if (visiting.has(n.id)) throw new Error(`the plan has a cycle at ${n.id}`);
    visiting.add(n.id);
    const kids = children.get(n.id) ?? [];
    let result: RolledUp;
    if (!kids.length) {
      result = { progress: n.progress, status: n.status, derivedStatus: null, overridden: false, leaf: true };
    } else {
      const rolled = kids.map((k) => ({ k, r: visit(k) }));
      const counted = rolled.filter(({ k }) => !isOutOfRollUp(k.status));
      const totalWeight = counted.reduce((s, { k }) => s + k.weight, 0);
      const progress = totalWeight > 0
        ? counted.reduce((s, { k, r }) => s + r.progress * k.weight, 0) / totalWeight
        : counted.length ? counted.reduce((s, { r }) => s + r.progress, 0) / counted.length : n.progress;
      const derived = worstStatus(rolled.map(({ k, r }) => (isOutOfRollUp(k.status) ? k.status : r.status)));
      // A parent that is itself cancelled or carried forward says so, whatever its children.
      const own = isOutOfRollUp(n.status) ? n.status : null;
      const status = n.status_override ?? own ?? derived ?? n.status;
      result = { progress, status, derivedStatus: derived, overridden: n.status_override !== null, leaf: false };
    }
    visiting.delete(n.id);
    exact.set(n.id, result);
    return result;
  };
  for (const n of nodes) visit(n);
  return new Map([...exact].map(([id, r]) => [id, { ...r, progress: Math.round(r.progress) }]));
}

/** A priority's figures: the weighted roll-up of its objectives, as if it were their parent. */
export function rollUpGroup(tops: readonly { weight: number; status: string; rolled: RolledUp }[]): { progress: number; status: LineStatus | null; count: number } {
  const counted = tops.filter((t) => !isOutOfRollUp(t.status));
  const total = counted.reduce((s, t) => s + t.weight, 0);
  const progress = total > 0 ? counted.reduce((s, t) => s + t.rolled.progress * t.weight, 0) / total
    : counted.length ? counted.reduce((s, t) => s + t.rolled.progress, 0) / counted.length : 0;
  return { progress: Math.round(progress), status: worstStatus(tops.map((t) => (isOutOfRollUp(t.status) ? t.status : t.rolled.status))), count: tops.length };
}

/** Would making `parentId` the parent of `id` put the line under itself? */
export function wouldCycle(lines: readonly { id: string; parent_id: string | null }[], id: string, parentId: string | null): boolean {
  const parentOf = new Map(lines.map((l) => [l.id, l.parent_id]));
  let at = parentId;
  for (let steps = 0; at !== null && at !== undefined; steps++) {
    if (at === id || steps > lines.length) return true;
    at = parentOf.get(at) ?? null;
  }
  return false;
}

export interface Problem { field: string; message: string }

/** The weights of a parent's children: at least one must count, or the roll-up means nothing. */
export function weightProblem(siblingWeights: readonly number[]): string | null {
  return siblingWeights.length > 0 && siblingWeights.every((w) => w === 0)
    ? 'Give at least one of these actions a weight above 0: with every weight at 0 the progress cannot be worked out'
    : null;
}

/** The dates of a line: the due date may not come before the start. */
export function datesProblem(startsOn: string | null, dueOn: string | null): string | null {
  return startsOn && dueOn && dueOn < startsOn ? 'The due date must be the same as or after the start date' : null;
}

export interface ProposedProgress {
  fromStatus: LineStatus;
  toStatus: LineStatus;
  fromProgress: number;
  toProgress: number;
  note: string | null;
}

/** The problems with a progress update, worded for the form's fields: empty when it may be saved. */
export function progressProblems(u: ProposedProgress): Problem[] {
  const problems: Problem[] = [];
  if (!Number.isInteger(u.toProgress) || u.toProgress < 0 || u.toProgress > 100) {
    problems.push({ field: 'progress', message: 'Progress must be a whole number from 0 to 100' });
  } else if (u.toProgress < u.fromProgress && !u.note) {
    problems.push({ field: 'note', message: `Progress goes down from ${u.fromProgress}% to ${u.toProgress}%: enter a note saying why` });
  }
  if (u.toStatus === 'complete' && u.toProgress !== 100 && !problems.some((p) => p.field === 'progress')) {
    problems.push({ field: 'progress', message: 'A complete action is 100% done: enter 100, or choose another status' });
  }
  if ((u.toStatus === 'cancelled' || u.toStatus === 'off-track') && u.fromStatus !== u.toStatus && !u.note) {
    problems.push({ field: 'note', message: `Enter why the action is ${lineStatusLabel(u.toStatus).toLowerCase()}` });
  }
  if (u.fromStatus === u.toStatus && u.fromProgress === u.toProgress && !u.note) {
    problems.push({ field: 'note', message: 'Enter a note, or give a new status or progress figure' });
  }
  return problems.filter((p, i) => problems.findIndex((q) => q.field === p.field) === i);
}

/** The next reference under a parent: '2' under priority 2 -> '2.1', '2.1' -> '2.1.3'. */
export function nextRef(prefix: string, siblingRefs: readonly string[]): string {
  let max = 0;
  for (const r of siblingRefs) {
    if (!r.startsWith(`${prefix}.`)) continue;
    const n = Number(r.slice(prefix.length + 1).split('.')[0]);
    if (Number.isInteger(n) && n > max) max = n;
  }
  return `${prefix}.${max + 1}`;
}

// ------------------------------------------------------------------ refreshing and comparing

/** Which lines go forward into next year's draft: the work still open. */
export const carriesForward = (status: string) => !isClosed(status);

export interface Comparable { key: string; title: string; fields: Record<string, string | number | null> }
export interface Difference {
  kind: 'added' | 'removed' | 'changed' | 'same';
  title: string;
  before: Comparable | null;
  after: Comparable | null;
  changedFields: string[];
}

/**
 * The differences between two versions, side by side: records are matched by key (the
 * id a copy was carried from, or its own), and a matched pair is changed when any field
 * differs. Order follows the newer version, then what it removed.
 */
export function compareVersions(before: readonly Comparable[], after: readonly Comparable[]): Difference[] {
  const old = new Map(before.map((b) => [b.key, b]));
  const out: Difference[] = [];
  const matched = new Set<string>();
  for (const a of after) {
    const b = old.get(a.key);
    if (!b) { out.push({ kind: 'added', title: a.title, before: null, after: a, changedFields: [] }); continue; }
    matched.add(a.key);
    const fields = [...new Set([...Object.keys(a.fields), ...Object.keys(b.fields)])];
    const changedFields = fields.filter((f) => (a.fields[f] ?? null) !== (b.fields[f] ?? null));
    if (a.title !== b.title) changedFields.unshift('title');
    out.push({ kind: changedFields.length ? 'changed' : 'same', title: a.title, before: b, after: a, changedFields });
  }
  for (const b of before) if (!matched.has(b.key)) out.push({ kind: 'removed', title: b.title, before: b, after: null, changedFields: [] });
  return out;
}

// ------------------------------------------------------------------ measures

export interface MeasureFacts { baseline: number | null; target: number | null; direction: 'up' | 'down' }

/** Whether the latest value meets the target, given which direction is good. */
export function measureStanding(m: MeasureFacts, latest: number | null): 'met' | 'better' | 'worse' | 'unknown' {
  if (latest === null) return 'unknown';
  const good = (a: number, b: number) => (m.direction === 'up' ? a >= b : a <= b);
  if (m.target !== null && good(latest, m.target)) return 'met';
  if (m.baseline === null) return 'unknown';
  if (latest === m.baseline) return 'unknown';
  return good(latest, m.baseline) ? 'better' : 'worse';
}

// ------------------------------------------------------------------ progress requests

export interface RequestCandidate {
  id: string; ref: string; title: string; status: string; due_on: string | null; restricted: boolean;
  owner_person_id: string | null; owner_email: string | null; owner_name: string | null;
  /** The day of the latest update. */
  last_update_on: string | null;
  /** A line with lines under it reports through them. */
  leaf: boolean;
}

/**
 * Who is asked for an update before the monitoring body meets: owners, with an e-mail
 * address, of open work with nothing reported since `since` (the body's last meeting).
 * One message per owner; restricted actions are named only as such.
 */
export function selectProgressRequests(lines: readonly RequestCandidate[], since: string) {
  const byOwner = new Map<string, { to: string; name: string; lines: RequestCandidate[] }>();
  for (const l of lines) {
    if (!l.leaf || isClosed(l.status) || !l.owner_email) continue;
    if (l.last_update_on && l.last_update_on >= since) continue;
    const key = l.owner_email.toLowerCase();
    if (!byOwner.has(key)) byOwner.set(key, { to: l.owner_email, name: l.owner_name ?? l.owner_email, lines: [] });
    byOwner.get(key)!.lines.push(l);
  }
  return [...byOwner.values()];
}

export function progressRequestMessage(
  batch: { to: string; name: string; lines: RequestCandidate[] },
  opts: { partnershipName: string; agreementTitle: string; meetingOn: string | null; baseUrl: string | null | undefined },
): { to: string; subject: string; text: string } {
  const link = `${(opts.baseUrl ?? '').replace(/\/$/, '')}/strategy/mine`;
  const items = batch.lines.map((l) => `- ${l.restricted ? 'A restricted action (sign in to read it)' : `${l.ref} ${l.title}`}${l.due_on ? ` (due ${l.due_on})` : ''}`);
  const text = [
    `Dear ${batch.name},`,
    `${opts.partnershipName} asks for an update on the ${batch.lines.length === 1 ? 'action' : `${batch.lines.length} actions`} you own in the action plan of the ${opts.agreementTitle}`
      + `${opts.meetingOn ? `, before the Working Group meets on ${opts.meetingOn}` : ''}. Nothing has been reported on ${batch.lines.length === 1 ? 'it' : 'them'} since the last meeting.`,
    items.join('\n'),
    `Your list, with a form for each update (status, progress and what has been done):\n${link}`,
  ].join('\n\n');
  return { to: batch.to, subject: `${opts.partnershipName}: please update your action plan ${batch.lines.length === 1 ? 'action' : 'actions'}`, text: `${text}\n` };
}
