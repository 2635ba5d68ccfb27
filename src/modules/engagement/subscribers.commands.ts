// Changes to the lists and the people on them: check permission, validate, write and audit
// in one transaction. The public sign-up, its confirmation, the one-click unsubscribe and
// the preferences page act for a person without an account; their links are signed.
import { parse as parseCsvText } from 'csv-parse/sync';
import { authorize, engagementResources } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context, type Tx } from '../../access/context.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import type { Mailer } from '../../mail/mailer.ts';
import {
  CONFIRMATION_DAYS, MAX_IMPORT_ROWS, basisProblem, suppressionLabel, isEmail, normaliseEmail, planImport, readLink, signLink, type ImportPlan,
} from './domain.ts';
import { emailsOnList, unsubscribedFrom, findList, findSubscriber, findSubscriberByEmail, findSuppression, listLists, suppressedAmong, type List } from './store.ts';

/** What a public action needs besides the database: the secret of its links, the mailer, the site's address. */
export interface Links { secret: string; origin: string }

const userId = (ctx: Context) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);
const people = engagementResources.people;

// ------------------------------------------------------------------ lists

export async function createList(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', people());
  const input = new Input(body);
  const name = input.text('name', 'Enter the name of the list', 120);
  const description = input.optionalText('description', 'The description', 1000);
  const consent_wording = input.text('consent_wording', 'Enter the words people agree to when they join the list', 1000);
  const open_to_sign_up = input.boolean('open_to_sign_up');
  input.check();
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const clash = await trx.selectFrom('engagement_lists').select('id').where('partnership_id', '=', pid).where('name', '=', name).executeTakeFirst();
    if (clash) throw ValidationError.single('name', `There is already a list called ${name}: choose another name`);
    const row = await trx.insertInto('engagement_lists').values({ partnership_id: pid, name, description, consent_wording, open_to_sign_up }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'engagement-list', recordId: row.id, summary: `List ${name}`, after: row });
    return row;
  });
}

// ------------------------------------------------------------------ public sign-up (double opt-in)

export async function signUp(ctx: Context & { mailer: Mailer; links: Links; partnershipName: string }, body: unknown) {
  const input = new Input(body);
  const email = normaliseEmail(input.text('email', 'Enter your e-mail address', 254));
  if (email && !isEmail(email)) input.fail('email', 'Enter an e-mail address in the correct format, like name@example.org');
  const name = input.optionalText('name', 'Your name', 200);
  const organisation = input.optionalText('organisation', 'Your organisation', 200);
  const pid = ctx.actor.partnershipId;
  const open = (await listLists(ctx.db, pid)).filter((l) => l.open_to_sign_up);
  const chosen = chosenLists(body, open);
  if (!chosen.length) input.fail('lists', open.length > 1 ? 'Select the lists you want to join' : 'Select the list you want to join');
  if (!input.boolean('agree')) input.fail('agree', 'Tick the box to say you agree to receive these e-mails');
  input.check();
  const { confirmationId, subscriberId } = await inTransaction(ctx, async (trx) => {
    const subscriber = (await findSubscriberByEmail(trx, pid, email))
      ?? (await trx.insertInto('engagement_subscribers').values({ partnership_id: pid, email, name, organisation }).returningAll().executeTakeFirstOrThrow());
    const confirmation = await trx.insertInto('engagement_confirmations').values({
      partnership_id: pid, subscriber_id: subscriber.id, list_ids: chosen.map((l) => l.id), expires_at: new Date(Date.now() + CONFIRMATION_DAYS * 86_400_000),
    }).returning('id').executeTakeFirstOrThrow();
    for (const l of chosen) {
      await trx.insertInto('engagement_subscriptions').values({
        partnership_id: pid, subscriber_id: subscriber.id, list_id: l.id, status: 'pending', consent_method: 'sign-up', consent_wording: l.consent_wording, consent_source: 'The sign-up page',
      }).onConflict((oc) => oc.columns(['partnership_id', 'subscriber_id', 'list_id']).doNothing()).execute();
    }
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'engagement-subscriber', recordId: subscriber.id, summary: `Signed up for ${chosen.map((l) => l.name).join(', ')}, to confirm by e-mail` });
    return { confirmationId: confirmation.id, subscriberId: subscriber.id };
  });
  const link = `${ctx.links.origin}/bulletins/confirm/${signLink(ctx.links.secret, 'confirm', [confirmationId])}`;
  await ctx.mailer.send({
    to: email, subject: `Confirm that you want the ${ctx.partnershipName} bulletin`,
    text: [
      `Someone, we hope you, asked for this address to receive: ${chosen.map((l) => l.name).join(', ')}.`, '',
      'To confirm, open this link and press the button:', link, '',
      `The link works once and for ${CONFIRMATION_DAYS} days. If you did not ask, ignore this message: you will not be added and we will not write again.`, '',
      ctx.partnershipName,
    ].join('\n'),
  });
  return { subscriberId };
}

