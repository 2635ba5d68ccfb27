// A real OpenID Connect provider (oidc-provider, a devDependency) started on a random port
// of this machine, for the tests, and a browser for it that fills in its sign-in and
// consent forms. Never used by the app itself.
//
// The provider sits behind a small forwarding proxy of the test's own, which is the
// address the app is given. It passes every request and answer through unchanged unless a
// test asks it to alter one: the ID token in the token endpoint's answer (re-signed with the
// provider's own signing key, which the test made, so only the claims a test changes are
// wrong) or the discovery document. This is how a provider that answers with another
// audience or issuer is tested without a mock of the protocol.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { generateKeyPairSync, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  email: string;
  /** Left out, as Microsoft Entra ID leaves it out. */
  email_verified?: boolean;
  name?: string;
  /** A claim some providers send; the app must not take roles from it. */
  roles?: string[];
}

/** What the proxy alters, set by a test and cleared after it; null passes answers through. */
export interface Tampering {
  /** The claims of the ID token the token endpoint gives, changed before it is re-signed. */
  idToken: ((claims: Record<string, unknown>) => Record<string, unknown>) | null;
  /** The discovery document, changed as it passes. */
  discovery: ((doc: Record<string, unknown>) => Record<string, unknown>) | null;
  /** The userinfo answer (where this provider puts the e-mail and profile claims), changed as it passes. */
  userinfo: ((claims: Record<string, unknown>) => Record<string, unknown>) | null;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  tamper: Tampering;
  /** ID tokens the proxy re-signed, as they went to the app. */
  forged: number;
  close(): Promise<void>;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Re-signs a compact JWS (RS256, the provider's default for ID tokens) with changed claims. node:crypto does the RSA signing. */
function resign(jws: string, key: KeyObject, change: (claims: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload] = jws.split('.');
  const head = JSON.parse(Buffer.from(header!, 'base64url').toString()) as { alg: string };
  if (head.alg !== 'RS256') throw new Error(`the test provider signed with ${head.alg}, not RS256`);
  const claims = change(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>);
  const input = `${b64url(head)}.${b64url(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

export async function startTestProvider(opts: {
  accounts: Record<string, TestAccount>;
  redirectUri: string;
  postLogoutRedirectUri: string;
  clientId?: string;
  clientSecret?: string;
  /** Serve a discovery document that names this issuer instead of its own address. */
  claimedIssuer?: string;
}): Promise<TestProvider> {
  // The proxy's address is the issuer; the provider itself listens on another port.
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const inner: Server = createServer();
  await new Promise<void>((resolve) => inner.listen(0, '127.0.0.1', resolve));
  const innerPort = (inner.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The provider's signing key, made here so the proxy can sign as the provider does.
  const jwk = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const signingKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const clientId = opts.clientId ?? 'partnership-hub';
  const clientSecret = opts.clientSecret ?? 'test-client-secret-0123456789abcdef';
  const provider = new Provider(opts.claimedIssuer ?? issuer, {
    clients: [{
      client_id: clientId, client_secret: clientSecret, redirect_uris: [opts.redirectUri], post_logout_redirect_uris: [opts.postLogoutRedirectUri],
      response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_post',
    }],
    async findAccount(_ctx, sub) {
      const account = opts.accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'roles'] },
    pkce: { required: () => true },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    jwks: { keys: [jwk as never] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  });
  inner.on('request', provider.callback());
  const handle: TestProvider = {
    issuer, clientId, clientSecret, tamper: { idToken: null, discovery: null, userinfo: null }, forged: 0,
    close: async () => {
      for (const s of [server, inner]) await new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });
    },
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const alter = path === '/token' && handle.tamper.idToken
      ? (body: Record<string, unknown>) => {
        if (typeof body.id_token !== 'string') return body;
        handle.forged++;
        return { ...body, id_token: resign(body.id_token, signingKey, handle.tamper.idToken!) };
      }
      : path === '/.well-known/openid-configuration' && handle.tamper.discovery ? handle.tamper.discovery
        : path === '/me' && handle.tamper.userinfo ? handle.tamper.userinfo : null;
    // Host kept as it came, so the provider names the proxy's address in what it writes.
    const { 'accept-encoding': _plain, ...headers } = req.headers; // answers uncompressed, so they can be read
    const forward = httpRequest({ host: '127.0.0.1', port: innerPort, method: req.method, path: req.url, headers }, (answer) => {
      if (!alter || answer.statusCode !== 200) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = JSON.stringify(alter(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>));
        const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) };
        delete headers['transfer-encoding'];
        delete headers.etag;
        res.writeHead(200, headers);
        res.end(body);
      });
    });
    forward.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(forward);
  });
  return handle;
}

/**
 * Follows the provider's redirects from an authorisation address, signing in as `login`
 * on its sign-in form and agreeing on its consent form, until it sends the browser back
 * to `returnTo`: that address (with the code, state and iss) is returned.
 */
export async function signInAtProvider(authorizationUrl: string, login: string, returnTo: string): Promise<string> {
  const cookies = new Map<string, string>();
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  let url = authorizationUrl;
  let init: RequestInit = {};
  for (let step = 0; step < 20; step++) {
    if (url.startsWith(returnTo)) return url;
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> ?? {}), cookie: cookieHeader() } });
    keep(res);
    init = {};
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`the provider answered ${res.status}: ${html.slice(0, 300)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`no form on the provider's page: ${html.slice(0, 300)}`);
    const form = new URLSearchParams({ prompt });
    if (prompt === 'login') { form.set('login', login); form.set('password', 'any'); }
    url = new URL(action.replace(/&amp;/g, '&'), url).href;
    init = { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('the provider never sent the browser back');
}
