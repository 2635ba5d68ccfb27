// Changes to the record of what happened: attendance, declarations of interest, minute
// paragraphs and resolutions, the approval of the last meeting's minutes as a correct
// record, and the amendments made to minutes after they were approved.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import {
  attendanceKindValues, attendanceModeValues, correctRecordText, editProblem, minutesAmendable, minutesProblem,
} from './domain.ts';
import { existingPeople, findAgendaItem, findParagraph, findResolution, lockMeeting, peopleNames, type MeetingRow } from './store.ts';
import { authorizeRecord } from './access.ts';
import { reindexMeeting } from './search.ts';
import type { AttendanceKind, AttendanceMode } from './tables.ts';

async function meetingFor(ctx: Context, trx: Tx, meetingId: string, rule: 'record' | 'minutes') {
  const meeting = await lockMeeting(trx, ctx.actor.partnershipId, meetingId);
  if (!meeting) throw new NotFoundError();
  authorize(ctx.actor, 'update', { type: 'meeting', bodyId: meeting.body_id });
  const problem = rule === 'minutes' ? minutesProblem(meeting) : editProblem(meeting);
  if (problem) throw new ConflictError(problem);
  // A change made here is a new version of the minutes: the minutes page's next save from an older copy is told.
  if (rule === 'minutes') {
    await trx.updateTable('meetings').set({
      minutes_version: meeting.minutes_version + 1, minutes_saved_at: new Date(), minutes_saved_by: ctx.actor.kind === 'user' ? ctx.actor.displayName : null,
    }).where('partnership_id', '=', meeting.partnership_id).where('id', '=', meeting.id).execute();
  }
  return meeting;
}

async function itemFor(ctx: Context, trx: Tx, meeting: MeetingRow, itemId: string) {
  const item = await findAgendaItem(trx, ctx.actor.partnershipId, meeting.id, itemId);
  if (!item) throw new NotFoundError();
  authorizeRecord(ctx.actor, item, meeting.body_id);
  return item;
}

// ------------------------------------------------------------------ attendance

function readAttendee(input: Input, prefix = '') {
  const f = (name: string) => `${prefix}${name}`;
  const person_id = input.optionalId(f('person_id'), 'Select the person from the list');
  const name = input.optionalText(f('name'), 'The name', 200);
  if (!person_id && !name) input.fail(f('person_id'), 'Select a person from the list, or enter the name of someone not listed');
  const capacity = input.optionalText(f('capacity'), 'The capacity', 200);
  const kind = input.oneOf<AttendanceKind>(f('kind'), attendanceKindValues, 'Select how the person attended, or that they sent apologies');
  let mode = input.optionalOneOf<AttendanceMode>(f('mode'), attendanceModeValues, 'Select whether they attended in person or virtually');
  if (kind === 'apologies' || kind === 'absent') mode = null;
  const substitute_for_person_id = input.optionalId(f('substitute_for_person_id'), 'Select the member they substituted for from the list');
  if (substitute_for_person_id && kind !== 'present') input.fail(f('substitute_for_person_id'), 'Only someone present can be a substitute');
  if (substitute_for_person_id && substitute_for_person_id === person_id) input.fail(f('substitute_for_person_id'), 'A person cannot substitute for themselves');
  return { person_id, name: person_id ? null : name, capacity, kind, mode, substitute_for_person_id };
}

export async function recordAttendance(ctx: Context, meetingId: string, body: unknown) {
  const input = new Input(body);
  const values = readAttendee(input);
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'record');
    const ids = [values.person_id, values.substitute_for_person_id].filter((x): x is string => !!x);
    const found = await existingPeople(trx, partnershipId, ids);
    if (values.person_id && !found.has(values.person_id)) input.fail('person_id', 'Select the person from the list');
    if (values.substitute_for_person_id && !found.has(values.substitute_for_person_id)) input.fail('substitute_for_person_id', 'Select the member they substituted for from the list');
    input.check();
    if (values.person_id) {
      const existing = await trx.selectFrom('meeting_attendance').select(['id', 'kind']).where('partnership_id', '=', partnershipId)
        .where('meeting_id', '=', meeting.id).where('person_id', '=', values.person_id).executeTakeFirst();
      if (existing) {
        const name = (await peopleNames(trx, partnershipId, [values.person_id])).get(values.person_id);
        throw new ConflictError(`${name} is already recorded for this meeting (${existing.kind.replace('-', ' ')}). Remove that entry first to change it`, 'person_id');
      }
    }
    const row = await trx.insertInto('meeting_attendance').values({ ...values, partnership_id: partnershipId, meeting_id: meeting.id }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'attendance', recordId: row.id, after: row });
    return row;
  });
}

/**
 * The register of members in one go: each member's answer (`attendance[<personId>]` =
 * present-in-person, present-virtual, apologies, absent or blank). Replaces what was
 * recorded for those people; everyone else on the record stays as it is.
 */
