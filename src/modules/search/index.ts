// What other modules call to keep the search index in step with their records, inside
// the same transaction as the change, so the index never shows what was rolled back.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { cleanContent, joinedForms, type SearchKind } from './domain.ts';

export interface SearchEntry {
  partnershipId: string;
  kind: SearchKind;
  recordId: string;
  bodyId: string | null;
  meetingId?: string | null;
  occurredOn: string | null;
  title: string;
  content: string;
  url: string;
  /** Held without press and public; only those the policy entitles see it. */
  restricted: boolean;
  /** Published to the public (and not restricted). */
  public: boolean;
}

export async function indexForSearch(db: Kysely<DB> | Transaction<DB>, entries: SearchEntry[]): Promise<void> {
  if (!entries.length) return;
  const rows = entries.map((e) => ({
    partnership_id: e.partnershipId, kind: e.kind, record_id: e.recordId, body_id: e.bodyId, meeting_id: e.meetingId ?? null,
    occurred_on: e.occurredOn, title: cleanContent(e.title).slice(0, 500), content: cleanContent(e.content), url: e.url,
    aliases: joinedForms(`${e.title} ${e.content}`),
    restricted: e.restricted, public: e.public && !e.restricted, updated_at: new Date(),
  }));
  // Batches keep each statement's parameter count well below PostgreSQL's limit.
  for (let i = 0; i < rows.length; i += 500) {
    await db.insertInto('search_entries').values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['partnership_id', 'kind', 'record_id']).doUpdateSet((eb) => ({
        body_id: eb.ref('excluded.body_id'), meeting_id: eb.ref('excluded.meeting_id'), occurred_on: eb.ref('excluded.occurred_on'),
        title: eb.ref('excluded.title'), content: eb.ref('excluded.content'), url: eb.ref('excluded.url'), aliases: eb.ref('excluded.aliases'),
        restricted: eb.ref('excluded.restricted'), public: eb.ref('excluded.public'), updated_at: eb.ref('excluded.updated_at'),
      })))
      .execute();
  }
}

export async function removeFromSearch(db: Kysely<DB> | Transaction<DB>, partnershipId: string, kind: SearchKind, recordIds: string[]): Promise<void> {
  if (!recordIds.length) return;
  await db.deleteFrom('search_entries').where('partnership_id', '=', partnershipId).where('kind', '=', kind).where('record_id', 'in', recordIds).execute();
}

/** Publishing or unpublishing a meeting changes what the public may find of it. */
export async function setMeetingPublic(db: Kysely<DB> | Transaction<DB>, partnershipId: string, meetingId: string, kinds: SearchKind[], isPublic: boolean): Promise<void> {
  if (!kinds.length) return;
  await db.updateTable('search_entries').set({ public: isPublic })
    .where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).where('kind', 'in', kinds)
    .where('restricted', '=', false)
    .execute();
}
