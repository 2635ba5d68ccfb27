// The loop shared by the background job runners (document imports, police.uk imports):
// claim the next waiting piece of work (a query with `for update skip locked`, so two
// instances never take the same one, and a lapsed lease lets another take over work whose
// instance stopped), do it, and when there is none wait for the poll interval or a wake
// (new work queued in this process), until stopped.
import { sql, type RawBuilder } from 'kysely';

export interface PollerOptions<T> {
  /** Takes the next waiting piece of work, or null: a claim with `for update skip locked`. */
  claim: () => Promise<T | null>;
  /** Does one claimed piece of work to its end. */
  work: (claimed: T) => Promise<void>;
  /** How often to look for work another process queued. */
  pollMs: number;
  /** Told of an error in a claim or a piece of work; the loop goes on. */
  onError?: (error: unknown) => void;
}

export class Poller<T> {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** A wake while a claim was under way: look again instead of waiting. */
  private woken = false;
  private readonly options: PollerOptions<T>;
  constructor(options: PollerOptions<T>) {
    this.options = options;
  }

  /** True once stop() was called: work in hand should be left to be claimed again. */
  get stopping(): boolean { return this.stopped; }

  /** Starts looking for work in the background; `first` runs before the first claim. */
  start(first?: () => Promise<void>): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = this.run(first);
  }

  /** New work was queued: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops looking and waits for the work in hand; `meanwhile` runs before the wait (to end a reader, say). */
  async stop(meanwhile?: () => Promise<void>): Promise<void> {
    this.stopped = true;
    this.wake();
    await meanwhile?.();
    await this.loop;
    this.loop = null;
  }

  /** Claims and does one piece of work; false when none was waiting. */
  async runOnce(): Promise<boolean> {
    const claimed = await this.options.claim();
    if (claimed === null) return false;
    await this.options.work(claimed);
    return true;
  }

  /** Does waiting work until none is left or the poller is stopped (tests, the command line). */
  async drain(): Promise<number> {
    let n = 0;
    while (!this.stopped && (await this.runOnce())) n++;
    return n;
  }

  private async run(first?: () => Promise<void>): Promise<void> {
    await first?.().catch((error) => this.options.onError?.(error));
    while (!this.stopped) {
      let worked = false;
      this.woken = false;
      try {
        worked = await this.runOnce();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!worked && !this.stopped && !this.woken) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs);
          timer.unref();
          this.wakeUp = () => { clearTimeout(timer); resolve(); };
        });
        this.wakeUp = null;
      }
    }
  }
}

/**
 * In a claim: the lease on claimed work has lapsed (its instance has not been heard from for
 * leaseMs). At or past the limit, not strictly past: with a lease of 0 (tests, an operator
 * taking work back at once) two statements inside one tick of PGlite's clock see the same
 * now(), and strictly-past would keep the work claimed.
 */
export const leaseLapsed = (heardAt: RawBuilder<unknown>, leaseMs: number) =>
  sql<boolean>`${heardAt} <= now() - (${Math.max(0, Math.round(leaseMs))}::integer * interval '1 millisecond')`;
