// Changes to meetings: scheduling, the meeting's steps (publish the agenda, held, write
// the minutes, publish the minutes, cancel), agenda sections, standing items and the
// body's minute numbering. Each command checks permission, validates, then writes and
// audits in one transaction.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { todayIso } from '../partnership/domain.ts';
import {
  agendaItemKindValues, DEFAULT_SECTIONS, DEFAULT_STANDING_ITEMS, editProblem, firstMinuteNumber, numberMinutes, parseTime,
  previousMinutesTitle, statusAfter, stepProblem, type MeetingStep,
} from './domain.ts';
import {
  existingPeople, findBodyMeetingSettings, findBodyRow, findSectionDefault, highestMinuteNumberBefore, listAgendaItems, listSectionDefaults,
  listStandingItems, lockMeeting, minuteNumberHolders, previousMeetingOf, type MeetingRow,
} from './store.ts';
import { renumberCodes } from './agenda.commands.ts';
import { repointPreviousMinutes } from './previous-minutes.ts';
import { publishAgenda, publishMinutes } from './publishing.commands.ts';
import { reindexMeeting } from './search.ts';
import type { AgendaItemKind } from './tables.ts';

const MEETING_FORMATS = ['in-person', 'online', 'hybrid'] as const;

function readMeeting(body: unknown) {
  const input = new Input(body);
  const meets_on = input.date('meets_on', 'The date of the meeting');
  const startsRaw = input.text('starts_at', 'Enter the time the meeting starts, for example 10am or 14:30', 20);
  const starts_at = startsRaw ? parseTime(startsRaw) : null;
  if (startsRaw && !starts_at) input.fail('starts_at', 'Enter the start time as a time of day, for example 10am or 14:30');
  const endsRaw = input.optionalText('ends_at', 'End time', 20);
  const ends_at = endsRaw ? parseTime(endsRaw) : null;
  if (endsRaw && !ends_at) input.fail('ends_at', 'Enter the end time as a time of day, for example 1pm or 13:00');
  if (starts_at && ends_at && ends_at <= starts_at) input.fail('ends_at', 'The end time must be after the start time');
  let venue = input.optionalText('venue', 'Venue', 300);
  // Pages ask how the meeting is held; the API may simply send `online`.
  const format = input.optionalOneOf('format', MEETING_FORMATS, 'Select whether the meeting is in person, online or both');
  const online = format ? format !== 'in-person' : input.boolean('online');
  if (format === 'online') venue = null;
  if ((format === 'in-person' || format === 'hybrid') && !venue) input.fail('venue', 'Enter the venue, for example Council Chamber, County Hall');
  if (!format && !venue && !online) input.fail('venue', 'Enter the venue, or say that the meeting is held online');
  const contact_person_id = input.optionalId('contact_person_id', 'Select the contact officer from the list');
  let joining_url = input.optionalText('joining_url', 'The joining link', 500);
  if (joining_url && !/^https:\/\/[^\s]+$/.test(joining_url)) input.fail('joining_url', 'Enter the joining link as a web address starting https://, for example https://teams.microsoft.com/l/meetup-join/...');
  if (!online) joining_url = null;
  return { input, values: { meets_on, starts_at: starts_at ?? '', ends_at, venue, online, contact_person_id, joining_url } };
}

