// Administration of users: roles per partnership and grants to a body or a case.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import { authorize, type Actor } from './policy.ts';
import { formOutcome, isUuid } from '../web/forms.ts';
import { NotFoundError, type FieldError } from '../web/errors.ts';
import { renderConfirmation } from '../web/confirm.ts';
import { displayName } from '../modules/partnership/domain.ts';
import { findUser, listBodyNames, listGrants, listPeople, listUsers } from './users.store.ts';
import {
  changeRole, createUser, disableUser, enableUser, grantAccess, resendInvitation, resetSecondFactor, revokeAccess, roleLabel, ROLES, type Invitation,
} from './users.commands.ts';
import { ValidationError } from '../web/errors.ts';
import { sendAccountMail, sendInvitationMail } from './accountMail.ts';
import { publicOrigin } from '../modules/public/address.ts';
import { bulkInviteRoutes } from './bulkInvite.routes.ts';

const RESOURCE = { type: 'user' } as const;

type UserRow = NonNullable<Awaited<ReturnType<typeof findUser>>>;
type GrantRow = Awaited<ReturnType<typeof listGrants>>[number];

const personName = (u: UserRow) => (u.person_family_name
  ? displayName({ honorific: u.person_honorific, given_name: u.person_given_name, family_name: u.person_family_name, honours: u.person_honours })
  : null);

const grantName = (g: GrantRow) => (g.scope_kind === 'body' ? g.body_name ?? 'A body no longer in the partnership' : `Review case ${g.scope_id}`);

// API shapes ------------------------------------------------------------------------------

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Grant = Type.Object({
  id: Type.String({ format: 'uuid' }), scopeKind: Type.String({ description: 'body or case' }), scopeId: Type.String({ format: 'uuid' }),
  scopeName: Type.String(), grantedBy: Nullable(Type.String()),
});
const User = Type.Object({
  id: Type.String({ format: 'uuid' }), email: Type.String(), displayName: Type.String(),
  role: Type.String({ description: 'administrator, officer or member' }), personId: Nullable(Type.String({ format: 'uuid' })), personName: Nullable(Type.String()),
  disabled: Type.Boolean(), grantCount: Type.Integer(),
  awaitingPassword: Type.Boolean({ description: 'Invited, and has not yet chosen a password' }),
});
const UserDetail = Type.Intersect([User, Type.Object({ grants: Type.Array(Grant) })]);
const UserInput = Type.Object({
  email: Type.String({ description: 'They are e-mailed a link to choose their password (or, with an account already, told they were added)' }),
  displayName: Type.String(), role: Type.String({ description: 'administrator, officer or member' }),
  personId: Type.Optional(Nullable(Type.String())),
});
const RoleInput = Type.Object({ role: Type.String({ description: 'administrator, officer or member' }) });
const GrantInput = Type.Object({
  scopeKind: Type.String({ description: 'body (its restricted business) or case (one review case)' }), scopeId: Type.String({ description: 'The id of the body or case' }),
});
const IdParams = Type.Object({ id: Type.String() });

const presentUser = (u: UserRow) => ({
  id: u.id, email: u.email, displayName: u.display_name, role: u.role, personId: u.person_id, personName: personName(u),
  disabled: u.disabled_at !== null, grantCount: Number(u.grant_count ?? 0), awaitingPassword: Boolean(u.awaiting_password),
});
const presentGrant = (g: GrantRow) => ({ id: g.id, scopeKind: g.scope_kind, scopeId: g.scope_id, scopeName: grantName(g), grantedBy: g.granted_by_name });

