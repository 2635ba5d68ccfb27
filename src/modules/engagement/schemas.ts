// Request and response schemas of the engagement API, for validation and the OpenAPI document.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Id = Type.String({ format: 'uuid' });
const When = Type.String({ format: 'date-time' });

export const IdParams = Type.Object({ id: Type.String() });
export const ListOf = <T extends TSchema>(t: T) => Type.Object({ items: Type.Array(t) });

export const List = Type.Object({
  id: Id, name: Type.String(), description: Nullable(Type.String()), openToSignUp: Type.Boolean({ description: 'Offered on the public sign-up page' }),
  consentWording: Type.String({ description: 'The words a person agrees to when joining' }),
  subscribed: Type.Integer(), pending: Type.Integer({ description: 'Signed up, not yet confirmed by e-mail' }), unsubscribed: Type.Integer(),
});
export const ListInput = Type.Object({
  name: Type.String(), description: Type.Optional(Nullable(Type.String())), consentWording: Type.String(), openToSignUp: Type.Optional(Type.Boolean()),
});

export const Subscriber = Type.Object({
  id: Id, email: Type.String(), name: Nullable(Type.String()), organisation: Nullable(Type.String()),
  lists: Type.String({ description: 'The lists they are on, in words' }), suppressed: Nullable(Type.String({ description: 'Why the address is never e-mailed in bulk' })),
  createdAt: When,
});
export const Consent = Type.Object({
  listId: Id, listName: Type.String(), status: Type.String({ description: 'pending, subscribed or unsubscribed' }),
  method: Type.String({ description: 'sign-up, officer or import' }), at: When, wording: Type.String({ description: 'The words agreed to' }),
  source: Type.String({ description: 'The page, or the officer and basis, or the import' }), confirmedAt: Nullable(When), unsubscribedAt: Nullable(When),
});
export const SubscriberWithConsent = Type.Composite([Subscriber, Type.Object({ consent: Type.Array(Consent) })]);
export const SubscriberInput = Type.Object({
  email: Type.String(), name: Type.Optional(Nullable(Type.String())), organisation: Type.Optional(Nullable(Type.String())),
  lists: Type.Array(Type.String({ description: 'List ids' })), basis: Type.String({ description: 'The basis on which they agreed, in words' }),
});
export const SubscriberQuery = Type.Object({ list: Type.Optional(Type.String()), q: Type.Optional(Type.String({ maxLength: 100 })) });

export const ImportInput = Type.Object({
  csv: Type.String({ description: 'CSV text: a first row naming the columns email, name, organisation', maxLength: 900_000 }),
  basis: Type.String({ description: 'The basis on which the people on the list agreed' }), fileName: Type.Optional(Type.String()),
  apply: Type.Optional(Type.Boolean({ description: 'Add them (only when no row is wrong); otherwise a preview' })),
});
export const ImportResult = Type.Object({
  applied: Type.Boolean(), created: Type.Integer(),
  problems: Type.Array(Type.Object({ row: Type.Integer(), column: Type.String(), message: Type.String() })),
  rows: Type.Array(Type.Object({ row: Type.Integer(), email: Type.String(), name: Nullable(Type.String()), organisation: Nullable(Type.String()), outcome: Type.String({ description: 'add, already or suppressed' }) })),
});
export const Suppression = Type.Object({ email: Type.String(), reason: Type.String(), detail: Nullable(Type.String()), createdAt: When });

export const Issue = Type.Object({
  id: Id, number: Type.Integer(), title: Type.String(), introduction: Nullable(Type.String()),
  status: Type.String({ description: 'draft, scheduled, sending or sent' }), listId: Id, sentAt: Nullable(When),
  scheduledFor: Type.Optional(Nullable(When)),
});
export const ScheduleInput = Type.Object({ date: Type.String({ description: 'YYYY-MM-DD' }), time: Type.String({ description: 'HH:MM, UK time' }) });
export const IssueInput = Type.Object({ title: Type.String(), listId: Type.String(), introduction: Type.Optional(Nullable(Type.String())) });
export const Figures = Type.Object({
  recipients: Type.Integer(), waiting: Type.Integer({ description: 'Not yet sent' }), sent: Type.Integer({ description: 'Accepted by the mail server' }),
  delivered: Type.Integer({ description: 'Sent, less those that bounced afterwards' }), bounced: Type.Integer(), failed: Type.Integer(),
  suppressed: Type.Integer({ description: 'Not sent: the address was suppressed before its turn' }), unsubscribed: Type.Integer({ description: 'Unsubscribed from a link in this issue' }),
});
export const Article = Type.Object({
  id: Id, section: Type.String(), title: Type.String(), body: Type.String({ description: 'Paragraphs, **bold** and [words](address) links' }),
  linkUrl: Nullable(Type.String()), linkLabel: Nullable(Type.String()), imageUrl: Nullable(Type.String()), imageAlt: Nullable(Type.String()),
});
export const IssueWithArticles = Type.Composite([Issue, Type.Object({ figures: Figures, articles: Type.Array(Article) })]);
export const ArticleInput = Type.Object({
  section: Type.String(), title: Type.String(), body: Type.String(), linkUrl: Type.Optional(Nullable(Type.String())), linkLabel: Type.Optional(Nullable(Type.String())),
  imageUrl: Type.Optional(Nullable(Type.String())), imageAlt: Type.Optional(Nullable(Type.String())),
});
export const Created = Type.Object({ id: Id });
export const SendResult = Type.Object({ recipients: Type.Integer({ description: 'Rows written to the outbox' }) });
export const DsnInput = Type.Object({ message: Type.String({ description: 'The whole message as received, headers included', maxLength: 900_000 }) });
export const DsnResult = Type.Object({
  issueId: Nullable(Id),
  recipients: Type.Array(Type.Object({ email: Type.String(), kind: Nullable(Type.String()), status: Type.String(), suppressed: Type.Boolean() })),
});

