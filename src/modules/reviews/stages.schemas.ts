// Request and response schemas of the working stages' API (agency requests, family,
// quality assurance, documents, safeguarding adults reviews), for validation and OpenAPI.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Id = Type.String({ format: 'uuid' });
const Text = (description: string) => Type.Optional(Nullable(Type.String({ description })));

export const RequestParams = Type.Object({ id: Type.String(), requestId: Type.String() });
export const ItemParams = Type.Object({ id: Type.String(), itemId: Type.String() });
export const DocParams = Type.Object({ id: Type.String(), docId: Type.String() });
export const FindingParams = Type.Object({ id: Type.String(), findingId: Type.String() });

export const AgencyRequest = Type.Object({
  id: Id, caseId: Id, caseReference: Type.String({ description: 'Pseudonym and year' }),
  what: Type.String({ description: 'chronology or agency-report' }), whatLabel: Type.String(), agency: Type.String(),
  contactName: Type.String(), contactEmail: Type.String(), requestedOn: IsoDate, dueOn: IsoDate, receivedOn: Nullable(IsoDate), documentId: Nullable(Id),
  state: Type.String({ description: 'received, overdue or awaiting' }), stateLabel: Type.String(), daysLate: Type.Integer(), chases: Type.Integer(),
  history: Type.Array(Type.Object({ kind: Type.String({ description: 'sent, chased or received' }), on: IsoDate, note: Nullable(Type.String()), by: Type.String(), at: Type.String({ format: 'date-time' }) })),
});
export const AgencyRequestInput = Type.Object({
  what: Type.String({ description: 'chronology or agency-report' }), agency: Type.String(), contactName: Type.String(), contactEmail: Type.String(),
  dueOn: Type.String({ description: 'YYYY-MM-DD, after today' }),
});
export const ChaseInput = Type.Object({ note: Text('A line added to the reminder') });

export const FamilyEntry = Type.Object({ id: Id, kind: Type.String(), kindLabel: Type.String(), happenedOn: IsoDate, who: Nullable(Type.String()), details: Type.String() });
export const FamilyEntryInput = Type.Object({
  kind: Type.String({ description: 'contact, offer, meeting or naming' }), happenedOn: Type.String({ description: 'YYYY-MM-DD' }),
  who: Text('Who (required for a contact and a meeting)'), details: Type.String(),
});

export const CopySent = Type.Object({ id: Id, recipient: Type.String(), sentOn: IsoDate, how: Nullable(Type.String()) });
export const CopySentInput = Type.Object({
  recipient: Type.String({ description: 'Who was sent a copy of the published review, for example the Domestic Abuse Commissioner' }),
  sentOn: Type.String({ description: 'YYYY-MM-DD, on or after publication' }), how: Text('How it was sent'),
});

export const Feedback = Type.Object({
  id: Id, number: Type.Integer(), text: Type.String(), status: Type.String({ description: 'open, addressed or not-accepted' }), statusLabel: Type.String(),
  response: Nullable(Type.String()), updatedAt: Type.String({ format: 'date-time' }),
});
export const QaView = Type.Object({
  submittedOn: Nullable(IsoDate), meetingOn: Nullable(IsoDate), outcome: Nullable(Type.String({ description: 'approved, approved-subject-to-changes or resubmit' })),
  resubmittedOn: Nullable(IsoDate), feedback: Type.Array(Feedback), openFeedback: Type.Integer(),
});
export const QaInput = Type.Object({
  submittedOn: Type.String({ description: 'YYYY-MM-DD' }), meetingOn: Text('YYYY-MM-DD, on or after submission'),
  outcome: Text('approved, approved-subject-to-changes or resubmit'), resubmittedOn: Text('YYYY-MM-DD, on or after the meeting'),
});
export const FeedbackInput = Type.Object({ text: Type.String() });
export const FeedbackUpdateInput = Type.Object({ status: Type.String({ description: 'open, addressed or not-accepted' }), response: Text('The response; required when not accepted') });

export const ReviewDocument = Type.Object({
  id: Id, kind: Type.String({ description: 'draft, agency-report, published-report or other' }), kindLabel: Type.String(), title: Type.String(), fileName: Type.String(),
  mediaType: Type.String(), byteSize: Type.Integer(), sha256: Type.String(), published: Type.Boolean(), uploadedAt: Type.String({ format: 'date-time' }),
});

export const Finding = Type.Object({
  id: Id, number: Type.Integer(), text: Type.String(), decision: Nullable(Type.String({ description: 'accepted or not-accepted' })), decisionLabel: Type.String(),
  reasons: Nullable(Type.String()), decidedOn: Nullable(IsoDate),
});
export const SarView = Type.Object({
  markers: Type.Array(Type.Object({ code: Type.String(), label: Type.String(), met: Type.Boolean() })),
  findings: Type.Array(Finding),
});
export const MarkersInput = Type.Object({ markers: Type.Array(Type.String(), { description: 'The codes of the markers met; the whole list is replaced' }) });
export const FindingInput = Type.Object({
  text: Type.String(), decision: Text('accepted or not-accepted'), decidedOn: Text('YYYY-MM-DD'), reasons: Text('Required when not accepted'),
});
export const FindingDecisionInput = Type.Object({ decision: Type.String({ description: 'accepted or not-accepted' }), decidedOn: Type.String({ description: 'YYYY-MM-DD' }), reasons: Text('Required when not accepted') });
