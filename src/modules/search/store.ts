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
  /** Counted up to COUNT_LIMIT; `more` says there are more than that. */
  total: number;
  more: boolean;
  /** The query had no words that can be searched for (only stop words, say). */
  empty: boolean;
}

const COUNT_LIMIT = 1000;

export async function searchEntries(db: Kysely<DB>, partnershipId: string, scope: ReadScope, query: SearchQuery): Promise<SearchAnswer> {
  const tsq = sql`websearch_to_tsquery('english', ${query.q})`;
  const probe = await sql<{ n: number }>`select numnode(${tsq}) as n`.execute(db);
  if (!probe.rows[0] || Number(probe.rows[0].n) === 0) return { results: [], total: 0, more: false, empty: true };

  const where = (eb: ExpressionBuilder<DB, 'search_entries'>) => {
    const conditions: Expression<SqlBool>[] = [
      eb('partnership_id', '=', partnershipId),
      sql<SqlBool>`search @@ ${tsq}`,
    ];
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

  const counted = await db
    .selectFrom((qb) => qb.selectFrom('search_entries').select(sql`1`.as('one')).where(where).limit(COUNT_LIMIT + 1).as('hits'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const total = Math.min(Number(counted.n), COUNT_LIMIT);

  // Rank first, then build snippets for the one page shown: ts_headline is the costly part.
  const page = await db
    .selectFrom((qb) => qb.selectFrom('search_entries')
      .select(['kind', 'record_id', 'title', 'url', 'occurred_on', 'body_id', 'restricted', 'content'])
      .select(sql<number>`ts_rank_cd(search, ${tsq}, 32)`.as('rank'))
      .where(where)
      .orderBy('rank', 'desc').orderBy('occurred_on', sql`desc nulls last`).orderBy('record_id')
      .limit(PAGE_SIZE).offset((query.page - 1) * PAGE_SIZE)
      .as('hits'))
    .select(['kind', 'record_id', 'title', 'url', 'occurred_on', 'body_id', 'restricted', 'rank'])
    .select(sql<string>`ts_headline('english', content, ${tsq}, ${`StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`})`.as('headline'))
    .orderBy('rank', 'desc').orderBy('occurred_on', sql`desc nulls last`).orderBy('record_id')
    .execute();

  return {
    total, more: Number(counted.n) > COUNT_LIMIT, empty: false,
    results: page.map((r) => ({
      kind: r.kind, recordId: r.record_id, title: r.title, url: r.url, occurredOn: r.occurred_on, bodyId: r.body_id,
      restricted: r.restricted, snippetHtml: snippetHtml(r.headline),
    })),
  };
}
