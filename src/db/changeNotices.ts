// Several app processes on one PostgreSQL server: each tells the others of the changes it
// makes (NOTIFY), and hears theirs (LISTEN), so what one keeps in memory about a
// partnership (web/publicCache.ts) is forgotten when another changes it. No other server
// is needed. PGlite is one process by design and has no need of it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onPartnershipChange, partnershipChanged } from './changes.ts';

const CHANNEL = 'ph_changes';

export interface ChangeNotices {
  /** Tells the other processes that a partnership changed. */
  notify(partnershipId: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Listens on the server for other processes' changes and passes this process's on.
 * `heard` is what to do with another's change (by default: count it here too).
 */
export async function startChangeNotices(
  databaseUrl: string,
  opts: { heard?: (partnershipId: string) => void; passOn?: boolean; onError?: (e: Error) => void } = {},
): Promise<ChangeNotices> {
  const self = randomBytes(6).toString('hex');
  const heard = opts.heard ?? ((id: string) => partnershipChanged(id, true));
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', (e) => opts.onError?.(e));
  await client.connect();
  client.on('notification', (n) => {
    const [from, partnershipId] = (n.payload ?? '').split(':');
    if (from !== self && partnershipId) heard(partnershipId);
  });
  await client.query(`listen ${CHANNEL}`);
  const notify = async (partnershipId: string) => {
    await client.query('select pg_notify($1, $2)', [CHANNEL, `${self}:${partnershipId}`]);
  };
  const unsubscribe = opts.passOn === false ? () => {} : onPartnershipChange((id) => { notify(id).catch((e: Error) => opts.onError?.(e)); });
  return {
    notify,
    stop: async () => {
      unsubscribe();
      await client.end().catch(() => {});
    },
  };
}
