// Sending an issue: a job over an outbox with one row per recipient. Queuing writes every
// row at once (in one transaction with the issue's move to 'sending'); a sender claims a
// few rows in the database ('sending', the time, its own id), sends each with that
// recipient's own return path and unsubscribe link, and marks it sent. A sender that is
// killed leaves only the rows it had claimed; a later one takes them again once the claim
// is older than the lease, and every other row is untouched, so each recipient gets the
// issue once. (A message the server accepted in the instant before the process died is
// sent again with the same Message-ID, which lets a mail system drop the copy.)
// Throttled to a rate; a 5xx reply is a hard bounce (the address is suppressed after
// HARD_BOUNCE_LIMIT of them); a 4xx or a broken connection is tried again later.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { recordAudit } from '../../access/audit.ts';
import { HARD_BOUNCE_LIMIT, bounceKind, returnPath } from './domain.ts';
import { bulkCopy, bulkTemplate, compileIssue, recipientCopy, type BulkTemplate, type CompiledIssue } from './bulletin.message.ts';
import { preferencesToken, unsubscribeToken } from './subscribers.commands.ts';
import { recipientsQuery } from './store.ts';
import { indexIssue } from './search.ts';

export interface SenderOptions {
  db: Kysely<DB>;
  mailer: Mailer;
  secret: string;
  /** The partnership's public address, for the links in each copy: by partnership id. */
  origin: (partnershipId: string) => Promise<string> | string;
  bounceAddress: string;
  /** Messages per second; 0: as fast as the server takes them. */
  rate: number;
  /** Rows claimed at a time. */
  batch?: number;
  /** Copies in flight at once (a few more than the mailer's connections keeps each busy). */
  concurrency?: number;
  leaseMs?: number;
  retryMs?: number;
  maxAttempts?: number;
}

type Row = { partnership_id: string; issue_id: string; subscriber_id: string; email: string; attempts: number };

/**
 * Writes the outbox (everyone subscribed and not suppressed, now) and moves the issue to
 * 'sending'. One statement in the database: the recipients never pass through this process.
 */
export async function queueIssue(trx: Kysely<DB>, partnershipId: string, issue: { id: string; list_id: string }): Promise<number> {
  await trx.insertInto('engagement_outbox').columns(['partnership_id', 'issue_id', 'subscriber_id', 'email'])
    .expression(recipientsQuery(trx, partnershipId, issue.list_id).clearSelect().clearOrderBy()
      .select(['p.partnership_id', sql<string>`${issue.id}::uuid`.as('issue_id'), 'p.id', 'p.email']))
    .onConflict((oc) => oc.columns(['partnership_id', 'issue_id', 'subscriber_id']).doNothing()).execute();
  const queued = await trx.selectFrom('engagement_outbox').select(sql<number>`count(*)::int`.as('n'))
    .where('partnership_id', '=', partnershipId).where('issue_id', '=', issue.id).executeTakeFirstOrThrow();
  await trx.updateTable('engagement_issues').set({ status: 'sending', scheduled_for: null, send_started_at: new Date(), updated_at: new Date() })
    .where('partnership_id', '=', partnershipId).where('id', '=', issue.id).execute();
  return queued.n;
}

/**
 * Queues every scheduled issue whose time has come, in every partnership; each issue is
 * taken by one process only (its row locked, others skipped). Returns how many it queued.
 */
export async function queueDueIssues(db: Kysely<DB>, now = new Date()): Promise<number> {
  let queued = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const issue = await trx.selectFrom('engagement_issues').select(['partnership_id', 'id', 'list_id', 'number', 'scheduled_for'])
        .where('status', '=', 'scheduled').where('scheduled_for', '<=', now).orderBy('scheduled_for').limit(1).forUpdate().skipLocked().executeTakeFirst();
      if (!issue) return false;
      const n = await queueIssue(trx, issue.partnership_id, issue);
      await recordAudit(trx, { kind: 'system', partnershipId: issue.partnership_id }, { action: 'update', recordType: 'bulletin-issue', recordId: issue.id, summary: `Sending issue ${issue.number} to ${n} ${n === 1 ? 'person' : 'people'}, as scheduled` });
      return true;
    });
    if (!done) return queued;
    queued += 1;
  }
}

