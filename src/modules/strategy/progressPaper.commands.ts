// Generating the CSA progress paper for an agenda item of the monitoring body's meeting:
// the PDF is built from the plan at a date and attached to the item through the meetings
// module's own command (attachPaper), in the same transaction as this module's record of
// it. The bytes are kept as generated, with their SHA-256; generating again makes a new
// version (a new paper and a new record), never a change to an old one.
import { createHash } from 'node:crypto';
import { authorize, strategyResources } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError, ValidationError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { attachPaper } from '../meetings/agenda.commands.ts';
import { longDate } from '../meetings/pack/minutes.ts';
import { findAgreement } from './store.ts';
import { agreementResource } from './commands.ts';
import { gatherProgressPaper, PlanNotReadableError } from './progressPaper.ts';

export const progressPaperResource = strategyResources.progressPaper;

/** The meeting and item, by id, as this module needs them (the meetings module decides on the paper itself). */
export async function findMeetingItem(ctx: Context, meetingId: string, itemId: string) {
  const pid = ctx.actor.partnershipId;
  const meeting = await ctx.db.selectFrom('meetings as m').innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .select(['m.id', 'm.body_id', 'm.meets_on', 'm.starts_at', 'm.status', 'b.name as body_name'])
    .where('m.partnership_id', '=', pid).where('m.id', '=', meetingId).executeTakeFirst();
  if (!meeting) return undefined;
  const item = await ctx.db.selectFrom('agenda_items').select(['id', 'code', 'title', 'restricted'])
    .where('partnership_id', '=', pid).where('meeting_id', '=', meetingId).where('id', '=', itemId).executeTakeFirst();
  return item ? { meeting, item } : undefined;
}

export async function generateProgressPaper(ctx: Context, meetingId: string, itemId: string, body: unknown, today = todayIso()) {
  authorize(ctx.actor, 'create', progressPaperResource());
  const pid = ctx.actor.partnershipId;
  const found = await findMeetingItem(ctx, meetingId, itemId);
  if (!found) throw new NotFoundError();
  const { meeting, item } = found;
  authorize(ctx.actor, 'read', { type: 'agenda-item', restricted: item.restricted, bodyId: meeting.body_id });
  const input = new Input(body);
  const agreementId = input.id('agreement_id', 'Select the agreement whose plan the paper reports on');
  const asAt = input.optionalDate('as_at', 'The date of the plan') ?? today;
  if (asAt > today) input.fail('as_at', 'The date of the plan must be today or in the past: the plan cannot report on updates not yet made');
  input.check();
  const agreement = await findAgreement(ctx.db, pid, agreementId);
  if (!agreement) throw ValidationError.single('agreement_id', 'Select the agreement whose plan the paper reports on');
  authorize(ctx.actor, 'read', agreementResource(agreement));
  if (agreement.monitoring_body_id !== meeting.body_id) {
    throw ValidationError.single('agreement_id', `The ${meeting.body_name} does not monitor this agreement’s plan: choose the agreement it monitors, or set the agreement’s monitoring body first`);
  }
  const partnership = await ctx.db.selectFrom('partnerships').select('name').where('id', '=', pid).executeTakeFirstOrThrow();
  let contents;
  try {
    contents = await gatherProgressPaper(ctx.db, { partnershipId: pid, partnershipName: partnership.name, agreement, bodyName: meeting.body_name, meeting, item, asAt });
  } catch (e) {
    if (e instanceof PlanNotReadableError) {
      throw ValidationError.single('agreement_id', 'This item is held in public, and the public may not read this plan’s progress (the agreement is not published, or its plan is not shown to the public). Put the report on a restricted item, or publish the plan’s progress first');
    }
    throw e;
  }
  // pdf-lib is loaded on first use, not at start.
  const { buildProgressPaperPdf } = await import('./progressPaperPdf.ts');
  const pdf = await buildProgressPaperPdf(contents);
  const sha256 = createHash('sha256').update(pdf.bytes).digest('hex');
  return inTransaction(ctx, async (trx) => {
    const last = await trx.selectFrom('strategy_progress_papers').select((eb) => eb.fn.max('version').as('v'))
      .where('partnership_id', '=', pid).where('agenda_item_id', '=', item.id).executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    const title = `Community Safety Agreement progress report as at ${longDate(asAt)}${version > 1 ? ` (version ${version})` : ''}`;
    const paper = await attachPaper({ db: trx, actor: ctx.actor }, meeting.id, item.id, {
      fileName: `csa-progress-report-${asAt}-v${version}.pdf`, bytes: pdf.bytes, tooLarge: false, fields: { title },
    });
    const row = await trx.insertInto('strategy_progress_papers').values({
      partnership_id: pid, agreement_id: agreement.id, meeting_id: meeting.id, agenda_item_id: item.id, paper_id: paper.id, version, as_at: asAt,
      since: contents.since, includes_restricted: contents.includesRestricted, byte_size: pdf.bytes.length, sha256, page_count: pdf.pageCount, content: pdf.bytes,
      generated_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    }).returning(['id', 'agreement_id', 'meeting_id', 'agenda_item_id', 'paper_id', 'version', 'as_at', 'since', 'includes_restricted', 'byte_size', 'sha256', 'page_count', 'generated_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'strategy-progress-paper', recordId: row.id, after: row,
      summary: `Progress paper version ${version} (plan as at ${asAt}) for item ${item.code} of the ${meeting.body_name} on ${meeting.meets_on}` });
    return { ...row, paperUrl: `/meetings/${meeting.id}/papers/${paper.id}`, title };
  });
}
