// Assessments, the datasets wanted from partners, the requests e-mailed with an upload
// link that needs no account, the returns, reminders and chases, and the priority-setting
// matrix. Each change checks permission, validates, writes and audits in one transaction.
import { open, readFile } from 'node:fs/promises';
import { assessmentResources, authorize, type Actor, type Resource } from '../../access/policy.ts';
import { recordAudit, type AuditActor } from '../../access/audit.ts';
import { expiresAtEndOf, linkRefusal, looksLikeLinkToken, newLinkToken, tokenSha256, type LinkRefusal } from '../../access/linkTokens.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError, ValidationError } from '../../web/errors.ts';
import { addDays } from '../partnership/domain.ts';
import { addPriority } from '../strategy/commands.ts';
import { DEFAULT_CRITERIA, KINDS, daysLate, kindLabel, reminderDue, requestMessage, requestStatus, returnProblem } from './requests.domain.ts';
import type { AssessmentKind } from './tables.ts';
import { findAssessment, findDataset, listDatasets, type Assessment, type DatasetView } from './requests.store.ts';
import { indexAssessment } from './search.ts';

/** An assessment: the partnership's own people; a restricted one (serious violence, by default) as restricted business. */
export const assessmentResource = (a: { restricted: boolean; body_id: string | null }): Resource => assessmentResources.assessment(a);

export interface MailContext extends Context { mailer: Mailer; baseUrl?: string | null }

async function loadAssessment(ctx: Context, id: string, action: 'read' | 'update' = 'update'): Promise<Assessment> {
  const a = await findAssessment(ctx.db, ctx.actor.partnershipId, id);
  if (!a) throw new NotFoundError();
  authorize(ctx.actor, 'read', assessmentResource(a));
  if (action === 'update') authorize(ctx.actor, 'update', assessmentResource(a));
  return a;
}

export async function createAssessment(ctx: Context, body: unknown): Promise<Assessment> {
  authorize(ctx.actor, 'create', { type: 'assessment' });
  const input = new Input(body);
  const kind = input.oneOf('kind', KINDS.map((k) => k.value), 'Select the kind of assessment') as AssessmentKind;
  const year = input.optionalInteger('year', 'The year', 2000, 2200);
  if (year === null) input.fail('year', 'Enter the year of the assessment, such as 2026');
  const title = input.optionalText('title', 'The title', 200);
  const bodyId = input.optionalId('body_id', 'Select the body whose members may read it');
  const requestsBy = input.date('requests_by', 'the date requests go out');
  const dataDue = input.date('data_due_on', 'the date data is due');
  const draftBy = input.date('draft_by', 'the date of the draft');
  const agreedBy = input.date('agreed_by', 'the date it is agreed');
  const before = input.optionalInteger('remind_days_before', 'Days before the due date', 0, 60) ?? 7;
  const every = input.optionalInteger('chase_every_days', 'Days between chases', 1, 60) ?? 7;
  if (requestsBy && dataDue && dataDue < requestsBy) input.fail('data_due_on', 'The data must be due after the requests go out');
  if (dataDue && draftBy && draftBy < dataDue) input.fail('draft_by', 'The draft must come after the data is due');
  if (draftBy && agreedBy && agreedBy < draftBy) input.fail('agreed_by', 'It must be agreed after the draft');
  input.check();
  const pid = ctx.actor.partnershipId;
  if (bodyId && !(await ctx.db.selectFrom('bodies').select('id').where('partnership_id', '=', pid).where('id', '=', bodyId).executeTakeFirst())) throw ValidationError.single('body_id', 'Select a body of this partnership');
  if (await ctx.db.selectFrom('assessment_assessments').select('id').where('partnership_id', '=', pid).where('year', '=', year!).where('kind', '=', kind).executeTakeFirst()) {
    throw ValidationError.single('year', `There is a ${kindLabel(kind).toLowerCase()} for ${year} already`);
  }
  return inTransaction(ctx, async (trx) => {
    const row = await trx.insertInto('assessment_assessments').values({
      partnership_id: pid, year: year!, kind, title: title ?? `${kindLabel(kind)} ${year}`, restricted: kind === 'serious-violence', body_id: bodyId,
      requests_by: requestsBy, data_due_on: dataDue, draft_by: draftBy, agreed_by: agreedBy, remind_days_before: before, chase_every_days: every,
      created_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    }).returningAll().executeTakeFirstOrThrow();
    await trx.insertInto('assessment_criteria').values(DEFAULT_CRITERIA.map(([name, weight], i) => ({ partnership_id: pid, assessment_id: row.id, name, weight, position: i + 1 }))).execute();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'assessment', recordId: row.id, summary: row.restricted ? 'Restricted assessment created' : `${row.title} created`, after: row.restricted ? { kind, year } : row });
    await indexAssessment(trx, row);
    return row as Assessment;
  });
}

