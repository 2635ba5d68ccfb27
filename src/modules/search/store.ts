// The search query: PostgreSQL full-text search (the same on PGlite and a server),
// ranked, with highlighted snippets, filtered by what the reader may see.
import { sql, type Compilable, type Kysely, type RawBuilder, type SqlBool, type Expression, type ExpressionBuilder } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ReadScope } from '../../access/policy.ts';
import { DEFAULT_SYNONYMS, joinedQuery, MATCH_END, MATCH_START, PAGE_SIZE, snippetHtml, synonymsFor, type Synonym } from './domain.ts';

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
  /** The words as searched for, widened by spellings and synonyms (parseQuery). */
  tsquery?: string;
}

// Counting stops where ranking stops: past that a reader refines the search, not pages on.
const COUNT_LIMIT = 500;
/** How many of the most recent matches are ranked; paging reaches this far. */
export const CANDIDATES = 500;
const NEEDED = COUNT_LIMIT + 1;

// Months as whole numbers (year * 12 + month - 1), so that spans of months are sums.
const monthNumber = (isoDate: string) => Number(isoDate.slice(0, 4)) * 12 + Number(isoDate.slice(5, 7)) - 1;
const dayNumber = (isoDate: string) => Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10))) / 86_400_000;
const monthStartDay = (month: number) => Date.UTC(Math.floor(month / 12), month % 12, 1) / 86_400_000;
const DAYS_PER_MONTH = 30.44;
const monthFacet = (m: number) => `m:${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;

/** The facets that cover months first..last: whole calendar years as one year facet each. */
export function monthSpanFacets(first: number, last: number): string[] {
  const facets: string[] = [];
  for (let m = first; m <= last;) {
    if (m % 12 === 0 && m + 11 <= last) { facets.push(`y:${m / 12}`); m += 12; } else { facets.push(monthFacet(m)); m += 1; }
  }
  return facets;
}

const quoteLexeme = (lexeme: string) => `'${lexeme.replace(/'/g, "''")}'`;
const anyOf = (lexemes: string[]) => `(${lexemes.map(quoteLexeme).join(' | ')})`;

/**
 * A date's facet ('m:2024-03', 'y:2024', 'd:none') as the index holds it, naming the
 * partnership (migrations/052): one partnership's month is a short posting list, where
 * the month of every partnership in a national database is a long one.
 */
const ownFacet = (partnershipId: string, facet: string) => `${facet.slice(0, 2)}${partnershipId}:${facet.slice(2)}`;

/**
 * The filters as facets (migrations/007_search_facets.sql) for the index to intersect.
 * What the reader may see is not among them: most entries are public and unrestricted,
 * and intersecting with a posting list of nearly every entry costs more than it saves;
 * the columns decide that on the few rows fetched.
 */
function filterFacets(query: SearchQuery): string[] {
  const parts: string[] = [];
  if (query.kinds.length) parts.push(anyOf(query.kinds.map((k) => `k:${k}`)));
  if (query.bodyId) parts.push(quoteLexeme(`b:${query.bodyId}`));
  return parts;
}

/** The newest and oldest dates of the partnership's entries: where a walk starts and stops. */
export interface DateSpan { newest: string | null; oldest: string | null }

export interface Candidate { record_id: string; kind: string; occurred_on: string | null; rank: number }

