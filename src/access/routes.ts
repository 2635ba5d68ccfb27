// Sign in, sign out, the account page and the history of any record.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { hashPassword, passwordProblem, verifyPassword, PASSWORD_HINT } from './passwords.ts';
import { SECOND_STEP_MINUTES, encryptClearTotpSecrets, useRecoveryCode, useTotpCode } from './secondFactor.ts';
import { findSetupLink, SETUP_LINK_HOURS, useSetupLink } from './setupLinks.ts';
import {
  accountDelayMs, addressAllowed, clearFailedSignIns, createSession, signInKeys, endSession, recordFailedSignIn, SESSION_COOKIE, shownName, SIGN_IN_LIMIT,
} from './sessions.ts';
import { mailerFromConfig } from '../mail/mailer.ts';
import { publicOrigin } from '../modules/public/address.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { readHistory, recordAudit } from './audit.ts';
import { presentHistory } from './history.ts';
import { authorize, passwordSignInAllowed, type Actor } from './policy.ts';
import { sessionViaSso, signInOffer } from '../modules/sso/store.ts';
import { Input, isUuid } from '../web/validate.ts';
import { NotFoundError, TooManyRequestsError, ValidationError } from '../web/errors.ts';

// Verifying against a real hash when the e-mail is unknown keeps the answer's timing
// from telling which addresses have accounts.
let dummyHash: Promise<string> | null = null;

// The tables behind the record types that pages link to the history of.
const historyTables: Record<string, string> = {
  organisation: 'organisations', person: 'people', body: 'bodies', membership: 'memberships', election: 'elections',
  'terms-of-reference': 'terms_of_reference', 'sharing-agreement': 'sharing_agreements', meeting: 'meetings',
  'agenda-item': 'agenda_items', action: 'actions',
  'strategy-agreement': 'strategy_agreements', 'plan-action': 'strategy_plan_lines',
};

