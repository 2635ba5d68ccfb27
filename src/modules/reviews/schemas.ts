// Request and response schemas of the reviews API, for validation and the OpenAPI document.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Id = Type.String({ format: 'uuid' });
const Text = (description: string) => Type.Optional(Nullable(Type.String({ description })));

export const IdParams = Type.Object({ id: Type.String() });
export const RecIdParams = Type.Object({ id: Type.String(), recId: Type.String() });
export const YearQuery = Type.Object({ year: Type.Optional(Type.String({ description: 'YYYY; defaults to this year' })) });
export const ListOf = <T extends TSchema>(t: T) => Type.Object({ items: Type.Array(t) });

export const CaseSummary = Type.Object({
  id: Id,
  kindCode: Type.String(),
  kindLabel: Type.String({ description: 'As the partnership names the kind, e.g. Domestic abuse related death review' }),
  kindShortLabel: Type.String(),
  pseudonym: Type.String({ description: 'How the case is known; never the real name' }),
  year: Type.Integer(),
  reference: Type.String({ description: 'Pseudonym and year, e.g. "Heron 2025"' }),
  notifiedOn: IsoDate,
  currentStage: Type.String(),
  overdueStages: Type.Array(Type.Object({ code: Type.String(), label: Type.String(), dueOn: Nullable(IsoDate), daysLate: Type.Integer() })),
  publishedOn: Nullable(IsoDate),
});

export const TimelineRow = Type.Object({
  code: Type.String(), label: Type.String(), happenedOn: Nullable(IsoDate), outcome: Nullable(Type.String()), outcomeLabel: Nullable(Type.String()),
  reasons: Nullable(Type.String()), delayReason: Nullable(Type.String()), dueOn: Nullable(IsoDate),
  state: Type.String({ description: 'done, done-late, overdue, due, waiting or not-applicable' }), daysLate: Type.Integer(),
});

export const Person = Type.Object({
  id: Id, place: Type.String(), placeLabel: Type.String(), name: Type.String(), agency: Nullable(Type.String()), hasAccount: Type.Boolean(),
  independenceDeclaredOn: Nullable(IsoDate), current: Type.Boolean(),
});

export const Recommendation = Type.Object({
  id: Id, caseId: Id, caseReference: Type.String(), number: Type.Integer(), text: Type.String(), agency: Type.String(), national: Type.Boolean(),
  agencyActions: Nullable(Type.String()), owner: Nullable(Type.String()), dueOn: Nullable(IsoDate), theme: Nullable(Type.String()), themeLabel: Nullable(Type.String()),
  status: Type.String({ description: 'open, in-progress, completed or not-accepted' }), statusLabel: Type.String(), outstanding: Type.Boolean(), overdue: Type.Boolean(),
});

export const RecommendationUpdate = Type.Object({
  id: Id, at: Type.String({ format: 'date-time' }), author: Type.String(), fromStatus: Nullable(Type.String()), toStatus: Type.String(),
  note: Nullable(Type.String()), evidence: Nullable(Type.String()),
});

export const CaseDetail = Type.Composite([CaseSummary, Type.Object({
  diedOrIncidentOn: Nullable(IsoDate), notifiedHow: Nullable(Type.String()), notifiedBy: Nullable(Type.String()),
  homeOfficeRef: Nullable(Type.String()), nhsRef: Nullable(Type.String()), policeRef: Nullable(Type.String()),
  subjectDetails: Nullable(Type.String({ description: 'The subject and the people involved: for the case’s own people only' })),
  publishedSummary: Nullable(Type.String()), publishedWhere: Nullable(Type.String()),
  timeline: Type.Array(TimelineRow), people: Type.Array(Person), themes: Type.Array(Type.String()), recommendations: Type.Array(Recommendation),
})]);

export const CaseInput = Type.Object({
  kindCode: Type.String({ description: 'dhr, dardr, sar, joint, or a kind the partnership added' }),
  pseudonym: Type.String({ description: 'Never the real name' }),
  year: Type.Union([Type.String(), Type.Integer()]),
  notifiedOn: Type.String({ description: 'YYYY-MM-DD, today or earlier' }),
  diedOrIncidentOn: Text('YYYY-MM-DD, on or before notification'),
  notifiedHow: Text('How the partnership was notified'), notifiedBy: Text('Who notified it'),
  homeOfficeRef: Text('Home Office reference'), nhsRef: Text('NHS tracker reference'), policeRef: Text('Police reference'),
  subjectDetails: Text('The subject and the people involved'),
});

