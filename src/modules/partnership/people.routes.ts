// Pages and API for people.
import type { FastifyInstance } from 'fastify';
import { authorize, can, isStaff, type Actor } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError } from '../../web/errors.ts';
import { HONORIFICS, PEOPLE_SORTS, displayName, groupMemberships, membershipRoleLabel, peopleSortValues, todayIso, type PeopleSort } from './domain.ts';
import { findPerson, listPeople } from './people.store.ts';
import { createPerson, updatePerson } from './people.commands.ts';
import { findOrganisation, organisationOptions } from './organisations.store.ts';
import { membershipsOfPerson } from './memberships.store.ts';
import { fromApi, presentMembershipOfPerson, presentPersonFor } from './presenters.ts';
import { IdParams, ListOf, PeopleQuery, Person, PersonInput, PersonWithMemberships } from './schemas.ts';

/**
 * E-mail addresses and telephone numbers are not published: the partnership's own
 * people (anyone signed in) see them, the public does not.
 */
const mayReadContactDetails = (actor: Actor) => can(actor, 'read', { type: 'contact-details', published: false });

export async function peopleRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });

  async function load(partnershipId: string, id: string) {
    const row = isUuid(id) ? await findPerson(db, partnershipId, id) : undefined;
    if (!row) throw new NotFoundError();
    return row;
  }
  const readList = (query: unknown) => {
    const q = (query ?? {}) as Record<string, unknown>;
    const organisation = typeof q.organisation === 'string' && isUuid(q.organisation) ? q.organisation
      : typeof q.organisationId === 'string' && isUuid(q.organisationId) ? q.organisationId : null;
    const sort = peopleSortValues.includes(q.sort as PeopleSort) ? (q.sort as PeopleSort) : 'family-name';
    return { organisation, sort };
  };
  const form = async (partnershipId: string, extra: Record<string, unknown>) => ({
    section: 'people', honorifics: HONORIFICS.join(', '), organisations: await organisationOptions(db, partnershipId), ...extra,
  });

  app.get('/people', async (req, reply) => {
    const { organisation, sort } = readList(req.query);
    const people = await listPeople(db, req.partnership.id, { organisationId: organisation, sort });
    return reply.view('partnership/views/people/list.njk', {
      title: 'People', section: 'people', canEdit: isStaff(req.actor),
      people: people.map((p) => ({ ...p, name: displayName(p) })),
      organisations: await organisationOptions(db, req.partnership.id), sorts: PEOPLE_SORTS, organisation, sort,
      organisationName: organisation ? (await findOrganisation(db, req.partnership.id, organisation))?.name : undefined,
    });
  });

  app.get('/people/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'person' });
    const q = req.query as Record<string, unknown>;
    // "Add a person" from an organisation's page starts with that organisation chosen.
    const values = typeof q.organisation === 'string' && isUuid(q.organisation) ? { organisation_id: q.organisation } : {};
    return reply.view('partnership/views/people/form.njk', await form(req.partnership.id, { title: 'Add a person', values, action: '/people/new' }));
  });

  app.post('/people/new', async (req, reply) => {
    const outcome = await formOutcome(() => createPerson(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`${displayName(outcome.value)} added`).redirect(`/people/${outcome.value.id}`, 303);
    return reply.code(400).view('partnership/views/people/form.njk', await form(req.partnership.id, { title: 'Add a person', values: req.body, errors: outcome.errors, action: '/people/new' }));
  });

  app.get('/people/:id', async (req, reply) => {
    const person = await load(req.partnership.id, (req.params as { id: string }).id);
    const organisation = person.organisation_id ? await findOrganisation(db, req.partnership.id, person.organisation_id) : undefined;
    const memberships = await membershipsOfPerson(db, req.partnership.id, person.id);
    return reply.view('partnership/views/people/show.njk', {
      title: displayName(person), section: 'people', person, name: displayName(person), organisation,
      memberships: groupMemberships(memberships, todayIso()), roleLabel: membershipRoleLabel,
      showContact: mayReadContactDetails(req.actor), canEdit: isStaff(req.actor),
    });
  });

  app.get('/people/:id/edit', async (req, reply) => {
    authorize(req.actor, 'update', { type: 'person' });
    const person = await load(req.partnership.id, (req.params as { id: string }).id);
    return reply.view('partnership/views/people/form.njk', await form(req.partnership.id, {
      title: `Change ${displayName(person)}`, values: person, action: `/people/${person.id}/edit`, person,
    }));
  });

  app.post('/people/:id/edit', async (req, reply) => {
    const person = await load(req.partnership.id, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => updatePerson(ctx(req), person.id, req.body));
    if (outcome.ok) return reply.flash('Changes saved').redirect(`/people/${person.id}`, 303);
    return reply.code(400).view('partnership/views/people/form.njk', await form(req.partnership.id, {
      title: `Change ${displayName(person)}`, values: req.body, errors: outcome.errors, action: `/people/${person.id}/edit`, person,
    }));
  });

  // API
  const tags = ['people'];
  app.get('/api/people', {
    schema: { tags, summary: 'List people, by family name unless sorted otherwise; e-mail and telephone only when signed in', querystring: PeopleQuery, response: { 200: ListOf(Person) } },
  }, async (req) => {
    const { organisation, sort } = readList(req.query);
    const show = mayReadContactDetails(req.actor);
    return { items: (await listPeople(db, req.partnership.id, { organisationId: organisation, sort })).map((p) => presentPersonFor(p, show)) };
  });
  app.get('/api/people/:id', {
    schema: { tags, summary: 'One person, with their memberships current and past', params: IdParams, response: { 200: PersonWithMemberships } },
  }, async (req) => {
    const person = await load(req.partnership.id, (req.params as { id: string }).id);
    const organisation = person.organisation_id ? await findOrganisation(db, req.partnership.id, person.organisation_id) : undefined;
    const today = todayIso();
    return {
      ...presentPersonFor(person, mayReadContactDetails(req.actor)),
      organisationName: organisation?.name ?? null,
      memberships: (await membershipsOfPerson(db, req.partnership.id, person.id)).map((m) => presentMembershipOfPerson(m, today)),
    };
  });
  app.post('/api/people', { schema: { tags, summary: 'Add a person', body: PersonInput, response: { 201: Person } } }, async (req, reply) =>
    reply.code(201).send(presentPersonFor(await createPerson(ctx(req), fromApi(req.body)), true)),
  );
  app.put('/api/people/:id', { schema: { tags, summary: 'Change a person', params: IdParams, body: PersonInput, response: { 200: Person } } }, async (req) => {
    const person = await load(req.partnership.id, (req.params as { id: string }).id);
    return presentPersonFor(await updatePerson(ctx(req), person.id, fromApi(req.body)), true);
  });
}
