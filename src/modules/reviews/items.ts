// A review case linked to the restricted agenda items (section D) where the board hears of
// it. The case's coordinators link it from the case; the agenda item's page then shows
// the link to the case's own people only, through the meetings module's link sources
// (meetings/links.ts), so meetings never reads review tables itself. An item moved out of
// section D stops showing the link; an item taken off the agenda takes its links with it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize, can } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { Input } from '../../web/validate.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { addItemLinkSource, type ItemLinkSource } from '../meetings/links.ts';
import { findAgendaItem, listAgendaItems, listMeetings } from '../meetings/store.ts';
import { findCase, type CaseRow } from './store.ts';
import { auditCaseReads, caseResource } from './reading.ts';
import { caseReference } from './presenters.ts';
import { IdParams, ListOf } from './schemas.ts';

const userId = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);
/** Meetings whose section D items a case may be linked to: the last year and the next six months. */
const WINDOW = { pastDays: 365, futureDays: 183 };

/** The restricted items of meetings in the window, as "meetingId:itemId" choices. */
async function restrictedItemChoices(db: Context['db'], partnershipId: string) {
  const from = addDays(todayIso(), -WINDOW.pastDays);
  const until = addDays(todayIso(), WINDOW.futureDays);
  const meetings = (await listMeetings(db, partnershipId, { from, limit: 200 })).filter((m) => m.meets_on <= until);
  const choices: { value: string; text: string }[] = [];
  for (const m of meetings) {
    for (const item of (await listAgendaItems(db, partnershipId, m.id)).filter((i) => i.restricted)) {
      choices.push({ value: `${m.id}:${item.id}`, text: `${m.body_name}, ${m.meets_on}: item ${item.code} ${item.title}` });
    }
  }
  return choices;
}

/** Links a case to a restricted agenda item (coordinators of the case only). */
export async function linkCaseToItem(ctx: Context, caseId: string, body: unknown) {
  authorize(ctx.actor, 'update', caseResource(caseId));
  const input = new Input(body);
  const chosen = input.text('item', 'Select the agenda item in section D where the board hears of the case', 100);
  input.check();
  const [meetingId, itemId] = chosen.split(':');
  const pid = ctx.actor.partnershipId;
  const item = meetingId && itemId && isUuid(meetingId) && isUuid(itemId) ? await findAgendaItem(ctx.db, pid, meetingId, itemId) : undefined;
  if (!item) throw ValidationError.single('item', 'Select an agenda item from the list');
  if (!item.restricted) throw ValidationError.single('item', 'Only an item in section D (not open to the press and public) may be linked to a review case');
  return inTransaction(ctx, async (trx) => {
    const added = await trx.insertInto('review_case_items').values({ partnership_id: pid, case_id: caseId, meeting_id: meetingId!, agenda_item_id: itemId!, linked_by: userId(ctx) })
      .onConflict((oc) => oc.columns(['partnership_id', 'case_id', 'agenda_item_id']).doNothing()).returning('agenda_item_id').execute();
    if (!added.length) throw ValidationError.single('item', 'The case is already linked to that item');
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'review-case', recordId: caseId, summary: `Linked to agenda item ${item.code} of a meeting`, after: { meetingId, agendaItemId: itemId } });
    return { meetingId: meetingId!, itemId: itemId!, code: item.code, title: item.title };
  });
}

/** The items a case is linked to, with their meeting, for the case's own people. */
async function linkedItems(db: Context['db'], partnershipId: string, caseId: string) {
  const rows = await db.selectFrom('review_case_items as l')
    .innerJoin('agenda_items as i', (j) => j.onRef('i.partnership_id', '=', 'l.partnership_id').onRef('i.id', '=', 'l.agenda_item_id'))
    .innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'l.partnership_id').onRef('m.id', '=', 'l.meeting_id'))
    .select(['l.meeting_id', 'l.agenda_item_id', 'i.code', 'i.title', 'i.restricted', 'm.meets_on'])
    .where('l.partnership_id', '=', partnershipId).where('l.case_id', '=', caseId).orderBy('m.meets_on').execute();
  return rows.map((r) => ({ meetingId: r.meeting_id, itemId: r.agenda_item_id, code: r.code, title: r.title, meetsOn: r.meets_on, inSectionD: r.restricted, href: `/meetings/${r.meeting_id}/items/${r.agenda_item_id}` }));
}

