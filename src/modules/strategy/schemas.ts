// Request and response schemas of the strategy API, for validation and the OpenAPI document.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Id = Type.String({ format: 'uuid' });
const LineStatus = Type.String({ description: 'not-started, on-track, at-risk, off-track, complete, cancelled or carried-forward' });

export const IdParams = Type.Object({ id: Type.String() });
export const ListOf = <T extends TSchema>(t: T) => Type.Object({ items: Type.Array(t) });

export const Agreement = Type.Object({
  id: Id, period: Type.String({ description: 'The financial year, for example 2026-27' }), title: Type.String(), summary: Nullable(Type.String()),
  startsOn: IsoDate, endsOn: IsoDate,
  status: Type.Union([Type.Literal('draft'), Type.Literal('agreed'), Type.Literal('published'), Type.Literal('superseded')]),
  monitoringBodyId: Nullable(Id), agreedOn: Nullable(IsoDate), agreedMeetingId: Nullable(Id), agreedResolutionId: Nullable(Id),
  publishedAt: Nullable(Type.String({ format: 'date-time' })), planPublic: Type.Boolean({ description: 'The public sees the plan’s progress' }),
  refreshedFromId: Nullable(Id),
});

export const Priority = Type.Object({
  id: Id, agreementId: Id, kind: Type.Union([Type.Literal('priority'), Type.Literal('theme')]), position: Type.Integer(), title: Type.String(),
  description: Nullable(Type.String()), reasons: Nullable(Type.String({ description: 'Why: for example the strategic assessment finding behind it' })),
  leadOrganisationId: Nullable(Id), leadOrganisationName: Nullable(Type.String()), leadPersonId: Nullable(Id), leadPersonName: Nullable(Type.String()),
  carriedFromId: Nullable(Id),
  progress: Type.Optional(Type.Integer({ description: 'Rolled up from its objectives, 0-100' })), status: Type.Optional(Nullable(LineStatus)),
});

export const AgreementWithPriorities = Type.Composite([Agreement, Type.Object({ priorities: Type.Array(Priority), themes: Type.Array(Priority) })]);

export const AgreementInput = Type.Object({
  period: Type.String({ description: 'A financial year, for example 2026-27' }), title: Type.String(),
  summary: Type.Optional(Nullable(Type.String())), monitoringBodyId: Type.Optional(Nullable(Type.String())),
});
export const AgreeInput = Type.Object({
  agreedOn: Type.String({ description: 'YYYY-MM-DD' }),
  resolutionId: Type.Optional(Nullable(Type.String({ description: 'The resolution of the meeting that agreed it, from minutes held in public' }))),
});
export const PriorityInput = Type.Object({
  kind: Type.String({ description: 'priority or theme' }), title: Type.String(), description: Type.Optional(Nullable(Type.String())),
  reasons: Type.Optional(Nullable(Type.String())), leadOrganisationId: Type.Optional(Nullable(Type.String())), leadPersonId: Type.Optional(Nullable(Type.String())),
});

export const PlanLine = Type.Object({
  id: Id, agreementId: Id, priorityId: Id, parentId: Nullable(Id),
  level: Type.Union([Type.Literal('objective'), Type.Literal('action'), Type.Literal('sub-action')]),
  ref: Type.String({ description: 'The plan’s own reference, for example 2.1.3' }), title: Type.String(), description: Nullable(Type.String()),
  leadOrganisationId: Nullable(Id), leadOrganisationName: Nullable(Type.String()), ownerPersonId: Nullable(Id), ownerName: Nullable(Type.String()),
  partners: Nullable(Type.String()), startsOn: Nullable(IsoDate), dueOn: Nullable(IsoDate),
  status: LineStatus, progress: Type.Integer(), weight: Type.Integer(),
  statusOverride: Nullable(LineStatus), statusOverrideReason: Nullable(Type.String()),
  rolledUp: Type.Object({
    progress: Type.Integer({ description: 'The weighted average of the children’s, or its own for a leaf' }),
    status: LineStatus, derivedStatus: Nullable(LineStatus), overridden: Type.Boolean(),
  }),
  overdue: Type.Boolean(), restricted: Type.Boolean(), themeIds: Type.Array(Id), carriedFromId: Nullable(Id),
});

export const PlanUpdate = Type.Object({
  id: Id, onDate: IsoDate, at: Type.String({ format: 'date-time' }), author: Nullable(Type.String()), fromStatus: Nullable(LineStatus), status: LineStatus,
  fromProgress: Nullable(Type.Integer()), progress: Type.Integer(), note: Nullable(Type.String()), evidenceUrl: Nullable(Type.String()), source: Type.String(),
});
export const PlanLineWithUpdates = Type.Composite([PlanLine, Type.Object({ updates: Type.Array(PlanUpdate) })]);

