// The search query: PostgreSQL full-text search (the same on PGlite and a server),
// ranked, with highlighted snippets, filtered by what the reader may see.
import { sql, type Kysely, type SqlBool, type Expression, type ExpressionBuilder } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ReadScope } from '../../access/policy.ts';
import { MATCH_END, MATCH_START, PAGE_SIZE, snippetHtml } from './domain.ts';

export interface SearchQuery {
  q: string;
  kinds: string[];
  bodyId: string | null;
  from: string | null;
  to: string | null;
  page: number;
}

export interface SearchResult {
  kind: string;
  recordId: string;
  title: string;
  url: string;
  occurredOn: string | null;
  bodyId: string | null;
  restricted: boolean;
  snippetHtml: string;
}

export interface SearchAnswer {
  results: SearchResult[];
  /** Matches counted, up to COUNT_LIMIT; `more` says there may be more than that. */
  total: number;
  more: boolean;
  /** The query had no words that can be searched for (only stop words, say). */
  empty: boolean;
}

// Counting stops where ranking stops: past that a reader refines the search, not pages on.
const COUNT_LIMIT = 500;
/** How many of the most recent matches are ranked; paging reaches this far. */
export const CANDIDATES = 500;
/** How many of the newest entries are looked through before the text index is used. */
const WINDOW = 20_000;

export async function searchEntries(db: Kysely<DB>, partnershipId: string, scope: ReadScope, query: SearchQuery): Promise<SearchAnswer> {
  const tsq = sql`websearch_to_tsquery('english', ${query.q})`;
  const probe = await sql<{ n: number }>`select numnode(${tsq}) as n`.execute(db);
  if (!probe.rows[0] || Number(probe.rows[0].n) === 0) return { results: [], total: 0, more: false, empty: true };

  // Everything but the words: the partnership, what the reader may see, the filters.
  const where0 = (eb: ExpressionBuilder<DB, 'search_entries'>) => {
    const conditions: Expression<SqlBool>[] = [eb('partnership_id', '=', partnershipId)];
    if (scope.kind === 'public-only') conditions.push(eb('public', '=', true));
    if (scope.kind === 'members') {
      conditions.push(scope.restrictedBodyIds.length
        ? eb.or([eb('restricted', '=', false), eb('body_id', 'in', scope.restrictedBodyIds)])
        : eb('restricted', '=', false));
    }
    if (query.kinds.length) conditions.push(eb('kind', 'in', query.kinds));
    if (query.bodyId) conditions.push(eb('body_id', '=', query.bodyId));
    if (query.from) conditions.push(eb('occurred_on', '>=', query.from));
    if (query.to) conditions.push(eb('occurred_on', '<=', query.to));
    return eb.and(conditions);
  };

  // Candidates are the most recent matches, ranked afterwards. First look only in the
  // newest WINDOW entries (bounded work however common the words are); when that
  // window holds enough matches they are exactly the newest matches of the whole
  // index. Only rarer words fall through to the text index over everything, where
  // few entries match. The planner's estimate for phrases cannot be trusted to
  // choose between these two ways, so we choose.
  const matches = (source: 'window' | 'all') => {
    let base = db.selectFrom('search_entries').select(['record_id', 'kind', 'occurred_on', 'search']);
    if (source === 'window') {
      base = base.where(where0).orderBy('partnership_id').orderBy('occurred_on', (ob) => ob.desc().nullsLast()).limit(WINDOW);
    } else {
      base = base.where(where0).where(sql<SqlBool>`search @@ ${tsq}`);
    }
    return db.selectFrom(base.as('scope'))
      .select(['record_id', 'kind', 'occurred_on'])
      .select(sql<number>`ts_rank_cd(search, ${tsq}, 32)`.as('rank'))
      .where(sql<SqlBool>`search @@ ${tsq}`)
      .orderBy('occurred_on', (ob) => ob.desc().nullsLast())
      .limit(COUNT_LIMIT + 1)
      .execute();
  };
  // Does the reader's scope hold more entries than the window? Then the window is a part.
  const windowIsPart = Boolean(await db.selectFrom('search_entries').select('record_id').where(where0)
    .orderBy('partnership_id').orderBy('occurred_on', (ob) => ob.desc().nullsLast()).offset(WINDOW).limit(1).executeTakeFirst());
  let found = await matches('window');
  let complete = !windowIsPart;
  // Fewer recent matches than fill every page: look through everything.
  if (windowIsPart && found.length < CANDIDATES) {
    found = await matches('all');
    complete = true;
  }
  const total = Math.min(found.length, COUNT_LIMIT);
  const ranked = found.slice(0, CANDIDATES)
    .sort((a, b) => b.rank - a.rank || (b.occurred_on ?? '').localeCompare(a.occurred_on ?? '') || a.record_id.localeCompare(b.record_id));
  const pageRows = ranked.slice((query.page - 1) * PAGE_SIZE, query.page * PAGE_SIZE);
  const details = pageRows.length ? await db.selectFrom('search_entries')
    .select(['kind', 'record_id', 'title', 'url', 'occurred_on', 'body_id', 'restricted'])
    .select(sql<string>`ts_headline('english', content, ${tsq}, ${`StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`})`.as('headline'))
    .where('partnership_id', '=', partnershipId)
    .where((eb) => eb.or(pageRows.map((r) => eb.and([eb('kind', '=', r.kind), eb('record_id', '=', r.record_id)]))))
    .execute() : [];
  const byKey = new Map(details.map((d) => [`${d.kind}:${d.record_id}`, d]));
  const page = pageRows.map((r) => byKey.get(`${r.kind}:${r.record_id}`)!).filter(Boolean);

  return {
    total, more: found.length > COUNT_LIMIT || !complete, empty: false,
    results: page.map((r) => ({
      kind: r.kind, recordId: r.record_id, title: r.title, url: r.url, occurredOn: r.occurred_on, bodyId: r.body_id,
      restricted: r.restricted, snippetHtml: snippetHtml(r.headline),
    })),
  };
}
