// Pages and API for terms of reference, the information sharing agreement register,
// and the governance overview (what is due or overdue).
import type { FastifyInstance } from 'fastify';

export async function governanceRoutes(_app: FastifyInstance): Promise<void> {}