/** Schedules a meeting of a body; its agenda starts with the body's sections and standing items. */
export async function scheduleMeeting(ctx: Context, bodyId: string, body: unknown) {
  authorize(ctx.actor, 'create', { type: 'meeting', bodyId });
  const { input, values } = readMeeting(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const bodyRow = await findBodyRow(trx, partnershipId, bodyId);
    if (!bodyRow) throw new NotFoundError();
    if (values.contact_person_id && !(await existingPeople(trx, partnershipId, [values.contact_person_id])).size) {
      input.fail('contact_person_id', 'Select the contact officer from the list');
    }
    input.check();
    const clash = await trx.selectFrom('meetings').select('id').where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId)
      .where('meets_on', '=', values.meets_on).where('starts_at', '=', values.starts_at).where('status', '!=', 'cancelled').executeTakeFirst();
    if (clash) throw new ConflictError(`${bodyRow.name} already has a meeting on ${formatDate(values.meets_on)} at that time`, 'meets_on');

    const meeting = await trx.insertInto('meetings').values({
      ...values, partnership_id: partnershipId, body_id: bodyId, cancelled_reason: null, agenda_published_at: null, minutes_published_at: null,
      minutes_approved_at: null, approved_at_meeting_id: null, created_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'meeting', recordId: meeting.id, after: meeting, summary: `Meeting of ${bodyRow.name} on ${formatDate(meeting.meets_on)} scheduled` });

    // The agenda's sections are the partnership's, copied so later changes leave this agenda alone.
    const defaults = await ensureSectionDefaults(trx, partnershipId);
    const sections = await trx.insertInto('meeting_sections').values(defaults.map((s) => ({
      partnership_id: partnershipId, meeting_id: meeting.id, code: s.code, title: s.title, restricted: s.restricted, exemption_reason: s.exemption_reason, position: s.position,
    }))).returningAll().execute();

    await ensureBodySettings(trx, partnershipId, bodyId);
    const standing = await listStandingItems(trx, partnershipId, bodyId);
    const previous = await previousMeetingOf(trx, partnershipId, meeting);
    const positions = new Map<string, number>();
    for (const s of standing) {
      const section = sections.find((x) => x.code === s.section_code) ?? sections[0];
      if (!section) continue;
      const position = (positions.get(section.id) ?? 0) + 1;
      positions.set(section.id, position);
      const isPrevious = s.kind === 'previous-minutes';
      // With no earlier meeting in the record, there are no notes to confirm.
      if (isPrevious && !previous) continue;
      await trx.insertInto('agenda_items').values({
        partnership_id: partnershipId, meeting_id: meeting.id, body_id: bodyId, section_id: section.id, position,
        code: `${section.code}${position}`, title: isPrevious && previous ? previousMinutesTitle(previous.meets_on) : s.title,
        description: null, kind: s.kind, presenter_person_id: null, presenter_name: null, restricted: section.restricted,
        standing_item_id: s.id, previous_meeting_id: isPrevious ? previous?.id ?? null : null, election_id: null, minute_number: null,
      }).execute();
    }
    await renumberCodes(trx, partnershipId, meeting);
    // A meeting placed between two others comes before the later one's notes of the last meeting.
    await repointPreviousMinutes(ctx, trx, bodyId);
    await reindexMeeting(trx, partnershipId, meeting.id);
    return meeting;
  });
}

export async function updateMeeting(ctx: Context, meetingId: string, body: unknown) {
  const { input, values } = readMeeting(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await lockMeeting(trx, partnershipId, meetingId);
    if (!before) throw new NotFoundError();
    authorize(ctx.actor, 'update', { type: 'meeting', bodyId: before.body_id });
    if (values.contact_person_id && !(await existingPeople(trx, partnershipId, [values.contact_person_id])).size) {
      input.fail('contact_person_id', 'Select the contact officer from the list');
    }
    input.check();
    const problem = editProblem(before);
    if (problem) throw new ConflictError(problem);
    const after = await trx.updateTable('meetings').set({ ...values, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', meetingId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'meeting', recordId: meetingId, before, after });
    if (after.meets_on !== before.meets_on || after.starts_at !== before.starts_at) {
      await repointPreviousMinutes(ctx, trx, before.body_id, new Map([[before.id, before.meets_on]]));
    }
    await reindexMeeting(trx, partnershipId, meetingId);
    return after;
  });
}

const STEP_SUMMARIES: Record<MeetingStep, string> = {
  'publish-agenda': 'Agenda published',
  hold: 'Recorded as held',
  'start-minutes': 'Minutes started and numbered',
  'publish-minutes': 'Minutes published',
  cancel: 'Meeting cancelled',
};

/** One step in the meeting's life; refused with the reason when it cannot be taken now. */
export async function takeMeetingStep(ctx: Context, meetingId: string, step: MeetingStep, body: unknown = {}, today = todayIso()): Promise<MeetingRow> {
  // Publication goes through its check, whichever way it is asked for.
  if (step === 'publish-agenda') return (await publishAgenda(ctx, meetingId, body, today)).meeting;
  if (step === 'publish-minutes') return (await publishMinutes(ctx, meetingId, body, today)).meeting;
  const input = new Input(body);
  const reason = step === 'cancel' ? input.text('cancelled_reason', 'Enter why the meeting is cancelled', 500) : null;
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await lockMeeting(trx, partnershipId, meetingId);
    if (!before) throw new NotFoundError();
    authorize(ctx.actor, 'update', { type: 'meeting', bodyId: before.body_id });
    const problem = stepProblem(before, step, today);
    if (problem) throw new ConflictError(problem);
    const now = new Date();
    const changes: Partial<MeetingRow> = { status: statusAfter(before, step), updated_at: now };
    if (step === 'cancel') changes.cancelled_reason = reason;
    if (step === 'start-minutes') await numberTheMinutes(trx, partnershipId, before);
    const after = await trx.updateTable('meetings').set(changes)
      .where('partnership_id', '=', partnershipId).where('id', '=', meetingId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'meeting', recordId: meetingId, before, after, summary: STEP_SUMMARIES[step] });
    // The next meeting's notes of the last meeting now confirm the meeting before this one.
    if (step === 'cancel') await repointPreviousMinutes(ctx, trx, before.body_id);
    await reindexMeeting(trx, partnershipId, meetingId);
    return after;
  });
}