export async function addDataset(ctx: Context, assessmentId: string, body: unknown) {
  const a = await loadAssessment(ctx, assessmentId);
  const input = new Input(body);
  const organisationId = input.id('organisation_id', 'Select the organisation asked');
  const name = input.text('name', 'Enter the name of the dataset', 200);
  const description = input.optionalText('description', 'The description', 2000);
  const period = input.text('period', 'Enter the period the data covers, such as April 2025 to March 2026', 100);
  const format = input.text('format', 'Enter the format wanted, such as CSV or Excel', 100);
  const dueOn = input.optionalDate('due_on', 'The due date') ?? a.data_due_on;
  const contactName = input.text('contact_name', 'Enter the name of the contact', 200);
  const contactEmail = input.text('contact_email', 'Enter the contact’s e-mail address', 254);
  if (contactEmail && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(contactEmail)) input.fail('contact_email', 'Enter an e-mail address in the right format, like name@example.org');
  input.check();
  const pid = ctx.actor.partnershipId;
  if (!(await ctx.db.selectFrom('organisations').select('id').where('partnership_id', '=', pid).where('id', '=', organisationId).executeTakeFirst())) throw ValidationError.single('organisation_id', 'Select an organisation of this partnership');
  return inTransaction(ctx, async (trx) => {
    const row = await trx.insertInto('assessment_datasets').values({ partnership_id: pid, assessment_id: a.id, organisation_id: organisationId, name, description, period, format, due_on: dueOn, contact_name: contactName, contact_email: contactEmail })
      .returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'assessment-dataset', recordId: row.id, summary: a.restricted ? 'Dataset added to a restricted assessment' : `Dataset ${name} asked of an organisation`, after: a.restricted ? undefined : row });
    return row;
  });
}

// ------------------------------------------------------------------ links and messages

const label = (actor: AuditActor) => (actor.kind === 'user' ? actor.displayName : actor.kind === 'system' ? 'Automatic reminder' : 'public');

/** A new upload link for the dataset (older ones still work until they expire, unless `revoke`). */
async function newLink(db: Context['db'], pid: string, datasetId: string, dueOn: string, revoke: boolean) {
  const { token, sha256 } = newLinkToken();
  const expiresOn = addDays(dueOn > new Date().toISOString().slice(0, 10) ? dueOn : new Date().toISOString().slice(0, 10), 60);
  if (revoke) await db.updateTable('assessment_links').set({ revoked_at: new Date() }).where('partnership_id', '=', pid).where('dataset_id', '=', datasetId).where('revoked_at', 'is', null).execute();
  await db.insertInto('assessment_links').values({ partnership_id: pid, dataset_id: datasetId, token_sha256: sha256, expires_at: expiresAtEndOf(expiresOn) }).execute();
  return { token, expiresOn };
}

