// The partnership's OpenID Connect provider, through openid-client (a certified relying
// party library): discovery when an administrator saves the settings, and the client
// configuration each sign-in uses, built from the discovery document saved then. Every
// request to the provider (discovery, token, keys, userinfo) goes through the outbound
// guard (src/web/outbound.ts) under single sign-on's own rule (ssoRule): public addresses,
// the council's private network when the operator allows it (SSO_ALLOW_PRIVATE=1), never
// link-local (cloud metadata) addresses, and this machine only outside production.
import * as oidc from 'openid-client';
import { ValidationError } from '../../web/errors.ts';
import { blockedCause, blockedHost, blockedLiteral, outboundFetch, ssoRule, type AddressRule } from '../../web/outbound.ts';

/**
 * The client's clock against the provider's: `skewSeconds` is added to this server's time
 * when checking a token's times (a test moves it to see an expired token refused), and
 * `toleranceSeconds` is the leeway either way.
 */
export const SSO_CLOCK = { skewSeconds: 0, toleranceSeconds: 30 };

const TIMEOUT_SECONDS = 10;

/** openid-client's fetch, through the guard; the library follows (or refuses) redirects itself. */
function guardedFetch(rule: AddressRule): oidc.CustomFetch {
  return ((url: string, options: { body?: unknown; headers: Record<string, string>; method: string; signal?: AbortSignal }) => outboundFetch(url, {
    method: options.method, headers: options.headers, body: options.body as never, signal: options.signal, redirect: 'manual',
  }, { rule })) as unknown as oidc.CustomFetch;
}

const blockedMessage = (message: string, what = 'The issuer') => `${what} cannot be used: ${message}. Enter the provider's public address, or ask the operator to allow private addresses`;

/** The provider's addresses this server requests itself, and those only a browser is sent to. */
const SERVER_ENDPOINTS = { token_endpoint: 'token', jwks_uri: 'key', userinfo_endpoint: 'userinfo' } as const;
const BROWSER_ENDPOINTS = { authorization_endpoint: 'authorisation', end_session_endpoint: 'sign-out' } as const;

/** Plain http only for a provider on this machine, outside production (a test's or a developer's). */
function insecureAllowed(url: URL, production: boolean): boolean {
  return url.protocol === 'http:' && !production && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export function parseIssuer(issuer: string, production: boolean): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw ValidationError.single('issuer', 'Enter the issuer as a web address, like https://login.microsoftonline.com/your-tenant-id/v2.0');
  }
  if (url.protocol !== 'https:' && !insecureAllowed(url, production)) throw ValidationError.single('issuer', 'The issuer must be a web address starting with https://');
  if (url.search || url.hash || url.username || url.password) throw ValidationError.single('issuer', 'Enter the issuer without a query, fragment or user name');
  return url;
}

/**
 * Reads the provider's discovery document and checks it can serve this app: the issuer it
 * names is exactly the one given, and it offers the authorisation code flow with PKCE.
 * Any problem is a ValidationError on the issuer, in words an administrator can act on.
 */
