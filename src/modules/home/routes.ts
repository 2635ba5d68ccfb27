// The home page: the partnership's bodies and next meetings and, for officers, what
// needs attention (overdue actions, terms of reference due, unsigned agreements).
import type { FastifyInstance } from 'fastify';
import { isStaff } from '../../access/policy.ts';
import { todayIso } from '../partnership/domain.ts';
import { listMeetings } from '../meetings/store.ts';
import { countOverdueActions } from '../actions/store.ts';
import { governanceOverview } from '../partnership/governance.routes.ts';

export async function homeRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  app.get('/', async (req, reply) => {
    const pid = req.partnership.id;
    const today = todayIso();
    const [bodies, counts, upcoming] = await Promise.all([
      db.selectFrom('bodies').select(['id', 'name', 'kind', 'description']).where('partnership_id', '=', pid).orderBy('kind').orderBy('name').execute(),
      db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', pid).executeTakeFirstOrThrow(),
      listMeetings(db, pid, { from: today, limit: 5 }),
    ]);
    let attention = null;
    if (isStaff(req.actor)) {
      const [overdueActions, governance] = await Promise.all([countOverdueActions(db, pid, today), governanceOverview(db, pid, today)]);
      attention = {
        overdueActions,
        termsDue: governance.counts.overdue + governance.counts.dueSoon,
        termsOverdue: governance.counts.overdue,
        unsigned: governance.unsigned.length,
        latestAgreement: governance.latest,
      };
    }
    return reply.view('home/views/home.njk', { title: 'Home', section: 'home', bodies, organisationCount: Number(counts.n), upcoming, attention });
  });
  app.get('/accessibility', async (_req, reply) => reply.view('home/views/accessibility.njk', { title: 'Accessibility statement' }));
}
