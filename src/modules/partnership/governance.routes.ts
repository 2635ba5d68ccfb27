// Pages and API for terms of reference, the information sharing agreement register,
// and the governance overview (what is due or overdue).
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type, type TSchema } from '@sinclair/typebox';
import type { DB } from '../../db/schema.ts';
import { authorize, isStaff, type Actor } from '../../access/policy.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { NotFoundError, ValidationError } from '../../web/errors.ts';
import { formatDate } from '../../web/nunjucks.ts';
import { bodyKindLabel, termsOfReferenceStatus, todayIso, unsignedOrganisations, type ReviewStatus } from './domain.ts';
import {
  bodiesWithCurrentTermsOfReference, findBody, findSharingAgreement, latestSharingAgreement, listAllTermsOfReference,
  listOrganisationNames, listSharingAgreements, listSignatures, listTermsOfReference,
} from './governance.store.ts';
import { createSharingAgreement, recordSignature, recordTermsOfReference } from './governance.commands.ts';
import { fromApi, presentSharingAgreement, presentTermsOfReference } from './presenters.ts';
import { IdParams, ListOf, SharingAgreement, SharingAgreementInput, SignatureInput, TermsOfReference, TermsOfReferenceInput } from './schemas.ts';

/** How each review status reads, and the colour of its tag. */
export const STATUS_TAGS: Record<ReviewStatus, { text: string; classes: string }> = {
  overdue: { text: 'Overdue', classes: 'govuk-tag--red' },
  'due-soon': { text: 'Due soon', classes: 'govuk-tag--yellow' },
  'in-date': { text: 'In date', classes: 'govuk-tag--green' },
  none: { text: 'None', classes: 'govuk-tag--grey' },
};

// Who may see what: terms of reference are public, like the bodies they govern; the
// sharing agreement register is for the partnership's own people; the overview is the
// clerk's working view.
const READ_TERMS = { type: 'terms-of-reference' } as const;
const READ_AGREEMENTS = { type: 'sharing-agreement', published: false } as const;
const READ_OVERVIEW = { type: 'governance-overview', staffOnly: true } as const;

// What the pages and API show -----------------------------------------------------------

/** Every body with its current terms of reference and where its review stands. */
async function termsOfReferenceRegister(db: Kysely<DB>, partnershipId: string, today: string) {
  const rows = await bodiesWithCurrentTermsOfReference(db, partnershipId);
  return rows.map((r) => {
    const status = termsOfReferenceStatus(r.review_due_on, today);
    return { ...r, status, tag: STATUS_TAGS[status] };
  });
}

/** One agreement with who signed it and which member organisations have not. */
async function agreementRecord(db: Kysely<DB>, partnershipId: string, id: string) {
  const agreement = isUuid(id) ? await findSharingAgreement(db, partnershipId, id) : undefined;
  if (!agreement) throw new NotFoundError();
  const [signatures, organisations, latest] = await Promise.all([
    listSignatures(db, partnershipId, id), listOrganisationNames(db, partnershipId), latestSharingAgreement(db, partnershipId),
  ]);
  return { agreement, signatures, unsigned: unsignedOrganisations(organisations, signatures), latest: latest ?? agreement, isLatest: latest?.id === agreement.id };
}

export async function governanceOverview(db: Kysely<DB>, partnershipId: string, today: string) {
  const register = await termsOfReferenceRegister(db, partnershipId, today);
  const count = (s: ReviewStatus) => register.filter((r) => r.status === s).length;
  const latest = await latestSharingAgreement(db, partnershipId);
  const organisations = await listOrganisationNames(db, partnershipId);
  const signatures = latest ? await listSignatures(db, partnershipId, latest.id) : [];
  const unsigned = latest ? unsignedOrganisations(organisations, signatures) : [];
  return {
    register,
    // Overdue first, then the soonest due.
    due: register.filter((r) => r.status === 'overdue' || r.status === 'due-soon')
      .sort((a, b) => String(a.review_due_on).localeCompare(String(b.review_due_on))),
    withoutTerms: register.filter((r) => r.status === 'none'),
    counts: { bodies: register.length, overdue: count('overdue'), dueSoon: count('due-soon'), inDate: count('in-date'), none: count('none') },
    latest: latest ?? null,
    organisations: organisations.length,
    signed: signatures.length,
    unsigned,
  };
}

