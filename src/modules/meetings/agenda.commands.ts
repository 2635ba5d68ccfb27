// Changes to the agenda: items (add, change, move, remove), their papers and the
// election an item records. Codes are worked out again after every change (domain.ts).
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { agendaItemKindValues, assignCodes, codeProblem, editProblem, moveWithinSection } from './domain.ts';
import {
  electionsForMeeting, existingPeople, findAgendaItem, listAgendaItems, listSections, lockMeeting, minuteNumberHolders, previousMeetingOf,
  type MeetingRow,
} from './store.ts';
import { authorizeRecord } from './access.ts';
import { indexPaper, reindexMeeting, unindexPaper } from './search.ts';
import { checkPaper, PAPER_SIZE_LIMIT_TEXT, paperText } from './papers.ts';
import type { AgendaItemKind } from './tables.ts';
import { exemptionParagraphValues, paragraphOfReason } from './exemption.ts';

/** Works out every item's code again and writes the ones that changed. */
export async function renumberCodes(trx: Tx, partnershipId: string, meeting: Pick<MeetingRow, 'id' | 'agenda_published_at'>) {
  const items = await listAgendaItems(trx, partnershipId, meeting.id);
  const codes = assignCodes(
    items.map((i) => ({ id: i.id, sectionCode: i.section_code, position: i.position, code: i.code, codeFixed: i.code_fixed })),
    meeting.agenda_published_at !== null,
  );
  // The code constraint is checked at commit, so codes may swap places here.
  for (const item of items) {
    const code = codes.get(item.id);
    if (code && code !== item.code) {
      await trx.updateTable('agenda_items').set({ code }).where('partnership_id', '=', partnershipId).where('id', '=', item.id).execute();
    }
  }
}

/** An item or paper the public already has: on a published agenda, and not waiting for a supplement. */
export const onPublishedAgenda = (meeting: Pick<MeetingRow, 'agenda_published_at'>, record: { late: boolean; supplement_id: string | null }) =>
  meeting.agenda_published_at !== null && (!record.late || record.supplement_id !== null);

/** The meeting, held for this change, with permission and lock checked. */
async function meetingForChange(ctx: Context, trx: Tx, meetingId: string) {
  const meeting = await lockMeeting(trx, ctx.actor.partnershipId, meetingId);
  if (!meeting) throw new NotFoundError();
  authorize(ctx.actor, 'update', { type: 'meeting', bodyId: meeting.body_id });
  const problem = editProblem(meeting);
  if (problem) throw new ConflictError(problem);
  return meeting;
}

async function itemForChange(ctx: Context, trx: Tx, meeting: MeetingRow, itemId: string) {
  const item = await findAgendaItem(trx, ctx.actor.partnershipId, meeting.id, itemId);
  if (!item) throw new NotFoundError();
  authorizeRecord(ctx.actor, item, meeting.body_id);
  return item;
}

