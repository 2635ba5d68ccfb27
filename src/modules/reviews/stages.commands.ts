// Changes to the working stages of a review case: requests to agencies (sent and chased by
// e-mail, received with their document), the family's involvement, the quality assurance
// panel's dates and feedback, documents, and a safeguarding adults review's markers and
// findings. Each command asks the policy (the case's coordinators only), validates
// everything before writing, then writes and audits in one transaction: bad input saves
// nothing, and an e-mail that cannot be sent undoes its request. Audit entries use the
// record type "review-case" with the case's id, so they show in the case's own history
// only; a document's bytes are never copied into the audit log.
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { checkPaper } from '../meetings/papers.ts';
import { findStage, stageEventProblems, type StageEvent } from './domain.ts';
import { findCase, listKinds, listStageEvents } from './store.ts';
import { caseResource } from './reading.ts';
import { caseReference } from './presenters.ts';
import {
  documentKindLabel, documentKindValues, familyKindValues, feedbackProblems, feedbackStatusLabel, feedbackStatusValues, findingDecisionValues,
  findingProblems, qaOutcomeValues, requestKindLabel, requestKindValues, requestMail, sarMarkerValues,
} from './stages.domain.ts';

export interface MailContext extends Context { mailer: Mailer; partnershipName: string }
export interface Upload { fileName: string | null; bytes: Uint8Array | null; tooLarge: boolean; fields: Record<string, unknown> }

const userId = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);
const label = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.displayName : 'public');
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

async function caseToChange(ctx: Context, caseId: string) {
  authorize(ctx.actor, 'read', caseResource(caseId));
  authorize(ctx.actor, 'update', caseResource(caseId));
  const found = await findCase(ctx.db, ctx.actor.partnershipId, caseId);
  if (!found) throw new NotFoundError();
  return found;
}

const audit = (trx: Tx, ctx: Context, caseId: string, action: string, summary: string, after: unknown, before?: unknown) =>
  recordAudit(trx, ctx.actor, { action, recordType: 'review-case', recordId: caseId, summary, after, before });

// ------------------------------------------------------------------ documents

const documentMeta = <T extends { content?: unknown }>(row: T) => { const { content: _content, ...rest } = row; return rest; };

/** Checks an upload and gives the problems on the field `field`; a readable PDF or .docx passes. */
async function checkUpload(upload: Upload, field: string): Promise<{ ok: true; check: Extract<Awaited<ReturnType<typeof checkPaper>>, { ok: true }> } | { ok: false; errors: FieldError[] }> {
  if (upload.tooLarge) return { ok: false, errors: [{ field, message: 'The selected file must be smaller than 20MB' }] };
  if (!upload.bytes || !upload.bytes.length) return { ok: false, errors: [{ field, message: upload.fileName ? 'The selected file is empty' : 'Select a PDF or Word (.docx) file' }] };
  const check = await checkPaper(upload.bytes);
  if (!check.ok) return { ok: false, errors: [{ field, message: check.message }] };
  return { ok: true, check };
}

async function insertDocument(trx: Tx, ctx: Context, caseId: string, upload: Upload, check: { mediaType: string; byteSize: number; sha256: string }, kind: string, title: string, published: boolean) {
  const row = await trx.insertInto('review_documents').values({
    partnership_id: ctx.actor.partnershipId, case_id: caseId, kind, title, file_name: upload.fileName ?? 'document', media_type: check.mediaType,
    byte_size: check.byteSize, sha256: check.sha256, content: upload.bytes!, published, uploaded_by: userId(ctx),
  }).returningAll().executeTakeFirstOrThrow();
  await audit(trx, ctx, caseId, 'create', `Document uploaded: ${documentKindLabel(kind).toLowerCase()} (${check.byteSize} bytes, SHA-256 ${check.sha256.slice(0, 12)}…)`, documentMeta(row));
  return row;
}

export async function uploadDocument(ctx: Context, caseId: string, upload: Upload) {
  await caseToChange(ctx, caseId);
  const input = new Input(upload.fields);
  const kind = input.oneOf('kind', documentKindValues, 'Select what the document is');
  const title = input.text('title', 'Enter a title for the document, without anyone\'s real name', 200);
  const published = input.boolean('published');
  if (published && kind !== 'published-report') input.fail('published', 'Only a published report or summary can be shown to the public');
  const file = await checkUpload(upload, 'file');
  if (!file.ok) for (const e of file.errors) input.fail(e.field, e.message);
  input.check();
  if (!file.ok) throw new ValidationError(file.errors);
  return inTransaction(ctx, (trx) => insertDocument(trx, ctx, caseId, upload, file.check, kind, title, published));
}

