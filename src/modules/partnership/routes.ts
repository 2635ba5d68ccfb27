// The partnership module's pages and API, one file per kind of record.
import type { FastifyInstance } from 'fastify';
import { organisationRoutes } from './organisations.routes.ts';

export async function partnershipRoutes(app: FastifyInstance): Promise<void> {
  await app.register(organisationRoutes);
}