/**
 * Numbers the minuted items in agenda order, running on from the body's earlier
 * meetings. A number already used by another meeting of the body is a clash: nothing
 * changes and the clerk is told which meeting holds it.
 */
export async function numberTheMinutes(trx: Tx, partnershipId: string, meeting: MeetingRow) {
  const settings = await findBodyMeetingSettings(trx, partnershipId, meeting.body_id);
  const highest = await highestMinuteNumberBefore(trx, partnershipId, meeting);
  const start = firstMinuteNumber(settings?.first_minute_number ?? 1, highest);
  const items = await listAgendaItems(trx, partnershipId, meeting.id);
  const numbers = numberMinutes(items, start);
  const holders = await minuteNumberHolders(trx, partnershipId, meeting.body_id, [...numbers.values()], meeting.id);
  const first = holders[0];
  if (first) {
    throw new ConflictError(
      `Minute ${first.minute_number} is already used at the meeting on ${formatDate(first.meets_on)} (item ${first.code}). Correct the numbers of that meeting, or set this meeting’s numbers item by item`,
    );
  }
  // Cleared first: the numbers of one meeting may swap places as they are renumbered.
  await trx.updateTable('agenda_items').set({ minute_number: null }).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meeting.id).execute();
  for (const [id, n] of numbers) {
    await trx.updateTable('agenda_items').set({ minute_number: n, updated_at: new Date() }).where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
  }
}

// ------------------------------------------------------------------ sections

/** The partnership's sections; the defaults of the seeds the first time they are needed. */
export async function ensureSectionDefaults(trx: Tx, partnershipId: string) {
  const existing = await listSectionDefaults(trx, partnershipId);
  if (existing.length) return existing;
  return trx.insertInto('agenda_section_defaults')
    .values(DEFAULT_SECTIONS.map((s, i) => ({ ...s, partnership_id: partnershipId, position: i + 1 })))
    .returningAll().execute().then((rows) => rows.sort((a, b) => a.position - b.position));
}

function readSection(body: unknown) {
  const input = new Input(body);
  const code = input.text('code', 'Enter the section letter, for example D', 1).toUpperCase();
  if (code && !/^[A-Z]$/.test(code)) input.fail('code', 'Enter the section letter as one letter from A to Z');
  const title = input.text('title', 'Enter the title of the section', 200);
  const restricted = input.boolean('restricted');
  const exemption_reason = input.optionalText('exemption_reason', 'Reason', 500);
  if (restricted && !exemption_reason) {
    input.fail('exemption_reason', 'Enter why the press and public are excluded, for example Paragraph 1 of Part 1 of Schedule 12A to the Local Government Act 1972');
  }
  const position = input.optionalInteger('position', 'Order', 1, 26) ?? code.charCodeAt(0) - 64;
  input.check();
  return { code, title, restricted, exemption_reason: restricted ? exemption_reason : null, position };
}

export async function createSectionDefault(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'administer', { type: 'agenda-section' });
  const values = readSection(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const existing = await ensureSectionDefaults(trx, partnershipId);
    if (existing.some((s) => s.code === values.code)) throw new ConflictError(`Section ${values.code} already exists`, 'code');
    const row = await trx.insertInto('agenda_section_defaults').values({ ...values, partnership_id: partnershipId }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'agenda-section', recordId: row.id, after: row });
    return row;
  });
}

