// The home page: the partnership's bodies and, for officers, what needs attention.
import type { FastifyInstance } from 'fastify';

export async function homeRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  app.get('/', async (req, reply) => {
    const pid = req.partnership.id;
    const bodies = await db.selectFrom('bodies').select(['id', 'name', 'kind', 'description']).where('partnership_id', '=', pid).orderBy('kind').orderBy('name').execute();
    const counts = await db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', pid).executeTakeFirstOrThrow();
    return reply.view('home/views/home.njk', { title: 'Home', section: 'home', bodies, organisationCount: Number(counts.n) });
  });
  app.get('/accessibility', async (_req, reply) => reply.view('home/views/accessibility.njk', { title: 'Accessibility statement' }));
}
