// Pages and API of the funding module. Grants and funded projects are public; proposals
// under consideration (and withdrawn or declined ones), spend, progress and delays are
// for signed-in people; officers record everything (src/access/policy.ts fundingResources).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, fundingResources, isStaff, type Actor } from '../../access/policy.ts';
import { listGrantDocuments } from './evidence.ts';
import { formOutcome, isUuid } from '../../web/forms.ts';
import { ForbiddenError, NotFoundError, type FieldError } from '../../web/errors.ts';
import { todayIso } from '../partnership/domain.ts';
import { fromApi } from '../partnership/presenters.ts';
import { toCsv } from '../public/domain.ts';
import { writeWorkbook, XLSX_TYPE, type SheetColumn } from '../../web/spreadsheets.ts';
import { build360, CSV_COLUMNS, csvRow, package360, qualityProblems } from './giving360.ts';
import {
  financialYear, financialYearOf, formatPence, heldBackPence, penceToPoundsField, MOVES, movesFrom, POTS, potLabel, proposalStatusLabel, ROUNDINGS, tacticalLock, unallocatedMoveDue, UNDERSPEND_RULES,
  type Move,
} from './domain.ts';
import {
  chairOptions, earlierProjects, findGrant, findProposal, leadUserIdOf, listClaims, listLeadProjects, listDelays, listGrants, listProgress, listProposals, meetingOptions,
  organisationIdentifiers, organisationOptions, type GrantView, type ProposalView,
} from './store.ts';
import {
  createGrant, createProposal, updateGrantRules, moveProposal, moveUnallocatedMoney, recordClaim, recordDelay, recordOutturn, recordProgress,
} from './commands.ts';
import { fundingRecordResource, grantResource, proposalResource } from './access.ts';
import { listPriorities } from '../strategy/store.ts';
import { fundingReturnRoutes } from './returns.routes.ts';
import { funderReturnRoutes } from './funderReturn.routes.ts';
import { listEvidence } from './evidence.ts';
import { presentGrant, presentPots, presentProgress, presentProposal, shareText } from './presenters.ts';
import {
  ClaimInput, DelayInput, Grant, GrantInput, GrantRulesInput, GrantWithPots, IdParams, ListOf, MoveInput, MoveParams, OutturnInput, ProgressInput, Proposal,
  ProposalInput, ProposalWithRecords, Claim, Progress, Delay,
} from './schemas.ts';

type Field =
  | { kind: 'text' | 'email' | 'money' | 'textarea' | 'date'; name: string; label: string; hint?: string; rows?: number; width?: number }
  | { kind: 'select' | 'radios'; name: string; label: string; hint?: string; items: { value: string; text: string }[]; blank?: string; default?: string };

const MOVE_FIELDS: Record<Move, (opts: { meetings: { value: string; text: string }[]; chairs: { value: string; text: string }[] }) => Field[]> = {
  consider: ({ meetings }) => [
    { kind: 'select', name: 'meeting_id', label: 'Working Group meeting', items: meetings, blank: 'Select the meeting' },
    { kind: 'text', name: 'agenda_item_id', label: 'Agenda item reference (optional)', hint: 'From the meeting’s page, if the proposal had its own item' },
    { kind: 'text', name: 'resolution_id', label: 'Resolution reference (optional)' },
    { kind: 'textarea', name: 'note', label: 'What the Working Group said (optional)', rows: 3 },
  ],
  endorse: ({ chairs }) => [
    { kind: 'select', name: 'person_id', label: 'Endorsed by', hint: 'The chair or vice-chair of the Partnership on the day', items: chairs, blank: 'Select the chair or vice-chair' },
    { kind: 'date', name: 'on', label: 'Date of the endorsement' },
  ],
  approve: () => [
    { kind: 'text', name: 'approved_by', label: 'Approved for the funder by', hint: 'For example, the Commissioner’s chief finance officer' },
    { kind: 'date', name: 'on', label: 'Date of the approval' },
    { kind: 'textarea', name: 'evidence', label: 'Evidence of the approval', hint: 'For example, the date and reference of the letter or e-mail', rows: 3 },
    { kind: 'money', name: 'amount', label: 'Amount approved (optional)', hint: 'In pounds, like 1,200 or 1,200.50. Leave blank for the amount asked' },
  ],
  start: () => [{ kind: 'date', name: 'on', label: 'Date delivery started' }],
  complete: () => [{ kind: 'date', name: 'on', label: 'Date completed', hint: 'What was allocated and not paid is settled by the grant’s rule for underspend' }],
  withdraw: () => [{ kind: 'textarea', name: 'reason', label: 'Why is it being withdrawn?', rows: 3 }, { kind: 'date', name: 'on', label: 'Date withdrawn' }],
  decline: () => [{ kind: 'textarea', name: 'reason', label: 'Why is it being declined?', rows: 3 }, { kind: 'date', name: 'on', label: 'Date declined' }],
};

