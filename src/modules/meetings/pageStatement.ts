// The signed-in meeting page in one statement (issue 19). What the page reads besides its
// record kept in memory (recordCache.ts) is read in the session's own statement
// (access/sessions.ts, SessionRider): the meeting's record counter, and the matters arising
// of the kept record's body and date (actions are read fresh each time, never kept). A
// reader of restricted business has each restricted read audited; that entry is written
// by the same statement, for the actor the session gave on its last request and the view
// the kept record gives that actor, and only when the statement finds the session gives
// that very actor again (sessions.ts's `unchanged`) and the meeting is still at the kept
// record's counter: then the view built in advance is the one the page shows, so the
// entries are the ones the page would write, and a request the checks refuse writes none.
// Anything else (no kept record, a changed actor or meeting, a query string that could be
// refused) goes on as before: the view is built after the statement and its reads audited
// then, less any the statement wrote.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { DB } from '../../db/schema.ts';
import { can, ukToday, type Actor } from '../../access/policy.ts';
import type { SessionRider } from '../../access/sessions.ts';
import { isUuid } from '../../web/forms.ts';
import { mattersArisingRows } from '../actions/mattersArising.ts';
import type { ActionRow } from '../actions/store.ts';
import { peekRecord } from './recordCache.ts';
import { buildMeetingView, type MeetingView } from './record.ts';
import type { MeetingRecord } from './store.ts';

/** One audit entry of a read, as auditRestrictedReads takes it. */
export interface Read { recordType: string; id: string; summary: string }

/** The summary of an action's read as a matter arising (reading.ts writes the same). */
export const MATTER_ARISING_READ = 'Read as a matter arising';

/** Whether the actor may read the body's restricted actions (reading.ts asks the policy the same for each action). */
export const readsRestrictedActions = (actor: Actor, bodyId: string) => can(actor, 'read', { type: 'action', published: false, restricted: true, bodyId });

export class MeetingPageStatement implements SessionRider {
  /** The meeting's record counter as the statement read it; null when there is no such meeting. */
  version: number | null = null;
  /** The matters arising of the kept record's body and date, read in the statement; null when not read or not the meeting's now. */
  matters: ActionRow[] | null = null;
  /** Reads the statement wrote to the audit log (written again by nobody). */
  audited: Read[] = [];
  /** The view built in advance for the session's last actor, from the record kept at `keptVersion`; to be used only while `unchanged`. */
  predicted: { record: MeetingRecord; view: MeetingView; day: string } | null = null;
  /** The session gave the same actor as on its last request, and passes every check. */
  unchanged = false;
  #keptVersion: number | null = null;

  readonly #db: Kysely<DB>;
  readonly partnershipId: string;
  readonly meetingId: string;
  readonly #auditInAdvance: boolean;

  constructor(db: Kysely<DB>, partnershipId: string, meetingId: string, auditInAdvance: boolean) {
    this.#db = db;
    this.partnershipId = partnershipId;
    this.meetingId = meetingId;
    this.#auditInAdvance = auditInAdvance;
  }

  statement({ session, previous, unchanged }: Parameters<SessionRider['statement']>[0]) {
    const { partnershipId, meetingId } = this;
    const withVersion = session.select((eb) => eb.selectFrom('meeting_versions').select('version')
      .where('meeting_versions.partnership_id', '=', partnershipId).where('meeting_versions.meeting_id', '=', meetingId).as('meeting_version'));
    const kept = peekRecord(this.#db, partnershipId, meetingId);
    if (!kept) return { session: withVersion };
    this.#keptVersion = kept.version;
    const { record } = kept;
    const day = ukToday();
    const view = previous && unchanged ? buildMeetingView(record, previous, { laterMeetings: record.laterMeetings }) : null;
    if (view) this.predicted = { record, view, day };
    // As mattersArisingFor: only when the page lists them (for this reader, when known).
    const listsMatters = (view ? view.items : record.items).some((i) => i.kind === 'matters-arising');
    const matters = listsMatters ? mattersArisingRows(this.#db, partnershipId, record.meeting.body_id, record.meeting.meets_on) : null;
    const audit = view && previous && unchanged && this.#auditInAdvance ? advanceAudit(view, previous, record.meeting.body_id, listsMatters) : null;
    const parts: RawBuilder<unknown>[] = [];
    if (matters) parts.push(sql`matters as ${matters}`);
    if (audit) {
      const actions = audit.actions && matters
        ? sql`union all select 'action', matters.id::text, ${MATTER_ARISING_READ} from matters where matters.restricted` : sql``;
      parts.push(sql`audited as (
        insert into audit_log (partnership_id, actor_user_id, actor_label, action, record_type, record_id, summary)
        select ${partnershipId}::uuid, session."userId", session.display_name, 'read', r.record_type, r.record_id, r.summary
        from session cross join (
          select x.record_type, x.record_id, x.summary from jsonb_to_recordset(${JSON.stringify(audit.records)}::jsonb) as x(record_type text, record_id text, summary text)
          ${actions}
        ) r
        where session.meeting_version = ${kept.version} and ${unchanged}
        returning record_type, record_id, summary)`);
    }
    const columns: RawBuilder<unknown>[] = [];
    if (unchanged) columns.push(sql`${unchanged} as unchanged`);
    if (matters) columns.push(sql`(select coalesce(json_agg(m order by m.due_on, m.created_at), '[]') from matters m) as matters`);
    if (audit) columns.push(sql`(select coalesce(json_agg(json_build_object('recordType', a.record_type, 'id', a.record_id, 'summary', a.summary)), '[]') from audited a) as audited`);
    return { session: withVersion, with: parts, columns };
  }

  /** Takes the statement's row, once the session has been found good. */
  took(row: Record<string, unknown>): void {
    this.version = row.meeting_version == null ? null : Number(row.meeting_version);
    this.unchanged = row.unchanged === true;
    if (this.version === null || this.version !== this.#keptVersion) this.unchanged = false;
    if (!this.unchanged || this.predicted?.day !== ukToday()) this.predicted = null;
    this.audited = (row.audited as Read[] | undefined) ?? [];
    const matters = row.matters as (ActionRow & { created_at: string | Date; updated_at: string | Date })[] | undefined;
    this.matters = matters && this.version !== null && this.version === this.#keptVersion
      ? matters.map((a) => ({ ...a, created_at: new Date(a.created_at), updated_at: new Date(a.updated_at) }))
      : null;
  }
}

/** The reads the view shows this actor, to be written with the session; `actions`: the body's restricted matters arising too. */
function advanceAudit(view: MeetingView, actor: Actor, bodyId: string, listsMatters: boolean) {
  const actions = listsMatters && actor.kind === 'user' && readsRestrictedActions(actor, bodyId);
  if (actor.kind !== 'user' || (!view.restrictedShown.length && !actions)) return null;
  return { records: view.restrictedShown.map((r) => ({ record_type: r.recordType, record_id: r.id, summary: r.summary })), actions };
}

/**
 * The rider for GET /meetings/:id (pages.routes.ts). Entries are written in advance only for a
 * GET without a query string or a body: the app's input checks, which run after the session,
 * could refuse one with them.
 */
export function meetingPageStatement(req: FastifyRequest, db: Kysely<DB>, partnershipId: string): MeetingPageStatement | null {
  const id = (req.params as { id?: string }).id;
  if (!id || !isUuid(id)) return null;
  const plain = req.method === 'GET' && !req.url.includes('?') && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
  return new MeetingPageStatement(db, partnershipId, id, plain);
}