const PRINTED_MINUTE = /^[A-Za-z0-9(][A-Za-z0-9./()\-]{0,39}$/;

function readItem(body: unknown) {
  const input = new Input(body);
  const section_id = input.id('section_id', 'Select the section of the agenda');
  const title = input.text('title', 'Enter the title of the item', 300);
  const description = input.optionalText('description', 'The description', 5000);
  const kind = (input.optionalOneOf('kind', agendaItemKindValues, 'Select the kind of item') ?? 'business') as AgendaItemKind;
  const presenter_person_id = input.optionalId('presenter_person_id', 'Select the presenter from the list');
  const presenter_name = input.optionalText('presenter_name', 'The presenter', 200);
  const codeRaw = input.optionalText('code', 'The item code', 5);
  const code = codeRaw ? codeRaw.toUpperCase().replace(/([A-Z][0-9]+)([A-Z])$/, (_m, a: string, b: string) => a + b.toLowerCase()) : null;
  const minuted = input.has('minuted') ? input.boolean('minuted') : true;
  const minute_number = input.optionalInteger('minute_number', 'The minute number', 1, 1_000_000);
  // A number as printed ("24/31", "16/09/6/18vii", "5.1"); a plain number goes in minute_number.
  const printedRaw = input.optionalText('minute_printed', 'The minute number as printed', 40);
  if (printedRaw && !PRINTED_MINUTE.test(printedRaw)) input.fail('minute_printed', 'Enter the minute number as printed, in letters, digits and / . ( ) - only, such as 24/31');
  const paragraph = input.optionalOneOf('exemption_paragraph', exemptionParagraphValues, 'Select the paragraph of Schedule 12A the item is exempt under, from 1 to 7');
  const paper_expected = input.boolean('paper_expected');
  return {
    input, values: { section_id, title, description, kind, presenter_person_id, presenter_name, code, minuted, paper_expected },
    minute_number, minuteNumberGiven: input.has('minute_number'), minute_printed: printedRaw && !/^\d+$/.test(printedRaw) ? printedRaw : null, printedGiven: input.has('minute_printed'), paperExpectedGiven: input.has('paper_expected'),
    exemptionParagraph: paragraph ? Number(paragraph) : null,
  };
}

/**
 * The Schedule 12A paragraph an item in this section is held under: the one chosen, else
 * the one it had, else the one its section's wording names, else paragraph 1 (information
 * about a person, the usual ground for a partnership's restricted business). None when open.
 */
function paragraphFor(section: { restricted: boolean; exemption_reason: string | null }, chosen: number | null, had: number | null = null): number | null {
  if (!section.restricted) return null;
  return chosen ?? had ?? paragraphOfReason(section.exemption_reason) ?? 1;
}

async function checkItemRefs(ctx: Context, trx: Tx, input: Input, meeting: MeetingRow, values: { section_id: string; presenter_person_id: string | null }) {
  const sections = await listSections(trx, ctx.actor.partnershipId, meeting.id);
  const section = sections.find((s) => s.id === values.section_id);
  if (!section && !input.errors.some((e) => e.field === 'section_id')) input.fail('section_id', 'Select the section of the agenda');
  if (values.presenter_person_id && !(await existingPeople(trx, ctx.actor.partnershipId, [values.presenter_person_id])).size) {
    input.fail('presenter_person_id', 'Select the presenter from the list');
  }
  input.check();
  return section!;
}

async function codeClash(trx: Tx, partnershipId: string, meetingId: string, code: string, sectionCode: string, exceptId: string | null) {
  const items = await listAgendaItems(trx, partnershipId, meetingId);
  const inUse = new Map(items.filter((i) => i.id !== exceptId).map((i) => [i.code, `“${i.title}”`]));
  return codeProblem(code, sectionCode, inUse);
}

export async function addAgendaItem(ctx: Context, meetingId: string, body: unknown) {
  const { input, values, exemptionParagraph } = readItem(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingForChange(ctx, trx, meetingId);
    const section = await checkItemRefs(ctx, trx, input, meeting, values);
    if (values.code) {
      const problem = await codeClash(trx, partnershipId, meeting.id, values.code, section.code, null);
      if (problem) throw new ConflictError(problem, 'code');
    }
    const items = await listAgendaItems(trx, partnershipId, meeting.id);
    const position = Math.max(0, ...items.filter((i) => i.section_id === section.id).map((i) => i.position)) + 1;
    const previous = values.kind === 'previous-minutes' ? await previousMeetingOf(trx, partnershipId, meeting) : undefined;
    // A late item on a published agenda takes the next free number of its section; before
    // publication the renumbering below places it.
    const published = meeting.agenda_published_at !== null;
    const code = values.code ?? (published ? nextFreeCode(items, section.code) : `${section.code}${Math.min(999, 900 + position)}`);
    const row = await trx.insertInto('agenda_items').values({
      partnership_id: partnershipId, meeting_id: meeting.id, body_id: meeting.body_id, section_id: section.id, position,
      code, code_fixed: values.code !== null,
      title: values.title, description: values.description, kind: values.kind,
      presenter_person_id: values.presenter_person_id, presenter_name: values.presenter_name, restricted: section.restricted,
      exemption_paragraph: paragraphFor(section, exemptionParagraph), standing_item_id: null, previous_meeting_id: previous?.id ?? null, election_id: null, minuted: values.minuted, minute_number: null,
      // On a published agenda the item waits for a supplementary agenda to publish it.
      late: published, paper_expected: values.paper_expected,
    }).returningAll().executeTakeFirstOrThrow();
    await renumberCodes(trx, partnershipId, meeting);
    const after = await findAgendaItem(trx, partnershipId, meeting.id, row.id);
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'agenda-item', recordId: row.id, after, summary: `Item ${after!.code} added${published ? ' to the published agenda: public once a supplementary agenda is published' : ''}`,
    });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return after!;
  });
}

