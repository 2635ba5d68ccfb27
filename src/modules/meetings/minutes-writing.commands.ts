// The whole meeting's minutes written on one page and saved as a whole: every item's
// paragraphs and RESOLVED clauses, the closing time, and actions made from any paragraph
// or resolution (through the actions module's own command). The page without
// JavaScript posts everything at once; with JavaScript the same command is called
// through the JSON API as the clerk types. Both send the version of the minutes they
// started from: a save based on an older version is refused, with who saved since.
//
// Rows carry their ids from the client (fresh ones for new rows), so sending the same
// save twice (a retry after the connection dropped) writes it once.
import { createHash } from 'node:crypto';
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { isUuid } from '../../web/validate.ts';
import { formatDateTime } from '../../web/nunjucks.ts';
import { todayIso } from '../partnership/domain.ts';
import { createAction } from '../actions/commands.ts';
import { editProblem, parseTime, stepProblem } from './domain.ts';
import { listAgendaItems, lockMeeting, type MeetingRow } from './store.ts';
import { authorizeRecord } from './access.ts';
import { numberTheMinutes } from './meetings.commands.ts';
import { reindexMeeting } from './search.ts';
import { resolutionWords, splitParagraphs } from './minutes.commands.ts';

export const PARAGRAPH_MAX = 20000;
export const RESOLUTION_MAX = 5000;

export interface MinutesRowInput { id: string; text: string }
export interface MinutesItemInput { itemId: string; paragraphs: MinutesRowInput[]; resolutions: MinutesRowInput[] }
/** An action made from one paragraph or resolution, as the form sends it. */
export interface MinutesActionInput {
  sourceKind: 'minute-paragraph' | 'resolution';
  sourceId: string;
  description: string;
  /** "person:<id>" or "organisation:<id>". */
  owner: string;
  due: { iso?: string; day?: string; month?: string; year?: string };
}
export interface MinutesInput {
  /** The version of the minutes the writer's copy started from. */
  version: number;
  /** As typed ("3.45pm"); undefined leaves it as it is, '' clears it. */
  closedAt?: string | undefined;
  items: MinutesItemInput[];
  actions?: MinutesActionInput[];
}

/** Form and error field names: the page's element ids, so the error summary can link to each. */
export const rowField = (kind: 'p' | 'r', id: string) => `${kind}-${id}`;
export const actionField = (rowId: string, field: string) => `action-${rowId}-${field}`;

/**
 * A paragraph typed with blank lines becomes several; the second and later take ids made
 * from the first, so a repeated save makes the same rows again rather than new ones.
 */