export class BulletinSender {
  readonly id = randomUUID();
  private readonly compiled = new Map<string, Promise<{ c: CompiledIssue; template: BulkTemplate | null; listName: string; listId: string; origin: string; host: string }>>();
  private stopped = false;
  private running: Promise<number> | null = null;

  private readonly o: SenderOptions;
  constructor(o: SenderOptions) {
    this.o = o;
  }

  /** Sends every issue that is being sent until none has a row left; one run at a time. */
  run(): Promise<number> {
    this.running ??= this.drain().finally(() => { this.running = null; });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => {});
  }

  private async drain(): Promise<number> {
    let sent = 0;
    const started = Date.now();
    for (;;) {
      if (this.stopped) return sent;
      const rows = await this.claim();
      if (!rows.length) {
        if (await this.finishIssues()) return sent;
        await sleep(Math.min(this.o.retryMs ?? 30_000, 1000));
        continue;
      }
      const suppressed = new Set((await this.o.db.selectFrom('engagement_suppressions').select('email')
        .where('partnership_id', '=', rows[0]!.partnership_id).where('email', 'in', rows.map((r) => r.email)).execute()).map((r) => r.email));
      // A few copies at a time, each built just before its turn: a copy waiting its turn
      // would outlive the young generation and leave the old one growing with garbage.
      let next = 0;
      const worker = async () => {
        while (next < rows.length) {
          const row = rows[next++]!;
          if (await this.deliver(row, suppressed.has(row.email))) sent++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.o.concurrency ?? 8, rows.length) }, worker));
      await this.settled();
      if (this.o.rate > 0) {
        const due = started + (sent / this.o.rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
  }

  private async claim(): Promise<Row[]> {
    const batch = this.o.rate > 0 ? Math.max(1, Math.min(this.o.batch ?? 20, Math.ceil(this.o.rate))) : (this.o.batch ?? 20);
    const lease = `${Math.max(1, Math.round((this.o.leaseMs ?? 120_000) / 1000))} seconds`;
    const retry = `${Math.max(0, Math.round((this.o.retryMs ?? 60_000) / 1000))} seconds`;
    const result = await sql<Row>`
      update engagement_outbox o set state = 'sending', claimed_at = now(), claimed_by = ${this.id}, attempts = o.attempts + 1
      where (o.partnership_id, o.issue_id, o.subscriber_id) in (
        select x.partnership_id, x.issue_id, x.subscriber_id from engagement_outbox x
        join engagement_issues i on i.partnership_id = x.partnership_id and i.id = x.issue_id and i.status = 'sending'
        where (x.state = 'pending' and (x.claimed_at is null or x.claimed_at < now() - ${retry}::interval))
           or (x.state = 'sending' and x.claimed_at < now() - ${lease}::interval)
        limit ${batch}
        for update of x skip locked)
      returning o.partnership_id, o.issue_id, o.subscriber_id, o.email, o.attempts`.execute(this.o.db);
    return result.rows;
  }

  private issue(partnershipId: string, issueId: string) {
    let p = this.compiled.get(issueId);
    if (!p) {
      p = (async () => {
        const { db } = this.o;
        const issue = await db.selectFrom('engagement_issues').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', issueId).executeTakeFirstOrThrow();
        const articles = await db.selectFrom('engagement_articles').selectAll().where('partnership_id', '=', partnershipId).where('issue_id', '=', issueId).orderBy('position').execute();
        const list = await db.selectFrom('engagement_lists').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('id', '=', issue.list_id).executeTakeFirstOrThrow();
        const partnership = await db.selectFrom('partnerships').select('name').where('id', '=', partnershipId).executeTakeFirstOrThrow();
        const origin = await this.o.origin(partnershipId);
        const host = new URL(origin).host || 'localhost';
        const c = await compileIssue(issue, articles, { partnershipName: partnership.name, origin });
        const from = this.o.mailer.from;
        const template = from ? await bulkTemplate(c, { from, listName: list.name, listId: list.id, host }) : null;
        return { c, template, listName: list.name, listId: list.id, origin, host };
      })();
      this.compiled.set(issueId, p);
    }
    return p;
  }

  /**
   * Rows the server accepted, marked sent as soon as the write before them is done: one
   * update for all that arrived meanwhile, so the database is not one round trip per
   * message, and an accepted message waits for its mark no longer than one write. The
   * sender goes on to the next copy meanwhile; the batch waits for its marks (settled())
   * before the next claim, and a failed write stops the send there.
   */
  private accepted: Row[] = [];
  private flushing: Promise<void> | null = null;
  private markFailure: unknown = null;
  private markSent(row: Row): void {
    this.accepted.push(row);
    const flush = async () => {
      // A row pushed while the loop was writing is taken by its next round, before it ends.
      while (this.accepted.length) {
        const taken = this.accepted.splice(0);
        for (const key of new Set(taken.map((r) => `${r.partnership_id} ${r.issue_id}`))) {
          const rows = taken.filter((r) => `${r.partnership_id} ${r.issue_id}` === key);
          await this.o.db.updateTable('engagement_outbox').set({ state: 'sent', sent_at: new Date(), last_error: null })
            .where('partnership_id', '=', rows[0]!.partnership_id).where('issue_id', '=', rows[0]!.issue_id).where('claimed_by', '=', this.id)
            .where('subscriber_id', 'in', rows.map((r) => r.subscriber_id)).execute();
        }
      }
    };
    this.flushing ??= flush().catch((e: unknown) => { this.markFailure ??= e; }).finally(() => { this.flushing = null; });
  }

  /** Every accepted row's mark written (or the write's failure thrown). */
  private async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.markFailure) throw this.markFailure;
  }

  private async deliver(row: Row, suppressed: boolean): Promise<boolean> {
    const { db, secret } = this.o;
    const mark = (values: { state: 'bounced' | 'failed' | 'pending' | 'suppressed'; last_error?: string | null }) => db.updateTable('engagement_outbox').set(values)
      .where('partnership_id', '=', row.partnership_id).where('issue_id', '=', row.issue_id).where('subscriber_id', '=', row.subscriber_id).where('claimed_by', '=', this.id).execute();
    if (suppressed) {
      await mark({ state: 'suppressed' });
      return false;
    }
    const { c, template, listName, listId, origin, host } = await this.issue(row.partnership_id, row.issue_id);
    const links = {
      unsubscribeUrl: `${origin}/bulletins/unsubscribe/${unsubscribeToken(secret, row.subscriber_id, listId, row.issue_id)}`,
      preferencesUrl: `${origin}/bulletins/preferences/${preferencesToken(secret, row.subscriber_id)}`,
    };
    const messageId = `<${row.issue_id}.${row.subscriber_id}@${host}>`;
    const envelopeFrom = returnPath(secret, this.o.bounceAddress, row.subscriber_id, row.issue_id);
    const { mailer } = this.o;
    try {
      // The composed message with this recipient's parts; an address that is not plain
      // ASCII goes through the mail library whole, which knows how to write it.
      if (template && mailer.sendRaw && PLAIN_ADDRESS.test(row.email)) {
        await mailer.sendRaw({ from: envelopeFrom, to: row.email }, bulkCopy(template, { to: row.email, messageId, ...links }));
      } else {
        const copy = recipientCopy(c, { ...links, listName, listId, host });
        await mailer.send({ to: row.email, subject: copy.subject, text: copy.text, html: copy.html, headers: copy.headers, messageId, envelopeFrom, base64: true });
      }
    } catch (error) {
      const e = error as { responseCode?: number; response?: string; message?: string };
      const kind = bounceKind(e.responseCode);
      const message = String(e.response ?? e.message ?? error).slice(0, 500);
      if (kind === 'hard') {
        await recordBounce(db, { partnershipId: row.partnership_id, email: row.email, issueId: row.issue_id, kind: 'hard', source: 'smtp', status: String(e.responseCode), diagnostic: message });
        await mark({ state: 'bounced', last_error: message });
      } else {
        await mark({ state: row.attempts >= (this.o.maxAttempts ?? 3) ? 'failed' : 'pending', last_error: message });
      }
      return false;
    }
    this.markSent(row);
    return true;
  }

  /** Issues with nothing left to send are sent; true when no issue is being sent any more. */
  private async finishIssues(): Promise<boolean> {
    const { db } = this.o;
    const sending = await db.selectFrom('engagement_issues').select(['partnership_id', 'id', 'title'])
      .where('status', '=', 'sending').execute();
    let open = 0;
    for (const i of sending) {
      const left = await db.selectFrom('engagement_outbox').select('subscriber_id').where('partnership_id', '=', i.partnership_id).where('issue_id', '=', i.id)
        .where('state', 'in', ['pending', 'sending']).limit(1).executeTakeFirst();
      if (left) { open++; continue; }
      await db.transaction().execute(async (trx) => {
        const done = await trx.updateTable('engagement_issues').set({ status: 'sent', sent_at: new Date(), updated_at: new Date() })
          .where('partnership_id', '=', i.partnership_id).where('id', '=', i.id).where('status', '=', 'sending').returning('id').executeTakeFirst();
        if (done) await indexIssue(trx, i.partnership_id, i.id);
        if (done) await recordAudit(trx, { kind: 'system', partnershipId: i.partnership_id }, { action: 'update', recordType: 'bulletin-issue', recordId: i.id, summary: `Sent: ${i.title}` });
      });
    }
    return open === 0;
  }
}

