// Actions as the API shows them: camelCase, no partnership ids.
import type { Selectable } from 'kysely';
import type { ActionUpdatesTable } from './tables.ts';
import type { ActionView } from './store.ts';

export const presentAction = (a: ActionView) => ({
  id: a.id,
  bodyId: a.body_id,
  bodyName: a.body_name,
  meetingId: a.meeting_id,
  sourceKind: a.source_kind,
  sourceId: a.source_id,
  sourceText: a.source_text,
  description: a.description,
  owner: a.owner_person_id
    ? { kind: 'person' as const, id: a.owner_person_id, name: a.owner_name }
    : { kind: 'organisation' as const, id: a.owner_organisation_id ?? '', name: a.owner_name },
  ownerPersonId: a.owner_person_id,
  ownerOrganisationId: a.owner_organisation_id,
  dueOn: a.due_on,
  status: a.status,
  overdue: a.overdue,
  restricted: a.restricted,
});
export type PresentedAction = ReturnType<typeof presentAction>;

export const presentActionUpdate = (u: Selectable<ActionUpdatesTable>) => ({
  id: u.id,
  at: u.at.toISOString(),
  author: u.author_label,
  note: u.note,
  fromStatus: u.from_status,
  toStatus: u.to_status,
  fromDueOn: u.from_due_on,
  toDueOn: u.to_due_on,
});
