// SQL of the single sign-on module. Every query is scoped by partnership_id.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { sessionHash, shownName } from '../../access/sessions.ts';
import { FLOW_MINUTES } from './domain.ts';

type Db = Kysely<DB> | Transaction<DB>;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const findSettings = (db: Db, partnershipId: string) =>
  db.selectFrom('sso_settings').selectAll().where('partnership_id', '=', partnershipId).executeTakeFirst();

export type SsoSettings = NonNullable<Awaited<ReturnType<typeof findSettings>>>;

/** What the sign-in page needs: the provider's name when single sign-on is set up, and whether staff must use it. */
export async function signInOffer(db: Db, partnershipId: string): Promise<{ providerName: string; requiredForStaff: boolean } | null> {
  const row = await db.selectFrom('sso_settings').select(['provider_name', 'required_for_staff']).where('partnership_id', '=', partnershipId).executeTakeFirst();
  return row ? { providerName: row.provider_name, requiredForStaff: row.required_for_staff } : null;
}

/** A sign-in sent to the provider: the cookie's token is returned, the table keeps its hash. */
export async function createFlow(db: Db, partnershipId: string, flow: { state: string; nonce: string; codeVerifier: string; next: string }, token: string) {
  // Old, unfinished sign-ins go as new ones come.
  await db.deleteFrom('sso_flows').where('expires_at', '<', new Date(Date.now() - 86_400_000)).execute();
  await db.insertInto('sso_flows').values({
    id: sha256(token), partnership_id: partnershipId, state: flow.state, nonce: flow.nonce, code_verifier: flow.codeVerifier, next: flow.next,
    expires_at: new Date(Date.now() + FLOW_MINUTES * 60_000),
  }).execute();
}

export const findFlow = (db: Db, partnershipId: string, token: string) =>
  db.selectFrom('sso_flows').selectAll().where('id', '=', sha256(token)).where('partnership_id', '=', partnershipId).executeTakeFirst();

/** Marks the sign-in used: true only the first time, so its answer counts once. */
export async function useFlow(db: Db, id: string): Promise<boolean> {
  const row = await db.updateTable('sso_flows').set({ used_at: new Date() }).where('id', '=', id).where('used_at', 'is', null).returning('id').executeTakeFirst();
  return Boolean(row);
}

/** The partnership's user with this address (any case), with their account's state. */
export function findUserByEmail(db: Db, partnershipId: string, email: string, refuseDemo: boolean) {
  let q = db.selectFrom('users')
    .innerJoin('partnership_users', 'partnership_users.user_id', 'users.id')
    .select(['users.id', 'users.email', shownName, 'users.disabled_at', 'users.demo', 'users.totp_enabled_at', 'partnership_users.role', 'partnership_users.person_id', 'partnership_users.disabled_at as partnership_disabled_at'])
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email.toLowerCase()))
    .where('partnership_users.partnership_id', '=', partnershipId);
  if (refuseDemo) q = q.where('users.demo', '=', false);
  return q.executeTakeFirst();
}

/** An account with this address in any partnership (one address, one account). */
export const findAccount = (db: Db, email: string) =>
  db.selectFrom('users').select(['id', 'disabled_at', 'demo']).where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).executeTakeFirst();

/** Whether the session behind this cookie was made by single sign-on. */
export async function sessionViaSso(db: Db, token: string): Promise<boolean> {
  const row = await db.selectFrom('sessions').select('via_sso').where('id', '=', sessionHash(token)).executeTakeFirst();
  return row?.via_sso ?? false;
}
