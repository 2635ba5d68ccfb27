// Where an action's words come from: a minute paragraph or resolution of the meetings
// module (read here, never written). An action quotes its source, so it is as restricted
// as the source: restricted when the clerk marked it so or when its source's item or
// section is held without press and public. That is worked out from the source when the
// action is made (never taken from the request), and again, in the same transaction,
// whenever the source's meeting changes (the meetings module calls followMinuteSources
// from its search reindex, which every change of a meeting's record runs).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type AuditActor } from '../../access/audit.ts';
import { indexActions } from './search.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type MinuteSourceKind = 'minute-paragraph' | 'resolution';

export interface MinuteSource {
  id: string;
  kind: MinuteSourceKind;
  text: string;
  meetingId: string;
  bodyId: string;
  itemCode: string;
  /** Its item or section is held without press and public. */
  restricted: boolean;
  agendaPublishedAt: Date | null;
  minutesPublishedAt: Date | null;
}

/** The minute paragraphs and resolutions of one meeting (or one record), with whether each is restricted. */
function sourcesQuery(partnershipId: string, where: { meetingId?: string; kind?: MinuteSourceKind; id?: string }) {
  const part = (table: 'minute_paragraphs' | 'resolutions', kind: MinuteSourceKind) => sql`
    select x.id, ${kind}::text as kind, x.text, x.meeting_id, m.body_id, i.code as item_code, (i.restricted or s.restricted) as restricted,
      m.agenda_published_at, m.minutes_published_at
    from ${sql.table(table)} x
    join agenda_items i on i.partnership_id = x.partnership_id and i.id = x.agenda_item_id
    join meeting_sections s on s.partnership_id = i.partnership_id and s.id = i.section_id
    join meetings m on m.partnership_id = x.partnership_id and m.id = x.meeting_id
    where x.partnership_id = ${partnershipId}
      ${where.meetingId ? sql`and x.meeting_id = ${where.meetingId}` : sql``}
      ${where.id ? sql`and x.id = ${where.id}` : sql``}`;
  const parts = [];
  if (!where.kind || where.kind === 'minute-paragraph') parts.push(part('minute_paragraphs', 'minute-paragraph'));
  if (!where.kind || where.kind === 'resolution') parts.push(part('resolutions', 'resolution'));
  return sql.join(parts, sql` union all `);
}

interface SourceRow {
  id: string; kind: MinuteSourceKind; text: string; meeting_id: string; body_id: string; item_code: string; restricted: boolean;
  agenda_published_at: Date | null; minutes_published_at: Date | null;
}

/** One minute paragraph or resolution of this partnership, or undefined. */
export async function findMinuteSource(db: Db, partnershipId: string, kind: MinuteSourceKind, id: string): Promise<MinuteSource | undefined> {
  const { rows } = await sql<SourceRow>`${sourcesQuery(partnershipId, { kind, id })}`.execute(db);
  const r = rows[0];
  return r && {
    id: r.id, kind: r.kind, text: r.text, meetingId: r.meeting_id, bodyId: r.body_id, itemCode: r.item_code, restricted: r.restricted,
    agendaPublishedAt: r.agenda_published_at, minutesPublishedAt: r.minutes_published_at,
  };
}

/**
 * Makes the restriction of every action made from this meeting's minutes match its source
 * again, with their search entries and an audit entry for each action that changed.
 * Returns the ids of the actions changed.
 */
export async function followMinuteSources(trx: Transaction<DB>, actor: AuditActor, partnershipId: string, meetingId: string): Promise<string[]> {
  const { rows: changed } = await sql<{ id: string; restricted: boolean; code: string }>`
    update actions a set restricted = a.marked_restricted or source.restricted, updated_at = now()
    from (${sourcesQuery(partnershipId, { meetingId })}) source
    where a.partnership_id = ${partnershipId} and a.source_kind = source.kind and a.source_id = source.id
      and a.restricted <> (a.marked_restricted or source.restricted)
    returning a.id, a.restricted, source.item_code as code`.execute(trx);
  if (!changed.length) return [];
  for (const c of changed) {
    await recordAudit(trx, actor, {
      action: 'update', recordType: 'action', recordId: c.id, before: { restricted: !c.restricted }, after: { restricted: c.restricted },
      summary: c.restricted
        ? `Restricted: the minutes it comes from (item ${c.code}) are now held without press and public`
        : `No longer restricted: the minutes it comes from (item ${c.code}) are no longer held without press and public`,
    });
  }
  const rows = await trx.selectFrom('actions').selectAll().where('partnership_id', '=', partnershipId).where('id', 'in', changed.map((c) => c.id)).execute();
  await indexActions(trx, rows);
  return changed.map((c) => c.id);
}