function chosenLists(body: unknown, open: List[]): List[] {
  const raw = (body && typeof body === 'object' ? (body as Record<string, unknown>).lists : undefined);
  const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
  if (open.length === 1 && !ids.length && raw === undefined) return [];
  return open.filter((l) => ids.includes(l.id));
}

/** A confirmation link as it stands: usable, used, expired or not ours. */
export async function readConfirmation(ctx: Context, secret: string, token: string) {
  const fields = readLink(secret, 'confirm', token);
  if (!fields) return { state: 'invalid' as const };
  const row = await ctx.db.selectFrom('engagement_confirmations').selectAll().where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', fields[0]!).executeTakeFirst();
  if (!row) return { state: 'invalid' as const };
  if (row.used_at) return { state: 'used' as const };
  if (row.expires_at.getTime() < Date.now()) return { state: 'expired' as const };
  const lists = (await listLists(ctx.db, ctx.actor.partnershipId)).filter((l) => row.list_ids.includes(l.id));
  return { state: 'ready' as const, confirmation: row, lists };
}

/**
 * The person confirms (POST only: a link scanner's GET changes nothing). Their own
 * confirmed wish lifts a suppression of their own making (an earlier unsubscribe).
 */
export async function confirmSignUp(ctx: Context, secret: string, token: string) {
  const read = await readConfirmation(ctx, secret, token);
  if (read.state !== 'ready') return read.state;
  const pid = ctx.actor.partnershipId;
  await inTransaction(ctx, async (trx) => {
    const taken = await trx.updateTable('engagement_confirmations').set({ used_at: new Date() })
      .where('partnership_id', '=', pid).where('id', '=', read.confirmation.id).where('used_at', 'is', null).returning('id').executeTakeFirst();
    if (!taken) throw ValidationError.single('form', 'This link has already been used');
    const subscriber = (await findSubscriber(trx, pid, read.confirmation.subscriber_id))!;
    for (const l of read.lists) {
      await trx.insertInto('engagement_subscriptions').values({
        partnership_id: pid, subscriber_id: subscriber.id, list_id: l.id, status: 'subscribed', consent_method: 'sign-up', consent_at: new Date(),
        consent_wording: l.consent_wording, consent_source: 'The sign-up page, confirmed by the link e-mailed', confirmed_at: new Date(),
      }).onConflict((oc) => oc.columns(['partnership_id', 'subscriber_id', 'list_id']).doUpdateSet({
        status: 'subscribed', consent_method: 'sign-up', consent_at: new Date(), consent_wording: l.consent_wording,
        consent_source: 'The sign-up page, confirmed by the link e-mailed', confirmed_at: new Date(), unsubscribed_at: null,
      })).execute();
    }
    const suppression = await findSuppression(trx, pid, subscriber.email);
    if (suppression && suppression.reason !== 'complaint') {
      await trx.deleteFrom('engagement_suppressions').where('partnership_id', '=', pid).where('email', '=', subscriber.email).execute();
      await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'engagement-suppression', recordId: subscriber.id, summary: 'Lifted: the person signed up again and confirmed', before: suppression });
    }
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-subscriber', recordId: subscriber.id, summary: `Confirmed: ${read.lists.map((l) => l.name).join(', ')}` });
  });
  return 'confirmed' as const;
}

