// Publishing a meeting's record, one function per event: publishAgenda,
// publishSupplement, publishMinutes, and their withdrawals (withdrawAgenda,
// withdrawMinutes), each with a recorded reason. Every publication runs the check
// (publishing.ts) inside its own transaction: errors refuse it, warnings need the
// clerk's confirmation. Each writes a row of meeting_publications, the meeting's
// dates, the audit entry and the search index in one transaction, and returns what
// was published, so notices (e-mail) can follow on from here.
import { sql } from 'kysely';
import { authorize } from '../../access/policy.ts';
import { recordAudit, recordRestrictedReads } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { todayIso } from '../partnership/domain.ts';
import { statusAfter, stepProblem } from './domain.ts';
import { checkPublication, warningTexts, type CheckFacts, type PublicationCheck, type PublicationEvent } from './publishing.ts';
import { findMeeting, listAgendaItems, lockMeeting, previousMeetingOf, type MeetingRow } from './store.ts';
import { reindexMeeting } from './search.ts';
import { queueMeetingNotice } from './notices/queue.ts';
import type { PublicationRow } from './store.ts';

/** What a publication did, for the caller (and the notices that follow it). */
export interface Published {
  meeting: MeetingRow;
  publication: PublicationRow;
  check: PublicationCheck;
}

async function checkFacts(db: Tx | Context['db'], partnershipId: string, meeting: MeetingRow, today: string): Promise<CheckFacts> {
  const items = await listAgendaItems(db, partnershipId, meeting.id);
  const count = async (table: 'papers' | 'minute_paragraphs' | 'resolutions') => {
    const rows = await db.selectFrom(table).select(['agenda_item_id', sql<number>`count(*)::int`.as('n')])
      .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meeting.id).groupBy('agenda_item_id').execute();
    return new Map(rows.map((r) => [r.agenda_item_id, Number(r.n)]));
  };
  const [papers, paragraphs, resolutions] = await Promise.all([count('papers'), count('minute_paragraphs'), count('resolutions')]);
  const pendingPapers = new Map((await db.selectFrom('papers').select(['agenda_item_id', sql<number>`count(*)::int`.as('n')])
    .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meeting.id).where('late', '=', true).where('supplement_id', 'is', null)
    .groupBy('agenda_item_id').execute()).map((r) => [r.agenda_item_id, Number(r.n)]));
  const confirming = new Set((await db.selectFrom('resolutions').select('agenda_item_id').where('partnership_id', '=', partnershipId)
    .where('meeting_id', '=', meeting.id).where('confirms_meeting_id', 'is not', null).execute()).map((r) => r.agenda_item_id));
  const previous = await previousMeetingOf(db, partnershipId, meeting);
  const attendance = await db.selectFrom('meeting_attendance').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meeting.id).executeTakeFirstOrThrow();
  return {
    meeting,
    items: items.map((i) => ({
      id: i.id, code: i.code, title: i.title, kind: i.kind, minuted: i.minuted, minute_number: i.minute_number, late: i.late, supplement_id: i.supplement_id,
      paper_expected: i.paper_expected, previous_meeting_id: i.previous_meeting_id, papers: papers.get(i.id) ?? 0, pendingPapers: pendingPapers.get(i.id) ?? 0,
      paragraphs: paragraphs.get(i.id) ?? 0, resolutions: resolutions.get(i.id) ?? 0, confirmsPrevious: confirming.has(i.id), restricted: i.restricted,
    })),
    previousMeeting: previous ? { id: previous.id, meets_on: previous.meets_on } : null,
    attendance: Number(attendance.n),
    today,
  };
}

/** Why the event cannot happen at all now (already published, nothing written ...); null when it can. */
export function eventProblem(m: MeetingRow, event: PublicationEvent, today: string): string | null {
  if (event === 'agenda') return stepProblem(m, 'publish-agenda', today);
  if (event === 'minutes') return stepProblem(m, 'publish-minutes', today);
  if (m.status === 'cancelled') return 'This meeting was cancelled';
  if (!m.agenda_published_at) return 'The agenda is not published yet: publish the whole agenda instead';
  if (m.minutes_published_at || m.status === 'minutes-approved') return 'The minutes of this meeting are published: the agenda is no longer supplemented';
  return null;
}

/** The check page's findings, for the clerk to read before publishing. */
export async function publicationCheck(ctx: Context, meetingId: string, event: PublicationEvent, today = todayIso()) {
  const meeting = await findMeeting(ctx.db, ctx.actor.partnershipId, meetingId);
  if (!meeting) throw new NotFoundError();
  authorize(ctx.actor, 'update', { type: 'meeting', bodyId: meeting.body_id });
  const refused = eventProblem(meeting, event, today);
  const facts = await checkFacts(ctx.db, ctx.actor.partnershipId, meeting, today);
  const check = checkPublication(event, facts);
  // The findings name items by title: naming a restricted one is a read of it.
  const named = new Set([...check.errors, ...check.warnings].map((p) => p.itemId));
  await recordRestrictedReads(ctx.db, ctx.actor, facts.items.filter((i) => i.restricted && named.has(i.id))
    .map((i) => ({ recordType: 'agenda-item', id: i.id, summary: `Read restricted item ${i.code} on the check before publishing` })));
  return { meeting, refused, check };
}

