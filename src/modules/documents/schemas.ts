// Request and response schemas of the import API, for validation and the OpenAPI document.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Id = Type.String({ format: 'uuid' });
const IsoDate = Type.String({ description: 'YYYY-MM-DD' });

export const IdParams = Type.Object({ id: Type.String() });

export const JobFile = Type.Object({
  position: Type.Integer(),
  fileName: Type.String({ description: 'As uploaded; a path inside a .zip' }),
  byteSize: Type.Integer(),
  sha256: Type.String(),
  status: Type.String({ description: 'queued, reading, read, failed or duplicate' }),
  errorCode: Nullable(Type.String({ description: 'For a failure: empty, not-text, no-text-layer, encrypted, corrupt, truncated, zip-bomb, too-large, timeout ...' })),
  message: Nullable(Type.String({ description: 'Why it failed, or what it duplicates, naming the file' })),
  importId: Nullable(Id),
  duplicateOf: Nullable(Id),
});

export const Job = Type.Object({
  id: Id,
  title: Type.String(),
  status: Type.String({ description: 'queued, running or done' }),
  total: Type.Integer(),
  read: Type.Integer({ description: 'Files read into a draft' }),
  failed: Type.Integer(),
  duplicates: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  files: Type.Array(JobFile),
});

const Attendee = Type.Object({
  include: Type.Boolean(), name: Type.String(), role: Nullable(Type.String()),
  kind: Type.Union([Type.Literal('present'), Type.Literal('in-attendance'), Type.Literal('also-present'), Type.Literal('apologies')]),
});
const Action = Type.Object({ include: Type.Boolean(), owner: Type.String(), text: Type.String(), due: Nullable(IsoDate) });
const Item = Type.Object({
  include: Type.Boolean(),
  minuteNumber: Nullable(Type.String({ description: 'As printed: 41, 24/31, 16/09/6/18vii, 5.1' })),
  code: Nullable(Type.String({ description: 'Agenda code: a section letter and a number, such as B2' })),
  title: Type.String(),
  restricted: Type.Boolean({ description: 'Held without the press and public' }),
  pages: Nullable(Type.String()),
  resolutions: Type.Array(Type.String()),
  actions: Type.Array(Action),
  paragraphs: Type.Optional(Type.Array(Type.String(), { description: 'Minute paragraphs other than resolutions (read only)' })),
  description: Nullable(Type.String()),
});
export const DraftMeeting = Type.Object({
  include: Type.Boolean(),
  role: Type.Union([Type.Literal('minutes'), Type.Literal('agenda')]),
  date: Nullable(IsoDate),
  startTime: Nullable(Type.String({ description: '"10:00", "2.30pm"' })),
  venue: Nullable(Type.String()),
  online: Type.Boolean(),
  attendees: Type.Array(Attendee),
  items: Type.Array(Item),
});
export const Draft = Type.Object({
  bodyName: Nullable(Type.String({ description: 'The body as the document names it' })),
  bodyId: Nullable(Id),
  meetings: Type.Array(DraftMeeting),
  newPeople: Type.Array(Type.String(), { description: 'Printed names confirmed as new people (the keys given in unknownNames)' }),
  notes: Type.Array(Type.String()),
});

export const ImportDetail = Type.Object({
  id: Id,
  status: Type.String({ description: 'draft, accepted or discarded' }),
  fileName: Type.String(),
  sha256: Type.String(),
  format: Type.String(),
  jobId: Nullable(Id),
  meetingIds: Type.Array(Id, { description: 'The meetings it became, once accepted' }),
  reading: Type.Unknown({ description: 'The reading as the importer gave it: the shape of golden/SCHEMA.md' }),
  draft: Draft,
  unknownNames: Type.Array(Type.Object({ name: Type.String(), key: Type.String(), confirmed: Type.Boolean() }), { description: 'Names not linked to anyone in the record' }),
  text: Type.String({ description: 'The extracted text' }),
});

export const AcceptInput = Type.Object({
  bodyId: Type.Optional(Nullable(Type.String())),
  newPeople: Type.Optional(Type.Array(Type.String())),
  meetings: Type.Optional(Type.Array(DraftMeeting)),
}, { description: 'Corrections: any part given replaces the saved draft’s' });

export const Accepted = Type.Object({ id: Id, meetingIds: Type.Array(Id), newPeople: Type.Integer() });
export const JobCreated = Type.Object({ id: Id, status: Type.String(), total: Type.Integer(), url: Type.String() });