export function derivedId(id: string, n: number): string {
  const h = createHash('sha256').update(`${id}:${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface SavedRow { id: string; itemId: string; text: string }

/** Saves the minutes as sent; see the top of this file. Throws every problem at once, and then writes nothing. */
export async function saveMinutes(ctx: Context, meetingId: string, input: MinutesInput, today = todayIso()) {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => { if (!errors.some((e) => e.field === field)) errors.push({ field, message }); };
  let closedAt: string | null | undefined;
  if (input.closedAt !== undefined) {
    closedAt = input.closedAt.trim() ? parseTime(input.closedAt) : null;
    if (closedAt === null && input.closedAt.trim()) fail('closed_at', 'Enter the time the meeting closed, for example 3.45pm');
  }
  if (!Number.isInteger(input.version) || input.version < 0) throw ValidationError.single('version', 'Reload the page: the version of the minutes is missing');
  const partnershipId = ctx.actor.partnershipId;

  return inTransaction(ctx, async (trx) => {
    const meeting = await lockMeeting(trx, partnershipId, meetingId);
    if (!meeting) throw new NotFoundError();
    authorize(ctx.actor, 'update', { type: 'meeting', bodyId: meeting.body_id });
    const locked = editProblem(meeting);
    if (locked) throw new ConflictError(locked);
    if (meeting.minutes_version !== input.version) throw new ConflictError(conflictMessage(meeting));

    // Writing the minutes records the meeting as held and numbers its minutes: one step.
    if (meeting.status === 'scheduled' || meeting.status === 'agenda-published') {
      const problem = stepProblem(meeting, 'hold', today);
      if (problem) throw new ConflictError(problem.replace('recorded as held', 'minuted'));
    }
    if (meeting.status !== 'minutes-draft') await startMinutes(ctx, trx, meeting);

    const items = new Map((await listAgendaItems(trx, partnershipId, meeting.id)).map((i) => [i.id, i]));
    const [paragraphs, resolutions] = await Promise.all([
      trx.selectFrom('minute_paragraphs').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meeting.id).execute(),
      trx.selectFrom('resolutions').selectAll().where('partnership_id', '=', partnershipId).where('meeting_id', '=', meeting.id).execute(),
    ]);
    const saved = { p: new Map<string, SavedRow>(), r: new Map<string, SavedRow>() };
    const changes = { created: 0, changed: 0, removed: 0 };

    for (const itemInput of input.items) {
      const item = items.get(itemInput.itemId);
      if (!item) throw new ConflictError('An item of these minutes has been removed from the agenda. Copy its words, then reload the page');
      authorizeRecord(ctx.actor, item, meeting.body_id);
      for (const kind of ['p', 'r'] as const) {
        const table = kind === 'p' ? 'minute_paragraphs' : 'resolutions';
        const recordType = kind === 'p' ? 'minute-paragraph' : 'resolution';
        const existing = (kind === 'p' ? paragraphs : resolutions).filter((x) => x.agenda_item_id === item.id);
        const others = new Set((kind === 'p' ? paragraphs : resolutions).filter((x) => x.agenda_item_id !== item.id).map((x) => x.id));
        // A resolution that approved another meeting's minutes is that approval: kept first, never changed here.
        const fixed = kind === 'r' ? existing.filter((x) => 'confirms_meeting_id' in x && x.confirms_meeting_id) : [];
        const wanted: { id: string; text: string }[] = [];
        for (const row of kind === 'p' ? itemInput.paragraphs : itemInput.resolutions) {
          const field = rowField(kind, row.id);
          if (!isUuid(row.id) || others.has(row.id)) { fail(field, 'Reload the page: this row is not part of this item'); continue; }
          if (fixed.some((f) => f.id === row.id)) continue;
          const raw = row.text.replace(/\r\n?/g, '\n').trim();
          if (!raw) continue; // a blank row is a spare one, or a paragraph cleared to remove it
          const parts = kind === 'p' ? splitParagraphs(raw) : [resolutionWords(raw.replace(/\s*\n\s*/g, ' '))];
          const max = kind === 'p' ? PARAGRAPH_MAX : RESOLUTION_MAX;
          if (raw.length > max) { fail(field, `${kind === 'p' ? 'A paragraph' : 'A resolution'} must be ${max} characters or fewer`); continue; }
          if (kind === 'r' && !parts[0]) { fail(field, 'Enter what was resolved, for example “to note the update”'); continue; }
          parts.forEach((text, n) => wanted.push({ id: n === 0 ? row.id : derivedId(row.id, n), text }));
        }
        if (errors.length) continue;
        const before = new Map(existing.map((x) => [x.id, x]));
        const keep = new Set(wanted.map((w) => w.id));
        for (const old of existing) {
          if (keep.has(old.id) || fixed.includes(old)) continue;
          await trx.deleteFrom(table).where('partnership_id', '=', partnershipId).where('id', '=', old.id).execute();
          await recordAudit(trx, ctx.actor, { action: 'delete', recordType, recordId: old.id, before: old, summary: `Removed from the minutes of item ${item.code}` });
          changes.removed++;
        }
        let position = fixed.length;
        for (const f of fixed) saved[kind].set(f.id, { id: f.id, itemId: item.id, text: f.text });
        for (const w of wanted) {
          position++;
          const old = before.get(w.id);
          if (old && old.text === w.text && old.position === position) { saved[kind].set(w.id, { id: w.id, itemId: item.id, text: w.text }); continue; }
          if (old) {
            const after = await trx.updateTable(table).set({ text: w.text, position, updated_at: new Date() })
              .where('partnership_id', '=', partnershipId).where('id', '=', w.id).returningAll().executeTakeFirstOrThrow();
            if (old.text !== w.text) {
              await recordAudit(trx, ctx.actor, { action: 'update', recordType, recordId: w.id, before: old, after });
              changes.changed++;
            }
          } else {
            const values = { partnership_id: partnershipId, id: w.id, meeting_id: meeting.id, agenda_item_id: item.id, position, text: w.text };
            const row = kind === 'p'
              ? await trx.insertInto('minute_paragraphs').values(values).returningAll().executeTakeFirstOrThrow()
              : await trx.insertInto('resolutions').values({ ...values, confirms_meeting_id: null }).returningAll().executeTakeFirstOrThrow();
            await recordAudit(trx, ctx.actor, { action: 'create', recordType, recordId: w.id, after: row, summary: `${kind === 'p' ? 'Paragraph' : 'Resolution'} ${position} of item ${item.code}` });
            changes.created++;
          }
          saved[kind].set(w.id, { id: w.id, itemId: item.id, text: w.text });
        }
      }
    }

    // Actions, through the actions module's command, in this transaction: its problems
    // are reported with the minutes' own, and none is made unless everything saves.
    const actions = [];
    for (const a of input.actions ?? []) {
      const kind = a.sourceKind === 'resolution' ? 'r' : 'p';
      // The row as saved; or as sent, when other problems stopped the save (its own problems are still wanted).
      const sent = input.items.flatMap((i) => (kind === 'p' ? i.paragraphs : i.resolutions).filter((x) => x.id === a.sourceId && x.text.trim())
        .map((x) => ({ id: x.id, itemId: i.itemId, text: kind === 'r' ? resolutionWords(x.text) : splitParagraphs(x.text)[0] ?? x.text })))[0];
      const source = saved[kind].get(a.sourceId)
        ?? (kind === 'p' ? paragraphs : resolutions).filter((x) => x.id === a.sourceId).map((x) => ({ id: x.id, itemId: x.agenda_item_id, text: x.text }))[0]
        ?? (errors.length && sent && isUuid(sent.id) ? sent : undefined);
      if (!source) { fail(actionField(a.sourceId, 'description'), 'Write the paragraph or resolution before making an action from it'); continue; }
      const [ownerKind, ownerId] = a.owner.split(':');
      try {
        const made = await createAction({ db: trx, actor: ctx.actor }, {
          body_id: meeting.body_id, meeting_id: meeting.id, source_kind: a.sourceKind, source_id: source.id, source_text: source.text,
          description: a.description, restricted: items.get(source.itemId)?.restricted ? 'yes' : 'no',
          owner_person_id: ownerKind === 'person' ? ownerId : '', owner_organisation_id: ownerKind === 'organisation' ? ownerId : '',
          ...(a.due.iso !== undefined ? { due_on: a.due.iso } : { 'due_on-day': a.due.day ?? '', 'due_on-month': a.due.month ?? '', 'due_on-year': a.due.year ?? '' }),
        }, today);
        actions.push(made);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        for (const problem of e.errors) {
          const field = problem.field === 'owner_person_id' || problem.field === 'owner_organisation_id' ? 'owner' : problem.field;
          fail(actionField(a.sourceId, field), problem.message);
        }
      }
    }

    if (errors.length) throw new ValidationError(errors);

    const updated = await trx.updateTable('meetings').set({
      ...(closedAt !== undefined ? { closed_at: closedAt } : {}),
      minutes_version: meeting.minutes_version + 1, minutes_saved_at: new Date(),
      minutes_saved_by: ctx.actor.kind === 'user' ? ctx.actor.displayName : null, updated_at: new Date(),
    }).where('partnership_id', '=', partnershipId).where('id', '=', meeting.id).returningAll().executeTakeFirstOrThrow();
    if (closedAt !== undefined && closedAt !== meeting.closed_at) {
      await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'meeting', recordId: meeting.id, before: meeting, after: updated, summary: 'Closing time recorded in the minutes' });
    }
    if (changes.created || changes.changed || changes.removed) await reindexMeeting(trx, partnershipId, meeting.id);
    return { meeting: updated, changes, actions, startedNow: meeting.status !== 'minutes-draft' };
  });
}

/** Holds the meeting (if it was not yet) and numbers its minutes: the first save does this. */
async function startMinutes(ctx: Context, trx: Tx, before: MeetingRow): Promise<MeetingRow> {
  const wasHeld = before.status === 'held';
  await numberTheMinutes(trx, ctx.actor.partnershipId, before);
  const after = await trx.updateTable('meetings').set({ status: 'minutes-draft', updated_at: new Date() })
    .where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
  await recordAudit(trx, ctx.actor, {
    action: 'update', recordType: 'meeting', recordId: before.id, before, after,
    summary: wasHeld ? 'Minutes started and numbered' : 'Meeting recorded as held; its minutes started and numbered',
  });
  return after;
}

/** What the writer is told when someone else saved the minutes after their copy was loaded. */
export function conflictMessage(m: { minutes_saved_by: string | null; minutes_saved_at: Date | null }): string {
  const who = m.minutes_saved_by ?? 'Someone else';
  const when = m.minutes_saved_at ? ` at ${formatDateTime(m.minutes_saved_at)}` : '';
  return `${who} saved these minutes${when}, after your copy was opened, so your changes have not been saved. Your words are kept on this page: compare them with the saved minutes, then save again to keep yours`;
}
