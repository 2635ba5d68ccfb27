// Changes to the bulletin: an issue and its articles while a draft, a test copy to the
// officer, the send (queued as a job), and bounces received as delivery status
// notifications (RFC 3464). Check permission, validate, write and audit in one transaction.
import { createHash } from 'node:crypto';
import { authorize, engagementResources } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../web/errors.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { ARTICLE_IMAGE_MAX_BYTES, checkArticleImage, normaliseEmail, readDeliveryStatus, readReturnPath } from './domain.ts';
import { compileIssue, isLinkable, recipientCopy } from './bulletin.message.ts';
import { queueIssue, recordBounce } from './bulletin.sending.ts';
import { findList } from './store.ts';
import { announcementArticle, ukInstant } from './sessions.domain.ts';
import { parseTime } from '../meetings/domain.ts';

const people = engagementResources.people;
const userId = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);

export async function findIssue(ctx: Pick<Context, 'db'>, pid: string, id: string) {
  return ctx.db.selectFrom('engagement_issues').selectAll().where('partnership_id', '=', pid).where('id', '=', id).executeTakeFirst();
}

async function draftIssue(ctx: Context, id: string) {
  const issue = await findIssue(ctx, ctx.actor.partnershipId, id);
  if (!issue) throw new NotFoundError();
  authorize(ctx.actor, 'update', people());
  if (issue.status === 'scheduled') throw new ConflictError('This issue is scheduled to be sent: take it off the schedule to change it', 'form');
  if (issue.status !== 'draft') throw new ConflictError('This issue has been sent: it can no longer be changed', 'form');
  return issue;
}

export async function createIssue(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', people());
  const input = new Input(body);
  const title = input.text('title', 'Enter the title of the issue, for example Bulletin, June 2026', 150);
  const list_id = input.id('list_id', 'Select the list it goes to');
  const introduction = input.optionalText('introduction', 'The introduction', 3000);
  input.check();
  const pid = ctx.actor.partnershipId;
  if (!(await findList(ctx.db, pid, list_id))) throw ValidationError.single('list_id', 'Select the list it goes to');
  return inTransaction(ctx, async (trx) => {
    const last = await trx.selectFrom('engagement_issues').select((eb) => eb.fn.max('number').as('n')).where('partnership_id', '=', pid).executeTakeFirst();
    const row = await trx.insertInto('engagement_issues').values({ partnership_id: pid, list_id, number: Number(last?.n ?? 0) + 1, title, introduction, created_by: userId(ctx) })
      .returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'bulletin-issue', recordId: row.id, summary: `Issue ${row.number}: ${title}`, after: row });
    // Sessions an officer asked to announce while there was no draft: their articles go in this one.
    const announced = await trx.updateTable('engagement_sessions').set({ announce_in_next_bulletin: false })
      .where('partnership_id', '=', pid).where('announce_in_next_bulletin', '=', true).where('starts_at', '>', new Date()).returningAll().execute();
    for (const s of announced.sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime())) await addArticle({ db: trx as unknown as Context['db'], actor: ctx.actor }, row.id, announcementArticle(s));
    return row;
  });
}

/**
 * Adds an article. An uploaded image (`image`: its bytes, from the form) is checked by
 * its bytes, kept, and served from this site; otherwise an image may be given by address.
 */
export async function addArticle(ctx: Context, issueId: string, body: unknown, image?: { bytes: Buffer } | { tooLarge: true }) {
  const issue = await draftIssue(ctx, issueId);
  const input = new Input(body);
  const section = input.text('section', 'Enter the section, for example News or Events', 80);
  const title = input.text('title', 'Enter the title of the article', 200);
  const text = input.text('body', 'Enter the text of the article', 10_000);
  const link_url = input.optionalText('link_url', 'The link', 500);
  if (link_url && !isLinkable(link_url)) input.fail('link_url', 'Enter a link starting with https:// or with / for a page of this site, for example /meetings');
  const link_label = input.optionalText('link_label', 'The link’s words', 120);
  const image_url = input.optionalText('image_url', 'The image address', 500);
  if (image_url && !/^https:\/\//.test(image_url) && !image_url.startsWith('/')) input.fail('image_url', 'Enter the image’s address starting with https://');
  const image_alt = input.optionalText('image_alt', 'The image description', 250);
  let upload: { bytes: Buffer; mediaType: 'image/png' | 'image/jpeg' } | null = null;
  if (image && 'tooLarge' in image) input.fail('image', `The image must be smaller than ${ARTICLE_IMAGE_MAX_BYTES / 1024 / 1024} MB`);
  else if (image) {
    const checked = checkArticleImage(image.bytes);
    if (!checked.ok) input.fail('image', checked.message);
    else if (image_url) input.fail('image', 'Upload an image or give its address, not both');
    else upload = { bytes: image.bytes, mediaType: checked.mediaType };
  }
  if ((image_url || image) && !image_alt) input.fail('image_alt', 'Describe the image for people who cannot see it');
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    let image_url_kept = image_url;
    if (upload) {
      const kept = await trx.insertInto('engagement_images').values({
        partnership_id: pid, media_type: upload.mediaType, bytes: upload.bytes, sha256: createHash('sha256').update(upload.bytes).digest('hex'), uploaded_by: userId(ctx),
      }).returning('id').executeTakeFirstOrThrow();
      image_url_kept = `/bulletins/images/${kept.id}`;
    }
    const last = await trx.selectFrom('engagement_articles').select((eb) => eb.fn.max('position').as('p')).where('partnership_id', '=', pid).where('issue_id', '=', issue.id).executeTakeFirst();
    const row = await trx.insertInto('engagement_articles').values({
      partnership_id: pid, issue_id: issue.id, section, position: Number(last?.p ?? 0) + 1, title, body: text, link_url, link_label, image_url: image_url_kept, image_alt,
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'bulletin-article', recordId: row.id, summary: `Article ${title} in issue ${issue.number}`, after: row });
    return row;
  });
}

