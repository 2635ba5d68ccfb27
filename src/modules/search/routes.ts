// The search page and API: everything the reader may see, nothing else.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize, isStaff, readScope } from '../../access/policy.ts';
import { recordAudit } from '../../access/audit.ts';
import { Input } from '../../web/validate.ts';
import { ValidationError } from '../../web/errors.ts';
import { formOutcome } from '../../web/forms.ts';
import { cleanQuery, SEARCH_KINDS, STAFF_ONLY_KINDS, auditRecordType, searchKindValues, searchKindLabel, PAGE_SIZE } from './domain.ts';
import { readSynonyms, searchDirectory, searchEntries, type DirectoryMatch, type SearchQuery } from './store.ts';
import { saveSynonyms } from './commands.ts';
import { synonymsResource } from './access.ts';

function readQuery(raw: unknown): SearchQuery {
  const query = (raw ?? {}) as Record<string, unknown>;
  const input = new Input(query);
  const kinds = ([] as unknown[]).concat(query.kind ?? []).map(String).filter(Boolean);
  if (kinds.some((k) => !searchKindValues.includes(k))) input.fail('kind', 'Select kinds of record from the list');
  const bodyId = input.optionalId('body', 'Select a body from the list');
  const from = input.optionalDate('from', 'The from date');
  const to = input.optionalDate('to', 'The to date');
  if (from && to && from > to) input.fail('to', 'The to date must be the same as or after the from date');
  const page = input.optionalInteger('page', 'Page', 1, 50) ?? 1;
  input.check();
  return { q: cleanQuery(String(query.q ?? '')), kinds, bodyId, from, to, page };
}

export async function searchRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;

  async function run(req: FastifyRequest, query: SearchQuery) {
    const answer = await searchEntries(db, req.partnership.id, readScope(req.actor), query);
    // Every read of restricted content is in the audit log, search snippets included.
    for (const r of answer.results.filter((x) => x.restricted)) {
      await recordAudit(db, req.actor, { action: 'read', recordType: auditRecordType(r.kind), recordId: r.recordId, summary: 'shown in search results' });
    }
    // People, organisations, bodies and meetings by name: on the first page of a search that is not narrowed to kinds of record.
    const unfiltered = !query.kinds.length && !query.bodyId && !query.from && !query.to && query.page === 1;
    const directory: DirectoryMatch[] = answer.tsquery && unfiltered ? await searchDirectory(db, req.partnership.id, answer.tsquery) : [];
    return { ...answer, directory };
  }
  const DIRECTORY_GROUPS = [
    { kind: 'person', heading: 'People' }, { kind: 'organisation', heading: 'Organisations' },
    { kind: 'body', heading: 'Bodies' }, { kind: 'meeting', heading: 'Meetings' },
  ];

  app.get('/search', async (req, reply) => {
    const bodies = await db.selectFrom('bodies').select(['id as value', 'name as text']).where('partnership_id', '=', req.partnership.id).orderBy('name').execute();
    const values = (req.query ?? {}) as Record<string, unknown>;
    const common = { title: 'Search', section: 'search', values, bodies, staff: isStaff(req.actor), kinds: SEARCH_KINDS.filter((k) => isStaff(req.actor) || !STAFF_ONLY_KINDS.includes(k.value)), kindLabel: searchKindLabel,
      selectedKinds: ([] as unknown[]).concat(values.kind ?? []).map(String) };
    let query: SearchQuery;
    try {
      query = readQuery(req.query);
    } catch (e) {
      if (e instanceof ValidationError) return reply.code(400).view('search/views/search.njk', { ...common, errors: e.errors });
      throw e;
    }
    if (!query.q) return reply.view('search/views/search.njk', common);
    const answer = await run(req, query);
    const pages = Math.ceil(answer.total / PAGE_SIZE);
    const link = (page: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(values)) for (const x of ([] as unknown[]).concat(v)) if (k !== 'page') params.append(k, String(x));
      params.set('page', String(page));
      return `/search?${params.toString()}`;
    };
    const pagination = pages > 1 ? {
      previous: query.page > 1 ? { href: link(query.page - 1) } : undefined,
      next: query.page < Math.min(pages, 50) ? { href: link(query.page + 1) } : undefined,
      items: Array.from({ length: Math.min(pages, 50) }, (_, i) => i + 1)
        .filter((n) => n === 1 || n === pages || Math.abs(n - query.page) <= 2)
        .map((n) => ({ number: n, href: link(n), current: n === query.page })),
    } : undefined;
    const groups = DIRECTORY_GROUPS.map((g) => ({ ...g, items: answer.directory.filter((d) => d.kind === g.kind) })).filter((g) => g.items.length);
    return reply.view('search/views/search.njk', { ...common, query, answer, pagination, groups });
  });

  app.get('/api/search', {
    schema: {
      tags: ['search'], summary: 'Full-text search over what the reader may see',
      description: 'q takes words, "quoted phrases" and -excluded words. Filters: kind (repeatable), body, from, to (YYYY-MM-DD), page.',
      querystring: Type.Object({
        q: Type.String({ maxLength: 1000 }), kind: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
        body: Type.Optional(Type.String()), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()), page: Type.Optional(Type.String()),
      }),
    },
  }, async (req) => {
    const query = readQuery(req.query);
    const answer = await run(req, query);
    return { query: query.q, page: query.page, pageSize: PAGE_SIZE, total: answer.total, more: answer.more, results: answer.results, directory: answer.directory };
  });

  // ---------------------------------------------------------------- synonyms

  const synonymsText = (pairs: { term: string; meaning: string }[]) => pairs.map((p) => `${p.term} = ${p.meaning}`).join('\n');
  app.get('/search/synonyms', async (req, reply) => {
    authorize(req.actor, 'update', synonymsResource());
    const { pairs, edited } = await readSynonyms(db, req.partnership.id);
    return reply.view('search/views/synonyms.njk', { title: 'Search synonyms', section: 'search', values: { synonyms: synonymsText(pairs) }, edited });
  });
  app.post('/search/synonyms', async (req, reply) => {
    authorize(req.actor, 'update', synonymsResource());
    const outcome = await formOutcome(() => saveSynonyms({ db, actor: req.actor }, (req.body as Record<string, unknown>)?.synonyms));
    if (outcome.ok) return reply.flash('Synonyms saved').redirect('/search/synonyms', 303);
    return reply.code(400).view('search/views/synonyms.njk', { title: 'Search synonyms', section: 'search', values: req.body, errors: outcome.errors, edited: true });
  });
  const SynonymList = Type.Object({ items: Type.Array(Type.Object({ term: Type.String(), meaning: Type.String() })), edited: Type.Boolean({ description: 'False: the built-in list, until the partnership saves its own' }) });
  app.get('/api/search/synonyms', { schema: { tags: ['search'], summary: 'The synonyms searches are widened by', response: { 200: SynonymList } } }, async (req) => {
    authorize(req.actor, 'update', synonymsResource());
    const { pairs, edited } = await readSynonyms(db, req.partnership.id);
    return { items: pairs, edited };
  });
  app.put('/api/search/synonyms', {
    schema: { tags: ['search'], summary: 'Replace the synonyms (officers and administrators)', body: Type.Object({ items: Type.Array(Type.Object({ term: Type.String(), meaning: Type.String() })) }), response: { 200: SynonymList } },
  }, async (req) => {
    const items = (req.body as { items: { term: string; meaning: string }[] }).items;
    await saveSynonyms({ db, actor: req.actor }, synonymsText(items));
    const { pairs, edited } = await readSynonyms(db, req.partnership.id);
    return { items: pairs, edited };
  });
}
