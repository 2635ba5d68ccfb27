// Pages and API of single sign-on: the administrators' settings (/admin/sso and its JSON
// twin), and the sign-in through the partnership's OpenID Connect provider: the
// authorisation code flow with PKCE, its state and nonce held server-side against a
// cookie (sso_flows), the answer checked by openid-client.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as oidc from 'openid-client';
import { authorize, ssoResources } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { addressAllowed, createSession, SESSION_COOKIE, SIGN_IN_LIMIT, signInKeys } from '../../access/sessions.ts';
import { safeNext } from '../../access/routes.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../web/errors.ts';
import { firstValue } from '../../web/forms.ts';
import { publicOrigin } from '../public/address.ts';
import { FLOW_MINUTES, REFUSALS, refusalFor, type Refusal } from './domain.ts';
import { clientFor } from './provider.ts';
import { decryptSecret } from './secret.ts';
import { SECOND_STEP_MINUTES } from '../../access/secondFactor.ts';
import { linkAccount, removeSettings, saveSettings, settingsView } from './commands.ts';
import { createFlow, findFlow, findSettings, sessionViaSso, useFlow, type SsoSettings } from './store.ts';

export const FLOW_COOKIE = 'ph_sso';
const CALLBACK_PATH = '/sign-in/sso/callback';

const Settings = Type.Object({
  providerName: Type.String({ description: 'The name on the sign-in button, like Northshire Council' }),
  issuer: Type.String({ description: 'The provider’s issuer address; its discovery document is read and checked when saved' }),
  clientId: Type.String(),
  clientSecret: Type.Optional(Type.String({ description: 'Write only: held encrypted, never returned. Leave out to keep the one held' })),
  allowedDomains: Type.Array(Type.String(), { description: 'Only verified addresses at these domains sign in' }),
  allowNewMembers: Type.Boolean({ description: 'Someone with no account becomes a member with no grants at their first sign-in' }),
  requiredForStaff: Type.Boolean({ description: 'Officers and administrators may not sign in with a password' }),
  trustDomainAddresses: Type.Optional(Type.Boolean({ description: 'Trust addresses at the allowed domains when the provider does not say whether they are verified (Microsoft Entra ID sends no email_verified); false when left out' })),
});
const SettingsAnswer = Type.Object({
  configured: Type.Boolean(),
  providerName: Type.Optional(Type.String()), issuer: Type.Optional(Type.String()), clientId: Type.Optional(Type.String()),
  clientSecret: Type.Optional(Type.Literal('set')),
  allowedDomains: Type.Optional(Type.Array(Type.String())), allowNewMembers: Type.Optional(Type.Boolean()), requiredForStaff: Type.Optional(Type.Boolean()),
  trustDomainAddresses: Type.Optional(Type.Boolean()),
  redirectUri: Type.String({ description: 'The redirect address to register with the provider' }),
  postLogoutRedirectUri: Type.String({ description: 'The address to register for after signing out at the provider' }),
});