const lineFields = {
  title: Type.String(), description: Type.Optional(Nullable(Type.String())), leadOrganisationId: Type.Optional(Nullable(Type.String())),
  ownerPersonId: Type.Optional(Nullable(Type.String())), partners: Type.Optional(Nullable(Type.String())),
  startsOn: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD' }))), dueOn: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD, not before startsOn' }))),
  weight: Type.Optional(Type.Integer({ description: 'Its share of the parent’s progress, 0-100 (default 1)' })), restricted: Type.Optional(Type.Boolean()),
  themeIds: Type.Optional(Type.Array(Type.String())),
};
export const LineInput = Type.Object({
  priorityId: Type.Optional(Nullable(Type.String({ description: 'For an objective: the priority it serves' }))),
  parentId: Type.Optional(Nullable(Type.String({ description: 'For an action or sub-action: the line it sits under' }))),
  ...lineFields,
});
export const LineEdit = Type.Object({
  ...lineFields, title: Type.Optional(Type.String()),
  parentId: Type.Optional(Nullable(Type.String())),
  statusOverride: Type.Optional(Nullable(Type.String({ description: 'A parent’s status set by hand; null to work it out from the children again' }))),
  statusOverrideReason: Type.Optional(Nullable(Type.String())),
});
export const UpdateInput = Type.Object({
  status: Type.Optional(Type.String()), progress: Type.Optional(Type.Integer({ description: '0-100; a fall needs a note' })),
  note: Type.Optional(Nullable(Type.String())), evidenceUrl: Type.Optional(Nullable(Type.String())), onDate: Type.Optional(Nullable(Type.String({ description: 'YYYY-MM-DD, today by default' }))),
});
export const PlanQuery = Type.Object({
  priorityId: Type.Optional(Type.String()), ownerId: Type.Optional(Type.String({ description: 'A person who owns lines, or a lead organisation' })),
  status: Type.Optional(Type.String({ description: 'open, overdue, or a status' })), themeId: Type.Optional(Type.String()),
});

export const RequestResult = Type.Object({
  messages: Type.Integer(), actions: Type.Integer(), since: IsoDate,
  failed: Type.Array(Type.Object({ to: Type.String(), error: Type.String() })),
});

export const ScrutinyQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'YYYY-MM-DD; with `to`, or both left out for the last complete financial year' })),
  to: Type.Optional(Type.String({ description: 'YYYY-MM-DD, the same as or after `from`' })),
});

const Count = Type.Integer({ minimum: 0 });
export const ScrutinyPack = Type.Object({
  from: IsoDate, to: IsoDate,
  agreements: Type.Array(Type.Object({
    id: Id, period: Type.String(), title: Type.String(), status: Type.String(), summary: Nullable(Type.String()), planPublic: Type.Boolean(),
    priorities: Type.Array(Type.Object({
      id: Id, position: Type.Integer(), title: Type.String(), description: Nullable(Type.String()), reasons: Nullable(Type.String()),
      leadOrganisationName: Nullable(Type.String()), leadPersonName: Nullable(Type.String()), progress: Type.Integer(), status: Nullable(LineStatus), objectives: Count,
    })),
    themes: Type.Array(Type.Object({ id: Id, title: Type.String(), description: Nullable(Type.String()) })),
    statusCounts: Type.Array(Type.Object({ status: LineStatus, label: Type.String(), count: Count }), { description: 'Actions and sub-actions by rolled-up status, restricted ones counted but never named' }),
    lines: Type.Array(Type.Object({ ref: Type.String(), level: Type.String(), title: Type.String(), status: LineStatus, progress: Type.Integer(), dueOn: Nullable(IsoDate) }),
      { description: 'The plan’s lines the public may read: empty unless the partnership shows its plan; never a restricted line' }),
  })),
  boards: Type.Array(Type.String()),
  boardMeetings: Type.Array(Type.Object({ meetingId: Id, meetsOn: IsoDate })),
  decisions: Type.Array(Type.Object({
    id: Id, meetingId: Id, meetsOn: IsoDate, bodyName: Type.String(), itemCode: Type.String(), itemTitle: Type.String(), minuteNumber: Nullable(Type.Integer()), text: Type.String(),
  }), { description: 'Resolutions of the board’s published minutes in the period, never of restricted business' }),
  attendance: Type.Array(Type.Object({ organisation: Type.String(), present: Count, apologies: Count, absent: Count, inAttendance: Count })),
  funding: Type.Array(Type.Object({
    grantId: Id, label: Type.String(), funderName: Type.String(), awardedPence: Count, allocatedPence: Count, unallocatedPence: Count, heldBackPence: Count, returnedPence: Count,
    outturn: Nullable(Type.Object({ on: IsoDate, spentPence: Count, returnedPence: Count, carriedForwardPence: Count })),
  })),
  reviews: Nullable(Type.Object({
    notified: Count, decidedToReview: Count, decidedNotToReview: Count, submitted: Count, findingsAccepted: Count, findingsNotAccepted: Count, published: Count,
  }, { description: 'Counts only; null when no review is kept here' })),
});

const Compared = Type.Object({
  key: Type.String({ description: 'The id of the record in the older version (a copy is matched with the record it was carried from)' }),
  title: Type.String(),
  fields: Type.Record(Type.String(), Nullable(Type.Union([Type.String(), Type.Number()]))),
});
const Difference = Type.Object({
  kind: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed'), Type.Literal('same')]),
  title: Type.String(), before: Nullable(Compared), after: Nullable(Compared),
  changedFields: Type.Array(Type.String(), { description: 'title, or the names of the fields that differ' }),
});
export const CompareQuery = Type.Object({ with: Type.Optional(Type.String({ description: 'The other agreement; by default the one this was refreshed from' })) });
export const Comparison = Type.Object({
  older: Agreement, newer: Agreement,
  priorities: Type.Array(Difference, { description: 'Priorities and themes; fields kind, description, reasons, leadOrganisationName, leadPersonName' }),
  planLines: Nullable(Type.Array(Difference, {
    description: 'The action plan’s lines this reader may read, in tree order; fields ref, level, ownerName, leadOrganisationName, startsOn, dueOn, status and progress (as shown, rolled up). Null when the plan of either version is not theirs to read',
  })),
});
