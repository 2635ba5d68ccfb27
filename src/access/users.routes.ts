// Administration of users: roles per partnership and grants to a body or a case.
import type { FastifyInstance } from 'fastify';

export async function userAdminRoutes(_app: FastifyInstance): Promise<void> {}