/** Everything but the words: the partnership, what the reader may see, the filters. */
function visibleAndFiltered(partnershipId: string, scope: ReadScope, query: SearchQuery) {
  return (eb: ExpressionBuilder<DB, 'search_entries'>) => {
    // As text: the facets find the partnership's entries; compared as a uuid, the planner
    // would also read every entry of the partnership from search_entries_recent to
    // intersect with them, for each month walked (2-3 ms a month at national scale).
    const conditions: Expression<SqlBool>[] = [eb(sql<string>`partnership_id::text`, '=', partnershipId)];
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
}

/** The most groups one statement walks. */
const GROUPS_PER_WALK = 64;
/** Fewer older matches than this, when the newest months hold none, are fetched at once. */
const FEW = 50;

/**
 * The newest COUNT_LIMIT + 1 entries that match the words and that the reader may see,
 * newest first (undated last, then by id), each with its rank: the candidates a search
 * ranks and counts.
 *
 * Time is walked backwards in groups of months, each group found through the facets by
 * the GIN index. One statement walks many groups and stops at the group that completes
 * the candidates, so it fetches at most one group more than it returns. The first walk
 * is the newest two months, a month each; after that groups are sized from the matches
 * per day seen so far to hold about a third of what is still needed.
 *
 * When the newest two months hold no match, the words are rare or belong to another
 * period. A handful of older matches is fetched at once. More than that, and one
 * statement finds the newest year that holds a match (an index lookup per year, no rows
 * read), whose months are then walked one by one: a word used in a burst (a pandemic, a
 * reorganisation) is never fetched whole.
 */
export async function newestMatches(db: Kysely<DB>, partnershipId: string, scope: ReadScope, query: SearchQuery, tsq: RawBuilder<unknown>, known?: DateSpan): Promise<Candidate[]> {
  partnershipId = partnershipId.toLowerCase(); // as the facets spell it
  const where = visibleAndFiltered(partnershipId, scope, query);
  const filters = filterFacets(query);
  // The partnership's own facet, a constant the planner can weigh, beside each group's
  // facets (taken from a list, so the planner must guess them at 1 in 200 of the table):
  // without it a walk over many months of a common word was estimated in proportion to
  // every partnership's entries, past the point where PostgreSQL compiles the statement
  // (JIT, about 30 ms, against 1-2 ms of work at 100 partnerships). The index reads a few
  // more pages for it.
  const ownEntries = sql<SqlBool>`facets @@ cast(${quoteLexeme(`p:${partnershipId}`)} as tsquery)`;
  const matching = () => db.selectFrom('search_entries')
    .select(['record_id', 'kind', 'occurred_on'])
    .select(sql<number>`ts_rank_cd(search, ${tsq}, 32)`.as('rank'))
    .where(where)
    .where(sql<SqlBool>`search @@ ${tsq}`)
    .where(ownEntries);
  const newestFirst = (x: Candidate, y: Candidate) =>
    (x.occurred_on === null ? 1 : 0) - (y.occurred_on === null ? 1 : 0) || (y.occurred_on ?? '').localeCompare(x.occurred_on ?? '') || x.record_id.localeCompare(y.record_id);
  const candidate = (r: Candidate) => ({ record_id: r.record_id, kind: r.kind, occurred_on: r.occurred_on, rank: Number(r.rank) });
  // A lateral join over a list of groups can only run as a nested loop that takes the
  // list in order, so the limit outside stops at the group that completes it. (The test
  // of this function checks that on both engines.)
  const overGroups = <Row>(groups: string[][], inGroup: Compilable, limit: number) => sql<Row & { position: number }>`
    select walked.position, c.* from (values ${sql.join(groups.map((facets, i) => sql`(${i}, cast(${[...filters, anyOf(facets.map((f) => ownFacet(partnershipId, f)))].join(' & ')} as tsquery))`))})
      as walked (position, facets)
    cross join lateral (${inGroup}) as c
    limit ${limit}`.execute(db);

  // The newest matches of the groups, in order. "occurred_on + 0" keeps the planner from
  // walking the date index instead, which it may think cheaper when statistics are
  // missing and which reads every row it passes.
  const walk = async (groups: string[][], limit: number): Promise<Candidate[]> => {
    const inGroup = matching().where(sql<SqlBool>`facets @@ walked.facets`)
      .orderBy(sql`occurred_on + 0`, 'desc').orderBy('record_id').limit(limit);
    return (await overGroups<Candidate>(groups, inGroup, limit)).rows.map(candidate);
  };
  /** The first of the groups that holds a match, or -1: one index lookup per group, no rows sorted. */
  const firstWithMatch = async (groups: string[][]): Promise<number> => {
    const anyInGroup = matching().where(sql<SqlBool>`facets @@ walked.facets`).limit(1);
    const first = (await overGroups<Candidate>(groups, anyInGroup, 1)).rows[0];
    return first ? Number(first.position) : -1;
  };

  const span = known ?? await db.selectFrom('search_entries')
    .select((eb) => [eb.fn.max('occurred_on').as('newest'), eb.fn.min('occurred_on').as('oldest')])
    .where('partnership_id', '=', partnershipId).executeTakeFirst();
  const found: Candidate[] = [];
  let undatedDone = false;
  if (span?.newest && span.oldest) {
    const newestDay = Math.min(dayNumber(String(span.newest)), query.to ? dayNumber(query.to) : Infinity);
    const newest = Math.min(monthNumber(String(span.newest)), query.to ? monthNumber(query.to) : Infinity);
    const oldest = Math.max(monthNumber(String(span.oldest)), query.from ? monthNumber(query.from) : -Infinity);
    let last = newest;
    /** Months walked one at a time down to (and including) this one, after a search for the newest year. */
    let monthByMonthTo = newest - 1;

    for (let walks = 0; last >= oldest && found.length < NEEDED; walks++) {
      if (walks === 1 && found.length === 0) {
        const before = new Date((monthStartDay(last + 1) - 1) * 86_400_000).toISOString().slice(0, 10);
        const older = await matching()
          .where((eb) => query.from || query.to ? eb('occurred_on', '<=', before) : eb.or([eb('occurred_on', '<=', before), eb('occurred_on', 'is', null)]))
          .limit(FEW).execute();
        if (older.length < FEW) {
          found.push(...older.map(candidate).sort(newestFirst));
          undatedDone = true;
          break;
        }
        // The rest of this year, then each earlier year.
        const years: [number, number][] = [];
        for (let end = last; end >= oldest; end = end - (end % 12) - 1) years.push([Math.max(oldest, end - (end % 12)), end]);
        const hit = await firstWithMatch(years.map(([first, end]) => monthSpanFacets(first, end)));
        if (hit < 0) break; // only undated entries match
        last = years[hit]![1];
        monthByMonthTo = years[hit]![0];
      }
      const perDay = found.length ? found.length / (newestDay - monthStartDay(last + 1) + 1) : 0;
      const groups: string[][] = [];
      while (last >= oldest && groups.length < (walks === 0 ? 2 : GROUPS_PER_WALK)) {
        const months = last >= monthByMonthTo || perDay === 0 ? 1
          : Math.max(1, Math.floor((NEEDED - found.length) / 3 / perDay / DAYS_PER_MONTH));
        const first = Math.max(oldest, last - months + 1);
        groups.push(monthSpanFacets(first, last));
        last = first - 1;
      }
      found.push(...await walk(groups, NEEDED - found.length));
    }
  }
  // Entries without a date come last, as in "newest first, undated last".
  if (!undatedDone && found.length < NEEDED && !query.from && !query.to) found.push(...await walk([['d:none']], NEEDED - found.length));
  return found.slice(0, NEEDED);
}

/** Text longer than this (a long paper) gives its snippet from a part of this length. */
const SNIPPET_SOURCE_LENGTH = 30_000;

/**
 * What ts_headline reads for a snippet. It parses all it is given, which for a paper of
 * hundreds of pages takes as long as the rest of the search; so a long text is cut to
 * the part around the first place where the start of a searched word appears (a stem
 * less its last letter: "recoveri" finds "recovery"), or its beginning.
 */
export function snippetSource(tsqueryText: string): RawBuilder<string> {
  const lexeme = /(?<!!\s*)'((?:[^']|'')+)'/.exec(tsqueryText)?.[1]?.replace(/''/g, "'") ?? '';
  const start = lexeme.length > 3 ? lexeme.slice(0, -1) : lexeme;
  return sql<string>`case when length(content) <= ${SNIPPET_SOURCE_LENGTH} then content
    else substr(content, greatest(1, strpos(lower(content), ${start.toLowerCase()}) - ${SNIPPET_SOURCE_LENGTH / 3}), ${SNIPPET_SOURCE_LENGTH}) end`;
}

