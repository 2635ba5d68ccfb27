// The assessment document's sections: the analyst's own text, each section gathering one
// analysis page's charts and tables (with its filters), the returns received and
// missing, or the scoring matrix. Each change checks permission on the assessment (a
// restricted one as restricted business), validates, writes and audits in one transaction.
import type { Kysely, Transaction } from 'kysely';
import { authorize } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { inTransaction, type Context } from '../../access/context.ts';
import type { DB } from '../../db/schema.ts';
import { Input } from '../../web/validate.ts';
import { NotFoundError, ValidationError } from '../../web/errors.ts';
import { CATEGORIES, RETIRED } from './domain.ts';
import { VIEWS, isView } from './analysis.ts';
import { assessmentResource } from './requests.commands.ts';
import { findAssessment, type Assessment } from './requests.store.ts';
import type { SectionContent } from './tables.ts';
import { indexAssessment } from './search.ts';

type Db = Kysely<DB> | Transaction<DB>;

export const SECTION_CONTENTS: readonly { value: SectionContent; text: string; hint: string }[] = [
  { value: 'text', text: 'Text only', hint: 'Your own words, nothing gathered' },
  { value: 'analysis', text: 'An analysis page’s charts and tables', hint: 'Choose the page, its area and crime type, and whether its charts, its tables or both are printed' },
  { value: 'returns', text: 'The returns received and missing', hint: 'Every dataset asked of partners, received or still awaited, and how late' },
  { value: 'matrix', text: 'The scoring matrix', hint: 'The candidate issues ranked by their weighted scores' },
];
export const contentLabel = (c: string) => SECTION_CONTENTS.find((x) => x.value === c)?.text ?? c;
export const MAX_SECTIONS = 40;
export const MAX_BODY = 20000;

export interface Section {
  id: string; assessment_id: string; position: number; title: string; body: string; content: SectionContent;
  analysis_view: string | null; area_id: string | null; category: string | null; show_charts: boolean; show_tables: boolean; updated_at: Date;
}

export async function listSections(db: Db, pid: string, assessmentId: string): Promise<Section[]> {
  return db.selectFrom('assessment_sections').select(['id', 'assessment_id', 'position', 'title', 'body', 'content', 'analysis_view', 'area_id', 'category', 'show_charts', 'show_tables', 'updated_at'])
    .where('partnership_id', '=', pid).where('assessment_id', '=', assessmentId).orderBy('position').execute();
}

export async function findSection(db: Db, pid: string, id: string): Promise<Section | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return db.selectFrom('assessment_sections').select(['id', 'assessment_id', 'position', 'title', 'body', 'content', 'analysis_view', 'area_id', 'category', 'show_charts', 'show_tables', 'updated_at'])
    .where('partnership_id', '=', pid).where('id', '=', id).executeTakeFirst();
}

async function editable(ctx: Context, assessmentId: string): Promise<Assessment> {
  const a = await findAssessment(ctx.db, ctx.actor.partnershipId, assessmentId);
  if (!a) throw new NotFoundError();
  authorize(ctx.actor, 'read', assessmentResource(a));
  authorize(ctx.actor, 'update', assessmentResource(a));
  return a;
}

/** A section's fields from a form or the API (snake_case), checked. */
async function readSection(ctx: Context, body: unknown) {
  const input = new Input(body);
  const title = input.text('title', 'Enter the section’s title', 200);
  const text = input.optionalText('body', 'Your text', MAX_BODY) ?? '';
  const content = input.oneOf('content', SECTION_CONTENTS.map((c) => c.value), 'Select what the section gathers') as SectionContent;
  let view: string | null = null;
  let areaId: string | null = null;
  let category: string | null = null;
  let showCharts = true;
  let showTables = true;
  if (content === 'analysis') {
    view = input.oneOf('analysis_view', VIEWS.map((v) => v.id), 'Select the analysis page whose charts and tables the section gathers');
    areaId = input.optionalId('area_id', 'Select an area of the partnership, or the whole partnership');
    const c = input.optionalText('category', 'The crime type', 100);
    if (c && !(CATEGORIES as readonly string[]).includes(c) && !(c in RETIRED)) input.fail('category', 'Select a crime type from the list, or all crime');
    category = c;
    showCharts = input.boolean('show_charts');
    showTables = input.boolean('show_tables');
    if (!showCharts && !showTables && view) input.fail('show_charts', 'Choose the charts, the tables or both: a section of an analysis page prints at least one');
  }
  input.check();
  if (view && !isView(view)) throw ValidationError.single('analysis_view', 'Select an analysis page');
  if (areaId && !(await ctx.db.selectFrom('assessment_areas').select('id').where('partnership_id', '=', ctx.actor.partnershipId).where('id', '=', areaId).executeTakeFirst())) {
    throw ValidationError.single('area_id', 'Select an area of the partnership, or the whole partnership');
  }
  return { title, body: text, content, analysis_view: view, area_id: areaId, category, show_charts: showCharts, show_tables: showTables };
}

