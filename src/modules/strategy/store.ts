// SQL of the strategy module. Every query is scoped by partnership_id. Names of people,
// organisations and bodies are read (never written) for display.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { displayName } from '../partnership/domain.ts';
import type { LineStatus, StrategyAgreementsTable, StrategyPlanLinesTable, StrategyPrioritiesTable, StrategyPlanUpdatesTable } from './tables.ts';
import { LINE_STATUSES, isClosed, isLineOverdue, rollUp, rollUpGroup, type RollUpNode, type RolledUp } from './domain.ts';
import type { PlanFilters } from './planFilters.ts';
import { isUuid } from '../../web/forms.ts';

type Db = Kysely<DB>;

export type Agreement = Selectable<StrategyAgreementsTable>;
export type PriorityRow = Selectable<StrategyPrioritiesTable>;
export type LineRow = Selectable<StrategyPlanLinesTable>;
export type UpdateRow = Selectable<StrategyPlanUpdatesTable>;

export function listAgreements(db: Db, partnershipId: string): Promise<Agreement[]> {
  return db.selectFrom('strategy_agreements').selectAll().where('partnership_id', '=', partnershipId).orderBy('period', 'desc').execute();
}

export function findAgreement(db: Db, partnershipId: string, id: string): Promise<Agreement | undefined> {
  return db.selectFrom('strategy_agreements').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function findAgreementByPeriod(db: Db, partnershipId: string, period: string): Promise<Agreement | undefined> {
  return db.selectFrom('strategy_agreements').selectAll().where('partnership_id', '=', partnershipId).where('period', '=', period).executeTakeFirst();
}

/** The agreement in force for the public: the latest published one. */
export function currentPublishedAgreement(db: Db, partnershipId: string): Promise<Agreement | undefined> {
  return db.selectFrom('strategy_agreements').selectAll().where('partnership_id', '=', partnershipId).where('status', '=', 'published')
    .orderBy('period', 'desc').limit(1).executeTakeFirst();
}

export interface PriorityView extends PriorityRow {
  lead_organisation_name: string | null;
  lead_person_name: string | null;
  agreement_period: string;
  agreement_status: string;
}

/**
 * The priorities (and, with `kind`, the themes) of a partnership's agreements, in the
 * agreement's order, newest period first. Other modules call this (funding proposals name
 * the priority they serve by its id); they get what the caller may show, so they filter
 * by `agreement_status` through the same policy as pages here (drafts are not public).
 */
export async function listPriorities(
  db: Db, partnershipId: string, opts: { agreementId?: string; kind?: 'priority' | 'theme' | 'all' } = {},
): Promise<PriorityView[]> {
  let q = db.selectFrom('strategy_priorities as p')
    .innerJoin('strategy_agreements as a', (j) => j.onRef('a.partnership_id', '=', 'p.partnership_id').onRef('a.id', '=', 'p.agreement_id'))
    .leftJoin('organisations as o', (j) => j.onRef('o.partnership_id', '=', 'p.partnership_id').onRef('o.id', '=', 'p.lead_organisation_id'))
    .leftJoin('people as pe', (j) => j.onRef('pe.partnership_id', '=', 'p.partnership_id').onRef('pe.id', '=', 'p.lead_person_id'))
    .selectAll('p')
    .select(['o.name as lead_organisation_name', 'a.period as agreement_period', 'a.status as agreement_status',
      'pe.honorific', 'pe.given_name', 'pe.family_name', 'pe.honours'])
    .where('p.partnership_id', '=', partnershipId);
  if (opts.agreementId) q = q.where('p.agreement_id', '=', opts.agreementId);
  const kind = opts.kind ?? 'priority';
  if (kind !== 'all') q = q.where('p.kind', '=', kind);
  const rows = await q.orderBy('a.period', 'desc').orderBy('p.kind').orderBy('p.position').execute();
  return rows.map(({ honorific, given_name, family_name, honours, ...r }) => ({
    ...r, lead_person_name: family_name !== null ? displayName({ honorific, given_name, family_name, honours }) : null,
  }));
}

export function findPriority(db: Db, partnershipId: string, id: string): Promise<PriorityRow | undefined> {
  return db.selectFrom('strategy_priorities').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export interface LineView extends LineRow {
  owner_name: string | null;
  owner_email: string | null;
  lead_organisation_name: string | null;
  priority_title: string;
  theme_ids: string[];
  rolled: RolledUp;
  overdue: boolean;
  depth: number;
}

/** An agreement's plan lines with what their views show beside them: priority, lead organisation, owner. */
const lineRows = (db: Db, partnershipId: string, agreementId: string) => db.selectFrom('strategy_plan_lines as l')
  .innerJoin('strategy_priorities as p', (j) => j.onRef('p.partnership_id', '=', 'l.partnership_id').onRef('p.id', '=', 'l.priority_id'))
  .leftJoin('organisations as o', (j) => j.onRef('o.partnership_id', '=', 'l.partnership_id').onRef('o.id', '=', 'l.lead_organisation_id'))
  .leftJoin('people as pe', (j) => j.onRef('pe.partnership_id', '=', 'l.partnership_id').onRef('pe.id', '=', 'l.owner_person_id'))
  .selectAll('l')
  .select(['o.name as lead_organisation_name', 'p.title as priority_title', 'p.position as priority_position',
    'pe.honorific', 'pe.given_name', 'pe.family_name', 'pe.honours', 'pe.email as owner_email'])
  .where('l.partnership_id', '=', partnershipId).where('l.agreement_id', '=', agreementId);

/** Every line of an agreement's plan, in tree order (priority, then depth-first), with the roll-up. */
export async function listPlan(db: Db, partnershipId: string, agreementId: string, today: string): Promise<LineView[]> {
  const rows = await lineRows(db, partnershipId, agreementId)
    .orderBy('p.position').orderBy('l.position').execute();
  const tags = await db.selectFrom('strategy_plan_line_themes as t')
    .innerJoin('strategy_plan_lines as l', (j) => j.onRef('l.partnership_id', '=', 't.partnership_id').onRef('l.id', '=', 't.line_id'))
    .select(['t.line_id', 't.theme_id']).where('t.partnership_id', '=', partnershipId).where('l.agreement_id', '=', agreementId).execute();
  const themesOf = new Map<string, string[]>();
  for (const t of tags) themesOf.set(t.line_id, [...(themesOf.get(t.line_id) ?? []), t.theme_id]);
  const rolled = rollUp(rows);
  const children = new Map<string | null, typeof rows>();
  for (const r of rows) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r]);
  const out: LineView[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      const { honorific, given_name, family_name, honours, priority_position: _p, ...rest } = r;
      out.push({
        ...rest, owner_name: family_name !== null ? displayName({ honorific, given_name, family_name, honours }) : null,
        theme_ids: themesOf.get(r.id) ?? [], rolled: rolled.get(r.id)!, overdue: isLineOverdue(r, today), depth,
      });
      walk(r.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** Each priority's figures: the roll-up of its objectives. */
export function priorityRollUp(priorities: readonly PriorityRow[], plan: readonly Pick<LineView, 'priority_id' | 'parent_id' | 'weight' | 'status' | 'rolled'>[]) {
  return priorities.filter((p) => p.kind === 'priority').map((p) => {
    const tops = plan.filter((l) => l.priority_id === p.id && l.parent_id === null);
    return { priority: p, ...rollUpGroup(tops.map((t) => ({ weight: t.weight, status: t.status, rolled: t.rolled }))) };
  });
}

// ------------------------------------------------------------------ the roll-up kept on the lines

/**
 * Works out the plan's roll-up again and keeps it on each line (rolled_progress,
 * rolled_status, derived_status, child_count), writing only the lines whose figures
 * moved, in one statement. Every command that changes the plan calls this in its
 * transaction; readers call ensureRollUp.
 */
export async function storeRollUp(db: Db, partnershipId: string, agreementId: string): Promise<void> {
  const rows = await db.selectFrom('strategy_plan_lines')
    .select(['id', 'parent_id', 'status', 'progress', 'weight', 'status_override', 'rolled_progress', 'rolled_status', 'derived_status', 'child_count'])
    .where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId).execute();
  const moved = rollUpMoves(rows);
  if (!moved.length) return;
  await sql`update strategy_plan_lines as l set rolled_progress = v.progress, rolled_status = v.status, derived_status = v.derived, child_count = v.n
    from unnest(${moved.map((m) => m.id)}::uuid[], ${moved.map((m) => m.rolled_progress)}::integer[], ${moved.map((m) => m.rolled_status)}::text[],
      ${moved.map((m) => m.derived_status)}::text[], ${moved.map((m) => m.child_count)}::integer[]) as v(id, progress, status, derived, n)
    where l.partnership_id = ${partnershipId} and l.id = v.id`.execute(db);
}

export interface KeptRollUp { id: string; rolled_progress: number | null; rolled_status: LineStatus | null; derived_status: LineStatus | null; child_count: number }

/**
 * What the kept roll-up of each line should be, for the lines where it is not: a parent's
 * worked-out figures and its number of children; a leaf none but a count of 0 (it shows
 * its own figures, so a change to a leaf alone does not write its roll-up).
 */
export function rollUpMoves(rows: readonly (RollUpNode & { rolled_progress: number | null; rolled_status: string | null; derived_status: string | null; child_count: number | null })[]): KeptRollUp[] {
  const rolled = rollUp(rows);
  const children = new Map<string, number>();
  for (const r of rows) if (r.parent_id) children.set(r.parent_id, (children.get(r.parent_id) ?? 0) + 1);
  const out: KeptRollUp[] = [];
  for (const r of rows) {
    const n = children.get(r.id) ?? 0;
    const up = rolled.get(r.id)!;
    const want: KeptRollUp = n ? { id: r.id, rolled_progress: up.progress, rolled_status: up.status, derived_status: up.derivedStatus, child_count: n }
      : { id: r.id, rolled_progress: null, rolled_status: null, derived_status: null, child_count: 0 };
    if (r.rolled_progress !== want.rolled_progress || r.rolled_status !== want.rolled_status || r.derived_status !== want.derived_status || r.child_count !== want.child_count) out.push(want);
  }
  return out;
}

/** Before reading the kept roll-up: works it out if any line of the plan has none yet. */
export async function ensureRollUp(db: Db, partnershipId: string, agreementId: string): Promise<void> {
  const missing = await db.selectFrom('strategy_plan_lines').select('id').where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId)
    .where('child_count', 'is', null).limit(1).executeTakeFirst();
  if (missing) await storeRollUp(db, partnershipId, agreementId);
}

const keptRollUp = (r: { rolled_progress: number | null; rolled_status: string | null; derived_status: string | null; child_count: number | null; status: string; progress: number; status_override: string | null }): RolledUp => {
  const leaf = !r.child_count;
  return {
    progress: r.rolled_progress ?? r.progress, status: (r.rolled_status ?? r.status) as RolledUp['status'], derivedStatus: leaf ? null : (r.derived_status as RolledUp['derivedStatus']),
    overridden: !leaf && r.status_override !== null, leaf,
  };
};

/** Each priority's figures from the kept roll-up: reads the plan's objectives only. */
export async function planPriorityFigures(db: Db, partnershipId: string, agreementId: string, priorities: readonly PriorityRow[]) {
  await ensureRollUp(db, partnershipId, agreementId);
  const tops = await db.selectFrom('strategy_plan_lines')
    .select(['priority_id', 'parent_id', 'weight', 'status', 'progress', 'status_override', 'rolled_progress', 'rolled_status', 'derived_status', 'child_count'])
    .where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId).where('parent_id', 'is', null).execute();
  return priorityRollUp(priorities, tops.map((t) => ({ ...t, rolled: keptRollUp(t) })));
}

