// The partnership module's pages and API, one file per kind of record.
import type { FastifyInstance } from 'fastify';
import { organisationRoutes } from './organisations.routes.ts';
import { peopleRoutes } from './people.routes.ts';
import { bodyRoutes } from './bodies.routes.ts';
import { governanceRoutes } from './governance.routes.ts';

export async function partnershipRoutes(app: FastifyInstance): Promise<void> {
  await app.register(organisationRoutes);
  await app.register(peopleRoutes);
  await app.register(bodyRoutes);
  await app.register(governanceRoutes);
}
