// Passwords are kept only as argon2id hashes, and chosen after the NCSC's guidance for
// system owners: long enough, never one of the passwords attackers try first, and no
// composition rules (no "one capital, one digit, one symbol"), which make passwords
// harder to remember and no harder to guess. Password managers and pasting are welcome,
// so the maximum is generous.
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { createRequire } from 'node:module';

// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane. The library's Algorithm is a
// const enum (types only, nothing at run time): Argon2id is its value 2.
const ARGON2ID = 2 as Algorithm;
const options = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const PASSWORD_RULES = {
  minLength: 12,
  /** Long enough for any passphrase or generated password; short enough to hash quickly. */
  maxLength: 256,
};

/** What a form tells someone choosing a password. */
export const PASSWORD_HINT = `${PASSWORD_RULES.minLength} characters or more. Three or four random words make a good one. Do not use a password you use elsewhere`;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

// The common-passwords list shipped with the app: the 49,000 or so most common passwords
// that zxcvbn-ts keeps (MIT licence, (c) 2012-2016 Dan Wheeler and Dropbox, Inc.,
// (c) 2021 @zxcvbn-ts; see docs/accounts.md).
let common: Set<string> | null = null;
/** The common passwords, lower case; loaded once, on first use. */
function commonPasswords(): Set<string> {
  // Required here, not imported at start: the word lists hold about 20 MB, wanted only when a password is chosen.
  common ??= new Set((createRequire(import.meta.url)('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common')).dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/**
 * Whether the password is, or is only a dressed-up copy of, a common password: the same
 * letters in any case, with digits or symbols added at either end ("Password2024!"), or
 * repeated ("qwertyqwerty"), or one character or a run of keys and digits over and over.
 */
export function isCommonPassword(password: string): boolean {
  const list = commonPasswords();
  const lower = password.toLowerCase().normalize('NFKC');
  if (list.has(lower)) return true;
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (core.length >= 4 && list.has(core)) return true;
  // A short piece said again and again: "aaaaaaaaaaaa", "abcabcabcabc", "password".repeat(2).
  const repeated = /^(.{1,8}?)\1+$/su.exec(lower);
  if (repeated && (repeated[1]!.length < 4 || list.has(repeated[1]!))) return true;
  // Counting up or down: "123456789012", "abcdefghijkl".
  const codes = [...lower].map((c) => c.codePointAt(0)!);
  const steps = new Set(codes.slice(1).map((c, i) => c - codes[i]!));
  if (steps.size === 1 && [...steps].every((s) => Math.abs(s) === 1) || /^(0123456789|9876543210)+\d*$/.test(lower)) return true;
  return false;
}

/**
 * Why a password would be refused, or null when it is acceptable. `about` is what the
 * account is known by (its e-mail address and name): a password built on them is the
 * first thing someone who knows the person would try.
 */
export function passwordProblem(password: string, about: { email?: string; name?: string } = {}): string | null {
  if (!password) return 'Enter a password';
  const length = [...password].length;
  if (length < PASSWORD_RULES.minLength) return `Password must be ${PASSWORD_RULES.minLength} characters or more`;
  if (length > PASSWORD_RULES.maxLength) return `Password must be ${PASSWORD_RULES.maxLength} characters or fewer`;
  if (isCommonPassword(password)) return 'That password is one of the most common passwords, which are tried first. Choose a different one, such as three or four random words';
  const lower = password.toLowerCase();
  const local = about.email?.toLowerCase().split('@')[0] ?? '';
  if ((local.length >= 4 && lower.includes(local)) || (about.email && lower.includes(about.email.toLowerCase()))) {
    return 'Your password must not contain your email address. Choose a different one';
  }
  const name = about.name?.toLowerCase().replace(/\s+/g, '') ?? '';
  if (name.length >= 4 && lower.replace(/\s+/g, '') === name) return 'Your password must not be your name. Choose a different one';
  return null;
}
