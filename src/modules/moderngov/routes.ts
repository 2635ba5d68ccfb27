// Pages and API of the ModernGov connector: administrators only (policy.ts,
// moderngovResources). A sync runs in the background; its page shows the progress and
// the log, and is refreshed by the administrator (no script needed).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, moderngovResources } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, type FieldError } from '../../web/errors.ts';
import { formatDateTime } from '../../web/nunjucks.ts';
import { todayIso } from '../partnership/domain.ts';
import { MIRROR_SCHEDULES, SYNC_MODES } from './domain.ts';
import { addSource, chooseCommittees, runFor, setSchedule, settleName, startSync } from './commands.ts';
import { SCHEDULE_CHECK_MS, startDueMirrors } from './schedule.ts';
import { registerMigratedDocuments } from './migrated.ts';
import { bodyOptions, findSource, listCommittees, listDoubtfulNames, listLog, listRuns, listSources, peopleByIds, runningRun } from './store.ts';
import { documentLimitText, presentRun, presentRunPage, presentSource } from './presenters.ts';
import { CommitteesInput, DoubtfulName, IdParams, NameInput, NameParams, Run, ScheduleInput, Source, SourceInput, SyncInput } from './schemas.ts';
import { Type, type Static } from '@sinclair/typebox';
import type { RunRow } from './store.ts';

const personName = (p: { honorific: string | null; given_name: string | null; family_name: string; job_title?: string | null }) =>
  [p.honorific, p.given_name, p.family_name].filter(Boolean).join(' ') + (p.job_title ? `, ${p.job_title}` : '');

/** Runs started from this process, so tests (and a graceful stop) can wait for them. */
export const runningSyncs = new Map<string, Promise<RunRow>>();

