// Request and response schemas of the ModernGov connector's API, for validation and the OpenAPI document.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Id = Type.String({ format: 'uuid' });

export const IdParams = Type.Object({ id: Type.String() });
export const NameParams = Type.Object({ id: Type.String(), nameId: Type.String() });

export const Committee = Type.Object({
  remoteId: Type.Integer({ description: 'The committee id in ModernGov' }),
  title: Type.String(),
  chosen: Type.Boolean({ description: 'Whether its meetings are synced' }),
  bodyId: Nullable(Id),
  bodyName: Nullable(Type.String()),
});

export const Source = Type.Object({
  id: Id,
  name: Type.String(),
  baseUrl: Type.String({ description: 'The web service, e.g. https://democracy.example.gov.uk/mgWebService.asmx' }),
  operations: Type.Array(Type.String(), { description: 'The operations its WSDL offers' }),
  documentLimitBytes: Type.Integer(),
  mirrorSchedule: Type.Union([Type.Literal('none'), Type.Literal('daily'), Type.Literal('weekly')], { description: 'How often it is mirrored without being asked' }),
  committees: Type.Array(Committee),
});

export const SourceInput = Type.Object({
  name: Type.String(),
  base_url: Type.String({ description: "The web service's address; its WSDL is read to check it is ModernGov" }),
  document_limit_mb: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 20 }), Type.String()])),
});

export const CommitteesInput = Type.Object({
  committees: Type.Array(Type.Object({ remoteId: Type.Integer(), bodyId: Nullable(Type.String({ description: 'The body its meetings go into; null: not synced' })) })),
});

export const SyncInput = Type.Object({
  mode: Type.Union([Type.Literal('migrate'), Type.Literal('mirror')], { description: 'migrate: import drafts a clerk checks and accepts; mirror: the meetings kept in step' }),
  from: Type.String({ format: 'date', description: 'YYYY-MM-DD: the first date of meetings to sync' }),
  to: Type.String({ format: 'date', description: 'YYYY-MM-DD: the last date' }),
  overwrite: Type.Optional(Type.Boolean({ description: "Mirror only: apply ModernGov's changes even to meetings changed here since the last sync (each listed in the log). Default false: such meetings are held back" })),
});

const Count = Type.Integer({ minimum: 0 });
export const Run = Type.Object({
  id: Id,
  sourceId: Id,
  mode: Type.String(),
  overwrite: Type.Boolean(),
  status: Type.Union([Type.Literal('running'), Type.Literal('finished'), Type.Literal('failed'), Type.Literal('interrupted')]),
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  progress: Type.Object({
    committees: Type.Object({ done: Count, total: Count }),
    meetings: Type.Object({ done: Count, total: Count }),
    documents: Type.Object({ done: Count, total: Count }),
  }),
  tally: Type.Record(Type.String(), Type.Integer(), { description: 'meetingsCreated, meetingsUpdated, meetingsUnchanged, meetingsHeldBack, meetingsQueued, items, documents, documentsRefused, attendees, doubtfulNames' }),
  failure: Nullable(Type.String()),
  importJobId: Nullable(Id),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  log: Type.Optional(Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), level: Type.String(), message: Type.String() }))),
});

export const DoubtfulName = Type.Object({
  id: Id,
  printedName: Type.String(),
  candidates: Type.Array(Type.Object({ id: Id, name: Type.String() })),
  personId: Nullable(Id),
  settled: Type.Boolean(),
});

export const NameInput = Type.Object({ personId: Nullable(Type.String({ description: 'Who the name is; null: nobody in the record' })) });

export const ScheduleInput = Type.Object({ mirror_schedule: Type.Union([Type.Literal('none'), Type.Literal('daily'), Type.Literal('weekly')]) });
