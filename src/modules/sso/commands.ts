// Changes of the single sign-on module: the administrators' settings, and the account a
// verified sign-in by the provider links to or, when allowed, creates. Each change is
// written and audited in one transaction.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { authorize, ssoResources, type Actor, type Role } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { NO_PASSWORD_YET } from '../../access/setupLinks.ts';
import { Input } from '../../web/validate.ts';
import { ValidationError } from '../../web/errors.ts';
import { domainAllowed, parseDomains, type Refusal } from './domain.ts';
import { discoverProvider } from './provider.ts';
import { decryptSecret, encryptSecret } from './secret.ts';
import { findAccount, findSettings, findUserByEmail, type SsoSettings } from './store.ts';

export interface SettingsOptions {
  key: Buffer;
  production: boolean;
  /** Whether the issuer may be on a private network (config.ssoAllowPrivate; see ssoRule). */
  allowPrivate: boolean;
  /** Whether the administrator saving is signed in by single sign-on now. */
  viaSso: boolean;
}

/** What the audit log and the API keep of the settings: never the secret, only whether it changed. */
export const settingsView = (s: Pick<SsoSettings, 'provider_name' | 'issuer' | 'client_id' | 'allowed_domains' | 'allow_new_members' | 'required_for_staff' | 'trust_domain_addresses'>) => ({
  provider_name: s.provider_name, issuer: s.issuer, client_id: s.client_id, allowed_domains: s.allowed_domains,
  allow_new_members: s.allow_new_members, required_for_staff: s.required_for_staff, trust_domain_addresses: s.trust_domain_addresses,
});

/**
 * Saves the provider after reading its discovery document: a wrong issuer, an unreachable
 * provider or one without the code flow is refused with nothing saved. The client secret
 * may be left blank to keep the one held. Requiring single sign-on of staff needs the
 * administrator to have signed in through it, so nobody is locked out by a setting that
 * does not work.
 */
export async function saveSettings(ctx: Context, body: unknown, opts: SettingsOptions) {
  authorize(ctx.actor, 'administer', ssoResources.settings());
  const partnershipId = ctx.actor.partnershipId;
  const before = await findSettings(ctx.db, partnershipId);
  const input = new Input(body);
  const provider_name = input.text('provider_name', 'Enter the name people know the provider by, like Northshire Council', 80);
  // Exactly as typed: the provider's discovery document must name the same issuer.
  const issuer = input.text('issuer', 'Enter the issuer address', 500);
  const client_id = input.text('client_id', 'Enter the client ID the provider gave this service', 300);
  const typedSecret = input.optionalText('client_secret', 'The client secret', 1000);
  if (!typedSecret && !before) input.fail('client_secret', 'Enter the client secret the provider gave this service');
  // The secret held goes only to the provider it was given for: never to a new address.
  else if (!typedSecret && before && (issuer !== before.issuer || client_id !== before.client_id)) {
    input.fail('client_secret', 'Enter the client secret again: the issuer or client ID has changed');
  }
  const { domains, bad } = parseDomains(typeof (body as Record<string, unknown>)?.allowed_domains === 'string' ? String((body as Record<string, unknown>).allowed_domains) : '');
  if (bad.length) input.fail('allowed_domains', `Enter domains like northshire.gov.uk: ${bad.slice(0, 3).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not`);
  else if (!domains.length) input.fail('allowed_domains', 'Enter at least one email domain, like northshire.gov.uk');
  const allow_new_members = input.oneOf('allow_new_members', ['yes', 'no'], 'Select whether people without an account become members when they first sign in') === 'yes';
  const required_for_staff = input.oneOf('required_for_staff', ['yes', 'no'], 'Select whether officers and administrators must use single sign-on') === 'yes';
  // Left out (an older form or API client): as before, only addresses the provider says are verified.
  const trust_domain_addresses = input.optionalOneOf('trust_domain_addresses', ['yes', 'no'], 'Select whether to trust addresses at the allowed domains when the provider does not say they are verified') === 'yes';
  if (required_for_staff && !before?.required_for_staff && !opts.viaSso) {
    input.fail('required_for_staff', 'Sign in with the provider yourself first, so you know it works, before requiring it of officers and administrators');
  }
  input.check();
  const secret = typedSecret ?? decryptSecret(opts.key, partnershipId, before!.client_secret_encrypted);
  if (secret === null) throw ValidationError.single('client_secret', 'The client secret held can no longer be read (the key it was encrypted with has changed): enter it again');
  const metadata = await discoverProvider(issuer, client_id, secret, opts.production, opts.allowPrivate);
  const values = {
    provider_name, issuer, client_id, allowed_domains: domains, allow_new_members, required_for_staff, trust_domain_addresses,
  };
  return inTransaction(ctx, async (trx) => {
    const row = {
      ...values, allowed_domains: JSON.stringify(domains), metadata: JSON.stringify(metadata),
      client_secret_encrypted: encryptSecret(opts.key, partnershipId, secret), updated_at: new Date(), updated_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    };
    await trx.insertInto('sso_settings').values({ partnership_id: partnershipId, ...row })
      .onConflict((oc) => oc.column('partnership_id').doUpdateSet(row)).execute();
    // Required from now on: staff signed in with a password are signed out now (a session
    // read later is refused as well, src/access/sessions.ts, for anyone made staff since).
    const staffSignedOut = required_for_staff && !before?.required_for_staff
      ? (await trx.deleteFrom('sessions').where('partnership_id', '=', partnershipId).where('via_sso', '=', false)
        .where('user_id', 'in', (eb) => eb.selectFrom('partnership_users').select('user_id').where('partnership_id', '=', partnershipId).where('role', 'in', ['officer', 'administrator']))
        .executeTakeFirst()).numDeletedRows
      : null;
    await recordAudit(trx, ctx.actor, {
      action: before ? 'update' : 'create', recordType: 'sso-settings', recordId: partnershipId,
      summary: [
        before ? 'Single sign-on settings changed' : 'Single sign-on set up', typedSecret ? 'client secret set' : null,
        staffSignedOut !== null ? `required of officers and administrators: ${staffSignedOut} password session${staffSignedOut === 1n ? '' : 's'} ended` : null,
      ].filter(Boolean).join('; '),
      before: before ? settingsView(before) : undefined, after: settingsView(values),
    });
    return { ...values, staffSignedOut: staffSignedOut === null ? null : Number(staffSignedOut) };
  });
}