export async function discoverProvider(issuer: string, clientId: string, clientSecret: string, production: boolean, allowPrivate: boolean): Promise<Record<string, unknown>> {
  const url = parseIssuer(issuer, production);
  const rule = ssoRule(allowPrivate, production);
  const where = `${url.href.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const fail = (m: string) => ValidationError.single('issuer', m);
  const literal = blockedLiteral(url, rule);
  if (literal) throw fail(blockedMessage(literal.message));
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(url, clientId, clientSecret, undefined, {
      execute: insecureAllowed(url, production) ? [oidc.allowInsecureRequests] : [], timeout: TIMEOUT_SECONDS, [oidc.customFetch]: guardedFetch(rule),
    });
  } catch (e) {
    const blocked = blockedCause(e);
    if (blocked) throw fail(blockedMessage(blocked.message));
    const err = e as { code?: string; cause?: { status?: number; body?: { issuer?: unknown } } };
    switch (err.code) {
      case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
        throw fail(`The provider at that address says its issuer is ${String(err.cause?.body?.issuer ?? 'something else')}, not ${issuer}. Enter the issuer exactly as the provider names it.`);
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
        throw fail(`No OpenID Connect provider answered at ${where}${err.cause?.status ? ` (it answered HTTP ${err.cause.status})` : ''}. Check the issuer address.`);
      case 'OAUTH_RESPONSE_IS_NOT_JSON': case 'OAUTH_PARSE_ERROR': case 'OAUTH_INVALID_RESPONSE':
        throw fail(`The address answered, but not with an OpenID Connect discovery document (${where}). Check the issuer address.`);
      default:
        throw fail(`The provider could not be reached at ${where} within ${TIMEOUT_SECONDS} seconds. Check the issuer address, and that this server may reach it.`);
    }
  }
  const metadata = { ...config.serverMetadata() } as Record<string, unknown>;
  const list = (k: string) => (Array.isArray(metadata[k]) ? (metadata[k] as unknown[]) : null);
  if (typeof metadata.authorization_endpoint !== 'string' || typeof metadata.token_endpoint !== 'string' || typeof metadata.jwks_uri !== 'string') {
    throw ValidationError.single('issuer', 'The provider does not offer the authorisation code flow (no authorisation, token or key address). Check the issuer address.');
  }
  if (!(list('response_types_supported') ?? ['code']).includes('code')) throw ValidationError.single('issuer', 'The provider does not offer the authorisation code flow.');
  const pkce = list('code_challenge_methods_supported');
  if (pkce && !pkce.includes('S256')) throw ValidationError.single('issuer', 'The provider does not offer PKCE with S256, which this service requires.');
  // The document names the addresses used from now on: each held to the same rules as the
  // issuer, so a document cannot send this server, or a browser, where the issuer could not.
  for (const [key, name] of [...Object.entries(SERVER_ENDPOINTS), ...Object.entries(BROWSER_ENDPOINTS)]) {
    if (metadata[key] === undefined) continue;
    let endpoint: URL;
    try {
      endpoint = new URL(String(metadata[key]));
    } catch {
      throw fail(`The provider's discovery document gives its ${name} address (${key}) as something that is not a web address. Check the provider's settings.`);
    }
    if (endpoint.protocol !== 'https:' && !insecureAllowed(endpoint, production)) throw fail(`The provider's ${name} address (${key}) must start with https://, but is ${endpoint.href}. Check the provider's settings.`);
    if (key in SERVER_ENDPOINTS) {
      const blocked = await blockedHost(endpoint, rule);
      if (blocked) throw fail(blockedMessage(blocked.message, `The provider's ${name} address (${key})`));
    }
  }
  return metadata;
}

/** The client for one sign-in, from the saved discovery document. */
export function clientFor(metadata: Record<string, unknown>, clientId: string, clientSecret: string, production: boolean, allowPrivate: boolean): oidc.Configuration {
  // The secret in the form body unless the provider takes it only in the Authorization header
  // (the specification's default when the provider lists no methods).
  const methods = Array.isArray(metadata.token_endpoint_auth_methods_supported) ? metadata.token_endpoint_auth_methods_supported as string[] : ['client_secret_basic'];
  const auth = methods.includes('client_secret_post') ? oidc.ClientSecretPost(clientSecret) : oidc.ClientSecretBasic(clientSecret);
  const config = new oidc.Configuration(metadata as unknown as oidc.ServerMetadata, clientId, {
    client_secret: clientSecret, [oidc.clockSkew]: SSO_CLOCK.skewSeconds, [oidc.clockTolerance]: SSO_CLOCK.toleranceSeconds,
  }, auth);
  if (insecureAllowed(new URL(String(metadata.issuer)), production)) oidc.allowInsecureRequests(config);
  config.timeout = TIMEOUT_SECONDS;
  // The token, key and userinfo addresses come from the provider's document: each is checked as it is reached.
  config[oidc.customFetch] = guardedFetch(ssoRule(allowPrivate, production));
  return config;
}
