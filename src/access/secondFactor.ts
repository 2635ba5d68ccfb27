// The optional second factor: a time-based code from an authenticator app (TOTP, RFC
// 6238, through otpauth) and ten single-use recovery codes kept only as hashes. A
// partnership may require it of everyone who can read restricted business; such a person
// is sent to set it up and reaches nothing else until they have. The TOTP secret (and the
// one being set up) is held encrypted at rest, as single sign-on's client secret is
// (AES-256-GCM, modules/sso/secret.ts), under config.totpKey with the account's id as the
// additional data: a secret copied to another account's row does not open.
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { FastifyInstance } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { readScope, type Actor } from './policy.ts';
import { decryptSecret, encryptSecret } from '../modules/sso/secret.ts';
import { runOnce } from '../db/oneOff.ts';

const PERIOD = 30;
/** How long the password step of signing in waits for the code. */
export const SECOND_STEP_MINUTES = 10;
export const RECOVERY_CODE_COUNT = 10;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export const newTotpSecret = () => new Secret({ size: 20 }).base32;

/** A TOTP secret as it is kept in users.totp_secret or totp_pending_secret. */
export const sealTotpSecret = (key: Buffer, userId: string, secret: string) => encryptSecret(key, userId, secret);
/** The secret kept, or null when it does not open (another key, another account, or not encrypted). */
export const openTotpSecret = (key: Buffer, userId: string, stored: string | null) => (stored ? decryptSecret(key, userId, stored) : null);

/** The one-off task (one_off_tasks, migration 054) that encrypted the secrets kept in clear before. */
export const TOTP_SECRETS_ENCRYPTED = 'totp-secrets-encrypted';

/** Encrypts every TOTP secret still kept in clear, once per database; returns how many it encrypted. */
export async function encryptClearTotpSecrets(db: Kysely<DB>, key: Buffer): Promise<number> {
  let n = 0;
  await runOnce(db, TOTP_SECRETS_ENCRYPTED, async (trx) => {
    const rows = await trx.selectFrom('users').select(['id', 'totp_secret', 'totp_pending_secret'])
      .where((eb) => eb.or([eb('totp_secret', 'is not', null), eb('totp_pending_secret', 'is not', null)])).forUpdate().execute();
    // A clear secret is base32; an encrypted one opens with the key (left as it is).
    const seal = (id: string, v: string | null) => (v === null || openTotpSecret(key, id, v) !== null ? v : sealTotpSecret(key, id, v));
    for (const r of rows) {
      const [secret, pending] = [seal(r.id, r.totp_secret), seal(r.id, r.totp_pending_secret)];
      if (secret === r.totp_secret && pending === r.totp_pending_secret) continue;
      await trx.updateTable('users').set({ totp_secret: secret, totp_pending_secret: pending }).where('id', '=', r.id).execute();
      n++;
    }
  });
  return n;
}

export function totpFor(secret: string, account: string, issuer: string): TOTP {
  return new TOTP({ issuer, label: account, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** The secret as people type it: groups of four. */
export const groupedSecret = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/** The QR code an authenticator app scans, as an SVG drawing (no script, no external parts). */
export async function qrCodeSvg(uri: string): Promise<string> {
  // Loaded when first drawn, not at start: only someone setting up a second factor sees one.
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return svg.replace('<svg ', '<svg role="img" aria-label="QR code for your authenticator app" focusable="false" width="220" height="220" ');
}

/**
 * The 30-second step of a correct code, allowing one step either side for a clock a little
 * out, or null. A code at or before `lastStep` has been used already and is refused.
 */
export function checkTotp(secret: string, code: string, lastStep: number | null, now = Date.now()): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = new TOTP({ algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) }).validate({ token, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/** Accepts the code for the account and remembers its step, so it cannot be used again. */
export async function useTotpCode(db: Kysely<DB> | Transaction<DB>, key: Buffer, userId: string, code: string): Promise<boolean> {
  const user = await db.selectFrom('users').select(['totp_secret', 'totp_last_step']).where('id', '=', userId).executeTakeFirst();
  const secret = openTotpSecret(key, userId, user?.totp_secret ?? null);
  if (!user || !secret) return false;
  const step = checkTotp(secret, code, user.totp_last_step === null ? null : Number(user.totp_last_step));
  if (step === null) return false;
  const updated = await db.updateTable('users').set({ totp_last_step: step }).where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)])).returning('id').executeTakeFirst();
  return Boolean(updated);
}

