// Requests this server makes to addresses an administrator typed (a ModernGov web
// service and the documents it links to, a single sign-on provider). Without a guard, such
// an address could point the server at itself, the council's internal network or a cloud
// metadata service. Each caller has an address rule: only public addresses, unless the
// operator's setting widens it (OUTBOUND_ALLOW_PRIVATE for the ModernGov connector,
// SSO_ALLOW_PRIVATE for a single sign-on provider, see ssoRule). The check is made on every
// address a name resolves to, at the moment of connecting (so a name that changes its
// answer between check and use gains nothing), and again for every redirect, which is
// followed here one hop at a time.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Agent, RequestInit as UndiciRequestInit, Response as UndiciResponse } from 'undici';

const MAX_REDIRECTS = 5;

/** The kind of a literal address ('unicast' is the only public kind), by ipaddr.js's ranges. */
export function addressRange(address: string): string {
  try {
    return ipaddr.process(address).range();
  } catch {
    return 'invalid';
  }
}

export const isPublicAddress = (address: string) => addressRange(address) === 'unicast';

/**
 * Which addresses a caller reaches: public ones always, and `allowed` kinds (ipaddr.js range
 * names, or 'all') besides. A refused kind in `allowable` could be reached if the operator
 * turned `setting` on; any other kind is never reached, and the refusal says so.
 */
export interface AddressRule {
  allowed: 'all' | readonly string[];
  allowable: 'all' | readonly string[];
  setting: string;
}

const has = (list: 'all' | readonly string[], range: string) => list === 'all' || list.includes(range);

/** The ModernGov connector's rule: public only, or everything when OUTBOUND_ALLOW_PRIVATE is on. */
export const outboundRule = (allowPrivate: boolean): AddressRule =>
  ({ allowed: allowPrivate ? 'all' : [], allowable: 'all', setting: 'OUTBOUND_ALLOW_PRIVATE' });

/** The council's own networks: RFC 1918, IPv6 unique local addresses and carrier-grade NAT. */
const PRIVATE_NETWORKS = ['private', 'uniqueLocal', 'carrierGradeNat'] as const;

/**
 * A single sign-on provider's rule. An identity server on the council's own network is
 * allowed when the operator says so (SSO_ALLOW_PRIVATE); this machine only outside
 * production (a developer's or a test's provider), with the same setting; link-local
 * addresses (cloud metadata services such as 169.254.169.254), and every other reserved
 * kind, never: no identity server lives there, and what an administrator types must not
 * reach them.
 */
export function ssoRule(allowPrivate: boolean, production: boolean): AddressRule {
  const allowable = production ? [...PRIVATE_NETWORKS] : [...PRIVATE_NETWORKS, 'loopback'];
  return { allowed: allowPrivate ? allowable : [], allowable, setting: 'SSO_ALLOW_PRIVATE' };
}

export const addressAllowed = (address: string, rule: AddressRule) => {
  const range = addressRange(address);
  return range === 'unicast' || has(rule.allowed, range);
};

export class BlockedAddressError extends Error {
  readonly code = 'BLOCKED_ADDRESS';
  constructor(host: string, address: string, rule: AddressRule) {
    const range = addressRange(address);
    const why = has(rule.allowable, range) ? `which this server does not reach unless its operator allows it (${rule.setting})` : 'which this server never reaches';
    const kind = describe(range);
    super(`${host} is ${host === address ? '' : `at ${address}, `}${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} address, ${why}`);
  }
}

function describe(range: string): string {
  return ({ loopback: 'loopback (this machine)', private: 'private network', linkLocal: 'link-local', uniqueLocal: 'private network', carrierGradeNat: 'shared network', unspecified: 'unspecified', multicast: 'multicast', broadcast: 'broadcast' } as Record<string, string>)[range] ?? 'reserved';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup, refusing any answer the rule does not allow. */
const ruledLookup = (rule: AddressRule) => (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const blocked = addresses.find((a) => !addressAllowed(a.address, rule));
    if (blocked) return callback(Object.assign(new BlockedAddressError(hostname, blocked.address, rule), { errno: 0 }) as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

// undici is loaded on the first outbound request, not at start (about 30 MB and a third of
// a second that most servers, with no ModernGov link or single sign-on, never need).
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undici ??= import('undici'));
// One connection pool per rule (there are a handful), each resolving names through its check.
const agents = new Map<string, Agent>();
function agentFor(u: typeof import('undici'), rule: AddressRule): Agent {
  const key = JSON.stringify(rule);
  let agent = agents.get(key);
  if (!agent) agents.set(key, agent = new u.Agent({ connect: { lookup: ruledLookup(rule) as never } }));
  return agent;
}

/** A literal address in a URL that the rule refuses, as the refusal it would meet; null when none. */
export function blockedLiteral(url: URL, rule: AddressRule): BlockedAddressError | null {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(literal) && !addressAllowed(literal, rule) ? new BlockedAddressError(literal, literal, rule) : null;
}

/**
 * Whether a URL's host is allowed, resolving a name now: for a refusal in words before any
 * request is made (the check made when connecting still stands, as a name may change its answer).
 */
export async function blockedHost(url: URL, rule: AddressRule): Promise<BlockedAddressError | null> {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal)) return blockedLiteral(url, rule);
  const addresses = await new Promise<LookupAddress[]>((resolve) => dnsLookup(literal, { all: true }, (error, found) => resolve(error ? [] : found)));
  const blocked = addresses.find((a) => !addressAllowed(a.address, rule));
  return blocked ? new BlockedAddressError(url.hostname, blocked.address, rule) : null;
}

export interface OutboundInit {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  method?: string;
  body?: UndiciRequestInit['body'];
  /** 'manual': a redirect is handed back as it came (a client library that follows its own); else followed here. */
  redirect?: 'follow' | 'manual';
}

/**
 * fetch for addresses an administrator gave: redirects followed here (at most five), and
 * every host held to the rule (outboundRule's when given allowPrivate), literal addresses
 * before the request and names as they are resolved. A refusal is a BlockedAddressError
 * (directly, or as the cause of fetch's TypeError when found while connecting).
 */
export async function outboundFetch(url: string, init: OutboundInit, options: { allowPrivate: boolean } | { rule: AddressRule }): Promise<UndiciResponse> {
  let current = new URL(url);
  const { redirect, ...rest } = init;
  const rule = 'rule' in options ? options.rule : outboundRule(options.allowPrivate);
  const u = await loadUndici();
  for (let hop = 0; ; hop++) {
    const blocked = blockedLiteral(current, rule);
    if (blocked) throw blocked;
    const request: UndiciRequestInit = { ...rest, redirect: 'manual', ...(rule.allowed === 'all' ? {} : { dispatcher: agentFor(u, rule) }) };
    const res = await u.fetch(current, request);
    const location = res.headers.get('location');
    if (redirect === 'manual' || res.status < 300 || res.status >= 400 || !location) return res;
    await res.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new TypeError(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, current);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new TypeError(`a redirect to ${next.protocol} is not followed`);
    current = next;
  }
}

/** The BlockedAddressError behind a failed outboundFetch, if that is why it failed. */
export function blockedCause(error: unknown): BlockedAddressError | null {
  for (let e = error as { cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e instanceof BlockedAddressError) return e;
  }
  return null;
}
