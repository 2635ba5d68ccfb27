// Changes to users: add, change role, disable and enable, grant and revoke access.
// Only administrators may make them; each is written and audited in one transaction.
import { authorize, type Actor, type Role } from './policy.ts';
import { recordAudit } from './audit.ts';
import { inTransaction, type Context } from './context.ts';
import { createSetupLink, NO_PASSWORD_YET } from './setupLinks.ts';
import { Input } from '../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../web/errors.ts';
import {
  findAccountByEmail, findBodyName, findGrant, findPerson, findUser, grantExists, isUserOf, userLinkedToPerson,
} from './users.store.ts';

export const ROLES = [
  { value: 'administrator', text: 'Administrator', hint: 'Everything an officer can do, and manages users and their access' },
  { value: 'officer', text: 'Officer', hint: 'Keeps the record: adds and changes records, sees all restricted business and review cases' },
  { value: 'member', text: 'Member', hint: 'Reads the record; restricted business and review cases only with a grant' },
] as const;
export const roleValues = ROLES.map((r) => r.value) as Role[];
export const roleLabel = (role: string) => ROLES.find((r) => r.value === role)?.text ?? role;

const scopeKindValues = ['body', 'case'] as const;

const RESOURCE = { type: 'user' } as const;

/** Something@something.something with no spaces: the check GOV.UK services make. */
const isEmailAddress = (v: string) => v.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);

const selfId = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

async function loadUser(ctx: Context, userId: string) {
  const user = await findUser(ctx.db, ctx.actor.partnershipId, userId);
  if (!user) throw new NotFoundError();
  return user;
}

/** What the audit log keeps of a user: never the password hash. */
const auditView = (u: { email: string; display_name: string; role: string; person_id: string | null; disabled_at?: Date | null }) => ({
  email: u.email, display_name: u.display_name, role: u.role, person_id: u.person_id, disabled_at: u.disabled_at ?? null,
});

/** The e-mail a newly added user is sent: a set-up link when the account is new. */
export interface Invitation {
  to: string;
  displayName: string;
  role: Role;
  /** Present when the account is new: the token of its one-time set-up link. */
  setupToken: string | null;
}

/**
 * Adds a user to this partnership. The administrator never sets a password: a new
 * account gets a one-time link to choose one (the caller e-mails it, see `invitation`).
 * An address that already has an account, for another partnership, is added as it is,
 * its password untouched; the answer is the same as for a new one, so an administrator
 * cannot learn which addresses other partnerships use.
 */
export async function createUser(ctx: Context, body: unknown) {
  authorize(ctx.actor, 'administer', RESOURCE);
  const input = new Input(body);
  const email = input.text('email', 'Enter an email address', 254).toLowerCase();
  if (email && !isEmailAddress(email)) input.fail('email', 'Enter an email address in the correct format, like name@example.org');
  const display_name = input.text('display_name', 'Enter the name to show for this user', 200);
  const role = input.oneOf('role', roleValues, 'Select a role');
  const person_id = input.optionalId('person_id', 'Select a person from the list, or leave it blank');
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const account = await findAccountByEmail(trx, email);
    if (account && (await isUserOf(trx, partnershipId, account.id))) throw new ConflictError('A user with that email address already exists', 'email');
    if (person_id) await checkPersonLink(trx, partnershipId, person_id);
    const userId = account?.id
      ?? (await trx.insertInto('users').values({ email, display_name, password_hash: NO_PASSWORD_YET }).returning('id').executeTakeFirstOrThrow()).id;
    await trx.insertInto('partnership_users').values({ partnership_id: partnershipId, user_id: userId, role, person_id, display_name }).execute();
    const setupToken = account ? null : await createSetupLink(trx, userId);
    const after = { email, display_name, role, person_id };
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'user', recordId: userId, after: auditView(after) });
    const invitation: Invitation = { to: email, displayName: display_name, role, setupToken };
    return { id: userId, ...after, invitation };
  });
}

/**
 * The invitation again, for a user who has not signed in to this partnership yet: a new
 * link to choose a password when the account has none (the earlier link stops working),
 * else the note that they were added. The answer is the same either way.
 */
