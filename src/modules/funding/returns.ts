// Progress returns asked for by e-mail before a Working Group meeting. Each project in
// delivery whose lead contact has an e-mail address gets a link of its own (the shared
// pattern of src/access/linkTokens.ts: only the token's hash is kept, it expires a week
// after the meeting, and a newer link for the project replaces the older). The lead posts
// the return through it without an account. Sent by an officer for a chosen meeting, or
// by the scheduled run (scripts/send-funding-return-requests.ts) a fortnight before the
// next meeting of the body that considered the project; a project is asked once a meeting.
import { authorize, fundingResources, type Actor } from '../../access/policy.ts';
import { recordAudit, type AuditActor } from '../../access/audit.ts';
import type { Context } from '../../access/context.ts';
import { expiresAtEndOf, linkRefusal, looksLikeLinkToken, newLinkToken, tokenSha256, type LinkRefusal } from '../../access/linkTokens.ts';
import type { Mailer } from '../../mail/mailer.ts';
import type { SavedFile } from '../../web/uploads.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError, ValidationError } from '../../web/errors.ts';
import { addDays } from '../partnership/domain.ts';
import { formatPence, longDate } from './domain.ts';
import { findProposal, listProposals, type ProposalView } from './store.ts';
import { insertProgress, readProgressInput } from './commands.ts';
import { checkEvidenceFile, storeEvidence } from './evidence.ts';

/** Days before a meeting the scheduled run asks; days after it a link still works. */
export const ASK_DAYS_BEFORE = 14;
export const LINK_DAYS_AFTER = 7;
/** Days before the meeting a lead with no return since being asked is reminded, once. */
export const REMIND_DAYS_BEFORE = 5;

export interface ReturnMailContext { db: Context['db']; actor: Actor; mailer: Mailer; baseUrl?: string | null }
export interface ReturnRequestResult { sent: number; alreadyAsked: number; noContact: string[]; failed: { to: string; error: string }[]; reminded?: number }

interface Meeting { id: string; meets_on: string; body_name: string }

export function returnRequestMessage(d: { contactName: string | null; contactEmail: string; project: string; partnership: string; meeting: Meeting; allocated: number; link: string; expiresOn: string; reminder?: boolean }) {
  const when = longDate(d.meeting.meets_on);
  const text = [
    `Dear ${d.contactName ?? 'project lead'},`, '',
    ...(d.reminder ? [`We have not yet had a progress return for ${d.project}, and the meeting is close. The link in our earlier e-mail no longer works: please use the one below.`, ''] : []),
    `The ${d.meeting.body_name} of the ${d.partnership} meets on ${when} and will look at how each project it funds is going.`,
    `Please send a short progress return for ${d.project} (allocated ${formatPence(d.allocated)}): what has been done since the last one, what the project has spent so far, and any figures of what it has delivered. You can attach an invoice, a receipt or a report (PDF, Word, Excel or a picture).`, '',
    `Send it here. You do not need an account; the link is for this project only and works until ${longDate(d.expiresOn)}:`, d.link, '',
    'Thank you,', d.partnership,
  ].join('\n');
  const subject = `${d.reminder ? 'Reminder: progress' : 'Progress'} return for ${d.project}: before the meeting on ${when}`;
  return { to: d.contactName ? `${d.contactName} <${d.contactEmail}>` : d.contactEmail, subject, text };
}

async function findMeeting(db: Context['db'], partnershipId: string, id: string): Promise<Meeting | undefined> {
  return db.selectFrom('meetings as m').innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .select(['m.id', 'm.meets_on', 'b.name as body_name']).where('m.partnership_id', '=', partnershipId).where('m.id', '=', id).where('m.status', '!=', 'cancelled').executeTakeFirst();
}

