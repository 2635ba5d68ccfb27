// Changes of the ModernGov connector: add a source (its WSDL and committees read first),
// choose committees and the bodies they map to, start a sync, say who a doubtful name
// is. Administrators only; each change is audited. The service is read before any
// transaction opens, so a source that does not answer as ModernGov changes nothing.
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { authorize, moderngovResources } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import { Input, isUuid } from '../../web/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../web/errors.ts';
import { formatDateTime } from '../../web/nunjucks.ts';
import { ModernGovClient, ServiceError, type ClientOptions } from './client.ts';
import { checkServiceAddress, DEFAULT_DOCUMENT_LIMIT, LISTING_OPERATIONS, MIRROR_SCHEDULES, REQUIRED_OPERATIONS, type MirrorSchedule } from './domain.ts';
import { addLog, findRun, findSource, interruptLapsedRuns, listCommittees, RUN_LEASE_MS, runningRun, type RunRow } from './store.ts';
import { executeRun, type SyncOptions } from './sync.ts';
import type { SyncMode } from './tables.ts';

const admin = (ctx: Context) => authorize(ctx.actor, 'administer', moderngovResources.connector());

async function sourceFor(ctx: Context, id: string) {
  admin(ctx);
  const source = isUuid(id) ? await findSource(ctx.db, ctx.actor.partnershipId, id) : undefined;
  if (!source) throw new NotFoundError();
  return source;
}

/**
 * Adds a ModernGov source: reads its WSDL (refused unless it offers the operations the
 * connector needs) and its committees, then keeps both.
 */
export async function addSource(ctx: Context, body: unknown, options: ClientOptions = {}) {
  admin(ctx);
  const input = new Input(body);
  const name = input.text('name', 'Enter a name for the source, for example Northshire County Council', 200);
  const address = checkServiceAddress(input.optionalText('base_url', 'The address', 500) ?? '');
  if (!address.ok) input.fail('base_url', address.message);
  const limitMb = input.optionalInteger('document_limit_mb', 'The largest document', 1, 20);
  input.check();
  const baseUrl = (address as { url: string }).url;
  const taken = await ctx.db.selectFrom('moderngov_sources').select('id').where('partnership_id', '=', ctx.actor.partnershipId).where('base_url', '=', baseUrl).executeTakeFirst();
  if (taken) throw new ConflictError('This ModernGov web service is already a source', 'base_url');

  const client = new ModernGovClient(baseUrl, options);
  let operations: string[];
  let committees;
  try {
    operations = await client.operations();
    const missing = REQUIRED_OPERATIONS.filter((o) => !operations.includes(o));
    if (missing.length || !LISTING_OPERATIONS.some((o) => operations.includes(o))) {
      throw new ServiceError('not-moderngov', `its description offers no ${[...missing, ...(LISTING_OPERATIONS.some((o) => operations.includes(o)) ? [] : ['GetMeetings'])].join(', ')} operation`);
    }
    committees = await client.committees();
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    throw ValidationError.single('base_url', `This address does not answer as a ModernGov web service (${error.message}). Enter the address of its mgWebService.asmx, for example https://democracy.example.gov.uk/mgWebService.asmx. Nothing was saved`);
  }
  if (!committees.length) throw ValidationError.single('base_url', 'The ModernGov web service lists no committees. Check the address with the council. Nothing was saved');

  return inTransaction(ctx, async (trx) => {
    const source = await trx.insertInto('moderngov_sources').values({
      partnership_id: ctx.actor.partnershipId, name, base_url: baseUrl, operations: JSON.stringify(operations), document_limit: limitMb ? limitMb * 1024 * 1024 : DEFAULT_DOCUMENT_LIMIT,
      created_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    }).returningAll().executeTakeFirstOrThrow();
    await trx.insertInto('moderngov_committees').values(committees.map((c) => ({ partnership_id: ctx.actor.partnershipId, source_id: source.id, remote_id: c.id, title: c.title.slice(0, 300), body_id: null })))
      .onConflict((oc) => oc.doNothing()).execute();
    await recordAudit(trx, ctx.actor, {
      action: 'create', recordType: 'moderngov-source', recordId: source.id, after: { name, base_url: baseUrl, operations, committees: committees.length },
      summary: `ModernGov source ${name} added: ${committees.length} committees, ${operations.length} operations`,
    });
    return source;
  });
}