export async function resendInvitation(ctx: Context, userId: string): Promise<Invitation> {
  authorize(ctx.actor, 'administer', RESOURCE);
  const user = await loadUser(ctx, userId);
  if (user.disabled_at) throw ValidationError.single('invitation', `${user.display_name} is disabled. Enable them first`);
  if (!user.awaiting_password) {
    throw ValidationError.single('invitation', `${user.display_name} has signed in already. If they have forgotten their password, they can reset it from the sign-in page`);
  }
  return inTransaction(ctx, async (trx) => {
    const account = await trx.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirstOrThrow();
    const setupToken = account.password_hash === NO_PASSWORD_YET ? await createSetupLink(trx, userId) : null;
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'user', recordId: userId, summary: 'Invitation e-mailed again' });
    return { to: user.email, displayName: user.display_name, role: user.role, setupToken };
  });
}

/**
 * For someone who has lost both their authenticator app and their recovery codes: an
 * administrator turns their second factor off, so they can sign in with their password
 * and set it up again (at once, where the partnership requires it).
 */
export async function resetSecondFactor(ctx: Context, userId: string) {
  authorize(ctx.actor, 'administer', RESOURCE);
  const user = await loadUser(ctx, userId);
  if (userId === selfId(ctx.actor)) throw ValidationError.single('two-factor', 'Turn off your own two-factor authentication from your account page');
  if (!user.totp_enabled_at) return user;
  return inTransaction(ctx, async (trx) => {
    await trx.updateTable('users').set({ totp_secret: null, totp_pending_secret: null, totp_enabled_at: null, totp_last_step: null }).where('id', '=', userId).execute();
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'user', recordId: userId, summary: 'Two-factor authentication turned off by an administrator; recovery codes removed' });
    return { ...user, totp_enabled_at: null };
  });
}

async function checkPersonLink(db: Context['db'], partnershipId: string, personId: string) {
  if (!(await findPerson(db, partnershipId, personId))) throw ValidationError.single('person_id', 'Select a person from the list, or leave it blank');
  const linked = await userLinkedToPerson(db, partnershipId, personId);
  if (linked) throw new ConflictError(`That person is already linked to the user ${linked.display_name}`, 'person_id');
}

export async function changeRole(ctx: Context, userId: string, body: unknown) {
  authorize(ctx.actor, 'administer', RESOURCE);
  const input = new Input(body);
  const role = input.oneOf('role', roleValues, 'Select a role');
  input.check();
  const before = await loadUser(ctx, userId);
  // Someone must always be able to administer the partnership: never lock yourself out.
  if (userId === selfId(ctx.actor) && before.role === 'administrator' && role !== 'administrator') {
    throw ValidationError.single('role', 'You cannot remove your own administrator role. Ask another administrator to change it');
  }
  if (role === before.role) return before;
  return inTransaction(ctx, async (trx) => {
    await trx.updateTable('partnership_users').set({ role })
      .where('partnership_id', '=', ctx.actor.partnershipId).where('user_id', '=', userId).execute();
    const after = { ...before, role };
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'user', recordId: userId, summary: `Role changed to ${roleLabel(role)}`, before: { role: before.role }, after: { role } });
    return after;
  });
}

/**
 * A disabled user cannot sign in to this partnership, and every session they have in it
 * ends at once. Other partnerships they work for decide for themselves.
 */
export async function disableUser(ctx: Context, userId: string) {
  authorize(ctx.actor, 'administer', RESOURCE);
  const before = await loadUser(ctx, userId);
  if (userId === selfId(ctx.actor)) throw ValidationError.single('disable', 'You cannot disable your own account. Ask another administrator to do it');
  if (before.disabled_at) return before;
  return inTransaction(ctx, async (trx) => {
    const { disabled_at } = await trx.updateTable('partnership_users').set({ disabled_at: new Date() })
      .where('partnership_id', '=', ctx.actor.partnershipId).where('user_id', '=', userId)
      .returning('disabled_at').executeTakeFirstOrThrow();
    await trx.deleteFrom('sessions').where('partnership_id', '=', ctx.actor.partnershipId).where('user_id', '=', userId).execute();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'user', recordId: userId, summary: 'Disabled; their sessions ended',
      before: { disabled_at: null }, after: { disabled_at },
    });
    return { ...before, disabled_at };
  });
}