/**
 * The plan as its page first shows it: every objective, and under each objective in
 * `open` its actions and sub-actions, in tree order, with the kept roll-up.
 */
export async function listPlanBranches(db: Db, partnershipId: string, agreementId: string, today: string, open: readonly string[]): Promise<LineView[]> {
  await ensureRollUp(db, partnershipId, agreementId);
  const rows = await lineRows(db, partnershipId, agreementId)
    .where((eb) => {
      const branches = [eb('l.parent_id', 'is', null)];
      if (open.length) {
        branches.push(eb('l.parent_id', 'in', [...open]));
        branches.push(eb('l.parent_id', 'in', eb.selectFrom('strategy_plan_lines as c').select('c.id')
          .where('c.partnership_id', '=', partnershipId).where('c.agreement_id', '=', agreementId).where('c.parent_id', 'in', [...open])));
      }
      return eb.or(branches);
    })
    .orderBy('l.position').execute();
  const ids = rows.map((r) => r.id);
  const tags = ids.length ? await db.selectFrom('strategy_plan_line_themes').select(['line_id', 'theme_id'])
    .where('partnership_id', '=', partnershipId).where('line_id', 'in', ids).execute() : [];
  const themesOf = new Map<string, string[]>();
  for (const t of tags) themesOf.set(t.line_id, [...(themesOf.get(t.line_id) ?? []), t.theme_id]);
  const children = new Map<string | null, typeof rows>();
  for (const r of rows) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r]);
  const out: LineView[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      const { honorific, given_name, family_name, honours, priority_position: _p, ...rest } = r;
      out.push({
        ...rest, owner_name: family_name !== null ? displayName({ honorific, given_name, family_name, honours }) : null,
        theme_ids: themesOf.get(r.id) ?? [], rolled: keptRollUp(r), overdue: isLineOverdue(r, today), depth,
      });
      walk(r.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

const CLOSED = LINE_STATUSES.map((s) => s.value).filter(isClosed);

/**
 * The lines of the plan that match its filters (planFilters.ts, worked out here in SQL on
 * the kept roll-up), in tree order, each with its depth and what the reader's policy
 * needs (restricted, owner), so that the caller decides what may be read and then reads
 * one page of lines in full (listPlanLines), not every line of the plan.
 */
export async function listPlanMatches(db: Db, partnershipId: string, agreementId: string, today: string, f: PlanFilters) {
  // An id that is not one matches no line (as comparing strings did), without asking the database.
  if ([f.priority, f.owner, f.theme].some((v) => v && !isUuid(v))) return [];
  await ensureRollUp(db, partnershipId, agreementId);
  const closed = sql.join(CLOSED.map((c) => sql`${c}`));
  const where = [sql`true`];
  if (f.priority) where.push(sql`l.priority_id = ${f.priority}`);
  if (f.owner) where.push(sql`(l.owner_person_id = ${f.owner} or l.lead_organisation_id = ${f.owner})`);
  if (f.theme) where.push(sql`exists (select 1 from strategy_plan_line_themes th where th.partnership_id = l.partnership_id and th.line_id = l.id and th.theme_id = ${f.theme})`);
  if (f.status === 'overdue') where.push(sql`l.due_on is not null and l.due_on < ${today}::date and l.status not in (${closed})`);
  else if (f.status === 'open') where.push(sql`coalesce(l.rolled_status, l.status) not in (${closed})`);
  else if (f.status) where.push(sql`coalesce(l.rolled_status, l.status) = ${f.status}`);
  const { rows } = await sql<{ id: string; restricted: boolean; owner_person_id: string | null; depth: number }>`
    with recursive tree (id, path) as (
      select l.id, array[p.position, l.position]
      from strategy_plan_lines l join strategy_priorities p on p.partnership_id = l.partnership_id and p.id = l.priority_id
      where l.partnership_id = ${partnershipId} and l.agreement_id = ${agreementId} and l.parent_id is null
      union all
      select c.id, t.path || c.position from tree t join strategy_plan_lines c on c.partnership_id = ${partnershipId} and c.parent_id = t.id
    )
    select l.id, l.restricted, l.owner_person_id, cardinality(t.path) - 2 as depth
    from tree t join strategy_plan_lines l on l.partnership_id = ${partnershipId} and l.id = t.id
    where ${sql.join(where, sql` and `)}
    order by t.path, l.id`.execute(db);
  return rows.map((r) => ({ ...r, depth: Number(r.depth) }));
}

/** The lines named, in full and in the order given, with the kept roll-up (a page of listPlanMatches). */
export async function listPlanLines(db: Db, partnershipId: string, agreementId: string, today: string, picks: readonly { id: string; depth: number }[]): Promise<LineView[]> {
  if (!picks.length) return [];
  const ids = picks.map((p) => p.id);
  const rows = await lineRows(db, partnershipId, agreementId).where('l.id', 'in', ids).execute();
  const tags = await db.selectFrom('strategy_plan_line_themes').select(['line_id', 'theme_id'])
    .where('partnership_id', '=', partnershipId).where('line_id', 'in', ids).execute();
  const themesOf = new Map<string, string[]>();
  for (const t of tags) themesOf.set(t.line_id, [...(themesOf.get(t.line_id) ?? []), t.theme_id]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return picks.flatMap(({ id, depth }) => {
    const r = byId.get(id);
    if (!r) return [];
    const { honorific, given_name, family_name, honours, priority_position: _p, ...rest } = r;
    return [{
      ...rest, owner_name: family_name !== null ? displayName({ honorific, given_name, family_name, honours }) : null,
      theme_ids: themesOf.get(r.id) ?? [], rolled: keptRollUp(r), overdue: isLineOverdue(r, today), depth,
    }];
  });
}

/**
 * The plan's figures for its agreement's page, from the kept roll-up without reading every
 * line in full: how many lines, how many overdue, and the lines below the objectives by status.
 */
export async function planCounts(db: Db, partnershipId: string, agreementId: string, today: string) {
  await ensureRollUp(db, partnershipId, agreementId);
  const closed = sql.join(CLOSED.map((c) => sql`${c}`));
  const { rows } = await sql<{ status: string; below: number | string; all_lines: number | string; overdue: number | string }>`
    select coalesce(rolled_status, status) as status,
      count(*) filter (where level <> 'objective') as below,
      count(*) as all_lines,
      count(*) filter (where due_on is not null and due_on < ${today}::date and status not in (${closed})) as overdue
    from strategy_plan_lines where partnership_id = ${partnershipId} and agreement_id = ${agreementId}
    group by 1`.execute(db);
  return {
    total: rows.reduce((n, r) => n + Number(r.all_lines), 0),
    overdue: rows.reduce((n, r) => n + Number(r.overdue), 0),
    byStatus: new Map(rows.map((r) => [r.status, Number(r.below)])),
  };
}

/**
 * How many lines of the plan, and who owns or leads them (for the owner filter), without
 * reading every line: the restricted ones come back with their owner for the caller's
 * policy to decide on.
 */
export async function planSummary(db: Db, partnershipId: string, agreementId: string) {
  const open = await db.selectFrom('strategy_plan_lines').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId).where('restricted', '=', false).executeTakeFirstOrThrow();
  const restricted = await db.selectFrom('strategy_plan_lines').select(['id', 'owner_person_id', 'restricted'])
    .where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId).where('restricted', '=', true).execute();
  const owners = await db.selectFrom('strategy_plan_lines as l')
    .leftJoin('organisations as o', (j) => j.onRef('o.partnership_id', '=', 'l.partnership_id').onRef('o.id', '=', 'l.lead_organisation_id'))
    .leftJoin('people as pe', (j) => j.onRef('pe.partnership_id', '=', 'l.partnership_id').onRef('pe.id', '=', 'l.owner_person_id'))
    .select(['l.restricted', 'l.owner_person_id', 'l.lead_organisation_id', 'o.name as organisation', 'pe.honorific', 'pe.given_name', 'pe.family_name', 'pe.honours'])
    .distinct()
    .where('l.partnership_id', '=', partnershipId).where('l.agreement_id', '=', agreementId).execute();
  return {
    openCount: Number(open.n), restricted,
    owners: owners.map(({ honorific, given_name, family_name, honours, ...o }) => ({ ...o, person: family_name !== null ? displayName({ honorific, given_name, family_name, honours }) : null })),
  };
}

export function findLine(db: Db, partnershipId: string, id: string): Promise<LineRow | undefined> {
  return db.selectFrom('strategy_plan_lines').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

export function listLineRows(db: Db, partnershipId: string, agreementId: string): Promise<LineRow[]> {
  return db.selectFrom('strategy_plan_lines').selectAll().where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId).execute();
}

/** The columns an uploaded plan is checked against (and the roll-up worked out from): a narrow read, as an upload reads every line. */
export function listLinesForImport(db: Db, partnershipId: string, agreementId: string) {
  return db.selectFrom('strategy_plan_lines')
    .select(['id', 'ref', 'title', 'parent_id', 'priority_id', 'status', 'progress', 'weight', 'starts_on', 'due_on', 'status_override', 'rolled_progress', 'rolled_status', 'derived_status', 'child_count'])
    .where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId).execute();
}

