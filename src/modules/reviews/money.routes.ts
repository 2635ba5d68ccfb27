// Pages and API of the money of reviews: the funding agreements (officers and
// administrators), a case's costs and contribution lines (its people read them, its
// coordinators keep them), and what partners owe across the cases a coordinator is named
// on, with its CSV and XLSX. Every page or answer that shows a case's money audits the read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authorize, can, reviewMoneyResources } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { ForbiddenError, NotFoundError, type FieldError } from '../../web/errors.ts';
import { writeWorkbook, XLSX_TYPE } from '../../web/spreadsheets.ts';
import { todayIso } from '../partnership/domain.ts';
import { fromApi } from '../partnership/presenters.ts';
import { toCsv } from '../public/domain.ts';
import { penceToPoundsField } from '../funding/domain.ts';
import { COST_KINDS, contributionLines } from './funding.ts';
import {
  LINE_STATUSES, MONEY_EXPORT_COLUMNS, agreementOn, lineStatusLabel, moneyExportRow, nextLineStatus, owedByPartner, rulesInWords,
} from './money.domain.ts';
import { agreementFromApi, agreementFromForm, createAgreement, endAgreement, moveLine, raiseLines, setCosts } from './money.commands.ts';
import { findAgreement, findCosts, listAgreements, listLines, organisationOptions, type AgreementRow, type LineRow } from './money.store.ts';
import { findCase, type CaseRow } from './store.ts';
import { auditCaseReads, caseResource, readableCaseIds } from './reading.ts';
import { caseReference } from './presenters.ts';
import { IdParams, ListOf } from './schemas.ts';

const V = (name: string) => `reviews/views/money/${name}.njk`;
const breadcrumbs = [{ text: 'Reviews', href: '/reviews' }];
const agreementCrumbs = [...breadcrumbs, { text: 'Funding agreements', href: '/reviews/funding-agreements' }];

// ------------------------------------------------------------------ schemas

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const FirstChargeSchema = Type.Object({
  payer: Type.String({ description: 'Organisation id' }), cost: Type.String({ description: 'chair, author or other' }),
  basisPoints: Type.Integer({ description: '5000 = 50%' }), capPence: Type.Union([Type.Integer(), Type.Null()]),
});
const RemainderSchema = Type.Union([
  Type.Object({ kind: Type.Literal('equal'), payers: Type.Array(Type.String({ description: 'Organisation id' })) }),
  Type.Object({ kind: Type.Literal('shares'), shares: Type.Array(Type.Object({ payer: Type.String(), basisPoints: Type.Integer() })) }),
]);
const AgreementSchema = Type.Object({
  id: Type.String({ format: 'uuid' }), title: Type.String(), effectiveFrom: IsoDate, effectiveTo: Type.Union([IsoDate, Type.Null()]),
  rules: Type.Object({ firstCharges: Type.Array(FirstChargeSchema), remainder: RemainderSchema }),
  inWords: Type.Array(Type.String()),
});
const AgreementInput = Type.Object({
  title: Type.String(), effectiveFrom: Type.String({ description: 'YYYY-MM-DD' }), effectiveTo: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  firstCharges: Type.Array(FirstChargeSchema), remainder: RemainderSchema,
});
const LineSchema = Type.Object({
  id: Type.String({ format: 'uuid' }), caseId: Type.String({ format: 'uuid' }), caseReference: Type.String(), payerOrganisationId: Type.String({ format: 'uuid' }),
  payer: Type.String(), pence: Type.Integer(), basis: Type.String(), status: Type.String({ description: 'raised, invoiced or paid' }),
  raisedOn: IsoDate, invoicedOn: Type.Union([IsoDate, Type.Null()]), invoiceReference: Nullable(Type.String()),
  paidOn: Type.Union([IsoDate, Type.Null()]), paymentReference: Nullable(Type.String()),
});
const Costs = Type.Object({ chairPence: Type.Integer(), authorPence: Type.Integer(), otherPence: Type.Integer() });
const CaseMoney = Type.Object({
  caseId: Type.String({ format: 'uuid' }), caseReference: Type.String(),
  agreement: Type.Union([AgreementSchema, Type.Null()]), costs: Costs, costsNote: Nullable(Type.String()), lines: Type.Array(LineSchema),
});
const CostsInput = Type.Object({ chairPence: Type.Integer({ minimum: 0 }), authorPence: Type.Integer({ minimum: 0 }), otherPence: Type.Integer({ minimum: 0 }), note: Type.Optional(Nullable(Type.String())) });
const MoveInput = Type.Object({ to: Type.String({ description: 'invoiced or paid' }), on: Type.String({ description: 'YYYY-MM-DD' }), reference: Type.String() });
const LineParams = Type.Object({ id: Type.String(), lineId: Type.String() });
const Owed = Type.Object({
  partners: Type.Array(Type.Object({ payerId: Type.String(), payer: Type.String(), raised: Type.Integer(), invoiced: Type.Integer(), paid: Type.Integer(), unpaid: Type.Integer(), cases: Type.Integer() })),
  lines: Type.Array(LineSchema),
});