async function sendMessage(ctx: { db: Context['db']; actor: AuditActor; mailer: Mailer; baseUrl?: string | null }, a: Assessment, d: DatasetView, kind: 'request' | 'reminder' | 'chase', today: string, opts: { revoke?: boolean; note?: string | null } = {}) {
  const pid = a.partnership_id;
  const partnership = await ctx.db.selectFrom('partnerships').select('name').where('id', '=', pid).executeTakeFirstOrThrow();
  const { token, expiresOn } = await newLink(ctx.db, pid, d.id, d.due_on, opts.revoke ?? false);
  const message = requestMessage({
    contactName: d.contact_name, contactEmail: d.contact_email, dataset: d.name, description: d.description, period: d.period, format: d.format, dueOn: d.due_on,
    assessment: a.title, partnership: partnership.name, link: `${ctx.baseUrl ?? ''}/assessment/returns/${token}`, expiresOn,
  }, kind, daysLate(d.due_on, today));
  await ctx.mailer.send(message);
  const event = kind === 'request' ? 'sent' : kind === 'reminder' ? 'reminded' : 'chased';
  await ctx.db.insertInto('assessment_request_events').values({ partnership_id: pid, dataset_id: d.id, kind: event, on_date: today, by_label: label(ctx.actor), note: opts.note ?? null }).execute();
  await recordAudit(ctx.db, ctx.actor, { action: 'create', recordType: 'assessment-request', recordId: d.id, summary: a.restricted ? `Restricted dataset: ${event}` : `${d.name}: ${event} to ${d.contact_email}` });
}

/** Sends the request (or a new link, revoking the old) for one dataset, or for every dataset not yet sent. */
export async function sendRequests(ctx: MailContext, assessmentId: string, today: string, datasetId?: string) {
  const a = await loadAssessment(ctx, assessmentId);
  const datasets = (await listDatasets(ctx.db, ctx.actor.partnershipId, a.id, today)).filter((d) => (datasetId ? d.id === datasetId : d.status === 'not-sent'));
  if (datasetId && !datasets.length) throw new NotFoundError();
  for (const d of datasets) await sendMessage(ctx, a, d, 'request', today, { revoke: Boolean(datasetId) });
  return { sent: datasets.length };
}

/** A chase by hand, with the officer's note, kept in the request's history. */
export async function chaseRequest(ctx: MailContext, datasetId: string, today: string, body: unknown) {
  const d = await findDataset(ctx.db, ctx.actor.partnershipId, datasetId, today);
  if (!d) throw new NotFoundError();
  const a = await loadAssessment(ctx, d.assessment_id);
  const note = new Input(body).optionalText('note', 'The note', 1000);
  if (d.status === 'returned') throw ValidationError.single('note', 'This dataset has been returned: there is nothing to chase');
  if (d.status === 'not-sent') throw ValidationError.single('note', 'Send the request before chasing it');
  await sendMessage(ctx, a, d, 'chase', today, { note });
  return d;
}

/**
 * Today's automatic reminders and chases for every assessment (a button, or
 * scripts/send-assessment-reminders.ts once a day): each request at most one message a
 * day, as its assessment's settings say.
 */
