// The meetings pages: lists, the meeting page, items and papers, attendance, minutes,
// and the settings behind them (sections, standing items, minute numbering).
// Every page works without JavaScript: each change is a form that posts and redirects.
import { itemLinks } from './links.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, isStaff, type Actor } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError } from '../../web/errors.ts';
import type { MeetingStatus } from './tables.ts';
import { formatDate, formatDay } from '../../web/nunjucks.ts';
import { todayIso } from '../partnership/domain.ts';
import {
  AGENDA_ITEM_KINDS, ATTENDANCE_KINDS, ATTENDANCE_MODES, meetingStatusLabel, meetingStatusTag, stepProblem, formatTime, whereText, type MeetingStep,
} from './domain.ts';
import {
  bodyOptions, electionsForMeeting, findBodyRow, itemCounts, listMeetings, listSections, membersOnDate, peopleNames, personOptions, findMeeting,
  findSectionDefault,
} from './store.ts';
import type { MeetingView } from './record.ts';
import { mattersArisingFor, readMeeting, sendPaper } from './reading.ts';
import { meetingPageStatement } from './pageStatement.ts';
import {
  addStandingItem, bodySettings, createSectionDefault, scheduleMeeting, sectionDefaults, takeMeetingStep, updateBodySettings, updateMeeting,
  updateSectionDefault, removeStandingItem,
} from './meetings.commands.ts';
import { addAgendaItem, attachPaper, linkElection, moveAgendaItem, removeAgendaItem, removePaper, updateAgendaItem } from './agenda.commands.ts';
import {
  addParagraphs, addResolution, amendApprovedMinutes, confirmPreviousMinutes, recordAttendance, recordDeclaration, recordRegister, removeAttendance,
  removeDeclaration, removeParagraph, removeResolution, updateParagraph, updateResolution,
} from './minutes.commands.ts';
import { paperUploadGate, readUpload } from './upload.ts';
import { PAPER_SIZE_LIMIT_TEXT } from './papers.ts';
import { SCHEDULE_12A_PARAGRAPHS } from './exemption.ts';
import { findBodyRules, updateBodyRules } from './body-rules.ts';

type Params = Record<string, string>;

/** The minutes page is offered from the meeting's day until the minutes are approved. */
const mayWriteMinutes = (m: MeetingView['meeting'], today: string) =>
  m.status === 'minutes-draft' || m.status === 'held' || ((m.status === 'scheduled' || m.status === 'agenda-published') && m.meets_on <= today);
const V = (name: string) => `meetings/views/${name}.njk`;

