// One-time links to choose a password. An administrator never sets or learns anyone's
// password: a new user (and the first administrator, from `npm run create-admin`) gets a
// link that works once, for a few days. Only the SHA-256 of its token is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

export const SETUP_LINK_HOURS = 72;
/** A link to reset a forgotten password works for an hour: it is asked for by someone waiting for it. */
export const RESET_LINK_MINUTES = 60;

export type LinkPurpose = 'set-up' | 'reset';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A password hash no password matches: the account waits for its set-up link. */
export const NO_PASSWORD_YET = '!no-password-yet';

/**
 * Makes a link for the user (earlier unused links, of either purpose, stop working);
 * returns its token, which is only ever put in the e-mail: never logged nor audited.
 */
export async function createSetupLink(db: Kysely<DB> | Transaction<DB>, userId: string, hours = SETUP_LINK_HOURS, purpose: LinkPurpose = 'set-up'): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.updateTable('password_setup_links').set({ used_at: new Date() }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
  await db.insertInto('password_setup_links').values({ id: sha256(token), user_id: userId, purpose, expires_at: new Date(Date.now() + hours * 3600_000) }).execute();
  return token;
}

export const createResetLink = (db: Kysely<DB> | Transaction<DB>, userId: string) => createSetupLink(db, userId, RESET_LINK_MINUTES / 60, 'reset');

export const setupPath = (token: string) => `/set-up/${token}`;
export const resetPath = (token: string) => `/reset-password/${token}`;

/** The user a token is for, while it is unused and in date. */
export async function findSetupLink(db: Kysely<DB>, token: string, purpose: LinkPurpose = 'set-up') {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const row = await db.selectFrom('password_setup_links as l').innerJoin('users as u', 'u.id', 'l.user_id')
    .select(['l.id', 'l.user_id', 'l.expires_at', 'u.email', 'u.display_name'])
    .where('l.id', '=', sha256(token)).where('l.purpose', '=', purpose).where('l.used_at', 'is', null).executeTakeFirst();
  return row && row.expires_at.getTime() > Date.now() ? row : undefined;
}

/** Spends the link: true when this call used it (a second, racing use gets false). */
export async function useSetupLink(trx: Transaction<DB>, linkId: string): Promise<boolean> {
  const used = await trx.updateTable('password_setup_links').set({ used_at: new Date() })
    .where('id', '=', linkId).where('used_at', 'is', null).where('expires_at', '>', new Date()).returning('id').executeTakeFirst();
  return Boolean(used);
}
