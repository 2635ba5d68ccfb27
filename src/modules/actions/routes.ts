// Pages and API of the actions module.
import type { FastifyInstance } from 'fastify';

export async function actionsRoutes(_app: FastifyInstance): Promise<void> {}
