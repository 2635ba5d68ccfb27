import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret } from './secret.ts';
import { loadConfig } from '../../config.ts';

const P1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';

test('a client secret is stored encrypted and opens only with its key, for its own partnership', () => {
  const key = randomBytes(32);
  const stored = encryptSecret(key, P1, 'provider-given-secret-123');
  assert.ok(!stored.includes('provider-given-secret'));
  assert.notEqual(stored, encryptSecret(key, P1, 'provider-given-secret-123'), 'a fresh nonce each time');
  assert.equal(decryptSecret(key, P1, stored), 'provider-given-secret-123');
  assert.equal(decryptSecret(key, P2, stored), null, 'another partnership');
  assert.equal(decryptSecret(randomBytes(32), P1, stored), null, 'another key');
  const [v, iv, tag, body] = stored.split('.');
  const flipped = Buffer.from(body!, 'base64url');
  flipped[0]! ^= 1;
  assert.equal(decryptSecret(key, P1, [v, iv, tag, flipped.toString('base64url')].join('.')), null, 'tampered');
});

test('the key comes from SSO_SECRET_KEY, else from SESSION_SECRET, and a short SSO_SECRET_KEY is refused', () => {
  const session = 'session-secret-session-secret-session-00';
  const fromSession = loadConfig({ SESSION_SECRET: session } as NodeJS.ProcessEnv).ssoKey;
  assert.equal(fromSession.length, 32);
  assert.deepEqual(loadConfig({ SESSION_SECRET: session } as NodeJS.ProcessEnv).ssoKey, fromSession);
  const own = loadConfig({ SESSION_SECRET: session, SSO_SECRET_KEY: 'sso-key-sso-key-sso-key-sso-key-sso-key' } as NodeJS.ProcessEnv).ssoKey;
  assert.notDeepEqual(own, fromSession);
  assert.throws(() => loadConfig({ SSO_SECRET_KEY: 'short' } as NodeJS.ProcessEnv), /SSO_SECRET_KEY must be at least 32 characters/);
});
