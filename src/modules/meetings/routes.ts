// Pages and API of the meetings module.
import type { FastifyInstance } from 'fastify';

export async function meetingsRoutes(_app: FastifyInstance): Promise<void> {}