export async function recordRegister(ctx: Context, meetingId: string, answers: Record<string, string>) {
  const choices: Record<string, { kind: AttendanceKind; mode: AttendanceMode | null } | null> = {
    'present-in-person': { kind: 'present', mode: 'in-person' },
    'present-virtual': { kind: 'present', mode: 'virtual' },
    apologies: { kind: 'apologies', mode: null },
    absent: { kind: 'absent', mode: null },
    '': null,
  };
  const entries = Object.entries(answers);
  const errors = entries.filter(([id, v]) => !/^[0-9a-f-]{36}$/i.test(id) || !(v in choices))
    .map(([id]) => ({ field: `attendance-${id}`, message: 'Select how each member attended' }));
  if (errors.length) throw new ValidationError(errors);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'record');
    const found = await existingPeople(trx, partnershipId, entries.map(([id]) => id));
    let changed = 0;
    for (const [personId, answer] of entries) {
      if (!found.has(personId)) continue;
      const before = await trx.selectFrom('meeting_attendance').selectAll().where('partnership_id', '=', partnershipId)
        .where('meeting_id', '=', meeting.id).where('person_id', '=', personId).executeTakeFirst();
      const choice = choices[answer] ?? null;
      if (before && choice && before.kind === choice.kind && before.mode === choice.mode) continue;
      if (!before && !choice) continue;
      // A substitute's entry says whom they stood in for; the register does not overwrite it.
      if (before?.substitute_for_person_id) continue;
      if (before) await trx.deleteFrom('meeting_attendance').where('partnership_id', '=', partnershipId).where('id', '=', before.id).execute();
      let after = null;
      if (choice) {
        after = await trx.insertInto('meeting_attendance').values({
          partnership_id: partnershipId, meeting_id: meeting.id, person_id: personId, name: null, capacity: before?.capacity ?? null,
          kind: choice.kind, mode: choice.mode, substitute_for_person_id: null,
        }).returningAll().executeTakeFirstOrThrow();
      }
      await recordAudit(trx, ctx.actor, { action: before ? (after ? 'update' : 'delete') : 'create', recordType: 'attendance', recordId: after?.id ?? before!.id, before, after });
      changed++;
    }
    return { changed };
  });
}

export async function removeAttendance(ctx: Context, meetingId: string, attendanceId: string) {
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'record');
    const before = await trx.selectFrom('meeting_attendance').selectAll().where('partnership_id', '=', partnershipId)
      .where('meeting_id', '=', meeting.id).where('id', '=', attendanceId).executeTakeFirst();
    if (!before) throw new NotFoundError();
    await trx.deleteFrom('meeting_attendance').where('partnership_id', '=', partnershipId).where('id', '=', attendanceId).execute();
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'attendance', recordId: attendanceId, before });
    return before;
  });
}

// ------------------------------------------------------------------ declarations

export async function recordDeclaration(ctx: Context, meetingId: string, itemId: string, body: unknown) {
  const input = new Input(body);
  const person_id = input.id('person_id', 'Select who declared the interest');
  const interest = input.text('interest', 'Enter the interest declared', 2000);
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'record');
    const item = await itemFor(ctx, trx, meeting, itemId);
    if (!(await existingPeople(trx, partnershipId, [person_id])).size) throw ValidationError.single('person_id', 'Select who declared the interest from the list');
    const row = await trx.insertInto('declarations_of_interest').values({ partnership_id: partnershipId, meeting_id: meeting.id, agenda_item_id: item.id, person_id, interest })
      .returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'declaration', recordId: row.id, after: row, summary: `Declaration on item ${item.code}` });
    return row;
  });
}

export async function removeDeclaration(ctx: Context, meetingId: string, declarationId: string) {
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'record');
    const before = await trx.selectFrom('declarations_of_interest').selectAll().where('partnership_id', '=', partnershipId)
      .where('meeting_id', '=', meeting.id).where('id', '=', declarationId).executeTakeFirst();
    if (!before) throw new NotFoundError();
    await itemFor(ctx, trx, meeting, before.agenda_item_id);
    await trx.deleteFrom('declarations_of_interest').where('partnership_id', '=', partnershipId).where('id', '=', declarationId).execute();
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'declaration', recordId: declarationId, before });
    return before;
  });
}

// ------------------------------------------------------------------ paragraphs and resolutions

/** Pasted minutes come as several paragraphs separated by blank lines; a leading "1." is the clerk's own number. */
export function splitParagraphs(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((p) => p.replace(/^\s*\d{1,3}[.)]\s+/, '').replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean);
}

/** The words after "RESOLVED": a clerk may type the word itself, which the page prints anyway. */
export const resolutionWords = (text: string) => text.replace(/^\s*(it\s+was\s+)?resolved\s*:?\s*/i, '').trim();