/** API bodies arrive in camelCase; commands read the form's snake_case field names. */
function fromApi(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

export async function userAdminRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });
  await app.register(bulkInviteRoutes);

  /** A new user is told by e-mail: in production there must be a way to send it. */
  function checkMailReady() {
    if (config.production && !config.smtpUrl) {
      throw ValidationError.single('email', 'E-mail is not set up, so a new user cannot be sent the link to choose their password. Ask whoever runs the service to set SMTP_URL');
    }
  }

  const sendInvitation = (req: FastifyRequest, invitation: Invitation) => sendInvitationMail(app, req, invitation);

  async function load(req: FastifyRequest) {
    authorize(req.actor, 'administer', RESOURCE);
    const { id } = req.params as { id: string };
    const user = isUuid(id) ? await findUser(db, req.partnership.id, id) : undefined;
    if (!user) throw new NotFoundError();
    return user;
  }

  const breadcrumbs = [{ text: 'Governance', href: '/governance' }, { text: 'Users', href: '/admin/users' }];

  /** The user's page, with any problems from one of its forms shown above it. */
  async function userPage(req: FastifyRequest, reply: FastifyReply, user: UserRow, extra: { errors?: FieldError[]; values?: unknown } = {}) {
    const [grants, bodies] = await Promise.all([listGrants(db, req.partnership.id, user.id), listBodyNames(db, req.partnership.id)]);
    return reply.code(extra.errors ? 400 : 200).view('views/users/show.njk', {
      title: user.display_name, section: 'governance', breadcrumbs, user, personName: personName(user), roleLabel,
      roles: ROLES, bodyItems: bodies.map((b) => ({ value: b.id, text: b.name })),
      grants: grants.map((g) => ({ ...g, name: grantName(g) })),
      isSelf: req.actor.kind === 'user' && req.actor.userId === user.id,
      values: extra.values ?? {}, errors: extra.errors,
    });
  }

  async function newUserPage(req: FastifyRequest, reply: FastifyReply, values: unknown, errors?: FieldError[]) {
    const people = await listPeople(db, req.partnership.id);
    return reply.code(errors ? 400 : 200).view('views/users/new.njk', {
      title: 'Add a user', section: 'governance', breadcrumbs, roles: ROLES, values, errors,
      personItems: people.map((p) => ({ value: p.id, text: displayName(p) + (p.job_title ? `, ${p.job_title}` : '') })),
    });
  }

  app.get('/admin/users', async (req, reply) => {
    authorize(req.actor, 'administer', RESOURCE);
    const users = await listUsers(db, req.partnership.id);
    return reply.view('views/users/list.njk', {
      title: 'Users', section: 'governance', breadcrumbs: breadcrumbs.slice(0, 1),
      users: users.map((u) => ({ ...u, roleText: roleLabel(u.role), personName: personName(u), grants: Number(u.grant_count ?? 0) })),
    });
  });

  app.get('/admin/users/new', async (req, reply) => {
    authorize(req.actor, 'administer', RESOURCE);
    return newUserPage(req, reply, { role: 'member' });
  });

  app.post('/admin/users/new', async (req, reply) => {
    const outcome = await formOutcome(async () => {
      checkMailReady();
      return createUser(ctx(req), req.body);
    });
    if (outcome.ok) {
      sendInvitation(req, outcome.value.invitation);
      return reply.flash(`${outcome.value.display_name} added as ${roleLabel(outcome.value.role).toLowerCase()}. They have been sent an e-mail about it`).redirect(`/admin/users/${outcome.value.id}`, 303);
    }
    return newUserPage(req, reply, req.body ?? {}, outcome.errors);
  });

  app.get('/admin/users/:id', async (req, reply) => userPage(req, reply, await load(req)));

  app.post('/admin/users/:id/invitation', async (req, reply) => {
    const user = await load(req);
    const outcome = await formOutcome(async () => {
      checkMailReady();
      return resendInvitation(ctx(req), user.id);
    });
    if (outcome.ok) {
      sendInvitation(req, outcome.value);
      return reply.flash(`${user.display_name} has been sent a new invitation. The earlier link no longer works`).redirect(`/admin/users/${user.id}`, 303);
    }
    return userPage(req, reply, user, { errors: outcome.errors });
  });

  // Someone who lost their phone and their recovery codes: asked first, on its own page.
  app.get('/admin/users/:id/two-factor/reset', async (req, reply) => {
    const user = await load(req);
    if (!user.totp_enabled_at || (req.actor.kind === 'user' && req.actor.userId === user.id)) return reply.redirect(`/admin/users/${user.id}`, 303);
    return renderConfirmation(reply, {
      title: `Turn off two-factor authentication for ${user.display_name}?`, section: 'governance',
      breadcrumbs: [{ text: 'Users', href: '/admin/users' }, { text: user.display_name, href: `/admin/users/${user.id}` }],
      details: [
        `Do this only when you are sure you are dealing with ${user.display_name}, for example by calling them on a number you already have: whoever knows their password can then sign in with it alone.`,
        'Their recovery codes stop working. Where two-factor authentication is required, they are asked to set it up again when they next sign in.',
      ],
      action: `/admin/users/${user.id}/two-factor/reset`, confirmText: 'Yes, turn it off', cancelHref: `/admin/users/${user.id}`,
    });
  });
  app.post('/admin/users/:id/two-factor/reset', async (req, reply) => {
    const user = await load(req);
    const outcome = await formOutcome(() => resetSecondFactor(ctx(req), user.id));
    if (!outcome.ok) return userPage(req, reply, user, { errors: outcome.errors });
    if (user.totp_enabled_at) {
      sendAccountMail(app, req, {
        to: user.email, subject: `Two-factor authentication is off for your ${req.partnership.short_name} account`,
        text: [`Dear ${user.display_name},`, '', `An administrator of ${req.partnership.name} has turned off two-factor authentication for your account, as you asked. Set it up again from your account page:`, `${publicOrigin(req.partnership, config)}/account/two-factor`, '', `If you did not ask for this, tell an administrator of ${req.partnership.name} at once.`].join('\n'),
      }, 'two-factor reset');
    }
    return reply.flash(`Two-factor authentication is off for ${user.display_name}. They have been told by e-mail`).redirect(`/admin/users/${user.id}`, 303);
  });

  app.post('/admin/users/:id/role', async (req, reply) => {
    const user = await load(req);
    const outcome = await formOutcome(() => changeRole(ctx(req), user.id, req.body));
    if (outcome.ok) return reply.flash(`${user.display_name} is now ${roleLabel(outcome.value.role).toLowerCase()}`).redirect(`/admin/users/${user.id}`, 303);
    return userPage(req, reply, user, { errors: outcome.errors, values: req.body });
  });

  // Disabling signs a person out everywhere: asked first, on its own page (src/web/confirm.ts).
  app.get('/admin/users/:id/disable', async (req, reply) => {
    const user = await load(req);
    if (user.disabled_at || (req.actor.kind === 'user' && req.actor.userId === user.id)) return reply.redirect(`/admin/users/${user.id}`, 303);
    return renderConfirmation(reply, {
      title: `Are you sure you want to disable ${user.display_name}?`, section: 'account',
      breadcrumbs: [{ text: 'Users', href: '/admin/users' }, { text: user.display_name, href: `/admin/users/${user.id}` }],
      details: [`${user.display_name} (${user.email}) will not be able to sign in to this partnership, and is signed out at once.`, 'Their record of changes stays. You can let them sign in again later.'],
      action: `/admin/users/${user.id}/disable`, confirmText: `Yes, disable ${user.display_name}`, cancelHref: `/admin/users/${user.id}`,
    });
  });

  app.post('/admin/users/:id/disable', async (req, reply) => {
    const user = await load(req);
    const outcome = await formOutcome(() => disableUser(ctx(req), user.id));
    if (outcome.ok) return reply.flash(`${user.display_name} is disabled and has been signed out`).redirect(`/admin/users/${user.id}`, 303);
    return userPage(req, reply, user, { errors: outcome.errors });
  });

  app.post('/admin/users/:id/enable', async (req, reply) => {
    const user = await load(req);
    await enableUser(ctx(req), user.id);
    return reply.flash(`${user.display_name} can sign in again`).redirect(`/admin/users/${user.id}`, 303);
  });

  app.post('/admin/users/:id/grants', async (req, reply) => {
    const user = await load(req);
    const outcome = await formOutcome(() => grantAccess(ctx(req), user.id, req.body));
    if (outcome.ok) return reply.flash(`${user.display_name} now has access to ${outcome.value.scope_name}`).redirect(`/admin/users/${user.id}`, 303);
    return userPage(req, reply, user, { errors: outcome.errors, values: req.body });
  });

  app.post('/admin/users/:id/grants/:grantId/revoke', async (req, reply) => {
    const user = await load(req);
    const { grantId } = req.params as { grantId: string };
    if (!isUuid(grantId)) throw new NotFoundError();
    const revoked = await revokeAccess(ctx(req), user.id, grantId);
    return reply.flash(`Access to ${revoked.scope_name} taken away from ${user.display_name}`).redirect(`/admin/users/${user.id}`, 303);
  });

  // API ------------------------------------------------------------------------------------

  const tags = ['users'];
  const detail = async (req: FastifyRequest, user: UserRow) => ({
    ...presentUser(user), grants: (await listGrants(db, req.partnership.id, user.id)).map(presentGrant),
  });
  const reload = async (req: FastifyRequest, id: string) => (await findUser(db, req.partnership.id, id))!;

  app.get('/api/users', { schema: { tags, summary: 'The users of this partnership, with their roles (administrators)', response: { 200: Type.Object({ items: Type.Array(User) }) } } }, async (req) => {
    authorize(req.actor, 'administer', RESOURCE);
    return { items: (await listUsers(db, req.partnership.id)).map(presentUser) };
  });

  app.post('/api/users', { schema: { tags, summary: 'Add a user with a role; they are e-mailed a link to choose their password', body: UserInput, response: { 201: UserDetail } } }, async (req, reply) => {
    checkMailReady();
    const created = await createUser(ctx(req), fromApi(req.body));
    sendInvitation(req, created.invitation);
    return reply.code(201).send(await detail(req, await reload(req, created.id)));
  });

  app.post('/api/users/:id/invitation', { schema: { tags, summary: 'E-mail the invitation again to a user who has not chosen a password (the earlier link stops working)', params: IdParams, response: { 200: UserDetail } } }, async (req) => {
    const user = await load(req);
    checkMailReady();
    sendInvitation(req, await resendInvitation(ctx(req), user.id));
    return detail(req, await reload(req, user.id));
  });

  app.get('/api/users/:id', { schema: { tags, summary: 'One user, with their grants', params: IdParams, response: { 200: UserDetail } } }, async (req) =>
    detail(req, await load(req)));

  app.put('/api/users/:id/role', { schema: { tags, summary: 'Change a user\'s role', params: IdParams, body: RoleInput, response: { 200: UserDetail } } }, async (req) => {
    const user = await load(req);
    await changeRole(ctx(req), user.id, fromApi(req.body));
    return detail(req, await reload(req, user.id));
  });

  app.post('/api/users/:id/disable', { schema: { tags, summary: 'Disable a user: they cannot sign in, and their sessions end', params: IdParams, response: { 200: UserDetail } } }, async (req) => {
    const user = await load(req);
    await disableUser(ctx(req), user.id);
    return detail(req, await reload(req, user.id));
  });

  app.post('/api/users/:id/enable', { schema: { tags, summary: 'Let a disabled user sign in again', params: IdParams, response: { 200: UserDetail } } }, async (req) => {
    const user = await load(req);
    await enableUser(ctx(req), user.id);
    return detail(req, await reload(req, user.id));
  });

  app.post('/api/users/:id/grants', { schema: { tags, summary: 'Give access to a body\'s restricted business or to one review case', params: IdParams, body: GrantInput, response: { 201: Grant } } }, async (req, reply) => {
    const user = await load(req);
    const row = await grantAccess(ctx(req), user.id, fromApi(req.body));
    const grant = (await listGrants(db, req.partnership.id, user.id)).find((g) => g.id === row.id)!;
    return reply.code(201).send(presentGrant(grant));
  });

  app.delete('/api/users/:id/grants/:grantId', {
    schema: { tags, summary: 'Take a grant away', params: Type.Object({ id: Type.String(), grantId: Type.String() }), response: { 204: Type.Null() } },
  }, async (req, reply) => {
    const user = await load(req);
    const { grantId } = req.params as { grantId: string };
    if (!isUuid(grantId)) throw new NotFoundError();
    await revokeAccess(ctx(req), user.id, grantId);
    return reply.code(204).send();
  });
}