/** A bounce, and the suppression it brings when it is the address's HARD_BOUNCE_LIMIT-th hard one. */
export async function recordBounce(db: Kysely<DB>, b: { partnershipId: string; email: string; issueId: string | null; kind: 'hard' | 'soft'; source: 'smtp' | 'dsn'; status: string | null; diagnostic: string | null }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('engagement_bounces').values({ partnership_id: b.partnershipId, email: b.email, issue_id: b.issueId, kind: b.kind, source: b.source, status: b.status, diagnostic: b.diagnostic }).execute();
    if (b.kind !== 'hard') return false;
    const hard = await trx.selectFrom('engagement_bounces').select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', b.partnershipId).where('email', '=', b.email).where('kind', '=', 'hard').executeTakeFirstOrThrow();
    if (Number(hard.n) < HARD_BOUNCE_LIMIT) return false;
    const added = await trx.insertInto('engagement_suppressions').values({ partnership_id: b.partnershipId, email: b.email, reason: 'hard-bounce', detail: `${b.status ?? ''} ${b.diagnostic ?? ''}`.trim().slice(0, 300) })
      .onConflict((oc) => oc.columns(['partnership_id', 'email']).doNothing()).returning('email').execute();
    if (added.length) await recordAudit(trx, { kind: 'system', partnershipId: b.partnershipId }, { action: 'create', recordType: 'engagement-suppression', recordId: b.partnershipId, summary: `Suppressed after ${hard.n} hard ${Number(hard.n) === 1 ? 'bounce' : 'bounces'}` });
    return added.length > 0;
  });
}