export async function meetingPages(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });
  const params = (req: FastifyRequest) => req.params as Params;

  const loadView = (req: FastifyRequest, id: string | undefined, opts: { audit?: boolean } = {}) => readMeeting(db, req, id, opts);

  function itemOf(view: MeetingView, itemId: string | undefined) {
    const item = view.items.find((i) => i.id === itemId);
    // Left out of the view: unknown, or restricted and not for this reader. Either way, not found.
    if (!item) throw new NotFoundError();
    return item;
  }

  const stepsFor = (req: FastifyRequest, view: MeetingView) => {
    if (!isStaff(req.actor)) return [];
    const today = todayIso();
    // "Record as held" and "Write the minutes" are one step, on the minutes page (minutes-writing.routes.ts).
    // Publishing goes through its check page (publishing.routes.ts): those are links, the others forms.
    const steps: { step: MeetingStep; text: string; secondary?: boolean; href?: string }[] = [
      { step: 'publish-agenda', text: 'Publish the agenda', href: `/meetings/${view.meeting.id}/publish/agenda` },
      ...(view.meeting.status === 'minutes-draft' ? [{ step: 'start-minutes' as const, text: 'Renumber the minutes', secondary: true }] : []),
      { step: 'publish-minutes', text: 'Publish the minutes', href: `/meetings/${view.meeting.id}/publish/minutes` },
    ];
    return steps.filter((s) => stepProblem(view.meeting, s.step, today) === null);
  };

  async function renderMeeting(req: FastifyRequest, reply: FastifyReply, id: string | undefined, extra: Record<string, unknown> = {}) {
    const { view } = await loadView(req, id);
    const m = view.meeting;
    return reply.view(V('show'), {
      title: `${m.body_name}: ${formatDate(m.meets_on)}`, section: 'meetings', view, m, steps: stepsFor(req, view), mattersArising: await mattersArisingFor(db, req, view),
      staff: isStaff(req.actor), writeMinutes: isStaff(req.actor) && mayWriteMinutes(m, todayIso()), canCancel: isStaff(req.actor) && stepProblem(m, 'cancel', todayIso()) === null, ...extra,
    });
  }

  async function renderItem(req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const { id, itemId } = params(req);
    const { view } = await loadView(req, id);
    const item = itemOf(view, itemId);
    const staff = isStaff(req.actor);
    const people = staff ? await personOptions(db, req.partnership.id) : [];
    const elections = staff || item.election_id ? await electionsForMeeting(db, req.partnership.id, view.meeting) : [];
    const electionNames = await peopleNames(db, req.partnership.id, elections.flatMap((e) => [e.nominee_id, e.mover_id, e.seconder_id]));
    const describe = (e: (typeof elections)[number]) =>
      `${electionNames.get(e.nominee_id) ?? 'Someone'} ${e.result} ${e.role}${e.mover_id ? `, moved by ${electionNames.get(e.mover_id)}` : ''}${e.seconder_id ? `, seconded by ${electionNames.get(e.seconder_id)}` : ''}`;
    const linked = elections.find((e) => e.id === item.election_id);
    const previous = item.previous_meeting_id ? await findMeeting(db, req.partnership.id, item.previous_meeting_id) : undefined;
    const links = await itemLinks({ db, actor: req.actor, meeting: view.meeting, item, resolutionIds: item.resolutions.map((r) => r.id), canEdit: view.canEdit });
    return reply.view(V('item'), {
      title: `${item.code} ${item.title}`, section: 'meetings', view, m: view.meeting, item, staff, people, links,
      mattersArising: item.kind === 'matters-arising' ? await mattersArisingFor(db, req, view) : [],
      electionOptions: elections.map((e) => ({ value: e.id, text: describe(e) })), linkedElection: linked ? describe(linked) : null,
      previous, previousStatus: previous ? meetingStatusLabel(previous.status) : null,
      kindLabel: AGENDA_ITEM_KINDS.find((k) => k.value === item.kind)?.text ?? item.kind, sizeLimit: PAPER_SIZE_LIMIT_TEXT, values: {}, ...extra,
    });
  }

  // ---------------------------------------------------------------- lists

  app.get('/meetings', async (req, reply) => {
    const q = req.query as { body?: string };
    const bodyId = q.body && isUuid(q.body) ? q.body : null;
    const today = todayIso();
    const [upcoming, past, bodies] = await Promise.all([
      listMeetings(db, req.partnership.id, { bodyId, from: today, includeCancelled: true }),
      listMeetings(db, req.partnership.id, { bodyId, before: today, includeCancelled: true, limit: 50 }),
      bodyOptions(db, req.partnership.id),
    ]);
    return reply.view(V('list'), { title: 'Meetings', section: 'meetings', upcoming: decorate(upcoming), past: decorate(past), bodies, bodyId, staff: isStaff(req.actor) });
  });

  app.get('/bodies/:id/meetings', async (req, reply) => {
    const { id } = params(req);
    const body = id && isUuid(id) ? await findBodyRow(db, req.partnership.id, id) : undefined;
    if (!body) throw new NotFoundError();
    const today = todayIso();
    const [upcoming, past] = await Promise.all([
      listMeetings(db, req.partnership.id, { bodyId: id, from: today, includeCancelled: true }),
      listMeetings(db, req.partnership.id, { bodyId: id, before: today, includeCancelled: true }),
    ]);
    const counts = await itemCounts(db, req.partnership.id, [...upcoming, ...past].map((m) => m.id));
    return reply.view(V('list'), {
      title: `Meetings of ${body.name}`, section: 'meetings', body, upcoming: decorate(upcoming, counts), past: decorate(past, counts), staff: isStaff(req.actor),
    });
  });

  // ---------------------------------------------------------------- schedule and change

  const meetingForm = async (req: FastifyRequest, extra: Record<string, unknown>) => ({
    section: 'meetings', people: await personOptions(db, req.partnership.id), ...extra,
  });

  app.get('/bodies/:id/meetings/new', async (req, reply) => {
    const { id } = params(req);
    authorize(req.actor, 'create', { type: 'meeting', bodyId: id ?? null });
    const body = id && isUuid(id) ? await findBodyRow(db, req.partnership.id, id) : undefined;
    if (!body) throw new NotFoundError();
    return reply.view(V('form'), await meetingForm(req, { title: `Schedule a meeting of ${body.name}`, body, values: { format: 'in-person' }, action: `/bodies/${id}/meetings/new` }));
  });

  app.post('/bodies/:id/meetings/new', async (req, reply) => {
    const { id } = params(req);
    const body = id && isUuid(id) ? await findBodyRow(db, req.partnership.id, id) : undefined;
    if (!body) throw new NotFoundError();
    const outcome = await formOutcome(() => scheduleMeeting(ctx(req), body.id, req.body));
    if (outcome.ok) return reply.flash(`Meeting on ${formatDate(outcome.value.meets_on)} scheduled`).redirect(`/meetings/${outcome.value.id}`, 303);
    return reply.code(400).view(V('form'), await meetingForm(req, { title: `Schedule a meeting of ${body.name}`, body, values: req.body, errors: outcome.errors, action: `/bodies/${id}/meetings/new` }));
  });

  app.get('/meetings/:id/edit', async (req, reply) => {
    const { id } = params(req);
    const m = id && isUuid(id) ? await findMeeting(db, req.partnership.id, id) : undefined;
    if (!m) throw new NotFoundError();
    authorize(req.actor, 'update', { type: 'meeting', bodyId: m.body_id });
    const body = await findBodyRow(db, req.partnership.id, m.body_id);
    const values = { ...m, format: m.online ? (m.venue ? 'hybrid' : 'online') : 'in-person' };
    return reply.view(V('form'), await meetingForm(req, { title: 'Change the meeting’s details', body, meeting: m, values, action: `/meetings/${id}/edit` }));
  });

  app.post('/meetings/:id/edit', async (req, reply) => {
    const { id } = params(req);
    const m = id && isUuid(id) ? await findMeeting(db, req.partnership.id, id) : undefined;
    if (!m) throw new NotFoundError();
    const outcome = await formOutcome(() => updateMeeting(ctx(req), m.id, req.body));
    if (outcome.ok) return reply.flash('Changes saved').redirect(`/meetings/${m.id}`, 303);
    const body = await findBodyRow(db, req.partnership.id, m.body_id);
    return reply.code(400).view(V('form'), await meetingForm(req, { title: 'Change the meeting’s details', body, meeting: m, values: req.body, errors: outcome.errors, action: `/meetings/${id}/edit` }));
  });

  // ---------------------------------------------------------------- the meeting page and its steps

  // Read with the session in one statement: the meeting's record counter, so its record may come from
  // memory (recordCache.ts), its matters arising and the audit of restricted reads (pageStatement.ts).
  app.get('/meetings/:id', { config: { withSession: meetingPageStatement } }, async (req, reply) => renderMeeting(req, reply, params(req).id));

  const stepRoutes: [string, MeetingStep, string][] = [
    ['held', 'hold', 'Meeting recorded as held'],
    ['start-minutes', 'start-minutes', 'Minutes numbered: write them item by item'],
  ];
  for (const [path, step, message] of stepRoutes) {
    app.post(`/meetings/:id/${path}`, async (req, reply) => {
      const { id } = params(req);
      if (!id || !isUuid(id)) throw new NotFoundError();
      const outcome = await formOutcome(() => takeMeetingStep(ctx(req), id, step, req.body));
      if (outcome.ok) return reply.flash(message).redirect(`/meetings/${id}`, 303);
      return renderMeeting(req, reply.code(400), id, { errors: outcome.errors });
    });
  }

  app.get('/meetings/:id/cancel', async (req, reply) => {
    const { view } = await loadView(req, params(req).id, { audit: false });
    authorize(req.actor, 'update', { type: 'meeting', bodyId: view.meeting.body_id });
    return reply.view(V('cancel'), { title: 'Cancel the meeting', section: 'meetings', m: view.meeting, values: {} });
  });

  app.post('/meetings/:id/cancel', async (req, reply) => {
    const { view } = await loadView(req, params(req).id, { audit: false });
    const outcome = await formOutcome(() => takeMeetingStep(ctx(req), view.meeting.id, 'cancel', req.body));
    if (outcome.ok) return reply.flash('Meeting cancelled').redirect(`/meetings/${view.meeting.id}`, 303);
    return reply.code(400).view(V('cancel'), { title: 'Cancel the meeting', section: 'meetings', m: view.meeting, values: req.body, errors: outcome.errors });
  });

  // ---------------------------------------------------------------- agenda items

  const itemForm = async (req: FastifyRequest, view: MeetingView, extra: Record<string, unknown>) => ({
    section: 'meetings', m: view.meeting, kinds: AGENDA_ITEM_KINDS.map((k) => ({ value: k.value, text: k.text })),
    sections: (await listSections(db, req.partnership.id, view.meeting.id)).map((s) => ({ value: s.id, text: `${s.code}. ${s.title}` })),
    people: await personOptions(db, req.partnership.id), minutesStarted: view.meeting.status === 'minutes-draft',
    exemptionParagraphs: SCHEDULE_12A_PARAGRAPHS.map((p) => ({ value: String(p.value), text: `Paragraph ${p.value}: ${p.text}` })), ...extra,
  });

  app.get('/meetings/:id/items/new', async (req, reply) => {
    const { view } = await loadView(req, params(req).id, { audit: false });
    authorize(req.actor, 'update', { type: 'meeting', bodyId: view.meeting.body_id });
    const q = req.query as { section?: string };
    return reply.view(V('item-form'), await itemForm(req, view, { title: 'Add an item to the agenda', values: { section_id: q.section, minuted: 'yes' }, action: `/meetings/${view.meeting.id}/items/new` }));
  });

  app.post('/meetings/:id/items/new', async (req, reply) => {
    const { view } = await loadView(req, params(req).id, { audit: false });
    const outcome = await formOutcome(() => addAgendaItem(ctx(req), view.meeting.id, req.body));
    if (outcome.ok) return reply.flash(`Item ${outcome.value.code} added`).redirect(`/meetings/${view.meeting.id}#item-${outcome.value.id}`, 303);
    return reply.code(400).view(V('item-form'), await itemForm(req, view, { title: 'Add an item to the agenda', values: req.body, errors: outcome.errors, action: `/meetings/${view.meeting.id}/items/new` }));
  });

  app.get('/meetings/:id/items/:itemId', async (req, reply) => renderItem(req, reply));

  app.get('/meetings/:id/items/:itemId/edit', async (req, reply) => {
    const { view } = await loadView(req, params(req).id);
    const item = itemOf(view, params(req).itemId);
    authorize(req.actor, 'update', { type: 'meeting', bodyId: view.meeting.body_id });
    const values = { ...item, code: item.code_fixed ? item.code : '', minuted: item.minuted ? 'yes' : 'no' };
    return reply.view(V('item-form'), await itemForm(req, view, { title: `Change item ${item.code}`, item, values, action: `/meetings/${view.meeting.id}/items/${item.id}/edit` }));
  });

  app.post('/meetings/:id/items/:itemId/edit', async (req, reply) => {
    const { view } = await loadView(req, params(req).id, { audit: false });
    const item = itemOf(view, params(req).itemId);
    const outcome = await formOutcome(() => updateAgendaItem(ctx(req), view.meeting.id, item.id, req.body));
    if (outcome.ok) return reply.flash('Changes saved').redirect(`/meetings/${view.meeting.id}/items/${item.id}`, 303);
    return reply.code(400).view(V('item-form'), await itemForm(req, view, { title: `Change item ${item.code}`, item, values: req.body, errors: outcome.errors, action: `/meetings/${view.meeting.id}/items/${item.id}/edit` }));
  });

  app.post('/meetings/:id/items/:itemId/move', async (req, reply) => {
    const { view } = await loadView(req, params(req).id, { audit: false });
    const item = itemOf(view, params(req).itemId);
    const outcome = await formOutcome(() => moveAgendaItem(ctx(req), view.meeting.id, item.id, req.body));
    if (outcome.ok) return reply.flash(`Item moved: it is now ${outcome.value.code}`).redirect(`/meetings/${view.meeting.id}#item-${item.id}`, 303);
    return renderMeeting(req, reply.code(400), view.meeting.id, { errors: outcome.errors });
  });

  app.post('/meetings/:id/items/:itemId/remove', async (req, reply) => {
    const { view } = await loadView(req, params(req).id, { audit: false });
    const item = itemOf(view, params(req).itemId);
    const outcome = await formOutcome(() => removeAgendaItem(ctx(req), view.meeting.id, item.id));
    if (outcome.ok) return reply.flash(`Item ${item.code} removed`).redirect(`/meetings/${view.meeting.id}`, 303);
    return renderItem(req, reply.code(400), { errors: outcome.errors });
  });

  // ---------------------------------------------------------------- papers

  app.post('/meetings/:id/items/:itemId/papers', { onRequest: paperUploadGate, preValidation: readUpload }, async (req, reply) => {
    const { id, itemId } = params(req);
    if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
    const upload = req.paperUpload ?? { fileName: null, bytes: null, tooLarge: false, fields: {} };
    const outcome = await formOutcome(() => attachPaper(ctx(req), id, itemId, upload));
    if (outcome.ok) return reply.flash(`Paper “${outcome.value.title}” added`).redirect(`/meetings/${id}/items/${itemId}`, 303);
    return renderItem(req, reply.code(400), { errors: outcome.errors, values: upload.fields });
  });

  app.get('/meetings/:id/papers/:paperId', async (req, reply) => sendPaper(db, req, reply, params(req).id, params(req).paperId));
  // The same, with the file name at the end (the address the pages link to).
  app.get('/meetings/:id/papers/:paperId/:fileName', async (req, reply) => sendPaper(db, req, reply, params(req).id, params(req).paperId));

  app.post('/meetings/:id/papers/:paperId/remove', async (req, reply) => {
    const { id, paperId } = params(req);
    if (!id || !paperId || !isUuid(id) || !isUuid(paperId)) throw new NotFoundError();
    const outcome = await formOutcome(() => removePaper(ctx(req), id, paperId));
    if (outcome.ok) return reply.flash(`Paper “${outcome.value.title}” removed`).redirect(`/meetings/${id}/items/${outcome.value.agenda_item_id}`, 303);
    return renderMeeting(req, reply.code(400), id, { errors: outcome.errors });
  });

  // ---------------------------------------------------------------- declarations, minutes, elections on an item

  // `field` renames the command's `text` field where the item page has two text boxes.
  const itemPost = (path: string, work: (req: FastifyRequest, id: string, itemId: string) => Promise<unknown>, message: string, field?: string) =>
    app.post(`/meetings/:id/items/:itemId/${path}`, async (req, reply) => {
      const { id, itemId } = params(req);
      if (!id || !itemId || !isUuid(id) || !isUuid(itemId)) throw new NotFoundError();
      const outcome = await formOutcome(() => work(req, id, itemId));
      if (outcome.ok) return reply.flash(message).redirect(`/meetings/${id}/items/${itemId}`, 303);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const errors = field ? outcome.errors.map((e) => (e.field === 'text' ? { ...e, field } : e)) : outcome.errors;
      const values = field ? { [field]: body.text } : body;
      return renderItem(req, reply.code(400), { errors, values });
    });

  itemPost('declarations', (req, id, itemId) => recordDeclaration(ctx(req), id, itemId, req.body), 'Declaration of interest recorded');
  itemPost('paragraphs', (req, id, itemId) => addParagraphs(ctx(req), id, itemId, req.body), 'Minute added');
  itemPost('resolutions', (req, id, itemId) => addResolution(ctx(req), id, itemId, req.body), 'Resolution added', 'resolution');
  itemPost('correct-record', (req, id, itemId) => confirmPreviousMinutes(ctx(req), id, itemId, req.body), 'The last meeting’s minutes are approved as a correct record and locked');
  itemPost('election', (req, id, itemId) => linkElection(ctx(req), id, itemId, req.body), 'Election saved');

  app.post('/meetings/:id/declarations/:recordId/remove', async (req, reply) => {
    const { id, recordId } = params(req);
    if (!id || !recordId || !isUuid(id) || !isUuid(recordId)) throw new NotFoundError();
    const outcome = await formOutcome(() => removeDeclaration(ctx(req), id, recordId));
    if (outcome.ok) return reply.flash('Declaration removed').redirect(`/meetings/${id}/items/${outcome.value.agenda_item_id}`, 303);
    return renderMeeting(req, reply.code(400), id, { errors: outcome.errors });
  });

  // Paragraphs and resolutions: change and remove in draft; amend once approved.
  const kinds = {
    paragraphs: { label: 'paragraph', recordType: 'minute-paragraph', update: updateParagraph, remove: removeParagraph },
    resolutions: { label: 'resolution', recordType: 'resolution', update: updateResolution, remove: removeResolution },
  } as const;
  for (const [path, k] of Object.entries(kinds)) {
    const load = async (req: FastifyRequest) => {
      const { id, recordId } = params(req);
      const { view } = await loadView(req, id);
      authorize(req.actor, 'update', { type: 'meeting', bodyId: view.meeting.body_id });
      for (const item of view.items) {
        const list = path === 'paragraphs' ? item.paragraphs : item.resolutions;
        const record = list.find((r) => r.id === recordId);
        if (record) return { view, item, record };
      }
      throw new NotFoundError();
    };
    const render = (reply: FastifyReply, data: Awaited<ReturnType<typeof load>>, mode: 'edit' | 'amend', extra: Record<string, unknown> = {}) =>
      reply.view(V('text-form'), {
        title: mode === 'amend' ? `Amend the approved ${k.label}` : `Change the ${k.label}`, section: 'meetings', m: data.view.meeting, item: data.item,
        record: data.record, mode, label: k.label, recordType: k.recordType, values: { text: data.record.text }, ...extra,
        action: `/meetings/${data.view.meeting.id}/${path}/${data.record.id}/${mode}`,
      });
    // Instead of a form the server would refuse, the reason and the way that works.
    const explain = (reply: FastifyReply, data: Awaited<ReturnType<typeof load>>, title: string, extra: Record<string, unknown>) =>
      reply.view(V('text-form'), { title, section: 'meetings', m: data.view.meeting, item: data.item, record: data.record, label: k.label, ...extra });
    // A resolution that approved another meeting's minutes is that approval: those minutes are amended instead.
    const confirmed = async (req: FastifyRequest, data: Awaited<ReturnType<typeof load>>) => {
      const id = 'confirms_meeting_id' in data.record ? data.record.confirms_meeting_id : null;
      return id ? (await findMeeting(db, req.partnership.id, id)) ?? null : null;
    };
    app.get(`/meetings/:id/${path}/:recordId/edit`, async (req, reply) => {
      const data = await load(req);
      // Approved minutes are only corrected by amendment: say so here, not after the clerk has typed.
      if (data.view.minutesLocked) {
        return explain(reply, data, `You cannot change this ${k.label}`, { locked: true, amendHref: `/meetings/${data.view.meeting.id}/${path}/${data.record.id}/amend` });
      }
      const confirms = await confirmed(req, data);
      if (confirms) return explain(reply, data, `You cannot change this ${k.label}`, { confirms });
      return render(reply, data, 'edit');
    });
    app.post(`/meetings/:id/${path}/:recordId/edit`, async (req, reply) => {
      const data = await load(req);
      const outcome = await formOutcome(() => k.update(ctx(req), data.view.meeting.id, data.record.id, req.body));
      if (outcome.ok) return reply.flash('Changes saved').redirect(`/meetings/${data.view.meeting.id}/items/${data.item.id}`, 303);
      return render(reply.code(400), data, 'edit', { values: req.body, errors: outcome.errors });
    });
    app.get(`/meetings/:id/${path}/:recordId/amend`, async (req, reply) => {
      const data = await load(req);
      // Only approved minutes are amended; a draft is changed directly, unless the record is an approval.
      if (!data.view.minutesLocked) {
        const confirms = await confirmed(req, data);
        if (confirms) return explain(reply, data, `You cannot change this ${k.label}`, { confirms });
        return explain(reply, data, `You cannot amend this ${k.label}`, { draft: true, editHref: `/meetings/${data.view.meeting.id}/${path}/${data.record.id}/edit` });
      }
      return render(reply, data, 'amend');
    });
    app.post(`/meetings/:id/${path}/:recordId/amend`, async (req, reply) => {
      const data = await load(req);
      const body = { ...(req.body as object), record_type: k.recordType, record_id: data.record.id };
      const outcome = await formOutcome(() => amendApprovedMinutes(ctx(req), data.view.meeting.id, body));
      if (outcome.ok) return reply.flash('Amendment recorded').redirect(`/meetings/${data.view.meeting.id}/items/${data.item.id}`, 303);
      return render(reply.code(400), data, 'amend', { values: req.body, errors: outcome.errors });
    });
    app.post(`/meetings/:id/${path}/:recordId/remove`, async (req, reply) => {
      const data = await load(req);
      const outcome = await formOutcome(() => k.remove(ctx(req), data.view.meeting.id, data.record.id));
      if (outcome.ok) return reply.flash(`The ${k.label} was removed`).redirect(`/meetings/${data.view.meeting.id}/items/${data.item.id}`, 303);
      return renderItem(reply.request, reply.code(400), { errors: outcome.errors });
    });
  }

  // ---------------------------------------------------------------- attendance

  async function renderAttendance(req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const { view } = await loadView(req, params(req).id, { audit: false });
    authorize(req.actor, 'update', { type: 'meeting', bodyId: view.meeting.body_id });
    const members = await membersOnDate(db, req.partnership.id, view.meeting.body_id, view.meeting.meets_on);
    const recorded = new Map(view.attendance.flatMap((g) => g.people).filter((a) => a.person_id).map((a) => [a.person_id!, a]));
    const answerOf = (a: { kind: string; mode: string | null } | undefined) =>
      !a ? '' : a.kind === 'present' ? (a.mode === 'virtual' ? 'present-virtual' : 'present-in-person') : a.kind === 'apologies' || a.kind === 'absent' ? a.kind : '';
    return reply.view(V('attendance'), {
      title: 'Record attendance', section: 'meetings', view, m: view.meeting,
      members: members.map((p) => ({ ...p, answer: answerOf(recorded.get(p.id)), other: recorded.get(p.id) && !answerOf(recorded.get(p.id)) ? recorded.get(p.id) : null, substitute: recorded.get(p.id)?.substitute_for_person_id ? recorded.get(p.id) : null })),
      people: await personOptions(db, req.partnership.id), kinds: ATTENDANCE_KINDS.map((k) => ({ value: k.value, text: k.text })), modes: ATTENDANCE_MODES,
      values: {}, ...extra,
    });
  }

  app.get('/meetings/:id/attendance', async (req, reply) => renderAttendance(req, reply));

  app.post('/meetings/:id/attendance', async (req, reply) => {
    const { id } = params(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const outcome = await formOutcome(() => recordAttendance(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash('Attendance recorded').redirect(`/meetings/${id}/attendance`, 303);
    return renderAttendance(req, reply.code(400), { values: req.body, errors: outcome.errors });
  });

  app.post('/meetings/:id/attendance/register', async (req, reply) => {
    const { id } = params(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const body = (req.body ?? {}) as Record<string, unknown>;
    // Each member's answer arrives as attendance-<person id>.
    const answers = Object.fromEntries(Object.entries(body).filter(([k]) => k.startsWith('attendance-')).map(([k, v]) => [k.slice('attendance-'.length), String(Array.isArray(v) ? v[0] : v ?? '')]));
    const outcome = await formOutcome(() => recordRegister(ctx(req), id, answers));
    if (outcome.ok) return reply.flash(outcome.value.changed ? 'Register saved' : 'No changes to the register').redirect(`/meetings/${id}/attendance`, 303);
    return renderAttendance(req, reply.code(400), { errors: outcome.errors });
  });

  app.post('/meetings/:id/attendance/:recordId/remove', async (req, reply) => {
    const { id, recordId } = params(req);
    if (!id || !recordId || !isUuid(id) || !isUuid(recordId)) throw new NotFoundError();
    const outcome = await formOutcome(() => removeAttendance(ctx(req), id, recordId));
    if (outcome.ok) return reply.flash('Removed from the attendance').redirect(`/meetings/${id}/attendance`, 303);
    return renderAttendance(req, reply.code(400), { errors: outcome.errors });
  });

  // ---------------------------------------------------------------- settings

  app.get('/meetings/sections', async (req, reply) => {
    authorize(req.actor, 'update', { type: 'agenda-section' });
    const sections = await sectionDefaults(ctx(req));
    return reply.view(V('sections'), { title: 'Agenda sections', section: 'meetings', sections, canChange: req.actor.kind === 'user' && req.actor.role === 'administrator', values: {} });
  });

  const sectionForm = (extra: Record<string, unknown>) => ({ section: 'meetings', ...extra });
  app.get('/meetings/sections/new', async (req, reply) => {
    authorize(req.actor, 'administer', { type: 'agenda-section' });
    return reply.view(V('section-form'), sectionForm({ title: 'Add an agenda section', values: {}, action: '/meetings/sections/new' }));
  });
  app.post('/meetings/sections/new', async (req, reply) => {
    const outcome = await formOutcome(() => createSectionDefault(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`Section ${outcome.value.code} added`).redirect('/meetings/sections', 303);
    return reply.code(400).view(V('section-form'), sectionForm({ title: 'Add an agenda section', values: req.body, errors: outcome.errors, action: '/meetings/sections/new' }));
  });
  app.get('/meetings/sections/:id/edit', async (req, reply) => {
    authorize(req.actor, 'administer', { type: 'agenda-section' });
    const { id } = params(req);
    const s = id && isUuid(id) ? await findSectionDefault(db, req.partnership.id, id) : undefined;
    if (!s) throw new NotFoundError();
    return reply.view(V('section-form'), sectionForm({ title: `Change section ${s.code}`, values: { ...s, restricted: s.restricted ? 'yes' : '' }, action: `/meetings/sections/${s.id}/edit` }));
  });
  app.post('/meetings/sections/:id/edit', async (req, reply) => {
    const { id } = params(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const outcome = await formOutcome(() => updateSectionDefault(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash(`Section ${outcome.value.code} saved. New meetings will use it`).redirect('/meetings/sections', 303);
    return reply.code(400).view(V('section-form'), sectionForm({ title: 'Change the section', values: req.body, errors: outcome.errors, action: `/meetings/sections/${id}/edit` }));
  });

  async function renderBodySettings(req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const { id } = params(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    authorize(req.actor, 'update', { type: 'body-meeting-settings', bodyId: id });
    const [data, rules] = await Promise.all([bodySettings(ctx(req), id), findBodyRules(db, req.partnership.id, id)]);
    return reply.view(V('body-settings'), {
      rules: { members_see_restricted: rules?.members_see_restricted ? 'yes' : 'no', quorum: rules?.quorum ?? '' },
      title: `Meeting settings of ${data.body.name}`, section: 'meetings', ...data,
      sectionItems: data.sections.map((s) => ({ value: s.code, text: `${s.code}. ${s.title}` })), kinds: AGENDA_ITEM_KINDS.map((k) => ({ value: k.value, text: k.text })),
      kindLabel: (v: string) => AGENDA_ITEM_KINDS.find((k) => k.value === v)?.text ?? v,
      values: { first_minute_number: String(data.settings.first_minute_number) }, standingValues: {}, ...extra,
    });
  }
  app.get('/bodies/:id/meeting-settings', async (req, reply) => renderBodySettings(req, reply));
  app.post('/bodies/:id/meeting-settings', async (req, reply) => {
    const { id } = params(req);
    const outcome = await formOutcome(() => updateBodySettings(ctx(req), id!, req.body));
    if (outcome.ok) return reply.flash('Minute numbering saved').redirect(`/bodies/${id}/meeting-settings`, 303);
    return renderBodySettings(req, reply.code(400), { values: req.body, errors: outcome.errors });
  });
  app.post('/bodies/:id/meeting-rules', async (req, reply) => {
    const { id } = params(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const outcome = await formOutcome(() => updateBodyRules(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash('Restricted business and quorum saved').redirect(`/bodies/${id}/meeting-settings`, 303);
    return renderBodySettings(req, reply.code(400), { rules: req.body, errors: outcome.errors });
  });
  app.post('/bodies/:id/standing-items', async (req, reply) => {
    const { id } = params(req);
    if (!id || !isUuid(id)) throw new NotFoundError();
    const outcome = await formOutcome(() => addStandingItem(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash(`“${outcome.value.title}” will appear on every new agenda`).redirect(`/bodies/${id}/meeting-settings`, 303);
    return renderBodySettings(req, reply.code(400), { standingValues: req.body, errors: outcome.errors });
  });
  app.post('/bodies/:id/standing-items/:recordId/remove', async (req, reply) => {
    const { id, recordId } = params(req);
    if (!id || !recordId || !isUuid(id) || !isUuid(recordId)) throw new NotFoundError();
    const outcome = await formOutcome(() => removeStandingItem(ctx(req), id, recordId));
    if (outcome.ok) return reply.flash(`“${outcome.value.title}” removed from new agendas`).redirect(`/bodies/${id}/meeting-settings`, 303);
    return renderBodySettings(req, reply.code(400), { errors: outcome.errors });
  });
}

function decorate<M extends { meets_on: string; starts_at: string; ends_at: string | null; venue: string | null; online: boolean; status: MeetingStatus; id: string; agenda_published_at: Date | null; minutes_published_at: Date | null }>(
  meetings: M[], counts?: Map<string, number>,
) {
  return meetings.map((m) => ({
    ...m, date: formatDay(m.meets_on), time: formatTime(m.starts_at), where: whereText(m), statusTag: meetingStatusTag(m),
    itemCount: counts?.get(m.id) ?? null,
  }));
}

