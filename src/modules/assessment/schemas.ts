// Request and response schemas of the assessment API, for validation and the OpenAPI document.
import { Type } from '@sinclair/typebox';

const Cell = Type.Union([Type.String(), Type.Number(), Type.Null()]);

export const CrimeMonth = Type.Object({
  kind: Type.String({ description: 'street, outcomes or stop-and-search' }), month: Type.String({ description: 'YYYY-MM' }), force: Type.String(),
  rows: Type.Integer(), fileName: Type.String(), sha256: Type.String(), importedAt: Type.String({ format: 'date-time' }),
});
export const CrimeMonths = Type.Object({ items: Type.Array(CrimeMonth) });

export const ImportResult = Type.Object({
  ok: Type.Boolean(), rows: Type.Optional(Type.Integer()), files: Type.Integer(), replaced: Type.Optional(Type.Integer()),
  months: Type.Optional(Type.Array(Type.Object({ kind: Type.String(), month: Type.String(), force: Type.String(), rows: Type.Integer() }))),
  problems: Type.Optional(Type.Array(Type.Object({ file: Type.String(), line: Type.Union([Type.Integer(), Type.Null()]), message: Type.String() }))),
  moreProblems: Type.Optional(Type.Integer()),
});

export const Area = Type.Object({
  id: Type.String({ format: 'uuid' }), name: Type.String(), source: Type.String({ description: 'lookup or lsoa-name' }), lsoas: Type.Integer(),
  populations: Type.Array(Type.Object({ year: Type.Integer(), population: Type.Integer(), source: Type.String() })),
});
export const Areas = Type.Object({ items: Type.Array(Area) });

export const Category = Type.Object({ published: Type.String(), category: Type.String(), note: Type.Union([Type.String(), Type.Null()]) });
export const Categories = Type.Object({ items: Type.Array(Category) });

export const ViewParams = Type.Object({ view: Type.String({ description: 'trend, change, rates, places or outcomes' }) });
export const ViewQuery = Type.Object({
  area: Type.Optional(Type.String({ description: 'An area id; none: the whole partnership' })),
  category: Type.Optional(Type.String({ description: "A crime type by today's name; none: all crime, with anti-social behaviour beside it" })),
});
export const View = Type.Object({
  from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]), notes: Type.Array(Type.String()),
  tables: Type.Array(Type.Object({ id: Type.String(), caption: Type.String(), head: Type.Array(Type.Object({ label: Type.String(), numeric: Type.Optional(Type.Boolean()) })), rows: Type.Array(Type.Array(Cell)) })),
});

const Dataset = Type.Object({
  id: Type.String({ format: 'uuid' }), organisationId: Type.String({ format: 'uuid' }), organisationName: Type.String(), name: Type.String(), description: Type.Union([Type.String(), Type.Null()]),
  period: Type.String(), format: Type.String(), dueOn: Type.String({ format: 'date' }), contactName: Type.String(),
  status: Type.String({ description: 'not-sent, sent, opened, returned or late' }), daysLate: Type.Integer(),
  events: Type.Array(Type.Object({ kind: Type.String({ description: 'sent, opened, returned, reminded or chased' }), onDate: Type.String({ format: 'date' }), by: Type.String(), note: Type.Union([Type.String(), Type.Null()]) })),
  returns: Type.Array(Type.Object({ id: Type.String({ format: 'uuid' }), version: Type.Integer(), fileName: Type.String(), size: Type.Integer(), sha256: Type.String(), receivedAt: Type.String({ format: 'date-time' }) })),
});
export const AssessmentSummary = Type.Object({
  id: Type.String({ format: 'uuid' }), year: Type.Integer(), kind: Type.String({ description: 'strategic or serious-violence' }), title: Type.String(), restricted: Type.Boolean(),
  requestsBy: Type.String({ format: 'date' }), dataDueOn: Type.String({ format: 'date' }), draftBy: Type.String({ format: 'date' }), agreedBy: Type.String({ format: 'date' }),
  remindDaysBefore: Type.Integer(), chaseEveryDays: Type.Integer(),
});
export const Assessments = Type.Object({ items: Type.Array(AssessmentSummary) });
export const AssessmentDetail = Type.Composite([AssessmentSummary, Type.Object({ datasets: Type.Array(Dataset) })]);
export const IdParams = Type.Object({ id: Type.String() });
