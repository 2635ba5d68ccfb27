// Progress on recommendations, asked of an agency's contact by e-mail. The coordinator
// sends a link that needs no account, made as every such link is (src/access/linkTokens.ts:
// a random token, only its hash kept): it is for this agency of this case only, works
// until it expires, and once: the update sent through it uses it up. A newer link to the
// same agency of the same case replaces the older. Through it the contact sees
// only their agency's outstanding recommendations of that one case, by its pseudonym, and
// each update they send is a new row of the recommendation's status history.
import { authorize, reviewMoneyResources, type Actor } from '../../access/policy.ts';
import { recordAudit, type AuditActor } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { addDays, todayIso } from '../partnership/domain.ts';
import { isEmail } from '../engagement/domain.ts';
import { expiresAtEndOf, linkRefusal, looksLikeLinkToken, newLinkToken, tokenSha256 } from '../../access/linkTokens.ts';
import {
  NEXT_RECOMMENDATION_STATUSES, isOutstandingRecommendation, recommendationStatusLabel, recommendationStatusValues, recommendationUpdateProblems,
  type RecommendationStatus,
} from './domain.ts';
import { findCase, listKinds, listRecommendations } from './store.ts';
import { caseReference, kindOf } from './presenters.ts';
import { PROGRESS_REMIND_DAYS_BEFORE_EXPIRY, progressLinkExpiry, progressRequestMessage } from './money.domain.ts';
import { caseResource } from './reading.ts';

export const progressPath = (token: string) => `/review-progress/${token}`;

export interface ProgressMailContext extends Context { mailer: Mailer; baseUrl: string | null }

/** The agencies of a case with outstanding recommendations (national ones are not asked this way). */
export async function agenciesToAsk(db: Context['db'], partnershipId: string, caseId: string) {
  const recs = (await listRecommendations(db, partnershipId, [caseId])).filter((r) => !r.national && isOutstandingRecommendation(r.status));
  return [...new Set(recs.map((r) => r.agency))].sort().map((agency) => ({ agency, count: recs.filter((r) => r.agency === agency).length }));
}

export async function sendProgressRequest(ctx: ProgressMailContext, caseId: string, body: unknown, today = todayIso()) {
  authorize(ctx.actor, 'read', caseResource(caseId));
  authorize(ctx.actor, 'update', caseResource(caseId));
  const pid = ctx.actor.partnershipId;
  const c = await findCase(ctx.db, pid, caseId);
  if (!c) throw new NotFoundError();
  const agencies = await agenciesToAsk(ctx.db, pid, caseId);
  const input = new Input(body);
  const agency = input.oneOf('agency', agencies.map((a) => a.agency), agencies.length ? 'Select the agency to ask' : 'No agency has a recommendation outstanding on this case');
  const contact_name = input.text('contact_name', 'Enter the name of the agency’s contact', 200);
  const contact_email = input.text('contact_email', 'Enter the contact’s e-mail address', 254).toLowerCase();
  if (contact_email && !isEmail(contact_email)) input.fail('contact_email', 'Enter an e-mail address in the right format, like name@example.org');
  input.check();
  const kind = kindOf(await listKinds(ctx.db, pid), c.kind_code);
  const partnership = await ctx.db.selectFrom('partnerships').select('name').where('id', '=', pid).executeTakeFirstOrThrow();
  const expiresOn = progressLinkExpiry(today);
  // The link row is written first and the mail sent inside the same transaction: a mail
  // that cannot be sent leaves no link behind, and a link that was not written is never sent.
  return inTransaction(ctx, async (trx) => {
    const replaced = await trx.updateTable('review_progress_links').set({ revoked_at: new Date() }).where('partnership_id', '=', pid).where('case_id', '=', caseId)
      .where('agency', '=', agency).where('used_at', 'is', null).where('revoked_at', 'is', null).returning('id').execute();
    const { token, sha256 } = newLinkToken();
    const link = await trx.insertInto('review_progress_links').values({
      partnership_id: pid, case_id: caseId, agency, contact_name, contact_email, token_sha256: sha256, sent_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
      expires_at: expiresAtEndOf(expiresOn),
    }).returningAll().executeTakeFirstOrThrow();
    await ctx.mailer.send(progressRequestMessage({
      contactName: contact_name, contactEmail: contact_email, agency, kindLabel: kind.label, caseReference: caseReference(c),
      recommendations: agencies.find((a) => a.agency === agency)!.count, partnership: partnership.name,
      coordinator: ctx.actor.kind === 'user' ? ctx.actor.displayName : partnership.name, link: `${ctx.baseUrl ?? ''}${progressPath(token)}`, expiresOn,
    }));
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'review-case', recordId: caseId,
      summary: `Progress asked of ${agency} (${contact_email}); the link works until ${expiresOn}${replaced.length ? '; the earlier link no longer works' : ''}`,
      after: { link: link.id, agency, contact_name, contact_email, expires_on: expiresOn },
    });
    return link;
  });
}

