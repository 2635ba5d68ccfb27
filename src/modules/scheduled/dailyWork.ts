// The server's own daily run of the reminders and requests (tasks.ts), so a council need not
// set up cron, and need not stop a server on the embedded database to run the scripts. From
// the configured time of day (UK time), each task runs once that day for each partnership,
// however many instances serve it: the instance whose insert writes the day's row
// (daily_runs, migration 057) does the work and records what it did. A claim not finished
// within the lease belonged to an instance that died; another takes it over (each task is
// safe to run twice, so a message half sent is not sent twice), at most three tries a day.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Config } from '../../config.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { reminderRunActor } from '../actions/reminders.ts';
import { publicOrigin } from '../public/address.ts';
import { todayIso } from '../partnership/domain.ts';
import { DAILY_TASKS, type DailyTask } from './tasks.ts';

export interface DailyWorkOptions {
  db: Kysely<DB>;
  mailer: Mailer;
  config: Pick<Config, 'baseUrl' | 'sessionSecret' | 'mailFrom'> & { dailyWorkAt: string | null };
  tasks?: readonly DailyTask[];
  /** A claim older than this, unfinished, is taken to belong to an instance that has stopped. */
  leaseMs?: number;
  pollMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

/** What one claimed run did, for the log and the tests. */
export interface DailyRunDone { partnershipId: string; task: string; runOn: string; summary: string; failures: number }

export const MAX_ATTEMPTS = 3;

/** The UK wall-clock time of a moment as HH:MM, for comparing with DAILY_WORK_AT. */
export function ukTimeOfDay(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('hour')}:${part('minute')}`;
}

export class DailyWork {
  readonly id = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  /** Set by stop(): a run in progress ends after the task in hand. */
  private stopping = false;
  private readonly opts: DailyWorkOptions;

  constructor(opts: DailyWorkOptions) {
    this.opts = opts;
  }

  start(): this {
    this.stopped = false;
    this.tick();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.stopped || this.running) return;
    this.running = this.runDue().catch((e: unknown) => this.opts.log?.(`Daily work could not run: ${e instanceof Error ? e.message : String(e)}`)).finally(() => {
      this.running = null;
      if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.opts.pollMs ?? 60_000);
      this.timer?.unref();
    });
  }

  /** Runs every task due now that no instance has done (or is doing) today; returns what ran here. */
  async runDue(): Promise<DailyRunDone[]> {
    const { db, config } = this.opts;
    const now = this.opts.now?.() ?? new Date();
    if (!config.dailyWorkAt || ukTimeOfDay(now) < config.dailyWorkAt) return [];
    const today = todayIso(now);
    const done: DailyRunDone[] = [];
    const partnerships = await db.selectFrom('partnerships').select(['id', 'slug', 'short_name', 'hostname', 'public_url']).orderBy('slug').execute();
    for (const p of partnerships) {
      for (const task of this.opts.tasks ?? DAILY_TASKS) {
        if (this.stopping) return done;
        if (!(await this.claim(p.id, task.name, today))) continue;
        let summary: string;
        let failures = 0;
        let finished = true;
        try {
          const run = await task.run({ db, actor: reminderRunActor(p.id), mailer: this.opts.mailer, baseUrl: publicOrigin(p, config), config }, today);
          summary = run.summary;
          failures = run.failed.length;
          for (const f of run.failed) this.opts.log?.(`${p.short_name}: ${task.label}: could not send to ${f.to}: ${f.error}`);
        } catch (e) {
          // Left unfinished: tried again after the lease, up to MAX_ATTEMPTS times today.
          summary = `Stopped by an error: ${e instanceof Error ? e.message : String(e)}`;
          finished = false;
        }
        await db.updateTable('daily_runs').set({ summary, failures, finished_at: finished ? new Date() : null })
          .where('partnership_id', '=', p.id).where('task', '=', task.name).where('run_on', '=', today).where('claimed_by', '=', this.id).execute();
        this.opts.log?.(`${p.short_name}: ${task.label}: ${summary}`);
        done.push({ partnershipId: p.id, task: task.name, runOn: today, summary, failures });
      }
    }
    return done;
  }

  /** The day's row written (or taken over from a claim past its lease) by this instance: true when the work is ours. */
  private async claim(partnershipId: string, task: string, runOn: string): Promise<boolean> {
    const lease = `${Math.max(0, Math.round((this.opts.leaseMs ?? 30 * 60_000) / 1000))} seconds`;
    const { rows } = await sql<{ claimed_by: string }>`
      insert into daily_runs (partnership_id, task, run_on, claimed_by) values (${partnershipId}, ${task}, ${runOn}, ${this.id})
      on conflict (partnership_id, task, run_on) do update set claimed_by = excluded.claimed_by, claimed_at = now(), attempts = daily_runs.attempts + 1, summary = null
      where daily_runs.finished_at is null and daily_runs.claimed_at <= now() - ${lease}::interval and daily_runs.attempts < ${MAX_ATTEMPTS}
      returning claimed_by`.execute(this.opts.db);
    return rows[0]?.claimed_by === this.id;
  }
}

/** The last runs, newest first, for the administrator's page. */
export async function recentDailyRuns(db: Kysely<DB>, partnershipId: string, days = 14) {
  return db.selectFrom('daily_runs').selectAll().where('partnership_id', '=', partnershipId)
    .where('run_on', '>=', todayIso(new Date(Date.now() - days * 86_400_000))).orderBy('run_on', 'desc').orderBy('task').execute();
}