function nextFreeCode(items: readonly { code: string }[], letter: string): string {
  const highest = Math.max(0, ...items.filter((i) => i.code.startsWith(letter)).map((i) => Number(/\d+/.exec(i.code)?.[0] ?? 0)));
  return `${letter}${highest + 1}`;
}

export async function updateAgendaItem(ctx: Context, meetingId: string, itemId: string, body: unknown) {
  const { input, values, minute_number, minuteNumberGiven, minute_printed, printedGiven, exemptionParagraph, paperExpectedGiven } = readItem(body);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingForChange(ctx, trx, meetingId);
    const before = await itemForChange(ctx, trx, meeting, itemId);
    // The printed number goes where it is given; a new whole number replaces an old printed one.
    let minutePrinted = printedGiven ? minute_printed : minuteNumberGiven && minute_number !== before.minute_number ? null : before.minute_printed;
    if (minutePrinted !== before.minute_printed && before.minute_printed !== null && meeting.minutes_numbers_fixed_at) {
      throw new ConflictError(`The minutes were published, so minute ${before.minute_printed} keeps its number`, 'minute_printed');
    }
    if (minutePrinted !== null && meeting.status !== 'minutes-draft' && minutePrinted !== before.minute_printed) {
      throw new ConflictError('Minute numbers are given once the minutes are started: record the meeting as held, then choose “Write the minutes”', 'minute_printed');
    }
    const section = await checkItemRefs(ctx, trx, input, meeting, values);
    // Sending back the automatic code (as an edit form does) leaves it automatic.
    const givenCode = values.code === before.code && !before.code_fixed ? null : values.code;
    const sectionChanged = section.id !== before.section_id;
    if (givenCode && (givenCode !== before.code || sectionChanged)) {
      const problem = await codeClash(trx, partnershipId, meeting.id, givenCode, section.code, before.id);
      if (problem) throw new ConflictError(problem, 'code');
    }
    // What the public already has is not changed silently: a late item, or a withdrawal with a reason.
    // The section may still change: moving an item into a restricted section only takes
    // words away from the public, and once the meeting is held the draft minutes record
    // where the board took each item (it may resolve to exclude the public, or not to).
    const sectionMayChange = section.restricted || meeting.status === 'held' || meeting.status === 'minutes-draft';
    if (onPublishedAgenda(meeting, before) && (values.title !== before.title || (values.description ?? null) !== (before.description ?? null) || (sectionChanged && !sectionMayChange))) {
      throw new ConflictError(`Item ${before.code} is on the published agenda, so its title, description and section are not changed silently. Add a late item (published as a supplementary agenda), or withdraw the agenda with a reason, change it and publish it again`);
    }
    let minuteNumber = before.minute_number;
    if (minuteNumberGiven && meeting.minutes_numbers_fixed_at && before.minute_number !== null && minute_number !== before.minute_number) {
      throw new ConflictError(`The minutes were published, so minute ${before.minute_number} keeps its number`, 'minute_number');
    }
    if (minuteNumberGiven) {
      if (minute_number !== null && meeting.status !== 'minutes-draft') {
        throw new ConflictError('Minute numbers are given once the minutes are started: record the meeting as held, then choose “Write the minutes”', 'minute_number');
      }
      if (minute_number !== null && minute_number !== before.minute_number) {
        const [holder] = await minuteNumberHolders(trx, partnershipId, meeting.body_id, [minute_number]);
        if (holder) {
          throw new ConflictError(`Minute ${minute_number} is already used at the meeting on ${formatDate(holder.meets_on)} (item ${holder.code}). Choose another number`, 'minute_number');
        }
      }
      minuteNumber = minute_number;
    }
    if (!values.minuted && meeting.minutes_numbers_fixed_at && before.minute_number !== null) {
      throw new ConflictError(`The minutes were published, so minute ${before.minute_number} stays in them`, 'minuted');
    }
    if (!values.minuted) {
      minuteNumber = null;
      minutePrinted = null;
    }
    let position = before.position;
    if (sectionChanged) {
      const items = await listAgendaItems(trx, partnershipId, meeting.id);
      position = Math.max(0, ...items.filter((i) => i.section_id === section.id).map((i) => i.position)) + 1;
    }
    const previousMeetingId = values.kind === 'previous-minutes'
      ? before.previous_meeting_id ?? (await previousMeetingOf(trx, partnershipId, meeting))?.id ?? null
      : null;
    const otherItems = (await listAgendaItems(trx, partnershipId, meeting.id)).filter((i) => i.id !== itemId);
    const movedLate = sectionChanged && meeting.agenda_published_at !== null && !givenCode;
    await trx.updateTable('agenda_items').set({
      section_id: section.id, position, title: values.title, description: values.description, kind: values.kind,
      presenter_person_id: values.presenter_person_id, presenter_name: values.presenter_name, restricted: section.restricted,
      exemption_paragraph: paragraphFor(section, exemptionParagraph, before.exemption_paragraph),
      code: givenCode ?? (movedLate ? nextFreeCode(otherItems, section.code) : before.code), code_fixed: givenCode !== null, minuted: values.minuted, minute_number: minuteNumber, minute_printed: minutePrinted,
      previous_meeting_id: previousMeetingId, paper_expected: paperExpectedGiven ? values.paper_expected : before.paper_expected, updated_at: new Date(),
    }).where('partnership_id', '=', partnershipId).where('id', '=', itemId).execute();
    // Papers follow their item into or out of a restricted section.
    if (section.restricted !== before.restricted) {
      await trx.updateTable('papers').set({ restricted: section.restricted }).where('partnership_id', '=', partnershipId).where('agenda_item_id', '=', itemId).execute();
    }
    await renumberCodes(trx, partnershipId, meeting);
    const after = await findAgendaItem(trx, partnershipId, meeting.id, itemId);
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'agenda-item', recordId: itemId, before, after });
    // Search entries, papers' entries and actions made from the item's minutes follow it into or out of a restricted section.
    await reindexMeeting(trx, partnershipId, meeting.id, ctx.actor);
    return after!;
  });
}

