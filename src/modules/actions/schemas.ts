// Request and response schemas of the actions API, for validation and the OpenAPI document.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Id = Type.String({ format: 'uuid' });
const Status = Type.Union([Type.Literal('open'), Type.Literal('in-progress'), Type.Literal('done'), Type.Literal('dropped')]);

export const IdParams = Type.Object({ id: Type.String() });

export const Action = Type.Object({
  id: Id,
  bodyId: Id,
  bodyName: Type.String(),
  meetingId: Nullable(Id),
  sourceKind: Nullable(Type.String({ description: 'minute-paragraph, resolution or manual' })),
  sourceId: Nullable(Id),
  sourceText: Nullable(Type.String({ description: 'The words of the minutes the action comes from' })),
  description: Type.String(),
  owner: Type.Object({ kind: Type.Union([Type.Literal('person'), Type.Literal('organisation')]), id: Id, name: Type.String() }),
  ownerPersonId: Nullable(Id),
  ownerOrganisationId: Nullable(Id),
  dueOn: IsoDate,
  status: Status,
  overdue: Type.Boolean({ description: 'Due before today and neither done nor dropped' }),
  restricted: Type.Boolean({ description: 'From business held without press and public' }),
});

export const MatterArising = Type.Composite([Action, Type.Object({
  dueAtMeeting: Type.Union([Type.Literal('overdue'), Type.Literal('due-before-meeting'), Type.Literal('due-on-the-day'), Type.Literal('due-later')], {
    description: 'How the action stands for the meeting: overdue only once its due date has passed; due before the meeting while there is still time',
  }),
  dueWording: Type.String({ description: 'As the agenda prints it, for example “due before the meeting (10 March 2026)”' }),
})]);

export const ActionUpdate = Type.Object({
  id: Id,
  at: Type.String({ format: 'date-time' }),
  author: Type.String(),
  note: Nullable(Type.String()),
  fromStatus: Nullable(Status),
  toStatus: Status,
  fromDueOn: Nullable(IsoDate),
  toDueOn: Nullable(IsoDate),
});

export const ActionWithUpdates = Type.Composite([Action, Type.Object({ updates: Type.Array(ActionUpdate) })]);

export const ActionInput = Type.Object({
  bodyId: Type.String({ description: 'The body that agreed the action' }),
  description: Type.String({ description: 'What is to be done' }),
  ownerPersonId: Type.Optional(Nullable(Type.String({ description: 'A person who owns the action; give this or ownerOrganisationId' }))),
  ownerOrganisationId: Type.Optional(Nullable(Type.String({ description: 'An organisation that owns the action; give this or ownerPersonId' }))),
  dueOn: Type.String({ description: 'YYYY-MM-DD, today or later' }),
  meetingId: Type.Optional(Nullable(Type.String({ description: 'The meeting that agreed it' }))),
  sourceKind: Type.Optional(Nullable(Type.String({ description: 'minute-paragraph, resolution or manual (the default)' }))),
  sourceId: Type.Optional(Nullable(Type.String({ description: 'The minute paragraph or resolution, by id' }))),
  sourceText: Type.Optional(Nullable(Type.String({ description: 'The words of the minutes, quoted' }))),
  restricted: Type.Optional(Type.Boolean({ description: 'From restricted business; defaults to true for a review panel, else false' })),
});

export const ActionUpdateInput = Type.Object({
  status: Type.Optional(Type.String({ description: 'open, in-progress, done or dropped; omit to keep the status' })),
  note: Type.Optional(Nullable(Type.String())),
  dueOn: Type.Optional(Nullable(Type.String({ description: 'A new due date, YYYY-MM-DD' }))),
});

export const ActionsQuery = Type.Object({
  bodyId: Type.Optional(Type.String()),
  ownerPersonId: Type.Optional(Type.String()),
  ownerOrganisationId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String({ description: 'outstanding (the default: open and in progress), overdue, open, in-progress, done, dropped or all' })),
  mine: Type.Optional(Type.Boolean({ description: 'Only the actions of the signed-in person' })),
});

export const MattersArisingQuery = Type.Object({
  asOf: Type.Optional(Type.String({ description: 'YYYY-MM-DD: the date of the meeting; defaults to today' })),
});

export const ReminderResult = Type.Object({
  messages: Type.Integer(), actions: Type.Integer(),
  failed: Type.Array(Type.Object({ to: Type.String(), error: Type.String() })),
});

export const ListOf = <T extends TSchema>(t: T) => Type.Object({ items: Type.Array(t) });