/**
 * The scheduled reminder: a link still waiting for an answer a week before it expires, and
 * not itself a reminder, is replaced by a new link with the same expiry, sent to the same
 * contact with a line saying so, if the agency still has a recommendation outstanding. The
 * new link is marked as the reminder, so each request is reminded once. Work of the system,
 * not of a person: no reader's grants are needed, and the audit entry says so.
 */
export async function sendProgressReminders(ctx: { db: Context['db']; actor: Actor; mailer: Mailer; baseUrl?: string | null }, today = todayIso()) {
  const pid = ctx.actor.partnershipId;
  const system: AuditActor = { kind: 'system', partnershipId: pid };
  const done = { reminded: 0, failed: [] as { to: string; error: string }[] };
  const due = await ctx.db.selectFrom('review_progress_links').selectAll().where('partnership_id', '=', pid)
    .where('used_at', 'is', null).where('revoked_at', 'is', null).where('is_reminder', '=', false)
    .where('expires_at', '>', new Date()).where('expires_at', '<=', expiresAtEndOf(addDays(today, PROGRESS_REMIND_DAYS_BEFORE_EXPIRY)))
    .orderBy('expires_at').execute();
  if (!due.length) return done;
  const partnership = await ctx.db.selectFrom('partnerships').select('name').where('id', '=', pid).executeTakeFirstOrThrow();
  const kinds = await listKinds(ctx.db, pid);
  for (const old of due) {
    const c = await findCase(ctx.db, pid, old.case_id);
    const outstanding = c ? (await agenciesToAsk(ctx.db, pid, c.id)).find((a) => a.agency === old.agency) : undefined;
    if (!c || !outstanding) continue;
    const expiresOn = old.expires_at.toISOString().slice(0, 10);
    try {
      await inTransaction({ db: ctx.db, actor: ctx.actor }, async (trx) => {
        // Taken under the row's lock: a run at the same moment elsewhere finds it replaced.
        const taken = await trx.updateTable('review_progress_links').set({ revoked_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', old.id)
          .where('used_at', 'is', null).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
        if (!taken) return;
        const { token, sha256 } = newLinkToken();
        const link = await trx.insertInto('review_progress_links').values({
          partnership_id: pid, case_id: c.id, agency: old.agency, contact_name: old.contact_name, contact_email: old.contact_email, token_sha256: sha256,
          sent_by: old.sent_by, expires_at: old.expires_at, is_reminder: true,
        }).returning('id').executeTakeFirstOrThrow();
        await ctx.mailer.send(progressRequestMessage({
          contactName: old.contact_name, contactEmail: old.contact_email, agency: old.agency, kindLabel: kindOf(kinds, c.kind_code).label, caseReference: caseReference(c),
          recommendations: outstanding.count, partnership: partnership.name, coordinator: partnership.name,
          link: `${ctx.baseUrl ?? ''}${progressPath(token)}`, expiresOn, reminder: true,
        }));
        await recordAudit(trx, system, {
          action: 'create', recordType: 'review-case', recordId: c.id,
          summary: `Reminder of the progress asked of ${old.agency} sent to ${old.contact_email}; the earlier link no longer works; the new one works until ${expiresOn}`,
          after: { link: link.id, replaces: old.id, agency: old.agency, expires_on: expiresOn },
        });
        done.reminded += 1;
      });
    } catch (e) {
      done.failed.push({ to: old.contact_email, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return done;
}

// ------------------------------------------------------------------ the link, without an account

export type LinkRefusal = 'unknown' | 'expired' | 'replaced' | 'used';

/** The link's row, its case and the agency's outstanding recommendations; or why it cannot be used. */
export async function openProgressLink(db: Context['db'], partnershipId: string, token: string) {
  if (!looksLikeLinkToken(token)) return { ok: false as const, reason: 'unknown' as LinkRefusal };
  const link = await db.selectFrom('review_progress_links').selectAll().where('partnership_id', '=', partnershipId).where('token_sha256', '=', tokenSha256(token)).executeTakeFirst();
  // Used is said first: a link used and since past its date is best explained as used.
  if (link?.used_at) return { ok: false as const, reason: 'used' as LinkRefusal };
  const refused = linkRefusal(link);
  if (refused || !link) return { ok: false as const, reason: (refused ?? 'unknown') as LinkRefusal };
  const c = (await findCase(db, partnershipId, link.case_id))!;
  const kind = kindOf(await listKinds(db, partnershipId), c.kind_code);
  const recs = (await listRecommendations(db, partnershipId, [c.id])).filter((r) => !r.national && r.agency === link.agency && isOutstandingRecommendation(r.status));
  return {
    ok: true as const, link, recs,
    // Only what the contact needs: the case by pseudonym and year, and its kind. Never its subject.
    case: { reference: caseReference(c), kindLabel: kind.label },
  };
}

/** Who the audit log names for the contact: the public actor of the partnership, with their name in the summary. */
const linkActor = (partnershipId: string): AuditActor => ({ kind: 'public', partnershipId });

/** The opening of a link is a read of restricted content: audited, naming the case and the contact. */
export async function auditLinkRead(db: Context['db'], partnershipId: string, link: { id: string; case_id: string; agency: string; contact_email: string }) {
  await recordAudit(db, linkActor(partnershipId), { action: 'read', recordType: 'review-case', recordId: link.case_id, summary: `Progress page opened through the link sent to ${link.contact_email} (${link.agency})` });
}

/**
 * The contact's update: for each recommendation a status (kept when not changed), a note and
 * evidence; at least one recommendation must have something new. Every problem is found
 * before anything is written; then each update is a new row of the history, the link is
 * used up, and all of it is audited, in one transaction.
 */
export async function postProgress(db: Context['db'], partnershipId: string, token: string, body: unknown) {
  const opened = await openProgressLink(db, partnershipId, token);
  if (!opened.ok) return opened;
  authorize({ kind: 'public', partnershipId } as Actor, 'create', reviewMoneyResources.progressThroughLink());
  const { link, recs } = opened;
  const input = new Input(body);
  const problems: FieldError[] = [];
  const changes: { rec: (typeof recs)[number]; to: RecommendationStatus; note: string | null; evidence: string | null }[] = [];
  for (const rec of recs) {
    const status = input.optionalOneOf(`status_${rec.id}`, recommendationStatusValues, `Select a status for recommendation ${rec.number}`);
    const note = input.optionalText(`note_${rec.id}`, `The update on recommendation ${rec.number}`, 5000);
    const evidence = input.optionalText(`evidence_${rec.id}`, `The evidence for recommendation ${rec.number}`, 5000);
    const to = (status ?? rec.status) as RecommendationStatus;
    if (to === rec.status && !note && !evidence) continue;
    if (to !== rec.status && !NEXT_RECOMMENDATION_STATUSES[rec.status].includes(to)) {
      problems.push({ field: `status_${rec.id}`, message: `Recommendation ${rec.number} is ${recommendationStatusLabel(rec.status).toLowerCase()} and cannot become ${recommendationStatusLabel(to).toLowerCase()}` });
      continue;
    }
    for (const p of recommendationUpdateProblems({ from: rec.status, to, note, evidence })) {
      const field = p.field === 'status' ? `status_${rec.id}` : p.field === 'evidence' ? `evidence_${rec.id}` : `note_${rec.id}`;
      problems.push({ field, message: `Recommendation ${rec.number}: ${p.message.replace(/^./, (ch) => ch.toLowerCase())}` });
    }
    changes.push({ rec, to, note, evidence });
  }
  problems.unshift(...input.errors);
  if (!problems.length && !changes.length) problems.push({ field: recs[0] ? `note_${recs[0].id}` : 'note', message: 'Enter an update on at least one recommendation' });
  if (problems.length) throw new ValidationError(problems);
  const author = `${link.contact_name}, ${link.agency} (through the e-mailed link)`;
  return inTransaction({ db, actor: { kind: 'public', partnershipId } }, async (trx) => {
    // Used up first, under a row lock: a second post of the same form finds it used.
    const used = await trx.updateTable('review_progress_links').set({ used_at: new Date() }).where('partnership_id', '=', partnershipId).where('id', '=', link.id)
      .where('used_at', 'is', null).where('revoked_at', 'is', null).returning('id').executeTakeFirst();
    if (!used) return { ok: false as const, reason: 'used' as LinkRefusal };
    for (const { rec, to, note, evidence } of changes) {
      const current = await trx.selectFrom('review_recommendations').select('status').where('partnership_id', '=', partnershipId).where('id', '=', rec.id).forUpdate().executeTakeFirstOrThrow();
      if (current.status !== rec.status) throw ValidationError.single(`status_${rec.id}`, `Recommendation ${rec.number} changed while you were writing: open the link again`);
      await trx.updateTable('review_recommendations').set({ status: to, updated_at: new Date() }).where('partnership_id', '=', partnershipId).where('id', '=', rec.id).execute();
      await trx.insertInto('review_recommendation_updates').values({
        partnership_id: partnershipId, recommendation_id: rec.id, author_user_id: null, author_label: author, from_status: rec.status, to_status: to, note, evidence,
      }).execute();
      await recordAudit(trx, linkActor(partnershipId), {
        action: 'update', recordType: 'review-recommendation', recordId: rec.id,
        summary: `${rec.status !== to ? `Status ${recommendationStatusLabel(rec.status).toLowerCase()} → ${recommendationStatusLabel(to).toLowerCase()}` : 'Note added'} by ${author}`,
        before: { status: rec.status }, after: { status: to, note, evidence },
      });
    }
    return { ok: true as const, updated: changes.length };
  });
}