/** Meetings still to come, the soonest first: those a return can be asked for. */
export async function upcomingMeetingOptions(db: Context['db'], partnershipId: string, today: string) {
  const rows = await db.selectFrom('meetings as m').innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .select(['m.id', 'm.meets_on', 'b.name']).where('m.partnership_id', '=', partnershipId).where('m.meets_on', '>=', today).where('m.status', '!=', 'cancelled')
    .orderBy('m.meets_on').limit(40).execute();
  return rows.map((r) => ({ value: r.id, text: `${r.name}, ${longDate(r.meets_on)}` }));
}

/** The latest link sent for each project of a list: when, to whom, for which meeting. */
export async function latestRequests(db: Context['db'], partnershipId: string, proposalIds: string[]) {
  if (!proposalIds.length) return new Map<string, { sentOn: Date; meetsOn: string | null; to: string }>();
  const rows = await db.selectFrom('funding_return_links').select(['proposal_id', 'created_at', 'meets_on', 'sent_to'])
    .where('partnership_id', '=', partnershipId).where('proposal_id', 'in', proposalIds).orderBy('created_at').execute();
  return new Map(rows.map((r) => [r.proposal_id, { sentOn: r.created_at, meetsOn: r.meets_on, to: r.sent_to }]));
}

const askedFor = async (db: Context['db'], pid: string, proposalId: string, meetingId: string) =>
  Boolean(await db.selectFrom('funding_return_links').select('id').where('partnership_id', '=', pid).where('proposal_id', '=', proposalId).where('meeting_id', '=', meetingId).executeTakeFirst());

/** One project's request: a new link (older ones stop working), the e-mail, the audit entry; nothing kept if the message cannot be sent. */
async function askOne(ctx: { db: Context['db']; actor: AuditActor; mailer: Mailer; baseUrl?: string | null; byLabel: string }, p: ProposalView, meeting: Meeting, partnership: string, today: string, reminder = false) {
  const pid = p.partnership_id;
  const email = p.lead_contact_email!;
  const expiresOn = addDays(meeting.meets_on > today ? meeting.meets_on : today, LINK_DAYS_AFTER);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('funding_return_links').set({ revoked_at: new Date() }).where('partnership_id', '=', pid).where('proposal_id', '=', p.id).where('revoked_at', 'is', null).execute();
    const { token, sha256 } = newLinkToken();
    const link = await trx.insertInto('funding_return_links').values({
      partnership_id: pid, proposal_id: p.id, meeting_id: meeting.id, meets_on: meeting.meets_on, token_sha256: sha256, sent_to: email, sent_by_label: ctx.byLabel, expires_at: expiresAtEndOf(expiresOn),
      is_reminder: reminder,
    }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'funding-return-request', recordId: p.id,
      summary: `${reminder ? 'Reminder of the progress return' : 'Progress return'} for ${p.title} ${reminder ? 'sent to' : 'asked of'} ${email} before the meeting of ${longDate(meeting.meets_on)}${reminder ? '; the earlier link no longer works' : ''}`,
      after: { linkId: link.id, meetingId: meeting.id, expiresOn, reminder },
    });
    await ctx.mailer.send(returnRequestMessage({
      contactName: p.lead_contact_name, contactEmail: email, project: p.title, partnership, meeting, allocated: Number(p.allocated_pence),
      link: `${ctx.baseUrl ?? ''}/funding/returns/${token}`, expiresOn, reminder,
    }));
  });
}

async function partnershipName(db: Context['db'], pid: string) {
  return (await db.selectFrom('partnerships').select('name').where('id', '=', pid).executeTakeFirstOrThrow()).name;
}

/**
 * An officer asks the leads of a grant's projects in delivery for their returns before a
 * chosen meeting. Projects asked already for that meeting, and those without a contact
 * e-mail, are counted, not asked.
 */