/** Which committees are synced, each into which body: `body_<remote id>` = a body id, or blank for none. */
export async function chooseCommittees(ctx: Context, sourceId: string, body: unknown) {
  const source = await sourceFor(ctx, sourceId);
  const pid = ctx.actor.partnershipId;
  const committees = await listCommittees(ctx.db, pid, source.id);
  const values = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const bodies = new Set((await ctx.db.selectFrom('bodies').select('id').where('partnership_id', '=', pid).execute()).map((b) => b.id));
  const errors = [];
  const choices = new Map<number, string | null>();
  for (const c of committees) {
    const raw = values[`body_${c.remote_id}`];
    const v = typeof raw === 'string' ? raw.trim() : Array.isArray(raw) ? String(raw[0] ?? '') : '';
    if (v && !bodies.has(v)) errors.push({ field: `body_${c.remote_id}`, message: `Select the body ${c.title} is synced into, or “Not synced”` });
    choices.set(c.remote_id, v || null);
  }
  if (errors.length) throw new ValidationError(errors);
  const mapped = [...choices.values()].filter(Boolean);
  if (new Set(mapped).size !== mapped.length) throw ValidationError.single(`body_${committees.find((c) => mapped.filter((m) => m === choices.get(c.remote_id)).length > 1)!.remote_id}`, 'Each body can take the meetings of one committee only: choose another body or “Not synced”');
  return inTransaction(ctx, async (trx) => {
    for (const c of committees) {
      const bodyId = choices.get(c.remote_id) ?? null;
      if (bodyId === c.body_id && c.chosen === Boolean(bodyId)) continue;
      await trx.updateTable('moderngov_committees').set({ body_id: bodyId, chosen: Boolean(bodyId) }).where('partnership_id', '=', pid).where('id', '=', c.id).execute();
      await recordAudit(trx, ctx.actor, {
        action: 'update', recordType: 'moderngov-committee', recordId: c.id, before: { body_id: c.body_id, chosen: c.chosen }, after: { body_id: bodyId, chosen: Boolean(bodyId) },
        summary: bodyId ? `${c.title} synced into a body` : `${c.title} no longer synced`,
      });
    }
    return listCommittees(trx, pid, source.id);
  });
}

/** Records a run and starts it; `finished` settles when it ends (a page does not wait for it). */
export async function startSync(ctx: Context, sourceId: string, body: unknown, options: SyncOptions & { scheduled?: boolean } = {}): Promise<{ run: RunRow; finished: Promise<RunRow> }> {
  const source = await sourceFor(ctx, sourceId);
  const input = new Input(body);
  const mode = input.oneOf<SyncMode>('mode', ['migrate', 'mirror'], 'Select migrate or mirror');
  const from = input.date('from', 'The first date of meetings to sync');
  const to = input.date('to', 'The last date of meetings to sync');
  if (from && to && from > to) input.fail('to', 'The last date must be the same as or after the first date');
  const overwrite = mode === 'mirror' && input.boolean('overwrite');
  input.check();
  const pid = ctx.actor.partnershipId;
  const chosen = (await listCommittees(ctx.db, pid, source.id)).filter((c) => c.chosen);
  if (!chosen.length) throw ValidationError.single('mode', 'Choose at least one committee, and the body it is synced into, before syncing');
  const holder = `${hostname()} process ${process.pid}`;
  const leaseMs = options.leaseMs ?? RUN_LEASE_MS;
  const run = await inTransaction(ctx, async (trx) => {
    // One run at a time per source: a second would race the first for the same meetings.
    // The source's row is locked while this is decided (the partial unique index on
    // running runs backs it up), so two instances starting at once cannot both start.
    await trx.selectFrom('moderngov_sources').select('id').where('partnership_id', '=', pid).where('id', '=', source.id).forUpdate().execute();
    for (const gone of await interruptLapsedRuns(trx, pid, source.id)) {
      const since = formatDateTime(gone.heartbeat_at);
      await addLog(trx, pid, gone.id, 'error', `Interrupted: nothing was heard from the server running this sync (${gone.holder ?? 'unknown'}) after ${since}, so it stopped (a restart or a crash). Everything synced before that is kept; the next sync carries on from there`);
      await recordAudit(trx, { kind: 'system', partnershipId: pid }, { action: 'update', recordType: 'moderngov-run', recordId: gone.id, summary: `ModernGov sync of ${source.name} marked interrupted: its server was last heard from at ${since}`, after: { status: 'interrupted' } });
    }
    const live = await runningRun(trx, pid, source.id);
    if (live) throw new ConflictError(`A sync of this source is running (on ${live.holder ?? 'another server'}). Wait for it to finish`, 'mode');
    const row = await trx.insertInto('moderngov_runs').values({
      partnership_id: pid, source_id: source.id, mode, overwrite_local: overwrite, scheduled: options.scheduled ?? false, from_date: from, to_date: to, tally: '{}', failure: null, import_job_id: null,
      started_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null, started_by_label: ctx.actor.kind === 'user' ? ctx.actor.displayName : 'Schedule', finished_at: null,
      holder, heartbeat_at: sql`now()` as unknown as Date, lease_ms: leaseMs,
    }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'moderngov-run', recordId: row.id, summary: `ModernGov ${mode} sync of ${source.name} started${options.scheduled ? ' by its schedule' : ''}${overwrite ? ', applying changes over those made here' : ''}`, after: { mode, from, to, overwrite } });
    return (await findRun(trx, pid, row.id))!;
  }).catch((error: { code?: string }) => {
    // Another instance's run was recorded in the same moment (the unique index said no).
    if (error?.code === '23505') throw new ConflictError('A sync of this source is running. Wait for it to finish', 'mode');
    throw error;
  });
  const db: Kysely<DB> = ctx.db;
  return { run, finished: executeRun(db, ctx.actor, run.id, options) };
}