const signedIn = (actor: Actor) => actor.kind === 'user';
/** Spend, progress, exports and reports are for signed-in people: the public is asked to sign in (401 in the API). */
function requireSignedIn(actor: Actor): void {
  if (!can(actor, 'read', fundingRecordResource())) throw new ForbiddenError('sign-in');
}
const projectColumns = ['Project', 'Lead organisation', 'Pot', 'Status', 'Asked (£)', 'Allocated (£)', 'Spent (£)', 'Delivery starts', 'Delivery ends', 'Delayed', 'Latest update'];
// In the workbook the amounts are numbers and the delivery dates dates, so they add up and sort.
const projectSheetColumns: SheetColumn[] = projectColumns.map((header, i) => ({
  header, width: [40, 28, 18, 14, 12, 14, 12, 14, 14, 9, 50][i], kind: i >= 4 && i <= 6 ? 'number' : i === 7 || i === 8 ? 'date' : 'text',
}));
const pounds = (pence: number) => (Number(pence) / 100).toFixed(2);

export async function fundingRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app;
  const ctx = (req: FastifyRequest) => ({ db, actor: req.actor });

  async function loadGrant(req: FastifyRequest, id: string): Promise<GrantView> {
    authorize(req.actor, 'read', grantResource());
    const grant = isUuid(id) ? await findGrant(db, req.partnership.id, id) : undefined;
    if (!grant) throw new NotFoundError();
    return grant;
  }
  async function loadProposal(req: FastifyRequest, id: string): Promise<ProposalView> {
    const p = isUuid(id) ? await findProposal(db, req.partnership.id, id) : undefined;
    if (!p) throw new NotFoundError();
    authorize(req.actor, 'read', proposalResource(p));
    return p;
  }
  const readable = (actor: Actor, ps: ProposalView[]) => ps.filter((p) => can(actor, 'read', proposalResource(p)));
  async function potsOf(g: GrantView) {
    const lock = tacticalLock(g.rules, await earlierProjects(db, g.partnership_id, g));
    return { lock, moveDue: unallocatedMoveDue(g.ledger, g.rules, todayIso()) };
  }

  function formPage(reply: FastifyReply, data: {
    title: string; caption?: string; intro?: string; action: string; back: string; submit: string; fields: Field[];
    values?: Record<string, unknown>; errors?: FieldError[];
  }) {
    return reply.view('funding/views/form.njk', { section: 'funding', values: {}, ...data });
  }

  // Grants ---------------------------------------------------------------------------------

  app.get('/funding', async (req, reply) => {
    authorize(req.actor, 'read', grantResource());
    return reply.view('funding/views/list.njk', {
      title: 'Funding', section: 'funding', grants: await listGrants(db, req.partnership.id),
      canManage: can(req.actor, 'create', grantResource()), signedIn: signedIn(req.actor),
    });
  });

  const grantFields = async (pid: string): Promise<Field[]> => {
    const organisations = await organisationOptions(db, pid);
    return [
      { kind: 'select', name: 'funder_organisation_id', label: 'Funder', items: organisations, blank: 'Select the funder' },
      { kind: 'select', name: 'recipient_organisation_id', label: 'Received by (optional)', hint: 'The partnership’s host council, which holds the money', items: organisations, blank: 'Select the organisation' },
      { kind: 'text', name: 'programme', label: 'Programme', hint: 'For example, Crime Reduction Grant' },
      { kind: 'text', name: 'financial_year', label: 'Financial year', hint: 'The first year: 2026 for 2026/27', width: 4 },
      { kind: 'money', name: 'awarded', label: 'Amount awarded', hint: 'In pounds, like 39,661 or 39,661.50' },
      { kind: 'date', name: 'awarded_on', label: 'Date of the award' },
      { kind: 'textarea', name: 'conditions', label: 'Conditions (optional)', rows: 3 },
      { kind: 'text', name: 'held_back_share', label: 'Share held back in the tactical pot', hint: 'A fraction, like 1/3, or a percentage, like 25%', width: 4 },
      { kind: 'radios', name: 'rounding', label: 'How the held-back amount is rounded', items: ROUNDINGS, default: 'down' },
      { kind: 'radios', name: 'lock_while_earlier_open', label: 'Is the tactical pot locked while projects of earlier years are open?', items: [{ value: 'yes', text: 'Yes' }, { value: 'no', text: 'No' }], default: 'yes' },
      { kind: 'date', name: 'unallocated_moves_on', label: 'Date unallocated upfront money moves to the tactical pot (optional)', hint: 'Within the financial year' },
      { kind: 'radios', name: 'underspend_rule', label: 'What happens to underspend', items: UNDERSPEND_RULES, default: 'return' },
    ];
  };

  app.get('/funding/grants/new', async (req, reply) => {
    authorize(req.actor, 'create', grantResource());
    return formPage(reply, {
      title: 'Record a grant', action: '/funding/grants/new', back: '/funding', submit: 'Record grant', fields: await grantFields(req.partnership.id),
      values: { held_back_share: '1/3', financial_year: String(financialYearOf(todayIso())) },
    });
  });
  app.post('/funding/grants/new', async (req, reply) => {
    authorize(req.actor, 'create', grantResource());
    const outcome = await formOutcome(() => createGrant(ctx(req), req.body));
    if (outcome.ok) return reply.flash('Grant recorded').redirect(`/funding/grants/${outcome.value.id}`, 303);
    return formPage(reply.code(400), {
      title: 'Record a grant', action: '/funding/grants/new', back: '/funding', submit: 'Record grant', fields: await grantFields(req.partnership.id),
      values: req.body as Record<string, unknown>, errors: outcome.errors,
    });
  });

  async function renderGrant(req: FastifyRequest, reply: FastifyReply, grant: GrantView, errors?: FieldError[]) {
    const { lock, moveDue } = await potsOf(grant);
    return reply.code(errors ? 400 : 200).view('funding/views/grant.njk', {
      title: grant.label, section: 'funding', grant, lock, moveDue, errors,
      year: financialYear(grant.financial_year),
      rules: {
        share: shareText(grant),
        rounding: ROUNDINGS.find((r) => r.value === grant.rounding)!.text.toLowerCase(),
        underspend: UNDERSPEND_RULES.find((r) => r.value === grant.underspend_rule)!.text,
      },
      proposals: readable(req.actor, await listProposals(db, req.partnership.id, { grantId: grant.id })),
      statusLabel: proposalStatusLabel,
      canManage: can(req.actor, 'update', grantResource()), signedIn: signedIn(req.actor),
      documents: can(req.actor, 'read', fundingResources.record()) ? await listGrantDocuments(db, req.partnership.id, grant.id) : [],
      canSeeHistory: can(req.actor, 'read-history', { type: 'history' }),
    });
  }

  app.get('/funding/grants/:id', async (req, reply) => renderGrant(req, reply, await loadGrant(req, (req.params as { id: string }).id)));

  app.post('/funding/grants/:id/move-unallocated', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => moveUnallocatedMoney(ctx(req), grant.id));
    if (outcome.ok) return reply.flash('Unallocated money moved to the held-back pot').redirect(`/funding/grants/${grant.id}`, 303);
    return renderGrant(req, reply, grant, outcome.errors);
  });

  // The grant's rules, changed from a page: the same fields as when it was recorded.
  const ruleFields = (g: GrantView): Field[] => [
    { kind: 'text', name: 'held_back_share', label: 'Share held back in the tactical pot', hint: `A fraction, like 1/3, or a percentage, like 25%. The award is ${penceToPoundsField(g.ledger.awarded)} pounds`, width: 4 },
    { kind: 'radios', name: 'rounding', label: 'How the held-back amount is rounded', items: ROUNDINGS },
    { kind: 'radios', name: 'lock_while_earlier_open', label: 'Is the tactical pot locked while projects of earlier years are open?', items: [{ value: 'yes', text: 'Yes' }, { value: 'no', text: 'No' }] },
    { kind: 'date', name: 'unallocated_moves_on', label: 'Date unallocated upfront money moves to the tactical pot (optional)', hint: `Within ${g.yearLabel}; leave blank for no date` },
    { kind: 'radios', name: 'underspend_rule', label: 'What happens to underspend', items: UNDERSPEND_RULES },
  ];
  const rulesPage = (reply: FastifyReply, g: GrantView, values: Record<string, unknown>, errors?: FieldError[]) => formPage(errors ? reply.code(400) : reply, {
    title: 'Change the grant’s rules', caption: g.label, action: `/funding/grants/${g.id}/rules`, back: `/funding/grants/${g.id}`, submit: 'Save rules',
    intro: 'A change of the share or its rounding moves the difference between the upfront money not yet allocated and the held-back pot. It is refused when money already allocated or drawn stands in the way.',
    fields: ruleFields(g), values, errors,
  });
  app.get('/funding/grants/:id/rules', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    authorize(req.actor, 'update', grantResource());
    return rulesPage(reply, grant, {
      held_back_share: `${grant.held_back_numerator}/${grant.held_back_denominator}`, rounding: grant.rounding,
      lock_while_earlier_open: grant.lock_while_earlier_open ? 'yes' : 'no', unallocated_moves_on: grant.unallocated_moves_on ?? '', underspend_rule: grant.underspend_rule,
    });
  });
  app.post('/funding/grants/:id/rules', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => updateGrantRules(ctx(req), grant.id, req.body));
    if (outcome.ok) return reply.flash('Rules saved').redirect(`/funding/grants/${grant.id}`, 303);
    return rulesPage(reply, grant, req.body as Record<string, unknown>, outcome.errors);
  });

  const outturnFields: Field[] = [{ kind: 'date', name: 'outturn_on', label: 'Date of the outturn', hint: 'On or after the end of the financial year' }];
  app.get('/funding/grants/:id/outturn', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    authorize(req.actor, 'update', grantResource());
    return formPage(reply, {
      title: 'Record the year-end outturn', caption: grant.label, action: `/funding/grants/${grant.id}/outturn`, back: `/funding/grants/${grant.id}`,
      submit: 'Record outturn', fields: outturnFields, values: { outturn_on: financialYear(grant.financial_year).endsOn },
      intro: 'The outturn records what was spent (claims paid), what was returned to the funder and what is carried forward, as they stand on the day. It is recorded once.',
    });
  });
  app.post('/funding/grants/:id/outturn', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => recordOutturn(ctx(req), grant.id, req.body));
    if (outcome.ok) return reply.flash('Outturn recorded').redirect(`/funding/grants/${grant.id}`, 303);
    return formPage(reply.code(400), {
      title: 'Record the year-end outturn', caption: grant.label, action: `/funding/grants/${grant.id}/outturn`, back: `/funding/grants/${grant.id}`,
      submit: 'Record outturn', fields: outturnFields, values: req.body as Record<string, unknown>, errors: outcome.errors,
    });
  });

  // Exports of the projects: CSV and XLSX, for signed-in people.
  async function projectRows(req: FastifyRequest, grant: GrantView) {
    requireSignedIn(req.actor);
    const proposals = await listProposals(db, req.partnership.id, { grantId: grant.id });
    return proposals.map((p) => [
      p.title, p.lead_organisation_name, potLabel(p.pot), proposalStatusLabel(p.status), pounds(p.amount_asked_pence), pounds(p.allocated_pence), pounds(p.spent_pence),
      p.delivery_starts_on, p.delivery_ends_on, p.delayed ? 'Yes' : 'No', p.latest_update ?? '',
    ]);
  }
  const fileName = (grant: GrantView) => `${grant.programme}-${grant.yearLabel}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  app.get('/funding/grants/:id/projects.csv', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const csv = toCsv(projectColumns, await projectRows(req, grant));
    return reply.type('text/csv; charset=utf-8; header=present').header('content-disposition', `attachment; filename="${fileName(grant)}-projects.csv"`).send(csv);
  });
  app.get('/funding/grants/:id/projects.xlsx', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const rows = await projectRows(req, grant);
    const buffer = await writeWorkbook([{ name: 'Projects', columns: projectSheetColumns, rows }]);
    return reply.type(XLSX_TYPE)
      .header('content-disposition', `attachment; filename="${fileName(grant)}-projects.xlsx"`).send(buffer);
  });

  // The Working Group update: the table the seeds show, as a page and as a paper.
  async function updateData(req: FastifyRequest, grant: GrantView) {
    requireSignedIn(req.actor);
    // A project's allocation net of any underspend already settled, so the total is the grant's allocated money.
    const projects = (await listProposals(db, req.partnership.id, { grantId: grant.id })).filter((p) => Number(p.allocated_pence) > 0)
      .map((p) => ({ ...p, allocated_pence: Number(p.allocated_pence) - Number(p.underspend_pence ?? 0) }));
    const { lock } = await potsOf(grant);
    return {
      grant, projects, lock, statusLabel: proposalStatusLabel, share: shareText(grant),
      heldBackAtAward: heldBackPence(grant.ledger.awarded, grant.rules),
      totalAllocated: projects.reduce((s, p) => s + Number(p.allocated_pence), 0),
      totalSpent: projects.reduce((s, p) => s + p.spent_pence, 0),
      totalReported: projects.reduce((s, p) => s + (p.reported_spend_pence ?? 0), 0),
    };
  }
  app.get('/funding/grants/:id/update', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    return reply.view('funding/views/update.njk', { title: `Working Group update: ${grant.label}`, section: 'funding', ...(await updateData(req, grant)) });
  });
  app.get('/funding/grants/:id/update.html', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const data = await updateData(req, grant);
    reply.header('content-disposition', `inline; filename="${fileName(grant)}-working-group-update.html"`);
    return reply.view('funding/views/paper.njk', { today: todayIso(), ...data });
  });

  // Open data: 360Giving JSON package and CSV. Grants and funded projects only, each
  // passing the standard's critical checks; officers see what was left out and why.
  async function open360(req: FastifyRequest) {
    const pid = req.partnership.id;
    const all = build360({
      prefix: req.partnership.slug, partnershipName: req.partnership.name,
      grants: await listGrants(db, pid), proposals: await listProposals(db, pid), identifiers: await organisationIdentifiers(db, pid),
    });
    const today = todayIso();
    const checked = all.map((g) => ({ grant: g, problems: qualityProblems(g, today) }));
    return { grants: checked.filter((c) => !c.problems.length).map((c) => c.grant), problems: checked.flatMap((c) => c.problems) };
  }
  app.get('/funding/360giving.json', async (req, reply) => {
    authorize(req.actor, 'read', grantResource());
    const { grants } = await open360(req);
    const pkg = package360(grants, { title: `${req.partnership.name}: grants`, issued: todayIso(), publisherName: req.partnership.name });
    return reply.type('application/json; charset=utf-8').header('content-disposition', 'inline; filename="360giving.json"').send(JSON.stringify(pkg, null, 2));
  });
  app.get('/funding/360giving.csv', async (req, reply) => {
    authorize(req.actor, 'read', grantResource());
    const { grants } = await open360(req);
    return reply.type('text/csv; charset=utf-8; header=present').header('content-disposition', 'attachment; filename="360giving.csv"').send(toCsv(CSV_COLUMNS, grants.map(csvRow)));
  });
  app.get('/funding/open-data', async (req, reply) => {
    authorize(req.actor, 'read', grantResource());
    const { grants, problems } = await open360(req);
    return reply.view('funding/views/open-data.njk', { title: 'Funding open data (360Giving)', section: 'funding', count: grants.length, problems, canManage: isStaff(req.actor) });
  });

  // Proposals ---------------------------------------------------------------------------------

  // The strategy module's priorities, read through its list: newest agreement first.
  const priorityOptions = async (pid: string) => (await listPriorities(db, pid)).map((p) => ({ value: p.id, text: `${p.title} (agreement ${p.agreement_period})` }));
  /** The title and agreement period of the priority a proposal serves, as the strategy module has it now. */
  async function priorityOf(p: ProposalView): Promise<{ title: string; period: string | null } | null> {
    if (p.priority_id) {
      const found = (await listPriorities(db, p.partnership_id)).find((x) => x.id === p.priority_id);
      if (found) return { title: found.title, period: found.agreement_period };
    }
    return p.priority_text ? { title: p.priority_text, period: null } : null;
  }
  const proposalFields = async (pid: string): Promise<Field[]> => [
    { kind: 'text', name: 'title', label: 'Title of the project' },
    { kind: 'textarea', name: 'description', label: 'What the project will do', rows: 4 },
    { kind: 'select', name: 'priority_id', label: 'Agreement priority it serves (optional)', hint: 'A priority of the partnership agreement, with the agreement’s period', items: await priorityOptions(pid), blank: 'Select the priority' },
    { kind: 'radios', name: 'pot', label: 'Which pot should it come from?', items: POTS, default: 'upfront' },
    { kind: 'money', name: 'amount_asked', label: 'Amount asked for', hint: 'In pounds, like 1,200 or 1,200.50' },
    { kind: 'select', name: 'lead_organisation_id', label: 'Lead organisation', items: await organisationOptions(db, pid), blank: 'Select the organisation' },
    { kind: 'text', name: 'lead_contact_name', label: 'Contact name (optional)' },
    { kind: 'email', name: 'lead_contact_email', label: 'Contact e-mail address (optional)' },
    { kind: 'date', name: 'delivery_starts_on', label: 'Delivery starts', hint: 'Within the grant’s financial year' },
    { kind: 'date', name: 'delivery_ends_on', label: 'Delivery ends' },
    { kind: 'textarea', name: 'measures', label: 'What will be measured (optional)', rows: 3 },
  ];
  app.get('/funding/grants/:id/proposals/new', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    authorize(req.actor, 'create', proposalResource({ status: 'submitted' }));
    return formPage(reply, {
      title: 'Record a proposal', caption: grant.label, action: `/funding/grants/${grant.id}/proposals/new`, back: `/funding/grants/${grant.id}`,
      submit: 'Record proposal', fields: await proposalFields(req.partnership.id),
    });
  });
  app.post('/funding/grants/:id/proposals/new', async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => createProposal(ctx(req), grant.id, req.body));
    if (outcome.ok) return reply.flash('Proposal recorded').redirect(`/funding/proposals/${outcome.value.id}`, 303);
    return formPage(reply.code(400), {
      title: 'Record a proposal', caption: grant.label, action: `/funding/grants/${grant.id}/proposals/new`, back: `/funding/grants/${grant.id}`,
      submit: 'Record proposal', fields: await proposalFields(req.partnership.id), values: req.body as Record<string, unknown>, errors: outcome.errors,
    });
  });

  app.get('/funding/proposals/:id', async (req, reply) => {
    const p = await loadProposal(req, (req.params as { id: string }).id);
    const pid = req.partnership.id;
    const inside = signedIn(req.actor);
    return reply.view('funding/views/proposal.njk', {
      title: p.title, section: 'funding', proposal: p, statusLabel: proposalStatusLabel, potLabel, signedIn: inside, priority: inside ? await priorityOf(p) : null,
      claims: inside ? await listClaims(db, pid, p.id) : [], progress: inside ? await listProgress(db, pid, p.id) : [],
      delays: inside ? await listDelays(db, pid, p.id) : [],
      evidence: inside ? await listEvidence(db, pid, p.id) : [],
      canAddEvidence: can(req.actor, 'create', fundingResources.returnRequest()),
      moves: movesFrom(p.status).map((m) => ({ move: m, label: MOVES[m].label })),
      spending: p.status === 'approved' || p.status === 'in-delivery',
      canManage: can(req.actor, 'update', proposalResource(p)),
      canSeeHistory: can(req.actor, 'read-history', { type: 'history' }),
    });
  });

  const isMove = (m: string): m is Move => m in MOVES;
  async function moveForm(req: FastifyRequest, reply: FastifyReply, p: ProposalView, move: Move, values: Record<string, unknown> = {}, errors?: FieldError[]) {
    const pid = req.partnership.id;
    return formPage(errors ? reply.code(400) : reply, {
      title: MOVES[move].label, caption: p.title, action: `/funding/proposals/${p.id}/${move}`, back: `/funding/proposals/${p.id}`,
      submit: 'Save', intro: `Needs: ${MOVES[move].requires}.`,
      fields: MOVE_FIELDS[move]({ meetings: move === 'consider' ? await meetingOptions(db, pid) : [], chairs: move === 'endorse' ? await chairOptions(db, pid) : [] }),
      values, errors,
    });
  }
  app.get('/funding/proposals/:id/:move', async (req, reply) => {
    const { id, move } = req.params as { id: string; move: string };
    if (!isMove(move)) throw new NotFoundError();
    const p = await loadProposal(req, id);
    authorize(req.actor, 'update', proposalResource(p));
    return moveForm(req, reply, p, move);
  });
  app.post('/funding/proposals/:id/:move', async (req, reply) => {
    const { id, move } = req.params as { id: string; move: string };
    if (!isMove(move)) throw new NotFoundError();
    const p = await loadProposal(req, id);
    const outcome = await formOutcome(() => moveProposal(ctx(req), p.id, move, req.body));
    if (outcome.ok) return reply.flash(`Saved: ${proposalStatusLabel(outcome.value.status).toLowerCase()}`).redirect(`/funding/proposals/${p.id}`, 303);
    return moveForm(req, reply, p, move, req.body as Record<string, unknown>, outcome.errors);
  });

  // Claims, progress and delays: one form each.
  const recordForms = {
    claims: {
      title: 'Record a claim paid', submit: 'Record claim', command: recordClaim, flash: 'Claim recorded',
      fields: [
        { kind: 'date', name: 'paid_on', label: 'Date paid' },
        { kind: 'money', name: 'amount', label: 'Amount paid', hint: 'In pounds, like 195.32' },
        { kind: 'text', name: 'payee', label: 'Paid to' },
        { kind: 'text', name: 'reference', label: 'Invoice or claim reference (optional)' },
        { kind: 'textarea', name: 'evidence', label: 'Evidence (optional)', hint: 'Where the invoice or receipt is kept', rows: 2 },
      ] as Field[],
    },
    progress: {
      title: 'Record progress', submit: 'Record progress', command: recordProgress, flash: 'Progress recorded',
      fields: [
        { kind: 'date', name: 'reported_on', label: 'Date of the update' },
        { kind: 'textarea', name: 'text', label: 'What has been done', rows: 4 },
        { kind: 'money', name: 'spend_to_date', label: 'Spend to date, as the lead reports it (optional)', hint: 'In pounds, like 1,200 or 0' },
        { kind: 'textarea', name: 'figures', label: 'Figures (optional)', hint: 'For example, 6,845 video views; 91 link clicks', rows: 2 },
      ] as Field[],
    },
    delays: {
      title: 'Record a delay', submit: 'Record delay', command: recordDelay, flash: 'Delay recorded',
      fields: [
        { kind: 'textarea', name: 'reason', label: 'Why is the project delayed?', rows: 3 },
        { kind: 'date', name: 'new_ends_on', label: 'New date delivery ends' },
      ] as Field[],
    },
  } as const;
  for (const [path, form] of Object.entries(recordForms)) {
    app.get(`/funding/proposals/:id/${path}/new`, async (req, reply) => {
      const p = await loadProposal(req, (req.params as { id: string }).id);
      authorize(req.actor, 'create', fundingRecordResource());
      return formPage(reply, { title: form.title, caption: p.title, action: `/funding/proposals/${p.id}/${path}/new`, back: `/funding/proposals/${p.id}`, submit: form.submit, fields: form.fields });
    });
    app.post(`/funding/proposals/:id/${path}/new`, async (req, reply) => {
      const p = await loadProposal(req, (req.params as { id: string }).id);
      const outcome = await formOutcome<unknown>(() => form.command(ctx(req), p.id, req.body));
      if (outcome.ok) return reply.flash(form.flash).redirect(`/funding/proposals/${p.id}`, 303);
      return formPage(reply.code(400), {
        title: form.title, caption: p.title, action: `/funding/proposals/${p.id}/${path}/new`, back: `/funding/proposals/${p.id}`, submit: form.submit,
        fields: form.fields, values: req.body as Record<string, unknown>, errors: outcome.errors,
      });
    });
  }

  // The lead's page: the funded projects whose lead contact is the signed-in account, with
  // their allocation, spend and progress, and a progress return for each.
  const leadReturnFields: Field[] = [
    { kind: 'date', name: 'reported_on', label: 'Date of the return' },
    { kind: 'textarea', name: 'text', label: 'What has been done since the last return', rows: 5 },
    { kind: 'money', name: 'spend_to_date', label: 'Spend to date', hint: 'What the project has spent so far, in pounds, like 1,200 or 0' },
    { kind: 'textarea', name: 'figures', label: 'Progress (optional)', hint: 'Figures of what was delivered, for example 80 shops visited; 12 sessions held', rows: 3 },
  ];
  async function loadLedProject(req: FastifyRequest, id: string): Promise<ProposalView> {
    const p = await loadProposal(req, id);
    authorize(req.actor, 'create', fundingResources.leadReturn({ leadUserId: await leadUserIdOf(db, req.partnership.id, p.lead_contact_email) }));
    return p;
  }
  const leadReturnPage = (reply: FastifyReply, p: ProposalView, values: Record<string, unknown> = {}, errors?: FieldError[]) => formPage(errors ? reply.code(400) : reply, {
    title: 'Send a progress return', caption: p.title, action: `/funding/my-projects/${p.id}/progress`, back: '/funding/my-projects', submit: 'Send progress return',
    intro: `Allocated ${formatPence(Number(p.allocated_pence))}; ${formatPence(p.spent_pence)} paid in claims so far. The return is read at the next Working Group meeting.`,
    fields: leadReturnFields, values, errors,
  });
  app.get('/funding/my-projects', async (req, reply) => {
    requireSignedIn(req.actor);
    const projects = req.actor.kind === 'user' ? await listLeadProjects(db, req.partnership.id, req.actor.userId) : [];
    return reply.view('funding/views/my-projects.njk', { title: 'Projects you lead', section: 'funding', projects, statusLabel: proposalStatusLabel });
  });
  app.get('/funding/my-projects/:id/progress', async (req, reply) => leadReturnPage(reply, await loadLedProject(req, (req.params as { id: string }).id)));
  app.post('/funding/my-projects/:id/progress', async (req, reply) => {
    const p = await loadLedProject(req, (req.params as { id: string }).id);
    const outcome = await formOutcome(() => recordProgress(ctx(req), p.id, req.body));
    if (outcome.ok) return reply.flash(`Progress return sent for ${p.title}`).redirect('/funding/my-projects', 303);
    return leadReturnPage(reply, p, req.body as Record<string, unknown>, outcome.errors);
  });

  // API -------------------------------------------------------------------------------------------
  const tags = ['funding'];

  app.get('/api/funding/grants', { schema: { tags, summary: 'Grants to the partnership, newest first', response: { 200: ListOf(Grant) } } }, async (req) => {
    authorize(req.actor, 'read', grantResource());
    return { items: (await listGrants(db, req.partnership.id)).map(presentGrant) };
  });
  app.post('/api/funding/grants', { schema: { tags, summary: 'Record a grant, with its rules', body: GrantInput, response: { 201: Grant } } }, async (req, reply) => {
    const row = await createGrant(ctx(req), fromApi(req.body));
    return reply.code(201).send(presentGrant((await findGrant(db, req.partnership.id, row.id))!));
  });
  app.get('/api/funding/grants/:id', { schema: { tags, summary: 'One grant, with its pots and whether the tactical pot is locked', params: IdParams, response: { 200: GrantWithPots } } }, async (req) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const { lock, moveDue } = await potsOf(grant);
    return { ...presentGrant(grant), pots: presentPots(grant, lock, moveDue) };
  });
  app.get('/api/funding/grants/:id/proposals', { schema: { tags, summary: 'The proposals of a grant (the public sees funded projects only)', params: IdParams, response: { 200: ListOf(Proposal) } } }, async (req) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const items = readable(req.actor, await listProposals(db, req.partnership.id, { grantId: grant.id }));
    return { items: items.map((p) => presentProposal(p, signedIn(req.actor))) };
  });
  app.post('/api/funding/grants/:id/proposals', { schema: { tags, summary: 'Record a proposal for a grant', params: IdParams, body: ProposalInput, response: { 201: Proposal } } }, async (req, reply) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    const row = await createProposal(ctx(req), grant.id, fromApi(req.body));
    return reply.code(201).send(presentProposal((await findProposal(db, req.partnership.id, row.id))!, true));
  });
  app.post('/api/funding/grants/:id/move-unallocated', { schema: { tags, summary: "Move unallocated upfront money to the held-back pot (from the grant's date)", params: IdParams, response: { 200: Grant } } }, async (req) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    await moveUnallocatedMoney(ctx(req), grant.id);
    return presentGrant((await findGrant(db, req.partnership.id, grant.id))!);
  });
  app.put('/api/funding/grants/:id/rules', {
    schema: { tags, summary: "Change a grant's rules; refused (400, nothing changed) when the ledger could not stay whole", params: IdParams, body: GrantRulesInput, response: { 200: Grant } },
  }, async (req) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    await updateGrantRules(ctx(req), grant.id, fromApi(req.body));
    return presentGrant((await findGrant(db, req.partnership.id, grant.id))!);
  });
  app.post('/api/funding/grants/:id/outturn', { schema: { tags, summary: 'Record the year-end outturn: spent, returned, carried forward', params: IdParams, body: OutturnInput, response: { 200: Grant } } }, async (req) => {
    const grant = await loadGrant(req, (req.params as { id: string }).id);
    await recordOutturn(ctx(req), grant.id, fromApi(req.body));
    return presentGrant((await findGrant(db, req.partnership.id, grant.id))!);
  });

  app.get('/api/funding/my-projects', { schema: { tags, summary: 'The funded projects the signed-in account leads (it is their lead contact), with allocation, spend and latest update', response: { 200: ListOf(Proposal) } } }, async (req) => {
    requireSignedIn(req.actor);
    const items = req.actor.kind === 'user' ? await listLeadProjects(db, req.partnership.id, req.actor.userId) : [];
    return { items: items.map((p) => presentProposal(p, true)) };
  });
  app.get('/api/funding/proposals/:id', { schema: { tags, summary: 'One proposal or project; signed-in readers also get its claims, progress and delays', params: IdParams, response: { 200: ProposalWithRecords } } }, async (req) => {
    const p = await loadProposal(req, (req.params as { id: string }).id);
    const inside = signedIn(req.actor);
    const pid = req.partnership.id;
    return {
      ...presentProposal(p, inside),
      claims: inside ? (await listClaims(db, pid, p.id)).map((c) => ({ id: c.id, paidOn: c.paid_on, amount: Number(c.amount_pence), payee: c.payee, reference: c.reference, evidence: c.evidence })) : [],
      progress: inside ? (await listProgress(db, pid, p.id)).map(presentProgress) : [],
      delays: inside ? (await listDelays(db, pid, p.id)).map((d) => ({ id: d.id, recordedOn: d.recorded_on, reason: d.reason, fromEndsOn: d.from_ends_on, toEndsOn: d.to_ends_on })) : [],
      evidence: inside ? (await listEvidence(db, pid, p.id)).map((e) => ({
        id: e.id, claimId: e.claim_id, progressId: e.progress_id, fileName: e.file_name, contentType: e.content_type, size: e.size, sha256: e.sha256,
        uploadedBy: e.uploaded_by_label, uploadedAt: e.created_at.toISOString(), download: `/funding/evidence/${e.id}`,
      })) : [],
    };
  });
  app.post('/api/funding/proposals/:id/moves/:move', {
    schema: { tags, summary: 'Move a proposal on: consider, endorse, approve (allocates from the pot), start, complete, withdraw or decline', params: MoveParams, body: MoveInput, response: { 200: Proposal } },
  }, async (req) => {
    const { id, move } = req.params as { id: string; move: Move };
    const p = await loadProposal(req, id);
    await moveProposal(ctx(req), p.id, move, fromApi(req.body));
    return presentProposal((await findProposal(db, req.partnership.id, p.id))!, true);
  });
  app.post('/api/funding/proposals/:id/claims', { schema: { tags, summary: 'Record a claim or invoice paid', params: IdParams, body: ClaimInput, response: { 201: Claim } } }, async (req, reply) => {
    const p = await loadProposal(req, (req.params as { id: string }).id);
    const c = await recordClaim(ctx(req), p.id, fromApi(req.body));
    return reply.code(201).send({ id: c.id, paidOn: c.paid_on, amount: Number(c.amount_pence), payee: c.payee, reference: c.reference, evidence: c.evidence });
  });
  app.post('/api/funding/proposals/:id/progress', { schema: { tags, summary: 'Record a progress return (officers, or the project\'s lead)', params: IdParams, body: ProgressInput, response: { 201: Progress } } }, async (req, reply) => {
    const p = await loadProposal(req, (req.params as { id: string }).id);
    const r = await recordProgress(ctx(req), p.id, fromApi(req.body));
    return reply.code(201).send(presentProgress(r));
  });
  app.post('/api/funding/proposals/:id/delays', { schema: { tags, summary: 'Record a delay, with the reason and the new end date', params: IdParams, body: DelayInput, response: { 201: Proposal } } }, async (req, reply) => {
    const p = await loadProposal(req, (req.params as { id: string }).id);
    await recordDelay(ctx(req), p.id, fromApi(req.body));
    return reply.code(201).send(presentProposal((await findProposal(db, req.partnership.id, p.id))!, true));
  });
  void Delay;

  await app.register(fundingReturnRoutes);
  await app.register(funderReturnRoutes);
}