export async function addParagraphs(ctx: Context, meetingId: string, itemId: string, body: unknown) {
  const input = new Input(body);
  const text = input.text('text', 'Enter the text of the minute', 20000);
  input.check();
  const paragraphs = splitParagraphs(text);
  if (!paragraphs.length) throw ValidationError.single('text', 'Enter the text of the minute');
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'minutes');
    const item = await itemFor(ctx, trx, meeting, itemId);
    const last = await trx.selectFrom('minute_paragraphs').select((eb) => eb.fn.max('position').as('p')).where('partnership_id', '=', partnershipId)
      .where('agenda_item_id', '=', item.id).executeTakeFirst();
    let position = Number(last?.p ?? 0);
    const rows = [];
    for (const p of paragraphs) {
      const row = await trx.insertInto('minute_paragraphs').values({ partnership_id: partnershipId, meeting_id: meeting.id, agenda_item_id: item.id, position: ++position, text: p })
        .returningAll().executeTakeFirstOrThrow();
      await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'minute-paragraph', recordId: row.id, after: row, summary: `Paragraph ${position} of item ${item.code}` });
      rows.push(row);
    }
    await reindexMeeting(trx, partnershipId, meeting.id);
    return rows;
  });
}

export async function updateParagraph(ctx: Context, meetingId: string, paragraphId: string, body: unknown) {
  const input = new Input(body);
  const text = input.text('text', 'Enter the text of the paragraph', 20000);
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'minutes');
    const before = await findParagraph(trx, partnershipId, meeting.id, paragraphId);
    if (!before) throw new NotFoundError();
    await itemFor(ctx, trx, meeting, before.agenda_item_id);
    const after = await trx.updateTable('minute_paragraphs').set({ text: text.replace(/\s*\n\s*/g, ' '), updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', paragraphId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'minute-paragraph', recordId: paragraphId, before, after });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return after;
  });
}

export async function removeParagraph(ctx: Context, meetingId: string, paragraphId: string) {
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'minutes');
    const before = await findParagraph(trx, partnershipId, meeting.id, paragraphId);
    if (!before) throw new NotFoundError();
    await itemFor(ctx, trx, meeting, before.agenda_item_id);
    await trx.deleteFrom('minute_paragraphs').where('partnership_id', '=', partnershipId).where('id', '=', paragraphId).execute();
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'minute-paragraph', recordId: paragraphId, before });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return before;
  });
}

export async function addResolution(ctx: Context, meetingId: string, itemId: string, body: unknown) {
  const input = new Input(body);
  const raw = input.text('text', 'Enter what was resolved, for example “to note the update”', 5000);
  input.check();
  const text = resolutionWords(raw);
  if (!text) throw ValidationError.single('text', 'Enter what was resolved, for example “to note the update”');
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'minutes');
    const item = await itemFor(ctx, trx, meeting, itemId);
    const row = await insertResolution(trx, partnershipId, meeting.id, item.id, text, null);
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'resolution', recordId: row.id, after: row, summary: `Resolution on item ${item.code}` });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return row;
  });
}

async function insertResolution(trx: Tx, partnershipId: string, meetingId: string, itemId: string, text: string, confirms: string | null) {
  const last = await trx.selectFrom('resolutions').select((eb) => eb.fn.max('position').as('p')).where('partnership_id', '=', partnershipId)
    .where('agenda_item_id', '=', itemId).executeTakeFirst();
  return trx.insertInto('resolutions').values({
    partnership_id: partnershipId, meeting_id: meetingId, agenda_item_id: itemId, position: Number(last?.p ?? 0) + 1, text, confirms_meeting_id: confirms,
  }).returningAll().executeTakeFirstOrThrow();
}

export async function updateResolution(ctx: Context, meetingId: string, resolutionId: string, body: unknown) {
  const input = new Input(body);
  const raw = input.text('text', 'Enter what was resolved', 5000);
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'minutes');
    const before = await findResolution(trx, partnershipId, meeting.id, resolutionId);
    if (!before) throw new NotFoundError();
    await itemFor(ctx, trx, meeting, before.agenda_item_id);
    if (before.confirms_meeting_id) throw new ConflictError('This resolution approved the minutes of another meeting. Record an amendment to those minutes instead');
    const after = await trx.updateTable('resolutions').set({ text: resolutionWords(raw), updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', resolutionId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'resolution', recordId: resolutionId, before, after });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return after;
  });
}

export async function removeResolution(ctx: Context, meetingId: string, resolutionId: string) {
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'minutes');
    const before = await findResolution(trx, partnershipId, meeting.id, resolutionId);
    if (!before) throw new NotFoundError();
    await itemFor(ctx, trx, meeting, before.agenda_item_id);
    if (before.confirms_meeting_id) throw new ConflictError('This resolution approved the minutes of another meeting and cannot be removed');
    await trx.deleteFrom('resolutions').where('partnership_id', '=', partnershipId).where('id', '=', resolutionId).execute();
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'resolution', recordId: resolutionId, before });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return before;
  });
}