const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Ten new codes for the account (earlier ones stop working); returns them to be shown once. */
export async function replaceRecoveryCodes(db: Kysely<DB> | Transaction<DB>, userId: string): Promise<string[]> {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    const s = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db.insertInto('recovery_codes').values(codes.map((c) => ({ user_id: userId, code_hash: sha256(normaliseRecoveryCode(c)) }))).execute();
  return codes;
}

/** Spends a recovery code: true when it was unused and is now used. */
export async function useRecoveryCode(db: Kysely<DB> | Transaction<DB>, userId: string, code: string): Promise<boolean> {
  const normal = normaliseRecoveryCode(code);
  if (normal.length !== 10) return false;
  const used = await db.updateTable('recovery_codes').set({ used_at: new Date() })
    .where('user_id', '=', userId).where('code_hash', '=', sha256(normal)).where('used_at', 'is', null).returning('id').executeTakeFirst();
  return Boolean(used);
}

export async function unusedRecoveryCodes(db: Kysely<DB>, userId: string): Promise<number> {
  const row = await db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether the actor can read restricted business: officers, administrators, members with a grant or a seat that opens it. */
export function readsRestricted(actor: Actor): boolean {
  const scope = readScope(actor);
  return scope.kind === 'everything' || (scope.kind === 'members' && (scope.restrictedBodyIds.length > 0 || scope.caseIds.length > 0));
}

export async function secondFactorRequired(db: Kysely<DB>, partnershipId: string): Promise<boolean> {
  const row = await db.selectFrom('account_settings').select('require_second_factor').where('partnership_id', '=', partnershipId).executeTakeFirst();
  return row?.require_second_factor ?? false;
}

/** Whether this person must set up a second factor before anything else: required of them, and not yet done. */
export async function mustSetUpSecondFactor(db: Kysely<DB>, actor: Actor): Promise<boolean> {
  if (actor.kind !== 'user' || !readsRestricted(actor)) return false;
  const row = await db.selectFrom('users').leftJoin('account_settings as s', (j) => j.on('s.partnership_id', '=', actor.partnershipId))
    .select(['users.totp_enabled_at', 's.require_second_factor']).where('users.id', '=', actor.userId).executeTakeFirst();
  return Boolean(row?.require_second_factor) && !row?.totp_enabled_at;
}

export const SECOND_FACTOR_SET_UP = '/account/two-factor/set-up';
/** What someone who must set up the second factor may still reach. */
const openWhileRequired = [/^\/account\/two-factor(\/|$|\?)/, /^\/sign-out(\?|$)/, /^\/api\/me(\?|$)/, /^\/assets\//, /^\/static\//, /^\/health$/];

/**
 * Sends anyone who must set up a second factor to do so: pages redirect to the set-up
 * page, the API answers 403 with the reason. Runs after the request's actor is known.
 */
export function registerSecondFactorGate(app: FastifyInstance): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!req.actor || req.actor.kind !== 'user') return;
    if (openWhileRequired.some((r) => r.test(req.url))) return;
    const missing = req.secondFactorMissing === null ? await mustSetUpSecondFactor(app.db, req.actor) : req.secondFactorMissing && readsRestricted(req.actor);
    if (!missing) return;
    if (req.url.startsWith('/api/')) {
      return reply.code(403).type('application/problem+json').send({
        type: 'about:blank', status: 403, title: 'Second factor required',
        detail: `Your partnership requires a second factor for your account. Set it up at ${SECOND_FACTOR_SET_UP} first`,
      });
    }
    return reply.redirect(SECOND_FACTOR_SET_UP, 303);
  });
}
