// Sends queued notices, one outbox row at a time: claim it in the database (status
// 'sending', the time and this runner's id), send it, mark it sent. A runner that stops
// or is killed leaves at most the one row it had claimed; a runner started later takes
// that row again once its claim is older than the lease, and every other row is still
// pending, so each recipient gets the notice once. (A message the mail server accepted in
// the instant before the process died is sent again with the same Message-ID.)
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { Mailer } from '../../../mail/mailer.ts';
import type { Config } from '../../../config.ts';
import { loadUserActor } from '../../../access/sessions.ts';
import type { Actor } from '../../../access/policy.ts';
import { publicOrigin } from '../../public/address.ts';
import { loadMeetingRecord, laterMeetingsOf } from '../store.ts';
import { buildMeetingView } from '../record.ts';
import { auditRestrictedReads, mayReadRestricted } from '../access.ts';
import { noticeMessage } from './message.ts';
import { noticeEvents } from './queue.ts';

export interface NoticeRunnerOptions {
  db: Kysely<DB>;
  mailer: Mailer;
  config: Pick<Config, 'baseUrl' | 'mailFrom'>;
  /** A claim older than this is taken to belong to a runner that has stopped. */
  leaseMs?: number;
  /** How long a failed send waits before it is tried again, and how many tries in all. */
  retryMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  /** For tests: called after each message the mail server accepted, before it is marked sent. */
  afterSend?: (outboxId: string) => void | Promise<void>;
}

type OutboxRow = { partnership_id: string; id: string; notice_id: string; user_id: string | null; email: string; name: string; message_id: string; attempts: number };

export class NoticeRunner {
  readonly id = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private halted = false;
  private readonly onQueued = () => { this.wake(); setTimeout(() => this.wake(), 300).unref(); };

  private readonly opts: NoticeRunnerOptions;
  constructor(opts: NoticeRunnerOptions) {
    this.opts = opts;
  }

  start(): this {
    this.stopped = false;
    this.halted = false;
    noticeEvents.on('queued', this.onQueued);
    this.wake();
    return this;
  }

  /** Stops after the message in hand (if any) is sent and marked. */
  async stop(): Promise<void> {
    this.stopped = true;
    noticeEvents.off('queued', this.onQueued);
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Stops at once, as a killed process would: the message in hand is neither sent nor
   * marked, its claim stays in the database. For tests of what a restart does.
   */
  halt(): void {
    this.halted = true;
    this.stopped = true;
    noticeEvents.off('queued', this.onQueued);
    if (this.timer) clearTimeout(this.timer);
  }

  /** Runs now if idle; otherwise the loop in progress will see the new work. */
  wake(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.running = this.drain().then(() => {}, () => {}).finally(() => {
      this.running = null;
      if (!this.stopped) this.timer = setTimeout(() => this.wake(), this.opts.pollMs ?? 5_000);
      this.timer?.unref();
    });
  }

  /** Sends every message that is due, one after another; resolves when none is left. */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      if (this.halted) return sent;
      const row = await this.claim();
      if (!row) return sent;
      if (await this.deliver(row)) sent++;
    }
  }

  private async claim(): Promise<OutboxRow | undefined> {
    const { db } = this.opts;
    const lease = `${Math.round((this.opts.leaseMs ?? 120_000) / 1000)} seconds`;
    const retry = `${Math.round((this.opts.retryMs ?? 60_000) / 1000)} seconds`;
    const result = await sql<OutboxRow>`
      update notice_outbox o set status = 'sending', claimed_at = now(), claimed_by = ${this.id}, attempts = o.attempts + 1
      where (o.partnership_id, o.id) = (
        select partnership_id, id from notice_outbox
        where (status = 'pending' and (claimed_at is null or claimed_at < now() - ${retry}::interval))
           or (status = 'sending' and claimed_at < now() - ${lease}::interval)
        order by created_at, id
        limit 1
        for update skip locked)
      returning o.partnership_id, o.id, o.notice_id, o.user_id, o.email, o.name, o.message_id, o.attempts`.execute(db);
    return result.rows[0];
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const { db } = this.opts;
    let membersVersion = false;
    try {
      const built = await this.build(row);
      membersVersion = built.membersVersion;
      if (this.halted) return false;
      await this.opts.mailer.send({ ...built.message, messageId: row.message_id });
    } catch (error) {
      if (this.halted) return false;
      const failed = row.attempts >= (this.opts.maxAttempts ?? 3);
      await db.updateTable('notice_outbox').set({ status: failed ? 'failed' : 'pending', last_error: String((error as Error)?.message ?? error).slice(0, 500) })
        .where('partnership_id', '=', row.partnership_id).where('id', '=', row.id).where('claimed_by', '=', this.id).execute();
      return false;
    }
    await this.opts.afterSend?.(row.id);
    await db.updateTable('notice_outbox').set({ status: 'sent', sent_at: new Date(), last_error: null, members_version: membersVersion })
      .where('partnership_id', '=', row.partnership_id).where('id', '=', row.id).where('claimed_by', '=', this.id).execute();
    return true;
  }

  /** The message as this recipient may see the meeting now. */
  private async build(row: OutboxRow) {
    const { db, config } = this.opts;
    const pid = row.partnership_id;
    const notice = await db.selectFrom('meeting_notices').selectAll().where('partnership_id', '=', pid).where('id', '=', row.notice_id).executeTakeFirstOrThrow();
    const partnership = await db.selectFrom('partnerships').select(['name', 'public_url', 'hostname']).where('id', '=', pid).executeTakeFirstOrThrow();
    const record = await loadMeetingRecord(db, pid, notice.meeting_id);
    if (!record) throw new Error('The meeting no longer exists');
    const actor = await this.recipientActor(pid, row.user_id);
    const later = await laterMeetingsOf(db, pid, record.meeting.body_id, record.meeting.meets_on);
    const view = buildMeetingView(record, actor, { laterMeetings: later });
    const membersVersion = mayReadRestricted(actor, record.meeting.body_id);
    const from = /<([^>]+)>/.exec(config.mailFrom)?.[1] ?? config.mailFrom;
    const message = noticeMessage({
      kind: notice.kind, sequence: notice.sequence, view, partnershipName: partnership.name, origin: publicOrigin(partnership, config),
      recipient: { name: row.name, email: row.email }, membersVersion, organizer: { name: partnership.name, email: from },
    });
    // Restricted items e-mailed are reads of restricted content, by the recipient.
    await auditRestrictedReads(db, actor, view.restrictedShown.map((r) => ({ ...r, summary: `${r.summary}: e-mailed with the ${notice.kind} notice` })));
    return { message, membersVersion };
  }

  /** The recipient as the policy sees them: their account if it is active here, else the public. */
  private async recipientActor(partnershipId: string, userId: string | null): Promise<Actor> {
    if (userId) {
      const u = await this.opts.db.selectFrom('users as u')
        .innerJoin('partnership_users as pu', (j) => j.onRef('pu.user_id', '=', 'u.id').on('pu.partnership_id', '=', partnershipId))
        .select(['u.id', 'u.display_name', 'pu.role', 'pu.person_id'])
        .where('u.id', '=', userId).where('u.disabled_at', 'is', null).where('pu.disabled_at', 'is', null)
        .executeTakeFirst();
      if (u) return loadUserActor(this.opts.db, partnershipId, u.id, u.display_name, u.role, u.person_id);
    }
    return { kind: 'public', partnershipId };
  }
}