// ------------------------------------------------------------------ requests to agencies

async function sendOrUndo(ctx: MailContext, to: string, mail: { subject: string; text: string }) {
  try {
    await ctx.mailer.send({ to, subject: mail.subject, text: mail.text });
  } catch {
    throw ValidationError.single('contact_email', 'The e-mail could not be sent, so nothing was saved. Try again later, or ask your administrator to check the e-mail server');
  }
}

export async function sendAgencyRequest(ctx: MailContext, caseId: string, body: unknown, today = todayIso()) {
  const c = await caseToChange(ctx, caseId);
  const input = new Input(body);
  const what = input.oneOf('what', requestKindValues, 'Select what is requested: a chronology or an agency report');
  const agency = input.text('agency', 'Enter the agency asked', 200);
  const contact_name = input.text('contact_name', 'Enter the name of the agency\'s contact', 200);
  const contact_email = input.text('contact_email', 'Enter the contact\'s e-mail address', 254);
  if (contact_email && !EMAIL.test(contact_email)) input.fail('contact_email', 'Enter an e-mail address in the right format, like name@example.org');
  const due_on = input.date('due_on', 'The date it is due');
  if (due_on && due_on <= today) input.fail('due_on', 'The due date must be after today, the day the request is sent');
  input.check();
  const coordinator = label(ctx);
  return inTransaction(ctx, async (trx) => {
    const row = await trx.insertInto('review_agency_requests').values({
      partnership_id: ctx.actor.partnershipId, case_id: caseId, what, agency, contact_name, contact_email, requested_on: today, due_on, created_by: userId(ctx),
    }).returningAll().executeTakeFirstOrThrow();
    await trx.insertInto('review_agency_request_events').values({ partnership_id: ctx.actor.partnershipId, request_id: row.id, kind: 'sent', happened_on: today, by_user_id: userId(ctx), by_label: coordinator }).execute();
    await audit(trx, ctx, caseId, 'create', `${requestKindLabel(what)} requested from ${agency}, due ${due_on}`, row);
    await sendOrUndo(ctx, `${contact_name} <${contact_email}>`, requestMail('request', { caseReference: caseReference(c), what, agency, contactName: contact_name, dueOn: due_on, coordinator }, ctx.partnershipName));
    return row;
  });
}

async function requestToChange(trx: Tx, ctx: Context, caseId: string, requestId: string) {
  const row = await trx.selectFrom('review_agency_requests').selectAll().where('partnership_id', '=', ctx.actor.partnershipId).where('case_id', '=', caseId)
    .where('id', '=', requestId).forUpdate().executeTakeFirst();
  if (!row) throw new NotFoundError();
  return row;
}

export async function chaseAgencyRequest(ctx: MailContext, caseId: string, requestId: string, body: unknown, today = todayIso()) {
  const c = await caseToChange(ctx, caseId);
  const input = new Input(body);
  const note = input.optionalText('note', 'The message added to the reminder', 2000);
  input.check();
  return inTransaction(ctx, async (trx) => {
    const r = await requestToChange(trx, ctx, caseId, requestId);
    if (r.received_on) throw ValidationError.single('note', `The ${requestKindLabel(r.what).toLowerCase()} from ${r.agency} was received on ${r.received_on}: there is nothing to chase`);
    const event = await trx.insertInto('review_agency_request_events').values({
      partnership_id: ctx.actor.partnershipId, request_id: r.id, kind: 'chased', happened_on: today, note, by_user_id: userId(ctx), by_label: label(ctx),
    }).returningAll().executeTakeFirstOrThrow();
    await audit(trx, ctx, caseId, 'update', `${requestKindLabel(r.what)} from ${r.agency} chased`, event);
    await sendOrUndo(ctx, `${r.contact_name} <${r.contact_email}>`, requestMail('chase', { caseReference: caseReference(c), what: r.what, agency: r.agency, contactName: r.contact_name, dueOn: r.due_on, coordinator: label(ctx), note }, ctx.partnershipName));
    return event;
  });
}

