// A person's own account: their password (change it, or reset a forgotten one by e-mail),
// the sessions they are signed in with, and their second factor. Also the second step of
// signing in, and the partnership's account rules that administrators set.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import Bowser from 'bowser';
import { sql } from 'kysely';
import { hashPassword, passwordProblem, verifyPassword, PASSWORD_HINT } from './passwords.ts';
import { createResetLink, findSetupLink, resetPath, RESET_LINK_MINUTES, useSetupLink } from './setupLinks.ts';
import {
  accountDelayMs, addressAllowed, clearFailedSignIns, recordFailedSignIn, sessionHash, SESSION_COOKIE, signInKeys, SIGN_IN_LIMIT,
} from './sessions.ts';
import { recordAudit } from './audit.ts';
import { authorize, type Actor } from './policy.ts';
import { sendAccountMail } from './accountMail.ts';
import {
  groupedSecret, mustSetUpSecondFactor, newTotpSecret, qrCodeSvg, readsRestricted, replaceRecoveryCodes, secondFactorRequired,
  totpFor, unusedRecoveryCodes, useRecoveryCode, useTotpCode, checkTotp, RECOVERY_CODE_COUNT, openTotpSecret, sealTotpSecret,
} from './secondFactor.ts';
import { publicOrigin } from '../modules/public/address.ts';
import { isUuid } from '../web/validate.ts';
import { ForbiddenError, NotFoundError, TooManyRequestsError, ValidationError, type FieldError } from '../web/errors.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { safeNext } from './routes.ts';

type UserActor = Extract<Actor, { kind: 'user' }>;

/** Forgotten-password e-mails: at most this many per address an hour, and per client address in the sign-in window. */
export const RESET_LIMIT = { perAccountPerHour: 3, perAddress: 20 };

