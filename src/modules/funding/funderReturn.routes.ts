// The return to the funder for a grant: a page, a PDF, a workbook and the API's answer,
// for signed-in people (it holds the projects' spend). One set of figures makes all four.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import { can, fundingResources } from '../../access/policy.ts';
import { isUuid } from '../../web/forms.ts';
import { ForbiddenError, NotFoundError } from '../../web/errors.ts';
import { writeWorkbook, XLSX_TYPE } from '../../web/spreadsheets.ts';
import { todayIso } from '../partnership/domain.ts';
import { findGrant, type GrantView } from './store.ts';
import { buildFunderReturn, funderReturnPdf, funderReturnSheets } from './funderReturn.ts';
import { Ledger } from './schemas.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Pence = Type.Integer({ description: 'Integer pence' });
const IsoDate = Type.String({ format: 'date' });
export const FunderReturnSchema = Type.Object({
  grant: Type.Object({ id: Type.String({ format: 'uuid' }), label: Type.String(), funder: Type.String(), recipient: Nullable(Type.String()), programme: Type.String(), financialYear: Type.String(), awardedOn: IsoDate }),
  awarded: Pence, heldBackAtAward: Pence, share: Type.String({ description: 'The share held back, in words' }), ledger: Ledger,
  projects: Type.Array(Type.Object({
    id: Type.String({ format: 'uuid' }), title: Type.String(), leadOrganisation: Type.String(), pot: Type.String(), status: Type.String(), statusLabel: Type.String(),
    priority: Nullable(Type.String({ description: 'The agreement priority the project serves, with the agreement period' })),
    allocated: Pence, paid: Type.Integer({ description: 'Claims paid, integer pence' }), reportedSpend: Nullable(Type.Integer({ description: 'Spend to date of the latest return that gave one' })),
    reportedSpendOn: Nullable(IsoDate), underspend: Nullable(Pence), underspendRule: Nullable(Type.String()), deliveryEndsOn: IsoDate,
    delays: Type.Array(Type.Object({ recordedOn: IsoDate, reason: Type.String(), fromEndsOn: IsoDate, toEndsOn: IsoDate })),
  })),
  totals: Type.Object({ allocated: Pence, paid: Pence, reportedSpend: Pence, underspend: Pence }),
  outturn: Nullable(Type.Object({ on: IsoDate, spent: Pence, returned: Pence, carriedForward: Pence })),
  preparedOn: IsoDate,
}, { description: "The grant's return to the funder: award, allocation by project with the priority each serves, spend, delays and outturn" });

export async function funderReturnRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  async function load(req: FastifyRequest): Promise<GrantView> {
    if (!can(req.actor, 'read', fundingResources.record())) throw new ForbiddenError('sign-in');
    const id = (req.params as { id: string }).id;
    const grant = isUuid(id) ? await findGrant(db, req.partnership.id, id) : undefined;
    if (!grant) throw new NotFoundError();
    return grant;
  }
  const fileName = (g: GrantView) => `return-${g.programme}-${g.yearLabel}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

  app.get('/funding/grants/:id/return', async (req, reply) => {
    const grant = await load(req);
    const r = await buildFunderReturn(db, grant, todayIso());
    return reply.view('funding/views/funder-return.njk', { title: `Return to the funder: ${grant.label}`, section: 'funding', r, grant });
  });
  app.get('/funding/grants/:id/return.pdf', async (req, reply) => {
    const grant = await load(req);
    const pdf = await funderReturnPdf(await buildFunderReturn(db, grant, todayIso()), req.partnership.name);
    return reply.type('application/pdf').header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="${fileName(grant)}.pdf"`).send(Buffer.from(pdf));
  });
  app.get('/funding/grants/:id/return.xlsx', async (req, reply) => {
    const grant = await load(req);
    const buffer = await writeWorkbook(funderReturnSheets(await buildFunderReturn(db, grant, todayIso())));
    return reply.type(XLSX_TYPE).header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="${fileName(grant)}.xlsx"`).send(buffer);
  });
  app.get('/api/funding/grants/:id/return', {
    schema: { tags: ['funding'], summary: "The grant's return to the funder for its financial year (signed-in readers)", params: Type.Object({ id: Type.String() }), response: { 200: FunderReturnSchema } },
  }, async (req) => buildFunderReturn(db, await load(req), todayIso()));
}
