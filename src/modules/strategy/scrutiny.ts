// The scrutiny evidence pack's contents: what the council's crime and disorder scrutiny
// committee reads about a period. Only public content is gathered, from each module's own
// read functions: published (or superseded) agreements and their roll-up, the plan's
// lines only when the partnership shows them and never a restricted one, resolutions of
// published minutes outside restricted items, attendance at meetings whose minutes are
// published, the grants (public record) and counts of reviews, never a case.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { can, type Actor } from '../../access/policy.ts';
import { isRealDate } from '../../web/validate.ts';
import { ValidationError, type FieldError } from '../../web/errors.ts';
import { findDecisions, partnershipBodies, publicAttendance, type DecisionRow } from '../public/store.ts';
import { listGrants, type GrantView } from '../funding/store.ts';
import { financialYear } from '../funding/domain.ts';
import { countsBetween } from '../reviews/store.ts';
import { LINE_STATUSES, isAgreementPublic, periodOf } from './domain.ts';
import { listAgreements, listPlan, listPriorities, priorityRollUp, type Agreement, type LineView, type PriorityView } from './store.ts';
import { agreementResource, lineResource } from './commands.ts';

export interface ScrutinyPeriod { from: string; to: string }

/** The longest period one pack covers: enough for a scrutiny review over a few years, small enough to build quickly. */
const MAX_YEARS = 5;

/** The last financial year that has ended by `today`: on 4 December 2026, 1 April 2025 to 31 March 2026. */
export function lastCompleteFinancialYear(today: string): ScrutinyPeriod {
  const start = Number(periodOf(today).slice(0, 4)) - 1;
  return { from: `${start}-04-01`, to: `${start + 1}-03-31` };
}

/** The period asked for, or the problems with it worded as what to do. Missing both: the last complete financial year. */
export function parsePeriod(query: Record<string, unknown>, today: string): { ok: true; period: ScrutinyPeriod } | { ok: false; errors: FieldError[]; values: Record<string, string> } {
  const text = (k: string) => { const v = query[k]; return (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '').trim(); };
  const from = text('from');
  const to = text('to');
  if (!from && !to) return { ok: true, period: lastCompleteFinancialYear(today) };
  const errors: FieldError[] = [];
  const date = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && isRealDate(v);
  if (!date(from)) errors.push({ field: 'from', message: 'Enter the start of the period as a date in the form YYYY-MM-DD, for example 2025-04-01' });
  if (!date(to)) errors.push({ field: 'to', message: 'Enter the end of the period as a date in the form YYYY-MM-DD, for example 2026-03-31' });
  if (!errors.length && to < from) errors.push({ field: 'to', message: 'The end of the period must be the same as or after its start' });
  if (!errors.length && to > `${Number(from.slice(0, 4)) + MAX_YEARS}${from.slice(4)}`) errors.push({ field: 'to', message: `Choose a period of no more than ${MAX_YEARS} years` });
  return errors.length ? { ok: false, errors, values: { from, to } } : { ok: true, period: { from, to } };
}

export function requirePeriod(query: Record<string, unknown>, today: string): ScrutinyPeriod {
  const p = parsePeriod(query, today);
  if (!p.ok) throw new ValidationError(p.errors);
  return p.period;
}

export interface ScrutinyAgreement {
  agreement: Agreement;
  priorities: { priority: PriorityView; progress: number; status: string | null; count: number }[];
  themes: PriorityView[];
  /** Lines of the plan the public may read (none unless the partnership shows its plan; never a restricted one). */
  lines: LineView[];
  /** Actions and sub-actions by their rolled-up status: figures, which name no action. */
  statusCounts: { status: string; label: string; colour: string; count: number }[];
}

export interface AttendanceByOrganisation { organisation: string; present: number; apologies: number; absent: number; inAttendance: number }

export interface ScrutinyContents {
  partnershipName: string;
  period: ScrutinyPeriod;
  agreements: ScrutinyAgreement[];
  decisions: DecisionRow[];
  boardNames: string[];
  /** Meetings of the board in the period whose minutes are published. */
  boardMeetings: { id: string; meets_on: string }[];
  attendance: AttendanceByOrganisation[];
  grants: GrantView[];
  reviews: Omit<Awaited<ReturnType<typeof countsBetween>>, 'byKind' | 'recommendations' | 'casesRecorded'> | null;
  /** Anything not public that found its way in: audited when the pack is made. Empty by construction. */
  notPublic: { recordType: string; id: string; summary: string }[];
}

const overlaps = (startsOn: string, endsOn: string, p: ScrutinyPeriod) => startsOn <= p.to && endsOn >= p.from;