/** `confirm_warnings` (pages: "yes"; API: true) says the clerk read the warnings and publishes anyway. */
function readConfirmation(body: unknown): boolean {
  const input = new Input(body);
  const raw = (body && typeof body === 'object' ? (body as Record<string, unknown>).confirm_warnings : undefined);
  if (raw === true) return true;
  return input.boolean('confirm_warnings');
}

const actorLabel = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.displayName : 'public');
const actorId = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);

const EVENT_WORDS: Record<PublicationEvent, string> = { agenda: 'the agenda', supplement: 'the supplementary agenda', minutes: 'the minutes' };

/** Locks the meeting, checks it, and refuses with every problem listed, or returns the check. */
async function checked(ctx: Context, trx: Tx, meetingId: string, event: PublicationEvent, confirmed: boolean, today: string) {
  const partnershipId = ctx.actor.partnershipId;
  const meeting = await lockMeeting(trx, partnershipId, meetingId);
  if (!meeting) throw new NotFoundError();
  authorize(ctx.actor, 'update', { type: 'meeting', bodyId: meeting.body_id });
  const refused = eventProblem(meeting, event, today);
  if (refused) throw new ConflictError(refused);
  const check = checkPublication(event, await checkFacts(trx, partnershipId, meeting, today));
  if (check.errors.length) {
    throw new UnprocessableError(`${EVENT_WORDS[event]} cannot be published until ${check.errors.length === 1 ? 'this is put right' : `these ${check.errors.length} problems are put right`}`.replace(/^./, (c) => c.toUpperCase()), [
      ...check.errors.map((p) => ({ field: p.code, message: p.message, severity: 'error' as const })),
      ...check.warnings.map((p) => ({ field: p.code, message: p.message, severity: 'warning' as const })),
    ]);
  }
  if (check.warnings.length && !confirmed) {
    throw new UnprocessableError(`Confirm that you have read the warning${check.warnings.length === 1 ? '' : 's'} and want to publish ${EVENT_WORDS[event]} anyway`, [
      ...check.warnings.map((p) => ({ field: p.code, message: p.message, severity: 'warning' as const })),
      { field: 'confirm_warnings', message: 'Confirm that you have read the warnings and want to publish anyway', severity: 'error' as const },
    ]);
  }
  return { meeting, check };
}

async function recordPublication(ctx: Context, trx: Tx, meeting: MeetingRow, values: { kind: PublicationRow['kind']; number?: number | null; reason?: string | null; warnings?: string[] }) {
  return trx.insertInto('meeting_publications').values({
    partnership_id: ctx.actor.partnershipId, meeting_id: meeting.id, kind: values.kind, number: values.number ?? null, reason: values.reason ?? null,
    warnings_confirmed: values.warnings ?? [], published_by: actorId(ctx), published_by_label: actorLabel(ctx),
  }).returningAll().executeTakeFirstOrThrow();
}

/** Publishes the agenda: the public sees it (restricted items left out), with everything added so far. */
export async function publishAgenda(ctx: Context, meetingId: string, body: unknown = {}, today = todayIso()): Promise<Published> {
  const confirmed = readConfirmation(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const { meeting: before, check } = await checked(ctx, trx, meetingId, 'agenda', confirmed, today);
    const publication = await recordPublication(ctx, trx, before, { kind: 'agenda', warnings: warningTexts(check) });
    // A republished agenda takes in what was added while it was withdrawn: nothing is late any more.
    await trx.updateTable('agenda_items').set({ late: false }).where('partnership_id', '=', partnershipId).where('meeting_id', '=', before.id)
      .where('late', '=', true).where('supplement_id', 'is', null).execute();
    await trx.updateTable('papers').set({ late: false }).where('partnership_id', '=', partnershipId).where('meeting_id', '=', before.id)
      .where('late', '=', true).where('supplement_id', 'is', null).execute();
    const meeting = await trx.updateTable('meetings').set({ status: statusAfter(before, 'publish-agenda'), agenda_published_at: publication.published_at, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'meeting', recordId: meeting.id, before, after: meeting,
      summary: `Agenda published${check.warnings.length ? ` (warnings confirmed: ${warningTexts(check).join('; ')})` : ''}`,
    });
    await reindexMeeting(trx, partnershipId, meeting.id);
    // Members and invited people are e-mailed (notices/), queued in this transaction.
    await queueMeetingNotice(trx, ctx.actor, meeting.id, 'agenda');
    return { meeting, publication, check };
  });
}