export async function removeArticle(ctx: Context, issueId: string, articleId: string) {
  const issue = await draftIssue(ctx, issueId);
  return inTransaction(ctx, async (trx) => {
    const gone = await trx.deleteFrom('engagement_articles').where('partnership_id', '=', ctx.actor.partnershipId).where('issue_id', '=', issue.id).where('id', '=', articleId).returningAll().executeTakeFirst();
    if (!gone) throw new NotFoundError();
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'bulletin-article', recordId: gone.id, summary: `Article ${gone.title} removed`, before: gone });
  });
}

export async function issueWithArticles(ctx: Pick<Context, 'db'>, pid: string, id: string) {
  const issue = await findIssue(ctx, pid, id);
  if (!issue) return null;
  const articles = await ctx.db.selectFrom('engagement_articles').selectAll().where('partnership_id', '=', pid).where('issue_id', '=', id).orderBy('position').execute();
  return { issue, articles };
}

/** A copy to the officer's own address, marked as a test; it changes nothing. */
export async function sendTest(ctx: Context & { mailer: Mailer; origin: string; partnershipName: string }, issueId: string) {
  authorize(ctx.actor, 'update', people());
  if (ctx.actor.kind !== 'user') throw new NotFoundError();
  const found = await issueWithArticles(ctx, ctx.actor.partnershipId, issueId);
  if (!found) throw new NotFoundError();
  const me = await ctx.db.selectFrom('users').select('email').where('id', '=', ctx.actor.userId).executeTakeFirstOrThrow();
  const list = (await findList(ctx.db, ctx.actor.partnershipId, found.issue.list_id))!;
  const c = await compileIssue(found.issue, found.articles, { partnershipName: ctx.partnershipName, origin: ctx.origin });
  const copy = recipientCopy(c, { unsubscribeUrl: `${ctx.origin}/bulletins/sign-up`, preferencesUrl: `${ctx.origin}/bulletins/sign-up`, listName: list.name, listId: list.id, host: new URL(ctx.origin).host || 'localhost' });
  await ctx.mailer.send({ to: me.email, subject: `[Test] ${copy.subject}`, text: copy.text, html: copy.html });
  await recordAudit(ctx.db, ctx.actor, { action: 'update', recordType: 'bulletin-issue', recordId: issueId, summary: `Test copy sent to ${me.email}` });
  return me.email;
}

/** Queues the send: every subscriber of the list now, not suppressed, gets one outbox row. */
async function requireArticles(ctx: Context, issueId: string, doing: string) {
  const articles = await ctx.db.selectFrom('engagement_articles').select('id').where('partnership_id', '=', ctx.actor.partnershipId).where('issue_id', '=', issueId).limit(1).execute();
  if (!articles.length) throw ValidationError.single('form', `Add at least one article before ${doing} the issue`);
}

/** Schedules a draft to be sent at a date and time (UK time), at least five minutes ahead. */
export async function scheduleIssue(ctx: Context, issueId: string, body: unknown) {
  const issue = await draftIssue(ctx, issueId);
  const input = new Input(body);
  const date = input.date('send_date', 'The date to send it');
  const time = parseTime(input.text('send_time', 'Enter the time to send it, for example 09:00', 20));
  if (input.has('send_time') && !time) input.fail('send_time', 'Enter the time as a time of day, for example 09:00 or 9am');
  input.check();
  const when = ukInstant(date, time!);
  if (when.getTime() < Date.now() + 5 * 60_000) throw ValidationError.single('send_date', 'Choose a date and time at least five minutes from now, or send it now');
  await requireArticles(ctx, issue.id, 'scheduling');
  return inTransaction(ctx, async (trx) => {
    const updated = await trx.updateTable('engagement_issues').set({ status: 'scheduled', scheduled_for: when, updated_at: new Date() })
      .where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', issue.id).where('status', '=', 'draft').returningAll().executeTakeFirst();
    if (!updated) throw new ConflictError('This issue is no longer a draft', 'form');
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'bulletin-issue', recordId: issue.id, summary: `Issue ${issue.number} scheduled for ${when.toISOString()}`, before: { status: issue.status }, after: { status: 'scheduled', scheduledFor: when } });
    return when;
  });
}

