// Request and response schemas of the funding API, for validation and the OpenAPI document.
// Amounts in requests are pounds as text ("1,200" or "1,200.50"), read exactly as a form's;
// amounts in responses are integer pence.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Id = Type.String({ format: 'uuid' });
const Pence = Type.Integer({ description: 'Integer pence' });
const Pounds = (description: string) => Type.Union([Type.String(), Type.Number()], { description: `${description}: pounds, such as "1,200" or "1,200.50" (two figures for pence, or none)` });

export const IdParams = Type.Object({ id: Type.String() });
export const MoveParams = Type.Object({
  id: Type.String(),
  move: Type.Union(['consider', 'endorse', 'approve', 'start', 'complete', 'withdraw', 'decline'].map((m) => Type.Literal(m))),
});
export const ListOf = <T extends TSchema>(t: T) => Type.Object({ items: Type.Array(t) });

export const Ledger = Type.Object({
  awarded: Pence, allocated: Pence, unallocated: Pence, heldBack: Pence, returned: Pence,
}, { description: 'allocated + unallocated + heldBack + returned = awarded, always' });

export const Grant = Type.Object({
  id: Id,
  label: Type.String({ description: 'Programme and financial year, for example "Crime Reduction Grant 2021/22"' }),
  funder: Type.Object({ id: Id, name: Type.String() }),
  recipient: Nullable(Type.Object({ id: Id, name: Type.String() })),
  programme: Type.String(),
  financialYear: Type.String({ description: '2021/22' }),
  awardedOn: IsoDate,
  conditions: Nullable(Type.String()),
  rules: Type.Object({
    heldBackShare: Type.String({ description: 'A fraction, such as 1/3' }),
    rounding: Type.Union([Type.Literal('down'), Type.Literal('nearest'), Type.Literal('up')], { description: 'To whole pounds' }),
    lockWhileEarlierOpen: Type.Boolean(),
    unallocatedMovesOn: Nullable(IsoDate),
    underspend: Type.Union([Type.Literal('return'), Type.Literal('carry-forward')]),
  }),
  ledger: Ledger,
  outturn: Nullable(Type.Object({ on: IsoDate, spent: Pence, returned: Pence, carriedForward: Pence })),
});

export const Pots = Type.Object({
  upfront: Type.Object({ available: Pence }),
  tactical: Type.Object({
    available: Pence,
    locked: Type.Boolean(),
    heldBy: Type.Array(Type.Object({ id: Id, title: Type.String(), grant: Type.String(), status: Type.String() }), { description: 'The open projects of earlier years that lock it' }),
  }),
  unallocatedMoveDue: Type.Boolean(),
});

export const GrantWithPots = Type.Composite([Grant, Type.Object({ pots: Pots })]);

export const Proposal = Type.Object({
  id: Id,
  grantId: Id,
  grant: Type.String(),
  title: Type.String(),
  description: Type.String(),
  pot: Type.Union([Type.Literal('upfront'), Type.Literal('tactical')]),
  status: Type.String({ description: 'submitted, considered, endorsed, approved, in-delivery, complete, withdrawn or declined' }),
  leadOrganisation: Type.Object({ id: Id, name: Type.String() }),
  amountAsked: Pence,
  allocated: Pence,
  deliveryStartsOn: IsoDate,
  deliveryEndsOn: IsoDate,
  delayed: Type.Boolean(),
  approvedOn: Nullable(IsoDate),
  completedOn: Nullable(IsoDate),
  // For signed-in readers only (null for the public):
  spent: Nullable(Pence),
  reportedSpend: Nullable(Type.Integer({ description: 'The spend to date of the latest progress return that gave one, integer pence' })),
  latestUpdate: Nullable(Type.String()),
  priority: Nullable(Type.String({ description: 'The title of the agreement priority it serves' })),
  priorityId: Nullable(Id),
  measures: Nullable(Type.String()),
  submittedOn: Nullable(IsoDate),
  considered: Nullable(Type.Object({ on: IsoDate, meetingId: Nullable(Id), agendaItemId: Nullable(Id), resolutionId: Nullable(Id) })),
  endorsed: Nullable(Type.Object({ on: IsoDate, personId: Id, name: Type.String(), role: Type.String() })),
  approval: Nullable(Type.Object({ on: IsoDate, by: Type.String(), evidence: Type.String() })),
  closedReason: Nullable(Type.String()),
  underspend: Nullable(Type.Object({ amount: Pence, rule: Type.String() })),
});

