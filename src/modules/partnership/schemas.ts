// Request and response schemas of the partnership API, for validation and the OpenAPI document.
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Id = Type.String({ format: 'uuid' });

export const IdParams = Type.Object({ id: Type.String() });

export const Organisation = Type.Object({
  id: Id, name: Type.String(), shortName: Nullable(Type.String()), kind: Type.String(),
  statutory: Type.Boolean(), website: Nullable(Type.String()),
});
export const OrganisationInput = Type.Object({
  name: Type.String({ description: 'Full name, e.g. "Northshire Fire and Rescue Service"' }),
  shortName: Type.Optional(Nullable(Type.String())),
  kind: Type.String({ description: 'county-council, district-council, unitary-council, police, fire-and-rescue, probation, health, pcc, voluntary, other' }),
  statutory: Type.Optional(Type.Boolean()),
  website: Type.Optional(Nullable(Type.String())),
});

export const Person = Type.Object({
  id: Id, name: Type.String(), honorific: Nullable(Type.String()), givenName: Nullable(Type.String()),
  familyName: Type.String(), honours: Nullable(Type.String()), jobTitle: Nullable(Type.String()),
  organisationId: Nullable(Id), email: Nullable(Type.String()), phone: Nullable(Type.String()),
});
export const PersonInput = Type.Object({
  honorific: Type.Optional(Nullable(Type.String())), givenName: Type.Optional(Nullable(Type.String())),
  familyName: Type.String(), honours: Type.Optional(Nullable(Type.String())), jobTitle: Type.Optional(Nullable(Type.String())),
  organisationId: Type.Optional(Nullable(Type.String())), email: Type.Optional(Nullable(Type.String())), phone: Type.Optional(Nullable(Type.String())),
});

export const Body = Type.Object({
  id: Id, name: Type.String(), shortName: Nullable(Type.String()), kind: Type.String(),
  parentId: Nullable(Id), description: Nullable(Type.String()),
});
export const BodyInput = Type.Object({
  name: Type.String(), shortName: Type.Optional(Nullable(Type.String())), kind: Type.String({ description: 'board, subgroup or panel' }),
  parentId: Type.Optional(Nullable(Type.String())), description: Type.Optional(Nullable(Type.String())),
});

export const Membership = Type.Object({
  id: Id, personId: Id, bodyId: Id, role: Type.String(), organisationId: Nullable(Id),
  startsOn: IsoDate, endsOn: Nullable(IsoDate),
});
export const MembershipInput = Type.Object({
  personId: Type.String(), bodyId: Type.Optional(Type.String()), role: Type.String({ description: 'chair, vice-chair, member, substitute, adviser, officer' }),
  organisationId: Type.Optional(Nullable(Type.String())), startsOn: Type.String(), endsOn: Type.Optional(Nullable(Type.String())),
});

export const Election = Type.Object({
  id: Id, bodyId: Id, role: Type.String(), nomineeId: Id, moverId: Nullable(Id), seconderId: Nullable(Id),
  meetingId: Nullable(Id), heldOn: IsoDate, result: Type.String(), membershipId: Nullable(Id),
});
export const ElectionInput = Type.Object({
  role: Type.String({ description: 'chair or vice-chair' }), nomineeId: Type.String(),
  moverId: Type.Optional(Nullable(Type.String())), seconderId: Type.Optional(Nullable(Type.String())),
  meetingId: Type.Optional(Nullable(Type.String())), heldOn: Type.String(), result: Type.Optional(Type.String({ description: 'elected (default) or not elected' })),
});

export const TermsOfReference = Type.Object({
  id: Id, bodyId: Id, version: Type.Integer(), agreedOn: IsoDate, reviewDueOn: IsoDate, summary: Type.String(),
});
export const TermsOfReferenceInput = Type.Object({ agreedOn: Type.String(), summary: Type.String() });

export const SharingAgreement = Type.Object({ id: Id, title: Type.String(), version: Type.String(), effectiveOn: IsoDate });
export const SharingAgreementInput = Type.Object({ title: Type.String(), version: Type.String(), effectiveOn: Type.String() });
export const SignatureInput = Type.Object({ organisationId: Type.String(), signedOn: Type.String(), signedBy: Type.Optional(Nullable(Type.String())) });

export const ListOf = <T extends TSchema>(t: T) => Type.Object({ items: Type.Array(t) });

// People, bodies, memberships and elections: the shapes with their related records.
export const PeopleQuery = Type.Object({
  organisationId: Type.Optional(Type.String({ description: 'Only the people of this organisation' })),
  sort: Type.Optional(Type.String({ description: 'family-name (default), family-name-desc or organisation' })),
});
const MembershipPeriod = Type.String({ description: 'current, upcoming or past, as of today' });
export const MembershipOfPerson = Type.Composite([Membership, Type.Object({
  bodyName: Type.String(), organisationName: Nullable(Type.String()), period: MembershipPeriod,
})]);
export const MembershipOfBody = Type.Composite([Membership, Type.Object({
  personName: Type.String(), organisationName: Nullable(Type.String()), period: MembershipPeriod,
})]);
export const PersonWithMemberships = Type.Composite([Person, Type.Object({
  organisationName: Nullable(Type.String()), memberships: Type.Array(MembershipOfPerson),
})]);
export const BodyWithMembers = Type.Composite([Body, Type.Object({
  subgroupIds: Type.Array(Id), members: Type.Array(MembershipOfBody),
})]);
export const MembershipEndInput = Type.Object({ endsOn: Type.String({ description: 'YYYY-MM-DD: the last day the membership is held' }) });
