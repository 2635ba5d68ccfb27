// Pages and API for organisations.
import type { FastifyInstance } from 'fastify';
import { authorize, isStaff } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError } from '../../web/errors.ts';
import { ORGANISATION_KINDS, organisationKindLabel, displayName } from './domain.ts';
import { findOrganisation, listOrganisations } from './organisations.store.ts';
import { createOrganisation, updateOrganisation } from './organisations.commands.ts';
import { presentOrganisation, presentPerson, fromApi } from './presenters.ts';
import { IdParams, ListOf, Organisation, OrganisationInput } from './schemas.ts';

export async function organisationRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: import('../../access/policy.ts').Actor }) => ({ db, actor: req.actor });

  async function load(partnershipId: string, id: string) {
    const row = isUuid(id) ? await findOrganisation(db, partnershipId, id) : undefined;
    if (!row) throw new NotFoundError();
    return row;
  }
  const form = (extra: Record<string, unknown>) => ({ kinds: ORGANISATION_KINDS, section: 'organisations', ...extra });

  app.get('/organisations', async (req, reply) => {
    const organisations = await listOrganisations(db, req.partnership.id);
    return reply.view('partnership/views/organisations/list.njk', {
      title: 'Organisations', section: 'organisations', organisations, kindLabel: organisationKindLabel, canEdit: isStaff(req.actor),
    });
  });

  app.get('/organisations/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'organisation' });
    return reply.view('partnership/views/organisations/form.njk', form({ title: 'Add an organisation', values: {}, action: '/organisations/new' }));
  });

  app.post('/organisations/new', async (req, reply) => {
    const outcome = await formOutcome(() => createOrganisation(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`${outcome.value.name} added`).redirect(`/organisations/${outcome.value.id}`, 303);
    return reply.code(400).view('partnership/views/organisations/form.njk', form({ title: 'Add an organisation', values: req.body, errors: outcome.errors, action: '/organisations/new' }));
  });

  app.get('/organisations/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const organisation = await load(req.partnership.id, id);
    const people = await db.selectFrom('people').selectAll().where('partnership_id', '=', req.partnership.id)
      .where('organisation_id', '=', id).orderBy('family_name').orderBy('given_name').execute();
    return reply.view('partnership/views/organisations/show.njk', {
      title: organisation.name, section: 'organisations', organisation, kindLabel: organisationKindLabel(organisation.kind),
      people: people.map((p) => ({ ...p, name: displayName(p) })), canEdit: isStaff(req.actor),
    });
  });

  app.get('/organisations/:id/edit', async (req, reply) => {
    authorize(req.actor, 'update', { type: 'organisation' });
    const organisation = await load(req.partnership.id, (req.params as { id: string }).id);
    return reply.view('partnership/views/organisations/form.njk', form({
      title: `Change ${organisation.name}`, values: { ...organisation, statutory: organisation.statutory ? 'yes' : 'no' }, action: `/organisations/${organisation.id}/edit`, organisation,
    }));
  });

  app.post('/organisations/:id/edit', async (req, reply) => {
    const organisation = await load(req.partnership.id, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => updateOrganisation(ctx(req), organisation.id, req.body));
    if (outcome.ok) return reply.flash('Changes saved').redirect(`/organisations/${organisation.id}`, 303);
    return reply.code(400).view('partnership/views/organisations/form.njk', form({ title: `Change ${organisation.name}`, values: req.body, errors: outcome.errors, action: `/organisations/${organisation.id}/edit`, organisation }));
  });

  // API
  const tags = ['organisations'];
  app.get('/api/organisations', { schema: { tags, summary: 'List organisations', response: { 200: ListOf(Organisation) } } }, async (req) => ({
    items: (await listOrganisations(db, req.partnership.id)).map(presentOrganisation),
  }));
  app.get('/api/organisations/:id', { schema: { tags, summary: 'One organisation, with its people', params: IdParams } }, async (req) => {
    const { id } = req.params as { id: string };
    const organisation = await load(req.partnership.id, id);
    const people = await db.selectFrom('people').selectAll().where('partnership_id', '=', req.partnership.id).where('organisation_id', '=', id).execute();
    return { ...presentOrganisation(organisation), people: people.map(presentPerson) };
  });
  app.post('/api/organisations', { schema: { tags, summary: 'Add an organisation', body: OrganisationInput, response: { 201: Organisation } } }, async (req, reply) =>
    reply.code(201).send(presentOrganisation(await createOrganisation(ctx(req), fromApi(req.body)))),
  );
  app.put('/api/organisations/:id', { schema: { tags, summary: 'Change an organisation', params: IdParams, body: OrganisationInput, response: { 200: Organisation } } }, async (req) => {
    const { id } = req.params as { id: string };
    await load(req.partnership.id, id);
    return presentOrganisation(await updateOrganisation(ctx(req), id, fromApi(req.body)));
  });
}