export async function runFor(ctx: Context, runId: string) {
  admin(ctx);
  const run = isUuid(runId) ? await findRun(ctx.db, ctx.actor.partnershipId, runId) : undefined;
  if (!run) throw new NotFoundError();
  return run;
}

/** Says who a doubtful name is (or that it is nobody in the record: blank); later syncs use it. */
export async function settleName(ctx: Context, sourceId: string, nameId: string, body: unknown) {
  const source = await sourceFor(ctx, sourceId);
  const pid = ctx.actor.partnershipId;
  const row = isUuid(nameId) ? await ctx.db.selectFrom('moderngov_people').selectAll().where('partnership_id', '=', pid).where('source_id', '=', source.id).where('id', '=', nameId).executeTakeFirst() : undefined;
  if (!row) throw new NotFoundError();
  const input = new Input(body);
  const personId = input.optionalId('person_id', `Select who ${row.printed_name} is`);
  input.check();
  if (personId && !row.candidate_ids.includes(personId)) throw ValidationError.single('person_id', `Select one of the people listed for ${row.printed_name}`);
  return inTransaction(ctx, async (trx) => {
    const after = await trx.updateTable('moderngov_people').set({ person_id: personId, resolved_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'moderngov-name', recordId: row.id, before: { person_id: row.person_id }, after: { person_id: personId }, summary: `Doubtful name ${row.printed_name} settled` });
    return after;
  });
}

/** Mirrors the source on a schedule (or not); the scheduled syncs act as the administrator who set it. */
export async function setSchedule(ctx: Context, sourceId: string, body: unknown) {
  const source = await sourceFor(ctx, sourceId);
  const input = new Input(body);
  const schedule = input.oneOf<MirrorSchedule>('mirror_schedule', MIRROR_SCHEDULES.map((s) => s.value), 'Select how often to mirror the source');
  input.check();
  if (schedule !== 'none' && !(await listCommittees(ctx.db, ctx.actor.partnershipId, source.id)).some((c) => c.chosen)) {
    throw ValidationError.single('mirror_schedule', 'Choose at least one committee, and the body it is synced into, before putting the mirror on a schedule');
  }
  const userId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  return inTransaction(ctx, async (trx) => {
    const after = await trx.updateTable('moderngov_sources').set({ mirror_schedule: schedule, schedule_user_id: schedule === 'none' ? null : userId, updated_at: new Date() })
      .where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', source.id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'moderngov-source', recordId: source.id, before: { mirror_schedule: source.mirror_schedule }, after: { mirror_schedule: schedule },
      summary: schedule === 'none' ? `Scheduled mirror of ${source.name} stopped` : `${source.name} mirrored ${schedule}`,
    });
    return after;
  });
}
