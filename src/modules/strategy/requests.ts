// E-mails asking the owners of plan actions for their updates before the monitoring body
// meets, each with a link to their own list. Each owner is asked at most once a day per
// agreement: the audit entry written for each message is what a second run checks.
import { sql } from 'kysely';
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import type { Context } from '../../access/context.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { NotFoundError } from '../../web/errors.ts';
import { addDays } from '../partnership/domain.ts';
import { agreementResource } from './commands.ts';
import { progressRequestMessage, selectProgressRequests } from './domain.ts';
import { findAgreement, listPlan } from './store.ts';

export interface RequestResult { messages: number; actions: number; since: string; failed: { to: string; error: string }[] }

export async function sendProgressRequests(ctx: Context & { mailer: Mailer; baseUrl?: string | null }, agreementId: string, today: string): Promise<RequestResult> {
  const pid = ctx.actor.partnershipId;
  const a = await findAgreement(ctx.db, pid, agreementId);
  if (!a) throw new NotFoundError();
  authorize(ctx.actor, 'update', agreementResource(a));
  const { db } = ctx;
  // Since the monitoring body's last meeting (or four weeks, when it has none yet); the next one is named in the message.
  const meetings = a.monitoring_body_id
    ? await db.selectFrom('meetings').select('meets_on').where('partnership_id', '=', pid).where('body_id', '=', a.monitoring_body_id).where('status', '!=', 'cancelled').orderBy('meets_on').execute()
    : [];
  const last = meetings.filter((m) => m.meets_on < today).at(-1)?.meets_on;
  const nextMeeting = meetings.find((m) => m.meets_on >= today)?.meets_on ?? null;
  const since = last ?? addDays(today, -28);
  const plan = await listPlan(db, pid, a.id, today);
  const latest = plan.length ? await db.selectFrom('strategy_plan_updates').select(['line_id', sql<string>`max(on_date)::text`.as('on')])
    .where('partnership_id', '=', pid).where('line_id', 'in', plan.map((l) => l.id)).where('source', '!=', 'create').groupBy('line_id').execute() : [];
  const lastOn = new Map(latest.map((r) => [r.line_id, r.on]));
  const batches = selectProgressRequests(plan.map((l) => ({
    id: l.id, ref: l.ref, title: l.title, status: l.status, due_on: l.due_on, restricted: l.restricted, owner_person_id: l.owner_person_id,
    owner_email: l.owner_email, owner_name: l.owner_name, last_update_on: lastOn.get(l.id) ?? null, leaf: l.rolled.leaf,
  })), since);
  const asked = new Set((await db.selectFrom('audit_log').select('summary').where('partnership_id', '=', pid).where('record_type', '=', 'strategy-progress-request')
    .where('record_id', '=', a.id).where('at', '>=', new Date(`${today}T00:00:00Z`)).execute()).map((r) => (r.summary ?? '').toLowerCase()));
  const partnership = await db.selectFrom('partnerships').select('short_name').where('id', '=', pid).executeTakeFirstOrThrow();
  const result: RequestResult = { messages: 0, actions: 0, since, failed: [] };
  for (const batch of batches) {
    const summary = `Asked ${batch.to} for updates`;
    if (asked.has(summary.toLowerCase())) continue;
    try {
      await ctx.mailer.send(progressRequestMessage(batch, { partnershipName: partnership.short_name, agreementTitle: a.title, meetingOn: nextMeeting, baseUrl: ctx.baseUrl }));
      await recordAudit(db, ctx.actor, { action: 'create', recordType: 'strategy-progress-request', recordId: a.id, summary, after: { lines: batch.lines.map((l) => l.id) } });
      result.messages += 1;
      result.actions += batch.lines.length;
    } catch (e) {
      result.failed.push({ to: batch.to, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}