export async function updateSectionDefault(ctx: Context, id: string, body: unknown) {
  authorize(ctx.actor, 'administer', { type: 'agenda-section' });
  const values = readSection(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await findSectionDefault(trx, partnershipId, id);
    if (!before) throw new NotFoundError();
    const others = await listSectionDefaults(trx, partnershipId);
    if (others.some((s) => s.code === values.code && s.id !== id)) throw new ConflictError(`Section ${values.code} already exists`, 'code');
    const after = await trx.updateTable('agenda_section_defaults').set({ ...values, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'agenda-section', recordId: id, before, after, summary: 'Applies to meetings scheduled from now on' });
    return after;
  });
}

/** Makes sure the partnership has its sections (for the settings page). */
export async function sectionDefaults(ctx: Context) {
  return inTransaction(ctx, (trx) => ensureSectionDefaults(trx, ctx.actor.partnershipId));
}

// ------------------------------------------------------------------ per body

/** The body's settings row, and its default standing items the first time. */
export async function ensureBodySettings(trx: Tx, partnershipId: string, bodyId: string) {
  const existing = await findBodyMeetingSettings(trx, partnershipId, bodyId);
  if (existing) return existing;
  const row = await trx.insertInto('body_meeting_settings').values({ partnership_id: partnershipId, body_id: bodyId, first_minute_number: 1 })
    .returningAll().executeTakeFirstOrThrow();
  const counts = new Map<string, number>();
  for (const s of DEFAULT_STANDING_ITEMS) {
    const position = (counts.get(s.section_code) ?? 0) + 1;
    counts.set(s.section_code, position);
    await trx.insertInto('standing_items').values({ ...s, partnership_id: partnershipId, body_id: bodyId, position }).execute();
  }
  return row;
}

export async function bodySettings(ctx: Context, bodyId: string) {
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const bodyRow = await findBodyRow(trx, partnershipId, bodyId);
    if (!bodyRow) throw new NotFoundError();
    const settings = await ensureBodySettings(trx, partnershipId, bodyId);
    return { body: bodyRow, settings, standingItems: await listStandingItems(trx, partnershipId, bodyId), sections: await ensureSectionDefaults(trx, partnershipId) };
  });
}

export async function updateBodySettings(ctx: Context, bodyId: string, body: unknown) {
  authorize(ctx.actor, 'update', { type: 'body-meeting-settings', bodyId });
  const input = new Input(body);
  const first = input.optionalInteger('first_minute_number', 'The first minute number', 1, 1_000_000);
  if (first === null && !input.errors.length) input.fail('first_minute_number', 'Enter the first minute number, for example 27');
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    if (!(await findBodyRow(trx, partnershipId, bodyId))) throw new NotFoundError();
    const before = await ensureBodySettings(trx, partnershipId, bodyId);
    const after = await trx.updateTable('body_meeting_settings').set({ first_minute_number: first!, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'body-meeting-settings', recordId: before.id, before, after });
    return after;
  });
}

export async function addStandingItem(ctx: Context, bodyId: string, body: unknown) {
  authorize(ctx.actor, 'update', { type: 'standing-item', bodyId });
  const input = new Input(body);
  const title = input.text('title', 'Enter the title of the standing item', 300);
  const kind = (input.optionalOneOf('kind', agendaItemKindValues, 'Select the kind of item') ?? 'business') as AgendaItemKind;
  const section_code = input.text('section_code', 'Select the section the item goes in', 1).toUpperCase();
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    if (!(await findBodyRow(trx, partnershipId, bodyId))) throw new NotFoundError();
    await ensureBodySettings(trx, partnershipId, bodyId);
    const sections = await ensureSectionDefaults(trx, partnershipId);
    if (!sections.some((s) => s.code === section_code)) input.fail('section_code', 'Select the section the item goes in');
    input.check();
    const existing = await listStandingItems(trx, partnershipId, bodyId);
    const position = Math.max(0, ...existing.filter((s) => s.section_code === section_code).map((s) => s.position)) + 1;
    const row = await trx.insertInto('standing_items').values({ partnership_id: partnershipId, body_id: bodyId, section_code, title, kind, position })
      .returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'standing-item', recordId: row.id, after: row });
    return row;
  });
}

export async function removeStandingItem(ctx: Context, bodyId: string, id: string) {
  authorize(ctx.actor, 'update', { type: 'standing-item', bodyId });
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('standing_items').selectAll().where('partnership_id', '=', partnershipId).where('body_id', '=', bodyId).where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError();
    await trx.deleteFrom('standing_items').where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'standing-item', recordId: id, before, summary: 'Removed from future agendas; past agendas keep the item' });
    return before;
  });
}