/** "Firefox on Windows", from the browser's User-Agent, or a plain description when it says nothing useful. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'An unknown browser or app';
  const p = Bowser.parse(userAgent);
  const browser = p.browser.name;
  const os = [p.os.name, p.os.versionName].filter(Boolean).join(' ');
  if (!browser && !os) return 'An unknown browser or app';
  return [browser ?? 'A browser', os ? `on ${os}` : ''].filter(Boolean).join(' ');
}

const fieldValue = (body: unknown, field: string) => {
  const v = (body as Record<string, unknown> | undefined)?.[field];
  return typeof v === 'string' ? v : '';
};

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app;

  function signedIn(req: FastifyRequest): UserActor {
    // Someone signed out (or whose session has ended) is sent to sign in, then back here.
    if (req.actor.kind !== 'user') throw new ForbiddenError('sign-in');
    authorize(req.actor, 'update', { type: 'account', ownAccount: true });
    return req.actor as UserActor;
  }

  const account = (userId: string) => db.selectFrom('users')
    .select(['id', 'email', 'display_name', 'password_hash', 'totp_secret', 'totp_pending_secret', 'totp_enabled_at'])
    .where('id', '=', userId).executeTakeFirstOrThrow();

  /** Every partnership the account works for records a change to it in its own log. */
  async function auditForAccount(trx: Parameters<typeof recordAudit>[0], userId: string, name: string, summary: string) {
    const memberships = await trx.selectFrom('partnership_users').select('partnership_id').where('user_id', '=', userId).execute();
    for (const m of memberships) {
      await recordAudit(trx, { kind: 'user', partnershipId: m.partnership_id, userId, displayName: name, role: 'member', personId: null, grants: [] },
        { action: 'update', recordType: 'user', recordId: userId, summary });
    }
  }

  const currentHash = (req: FastifyRequest) => { const t = req.cookies[SESSION_COOKIE]; return t ? sessionHash(t) : ''; };

  function tellOwner(req: FastifyRequest, to: string, name: string, subject: string, lines: string[]) {
    const site = publicOrigin(req.partnership, config);
    sendAccountMail(app, req, {
      to, subject,
      text: [`Dear ${name},`, '', ...lines, '', `If this was not you, reset your password at once: ${site}/forgotten-password, and tell an administrator of ${req.partnership.name}.`].join('\n'),
    }, subject.toLowerCase());
  }

  // The account page ----------------------------------------------------------------------

  async function listSessions(req: FastifyRequest, userId: string) {
    const rows = await db.selectFrom('sessions').innerJoin('partnerships as p', 'p.id', 'sessions.partnership_id')
      .select(['sessions.id', 'sessions.ref', 'sessions.user_agent', 'sessions.created_at', 'sessions.last_seen_at', 'p.short_name', 'p.id as partnership_id'])
      .where('sessions.user_id', '=', userId).where('sessions.second_factor_pending', '=', false).where('sessions.expires_at', '>', new Date())
      .orderBy('sessions.last_seen_at', 'desc').execute();
    const here = currentHash(req);
    return rows.map((r) => ({
      ref: r.ref, device: describeDevice(r.user_agent), signedInAt: r.created_at, lastSeenAt: r.last_seen_at,
      current: r.id === here, site: r.partnership_id === req.partnership.id ? null : r.short_name,
    }));
  }

  app.get('/account', async (req, reply) => {
    const actor = signedIn(req);
    const user = await account(actor.userId);
    return reply.view('views/account.njk', {
      title: 'Your account', section: 'account', email: user.email, sessions: await listSessions(req, actor.userId),
      twoFactor: Boolean(user.totp_enabled_at), recoveryLeft: user.totp_enabled_at ? await unusedRecoveryCodes(db, actor.userId) : 0,
    });
  });

  app.get('/api/account', {
    schema: {
      tags: ['account'], summary: 'Your own account: address, second factor, sessions',
      response: { 200: Type.Object({ email: Type.String(), displayName: Type.String(), twoFactor: Type.Boolean(), recoveryCodesLeft: Type.Integer(), twoFactorRequired: Type.Boolean(), sessions: Type.Integer() }) },
    },
  }, async (req) => {
    const actor = signedIn(req);
    const user = await account(actor.userId);
    return {
      email: user.email, displayName: actor.displayName, twoFactor: Boolean(user.totp_enabled_at),
      recoveryCodesLeft: user.totp_enabled_at ? await unusedRecoveryCodes(db, actor.userId) : 0,
      twoFactorRequired: readsRestricted(actor) && (await secondFactorRequired(db, actor.partnershipId)),
      sessions: (await listSessions(req, actor.userId)).length,
    };
  });

  // Change my password --------------------------------------------------------------------

  async function changePassword(req: FastifyRequest) {
    const actor = signedIn(req);
    const user = await account(actor.userId);
    const body = req.body;
    const current = fieldValue(body, 'current');
    const password = fieldValue(body, 'password');
    const errors: FieldError[] = [];
    if (!current) errors.push({ field: 'current', message: 'Enter your current password' });
    const problem = passwordProblem(password, { email: user.email, name: user.display_name });
    if (problem) errors.push({ field: 'password', message: problem === 'Enter a password' ? 'Enter a new password' : problem });
    else if (fieldValue(body, 'confirm') !== password) errors.push({ field: 'confirm', message: 'Enter the same new password twice' });
    if (errors.length) throw new ValidationError(errors);
    // Someone at an unlocked computer must not be able to guess the password faster than at the sign-in page.
    const keys = signInKeys(user.email, req.ip);
    if (!(await addressAllowed(db, keys))) throw new TooManyRequestsError(`Too many wrong passwords from your network. Wait ${SIGN_IN_LIMIT.windowMinutes} minutes, then try again.`);
    const delay = await accountDelayMs(db, keys);
    if (delay) await sleep(delay);
    if (!(await verifyPassword(user.password_hash, current))) {
      await recordFailedSignIn(db, keys);
      throw ValidationError.single('current', 'Your current password is not correct');
    }
    if (current === password) throw ValidationError.single('password', 'Your new password must be different from your current one');
    const password_hash = await hashPassword(password);
    const here = currentHash(req);
    const ended = await db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash }).where('id', '=', user.id).execute();
      const gone = await trx.deleteFrom('sessions').where('user_id', '=', user.id).where('id', '!=', here).returning('id').execute();
      await auditForAccount(trx, user.id, actor.displayName, `Password changed by its owner; ${gone.length} other session${gone.length === 1 ? '' : 's'} signed out`);
      return gone.length;
    });
    await clearFailedSignIns(db, keys);
    tellOwner(req, user.email, actor.displayName, `Your ${req.partnership.short_name} password has been changed`, [
      `The password of your ${req.partnership.name} account was changed just now. Every other browser signed in with it has been signed out.`,
    ]);
    return { ended };
  }

  const passwordPage = (reply: FastifyReply, errors?: FieldError[]) => reply.code(errors ? (errors[0]?.field === 'form' ? 429 : 400) : 200).view('views/account/password.njk', {
    title: 'Change your password', section: 'account', errors, hint: PASSWORD_HINT,
    breadcrumbs: [{ text: 'Your account', href: '/account' }],
  });

  app.get('/account/password', async (req, reply) => { signedIn(req); return passwordPage(reply); });
  app.post('/account/password', async (req, reply) => {
    try {
      const { ended } = await changePassword(req);
      return reply.flash(`Your password has been changed${ended ? ` and ${ended} other session${ended === 1 ? ' has' : 's have'} been signed out` : ''}`).redirect('/account', 303);
    } catch (e) {
      if (e instanceof ValidationError) return passwordPage(reply, e.errors);
      if (e instanceof TooManyRequestsError) return passwordPage(reply, [{ field: 'current', message: e.message }]);
      throw e;
    }
  });
  app.put('/api/account/password', {
    schema: {
      tags: ['account'], summary: 'Change your own password: other sessions are signed out',
      body: Type.Object({ current: Type.String(), password: Type.String(), confirm: Type.String() }),
      response: { 200: Type.Object({ otherSessionsEnded: Type.Integer() }) },
    },
  }, async (req) => ({ otherSessionsEnded: (await changePassword(req)).ended }));

  // Forgotten password --------------------------------------------------------------------

  const forgottenPage = (reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[], code = 200) =>
    reply.code(errors ? code : 200).view('views/account/forgotten.njk', { title: 'Reset your password', section: 'sign-in', values, errors, minutes: RESET_LINK_MINUTES });

  app.get('/forgotten-password', async (_req, reply) => forgottenPage(reply));
  /**
   * Asks for a reset link: a problem with the address, or too many requests, or null. The
   * answer is the same whether or not the address has an account: the account is looked
   * up, and its link made and e-mailed, after the answer has gone.
   */
  async function requestReset(req: FastifyRequest, raw: string): Promise<{ status: number; error: FieldError } | null> {
    const email = raw.trim().toLowerCase();
    if (!email || email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      return { status: 400, error: { field: 'email', message: email ? 'Enter an email address in the correct format, like name@example.org' : 'Enter your email address' } };
    }
    const since = new Date(Date.now() - SIGN_IN_LIMIT.windowMinutes * 60_000);
    const fromAddress = Number((await db.selectFrom('sign_in_attempts').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key', '=', `reset-ip:${req.ip}`).where('at', '>', since).executeTakeFirstOrThrow()).n);
    if (fromAddress >= RESET_LIMIT.perAddress) {
      return { status: 429, error: { field: 'email', message: `Too many requests from your network. Wait ${SIGN_IN_LIMIT.windowMinutes} minutes, then try again.` } };
    }
    const hourAgo = new Date(Date.now() - 3600_000);
    const forAccount = Number((await db.selectFrom('sign_in_attempts').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key', '=', `reset:${email}`).where('at', '>', hourAgo).executeTakeFirstOrThrow()).n);
    await db.insertInto('sign_in_attempts').values([{ key: `reset-ip:${req.ip}` }, { key: `reset:${email}` }]).execute();
    if (forAccount < RESET_LIMIT.perAccountPerHour) setImmediate(() => void sendResetLink(req, email).catch((e: Error) => req.log.error({ err: e.message }, 'a password reset could not be prepared')));
    return null;
  }

  async function sendResetLink(req: FastifyRequest, email: string) {
    let query = db.selectFrom('users').innerJoin('partnership_users as pu', 'pu.user_id', 'users.id')
      .select(['users.id', 'users.email', sql<string>`coalesce(pu.display_name, users.display_name)`.as('display_name')])
      .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email)).where('pu.partnership_id', '=', req.partnership.id)
      .where('users.disabled_at', 'is', null).where('pu.disabled_at', 'is', null);
    if (config.production) query = query.where('users.demo', '=', false);
    const user = await query.executeTakeFirst();
    if (!user) return;
    const token = await createResetLink(db, user.id);
    await recordAudit(db, { kind: 'system', partnershipId: req.partnership.id }, {
      action: 'update', recordType: 'user', recordId: user.id, summary: 'A link to reset the password was e-mailed to the account’s address',
    });
    const site = publicOrigin(req.partnership, config);
    sendAccountMail(app, req, {
      to: user.email, subject: `Reset your ${req.partnership.short_name} password`,
      text: [
        `Dear ${user.display_name},`, '',
        `Someone asked to reset the password of your ${req.partnership.name} account. To choose a new password, use this link. It works once, within ${RESET_LINK_MINUTES} minutes:`,
        `${site}${resetPath(token)}`, '',
        'If you did not ask, you can ignore this e-mail: your password has not changed.',
      ].join('\n'),
    }, 'password reset');
  }

  app.post('/forgotten-password', async (req, reply) => {
    const email = fieldValue(req.body, 'email');
    const problem = await requestReset(req, email);
    if (problem) return forgottenPage(reply, { email }, [problem.error], problem.status);
    return reply.redirect('/forgotten-password/sent', 303);
  });
  app.post('/api/password-reset', {
    schema: {
      tags: ['account'], summary: 'Ask for a link to reset a forgotten password, e-mailed to the address if it has an account here (the answer is the same either way)',
      body: Type.Object({ email: Type.String() }), response: { 202: Type.Object({ message: Type.String() }) },
    },
  }, async (req, reply) => {
    const problem = await requestReset(req, (req.body as { email: string }).email);
    if (problem?.status === 429) throw new TooManyRequestsError(problem.error.message);
    if (problem) throw new ValidationError([problem.error]);
    return reply.code(202).send({ message: `If that address has an account here, a link to choose a new password has been sent to it. It works once, within ${RESET_LINK_MINUTES} minutes` });
  });
  app.get('/forgotten-password/sent', async (_req, reply) =>
    reply.view('views/account/forgotten-sent.njk', { title: 'Check your email', section: 'sign-in', minutes: RESET_LINK_MINUTES }));

  const expiredReset = (reply: FastifyReply) => reply.code(404).view('views/account/reset.njk', { title: 'This link has expired', expired: true, minutes: RESET_LINK_MINUTES });

  app.get('/reset-password/:token', async (req, reply) => {
    reply.header('cache-control', 'private, no-store');
    const link = await findSetupLink(db, (req.params as { token: string }).token, 'reset');
    if (!link) return expiredReset(reply);
    return reply.view('views/account/reset.njk', { title: 'Choose a new password', email: link.email, hint: PASSWORD_HINT });
  });
  app.post('/reset-password/:token', async (req, reply) => {
    reply.header('cache-control', 'private, no-store');
    const link = await findSetupLink(db, (req.params as { token: string }).token, 'reset');
    if (!link) return expiredReset(reply);
    const password = fieldValue(req.body, 'password');
    const problem = passwordProblem(password, { email: link.email, name: link.display_name });
    const errors = problem ? [{ field: 'password', message: problem }]
      : fieldValue(req.body, 'confirm') !== password ? [{ field: 'confirm', message: 'Enter the same password twice' }] : null;
    if (errors) return reply.code(400).view('views/account/reset.njk', { title: 'Choose a new password', email: link.email, hint: PASSWORD_HINT, errors });
    const password_hash = await hashPassword(password);
    const done = await db.transaction().execute(async (trx) => {
      if (!(await useSetupLink(trx, link.id))) return false;
      await trx.updateTable('users').set({ password_hash }).where('id', '=', link.user_id).execute();
      // Whoever knew the old password is signed out everywhere.
      await trx.deleteFrom('sessions').where('user_id', '=', link.user_id).execute();
      await auditForAccount(trx, link.user_id, link.display_name, 'Password reset through an e-mailed link; every session signed out');
      return true;
    });
    if (!done) return expiredReset(reply);
    await clearFailedSignIns(db, signInKeys(link.email, req.ip));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.flash('Your password has been reset. Sign in with it now').redirect('/sign-in', 303);
  });

  // Sessions ------------------------------------------------------------------------------

  async function endSessions(req: FastifyRequest, which: { ref?: string; all?: boolean }) {
    const actor = signedIn(req);
    let q = db.deleteFrom('sessions').where('user_id', '=', actor.userId);
    if (which.ref) q = q.where('ref', '=', which.ref);
    const gone = await q.returning('id').execute();
    if (which.ref && !gone.length) throw new NotFoundError();
    await recordAudit(db, actor, {
      action: 'sign-out', recordType: 'user', recordId: actor.userId,
      summary: which.all ? `Signed out everywhere (${gone.length} session${gone.length === 1 ? '' : 's'})` : 'Signed out one session from the account page',
    });
    return { ended: gone.length, includedThis: gone.some((g) => g.id === currentHash(req)) };
  }

  app.post('/account/sessions/sign-out-everywhere', async (req, reply) => {
    await endSessions(req, { all: true });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.flash('You have been signed out everywhere, including here').redirect('/sign-in', 303);
  });
  app.post('/account/sessions/:ref/sign-out', async (req, reply) => {
    const { ref } = req.params as { ref: string };
    if (!isUuid(ref)) throw new NotFoundError();
    const { includedThis } = await endSessions(req, { ref });
    if (includedThis) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.flash('You have signed out').redirect('/', 303);
    }
    return reply.flash('That session has been signed out').redirect('/account', 303);
  });

  const Session = Type.Object({
    ref: Type.String({ format: 'uuid' }), device: Type.String(), signedInAt: Type.String({ format: 'date-time' }), lastSeenAt: Type.String({ format: 'date-time' }),
    current: Type.Boolean({ description: 'The session making this request' }), site: Type.Union([Type.String(), Type.Null()], { description: 'Another partnership the session is for, or null for this one' }),
  });
  app.get('/api/account/sessions', {
    schema: { tags: ['account'], summary: 'The sessions you are signed in with', response: { 200: Type.Object({ items: Type.Array(Session) }) } },
  }, async (req) => {
    const actor = signedIn(req);
    return { items: (await listSessions(req, actor.userId)).map((s) => ({ ...s, signedInAt: s.signedInAt.toISOString(), lastSeenAt: s.lastSeenAt.toISOString() })) };
  });
  app.delete('/api/account/sessions/:ref', {
    schema: { tags: ['account'], summary: 'Sign out one of your sessions', params: Type.Object({ ref: Type.String() }), response: { 204: Type.Null() } },
  }, async (req, reply) => {
    const { ref } = req.params as { ref: string };
    if (!isUuid(ref)) throw new NotFoundError();
    await endSessions(req, { ref });
    return reply.code(204).send();
  });
  app.delete('/api/account/sessions', {
    schema: { tags: ['account'], summary: 'Sign out everywhere, this session included', response: { 200: Type.Object({ ended: Type.Integer() }) } },
  }, async (req) => ({ ended: (await endSessions(req, { all: true })).ended }));

  // Second factor: setting it up and turning it off ----------------------------------------

  async function twoFactorPage(req: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) {
    const actor = signedIn(req);
    const user = await account(actor.userId);
    const required = readsRestricted(actor) && (await secondFactorRequired(db, actor.partnershipId));
    return reply.code(errors ? 400 : 200).view('views/account/two-factor.njk', {
      title: 'Two-factor authentication', section: 'account', enabled: Boolean(user.totp_enabled_at), enabledAt: user.totp_enabled_at,
      required, recoveryLeft: await unusedRecoveryCodes(db, actor.userId), errors, breadcrumbs: [{ text: 'Your account', href: '/account' }],
    });
  }
  app.get('/account/two-factor', async (req, reply) => twoFactorPage(req, reply));

  async function setUpPage(req: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) {
    const actor = signedIn(req);
    let user = await account(actor.userId);
    if (user.totp_enabled_at) return reply.redirect('/account/two-factor', 303);
    if (!user.totp_pending_secret) {
      await db.updateTable('users').set({ totp_pending_secret: sealTotpSecret(config.totpKey, actor.userId, newTotpSecret()) }).where('id', '=', actor.userId).execute();
      user = await account(actor.userId);
    }
    const secret = openTotpSecret(config.totpKey, user.id, user.totp_pending_secret);
    // A secret that does not open (the key changed): a new one to set up.
    if (!secret) {
      await db.updateTable('users').set({ totp_pending_secret: null }).where('id', '=', actor.userId).execute();
      return setUpPage(req, reply, errors);
    }
    const uri = totpFor(secret, user.email, req.partnership.short_name).toString();
    reply.header('cache-control', 'private, no-store');
    return reply.code(errors ? 400 : 200).view('views/account/two-factor-set-up.njk', {
      title: 'Set up two-factor authentication', section: 'account', qr: await qrCodeSvg(uri), secret: groupedSecret(secret), errors,
      required: await mustSetUpSecondFactor(db, actor), breadcrumbs: [{ text: 'Your account', href: '/account' }],
    });
  }
  app.get('/account/two-factor/set-up', async (req, reply) => setUpPage(req, reply));

  const codesPage = (reply: FastifyReply, codes: string[], fresh: boolean) => reply.header('cache-control', 'private, no-store').view('views/account/recovery-codes.njk', {
    title: fresh ? 'Two-factor authentication is on' : 'Your new recovery codes', section: 'account', codes, fresh,
  });

  app.post('/account/two-factor/set-up', async (req, reply) => {
    const actor = signedIn(req);
    const user = await account(actor.userId);
    if (user.totp_enabled_at || !user.totp_pending_secret) return reply.redirect('/account/two-factor', 303);
    const code = fieldValue(req.body, 'code');
    const pendingSecret = openTotpSecret(config.totpKey, user.id, user.totp_pending_secret);
    const step = code && pendingSecret ? checkTotp(pendingSecret, code, null) : null;
    if (step === null) {
      return setUpPage(req, reply, [{ field: 'code', message: code ? 'The code is not correct. Enter the 6-digit code your app shows now' : 'Enter the 6-digit code from your authenticator app' }]);
    }
    const codes = await db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ totp_secret: user.totp_pending_secret, totp_pending_secret: null, totp_enabled_at: new Date(), totp_last_step: step })
        .where('id', '=', user.id).execute();
      await auditForAccount(trx, user.id, actor.displayName, `Two-factor authentication turned on, with ${RECOVERY_CODE_COUNT} recovery codes`);
      return replaceRecoveryCodes(trx, user.id);
    });
    tellOwner(req, user.email, actor.displayName, `Two-factor authentication is on for your ${req.partnership.short_name} account`, [
      'From now on, signing in asks for a code from your authenticator app as well as your password.',
    ]);
    return codesPage(reply, codes, true);
  });

  /** Turning it off or making new codes asks for the password again. */
  async function checkPasswordAgain(req: FastifyRequest, user: { email: string; password_hash: string }) {
    const password = fieldValue(req.body, 'password');
    if (!password) throw ValidationError.single('password', 'Enter your password');
    const keys = signInKeys(user.email, req.ip);
    if (!(await addressAllowed(db, keys))) throw ValidationError.single('password', `Too many wrong passwords from your network. Wait ${SIGN_IN_LIMIT.windowMinutes} minutes, then try again.`);
    if (!(await verifyPassword(user.password_hash, password))) {
      await recordFailedSignIn(db, keys);
      throw ValidationError.single('password', 'Your password is not correct');
    }
  }

  app.post('/account/two-factor/turn-off', async (req, reply) => {
    const actor = signedIn(req);
    const user = await account(actor.userId);
    if (!user.totp_enabled_at) return reply.redirect('/account/two-factor', 303);
    try {
      if (readsRestricted(actor) && (await secondFactorRequired(db, actor.partnershipId))) {
        throw ValidationError.single('password', `${req.partnership.short_name} requires two-factor authentication for your account, so it cannot be turned off`);
      }
      await checkPasswordAgain(req, user);
    } catch (e) {
      if (e instanceof ValidationError) return twoFactorPage(req, reply, e.errors);
      throw e;
    }
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ totp_secret: null, totp_pending_secret: null, totp_enabled_at: null, totp_last_step: null }).where('id', '=', user.id).execute();
      await trx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
      await auditForAccount(trx, user.id, actor.displayName, 'Two-factor authentication turned off');
    });
    tellOwner(req, user.email, actor.displayName, `Two-factor authentication is off for your ${req.partnership.short_name} account`, [
      'Signing in now asks only for your password.',
    ]);
    return reply.flash('Two-factor authentication is off').redirect('/account/two-factor', 303);
  });

  app.post('/account/two-factor/recovery-codes', async (req, reply) => {
    const actor = signedIn(req);
    const user = await account(actor.userId);
    if (!user.totp_enabled_at) return reply.redirect('/account/two-factor', 303);
    try {
      await checkPasswordAgain(req, user);
    } catch (e) {
      if (e instanceof ValidationError) return twoFactorPage(req, reply, e.errors);
      throw e;
    }
    const codes = await db.transaction().execute(async (trx) => {
      await auditForAccount(trx, user.id, actor.displayName, `New recovery codes made; the earlier ones no longer work`);
      return replaceRecoveryCodes(trx, user.id);
    });
    return codesPage(reply, codes, false);
  });

  // Signing in, second step ---------------------------------------------------------------

  async function pendingSession(req: FastifyRequest) {
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return undefined;
    return db.selectFrom('sessions').innerJoin('users as u', 'u.id', 'sessions.user_id')
      .select(['sessions.id', 'sessions.user_id', 'sessions.expires_at', 'u.email', 'u.display_name'])
      .where('sessions.id', '=', sessionHash(token)).where('sessions.partnership_id', '=', req.partnership.id)
      .where('sessions.second_factor_pending', '=', true).where('sessions.expires_at', '>', new Date()).executeTakeFirst();
  }

  const secondStepPage = (req: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) => reply.code(errors ? 400 : 200).view('views/account/sign-in-code.njk', {
    title: 'Enter your code', section: 'sign-in', errors, next: safeNext((req.query as Record<string, unknown>).next ?? (req.body as Record<string, unknown> | undefined)?.next),
  });

  app.get('/sign-in/code', async (req, reply) => {
    if (!(await pendingSession(req))) return reply.redirect('/sign-in', 303);
    return secondStepPage(req, reply);
  });
  app.post('/sign-in/code', async (req, reply) => {
    const pending = await pendingSession(req);
    if (!pending) return reply.flash('Sign in again: it took too long, or too many codes were wrong').redirect('/sign-in', 303);
    const code = fieldValue(req.body, 'code').trim();
    if (!code) return secondStepPage(req, reply, [{ field: 'code', message: 'Enter the code from your authenticator app, or a recovery code' }]);
    const keys = { ...signInKeys(pending.email, req.ip), account: `code:${pending.user_id}` };
    if (!(await addressAllowed(db, keys))) {
      return secondStepPage(req, reply, [{ field: 'code', message: `Too many attempts to sign in from your network. Wait ${SIGN_IN_LIMIT.windowMinutes} minutes, then try again.` }]);
    }
    const delay = await accountDelayMs(db, keys);
    if (delay) await sleep(delay);
    const isRecovery = /[a-z]/i.test(code);
    const ok = isRecovery ? await useRecoveryCode(db, pending.user_id, code) : await useTotpCode(db, config.totpKey, pending.user_id, code);
    if (!ok) {
      await recordFailedSignIn(db, keys);
      return secondStepPage(req, reply, [{ field: 'code', message: 'The code is not correct. Enter the 6-digit code your app shows now, or an unused recovery code' }]);
    }
    await db.updateTable('sessions').set({ second_factor_pending: false, last_seen_at: new Date(), expires_at: new Date(Date.now() + config.sessionHours * 3600_000) })
      .where('id', '=', pending.id).execute();
    await clearFailedSignIns(db, keys);
    const actor: Actor = { kind: 'user', partnershipId: req.partnership.id, userId: pending.user_id, displayName: pending.display_name, role: 'member', personId: null, grants: [] };
    await recordAudit(db, actor, { action: 'sign-in', recordType: 'user', recordId: pending.user_id, summary: isRecovery ? 'With a recovery code' : 'With a code from an authenticator app' });
    if (isRecovery) {
      const left = await unusedRecoveryCodes(db, pending.user_id);
      reply.flash(`You used a recovery code. You have ${left} left${left < 3 ? ': make new ones on your two-factor authentication page' : ''}`);
    }
    return reply.redirect(safeNext(fieldValue(req.body, 'next')), 303);
  });

  // The partnership's account rules (administrators) --------------------------------------

  const settingsPage = async (req: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) => {
    authorize(req.actor, 'administer', { type: 'user' });
    const required = await secondFactorRequired(db, req.partnership.id);
    return reply.code(errors ? 400 : 200).view('views/account/settings.njk', {
      title: 'Account rules', section: 'governance', required, errors,
      breadcrumbs: [{ text: 'Governance', href: '/governance' }, { text: 'Users', href: '/admin/users' }],
    });
  };

  async function setRequired(req: FastifyRequest, value: unknown) {
    authorize(req.actor, 'administer', { type: 'user' });
    if (value !== 'yes' && value !== 'no' && value !== true && value !== false) throw ValidationError.single('require_second_factor', 'Select whether two-factor authentication is required');
    const required = value === 'yes' || value === true;
    const before = await secondFactorRequired(db, req.partnership.id);
    if (before === required) return required;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('account_settings').values({ partnership_id: req.partnership.id, require_second_factor: required, updated_at: new Date() })
        .onConflict((oc) => oc.column('partnership_id').doUpdateSet({ require_second_factor: required, updated_at: new Date() })).execute();
      await recordAudit(trx, req.actor, {
        action: 'update', recordType: 'account-settings', recordId: req.partnership.id,
        summary: required ? 'Two-factor authentication required for everyone who can read restricted business' : 'Two-factor authentication no longer required',
        before: { require_second_factor: before }, after: { require_second_factor: required },
      });
    });
    return required;
  }

  app.get('/admin/account-settings', async (req, reply) => settingsPage(req, reply));
  app.post('/admin/account-settings', async (req, reply) => {
    try {
      const required = await setRequired(req, fieldValue(req.body, 'require_second_factor'));
      return reply.flash(required ? 'Two-factor authentication is now required for everyone who can read restricted business' : 'Two-factor authentication is now optional').redirect('/admin/account-settings', 303);
    } catch (e) {
      if (e instanceof ValidationError) return settingsPage(req, reply, e.errors);
      throw e;
    }
  });
  const Settings = Type.Object({ requireSecondFactor: Type.Boolean({ description: 'Everyone who can read restricted business must use two-factor authentication' }) });
  app.get('/api/account-settings', { schema: { tags: ['users'], summary: 'The partnership\'s account rules (administrators)', response: { 200: Settings } } }, async (req) => {
    authorize(req.actor, 'administer', { type: 'user' });
    return { requireSecondFactor: await secondFactorRequired(db, req.partnership.id) };
  });
  app.put('/api/account-settings', { schema: { tags: ['users'], summary: 'Change the partnership\'s account rules', body: Settings, response: { 200: Settings } } }, async (req) =>
    ({ requireSecondFactor: await setRequired(req, (req.body as { requireSecondFactor: boolean }).requireSecondFactor) }));
}