/** Marks a request received, with the document that came: a readable PDF or .docx, kept with the case's documents. */
export async function receiveAgencyRequest(ctx: Context, caseId: string, requestId: string, upload: Upload, today = todayIso()) {
  await caseToChange(ctx, caseId);
  const input = new Input(upload.fields);
  const received_on = input.date('received_on', 'The date it was received');
  const note = input.optionalText('note', 'The note', 2000);
  if (received_on && received_on > today) input.fail('received_on', 'The date it was received must be today or in the past');
  const file = await checkUpload(upload, 'file');
  if (!file.ok) for (const e of file.errors) input.fail(e.field, e.message);
  input.check();
  if (!file.ok) throw new ValidationError(file.errors);
  return inTransaction(ctx, async (trx) => {
    const before = await requestToChange(trx, ctx, caseId, requestId);
    if (before.received_on) throw ValidationError.single('received_on', `This was already marked received on ${before.received_on}`);
    if (received_on < before.requested_on) throw ValidationError.single('received_on', `The date it was received must be on or after the date it was requested (${before.requested_on})`);
    const doc = await insertDocument(trx, ctx, caseId, upload, file.check, 'agency-report', `${before.agency}: ${requestKindLabel(before.what).toLowerCase()}`, false);
    const after = await trx.updateTable('review_agency_requests').set({ received_on, document_id: doc.id })
      .where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
    await trx.insertInto('review_agency_request_events').values({ partnership_id: ctx.actor.partnershipId, request_id: before.id, kind: 'received', happened_on: received_on, note, by_user_id: userId(ctx), by_label: label(ctx) }).execute();
    await audit(trx, ctx, caseId, 'update', `${requestKindLabel(before.what)} from ${before.agency} received`, after, before);
    return after;
  });
}

// ------------------------------------------------------------------ the family

export async function addFamilyEntry(ctx: Context, caseId: string, body: unknown, today = todayIso()) {
  const c = await caseToChange(ctx, caseId);
  const input = new Input(body);
  const kind = input.oneOf('kind', familyKindValues, 'Select what the entry records');
  const happened_on = input.date('happened_on', 'The date');
  const who = input.optionalText('who', 'Who', 300);
  const details = input.text('details', 'Enter the details', 5000);
  if (happened_on && happened_on > today) input.fail('happened_on', 'The date must be today or in the past');
  else if (happened_on && happened_on < c.notified_on) input.fail('happened_on', `The date must be on or after the date the partnership was notified (${c.notified_on})`);
  if ((kind === 'contact' || kind === 'meeting') && !who) input.fail('who', kind === 'contact' ? 'Enter who the contact is and their relationship' : 'Enter who came to the meeting');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const row = await trx.insertInto('review_family_entries').values({ partnership_id: ctx.actor.partnershipId, case_id: caseId, kind, happened_on, who, details, created_by: userId(ctx) })
      .returningAll().executeTakeFirstOrThrow();
    // The family's words stay in the case's tables: the audit notes the entry, not its content.
    await audit(trx, ctx, caseId, 'create', `Family involvement recorded (${kind}, ${happened_on})`, { id: row.id, kind, happened_on });
    return row;
  });
}

// ------------------------------------------------------------------ copies of the published review

/**
 * A copy of the published review sent to someone the law or guidance names (the Home
 * Office, the Domestic Abuse Commissioner, the Police and Crime Commissioner, the
 * safeguarding boards, the family): only once it is published, on or after that date.
 */
export async function addCopySent(ctx: Context, caseId: string, body: unknown, today = todayIso()) {
  const c = await caseToChange(ctx, caseId);
  const input = new Input(body);
  const recipient = input.text('recipient', 'Enter who was sent a copy, for example the Domestic Abuse Commissioner', 300);
  const sent_on = input.date('sent_on', 'The date it was sent');
  const how = input.optionalText('how', 'How it was sent', 300);
  if (!c.published_on) input.fail('recipient', 'Record the publication first: copies are of the published review');
  else if (sent_on && sent_on < c.published_on) input.fail('sent_on', `The date must be on or after the date of publication (${c.published_on})`);
  if (sent_on && sent_on > today) input.fail('sent_on', 'The date must be today or in the past');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const row = await trx.insertInto('review_copies_sent').values({ partnership_id: ctx.actor.partnershipId, case_id: caseId, recipient, sent_on, how, created_by: userId(ctx) })
      .returningAll().executeTakeFirstOrThrow();
    await audit(trx, ctx, caseId, 'create', `Copy of the published review sent to ${recipient} on ${sent_on}`, { id: row.id, recipient, sent_on, how });
    return row;
  });
}

// ------------------------------------------------------------------ quality assurance

const QA_FIELDS: Record<string, string> = { 'submitted-qa': 'submitted_on', 'qa-outcome': 'meeting_on', resubmitted: 'resubmitted_on' };

