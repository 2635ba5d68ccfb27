// Sign in, sign out, the account page and the history of any record.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import {
  clearFailedSignIns, createSession, signInKeys, endSession, recordFailedSignIn, SESSION_COOKIE, signInAllowed, SIGN_IN_LIMIT,
} from './sessions.ts';
import { readHistory, recordAudit } from './audit.ts';
import { authorize, type Actor } from './policy.ts';
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

export async function accessRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app;

  app.get('/sign-in', async (req, reply) =>
    reply.view('views/sign-in.njk', { title: 'Sign in', section: 'sign-in', values: {}, next: safeNext((req.query as Record<string, unknown>).next) }),
  );

  async function signIn(req: FastifyRequest): Promise<{ token: string; actor: Actor }> {
    const input = new Input(req.body);
    const email = input.text('email', 'Enter your email address', 320).toLowerCase();
    const password = input.text('password', 'Enter your password', 256);
    input.check();
    const keys = signInKeys(email, req.ip);
    if (!(await signInAllowed(db, keys))) {
      throw new TooManyRequestsError(`Too many attempts to sign in. Wait ${SIGN_IN_LIMIT.windowMinutes} minutes, then try again.`);
    }
    const user = await db
      .selectFrom('users')
      .innerJoin('partnership_users', 'partnership_users.user_id', 'users.id')
      .select(['users.id', 'users.display_name', 'users.password_hash', 'partnership_users.role', 'partnership_users.person_id'])
      .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email))
      .where('partnership_users.partnership_id', '=', req.partnership.id)
      .where('users.disabled_at', 'is', null)
      .where('partnership_users.disabled_at', 'is', null)
      .executeTakeFirst();
    dummyHash ??= hashPassword('not a real password, only for timing');
    const ok = await verifyPassword(user?.password_hash ?? (await dummyHash), password);
    if (!user || !ok) {
      await recordFailedSignIn(db, keys);
      throw ValidationError.single('email', 'Enter a correct email address and password');
    }
    await clearFailedSignIns(db, keys);
    const token = await createSession(db, user.id, req.partnership.id, config.sessionHours);
    const actor: Actor = {
      kind: 'user', partnershipId: req.partnership.id, userId: user.id, displayName: user.display_name,
      role: user.role, personId: user.person_id, grants: [],
    };
    await recordAudit(db, actor, { action: 'sign-in', recordType: 'user', recordId: user.id });
    return { token, actor };
  }

  function setSessionCookie(reply: FastifyReply, token: string) {
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: config.sessionHours * 3600,
    });
  }

  app.post('/sign-in', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const { token } = await signIn(req);
      setSessionCookie(reply, token);
      return reply.redirect(safeNext(body.next), 303);
    } catch (e) {
      const errors = e instanceof ValidationError ? e.errors
        : e instanceof TooManyRequestsError ? [{ field: 'email', message: e.message }] : null;
      if (!errors) throw e;
      return reply.code(e instanceof TooManyRequestsError ? 429 : 400).view('views/sign-in.njk', {
        title: 'Sign in', section: 'sign-in', errors, values: { email: body.email }, next: safeNext(body.next),
      });
    }
  });

  app.post('/api/session', {
    schema: {
      tags: ['access'], summary: 'Sign in; sets the session cookie',
      body: Type.Object({ email: Type.String(), password: Type.String() }),
      response: { 200: Type.Object({ userId: Type.String(), role: Type.String() }) },
    },
  }, async (req, reply) => {
    const { token, actor } = await signIn(req);
    setSessionCookie(reply, token);
    return { userId: actor.kind === 'user' ? actor.userId : '', role: actor.kind === 'user' ? actor.role : 'public' };
  });

  app.get('/sign-out', async (req, reply) => reply.view('views/sign-out.njk', { title: 'Sign out' }));
  app.post('/sign-out', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      await endSession(db, token);
      if (req.actor.kind === 'user') await recordAudit(db, req.actor, { action: 'sign-out', recordType: 'user', recordId: req.actor.userId });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.flash('You have signed out').redirect('/', 303);
  });

  app.get('/account', async (req, reply) => {
    authorize(req.actor, 'read', { type: 'account', published: false });
    return reply.view('views/account.njk', { title: 'Your account', section: 'account' });
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
    const rows = await readHistory(db, req.actor, recordType, recordId);
    // Records loaded in bulk (the demo) have one entry for the whole load, not one each:
    // a record of this partnership with no entries shows an empty history; an id this
    // partnership does not hold is not found.
    if (!rows.length && !(await recordExists(db, req.partnership.id, recordType, recordId))) throw new NotFoundError();
    return reply.view('views/history.njk', { title: `History of this ${recordType.replace(/-/g, ' ')}`, rows, recordType, recordId });
  });
  app.get('/api/history/:recordType/:recordId', { schema: { tags: ['access'], summary: 'The audit history of one record' } }, async (req) => {
    authorize(req.actor, 'read-history', { type: 'history' });
    const { recordType, recordId } = req.params as { recordType: string; recordId: string };
    return { items: await readHistory(db, req.actor, recordType, recordId) };
  });
}
