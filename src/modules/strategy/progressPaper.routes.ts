// The CSA progress paper's pages and API: from an agenda item of the monitoring body's
// meeting, the clerk's team chooses the agreement and the date of the plan and generates
// the paper, which the meetings module attaches to the item. Earlier versions stay as
// they were; each can be downloaded here as generated (the clerk's team) and through the
// meeting's page (whoever may read the item's papers). The item page links here, and a
// resolution that agreed an agreement links to it, through the meetings module's link
// sources.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize, can, isStaff } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { firstValue, formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { addItemLinkSource, type ItemLinkSource } from '../meetings/links.ts';
import { agreementStatusLabel } from './domain.ts';
import { agreementResource } from './commands.ts';
import { findMeetingItem, generateProgressPaper, progressPaperResource } from './progressPaper.commands.ts';

const PaperRecord = Type.Object({
  id: Type.String({ format: 'uuid' }), agreementId: Type.String({ format: 'uuid' }), meetingId: Type.String({ format: 'uuid' }), agendaItemId: Type.String({ format: 'uuid' }),
  paperId: Type.String({ format: 'uuid', description: 'The paper as the meetings module holds it: /api/meetings/{meetingId}/papers/{paperId}' }),
  version: Type.Integer(), asAt: Type.String({ format: 'date' }), since: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'The monitoring body’s last meeting before this one' }),
  includesRestricted: Type.Boolean(), byteSize: Type.Integer(), sha256: Type.String(), pageCount: Type.Integer(), generatedAt: Type.String({ format: 'date-time' }),
});
const PaperInput = Type.Object({
  meetingId: Type.String({ format: 'uuid' }), itemId: Type.String({ format: 'uuid' }), agreementId: Type.String({ format: 'uuid' }),
  asAt: Type.Optional(Type.String({ format: 'date', description: 'The day the plan is reported as at; today when left out' })),
});

interface PaperRow {
  id: string; agreement_id: string; meeting_id: string; agenda_item_id: string; paper_id: string; version: number; as_at: string; since: string | null;
  includes_restricted: boolean; byte_size: number; sha256: string; page_count: number; generated_at: Date;
}
const present = (r: PaperRow) => ({
  id: r.id, agreementId: r.agreement_id, meetingId: r.meeting_id, agendaItemId: r.agenda_item_id, paperId: r.paper_id, version: r.version, asAt: r.as_at, since: r.since,
  includesRestricted: r.includes_restricted, byteSize: r.byte_size, sha256: r.sha256, pageCount: r.page_count, generatedAt: r.generated_at.toISOString(),
});
const COLUMNS = ['id', 'agreement_id', 'meeting_id', 'agenda_item_id', 'paper_id', 'version', 'as_at', 'since', 'includes_restricted', 'byte_size', 'sha256', 'page_count', 'generated_at'] as const;

/** The item page's links: generating the paper (the clerk's team, on an item of a body that monitors a plan), and the agreement a resolution agreed. */
const linkSource: ItemLinkSource = async ({ db, actor, meeting, item, resolutionIds, canEdit }) => {
  const pid = actor.partnershipId;
  const links = [];
  if (isStaff(actor)) {
    const monitored = await db.selectFrom('strategy_agreements').select('id').where('partnership_id', '=', pid).where('monitoring_body_id', '=', meeting.body_id)
      .where('status', '!=', 'superseded').limit(1).executeTakeFirst();
    const earlier = await db.selectFrom('strategy_progress_papers').select('id').where('partnership_id', '=', pid).where('agenda_item_id', '=', item.id).limit(1).executeTakeFirst();
    if ((monitored && canEdit) || earlier) {
      links.push({ text: canEdit ? 'Generate the Community Safety Agreement progress paper' : 'Community Safety Agreement progress papers', href: `/strategy/progress-papers/new?meeting_id=${meeting.id}&item_id=${item.id}` });
    }
  }
  const resolutions = new Map<string, { text: string; href: string }[]>();
  if (resolutionIds.length) {
    const agreed = await db.selectFrom('strategy_agreements').select(['id', 'title', 'status', 'agreed_resolution_id']).where('partnership_id', '=', pid)
      .where('agreed_resolution_id', 'in', resolutionIds).execute();
    for (const a of agreed.filter((x) => can(actor, 'read', agreementResource(x)))) {
      resolutions.set(a.agreed_resolution_id!, [...(resolutions.get(a.agreed_resolution_id!) ?? []), { text: `This resolution agreed the ${a.title}`, href: `/strategy/agreements/${a.id}` }]);
    }
  }
  return { item: links, resolutions };
};

