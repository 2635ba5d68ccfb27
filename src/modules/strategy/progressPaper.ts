// The CSA progress paper's contents: the plan as it stood on a day (each line's status and
// progress are those of its latest update on or before that day, rolled up again), what
// changed since the monitoring body's last meeting, and the measures' values by then.
// What the paper names follows the one policy, asked about the paper's own readers: an
// item held in public is read by the public once its agenda is published, so the paper
// then holds only what the public may read of the plan; a restricted item of the
// monitoring body is read by those its restricted business opens to, so restricted
// actions (and the owners' notes) may be named there.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { can, type Actor } from '../../access/policy.ts';
import { LINE_STATUSES, isAgreementPublic, isLineOverdue, rollUp, type RolledUp } from './domain.ts';
import { listMeasures, listPlan, listPriorities, priorityRollUp, type Agreement, type LineView, type MeasureView, type PriorityRow, type PriorityView, type UpdateRow } from './store.ts';
import { lineResource, updateNotesResource } from './commands.ts';
import type { LineStatus } from './tables.ts';

/** Who reads the paper: the public (an item held in public), or those the body's restricted business opens to. */
export function paperAudience(partnershipId: string, item: { restricted: boolean }, bodyId: string): Actor {
  return item.restricted
    ? { kind: 'user', partnershipId, userId: '00000000-0000-4000-8000-000000000000', displayName: 'a reader of the restricted item', role: 'member', personId: null, grants: [{ scopeKind: 'body', scopeId: bodyId }] }
    : { kind: 'public', partnershipId };
}

/**
 * The plan as it stood at the end of `asAt`: lines made later are left out (with the lines
 * under them), each remaining line takes the status and progress of its latest update by
 * then, and the roll-up is worked out again from those. Pure.
 */
export function planAsAt(plan: readonly LineView[], updates: readonly Pick<UpdateRow, 'line_id' | 'on_date' | 'at' | 'status' | 'progress' | 'source'>[], asAt: string): LineView[] {
  const latest = new Map<string, (typeof updates)[number]>();
  const first = new Map<string, string>();
  for (const u of updates) {
    if (!first.has(u.line_id) || u.on_date < first.get(u.line_id)!) first.set(u.line_id, u.on_date);
    if (u.on_date > asAt) continue;
    const had = latest.get(u.line_id);
    if (!had || had.on_date < u.on_date || (had.on_date === u.on_date && had.at <= u.at)) latest.set(u.line_id, u);
  }
  const kept = new Set<string>();
  // Tree order: a parent comes before its children.
  for (const l of plan) if ((first.get(l.id) ?? '0000-00-00') <= asAt && (l.parent_id === null || kept.has(l.parent_id))) kept.add(l.id);
  const lines = plan.filter((l) => kept.has(l.id)).map((l) => {
    const u = latest.get(l.id);
    return { ...l, status: (u?.status ?? l.status) as LineStatus, progress: u?.progress ?? l.progress };
  });
  const rolled = rollUp(lines);
  return lines.map((l) => ({ ...l, rolled: rolled.get(l.id)! as RolledUp, overdue: isLineOverdue(l, asAt) }));
}

export interface LineChange {
  line: LineView;
  added: boolean;
  fromStatus: string | null;
  toStatus: string;
  fromProgress: number | null;
  toProgress: number;
  updates: number;
  /** The owners' notes, oldest first; only where the paper's readers may read them. */
  notes: { on: string; text: string }[];
}

export interface ProgressPaperContents {
  partnershipName: string;
  agreement: Agreement;
  bodyName: string;
  meeting: { id: string; meets_on: string };
  item: { id: string; code: string; title: string; restricted: boolean };
  asAt: string;
  /** The monitoring body's last meeting before this one; changes are counted from the day after it. */
  since: string | null;
  priorities: { priority: PriorityRow; progress: number; status: string | null; count: number }[];
  themes: PriorityView[];
  /** The lines the paper's readers may read, in tree order, as at the day. */
  lines: LineView[];
  /** Restricted lines counted in the figures but not named. */
  unnamed: number;
  statusCounts: { status: string; label: string; colour: string; count: number }[];
  changes: LineChange[];
  measures: (MeasureView & { shown: MeasureView['values'] })[];
  includesRestricted: boolean;
}