// API shapes ----------------------------------------------------------------------------

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const StatusSchema = Type.Union(['overdue', 'due-soon', 'in-date', 'none', 'superseded'].map((s) => Type.Literal(s)), {
  description: 'Where the review stands: overdue, due-soon (within 60 days), in-date; superseded for older versions; none when a body has no terms of reference',
});
const TermsOfReferenceItem = Type.Intersect([TermsOfReference, Type.Object({ current: Type.Boolean(), status: StatusSchema })]);
const TermsOfReferenceCreate = Type.Intersect([Type.Object({ bodyId: Type.String() }), TermsOfReferenceInput]);
const AgreementItem = Type.Intersect([SharingAgreement, Type.Object({ latest: Type.Boolean(), signatureCount: Type.Integer() })]);
const Signature = Type.Object({
  id: Type.String({ format: 'uuid' }), agreementId: Type.String({ format: 'uuid' }), organisationId: Type.String({ format: 'uuid' }),
  organisationName: Type.String(), signedOn: Type.String({ format: 'date' }), signedBy: Nullable(Type.String()),
});
const OrganisationRef = Type.Object({ id: Type.String({ format: 'uuid' }), name: Type.String() });
const AgreementDetail = Type.Intersect([SharingAgreement, Type.Object({
  latest: Type.Boolean(), signatures: Type.Array(Signature),
  unsigned: Type.Array(OrganisationRef, { description: 'Member organisations that have not signed this version' }),
})]);
const Overview = Type.Object({
  termsOfReference: Type.Object({
    bodies: Type.Integer(), overdue: Type.Integer(), dueSoon: Type.Integer(), inDate: Type.Integer(), none: Type.Integer(),
    due: Type.Array(Type.Object({
      bodyId: Type.String(), bodyName: Type.String(), version: Type.Integer(), agreedOn: Type.String(), reviewDueOn: Type.String(), status: StatusSchema,
    }), { description: 'Bodies whose review is overdue or due soon, overdue first' }),
    withoutTerms: Type.Array(Type.Object({ bodyId: Type.String(), bodyName: Type.String() })),
  }),
  sharingAgreement: Type.Object({
    latest: Nullable(SharingAgreement), organisations: Type.Integer(), signed: Type.Integer(), unsigned: Type.Array(OrganisationRef),
  }),
});

const presentSignature = (s: { id: string; agreement_id: string; organisation_id: string; organisation_name: string; signed_on: string; signed_by: string | null }) => ({
  id: s.id, agreementId: s.agreement_id, organisationId: s.organisation_id, organisationName: s.organisation_name, signedOn: s.signed_on, signedBy: s.signed_by,
});

