// Requests this server makes to addresses an administrator typed (a ModernGov web
// service and the documents it links to, a single sign-on provider). Without a guard, such an address could point the server at itself, the
// council's internal network or a cloud metadata service. Unless the operator allows it
// (OUTBOUND_ALLOW_PRIVATE=1, for a service on the council's own network), only public
// addresses are reached: the check is made on every address a name resolves to, at the
// moment of connecting (so a name that changes its answer between check and use gains
// nothing), and again for every redirect, which is followed here one hop at a time.
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

export class BlockedAddressError extends Error {
  readonly code = 'BLOCKED_ADDRESS';
  constructor(host: string, address: string) {
    super(`${host} is ${host === address ? 'a' : `at ${address}, a`} ${describe(addressRange(address))} address, which this server does not reach unless its operator allows it (OUTBOUND_ALLOW_PRIVATE)`);
  }
}

function describe(range: string): string {
  return ({ loopback: 'loopback (this machine)', private: 'private network', linkLocal: 'link-local', uniqueLocal: 'private network', carrierGradeNat: 'shared network', unspecified: 'unspecified', multicast: 'multicast', broadcast: 'broadcast' } as Record<string, string>)[range] ?? 'reserved';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup, refusing any answer that is not a public address. */
function publicLookup(hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked) return callback(Object.assign(new BlockedAddressError(hostname, blocked.address), { errno: 0 }) as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}

// undici is loaded on the first outbound request, not at start (about 30 MB and a third of
// a second that most servers, with no ModernGov link or single sign-on, never need).
let undici: Promise<{ fetch: typeof import('undici').fetch; guardedAgent: Agent }> | undefined;
const loadUndici = () => (undici ??= import('undici').then((u) => ({ fetch: u.fetch, guardedAgent: new u.Agent({ connect: { lookup: publicLookup as never } }) })));

/** A literal address in a URL that is not public, as the refusal it would meet; null when none. */
export function blockedLiteral(url: URL): BlockedAddressError | null {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(literal) && !isPublicAddress(literal) ? new BlockedAddressError(url.hostname, literal) : null;
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
 * fetch for addresses an administrator gave: redirects followed here (at most five), and,
 * unless allowPrivate, every host checked to be public, literal addresses before the
 * request and names as they are resolved. A refusal is a BlockedAddressError (directly,
 * or as the cause of fetch's TypeError when found while connecting).
 */
export async function outboundFetch(url: string, init: OutboundInit, options: { allowPrivate: boolean }): Promise<UndiciResponse> {
  let current = new URL(url);
  const { redirect, ...rest } = init;
  const { fetch: undiciFetch, guardedAgent } = await loadUndici();
  for (let hop = 0; ; hop++) {
    const blocked = options.allowPrivate ? null : blockedLiteral(current);
    if (blocked) throw blocked;
    const request: UndiciRequestInit = { ...rest, redirect: 'manual', ...(options.allowPrivate ? {} : { dispatcher: guardedAgent }) };
    const res = await undiciFetch(current, request);
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
