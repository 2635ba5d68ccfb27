// Pages and API for bodies, their memberships and elections.
import type { FastifyInstance } from 'fastify';
import { authorize, isStaff, type Actor } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError } from '../../web/errors.ts';
import {
  BODY_KINDS, ELECTION_RESULTS, MEMBERSHIP_ROLES, bodyKindLabel, bodyTree, displayName, groupMemberships, membershipRoleLabel, todayIso,
} from './domain.ts';
import { findBody, findBodyFamily, listBodies, subgroupsOf } from './bodies.store.ts';
import { createBody, updateBody } from './bodies.commands.ts';
import { findMembership, membersOfBody } from './memberships.store.ts';
import { addMembership, endMembership, updateMembership } from './memberships.commands.ts';
import { electionRowsOfBody, electionsOfBody } from './elections.store.ts';
import { recordElection } from './elections.commands.ts';
import { findPerson, listPeople } from './people.store.ts';
import { organisationOptions } from './organisations.store.ts';
import { fromApi, presentBody, presentElection, presentMembership, presentMembershipOfBody } from './presenters.ts';
import {
  Body, BodyInput, BodyWithMembers, Election, ElectionInput, IdParams, ListOf, Membership, MembershipEndInput, MembershipInput, MembershipOfBody,
} from './schemas.ts';

const BODY = 'partnership/views/bodies';