// ------------------------------------------------------------------ added by an officer

export async function addSubscriber(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'create', people());
  const input = new Input(body);
  const email = normaliseEmail(input.text('email', 'Enter the e-mail address', 254));
  if (email && !isEmail(email)) input.fail('email', 'Enter an e-mail address in the correct format, like name@example.org');
  const name = input.optionalText('name', 'The name', 200);
  const organisation = input.optionalText('organisation', 'The organisation', 200);
  const basis = input.text('basis', 'Enter the basis on which they agreed to receive the bulletin', 500);
  const basisIssue = basis ? basisProblem(basis) : null;
  if (basisIssue) input.fail('basis', basisIssue);
  const pid = ctx.actor.partnershipId;
  const all = await listLists(ctx.db, pid);
  const chosen = chosenLists(body, all);
  if (!chosen.length) input.fail('lists', 'Select the lists to add them to');
  input.check();
  return inTransaction(ctx, async (trx) => {
    const suppression = await findSuppression(trx, pid, email);
    if (suppression) throw ValidationError.single('email', `${email} has asked not to be e-mailed or cannot receive mail (${suppressionLabel(suppression.reason).toLowerCase()}): only they can sign up again, on the sign-up page`);
    const left = (await Promise.all(chosen.map(async (l) => ((await unsubscribedFrom(trx, pid, l.id)).has(email) ? l.name : null)))).filter(Boolean);
    if (left.length) throw ValidationError.single('email', `${email} unsubscribed from ${left.join(', ')}: only they can sign up again, on the sign-up page`);
    const existing = await findSubscriberByEmail(trx, pid, email);
    const subscriber = existing
      ? (await trx.updateTable('engagement_subscribers').set({ name: name ?? existing.name, organisation: organisation ?? existing.organisation, updated_at: new Date() })
          .where('partnership_id', '=', pid).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow())
      : await trx.insertInto('engagement_subscribers').values({ partnership_id: pid, email, name, organisation }).returningAll().executeTakeFirstOrThrow();
    for (const l of chosen) await subscribe(trx, pid, subscriber.id, l, 'officer', `Added by ${ctx.actor.kind === 'user' ? ctx.actor.displayName : 'an officer'}: ${basis}`, userId(ctx));
    await recordAudit(trx, ctx.actor, {
      action: existing ? 'update' : 'create', recordType: 'engagement-subscriber', recordId: subscriber.id,
      summary: `Added to ${chosen.map((l) => l.name).join(', ')}; basis: ${basis}`, before: existing, after: subscriber,
    });
    return subscriber;
  });
}

async function subscribe(trx: Tx, pid: string, subscriberId: string, list: List, method: 'officer' | 'import', source: string, addedBy: string | null) {
  await trx.insertInto('engagement_subscriptions').values({
    partnership_id: pid, subscriber_id: subscriberId, list_id: list.id, status: 'subscribed', consent_method: method, consent_wording: list.consent_wording,
    consent_source: source, confirmed_at: new Date(), added_by: addedBy,
  }).onConflict((oc) => oc.columns(['partnership_id', 'subscriber_id', 'list_id']).doUpdateSet({
    status: 'subscribed', consent_method: method, consent_at: new Date(), consent_wording: list.consent_wording, consent_source: source,
    confirmed_at: new Date(), unsubscribed_at: null, added_by: addedBy,
  })).execute();
}

// ------------------------------------------------------------------ importing a list

export interface ImportOutcome { plan: ImportPlan; list: List; basis: string; fileName: string; created: number }

/**
 * An import from CSV text: a preview (every row with what would happen to it, and every
 * problem with its row), then, when asked to apply and only when no row is wrong, the
 * additions in one transaction. Suppressed addresses are never added.
 */