const auditAfter = (a: Assessment, s: Record<string, unknown>) => (a.restricted ? { content: s.content } : s);

export async function addSection(ctx: Context, assessmentId: string, body: unknown): Promise<Section> {
  const a = await editable(ctx, assessmentId);
  const fields = await readSection(ctx, body);
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const existing = await listSections(trx, pid, a.id);
    if (existing.length >= MAX_SECTIONS) throw ValidationError.single('title', `A document has up to ${MAX_SECTIONS} sections: join some together`);
    const row = await trx.insertInto('assessment_sections').values({
      partnership_id: pid, assessment_id: a.id, position: (existing.at(-1)?.position ?? 0) + 1, ...fields, updated_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    }).returning('id').executeTakeFirstOrThrow();
    await indexAssessment(trx, a);
    await recordAudit(trx, ctx.actor, { action: 'create', recordType: 'assessment-section', recordId: row.id, summary: a.restricted ? 'Section added to a restricted assessment’s document' : `Section added to the ${a.title}: ${fields.title}`, after: auditAfter(a, fields) });
    return (await findSection(trx, pid, row.id))!;
  });
}

async function loadSection(ctx: Context, id: string): Promise<{ a: Assessment; s: Section }> {
  const s = await findSection(ctx.db, ctx.actor.partnershipId, id);
  if (!s) throw new NotFoundError();
  return { a: await editable(ctx, s.assessment_id), s };
}

export async function updateSection(ctx: Context, id: string, body: unknown): Promise<Section> {
  const { a, s } = await loadSection(ctx, id);
  const fields = await readSection(ctx, body);
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    await trx.updateTable('assessment_sections').set({ ...fields, updated_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null, updated_at: new Date() }).where('partnership_id', '=', pid).where('id', '=', s.id).execute();
    await indexAssessment(trx, a);
    await recordAudit(trx, ctx.actor, {
      action: 'update', recordType: 'assessment-section', recordId: s.id, summary: a.restricted ? 'Section of a restricted assessment’s document changed' : `Section changed: ${fields.title}`,
      before: auditAfter(a, { ...s }), after: auditAfter(a, fields),
    });
    return (await findSection(trx, pid, s.id))!;
  });
}

export async function deleteSection(ctx: Context, id: string): Promise<Assessment> {
  const { a, s } = await loadSection(ctx, id);
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    await trx.deleteFrom('assessment_sections').where('partnership_id', '=', pid).where('id', '=', s.id).execute();
    // The others close up, so positions stay 1, 2, 3 …
    const rest = await listSections(trx, pid, a.id);
    for (const [i, r] of rest.entries()) if (r.position !== i + 1) await trx.updateTable('assessment_sections').set({ position: i + 1 }).where('partnership_id', '=', pid).where('id', '=', r.id).execute();
    await indexAssessment(trx, a);
    await recordAudit(trx, ctx.actor, { action: 'delete', recordType: 'assessment-section', recordId: s.id, summary: a.restricted ? 'Section removed from a restricted assessment’s document' : `Section removed: ${s.title}`, before: auditAfter(a, { ...s }) });
    return a;
  });
}

/** Moves a section one place up or down (swaps it with its neighbour). */
export async function moveSection(ctx: Context, id: string, direction: string): Promise<Assessment> {
  if (direction !== 'up' && direction !== 'down') throw ValidationError.single('direction', 'Choose up or down');
  const { a, s } = await loadSection(ctx, id);
  const pid = ctx.actor.partnershipId;
  return inTransaction(ctx, async (trx) => {
    const all = await listSections(trx, pid, a.id);
    const i = all.findIndex((x) => x.id === s.id);
    const j = direction === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= all.length) return a;
    await trx.updateTable('assessment_sections').set({ position: all[j]!.position }).where('partnership_id', '=', pid).where('id', '=', s.id).execute();
    await trx.updateTable('assessment_sections').set({ position: s.position }).where('partnership_id', '=', pid).where('id', '=', all[j]!.id).execute();
    await recordAudit(trx, ctx.actor, { action: 'update', recordType: 'assessment-section', recordId: s.id, summary: a.restricted ? 'Section of a restricted assessment’s document moved' : `Section moved ${direction}: ${s.title}` });
    return a;
  });
}