export async function searchEntries(db: Kysely<DB>, partnershipId: string, scope: ReadScope, query: SearchQuery): Promise<SearchAnswer> {
  // The reader's words parsed once; later statements take the parsed query as a constant.
  const parsed = await parseQuery(db, partnershipId, query.q);
  if (!parsed.rows[0] || Number(parsed.rows[0].n) === 0) return { results: [], total: 0, more: false, empty: true };
  const tsq = sql`cast(${parsed.rows[0].text} as tsquery)`;

  // Candidates are the most recent matches, ranked afterwards.
  const found = await newestMatches(db, partnershipId, scope, query, tsq, parsed.rows[0]);
  const total = Math.min(found.length, COUNT_LIMIT);
  const ranked = found.slice(0, CANDIDATES)
    .sort((a, b) => b.rank - a.rank || (b.occurred_on ?? '').localeCompare(a.occurred_on ?? '') || a.record_id.localeCompare(b.record_id));
  const pageRows = ranked.slice((query.page - 1) * PAGE_SIZE, query.page * PAGE_SIZE);
  const details = pageRows.length ? await db.selectFrom('search_entries')
    .select(['kind', 'record_id', 'title', 'url', 'occurred_on', 'body_id', 'restricted'])
    .select(sql<string>`ts_headline('english', ${snippetSource(parsed.rows[0].text)}, ${tsq}, ${`StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`})`.as('headline'))
    .where('partnership_id', '=', partnershipId)
    .where((eb) => eb.or(pageRows.map((r) => eb.and([eb('kind', '=', r.kind), eb('record_id', '=', r.record_id)]))))
    .execute() : [];
  const byKey = new Map(details.map((d) => [`${d.kind}:${d.record_id}`, d]));
  const page = pageRows.map((r) => byKey.get(`${r.kind}:${r.record_id}`)!).filter(Boolean);

  return {
    total, more: found.length > COUNT_LIMIT, empty: false, tsquery: parsed.rows[0].text,
    results: page.map((r) => ({
      kind: r.kind, recordId: r.record_id, title: r.title, url: r.url, occurredOn: r.occurred_on, bodyId: r.body_id,
      restricted: r.restricted, snippetHtml: snippetHtml(r.headline),
    })),
  };
}

