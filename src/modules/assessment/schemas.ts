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

export const Dataset = Type.Object({
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

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const Section = Type.Object({
  id: Type.String({ format: 'uuid' }), assessmentId: Type.String({ format: 'uuid' }), position: Type.Integer(), title: Type.String(), body: Type.String({ description: 'The analyst’s text: paragraphs split by a blank line' }),
  content: Type.String({ description: 'text, analysis, returns or matrix' }), analysisView: Nullable(Type.String({ description: 'trend, change, rates, places or outcomes' })),
  areaId: Nullable(Type.String()), category: Nullable(Type.String()), showCharts: Type.Boolean(), showTables: Type.Boolean(), updatedAt: Type.String({ format: 'date-time' }),
});
export const Sections = Type.Object({ items: Type.Array(Section) });
export const SectionInput = Type.Object({
  title: Type.String(), body: Type.Optional(Type.String()),
  content: Type.String({ description: 'text (the analyst’s words only), analysis (an analysis page’s charts and tables), returns (received and missing) or matrix (the scoring matrix)' }),
  analysisView: Type.Optional(Nullable(Type.String({ description: 'For content analysis: trend, change, rates, places or outcomes' }))),
  areaId: Type.Optional(Nullable(Type.String({ description: 'An area id; none: the whole partnership' }))),
  category: Type.Optional(Nullable(Type.String({ description: "A crime type by today's name; none: all crime" }))),
  showCharts: Type.Optional(Type.Boolean({ description: 'Print the page’s charts (default true)' })), showTables: Type.Optional(Type.Boolean({ description: 'Print the page’s tables (default true)' })),
});
export const MoveInput = Type.Object({ direction: Type.Union([Type.Literal('up'), Type.Literal('down')]) });

export const AssessmentInput = Type.Object({
  kind: Type.String({ description: 'strategic or serious-violence (restricted by default)' }), year: Type.Integer(), title: Type.Optional(Type.String()),
  bodyId: Type.Optional(Nullable(Type.String({ description: 'For a restricted assessment: the body whose restricted business may read it' }))),
  requestsBy: Type.String({ format: 'date' }), dataDueOn: Type.String({ format: 'date' }), draftBy: Type.String({ format: 'date' }), agreedBy: Type.String({ format: 'date' }),
  remindDaysBefore: Type.Optional(Type.Integer()), chaseEveryDays: Type.Optional(Type.Integer()),
});
export const DatasetInput = Type.Object({
  organisationId: Type.String({ format: 'uuid' }), name: Type.String(), description: Type.Optional(Nullable(Type.String())), period: Type.String(), format: Type.String(),
  dueOn: Type.Optional(Nullable(Type.String({ format: 'date', description: 'Default: the assessment’s data due date' }))), contactName: Type.String(), contactEmail: Type.String(),
});

const Problem = Type.Object({ file: Type.String(), line: Type.Union([Type.Integer(), Type.Null()]), message: Type.String() });
export const ImportJob = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.String({ description: "queued, running, done or failed ('failed': nothing was imported)" }),
  stage: Type.Union([Type.String({ description: 'While running: reading or writing' }), Type.Null()]),
  files: Type.Array(Type.Object({ name: Type.String(), size: Type.Integer() })),
  totalBytes: Type.Number(), bytesRead: Type.Number(), rowsRead: Type.Integer(), monthsRead: Type.Integer({ description: 'Months found so far' }),
  monthsWritten: Type.Union([Type.Integer(), Type.Null()]), monthsReplaced: Type.Union([Type.Integer(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]), problems: Type.Array(Problem), moreProblems: Type.Integer(), attempts: Type.Integer(),
  createdBy: Type.String(), createdAt: Type.String({ format: 'date-time' }), startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const ImportJobs = Type.Object({ items: Type.Array(ImportJob) });
