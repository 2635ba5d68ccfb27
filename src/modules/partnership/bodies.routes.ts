// Pages and API for bodies, their memberships and elections.
import type { FastifyInstance } from 'fastify';

export async function bodyRoutes(_app: FastifyInstance): Promise<void> {}
