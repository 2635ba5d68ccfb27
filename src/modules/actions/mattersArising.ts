// Matters arising: the actions a body's next agenda carries forward. The meetings module
// calls listMattersArising with the meeting's date; it gets presented actions (the same
// shape as the API), so it needs nothing of this module's tables.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { listActions } from './store.ts';
import { presentAction, type PresentedAction } from './presenters.ts';

/**
 * Open and in progress actions of the body that were recorded on or before `asOf`,
 * overdue ones first; `overdue` is judged on `asOf` (the meeting's date). Restricted
 * actions are included and say so: the caller places them in the restricted part of
 * the agenda, or leaves them out for readers who may not see them.
 */
export async function listMattersArising(
  db: Kysely<DB>, partnershipId: string, bodyId: string, asOf: string,
): Promise<PresentedAction[]> {
  const actions = await listActions(db, partnershipId, asOf, { bodyId, statuses: ['open', 'in-progress'] });
  return actions
    .filter((a) => a.created_at.toISOString().slice(0, 10) <= asOf)
    .map(presentAction);
}
