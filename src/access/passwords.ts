// Passwords are kept only as argon2id hashes.
import { hash, verify, Algorithm } from '@node-rs/argon2';

// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
const options = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

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

/** Why a password would be refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return 'Password must be 12 characters or more';
  if (password.length > 256) return 'Password must be 256 characters or fewer';
  return null;
}
