// Request and response schemas of the meetings API, for validation and the OpenAPI document.
// The shapes follow the Open Civic Data event closely enough to export later: a meeting
// is an event, its agenda items carry their code and order, papers are its documents.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Id = Type.String({ format: 'uuid' });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Time = Type.String({ description: 'HH:MM, 24-hour local time' });
const Instant = Type.String({ format: 'date-time' });
const OptText = Type.Optional(Nullable(Type.String()));

export const IdParams = Type.Object({ id: Type.String() });
export const ItemParams = Type.Object({ id: Type.String(), itemId: Type.String() });
export const PaperParams = Type.Object({ id: Type.String(), paperId: Type.String() });
export const RecordParams = Type.Object({ id: Type.String(), recordId: Type.String() });
export const ListOf = <T extends TSchema>(t: T) => Type.Object({ items: Type.Array(t) });

export const MeetingSummary = Type.Object({
  id: Id, bodyId: Id, bodyName: Type.String(), date: IsoDate, startTime: Time, endTime: Nullable(Time),
  venue: Nullable(Type.String()), online: Type.Boolean(), status: Type.String({ description: 'scheduled, agenda-published, held, minutes-draft, minutes-approved or cancelled' }),
  statusLabel: Type.String(), agendaPublishedAt: Nullable(Instant), minutesPublishedAt: Nullable(Instant), minutesApprovedAt: Nullable(Instant),
  cancelledReason: Nullable(Type.String()), url: Type.String(),
  agendaSupplementedAt: Nullable(Instant), minutesAmendedAt: Nullable(Instant),
});

export const Paper = Type.Object({
  id: Id, title: Type.String(), fileName: Type.String(), mediaType: Type.String(), byteSize: Type.Integer(),
  sha256: Type.String(), pageCount: Nullable(Type.Integer()), restricted: Type.Boolean(), url: Type.String(),
  supplement: Nullable(Type.Integer({ description: 'The supplementary agenda that published this late paper' })),
  pending: Type.Boolean({ description: 'Added to the published agenda and not yet published by a supplementary agenda' }),
});

export const AgendaItem = Type.Object({
  id: Id, code: Type.String({ description: 'A1, B2 ...' }), order: Type.Integer({ description: 'Place on the whole agenda, from 1' }),
  sectionCode: Type.String(), title: Type.String(), description: Nullable(Type.String()), kind: Type.String(),
  presenter: Nullable(Type.String()), presenterPersonId: Nullable(Id), restricted: Type.Boolean(),
  exemptionParagraph: Nullable(Type.Integer({ description: 'Of a restricted item: the paragraph (1-7) of Part 1 of Schedule 12A to the Local Government Act 1972 it is exempt under' })),
  minuted: Type.Boolean(),
  minuteNumber: Nullable(Type.Integer()),
  minutePrinted: Nullable(Type.String({ description: 'The minute number as printed where it is not a whole number: 24/31, 5.1' })), previousMeetingId: Nullable(Id), electionId: Nullable(Id), papers: Type.Array(Paper),
  generatedText: Nullable(Type.String({ description: 'For the dates of future meetings: the words worked out from the schedule' })),
  paperExpected: Type.Boolean({ description: 'The item needs a paper: publishing warns while none is attached' }),
  supplement: Nullable(Type.Integer({ description: 'The supplementary agenda that published this late item' })),
  pending: Type.Boolean({ description: 'Added to the published agenda and not yet published by a supplementary agenda' }),
});

export const Section = Type.Object({
  code: Type.String(), title: Type.String(), restricted: Type.Boolean(), exemptionReason: Nullable(Type.String()), items: Type.Array(AgendaItem),
  withheldItems: Type.Array(Type.Object({ code: Type.String(), exemptionParagraph: Nullable(Type.Integer()), notice: Type.String() }), {
    description: 'Restricted items this reader may not read: held without press and public, with the paragraph of Schedule 12A; never their titles or papers',
  }),
});

export const Attendee = Type.Object({
  id: Id, kind: Type.String({ description: 'present, in-attendance, also-present, apologies, absent' }), personId: Nullable(Id),
  name: Type.String(), capacity: Nullable(Type.String()), mode: Nullable(Type.String({ description: 'in-person or virtual' })),
  substituteForPersonId: Nullable(Id), substituteFor: Nullable(Type.String()),
});

export const Paragraph = Type.Object({ id: Id, number: Type.Integer(), text: Type.String() });
export const Resolution = Type.Object({ id: Id, label: Type.String(), text: Type.String({ description: 'The words after RESOLVED' }), confirmsMeetingId: Nullable(Id) });
export const Declaration = Type.Object({ id: Id, personId: Id, personName: Type.String(), interest: Type.String() });
export const Amendment = Type.Object({
  id: Id, recordType: Type.String(), recordId: Id, before: Type.String(), after: Type.String(), reason: Type.String(), amendedBy: Type.String(), amendedAt: Instant,
});

export const Minute = Type.Object({
  itemId: Id, code: Type.String(), minuteNumber: Nullable(Type.Integer()),
  minutePrinted: Nullable(Type.String({ description: 'The minute number as printed where it is not a whole number: 24/31, 5.1' })), title: Type.String(), restricted: Type.Boolean(),
  paragraphs: Type.Array(Paragraph), resolutions: Type.Array(Resolution), declarations: Type.Array(Declaration),
});

export const Publication = Type.Object({
  id: Id, kind: Type.String({ description: 'agenda, supplement, minutes, agenda-withdrawn or minutes-withdrawn' }),
  number: Nullable(Type.Integer({ description: 'Of a supplementary agenda' })), reason: Nullable(Type.String({ description: 'Of a withdrawal' })),
  publishedAt: Instant, publishedBy: Type.String(),
});