// Information sessions.
export const PublicSession = Type.Object({
  id: Id, topic: Type.String(), description: Nullable(Type.String()), speakers: Nullable(Type.String()), startsAt: When, endsAt: When,
  when: Type.String({ description: 'In words, UK time, with the weekday' }), where: Type.String({ description: 'The venue, or "Online": never the joining link' }),
  online: Type.Boolean(), audience: Type.String({ description: 'partners or public' }), capacity: Type.Integer(), placesLeft: Type.Integer(),
  registration: Type.String({ description: 'not-yet-open, open or closed' }), registrationOpensAt: When, registrationClosesAt: When,
  cancelled: Type.Boolean({ description: 'Called off by the organiser; nobody can register' }), cancellationReason: Nullable(Type.String()),
});
export const OfficerSession = Type.Composite([PublicSession, Type.Object({
  venue: Nullable(Type.String()), onlineLink: Nullable(Type.String({ description: 'E-mailed only to those with a place' })),
  registered: Type.Integer({ description: 'With a place' }), waiting: Type.Integer({ description: 'On the waiting list' }), attended: Type.Integer(),
})]);
export const SessionWithRegistrations = Type.Composite([OfficerSession, Type.Object({
  registrations: Type.Array(Type.Object({
    id: Id, name: Type.String(), email: Type.String(), organisation: Nullable(Type.String()), status: Type.String({ description: 'registered, waiting or cancelled' }),
    attended: Nullable(Type.Boolean()), registeredAt: When,
  })),
})]);
export const SessionCancelInput = Type.Object({ reason: Type.String({ description: 'Why: e-mailed to everyone registered or waiting, and shown on the page' }) });
export const SessionCancelResult = Type.Object({ id: Id, told: Type.Integer({ description: 'People e-mailed' }), notTold: Type.Integer({ description: 'People whose e-mail could not be sent' }) });
export const RegistrationParams = Type.Object({ id: Type.String(), registrationId: Type.String() });
export const RegistrationCancelInput = Type.Object({
  reason: Type.String({ description: 'Kept in the audit log' }), tell: Type.Optional(Type.Boolean({ description: 'E-mail the person (default true)' })),
});
export const RegistrationCancelResult = Type.Object({ promoted: Type.Integer({ description: 'People moved up from the waiting list' }), told: Type.Boolean() });
export const SessionInput = Type.Object({
  topic: Type.String(), description: Type.Optional(Nullable(Type.String())), speakers: Type.Optional(Nullable(Type.String())),
  date: Type.String({ description: 'UK date, YYYY-MM-DD' }), startTime: Type.String({ description: 'UK time, HH:MM' }), endTime: Type.String({ description: 'UK time, HH:MM' }),
  venue: Type.Optional(Nullable(Type.String())), onlineLink: Type.Optional(Nullable(Type.String({ description: 'https://; e-mailed only to those with a place' }))),
  capacity: Type.Integer({ minimum: 1 }), audience: Type.Union([Type.Literal('partners'), Type.Literal('public')]),
  registrationOpens: Type.Optional(Nullable(Type.String({ description: 'UK date, YYYY-MM-DD; today when left out' }))),
  registrationCloses: Type.Optional(Nullable(Type.String({ description: 'UK date, YYYY-MM-DD; the session’s start when left out' }))),
});
export const AttendanceInput = Type.Object({ attended: Type.Array(Type.String({ description: 'Registration ids' })) });
export const AttendanceResult = Type.Object({ attended: Type.Integer(), places: Type.Integer() });
export const InviteQuery = Type.Object({ invite: Type.Optional(Type.String({ description: 'The partners link’s token, for a partners session' })) });
export const RegistrationInput = Type.Object({
  name: Type.String(), email: Type.String(), organisation: Type.Optional(Nullable(Type.String())), invite: Type.Optional(Type.String({ description: 'The partners link’s token, for a partners session' })),
});
export const RegistrationResult = Type.Object({ status: Type.String({ description: 'registered (a place) or waiting' }) });
export const YearQuery = Type.Object({ year: Type.Optional(Type.String({ description: 'A year, e.g. 2026; this year when left out' })) });
export const YearReport = Type.Object({
  year: Type.Integer(),
  sessions: Type.Array(Type.Object({ id: Id, topic: Type.String(), startsAt: When, registered: Type.Integer(), waiting: Type.Integer(), attended: Type.Integer(), feedback: Type.Integer({ description: 'Feedback answers' }) })),
  organisations: Type.Array(Type.Object({
    organisation: Type.String({ description: 'The directory\'s name when what registrants typed matches it, else the spelling most typed; "Not given" when blank' }),
    spellings: Type.Array(Type.String(), { description: 'Every spelling typed that was counted under it (case, spacing, punctuation, "&" and a leading "The" ignored)' }),
    places: Type.Integer({ description: 'Places taken' }),
    attended: Type.Integer({ description: 'People who attended' }), sessions: Type.Integer({ description: 'Sessions its people attended' }),
  })),
});