export const StageInput = Type.Object({
  stage: Type.String({ description: 'A stage code of the case’s kind (see the timeline)' }),
  happenedOn: Type.String({ description: 'YYYY-MM-DD' }),
  outcome: Text('For the decision: review or no-review; QA: approved, approved-subject-to-changes or resubmit; SAR findings: accepted or not-accepted'),
  reasons: Text('Needed for a decision not to review, and findings not accepted'),
  delayReason: Text('Why the stage is late'),
});

export const PersonInput = Type.Object({
  place: Type.String({ description: 'coordinator, independent-chair, author, agency-representative or other' }),
  userId: Text('Their account: it is given access to the case'), name: Text('Needed without an account'),
  agency: Text('The agency they represent'), independenceDeclaredOn: Text('YYYY-MM-DD'),
});

export const RecommendationInput = Type.Object({
  text: Type.String(), agency: Text('The agency it is made to'), national: Type.Optional(Type.Boolean()),
  agencyActions: Text('The agency’s actions'), owner: Text('Who owns it in the agency'), dueOn: Text('YYYY-MM-DD'), theme: Text('A theme code (docs/reviews.md)'),
});

export const RecommendationUpdateInput = Type.Object({
  status: Text('open, in-progress, completed or not-accepted; omit to keep'),
  note: Text('Needed to mark not accepted or to reopen'), evidence: Text('Needed to mark completed'),
});

export const ExportRow = Type.Object({
  partnership: Type.String(), review_kind: Type.String(), review_kind_label: Type.String(), case_reference: Type.String(), case_year: Type.Integer(),
  recommendation_number: Type.Integer(), recommendation: Type.String(), agency: Type.String(), national: Type.Boolean(), agency_actions: Type.String(),
  owner: Type.String(), due_on: Type.String(), status: Type.String(), status_label: Type.String(), status_since: Type.String(), overdue: Type.Boolean(),
  theme: Type.String(), theme_label: Type.String(), evidence: Type.String(),
});

export const AnnualSummary = Type.Object({
  year: Type.Integer(), notified: Type.Integer(), decidedToReview: Type.Integer(), decidedNotToReview: Type.Integer(), submitted: Type.Integer(),
  findingsAccepted: Type.Integer(), findingsNotAccepted: Type.Integer(), published: Type.Integer(),
  findingDecisionsAccepted: Type.Integer({ description: 'Single findings of safeguarding adults reviews accepted in the year' }),
  findingDecisionsNotAccepted: Type.Integer({ description: 'Single findings of safeguarding adults reviews not accepted (with reasons) in the year' }),
  byKind: Type.Array(Type.Object({ code: Type.String(), label: Type.String(), count: Type.Integer() })),
  recommendations: Type.Array(Type.Object({ status: Type.String(), count: Type.Integer() })),
});

export const PublishedReview = Type.Object({
  id: Id, kind: Type.String(), kindLabel: Type.String(), pseudonym: Type.String(), year: Type.Integer(), publishedOn: IsoDate, summary: Type.String(),
  publishedWhere: Nullable(Type.String()),
});

export const Kind = Type.Object({
  code: Type.String(), label: Type.String(), shortLabel: Type.String(), stageSet: Type.String({ description: 'dhr or sar: which stages it follows' }),
  decisionMonths: Type.Integer(), completionMonths: Type.Integer(), builtIn: Type.Boolean(),
});

export const KindInput = Type.Object({
  code: Type.String({ description: 'An existing code to change it (dhr, dardr, sar, joint), or a new one' }),
  label: Type.String(), shortLabel: Type.String(), stageSet: Type.String({ description: 'dhr or sar' }),
  decisionMonths: Type.Union([Type.Integer(), Type.String()]), completionMonths: Type.Union([Type.Integer(), Type.String()]),
});