export const MeetingDetail = Type.Composite([MeetingSummary, Type.Object({
  contactPersonId: Nullable(Id), contactName: Nullable(Type.String()),
  publications: Type.Array(Publication, { description: 'Every publication and withdrawal, oldest first' }),
  agenda: Type.Union([Type.Object({ published: Type.Boolean(), sections: Type.Array(Section) }), Type.Null()], { description: 'null until published, for readers who are not signed in' }),
  attendance: Type.Array(Attendee),
  minutes: Nullable(Type.Object({ draft: Type.Boolean(), range: Type.String(), items: Type.Array(Minute), amendments: Type.Array(Amendment) })),
})]);

export const MeetingsQuery = Type.Object({
  bodyId: Type.Optional(Type.String({ description: 'Only the meetings of this body' })),
  when: Type.Optional(Type.String({ description: 'upcoming (default: both), past' })),
});

export const MeetingInput = Type.Object({
  meetsOn: Type.String({ description: 'YYYY-MM-DD' }), startsAt: Type.String({ description: '10:00, 10am or 2.30pm' }), endsAt: OptText,
  venue: OptText, online: Type.Optional(Type.Boolean()), contactPersonId: OptText,
  joiningUrl: Type.Optional(Type.Union([Type.String({ description: 'For an online meeting: the https:// link to join' }), Type.Null()])),
});
export const CancelInput = Type.Object({ cancelledReason: Type.String() });

export const AgendaItemInput = Type.Object({
  sectionId: Type.String({ description: 'A section of this meeting (see GET /api/meetings/{id}/sections)' }), title: Type.String(), description: OptText,
  kind: Type.Optional(Type.String({ description: 'business (default), introduction, apologies, declarations, previous-minutes, matters-arising, election, future-dates' })),
  presenterPersonId: OptText, presenterName: OptText,
  code: Type.Optional(Nullable(Type.String({ description: 'Leave out to number automatically; a code given is kept' }))),
  minuted: Type.Optional(Type.Boolean()), minuteNumber: Type.Optional(Nullable(Type.Integer())),
  exemptionParagraph: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 7, description: 'For an item in a restricted section: the paragraph of Schedule 12A (default: the one its section names, else 1)' }))),
  paperExpected: Type.Optional(Type.Boolean({ description: 'The item needs a paper (a report)' })),
});
export const MoveInput = Type.Object({ direction: Type.Union([Type.Literal('up'), Type.Literal('down')]) });
export const MeetingSection = Type.Object({ id: Id, code: Type.String(), title: Type.String(), restricted: Type.Boolean(), exemptionReason: Nullable(Type.String()) });

export const AttendanceInput = Type.Object({
  kind: Type.String({ description: 'present, in-attendance, also-present, apologies, absent' }), personId: OptText, name: OptText, capacity: OptText,
  mode: OptText, substituteForPersonId: OptText,
});
export const DeclarationInput = Type.Object({ personId: Type.String(), interest: Type.String() });
export const TextInput = Type.Object({ text: Type.String() });
export const ConfirmInput = Type.Object({ subjectTo: OptText });
export const AmendmentInput = Type.Object({
  recordType: Type.String({ description: 'minute-paragraph or resolution' }), recordId: Type.String(), text: Type.String(), reason: Type.String(),
});
export const ElectionLinkInput = Type.Object({ electionId: Type.Union([Type.String(), Type.Null()]) });
export const PaperJsonInput = Type.Object({
  fileName: Type.String(), title: OptText, contentBase64: Type.String({ description: 'The file, base64; or send multipart/form-data with a `file` part' }),
});

export const SectionDefault = Type.Object({
  id: Id, code: Type.String(), title: Type.String(), restricted: Type.Boolean(), exemptionReason: Nullable(Type.String()), position: Type.Integer(),
});
export const SectionDefaultInput = Type.Object({
  code: Type.String(), title: Type.String(), restricted: Type.Optional(Type.Boolean()), exemptionReason: OptText, position: Type.Optional(Type.Integer()),
});
export const BodySettings = Type.Object({
  bodyId: Id, firstMinuteNumber: Type.Integer(),
  standingItems: Type.Array(Type.Object({ id: Id, sectionCode: Type.String(), title: Type.String(), kind: Type.String() })),
});
export const BodySettingsInput = Type.Object({ firstMinuteNumber: Type.Integer({ minimum: 1 }) });
export const StandingItemInput = Type.Object({ sectionCode: Type.String(), title: Type.String(), kind: Type.Optional(Type.String()) });
export const Created = Type.Object({ id: Id });

export const PublishInput = Type.Object({
  confirmWarnings: Type.Optional(Type.Boolean({ description: 'Publish although the check gives warnings (never when it gives errors)' })),
});
export const WithdrawInput = Type.Object({ reason: Type.String({ description: 'Why it is withdrawn: shown with the meeting' }) });
const CheckProblem = Type.Object({ code: Type.String(), message: Type.String(), itemId: Nullable(Id) });
export const PublicationCheckResult = Type.Object({
  event: Type.String({ description: 'agenda, supplement or minutes' }),
  refused: Nullable(Type.String({ description: 'Why this cannot be published at all now (already published, nothing written ...)' })),
  canPublish: Type.Boolean({ description: 'No errors: publishing is allowed (with confirmWarnings when there are warnings)' }),
  errors: Type.Array(CheckProblem), warnings: Type.Array(CheckProblem),
});
export const CheckQuery = Type.Object({ event: Type.Union([Type.Literal('agenda'), Type.Literal('supplement'), Type.Literal('minutes')]) });
