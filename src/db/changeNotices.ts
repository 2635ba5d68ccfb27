// Several app processes on one PostgreSQL server: each tells the others of the changes it
// makes (NOTIFY), and hears theirs (LISTEN), so what one keeps in memory about a
// partnership (web/publicCache.ts) is forgotten when another changes it. No other server
// is needed. PGlite is one process by design and has no need of it.
// The listening connection is re-opened when it drops (a server restart, a fail-over, an
// idle connection cut by a firewall). What was said while it was down is lost, so every
// partnership counts as changed when it drops and again when it is back.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { everyPartnershipChanged, onPartnershipChange, partnershipChanged } from './changes.ts';

const CHANNEL = 'ph_changes';

export interface ChangeNotices {
  /** The listening connection's application_name on the server (pg_stat_activity). */
  readonly connectionName: string;
  /** Tells the other processes that a partnership changed. */
  notify(partnershipId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface ChangeNoticeOptions {
  /** What to do with another instance's change (by default: count it here too). */
  heard?: (partnershipId: string) => void;
  /** Pass this process's own changes on (default true). */
  passOn?: boolean;
  onError?: (e: Error) => void;
  /** Notices may have been missed while the connection was down (by default: every partnership changed). */
  missed?: () => void;
  /** The first wait before re-opening a dropped connection; doubles up to 30 s. */
  retryMs?: number;
}

/** Listens on the server for other processes' changes and passes this process's on. */
export async function startChangeNotices(databaseUrl: string, opts: ChangeNoticeOptions = {}): Promise<ChangeNotices> {
  const self = randomBytes(6).toString('hex');
  const connectionName = `ph-change-notices-${self}`;
  const heard = opts.heard ?? ((id: string) => partnershipChanged(id, true));
  const missed = opts.missed ?? everyPartnershipChanged;
  const firstRetryMs = opts.retryMs ?? 1_000;
  let client: pg.Client | null = null;
  let stopping = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryMs = firstRetryMs;

  const open = async () => {
    const c = new pg.Client({ connectionString: databaseUrl, application_name: connectionName });
    c.on('error', (e) => { opts.onError?.(e); lost(c); });
    c.on('end', () => lost(c));
    c.on('notification', (n) => {
      const [from, partnershipId] = (n.payload ?? '').split(':');
      if (from !== self && partnershipId) heard(partnershipId);
    });
    await c.connect();
    await c.query(`listen ${CHANNEL}`);
    client = c;
    retryMs = firstRetryMs;
  };

  // A dropped connection: forget what is kept, then try again, waiting longer each time.
  const lost = (c: pg.Client) => {
    if (stopping || client !== c) return;
    client = null;
    c.end().catch(() => {});
    missed();
    schedule();
  };
  const schedule = () => {
    if (stopping || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      open().then(missed, (e: Error) => {
        opts.onError?.(e);
        retryMs = Math.min(retryMs * 2, 30_000);
        schedule();
      });
    }, retryMs);
    retryTimer.unref();
  };

  await open();
  const notify = async (partnershipId: string) => {
    if (!client) throw new Error('the change notices connection is down; it is being re-opened');
    await client.query('select pg_notify($1, $2)', [CHANNEL, `${self}:${partnershipId}`]);
  };
  const unsubscribe = opts.passOn === false ? () => {} : onPartnershipChange((id) => { notify(id).catch((e: Error) => opts.onError?.(e)); });
  return {
    connectionName,
    notify,
    stop: async () => {
      stopping = true;
      if (retryTimer) clearTimeout(retryTimer);
      unsubscribe();
      await client?.end().catch(() => {});
    },
  };
}