export async function gatherScrutiny(db: Kysely<DB>, partnership: { id: string; name: string }, period: ScrutinyPeriod, today: string): Promise<ScrutinyContents> {
  const pid = partnership.id;
  // Everything is read as the public would read it, whoever asks: the pack is one public paper.
  const asPublic: Actor = { kind: 'public', partnershipId: pid };
  const notPublic: ScrutinyContents['notPublic'] = [];

  const agreements: ScrutinyAgreement[] = [];
  for (const a of (await listAgreements(db, pid)).filter((x) => isAgreementPublic(x.status) && overlaps(x.starts_on, x.ends_on, period)).reverse()) {
    if (!can(asPublic, 'read', agreementResource(a))) { notPublic.push({ recordType: 'strategy-agreement', id: a.id, summary: 'Agreement in the scrutiny pack' }); continue; }
    const all = await listPriorities(db, pid, { agreementId: a.id, kind: 'all' });
    const plan = await listPlan(db, pid, a.id, today);
    const lines = plan.filter((l) => !l.restricted && can(asPublic, 'read', lineResource(l, a)));
    const statusCounts = LINE_STATUSES.map((s) => ({ status: s.value, label: s.text, colour: s.colour, count: plan.filter((l) => l.rolled.status === s.value && l.level !== 'objective').length }))
      .filter((s) => s.count);
    const rolled = priorityRollUp(all, plan);
    agreements.push({
      agreement: a,
      priorities: rolled.map((r) => ({ priority: all.find((p) => p.id === r.priority.id)!, progress: r.progress, status: r.status, count: r.count })),
      themes: all.filter((p) => p.kind === 'theme'),
      lines,
      statusCounts,
    });
  }

  const boards = (await partnershipBodies(db, pid)).filter((b) => b.kind === 'board');
  const boardIds = new Set(boards.map((b) => b.id));
  const decisions: DecisionRow[] = [];
  for (const b of boards) {
    const { rows } = await findDecisions(db, pid, { bodyId: b.id, from: period.from, to: period.to, q: '' }, null);
    // The query leaves restricted business out in SQL; the policy is asked again per row.
    decisions.push(...rows.filter((r) => !r.restricted && can(asPublic, 'read', { type: 'resolution', restricted: r.restricted, bodyId: r.body_id })));
  }
  decisions.sort((x, y) => (x.meets_on < y.meets_on ? -1 : x.meets_on > y.meets_on ? 1 : 0));

  const attendanceRows = (await publicAttendance(db, pid)).filter((r) => boardIds.has(r.body_id) && r.meets_on >= period.from && r.meets_on <= period.to);
  const meetings = new Map<string, string>();
  for (const r of [...attendanceRows, ...decisions]) meetings.set(r.meeting_id, r.meets_on);
  const byOrg = new Map<string, AttendanceByOrganisation>();
  for (const r of attendanceRows) {
    const name = r.organisation_name ?? 'No organisation recorded';
    const row = byOrg.get(name) ?? { organisation: name, present: 0, apologies: 0, absent: 0, inAttendance: 0 };
    if (r.kind === 'present') row.present++;
    else if (r.kind === 'apologies') row.apologies++;
    else if (r.kind === 'absent') row.absent++;
    else row.inAttendance++;
    byOrg.set(name, row);
  }

  const grants = (await listGrants(db, pid)).filter((g) => {
    const y = financialYear(g.financial_year);
    return overlaps(y.startsOn, y.endsOn, period);
  }).reverse();

  const counts = await countsBetween(db, pid, period.from, period.to);
  const { byKind: _k, recommendations: _r, casesRecorded, ...stages } = counts;

  return {
    partnershipName: partnership.name, period, agreements, decisions,
    boardNames: boards.map((b) => b.name),
    boardMeetings: [...meetings].map(([id, meets_on]) => ({ id, meets_on })).sort((x, y) => (x.meets_on < y.meets_on ? -1 : 1)),
    attendance: [...byOrg.values()].sort((x, y) => x.organisation.localeCompare(y.organisation, 'en-GB')),
    grants,
    reviews: casesRecorded > 0 ? stages : null,
    notPublic,
  };
}

/** The contents as the API gives them: camelCase, money in pence, counts only. */
export function presentScrutiny(c: ScrutinyContents) {
  return {
    from: c.period.from, to: c.period.to,
    agreements: c.agreements.map((x) => ({
      id: x.agreement.id, period: x.agreement.period, title: x.agreement.title, status: x.agreement.status, summary: x.agreement.summary, planPublic: x.agreement.plan_public,
      priorities: x.priorities.map((p) => ({
        id: p.priority.id, position: p.priority.position, title: p.priority.title, description: p.priority.description, reasons: p.priority.reasons,
        leadOrganisationName: p.priority.lead_organisation_name, leadPersonName: p.priority.lead_person_name, progress: p.progress, status: p.status, objectives: p.count,
      })),
      themes: x.themes.map((t) => ({ id: t.id, title: t.title, description: t.description })),
      statusCounts: x.statusCounts.map((s) => ({ status: s.status, label: s.label, count: s.count })),
      lines: x.lines.map((l) => ({ ref: l.ref, level: l.level, title: l.title, status: l.rolled.status, progress: l.rolled.progress, dueOn: l.due_on })),
    })),
    boards: c.boardNames,
    boardMeetings: c.boardMeetings.map((m) => ({ meetingId: m.id, meetsOn: m.meets_on })),
    decisions: c.decisions.map((d) => ({
      id: d.id, meetingId: d.meeting_id, meetsOn: d.meets_on, bodyName: d.body_name, itemCode: d.item_code, itemTitle: d.item_title, minuteNumber: d.minute_number, text: d.text,
    })),
    attendance: c.attendance,
    funding: c.grants.map((g) => ({
      grantId: g.id, label: g.label, funderName: g.funder_name, awardedPence: g.ledger.awarded, allocatedPence: g.ledger.allocated, unallocatedPence: g.ledger.unallocated,
      heldBackPence: g.ledger.heldBack, returnedPence: g.ledger.returned,
      outturn: g.outturn_on ? { on: g.outturn_on, spentPence: Number(g.outturn_spent_pence ?? 0), returnedPence: Number(g.outturn_returned_pence ?? 0), carriedForwardPence: Number(g.outturn_carried_forward_pence ?? 0) } : null,
    })),
    reviews: c.reviews,
  };
}