export async function governanceRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: { actor: Actor }) => ({ db, actor: req.actor });

  async function loadBody(partnershipId: string, id: string) {
    const body = isUuid(id) ? await findBody(db, partnershipId, id) : undefined;
    if (!body) throw new NotFoundError();
    return body;
  }

  // Overview ----------------------------------------------------------------------------

  app.get('/governance', async (req, reply) => {
    authorize(req.actor, 'read', READ_OVERVIEW);
    const overview = await governanceOverview(db, req.partnership.id, todayIso());
    return reply.view('partnership/views/governance/overview.njk', {
      title: 'Governance', section: 'governance', ...overview, isAdministrator: req.actor.kind === 'user' && req.actor.role === 'administrator',
    });
  });

  // Terms of reference -------------------------------------------------------------------

  app.get('/governance/terms-of-reference', async (req, reply) => {
    authorize(req.actor, 'read', READ_TERMS);
    const register = await termsOfReferenceRegister(db, req.partnership.id, todayIso());
    return reply.view('partnership/views/governance/terms-of-reference.njk', {
      title: 'Terms of reference', section: 'governance', register, kindLabel: bodyKindLabel,
    });
  });

  app.get('/bodies/:id/terms-of-reference', async (req, reply) => {
    authorize(req.actor, 'read', READ_TERMS);
    const body = await loadBody(req.partnership.id, (req.params as { id: string }).id);
    const versions = await listTermsOfReference(db, req.partnership.id, body.id);
    const status = termsOfReferenceStatus(versions[0]?.review_due_on ?? null, todayIso());
    return reply.view('partnership/views/governance/body-terms.njk', {
      title: `Terms of reference: ${body.name}`, section: 'bodies', body, versions, tag: STATUS_TAGS[status], canEdit: isStaff(req.actor),
    });
  });

  const termsForm = (body: { id: string; name: string }, extra: Record<string, unknown>) => ({
    title: 'Record a new version of the terms of reference', section: 'bodies', body, action: `/bodies/${body.id}/terms-of-reference/new`, ...extra,
  });

  app.get('/bodies/:id/terms-of-reference/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'terms-of-reference' });
    const body = await loadBody(req.partnership.id, (req.params as { id: string }).id);
    return reply.view('partnership/views/governance/terms-form.njk', termsForm(body, { values: {} }));
  });

  app.post('/bodies/:id/terms-of-reference/new', async (req, reply) => {
    const body = await loadBody(req.partnership.id, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => recordTermsOfReference(ctx(req), body.id, req.body));
    if (outcome.ok) {
      return reply.flash(`Version ${outcome.value.version} recorded. The next review is due by ${formatDate(outcome.value.review_due_on)}`)
        .redirect(`/bodies/${body.id}/terms-of-reference`, 303);
    }
    return reply.code(400).view('partnership/views/governance/terms-form.njk', termsForm(body, { values: req.body, errors: outcome.errors }));
  });

  // Sharing agreements -------------------------------------------------------------------

  app.get('/governance/sharing-agreements', async (req, reply) => {
    authorize(req.actor, 'read', READ_AGREEMENTS);
    const [agreements, organisations] = await Promise.all([listSharingAgreements(db, req.partnership.id), listOrganisationNames(db, req.partnership.id)]);
    return reply.view('partnership/views/governance/agreements.njk', {
      title: 'Information sharing agreements', section: 'governance', agreements, organisationCount: organisations.length, canEdit: isStaff(req.actor),
    });
  });

  const agreementForm = (extra: Record<string, unknown>) => ({
    title: 'Add a version of the information sharing agreement', section: 'governance', action: '/governance/sharing-agreements/new', ...extra,
  });

  app.get('/governance/sharing-agreements/new', async (req, reply) => {
    authorize(req.actor, 'create', { type: 'sharing-agreement' });
    // The title usually stays the same from one version to the next.
    const latest = await latestSharingAgreement(db, req.partnership.id);
    return reply.view('partnership/views/governance/agreement-form.njk', agreementForm({ values: { title: latest?.title ?? '' }, latest }));
  });

  app.post('/governance/sharing-agreements/new', async (req, reply) => {
    const outcome = await formOutcome(() => createSharingAgreement(ctx(req), req.body));
    if (outcome.ok) return reply.flash(`Version ${outcome.value.version} added`).redirect(`/governance/sharing-agreements/${outcome.value.id}`, 303);
    const latest = await latestSharingAgreement(db, req.partnership.id);
    return reply.code(400).view('partnership/views/governance/agreement-form.njk', agreementForm({ values: req.body, errors: outcome.errors, latest }));
  });

  app.get('/governance/sharing-agreements/:id', async (req, reply) => {
    authorize(req.actor, 'read', READ_AGREEMENTS);
    const record = await agreementRecord(db, req.partnership.id, (req.params as { id: string }).id);
    return reply.view('partnership/views/governance/agreement.njk', {
      title: `${record.agreement.title}, version ${record.agreement.version}`, section: 'governance', ...record, canEdit: isStaff(req.actor),
    });
  });

  const signatureForm = (record: Awaited<ReturnType<typeof agreementRecord>>, extra: Record<string, unknown>) => ({
    title: 'Record a signature', section: 'governance', ...record,
    // Offer the organisations still to sign; the command refuses a second signature anyway.
    organisationItems: record.unsigned.map((o) => ({ value: o.id, text: o.name })),
    action: `/governance/sharing-agreements/${record.agreement.id}/signatures/new`, ...extra,
  });

  app.get('/governance/sharing-agreements/:id/signatures/new', async (req, reply) => {
    authorize(req.actor, 'update', { type: 'sharing-agreement' });
    const record = await agreementRecord(db, req.partnership.id, (req.params as { id: string }).id);
    const organisationId = (req.query as Record<string, unknown>).organisation_id;
    return reply.view('partnership/views/governance/signature-form.njk', signatureForm(record, { values: { organisation_id: typeof organisationId === 'string' ? organisationId : '' } }));
  });

  app.post('/governance/sharing-agreements/:id/signatures/new', async (req, reply) => {
    const record = await agreementRecord(db, req.partnership.id, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => recordSignature(ctx(req), record.agreement.id, req.body));
    if (outcome.ok) {
      return reply.flash(`Signature recorded for ${outcome.value.organisation_name}`).redirect(`/governance/sharing-agreements/${record.agreement.id}`, 303);
    }
    return reply.code(400).view('partnership/views/governance/signature-form.njk', signatureForm(record, { values: req.body, errors: outcome.errors }));
  });

  // API ----------------------------------------------------------------------------------

  const termsTags = ['terms of reference'];
  const presentVersions = (rows: Awaited<ReturnType<typeof listTermsOfReference>>, today: string) => {
    const currentByBody = new Map<string, number>();
    for (const r of rows) currentByBody.set(r.body_id, Math.max(currentByBody.get(r.body_id) ?? 0, r.version));
    return rows.map((r) => {
      const current = currentByBody.get(r.body_id) === r.version;
      return { ...presentTermsOfReference(r), current, status: current ? termsOfReferenceStatus(r.review_due_on, today) : 'superseded' };
    });
  };

  app.get('/api/terms-of-reference', {
    schema: {
      tags: termsTags, summary: 'Every version of terms of reference, newest first for each body; bodyId narrows to one body',
      querystring: Type.Object({ bodyId: Type.Optional(Type.String()) }), response: { 200: ListOf(TermsOfReferenceItem) },
    },
  }, async (req) => {
    authorize(req.actor, 'read', READ_TERMS);
    const { bodyId } = req.query as { bodyId?: string };
    const rows = bodyId
      ? await listTermsOfReference(db, req.partnership.id, (await loadBody(req.partnership.id, bodyId)).id)
      : await listAllTermsOfReference(db, req.partnership.id);
    return { items: presentVersions(rows, todayIso()) };
  });

  app.post('/api/terms-of-reference', {
    schema: { tags: termsTags, summary: 'Record a new version of a body\'s terms of reference; the version number and review date are worked out', body: TermsOfReferenceCreate, response: { 201: TermsOfReference } },
  }, async (req, reply) => {
    const input = fromApi(req.body);
    const body = await loadBodyForInput(req.partnership.id, input.body_id);
    return reply.code(201).send(presentTermsOfReference(await recordTermsOfReference(ctx(req), body.id, input)));
  });

  app.get('/api/bodies/:id/terms-of-reference', {
    schema: { tags: termsTags, summary: 'One body\'s terms of reference, newest first', params: IdParams, response: { 200: ListOf(TermsOfReferenceItem) } },
  }, async (req) => {
    authorize(req.actor, 'read', READ_TERMS);
    const body = await loadBody(req.partnership.id, (req.params as { id: string }).id);
    return { items: presentVersions(await listTermsOfReference(db, req.partnership.id, body.id), todayIso()) };
  });

  app.post('/api/bodies/:id/terms-of-reference', {
    schema: { tags: termsTags, summary: 'Record a new version of this body\'s terms of reference', params: IdParams, body: TermsOfReferenceInput, response: { 201: TermsOfReference } },
  }, async (req, reply) => {
    const body = await loadBody(req.partnership.id, (req.params as { id: string }).id);
    return reply.code(201).send(presentTermsOfReference(await recordTermsOfReference(ctx(req), body.id, fromApi(req.body))));
  });

  /** A body named in a request body: a missing or unknown one is a problem with the input, not a missing page. */
  async function loadBodyForInput(partnershipId: string, id: unknown) {
    const body = typeof id === 'string' && isUuid(id) ? await findBody(db, partnershipId, id) : undefined;
    if (!body) throw ValidationError.single('body_id', 'Select a body of this partnership');
    return body;
  }

  const agreementTags = ['sharing agreements'];
  app.get('/api/sharing-agreements', {
    schema: { tags: agreementTags, summary: 'The information sharing agreement register, latest first', response: { 200: ListOf(AgreementItem) } },
  }, async (req) => {
    authorize(req.actor, 'read', READ_AGREEMENTS);
    const rows = await listSharingAgreements(db, req.partnership.id);
    return { items: rows.map((a, i) => ({ ...presentSharingAgreement(a), latest: i === 0, signatureCount: Number(a.signature_count ?? 0) })) };
  });

  app.post('/api/sharing-agreements', {
    schema: { tags: agreementTags, summary: 'Add a version of the information sharing agreement', body: SharingAgreementInput, response: { 201: SharingAgreement } },
  }, async (req, reply) => reply.code(201).send(presentSharingAgreement(await createSharingAgreement(ctx(req), fromApi(req.body)))));

  app.get('/api/sharing-agreements/:id', {
    schema: { tags: agreementTags, summary: 'One agreement version, who signed it and which organisations have not', params: IdParams, response: { 200: AgreementDetail } },
  }, async (req) => {
    authorize(req.actor, 'read', READ_AGREEMENTS);
    const r = await agreementRecord(db, req.partnership.id, (req.params as { id: string }).id);
    return {
      ...presentSharingAgreement(r.agreement), latest: r.isLatest,
      signatures: r.signatures.map(presentSignature), unsigned: r.unsigned.map((o) => ({ id: o.id, name: o.name })),
    };
  });

  app.post('/api/sharing-agreements/:id/signatures', {
    schema: { tags: agreementTags, summary: 'Record that an organisation signed this version', params: IdParams, body: SignatureInput, response: { 201: Signature } },
  }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!isUuid(id)) throw new NotFoundError();
    return reply.code(201).send(presentSignature(await recordSignature(ctx(req), id, fromApi(req.body))));
  });

  app.get('/api/governance', {
    schema: { tags: ['governance'], summary: 'Terms of reference due or overdue, and organisations yet to sign the latest sharing agreement (officers)', response: { 200: Overview } },
  }, async (req) => {
    authorize(req.actor, 'read', READ_OVERVIEW);
    const o = await governanceOverview(db, req.partnership.id, todayIso());
    return {
      termsOfReference: {
        ...o.counts,
        due: o.due.map((r) => ({ bodyId: r.body_id, bodyName: r.body_name, version: r.version!, agreedOn: r.agreed_on!, reviewDueOn: r.review_due_on!, status: r.status })),
        withoutTerms: o.withoutTerms.map((r) => ({ bodyId: r.body_id, bodyName: r.body_name })),
      },
      sharingAgreement: {
        latest: o.latest ? presentSharingAgreement(o.latest) : null, organisations: o.organisations, signed: o.signed,
        unsigned: o.unsigned.map((u) => ({ id: u.id, name: u.name })),
      },
    };
  });
}