export async function bodyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });

  async function load(partnershipId: string, id: string) {
    const row = isUuid(id) ? await findBody(db, partnershipId, id) : undefined;
    if (!row) throw new NotFoundError();
    return row;
  }
  async function loadMembership(partnershipId: string, id: string) {
    const row = isUuid(id) ? await findMembership(db, partnershipId, id) : undefined;
    if (!row) throw new NotFoundError();
    return row;
  }
  const bodyOptions = async (partnershipId: string, exceptId?: string) =>
    (await listBodies(db, partnershipId)).filter((b) => b.id !== exceptId).map((b) => ({ value: b.id, text: b.name }));
  // "Okafor, Jane (Northshire County Council)": family name first, so the list reads in order.
  const personOptions = async (partnershipId: string) => (await listPeople(db, partnershipId)).map((p) => ({
    value: p.id, text: `${p.given_name ? `${p.family_name}, ${[p.honorific, p.given_name].filter(Boolean).join(' ')}` : displayName(p)}${p.organisation_name ? ` (${p.organisation_name})` : ''}`,
  }));

  // Bodies ------------------------------------------------------------------------------

  const bodyForm = async (partnershipId: string, extra: Record<string, unknown> & { body?: { id: string } }) => ({
    section: 'bodies', kinds: BODY_KINDS, parents: await bodyOptions(partnershipId, extra.body?.id), ...extra,
  });

  app.get('/bodies', async (req, reply) => {
    const bodies = await listBodies(db, req.partnership.id);
    return reply.view(`${BODY}/list.njk`, { title: 'Bodies', section: 'bodies', tree: bodyTree(bodies), count: bodies.length, kindLabel: bodyKindLabel, canEdit: isStaff(req.actor) });
  });

  app.get('/bodies/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'body' });
    const q = req.query as Record<string, unknown>;
    // "Add a subgroup" from a body's page starts with that body as the parent.
    const values = typeof q.parent === 'string' && isUuid(q.parent) ? { parent_id: q.parent, kind: 'subgroup' } : {};
    return reply.view(`${BODY}/form.njk`, await bodyForm(req.partnership.id, { title: 'Add a body', values, action: '/bodies/new' }));
  });

  app.post('/bodies/new', async (req, reply) => {
    const outcome = await formOutcome(() => createBody(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`${outcome.value.name} added`).redirect(`/bodies/${outcome.value.id}`, 303);
    return reply.code(400).view(`${BODY}/form.njk`, await bodyForm(req.partnership.id, { title: 'Add a body', values: req.body, errors: outcome.errors, action: '/bodies/new' }));
  });

  app.get('/bodies/:id', async (req, reply) => {
    const pid = req.partnership.id;
    const id = (req.params as { id: string }).id;
    if (!isUuid(id)) throw new NotFoundError();
    // All at once, by the id asked for (each query is scoped by partnership): on PGlite each
    // round of queries waits its turn behind every other request's.
    const [family, members, elections] = await Promise.all([
      findBodyFamily(db, pid, id),
      membersOfBody(db, pid, id),
      electionsOfBody(db, pid, id),
    ]);
    if (!family) throw new NotFoundError();
    const { body, parent, subgroups } = family;
    const named = members.map((m) => ({ ...m, name: displayName(m) }));
    const nameOf = (prefix: 'nominee' | 'mover' | 'seconder', e: Record<string, unknown>) =>
      e[`${prefix}_id`] ? displayName({ honorific: e[`${prefix}_honorific`] as string | null, given_name: e[`${prefix}_given_name`] as string | null, family_name: String(e[`${prefix}_family_name`] ?? ''), honours: e[`${prefix}_honours`] as string | null }) : null;
    return reply.view(`${BODY}/show.njk`, {
      title: body.name, section: 'bodies', body, parent, subgroups, kindLabel: bodyKindLabel(body.kind),
      groups: groupMemberships(named, todayIso()), roleLabel: membershipRoleLabel,
      elections: elections.map((e) => ({ ...e, nominee: nameOf('nominee', e), mover: nameOf('mover', e), seconder: nameOf('seconder', e) })),
      canEdit: isStaff(req.actor),
    });
  });

  app.get('/bodies/:id/edit', async (req, reply) => {
    authorize(req.actor, 'update', { type: 'body' });
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    return reply.view(`${BODY}/form.njk`, await bodyForm(req.partnership.id, { title: `Change ${body.name}`, values: body, action: `/bodies/${body.id}/edit`, body }));
  });

  app.post('/bodies/:id/edit', async (req, reply) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => updateBody(ctx(req), body.id, req.body));
    if (outcome.ok) return reply.flash('Changes saved').redirect(`/bodies/${body.id}`, 303);
    return reply.code(400).view(`${BODY}/form.njk`, await bodyForm(req.partnership.id, { title: `Change ${body.name}`, values: req.body, errors: outcome.errors, action: `/bodies/${body.id}/edit`, body }));
  });

  // Memberships -------------------------------------------------------------------------

  const membershipForm = async (partnershipId: string, extra: Record<string, unknown>) => ({
    section: 'bodies', roles: MEMBERSHIP_ROLES, people: await personOptions(partnershipId), organisations: await organisationOptions(db, partnershipId), ...extra,
  });

  app.get('/bodies/:id/members/new', async (req, reply) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    authorize(req.actor, 'create', { type: 'membership', bodyId: body.id });
    return reply.view(`${BODY}/membership-form.njk`, await membershipForm(req.partnership.id, { title: 'Add a member', body, values: {}, action: `/bodies/${body.id}/members/new` }));
  });

  app.post('/bodies/:id/members/new', async (req, reply) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => addMembership(ctx(req), body.id, req.body));
    if (outcome.ok) {
      const person = await findPerson(db, req.partnership.id, outcome.value.person_id);
      return reply.flash(`${person ? displayName(person) : 'Member'} added as ${membershipRoleLabel(outcome.value.role).toLowerCase()}`).redirect(`/bodies/${body.id}`, 303);
    }
    return reply.code(400).view(`${BODY}/membership-form.njk`, await membershipForm(req.partnership.id, { title: 'Add a member', body, values: req.body, errors: outcome.errors, action: `/bodies/${body.id}/members/new` }));
  });

  async function membershipPage(partnershipId: string, id: string) {
    const membership = await loadMembership(partnershipId, id);
    const [body, person] = await Promise.all([findBody(db, partnershipId, membership.body_id), findPerson(db, partnershipId, membership.person_id)]);
    if (!body || !person) throw new NotFoundError();
    return { membership, body, person, personName: displayName(person) };
  }

  app.get('/memberships/:id/edit', async (req, reply) => {
    const page = await membershipPage(req.partnership.id, (req.params as { id: string }).id);
    authorize(req.actor, 'update', { type: 'membership', bodyId: page.body.id });
    return reply.view(`${BODY}/membership-form.njk`, await membershipForm(req.partnership.id, {
      title: `Change the membership of ${page.personName}`, ...page, values: page.membership, action: `/memberships/${page.membership.id}/edit`,
    }));
  });

  app.post('/memberships/:id/edit', async (req, reply) => {
    const page = await membershipPage(req.partnership.id, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => updateMembership(ctx(req), page.membership.id, req.body));
    if (outcome.ok) return reply.flash('Membership changed').redirect(`/bodies/${page.body.id}`, 303);
    return reply.code(400).view(`${BODY}/membership-form.njk`, await membershipForm(req.partnership.id, {
      title: `Change the membership of ${page.personName}`, ...page, values: req.body, errors: outcome.errors, action: `/memberships/${page.membership.id}/edit`,
    }));
  });

  app.get('/memberships/:id/end', async (req, reply) => {
    const page = await membershipPage(req.partnership.id, (req.params as { id: string }).id);
    authorize(req.actor, 'update', { type: 'membership', bodyId: page.body.id });
    return reply.view(`${BODY}/membership-end.njk`, {
      title: `End the membership of ${page.personName}`, section: 'bodies', ...page, roleLabel: membershipRoleLabel(page.membership.role), values: {},
    });
  });

  app.post('/memberships/:id/end', async (req, reply) => {
    const page = await membershipPage(req.partnership.id, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => endMembership(ctx(req), page.membership.id, req.body));
    if (outcome.ok) return reply.flash(`Membership of ${page.personName} ended`).redirect(`/bodies/${page.body.id}`, 303);
    return reply.code(400).view(`${BODY}/membership-end.njk`, {
      title: `End the membership of ${page.personName}`, section: 'bodies', ...page, roleLabel: membershipRoleLabel(page.membership.role), values: req.body, errors: outcome.errors,
    });
  });

  // Elections ---------------------------------------------------------------------------

  const electionForm = async (partnershipId: string, extra: Record<string, unknown>) => ({
    section: 'bodies', people: await personOptions(partnershipId), results: ELECTION_RESULTS,
    roles: MEMBERSHIP_ROLES.filter((r) => r.value === 'chair' || r.value === 'vice-chair'), ...extra,
  });

  app.get('/bodies/:id/elections/new', async (req, reply) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    authorize(req.actor, 'create', { type: 'election', bodyId: body.id });
    return reply.view(`${BODY}/election-form.njk`, await electionForm(req.partnership.id, { title: 'Record an election', body, values: { result: 'elected' }, action: `/bodies/${body.id}/elections/new` }));
  });

  app.post('/bodies/:id/elections/new', async (req, reply) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => recordElection(ctx(req), body.id, req.body));
    if (outcome.ok) {
      const e = outcome.value;
      const nominee = await findPerson(db, req.partnership.id, e.nominee_id);
      const name = nominee ? displayName(nominee) : 'The nominee';
      const role = membershipRoleLabel(e.role).toLowerCase();
      return reply.flash(e.result === 'elected' ? `${name} elected ${role}` : `Election recorded: ${name} not elected ${role}`).redirect(`/bodies/${body.id}`, 303);
    }
    return reply.code(400).view(`${BODY}/election-form.njk`, await electionForm(req.partnership.id, { title: 'Record an election', body, values: req.body, errors: outcome.errors, action: `/bodies/${body.id}/elections/new` }));
  });

  // API ---------------------------------------------------------------------------------

  app.get('/api/bodies', { schema: { tags: ['bodies'], summary: 'List bodies: the board and its subgroups', response: { 200: ListOf(Body) } } }, async (req) => ({
    items: (await listBodies(db, req.partnership.id)).map(presentBody),
  }));
  app.get('/api/bodies/:id', {
    schema: { tags: ['bodies'], summary: 'One body, with its subgroups and its members current, to come and past', params: IdParams, response: { 200: BodyWithMembers } },
  }, async (req) => {
    const pid = req.partnership.id;
    const body = await load(pid, (req.params as { id: string }).id);
    const today = todayIso();
    return {
      ...presentBody(body),
      subgroupIds: (await subgroupsOf(db, pid, body.id)).map((b) => b.id),
      members: (await membersOfBody(db, pid, body.id)).map((m) => presentMembershipOfBody(m, today)),
    };
  });
  app.post('/api/bodies', { schema: { tags: ['bodies'], summary: 'Add a body', body: BodyInput, response: { 201: Body } } }, async (req, reply) =>
    reply.code(201).send(presentBody(await createBody(ctx(req), fromApi(req.body)))),
  );
  app.put('/api/bodies/:id', { schema: { tags: ['bodies'], summary: 'Change a body', params: IdParams, body: BodyInput, response: { 200: Body } } }, async (req) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    return presentBody(await updateBody(ctx(req), body.id, fromApi(req.body)));
  });

  app.get('/api/bodies/:id/memberships', {
    schema: { tags: ['memberships'], summary: "A body's memberships, current and past", params: IdParams, response: { 200: ListOf(MembershipOfBody) } },
  }, async (req) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    const today = todayIso();
    return { items: (await membersOfBody(db, req.partnership.id, body.id)).map((m) => presentMembershipOfBody(m, today)) };
  });
  app.post('/api/bodies/:id/memberships', {
    schema: {
      tags: ['memberships'], summary: 'Add a member to a body; the organisation represented defaults to the person’s own',
      params: IdParams, body: MembershipInput, response: { 201: Membership },
    },
  }, async (req, reply) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    return reply.code(201).send(presentMembership(await addMembership(ctx(req), body.id, fromApi(req.body))));
  });
  app.put('/api/memberships/:id', {
    schema: { tags: ['memberships'], summary: 'Change a membership (set endsOn to end it)', params: IdParams, body: MembershipInput, response: { 200: Membership } },
  }, async (req) => {
    const membership = await loadMembership(req.partnership.id, (req.params as { id: string }).id);
    return presentMembership(await updateMembership(ctx(req), membership.id, fromApi(req.body)));
  });
  app.post('/api/memberships/:id/end', {
    schema: { tags: ['memberships'], summary: 'End a membership on a given day', params: IdParams, body: MembershipEndInput, response: { 200: Membership } },
  }, async (req) => {
    const membership = await loadMembership(req.partnership.id, (req.params as { id: string }).id);
    return presentMembership(await endMembership(ctx(req), membership.id, fromApi(req.body)));
  });

  app.get('/api/bodies/:id/elections', {
    schema: { tags: ['elections'], summary: "A body's elections of chair and vice-chair, latest first", params: IdParams, response: { 200: ListOf(Election) } },
  }, async (req) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    return { items: (await electionRowsOfBody(db, req.partnership.id, body.id)).map(presentElection) };
  });
  app.post('/api/bodies/:id/elections', {
    schema: {
      tags: ['elections'], summary: 'Record an election; an elected result ends the previous holder’s membership and starts the nominee’s',
      params: IdParams, body: ElectionInput, response: { 201: Election },
    },
  }, async (req, reply) => {
    const body = await load(req.partnership.id, (req.params as { id: string }).id);
    return reply.code(201).send(presentElection(await recordElection(ctx(req), body.id, fromApi(req.body))));
  });
}