export async function moveAgendaItem(ctx: Context, meetingId: string, itemId: string, body: unknown) {
  const input = new Input(body);
  const direction = input.oneOf('direction', ['up', 'down'] as const, 'Say whether to move the item up or down');
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingForChange(ctx, trx, meetingId);
    const before = await itemForChange(ctx, trx, meeting, itemId);
    const items = await listAgendaItems(trx, partnershipId, meeting.id);
    const order = items.filter((i) => i.section_id === before.section_id).map((i) => i.id);
    const next = moveWithinSection(order, itemId, direction);
    if (!next) throw new ConflictError(`Item ${before.code} is already ${direction === 'up' ? 'first' : 'last'} in its section`);
    for (const [i, id] of next.entries()) {
      await trx.updateTable('agenda_items').set({ position: i + 1 }).where('partnership_id', '=', partnershipId).where('id', '=', id).execute();
    }
    await renumberCodes(trx, partnershipId, meeting);
    const after = await findAgendaItem(trx, partnershipId, meeting.id, itemId);
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'agenda-item', recordId: itemId, before, after, summary: `Moved ${direction}` });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return after!;
  });
}

export async function removeAgendaItem(ctx: Context, meetingId: string, itemId: string) {
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingForChange(ctx, trx, meetingId);
    const before = await itemForChange(ctx, trx, meeting, itemId);
    const count = async (table: 'papers' | 'minute_paragraphs' | 'resolutions' | 'declarations_of_interest') =>
      Number((await trx.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', partnershipId)
        .where('agenda_item_id', '=', itemId).executeTakeFirstOrThrow()).n);
    const held = (await count('papers')) + (await count('minute_paragraphs')) + (await count('resolutions')) + (await count('declarations_of_interest'));
    if (held) throw new ConflictError(`Item ${before.code} has papers, minutes or declarations. Remove those first`);
    if (onPublishedAgenda(meeting, before)) {
      throw new ConflictError(`Item ${before.code} is on the published agenda. To take it off, withdraw the agenda with a reason, then publish it again`);
    }
    if (meeting.minutes_numbers_fixed_at && before.minute_number !== null) {
      throw new ConflictError(`The minutes were published, so minute ${before.minute_number} stays in them`);
    }
    await trx.deleteFrom('agenda_items').where('partnership_id', '=', partnershipId).where('id', '=', itemId).execute();
    await renumberCodes(trx, partnershipId, meeting);
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'agenda-item', recordId: itemId, before, summary: `Item ${before.code} removed` });
    await reindexMeeting(trx, partnershipId, meeting.id);
    return before;
  });
}