export async function importSubscribers(ctx: Context, listId: string, body: unknown, apply: boolean): Promise<ImportOutcome> {
  authorize(ctx.actor, 'create', people());
  const pid = ctx.actor.partnershipId;
  const list = await findList(ctx.db, pid, listId);
  if (!list) throw new NotFoundError();
  const input = new Input(body);
  const sent = (body && typeof body === 'object' ? (body as Record<string, unknown>).csv : undefined);
  const csv = (typeof sent === 'string' ? sent : '').trim();
  if (!csv) input.fail('csv', 'Paste the list as CSV, with a first row naming the columns: email, name, organisation');
  const basis = input.text('basis', 'Enter the basis on which these people agreed to receive the bulletin', 500);
  const basisIssue = basis ? basisProblem(basis) : null;
  if (basisIssue) input.fail('basis', basisIssue);
  const fileName = input.optionalText('file_name', 'The name of the list', 200) ?? 'a pasted list';
  input.check();
  let records: string[][];
  try {
    records = parseCsvText(csv, { relax_column_count: true, skip_empty_lines: true, bom: true, trim: true }) as string[][];
  } catch (e) {
    throw ValidationError.single('csv', `The CSV could not be read (${(e as Error).message.split('\n')[0]}): save it again as CSV and paste it`);
  }
  if (records.length > MAX_IMPORT_ROWS + 1) throw ValidationError.single('csv', `The list has more than ${MAX_IMPORT_ROWS} rows: import it in parts`);
  const candidates = planImport(records, { onList: new Set(), suppressed: new Set() }).rows.map((r) => r.email).filter(isEmail);
  const suppressed = await suppressedAmong(ctx.db, pid, candidates);
  for (const e of await unsubscribedFrom(ctx.db, pid, list.id)) suppressed.add(e);
  const plan = planImport(records, { onList: await emailsOnList(ctx.db, pid, list.id), suppressed });
  if (!apply || plan.problems.length) return { plan, list, basis, fileName, created: 0 };
  const source = `Imported from ${fileName} by ${ctx.actor.kind === 'user' ? ctx.actor.displayName : 'an officer'}: ${basis}`;
  const created = await inTransaction(ctx, async (trx) => {
    let n = 0;
    for (const r of plan.rows.filter((x) => x.outcome === 'add')) {
      // A suppression made between the preview and now still wins.
      if (await findSuppression(trx, pid, r.email)) continue;
      const existing = await findSubscriberByEmail(trx, pid, r.email);
      const subscriber = existing ?? (await trx.insertInto('engagement_subscribers').values({ partnership_id: pid, email: r.email, name: r.name, organisation: r.organisation }).returningAll().executeTakeFirstOrThrow());
      await subscribe(trx, pid, subscriber.id, list, 'import', source, userId(ctx));
      n++;
    }
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'engagement-import', recordId: list.id, summary: `Imported ${n} people to ${list.name} from ${fileName}; basis: ${basis}` });
    return n;
  });
  return { plan, list, basis, fileName, created };
}

// ------------------------------------------------------------------ leaving

/**
 * One-click unsubscribe (RFC 8058): the signed link names the person, the list and the
 * issue it came in. It takes effect at once and the address is suppressed: no import can
 * put it back. Answers the same for a link already used.
 */
