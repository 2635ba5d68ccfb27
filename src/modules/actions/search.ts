// Actions in the search index. Actions are never public; restricted ones are found
// only by those the policy entitles to the body's restricted business.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { indexForSearch } from '../search/index.ts';

export interface IndexableAction {
  partnership_id: string;
  id: string;
  body_id: string;
  meeting_id: string | null;
  description: string;
  source_text: string | null;
  restricted: boolean;
  created_at: Date;
}

export function indexActions(db: Kysely<DB> | Transaction<DB>, actions: IndexableAction[]): Promise<void> {
  return indexForSearch(db, actions.map((a) => ({
    partnershipId: a.partnership_id, kind: 'action', recordId: a.id, bodyId: a.body_id, meetingId: a.meeting_id,
    occurredOn: a.created_at.toISOString().slice(0, 10),
    title: a.description.length > 120 ? `${a.description.slice(0, 117)}…` : a.description,
    content: [a.description, a.source_text].filter(Boolean).join('\n'),
    url: `/actions/${a.id}`, restricted: a.restricted, public: false,
  })));
}
