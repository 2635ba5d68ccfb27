// What the policy is asked about meetings. Every path (pages, API, paper downloads)
// goes through these, so restricted business is decided in src/access/policy.ts only.
import { authorize, can, type Actor, type Resource } from '../../access/policy.ts';
import { recordRestrictedReads } from '../../access/audit.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** A restricted agenda item (section D) or anything of it: papers, minutes, declarations. */
export const restrictedItemResource = (bodyId: string): Resource => ({ type: 'agenda-item', restricted: true, bodyId });

/** Whether the actor may read the restricted business of this body's meetings. */
export const mayReadRestricted = (actor: Actor, bodyId: string) => can(actor, 'read', restrictedItemResource(bodyId));

/** One record of a meeting: restricted ones go to the policy, others are open. */
export function mayReadRecord(actor: Actor, record: { restricted: boolean }, bodyId: string): boolean {
  return record.restricted ? can(actor, 'read', restrictedItemResource(bodyId)) : true;
}

/** Throws not found (never forbidden) for a restricted record the actor may not read. */
export function authorizeRecord(actor: Actor, record: { restricted: boolean }, bodyId: string): void {
  if (record.restricted) authorize(actor, 'read', restrictedItemResource(bodyId));
}

/** The agenda is for the partnership's own people until it is published. */
export const agendaResource = (m: { body_id: string; agenda_published_at: Date | null }): Resource =>
  ({ type: 'agenda', bodyId: m.body_id, published: m.agenda_published_at !== null });

/** Minutes likewise, until they are published (marked draft until approved). */
export const minutesResource = (m: { body_id: string; minutes_published_at: Date | null }): Resource =>
  ({ type: 'minutes', bodyId: m.body_id, published: m.minutes_published_at !== null });

export const mayReadAgenda = (actor: Actor, m: { body_id: string; agenda_published_at: Date | null }) => can(actor, 'read', agendaResource(m));
export const mayReadMinutes = (actor: Actor, m: { body_id: string; minutes_published_at: Date | null }) => can(actor, 'read', minutesResource(m));

/** The clerk's team changes meetings; members and the public read them. */
export const meetingResource = (bodyId: string): Resource => ({ type: 'meeting', bodyId });

/**
 * Every read of restricted content is audited: one entry per restricted record shown.
 * Reads happen outside any change, so they are written straight away.
 */
export async function auditRestrictedReads(
  db: Kysely<DB>, actor: Actor, records: { recordType: string; id: string; summary: string }[],
): Promise<void> {
  await recordRestrictedReads(db, actor, records);
}