// ------------------------------------------------------------------ presenters

const presentLine = (l: LineRow) => ({
  id: l.id, caseId: l.case_id, caseReference: caseReference(l), payerOrganisationId: l.payer_organisation_id, payer: l.payer_name, pence: l.pence, basis: l.basis,
  status: l.status, statusLabel: lineStatusLabel(l.status), next: nextLineStatus(l.status), raisedOn: l.raised_on, invoicedOn: l.invoiced_on, invoiceReference: l.invoice_reference,
  paidOn: l.paid_on, paymentReference: l.payment_reference,
});
const presentAgreement = (a: AgreementRow, nameOf: (id: string) => string) => ({
  id: a.id, title: a.title, effectiveFrom: a.effective_from, effectiveTo: a.effective_to, rules: a.rules, inWords: rulesInWords(a.rules, nameOf),
});

export async function reviewsMoneyRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });
  const names = async (pid: string) => {
    const orgs = await organisationOptions(db, pid);
    const map = new Map(orgs.map((o) => [o.id, o.name]));
    return { orgs, nameOf: (id: string) => map.get(id) ?? 'an organisation no longer listed' };
  };

  // ---------------------------------------------------------------- funding agreements

  app.get('/reviews/funding-agreements', async (req, reply) => {
    authorize(req.actor, 'read', reviewMoneyResources.agreement());
    const { nameOf } = await names(req.partnership.id);
    const today = todayIso();
    const agreements = (await listAgreements(db, req.partnership.id)).map((a) => ({ ...presentAgreement(a, nameOf), current: a.effective_from <= today && (!a.effective_to || a.effective_to >= today) }));
    return reply.view(V('agreements'), { title: 'Funding agreements for reviews', section: 'reviews', breadcrumbs, agreements, canChange: can(req.actor, 'create', reviewMoneyResources.agreement()) });
  });

  async function agreementForm(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown>, errors?: FieldError[]) {
    const { orgs } = await names(req.partnership.id);
    return reply.view(V('agreement-new'), { title: 'Add a funding agreement for reviews', section: 'reviews', breadcrumbs: agreementCrumbs, values, errors, orgs, costKinds: COST_KINDS });
  }
  app.get('/reviews/funding-agreements/new', async (req, reply) => {
    authorize(req.actor, 'create', reviewMoneyResources.agreement());
    return agreementForm(req, reply, { remainder_kind: 'equal', 'first_charges.0.cost': 'chair' });
  });
  app.post('/reviews/funding-agreements/new', async (req, reply) => {
    authorize(req.actor, 'create', reviewMoneyResources.agreement());
    const outcome = await formOutcome(() => createAgreement(ctx(req), agreementFromForm(req.body)));
    if (outcome.ok) return reply.flash(`Funding agreement saved: ${outcome.value.title}`).redirect(`/reviews/funding-agreements/${outcome.value.id}`, 303);
    return agreementForm(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  async function agreementPage(req: FastifyRequest, reply: FastifyReply, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    authorize(req.actor, 'read', reviewMoneyResources.agreement());
    const id = (req.params as { agreementId: string }).agreementId;
    const a = isUuid(id) ? await findAgreement(db, req.partnership.id, id) : undefined;
    if (!a) throw new NotFoundError();
    const { nameOf } = await names(req.partnership.id);
    // A worked example, so the rules can be checked against figures before a case uses them.
    const example = { chair: 600000, author: 400000, other: 50000 };
    const worked = contributionLines(a.rules, example).map((l) => ({ payer: nameOf(l.payer), pence: l.pence, basis: l.basis }));
    return reply.view(V('agreement'), {
      title: a.title, section: 'reviews', breadcrumbs: agreementCrumbs, a: presentAgreement(a, nameOf), worked, example, values, errors,
      canChange: can(req.actor, 'update', reviewMoneyResources.agreement()),
    });
  }
  app.get('/reviews/funding-agreements/:agreementId', async (req, reply) => agreementPage(req, reply));
  app.post('/reviews/funding-agreements/:agreementId/end', async (req, reply) => {
    authorize(req.actor, 'update', reviewMoneyResources.agreement());
    const id = (req.params as { agreementId: string }).agreementId;
    if (!isUuid(id)) throw new NotFoundError();
    const outcome = await formOutcome(() => endAgreement(ctx(req), id, req.body));
    if (outcome.ok) return reply.flash('End date saved').redirect(`/reviews/funding-agreements/${id}`, 303);
    return agreementPage(req, reply.code(400), req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- one case's money

  async function loadCase(req: FastifyRequest, what: string): Promise<CaseRow> {
    const id = (req.params as { id: string }).id;
    if (!isUuid(id)) throw new NotFoundError();
    authorize(req.actor, 'read', reviewMoneyResources.caseMoney(id));
    const c = await findCase(db, req.partnership.id, id);
    if (!c) throw new NotFoundError();
    await auditCaseReads(db, req.actor, [c.id], what);
    return c;
  }

  async function caseMoney(req: FastifyRequest, c: CaseRow) {
    const pid = req.partnership.id;
    const [agreements, costs, lines, { nameOf }] = await Promise.all([listAgreements(db, pid), findCosts(db, pid, c.id), listLines(db, pid, [c.id]), names(pid)]);
    const agreement = agreementOn(agreements, c.notified_on);
    return { agreement: agreement ? presentAgreement(agreement, nameOf) : null, costs, lines: lines.map(presentLine) };
  }

  async function moneyPage(req: FastifyRequest, reply: FastifyReply, c: CaseRow, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const money = await caseMoney(req, c);
    const total = money.costs.costs.chair + money.costs.costs.author + money.costs.costs.other;
    const form = {
      chair: money.costs.recorded ? penceToPoundsField(money.costs.costs.chair) : '', author: money.costs.recorded ? penceToPoundsField(money.costs.costs.author) : '',
      other: money.costs.recorded ? penceToPoundsField(money.costs.costs.other) : '', note: money.costs.note ?? '', ...values,
    };
    return reply.view(V('case-money'), {
      title: `Costs and contributions of ${caseReference(c)}`, section: 'reviews', breadcrumbs: [...breadcrumbs, { text: caseReference(c), href: `/reviews/${c.id}` }],
      c, ...money, total, values: form, errors, costKinds: COST_KINDS,
      canChange: can(req.actor, 'update', reviewMoneyResources.caseMoney(c.id)),
      canRaise: money.lines.every((l) => l.status === 'raised'),
    });
  }
  app.get('/reviews/:id/money', async (req, reply) => moneyPage(req, reply, await loadCase(req, 'Read the case’s costs and contributions')));
  app.post('/reviews/:id/money/costs', async (req, reply) => {
    const c = await loadCase(req, 'Read the case’s costs to change them');
    const outcome = await formOutcome(() => setCosts(ctx(req), c.id, req.body));
    if (outcome.ok) return reply.flash('Costs saved').redirect(`/reviews/${c.id}/money`, 303);
    return moneyPage(req, reply.code(400), c, req.body as Record<string, unknown>, outcome.errors);
  });
  app.post('/reviews/:id/money/raise', async (req, reply) => {
    const c = await loadCase(req, 'Read the case’s costs to raise contributions');
    const outcome = await formOutcome(() => raiseLines(ctx(req), c.id));
    if (outcome.ok) return reply.flash(`${outcome.value.length} contributions raised`).redirect(`/reviews/${c.id}/money`, 303);
    return moneyPage(req, reply.code(400), c, {}, outcome.errors);
  });

  async function linePage(req: FastifyRequest, reply: FastifyReply, c: CaseRow, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const lineId = (req.params as { lineId: string }).lineId;
    const line = isUuid(lineId) ? (await listLines(db, req.partnership.id, [c.id])).find((l) => l.id === lineId) : undefined;
    if (!line) throw new NotFoundError();
    const l = presentLine(line);
    return reply.view(V('line'), {
      title: `${l.payer}: contribution to ${caseReference(c)}`, section: 'reviews',
      breadcrumbs: [...breadcrumbs, { text: caseReference(c), href: `/reviews/${c.id}` }, { text: 'Costs and contributions', href: `/reviews/${c.id}/money` }],
      c, l, values, errors, canChange: can(req.actor, 'update', reviewMoneyResources.caseMoney(c.id)),
    });
  }
  app.get('/reviews/:id/money/lines/:lineId', async (req, reply) => linePage(req, reply, await loadCase(req, 'Read a contribution to the case')));
  app.post('/reviews/:id/money/lines/:lineId', async (req, reply) => {
    const c = await loadCase(req, 'Read a contribution to the case to record its invoice or payment');
    const lineId = (req.params as { lineId: string }).lineId;
    if (!isUuid(lineId)) throw new NotFoundError();
    const outcome = await formOutcome(() => moveLine(ctx(req), c.id, lineId, req.body));
    if (outcome.ok) return reply.flash(`${outcome.value.payer_name}: ${outcome.value.status === 'paid' ? 'payment' : 'invoice'} recorded`).redirect(`/reviews/${c.id}/money`, 303);
    return linePage(req, reply.code(400), c, req.body as Record<string, unknown>, outcome.errors);
  });

  // ---------------------------------------------------------------- across the cases a coordinator is named on

  /** Lines of the cases the reader coordinates (an officer or administrator named on them); the read of each case is audited. */
  async function owed(req: FastifyRequest, what: string) {
    authorize(req.actor, 'read', reviewMoneyResources.owed());
    const ids = readableCaseIds(req.actor).filter((id) => can(req.actor, 'update', caseResource(id)));
    const lines = await listLines(db, req.partnership.id, ids);
    await auditCaseReads(db, req.actor, lines.map((l) => l.case_id), what);
    return { lines, partners: owedByPartner(lines) };
  }
  app.get('/reviews/money', async (req, reply) => {
    const { lines, partners } = await owed(req, 'Read in what partners owe for reviews');
    const unpaid = lines.filter((l) => l.status !== 'paid').map(presentLine);
    return reply.view(V('owed'), {
      title: 'What partners owe for reviews', section: 'reviews', breadcrumbs, partners, unpaid,
      totals: partners.reduce((t, p) => ({ raised: t.raised + p.raised, invoiced: t.invoiced + p.invoiced, paid: t.paid + p.paid, unpaid: t.unpaid + p.unpaid }), { raised: 0, invoiced: 0, paid: 0, unpaid: 0 }),
      statuses: LINE_STATUSES,
    });
  });
  const exportRows = (lines: LineRow[]) => lines.map((l) => moneyExportRow({ ...l, caseReference: caseReference(l) }));
  app.get('/reviews/money.csv', async (req, reply) => {
    const { lines } = await owed(req, 'Exported in the contributions CSV');
    return reply.type('text/csv; charset=utf-8; header=present').header('content-disposition', 'attachment; filename="review-contributions.csv"')
      .send(toCsv(MONEY_EXPORT_COLUMNS.map((c) => c.header), exportRows(lines)));
  });
  app.get('/reviews/money.xlsx', async (req, reply) => {
    const { lines } = await owed(req, 'Exported in the contributions workbook');
    const book = await writeWorkbook([{ name: 'Contributions', columns: MONEY_EXPORT_COLUMNS, rows: exportRows(lines) }]);
    return reply.type(XLSX_TYPE).header('content-disposition', 'attachment; filename="review-contributions.xlsx"').send(book);
  });

  // ---------------------------------------------------------------- API
  const tags = ['reviews'];
  const requireSignedIn = (req: FastifyRequest) => { if (req.actor.kind !== 'user') throw new ForbiddenError('sign-in'); };

  app.get('/api/review-funding-agreements', { schema: { tags, summary: 'The funding agreements for reviews: their rules and dates', response: { 200: ListOf(AgreementSchema) } } }, async (req) => {
    requireSignedIn(req);
    authorize(req.actor, 'read', reviewMoneyResources.agreement());
    const { nameOf } = await names(req.partnership.id);
    return { items: (await listAgreements(db, req.partnership.id)).map((a) => presentAgreement(a, nameOf)) };
  });
  app.post('/api/review-funding-agreements', { schema: { tags, summary: 'Add a funding agreement; rules whose shares do not add up are refused', body: AgreementInput, response: { 201: AgreementSchema } } }, async (req, reply) => {
    const row = await createAgreement(ctx(req), agreementFromApi(req.body as Parameters<typeof agreementFromApi>[0]));
    const { nameOf } = await names(req.partnership.id);
    return reply.code(201).send(presentAgreement((await findAgreement(db, req.partnership.id, row.id))!, nameOf));
  });

  const apiCaseMoney = async (req: FastifyRequest, c: CaseRow) => {
    const m = await caseMoney(req, c);
    return {
      caseId: c.id, caseReference: caseReference(c), agreement: m.agreement,
      costs: { chairPence: m.costs.costs.chair, authorPence: m.costs.costs.author, otherPence: m.costs.costs.other }, costsNote: m.costs.note, lines: m.lines,
    };
  };
  app.get('/api/reviews/:id/money', { schema: { tags, summary: 'A case’s costs, the agreement that applies and its contribution lines', params: IdParams, response: { 200: CaseMoney } } }, async (req) =>
    apiCaseMoney(req, await loadCase(req, 'Read the case’s costs and contributions (API)')));
  app.put('/api/reviews/:id/money/costs', { schema: { tags, summary: 'Set the case’s costs, in integer pence', params: IdParams, body: CostsInput, response: { 200: CaseMoney } } }, async (req) => {
    const c = await loadCase(req, 'Read the case’s costs to change them (API)');
    await setCosts(ctx(req), c.id, fromApi(req.body));
    return apiCaseMoney(req, c);
  });
  app.post('/api/reviews/:id/money/lines', { schema: { tags, summary: 'Raise the contribution lines from the costs and the agreement in effect when the partnership was notified', params: IdParams, response: { 201: CaseMoney } } }, async (req, reply) => {
    const c = await loadCase(req, 'Read the case’s costs to raise contributions (API)');
    await raiseLines(ctx(req), c.id);
    return reply.code(201).send(await apiCaseMoney(req, c));
  });
  app.post('/api/reviews/:id/money/lines/:lineId/moves', { schema: { tags, summary: 'Record a line’s invoice or payment (date and reference)', params: LineParams, body: MoveInput, response: { 200: LineSchema } } }, async (req) => {
    const c = await loadCase(req, 'Read a contribution to the case to record its invoice or payment (API)');
    const lineId = (req.params as { lineId: string }).lineId;
    if (!isUuid(lineId)) throw new NotFoundError();
    await moveLine(ctx(req), c.id, lineId, req.body);
    return presentLine((await listLines(db, req.partnership.id, [c.id])).find((l) => l.id === lineId)!);
  });
  app.get('/api/review-contributions', { schema: { tags, summary: 'What partners owe across the cases the reader coordinates, and the lines', response: { 200: Owed } } }, async (req) => {
    requireSignedIn(req);
    const { lines, partners } = await owed(req, 'Read in what partners owe for reviews (API)');
    return { partners, lines: lines.map(presentLine) };
  });
}

