// Links e-mailed to people who have no account (a partner's data return for an
// assessment, a project lead's progress return for funding): a random token of 256 bits
// in the address; only its SHA-256 is kept, with an expiry, and a newer link for the
// same purpose can replace (revoke) the older. The token itself is never logged nor audited.
import { createHash, randomBytes } from 'node:crypto';

export const tokenSha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Whether a token from an address could be one of ours, before any database look-up. */
export const looksLikeLinkToken = (token: string): boolean => /^[A-Za-z0-9_-]{20,100}$/.test(token);

/** A new token, and the hash to keep for it. */
export function newLinkToken(): { token: string; sha256: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: tokenSha256(token) };
}

export type LinkRefusal = 'unknown' | 'expired' | 'replaced';

/** Why a stored link cannot be used now, or null when it can. */
export function linkRefusal(link: { expires_at: Date; revoked_at: Date | null } | undefined, now = Date.now()): LinkRefusal | null {
  if (!link) return 'unknown';
  if (link.revoked_at) return 'replaced';
  if (link.expires_at.getTime() < now) return 'expired';
  return null;
}

/** The end of the day a link expires, as kept. */
export const expiresAtEndOf = (isoDate: string): Date => new Date(`${isoDate}T23:59:59Z`);
