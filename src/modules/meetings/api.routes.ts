// The meetings JSON API: the same commands as the pages, the same filtered record.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize, type Actor } from '../../access/policy.ts';
import { isUuid } from '../../web/forms.ts';
import { NotFoundError, ValidationError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { findBodyRow, listMeetings, listSections } from './store.ts';
import { readMeeting, sendPaper } from './reading.ts';
import { mayReadRecord } from './access.ts';
import {
  addStandingItem, bodySettings, createSectionDefault, scheduleMeeting, sectionDefaults, takeMeetingStep, updateBodySettings, updateMeeting,
  updateSectionDefault, removeStandingItem,
} from './meetings.commands.ts';
import { addAgendaItem, attachPaper, linkElection, moveAgendaItem, removeAgendaItem, removePaper, updateAgendaItem, type Upload } from './agenda.commands.ts';
import {
  addParagraphs, addResolution, amendApprovedMinutes, confirmPreviousMinutes, recordAttendance, recordDeclaration, removeAttendance, removeDeclaration,
  removeParagraph, removeResolution, updateParagraph, updateResolution,
} from './minutes.commands.ts';
import { fromApi, presentBodySettings, presentMeetingDetail, presentMeetingSummary, presentPaper, presentSectionDefault } from './presenters.ts';
import {
  AgendaItem, AgendaItemInput, AmendmentInput, AttendanceInput, BodySettings, BodySettingsInput, CancelInput, ConfirmInput, Created, DeclarationInput,
  ElectionLinkInput, IdParams, ItemParams, ListOf, MeetingDetail, MeetingInput, MeetingSection, MeetingsQuery, MeetingSummary, MoveInput, Paper,
  PaperParams, RecordParams, SectionDefault, SectionDefaultInput, StandingItemInput, TextInput, CheckQuery, PublicationCheckResult, PublishInput,
  WithdrawInput,
} from './schemas.ts';
import { paperUploadGate, readUpload } from './upload.ts';
import { PAPER_SIZE_LIMIT } from './papers.ts';
import type { MeetingStep } from './domain.ts';
import { publicationCheck, publishAgenda, publishMinutes, publishSupplement, withdrawAgenda, withdrawMinutes } from './publishing.commands.ts';
import type { Problem, PublicationEvent } from './publishing.ts';

type Params = Record<string, string>;
const tags = ['meetings'];

export async function meetingApi(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });
  const p = (req: FastifyRequest) => req.params as Params;
  const detail = async (req: FastifyRequest, id: string) => presentMeetingDetail((await readMeeting(db, req, id)).view);
  const itemOf = async (req: FastifyRequest, meetingId: string, itemId: string) => {
    const d = await detail(req, meetingId);
    const item = d.agenda?.sections.flatMap((s) => s.items).find((i) => i.id === itemId);
    if (!item) throw new NotFoundError();
    return item;
  };

  app.get('/api/meetings', {
    schema: { tags, summary: 'Meetings of the partnership: upcoming soonest first, then past latest first', querystring: MeetingsQuery, response: { 200: ListOf(MeetingSummary) } },
  }, async (req) => {
    const q = req.query as { bodyId?: string; when?: string };
    if (q.bodyId && !isUuid(q.bodyId)) throw ValidationError.single('bodyId', 'Give the body as its id');
    const today = todayIso();
    const bodyId = q.bodyId ?? null;
    const upcoming = q.when === 'past' ? [] : await listMeetings(db, req.partnership.id, { bodyId, from: today, includeCancelled: true });
    const past = q.when === 'upcoming' ? [] : await listMeetings(db, req.partnership.id, { bodyId, before: today, includeCancelled: true });
    return { items: [...upcoming, ...past].map(presentMeetingSummary) };
  });

  app.get('/api/bodies/:id/meetings', {
    schema: { tags, summary: 'Every meeting of a body, oldest first', params: IdParams, response: { 200: ListOf(MeetingSummary) } },
  }, async (req) => {
    const { id } = p(req);
    if (!id || !isUuid(id) || !(await findBodyRow(db, req.partnership.id, id))) throw new NotFoundError();
    return { items: (await listMeetings(db, req.partnership.id, { bodyId: id, includeCancelled: true })).map(presentMeetingSummary) };
  });

  app.post('/api/bodies/:id/meetings', {
    schema: { tags, summary: 'Schedule a meeting of a body; its agenda starts with the body’s standing items', params: IdParams, body: MeetingInput, response: { 201: MeetingDetail } },
  }, async (req, reply) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const m = await scheduleMeeting(ctx(req), id, fromApi(req.body));
    return reply.code(201).send(await detail(req, m.id));
  });

  app.get('/api/meetings/:id', {
    schema: { tags, summary: 'One meeting: agenda, attendance and minutes, as far as the reader may see them', params: IdParams, response: { 200: MeetingDetail } },
  }, async (req) => detail(req, p(req).id!));

  app.put('/api/meetings/:id', {
    schema: { tags, summary: 'Change the date, time, venue or contact officer', params: IdParams, body: MeetingInput, response: { 200: MeetingDetail } },
  }, async (req) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    await updateMeeting(ctx(req), id, fromApi(req.body));
    return detail(req, id);
  });

  const steps: [string, MeetingStep, string][] = [
    ['held', 'hold', 'Record the meeting as held'],
    ['start-minutes', 'start-minutes', 'Start (or renumber) the minutes: minute numbers run on from the body’s earlier meetings; refused once the minutes were published'],
  ];

  // Publication: the same check as the page before "Publish". Errors answer 422 with every
  // problem listed; warnings answer 422 too unless confirmWarnings is true.
  app.get('/api/meetings/:id/publication-check', {
    schema: { tags, summary: 'What is wrong (errors) or worth a second look (warnings) before publishing the agenda, a supplementary agenda or the minutes', params: IdParams, querystring: CheckQuery, response: { 200: PublicationCheckResult } },
  }, async (req) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const { event } = req.query as { event: PublicationEvent };
    const { refused, check } = await publicationCheck(ctx(req), id, event);
    const present = (x: Problem) => ({ code: x.code, message: x.message, itemId: x.itemId ?? null });
    return { event, refused, canPublish: !refused && !check.errors.length, errors: check.errors.map(present), warnings: check.warnings.map(present) };
  });
  const publishers: [string, typeof publishAgenda, string][] = [
    ['publish-agenda', publishAgenda, 'Publish the agenda (the public sees it, without restricted items) after the publication check'],
    ['publish-supplement', publishSupplement, 'Publish the items and papers added since the agenda was published, as the next supplementary agenda'],
    ['publish-minutes', publishMinutes, 'Publish the minutes (marked draft until approved) after the publication check; their numbers are fixed from then on'],
  ];
  for (const [path, publish, summary] of publishers) {
    app.post(`/api/meetings/:id/${path}`, { schema: { tags, summary, params: IdParams, body: PublishInput, response: { 200: MeetingDetail } } }, async (req) => {
      const { id } = p(req);
      if (!id || !isUuid(id)) throw new NotFoundError();
      await publish(ctx(req), id, fromApi(req.body));
      return detail(req, id);
    });
  }
  const withdrawals: [string, typeof withdrawAgenda, string][] = [
    ['withdraw-agenda', withdrawAgenda, 'Withdraw the published agenda (before the meeting is held), with the reason shown publicly; it may then be changed and published again'],
    ['withdraw-minutes', withdrawMinutes, 'Withdraw the published minutes, with the reason shown publicly; their numbers stay fixed'],
  ];
  for (const [path, withdraw, summary] of withdrawals) {
    app.post(`/api/meetings/:id/${path}`, { schema: { tags, summary, params: IdParams, body: WithdrawInput, response: { 200: MeetingDetail } } }, async (req) => {
      const { id } = p(req);
      if (!id || !isUuid(id)) throw new NotFoundError();
      await withdraw(ctx(req), id, fromApi(req.body));
      return detail(req, id);
    });
  }
  for (const [path, step, summary] of steps) {
    app.post(`/api/meetings/:id/${path}`, { schema: { tags, summary, params: IdParams, response: { 200: MeetingDetail } } }, async (req) => {
      const { id } = p(req);
      if (!id || !isUuid(id)) throw new NotFoundError();
      await takeMeetingStep(ctx(req), id, step, {});
      return detail(req, id);
    });
  }
  app.post('/api/meetings/:id/cancel', { schema: { tags, summary: 'Cancel a meeting that has not been held', params: IdParams, body: CancelInput, response: { 200: MeetingDetail } } }, async (req) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    await takeMeetingStep(ctx(req), id, 'cancel', fromApi(req.body));
    return detail(req, id);
  });

  app.get('/api/meetings/:id/sections', {
    schema: { tags, summary: 'The sections of a meeting’s agenda, for adding items', params: IdParams, response: { 200: ListOf(MeetingSection) } },
  }, async (req) => {
    const { view } = await readMeeting(db, req, p(req).id, { audit: false });
    if (!view.agendaVisible) throw new NotFoundError();
    const sections = await listSections(db, req.partnership.id, view.meeting.id);
    return { items: sections.filter((s) => mayReadRecord(req.actor, s, view.meeting.body_id)).map((s) => ({ id: s.id, code: s.code, title: s.title, restricted: s.restricted, exemptionReason: s.exemption_reason })) };
  });

  // ---------------------------------------------------------------- agenda items

  app.post('/api/meetings/:id/items', { schema: { tags, summary: 'Add an item; it is coded automatically unless a code is given', params: IdParams, body: AgendaItemInput, response: { 201: AgendaItem } } }, async (req, reply) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const item = await addAgendaItem(ctx(req), id, fromApi(req.body));
    return reply.code(201).send(await itemOf(req, id, item.id));
  });
  app.put('/api/meetings/:id/items/:itemId', { schema: { tags, summary: 'Change an item (section, title, presenter, code, minute number)', params: ItemParams, body: AgendaItemInput, response: { 200: AgendaItem } } }, async (req) => {
    const { id, itemId } = p(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    await updateAgendaItem(ctx(req), id, itemId, fromApi(req.body));
    return itemOf(req, id, itemId);
  });
  app.post('/api/meetings/:id/items/:itemId/move', { schema: { tags, summary: 'Move an item up or down its section; codes follow', params: ItemParams, body: MoveInput, response: { 200: AgendaItem } } }, async (req) => {
    const { id, itemId } = p(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    await moveAgendaItem(ctx(req), id, itemId, req.body);
    return itemOf(req, id, itemId);
  });
  app.delete('/api/meetings/:id/items/:itemId', { schema: { tags, summary: 'Remove an item that has no papers or minutes', params: ItemParams } }, async (req, reply) => {
    const { id, itemId } = p(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    await removeAgendaItem(ctx(req), id, itemId);
    return reply.code(204).send();
  });
  app.put('/api/meetings/:id/items/:itemId/election', { schema: { tags, summary: 'Link an item to an election recorded at this meeting (null to unlink)', params: ItemParams, body: ElectionLinkInput, response: { 200: AgendaItem } } }, async (req) => {
    const { id, itemId } = p(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    await linkElection(ctx(req), id, itemId, fromApi(req.body));
    return itemOf(req, id, itemId);
  });

  // ---------------------------------------------------------------- papers

  app.post('/api/meetings/:id/items/:itemId/papers', {
    bodyLimit: Math.ceil(PAPER_SIZE_LIMIT * 1.4) + 4096,
    onRequest: paperUploadGate,
    preValidation: readUpload,
    schema: {
      tags, params: ItemParams, response: { 201: Paper },
      summary: 'Attach a paper (PDF or .docx, up to 20MB): multipart/form-data with a `file` part (and `title`, `_csrf`), or JSON { fileName, title, contentBase64 }',
    },
  }, async (req, reply) => {
    const { id, itemId } = p(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    let upload: Upload | null = req.paperUpload;
    if (!upload) {
      const body = fromApi(req.body);
      const b64 = typeof body.content_base64 === 'string' ? body.content_base64 : '';
      const bytes = b64 ? Buffer.from(b64, 'base64') : null;
      upload = { fileName: typeof body.file_name === 'string' ? body.file_name : null, bytes, tooLarge: (bytes?.length ?? 0) > PAPER_SIZE_LIMIT, fields: body };
    }
    const row = await attachPaper(ctx(req), id, itemId, upload);
    return reply.code(201).send(presentPaper({ ...row, partnership_id: req.partnership.id, uploaded_by: null }));
  });
  app.get('/api/meetings/:id/papers/:paperId', { schema: { tags, summary: 'A paper’s original bytes (restricted papers only for readers entitled to them)', params: PaperParams } },
    async (req, reply) => sendPaper(db, req, reply, p(req).id, p(req).paperId));
  app.delete('/api/meetings/:id/papers/:paperId', { schema: { tags, summary: 'Remove a paper', params: PaperParams } }, async (req, reply) => {
    const { id, paperId } = p(req);
    if (!id || !paperId || !isUuid(id) || !isUuid(paperId)) throw new NotFoundError();
    await removePaper(ctx(req), id, paperId);
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- attendance and declarations

  app.post('/api/meetings/:id/attendance', { schema: { tags, summary: 'Record someone’s attendance, apologies or absence', params: IdParams, body: AttendanceInput, response: { 201: Created } } }, async (req, reply) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const row = await recordAttendance(ctx(req), id, fromApi(req.body));
    return reply.code(201).send({ id: row.id });
  });
  app.delete('/api/meetings/:id/attendance/:recordId', { schema: { tags, summary: 'Remove an attendance entry', params: RecordParams } }, async (req, reply) => {
    const { id, recordId } = p(req);
    if (!id || !recordId || !isUuid(id) || !isUuid(recordId)) throw new NotFoundError();
    await removeAttendance(ctx(req), id, recordId);
    return reply.code(204).send();
  });
  app.post('/api/meetings/:id/items/:itemId/declarations', { schema: { tags, summary: 'Record a declaration of interest on an item', params: ItemParams, body: DeclarationInput, response: { 201: Created } } }, async (req, reply) => {
    const { id, itemId } = p(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    const row = await recordDeclaration(ctx(req), id, itemId, fromApi(req.body));
    return reply.code(201).send({ id: row.id });
  });
  app.delete('/api/meetings/:id/declarations/:recordId', { schema: { tags, summary: 'Remove a declaration of interest', params: RecordParams } }, async (req, reply) => {
    const { id, recordId } = p(req);
    if (!id || !recordId || !isUuid(id) || !isUuid(recordId)) throw new NotFoundError();
    await removeDeclaration(ctx(req), id, recordId);
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- minutes

  app.post('/api/meetings/:id/items/:itemId/paragraphs', {
    schema: { tags, summary: 'Add minute paragraphs to an item (blank lines separate paragraphs)', params: ItemParams, body: TextInput, response: { 201: ListOf(Created) } },
  }, async (req, reply) => {
    const { id, itemId } = p(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    const rows = await addParagraphs(ctx(req), id, itemId, req.body);
    return reply.code(201).send({ items: rows.map((r) => ({ id: r.id })) });
  });
  app.post('/api/meetings/:id/items/:itemId/resolutions', {
    schema: { tags, summary: 'Add a RESOLVED clause to an item (the words after RESOLVED)', params: ItemParams, body: TextInput, response: { 201: Created } },
  }, async (req, reply) => {
    const { id, itemId } = p(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    const row = await addResolution(ctx(req), id, itemId, req.body);
    return reply.code(201).send({ id: row.id });
  });
  for (const [path, update, remove, label] of [
    ['paragraphs', updateParagraph, removeParagraph, 'minute paragraph'],
    ['resolutions', updateResolution, removeResolution, 'resolution'],
  ] as const) {
    app.put(`/api/meetings/:id/${path}/:recordId`, { schema: { tags, summary: `Change a draft ${label}`, params: RecordParams, body: TextInput, response: { 200: Created } } }, async (req) => {
      const { id, recordId } = p(req);
      if (!id || !recordId || !isUuid(id) || !isUuid(recordId)) throw new NotFoundError();
      return { id: (await update(ctx(req), id, recordId, req.body)).id };
    });
    app.delete(`/api/meetings/:id/${path}/:recordId`, { schema: { tags, summary: `Remove a draft ${label}`, params: RecordParams } }, async (req, reply) => {
      const { id, recordId } = p(req);
      if (!id || !recordId || !isUuid(id) || !isUuid(recordId)) throw new NotFoundError();
      await remove(ctx(req), id, recordId);
      return reply.code(204).send();
    });
  }
  app.post('/api/meetings/:id/items/:itemId/correct-record', {
    schema: { tags, summary: 'Resolve that the last meeting’s minutes are a correct record: approves and locks them', params: ItemParams, body: ConfirmInput, response: { 201: Created } },
  }, async (req, reply) => {
    const { id, itemId } = p(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    const { resolution } = await confirmPreviousMinutes(ctx(req), id, itemId, fromApi(req.body));
    return reply.code(201).send({ id: resolution.id });
  });
  app.post('/api/meetings/:id/amendments', {
    schema: { tags, summary: 'Correct approved minutes: recorded as an amendment (who, when, why, before and after)', params: IdParams, body: AmendmentInput, response: { 201: Created } },
  }, async (req, reply) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const row = await amendApprovedMinutes(ctx(req), id, fromApi(req.body));
    return reply.code(201).send({ id: row.id });
  });

  // ---------------------------------------------------------------- settings

  app.get('/api/agenda-sections', { schema: { tags, summary: 'The partnership’s agenda sections, copied into each new meeting', response: { 200: ListOf(SectionDefault) } } }, async (req) => {
    authorize(req.actor, 'update', { type: 'agenda-section' });
    return { items: (await sectionDefaults(ctx(req))).map(presentSectionDefault) };
  });
  app.post('/api/agenda-sections', { schema: { tags, summary: 'Add an agenda section', body: SectionDefaultInput, response: { 201: SectionDefault } } }, async (req, reply) =>
    reply.code(201).send(presentSectionDefault(await createSectionDefault(ctx(req), fromApi(req.body)))));
  app.put('/api/agenda-sections/:id', { schema: { tags, summary: 'Change an agenda section (for meetings scheduled from now on)', params: IdParams, body: SectionDefaultInput, response: { 200: SectionDefault } } }, async (req) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    return presentSectionDefault(await updateSectionDefault(ctx(req), id, fromApi(req.body)));
  });

  const settingsOf = async (req: FastifyRequest, id: string) => {
    authorize(req.actor, 'update', { type: 'body-meeting-settings', bodyId: id });
    const data = await bodySettings(ctx(req), id);
    return presentBodySettings(id, data.settings.first_minute_number, data.standingItems);
  };
  app.get('/api/bodies/:id/meeting-settings', { schema: { tags, summary: 'A body’s first minute number and standing items', params: IdParams, response: { 200: BodySettings } } }, async (req) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    return settingsOf(req, id);
  });
  app.put('/api/bodies/:id/meeting-settings', { schema: { tags, summary: 'Set where the body’s minute numbers start', params: IdParams, body: BodySettingsInput, response: { 200: BodySettings } } }, async (req) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    await updateBodySettings(ctx(req), id, fromApi(req.body));
    return settingsOf(req, id);
  });
  app.post('/api/bodies/:id/standing-items', { schema: { tags, summary: 'Add an item that appears on every new agenda of the body', params: IdParams, body: StandingItemInput, response: { 201: BodySettings } } }, async (req, reply) => {
    const { id } = p(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    await addStandingItem(ctx(req), id, fromApi(req.body));
    return reply.code(201).send(await settingsOf(req, id));
  });
  app.delete('/api/bodies/:id/standing-items/:recordId', { schema: { tags, summary: 'Remove a standing item (past agendas keep it)', params: RecordParams } }, async (req, reply) => {
    const { id, recordId } = p(req);
    if (!id || !recordId || !isUuid(id) || !isUuid(recordId)) throw new NotFoundError();
    await removeStandingItem(ctx(req), id, recordId);
    return reply.code(204).send();
  });
}