export async function enableUser(ctx: Context, userId: string) {
  authorize(ctx.actor, 'administer', RESOURCE);
  const before = await loadUser(ctx, userId);
  if (!before.disabled_at) return before;
  return inTransaction(ctx, async (trx) => {
    await trx.updateTable('partnership_users').set({ disabled_at: null })
      .where('partnership_id', '=', ctx.actor.partnershipId).where('user_id', '=', userId).execute();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'user', recordId: userId, summary: 'Enabled', before: { disabled_at: before.disabled_at }, after: { disabled_at: null },
    });
    return { ...before, disabled_at: null };
  });
}

/**
 * Gives a user access beyond their role: to one body's restricted business, or to one
 * review case. The form names the body in `body_id` and the case in `case_id`; the API
 * sends `scope_id` for either.
 */
export async function grantAccess(ctx: Context, userId: string, body: unknown) {
  authorize(ctx.actor, 'administer', RESOURCE);
  const input = new Input(body);
  const scope_kind = input.oneOf('scope_kind', scopeKindValues, 'Select what to give access to');
  const field = input.has('scope_id') ? 'scope_id' : scope_kind === 'case' ? 'case_id' : 'body_id';
  const kindChosen = (scopeKindValues as readonly string[]).includes(scope_kind);
  const scope_id = kindChosen ? input.id(field, scope_kind === 'case' ? 'Enter the reference of the review case, as shown on the case' : 'Select the body') : '';
  input.check();
  const partnershipId = ctx.actor.partnershipId;
  const user = await loadUser(ctx, userId);
  return inTransaction(ctx, async (trx) => {
    let scopeName: string;
    if (scope_kind === 'body') {
      const found = await findBodyName(trx, partnershipId, scope_id);
      if (!found) throw ValidationError.single(field, 'Select the body');
      scopeName = found.name;
    } else {
      // Review cases live in the reviews module; a case grant is kept by its id alone.
      scopeName = `review case ${scope_id}`;
    }
    if (await grantExists(trx, partnershipId, userId, scope_kind, scope_id)) {
      throw new ConflictError(`${user.display_name} already has access to ${scopeName}`, field);
    }
    const row = await trx.insertInto('access_grants').values({
      partnership_id: partnershipId, user_id: userId, scope_kind, scope_id, granted_by: selfId(ctx.actor),
    }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'grant access', recordType: 'user', recordId: userId, summary: `Access given to ${scopeName}`,
      after: { grant: `${scope_kind} ${scope_id}`, scope: scopeName },
    });
    return { ...row, scope_name: scopeName, user };
  });
}

export async function revokeAccess(ctx: Context, userId: string, grantId: string) {
  authorize(ctx.actor, 'administer', RESOURCE);
  const partnershipId = ctx.actor.partnershipId;
  await loadUser(ctx, userId);
  return inTransaction(ctx, async (trx) => {
    const grant = await findGrant(trx, partnershipId, userId, grantId);
    if (!grant) throw new NotFoundError();
    const scopeName = grant.scope_kind === 'body'
      ? (await findBodyName(trx, partnershipId, grant.scope_id))?.name ?? `body ${grant.scope_id}`
      : `review case ${grant.scope_id}`;
    await trx.deleteFrom('access_grants').where('partnership_id', '=', partnershipId).where('id', '=', grantId).execute();
    await recordAudit(trx, ctx.actor, {
      action: 'revoke access', recordType: 'user', recordId: userId, summary: `Access to ${scopeName} taken away`,
      before: { grant: `${grant.scope_kind} ${grant.scope_id}`, scope: scopeName }, after: { grant: null, scope: null },
    });
    return { ...grant, scope_name: scopeName };
  });
}