/** The figures of one issue: sent (accepted by the mail server), delivered, bounced, unsubscribed. */
export async function issueFigures(db: Kysely<DB>, partnershipId: string, issueId: string) {
  const states = await db.selectFrom('engagement_outbox').select(['state', sql<number>`count(*)::int`.as('n')]).where('partnership_id', '=', partnershipId).where('issue_id', '=', issueId).groupBy('state').execute();
  const n = (s: string) => states.find((x) => x.state === s)?.n ?? 0;
  const bouncedAfter = await db.selectFrom('engagement_bounces').select(sql<number>`count(distinct email)::int`.as('n')).where('partnership_id', '=', partnershipId).where('issue_id', '=', issueId).where('source', '=', 'dsn').where('kind', '=', 'hard').executeTakeFirstOrThrow();
  const unsubscribed = await db.selectFrom('engagement_unsubscribes').select(sql<number>`count(distinct subscriber_id)::int`.as('n')).where('partnership_id', '=', partnershipId).where('issue_id', '=', issueId).executeTakeFirstOrThrow();
  const total = states.reduce((a, s) => a + s.n, 0);
  const sent = n('sent');
  return {
    recipients: total, waiting: n('pending') + n('sending'), sent, delivered: Math.max(0, sent - bouncedAfter.n), bounced: n('bounced') + bouncedAfter.n,
    failed: n('failed'), suppressed: n('suppressed'), unsubscribed: unsubscribed.n,
  };
}

const PLAIN_ADDRESS = /^[\x21-\x7e]+$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