/** The agenda item page's link to each case the item is linked to, for those who may read the case. */
const itemLinkSource: ItemLinkSource = async ({ db, actor, item }) => {
  if (!item.restricted) return {};
  const cases = await db.selectFrom('review_case_items as l')
    .innerJoin('review_cases as c', (j) => j.onRef('c.partnership_id', '=', 'l.partnership_id').onRef('c.id', '=', 'l.case_id'))
    .select(['c.id', 'c.pseudonym', 'c.year']).where('l.partnership_id', '=', actor.partnershipId).where('l.agenda_item_id', '=', item.id).orderBy('c.year').execute();
  const readable = cases.filter((c) => can(actor, 'read', caseResource(c.id)));
  return { item: readable.map((c) => ({ text: `Review case ${caseReference(c)}`, href: `/reviews/${c.id}` })) };
};

const LinkedItem = Type.Object({
  meetingId: Type.String(), itemId: Type.String(), code: Type.String(), title: Type.String(), meetsOn: Type.String(),
  inSectionD: Type.Boolean({ description: 'Still in section D; the item page shows the link only while it is' }), href: Type.String(),
});

export async function reviewItemRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  addItemLinkSource(itemLinkSource);
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });

  async function loadCase(req: FastifyRequest, what: string): Promise<CaseRow> {
    const id = (req.params as { id?: string }).id ?? '';
    if (!isUuid(id)) throw new NotFoundError();
    authorize(req.actor, 'read', caseResource(id));
    const found = await findCase(db, req.partnership.id, id);
    if (!found) throw new NotFoundError();
    await auditCaseReads(db, req.actor, [found.id], what);
    return found;
  }
  async function page(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const c = await loadCase(req, 'Read the agenda items the case is linked to');
    const canChange = can(req.actor, 'update', caseResource(c.id));
    return reply.code(errors ? 400 : 200).view('reviews/views/stages/items.njk', {
      title: 'Agenda items in section D', section: 'reviews', c, reference: caseReference(c), items: await linkedItems(db, req.partnership.id, c.id),
      choices: canChange ? await restrictedItemChoices(db, req.partnership.id) : [], canChange, values, errors,
      breadcrumbs: [{ text: 'Reviews', href: '/reviews' }, { text: caseReference(c), href: `/reviews/${c.id}` }],
    });
  }
  app.get('/reviews/:id/items', async (req, reply) => page(req, reply));
  app.post('/reviews/:id/items', async (req, reply) => {
    const c = await loadCase(req, 'Read the case to link it to an agenda item');
    const outcome = await formOutcome(() => linkCaseToItem(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash(`Linked to item ${outcome.value.code}`).redirect(`/reviews/${c.id}/items`, 303);
    return page(req, reply, req.body as Record<string, unknown>, outcome.errors);
  });
  app.get('/api/reviews/:id/items', { schema: { tags: ['reviews'], summary: 'The agenda items (section D) the case is linked to', params: IdParams, response: { 200: ListOf(LinkedItem) } } }, async (req) => {
    const c = await loadCase(req, 'Read the agenda items the case is linked to (API)');
    return { items: await linkedItems(db, req.partnership.id, c.id) };
  });
  app.post('/api/reviews/:id/items', {
    schema: { tags: ['reviews'], summary: 'Link the case to a restricted agenda item (section D)', params: IdParams, body: Type.Object({ meetingId: Type.String(), itemId: Type.String() }), response: { 201: Type.Object({ meetingId: Type.String(), itemId: Type.String() }) } },
  }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case to link it to an agenda item (API)');
    const b = req.body as { meetingId: string; itemId: string };
    const linked = await linkCaseToItem(ctx(req), c.id, { item: `${b.meetingId}:${b.itemId}` });
    return reply.code(201).send({ meetingId: linked.meetingId, itemId: linked.itemId });
  });
}
