// Pages and API for people.
import type { FastifyInstance } from 'fastify';

export async function peopleRoutes(_app: FastifyInstance): Promise<void> {}
