// Requests anyone may make without an account that add a record or send an e-mail
// (registering for a session, signing up for the bulletin): counted per client address
// in the database, like failed sign-ins (sessions.ts), so a script cannot fill a session's
// places with invented people or send our e-mail to a thousand strangers. Generous
// enough for an office behind one address; signed-in people are not counted.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from './policy.ts';
import { TooManyRequestsError } from '../web/errors.ts';

export const PUBLIC_WRITE_LIMIT = { windowMinutes: 15, perAddress: 20 };

/**
 * Counts one such request from this address, refusing it (TooManyRequestsError, a 429)
 * when the address has made PUBLIC_WRITE_LIMIT.perAddress in the window. Rows of this
 * address older than the window are cleared as it goes.
 */
export async function countPublicWrite(db: Kysely<DB>, actor: Actor, kind: string, ip: string): Promise<void> {
  if (actor.kind === 'user') return;
  const key = `public:${kind}:${ip}`;
  const since = new Date(Date.now() - PUBLIC_WRITE_LIMIT.windowMinutes * 60_000);
  await db.deleteFrom('sign_in_attempts').where('key', '=', key).where('at', '<=', since).execute();
  const made = Number((await db.selectFrom('sign_in_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('key', '=', key).executeTakeFirstOrThrow()).n);
  if (made >= PUBLIC_WRITE_LIMIT.perAddress) {
    throw new TooManyRequestsError(`Too many requests from your network. Wait ${PUBLIC_WRITE_LIMIT.windowMinutes} minutes, then try again.`);
  }
  await db.insertInto('sign_in_attempts').values({ key }).execute();
}
