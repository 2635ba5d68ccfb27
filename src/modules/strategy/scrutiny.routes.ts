// The scrutiny evidence pack: a page to choose the period (GET form, no JavaScript), the
// PDF, and the same contents as JSON. The pack holds public content only, so everyone may
// read it (docs/permissions.md, rule 9): it gathers what the public pages already show.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, strategyResources } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';
import type { FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { longDate } from '../meetings/pack/minutes.ts';
import { formatPence } from '../funding/domain.ts';
import { lineStatusLabel } from './domain.ts';
import { gatherScrutiny, lastCompleteFinancialYear, parsePeriod, presentScrutiny, requirePeriod, type ScrutinyContents, type ScrutinyPeriod } from './scrutiny.ts';
import * as S from './schemas.ts';

export const scrutinyPackUrl = (p: ScrutinyPeriod) => `/strategy/scrutiny/pack.pdf?from=${p.from}&to=${p.to}`;

export async function scrutinyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;

  /** The contents for the reader; anything not public that slipped in is audited as read (there should be none). */
  async function contentsFor(req: FastifyRequest, period: ScrutinyPeriod): Promise<ScrutinyContents> {
    const c = await gatherScrutiny(db, req.partnership, period, todayIso());
    if (c.notPublic.length) await recordRestrictedReads(db, req.actor, c.notPublic);
    return c;
  }

  function page(reply: FastifyReply, values: Record<string, string>, extra: { errors?: FieldError[]; contents?: ScrutinyContents; period?: ScrutinyPeriod }) {
    const c = extra.contents;
    return reply.view('strategy/views/scrutiny.njk', {
      title: 'Scrutiny evidence pack', section: 'strategy', values, errors: extra.errors,
      defaultPeriod: lastCompleteFinancialYear(todayIso()),
      period: extra.period ? { ...extra.period, fromText: longDate(extra.period.from), toText: longDate(extra.period.to) } : null,
      packUrl: extra.period ? scrutinyPackUrl(extra.period) : null,
      summary: c ? {
        agreements: c.agreements.map((x) => ({ title: x.agreement.title, priorities: x.priorities.map((p) => ({ title: `${p.priority.position}. ${p.priority.title}`, progress: p.progress, status: p.status ? lineStatusLabel(p.status) : 'No work counted' })) })),
        decisions: c.decisions.length, meetings: c.boardMeetings.length, organisations: c.attendance.length,
        grants: c.grants.map((g) => `${g.label}: ${formatPence(g.ledger.awarded)} awarded`), reviews: c.reviews !== null,
      } : null,
    });
  }

  app.get('/strategy/scrutiny', async (req, reply) => {
    authorize(req.actor, 'read', strategyResources.scrutinyPack());
    const parsed = parsePeriod(req.query as Record<string, unknown>, todayIso());
    if (!parsed.ok) return page(reply.code(400), parsed.values, { errors: parsed.errors });
    return page(reply, { ...parsed.period }, { period: parsed.period, contents: await contentsFor(req, parsed.period) });
  });

  app.get('/strategy/scrutiny/pack.pdf', async (req, reply) => {
    authorize(req.actor, 'read', strategyResources.scrutinyPack());
    const parsed = parsePeriod(req.query as Record<string, unknown>, todayIso());
    // A bad period answers with the page and its error summary, not a PDF.
    if (!parsed.ok) return page(reply.code(400), parsed.values, { errors: parsed.errors });
    // pdf-lib is loaded on first use, not at start.
    const { buildScrutinyPdf } = await import('./scrutinyPdf.ts');
    const pdf = await buildScrutinyPdf(await contentsFor(req, parsed.period), todayIso());
    return reply.type('application/pdf')
      .header('content-disposition', `inline; filename="scrutiny-evidence-pack-${parsed.period.from}-to-${parsed.period.to}.pdf"`)
      .header('cache-control', 'no-cache')
      .header('x-pack-pages', String(pdf.pageCount))
      .send(Buffer.from(pdf.bytes));
  });

  app.get('/api/strategy/scrutiny', {
    schema: {
      tags: ['strategy'], summary: 'The scrutiny evidence pack’s contents for a period (default: the last complete financial year); public content only, the same as the PDF at /strategy/scrutiny/pack.pdf',
      querystring: S.ScrutinyQuery, response: { 200: S.ScrutinyPack },
    },
  }, async (req) => {
    authorize(req.actor, 'read', strategyResources.scrutinyPack());
    return presentScrutiny(await contentsFor(req, requirePeriod(req.query as Record<string, unknown>, todayIso())));
  });
}