// ------------------------------------------------------------------ papers

export interface Upload {
  fileName: string | null;
  bytes: Uint8Array | null;
  /** The file passed the size limit and was cut off while reading. */
  tooLarge: boolean;
  fields: Record<string, unknown>;
}

/** Attaches a paper to an item, checked to be a readable PDF or Word document. */
export async function attachPaper(ctx: Context, meetingId: string, itemId: string, upload: Upload) {
  const input = new Input(upload.fields);
  const title = input.optionalText('title', 'The title of the paper', 300);
  if (upload.tooLarge) input.fail('file', `The selected file must be smaller than ${PAPER_SIZE_LIMIT_TEXT}`);
  else if (!upload.bytes || !upload.fileName) input.fail('file', 'Select a PDF or Word document to upload');
  input.check();
  const check = await checkPaper(upload.bytes!);
  if (!check.ok) throw ValidationError.single('file', check.message);
  // Read before the transaction, so no lock is held while a long paper is read.
  const text = await paperText(upload.bytes!, upload.fileName!);
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingForChange(ctx, trx, meetingId);
    const item = await itemForChange(ctx, trx, meeting, itemId);
    const fileName = upload.fileName!.replace(/^.*[\\/]/, '').slice(0, 200);
    const row = await trx.insertInto('papers').values({
      partnership_id: partnershipId, meeting_id: meeting.id, agenda_item_id: item.id,
      title: title ?? fileName.replace(/\.(pdf|docx)$/i, ''), file_name: fileName, media_type: check.mediaType, byte_size: check.byteSize,
      sha256: check.sha256, page_count: check.pageCount, content: upload.bytes!, restricted: item.restricted,
      // On a published agenda a new paper waits for a supplementary agenda.
      late: meeting.agenda_published_at !== null,
      uploaded_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    }).returning(['id', 'meeting_id', 'agenda_item_id', 'title', 'file_name', 'media_type', 'byte_size', 'sha256', 'page_count', 'restricted', 'late', 'supplement_id', 'created_at'])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'paper', recordId: row.id, after: row, summary: `Paper for item ${item.code}` });
    await indexPaper(trx, partnershipId, row, meeting.body_id, meeting.meets_on, text);
    await reindexMeeting(trx, partnershipId, meeting.id);
    return row;
  });
}

export async function removePaper(ctx: Context, meetingId: string, paperId: string) {
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingForChange(ctx, trx, meetingId);
    const before = await trx.selectFrom('papers').select(['id', 'agenda_item_id', 'title', 'file_name', 'media_type', 'byte_size', 'sha256', 'restricted', 'late', 'supplement_id'])
      .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meeting.id).where('id', '=', paperId).executeTakeFirst();
    if (!before) throw new NotFoundError();
    authorizeRecord(ctx.actor, before, meeting.body_id);
    if (onPublishedAgenda(meeting, before)) {
      throw new ConflictError(`The paper “${before.title}” is published with the agenda. To take it off, withdraw the agenda with a reason, then publish it again`);
    }
    await trx.deleteFrom('papers').where('partnership_id', '=', partnershipId).where('id', '=', paperId).execute();
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'paper', recordId: paperId, before });
    await unindexPaper(trx, partnershipId, paperId);
    return before;
  });
}

// ------------------------------------------------------------------ elections

/** Links an item to an election recorded through the partnership module at this meeting. */
export async function linkElection(ctx: Context, meetingId: string, itemId: string, body: unknown) {
  const input = new Input(body);
  const election_id = input.optionalId('election_id', 'Select the election from the list');
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const meeting = await meetingForChange(ctx, trx, meetingId);
    const before = await itemForChange(ctx, trx, meeting, itemId);
    if (election_id) {
      const elections = await electionsForMeeting(trx, partnershipId, meeting);
      if (!elections.some((e) => e.id === election_id)) {
        throw ValidationError.single('election_id', 'Select an election of this body recorded at this meeting or on its date');
      }
    }
    const after = await trx.updateTable('agenda_items').set({ election_id, kind: election_id ? 'election' : before.kind, updated_at: new Date() })
      .where('partnership_id', '=', partnershipId).where('id', '=', itemId).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'agenda-item', recordId: itemId, before, after, summary: election_id ? 'Election linked' : 'Election unlinked' });
    return after;
  });
}