async function recordExists(db: Kysely<DB>, partnershipId: string, recordType: string, id: string): Promise<boolean> {
  const table = historyTables[recordType];
  if (!table) return false;
  const row = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} where partnership_id = ${partnershipId} and id = ${id}`.execute(db);
  return row.rows.length > 0;
}

/**
 * Only a path on this site: one leading slash, then only the characters a URL may hold
 * unescaped (no space, tab, line break or backslash, which browsers strip or turn into
 * slashes, so "/\t/evil.example" would leave the site). Anything else goes home.
 */
export function safeNext(next: unknown): string {
  const s = typeof next === 'string' ? next : '';
  return s.length <= 2000 && /^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]*$/.test(s) ? s : '/';
}

/** Audit entries of review cases (record types review-*): never on the general history pages. */
export const isReviewRecordType = (recordType: string) => recordType.startsWith('review');

export async function accessRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app;
  // TOTP secrets kept in clear before they were encrypted at rest are encrypted, once per database.
  app.addHook('onReady', async () => { await encryptClearTotpSecrets(db, config.totpKey); });

  /** Tells an account's owner that someone keeps failing to sign in as them. */
  async function tellOwnerOfFailures(req: FastifyRequest, to: string, name: string) {
    const mailer = mailerFromConfig(config);
    if (!mailer) return void req.log.warn('repeated failed sign-ins; no SMTP_URL, so the account owner was not told');
    const site = publicOrigin(req.partnership, config);
    try {
      await mailer.send({
        to,
        subject: `Failed attempts to sign in to your ${req.partnership.short_name} account`,
        text: [
          `Dear ${name},`, '',
          `Someone has tried to sign in to your ${req.partnership.name} account ${SIGN_IN_LIMIT.slowAfter} times in the last ${SIGN_IN_LIMIT.windowMinutes} minutes with the wrong password, most recently from the address ${req.ip}.`, '',
          'If it was you, there is nothing to do. Your account is not locked: you can still sign in with your password, though it may take a little longer for a while.', '',
          `If it was not you, nobody has signed in, but tell an administrator of the partnership. If your password is short or used on another site, change it.`, '',
          `${site}/sign-in`,
        ].join('\n'),
      });
    } catch (e) {
      req.log.error({ err: e }, 'the e-mail about failed sign-ins could not be sent');
    } finally {
      mailer.close();
    }
  }

  app.get('/sign-in', async (req, reply) =>
    reply.view('views/sign-in.njk', { title: 'Sign in', section: 'sign-in', values: {}, next: safeNext((req.query as Record<string, unknown>).next), sso: await signInOffer(db, req.partnership.id) }),
  );

  /**
   * Checks the e-mail address and password. With a second factor on the account, the
   * session made is pending (not signed in) until its code is given: the API takes the
   * code in the same request, the pages on the next one (/sign-in/code).
   */
  async function signIn(req: FastifyRequest, code?: string): Promise<{ token: string; actor: Actor; pending: boolean }> {
    const input = new Input(req.body);
    const email = input.text('email', 'Enter your email address', 320).toLowerCase();
    const password = input.text('password', 'Enter your password', 256);
    input.check();
    const keys = signInKeys(email, req.ip);
    if (!(await addressAllowed(db, keys))) {
      throw new TooManyRequestsError(`Too many attempts to sign in from your network. Wait ${SIGN_IN_LIMIT.windowMinutes} minutes, then try again.`);
    }
    // Never a lockout: attempts on an account that has had many wrong passwords wait first.
    const delay = await accountDelayMs(db, keys);
    if (delay) await sleep(delay);
    let query = db
      .selectFrom('users')
      .innerJoin('partnership_users', 'partnership_users.user_id', 'users.id')
      .select(['users.id', 'users.email', shownName, 'users.password_hash', 'users.totp_enabled_at', 'partnership_users.role', 'partnership_users.person_id'])
      .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email))
      .where('partnership_users.partnership_id', '=', req.partnership.id)
      .where('users.disabled_at', 'is', null)
      .where('partnership_users.disabled_at', 'is', null);
    // Demo accounts have a published password: never on a real deployment.
    if (config.production) query = query.where('users.demo', '=', false);
    const user = await query.executeTakeFirst();
    dummyHash ??= hashPassword('not a real password, only for timing');
    const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
    if (!user || !ok) {
      const tellOwner = await recordFailedSignIn(db, keys);
      // Sent after the answer, so its time cannot tell whether the address has an account.
      if (tellOwner && user) setImmediate(() => void tellOwnerOfFailures(req, user.email, user.display_name));
      throw ValidationError.single('email', 'Enter a correct email address and password');
    }
    const actor: Actor = {
      kind: 'user', partnershipId: req.partnership.id, userId: user.id, displayName: user.display_name,
      role: user.role, personId: user.person_id, grants: [],
    };
    // Checked after the password, so the answer tells only its owner that the account is staff.
    const sso = await signInOffer(db, req.partnership.id);
    if (sso && !passwordSignInAllowed(user.role, sso.requiredForStaff)) {
      await clearFailedSignIns(db, keys);
      await recordAudit(db, actor, { action: 'sign-in-refused', recordType: 'user', recordId: user.id, summary: `Password refused: officers and administrators sign in with ${sso.providerName}` });
      throw ValidationError.single('email', `Officers and administrators of ${req.partnership.short_name} sign in with ${sso.providerName}, not a password. Use the button “Sign in with ${sso.providerName}”.`);
    }
    const userAgent = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null;
    if (user.totp_enabled_at && code === undefined) {
      await clearFailedSignIns(db, keys);
      // Half signed in, for a few minutes: long enough to open the app and type its code.
      const token = await createSession(db, user.id, req.partnership.id, SECOND_STEP_MINUTES / 60, { userAgent, secondFactorPending: true });
      return { token, actor, pending: true };
    }
    if (user.totp_enabled_at) {
      const codeKeys = { ...keys, account: `code:${user.id}` };
      const good = /[a-z]/i.test(code!) ? await useRecoveryCode(db, user.id, code!) : await useTotpCode(db, config.totpKey, user.id, code!);
      if (!good) {
        await recordFailedSignIn(db, codeKeys);
        throw ValidationError.single('code', code ? 'The code is not correct' : 'Enter the code from your authenticator app, or a recovery code');
      }
    }
    await clearFailedSignIns(db, keys);
    const token = await createSession(db, user.id, req.partnership.id, config.sessionHours, { userAgent });
    await recordAudit(db, actor, { action: 'sign-in', recordType: 'user', recordId: user.id, ...(user.totp_enabled_at ? { summary: 'With a second factor' } : {}) });
    return { token, actor, pending: false };
  }

  function setSessionCookie(reply: FastifyReply, token: string) {
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: config.sessionHours * 3600,
    });
  }

  app.post('/sign-in', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const { token, pending } = await signIn(req);
      setSessionCookie(reply, token);
      if (pending) return reply.redirect(`/sign-in/code?next=${encodeURIComponent(safeNext(body.next))}`, 303);
      return reply.redirect(safeNext(body.next), 303);
    } catch (e) {
      const errors = e instanceof ValidationError ? e.errors
        : e instanceof TooManyRequestsError ? [{ field: 'email', message: e.message }] : null;
      if (!errors) throw e;
      return reply.code(e instanceof TooManyRequestsError ? 429 : 400).view('views/sign-in.njk', {
        title: 'Sign in', section: 'sign-in', errors, values: { email: body.email }, next: safeNext(body.next), sso: await signInOffer(db, req.partnership.id),
      });
    }
  });

  app.post('/api/session', {
    schema: {
      tags: ['access'], summary: 'Sign in; sets the session cookie',
      body: Type.Object({
        email: Type.String(), password: Type.String(),
        code: Type.Optional(Type.String({ description: 'With two-factor authentication on: the code from the authenticator app, or a recovery code' })),
      }),
      response: { 200: Type.Object({ userId: Type.String(), role: Type.String() }) },
    },
  }, async (req, reply) => {
    const { token, actor } = await signIn(req, (req.body as { code?: string }).code ?? '');
    setSessionCookie(reply, token);
    return { userId: actor.kind === 'user' ? actor.userId : '', role: actor.kind === 'user' ? actor.role : 'public' };
  });

  // A one-time link to choose a password (setupLinks.ts). The token is in the address, so
  // the answer is never stored, and a used or old link says what to do instead.
  app.get('/set-up/:token', async (req, reply) => {
    const link = await findSetupLink(db, (req.params as { token: string }).token);
    reply.header('cache-control', 'private, no-store');
    if (!link) return reply.code(404).view('views/set-up.njk', { title: 'This link has expired', expired: true, hours: SETUP_LINK_HOURS });
    return reply.view('views/set-up.njk', { title: 'Choose your password', email: link.email, hint: PASSWORD_HINT });
  });
  app.post('/set-up/:token', async (req, reply) => {
    const link = await findSetupLink(db, (req.params as { token: string }).token);
    reply.header('cache-control', 'private, no-store');
    if (!link) return reply.code(404).view('views/set-up.njk', { title: 'This link has expired', expired: true, hours: SETUP_LINK_HOURS });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const password = typeof body.password === 'string' ? body.password : '';
    const problem = passwordProblem(password, { email: link.email, name: link.display_name });
    const errors = problem ? [{ field: 'password', message: problem }]
      : body.confirm !== password ? [{ field: 'confirm', message: 'Enter the same password twice' }] : null;
    if (errors) return reply.code(400).view('views/set-up.njk', { title: 'Choose your password', email: link.email, hint: PASSWORD_HINT, errors });
    const password_hash = await hashPassword(password);
    const done = await db.transaction().execute(async (trx) => {
      if (!(await useSetupLink(trx, link.id))) return false;
      await trx.updateTable('users').set({ password_hash }).where('id', '=', link.user_id).execute();
      // Every partnership the person works for keeps the change in its own log.
      const memberships = await trx.selectFrom('partnership_users').select('partnership_id').where('user_id', '=', link.user_id).execute();
      for (const m of memberships) {
        await recordAudit(trx, { kind: 'user', partnershipId: m.partnership_id, userId: link.user_id, displayName: link.display_name, role: 'member', personId: null, grants: [] },
          { action: 'update', recordType: 'user', recordId: link.user_id, summary: 'Password chosen through a set-up link' });
      }
      return true;
    });
    if (!done) return reply.code(404).view('views/set-up.njk', { title: 'This link has expired', expired: true, hours: SETUP_LINK_HOURS });
    return reply.flash('Your password is set. Sign in with it now').redirect('/sign-in', 303);
  });

  app.get('/sign-out', async (req, reply) => reply.view('views/sign-out.njk', { title: 'Sign out' }));
  app.post('/sign-out', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    // A session made by single sign-on: the next page offers the provider's own sign-out.
    const viaSso = token ? await sessionViaSso(db, token) : false;
    if (token) {
      await endSession(db, token);
      if (req.actor.kind === 'user') await recordAudit(db, req.actor, { action: 'sign-out', recordType: 'user', recordId: req.actor.userId, ...(viaSso ? { summary: 'Signed in with single sign-on' } : {}) });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.flash('You have signed out').redirect(viaSso ? '/signed-out/sso' : '/', 303);
  });

  app.get('/api/me', { schema: { tags: ['access'], summary: 'Who is signed in' } }, async (req) =>
    req.actor.kind === 'user'
      ? { kind: 'user', userId: req.actor.userId, displayName: req.actor.displayName, role: req.actor.role, grants: req.actor.grants }
      : { kind: 'public' },
  );

  // The history of any record, for officers: every change, who made it and when.
  app.get('/history/:recordType/:recordId', async (req, reply) => {
    authorize(req.actor, 'read-history', { type: 'history' });
    const { recordType, recordId } = req.params as { recordType: string; recordId: string };
    if (!/^[a-z-]{1,40}$/.test(recordType) || !isUuid(recordId)) throw new NotFoundError();
    // A review case's history is shown inside the case, to its own people only.
    if (isReviewRecordType(recordType)) throw new NotFoundError();
    const rows = await readHistory(db, req.actor, recordType, recordId);
    // Records loaded in bulk (the demo) have one entry for the whole load, not one each:
    // a record of this partnership with no entries shows an empty history; an id this
    // partnership does not hold is not found.
    if (!rows.length && !(await recordExists(db, req.partnership.id, recordType, recordId))) throw new NotFoundError();
    return reply.view('views/history.njk', {
      title: `History of this ${recordType.replace(/-/g, ' ')}`, rows: await presentHistory(db, req.partnership.id, rows), recordType, recordId,
    });
  });
  app.get('/api/history/:recordType/:recordId', { schema: { tags: ['access'], summary: 'The audit history of one record' } }, async (req) => {
    authorize(req.actor, 'read-history', { type: 'history' });
    const { recordType, recordId } = req.params as { recordType: string; recordId: string };
    if (isReviewRecordType(recordType)) throw new NotFoundError();
    return { items: await readHistory(db, req.actor, recordType, recordId) };
  });
}