/** The partnership's synonyms: its own list once edited, the built-in one before. */
export async function readSynonyms(db: Kysely<DB>, partnershipId: string): Promise<{ pairs: Synonym[]; edited: boolean }> {
  const row = await db.selectFrom('search_synonyms').select('pairs').where('partnership_id', '=', partnershipId).executeTakeFirst();
  return row ? { pairs: row.pairs, edited: true } : { pairs: DEFAULT_SYNONYMS, edited: false };
}

/** Bumped by every saved list, so each process's cache below forgets what it holds. */
let synonymsGeneration = 0;
export const forgetSynonyms = () => { synonymsGeneration += 1; };
const synonymsCache = new WeakMap<Kysely<DB>, Map<string, { at: number; generation: number; value: Promise<{ pairs: Synonym[]; edited: boolean }> }>>();

/**
 * readSynonyms for searching: every search needs the list, which changes rarely, so it is
 * kept per partnership for a few seconds (another instance's change is seen within them)
 * and dropped at once when this process saves one.
 */
export function cachedSynonyms(db: Kysely<DB>, partnershipId: string): Promise<{ pairs: Synonym[]; edited: boolean }> {
  let byPartnership = synonymsCache.get(db);
  if (!byPartnership) synonymsCache.set(db, (byPartnership = new Map()));
  const hit = byPartnership.get(partnershipId);
  if (hit && hit.generation === synonymsGeneration && Date.now() - hit.at < 10_000) return hit.value;
  const value = readSynonyms(db, partnershipId);
  byPartnership.set(partnershipId, { at: Date.now(), generation: synonymsGeneration, value });
  value.catch(() => byPartnership.delete(partnershipId));
  return value;
}

/**
 * The reader's words as a tsquery, widened the ways people spell: a hyphenated word also
 * as written joined up ("anti-social" or "antisocial": the index holds both, see
 * migrations/027), and each synonym the words use by PostgreSQL's ts_rewrite, both ways
 * ("ASB" finds "anti-social behaviour", and the other way round). With it, the newest and
 * oldest dates of the partnership's entries.
 */
export async function parseQuery(db: Kysely<DB>, partnershipId: string, q: string): Promise<{ rows: ({ n: number; text: string } & DateSpan)[] }> {
  const ws = (text: string) => sql`websearch_to_tsquery('english', ${text})`;
  const joined = joinedQuery(q);
  let query = joined ? sql`(${ws(q)} || ${ws(joined)})` : ws(q);
  const synonyms = synonymsFor(joined ? `${q} ${joined}` : q, (await cachedSynonyms(db, partnershipId)).pairs);
  for (const { term, meaning } of synonyms) {
    const either = sql`(${ws(term)} || ${ws(meaning)})`;
    const targets = [term, meaning, joinedQuery(meaning)].filter((t): t is string => !!t);
    // A target of only stop words parses to an empty query, which ts_rewrite cannot look for.
    for (const target of targets) query = sql`(case when numnode(${ws(target)}) = 0 then ${query} else ts_rewrite(${query}, ${ws(target)}, ${either}) end)`;
  }
  // The partnership's dates come in the same statement (two index lookups), for the walk
  // that follows: a round trip fewer, which under load costs more than the lookups.
  const parsed = await sql<{ n: number; text: string } & DateSpan>`select numnode(q) as n, q::text as text,
      (select max(occurred_on) from search_entries where partnership_id = ${partnershipId}) as newest,
      (select min(occurred_on) from search_entries where partnership_id = ${partnershipId}) as oldest
    from (select ${query} as q) as parsed`.execute(db);
  return parsed;
}