/** The submission to the Home Office panel, its meeting and outcome, and a resubmission: stage events of the case. */
export async function recordQa(ctx: Context, caseId: string, body: unknown, today = todayIso()) {
  const c = await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const kind = (await listKinds(ctx.db, pid)).find((k) => k.code === c.kind_code);
  if (!kind || !findStage(kind, 'submitted-qa')) throw ValidationError.single('submitted_on', 'This kind of review is not sent to the Home Office quality assurance panel');
  const input = new Input(body);
  const submitted_on = input.date('submitted_on', 'The date of submission');
  const meeting_on = input.optionalDate('meeting_on', 'The date of the panel\'s meeting');
  const outcome = input.optionalOneOf('outcome', qaOutcomeValues, 'Select the panel\'s outcome');
  const resubmitted_on = input.optionalDate('resubmitted_on', 'The date of resubmission');
  if (meeting_on && !outcome && !input.errors.some((e) => e.field === 'outcome')) input.fail('outcome', 'Select the panel\'s outcome: approved, approved subject to changes, or resubmit');
  if (outcome && !meeting_on && !input.errors.some((e) => e.field === 'meeting_on')) input.fail('meeting_on', 'Enter the date of the panel\'s meeting');
  if (submitted_on && meeting_on && meeting_on < submitted_on) input.fail('meeting_on', 'The panel\'s meeting must be on or after the date of submission');
  if (resubmitted_on && !meeting_on) input.fail('resubmitted_on', 'Record the panel\'s meeting and outcome before a resubmission');
  else if (resubmitted_on && outcome === 'approved') input.fail('resubmitted_on', 'An approved review is not resubmitted: change the outcome, or clear the date of resubmission');
  else if (resubmitted_on && meeting_on && resubmitted_on < meeting_on) input.fail('resubmitted_on', 'The resubmission must be on or after the panel\'s meeting');
  input.check();
  const wanted: StageEvent[] = [
    { stage: 'submitted-qa', happened_on: submitted_on, outcome: null, reasons: null, delay_reason: null },
    ...(meeting_on ? [{ stage: 'qa-outcome', happened_on: meeting_on, outcome, reasons: null, delay_reason: null }] : []),
    ...(resubmitted_on ? [{ stage: 'resubmitted', happened_on: resubmitted_on, outcome: null, reasons: null, delay_reason: null }] : []),
  ];
  return inTransaction(ctx, async (trx) => {
    const recorded = await listStageEvents(trx, pid, [caseId]);
    const merged: StageEvent[] = recorded.filter((e) => !wanted.some((w) => w.stage === e.stage));
    const problems: FieldError[] = [];
    for (const event of wanted) {
      for (const p of stageEventProblems(kind, c.notified_on, merged, event, today)) {
        const field = p.field === 'happened_on' ? QA_FIELDS[event.stage]! : p.field === 'outcome' ? 'outcome' : 'submitted_on';
        if (!problems.some((q) => q.field === field)) problems.push({ field, message: p.message });
      }
      merged.push(event);
    }
    if (problems.length) throw new ValidationError(problems);
    for (const event of wanted) {
      const before = recorded.find((e) => e.stage === event.stage);
      const values = { happened_on: event.happened_on, outcome: event.outcome, recorded_by: userId(ctx), recorded_at: new Date() };
      if (before && before.happened_on === event.happened_on && before.outcome === event.outcome) continue;
      const row = before
        ? await trx.updateTable('review_stage_events').set(values).where('partnership_id', '=', pid).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow()
        : await trx.insertInto('review_stage_events').values({ partnership_id: pid, case_id: caseId, stage: event.stage, ...values }).returningAll().executeTakeFirstOrThrow();
      await audit(trx, ctx, caseId, before ? 'update' : 'create', `${findStage(kind, event.stage)!.label}: ${event.happened_on}`, row, before);
    }
    return wanted;
  });
}

export async function addFeedback(ctx: Context, caseId: string, body: unknown) {
  await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const text = input.text('text', 'Enter the panel\'s feedback', 5000);
  input.check();
  return inTransaction(ctx, async (trx) => {
    const last = await trx.selectFrom('review_qa_feedback').select((eb) => eb.fn.max('number').as('n')).where('partnership_id', '=', pid).where('case_id', '=', caseId).executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const row = await trx.insertInto('review_qa_feedback').values({ partnership_id: pid, case_id: caseId, number, text }).returningAll().executeTakeFirstOrThrow();
    await audit(trx, ctx, caseId, 'create', `Quality assurance feedback ${number} recorded`, row);
    return row;
  });
}