export async function sendReturnRequests(ctx: ReturnMailContext, grantId: string, body: unknown, today: string): Promise<ReturnRequestResult> {
  authorize(ctx.actor, 'create', fundingResources.returnRequest());
  const pid = ctx.actor.partnershipId;
  const input = new Input(body);
  const meetingId = input.id('meeting_id', 'Select the meeting the returns are for');
  input.check();
  const meeting = await findMeeting(ctx.db, pid, meetingId);
  if (!meeting) throw ValidationError.single('meeting_id', 'Select the meeting the returns are for');
  if (meeting.meets_on < today) throw ValidationError.single('meeting_id', `That meeting was on ${longDate(meeting.meets_on)}: select one still to come`);
  const projects = (await listProposals(ctx.db, pid, { grantId })).filter((p) => p.status === 'in-delivery');
  const result: ReturnRequestResult = { sent: 0, alreadyAsked: 0, noContact: [], failed: [] };
  const partnership = await partnershipName(ctx.db, pid);
  const byLabel = ctx.actor.kind === 'user' ? ctx.actor.displayName : 'public';
  for (const p of projects) {
    if (!p.lead_contact_email) { result.noContact.push(p.title); continue; }
    if (await askedFor(ctx.db, pid, p.id, meeting.id)) { result.alreadyAsked += 1; continue; }
    try {
      await askOne({ ...ctx, byLabel }, p, meeting, partnership, today);
      result.sent += 1;
    } catch (e) {
      result.failed.push({ to: p.lead_contact_email, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}

/**
 * The scheduled run: each project in delivery is asked once before the next meeting (within
 * a fortnight) of the body that considered its proposal, the Working Group; then whoever was
 * asked (by this run or by an officer) and has sent nothing is reminded once, five days out.
 */
export async function sendDueReturnRequests(ctx: ReturnMailContext, today: string): Promise<ReturnRequestResult> {
  authorize(ctx.actor, 'create', fundingResources.returnRequest());
  const pid = ctx.actor.partnershipId;
  const result: ReturnRequestResult = { sent: 0, alreadyAsked: 0, noContact: [], failed: [] };
  const projects = (await listProposals(ctx.db, pid)).filter((p) => p.status === 'in-delivery' && p.considered_meeting_id);
  const partnership = await partnershipName(ctx.db, pid);
  const system = { kind: 'system' as const, partnershipId: pid };
  for (const p of projects) {
    const next = await ctx.db.selectFrom('meetings as m')
      .innerJoin('meetings as considered', (j) => j.onRef('considered.partnership_id', '=', 'm.partnership_id').onRef('considered.body_id', '=', 'm.body_id'))
      .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
      .select(['m.id', 'm.meets_on', 'b.name as body_name'])
      .where('m.partnership_id', '=', pid).where('considered.id', '=', p.considered_meeting_id!)
      .where('m.meets_on', '>=', today).where('m.meets_on', '<=', addDays(today, ASK_DAYS_BEFORE)).where('m.status', '!=', 'cancelled')
      .orderBy('m.meets_on').limit(1).executeTakeFirst();
    if (!next) continue;
    if (!p.lead_contact_email) { result.noContact.push(p.title); continue; }
    if (await askedFor(ctx.db, pid, p.id, next.id)) { result.alreadyAsked += 1; continue; }
    try {
      await askOne({ ...ctx, actor: system, byLabel: 'Scheduled reminders' }, p, next, partnership, today);
      result.sent += 1;
    } catch (e) {
      result.failed.push({ to: p.lead_contact_email, error: e instanceof Error ? e.message : String(e) });
    }
  }
  const reminders = await sendReturnReminders(ctx, system, today, partnership);
  result.reminded = reminders.reminded;
  result.failed.push(...reminders.failed);
  return result;
}

/**
 * The second message: a link asked for a meeting within REMIND_DAYS_BEFORE days that still
 * works, is not itself a reminder, and has had no return for its project since it was sent
 * (by any way: the link, the lead's page or an officer) is replaced by a reminder with a new
 * link. The reminder is marked on its link, so each request is reminded once.
 */
async function sendReturnReminders(ctx: ReturnMailContext, system: AuditActor, today: string, partnership: string) {
  const pid = ctx.actor.partnershipId;
  const done = { reminded: 0, failed: [] as { to: string; error: string }[] };
  const due = await ctx.db.selectFrom('funding_return_links as l')
    .innerJoin('meetings as m', (j) => j.onRef('m.partnership_id', '=', 'l.partnership_id').onRef('m.id', '=', 'l.meeting_id'))
    .innerJoin('bodies as b', (j) => j.onRef('b.partnership_id', '=', 'm.partnership_id').onRef('b.id', '=', 'm.body_id'))
    .select(['l.proposal_id', 'l.created_at', 'm.id', 'm.meets_on', 'b.name as body_name'])
    .where('l.partnership_id', '=', pid).where('l.revoked_at', 'is', null).where('l.is_reminder', '=', false)
    .where('l.expires_at', '>', new Date()).where('m.status', '!=', 'cancelled')
    .where('m.meets_on', '>=', today).where('m.meets_on', '<=', addDays(today, REMIND_DAYS_BEFORE))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('funding_progress as r').select('r.id')
      .whereRef('r.partnership_id', '=', 'l.partnership_id').whereRef('r.proposal_id', '=', 'l.proposal_id').whereRef('r.created_at', '>=', 'l.created_at'))))
    .orderBy('m.meets_on').execute();
  for (const d of due) {
    const p = await findProposal(ctx.db, pid, d.proposal_id);
    if (!p || p.status !== 'in-delivery' || !p.lead_contact_email) continue;
    try {
      await askOne({ ...ctx, actor: system, byLabel: 'Scheduled reminders' }, p, { id: d.id, meets_on: d.meets_on, body_name: d.body_name }, partnership, today, true);
      done.reminded += 1;
    } catch (e) {
      done.failed.push({ to: p.lead_contact_email, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return done;
}

// ------------------------------------------------------------------ the link, without an account

export type OpenedLink = { ok: true; proposal: ProposalView; linkId: string; meetsOn: string | null; expiresAt: Date } | { ok: false; reason: LinkRefusal };

/** The project a link is for, or why it cannot be used. Any database's partnership: the token says which. */
export async function openReturnLink(db: Context['db'], token: string): Promise<OpenedLink> {
  if (!looksLikeLinkToken(token)) return { ok: false, reason: 'unknown' };
  const link = await db.selectFrom('funding_return_links').selectAll().where('token_sha256', '=', tokenSha256(token)).executeTakeFirst();
  const refusal = linkRefusal(link);
  if (refusal || !link) return { ok: false, reason: refusal ?? 'unknown' };
  const proposal = await findProposal(db, link.partnership_id, link.proposal_id);
  if (!proposal || !['approved', 'in-delivery', 'complete'].includes(proposal.status)) return { ok: false, reason: 'unknown' };
  return { ok: true, proposal, linkId: link.id, meetsOn: link.meets_on, expiresAt: link.expires_at };
}

/** A return through a link: the same checks as the lead's page, and an optional evidence file; audited as coming through the link. */
export async function recordReturnByLink(db: Context['db'], partnershipId: string, token: string, body: unknown, file: SavedFile | undefined, today: string) {
  const opened = await openReturnLink(db, token);
  if (!opened.ok || opened.proposal.partnership_id !== partnershipId) throw new NotFoundError();
  const p = opened.proposal;
  const { input, fields } = readProgressInput(body, today);
  input.check();
  if (file) await checkEvidenceFile(file);
  const actor: AuditActor = { kind: 'system', partnershipId };
  const author = `${p.lead_contact_name ?? p.lead_contact_email ?? 'The project lead'} (through the e-mailed link)`;
  return db.transaction().execute(async (trx) => {
    const row = await insertProgress(trx, actor, p.id, fields, author, 'link');
    const evidence = file ? await storeEvidence(trx, actor, { proposalId: p.id, progressId: row.id, title: p.title }, file, author) : null;
    return { progress: row, evidence, proposal: p };
  });
}