export function listUpdates(db: Db, partnershipId: string, lineId: string): Promise<UpdateRow[]> {
  return db.selectFrom('strategy_plan_updates').selectAll().where('partnership_id', '=', partnershipId).where('line_id', '=', lineId)
    .orderBy('on_date').orderBy('at').orderBy('id').execute();
}

export async function lineThemeIds(db: Db, partnershipId: string, lineId: string): Promise<string[]> {
  const rows = await db.selectFrom('strategy_plan_line_themes').select('theme_id').where('partnership_id', '=', partnershipId).where('line_id', '=', lineId).execute();
  return rows.map((r) => r.theme_id);
}

export async function listMeasures(db: Db, partnershipId: string, agreementId: string) {
  const measures = await db.selectFrom('strategy_measures').selectAll().where('partnership_id', '=', partnershipId).where('agreement_id', '=', agreementId)
    .orderBy('position').orderBy('created_at').execute();
  const values = measures.length
    ? await db.selectFrom('strategy_measure_values').selectAll().where('partnership_id', '=', partnershipId)
      .where('measure_id', 'in', measures.map((m) => m.id)).orderBy('on_date').orderBy('recorded_at').execute()
    : [];
  return measures.map((m) => {
    // The latest recorded value of each period is the one shown; every one is kept.
    const byPeriod = new Map<string, (typeof values)[number]>();
    for (const v of values) if (v.measure_id === m.id) byPeriod.set(v.period, v);
    return { ...m, values: [...byPeriod.values()], history: values.filter((v) => v.measure_id === m.id) };
  });
}
export type MeasureView = Awaited<ReturnType<typeof listMeasures>>[number];

export async function personOptions(db: Db, partnershipId: string) {
  const rows = await db.selectFrom('people').select(['id', 'honorific', 'given_name', 'family_name', 'honours'])
    .where('partnership_id', '=', partnershipId).orderBy('family_name').orderBy('given_name').execute();
  return rows.map((p) => ({ value: p.id, text: displayName(p) }));
}

export function organisationOptions(db: Db, partnershipId: string) {
  return db.selectFrom('organisations').select(['id as value', 'name as text']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export function bodyOptions(db: Db, partnershipId: string) {
  return db.selectFrom('bodies').select(['id as value', 'name as text']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export async function exists(db: Db, table: 'people' | 'organisations' | 'bodies', partnershipId: string, id: string): Promise<boolean> {
  return Boolean(await db.selectFrom(table).select('id').where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst());
}