/** A person, organisation, body or meeting whose name the words match. */
export interface DirectoryMatch { kind: 'person' | 'organisation' | 'body' | 'meeting'; id: string; title: string; detail: string | null; url: string; on?: string }

/** Up to this many of each kind are listed above the records. */
export const DIRECTORY_LIMIT = 5;

/**
 * The partnership's directory searched by name: people (name and job title), organisations,
 * bodies and meetings (their body's name, month, year and venue). All of it is public
 * (docs/permissions.md rule 1); contact details are never part of it. The tables are
 * small, so their names are matched as they stand, always current.
 */
export async function searchDirectory(db: Kysely<DB>, partnershipId: string, tsqueryText: string): Promise<DirectoryMatch[]> {
  const tsq = sql`cast(${tsqueryText} as tsquery)`;
  const matches = (text: RawBuilder<unknown>) => sql<SqlBool>`to_tsvector('english', ${text}) @@ ${tsq}`;
  const [people, organisations, bodies, meetings] = await Promise.all([
    db.selectFrom('people as p').leftJoin('organisations as o', (j) => j.onRef('o.id', '=', 'p.organisation_id').onRef('o.partnership_id', '=', 'p.partnership_id'))
      .select(['p.id', sql<string>`concat_ws(' ', p.honorific, p.given_name, p.family_name, p.honours)`.as('title'), sql<string>`concat_ws(', ', p.job_title, o.name)`.as('detail')])
      .where('p.partnership_id', '=', partnershipId)
      .where(matches(sql`concat_ws(' ', p.given_name, p.family_name, p.job_title)`))
      .orderBy('p.family_name').orderBy('p.given_name').limit(DIRECTORY_LIMIT).execute(),
    db.selectFrom('organisations').select(['id', 'name as title', 'kind as detail'])
      .where('partnership_id', '=', partnershipId).where(matches(sql`concat_ws(' ', name, short_name)`))
      .orderBy('name').limit(DIRECTORY_LIMIT).execute(),
    db.selectFrom('bodies').select(['id', 'name as title', 'kind as detail'])
      .where('partnership_id', '=', partnershipId).where(matches(sql`name`))
      .orderBy('name').limit(DIRECTORY_LIMIT).execute(),
    db.selectFrom('meetings as m').innerJoin('bodies as b', (j) => j.onRef('b.id', '=', 'm.body_id').onRef('b.partnership_id', '=', 'm.partnership_id'))
      .select(['m.id', 'b.name as title', 'm.venue as detail', sql<string>`m.meets_on::text`.as('on')])
      .where('m.partnership_id', '=', partnershipId)
      .where(matches(sql`concat_ws(' ', b.name, to_char(m.meets_on, 'FMMonth YYYY'), m.venue)`))
      // The meetings nearest today first: the next ones, then the latest held.
      .orderBy(sql`abs(m.meets_on - current_date)`).limit(DIRECTORY_LIMIT).execute(),
  ]);
  return [
    ...people.map((r) => ({ kind: 'person' as const, id: r.id, title: r.title, detail: r.detail || null, url: `/people/${r.id}` })),
    ...organisations.map((r) => ({ kind: 'organisation' as const, id: r.id, title: r.title, detail: r.detail, url: `/organisations/${r.id}` })),
    ...bodies.map((r) => ({ kind: 'body' as const, id: r.id, title: r.title, detail: r.detail, url: `/bodies/${r.id}` })),
    ...meetings.map((r) => ({ kind: 'meeting' as const, id: r.id, title: r.title, detail: r.detail, url: `/meetings/${r.id}`, on: r.on })),
  ];
}