export const Claim = Type.Object({ id: Id, paidOn: IsoDate, amount: Pence, payee: Type.String(), reference: Nullable(Type.String()), evidence: Nullable(Type.String()) });
export const Progress = Type.Object({
  id: Id, reportedOn: IsoDate, text: Type.String(), figures: Nullable(Type.String()), author: Type.String(),
  spendToDate: Nullable(Type.Integer({ description: 'The spend to date the lead reported, integer pence (null when the return gave none)' })),
  via: Type.Union([Type.Literal('officer'), Type.Literal('lead'), Type.Literal('link')], { description: "Recorded by the clerk's team, posted on the lead's page, or sent through the e-mailed link" }),
});
export const Delay = Type.Object({ id: Id, recordedOn: IsoDate, reason: Type.String(), fromEndsOn: IsoDate, toEndsOn: IsoDate });
export const Evidence = Type.Object({
  id: Id, claimId: Nullable(Id), progressId: Nullable(Id), fileName: Type.String(), contentType: Type.String(), size: Type.Integer(),
  sha256: Type.String({ description: 'SHA-256 of the bytes kept, in hex' }), uploadedBy: Type.String(), uploadedAt: Type.String({ format: 'date-time' }),
  download: Type.String({ description: 'Address of the file (signed-in readers; every download is audited)' }),
});
export const ProposalWithRecords = Type.Composite([Proposal, Type.Object({
  claims: Type.Array(Claim), progress: Type.Array(Progress), delays: Type.Array(Delay), evidence: Type.Array(Evidence),
})]);

export const GrantInput = Type.Object({
  funderOrganisationId: Type.String(),
  recipientOrganisationId: Type.Optional(Nullable(Type.String({ description: "The partnership's host council, which receives the money" }))),
  programme: Type.String(),
  financialYear: Type.Union([Type.Integer(), Type.String()], { description: 'The first year: 2021 for 2021/22' }),
  awarded: Pounds('The amount awarded'),
  awardedOn: Type.String({ description: 'YYYY-MM-DD' }),
  conditions: Type.Optional(Nullable(Type.String())),
  heldBackShare: Type.Optional(Type.String({ description: '1/3 (the default), 25% or 0.25' })),
  rounding: Type.Optional(Type.String({ description: 'down (the default), nearest or up: to whole pounds' })),
  lockWhileEarlierOpen: Type.Optional(Type.Boolean({ description: 'Default true' })),
  unallocatedMovesOn: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD, within the financial year' }))),
  underspendRule: Type.Optional(Type.String({ description: 'return (the default) or carry-forward' })),
});

export const GrantRulesInput = Type.Object({
  heldBackShare: Type.Optional(Type.String({ description: '1/3, 25% or 0.25' })),
  rounding: Type.Optional(Type.String({ description: 'down, nearest or up: to whole pounds' })),
  lockWhileEarlierOpen: Type.Optional(Type.Boolean()),
  unallocatedMovesOn: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD, within the financial year; null for no date' }))),
  underspendRule: Type.Optional(Type.String({ description: 'return or carry-forward' })),
}, { description: 'Fields left out keep their value' });

export const ProposalInput = Type.Object({
  title: Type.String(),
  description: Type.String(),
  pot: Type.Optional(Type.String({ description: 'upfront (the default) or tactical' })),
  amountAsked: Pounds('The amount asked for'),
  leadOrganisationId: Type.String(),
  leadContactName: Type.Optional(Nullable(Type.String())),
  leadContactEmail: Type.Optional(Nullable(Type.String())),
  priorityId: Type.Optional(Nullable(Type.String({ description: "A priority of the partnership's agreement (GET /api/strategy/agreements/{id}/priorities); another partnership's, or none, is refused" }))),
  priorityText: Type.Optional(Nullable(Type.String())),
  deliveryStartsOn: Type.String({ description: "YYYY-MM-DD, within the grant's financial year" }),
  deliveryEndsOn: Type.String(),
  measures: Type.Optional(Nullable(Type.String())),
  submittedOn: Type.Optional(Nullable(Type.String())),
});

export const MoveInput = Type.Object({
  on: Type.Optional(Type.String({ description: 'YYYY-MM-DD; defaults to today' })),
  meetingId: Type.Optional(Type.String({ description: 'consider: the Working Group meeting' })),
  agendaItemId: Type.Optional(Nullable(Type.String())),
  resolutionId: Type.Optional(Nullable(Type.String())),
  note: Type.Optional(Nullable(Type.String())),
  personId: Type.Optional(Type.String({ description: 'endorse: the chair or vice-chair' })),
  approvedBy: Type.Optional(Type.String({ description: 'approve: who approved it for the funder' })),
  evidence: Type.Optional(Type.String({ description: 'approve: the evidence' })),
  amount: Type.Optional(Pounds('approve: the amount allocated; defaults to the amount asked')),
  reason: Type.Optional(Type.String({ description: 'withdraw, decline: why' })),
});

export const ClaimInput = Type.Object({
  paidOn: Type.String(), amount: Pounds('The amount paid'), payee: Type.String(),
  reference: Type.Optional(Nullable(Type.String())), evidence: Type.Optional(Nullable(Type.String())),
});
export const ProgressInput = Type.Object({
  reportedOn: Type.Optional(Type.String()), text: Type.String(), figures: Type.Optional(Nullable(Type.String())),
  spendToDate: Type.Optional(Nullable(Pounds('The spend to date the lead reports; 0 is allowed'))),
});
export const DelayInput = Type.Object({ reason: Type.String(), newEndsOn: Type.String() });
export const OutturnInput = Type.Object({ outturnOn: Type.String({ description: 'YYYY-MM-DD, on or after the end of the financial year' }) });