// ------------------------------------------------------------------ approval

/**
 * The "notes of the last meeting" item resolved as a correct record: writes the
 * resolution, and marks the earlier meeting's minutes approved, which locks them.
 */
export async function confirmPreviousMinutes(ctx: Context, meetingId: string, itemId: string, body: unknown) {
  const input = new Input(body);
  const subjectTo = input.optionalText('subject_to', 'The correction', 1000);
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingFor(ctx, trx, meetingId, 'minutes');
    const item = await itemFor(ctx, trx, meeting, itemId);
    if (item.kind !== 'previous-minutes' || !item.previous_meeting_id) {
      throw new ConflictError('Only the “notes of the last meeting” item can approve minutes, and it must name the meeting whose minutes it confirms');
    }
    const before = await lockMeeting(trx, partnershipId, item.previous_meeting_id);
    if (!before) throw new NotFoundError();
    if (before.status === 'minutes-approved') throw new ConflictError(`The minutes of the meeting held on ${formatDate(before.meets_on)} are already approved`);
    if (before.status !== 'minutes-draft') throw new ConflictError(`The meeting held on ${formatDate(before.meets_on)} has no minutes in draft to approve. Write them first`);
    const resolution = await insertResolution(trx, partnershipId, meeting.id, item.id, correctRecordText(before.meets_on, subjectTo), before.id);
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'resolution', recordId: resolution.id, after: resolution, summary: `Minutes of ${formatDate(before.meets_on)} confirmed as a correct record` });
    const approved = await trx.updateTable('meetings').set({
      status: 'minutes-approved', minutes_approved_at: new Date(), approved_at_meeting_id: meeting.id, updated_at: new Date(),
    }).where('partnership_id', '=', partnershipId).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'meeting', recordId: before.id, before, after: approved,
      summary: `Minutes approved as a correct record at the meeting on ${formatDate(meeting.meets_on)}, and locked`,
    });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return { resolution, approvedMeeting: approved };
  });
}

/**
 * A correction to approved minutes: the new words replace the old, and the amendment
 * keeps who, when, why and both wordings. Draft minutes are simply edited instead.
 */
export async function amendApprovedMinutes(ctx: Context, meetingId: string, body: unknown) {
  const input = new Input(body);
  const record_type = input.oneOf('record_type', ['minute-paragraph', 'resolution'] as const, 'Select the paragraph or resolution to correct');
  const record_id = input.id('record_id', 'Select the paragraph or resolution to correct');
  const text = input.text('text', 'Enter the corrected wording', 20000);
  const reason = input.text('reason', 'Enter why the minutes are being corrected', 1000);
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await lockMeeting(trx, partnershipId, meetingId);
    if (!meeting) throw new NotFoundError();
    authorize(ctx.actor, 'update', { type: 'meeting', bodyId: meeting.body_id });
    if (!minutesAmendable(meeting)) throw new ConflictError('These minutes are not published or approved yet: change the draft directly');
    const before = record_type === 'resolution'
      ? await findResolution(trx, partnershipId, meeting.id, record_id)
      : await findParagraph(trx, partnershipId, meeting.id, record_id);
    if (!before) throw new NotFoundError();
    await itemFor(ctx, trx, meeting, before.agenda_item_id);
    const newText = record_type === 'resolution' ? resolutionWords(text) : text.replace(/\s*\n\s*/g, ' ');
    if (newText === before.text) throw ValidationError.single('text', 'The corrected wording is the same as the approved wording. Change it, or cancel');
    const table = record_type === 'resolution' ? 'resolutions' : 'minute_paragraphs';
    const after = await trx.updateTable(table).set({ text: newText, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', record_id).returningAll().executeTakeFirstOrThrow();
    const amendment = await trx.insertInto('minute_amendments').values({
      partnership_id: partnershipId, meeting_id: meeting.id, record_type, record_id, before: before.text, after: newText, reason,
      amended_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null, amended_by_label: ctx.actor.kind === 'user' ? ctx.actor.displayName : 'public',
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'amend', recordType: record_type, recordId: record_id, before, after, summary: `Amended after ${meeting.status === 'minutes-approved' ? 'approval' : 'publication'}: ${reason}` });
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'minute-amendment', recordId: amendment.id, after: amendment });
    // The meeting's record changed: its feed entry and calendar event carry the update.
    await trx.updateTable('meetings').set({ minutes_amended_at: amendment.amended_at, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', meeting.id).execute();
    await reindexMeeting(trx, partnershipId, meeting.id);
    return amendment;
  });
}
