// The engagement module: the start page for officers, and each part's routes.
import type { FastifyInstance } from 'fastify';
import { authorize, engagementResources } from '../../access/policy.ts';
import { listCounts, listLists } from './store.ts';
import { subscriberRoutes } from './subscribers.routes.ts';
import { signUpRoutes } from './signup.routes.ts';
import { bulletinRoutes } from './bulletin.routes.ts';
import { sessionRoutes } from './sessions.routes.ts';

export async function engagementRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;

  app.get('/engagement', async (req, reply) => {
    authorize(req.actor, 'read', engagementResources.people());
    const pid = req.partnership.id;
    const [lists, counts] = await Promise.all([listLists(db, pid), listCounts(db, pid)]);
    const suppressed = await db.selectFrom('engagement_suppressions').select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', pid).executeTakeFirstOrThrow();
    return reply.view('engagement/views/index.njk', {
      title: 'Bulletin and information sessions', section: 'engagement', suppressed: Number(suppressed.n),
      lists: lists.map((l) => ({ ...l, counts: counts.get(l.id) ?? { subscribed: 0, pending: 0, unsubscribed: 0 } })),
    });
  });

  await app.register(subscriberRoutes);
  await app.register(signUpRoutes);
  await app.register(bulletinRoutes);
  await app.register(sessionRoutes);
}