export async function moderngovRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  // A migrated meeting's documents are attached when a clerk accepts its import draft.
  registerMigratedDocuments();
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const admin = (req: FastifyRequest) => authorize(req.actor, 'administer', moderngovResources.connector());
  // Read when a request is made, so the operator's setting (and a test's) applies as it stands.
  const outbound = { get allowPrivate() { return app.config.outboundAllowPrivate; } };

  async function loadSource(req: FastifyRequest, id: string) {
    admin(req);
    const source = isUuid(id) ? await findSource(db, req.partnership.id, id) : undefined;
    if (!source) throw new NotFoundError();
    return source;
  }

  function begin(started: { run: RunRow; finished: Promise<RunRow> }) {
    const done = started.finished.finally(() => runningSyncs.delete(started.run.id));
    runningSyncs.set(started.run.id, done);
    done.catch((error) => app.log.error({ err: error }, 'ModernGov sync failed'));
    return started.run;
  }

  // Scheduled mirrors: checked every few minutes while the server runs.
  let timer: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      startDueMirrors(db, new Date(), outbound).then((started) => started.forEach(begin)).catch((error) => app.log.error({ err: error }, 'ModernGov schedule check failed'));
    }, SCHEDULE_CHECK_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    await Promise.allSettled([...runningSyncs.values()]);
  });

  // ---------------------------------------------------------------- pages

  async function renderSources(req: FastifyRequest, reply: FastifyReply, opts: { errors?: FieldError[]; values?: Record<string, unknown> } = {}) {
    admin(req);
    const sources = await Promise.all((await listSources(db, req.partnership.id)).map(async (s) => {
      const [last] = await listRuns(db, req.partnership.id, s.id, 1);
      return { ...s, lastRun: last ? `${formatDateTime(last.started_at)} (${presentRunPage(last).statusLabel.toLowerCase()})` : null };
    }));
    return reply.code(opts.errors?.length ? 400 : 200).view('moderngov/views/sources.njk', {
      title: 'ModernGov', section: 'admin', sources, errors: opts.errors, values: opts.values ?? {},
    });
  }
  app.get('/admin/moderngov', async (req, reply) => renderSources(req, reply));
  app.post('/admin/moderngov', async (req, reply) => {
    admin(req);
    const outcome = await formOutcome(() => addSource(ctx(req), req.body, outbound));
    if (outcome.ok) return reply.flash(`${outcome.value.name} added: choose its committees`).redirect(`/admin/moderngov/${outcome.value.id}`, 303);
    return renderSources(req, reply, { errors: outcome.errors, values: req.body as Record<string, unknown> });
  });

  async function renderSource(req: FastifyRequest, reply: FastifyReply, id: string, opts: { errors?: FieldError[]; values?: Record<string, unknown>; committeeValues?: Record<string, unknown> } = {}) {
    const source = await loadSource(req, id);
    const pid = req.partnership.id;
    const [committees, bodies, runs, running, names] = await Promise.all([
      listCommittees(db, pid, source.id), bodyOptions(db, pid), listRuns(db, pid, source.id), runningRun(db, pid, source.id), listDoubtfulNames(db, pid, source.id),
    ]);
    const year = todayIso().slice(0, 4);
    const values = opts.values ?? { mode: 'migrate', from: `${Number(year) - 5}-01-01`, to: todayIso() };
    const radios = (list: readonly { value: string; text: string }[], chosen: unknown) => list.map((x) => ({ ...x, checked: x.value === chosen }));
    return reply.code(opts.errors?.length ? 400 : 200).view('moderngov/views/source.njk', {
      title: source.name, section: 'admin', source, committees, bodies: bodies.map((b) => ({ value: b.id, text: b.name })), documentLimit: documentLimitText(source),
      runs: runs.map(presentRunPage), running, openNames: names.filter((n) => !n.resolved_at).length, modes: radios(SYNC_MODES, values.mode), schedules: radios(MIRROR_SCHEDULES, source.mirror_schedule),
      errors: opts.errors, committeeValues: opts.committeeValues, values,
    });
  }
  app.get('/admin/moderngov/:id', async (req, reply) => renderSource(req, reply, (req.params as { id: string }).id));
  app.post('/admin/moderngov/:id/committees', async (req, reply) => {
    const { id } = req.params as { id: string };
    await loadSource(req, id);
    const outcome = await formOutcome(() => chooseCommittees(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash('Committees saved').redirect(`/admin/moderngov/${id}`, 303);
    return renderSource(req, reply, id, { errors: outcome.errors, committeeValues: req.body as Record<string, unknown> });
  });
  app.post('/admin/moderngov/:id/schedule', async (req, reply) => {
    const { id } = req.params as { id: string };
    await loadSource(req, id);
    const outcome = await formOutcome(() => setSchedule(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash(outcome.value.mirror_schedule === 'none' ? 'The mirror is no longer on a schedule' : `Mirrored ${outcome.value.mirror_schedule}`).redirect(`/admin/moderngov/${id}`, 303);
    return renderSource(req, reply, id, { errors: outcome.errors });
  });
  app.post('/admin/moderngov/:id/sync', async (req, reply) => {
    const { id } = req.params as { id: string };
    await loadSource(req, id);
    const outcome = await formOutcome(() => startSync(ctx(req), id, req.body, outbound));
    if (outcome.ok) return reply.redirect(`/admin/moderngov/runs/${begin(outcome.value).id}`, 303);
    return renderSource(req, reply, id, { errors: outcome.errors, values: req.body as Record<string, unknown> });
  });

  app.get('/admin/moderngov/runs/:id', async (req, reply) => {
    const run = await runFor(ctx(req), (req.params as { id: string }).id);
    const source = (await findSource(db, req.partnership.id, run.source_id))!;
    const log = await listLog(db, req.partnership.id, run.id);
    const levels = { info: 'Done', warning: 'Warning', error: 'Failed' } as const;
    // Warnings on top, each meeting named linked: a meeting held back because it was changed here, say.
    const warnings = log.filter((l) => l.level === 'warning').map((l) => {
      const meeting = / \(meeting \/meetings\/([0-9a-f-]{36})\)/.exec(l.message);
      return { text: meeting ? l.message.replace(meeting[0], '') : l.message, href: meeting ? `/meetings/${meeting[1]}` : null, label: l.message.split(':')[0] };
    });
    return reply.view('moderngov/views/run.njk', {
      title: `${run.mode === 'migrate' ? 'Migrate' : 'Mirror'} sync`, section: 'admin', source, run: presentRunPage(run), warnings,
      log: log.map((l) => ({ ...l, levelLabel: levels[l.level] })),
    });
  });

  async function renderNames(req: FastifyRequest, reply: FastifyReply, id: string, opts: { errors?: FieldError[]; errorFor?: string } = {}) {
    const source = await loadSource(req, id);
    const rows = await listDoubtfulNames(db, req.partnership.id, source.id);
    const people = new Map((await peopleByIds(db, req.partnership.id, [...new Set(rows.flatMap((r) => r.candidate_ids))])).map((p) => [p.id, personName(p)]));
    const names = rows.map((n) => ({
      ...n, settledAs: n.person_id ? people.get(n.person_id) : 'nobody in the record',
      options: [...n.candidate_ids.map((pid) => ({ value: pid, text: people.get(pid) ?? 'Someone no longer in the record', checked: n.person_id === pid })),
        { divider: 'or' }, { value: '', text: 'Nobody in the record: keep the name as printed', checked: Boolean(n.resolved_at) && !n.person_id }],
    }));
    return reply.code(opts.errors?.length ? 400 : 200).view('moderngov/views/names.njk', { title: 'Doubtful names', section: 'admin', source, names, errors: opts.errors, errorFor: opts.errorFor });
  }
  app.get('/admin/moderngov/:id/names', async (req, reply) => renderNames(req, reply, (req.params as { id: string }).id));
  app.post('/admin/moderngov/:id/names/:nameId', async (req, reply) => {
    const { id, nameId } = req.params as { id: string; nameId: string };
    await loadSource(req, id);
    const outcome = await formOutcome(() => settleName(ctx(req), id, nameId, req.body));
    if (outcome.ok) return reply.flash(`${outcome.value.printed_name} settled`).redirect(`/admin/moderngov/${id}/names`, 303);
    return renderNames(req, reply, id, { errors: outcome.errors, errorFor: nameId });
  });

  // ---------------------------------------------------------------- API

  const tags = ['moderngov'];
  app.get('/api/moderngov/sources', { schema: { tags, summary: 'ModernGov sources (administrators)', response: { 200: Type.Array(Source) } } }, async (req) => {
    admin(req);
    return Promise.all((await listSources(db, req.partnership.id)).map(async (s) => presentSource(s, await listCommittees(db, req.partnership.id, s.id))));
  });
  app.post('/api/moderngov/sources', { schema: { tags, summary: 'Add a ModernGov source: its WSDL and committees are read first', body: SourceInput, response: { 201: Source } } }, async (req, reply) => {
    const source = await addSource(ctx(req), req.body, outbound);
    return reply.code(201).send(presentSource(source, await listCommittees(db, req.partnership.id, source.id)));
  });
  app.get('/api/moderngov/sources/:id', { schema: { tags, summary: 'A ModernGov source and its committees', params: IdParams, response: { 200: Source } } }, async (req) => {
    const source = await loadSource(req, (req.params as { id: string }).id);
    return presentSource(source, await listCommittees(db, req.partnership.id, source.id));
  });
  app.put('/api/moderngov/sources/:id/committees', { schema: { tags, summary: 'Choose the committees synced, each into a body', params: IdParams, body: CommitteesInput, response: { 200: Source } } }, async (req) => {
    const source = await loadSource(req, (req.params as { id: string }).id);
    const form = Object.fromEntries((req.body as Static<typeof CommitteesInput>).committees.map((c) => [`body_${c.remoteId}`, c.bodyId ?? '']));
    const committees = await chooseCommittees(ctx(req), source.id, form);
    return presentSource(source, committees);
  });
  app.put('/api/moderngov/sources/:id/schedule', { schema: { tags, summary: 'Mirror the source on a schedule, as you', params: IdParams, body: ScheduleInput, response: { 200: Source } } }, async (req) => {
    const source = await setSchedule(ctx(req), (req.params as { id: string }).id, req.body);
    return presentSource(source, await listCommittees(db, req.partnership.id, source.id));
  });
  app.post('/api/moderngov/sources/:id/syncs', { schema: { tags, summary: 'Start a sync; it runs in the background (see the run)', params: IdParams, body: SyncInput, response: { 202: Run } } }, async (req, reply) => {
    const run = begin(await startSync(ctx(req), (req.params as { id: string }).id, req.body, outbound));
    return reply.code(202).header('location', `/api/moderngov/runs/${run.id}`).send(presentRun(run));
  });
  app.get('/api/moderngov/sources/:id/runs', { schema: { tags, summary: "A source's syncs, newest first", params: IdParams, response: { 200: Type.Array(Run) } } }, async (req) => {
    const source = await loadSource(req, (req.params as { id: string }).id);
    return (await listRuns(db, req.partnership.id, source.id)).map((r) => presentRun(r));
  });
  app.get('/api/moderngov/runs/:id', { schema: { tags, summary: 'A sync: its progress, what it did, and its log', params: IdParams, response: { 200: Run } } }, async (req) => {
    const run = await runFor(ctx(req), (req.params as { id: string }).id);
    return presentRun(run, await listLog(db, req.partnership.id, run.id));
  });
  app.get('/api/moderngov/sources/:id/names', { schema: { tags, summary: 'Names the matching could not settle', params: IdParams, response: { 200: Type.Array(DoubtfulName) } } }, async (req) => {
    const source = await loadSource(req, (req.params as { id: string }).id);
    const rows = await listDoubtfulNames(db, req.partnership.id, source.id);
    const people = new Map((await peopleByIds(db, req.partnership.id, [...new Set(rows.flatMap((r) => r.candidate_ids))])).map((p) => [p.id, personName(p)]));
    return rows.map((n) => ({ id: n.id, printedName: n.printed_name, candidates: n.candidate_ids.map((id) => ({ id, name: people.get(id) ?? '' })), personId: n.person_id, settled: n.resolved_at !== null }));
  });
  app.put('/api/moderngov/sources/:id/names/:nameId', { schema: { tags, summary: 'Say who a doubtful name is', params: NameParams, body: NameInput, response: { 200: DoubtfulName } } }, async (req) => {
    const source = await loadSource(req, (req.params as { id: string }).id);
    const n = await settleName(ctx(req), source.id, (req.params as { nameId: string }).nameId, { person_id: (req.body as Static<typeof NameInput>).personId ?? '' });
    const people = new Map((await peopleByIds(db, req.partnership.id, n.candidate_ids)).map((p) => [p.id, personName(p)]));
    return { id: n.id, printedName: n.printed_name, candidates: n.candidate_ids.map((id) => ({ id, name: people.get(id) ?? '' })), personId: n.person_id, settled: true };
  });
}
