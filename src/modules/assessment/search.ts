// Assessments in the search index: the strategic assessment (title, year and its
// document's sections) is found by the partnership's own people, never by the public. A
// restricted assessment (the serious violence needs assessment) is never indexed at all,
// so no search can show it, its title or its text to anyone.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { indexForSearch, removeFromSearch } from '../search/index.ts';
import { kindLabel } from './requests.domain.ts';

type Db = Kysely<DB> | Transaction<DB>;

export async function indexAssessment(db: Db, a: { partnership_id: string; id: string; year: number; kind: string; title: string; restricted: boolean; requests_by: string }): Promise<void> {
  if (a.restricted) {
    await removeFromSearch(db, a.partnership_id, 'assessment', [a.id]);
    return;
  }
  const sections = await db.selectFrom('assessment_sections').select(['title', 'body']).where('partnership_id', '=', a.partnership_id).where('assessment_id', '=', a.id).orderBy('position').execute();
  await indexForSearch(db, [{
    partnershipId: a.partnership_id, kind: 'assessment', recordId: a.id, bodyId: null, occurredOn: a.requests_by,
    title: a.title, content: [a.title, `${kindLabel(a.kind as never)} ${a.year}`, ...sections.flatMap((s) => [s.title, s.body])].filter(Boolean).join('\n'),
    url: `/assessment/assessments/${a.id}`, restricted: false, public: false,
  }]);
}

/**
 * Assessments made before they were indexed (or whose entry went missing) are indexed; an
 * entry of a restricted one, however it came to be there, is removed. Run once per
 * database (ASSESSMENT_SEARCH_BACKFILL, src/db/oneOff.ts), in the caller's transaction.
 */
/** The one-off task's name (one_off_tasks). */
export const ASSESSMENT_SEARCH_BACKFILL = 'assessment-search-backfill';

export async function backfillAssessmentSearch(db: Db): Promise<number> {
  const missing = await db.selectFrom('assessment_assessments as a')
    .select(['a.partnership_id', 'a.id', 'a.year', 'a.kind', 'a.title', 'a.restricted', 'a.requests_by'])
    .where('a.restricted', '=', false)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('search_entries as s').select('s.record_id')
      .whereRef('s.partnership_id', '=', 'a.partnership_id').where('s.kind', '=', 'assessment').whereRef('s.record_id', '=', 'a.id'))))
    .execute();
  for (const a of missing) await indexAssessment(db, a);
  await db.deleteFrom('search_entries as s').where('s.kind', '=', 'assessment')
    .where(({ exists, selectFrom }) => exists(selectFrom('assessment_assessments as a').select('a.id')
      .whereRef('a.partnership_id', '=', 's.partnership_id').whereRef('a.id', '=', 's.record_id').where('a.restricted', '=', true)))
    .execute();
  return missing.length;
}