export async function sendDueReminders(ctx: { db: Context['db']; actor: Actor; mailer: Mailer; baseUrl?: string | null }, today: string) {
  authorize(ctx.actor, 'update', { type: 'assessment' });
  const pid = ctx.actor.partnershipId;
  const assessments = await ctx.db.selectFrom('assessment_assessments').selectAll().where('partnership_id', '=', pid).execute();
  const result = { reminders: 0, chases: 0, failed: [] as { to: string; error: string }[] };
  for (const a of assessments as Assessment[]) {
    for (const d of await listDatasets(ctx.db, pid, a.id, today)) {
      if (d.events.some((e) => e.on_date === today && e.kind !== 'opened')) continue;
      const due = reminderDue({ status: d.status, dueOn: d.due_on, lastReminderOn: d.events.filter((e) => e.kind === 'reminded').at(-1)?.on_date ?? null, lastChaseOn: d.events.filter((e) => e.kind === 'chased').at(-1)?.on_date ?? null }, today, a.remind_days_before, a.chase_every_days);
      if (!due) continue;
      try {
        await sendMessage({ ...ctx, actor: { kind: 'system', partnershipId: pid } }, a, d, due, today);
        if (due === 'reminder') result.reminders++; else result.chases++;
      } catch (e) {
        result.failed.push({ to: d.contact_email, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return result;
}

// ------------------------------------------------------------------ the link, without an account

export type { LinkRefusal };

/** The dataset a link is for, or why it cannot be used. Opening it is recorded once. */
export async function openLink(db: Context['db'], token: string, today: string): Promise<{ ok: true; dataset: DatasetView; assessment: Assessment; linkId: string } | { ok: false; reason: LinkRefusal }> {
  if (!looksLikeLinkToken(token)) return { ok: false, reason: 'unknown' };
  const link = await db.selectFrom('assessment_links').selectAll().where('token_sha256', '=', tokenSha256(token)).executeTakeFirst();
  const refusal = linkRefusal(link);
  if (refusal || !link) return { ok: false, reason: refusal ?? 'unknown' };
  const dataset = (await findDataset(db, link.partnership_id, link.dataset_id, today))!;
  const assessment = (await findAssessment(db, link.partnership_id, dataset.assessment_id))!;
  if (!dataset.events.some((e) => e.kind === 'opened')) {
    await db.insertInto('assessment_request_events').values({ partnership_id: link.partnership_id, dataset_id: dataset.id, kind: 'opened', on_date: today, by_label: dataset.contact_name }).execute();
  }
  return { ok: true, dataset, assessment, linkId: link.id };
}

/** A return through a link: checked for type and size, kept byte for byte with its SHA-256, a new version if sent again. */
export async function receiveReturn(db: Context['db'], token: string, file: { name: string; path: string; size: number; sha256: string }, today: string) {
  const opened = await openLink(db, token, today);
  if (!opened.ok) throw new NotFoundError();
  const fh = await open(file.path, 'r');
  const head = Buffer.alloc(8);
  try { await fh.read(head, 0, 8, 0); } finally { await fh.close(); }
  const problem = returnProblem(file.name, head, file.size);
  if (problem) throw ValidationError.single('file', problem);
  const { dataset } = opened;
  const pid = dataset.partnership_id;
  const bytes = await readFile(file.path);
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)![1]!.toLowerCase();
  const { RETURN_TYPES } = await import('./requests.domain.ts');
  return db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom('assessment_returns').select((eb) => eb.fn.max('version').as('v')).where('partnership_id', '=', pid).where('dataset_id', '=', dataset.id).executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    const row = await trx.insertInto('assessment_returns').values({ partnership_id: pid, dataset_id: dataset.id, version, file_name: file.name, content_type: RETURN_TYPES[ext]!, size: file.size, sha256: file.sha256, bytes })
      .returning(['id', 'version', 'sha256']).executeTakeFirstOrThrow();
    await trx.insertInto('assessment_request_events').values({ partnership_id: pid, dataset_id: dataset.id, kind: 'returned', on_date: today, by_label: dataset.contact_name, note: `Version ${version}: ${file.name}` }).execute();
    await recordAudit(trx, { kind: 'system', partnershipId: pid }, { action: 'create', recordType: 'assessment-return', recordId: row.id, summary: `Return version ${version} received through the upload link`, after: { version, size: file.size, sha256: file.sha256 } });
    return { ...row, dataset };
  });
}

// ------------------------------------------------------------------ the priority-setting matrix

export async function addIssue(ctx: Context, assessmentId: string, body: unknown) {
  const a = await loadAssessment(ctx, assessmentId);
  const input = new Input(body);
  const title = input.text('title', 'Enter the issue', 200);
  const description = input.optionalText('description', 'The description', 2000);
  input.check();
  return inTransaction(ctx, async (trx) => {
    const row = await trx.insertInto('assessment_issues').values({ partnership_id: a.partnership_id, assessment_id: a.id, title, description }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'assessment-issue', recordId: row.id, summary: a.restricted ? 'Issue added to a restricted assessment' : `Candidate issue: ${title}` });
    return row;
  });
}

/** Scores (score-<issue>-<criterion> = 1..4) and weights (weight-<criterion>) from the matrix form, all or nothing. */
export async function saveMatrix(ctx: Context, assessmentId: string, body: unknown) {
  const a = await loadAssessment(ctx, assessmentId);
  const data = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const pid = a.partnership_id;
  const criteria = await ctx.db.selectFrom('assessment_criteria').select(['id', 'name']).where('partnership_id', '=', pid).where('assessment_id', '=', a.id).execute();
  const issues = await ctx.db.selectFrom('assessment_issues').select(['id', 'title']).where('partnership_id', '=', pid).where('assessment_id', '=', a.id).execute();
  const input = new Input(data);
  const weights = criteria.map((c) => {
    const raw = String(data[`weight-${c.id}`] ?? '').trim();
    const w = Number(raw);
    if (!raw || !Number.isFinite(w) || w <= 0 || w > 100) input.fail(`weight-${c.id}`, `Enter a weight for ${c.name} greater than 0 and up to 100`);
    return { id: c.id, weight: w };
  });
  const scores: { issue_id: string; criterion_id: string; score: number }[] = [];
  for (const i of issues) for (const c of criteria) {
    const raw = String(data[`score-${i.id}-${c.id}`] ?? '').trim();
    if (!raw) continue;
    const s = Number(raw);
    if (![1, 2, 3, 4].includes(s)) input.fail(`score-${i.id}-${c.id}`, `Score ${i.title} for ${c.name.toLowerCase()} from 1 to 4`);
    else scores.push({ issue_id: i.id, criterion_id: c.id, score: s });
  }
  input.check();
  return inTransaction(ctx, async (trx) => {
    for (const w of weights) await trx.updateTable('assessment_criteria').set({ weight: w.weight }).where('partnership_id', '=', pid).where('id', '=', w.id).execute();
    if (issues.length) await trx.deleteFrom('assessment_scores').where('partnership_id', '=', pid).where('issue_id', 'in', issues.map((i) => i.id)).execute();
    if (scores.length) await trx.insertInto('assessment_scores').values(scores.map((s) => ({ partnership_id: pid, ...s }))).execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'assessment-matrix', recordId: a.id, summary: 'Priority-setting matrix saved', after: a.restricted ? undefined : { weights, scores } });
  });
}

/** A ranked issue becomes a priority of a (draft) agreement, through the strategy module's own command. */
export async function makePriority(ctx: Context, issueId: string, agreementId: string) {
  const pid = ctx.actor.partnershipId;
  const issue = await ctx.db.selectFrom('assessment_issues').selectAll().where('partnership_id', '=', pid).where('id', '=', issueId).executeTakeFirst();
  if (!issue) throw new NotFoundError();
  const a = await loadAssessment(ctx, issue.assessment_id);
  if (issue.priority_id) throw ValidationError.single('agreement_id', 'This issue is a priority already');
  return inTransaction(ctx, async (trx) => {
    const priority = await addPriority({ db: trx, actor: ctx.actor }, agreementId, { kind: 'priority', title: issue.title, description: issue.description, reasons: `From the ${a.title}: ranked by the priority-setting matrix.` });
    await trx.updateTable('assessment_issues').set({ priority_id: priority.id }).where('partnership_id', '=', pid).where('id', '=', issue.id).execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'assessment-issue', recordId: issue.id, summary: 'Made a priority of the next agreement', after: { priorityId: priority.id, agreementId } });
    return priority;
  });
}