export async function ssoRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const origin = (req: FastifyRequest) => publicOrigin(req.partnership, config);
  const redirectUri = (req: FastifyRequest) => `${origin(req)}${CALLBACK_PATH}`;
  const viaSso = async (req: FastifyRequest) => {
    const token = req.cookies[SESSION_COOKIE];
    return token ? sessionViaSso(db, token) : false;
  };
  const options = async (req: FastifyRequest) => ({ key: config.ssoKey, production: config.production, allowPrivate: config.ssoAllowPrivate, viaSso: await viaSso(req) });

  function answer(req: FastifyRequest, s: SsoSettings | undefined) {
    const uris = { redirectUri: redirectUri(req), postLogoutRedirectUri: `${origin(req)}/` };
    if (!s) return { configured: false, ...uris };
    return {
      configured: true, providerName: s.provider_name, issuer: s.issuer, clientId: s.client_id, clientSecret: 'set' as const,
      allowedDomains: s.allowed_domains, allowNewMembers: s.allow_new_members, requiredForStaff: s.required_for_staff, trustDomainAddresses: s.trust_domain_addresses, ...uris,
    };
  }

  // The administrators' settings ---------------------------------------------------------

  async function settingsPage(req: FastifyRequest, reply: FastifyReply, errors?: FieldError[], typed?: Record<string, unknown>) {
    authorize(req.actor, 'administer', ssoResources.settings());
    const s = await findSettings(db, req.partnership.id);
    const values = typed
      ? { ...typed, client_secret: '' }
      : s ? { ...settingsView(s), allowed_domains: s.allowed_domains.join('\n'), allow_new_members: s.allow_new_members ? 'yes' : 'no', required_for_staff: s.required_for_staff ? 'yes' : 'no', trust_domain_addresses: s.trust_domain_addresses ? 'yes' : 'no' }
        : { allow_new_members: 'no', required_for_staff: 'no', trust_domain_addresses: 'no' };
    reply.header('cache-control', 'private, no-store');
    return reply.code(errors ? 400 : 200).view('sso/views/admin.njk', {
      title: 'Single sign-on', section: 'governance', errors, values, configured: Boolean(s), secretSet: Boolean(s),
      redirectUri: redirectUri(req), postLogoutRedirectUri: `${origin(req)}/`, viaSso: await viaSso(req),
      breadcrumbs: [{ text: 'Governance', href: '/governance' }, { text: 'Users', href: '/admin/users' }],
    });
  }

  app.get('/admin/sso', async (req, reply) => settingsPage(req, reply));
  app.post('/admin/sso', async (req, reply) => {
    try {
      const saved = await saveSettings(ctx(req), req.body, await options(req));
      const ended = saved.staffSignedOut === null ? '' : `. Officers and administrators signed in with a password are signed out (${saved.staffSignedOut} session${saved.staffSignedOut === 1 ? '' : 's'})`;
      return reply.flash(`Single sign-on is saved: the provider answered and its settings were checked${ended}`).redirect('/admin/sso', 303);
    } catch (e) {
      if (e instanceof ValidationError) return settingsPage(req, reply, e.errors, req.body as Record<string, unknown>);
      throw e;
    }
  });
  app.post('/admin/sso/remove', async (req, reply) => {
    await removeSettings(ctx(req));
    return reply.flash('Single sign-on is turned off: everyone signs in with their password').redirect('/admin/sso', 303);
  });

  /** The API's body as the form's fields, so both are checked by the same command. */
  const fromApi = (b: Record<string, unknown>) => ({
    provider_name: b.providerName, issuer: b.issuer, client_id: b.clientId, client_secret: b.clientSecret,
    allowed_domains: Array.isArray(b.allowedDomains) ? b.allowedDomains.join('\n') : '',
    allow_new_members: b.allowNewMembers === true ? 'yes' : b.allowNewMembers === false ? 'no' : '',
    required_for_staff: b.requiredForStaff === true ? 'yes' : b.requiredForStaff === false ? 'no' : '',
    trust_domain_addresses: b.trustDomainAddresses === true ? 'yes' : b.trustDomainAddresses === false ? 'no' : undefined,
  });
  app.get('/api/sso/settings', { schema: { tags: ['users'], summary: 'The partnership’s single sign-on settings (administrators); the client secret is never returned', response: { 200: SettingsAnswer } } }, async (req) => {
    authorize(req.actor, 'administer', ssoResources.settings());
    return answer(req, await findSettings(db, req.partnership.id));
  });
  app.put('/api/sso/settings', { schema: { tags: ['users'], summary: 'Set up or change single sign-on; the provider’s discovery document is checked first', body: Settings, response: { 200: SettingsAnswer } } }, async (req) => {
    await saveSettings(ctx(req), fromApi(req.body as Record<string, unknown>), await options(req));
    return answer(req, await findSettings(db, req.partnership.id));
  });
  app.delete('/api/sso/settings', { schema: { tags: ['users'], summary: 'Turn single sign-on off', response: { 204: Type.Null() } } }, async (req, reply) => {
    await removeSettings(ctx(req));
    return reply.code(204).send();
  });

  // Signing in through the provider --------------------------------------------------------

  async function providerClient(s: SsoSettings) {
    const secret = decryptSecret(config.ssoKey, s.partnership_id, s.client_secret_encrypted);
    return secret === null ? null : clientFor(s.metadata, s.client_id, secret, config.production, config.ssoAllowPrivate);
  }

  async function refuse(req: FastifyRequest, reply: FastifyReply, refusal: Refusal, s: SsoSettings | undefined, email: string | null = null) {
    // Counted with failed passwords from the same address, so a client that keeps sending
    // made-up answers is soon refused without a word written (see the callback).
    await db.insertInto('sign_in_attempts').values({ key: signInKeys('', req.ip).address }).execute();
    await recordAudit(db, { kind: 'public', partnershipId: req.partnership.id }, {
      action: 'sign-in-refused', recordType: 'sso', recordId: req.partnership.id,
      summary: `Single sign-on refused (${refusal})${email ? ` for ${email}` : ''}`,
    });
    reply.clearCookie(FLOW_COOKIE, { path: '/sign-in/sso' });
    reply.header('cache-control', 'private, no-store');
    return reply.code(403).view('sso/views/refused.njk', {
      title: 'You could not be signed in', section: 'sign-in', message: REFUSALS[refusal], providerName: s?.provider_name, canRetry: Boolean(s),
    });
  }

  app.get('/sign-in/sso', async (req, reply) => {
    const s = await findSettings(db, req.partnership.id);
    if (!s) throw new NotFoundError();
    const client = await providerClient(s);
    if (!client) return refuse(req, reply, 'failed', s);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const token = randomBytes(32).toString('base64url');
    await createFlow(db, req.partnership.id, { state, nonce, codeVerifier, next: safeNext(firstValue((req.query as Record<string, unknown>).next)) }, token);
    reply.setCookie(FLOW_COOKIE, token, { path: '/sign-in/sso', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: FLOW_MINUTES * 60 });
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: redirectUri(req), scope: 'openid email profile', response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256', state, nonce,
    });
    reply.header('cache-control', 'private, no-store');
    return reply.redirect(url.href, 303);
  });

  app.get(CALLBACK_PATH, async (req, reply) => {
    if (!(await addressAllowed(db, signInKeys('', req.ip)))) {
      reply.header('cache-control', 'private, no-store');
      return reply.code(429).view('sso/views/refused.njk', {
        title: 'You could not be signed in', section: 'sign-in', message: `Too many attempts to sign in from your network. Wait ${SIGN_IN_LIMIT.windowMinutes} minutes, then try again.`, canRetry: false,
      });
    }
    const s = await findSettings(db, req.partnership.id);
    if (!s) throw new NotFoundError();
    const token = req.cookies[FLOW_COOKIE];
    const flow = token ? await findFlow(db, req.partnership.id, token) : undefined;
    if (!flow || flow.expires_at.getTime() < Date.now()) return refuse(req, reply, 'no-flow', s);
    if (flow.used_at) return refuse(req, reply, 'used', s);
    const query = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1 || req.url.length));
    if (query.get('state') !== flow.state) return refuse(req, reply, 'wrong-state', s);
    if (!(await useFlow(db, flow.id))) return refuse(req, reply, 'used', s);
    const client = await providerClient(s);
    if (!client) return refuse(req, reply, 'failed', s);
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(client, new URL(`${redirectUri(req)}?${query}`), {
        pkceCodeVerifier: flow.code_verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true,
      });
      claims = { ...tokens.claims() };
      // Some providers put the address only in the userinfo answer.
      if (typeof claims.email !== 'string' && tokens.access_token) {
        claims = { ...(await oidc.fetchUserInfo(client, tokens.access_token, String(claims.sub))), ...claims };
      }
    } catch (e) {
      const refusal = refusalFor(e);
      if (refusal === 'failed') req.log.warn({ err: e }, 'single sign-on: the provider’s answer could not be used');
      return refuse(req, reply, refusal, s);
    }
    const outcome = await linkAccount(db, s, claims, config.production);
    if (!outcome.ok) return refuse(req, reply, outcome.refusal, s, outcome.email);
    const { user } = outcome;
    const userAgent = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null;
    if (user.secondFactor) {
      // Someone who set up a second factor here gives its code too, as after a password:
      // the session waits for it (/sign-in/code), which then audits the sign-in.
      const pending = await createSession(db, user.id, req.partnership.id, SECOND_STEP_MINUTES / 60, { userAgent, viaSso: true, secondFactorPending: true });
      reply.setCookie(SESSION_COOKIE, pending, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: config.sessionHours * 3600 });
      return reply.redirect(`/sign-in/code?next=${encodeURIComponent(flow.next)}`, 303);
    }
    const session = await createSession(db, user.id, req.partnership.id, config.sessionHours, { userAgent, viaSso: true });
    await recordAudit(db, { kind: 'user', partnershipId: req.partnership.id, userId: user.id, displayName: user.display_name, role: user.role, personId: user.person_id, grants: [] }, {
      action: 'sign-in', recordType: 'user', recordId: user.id, summary: `With single sign-on (${s.provider_name})${outcome.created ? ', first sign-in' : ''}`,
    });
    // The flow's cookie stays until it expires: the same answer sent again (the back button,
    // a replay) is then told it was used, rather than that it was never started.
    reply.setCookie(SESSION_COOKIE, session, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: config.sessionHours * 3600 });
    return reply.redirect(flow.next, 303);
  });

  // After signing out of a session made by the provider: its own sign-out, offered.
  app.get('/signed-out/sso', async (req, reply) => {
    const s = await findSettings(db, req.partnership.id);
    const endpoint = s && typeof s.metadata.end_session_endpoint === 'string' ? s.metadata.end_session_endpoint : null;
    let endSessionUrl: string | null = null;
    if (s && endpoint) {
      const client = await providerClient(s);
      if (client) endSessionUrl = oidc.buildEndSessionUrl(client, { client_id: s.client_id, post_logout_redirect_uri: `${origin(req)}/` }).href;
    }
    return reply.view('sso/views/signed-out.njk', { title: 'You have signed out', providerName: s?.provider_name, endSessionUrl });
  });
}
