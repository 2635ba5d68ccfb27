// The only reader of the environment. Every problem is reported at once, at start-up.
import { resolve } from 'node:path';
import { hkdfSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';

export interface Config {
  /** NODE_ENV=production: demo accounts can never sign in, and the demo is not loaded unless asked for. */
  production: boolean;
  port: number;
  host: string;
  /** PostgreSQL server URL; when absent the embedded PGlite database is used. */
  databaseUrl: string | undefined;
  /** The owner role's address (docs/operations.md): migrations run through it, the app runs as DATABASE_URL's user. */
  databaseOwnerUrl: string | undefined;
  /** Folder that holds the embedded database; ignored with databaseUrl. */
  dataDir: string;
  /** Secret for CSRF tokens; random per process when not set (forms then expire on restart). */
  sessionSecret: string;
  /**
   * The AES-256 key single sign-on's client secrets are encrypted with at rest: derived
   * (HKDF-SHA256) from SSO_SECRET_KEY, or from SESSION_SECRET when that is not set.
   */
  ssoKey: Buffer;
  /**
   * The AES-256 key TOTP secrets are encrypted with at rest: derived (HKDF-SHA256) from the
   * same secret as ssoKey, for another purpose, so neither key opens the other's secrets.
   */
  totpKey: Buffer;
  /**
   * Load the demo partnership when the database holds no partnership yet: by default
   * only outside production. Its accounts have a published password, so in production
   * they cannot sign in even when LOAD_DEMO=true loads its records.
   */
  loadDemo: boolean;
  /**
   * The proxies whose X-Forwarded-For (and -Host, -Proto) are believed: addresses or
   * CIDR ranges, or the words loopback, linklocal, uniquelocal. None by default, so a
   * client cannot choose the address its sign-in attempts are counted against.
   */
  trustProxy: string[];
  /** Slug of the partnership served when the Host header names none. */
  defaultPartnership: string | undefined;
  secureCookies: boolean;
  sessionHours: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  /** The public address of the site (no trailing slash), for absolute links; a partnership's own public_url wins. */
  baseUrl: string;
  /** Bulletin messages per second (BULLETIN_RATE); 0 sends as fast as the mail server takes them. */
  bulletinRate: number;
  /** Where bounces of bulletins return (BOUNCE_ADDRESS): each recipient's copy carries its own +tag of it. */
  bounceAddress: string;
  /**
   * OUTBOUND_ALLOW_PRIVATE: whether addresses an administrator types for the ModernGov
   * connector (a web service and its documents) may be on this machine or a private
   * network. Off by default, so such an address cannot turn this server against the
   * council's own network (src/web/outbound.ts).
   */
  outboundAllowPrivate: boolean;
  /**
   * SSO_ALLOW_PRIVATE: whether a single sign-on provider may be on the council's private
   * network (an internal identity server); outside production, on this machine too.
   * Link-local (cloud metadata) addresses are never reached whatever it says (ssoRule in
   * src/web/outbound.ts, docs/sso.md).
   */
  ssoAllowPrivate: boolean;
  /**
   * DAILY_WORK_AT: the time of day (UK time, HH:MM) from which the server sends each day's
   * reminders and requests itself (src/modules/scheduled/dailyWork.ts), or "off" to leave them to
   * the scripts and cron. Default 07:00. Only with SMTP_URL set.
   */
  dailyWorkAt: string | null;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const databaseOwnerUrl = env.DATABASE_OWNER_URL || undefined;
  if (databaseOwnerUrl && (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseOwnerUrl))) {
    problems.push('DATABASE_OWNER_URL must start with postgres:// or postgresql://, and needs DATABASE_URL');
  }
  const production = env.NODE_ENV === 'production';
  const baseUrl = (env.BASE_URL || '').replace(/\/+$/, '');
  if (baseUrl && !/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(baseUrl)) {
    problems.push(`BASE_URL must be an address starting with https:// or http://, without ? or # (got "${env.BASE_URL}")`);
  }
  const sessionSecret = env.SESSION_SECRET || randomBytes(32).toString('hex');
  if (production && !env.SESSION_SECRET) problems.push('SESSION_SECRET must be set in production');
  if (env.SESSION_SECRET && env.SESSION_SECRET.length < 32) problems.push('SESSION_SECRET must be at least 32 characters');
  if (env.SSO_SECRET_KEY && env.SSO_SECRET_KEY.length < 32) problems.push('SSO_SECRET_KEY must be at least 32 characters');
  const ssoKey = Buffer.from(hkdfSync('sha256', env.SSO_SECRET_KEY || sessionSecret, 'partnership-hub', 'sso-client-secret', 32));
  const totpKey = Buffer.from(hkdfSync('sha256', env.SSO_SECRET_KEY || sessionSecret, 'partnership-hub', 'totp-secret', 32));

  const trustProxy = (env.TRUST_PROXY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of trustProxy) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!['loopback', 'linklocal', 'uniquelocal'].includes(entry) && (!family || !okBits || extra !== undefined)) {
      problems.push(`TRUST_PROXY must list proxy addresses or CIDR ranges separated by commas, like 10.0.0.1, 10.1.0.0/16 (got "${entry}")`);
    }
  }

  const dailyWorkAt = (env.DAILY_WORK_AT || '07:00').trim().toLowerCase();
  if (dailyWorkAt !== 'off' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(dailyWorkAt)) {
    problems.push(`DAILY_WORK_AT must be a time of day written HH:MM, like 07:00, or off (got "${env.DAILY_WORK_AT}")`);
  }

  const port = int('PORT', 3000, 0, 65535);
  const config: Config = {
    production,
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    databaseOwnerUrl,
    dataDir: resolve(env.DATA_DIR || 'data'),
    sessionSecret,
    ssoKey,
    totpKey,
    loadDemo: bool('LOAD_DEMO', !production),
    trustProxy,
    defaultPartnership: env.DEFAULT_PARTNERSHIP || undefined,
    secureCookies: bool('SECURE_COOKIES', production),
    sessionHours: int('SESSION_HOURS', 12, 1, 24 * 30),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || 'Partnership Hub <no-reply@localhost>',
    logLevel: env.LOG_LEVEL || (production ? 'info' : 'warn'),
    baseUrl: baseUrl || `http://localhost:${port}`,
    bulletinRate: int('BULLETIN_RATE', 20, 0, 10_000),
    outboundAllowPrivate: bool('OUTBOUND_ALLOW_PRIVATE', false),
    ssoAllowPrivate: bool('SSO_ALLOW_PRIVATE', false),
    dailyWorkAt: dailyWorkAt === 'off' ? null : dailyWorkAt,
    bounceAddress: env.BOUNCE_ADDRESS || `bounces@${/@([^>\s]+)/.exec(env.MAIL_FROM || '')?.[1] ?? 'localhost'}`,
  };
  if (!/^[^@\s+]+@[^@\s]+$/.test(config.bounceAddress)) problems.push(`BOUNCE_ADDRESS must be an address without a + in it, like bounces@csp.example.org (got "${config.bounceAddress}")`);
  if (problems.length) throw new ConfigError(`Configuration problems:\n- ${problems.join('\n- ')}`);
  return config;
}