export async function updateFeedback(ctx: Context, caseId: string, itemId: string, body: unknown) {
  await caseToChange(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const status = input.oneOf('status', feedbackStatusValues, 'Select the status of the feedback: open, addressed, or not accepted');
  const response = input.optionalText('response', 'The response', 5000);
  input.check();
  const problems = feedbackProblems(status, response);
  if (problems.length) throw new ValidationError(problems);
  return inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('review_qa_feedback').selectAll().where('partnership_id', '=', pid).where('case_id', '=', caseId).where('id', '=', itemId).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    const after = await trx.updateTable('review_qa_feedback').set({ status, response, updated_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', itemId)
      .returningAll().executeTakeFirstOrThrow();
    await audit(trx, ctx, caseId, 'update', `Quality assurance feedback ${before.number}: ${feedbackStatusLabel(status).toLowerCase()}`, after, before);
    return after;
  });
}

// ------------------------------------------------------------------ safeguarding adults reviews

async function sarCase(ctx: Context, caseId: string) {
  const c = await caseToChange(ctx, caseId);
  const kind = (await listKinds(ctx.db, ctx.actor.partnershipId)).find((k) => k.code === c.kind_code);
  if (kind?.stageSet !== 'sar') throw new NotFoundError();
  return c;
}

/** The quality markers met: the whole checklist is saved at once. */
export async function setSarMarkers(ctx: Context, caseId: string, body: unknown) {
  await sarCase(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const raw = (body && typeof body === 'object' ? (body as Record<string, unknown>).markers : undefined) ?? [];
  const markers = [...new Set((Array.isArray(raw) ? raw : [raw]).map(String).filter((m) => m && m !== '_none'))];
  if (markers.some((m) => !(sarMarkerValues as readonly string[]).includes(m))) throw ValidationError.single('markers', 'Select quality markers from the list');
  return inTransaction(ctx, async (trx) => {
    const before = (await trx.selectFrom('review_sar_markers').select('marker').where('partnership_id', '=', pid).where('case_id', '=', caseId).execute()).map((r) => r.marker).sort();
    await trx.deleteFrom('review_sar_markers').where('partnership_id', '=', pid).where('case_id', '=', caseId).execute();
    if (markers.length) await trx.insertInto('review_sar_markers').values(markers.map((marker) => ({ partnership_id: pid, case_id: caseId, marker }))).execute();
    await audit(trx, ctx, caseId, 'update', `Quality markers: ${markers.length} of ${sarMarkerValues.length} met`, { markers: [...markers].sort() }, { markers: before });
    return markers;
  });
}

function findingInput(body: unknown) {
  const input = new Input(body);
  const decision = input.optionalOneOf('decision', findingDecisionValues, 'Select whether the finding is accepted');
  const decided_on = input.optionalDate('decided_on', 'The date of the decision');
  const reasons = input.optionalText('reasons', 'The reasons', 5000);
  return { input, decision, decided_on, reasons };
}

export async function addSarFinding(ctx: Context, caseId: string, body: unknown, today = todayIso()) {
  const c = await sarCase(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const { input, decision, decided_on, reasons } = findingInput(body);
  const text = input.text('text', 'Enter the finding', 5000);
  for (const p of findingProblems(decision, decided_on, reasons, c.notified_on, today)) input.fail(p.field, p.message);
  input.check();
  return inTransaction(ctx, async (trx) => {
    const last = await trx.selectFrom('review_sar_findings').select((eb) => eb.fn.max('number').as('n')).where('partnership_id', '=', pid).where('case_id', '=', caseId).executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const row = await trx.insertInto('review_sar_findings').values({ partnership_id: pid, case_id: caseId, number, text, decision, decided_on: decision ? decided_on : null, reasons })
      .returningAll().executeTakeFirstOrThrow();
    await audit(trx, ctx, caseId, 'create', `Finding ${number} recorded${decision ? `: ${decision}` : ''}`, row);
    return row;
  });
}

export async function decideSarFinding(ctx: Context, caseId: string, findingId: string, body: unknown, today = todayIso()) {
  const c = await sarCase(ctx, caseId);
  const pid = ctx.actor.partnershipId;
  const { input, decision, decided_on, reasons } = findingInput(body);
  if (!decision && !input.errors.length) input.fail('decision', 'Select whether the finding is accepted');
  for (const p of findingProblems(decision, decided_on, reasons, c.notified_on, today)) input.fail(p.field, p.message);
  input.check();
  return inTransaction(ctx, async (trx) => {
    const before = await trx.selectFrom('review_sar_findings').selectAll().where('partnership_id', '=', pid).where('case_id', '=', caseId).where('id', '=', findingId).forUpdate().executeTakeFirst();
    if (!before) throw new NotFoundError();
    const after = await trx.updateTable('review_sar_findings').set({ decision, decided_on, reasons }).where('partnership_id', '=', pid).where('id', '=', findingId).returningAll().executeTakeFirstOrThrow();
    await audit(trx, ctx, caseId, 'update', `Finding ${before.number}: ${decision}`, after, before);
    return after;
  });
}