export async function progressPaperRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  addItemLinkSource(linkSource);

  async function loadItem(req: FastifyRequest, meetingId: string, itemId: string) {
    authorize(req.actor, 'create', progressPaperResource());
    if (!isUuid(meetingId) || !isUuid(itemId)) throw new NotFoundError();
    const found = await findMeetingItem({ db, actor: req.actor }, meetingId, itemId);
    if (!found) throw new NotFoundError();
    return found;
  }

  async function page(req: FastifyRequest, reply: FastifyReply, meetingId: string, itemId: string, values: Record<string, unknown>, errors?: FieldError[]) {
    const { meeting, item } = await loadItem(req, meetingId, itemId);
    const pid = req.partnership.id;
    const agreements = (await db.selectFrom('strategy_agreements').selectAll().where('partnership_id', '=', pid).where('monitoring_body_id', '=', meeting.body_id)
      .orderBy('period', 'desc').execute()).filter((a) => can(req.actor, 'read', agreementResource(a)));
    const inForce = agreements.find((a) => a.status === 'published') ?? agreements.find((a) => a.status !== 'superseded') ?? agreements[0];
    const versions = await db.selectFrom('strategy_progress_papers').select(COLUMNS).where('partnership_id', '=', pid).where('agenda_item_id', '=', item.id).orderBy('version', 'desc').execute();
    return reply.view('strategy/views/progress-paper.njk', {
      title: `Progress paper for item ${item.code}`, section: 'strategy', meeting, item, errors,
      values: { agreement_id: inForce?.id, as_at: todayIso(), ...values },
      agreementOptions: agreements.map((a) => ({ value: a.id, text: `${a.title} (${agreementStatusLabel(a.status).toLowerCase()})` })),
      versions, canGenerate: meeting.status !== 'cancelled',
    });
  }

  app.get('/strategy/progress-papers/new', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    return page(req, reply, firstValue(q.meeting_id), firstValue(q.item_id), {});
  });
  app.post('/strategy/progress-papers/new', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const meetingId = firstValue(body.meeting_id);
    const itemId = firstValue(body.item_id);
    await loadItem(req, meetingId, itemId);
    const outcome = await formOutcome(() => generateProgressPaper({ db, actor: req.actor }, meetingId, itemId, body));
    if (outcome.ok) return reply.flash(`${outcome.value.title} generated and attached to the item`).redirect(`/meetings/${meetingId}/items/${itemId}`, 303);
    return page(req, reply.code(400), meetingId, itemId, body, outcome.errors);
  });

  /** One version as it was generated, for the clerk's team (the item's readers get it from the meeting's page). */
  app.get('/strategy/progress-papers/:id/paper.pdf', async (req, reply) => {
    authorize(req.actor, 'read', progressPaperResource());
    const id = (req.params as { id: string }).id;
    const row = isUuid(id) ? await db.selectFrom('strategy_progress_papers').select(['id', 'content', 'sha256', 'version', 'as_at', 'includes_restricted', 'agenda_item_id'])
      .where('partnership_id', '=', req.partnership.id).where('id', '=', id).executeTakeFirst() : undefined;
    if (!row) throw new NotFoundError();
    if (row.includes_restricted) await recordAudit(db, req.actor, { action: 'read', recordType: 'strategy-progress-paper', recordId: row.id, summary: 'Downloaded a progress paper naming restricted actions' });
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="csa-progress-report-${row.as_at}-v${row.version}.pdf"`)
      .header('cache-control', 'private, no-store').header('x-content-sha256', row.sha256).send(Buffer.from(row.content));
  });

  const tags = ['strategy'];
  app.post('/api/strategy/progress-papers', { schema: { tags, summary: 'Generate the CSA progress paper from the plan at a date and attach it to an agenda item of the monitoring body’s meeting (a new version each time)', body: PaperInput, response: { 201: PaperRecord } } }, async (req, reply) => {
    const b = req.body as { meetingId: string; itemId: string; agreementId: string; asAt?: string };
    await loadItem(req, b.meetingId, b.itemId);
    const row = await generateProgressPaper({ db, actor: req.actor }, b.meetingId, b.itemId, { agreement_id: b.agreementId, as_at: b.asAt });
    return reply.code(201).send(present(row));
  });
  app.get('/api/strategy/agreements/:id/progress-papers', { schema: { tags, summary: 'The progress papers generated from an agreement’s plan, newest first (the clerk’s team)', params: Type.Object({ id: Type.String() }), response: { 200: Type.Object({ items: Type.Array(PaperRecord) }) } } }, async (req) => {
    authorize(req.actor, 'read', progressPaperResource());
    const id = (req.params as { id: string }).id;
    if (!isUuid(id)) throw new NotFoundError();
    const rows = await db.selectFrom('strategy_progress_papers').select(COLUMNS).where('partnership_id', '=', req.partnership.id).where('agreement_id', '=', id).orderBy('generated_at', 'desc').execute();
    return { items: rows.map(present) };
  });
}