export class PlanNotReadableError extends Error {}

/** Gathers the paper's contents; throws PlanNotReadableError when the paper's readers may not read the plan at all. */
export async function gatherProgressPaper(db: Kysely<DB>, input: {
  partnershipId: string; partnershipName: string; agreement: Agreement; bodyName: string;
  meeting: { id: string; body_id: string; meets_on: string; starts_at: string }; item: { id: string; code: string; title: string; restricted: boolean }; asAt: string;
}): Promise<ProgressPaperContents> {
  const { partnershipId: pid, agreement: a, meeting, item, asAt } = input;
  const audience = paperAudience(pid, item, meeting.body_id);
  if (!can(audience, 'read', { type: 'plan-action', published: isAgreementPublic(a.status) && a.plan_public })) throw new PlanNotReadableError();
  const previous = await db.selectFrom('meetings').select('meets_on').where('partnership_id', '=', pid).where('body_id', '=', meeting.body_id)
    .where('status', '!=', 'cancelled').where('id', '!=', meeting.id)
    .where((eb) => eb.or([eb('meets_on', '<', meeting.meets_on), eb.and([eb('meets_on', '=', meeting.meets_on), eb('starts_at', '<', meeting.starts_at)])]))
    .orderBy('meets_on', 'desc').orderBy('starts_at', 'desc').limit(1).executeTakeFirst();
  const since = previous?.meets_on ?? null;
  const full = await listPlan(db, pid, a.id, asAt);
  const updates = full.length
    ? await db.selectFrom('strategy_plan_updates').select(['line_id', 'on_date', 'at', 'status', 'progress', 'source', 'from_status', 'from_progress', 'note'])
      .where('partnership_id', '=', pid).where('line_id', 'in', full.map((l) => l.id)).orderBy('on_date').orderBy('at').execute()
    : [];
  const plan = planAsAt(full, updates, asAt);
  const all = await listPriorities(db, pid, { agreementId: a.id, kind: 'all' });
  const readable = plan.filter((l) => can(audience, 'read', lineResource(l, a)));
  const statusCounts = LINE_STATUSES.map((s) => ({ status: s.value, label: s.text, colour: s.colour, count: plan.filter((l) => l.level !== 'objective' && l.rolled.status === s.value).length }))
    .filter((s) => s.count);

  const changes: LineChange[] = [];
  for (const l of readable) {
    const window = updates.filter((u) => u.line_id === l.id && u.on_date <= asAt && (since === null || u.on_date > since));
    if (!window.length) continue;
    const added = window.some((u) => u.source === 'create');
    const real = window.filter((u) => u.source !== 'create');
    if (!added && !real.length) continue;
    const firstReal = real[0];
    const notesReadable = can(audience, 'read', updateNotesResource(l, a));
    changes.push({
      line: l, added, updates: real.length,
      fromStatus: added ? null : (firstReal?.from_status ?? null), toStatus: l.status,
      fromProgress: added ? null : (firstReal?.from_progress ?? null), toProgress: l.progress,
      notes: notesReadable ? real.filter((u) => u.note).map((u) => ({ on: u.on_date, text: u.note! })) : [],
    });
  }
  const measures = (await listMeasures(db, pid, a.id)).map((m) => ({ ...m, shown: m.values.filter((v) => v.on_date <= asAt) }));
  return {
    partnershipName: input.partnershipName, agreement: a, bodyName: input.bodyName, meeting: { id: meeting.id, meets_on: meeting.meets_on }, item, asAt, since,
    priorities: priorityRollUp(all, plan), themes: all.filter((p) => p.kind === 'theme'), lines: readable, unnamed: plan.length - readable.length,
    statusCounts, changes, measures, includesRestricted: readable.some((l) => l.restricted),
  };
}