/** Takes a scheduled issue back to a draft, so it can be changed or sent now. */
export async function unscheduleIssue(ctx: Context, issueId: string) {
  const issue = await findIssue(ctx, ctx.actor.partnershipId, issueId);
  if (!issue) throw new NotFoundError();
  authorize(ctx.actor, 'update', people());
  return inTransaction(ctx, async (trx) => {
    const updated = await trx.updateTable('engagement_issues').set({ status: 'draft', scheduled_for: null, updated_at: new Date() })
      .where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', issue.id).where('status', '=', 'scheduled').returningAll().executeTakeFirst();
    if (!updated) throw new ConflictError(issue.status === 'draft' ? 'This issue is not scheduled' : 'This issue is already being sent', 'form');
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'bulletin-issue', recordId: issue.id, summary: `Issue ${issue.number} taken off the schedule`, before: { status: 'scheduled', scheduledFor: issue.scheduled_for }, after: { status: 'draft' } });
    return issue.number;
  });
}

export async function sendIssue(ctx: Context, issueId: string) {
  const issue = await draftIssue(ctx, issueId);
  await requireArticles(ctx, issue.id, 'sending');
  return inTransaction(ctx, async (trx) => {
    const locked = await trx.selectFrom('engagement_issues').select('status').where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', issue.id).forUpdate().executeTakeFirstOrThrow();
    if (locked.status !== 'draft') throw new ConflictError('This issue is already being sent', 'form');
    const n = await queueIssue(trx, ctx.actor.partnershipId, issue);
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'bulletin-issue', recordId: issue.id, summary: `Sending issue ${issue.number} to ${n} ${n === 1 ? 'person' : 'people'}` });
    return n;
  });
}

export interface DsnOutcome { recipients: { email: string; kind: 'hard' | 'soft' | null; status: string; suppressed: boolean }[]; issueId: string | null }

/**
 * A delivery status notification received on the bounce address (RFC 3464): the return
 * path it was sent to names the subscriber and the issue; each failed recipient is a hard
 * bounce (5.x.x) or a soft one (4.x.x, or delayed).
 */
export async function receiveDsn(ctx: Context & { secret: string }, raw: string): Promise<DsnOutcome> {
  authorize(ctx.actor, 'update', people());
  if (!raw.trim()) throw ValidationError.single('message', 'Paste the whole bounce message, headers included');
  // Loaded when a bounce is first read, not at start.
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw);
  // mailparser gives a message/delivery-status part as text, after the human-readable part.
  const type = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const isReport = type?.value?.toLowerCase() === 'multipart/report' && /delivery-status/i.test(type.params?.['report-type'] ?? '');
  const attached = parsed.attachments.find((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType));
  if (!isReport && !attached) throw ValidationError.single('message', 'This is not a delivery status notification (it has no message/delivery-status part)');
  const report = { content: Buffer.from(attached ? attached.content.toString('utf8') : (parsed.text ?? '')) };
  const addresses = [...raw.matchAll(/[A-Za-z0-9._%-]+\+[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{8}@[A-Za-z0-9.-]+/g)].map((m) => m[0]);
  const named = addresses.map((a) => readReturnPath(ctx.secret, a)).find(Boolean) ?? null;
  const pid = ctx.actor.partnershipId;
  const subscriber = named ? await ctx.db.selectFrom('engagement_subscribers').select(['id', 'email']).where('partnership_id', '=', pid).where('id', '=', named.subscriberId).executeTakeFirst() : undefined;
  const outcome: DsnOutcome = { recipients: [], issueId: named?.issueId ?? null };
  for (const r of readDeliveryStatus(report.content.toString('utf8'))) {
    // The return path is what we trust; the report's own recipient only when it names no one of ours.
    const email = subscriber?.email ?? (r.finalRecipient ? normaliseEmail(r.finalRecipient) : null);
    if (!email || !r.kind) { outcome.recipients.push({ email: email ?? '', kind: r.kind, status: r.status, suppressed: false }); continue; }
    const known = subscriber ?? await ctx.db.selectFrom('engagement_subscribers').select(['id', 'email']).where('partnership_id', '=', pid).where('email', '=', email).executeTakeFirst();
    if (!known) { outcome.recipients.push({ email, kind: r.kind, status: r.status, suppressed: false }); continue; }
    const suppressed = await recordBounce(ctx.db, { partnershipId: pid, email, issueId: named?.issueId ?? null, kind: r.kind, source: 'dsn', status: r.status, diagnostic: r.diagnostic });
    await recordAudit(ctx.db, ctx.actor, { action: 'create', recordType: 'engagement-bounce', recordId: known.id, summary: `${r.kind === 'hard' ? 'Hard' : 'Soft'} bounce ${r.status} received` });
    outcome.recipients.push({ email, kind: r.kind, status: r.status, suppressed });
  }
  return outcome;
}