export async function unsubscribe(ctx: Context, secret: string, token: string): Promise<{ listName: string; subscriberId: string } | null> {
  const fields = readLink(secret, 'unsubscribe', token);
  if (!fields) return null;
  const [subscriberId, listId, issueId] = fields as [string, string, string];
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const subscriber = await findSubscriber(trx, pid, subscriberId);
    const list = await findList(trx, pid, listId);
    if (!subscriber || !list) return null;
    const changed = await trx.updateTable('engagement_subscriptions').set({ status: 'unsubscribed', unsubscribed_at: new Date() })
      .where('partnership_id', '=', pid).where('subscriber_id', '=', subscriberId).where('list_id', '=', listId).where('status', '!=', 'unsubscribed').returning('list_id').execute();
    if (changed.length) {
      await trx.insertInto('engagement_unsubscribes').values({ partnership_id: pid, subscriber_id: subscriberId, list_id: listId, issue_id: issueId || null }).execute();
      await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-subscriber', recordId: subscriberId, summary: `Unsubscribed from ${list.name}` });
    }
    // Off every list now: the address is not mailed in bulk again, whatever a later import says.
    const still = await trx.selectFrom('engagement_subscriptions').select('list_id').where('partnership_id', '=', pid).where('subscriber_id', '=', subscriberId).where('status', '!=', 'unsubscribed').execute();
    if (!still.length) await suppress(trx, ctx, subscriber.email, 'unsubscribed', `From ${list.name}`);
    return { listName: list.name, subscriberId };
  });
}

export async function suppress(trx: Tx, ctx: Context | { actor: Context['actor'] }, email: string, reason: 'unsubscribed' | 'hard-bounce' | 'complaint' | 'officer', detail: string | null) {
  const pid = ctx.actor.partnershipId;
  const added = await trx.insertInto('engagement_suppressions').values({ partnership_id: pid, email, reason, detail })
    .onConflict((oc) => oc.columns(['partnership_id', 'email']).doNothing()).returning('email').execute();
  if (added.length) await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'engagement-suppression', recordId: pid, summary: `Suppressed (${reason})`, after: { reason, detail } });
}

export const unsubscribeToken = (secret: string, subscriberId: string, listId: string, issueId: string | null) =>
  signLink(secret, 'unsubscribe', [subscriberId, listId, issueId ?? '']);
export const preferencesToken = (secret: string, subscriberId: string) => signLink(secret, 'preferences', [subscriberId]);

/** The person a preferences link names, with their lists. */
export async function readPreferences(ctx: Context, secret: string, token: string) {
  const fields = readLink(secret, 'preferences', token);
  if (!fields) return null;
  const subscriber = await findSubscriber(ctx.db, ctx.actor.partnershipId, fields[0]!);
  return subscriber ?? null;
}

/** Leave the lists not ticked; change one's name and organisation. */
export async function savePreferences(ctx: Context, secret: string, token: string, body: unknown) {
  const subscriber = await readPreferences(ctx, secret, token);
  if (!subscriber) throw new NotFoundError();
  const input = new Input(body);
  const name = input.optionalText('name', 'Your name', 200);
  const organisation = input.optionalText('organisation', 'Your organisation', 200);
  input.check();
  const raw = (body as Record<string, unknown>).keep;
  const keep = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String));
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    await trx.updateTable('engagement_subscribers').set({ name, organisation, updated_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', subscriber.id).execute();
    const subs = await trx.selectFrom('engagement_subscriptions').select(['list_id', 'status']).where('partnership_id', '=', pid).where('subscriber_id', '=', subscriber.id).where('status', '!=', 'unsubscribed').execute();
    const leaving = subs.filter((s) => !keep.has(s.list_id));
    for (const s of leaving) {
      await trx.updateTable('engagement_subscriptions').set({ status: 'unsubscribed', unsubscribed_at: new Date() })
        .where('partnership_id', '=', pid).where('subscriber_id', '=', subscriber.id).where('list_id', '=', s.list_id).execute();
      await trx.insertInto('engagement_unsubscribes').values({ partnership_id: pid, subscriber_id: subscriber.id, list_id: s.list_id, issue_id: null }).execute();
    }
    if (leaving.length && leaving.length === subs.length) await suppress(trx, ctx, subscriber.email, 'unsubscribed', 'Left every list on the preferences page');
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'engagement-subscriber', recordId: subscriber.id, summary: `Preferences saved; left ${leaving.length} ${leaving.length === 1 ? 'list' : 'lists'}` });
    return { left: leaving.length };
  });
}

/** Problems as a form shows them, for routes that read a field error from a thrown one. */
export type Problems = FieldError[];
