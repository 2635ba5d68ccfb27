// The administrators' and officers' view of the server's daily work (/admin/daily-work and
// GET /api/daily-runs): which reminders and requests went out each day, for each task, how
// many tries it took and what failed. Read only: the work itself runs on its own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize, scheduledResources } from '../../access/policy.ts';
import { DAILY_TASKS } from './tasks.ts';
import { recentDailyRuns } from './dailyWork.ts';

const DailyRun = Type.Object({
  runOn: Type.String({ format: 'date' }),
  task: Type.String({ description: 'The task’s name, one of ' + DAILY_TASKS.map((t) => t.name).join(', ') }),
  label: Type.String(),
  summary: Type.Union([Type.String(), Type.Null()], { description: 'What the run did, or the error that stopped it' }),
  failures: Type.Integer({ description: 'Messages the mail server would not take' }),
  attempts: Type.Integer(),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const DailyRuns = Type.Object({
  sendsAt: Type.Union([Type.String(), Type.Null()], { description: 'The UK time from which the server does each day’s work; null when it does not' }),
  runs: Type.Array(DailyRun),
});

const labelOf = (task: string) => DAILY_TASKS.find((t) => t.name === task)?.label ?? task;

export async function scheduledRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app;
  /** The time the server works from, or null when it sends nothing itself (no mail server, or turned off). */
  const sendsAt = () => (config.smtpUrl && config.dailyWorkAt ? config.dailyWorkAt : null);
  const load = async (req: FastifyRequest) => {
    authorize(req.actor, 'read', scheduledResources.dailyRuns());
    return (await recentDailyRuns(db, req.partnership.id)).map((r) => ({
      runOn: r.run_on, task: r.task, label: labelOf(r.task), summary: r.summary, failures: r.failures, attempts: r.attempts,
      finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
    }));
  };

  app.get('/admin/daily-work', async (req: FastifyRequest, reply: FastifyReply) => {
    const runs = await load(req);
    reply.header('cache-control', 'private, no-store');
    return reply.view('scheduled/views/runs.njk', {
      title: 'Daily reminders and requests', section: 'governance', runs, sendsAt: sendsAt(), mailSet: Boolean(config.smtpUrl),
      tasks: DAILY_TASKS.map((t) => t.label),
      breadcrumbs: [{ text: 'Governance', href: '/governance' }],
    });
  });

  app.get('/api/daily-runs', {
    schema: { tags: ['Daily work'], summary: 'The server’s daily reminders and requests over the last 14 days, newest first', response: { 200: DailyRuns } },
  }, async (req) => ({ sendsAt: sendsAt(), runs: await load(req) }));
}
