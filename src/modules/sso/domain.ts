// The rules of single sign-on that need no database: which addresses may sign in, and
// what a person is told when the provider's answer is refused.
import * as oidc from 'openid-client';

/** Minutes a sign-in sent to the provider may take before it must start again. */
export const FLOW_MINUTES = 10;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Domains typed one a line or separated by commas or spaces, a leading @ allowed: lower case, each once; the bad ones named. */
export function parseDomains(text: string): { domains: string[]; bad: string[] } {
  const parts = text.split(/[\s,;]+/).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean);
  const domains = [...new Set(parts.filter((d) => DOMAIN.test(d)))];
  return { domains, bad: parts.filter((d) => !DOMAIN.test(d)) };
}

/** The domain of an address, exactly (a subdomain is not its parent). */
export const emailDomain = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

export const domainAllowed = (email: string, allowed: readonly string[]) => email.includes('@') && allowed.includes(emailDomain(email));

/** Why a sign-in by the provider was refused: each reason has its own words. */
export type Refusal =
  | 'no-flow' | 'used' | 'wrong-state' | 'provider-error' | 'code-refused' | 'expired-token' | 'wrong-issuer'
  | 'wrong-audience' | 'wrong-nonce' | 'unverified-email' | 'no-email' | 'domain' | 'no-account' | 'failed';

export const REFUSALS: Record<Refusal, string> = {
  'no-flow': 'This sign-in was not started in this browser, or took longer than 10 minutes. Start again.',
  used: 'This sign-in has been completed already: its answer from the provider cannot be used twice. Start again.',
  'wrong-state': 'The answer from the provider does not belong to the sign-in started in this browser (its state does not match). Start again.',
  'provider-error': 'The provider did not sign you in. Start again, or sign in with your password if you have one.',
  'code-refused': 'The provider refused the sign-in code: it has been used already or has expired. Start again.',
  'expired-token': 'The provider’s proof of who you are has expired. Check your computer’s clock is right, then start again.',
  'wrong-issuer': 'The answer came from a different identity provider than the one this partnership uses. Start again from this site.',
  'wrong-audience': 'The provider’s proof of who you are was made for another service. Start again from this site.',
  'wrong-nonce': 'The provider’s proof of who you are does not belong to this sign-in. Start again.',
  'unverified-email': 'Your email address is not verified by the provider, so it cannot be linked to an account here. Ask your IT service desk to verify it.',
  'no-email': 'The provider did not say what your email address is. Ask your IT service desk to allow the email claim for this service.',
  domain: 'Your email address is not at a domain this partnership accepts for single sign-on. Sign in with your password, or ask an administrator.',
  'no-account': 'There is no account for your email address in this partnership. Ask an administrator to add you.',
  failed: 'The sign-in could not be completed. Start again; if it keeps failing, tell an administrator.',
};

/** Which refusal an error from openid-client (checking the provider's answer) means. */
export function refusalFor(e: unknown): Refusal {
  if (e instanceof oidc.AuthorizationResponseError) return 'provider-error';
  if (e instanceof oidc.ResponseBodyError) return e.error === 'invalid_grant' ? 'code-refused' : 'failed';
  // openid-client's ClientError: its code, and the check that failed as its cause.
  const err = e as { code?: string; cause?: { message?: string; cause?: { claim?: string } } };
  const detail = err?.cause?.message ?? '';
  switch (err?.code) {
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED': return 'expired-token';
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED': {
      const claim = err.cause?.cause?.claim;
      return claim === 'iss' ? 'wrong-issuer' : claim === 'aud' || claim === 'azp' ? 'wrong-audience' : claim === 'nonce' ? 'wrong-nonce' : 'failed';
    }
    case 'OAUTH_INVALID_RESPONSE':
      return /"iss"/.test(detail) ? 'wrong-issuer' : /"state"/.test(detail) ? 'wrong-state' : 'failed';
    default: return 'failed';
  }
}