/** Publishes the items and papers added since the agenda was published, as supplementary agenda N. */
export async function publishSupplement(ctx: Context, meetingId: string, body: unknown = {}, today = todayIso()): Promise<Published> {
  const confirmed = readConfirmation(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const { meeting: before, check } = await checked(ctx, trx, meetingId, 'supplement', confirmed, today);
    const last = await trx.selectFrom('meeting_publications').select((eb) => eb.fn.max('number').as('n'))
      .where('partnership_id', '=', partnershipId).where('meeting_id', '=', before.id).executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const publication = await recordPublication(ctx, trx, before, { kind: 'supplement', number, warnings: warningTexts(check) });
    const items = await trx.updateTable('agenda_items').set({ supplement_id: publication.id }).where('partnership_id', '=', partnershipId)
      .where('meeting_id', '=', before.id).where('late', '=', true).where('supplement_id', 'is', null).returning(['id', 'code']).execute();
    const papers = await trx.updateTable('papers').set({ supplement_id: publication.id }).where('partnership_id', '=', partnershipId)
      .where('meeting_id', '=', before.id).where('late', '=', true).where('supplement_id', 'is', null).returning('id').execute();
    const meeting = await trx.updateTable('meetings').set({ agenda_supplemented_at: publication.published_at, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'meeting-publication', recordId: publication.id, after: publication,
      summary: `Supplementary agenda ${number} published: ${items.length} item${items.length === 1 ? '' : 's'} (${items.map((i) => i.code).join(', ') || 'none'}), ${papers.length} paper${papers.length === 1 ? '' : 's'}`,
    });
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'meeting', recordId: meeting.id, before, after: meeting, summary: `Supplementary agenda ${number} published` });
    await reindexMeeting(trx, partnershipId, meeting.id);
    // Members and invited people are e-mailed (notices/), queued in this transaction.
    await queueMeetingNotice(trx, ctx.actor, meeting.id, 'supplement');
    return { meeting, publication, check };
  });
}

/** Publishes the minutes (marked draft until approved); from now on their numbers are fixed. */
export async function publishMinutes(ctx: Context, meetingId: string, body: unknown = {}, today = todayIso()): Promise<Published> {
  const confirmed = readConfirmation(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const { meeting: before, check } = await checked(ctx, trx, meetingId, 'minutes', confirmed, today);
    const publication = await recordPublication(ctx, trx, before, { kind: 'minutes', warnings: warningTexts(check) });
    const meeting = await trx.updateTable('meetings').set({
      minutes_published_at: publication.published_at, minutes_numbers_fixed_at: before.minutes_numbers_fixed_at ?? publication.published_at, updated_at: new Date(),
    }).where('partnership_id', '=', partnershipId).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'meeting', recordId: meeting.id, before, after: meeting,
      summary: `Minutes published; their numbers are now fixed${check.warnings.length ? ` (warnings confirmed: ${warningTexts(check).join('; ')})` : ''}`,
    });
    await reindexMeeting(trx, partnershipId, meeting.id);
    // Members and invited people are e-mailed (notices/), queued in this transaction.
    await queueMeetingNotice(trx, ctx.actor, meeting.id, 'minutes');
    return { meeting, publication, check };
  });
}

function readReason(body: unknown, what: string) {
  const input = new Input(body);
  const reason = input.text('reason', `Enter why ${what} is being withdrawn`, 1000);
  input.check();
  return reason;
}

/** Takes the agenda (with its supplements) off the public record, with the reason kept and shown; it can then be changed and republished. */
export async function withdrawAgenda(ctx: Context, meetingId: string, body: unknown) {
  const reason = readReason(body, 'the agenda');
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await lockMeeting(trx, partnershipId, meetingId);
    if (!before) throw new NotFoundError();
    authorize(ctx.actor, 'update', { type: 'meeting', bodyId: before.body_id });
    if (!before.agenda_published_at) throw new ConflictError('The agenda is not published');
    if (before.status !== 'scheduled' && before.status !== 'agenda-published') {
      throw new ConflictError('The meeting has been held: its agenda stays as it was published. Correct the minutes instead');
    }
    const publication = await recordPublication(ctx, trx, before, { kind: 'agenda-withdrawn', reason });
    const meeting = await trx.updateTable('meetings').set({ status: 'scheduled', agenda_published_at: null, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'meeting', recordId: meeting.id, before, after: meeting, summary: `Agenda withdrawn: ${reason}` });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return { meeting, publication };
  });
}

/** Takes the minutes off the public record, with the reason kept and shown. Their numbers stay fixed. */
export async function withdrawMinutes(ctx: Context, meetingId: string, body: unknown) {
  const reason = readReason(body, 'the minutes');
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await lockMeeting(trx, partnershipId, meetingId);
    if (!before) throw new NotFoundError();
    authorize(ctx.actor, 'update', { type: 'meeting', bodyId: before.body_id });
    if (!before.minutes_published_at) throw new ConflictError('The minutes are not published');
    const publication = await recordPublication(ctx, trx, before, { kind: 'minutes-withdrawn', reason });
    const meeting = await trx.updateTable('meetings').set({ minutes_published_at: null, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'meeting', recordId: meeting.id, before, after: meeting, summary: `Minutes withdrawn: ${reason}` });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return { meeting, publication };
  });
}