export async function removeSettings(ctx: Context): Promise<boolean> {
  authorize(ctx.actor, 'administer', ssoResources.settings());
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const before = await findSettings(trx, partnershipId);
    if (!before) return false;
    await trx.deleteFrom('sso_settings').where('partnership_id', '=', partnershipId).execute();
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'sso-settings', recordId: partnershipId, summary: 'Single sign-on turned off', before: settingsView(before) });
    return true;
  });
}

export type LinkOutcome =
  | { ok: true; user: { id: string; display_name: string; role: Role; person_id: string | null; secondFactor: boolean }; created: boolean }
  | { ok: false; refusal: Refusal; email: string | null };

/**
 * The account a sign-in by the provider is for: by its verified address, a user of this
 * partnership; else, when the partnership allows it and the address is at an allowed
 * domain, a new member with no grants (an account the address already has elsewhere is
 * added as it is). Roles and grants are never taken from the provider.
 */
export async function linkAccount(db: Kysely<DB>, settings: SsoSettings, claims: Record<string, unknown>, production: boolean): Promise<LinkOutcome> {
  const partnershipId = settings.partnership_id;
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!email || !email.includes('@')) return { ok: false, refusal: 'no-email', email: null };
  // A provider that says nothing of verification (Microsoft Entra ID) is trusted for the
  // allowed domains only when the administrator chose so; one that says "not verified" never.
  const verified = claims.email_verified === true || (claims.email_verified === undefined && settings.trust_domain_addresses);
  if (!verified) return { ok: false, refusal: 'unverified-email', email };
  if (!domainAllowed(email, settings.allowed_domains)) return { ok: false, refusal: 'domain', email };
  return db.transaction().execute(async (trx): Promise<LinkOutcome> => {
    const user = await findUserByEmail(trx, partnershipId, email, production);
    if (user) {
      if (user.disabled_at || user.partnership_disabled_at) return { ok: false, refusal: 'no-account', email };
      return { ok: true, user: { id: user.id, display_name: user.display_name, role: user.role, person_id: user.person_id, secondFactor: user.totp_enabled_at !== null }, created: false };
    }
    if (!settings.allow_new_members) return { ok: false, refusal: 'no-account', email };
    const account = await findAccount(trx, email);
    if (account?.disabled_at || (account?.demo && production)) return { ok: false, refusal: 'no-account', email };
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : email.slice(0, email.indexOf('@'));
    const userId = account?.id ?? (await trx.insertInto('users').values({ email, display_name: name, password_hash: NO_PASSWORD_YET }).returning('id').executeTakeFirstOrThrow()).id;
    await trx.insertInto('partnership_users').values({ partnership_id: partnershipId, user_id: userId, role: 'member', person_id: null, display_name: name }).execute();
    const actor: Actor = { kind: 'user', partnershipId, userId, displayName: name, role: 'member', personId: null, grants: [] };
    await recordAudit(trx, actor, {
      action: 'create', recordType: 'user', recordId: userId, summary: `Added as a member with no grants at their first sign-in with ${settings.provider_name}`,
      after: { email, display_name: name, role: 'member', person_id: null },
    });
    return { ok: true, user: { id: userId, display_name: name, role: 'member', person_id: null, secondFactor: false }, created: true };
  });
}
